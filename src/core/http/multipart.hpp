#pragma once
// multipart/form-data request bodies (RFC 7578 over the framing of RFC 2046 5.1).
//
// Written by hand: no Debian 12 -dev library parses a form-data body held in memory with
// bounded limits. Boost.Beast has no multipart parser; libmicrohttpd's post processor works only
// on a connection of its own server; GMime and mimetic are e-mail MIME parsers (unbounded
// nesting, transfer encodings, GLib or exceptions, no form-data names, no RFC 5987 `filename*`).
// The format is small, and parsing over a string_view lets each part be a view into the request
// body instead of a copy of a file of many megabytes.

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/http/types.hpp"
#include "core/result.hpp"

namespace vp::core::http {

/// Bounds on what a form may hold; going past one is an error, never a truncation.
struct MultipartLimits {
    std::size_t max_parts = 16;
    std::size_t max_header_bytes = 8 * 1024;  ///< one part's header block
    std::size_t max_file_bytes = 64u << 20;   ///< one part with a filename (a file)
    std::size_t max_field_bytes = 64 * 1024;  ///< one part without a filename (a text field)
};

/// @brief One part of a form. `body` is a view into the parsed body: it lives as long as that.
struct MultipartPart {
    std::string name;  ///< the form field's name: valid UTF-8 in NFC, no control characters
    /// The file name as sent (`filename*` of RFC 5987 preferred over `filename`), valid UTF-8 in
    /// NFC without control characters; nullopt for a plain field. Untrusted: it may hold path
    /// parts ("../../x") or any other text, so it is never a path and must be sanitised before it
    /// is shown or stored (media::SanitizeFilename).
    std::optional<std::string> filename;
    /// The declared media type, lower-cased, without parameters ("text/plain" when the part
    /// declares none, as RFC 7578 4.4 says). Untrusted as well.
    std::string content_type;
    std::string_view body;
};

struct Multipart {
    std::vector<MultipartPart> parts;
    /// The first part named `name`; nullptr when none.
    const MultipartPart* Find(std::string_view name) const;
    /// The first part named `name` that has no filename, as text; nullopt when none (a text field
    /// must be valid UTF-8: checked by the parser).
    std::optional<std::string> Field(std::string_view name) const;
};

/// The boundary of a `multipart/form-data; boundary=...` Content-Type (token or quoted, 1–70
/// characters of RFC 2046's bchars). An error (400) for another media type or a missing or
/// malformed boundary.
Result<std::string> MultipartBoundary(std::string_view content_type);

/// Parses a whole form-data body. Every part needs `Content-Disposition: form-data; name=...`;
/// text fields must be valid UTF-8; header lines must not hold bare CR, LF or NUL, nor folded
/// lines; base64 or quoted-printable parts are refused (RFC 7578 4.7 deprecates them). Errors
/// (400, or 413 for a part larger than its limit) for a missing or misplaced boundary, a body
/// cut short, too many parts or too large a header block; the preamble and epilogue are ignored.
/// Never throws on any input.
Result<Multipart> ParseMultipart(std::string_view body, std::string_view boundary, const MultipartLimits& limits = {});

/// MultipartBoundary of the request's Content-Type, then ParseMultipart of its body.
Result<Multipart> ParseMultipart(const Request& req, const MultipartLimits& limits = {});

}  // namespace vp::core::http
