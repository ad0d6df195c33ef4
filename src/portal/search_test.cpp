// covers P-21, X-2: the Vietnamese search rules (words, folding, queries, snippets, slugs).
#include <gtest/gtest.h>

#include "portal/search.hpp"

namespace vp::portal::search {
namespace {

TEST(PortalSearchRules, WordsAreLowerCasedComposedAndFolded_X2) {
    EXPECT_EQ(Words("Nghị quyết số 18-NQ/TW của Ban Chấp hành"),
              (std::vector<std::string>{"nghị", "quyết", "số", "18", "nq", "tw", "của", "ban", "chấp", "hành"}));
    EXPECT_EQ(FoldedWords("ĐẢNG Cộng sản Việt Nam"), (std::vector<std::string>{"dang", "cong", "san", "viet", "nam"}));
    // NFD (combining marks) is the same word as NFC.
    const std::string nfd = "Đa\xcc\x89ng";  // "Đảng" with U+0309 COMBINING HOOK ABOVE
    EXPECT_EQ(Words(nfd), (std::vector<std::string>{"đảng"}));
    EXPECT_EQ(IndexText("“Vấn đề” — then chốt!", false), "vấn đề then chốt");
    EXPECT_EQ(IndexText("“Vấn đề” — then chốt!", true), "van de then chot");
    EXPECT_TRUE(Words("\xff\xfe").empty()) << "invalid UTF-8 gives no words";
}

TEST(PortalSearchRules, QueriesKeepExactAndFoldedWordsAndPhrases_X2) {
    auto q = Parse("  nghi quyet ");
    EXPECT_EQ(q.folded, (std::vector<std::string>{"nghi", "quyet"}));
    EXPECT_FALSE(q.phrase);
    EXPECT_EQ(Fts5Folded(q), R"({ftitle fbody} : ("nghi" AND "quyet"))");
    EXPECT_EQ(TsFolded(q), "nghi & quyet");
    auto d = Parse("Đảng");
    EXPECT_EQ(d.exact, (std::vector<std::string>{"đảng"}));
    EXPECT_EQ(d.folded, (std::vector<std::string>{"dang"}));
    EXPECT_EQ(Fts5Exact(d), R"({title body} : ("đảng"))");
    auto p = Parse("\"van de\"");
    EXPECT_TRUE(p.phrase);
    EXPECT_EQ(Fts5Folded(p), R"({ftitle fbody} : ("van de"))");
    EXPECT_EQ(TsFolded(p), "van <-> de");
    // Nothing of the query's syntax reaches the engines: only words.
    auto evil = Parse("x\" OR title:* NEAR(a b) ' ; DROP TABLE --");
    for (const auto& w : evil.exact) EXPECT_EQ(w.find_first_of("\"'*():;-"), std::string::npos) << w;
    EXPECT_TRUE(Parse(" \"  ").empty());
    EXPECT_EQ(Parse("a b c d e f g h i j k l m n o").exact.size(), 12u);
}

TEST(PortalSearchRules, SnippetsMarkTheMatchedWordsAndEscapeTheRest_P21) {
    auto q = Parse("nghi quyet");
    const std::string text = "Hội nghị <b>lần thứ mười</b> đã thông qua nghị quyết về phát triển kinh tế biển.";
    EXPECT_EQ(Snippet(text, q, 30),
              "Hội <mark>nghị</mark> &lt;b&gt;lần thứ mười&lt;/b&gt; đã thông qua <mark>nghị</mark> "
              "<mark>quyết</mark> về phát triển kinh tế biển.");
    std::string longer;
    for (int i = 0; i < 60; ++i) longer += "từ ";
    longer += "Đảng lãnh đạo";
    for (int i = 0; i < 60; ++i) longer += " chữ";
    auto s = Snippet(longer, Parse("dang"), 10);
    EXPECT_EQ(s.rfind("… ", 0), 0u) << s;
    EXPECT_NE(s.find("<mark>Đảng</mark>"), std::string::npos) << s;
    EXPECT_NE(s.find(" …"), std::string::npos);
}

// covers X-2: when a search reads the newest items first (PostgreSQL, common words, first pages).
TEST(PortalSearchRules, OnlyCommonWordsFirstPagesReadTheNewestItemsFirst_X2) {
    EXPECT_TRUE(ReadNewestFirst(true, 1001, 1000, 0, 10));
    EXPECT_TRUE(ReadNewestFirst(true, 1001, 1000, 10, 10)) << "the second page of ten";
    EXPECT_FALSE(ReadNewestFirst(true, 1001, 1000, 20, 10)) << "beyond the first 20 results";
    EXPECT_FALSE(ReadNewestFirst(true, 1000, 1000, 0, 10)) << "a word within the cap: its index is cheap";
    EXPECT_FALSE(ReadNewestFirst(false, 5000, 1000, 0, 10)) << "SQLite reads its index newest first anyway";
    EXPECT_FALSE(ReadNewestFirst(true, 5000, 1000, 0, 0));
    EXPECT_FALSE(ReadNewestFirst(true, 5000, 1000, -1, 10));
}

TEST(PortalSearchRules, SlugsAreFoldedAscii_P21) {
    EXPECT_EQ(Slug("Nghị quyết số 18-NQ/TW về Đảng"), "nghi-quyet-so-18-nq-tw-ve-dang");
    EXPECT_EQ(Slug("<script>"), "script");
    EXPECT_LE(Slug(std::string(200, 'a') + " b").size(), 80u);
}

}  // namespace
}  // namespace vp::portal::search
