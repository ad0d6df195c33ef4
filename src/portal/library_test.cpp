// covers P-3, P-4, P-25: the rules of the shared library (document kinds, look-up words,
// collection levels).
#include <gtest/gtest.h>

#include "portal/library.hpp"

namespace vp::portal {
namespace {

TEST(Library, DocumentKindsAreTheRegulationsKinds) {
    for (const char* k : {"resolution", "directive", "conclusion", "regulation", "decision", "programme", "plan",
                          "report", "notice"}) {
        EXPECT_TRUE(IsDocumentKind(k)) << k;
    }
    EXPECT_FALSE(IsDocumentKind("Resolution"));
    EXPECT_FALSE(IsDocumentKind(""));
}

TEST(Library, QueryWordsAreFoldedAndKeepSymbols) {
    EXPECT_EQ(QueryWords("Nghị  quyết 18"), (std::vector<std::string>{"nghi", "quyet", "18"}));
    EXPECT_EQ(QueryWords("số 18-NQ/TW, về Đảng"), (std::vector<std::string>{"so", "18-nq/tw", "ve", "dang"}));
    // Decomposed input (NFD) folds like composed input.
    EXPECT_EQ(QueryWords("nghi\xCC\xA3 quye\xCC\x82\xCC\x81t"), QueryWords("nghị quyết"));
    EXPECT_EQ(QueryWords(" - / . "), std::vector<std::string>{});
    EXPECT_EQ(QueryWords("a a a b"), (std::vector<std::string>{"a", "b"}));
    EXPECT_EQ(QueryWords("a b c d e", 3).size(), 3u);
    // SQL wildcards are ordinary separators here.
    EXPECT_EQ(QueryWords("100% _x"), (std::vector<std::string>{"100", "x"}));
}

TEST(Library, HoldsAllWords) {
    const std::string text = "nghi quyet so 18-nq/tw ve tiep tuc doi moi";
    EXPECT_TRUE(HoldsAllWords(text, QueryWords("Nghị quyết đổi mới")));
    EXPECT_FALSE(HoldsAllWords(text, QueryWords("nghị quyết chỉ thị")));
    EXPECT_TRUE(HoldsAllWords(text, {}));
}

TEST(Library, CollectionLevelsNestOutsideIn) {
    EXPECT_TRUE(MayContain("", "volume"));
    EXPECT_TRUE(MayContain("", "chapter")) << "a collection may start with chapters";
    EXPECT_TRUE(MayContain("volume", "part"));
    EXPECT_TRUE(MayContain("volume", "chapter")) << "a volume without parts";
    EXPECT_TRUE(MayContain("chapter", "section"));
    EXPECT_FALSE(MayContain("chapter", "volume"));
    EXPECT_FALSE(MayContain("chapter", "chapter"));
    EXPECT_FALSE(MayContain("volume", "book"));
    EXPECT_FALSE(MayContain("book", "chapter"));
}

}  // namespace
}  // namespace vp::portal
