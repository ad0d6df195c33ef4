// covers P-12, X-2 (UTF-8 validation and NFC on input)
#include <gtest/gtest.h>

#include "core/text.hpp"

namespace vp {
namespace {

TEST(Text, NfcComposesVietnamese_P12) {
    // "Việt" typed with combining marks: e + U+0323 (dot below) + U+0302 (circumflex).
    const std::string decomposed = "Vie\xCC\xA3\xCC\x82t";
    const std::string precomposed = "Vi\xE1\xBB\x87t";
    EXPECT_EQ(core::ToNfc(decomposed), precomposed);
    EXPECT_EQ(core::ToNfc(precomposed), precomposed);
    EXPECT_EQ(core::ToNfc("plain ascii"), "plain ascii");
    EXPECT_EQ(core::ToNfc("\xff\xfe"), "\xff\xfe") << "invalid input is left for validation to refuse";
}

TEST(Text, FoldDiacriticsGivesTheLooseVietnameseForm_P12) {
    EXPECT_EQ(core::FoldDiacritics("Nguyễn Thị Thu Hương"), "nguyen thi thu huong");
    EXPECT_EQ(core::FoldDiacritics("ĐẢNG CỘNG SẢN"), "dang cong san");
    EXPECT_EQ(core::FoldDiacritics("đang"), core::FoldDiacritics("Đảng"));
    EXPECT_EQ(core::FoldDiacritics("Vấn đề"), "van de");
    // Decomposed input (e + U+0323 + U+0302) folds like precomposed "ệ".
    EXPECT_EQ(core::FoldDiacritics("Vi\x65\xcc\xa3\xcc\x82t"), "viet");
    EXPECT_EQ(core::FoldDiacritics("Pass@123"), "pass@123");
    EXPECT_EQ(core::FoldDiacritics("\xff"), "\xff") << "invalid UTF-8 comes back unchanged";
}

TEST(Text, Utf8Validation_X3) {
    EXPECT_TRUE(core::IsValidUtf8("Đảng Cộng sản Việt Nam"));
    EXPECT_FALSE(core::IsValidUtf8("\xC0\xAF"));          // overlong '/'
    EXPECT_FALSE(core::IsValidUtf8("\xED\xA0\x80"));      // surrogate
    EXPECT_FALSE(core::IsValidUtf8("\xE1\xBB"));          // truncated
    EXPECT_FALSE(core::IsValidUtf8("\xF4\x90\x80\x80"));  // above U+10FFFF
    EXPECT_EQ(core::Utf8Length("Việt"), 4u);
}

}  // namespace
}  // namespace vp
