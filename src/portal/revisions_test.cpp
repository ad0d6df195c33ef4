// covers P-16 (comparing two revisions)
#include <gtest/gtest.h>

#include "portal/revisions.hpp"

namespace vp::portal {
namespace {

std::string Render(const std::vector<DiffLine>& d) {
    std::string s;
    for (const auto& l : d) s += std::string(1, l.op) + l.text + "|";
    return s;
}

TEST(PortalRevisions, LinesAddedRemovedAndKept_P16) {
    EXPECT_EQ(Render(DiffLines("a\nb\nc", "a\nc")), " a|-b| c|");
    EXPECT_EQ(Render(DiffLines("a\nc", "a\nb\nc")), " a|+b| c|");
    EXPECT_EQ(Render(DiffLines("a\nb", "a\nB")), " a|-b|+B|");
    EXPECT_EQ(Render(DiffLines("", "x")), "+x|");
    EXPECT_EQ(Render(DiffLines("same", "same")), " same|");
}

TEST(PortalRevisions, AHugeRewriteStaysLinear_P16) {
    std::string a, b;
    for (int i = 0; i < 3000; ++i) {
        a += "a" + std::to_string(i) + "\n";
        b += "b" + std::to_string(i) + "\n";
    }
    auto d = DiffLines(a, b, 1000);
    EXPECT_EQ(d.size(), 6000u);
}

TEST(PortalRevisions, FieldsThatChanged_P16) {
    ItemFields x{.title = "A", .source = "TTXVN", .tags = {"đảng"}};
    ItemFields y = x;
    y.title = "B";
    y.tags = {"đảng", "hội nghị"};
    auto d = DiffFields(x, y);
    ASSERT_EQ(d.size(), 2u);
    EXPECT_EQ(d[0].field, "title");
    EXPECT_EQ(d[1].field, "tags");
}

}  // namespace
}  // namespace vp::portal
