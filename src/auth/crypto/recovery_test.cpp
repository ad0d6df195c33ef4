#include "auth/crypto/recovery.hpp"

#include <gtest/gtest.h>

#include <cctype>
#include <cmath>
#include <regex>
#include <set>

namespace vp::auth {
namespace {

//
TEST(RecoveryCodes, FormatAndUniqueness_X3) {
    const auto codes = GenerateRecoveryCodes();
    ASSERT_EQ(codes.size(), 10u);
    const std::regex format(
        "[23456789abcdefghjkmnpqrstuvwxyz]{4}-[23456789abcdefghjkmnpqrstuvwxyz]{4}-"
        "[23456789abcdefghjkmnpqrstuvwxyz]{4}");
    for (const auto& code : codes) EXPECT_TRUE(std::regex_match(code, format)) << code;
    EXPECT_EQ(std::set<std::string>(codes.begin(), codes.end()).size(), codes.size());

    const auto many = GenerateRecoveryCodes(100);
    EXPECT_EQ(std::set<std::string>(many.begin(), many.end()).size(), 100u);
    EXPECT_EQ(GenerateRecoveryCodes(1).size(), 1u);
}

//
TEST(RecoveryCodes, AtLeast50BitsAndNoLookAlikes_X3) {
    const double bits =
        kRecoveryGroups * kRecoveryGroupLength * std::log2(static_cast<double>(kRecoveryAlphabet.size()));
    EXPECT_GE(bits, 50.0);
    for (char c : std::string_view("01ilo")) EXPECT_EQ(kRecoveryAlphabet.find(c), std::string_view::npos) << c;
    EXPECT_EQ(std::set<char>(kRecoveryAlphabet.begin(), kRecoveryAlphabet.end()).size(), kRecoveryAlphabet.size());
}

// covers X-3: every symbol of the alphabet turns up (the generator is not stuck on a subset).
TEST(RecoveryCodes, UsesWholeAlphabet_X3) {
    std::set<char> seen;
    for (const auto& code : GenerateRecoveryCodes(100)) {
        for (char c : code) {
            if (c != '-') seen.insert(c);
        }
    }
    EXPECT_EQ(seen.size(), kRecoveryAlphabet.size());  // 1200 draws from 31 symbols
}

//
TEST(RecoveryCodes, HashIgnoresCaseAndSeparators_X3) {
    const std::string code = GenerateRecoveryCodes(1).front();
    const std::string stored = HashRecoveryCode(code);
    std::string typed;
    for (char c : code) {
        if (c != '-') typed += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    }
    EXPECT_EQ(HashRecoveryCode(typed), stored);
    EXPECT_EQ(HashRecoveryCode(" " + code.substr(0, 4) + " " + code.substr(5) + " "), stored);
    EXPECT_NE(HashRecoveryCode(code.substr(1)), stored);
    EXPECT_EQ(NormalizeRecoveryCode("AB3K-9XQ2 m7pe"), "ab3k9xq2m7pe");
}

// covers P-8
TEST(HashToken, Sha256Hex_P8) {
    EXPECT_EQ(HashToken(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    EXPECT_EQ(HashToken("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    EXPECT_EQ(HashToken(std::string_view("a\0b", 3)).size(), 64u);
    EXPECT_NE(HashToken(std::string_view("a\0b", 3)), HashToken("a"));
}

// covers P-8
TEST(RandomToken, UrlSafeAndUnique_P8) {
    const std::regex url_safe("[A-Za-z0-9_-]+");
    std::set<std::string> seen;
    for (int i = 0; i < 200; ++i) {
        const std::string token = RandomToken();
        EXPECT_EQ(token.size(), 43u);  // ceil(32 * 8 / 6), no padding
        EXPECT_TRUE(std::regex_match(token, url_safe)) << token;
        seen.insert(token);
    }
    EXPECT_EQ(seen.size(), 200u);
    EXPECT_EQ(RandomToken(16).size(), 22u);
    EXPECT_EQ(RandomToken(48).size(), 64u);
}

}  // namespace
}  // namespace vp::auth
