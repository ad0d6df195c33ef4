#pragma once

// second factor by TOTP (RFC 6238) with authenticator apps, plus the base32 and otpauth://
// glue those apps need.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.hpp"

namespace vp::auth {

inline constexpr int kTotpDigits = 6;
inline constexpr std::int64_t kTotpStepSeconds = 30;
/// 160 bits: the HMAC-SHA-1 block-friendly size RFC 4226 §4 recommends.
inline constexpr std::size_t kTotpSecretBytes = 20;

/// @brief RFC 4226 HOTP value for `counter`: HMAC-SHA-1, dynamic truncation, `digits` decimal
/// digits, zero-padded on the left.
/// Preconditions (asserted): `secret` is not empty; 6 <= digits <= 8.
std::string HotpCode(std::span<const unsigned char> secret, std::uint64_t counter, int digits = kTotpDigits);

/// @brief RFC 6238 TOTP code for the 30-second step containing `unix_seconds`.
/// `digits` is 6 in production (what authenticator apps show); 8 exists to check against the
/// RFC 6238 Appendix B vectors. Preconditions (asserted): as HotpCode, and unix_seconds >= 0.
std::string TotpCode(std::span<const unsigned char> secret, std::int64_t unix_seconds, int digits = kTotpDigits);

/// @brief The time-step counter (unix_seconds / 30, rounded down) that `unix_seconds` falls in.
std::int64_t TotpStep(std::int64_t unix_seconds);

/// @brief Checks a 6-digit code typed by the user against the steps from `window` steps before to
/// `window` steps after the step of `unix_seconds` (clock drift between phone and server).
/// ASCII spaces in `code` are ignored ("123 456" as some apps display it).
/// @returns the matched time-step counter, or std::nullopt if the code is malformed or matches no
/// step in the window. The caller must persist the counter of the last accepted code and refuse a
/// result <= that value: that is the replay protection RFC 6238 §5.2 asks for, and this pure
/// function cannot do it. Comparison is constant-time, and every step of the window is computed
/// whether or not an earlier one matched. Preconditions (asserted): secret not empty,
/// 0 <= window <= 10.
std::optional<std::int64_t> VerifyTotp(std::span<const unsigned char> secret, std::string_view code,
                                       std::int64_t unix_seconds, int window = 1);

/// @brief A new random TOTP secret of kTotpSecretBytes from libsodium's CSPRNG.
/// Throws std::runtime_error only if libsodium cannot initialise.
std::vector<unsigned char> GenerateTotpSecret();

/// @brief RFC 4648 §6 base32, upper case, *without* '=' padding (the form authenticator apps and
/// otpauth:// URIs expect).
std::string Base32Encode(std::span<const unsigned char> data);

/// @brief Decodes RFC 4648 base32 as a user may type or paste it: case-insensitive, ASCII spaces
/// ignored, trailing '=' padding optional. Unused trailing bits are ignored.
/// @returns the bytes, or kInvalidInput for any other character, '=' before the end, or a length
/// no encoder can produce (1, 3 or 6 symbols in the last group).
core::Result<std::vector<unsigned char>> TryBase32Decode(std::string_view text);

/// @brief Key URI for authenticator apps (Google Authenticator "Key Uri Format"):
/// `otpauth://totp/<issuer>:<account>?secret=<secret_b32>&issuer=<issuer>`.
/// `issuer` and `account` are percent-encoded (UTF-8 bytes; everything except RFC 3986 unreserved
/// characters), so Vietnamese names survive. The format forbids ':' inside issuer and account;
/// it is percent-encoded here, but callers should not pass it. An empty issuer gives the label
/// `<account>` and no issuer parameter. `secret_b32` is inserted as given: pass Base32Encode output.
std::string OtpauthUri(std::string_view issuer, std::string_view account, std::string_view secret_b32);

}  // namespace vp::auth
