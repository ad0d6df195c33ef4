#pragma once

// P-8: password storage (argon2id) and password strength rules.

#include <atomic>
#include <cstddef>
#include <functional>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>
#include <vector>
#include <string>
#include <string_view>

#include "core/error.hpp"
#include "core/result.hpp"

namespace vp::auth {

/// libsodium's crypto_pwhash_OPSLIMIT_INTERACTIVE / MEMLIMIT_INTERACTIVE, repeated here so that
/// this header does not drag <sodium.h> into every includer (static_assert'ed equal in the .cpp).
inline constexpr unsigned long long kArgon2OpsLimitInteractive = 2;
inline constexpr std::size_t kArgon2MemLimitInteractive = std::size_t{64} * 1024 * 1024;

struct PasswordHasherSettings {
    /// How many Hash/Verify calls may run at once. Each argon2id run allocates `memlimit` bytes,
    /// so this bounds memory at max_concurrent * memlimit whatever the burst of log-ins.
    int max_concurrent = 2;
    /// argon2id cost for new hashes. Lower only in tests (crypto_pwhash_OPSLIMIT_MIN /
    /// MEMLIMIT_MIN); verifying uses the cost recorded in the stored hash.
    unsigned long long opslimit = kArgon2OpsLimitInteractive;
    std::size_t memlimit = kArgon2MemLimitInteractive;
    /// Hash/Verify calls allowed to wait for a free hashing thread. Beyond max_concurrent +
    /// max_queue, Hash and Verify throw PasswordHasherBusy at once (503 with Retry-After), so a
    /// flood of sign-ins can hold at most that many request workers.
    int max_queue = 16;
    /// Optional, for tests and metrics: called on the hashing thread right after a slot is taken,
    /// with the number of slots now held (including this one). Runs while holding the slot.
    std::function<void(int in_flight)> on_slot_acquired;
};

/// Thrown by PasswordHasher when its queue is full; the HTTP server answers 503 with Retry-After.
class PasswordHasherBusy : public core::Overloaded {
public:
    PasswordHasherBusy() : core::Overloaded("password hashing queue is full", 2) {}
};

/// @brief Hashes and verifies passwords with argon2id (libsodium crypto_pwhash_str), on a pool of
/// `max_concurrent` threads of its own with a bounded queue. Thread-safe. Hash and Verify block (for ~0.1 s of CPU at the
/// interactive cost, plus any wait for a free slot): call them from a worker thread, not from an
/// I/O event loop.
class PasswordHasher {
public:
    /// Precondition (asserted): settings.max_concurrent >= 1.
    /// Computes one hash up front for DummyHash(), so construction takes as long as one Hash.
    explicit PasswordHasher(PasswordHasherSettings settings = {});
    ~PasswordHasher();

    PasswordHasher(const PasswordHasher&) = delete;
    PasswordHasher& operator=(const PasswordHasher&) = delete;

    /// @brief A self-describing PHC string "$argon2id$v=19$m=...,t=...,p=1$salt$hash" with a fresh
    /// random salt (under 128 bytes). Any bytes are accepted; strength is CheckPasswordStrength's job.
    /// Throws std::runtime_error if libsodium fails (out of memory).
    std::string Hash(std::string_view password);

    /// @brief True iff `password` matches `hash` (a string from Hash, or any libsodium
    /// argon2i/argon2id string). A malformed or empty `hash` gives false, never an exception.
    /// Constant-time in the password (libsodium). For a log-in with an unknown user name, verify
    /// against DummyHash() so the response time does not reveal which accounts exist.
    bool Verify(std::string_view hash, std::string_view password);

    /// @brief True if `hash` was made with a different algorithm or cost than this hasher's
    /// settings (or is malformed): after a successful Verify, store Hash(password) instead.
    bool NeedsRehash(std::string_view hash) const;

    /// @brief A valid hash of an unguessable password at this hasher's cost (see Verify).
    const std::string& DummyHash() const { return dummy_hash_; }

private:
    /// Runs `work` on a hashing thread and waits for it; throws PasswordHasherBusy when full.
    template <class T>
    T RunOnPool(std::function<T()> work);
    void Loop();

    PasswordHasherSettings settings_;
    std::mutex mu_;
    std::condition_variable cv_;
    std::deque<std::function<void()>> queue_;
    int admitted_ = 0;  ///< queued + running, under mu_
    bool stop_ = false;
    std::atomic<int> in_flight_{0};
    std::vector<std::thread> threads_;
    std::string dummy_hash_;
};

/// Bounds used by CheckPasswordStrength, counted in characters (code points, combining marks not
/// counted, so "ệ" counts once whether typed precomposed or decomposed).
inline constexpr int kMinPasswordLength = 12;
inline constexpr int kMaxPasswordLength = 256;

/// @brief P-8 strength rules for a new password, checked in this order (the first failure wins):
/// - valid UTF-8 without control characters;
/// - kMinPasswordLength..kMaxPasswordLength characters;
/// - at least 3 of the 4 classes lower-case, upper-case, digit, other. Latin letters with
///   diacritics (Vietnamese included: "ệ" is lower-case, "Đ" upper-case) count by their case;
///   letters of other scripts count as "other";
/// - does not contain `username` (if it has >= 3 characters), ignoring case and Vietnamese
///   diacritics;
/// - does not contain any word of `full_name` of >= 4 letters, nor the whole name without spaces,
///   ignoring case and diacritics ("Nguyễn Văn Minh" refuses "nguyen...", "minh...", "nguyenvanminh");
/// - is not built on a common password: after case/diacritic folding, the letters left once
///   leading/trailing digits and symbols are removed (with "@"->a, "0"->o, "1"->i, "3"->e, "$"->s
///   inside) must not be, or repeat, a word of a small built-in list ("Password@2024",
///   "MatKhau123!", "Qwerty123456" are refused).
/// @returns Ok, or kInvalidInput with a message for the user (auth.password_*) and a machine-readable
/// `detail` (never containing the password).
core::Status CheckPasswordStrength(std::string_view password, std::string_view username, std::string_view full_name);

}  // namespace vp::auth
