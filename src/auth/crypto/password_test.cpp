#include "auth/crypto/password.hpp"

#include <gtest/gtest.h>
#include <sodium.h>

#include <atomic>
#include <chrono>
#include <string>
#include <thread>
#include <vector>

namespace vp::auth {
namespace {

// Minimum argon2id cost: the tests check behaviour, not cost, and must stay fast.
PasswordHasherSettings FastSettings() {
    return {.max_concurrent = 2, .opslimit = crypto_pwhash_OPSLIMIT_MIN, .memlimit = crypto_pwhash_MEMLIMIT_MIN};
}

// covers P-8
TEST(PasswordHasher, HashVerifies_P8) {
    PasswordHasher hasher(FastSettings());
    const std::string hash = hasher.Hash("Đường#phố9xy");
    EXPECT_EQ(hash.rfind("$argon2id$v=19$", 0), 0u) << hash;
    EXPECT_TRUE(hasher.Verify(hash, "Đường#phố9xy"));
    EXPECT_FALSE(hasher.Verify(hash, "Đường#phố9xY"));
    EXPECT_FALSE(hasher.Verify(hash, ""));
    EXPECT_NE(hasher.Hash("Đường#phố9xy"), hash);  // fresh salt every time
}

// covers P-8
TEST(PasswordHasher, PasswordsWithNulBytesAreNotTruncated_P8) {
    PasswordHasher hasher(FastSettings());
    const std::string hash = hasher.Hash(std::string_view("abc\0def", 7));
    EXPECT_TRUE(hasher.Verify(hash, std::string_view("abc\0def", 7)));
    EXPECT_FALSE(hasher.Verify(hash, "abc"));
}

// covers P-8
TEST(PasswordHasher, MalformedHashIsFalseNotError_P8) {
    PasswordHasher hasher(FastSettings());
    for (const std::string& bad : {std::string(), std::string("garbage"), std::string(300, '$'),
                                   std::string("$argon2id$v=19$m=8,t=1,p=1$"), std::string("\0x", 2)}) {
        EXPECT_FALSE(hasher.Verify(bad, "whatever")) << bad;
        EXPECT_TRUE(hasher.NeedsRehash(bad)) << bad;
    }
}

// covers P-8: production cost is argon2id at libsodium's INTERACTIVE limits (64 MiB, t=2).
TEST(PasswordHasher, DefaultCostIsInteractive_P8) {
    PasswordHasher hasher;
    const std::string hash = hasher.Hash("Đường#phố9xy");
    EXPECT_EQ(hash.rfind("$argon2id$v=19$m=65536,t=2,p=1$", 0), 0u) << hash;
    EXPECT_TRUE(hasher.Verify(hash, "Đường#phố9xy"));
    EXPECT_FALSE(hasher.NeedsRehash(hash));

    PasswordHasher fast(FastSettings());
    EXPECT_TRUE(fast.NeedsRehash(hash));
    EXPECT_TRUE(hasher.NeedsRehash(fast.Hash("x")));
    EXPECT_TRUE(fast.Verify(hash, "Đường#phố9xy"));  // verification uses the cost stored in the hash
}

// covers P-8
TEST(PasswordHasher, DummyHashIsValidAndMatchesNothingGuessable_P8) {
    PasswordHasher hasher(FastSettings());
    EXPECT_EQ(hasher.DummyHash().rfind("$argon2id$", 0), 0u);
    EXPECT_FALSE(hasher.NeedsRehash(hasher.DummyHash()));
    EXPECT_FALSE(hasher.Verify(hasher.DummyHash(), ""));
    EXPECT_FALSE(hasher.Verify(hasher.DummyHash(), "password"));
}

// covers P-8: a burst of log-ins never runs more than max_concurrent argon2id at once.
TEST(PasswordHasher, SemaphoreBoundsConcurrency_P8) {
    using namespace std::chrono_literals;
    std::atomic<int> max_seen{0};
    std::atomic<int> calls{0};
    PasswordHasherSettings settings = FastSettings();
    settings.max_concurrent = 2;
    settings.on_slot_acquired = [&](int in_flight) {
        ++calls;
        int prev = max_seen.load();
        while (prev < in_flight && !max_seen.compare_exchange_weak(prev, in_flight)) {
        }
        // Hold the slot until a second one is taken (so the bound is reached deterministically),
        // then a little longer so that a missing bound would let a third thread in.
        const auto deadline = std::chrono::steady_clock::now() + 5s;
        while (max_seen.load() < 2 && std::chrono::steady_clock::now() < deadline) std::this_thread::sleep_for(1ms);
        std::this_thread::sleep_for(20ms);
    };
    PasswordHasher hasher(std::move(settings));

    std::atomic<int> verified{0};
    std::vector<std::thread> threads;
    for (int i = 0; i < 6; ++i) {
        threads.emplace_back([&, i] {
            const std::string password = "Mật-khẩu-" + std::to_string(i);
            if (hasher.Verify(hasher.Hash(password), password)) ++verified;
        });
    }
    for (auto& t : threads) t.join();

    EXPECT_EQ(max_seen.load(), 2);
    EXPECT_EQ(calls.load(), 12);
    EXPECT_EQ(verified.load(), 6);
}

void ExpectWeak(std::string_view password, std::string_view detail, std::string_view username = "bob42",
                std::string_view full_name = "") {
    const core::Status status = CheckPasswordStrength(password, username, full_name);
    ASSERT_FALSE(status.ok()) << password;
    EXPECT_EQ(status.error().code, core::ErrorCode::kInvalidInput);
    EXPECT_EQ(status.error().detail, detail) << password;
    EXPECT_FALSE(status.error().message.key.empty());
    EXPECT_EQ(core::Text(status.error().message, "vi").find(password), std::string::npos);
}

void ExpectStrong(std::string_view password, std::string_view username = "bob42", std::string_view full_name = "") {
    const core::Status status = CheckPasswordStrength(password, username, full_name);
    EXPECT_TRUE(status.ok()) << password << ": " << (status.ok() ? "" : status.error().detail);
}

// covers P-8
TEST(PasswordStrength, AcceptsGoodPasswords_P8) {
    ExpectStrong("Xk7#mPq2vLw9");  // exactly 12
    ExpectStrong("Tr0ub4dor&3-horse");
    ExpectStrong("correct horse battery 9");  // lower + digit + space (other)
    ExpectStrong("Đường#phố9xy");             // 12 characters, 17 bytes
    ExpectStrong(std::string(256, 'a').replace(0, 3, "B1!"));
}

// covers P-8
TEST(PasswordStrength, LengthCountsCharactersNotBytes_P8) {
    ExpectWeak("Ab1!efgh", "password_too_short");
    ExpectWeak("Xk7#mPq2vLw", "password_too_short");  // 11
    ExpectWeak("Đường#phố9x", "password_too_short");  // 11 characters but 16 bytes
    // Decomposed "ờ" (o + U+031B horn + U+0300 grave) and "ố" count once each, as precomposed.
    ExpectWeak(
        "Đươ\xCC\x80ng#pho\xCC\x82\xCC\x81"
        "9x",
        "password_too_short");
    ExpectStrong(
        "Đươ\xCC\x80ng#pho\xCC\x82\xCC\x81"
        "9xy");
    EXPECT_EQ(core::Text(CheckPasswordStrength("Ab1!efgh", "", "").error().message, "vi"),
              "Mật khẩu phải có ít nhất 12 ký tự.");
}

// covers P-8
TEST(PasswordStrength, TooLongRefused_P8) {
    ExpectWeak(std::string(257, 'a').replace(0, 3, "B1!"), "password_too_long");
}

// covers P-8
TEST(PasswordStrength, NeedsThreeOfFourClasses_P8) {
    ExpectWeak("xkqmpvlwrtzy", "password_too_few_classes");
    ExpectWeak("XKQMPVLW1234", "password_too_few_classes");
    ExpectWeak("#$%^&*()8642", "password_too_few_classes");
    ExpectStrong("xkqmpvlw1234#");
    ExpectStrong("XKQMPVLW1234#");
    ExpectStrong("xkqmpvlwRTZY8");
}

// covers P-8: Vietnamese letters are letters with a case, not "other" characters.
TEST(PasswordStrength, VietnameseLettersHaveCase_P8) {
    ExpectWeak("ệệệệệệệệệệệ1", "password_too_few_classes");   // lower + digit
    ExpectWeak("ĐƯỜNGPHỐĐẸPQ1", "password_too_few_classes");  // upper + digit
    ExpectStrong("ệệệệệệệệệệ1Ệ");                             // lower + upper + digit
    ExpectStrong("đườngphốđẹpĐ1");
    ExpectStrong("пароль日本語ab1X");  // other scripts count as "other"
}

// covers P-8
TEST(PasswordStrength, InvalidUtf8AndControlCharactersRefused_P8) {
    ExpectWeak("Abcdefgh123\xC3\x28", "password_invalid_utf8");          // bad continuation
    ExpectWeak("Abcdefgh123\xC0\xAF", "password_invalid_utf8");          // overlong '/'
    ExpectWeak("Abcdefgh123\xED\xA0\x80", "password_invalid_utf8");      // surrogate
    ExpectWeak("Abcdefgh123\xF4\x90\x80\x80", "password_invalid_utf8");  // > U+10FFFF
    ExpectWeak("Abcdefgh123\xE1\xBB", "password_invalid_utf8");          // truncated
    ExpectWeak("Abcdefgh123!\n", "password_control_char");
    ExpectWeak(std::string("Abcdefgh123!\0", 13), "password_control_char");
}

// covers P-8
TEST(PasswordStrength, MustNotContainUsername_P8) {
    ExpectWeak("Xq#2024alice9", "password_contains_username", "alice");
    ExpectWeak("Xq#2024ALICE9", "password_contains_username", "alice");
    ExpectWeak("Xq#2024alice9", "password_contains_username", "Alice");
    ExpectStrong("Xq#2024alic9e", "alice");
    ExpectStrong("Xq#2024hanh9z", "an");  // 1-2 letter user names are not checked
}

// covers P-8
TEST(PasswordStrength, MustNotContainFullName_P8) {
    const std::string_view name = "Nguyễn Văn Minh";
    ExpectWeak("Nguyen#2024Xq", "password_contains_name", "bob42", name);
    ExpectWeak("xMINH!2024qz", "password_contains_name", "bob42", name);
    ExpectWeak("xNguyễn!2024q", "password_contains_name", "bob42", name);
    ExpectWeak("Q!9nguyenvanminh", "password_contains_name", "bob42", name);
    ExpectStrong("Văn#Zq2024xyk", "bob42", name);  // 3-letter words are too common to refuse
    ExpectWeak("LeVanAn#2024", "password_contains_name", "bob42", "Lê Văn An");
    ExpectStrong("Xk7#mPq2vLw9", "bob42", "");
}

// covers P-8
TEST(PasswordStrength, CommonPasswordsRefused_P8) {
    for (const char* pw :
         {"Password@2024", "P@ssw0rd2024!", "MatKhau@12345", "Qwerty123456!", "Admin@1234567", "Vanphong2024!",
          "PasswordPassword1", "!!Iloveyou2024", "Anhyeuem@1234", "1qaz@WSX3edc", "Mậtkhẩu@12345"}) {
        ExpectWeak(pw, "password_common");
    }
    EXPECT_EQ(core::Text(CheckPasswordStrength("Password@2024", "bob42", "").error().message, "vi"),
              "Mật khẩu này quá phổ biến, dễ bị đoán. Hãy chọn mật khẩu khác.");
}

}  // namespace
}  // namespace vp::auth
