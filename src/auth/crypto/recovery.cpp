#include "auth/crypto/recovery.hpp"

#include <sodium.h>

#include <algorithm>
#include <cassert>
#include <set>

#include "auth/crypto/sodium_init.hpp"

namespace vp::auth {

std::vector<std::string> GenerateRecoveryCodes(int n) {
    assert(n >= 1 && n <= 100);
    detail::EnsureSodium();
    std::set<std::string> seen;
    std::vector<std::string> codes;
    codes.reserve(static_cast<std::size_t>(n));
    while (codes.size() < static_cast<std::size_t>(n)) {
        std::string code;
        for (int g = 0; g < kRecoveryGroups; ++g) {
            if (g > 0) code += '-';
            for (int i = 0; i < kRecoveryGroupLength; ++i) {
                // randombytes_uniform avoids the modulo bias of `random % 31`.
                code += kRecoveryAlphabet[randombytes_uniform(static_cast<std::uint32_t>(kRecoveryAlphabet.size()))];
            }
        }
        // A collision at 59 bits is practically impossible, but two equal codes would let one
        // use consume both, so the guarantee is cheap to make exact.
        if (seen.insert(code).second) codes.push_back(std::move(code));
    }
    return codes;
}

std::string NormalizeRecoveryCode(std::string_view code) {
    std::string out;
    out.reserve(code.size());
    for (char c : code) {
        if (c == ' ' || c == '-') continue;
        out.push_back((c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c);
    }
    return out;
}

std::string HashRecoveryCode(std::string_view code) { return HashToken(NormalizeRecoveryCode(code)); }

std::string HashToken(std::string_view token) {
    detail::EnsureSodium();
    unsigned char digest[crypto_hash_sha256_BYTES];
    crypto_hash_sha256(digest, reinterpret_cast<const unsigned char*>(token.data()), token.size());
    char hex[crypto_hash_sha256_BYTES * 2 + 1];
    sodium_bin2hex(hex, sizeof hex, digest, sizeof digest);
    return std::string(hex, crypto_hash_sha256_BYTES * 2);
}

std::string RandomToken(std::size_t bytes) {
    assert(bytes >= 16 && bytes <= 1024);
    detail::EnsureSodium();
    std::vector<unsigned char> raw(bytes);
    randombytes_buf(raw.data(), raw.size());
    constexpr int kVariant = sodium_base64_VARIANT_URLSAFE_NO_PADDING;
    std::string encoded(sodium_base64_ENCODED_LEN(bytes, kVariant), '\0');
    sodium_bin2base64(encoded.data(), encoded.size(), raw.data(), raw.size(), kVariant);
    encoded.resize(encoded.size() - 1);  // ENCODED_LEN counts the terminating NUL
    sodium_memzero(raw.data(), raw.size());
    return encoded;
}

}  // namespace vp::auth
