#include "auth/crypto/password.hpp"

#include <sodium.h>

#include <array>
#include <cassert>
#include <optional>
#include <stdexcept>
#include <utility>
#include <vector>

#include "auth/crypto/sodium_init.hpp"

namespace vp::auth {

static_assert(kArgon2OpsLimitInteractive == crypto_pwhash_OPSLIMIT_INTERACTIVE);
static_assert(kArgon2MemLimitInteractive == crypto_pwhash_MEMLIMIT_INTERACTIVE);

// RAII: holds one of the hasher's slots for the duration of one argon2id run.
class PasswordHasher::Slot {
public:
    explicit Slot(PasswordHasher& hasher) : hasher_(hasher) {
        hasher_.slots_.acquire();
        const int in_flight = hasher_.in_flight_.fetch_add(1) + 1;
        if (hasher_.settings_.on_slot_acquired) hasher_.settings_.on_slot_acquired(in_flight);
    }
    ~Slot() {
        hasher_.in_flight_.fetch_sub(1);
        hasher_.slots_.release();
    }
    Slot(const Slot&) = delete;
    Slot& operator=(const Slot&) = delete;

private:
    PasswordHasher& hasher_;
};

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

std::ptrdiff_t CheckedMaxConcurrent(int max_concurrent) {
    assert(max_concurrent >= 1);
    return max_concurrent;
}

}  // namespace

PasswordHasher::PasswordHasher(PasswordHasherSettings settings)
    : settings_(std::move(settings)), slots_(CheckedMaxConcurrent(settings_.max_concurrent)) {
    detail::EnsureSodium();
    std::array<unsigned char, 32> random{};
    randombytes_buf(random.data(), random.size());
    dummy_hash_ = HashUnlimited(std::string_view(reinterpret_cast<const char*>(random.data()), random.size()),
                                settings_.opslimit, settings_.memlimit);
}

std::string PasswordHasher::Hash(std::string_view password) {
    const Slot slot(*this);
    return HashUnlimited(password, settings_.opslimit, settings_.memlimit);
}

bool PasswordHasher::Verify(std::string_view hash, std::string_view password) {
    const auto c_hash = ToCString(hash);
    if (!c_hash) return false;
    const Slot slot(*this);
    return crypto_pwhash_str_verify(c_hash->data(), password.data(), password.size()) == 0;
}

bool PasswordHasher::NeedsRehash(std::string_view hash) const {
    const auto c_hash = ToCString(hash);
    if (!c_hash) return true;
    return crypto_pwhash_str_needs_rehash(c_hash->data(), settings_.opslimit, settings_.memlimit) != 0;
}

namespace {

// Hand-written UTF-8 decoding and Latin case/diacritic tables: the project has no ICU or utfcpp
// dependency, and the strength rules only need strict validation plus the Latin letters that
// Vietnamese uses, which fit in a few tables. Not a general Unicode case mapping.

constexpr char32_t kNoFold = 0;

// Decodes strict UTF-8 (no overlong forms, surrogates or code points above U+10FFFF).
std::optional<std::u32string> DecodeUtf8(std::string_view text) {
    std::u32string out;
    out.reserve(text.size());
    std::size_t i = 0;
    while (i < text.size()) {
        const auto b0 = static_cast<unsigned char>(text[i]);
        char32_t cp = 0;
        std::size_t len = 0;
        if (b0 < 0x80) {
            cp = b0;
            len = 1;
        } else if (b0 >= 0xC2 && b0 <= 0xDF) {
            cp = b0 & 0x1F;
            len = 2;
        } else if (b0 >= 0xE0 && b0 <= 0xEF) {
            cp = b0 & 0x0F;
            len = 3;
        } else if (b0 >= 0xF0 && b0 <= 0xF4) {
            cp = b0 & 0x07;
            len = 4;
        } else {
            return std::nullopt;
        }
        if (i + len > text.size()) return std::nullopt;
        for (std::size_t k = 1; k < len; ++k) {
            const auto b = static_cast<unsigned char>(text[i + k]);
            if ((b & 0xC0) != 0x80) return std::nullopt;
            cp = (cp << 6) | (b & 0x3F);
        }
        if (len == 3 && (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF))) return std::nullopt;
        if (len == 4 && (cp < 0x10000 || cp > 0x10FFFF)) return std::nullopt;
        out.push_back(cp);
        i += len;
    }
    return out;
}

bool IsControl(char32_t cp) {
    return cp < 0x20 || (cp >= 0x7F && cp <= 0x9F);
}

