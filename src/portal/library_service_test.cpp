// covers P-1, P-3, P-4, P-25 on both engines: the register of official documents and its
// look-up, documents placed on other portals and cited, collections by volume and chapter, and
// the integration of component portals' items into the main portal.
#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "portal/service_fixture.hpp"

namespace vp::portal {
namespace {

using core::access::Principal;
using testing_support::At;

class PortalLibrary : public testing_support::PortalService {
protected:
    NewItem Document(std::string title, std::string kind, std::string number, std::string symbol,
                     std::string issued = "2026-03-02T00:00:00+07:00") {
        NewItem n{.portal = "main", .kind = "official_document", .language = "vi"};
        n.fields.title = std::move(title);
        n.fields.lead = "Về tiếp tục đổi mới, sắp xếp tổ chức bộ máy tinh gọn, hoạt động hiệu lực, hiệu quả.";
        n.fields.body_html = "<p>Ban Chấp hành Trung ương quyết nghị tổng kết việc thực hiện.</p>";
        n.fields.source = "Văn phòng Trung ương Đảng";
        n.fields.sections = {"van-ban"};
        n.fields.issued_at = At(issued);
        n.fields.document = {.doc_kind = std::move(kind),
                             .number = std::move(number),
                             .symbol = std::move(symbol),
                             .issuer = "Ban Chấp hành Trung ương",
                             .signer = "Tô Lâm"};
        return n;
    }

