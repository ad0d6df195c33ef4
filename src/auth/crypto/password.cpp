#include "auth/crypto/password.hpp"

#include <sodium.h>

#include <algorithm>
#include <array>
#include <future>
#include <memory>
#include <cassert>
#include <optional>
#include <stdexcept>
#include <utility>
#include <vector>

#include <unicode/uchar.h>
#include <unicode/utf8.h>

#include "auth/crypto/sodium_init.hpp"
#include "core/text.hpp"

namespace vp::auth {

static_assert(kArgon2OpsLimitInteractive == crypto_pwhash_OPSLIMIT_INTERACTIVE);
static_assert(kArgon2MemLimitInteractive == crypto_pwhash_MEMLIMIT_INTERACTIVE);

namespace {

std::string HashUnlimited(std::string_view password, unsigned long long opslimit, std::size_t memlimit) {
    std::array<char, crypto_pwhash_STRBYTES> out{};
    if (crypto_pwhash_str_alg(out.data(), password.data(), password.size(), opslimit, memlimit,
                              crypto_pwhash_ALG_ARGON2ID13) != 0) {
        throw std::runtime_error("crypto_pwhash_str failed (out of memory?)");
    }
    return std::string(out.data());
}

// libsodium wants the stored hash NUL-terminated and shorter than crypto_pwhash_STRBYTES.
std::optional<std::array<char, crypto_pwhash_STRBYTES>> ToCString(std::string_view hash) {
    if (hash.empty() || hash.size() >= crypto_pwhash_STRBYTES || hash.find('\0') != std::string_view::npos) {
        return std::nullopt;
    }
    std::array<char, crypto_pwhash_STRBYTES> out{};
    hash.copy(out.data(), hash.size());
    return out;
}

}  // namespace

PasswordHasher::PasswordHasher(PasswordHasherSettings settings) : settings_(std::move(settings)) {
    assert(settings_.max_concurrent >= 1);
    detail::EnsureSodium();
    std::array<unsigned char, 32> random{};
    randombytes_buf(random.data(), random.size());
    dummy_hash_ = HashUnlimited(std::string_view(reinterpret_cast<const char*>(random.data()), random.size()),
                                settings_.opslimit, settings_.memlimit);
    for (int i = 0; i < settings_.max_concurrent; ++i) threads_.emplace_back([this] { Loop(); });
}

PasswordHasher::~PasswordHasher() {
    {
        std::lock_guard lock(mu_);
        stop_ = true;
    }
    cv_.notify_all();
    for (auto& t : threads_) t.join();
}

void PasswordHasher::Loop() {
    for (;;) {
        std::function<void()> job;
        {
            std::unique_lock lock(mu_);
            cv_.wait(lock, [&] { return stop_ || !queue_.empty(); });
            if (queue_.empty()) return;
            job = std::move(queue_.front());
            queue_.pop_front();
        }
        const int in_flight = in_flight_.fetch_add(1) + 1;
        if (settings_.on_slot_acquired) settings_.on_slot_acquired(in_flight);
        job();
        in_flight_.fetch_sub(1);
    }
}

template <class T>
T PasswordHasher::RunOnPool(std::function<T()> work) {
    std::packaged_task<T()> task(std::move(work));
    auto result = task.get_future();
    {
        std::lock_guard lock(mu_);
        if (stop_ || admitted_ >= settings_.max_concurrent + std::max(0, settings_.max_queue))
            throw PasswordHasherBusy();
        ++admitted_;
        queue_.emplace_back([this, t = std::make_shared<std::packaged_task<T()>>(std::move(task))] {
            (*t)();
            std::lock_guard lock(mu_);
            --admitted_;
        });
    }
    cv_.notify_one();
    return result.get();
}

std::string PasswordHasher::Hash(std::string_view password) {
    std::string copy(password);
    return RunOnPool<std::string>([&] { return HashUnlimited(copy, settings_.opslimit, settings_.memlimit); });
}

bool PasswordHasher::Verify(std::string_view hash, std::string_view password) {
    const auto c_hash = ToCString(hash);
    if (!c_hash) return false;
    return RunOnPool<bool>(
        [&] { return crypto_pwhash_str_verify(c_hash->data(), password.data(), password.size()) == 0; });
}

bool PasswordHasher::NeedsRehash(std::string_view hash) const {
    const auto c_hash = ToCString(hash);
    if (!c_hash) return true;
    return crypto_pwhash_str_needs_rehash(c_hash->data(), settings_.opslimit, settings_.memlimit) != 0;
}

namespace {

// Character classes and the loose (folded) form come from ICU, through core/text for the
// folding: one definition of "the same Vietnamese word" for the whole product.

bool IsControl(UChar32 cp) { return u_charType(cp) == U_CONTROL_CHAR; }
// Combining diacritical marks: a decomposed "ệ" is 'e' + U+0323 + U+0302.
bool IsCombiningMark(UChar32 cp) { return u_charType(cp) == U_NON_SPACING_MARK; }
bool IsAsciiLetter(char c) { return c >= 'a' && c <= 'z'; }

// Undoes the usual character substitutions inside a word ("p@ssw0rd").
char Unleet(char cp) {
    switch (cp) {
        case '@':
        case '4': return 'a';
        case '0': return 'o';
        case '1':
        case '!':
        case '|': return 'i';
        case '3': return 'e';
        case '$':
        case '5': return 's';
        case '7': return 't';
        default: return cp;
    }
}

// Hand-written and short on purpose: a real breached-password list (hundreds of MB) is not
// packaged in Debian, and after the length and character-class rules the passwords still
// accepted are overwhelmingly a common word padded with digits and symbols ("Password@123",
// "Matkhau@2024"). So this lists the base words (folded, letters only) of the most common
// passwords worldwide and in Vietnam, keyboard walks, and this product's own name.
constexpr std::string_view kCommonBaseWords[] = {
    "password", "passwd",    "pass",      "passw",    "matkhau", "admin",     "administrator", "root",
    "user",     "guest",     "login",     "welcome",  "letmein", "qwerty",    "qwertyuiop",    "qwertyu",
    "asdf",     "asdfgh",    "asdfghjkl", "zxcvbn",   "zxcvbnm", "qazwsx",    "qazwsxedc",     "qwe",
    "qweasd",   "qweasdzxc", "abc",       "abcd",     "abcdef",  "abcdefgh",  "iloveyou",      "anhyeuem",
    "emyeuanh", "yeuem",     "vietnam",   "hanoi",    "saigon",  "hochiminh", "dragon",        "monkey",
    "football", "sunshine",  "princess",  "superman", "batman",  "master",    "secret",        "changeme",
    "trustno",  "shadow",    "computer",  "internet", "test",    "demo",      "vanphong",      "congty",
};

bool IsCommonBase(std::string_view letters) {
    if (letters.empty()) return false;
    for (std::string_view word : kCommonBaseWords) {
        if (letters.size() % word.size() != 0) continue;
        bool repeats = true;  // "passwordpassword" is as weak as "password"
        for (std::size_t i = 0; i < letters.size() && repeats; ++i) {
            repeats = letters[i] == word[i % word.size()];
        }
        if (repeats) return true;
    }
    return false;
}

// `folded` is the password in core::FoldDiacritics form.
bool IsBuiltOnCommonWord(std::string_view folded) {
    std::string plain;
    for (char c : folded) {
        if (IsAsciiLetter(c)) plain.push_back(c);
    }
    if (IsCommonBase(plain)) return true;

    std::size_t first = 0;
    std::size_t last = folded.size();
    while (first < last && !IsAsciiLetter(folded[first])) ++first;
    while (last > first && !IsAsciiLetter(folded[last - 1])) --last;
    std::string unleeted;
    for (std::size_t i = first; i < last; ++i) {
        const char c = Unleet(folded[i]);
        if (IsAsciiLetter(c)) unleeted.push_back(c);
    }
    return IsCommonBase(unleeted);
}

bool ContainsFolded(std::string_view folded_password, std::string_view needle_utf8, std::size_t min_length) {
    if (!core::IsValidUtf8(needle_utf8)) return false;
    const std::string folded_needle = core::FoldDiacritics(needle_utf8);
    return core::Utf8Length(folded_needle) >= min_length && folded_password.find(folded_needle) != std::string::npos;
}

bool ContainsNamePart(std::string_view folded_password, std::string_view full_name) {
    constexpr std::size_t kMinNameWord = 4;  // shorter words ("Văn", "Thị", "An") are too common to refuse
    std::string squashed;
    std::size_t i = 0;
    while (i < full_name.size()) {
        while (i < full_name.size() && (full_name[i] == ' ' || full_name[i] == '\t')) ++i;
        std::size_t j = i;
        while (j < full_name.size() && full_name[j] != ' ' && full_name[j] != '\t') ++j;
        if (j > i) {
            const std::string_view word = full_name.substr(i, j - i);
            if (ContainsFolded(folded_password, word, kMinNameWord)) return true;
            squashed += word;
        }
        i = j;
    }
    return ContainsFolded(folded_password, squashed, kMinNameWord);
}

core::Error Weak(core::Message message, std::string detail) {
    return core::InvalidInput(std::move(message), std::move(detail));
}

}  // namespace

core::Status CheckPasswordStrength(std::string_view password, std::string_view username, std::string_view full_name) {
    if (!core::IsValidUtf8(password)) return Weak(core::Msg("auth.password_invalid_chars"), "password_invalid_utf8");

    int length = 0;
    bool has_lower = false;
    bool has_upper = false;
    bool has_digit = false;
    bool has_other = false;
    const auto* bytes = reinterpret_cast<const std::uint8_t*>(password.data());
    const auto size = static_cast<std::int32_t>(password.size());
    for (std::int32_t i = 0; i < size;) {
        UChar32 cp = 0;
        U8_NEXT(bytes, i, size, cp);
        if (IsControl(cp)) return Weak(core::Msg("auth.password_invalid_chars"), "password_control_char");
        if (IsCombiningMark(cp)) continue;
        ++length;
        if (u_islower(cp)) {
            has_lower = true;
        } else if (u_isupper(cp)) {
            has_upper = true;
        } else if (cp >= '0' && cp <= '9') {
            has_digit = true;
        } else {
            has_other = true;
        }
    }
    if (length < kMinPasswordLength) {
        return Weak(core::Msg("auth.password_too_short"), "password_too_short");
    }
    if (length > kMaxPasswordLength) {
        return Weak(core::Msg("auth.password_too_long"), "password_too_long");
    }
    if (int{has_lower} + int{has_upper} + int{has_digit} + int{has_other} < 3) {
        return Weak(core::Msg("auth.password_too_few_classes"), "password_too_few_classes");
    }

    const std::string folded = core::FoldDiacritics(password);
    constexpr std::size_t kMinUsernameCheck = 3;  // a 1-2 letter name would refuse half the passwords
    if (ContainsFolded(folded, username, kMinUsernameCheck)) {
        return Weak(core::Msg("auth.password_contains_username"), "password_contains_username");
    }
    if (ContainsNamePart(folded, full_name)) {
        return Weak(core::Msg("auth.password_contains_name"), "password_contains_name");
    }
    if (IsBuiltOnCommonWord(folded)) {
        return Weak(core::Msg("auth.password_common"), "password_common");
    }
    return core::Ok{};
}

}  // namespace vp::auth