// Combining diacritical marks: a decomposed "ệ" is 'e' + U+0323 + U+0302.
bool IsCombiningMark(char32_t cp) {
    return cp >= 0x300 && cp <= 0x36F;
}

enum class CharClass { kLower, kUpper, kDigit, kOther };

CharClass Classify(char32_t cp) {
    if (cp >= 'a' && cp <= 'z') return CharClass::kLower;
    if (cp >= 'A' && cp <= 'Z') return CharClass::kUpper;
    if (cp >= '0' && cp <= '9') return CharClass::kDigit;
    const bool even = cp % 2 == 0;
    // Latin-1 Supplement letters (À..Þ upper, ß..ÿ lower, minus × and ÷).
    if (cp >= 0xC0 && cp <= 0xDE && cp != 0xD7) return CharClass::kUpper;
    if (cp >= 0xDF && cp <= 0xFF && cp != 0xF7) return CharClass::kLower;
    // Latin Extended-A (Ă ă Đ đ Ĩ ĩ Ũ ũ ...): pairs alternate, with the parity flipped in two runs.
    if (cp >= 0x100 && cp <= 0x17F) {
        if (cp == 0x138 || cp == 0x149 || cp == 0x17F) return CharClass::kLower;
        if (cp == 0x178) return CharClass::kUpper;
        const bool flipped = (cp >= 0x139 && cp <= 0x148) || (cp >= 0x179 && cp <= 0x17E);
        return (even != flipped) ? CharClass::kUpper : CharClass::kLower;
    }
    // Latin Extended-B: only the Vietnamese horned letters Ơ ơ Ư ư.
    if (cp == 0x1A0 || cp == 0x1AF) return CharClass::kUpper;
    if (cp == 0x1A1 || cp == 0x1B0) return CharClass::kLower;
    // Latin Extended Additional (Ạ ạ ... Ỹ ỹ): pairs alternate, except U+1E96..U+1E9F.
    if (cp >= 0x1E00 && cp <= 0x1EFF) {
        if (cp == 0x1E9E) return CharClass::kUpper;
        if (cp >= 0x1E96 && cp <= 0x1E9F) return CharClass::kLower;
        return even ? CharClass::kUpper : CharClass::kLower;
    }
    return CharClass::kOther;
}

// Base letters of À..ÿ ('.' = not a foldable letter).
constexpr std::string_view kLatin1Fold = "aaaaaa.ceeeeiiiidnooooo.ouuuuy..aaaaaa.ceeeeiiiidnooooo.ouuuuy.y";
static_assert(kLatin1Fold.size() == 0x100 - 0xC0);

// Base letters of U+1EA0..U+1EF9, the Vietnamese block: Ạ..ặ (24), Ẹ..ệ (16), Ỉ..ị (4),
// Ọ..ợ (24), Ụ..ự (14), Ỳ..ỹ (8).
char32_t FoldVietnameseBlock(char32_t cp) {
    const char32_t i = cp - 0x1EA0;
    if (i < 24) return U'a';
    if (i < 40) return U'e';
    if (i < 44) return U'i';
    if (i < 68) return U'o';
    if (i < 82) return U'u';
    return U'y';
}

// Lower-cases and strips Vietnamese diacritics: "Nguyễn" -> "nguyen", "Đ" -> "d". Other
// characters are kept (ASCII upper-case lowered).
char32_t FoldChar(char32_t cp) {
    if (cp >= 'A' && cp <= 'Z') return cp - 'A' + 'a';
    if (cp >= 0xC0 && cp <= 0xFF) {
        const char base = kLatin1Fold[cp - 0xC0];
        return base == '.' ? cp : static_cast<char32_t>(base);
    }
    switch (cp) {
        case 0x102:
        case 0x103:
            return U'a';  // Ă ă
        case 0x110:
        case 0x111:
            return U'd';  // Đ đ
        case 0x128:
        case 0x129:
            return U'i';  // Ĩ ĩ
        case 0x168:
        case 0x169:
            return U'u';  // Ũ ũ
        case 0x1A0:
        case 0x1A1:
            return U'o';  // Ơ ơ
        case 0x1AF:
        case 0x1B0:
            return U'u';  // Ư ư
        default:
            break;
    }
    if (cp >= 0x1EA0 && cp <= 0x1EF9) return FoldVietnameseBlock(cp);
    return cp;
}

std::u32string Fold(const std::u32string& text) {
    std::u32string out;
    out.reserve(text.size());
    for (char32_t cp : text) {
        if (!IsCombiningMark(cp)) out.push_back(FoldChar(cp));
    }
    return out;
}

bool IsAsciiLetter(char32_t cp) {
    return cp >= 'a' && cp <= 'z';
}

