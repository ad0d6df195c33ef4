// covers P-31: prohibited terms are matched on whole words, exact and folded.
#include "portal/screening.hpp"

#include <gtest/gtest.h>

namespace vp::portal {
namespace {

std::vector<ScreeningMatch> One(const std::string& text, const std::vector<std::string>& terms) {
    return Screen({{"body", text}}, terms);
}

TEST(Screening, ExactFormCaseAside_P31) {
    auto m = One("Luận điệu PHẢN ĐỘNG được lan truyền.", {"phản động"});
    ASSERT_EQ(m.size(), 1u);
    EXPECT_EQ(m[0].form, "exact");
    EXPECT_EQ(m[0].text, "PHẢN ĐỘNG");
    EXPECT_EQ(m[0].before, "Luận điệu ");
    EXPECT_EQ(m[0].after, " được lan truyền");
    EXPECT_EQ(m[0].field, "body");
}

TEST(Screening, FoldedFormCatchesTextWithoutMarks_P31) {
    auto m = One("Bai viet co noi dung phan dong va xuyen tac.", {"phản động", "xuyên tạc"});
    ASSERT_EQ(m.size(), 2u);
    EXPECT_EQ(m[0].term, "phản động");
    EXPECT_EQ(m[0].form, "folded");
    EXPECT_EQ(m[1].term, "xuyên tạc");
    EXPECT_EQ(m[1].form, "folded");
    EXPECT_EQ(MatchedTerms(m), (std::vector<std::string>{"phản động", "xuyên tạc"}));
}

TEST(Screening, DecomposedTextIsFoundLikeComposed_P31) {
    // "phản động" typed with combining marks (NFD).
    auto m = One("ph\x61\xCC\x89n \xC4\x91o\xCC\x82\xCC\xA3ng", {"phản động"});
    ASSERT_EQ(m.size(), 1u);
    EXPECT_EQ(m[0].form, "exact");
}

TEST(Screening, InvisibleCharactersDoNotSplitWords_P31) {
    // Zero-width space inside "phản", soft hyphen and word joiner inside "động".
    auto m = One("ph\u200Bản \u0111\u00AD\u1ed9\u2060ng", {"phản động"});
    ASSERT_EQ(m.size(), 1u);
    EXPECT_EQ(m[0].form, "exact");
}

TEST(Screening, WholeWordsOnly_P31) {
    EXPECT_TRUE(One("Đảng viên gương mẫu", {"đảng v"}).empty()) << "a part of a word is no match";
    EXPECT_TRUE(One("sandang", {"dang"}).empty());
    EXPECT_EQ(One("dang-dang, dang.", {"dang"}).size(), 3u) << "punctuation separates words";
}

TEST(Screening, EveryFieldAndEveryOccurrence_P31) {
    auto m = Screen({{"title", "Bạo loạn"}, {"lead", "không"}, {"body", "bạo loạn và bao loan"}}, {"bạo loạn"});
    ASSERT_EQ(m.size(), 3u);
    EXPECT_EQ(m[0].field, "title");
    EXPECT_EQ(m[1].field, "body");
    EXPECT_EQ(m[1].form, "exact");
    EXPECT_EQ(m[2].form, "folded");
}

TEST(Screening, TermsWithoutWordsMatchNothingAndTheLimitHolds_P31) {
    EXPECT_TRUE(One("!!! ... ???", {"!!!", "", "  "}).empty());
    std::string many;
    for (int i = 0; i < 500; ++i) many += "xấu ";
    EXPECT_EQ(Screen({{"body", many}}, {"xấu"}, 50).size(), 50u);
}

}  // namespace
}  // namespace vp::portal
