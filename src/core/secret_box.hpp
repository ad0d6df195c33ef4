#pragma once

#include <filesystem>
#include <memory>
#include <string>
#include <string_view>

#include "core/result.hpp"

namespace vp::core {

/// @brief Authenticated encryption of small secrets stored in the database (libsodium
/// secretbox: XSalsa20-Poly1305). The key lives outside the database, so a stolen dump or
/// backup does not reveal them. Thread-safe.
class SecretBox {
public:
    /// Loads the 32-byte key from `path`, creating it (mode 0600) when `create` and it does not
    /// exist. Throws std::runtime_error when the file is unreadable or has the wrong size.
    static std::unique_ptr<SecretBox> FromKeyFile(const std::filesystem::path& path, bool create);
    /// A box with a random key (tests).
    static std::unique_ptr<SecretBox> Random();
    ~SecretBox();

    /// "sb1:" + base64(nonce || ciphertext).
    std::string Seal(std::string_view plain) const;
    /// The plain text, or an error when the value was altered or sealed with another key.
    Result<std::string> Open(std::string_view sealed) const;
    static bool IsSealed(std::string_view value) { return value.starts_with("sb1:"); }

private:
    SecretBox();
    unsigned char* key_;  // in sodium_malloc'd memory (guarded, locked, wiped on free)
};

}  // namespace vp::core
