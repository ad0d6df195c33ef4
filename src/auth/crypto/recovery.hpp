#pragma once

// X-3 / P-8: one-time recovery codes and the random tokens used for sessions, CSRF and API access.
// Only HashToken / HashRecoveryCode values are ever stored, never the tokens themselves.

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace vp::auth {

/// Characters of a recovery code: lower-case letters and digits minus the look-alikes 0/o, 1/l/i
/// (codes are read off paper and typed by hand).
inline constexpr std::string_view kRecoveryAlphabet = "23456789abcdefghjkmnpqrstuvwxyz";
inline constexpr int kRecoveryGroups = 3;
inline constexpr int kRecoveryGroupLength = 4;

/// @brief `n` distinct one-time recovery codes such as "ab3k-9xq2-m7pe": 3 groups of 4 symbols
/// from kRecoveryAlphabet (31 symbols: 12 * log2(31) ≈ 59 bits each), from libsodium's CSPRNG.
/// Show them to the user once; store only HashRecoveryCode(code).
/// Precondition (asserted): 1 <= n <= 100. Throws std::runtime_error only if libsodium cannot
/// initialise.
std::vector<std::string> GenerateRecoveryCodes(int n = 10);

/// @brief The canonical form of a typed recovery code: ASCII letters lower-cased, spaces and '-'
/// removed ("AB3K 9XQ2-M7PE" -> "ab3k9xq2m7pe"). Does not check the alphabet: a mistyped code
/// simply matches no stored hash.
std::string NormalizeRecoveryCode(std::string_view code);

/// @brief HashToken(NormalizeRecoveryCode(code)): what to store at generation and to look up when
/// a code is used, so that case and separators typed by the user do not matter.
std::string HashRecoveryCode(std::string_view code);

/// @brief SHA-256 of `token` as 64 lower-case hex characters (libsodium crypto_hash_sha256).
/// An unsalted fast hash is enough *only* for high-entropy random tokens (RandomToken, recovery
/// codes): guessing the input is infeasible anyway. Never use it for passwords (PasswordHasher).
std::string HashToken(std::string_view token);

/// @brief `bytes` random bytes from libsodium's CSPRNG, encoded as URL-safe base64 without padding
/// (43 characters for the default 32 bytes = 256 bits). Safe in URLs, cookies and headers without
/// further escaping. Used for session ids, CSRF tokens and API tokens.
/// Precondition (asserted): 16 <= bytes <= 1024 (fewer than 128 bits is never enough).
/// Throws std::runtime_error only if libsodium cannot initialise.
std::string RandomToken(std::size_t bytes = 32);

}  // namespace vp::auth
