// covers P-21, X-2 on both engines: the public read model follows publication, update and
// withdrawal; Vietnamese search with and without diacritics, phrases, NFD, ranking of exact
// matches above folded ones, filters, paging and snippets.
#include <gtest/gtest.h>

#include <algorithm>
#include <functional>

#include "portal/service_fixture.hpp"

namespace vp::portal {
namespace {

using testing_support::At;

class PortalSearch : public testing_support::PortalService {
protected:
    void SetUp() override {
        PortalService::SetUp();
        if (IsSkipped() || HasFailure()) return;
        Cast();
    }
    Item Pub(std::string title, std::string body, std::string section = "thoi-su", std::string kind = "news",
             std::string lang = "vi") {
        auto n = News(std::move(title));
        n.kind = std::move(kind);
        n.language = std::move(lang);
        n.fields.lead = "Tin từ Văn phòng.";
        n.fields.body_html = "<p>" + body + "</p>";
        n.fields.sections = {std::move(section)};
        if (n.kind == "official_document") {
            n.fields.issued_at = At("2026-03-02T00:00:00+07:00");
            n.fields.document = {.doc_kind = "resolution", .number = "1", .symbol = "NQ/TW", .issuer = "Bộ Chính trị"};
        }
        auto item = svc_->CreateItem(contributor_, std::move(n));
        EXPECT_TRUE(item.ok()) << (item.ok() ? "" : core::Text(item.error().message, "en"));
        return item.ok() ? Publish(item.value()) : Item{};
    }
    std::vector<std::int64_t> IdsOf(SearchQuery q) {
        std::vector<std::int64_t> out;
        for (const auto& r : svc_->Search(q).results) out.push_back(r.item.id);
        return out;
    }
    std::vector<std::int64_t> Ids(std::string q) { return IdsOf(SearchQuery{.q = std::move(q)}); }
};

TEST_P(PortalSearch, WordsAreFoundWithOrWithoutDiacritics_X2) {
    auto a = Pub("Quán triệt nghị quyết Trung ương", "Hội nghị quán triệt nghị quyết về công tác cán bộ.");
    auto b = Pub("Đường giao thông nông thôn", "Tỉnh hoàn thành con đường liên xã.");
    Pub("Thời tiết hôm nay", "Trời nắng nhẹ.");
    EXPECT_EQ(Ids("nghi quyet"), std::vector<std::int64_t>{a.id});
    EXPECT_EQ(Ids("nghị quyết"), std::vector<std::int64_t>{a.id});
    EXPECT_EQ(Ids("NGHỊ QUYẾT"), std::vector<std::int64_t>{a.id}) << "case does not matter";
    EXPECT_EQ(Ids("duong"), std::vector<std::int64_t>{b.id}) << "đ folds to d";
    EXPECT_EQ(Ids("đường"), std::vector<std::int64_t>{b.id});
    EXPECT_TRUE(Ids("nghi quyet thoi tiet").empty()) << "every word must be there";
    EXPECT_TRUE(Ids("").empty());
    EXPECT_TRUE(Ids("\" OR * --").empty()) << "query syntax is not passed through";
}

TEST_P(PortalSearch, PhrasesAndDecomposedTextAreFound_X2) {
    auto a = Pub("Những vấn đề đặt ra", "Bàn về vấn đề then chốt của công tác xây dựng Đảng.");
    auto b = Pub("Vấn đáp trực tuyến", "Đề nghị các đơn vị chuẩn bị nội dung vấn đáp.");
    EXPECT_EQ(Ids("van de").size(), 2u) << "both hold the two words";
    EXPECT_EQ(Ids("\"van de\""), std::vector<std::int64_t>{a.id}) << "a phrase: together and in order";
    EXPECT_EQ(Ids("\"vấn đề\""), std::vector<std::int64_t>{a.id});
    // NFD typed query (combining marks) finds the composed text, and NFD text is found by NFC.
    EXPECT_EQ(Ids("va\xcc\x82\xcc\x81n \xc4\x91" "e\xcc\x82\xcc\x80").size(), 2u) << "vấn đề in NFD";
    // "Trình bày" typed with combining marks is found as composed text.
    auto nfd = Pub("Tri\xcc\x80nh ba\xcc\x80y tham lua\xcc\x82\xcc\xa3n", "Bài viết gõ bằng dấu tổ hợp.");
    EXPECT_EQ(Ids("trình bày"), std::vector<std::int64_t>{nfd.id});
    EXPECT_EQ(Ids("trinh bay"), std::vector<std::int64_t>{nfd.id});
    (void)b;
}

TEST_P(PortalSearch, ExactDiacriticsRankAboveFoldedMatches_X2) {
    // Older items with the exact word, newer with look-alikes: rank must not follow the date.
    auto party = Pub("Đảng lãnh đạo toàn diện", "Vai trò của Đảng trong thời kỳ mới.");
    clock_.Set(At("2026-03-10T09:00:00+07:00"));
    auto doing = Pub("Công trình đang triển khai", "Các đơn vị đang khẩn trương thi công, dang dở nhiều hạng mục.");
    auto shape = Pub("Đa dạng hình thức tuyên truyền", "Nhiều dạng sản phẩm mới.");
    auto road = Pub("Khánh thành con đường mới", "Con đường nối hai huyện.");
    auto ocean = Pub("Hợp tác Ấn Độ Dương", "Khu vực Ấn Độ Dương và Thái Bình Dương.");
    auto d = Ids("Đảng");
    ASSERT_EQ(d.size(), 3u);
    EXPECT_EQ(d[0], party.id) << "the exact word first";
    EXPECT_TRUE((d[1] == doing.id && d[2] == shape.id) || (d[1] == shape.id && d[2] == doing.id));
    auto r = Ids("đường");
    ASSERT_EQ(r.size(), 2u);
    EXPECT_EQ(r[0], road.id) << "đường before dương";
    EXPECT_EQ(r[1], ocean.id);
    auto unaccented = Ids("duong");
    EXPECT_EQ(unaccented.size(), 2u) << "typed without diacritics: both, the newest first";
}

TEST_P(PortalSearch, FiltersPagingAndSnippets_P21) {
    std::vector<std::int64_t> ids;
    for (int i = 0; i < 5; ++i) {
        clock_.Set(At("2026-03-1" + std::to_string(i) + "T09:00:00+07:00"));
        ids.push_back(Pub("Chuyển đổi số số " + std::to_string(i), "Đẩy mạnh chuyển đổi số trong các cơ quan đảng.").id);
    }
    auto doc = Pub("Nghị quyết về chuyển đổi số", "Nghị quyết của Bộ Chính trị về chuyển đổi số.", "van-ban",
                   "official_document");
    auto all = svc_->Search({.q = "chuyen doi so"});
    EXPECT_EQ(all.total, 6);
    EXPECT_EQ(svc_->Search({.q = "chuyen doi so", .section = "van-ban"}).total, 1);
    EXPECT_EQ(svc_->Search({.q = "chuyen doi so", .kind = "official_document"}).results.at(0).item.id, doc.id);
    EXPECT_EQ(svc_->Search({.q = "chuyen doi so", .language = "en"}).total, 0);
    EXPECT_EQ(svc_->Search({.q = "chuyen doi so", .portal = "khong-co"}).total, 0);
    EXPECT_EQ(svc_->Search({.q = "chuyen doi so", .from = At("2026-03-12T00:00:00+07:00"),
                            .to = At("2026-03-14T00:00:00+07:00")})
                  .total,
              2);
    auto page1 = IdsOf({.q = "chuyen doi so", .limit = 4});
    auto page2 = IdsOf({.q = "chuyen doi so", .limit = 4, .offset = 4});
    EXPECT_EQ(page1.size(), 4u);
    EXPECT_EQ(page2.size(), 2u);
    for (auto id : page2) EXPECT_EQ(std::count(page1.begin(), page1.end(), id), 0);
    EXPECT_NE(all.results[0].snippet.find("<mark>chuyển</mark> <mark>đổi</mark> <mark>số</mark>"), std::string::npos)
        << all.results[0].snippet;
}

// Paging walks the exact tier, then the folded one, without losing or repeating an item at the
// boundary (the exact tier is only probed, not counted to the cap).
TEST_P(PortalSearch, PagesCrossFromTheExactTierToTheFoldedOne_P21_X2) {
    std::vector<std::int64_t> exact, folded;
    const char* kTexts[] = {"Đảng bộ", "đang làm", "Đảng viên", "dạng mới", "Đảng ủy", "đang tiến hành", "Dang dở"};
    for (int i = 0; i < 7; ++i) {
        clock_.Set(At("2026-03-1" + std::to_string(i) + "T09:00:00+07:00"));
        const auto id = Pub(std::string(kTexts[i]) + " số " + std::to_string(i), "Nội dung tin.").id;
        (std::string(kTexts[i]).starts_with("Đảng") ? exact : folded).push_back(id);
    }
    std::vector<std::int64_t> want(exact.rbegin(), exact.rend());  // exact first, newest first
    want.insert(want.end(), folded.rbegin(), folded.rend());
    EXPECT_EQ(Ids("Đảng"), want);
    for (int size : {1, 2, 3, 4}) {
        std::vector<std::int64_t> walked;
        for (int offset = 0; offset < 9; offset += size) {
            auto page = IdsOf({.q = "Đảng", .limit = size, .offset = offset});
            walked.insert(walked.end(), page.begin(), page.end());
        }
        EXPECT_EQ(walked, want) << "pages of " << size;
    }
    EXPECT_EQ(svc_->Search({.q = "Đảng", .limit = 2, .offset = 2}).total, 7);
}

TEST_P(PortalSearch, TheReadModelFollowsUpdatesAndWithdrawals_P21) {
    auto item = Pub("Bản tin sáng", "Nội dung ban đầu về biển đảo.");
    EXPECT_EQ(svc_->ListPublic({.portal = "main"}).total, 1);
    auto f = item.current.fields;
    f.title = "Bản tin chiều";
    f.body_html = "<p>Nội dung cập nhật về rừng núi.</p>";
    ASSERT_TRUE(svc_->SaveRevision(editor_, item.id, f, "").ok());
    EXPECT_EQ(Ids("rung nui").size(), 0u) << "a pending edit is not public";
    ASSERT_TRUE(svc_->Act(editor_, item.id, Action::kSendToReview, {}).ok());
    ASSERT_TRUE(svc_->Act(reviewer_, item.id, Action::kApprove, {}).ok());
    ASSERT_TRUE(svc_->Act(publisher_, item.id, Action::kPublish, {}).ok());
    EXPECT_EQ(Ids("rung nui"), std::vector<std::int64_t>{item.id});
    EXPECT_TRUE(Ids("bien dao").empty()) << "the old text left the index";
    EXPECT_EQ(svc_->ListPublic({.portal = "main"}).items.at(0).current.fields.title, "Bản tin chiều");
    ASSERT_TRUE(svc_->Act(director_, item.id, Action::kWithdraw, {.reason = "Thông tin sai lệch"}).ok());
    EXPECT_TRUE(Ids("rung nui").empty()) << "withdrawn: gone from the site";
    EXPECT_EQ(svc_->ListPublic({.portal = "main"}).total, 0);
    EXPECT_TRUE(svc_->PublicEntries("main", std::nullopt, 100).empty());
    EXPECT_EQ(svc_->RebuildPublic(), 0) << "nothing left to bring in";
}

TEST_P(PortalSearch, ListsAreReadFromTheReadModelBySectionWithTheirPictures_P21) {
    auto a = Pub("Tin thời sự một", "Nội dung một.");
    auto b = Pub("Tin địa phương", "Nội dung hai.", "dia-phuong");
    auto f = a.current.fields;
    f.media = {{.url = "/media/abc", .caption = "Ảnh <chú thích>", .credit = "TTXVN"}};
    f.sections = {"thoi-su", "dia-phuong"};
    ASSERT_TRUE(svc_->SaveRevision(editor_, a.id, f, "").ok());
    ASSERT_TRUE(svc_->Act(editor_, a.id, Action::kSendToReview, {}).ok());
    ASSERT_TRUE(svc_->Act(reviewer_, a.id, Action::kApprove, {}).ok());
    ASSERT_TRUE(svc_->Act(publisher_, a.id, Action::kPublish, {}).ok());
    auto ids = [&](const std::string& section) {
        std::vector<std::int64_t> out;
        for (const auto& it : svc_->ListPublic({.portal = "main", .section = section}).items) out.push_back(it.id);
        return out;
    };
    EXPECT_EQ(ids("thoi-su"), std::vector<std::int64_t>{a.id});
    EXPECT_EQ(ids("dia-phuong"), (std::vector<std::int64_t>{b.id, a.id})) << "newest first publication first";
    EXPECT_EQ(svc_->ListPublic({.portal = "main", .section = "dia-phuong"}).total, 2);
    EXPECT_EQ(svc_->ListPublic({.portal = "main", .section = "dia-phuong", .language = "en"}).total, 0);
    EXPECT_TRUE(ids("khong-co").empty());
    const auto listed = svc_->ListPublic({.portal = "main", .section = "thoi-su"}).items.at(0);
    EXPECT_EQ(listed.portal, "main");
    EXPECT_EQ(listed.current.fields.title, "Tin thời sự một");
    EXPECT_EQ(listed.current.fields.sections, (std::vector<std::string>{"thoi-su", "dia-phuong"}));
    ASSERT_EQ(listed.current.fields.media.size(), 1u);
    EXPECT_EQ(listed.current.fields.media[0].caption, "Ảnh <chú thích>");
    EXPECT_EQ(listed.current.fields.media[0].credit, "TTXVN");
    EXPECT_EQ(Ids("noi dung").size(), 2u);
    EXPECT_EQ(IdsOf({.q = "noi dung", .section = "dia-phuong"}).size(), 2u) << "the search's section filter";
    EXPECT_EQ(IdsOf({.q = "noi dung", .section = "thoi-su"}), std::vector<std::int64_t>{a.id});

    // A row written before the read model kept pictures and sections (migration V009) is
    // rewritten when the module starts.
    Db().Transact([&](core::db::Connection& c) {
        c.Execute("UPDATE portal_public SET media = NULL WHERE item_id = $1", {a.id});
        c.Execute("DELETE FROM portal_public_sections WHERE item_id = $1", {a.id});
        return 0;
    });
    EXPECT_TRUE(ids("thoi-su").empty());
    EXPECT_EQ(svc_->RebuildPublic(), 1);
    EXPECT_EQ(ids("thoi-su"), std::vector<std::int64_t>{a.id});
    EXPECT_EQ(svc_->ListPublic({.portal = "main", .section = "thoi-su"}).items.at(0).current.fields.media.size(), 1u);

    ASSERT_TRUE(svc_->Act(director_, a.id, Action::kWithdraw, {.reason = "Thông tin sai lệch"}).ok());
    EXPECT_TRUE(ids("thoi-su").empty()) << "withdrawn: gone from every section's list";
    EXPECT_EQ(ids("dia-phuong"), std::vector<std::int64_t>{b.id});
}

// covers X-2: a word in more items than the count's cap: the tiers and their order are the same
// whatever way the engine reads them (PostgreSQL reads the newest items first for the first
// pages of a common word, then falls back), page after page.
TEST_P(PortalSearch, ACommonWordPagesThroughBothTiersInOrder_X2) {
    // 1100 items straight into the tables (the workflow is tested elsewhere), then the read model.
    auto first = Pub("Mẫu", "Mẫu.");
    const auto tmpl = Db().Read([&](core::db::Connection& c) {
        return *c.QueryOne("SELECT i.portal_id, i.providing_unit_id, r.fields_json FROM portal_items i"
                           " JOIN portal_revisions r ON r.item_id = i.id AND r.no = i.live_revision WHERE i.id = $1",
                           {first.id});
    });
    std::vector<std::int64_t> dense, sparse, folded_only;  // "Đảng" every third; "dạng" the 5 oldest
    const std::int64_t n = 1100, base_ms = core::ToMillis(clock_.Now()) - n * 60000;
    Db().Transact([&](core::db::Connection& c) {
        for (std::int64_t i = 0; i < n; ++i) {
            const auto id = first.id + 1 + i, ms = base_ms + i * 60000;
            const std::string body = i < 5 ? "Các dạng bài" : i % 3 == 0 ? "Đảng bộ tỉnh" : "đang triển khai";
            (i < 5 ? sparse : i % 3 == 0 ? dense : folded_only).push_back(id);
            c.Execute("INSERT INTO portal_items (id, portal_id, kind, language, state, version, current_revision,"
                      " live_revision, created_by, providing_unit_id, created_at, updated_at, first_published_at,"
                      " published_at) VALUES ($1, $2, 'news', 'vi', 'published', 1, 1, 1, 0, $3, $4, $4, $4, $4)",
                      {id, tmpl.Int(0), tmpl.Int(1), ms});
            c.Execute("INSERT INTO portal_revisions (item_id, no, created_at, created_by, created_by_name, role, title,"
                      " lead, body_html, body_text, fields_json) VALUES ($1, 1, $2, 0, 't', 'editor', $3, '', $4, $5, $6)",
                      {id, ms, "Tin " + std::to_string(i), "<p>" + body + "</p>", body, tmpl.Text(2)});
        }
        return 0;
    });
    ASSERT_EQ(svc_->RebuildPublic(), n);
    auto newest_first = [](std::vector<std::int64_t> v) {
        std::reverse(v.begin(), v.end());
        return v;
    };
    auto concat = [](std::vector<std::int64_t> a, const std::vector<std::int64_t>& b) {
        a.insert(a.end(), b.begin(), b.end());
        return a;
    };
    // Exact first, then folded only, each newest first.
    const auto dang_sorted = [&] {
        // The folded-only tier of "Đảng": every other item holding "dang" folded, newest first.
        std::vector<std::int64_t> rest = concat(sparse, folded_only);
        std::sort(rest.begin(), rest.end(), std::greater<>());
        return concat(newest_first(dense), rest);
    }();
    std::vector<std::int64_t> rest = concat(dense, folded_only);
    std::sort(rest.begin(), rest.end(), std::greater<>());
    const auto dangs = concat(newest_first(sparse), rest);  // "dạng": 5 oldest first, then the rest
    for (const auto& [q, expected] : {std::pair{std::string("Đảng"), dang_sorted}, {std::string("dạng"), dangs}}) {
        for (const auto& [page, limit] : {std::pair{1, 10}, {2, 10}, {1, 20}, {3, 10}, {40, 10}}) {
            const auto page_q = SearchQuery{.q = q, .limit = limit, .offset = (page - 1) * limit};
            const auto got = svc_->Search(page_q);
            EXPECT_EQ(got.total, 1000) << q;
            EXPECT_TRUE(got.total_capped) << q;
            std::vector<std::int64_t> ids;
            for (const auto& r : got.results) ids.push_back(r.item.id);
            const std::vector<std::int64_t> want(expected.begin() + (page - 1) * limit,
                                                 expected.begin() + std::min<std::size_t>(expected.size(), page * limit));
            EXPECT_EQ(ids, want) << q << " page " << page << " of " << limit;
        }
    }
    EXPECT_TRUE(IdsOf({.q = "Đảng", .language = "en"}).empty()) << "a filter holds in every way of reading";
    EXPECT_EQ(IdsOf({.q = "Đảng", .kind = "news", .limit = 3}),
              (std::vector<std::int64_t>{dense.rbegin()[0], dense.rbegin()[1], dense.rbegin()[2]}));
}

// covers P-21, P-5: an article page's reads in one snapshot: the live revision, its published
// translations, and its section's newest items in its language without itself; the portal by id.
TEST_P(PortalSearch, AnArticleIsReadWithItsTranslationsAndRelatedItemsAtOnce_P21) {
    auto older = Pub("Tin cũ cùng chuyên mục", "Nội dung cũ.");
    auto other = Pub("Tin chuyên mục khác", "Nội dung khác.", "dia-phuong");
    auto a = Pub("Bài chính", "Nội dung chính.");
    auto newer = Pub("Tin mới cùng chuyên mục", "Nội dung mới.");
    auto translator = On("main", "translator", 301);
    NewItem t = News("The main story");
    t.language = "en";
    t.translation_of = a.id;
    t.fields.sections = {"thoi-su"};
    auto tr = svc_->CreateItem(translator, t);
    ASSERT_TRUE(tr.ok()) << core::Text(tr.error().message, "en");
    ASSERT_TRUE(svc_->Act(translator, tr->id, Action::kSubmit, Submission()).ok());
    ASSERT_TRUE(svc_->Act(editor_, tr->id, Action::kTake, {}).ok());
    ASSERT_TRUE(svc_->Act(editor_, tr->id, Action::kSendToReview, {}).ok());
    ASSERT_TRUE(svc_->Act(reviewer_, tr->id, Action::kApprove, {}).ok());
    ASSERT_TRUE(svc_->Act(publisher_, tr->id, Action::kPublish, {}).ok());

    auto page = svc_->PublishedArticle(a.id, 5);
    ASSERT_TRUE(page);
    EXPECT_EQ(page->item.id, a.id);
    EXPECT_EQ(page->item.current.fields.title, "Bài chính");
    EXPECT_EQ(page->item.current.fields.body_html, "<p>Nội dung chính.</p>");
    EXPECT_FALSE(page->item.post_check) << "a reader's page reads no post-check";
    ASSERT_EQ(page->translations.size(), 1u);
    EXPECT_EQ(page->translations[0].id, tr->id);
    EXPECT_EQ(page->translations[0].language, "en");
    std::vector<std::int64_t> related;
    for (const auto& r : page->related) related.push_back(r.id);
    EXPECT_EQ(related, (std::vector<std::int64_t>{newer.id, older.id}))
        << "its section, its language, newest first, itself and the English version left out";
    (void)other;
    ASSERT_EQ(svc_->PublishedArticle(a.id, 1)->related.size(), 1u);
    EXPECT_TRUE(svc_->PublishedArticle(a.id, 0)->related.empty());

    // The translation sees its original; the list of a portal by id equals the list by code.
    auto en = svc_->PublishedArticle(tr->id);
    ASSERT_TRUE(en);
    ASSERT_EQ(en->translations.size(), 1u);
    EXPECT_EQ(en->translations[0].id, a.id);
    EXPECT_TRUE(en->related.empty()) << "no other English item in the section";
    const auto main_id = svc_->FindPortal("main")->id;
    EXPECT_EQ(svc_->ListPublic({.portal_id = main_id, .section = "thoi-su"}).total,
              svc_->ListPublic({.portal = "main", .section = "thoi-su"}).total);

    // Withdrawn or never published: nothing.
    ASSERT_TRUE(svc_->Act(director_, a.id, Action::kWithdraw, {.reason = "Thông tin sai lệch"}).ok());
    EXPECT_FALSE(svc_->PublishedArticle(a.id));
    EXPECT_FALSE(svc_->PublishedArticle(987654));
}

VP_INSTANTIATE_DB_TEST(PortalSearch);

}  // namespace
}  // namespace vp::portal