// Undoes the usual character substitutions inside a word ("p@ssw0rd").
char32_t Unleet(char32_t cp) {
    switch (cp) {
        case U'@':
        case U'4':
            return U'a';
        case U'0':
            return U'o';
        case U'1':
        case U'!':
        case U'|':
            return U'i';
        case U'3':
            return U'e';
        case U'$':
        case U'5':
            return U's';
        case U'7':
            return U't';
        default:
            return cp;
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

bool IsCommonBase(const std::u32string& letters) {
    if (letters.empty()) return false;
    for (std::string_view word : kCommonBaseWords) {
        if (letters.size() % word.size() != 0) continue;
        bool repeats = true;  // "passwordpassword" is as weak as "password"
        for (std::size_t i = 0; i < letters.size() && repeats; ++i) {
            repeats = letters[i] == static_cast<char32_t>(word[i % word.size()]);
        }
        if (repeats) return true;
    }
    return false;
}

bool IsBuiltOnCommonWord(const std::u32string& folded) {
    std::u32string plain;
    for (char32_t cp : folded) {
        if (IsAsciiLetter(cp)) plain.push_back(cp);
    }
    if (IsCommonBase(plain)) return true;

    std::size_t first = 0;
    std::size_t last = folded.size();
    while (first < last && !IsAsciiLetter(folded[first])) ++first;
    while (last > first && !IsAsciiLetter(folded[last - 1])) --last;
    std::u32string unleeted;
    for (std::size_t i = first; i < last; ++i) {
        const char32_t cp = Unleet(folded[i]);
        if (IsAsciiLetter(cp)) unleeted.push_back(cp);
    }
    return IsCommonBase(unleeted);
}

bool ContainsFolded(const std::u32string& folded_password, std::string_view needle_utf8, std::size_t min_length) {
    const auto needle = DecodeUtf8(needle_utf8);
    if (!needle) return false;
    const std::u32string folded_needle = Fold(*needle);
    return folded_needle.size() >= min_length && folded_password.find(folded_needle) != std::u32string::npos;
}

bool ContainsNamePart(const std::u32string& folded_password, std::string_view full_name) {
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

core::Error Weak(std::string message, std::string detail) {
    return core::InvalidInput(std::move(message), std::move(detail));
}

}  // namespace

core::Status CheckPasswordStrength(std::string_view password, std::string_view username, std::string_view full_name) {
    const auto decoded = DecodeUtf8(password);
    if (!decoded) return Weak("Mật khẩu chứa ký tự không hợp lệ.", "password_invalid_utf8");

    int length = 0;
    bool has_lower = false;
    bool has_upper = false;
    bool has_digit = false;
    bool has_other = false;
    for (char32_t cp : *decoded) {
        if (IsControl(cp)) return Weak("Mật khẩu chứa ký tự không hợp lệ.", "password_control_char");
        if (IsCombiningMark(cp)) continue;
        ++length;
        switch (Classify(cp)) {
            case CharClass::kLower:
                has_lower = true;
                break;
            case CharClass::kUpper:
                has_upper = true;
                break;
            case CharClass::kDigit:
                has_digit = true;
                break;
            case CharClass::kOther:
                has_other = true;
                break;
        }
    }
    if (length < kMinPasswordLength) {
        return Weak("Mật khẩu phải có ít nhất 12 ký tự.", "password_too_short");
    }
    if (length > kMaxPasswordLength) {
        return Weak("Mật khẩu không được dài quá 256 ký tự.", "password_too_long");
    }
    if (int{has_lower} + int{has_upper} + int{has_digit} + int{has_other} < 3) {
        return Weak("Mật khẩu phải có ít nhất 3 trong 4 loại ký tự: chữ thường, chữ hoa, chữ số, ký tự đặc biệt.",
                    "password_too_few_classes");
    }

    const std::u32string folded = Fold(*decoded);
    constexpr std::size_t kMinUsernameCheck = 3;  // a 1-2 letter name would refuse half the passwords
    if (ContainsFolded(folded, username, kMinUsernameCheck)) {
        return Weak("Mật khẩu không được chứa tên đăng nhập.", "password_contains_username");
    }
    if (ContainsNamePart(folded, full_name)) {
        return Weak("Mật khẩu không được chứa họ tên của bạn.", "password_contains_name");
    }
    if (IsBuiltOnCommonWord(folded)) {
        return Weak("Mật khẩu này quá phổ biến, dễ bị đoán. Hãy chọn mật khẩu khác.", "password_common");
    }
    return core::Ok{};
}

}  // namespace vp::auth
