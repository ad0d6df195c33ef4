#include "auth/crypto/totp.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <sodium.h>

#include <array>
#include <cassert>
#include <stdexcept>

#include "auth/crypto/sodium_init.hpp"

namespace vp::auth {
namespace {

// Hand-written: Debian packages no small C/C++ base32 library (OpenSSL and libsodium offer only
// base64 and hex), and RFC 4648 base32 is a few lines.
constexpr std::string_view kBase32Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

int Base32Value(char c) {
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a';
    if (c >= '2' && c <= '7') return c - '2' + 26;
    return -1;
}

constexpr std::uint32_t kPowersOfTen[] = {1, 10, 100, 1'000, 10'000, 100'000, 1'000'000, 10'000'000, 100'000'000};

bool IsUnreserved(unsigned char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.' ||
           c == '_' || c == '~';
}

// Hand-written: Boost.URL could do this, but auth_crypto should not pull Boost in for one loop.
std::string PercentEncode(std::string_view text) {
    static constexpr char kHex[] = "0123456789ABCDEF";
    std::string out;
    out.reserve(text.size());
    for (char ch : text) {
        const auto c = static_cast<unsigned char>(ch);
        if (IsUnreserved(c)) {
            out.push_back(ch);
        } else {
            out.push_back('%');
            out.push_back(kHex[c >> 4]);
            out.push_back(kHex[c & 0x0F]);
        }
    }
    return out;
}

}  // namespace

std::string HotpCode(std::span<const unsigned char> secret, std::uint64_t counter, int digits) {
    assert(!secret.empty());
    assert(digits >= 6 && digits <= 8);

    std::array<unsigned char, 8> message{};
    for (int i = 7; i >= 0; --i) {
        message[static_cast<std::size_t>(i)] = static_cast<unsigned char>(counter & 0xFF);
        counter >>= 8;
    }
    std::array<unsigned char, EVP_MAX_MD_SIZE> mac{};
    unsigned int mac_len = 0;
    // The one-shot HMAC() is not deprecated in OpenSSL 3 (only HMAC_CTX is).
    if (HMAC(EVP_sha1(), secret.data(), static_cast<int>(secret.size()), message.data(), message.size(), mac.data(),
             &mac_len) == nullptr ||
        mac_len != 20) {
        throw std::runtime_error("HMAC-SHA-1 failed");
    }
    // RFC 4226 §5.3 dynamic truncation.
    const unsigned offset = mac[19] & 0x0F;
    const std::uint32_t binary =
        (static_cast<std::uint32_t>(mac[offset] & 0x7F) << 24) | (static_cast<std::uint32_t>(mac[offset + 1]) << 16) |
        (static_cast<std::uint32_t>(mac[offset + 2]) << 8) | static_cast<std::uint32_t>(mac[offset + 3]);
    std::uint32_t value = binary % kPowersOfTen[digits];

    std::string code(static_cast<std::size_t>(digits), '0');
    for (int i = digits - 1; i >= 0; --i) {
        code[static_cast<std::size_t>(i)] = static_cast<char>('0' + value % 10);
        value /= 10;
    }
    return code;
}

std::int64_t TotpStep(std::int64_t unix_seconds) {
    std::int64_t step = unix_seconds / kTotpStepSeconds;
    if (unix_seconds % kTotpStepSeconds < 0) --step;  // round toward -infinity
    return step;
}

std::string TotpCode(std::span<const unsigned char> secret, std::int64_t unix_seconds, int digits) {
    assert(unix_seconds >= 0);
    return HotpCode(secret, static_cast<std::uint64_t>(TotpStep(unix_seconds)), digits);
}

std::optional<std::int64_t> VerifyTotp(std::span<const unsigned char> secret, std::string_view code,
                                       std::int64_t unix_seconds, int window) {
    assert(!secret.empty());
    assert(window >= 0 && window <= 10);

    std::string typed;
    for (char c : code) {
        if (c == ' ') continue;
        if (c < '0' || c > '9') return std::nullopt;
        typed.push_back(c);
    }
    // The length is not secret (it is always 6), so an early exit here leaks nothing.
    if (typed.size() != static_cast<std::size_t>(kTotpDigits)) return std::nullopt;

    const std::int64_t current = TotpStep(unix_seconds);
    std::optional<std::int64_t> matched;
    for (std::int64_t step = current - window; step <= current + window; ++step) {
        if (step < 0) continue;
        const std::string expected = HotpCode(secret, static_cast<std::uint64_t>(step), kTotpDigits);
        // Constant-time: a timing difference must not reveal how many leading digits were right.
        if (CRYPTO_memcmp(expected.data(), typed.data(), typed.size()) == 0 && !matched) {
            matched = step;
        }
    }
    return matched;
}

std::vector<unsigned char> GenerateTotpSecret() {
    detail::EnsureSodium();
    std::vector<unsigned char> secret(kTotpSecretBytes);
    randombytes_buf(secret.data(), secret.size());
    return secret;
}

std::string Base32Encode(std::span<const unsigned char> data) {
    std::string out;
    out.reserve((data.size() * 8 + 4) / 5);
    std::uint32_t buffer = 0;
    int bits = 0;
    for (unsigned char byte : data) {
        buffer = (buffer << 8) | byte;
        bits += 8;
        while (bits >= 5) {
            bits -= 5;
            out.push_back(kBase32Alphabet[(buffer >> bits) & 0x1F]);
        }
    }
    if (bits > 0) {
        out.push_back(kBase32Alphabet[(buffer << (5 - bits)) & 0x1F]);
    }
    return out;
}

core::Result<std::vector<unsigned char>> TryBase32Decode(std::string_view text) {
    const auto invalid = [](std::string detail) {
        return core::InvalidInput(core::Msg("auth.totp_secret_invalid"), std::move(detail));
    };
    std::string symbols;
    symbols.reserve(text.size());
    bool padding_seen = false;
    for (char c : text) {
        if (c == ' ') continue;
        if (c == '=') {
            padding_seen = true;
            continue;
        }
        if (padding_seen || Base32Value(c) < 0) return invalid("base32: unexpected character");
        symbols.push_back(c);
    }
    // Within a final group of 8 symbols, 1, 3 and 6 symbols carry no whole number of bytes.
    const std::size_t tail = symbols.size() % 8;
    if (tail == 1 || tail == 3 || tail == 6) return invalid("base32: impossible length");

    std::vector<unsigned char> out;
    out.reserve(symbols.size() * 5 / 8);
    std::uint32_t buffer = 0;
    int bits = 0;
    for (char c : symbols) {
        buffer = (buffer << 5) | static_cast<std::uint32_t>(Base32Value(c));
        bits += 5;
        if (bits >= 8) {
            bits -= 8;
            out.push_back(static_cast<unsigned char>((buffer >> bits) & 0xFF));
        }
    }
    return out;
}

std::string OtpauthUri(std::string_view issuer, std::string_view account, std::string_view secret_b32) {
    std::string uri = "otpauth://totp/";
    if (!issuer.empty()) {
        uri += PercentEncode(issuer);
        uri += ':';
    }
    uri += PercentEncode(account);
    uri += "?secret=";
    uri += secret_b32;
    if (!issuer.empty()) {
        uri += "&issuer=";
        uri += PercentEncode(issuer);
    }
    // algorithm/digits/period are left out on purpose: SHA1/6/30 are every app's defaults, and a
    // shorter URI gives a smaller, easier-to-scan QR code.
    return uri;
}

}  // namespace vp::auth
