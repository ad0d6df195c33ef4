#include "core/secret_box.hpp"

#include <sodium.h>
#include <sys/stat.h>

#include <cstring>
#include <fstream>
#include <stdexcept>
#include <vector>

namespace vp::core {

SecretBox::SecretBox() {
    if (sodium_init() < 0) throw std::runtime_error("libsodium failed to initialise");
    key_ = static_cast<unsigned char*>(sodium_malloc(crypto_secretbox_KEYBYTES));
    if (!key_) throw std::runtime_error("sodium_malloc failed");
}

SecretBox::~SecretBox() { sodium_free(key_); }

std::unique_ptr<SecretBox> SecretBox::Random() {
    std::unique_ptr<SecretBox> box(new SecretBox());
    crypto_secretbox_keygen(box->key_);
    return box;
}

std::unique_ptr<SecretBox> SecretBox::FromKeyFile(const std::filesystem::path& path, bool create) {
    std::unique_ptr<SecretBox> box(new SecretBox());
    if (!std::filesystem::exists(path)) {
        if (!create) throw std::runtime_error("secret key file " + path.string() + " does not exist");
        crypto_secretbox_keygen(box->key_);
        auto tmp = path.string() + ".tmp";
        {
            std::ofstream out(tmp, std::ios::binary);
            ::chmod(tmp.c_str(), 0600);
            out.write(reinterpret_cast<const char*>(box->key_), crypto_secretbox_KEYBYTES);
            if (!out) throw std::runtime_error("cannot write secret key file " + path.string());
        }
        std::filesystem::rename(tmp, path);
        return box;
    }
    std::ifstream in(path, std::ios::binary);
    std::vector<char> bytes((std::istreambuf_iterator<char>(in)), {});
    if (bytes.size() != crypto_secretbox_KEYBYTES) {
        sodium_memzero(bytes.data(), bytes.size());
        throw std::runtime_error("secret key file " + path.string() + " must hold exactly 32 bytes");
    }
    std::memcpy(box->key_, bytes.data(), bytes.size());
    sodium_memzero(bytes.data(), bytes.size());
    return box;
}

std::string SecretBox::Seal(std::string_view plain) const {
    std::vector<unsigned char> buf(crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES + plain.size());
    randombytes_buf(buf.data(), crypto_secretbox_NONCEBYTES);
    crypto_secretbox_easy(buf.data() + crypto_secretbox_NONCEBYTES,
                          reinterpret_cast<const unsigned char*>(plain.data()), plain.size(), buf.data(), key_);
    std::string b64(sodium_base64_ENCODED_LEN(buf.size(), sodium_base64_VARIANT_URLSAFE_NO_PADDING), '\0');
    sodium_bin2base64(b64.data(), b64.size(), buf.data(), buf.size(), sodium_base64_VARIANT_URLSAFE_NO_PADDING);
    b64.resize(std::strlen(b64.c_str()));
    return "sb1:" + b64;
}

Result<std::string> SecretBox::Open(std::string_view sealed) const {
    if (!IsSealed(sealed)) return InvalidInput(Msg("core.sealed_invalid"), "not a sealed value");
    auto b64 = sealed.substr(4);
    std::vector<unsigned char> buf(b64.size());
    std::size_t len = 0;
    if (sodium_base642bin(buf.data(), buf.size(), b64.data(), b64.size(), nullptr, &len, nullptr,
                          sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0 ||
        len < crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES) {
        return InvalidInput(Msg("core.sealed_invalid"), "bad base64");
    }
    std::string plain(len - crypto_secretbox_NONCEBYTES - crypto_secretbox_MACBYTES, '\0');
    if (crypto_secretbox_open_easy(reinterpret_cast<unsigned char*>(plain.data()),
                                   buf.data() + crypto_secretbox_NONCEBYTES, len - crypto_secretbox_NONCEBYTES,
                                   buf.data(), key_) != 0) {
        return InvalidInput(Msg("core.sealed_invalid"), "authentication failed (altered, or another key)");
    }
    return plain;
}

}  // namespace vp::core
