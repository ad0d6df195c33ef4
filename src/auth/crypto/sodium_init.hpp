#pragma once

// Internal to auth/crypto: not for other modules.

#include <sodium.h>

#include <stdexcept>

namespace vp::auth::detail {

/// Initialises libsodium once per process; every entry point that uses libsodium calls this first
/// (libsodium requires sodium_init() before randombytes_* and crypto_pwhash_*). Throws
/// std::runtime_error if libsodium cannot initialise (no usable randomness source), which is an
/// infrastructure failure, not an expected outcome.
inline void EnsureSodium() {
    // A function-local static gives thread-safe one-time initialisation without a global object.
    static const bool kReady = sodium_init() >= 0;
    if (!kReady) {
        throw std::runtime_error("sodium_init failed");
    }
}

}  // namespace vp::auth::detail
