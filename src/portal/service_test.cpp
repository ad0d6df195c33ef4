// covers P-1, P-2, P-5, P-6, P-10, P-12, P-13, P-14, P-16, P-27, P-28 on both engines
#include <gtest/gtest.h>

#include <atomic>
#include <fstream>
#include <sstream>
#include <thread>

#include "calendar/holidays.hpp"
#include "calendar/iso_time.hpp"
#include "core/db/migrate.hpp"
#include "core/embedded.hpp"
#include "core/message.hpp"
#include "core/testing/db_fixture.hpp"
#include "portal/portal.hpp"
#include "portal/service_fixture.hpp"

namespace vp::portal {
namespace {

using core::access::Principal;
using testing_support::At;
using testing_support::PortalService;

TEST_P(PortalService, ComponentPortalsComeWithTheirMandatorySections_P1_P27_P28) {
    auto main = svc_->FindPortal("main");
    ASSERT_TRUE(main);
    EXPECT_EQ(main->languages, (std::vector<std::string>{"vi", "en"})) << "Vietnamese and English on the main portal";
    auto hue = svc_->FindPortal("tu-hue");
    ASSERT_TRUE(hue);
    EXPECT_EQ(hue->path_prefix, "/tu-hue");
    std::set<std::string> codes;
    for (const auto& s : svc_->Sections(hue->id)) codes.insert(s.code);
    for (const char* c :
         {"van-kien-dang", "hoat-dong-lanh-dao", "tai-lieu-hoc-tap", "bao-ve-nen-tang-tu-tuong", "hoc-tap-lam-theo-bac",
          "gioi-thieu", "ban-chap-hanh", "co-cau-to-chuc", "pano-khau-hieu", "phim-tu-lieu", "lien-ket"}) {
        EXPECT_TRUE(codes.contains(c)) << c;
    }
    auto agency = svc_->CreateComponentPortal(op_, "BTCTW");
    ASSERT_TRUE(agency.ok());
    std::set<std::string> agency_codes;
    for (const auto& s : svc_->Sections(agency->id)) agency_codes.insert(s.code);
    EXPECT_TRUE(agency_codes.contains("bao-ve-nen-tang-tu-tuong"));
    EXPECT_FALSE(agency_codes.contains("ban-chap-hanh")) << "P-28 sections are a province's";
    auto again = svc_->CreateComponentPortal(op_, "TU-HUE");
    ASSERT_FALSE(again.ok());
    EXPECT_EQ(again.error().code, core::ErrorCode::kConflict);
    // A provincial portal administrator cannot create portals (installation-wide).
    auto padmin = On("tu-hue", "portal_admin", 7);
    EXPECT_EQ(svc_->CreateComponentPortal(padmin, "TU-HNI").error().code, core::ErrorCode::kForbidden);
}

TEST_P(PortalService, AContributionGoesThroughEditingReviewAndPublication_P10_P16) {
    Cast();
    auto draft = svc_->CreateItem(contributor_, News());
    ASSERT_TRUE(draft.ok());
    EXPECT_EQ(draft->state, State::kDraft);
    EXPECT_EQ(draft->current_revision, 1);
    // Nobody but the author submits it; the contributor cannot take it himself.
    EXPECT_EQ(svc_->Act(On("main", "contributor", 999), draft->id, Action::kSubmit, Submission()).error().code,
              core::ErrorCode::kNotFound);
    ASSERT_TRUE(svc_->Act(contributor_, draft->id, Action::kSubmit, Submission()).ok());
    EXPECT_EQ(svc_->Act(contributor_, draft->id, Action::kTake, {}).error().code, core::ErrorCode::kForbidden);
    ASSERT_TRUE(svc_->Act(editor_, draft->id, Action::kTake, {}).ok());
    auto f = draft->current.fields;
    f.title = "Hội nghị lần thứ nhất Ban Chấp hành Đảng bộ";
    auto saved = svc_->SaveRevision(editor_, draft->id, f, "Sửa tiêu đề");
    ASSERT_TRUE(saved.ok());
    EXPECT_EQ(saved->current_revision, 2);
    ASSERT_TRUE(svc_->Act(editor_, draft->id, Action::kSendToReview, {}).ok());
    // Sending back needs a comment, and then nothing changed.
    auto no_comment = svc_->Act(reviewer_, draft->id, Action::kSendBack, {});
    ASSERT_FALSE(no_comment.ok());
    EXPECT_EQ(no_comment.error().field, "comment");
    EXPECT_EQ(svc_->GetItem(editor_, draft->id)->state, State::kInReview);
    ASSERT_TRUE(svc_->Act(reviewer_, draft->id, Action::kSendBack, {.comment = "Bổ sung nguồn ảnh"}).ok());
    ASSERT_TRUE(svc_->Act(editor_, draft->id, Action::kSendToReview, {}).ok());
    // The editor cannot approve; the reviewer cannot publish.
    EXPECT_EQ(svc_->Act(editor_, draft->id, Action::kApprove, {}).error().code, core::ErrorCode::kForbidden);
    ASSERT_TRUE(svc_->Act(reviewer_, draft->id, Action::kApprove, {}).ok());
    EXPECT_EQ(svc_->Act(reviewer_, draft->id, Action::kPublish, {}).error().code, core::ErrorCode::kForbidden);
    clock_.Set(At("2026-03-09T11:00:00+07:00"));
    auto live = svc_->Act(publisher_, draft->id, Action::kPublish, {});
    ASSERT_TRUE(live.ok());
    EXPECT_EQ(live->state, State::kPublished);
    EXPECT_EQ(live->live_revision, 2);
    // Deadline: 8 working hours after 08:30 Monday (3.5 h + 4 h that day) = Tuesday 08:30; met.
    ASSERT_TRUE(live->deadline_due_at);
    EXPECT_EQ(calendar::FormatIso(*live->deadline_due_at, "Asia/Ho_Chi_Minh"), "2026-03-10T08:30:00+07:00");
    EXPECT_EQ(live->deadline_met, true);
    // Post-check due at 24:00 of the day.
    ASSERT_TRUE(live->post_check);
    EXPECT_EQ(live->post_check->state, "pending");
    EXPECT_EQ(live->post_check->reason, "publication");
    EXPECT_EQ(calendar::FormatIso(live->post_check->due_at, "Asia/Ho_Chi_Minh"), "2026-03-10T00:00:00+07:00");
    // The history names every step, who and in which role.
    auto h = svc_->History(editor_, draft->id);
    ASSERT_TRUE(h.ok());
    std::vector<std::string> actions;
    for (const auto& e : h.value()) actions.push_back(e.action);
    EXPECT_EQ(actions, (std::vector<std::string>{"create", "submit", "take", "edit", "send_to_review", "send_back",
                                                 "send_to_review", "approve", "publish"}));
    EXPECT_EQ(h->back().role, "publisher");
    EXPECT_EQ(h->at(5).comment, "Bổ sung nguồn ảnh");
    // The author heard of each move made by someone else.
    EXPECT_GE(std::count(notified_.begin(), notified_.end(), 101), 5);
    // Every change is in the audit log.
    auto audit = log_.Find(Db(), {.object_type = "portal_item", .object_id = std::to_string(draft->id)});
    EXPECT_EQ(audit.size(), 9u);
}

TEST_P(PortalService, AnEditOfAPublishedItemStaysPendingUntilApproved_P10_P16) {
    Cast();
    auto item = Publish(svc_->CreateItem(contributor_, News("Bản gốc")).value());
    auto f = item.current.fields;
    f.title = "Bản sửa";
    auto pending = svc_->SaveRevision(editor_, item.id, f, "");
    ASSERT_TRUE(pending.ok());
    EXPECT_EQ(pending->state, State::kPublished);
    EXPECT_EQ(pending->pending_state, State::kEditing);
    EXPECT_EQ(pending->live_revision, 1);
    EXPECT_EQ(pending->pending_revision, 2);
    // Readers still see the live version.
    EXPECT_EQ(svc_->PublishedItem(item.id)->current.fields.title, "Bản gốc");
    EXPECT_EQ(svc_->Act(publisher_, item.id, Action::kPublish, {}).error().code, core::ErrorCode::kConflict);
    ASSERT_TRUE(svc_->Act(editor_, item.id, Action::kSendToReview, {}).ok());
    ASSERT_TRUE(svc_->Act(reviewer_, item.id, Action::kApprove, {}).ok());
    EXPECT_EQ(svc_->PublishedItem(item.id)->current.fields.title, "Bản gốc") << "approved, not yet published";
    clock_.Set(At("2026-03-09T15:00:00+07:00"));
    auto live = svc_->Act(publisher_, item.id, Action::kPublish, {});
    ASSERT_TRUE(live.ok());
    EXPECT_EQ(live->live_revision, 2);
    EXPECT_EQ(live->pending_revision, 0);
    EXPECT_EQ(svc_->PublishedItem(item.id)->current.fields.title, "Bản sửa");
    EXPECT_EQ(live->post_check->reason, "update");
    // Both revisions stay; the comparison shows the change.
    auto d = svc_->Diff(editor_, item.id, 1, 2);
    ASSERT_TRUE(d.ok());
    ASSERT_EQ(d->fields.size(), 1u);
    EXPECT_EQ(d->fields[0].field, "title");
    EXPECT_EQ(svc_->Revisions(editor_, item.id)->size(), 2u);
}

TEST_P(PortalService, AfterThePostCheckDeadlineOnlyTakeDownOrWithdrawal_P14_P15) {
    Cast();
    auto item = Publish(svc_->CreateItem(contributor_, News()).value());
    auto checks = svc_->PostCheckQueue(reviewer_, "main", true);
    ASSERT_EQ(checks.size(), 1u);
    // 23:59 the same day: still editable.
    clock_.Set(At("2026-03-09T23:59:00+07:00"));
    EXPECT_FALSE(svc_->GetItem(editor_, item.id)->locked);
    // 24:00: locked.
    clock_.Set(At("2026-03-10T00:00:00+07:00"));
    auto now = svc_->GetItem(editor_, item.id);
    EXPECT_TRUE(now->locked);
    auto save = svc_->SaveRevision(editor_, item.id, now->current.fields, "");
    ASSERT_FALSE(save.ok());
    EXPECT_EQ(save.error().code, core::ErrorCode::kConflict);
    // Withdrawal is the board's, with a reason.
    EXPECT_EQ(svc_->Act(editor_, item.id, Action::kWithdraw, {.reason = "Sai lệch"}).error().code,
              core::ErrorCode::kForbidden);
    EXPECT_EQ(svc_->Act(director_, item.id, Action::kWithdraw, {}).error().field, "reason");
    auto w = svc_->Act(director_, item.id, Action::kWithdraw, {.reason = "Thông tin sai lệch"});
    ASSERT_TRUE(w.ok());
    EXPECT_EQ(w->state, State::kWithdrawn);
    EXPECT_FALSE(svc_->PublishedItem(item.id));
    // Nothing is destroyed: the revisions and the history remain.
    EXPECT_EQ(svc_->Revisions(editor_, item.id)->size(), 1u);
    // A post-check is completed once; a finding needs its text.
    EXPECT_EQ(svc_->CompletePostCheck(reviewer_, checks[0].id, true, "").error().field, "finding");
    EXPECT_TRUE(svc_->CompletePostCheck(reviewer_, checks[0].id, false, "").ok());
    EXPECT_EQ(svc_->CompletePostCheck(reviewer_, checks[0].id, false, "").error().code, core::ErrorCode::kConflict);
    EXPECT_EQ(svc_->CompletePostCheck(editor_, checks[0].id, false, "").error().code, core::ErrorCode::kForbidden);
}

TEST_P(PortalService, TakeDownNeedsAReasonAndTheBoard_P15) {
    Cast();
    auto item = Publish(svc_->CreateItem(contributor_, News()).value());
    EXPECT_EQ(svc_->Act(publisher_, item.id, Action::kTakeDown, {.reason = "x"}).error().code,
              core::ErrorCode::kForbidden);
    EXPECT_EQ(svc_->Act(director_, item.id, Action::kTakeDown, {}).error().field, "reason");
    auto down = svc_->Act(director_, item.id, Action::kTakeDown, {.reason = "Ngoài phạm vi cho phép"});
    ASSERT_TRUE(down.ok());
    EXPECT_EQ(down->state, State::kTakenDown);
    EXPECT_FALSE(svc_->PublishedItem(item.id)) << "a taken-down item leaves the public site";
    EXPECT_EQ(svc_->History(editor_, item.id)->back().comment, "Ngoài phạm vi cho phép");
}

TEST_P(PortalService, BadInputNamesTheFieldAndStoresNothing_P6_P12) {
    Cast();
    const auto before = CountItems();
    auto n = News();
    n.fields.source = " ";
    auto r = svc_->CreateItem(contributor_, n);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().field, "source");
    n = News();
    n.kind = "rumour";
    EXPECT_EQ(svc_->CreateItem(contributor_, n).error().field, "kind");
    n = News();
    n.fields.sections = {"khong-co"};
    EXPECT_EQ(svc_->CreateItem(contributor_, n).error().field, "sections");
    n = News();
    n.fields.title = "Tiêu đề\r\nSet-Cookie: x=1";
    EXPECT_EQ(svc_->CreateItem(contributor_, n).error().field, "title");
    n = News();
    n.language = "fr";  // the main portal publishes vi and en only
    EXPECT_EQ(svc_->CreateItem(contributor_, n).error().field, "language");
    n = News();
    n.fields.media = {{.url = "javascript:alert(1)"}};
    EXPECT_EQ(svc_->CreateItem(contributor_, n).error().field, "media");
    n = News();
    n.fields.original_url = "https://vnexpress.net/x";
    EXPECT_EQ(svc_->CreateItem(contributor_, n).error().field, "original_source")
        << "quoted items name the original (P-6)";
    n = News();
    n.kind = "official_document";
    EXPECT_EQ(svc_->CreateItem(contributor_, n).error().field, "issued_at");
    EXPECT_EQ(CountItems(), before);
    // Text is stored as NFC (TCVN 6909:2011): "Nghị quyết" typed with combining marks.
    n = News("Nghi\xcc\xa3 quye\xcc\x82\xcc\x81t");
    auto ok = svc_->CreateItem(contributor_, n);
    ASSERT_TRUE(ok.ok());
    EXPECT_EQ(ok->current.fields.title, "Nghị quyết");
}

TEST_P(PortalService, PortalsAreKeptApart_P1) {
    Cast();
    auto item = svc_->CreateItem(contributor_, News());
    ASSERT_TRUE(item.ok());
    ASSERT_TRUE(svc_->Act(contributor_, item->id, Action::kSubmit, Submission()).ok());
    auto hue_editor = On("tu-hue", "editor", 201);
    EXPECT_EQ(svc_->GetItem(hue_editor, item->id).error().code, core::ErrorCode::kNotFound);
    EXPECT_FALSE(svc_->Act(hue_editor, item->id, Action::kTake, {}).ok());
    EXPECT_TRUE(svc_->Queue(hue_editor, {}).empty());
    EXPECT_EQ(svc_->Queue(editor_, {.state = State::kSubmitted}).size(), 1u);
    // A Huế contributor cannot write into the main portal.
    auto n = News();
    EXPECT_EQ(svc_->CreateItem(On("tu-hue", "contributor", 202), n).error().code, core::ErrorCode::kForbidden);
}

TEST_P(PortalService, ConcurrentApprovalsTakeEffectOnce_P10) {
    Cast();
    auto item = svc_->CreateItem(contributor_, News()).value();
    ASSERT_TRUE(svc_->Act(contributor_, item.id, Action::kSubmit, Submission()).ok());
    ASSERT_TRUE(svc_->Act(editor_, item.id, Action::kTake, {}).ok());
    ASSERT_TRUE(svc_->Act(editor_, item.id, Action::kSendToReview, {}).ok());
    std::atomic<int> ok{0}, conflict{0};
    std::vector<std::thread> threads;
    for (int i = 0; i < 6; ++i) {
        threads.emplace_back([&, i] {
            auto r = i % 2 ? svc_->Act(reviewer_, item.id, Action::kApprove, {})
                           : svc_->Act(reviewer_, item.id, Action::kSendBack, {.comment = "Chưa đạt"});
            // Refused: the state moved (409), or the new state needs another role (403).
            if (r.ok()) {
                ++ok;
            } else if (r.error().code == core::ErrorCode::kConflict || r.error().code == core::ErrorCode::kForbidden) {
                ++conflict;
            }
        });
    }
    for (auto& t : threads) t.join();
    EXPECT_EQ(ok.load(), 1) << "one decision wins; the others see the changed state";
    EXPECT_EQ(conflict.load(), 5);
    auto h = svc_->History(editor_, item.id).value();
    EXPECT_EQ(
        std::count_if(h.begin(), h.end(), [](auto& e) { return e.action == "approve" || e.action == "send_back"; }), 1);
}

TEST_P(PortalService, ScheduledPublicationIsExactToTheMinute_P10) {
    Cast();
    auto item = svc_->CreateItem(contributor_, News()).value();
    ASSERT_TRUE(svc_->Act(contributor_, item.id, Action::kSubmit, Submission()).ok());
    ASSERT_TRUE(svc_->Act(editor_, item.id, Action::kTake, {}).ok());
    ASSERT_TRUE(svc_->Act(editor_, item.id, Action::kSendToReview, {}).ok());
    ASSERT_TRUE(svc_->Act(reviewer_, item.id, Action::kApprove, {}).ok());
    EXPECT_EQ(svc_->Act(publisher_, item.id, Action::kSchedule, {.at = At("2026-03-09T08:00:00+07:00")}).error().field,
              "at");
    auto s = svc_->Act(publisher_, item.id, Action::kSchedule, {.at = At("2026-03-09T10:30:45+07:00")});
    ASSERT_TRUE(s.ok());
    EXPECT_EQ(calendar::FormatIso(*s->scheduled_at, "Asia/Ho_Chi_Minh"), "2026-03-09T10:30:00+07:00");
    clock_.Set(At("2026-03-09T10:29:59+07:00"));
    EXPECT_EQ(svc_->PublishDue(), 0);
    clock_.Set(At("2026-03-09T10:30:00+07:00"));
    EXPECT_EQ(svc_->PublishDue(), 1);
    EXPECT_EQ(svc_->PublishDue(), 0);
    auto live = svc_->GetItem(editor_, item.id).value();
    EXPECT_EQ(live.state, State::kPublished);
    EXPECT_EQ(calendar::FormatIso(*live.published_at, "Asia/Ho_Chi_Minh"), "2026-03-09T10:30:00+07:00");
}

TEST_P(PortalService, TranslationsAreLinkedAndMissingOnesListed_P5) {
    Cast();
    auto orig = Publish(svc_->CreateItem(contributor_, News()).value());
    auto missing = svc_->MissingTranslations(editor_, "main", "en");
    ASSERT_TRUE(missing.ok());
    ASSERT_EQ(missing->size(), 1u);
    auto translator = On("main", "translator", 301);
    NewItem t = News("Party Committee conference");
    t.language = "en";
    t.translation_of = orig.id;
    auto tr = svc_->CreateItem(translator, t);
    ASSERT_TRUE(tr.ok()) << core::Text(tr.error().message, "en");
    EXPECT_EQ(tr->translation_of, orig.id);
    EXPECT_TRUE(svc_->MissingTranslations(editor_, "main", "en")->empty());
    auto twice = svc_->CreateItem(translator, t);
    EXPECT_EQ(twice.error().code, core::ErrorCode::kConflict);
    // The translator edits his translation, not originals.
    EXPECT_TRUE(svc_->SaveRevision(translator, tr->id, tr->current.fields, "").ok());
    EXPECT_FALSE(svc_->Act(translator, orig.id, Action::kTakeDown, {.reason = "x"}).ok());
}

TEST_P(PortalService, LateItemsAreFlagged_P13) {
    Cast();
    auto n = News();
    n.fields.event_at = At("2026-03-06T16:00:00+07:00");  // Friday: due Monday 16:00
    auto item = svc_->CreateItem(contributor_, n).value();
    EXPECT_FALSE(item.deadline_met);
    clock_.Set(At("2026-03-09T16:01:00+07:00"));
    EXPECT_EQ(svc_->GetItem(editor_, item.id)->deadline_met, false);
    EXPECT_EQ(svc_->Queue(editor_, {.late_only = true}).size(), 1u);
}

TEST_P(PortalService, AnUrgentTakeDownWaitsForTheUnitsWrittenRequest_P15) {
    Cast();
    auto item = Publish(svc_->CreateItem(contributor_, News()).value());
    auto t = svc_->OpenTakedown(
        director_, item.id,
        {.kind = CaseKind::kTakeDown, .reason = "Sai sự thật", .urgent = true, .requested_by_unit = "BTGDVTW"});
    ASSERT_TRUE(t.ok()) << core::Text(t.error().message, "en");
    EXPECT_EQ(t->status, "awaiting_written_request");
    EXPECT_EQ(svc_->GetItem(editor_, item.id)->state, State::kTakenDown) << "urgent: done first";
    EXPECT_FALSE(svc_->PublishedItem(item.id));
    // The responsibility record is filled from the history: who provided, edited, reviewed, published.
    const auto& rec = t->responsibility.as_object();
    EXPECT_EQ(rec.at("provided_by").as_array()[0].at("username").as_string(), "contributor101");
    EXPECT_EQ(rec.at("edited_by").as_array()[0].at("username").as_string(), "editor102");
    EXPECT_EQ(rec.at("reviewed_by").as_array()[0].at("username").as_string(), "reviewer103");
    EXPECT_EQ(rec.at("published_by").as_array()[0].at("username").as_string(), "publisher104");
    EXPECT_EQ(calendar::FormatIso(t->responsibility_due_at, "Asia/Ho_Chi_Minh"), "2026-03-10T09:00:00+07:00");
    // Reminders go out while the request is missing, at most once a day.
    notified_.clear();
    EXPECT_EQ(svc_->RemindTakedowns(), 1);
    EXPECT_EQ(svc_->RemindTakedowns(), 0);
    EXPECT_EQ(notified_, (std::vector<std::int64_t>{105}));
    EXPECT_EQ(
        svc_->RecordWrittenRequest(director_, t->id, {.number = "12-CV/BTGDVTW", .date = "9/3/2026"}).error().field,
        "date");
    auto done = svc_->RecordWrittenRequest(director_, t->id,
                                           {.number = "12-CV/BTGDVTW", .date = "2026-03-09", .file = "/media/abc"});
    ASSERT_TRUE(done.ok());
    EXPECT_EQ(done->status, "executed");
    EXPECT_EQ(svc_->ConfirmResponsibility(editor_, t->id).error().code, core::ErrorCode::kForbidden);
    auto confirmed = svc_->ConfirmResponsibility(director_, t->id);
    ASSERT_TRUE(confirmed.ok());
    EXPECT_TRUE(confirmed->responsibility_confirmed_at);
    EXPECT_EQ(svc_->ConfirmResponsibility(director_, t->id).error().code, core::ErrorCode::kConflict);
}

TEST_P(PortalService, ChangesOfSubstanceToCentralContentAreTheLeadershipsDecision_P15) {
    Cast();
    auto item = Publish(svc_->CreateItem(contributor_, News("Bản gốc")).value());
    clock_.Set(At("2026-03-10T10:00:00+07:00"));  // locked since 24:00
    ASSERT_TRUE(svc_->GetItem(editor_, item.id)->locked);
    auto t = svc_->OpenTakedown(
        director_, item.id,
        {.kind = CaseKind::kCorrection, .reason = "Sai tên đại biểu", .correction_note = "Sửa tên đại biểu ở đoạn 2"});
    ASSERT_TRUE(t.ok());
    EXPECT_EQ(t->status, "awaiting_decision");
    EXPECT_TRUE(t->central);
    EXPECT_EQ(svc_->OpenTakedown(director_, item.id,
                                 {.kind = CaseKind::kCorrection, .reason = "x", .urgent = true, .correction_note = "y"})
                  .error()
                  .code,
              core::ErrorCode::kConflict)
        << "a correction is never done first";
    // The portal's director cannot decide on central content; the office leadership can.
    EXPECT_EQ(svc_->DecideTakedown(director_, t->id).error().code, core::ErrorCode::kForbidden);
    auto leader = On("main", "office_leader", 106);
    auto decided = svc_->DecideTakedown(leader, t->id);
    ASSERT_TRUE(decided.ok()) << core::Text(decided.error().message, "en");
    EXPECT_EQ(decided->decided_role, "office_leader");
    EXPECT_EQ(svc_->DecideTakedown(leader, t->id).error().code, core::ErrorCode::kConflict);
    // The item reopens for one edit through the workflow; the corrected page says so.
    auto now = svc_->GetItem(editor_, item.id).value();
    EXPECT_FALSE(now.locked);
    auto f = now.current.fields;
    f.body_html = "<p>Đã sửa</p>";
    ASSERT_TRUE(svc_->SaveRevision(editor_, item.id, f, "Đính chính").ok());
    ASSERT_TRUE(svc_->Act(editor_, item.id, Action::kSendToReview, {}).ok());
    ASSERT_TRUE(svc_->Act(reviewer_, item.id, Action::kApprove, {}).ok());
    auto live = svc_->Act(publisher_, item.id, Action::kPublish, {});
    ASSERT_TRUE(live.ok());
    EXPECT_EQ(live->correction_note, "Sửa tên đại biểu ở đoạn 2");
    ASSERT_TRUE(live->corrected_at);
    EXPECT_EQ(svc_->PublishedItem(item.id)->correction_note, "Sửa tên đại biểu ở đoạn 2");
}

TEST_P(PortalService, ComponentContentNeedsTheProvidingUnitsAgreement_P15) {
    auto hue_ctv = On("tu-hue", "contributor", 401);
    auto hue_bt = On("tu-hue", "editor", 402);
    auto hue_kd = On("tu-hue", "reviewer", 403);
    auto hue_xb = On("tu-hue", "publisher", 404);
    auto hue_ld = On("tu-hue", "portal_director", 405);
    auto n = News();
    n.portal = "tu-hue";
    n.fields.sections = {"tin-tuc"};
    auto item = svc_->CreateItem(hue_ctv, n).value();
    ASSERT_TRUE(svc_->Act(hue_ctv, item.id, Action::kSubmit, Submission()).ok());
    ASSERT_TRUE(svc_->Act(hue_bt, item.id, Action::kTake, {}).ok());
    ASSERT_TRUE(svc_->Act(hue_bt, item.id, Action::kSendToReview, {}).ok());
    ASSERT_TRUE(svc_->Act(hue_kd, item.id, Action::kApprove, {}).ok());
    ASSERT_TRUE(svc_->Act(hue_xb, item.id, Action::kPublish, {}).ok());
    auto t = svc_->OpenTakedown(hue_ld, item.id, {.kind = CaseKind::kDeletion, .reason = "Trùng lặp"});
    ASSERT_TRUE(t.ok());
    EXPECT_FALSE(t->central);
    EXPECT_EQ(svc_->DecideTakedown(hue_ld, t->id).error().code, core::ErrorCode::kConflict) << "agreement first";
    ASSERT_TRUE(svc_->RecordAgreement(hue_ld, t->id, "Ban Tuyên giáo Thành ủy đồng ý, điện thoại 10/3").ok());
    auto done = svc_->DecideTakedown(hue_ld, t->id);
    ASSERT_TRUE(done.ok());
    EXPECT_EQ(done->status, "executed");
    EXPECT_EQ(svc_->GetItem(hue_bt, item.id)->state, State::kWithdrawn) << "deleted = hidden";
    EXPECT_EQ(svc_->Revisions(hue_bt, item.id)->size(), 1u) << "never destroyed";
    // Someone of another portal cannot open or decide cases here.
    Cast();
    EXPECT_FALSE(svc_->OpenTakedown(director_, item.id, {.reason = "x", .urgent = true}).ok());
}

TEST_P(PortalService, TwoCreationsAtOnceMeetAtTheUniqueIndexes_P1_P5) {
    Cast();
    // Two component portals for one unit at once: one is made, the other is told it exists.
    std::atomic<int> made{0}, refused{0};
    std::vector<std::thread> threads;
    for (int i = 0; i < 4; ++i) {
        threads.emplace_back([&] {
            auto r = svc_->CreateComponentPortal(op_, "TU-HNI");
            if (r.ok()) {
                ++made;
            } else if (r.error().code == core::ErrorCode::kConflict) {
                ++refused;
            }
        });
    }
    for (auto& t : threads) t.join();
    EXPECT_EQ(made.load(), 1);
    EXPECT_EQ(refused.load(), 3);
    // Two translations of one original into one language at once: one stays.
    auto orig = Publish(svc_->CreateItem(contributor_, News()).value());
    made = 0;
    refused = 0;
    threads.clear();
    for (int i = 0; i < 4; ++i) {
        threads.emplace_back([&, i] {
            NewItem t = News("Translation " + std::to_string(i));
            t.language = "en";
            t.translation_of = orig.id;
            auto r = svc_->CreateItem(On("main", "translator", 500 + i), t);
            if (r.ok()) {
                ++made;
            } else if (r.error().code == core::ErrorCode::kConflict) {
                ++refused;
            }
        });
    }
    for (auto& t : threads) t.join();
    EXPECT_EQ(made.load(), 1);
    EXPECT_EQ(refused.load(), 3);
    EXPECT_TRUE(svc_->EnsureMainPortal(op_).ok()) << "a node starting later finds the main portal";
}

// covers P-11: a contributor's submission needs every detail and the head's approval; nothing is
// stored without them; bank details are sealed and only the royalty officer reads them.
TEST_P(PortalService, ContributorsSubmitWithTheirDetailsAndTheirHeadsApproval_P11) {
    Cast();
    auto item = svc_->CreateItem(contributor_, News());
    ASSERT_TRUE(item.ok());
    auto none = svc_->Act(contributor_, item->id, Action::kSubmit, {});
    ASSERT_FALSE(none.ok());
    EXPECT_EQ(none.error().field, "contribution");
    auto missing = Submission();
    missing.contribution->head_name = "";
    auto refused = svc_->Act(contributor_, item->id, Action::kSubmit, missing);
    ASSERT_FALSE(refused.ok());
    EXPECT_EQ(refused.error().field, "contribution.head_name");
    EXPECT_EQ(refused.error().code, core::ErrorCode::kInvalidInput);
    EXPECT_NE(core::Text(refused.error().message, "vi").find("lãnh đạo"), std::string::npos)
        << core::Text(refused.error().message, "vi");
    EXPECT_EQ(svc_->GetItem(contributor_, item->id)->state, State::kDraft) << "nothing moved";
    auto count = [&](const char* table) {
        return Db().Read([&](core::db::Connection& c) {
            return c.QueryOne(std::string("SELECT COUNT(*) FROM ") + table)->Int(0);
        });
    };
    EXPECT_EQ(count("portal_contributions"), 0);
    EXPECT_EQ(count("portal_contributor_profiles"), 0);

    ASSERT_TRUE(svc_->Act(contributor_, item->id, Action::kSubmit, Submission()).ok());
    EXPECT_EQ(count("portal_contributions"), 1);
    auto sealed = Db().Read([](core::db::Connection& c) {
        return c.QueryOne("SELECT bank_sealed FROM portal_contributions")->Text(0);
    });
    EXPECT_TRUE(core::SecretBox::IsSealed(sealed));
    EXPECT_EQ(sealed.find("4567"), std::string::npos) << "never in clear in the database";

    auto for_editor = svc_->Contributions(editor_, item->id);
    ASSERT_TRUE(for_editor.ok());
    ASSERT_EQ(for_editor->size(), 1u);
    EXPECT_EQ(for_editor->front().details.bank_account, "•••• 4567");
    EXPECT_FALSE(for_editor->front().bank_visible);
    auto officer = On("main", "royalty_officer", 106);
    auto for_officer = svc_->Contributions(officer, item->id);
    ASSERT_TRUE(for_officer.ok());
    EXPECT_EQ(for_officer->front().details.bank_account, "0011 0023 4567");
    EXPECT_EQ(for_officer->front().details.head_name, "Trần Thị Bình");
    EXPECT_FALSE(svc_->Contributions(On("tu-hue", "royalty_officer", 107), item->id).ok()) << "another portal's officer";

    // The next submission takes the person's details from the last one; the approval is new.
    auto second = svc_->CreateItem(contributor_, News("Tin thứ hai"));
    ActionInput brief{.contribution = Contribution{.head_name = "Lê Văn Cường",
                                                   .head_title = "Phó Trưởng ban",
                                                   .head_approved_on = "2026-03-09"}};
    ASSERT_TRUE(svc_->Act(contributor_, second->id, Action::kSubmit, brief).ok());
    auto k = svc_->Contributions(officer, second->id);
    ASSERT_TRUE(k.ok());
    EXPECT_EQ(k->front().details.phone, "0243 825 6789");
    EXPECT_EQ(k->front().details.bank_account, "0011 0023 4567");
    EXPECT_EQ(k->front().details.head_name, "Lê Văn Cường");
    auto own = svc_->OwnContributorProfile(contributor_, "main");
    ASSERT_TRUE(own.ok() && own->has_value());
    EXPECT_EQ((*own)->details.bank_account, "•••• 4567") << "masked even for its owner";
    // Two first submissions of one contributor at once (a new portal for him): both are taken.
    auto newcomer = On("main", "contributor", 120);
    auto a = svc_->CreateItem(newcomer, News("Tin A")).value();
    auto b = svc_->CreateItem(newcomer, News("Tin B")).value();
    std::atomic<int> ok{0};
    std::thread t1([&] { ok += svc_->Act(newcomer, a.id, Action::kSubmit, Submission()).ok(); });
    std::thread t2([&] { ok += svc_->Act(newcomer, b.id, Action::kSubmit, Submission()).ok(); });
    t1.join();
    t2.join();
    EXPECT_EQ(ok.load(), 2);
    // Editors submitting their own items are not contributors.
    auto by_editor = svc_->CreateItem(editor_, News("Tin của biên tập viên"));
    EXPECT_TRUE(svc_->Act(editor_, by_editor->id, Action::kSubmit, {}).ok());
}

// covers P-31: a prohibited term, exact or without diacritics, holds publication until a
// publisher confirms with a reason; a new revision is screened again.
TEST_P(PortalService, ProhibitedTermsHoldPublicationUntilAPublisherConfirms_P31) {
    Cast();
    auto admin = On("main", "portal_admin", 108);
    EXPECT_FALSE(svc_->AddProhibitedTerm(editor_, "main", "phản động", "").ok()) << "the administrators' list";
    auto term = svc_->AddProhibitedTerm(admin, "main", "phản động", "Hậu Giang Art. 5");
    ASSERT_TRUE(term.ok());
    EXPECT_EQ(svc_->AddProhibitedTerm(admin, "main", "phan dong", "").error().code, core::ErrorCode::kConflict)
        << "the same folded form";
    EXPECT_FALSE(svc_->AddProhibitedTerm(admin, "main", "!!!", "").ok());
    EXPECT_EQ(svc_->ProhibitedTerms(admin, "main")->size(), 1u);

    auto n = News();
    n.fields.body_html = "<p>Bài viết vạch trần luận điệu phan dong trên mạng.</p>";
    auto it = svc_->CreateItem(contributor_, n).value();
    ASSERT_TRUE(svc_->Act(contributor_, it.id, Action::kSubmit, Submission()).ok());
    auto history = svc_->History(editor_, it.id);
    ASSERT_TRUE(history.ok());
    EXPECT_TRUE(std::any_of(history->begin(), history->end(), [](const HistoryEntry& h) {
        return h.action == "screening_held" && h.comment == "1";
    }));
    auto own_history = svc_->History(contributor_, it.id);
    ASSERT_TRUE(own_history.ok());
    for (const auto& h : own_history.value())
        EXPECT_EQ(h.comment.find("phản"), std::string::npos) << "the list stays the board's";
    EXPECT_FALSE(svc_->GetItem(contributor_, it.id, true)->screening.has_value());
    ASSERT_TRUE(svc_->Act(editor_, it.id, Action::kTake, {}).ok());
    ASSERT_TRUE(svc_->Act(editor_, it.id, Action::kSendToReview, {}).ok());
    ASSERT_TRUE(svc_->Act(reviewer_, it.id, Action::kApprove, {}).ok());
    auto seen = svc_->GetItem(publisher_, it.id, true);
    ASSERT_TRUE(seen->screening.has_value());
    EXPECT_TRUE(seen->screening->held());
    ASSERT_EQ(seen->screening->matches.size(), 1u);
    EXPECT_EQ(seen->screening->matches[0].form, "folded");
    EXPECT_EQ(seen->screening->matches[0].text, "phan dong");
    auto held = svc_->Act(publisher_, it.id, Action::kPublish, {});
    ASSERT_FALSE(held.ok());
    EXPECT_EQ(held.error().code, core::ErrorCode::kConflict);
    EXPECT_FALSE(svc_->Act(publisher_, it.id, Action::kSchedule, {.at = At("2026-03-10T09:00:00+07:00")}).ok());
    EXPECT_FALSE(svc_->ConfirmScreening(publisher_, it.id, " ").ok()) << "a reason is required";
    EXPECT_FALSE(svc_->ConfirmScreening(editor_, it.id, "Đã xem").ok()) << "a publisher's decision";
    ASSERT_TRUE(svc_->ConfirmScreening(publisher_, it.id, "Bài phê phán luận điệu, không tuyên truyền nó").ok());
    auto published = svc_->Act(publisher_, it.id, Action::kPublish, {});
    ASSERT_TRUE(published.ok()) << core::Text(published.error().message, "en");
    // An edit of the published item is screened again: the confirmation was for the old revision.
    auto f = published->current.fields;
    f.title = "Phản động và xuyên tạc";
    ASSERT_TRUE(svc_->SaveRevision(editor_, it.id, f, "sửa tiêu đề").ok());
    auto again = svc_->GetItem(publisher_, it.id, true);
    EXPECT_TRUE(again->screening->held());
    // A flood of one confirmed term does not hide another one behind the shown matches.
    ASSERT_TRUE(svc_->AddProhibitedTerm(admin, "main", "lật đổ", "").ok());
    std::string flood;
    for (int i = 0; i < 300; ++i) flood += "phản động ";
    f.title = "Tin";
    f.body_html = "<p>" + flood + "và âm mưu lật đổ.</p>";
    ASSERT_TRUE(svc_->SaveRevision(editor_, it.id, f, "sửa").ok());
    auto flooded = svc_->GetItem(publisher_, it.id, true);
    EXPECT_EQ(flooded->screening->terms, (std::vector<std::string>{"phản động", "lật đổ"}));
    EXPECT_LE(flooded->screening->matches.size(), 200u);
    // Retired terms hold nothing.
    ASSERT_TRUE(svc_->RetireProhibitedTerm(admin, term->id).ok());
    EXPECT_EQ(svc_->GetItem(publisher_, it.id, true)->screening->terms, std::vector<std::string>{"lật đổ"});
    EXPECT_FALSE(svc_->RetireProhibitedTerm(admin, term->id).ok()) << "once";
}

// covers P-17: a royalty arises on first publication only, at the rate in force, never for
// integrated items; the quarterly report and its workbook.
TEST_P(PortalService, RoyaltiesArisOnFirstPublicationOnly_P17) {
    Cast();
    auto officer = On("main", "royalty_officer", 106);
    EXPECT_FALSE(svc_->SetRoyaltyRate(editor_, "main", {.kind = "news", .grade = "A", .amount = 300000}).ok());
    EXPECT_FALSE(svc_->SetRoyaltyRate(officer, "main", {.kind = "news", .grade = "A", .amount = -1}).ok());
    EXPECT_FALSE(svc_->SetRoyaltyRate(officer, "main", {.kind = "poem", .grade = "A", .amount = 1}).ok());
    ASSERT_TRUE(svc_->SetRoyaltyRate(officer, "main",
                                     {.kind = "news", .grade = "A", .amount = 250000,
                                      .valid_from = At("2026-01-01T00:00:00+07:00")})
                    .ok());
    ASSERT_TRUE(svc_->SetRoyaltyRate(officer, "main", {.kind = "news", .grade = "A", .amount = 300000}).ok());
    EXPECT_EQ(svc_->RoyaltyRates(officer, "main")->size(), 1u) << "the rate in force";

    auto n = News();
    n.fields.royalty_grade = "A";
    auto first = Publish(svc_->CreateItem(contributor_, n).value());
    ASSERT_EQ(first.state, State::kPublished);
    // Updating and republishing it earns nothing more.
    auto f = first.current.fields;
    f.lead = "Cập nhật.";
    ASSERT_TRUE(svc_->SaveRevision(editor_, first.id, f, "cập nhật").ok());
    ASSERT_TRUE(svc_->Act(editor_, first.id, Action::kSendToReview, {}).ok());
    ASSERT_TRUE(svc_->Act(reviewer_, first.id, Action::kApprove, {}).ok());
    ASSERT_TRUE(svc_->Act(publisher_, first.id, Action::kPublish, {}).ok());
    // An item integrated from a component portal earns none (its original earns on its portal).
    auto hue_bt = On("tu-hue", "editor", 402), hue_kd = On("tu-hue", "reviewer", 403),
         hue_xb = On("tu-hue", "publisher", 404);
    auto hn = News("Tin tích hợp từ Huế");
    hn.portal = "tu-hue";
    hn.fields.sections = {"tin-tuc"};
    hn.fields.royalty_grade = "A";
    auto hue_item = svc_->CreateItem(hue_bt, hn);
    ASSERT_TRUE(hue_item.ok());
    ASSERT_TRUE(svc_->Act(hue_bt, hue_item->id, Action::kSendToReview, {}).ok());
    ASSERT_TRUE(svc_->Act(hue_kd, hue_item->id, Action::kApprove, {}).ok());
    ASSERT_TRUE(svc_->Act(hue_xb, hue_item->id, Action::kPublish, {}).ok());
    ASSERT_TRUE(svc_->MapSection(op_, "tu-hue", "tin-tuc", "dia-phuong").ok());
    ASSERT_TRUE(svc_->Integrate(publisher_, hue_item->id, "").ok());
    // An editor's own item without a grade: a royalty without a rate, flagged.
    auto own = svc_->CreateItem(editor_, News("Tin của biên tập viên"));
    ASSERT_TRUE(svc_->Act(editor_, own->id, Action::kSubmit, {}).ok());
    ASSERT_TRUE(svc_->Act(editor_, own->id, Action::kTake, {}).ok());
    ASSERT_TRUE(svc_->Act(editor_, own->id, Action::kSendToReview, {}).ok());
    ASSERT_TRUE(svc_->Act(reviewer_, own->id, Action::kApprove, {}).ok());
    ASSERT_TRUE(svc_->Act(publisher_, own->id, Action::kPublish, {}).ok());

    EXPECT_FALSE(svc_->Royalties(editor_, "main", "2026-Q1").ok());
    EXPECT_FALSE(svc_->Royalties(officer, "main", "2026-Q9").ok());
    auto rep = svc_->Royalties(officer, "main", "2026-Q1");
    ASSERT_TRUE(rep.ok());
    ASSERT_EQ(rep->lines.size(), 2u) << "the contributor's item and the editor's; not the integrated one";
    EXPECT_EQ(rep->total, 300000);
    auto contributor_line = std::find_if(rep->lines.begin(), rep->lines.end(),
                                         [&](const RoyaltyLine& l) { return l.item_id == first.id; });
    ASSERT_NE(contributor_line, rep->lines.end());
    EXPECT_EQ(contributor_line->amount, 300000);
    EXPECT_TRUE(contributor_line->rated);
    EXPECT_EQ(contributor_line->payee_name, "Nguyễn Văn An");
    EXPECT_EQ(contributor_line->bank_account, "0011 0023 4567");
    auto director_view = svc_->Royalties(director_, "main", "2026-Q1");
    ASSERT_TRUE(director_view.ok());
    for (const auto& l : director_view->lines) EXPECT_EQ(l.bank_account.find("0011"), std::string::npos);
    EXPECT_TRUE(svc_->Royalties(officer, "main", "2026-Q2")->lines.empty());
    const auto xlsx = RoyaltiesXlsx(rep.value(), "Asia/Ho_Chi_Minh");
    EXPECT_EQ(xlsx.substr(0, 2), "PK");
    if (const char* out = std::getenv("VP_ROYALTY_XLSX_OUT")) std::ofstream(out, std::ios::binary) << xlsx;
}

// covers P-10: an item that comes to a queue is announced to that queue's people.
TEST_P(PortalService, ItemsThatComeToAQueueAreAnnouncedToItsPeople_P10) {
    Cast();
    std::vector<std::string> asked;
    Service svc(Db(), log_, clock_, policy_, *units_, *calendars_, events_,
                ServiceSettings{.notify = [this](core::db::Connection&, std::int64_t user, const std::string&,
                                                 const std::string&, const std::string&) { notified_.push_back(user); },
                                .secrets = secrets_.get(),
                                .holders = [&](core::db::Connection&, core::access::Permission p,
                                               const core::access::Scope& scope) {
                                    asked.push_back(std::string(p.name) + "@" + scope.portal);
                                    if (p == kItemEdit) return std::vector<std::int64_t>{102, 150};
                                    if (p == kItemReview) return std::vector<std::int64_t>{103};
                                    if (p == kItemPublish) return std::vector<std::int64_t>{104, 105};
                                    return std::vector<std::int64_t>{};
                                }});
    auto it = svc.CreateItem(contributor_, News()).value();
    notified_.clear();
    ASSERT_TRUE(svc.Act(contributor_, it.id, Action::kSubmit, Submission()).ok());
    EXPECT_EQ(notified_, (std::vector<std::int64_t>{102, 150})) << "the editors";
    notified_.clear();
    ASSERT_TRUE(svc.Act(editor_, it.id, Action::kTake, {}).ok());
    EXPECT_EQ(notified_, std::vector<std::int64_t>{101}) << "only the author: editing waits for nobody else";
    notified_.clear();
    ASSERT_TRUE(svc.Act(editor_, it.id, Action::kSendToReview, {}).ok());
    EXPECT_EQ(notified_, (std::vector<std::int64_t>{101, 103}));
    notified_.clear();
    ASSERT_TRUE(svc.Act(reviewer_, it.id, Action::kApprove, {}).ok());
    EXPECT_EQ(notified_, (std::vector<std::int64_t>{101, 104, 105}));
    EXPECT_EQ(asked.front(), "portal.item.edit@main");
}

// covers P-13: compliance with the publication deadlines, per providing unit.
TEST_P(PortalService, DeadlineComplianceIsReportedPerProvidingUnit_P13) {
    Cast();
    auto editorial = [&](std::int64_t id) {
        EXPECT_TRUE(svc_->Act(contributor_, id, Action::kSubmit, Submission()).ok());
        EXPECT_TRUE(svc_->Act(editor_, id, Action::kTake, {}).ok());
        EXPECT_TRUE(svc_->Act(editor_, id, Action::kSendToReview, {}).ok());
        EXPECT_TRUE(svc_->Act(reviewer_, id, Action::kApprove, {}).ok());
    };
    auto on_time = Publish(svc_->CreateItem(contributor_, News("Đúng hạn")).value());
    auto late = svc_->CreateItem(contributor_, News("Muộn")).value();
    auto open = svc_->CreateItem(contributor_, News("Chưa đăng")).value();
    editorial(late.id);
    clock_.Set(At("2026-03-11T09:00:00+07:00"));  // Wednesday: Monday's news was due on Tuesday
    ASSERT_TRUE(svc_->Act(publisher_, late.id, Action::kPublish, {}).ok());
    auto fresh = News("Tin hôm nay");
    fresh.fields.event_at = At("2026-03-11T08:00:00+07:00");
    ASSERT_TRUE(svc_->CreateItem(contributor_, fresh).ok());
    EXPECT_FALSE(svc_->Compliance(contributor_, "main", At("2026-03-09T00:00:00+07:00"), At("2026-03-14T00:00:00+07:00")).ok());
    EXPECT_FALSE(svc_->Compliance(director_, "main", At("2026-03-14T00:00:00+07:00"), At("2026-03-09T00:00:00+07:00")).ok());
    auto rep = svc_->Compliance(director_, "main", At("2026-03-09T00:00:00+07:00"), At("2026-03-14T00:00:00+07:00"));
    ASSERT_TRUE(rep.ok());
    ASSERT_EQ(rep->rows.size(), 1u) << "one providing unit";
    const auto& row = rep->rows[0];
    EXPECT_EQ(row.items, 4);
    EXPECT_EQ(row.met, 1);
    EXPECT_EQ(row.late, 1);
    EXPECT_EQ(row.open_overdue, 1);
    EXPECT_EQ(row.open_within, 1);
    EXPECT_FALSE(row.unit_name.empty());
    (void)on_time;
    (void)open;
    // Another portal's report is another portal's.
    EXPECT_FALSE(svc_->Compliance(On("tu-hue", "portal_director", 130), "main", At("2026-03-09T00:00:00+07:00"),
                                  At("2026-03-14T00:00:00+07:00"))
                     .ok());
}

VP_INSTANTIATE_DB_TEST(PortalService);

}  // namespace
}  // namespace vp::portal
