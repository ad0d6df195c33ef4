#pragma once

// the QR code shown when a user enrols an authenticator app.

#include <string>
#include <string_view>

namespace vp::auth {

/// @brief Renders `text` (typically an OtpauthUri) as a QR code (libqrencode, error correction
/// level M, mode chosen automatically) in a compact standalone SVG element, safe to embed inline
/// in HTML: black modules as a single <path> over a white <rect>, a 4-module quiet zone,
/// `viewBox` in module units, `shape-rendering="crispEdges"`, and a default size of 4 px per
/// module that CSS may override. `text` itself never appears in the output (it may hold a secret),
/// so no escaping is involved.
/// Throws std::invalid_argument if `text` contains a NUL byte, std::length_error if it is too long
/// for a QR code (about 2,300 bytes at level M), std::bad_alloc if out of memory. All three are
/// programmer errors for our short URIs, so they are exceptions rather than Results.
std::string QrSvg(std::string_view text);

}  // namespace vp::auth