    // Each of a portal's roles, with ids from `base`.
    struct Board {
        Principal contributor, editor, reviewer, publisher, director;
    };
    Board BoardOf(std::string_view portal, std::int64_t base) {
        return {On(portal, "contributor", base), On(portal, "editor", base + 1), On(portal, "reviewer", base + 2),
                On(portal, "publisher", base + 3), On(portal, "portal_director", base + 4)};
    }
    Item PublishOn(const Board& b, NewItem n) {
        auto item = svc_->CreateItem(b.editor, std::move(n));
        EXPECT_TRUE(item.ok()) << (item.ok() ? "" : core::Text(item.error().message, "en"));
        if (!item) return {};
        EXPECT_TRUE(svc_->Act(b.editor, item->id, Action::kSubmit, {}).ok());
        EXPECT_TRUE(svc_->Act(b.editor, item->id, Action::kTake, {}).ok());
        EXPECT_TRUE(svc_->Act(b.editor, item->id, Action::kSendToReview, {}).ok());
        EXPECT_TRUE(svc_->Act(b.reviewer, item->id, Action::kApprove, {}).ok());
        auto p = svc_->Act(b.publisher, item->id, Action::kPublish, {});
        EXPECT_TRUE(p.ok()) << (p.ok() ? "" : core::Text(p.error().message, "en"));
        return p.ok() ? p.value() : item.value();
    }
    std::int64_t Found(DocumentQuery q) { return svc_->LookUpDocuments(q).total; }
};

TEST_P(PortalLibrary, DocumentsAreLookedUpByEveryFieldOnceTheyArePublished_P3) {
    auto main = BoardOf("main", 200);
    auto draft = svc_->CreateItem(main.editor, Document("Nghị quyết số 18-NQ/TW", "resolution", "18", "NQ/TW"));
    ASSERT_TRUE(draft.ok());
    EXPECT_EQ(Found({}), 0) << "a draft is not in the register";
    ASSERT_TRUE(svc_->Act(main.editor, draft->id, Action::kSubmit, {}).ok());
    ASSERT_TRUE(svc_->Act(main.editor, draft->id, Action::kTake, {}).ok());
    ASSERT_TRUE(svc_->Act(main.editor, draft->id, Action::kSendToReview, {}).ok());
    ASSERT_TRUE(svc_->Act(main.reviewer, draft->id, Action::kApprove, {}).ok());
    auto nq = svc_->Act(main.publisher, draft->id, Action::kPublish, {}).value();
    auto ct = PublishOn(main, Document("Chỉ thị số 35-CT/TW về đại hội đảng bộ các cấp", "directive", "35", "CT/TW",
                                       "2024-06-14T00:00:00+07:00"));
    EXPECT_EQ(Found({}), 2);
    EXPECT_EQ(Found({.doc_kind = "resolution"}), 1);
    EXPECT_EQ(Found({.number = "18"}), 1);
    EXPECT_EQ(Found({.number = "1"}), 0) << "the number matches whole";
    EXPECT_EQ(Found({.symbol = "nq/tw"}), 1) << "the symbol, any case";
    EXPECT_EQ(Found({.issuer = "ban chap hanh trung uong"}), 2) << "without diacritics";
    EXPECT_EQ(Found({.signer = "TÔ LÂM"}), 2);
    EXPECT_EQ(Found({.signer = "Nguyễn"}), 0);
    EXPECT_EQ(Found({.issued_from = At("2026-01-01T00:00:00+07:00")}), 1);
    EXPECT_EQ(Found({.issued_from = At("2024-06-14T00:00:00+07:00"), .issued_to = At("2024-06-15T00:00:00+07:00")}),
              1);
    EXPECT_EQ(Found({.text = "dai hoi dang bo"}), 1) << "full text, folded";
    EXPECT_EQ(Found({.text = "tinh gọn bộ may"}), 2) << "the summary is searched";
    EXPECT_EQ(Found({.text = "tinh gọn chỉ thị 35"}), 1) << "every word must occur";
    EXPECT_EQ(Found({.text = "100%"}), 0) << "wildcards are literal";
    auto page = svc_->LookUpDocuments({.limit = 1});
    ASSERT_EQ(page.results.size(), 1u);
    EXPECT_EQ(page.total, 2);
    EXPECT_EQ(page.results[0].item_id, nq.id) << "newest issue date first";
    EXPECT_EQ(page.results[0].meta.symbol, "NQ/TW");
    EXPECT_EQ(svc_->LookUpDocuments({.limit = 1, .offset = 1}).results[0].item_id, ct.id);

    // An edit waits for review: the register shows the live revision until it goes live.
    auto f = nq.current.fields;
    f.title = "Nghị quyết số 18-NQ/TW (bản đính chính)";
    ASSERT_TRUE(svc_->SaveRevision(main.editor, nq.id, f, "").ok());
    EXPECT_EQ(svc_->FindDocument(nq.id)->title, "Nghị quyết số 18-NQ/TW");
    ASSERT_TRUE(svc_->Act(main.editor, nq.id, Action::kSendToReview, {}).ok());
    ASSERT_TRUE(svc_->Act(main.reviewer, nq.id, Action::kApprove, {}).ok());
    ASSERT_TRUE(svc_->Act(main.publisher, nq.id, Action::kPublish, {}).ok());
    EXPECT_EQ(svc_->FindDocument(nq.id)->title, "Nghị quyết số 18-NQ/TW (bản đính chính)");
    EXPECT_EQ(svc_->FindDocument(nq.id)->revision, 2);

    // Withdrawn: it leaves the look-up.
    ASSERT_TRUE(svc_->Act(main.director, ct.id, Action::kWithdraw, {.reason = "Văn bản hết hiệu lực"}).ok());
    EXPECT_EQ(Found({}), 1);
    EXPECT_FALSE(svc_->FindDocument(ct.id));
}

TEST_P(PortalLibrary, ADocumentNeedsItsKindAndIssuerAndNothingIsStoredWithout_P3) {
    auto main = BoardOf("main", 200);
    const auto before = CountItems();
    auto n = Document("Nghị quyết", "", "18", "NQ/TW");
    EXPECT_EQ(svc_->CreateItem(main.editor, n).error().field, "document.doc_kind");
    n.fields.document.doc_kind = "edict";
    EXPECT_EQ(svc_->CreateItem(main.editor, n).error().field, "document.doc_kind");
    n.fields.document.doc_kind = "resolution";
    n.fields.document.issuer = " ";
    EXPECT_EQ(svc_->CreateItem(main.editor, n).error().field, "document.issuer");
    n.fields.document.issuer = "Bộ Chính trị\r\nSet-Cookie: x";
    EXPECT_EQ(svc_->CreateItem(main.editor, n).error().field, "document.issuer") << "no control characters";
    auto news = News();
    news.fields.document.doc_kind = "resolution";
    EXPECT_EQ(svc_->CreateItem(main.editor, news).error().field, "document") << "only documents carry document fields";
    EXPECT_EQ(CountItems(), before);
}

TEST_P(PortalLibrary, EveryPortalListsAndCitesTheSharedDocumentsWithoutCopying_P25) {
    auto main = BoardOf("main", 200);
    auto hue = BoardOf("tu-hue", 300);
    auto nq = PublishOn(main, Document("Nghị quyết số 18-NQ/TW", "resolution", "18", "NQ/TW"));
    EXPECT_EQ(Found({.portal = "tu-hue"}), 0);
    EXPECT_EQ(svc_->PlaceDocument(hue.editor, "tu-hue", "van-ban", nq.id).error().code, core::ErrorCode::kForbidden)
        << "what a portal shows is its publishers' decision";
    EXPECT_EQ(svc_->PlaceDocument(main.publisher, "tu-hue", "van-ban", nq.id).error().code,
              core::ErrorCode::kForbidden)
        << "nor another portal's";
    EXPECT_EQ(svc_->PlaceDocument(hue.publisher, "tu-hue", "khong-co", nq.id).error().field, "section");
    EXPECT_EQ(svc_->PlaceDocument(hue.publisher, "tu-hue", "van-ban", 999999).error().field, "document");
    auto placed = svc_->PlaceDocument(hue.publisher, "tu-hue", "van-ban", nq.id);
    ASSERT_TRUE(placed.ok());
    EXPECT_EQ(svc_->PlaceDocument(hue.publisher, "tu-hue", "van-ban", nq.id).error().code, core::ErrorCode::kConflict);
    EXPECT_EQ(Found({.portal = "tu-hue"}), 1);
    EXPECT_EQ(svc_->Placements("tu-hue").size(), 1u);
    const auto items = CountItems();

    // An item of the provincial portal cites the document by its id; an unknown one is refused.
    auto n = News("Quán triệt Nghị quyết 18");
    n.portal = "tu-hue";
    n.fields.sections = {"tin-tuc"};
    n.fields.cites = {999999};
    EXPECT_EQ(svc_->CreateItem(hue.editor, n).error().field, "cites");
    n.fields.cites = {nq.id, nq.id};
    EXPECT_EQ(svc_->CreateItem(hue.editor, n).error().field, "cites");
    n.fields.cites = {nq.id};
    auto citing = svc_->CreateItem(hue.editor, n);
    ASSERT_TRUE(citing.ok());
    EXPECT_EQ(citing->current.fields.cites, std::vector<std::int64_t>{nq.id});
    EXPECT_EQ(CountItems(), items + 1) << "the document itself is not copied";

    // A document that leaves the site leaves the portals that list it (its title too).
    ASSERT_TRUE(svc_->Act(main.director, nq.id, Action::kWithdraw, {.reason = "Hết hiệu lực"}).ok());
    EXPECT_TRUE(svc_->Placements("tu-hue").empty());
    auto retired = svc_->RetirePlacement(hue.publisher, placed->id);
    ASSERT_TRUE(retired.ok());
    EXPECT_TRUE(retired->retired_at);
    EXPECT_EQ(svc_->RetirePlacement(hue.publisher, placed->id).error().code, core::ErrorCode::kConflict);
    EXPECT_EQ(Found({.portal = "tu-hue"}), 0);
    EXPECT_EQ(svc_->PlaceDocument(hue.publisher, "tu-hue", "van-ban", nq.id).error().field, "document")
        << "a withdrawn document is not placed";
}

TEST_P(PortalLibrary, CollectionsAreBrowsedByVolumeAndChapter_P4) {
    auto main = BoardOf("main", 200);
    auto hue = BoardOf("tu-hue", 300);
    NewCollection hcm{.code = "ho-chi-minh-toan-tap", .kind = "classic_works", .title_vi = "Hồ Chí Minh Toàn tập"};
    EXPECT_EQ(svc_->CreateCollection(hue.publisher, hcm).error().code, core::ErrorCode::kForbidden)
        << "the shared collections are the main portal's";
    EXPECT_EQ(svc_->CreateCollection(main.editor, hcm).error().code, core::ErrorCode::kForbidden);
    EXPECT_EQ(svc_->CreateCollection(main.publisher, {.code = "Bad Code", .kind = "classic_works", .title_vi = "x"})
                  .error()
                  .field,
              "code");
    EXPECT_EQ(svc_->CreateCollection(main.publisher, {.code = "x", .kind = "novels", .title_vi = "x"}).error().field,
              "kind");
    auto col = svc_->CreateCollection(main.publisher, hcm);
    ASSERT_TRUE(col.ok());
    EXPECT_EQ(svc_->CreateCollection(main.publisher, hcm).error().code, core::ErrorCode::kConflict);
    EXPECT_EQ(col->title_en, "Hồ Chí Minh Toàn tập") << "English title defaults to the Vietnamese";

    auto vol = svc_->AddNode(main.publisher, hcm.code, {.level = "volume", .label = "Tập 1", .title = "1919-1924"});
    ASSERT_TRUE(vol.ok());
    auto ch = svc_->AddNode(main.publisher, hcm.code,
                            {.parent_id = vol->id, .level = "chapter", .label = "Chương 1", .title = "Bài viết", .sort_order = 20});
    ASSERT_TRUE(ch.ok());
    EXPECT_EQ(svc_->AddNode(main.publisher, hcm.code, {.parent_id = ch->id, .level = "volume", .title = "x"}).error().field,
              "level")
        << "a chapter never holds a volume";
    EXPECT_EQ(svc_->AddNode(main.publisher, hcm.code, {.parent_id = ch->id, .level = "chapter", .title = "x"}).error().field,
              "level");
    EXPECT_EQ(svc_->AddNode(main.publisher, hcm.code, {.level = "book", .title = "x"}).error().field, "level");
    EXPECT_EQ(svc_->AddNode(main.publisher, hcm.code, {.parent_id = 999999, .level = "chapter", .title = "x"}).error().field,
              "parent");
    EXPECT_EQ(svc_->AddNode(main.publisher, hcm.code, {.level = "volume", .title = ""}).error().field, "title");
    EXPECT_EQ(svc_->AddNode(main.publisher, "khong-co", {.level = "volume", .title = "x"}).error().code,
              core::ErrorCode::kNotFound);
    // A volume cannot move under its own chapter (even as a section), nor a level change
    // strand its children.
    EXPECT_EQ(svc_->UpdateNode(main.publisher, hcm.code, vol->id, {.parent_id = ch->id, .level = "section", .title = "x"})
                  .error()
                  .field,
              "parent");
    EXPECT_EQ(svc_->UpdateNode(main.publisher, hcm.code, vol->id, {.level = "section", .title = "x"}).error().field,
              "level");

    // A chapter's text is a published item, cited in place.
    auto draft = svc_->CreateItem(main.editor, News("Tuyên ngôn độc lập"));
    EXPECT_EQ(svc_->AddNode(main.publisher, hcm.code, {.parent_id = vol->id, .level = "chapter", .title = "Tuyên ngôn", .item_id = draft->id})
                  .error()
                  .field,
              "item");
    auto text = PublishOn(main, News("Tuyên ngôn độc lập"));
    auto ch0 = svc_->AddNode(main.publisher, hcm.code,
                             {.parent_id = vol->id, .level = "chapter", .label = "Chương 0", .title = "Tuyên ngôn",
                              .sort_order = 10, .item_id = text.id});
    ASSERT_TRUE(ch0.ok());
    auto tree = svc_->CollectionTree(hcm.code, true);
    ASSERT_TRUE(tree.ok());
    ASSERT_EQ(tree->second.size(), 1u);
    ASSERT_EQ(tree->second[0].children.size(), 2u);
    EXPECT_EQ(tree->second[0].children[0].label, "Chương 0") << "in their order";
    EXPECT_EQ(tree->second[0].children[0].item_title, "Tuyên ngôn độc lập");

    // The item leaves the site: the chapter stays, without its text; a retired node goes.
    ASSERT_TRUE(svc_->Act(main.director, text.id, Action::kWithdraw, {.reason = "Sai bản"}).ok());
    ASSERT_TRUE(svc_->RetireNode(main.publisher, hcm.code, ch->id).ok());
    EXPECT_EQ(svc_->RetireNode(main.publisher, hcm.code, ch->id).error().code, core::ErrorCode::kConflict);
    tree = svc_->CollectionTree(hcm.code, true);
    ASSERT_EQ(tree->second[0].children.size(), 1u);
    EXPECT_EQ(tree->second[0].children[0].item_id, 0);
    auto renamed = svc_->UpdateNode(main.publisher, hcm.code, vol->id, {.level = "volume", .label = "Tập 1", .title = "1919 - 1924"});
    ASSERT_TRUE(renamed.ok());
    EXPECT_EQ(renamed->title, "1919 - 1924");
    EXPECT_EQ(svc_->Collections().size(), 1u);
}

TEST_P(PortalLibrary, AComponentItemIsIntegratedUpdatedAndWithdrawnWithItsOriginal_P1) {
    auto main = BoardOf("main", 200);
    auto hue = BoardOf("tu-hue", 300);
    auto n = News("Huế khai mạc Festival");
    n.portal = "tu-hue";
    n.fields.sections = {"tin-tuc"};
    auto original = PublishOn(hue, n);
    EXPECT_TRUE(svc_->IntegrationCandidates(main.publisher)->empty()) << "its section maps nowhere yet";
    EXPECT_EQ(svc_->Integrate(main.publisher, original.id, "").error().field, "main_section");
    ASSERT_TRUE(svc_->MapSection(op_, "tu-hue", "tin-tuc", "dia-phuong").ok());
    auto candidates = svc_->IntegrationCandidates(main.publisher);
    ASSERT_EQ(candidates->size(), 1u);
    EXPECT_EQ((*candidates)[0].main_section, "dia-phuong");
    EXPECT_EQ(svc_->IntegrationCandidates(hue.publisher).error().code, core::ErrorCode::kForbidden);

    EXPECT_EQ(svc_->Integrate(hue.publisher, original.id, "").error().code, core::ErrorCode::kForbidden)
        << "the main portal's publishers decide what it shows";
    EXPECT_EQ(svc_->Integrate(main.editor, original.id, "").error().code, core::ErrorCode::kForbidden);
    EXPECT_EQ(svc_->Integrate(main.publisher, original.id, "thoi-su").error().field, "main_section")
        << "only into a mapped section";
    auto copy = svc_->Integrate(main.publisher, original.id, "");
    ASSERT_TRUE(copy.ok()) << core::Text(copy.error().message, "en");
    EXPECT_EQ(copy->portal, "main");
    EXPECT_EQ(copy->state, State::kPublished);
    EXPECT_EQ(copy->integrated_from, original.id);
    EXPECT_EQ(copy->integrated_revision, 1);
    EXPECT_EQ(copy->current.fields.sections, std::vector<std::string>{"dia-phuong"});
    EXPECT_EQ(copy->current.fields.title, "Huế khai mạc Festival");
    ASSERT_TRUE(copy->post_check);
    EXPECT_EQ(copy->post_check->reason, "integration") << "every integration is post-checked";
    auto shown = svc_->ListPublic({.portal = "main", .section = "dia-phuong"});
    ASSERT_EQ(shown.total, 1) << "on the main portal's public pages at once (P-21)";
    EXPECT_EQ(shown.items.at(0).id, copy->id);
    EXPECT_EQ(svc_->Integrate(main.publisher, original.id, "").error().code, core::ErrorCode::kConflict);
    EXPECT_TRUE(svc_->IntegrationCandidates(main.publisher)->empty());
    EXPECT_EQ(svc_->SaveRevision(main.editor, copy->id, copy->current.fields, "").error().code,
              core::ErrorCode::kConflict)
        << "edited at its original only";
    EXPECT_EQ(svc_->Integrate(main.publisher, copy->id, "").error().field, "item") << "not a copy of a copy";

    // The original is updated: the copy follows once the update goes live.
    clock_.Set(At("2026-03-09T15:00:00+07:00"));  // before the post-check lock at 24:00
    auto f = original.current.fields;
    f.title = "Huế khai mạc Festival 2026";
    ASSERT_TRUE(svc_->SaveRevision(hue.editor, original.id, f, "").ok());
    EXPECT_EQ(svc_->PublishedItem(copy->id)->current.fields.title, "Huế khai mạc Festival") << "pending at the source";
    ASSERT_TRUE(svc_->Act(hue.editor, original.id, Action::kSendToReview, {}).ok());
    ASSERT_TRUE(svc_->Act(hue.reviewer, original.id, Action::kApprove, {}).ok());
    ASSERT_TRUE(svc_->Act(hue.publisher, original.id, Action::kPublish, {}).ok());
    auto updated = svc_->GetItem(main.editor, copy->id);
    EXPECT_EQ(updated->current.fields.title, "Huế khai mạc Festival 2026");
    EXPECT_EQ(updated->current.fields.sections, std::vector<std::string>{"dia-phuong"}) << "its own section kept";
    EXPECT_EQ(updated->integrated_revision, 2);
    EXPECT_EQ(updated->live_revision, 2);
    EXPECT_EQ(updated->post_check->reason, "update");
    EXPECT_EQ(updated->post_check->due_at, At("2026-03-10T00:00:00+07:00")) << "24:00 of the update day";

    // The copy is never moved through the workflow on the main portal, nor corrected there.
    EXPECT_EQ(svc_->Act(main.publisher, copy->id, Action::kSchedule, {.at = At("2026-03-20T09:00:00+07:00")}).error().code,
              core::ErrorCode::kConflict);
    EXPECT_EQ(svc_->OpenTakedown(main.director, copy->id,
                                 {.kind = CaseKind::kCorrection, .reason = "Sai tên", .correction_note = "Sửa tên"})
                  .error()
                  .code,
              core::ErrorCode::kConflict);

    // An update the main portal's screening holds takes the copy down, the last clean revision kept.
    ASSERT_TRUE(svc_->AddProhibitedTerm(op_, "main", "xuyên tạc", "").ok());
    f.lead = "Bài viết xuyên tạc";
    ASSERT_TRUE(svc_->SaveRevision(hue.editor, original.id, f, "").ok());
    ASSERT_TRUE(svc_->Act(hue.editor, original.id, Action::kSendToReview, {}).ok());
    ASSERT_TRUE(svc_->Act(hue.reviewer, original.id, Action::kApprove, {}).ok());
    ASSERT_TRUE(svc_->Act(hue.publisher, original.id, Action::kPublish, {}).ok());
    auto held = svc_->GetItem(main.editor, copy->id);
    EXPECT_EQ(held->state, State::kTakenDown);
    EXPECT_EQ(held->live_revision, 2) << "the last clean revision";
    f.lead = "Bài viết đã sửa";
    ASSERT_TRUE(svc_->SaveRevision(hue.editor, original.id, f, "").ok());
    ASSERT_TRUE(svc_->Act(hue.editor, original.id, Action::kSendToReview, {}).ok());
    ASSERT_TRUE(svc_->Act(hue.reviewer, original.id, Action::kApprove, {}).ok());
    ASSERT_TRUE(svc_->Act(hue.publisher, original.id, Action::kPublish, {}).ok());
    EXPECT_EQ(svc_->GetItem(main.editor, copy->id)->state, State::kPublished) << "back with a clean revision";

    // Taken down at the source: down on the main portal too, and back with it.
    auto case_ = svc_->OpenTakedown(hue.director, original.id, {.reason = "Sai số liệu", .urgent = true});
    ASSERT_TRUE(case_.ok());
    EXPECT_EQ(svc_->GetItem(main.editor, copy->id)->state, State::kTakenDown);
    EXPECT_FALSE(svc_->PublishedItem(copy->id));
    // Withdrawn at the source: withdrawn here.
    ASSERT_TRUE(svc_->Act(hue.director, original.id, Action::kWithdraw, {.reason = "Gỡ hẳn"}).ok());
    EXPECT_EQ(svc_->GetItem(main.editor, copy->id)->state, State::kWithdrawn);
    auto history = svc_->History(main.editor, copy->id);
    ASSERT_TRUE(history.ok());
    std::vector<std::string> actions;
    for (const auto& e : history.value()) actions.push_back(e.action);
    EXPECT_EQ(actions, (std::vector<std::string>{"integrate", "follow_update", "follow_update_held", "follow_update",
                                                 "follow_take_down", "follow_withdraw"}));
}

TEST_P(PortalLibrary, TwoIntegrationsAtOnceMakeOneCopy_P1) {
    auto main = BoardOf("main", 200);
    auto hue = BoardOf("tu-hue", 300);
    ASSERT_TRUE(svc_->MapSection(op_, "tu-hue", "tin-tuc", "dia-phuong").ok());
    auto n = News("Huế đón khách quốc tế");
    n.portal = "tu-hue";
    n.fields.sections = {"tin-tuc"};
    auto original = PublishOn(hue, n);
    std::atomic<int> ok{0}, refused{0};
    std::vector<std::thread> threads;
    for (int k = 0; k < 4; ++k) {
        threads.emplace_back([&] {
            auto r = svc_->Integrate(main.publisher, original.id, "");
            if (r.ok()) {
                ++ok;
            } else {
                ++refused;
                EXPECT_EQ(r.error().code, core::ErrorCode::kConflict);
            }
        });
    }
    for (auto& t : threads) t.join();
    EXPECT_EQ(ok.load(), 1);
    EXPECT_EQ(refused.load(), 3);
    auto copies = Db().Read([&](core::db::Connection& c) {
        return c.QueryOne("SELECT COUNT(*) FROM portal_items WHERE integrated_from = $1", {original.id})->Int(0);
    });
    EXPECT_EQ(copies, 1);
}

VP_INSTANTIATE_DB_TEST(PortalLibrary);

}  // namespace
}  // namespace vp::portal
