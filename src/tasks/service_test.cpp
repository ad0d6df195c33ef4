// covers T-1, T-2, T-4, T-5 (partly), T-6, T-7, T-8, T-9, T-10, T-13, T-16, T-17, T-18, T-23, T-25 on both
// engines: documents and secrecy, tasks and sub-tasks, receipt and disputes, updates approved by
// the unit, evaluations, explanations, computed statuses and the clocks.
#include <gtest/gtest.h>

#include <atomic>
#include <mutex>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "tasks/tasks_fixture.hpp"

namespace vp::tasks {
namespace {

using core::access::Principal;
using fixture::At;
using fixture::kFile;
using fixture::Slurp;

class TasksService : public fixture::TasksFixture {};

TEST_P(TasksService, DocumentsKeepEveryFieldAndTheirSignatureCheck_T1_T23) {
    auto d = svc_->CreateDocument(office_, Doc());
    ASSERT_TRUE(d.ok()) << core::Text(d.error().message, "en");
    EXPECT_EQ(d->symbol, "KL/TW");
    ASSERT_EQ(d->files.size(), 1u);
    EXPECT_TRUE(d->files[0].signature.as_object().at("valid").as_bool()) << "the check is stored";
    EXPECT_EQ(svc_->GetDocument(office_, d->id)->files[0].filename, "01234567.pdf");
    const auto before = Count("tasks_documents");
    auto no_file = Doc();
    no_file.files.clear();
    EXPECT_EQ(svc_->CreateDocument(office_, no_file).error().field, "files") << "a signed file is required";
    auto bad_file = Doc();
    bad_file.files = {"/media/../../etc/passwd"};
    EXPECT_EQ(svc_->CreateDocument(office_, bad_file).error().field, "files");
    auto bad_kind = Doc();
    bad_kind.kind = "edict";
    EXPECT_EQ(svc_->CreateDocument(office_, bad_kind).error().field, "kind");
    auto bad_date = Doc();
    bad_date.issued_on = "2026-02-30";
    EXPECT_EQ(svc_->CreateDocument(office_, bad_date).error().field, "issued_on");
    auto crlf = Doc();
    crlf.signer = "Trần\r\nCẩm Tú";
    EXPECT_EQ(svc_->CreateDocument(office_, crlf).error().field, "signer");
    EXPECT_EQ(svc_->CreateDocument(focal_, Doc()).error().code, core::ErrorCode::kForbidden)
        << "only the task office enters documents";
    EXPECT_EQ(Count("tasks_documents"), before) << "nothing stored";
}

TEST_P(TasksService, TopSecretIsRefusedCitingArticle5AndNothingIsStored_T5) {
    auto top = svc_->CreateDocument(office_, Doc("tuyet_mat"));
    ASSERT_FALSE(top.ok());
    EXPECT_EQ(top.error().field, "secrecy");
    EXPECT_NE(core::Text(top.error().message, "vi").find("Điều 5, khoản 3"), std::string::npos);
    EXPECT_EQ(svc_->CreateDocument(office_, Doc("mat")).error().code, core::ErrorCode::kConflict)
        << "a secret document never enters the ordinary record: it belongs to the partition (secret_test.cpp)";
    EXPECT_EQ(top.error().code, core::ErrorCode::kUnprocessable) << "422";
    EXPECT_EQ(svc_->CreateDocument(office_, Doc("bi_mat")).error().field, "secrecy");
    EXPECT_EQ(Count("tasks_documents"), 0);
}

TEST_P(TasksService, ATaskGetsItsCheckpointsAndClocksAndGoesToCompletion_T2_T4_T6_T7_T8_T10_T17) {
    auto t = NewTaskFor();
    EXPECT_EQ(t.status, Status::kNotStartedWithinDeadline);
    // 1 to under 3 months: an update at half time and the final report 3 working days after.
    ASSERT_NE(Find(t, ClockKind::kUpdate, "1/2"), nullptr);
    EXPECT_EQ(Iso(Find(t, ClockKind::kUpdate, "1/2")->due_at), "2026-03-25T17:00:00+07:00");
    EXPECT_EQ(Iso(Find(t, ClockKind::kUpdate, "final")->due_at), "2026-04-14T17:00:00+07:00");
    // Entered within 3 working days of the issue (Thursday 5 March -> Tuesday 10 March).
    auto entry = Find(t, ClockKind::kEntry);
    ASSERT_NE(entry, nullptr);
    EXPECT_EQ(Iso(entry->due_at), "2026-03-10T17:00:00+07:00");
    // Receipt within 4 working hours: Monday 09:00 -> 14:00 (the lunch hour does not count).
    auto ack = Find(t, ClockKind::kAcknowledge);
    ASSERT_NE(ack, nullptr);
    EXPECT_EQ(Iso(ack->due_at), "2026-03-09T14:00:00+07:00");

    EXPECT_EQ(svc_->Acknowledge(hue_focal_, t.id).error().code, core::ErrorCode::kNotFound) << "not its task";
    clock_.Set(At("2026-03-09T10:00:00+07:00"));
    auto acked = svc_->Acknowledge(focal_, t.id);
    ASSERT_TRUE(acked.ok());
    EXPECT_EQ(svc_->Acknowledge(focal_, t.id).error().code, core::ErrorCode::kConflict);
    auto read = svc_->GetTask(focal_, t.id).value();
    EXPECT_EQ(Find(read, ClockKind::kAcknowledge)->state.outcome, ClockState::Outcome::kMet);
    EXPECT_TRUE(svc_->GetTask(inspector_, t.id).ok()) << "the inspection commission reads";

    // An update counts only once the unit's approver approves it.
    clock_.Set(At("2026-03-20T10:00:00+07:00"));
    EXPECT_EQ(svc_->SubmitUpdate(focal_, t.id, {.progress = 140}, false).error().field, "progress");
    EXPECT_EQ(svc_->SubmitUpdate(focal_, t.id, {.progress = 20, .difficulties = "Thiếu kinh phí"}, false).error().field,
              "causes");
    auto up = svc_->SubmitUpdate(focal_, t.id, {.progress = 40, .results = "Đã dự thảo kế hoạch"}, false);
    ASSERT_TRUE(up.ok());
    EXPECT_EQ(svc_->GetTask(focal_, t.id)->status, Status::kNotStartedWithinDeadline) << "not approved yet";
    EXPECT_EQ(svc_->DecideUpdate(focal_, up->id, true, "").error().code, core::ErrorCode::kForbidden);
    EXPECT_EQ(svc_->DecideUpdate(approver_, up->id, false, "").error().field, "comment");
    ASSERT_TRUE(svc_->DecideUpdate(approver_, up->id, true, "").ok());
    EXPECT_EQ(svc_->DecideUpdate(approver_, up->id, true, "").error().code, core::ErrorCode::kConflict);
    read = svc_->GetTask(focal_, t.id).value();
    EXPECT_EQ(read.status, Status::kInProgressOnTime);
    EXPECT_EQ(read.progress, 40);
    EXPECT_EQ(Find(read, ClockKind::kUpdate, "1/2")->state.outcome, ClockState::Outcome::kMet);
    // The monitoring unit evaluates within 3 working days.
    auto eval = Find(read, ClockKind::kEvaluate);
    ASSERT_NE(eval, nullptr);
    EXPECT_EQ(Iso(eval->due_at), "2026-03-25T17:00:00+07:00");
    EXPECT_EQ(svc_->Evaluate(approver_, up->id, "Tốt", false).error().code, core::ErrorCode::kForbidden);
    ASSERT_TRUE(svc_->Evaluate(monitor_, up->id, "Đúng tiến độ", false).ok());
    EXPECT_EQ(Find(svc_->GetTask(focal_, t.id).value(), ClockKind::kEvaluate)->state.outcome,
              ClockState::Outcome::kMet);

    // Completion on the deadline's eve: completed on time, every checkpoint closed.
    clock_.Set(At("2026-04-08T10:00:00+07:00"));
    EXPECT_EQ(svc_->SubmitUpdate(focal_, t.id, {}, true).error().field, "results");
    auto done = svc_->SubmitUpdate(focal_, t.id, {.results = "Kế hoạch đã ban hành", .products = "Kế hoạch số 12"}, true);
    ASSERT_TRUE(done.ok());
    ASSERT_TRUE(svc_->DecideUpdate(approver_, done->id, true, "Đồng ý").ok());
    read = svc_->GetTask(focal_, t.id).value();
    EXPECT_EQ(read.status, Status::kCompletedOnTime);
    EXPECT_EQ(read.progress, 100);
    EXPECT_EQ(Find(read, ClockKind::kUpdate, "final")->state.outcome, ClockState::Outcome::kMet);
    EXPECT_EQ(svc_->SubmitUpdate(focal_, t.id, {.progress = 100, .results = "x"}, false).error().code,
              core::ErrorCode::kConflict);
    auto history = svc_->StatusHistory(focal_, t.id);
    ASSERT_GE(history.size(), 3u);
    EXPECT_EQ(history.front().status, Status::kNotStartedWithinDeadline);
    EXPECT_EQ(history.back().status, Status::kCompletedOnTime);
}

TEST_P(TasksService, StatusesFollowTimeMissedCheckpointsAndLateReportsNeedAnExplanation_T4_T8_T16_T18) {
    auto t = NewTaskFor("2026-06-09T17:00:00+07:00");  // 3 to under 6 months: ½ and ¾
    clock_.Set(At("2026-03-12T10:00:00+07:00"));
    auto up = svc_->SubmitUpdate(focal_, t.id, {.progress = 30, .results = "Khởi động"}, false).value();
    ASSERT_TRUE(svc_->DecideUpdate(approver_, up.id, true, "").ok());
    // The ¾ checkpoint (due Monday 18 May) passes without an update: in progress, late.
    clock_.Set(At("2026-05-19T09:00:00+07:00"));
    EXPECT_GE(svc_->RefreshStatuses(), 1);
    EXPECT_EQ(svc_->GetTask(focal_, t.id)->status, Status::kInProgressLate);
    // The late report keeps the checkpoint, missed, and asks for an explanation.
    auto late = svc_->SubmitUpdate(focal_, t.id, {.progress = 70, .results = "Đã triển khai"}, false).value();
    ASSERT_TRUE(svc_->DecideUpdate(approver_, late.id, true, "").ok());
    auto read = svc_->GetTask(focal_, t.id).value();
    EXPECT_EQ(Find(read, ClockKind::kUpdate, "3/4")->state.outcome, ClockState::Outcome::kMissed);
    EXPECT_GT(Find(read, ClockKind::kUpdate, "3/4")->state.by.count(), 0);
    EXPECT_EQ(read.status, Status::kInProgressOnTime) << "caught up";
    EXPECT_EQ(svc_->SubmitUpdate(focal_, t.id, {.progress = 80, .results = "x"}, false).error().code,
              core::ErrorCode::kConflict)
        << "the explanation first";
    auto ex = svc_->Explanations(focal_, t.id);
    ASSERT_EQ(ex.size(), 1u);
    EXPECT_EQ(ex[0].cause, "late_report");
    EXPECT_EQ(svc_->Explain(hue_focal_, ex[0].id, "x").error().code, core::ErrorCode::kForbidden);
    ASSERT_TRUE(svc_->Explain(focal_, ex[0].id, "Đơn vị chậm do tổ chức lại bộ máy").ok());
    EXPECT_EQ(svc_->Explain(focal_, ex[0].id, "again").error().code, core::ErrorCode::kConflict);
    // A wrong report found by the monitoring unit asks for one too.
    ASSERT_TRUE(svc_->Evaluate(monitor_, late.id, "Số liệu chưa khớp báo cáo", true).ok());
    EXPECT_EQ(svc_->SubmitUpdate(focal_, t.id, {.progress = 80, .results = "x"}, false).error().code,
              core::ErrorCode::kConflict);
    // Past the deadline without completion.
    clock_.Set(At("2026-06-10T09:00:00+07:00"));
    svc_->RefreshStatuses();
    EXPECT_EQ(svc_->GetTask(focal_, t.id)->status, Status::kNotCompletedOverdue);
    auto idle = NewTaskFor("2026-06-09T17:00:00+07:00");
    svc_->RefreshStatuses();
    EXPECT_EQ(svc_->GetTask(focal_, idle.id)->status, Status::kNotStartedOverdue);
}

TEST_P(TasksService, ADisputeIsSettledByTheTaskOfficeAndTheTaskMoves_T7_T25) {
    auto t = NewTaskFor();
    clock_.Set(At("2026-03-09T11:00:00+07:00"));
    ASSERT_TRUE(svc_->Acknowledge(focal_, t.id).ok());
    clock_.Set(At("2026-03-10T09:00:00+07:00"));  // 6 working hours after receipt: within 8
    EXPECT_EQ(svc_->OpenDispute(focal_, t.id, " ").error().field, "reason");
    auto d = svc_->OpenDispute(focal_, t.id, "Nhiệm vụ thuộc thẩm quyền Thành ủy Huế");
    ASSERT_TRUE(d.ok());
    EXPECT_EQ(svc_->OpenDispute(focal_, t.id, "lần hai").error().code, core::ErrorCode::kConflict);
    auto read = svc_->GetTask(focal_, t.id).value();
    EXPECT_EQ(Find(read, ClockKind::kDispute)->state.outcome, ClockState::Outcome::kMet);
    EXPECT_EQ(Iso(Find(read, ClockKind::kSettle)->due_at), "2026-03-11T17:00:00+07:00");
    EXPECT_EQ(svc_->SettleDispute(focal_, d->id, "x", "").error().code, core::ErrorCode::kForbidden);
    auto s = svc_->SettleDispute(office_, d->id, "Chuyển Thành ủy Huế chủ trì", "TU-HUE");
    ASSERT_TRUE(s.ok());
    EXPECT_EQ(s->outcome, "reassigned");
    EXPECT_EQ(svc_->SettleDispute(office_, d->id, "again", "").error().code, core::ErrorCode::kConflict);
    auto moved = svc_->SubmitUpdate(focal_, t.id, {.progress = 10, .results = "x"}, false);
    ASSERT_FALSE(moved.ok());
    EXPECT_EQ(moved.error().code, core::ErrorCode::kForbidden) << "Hà Nội no longer leads it";
    read = svc_->GetTask(hue_focal_, t.id).value();
    ASSERT_EQ(read.units.front().code, "TU-HUE");
    EXPECT_FALSE(read.units.front().acknowledged_at);
    ASSERT_TRUE(svc_->Acknowledge(hue_focal_, t.id).ok());
}

TEST_P(TasksService, SubTasksGoToSubordinateUnitsAndTheirProgressRollsUp_T2_T9) {
    auto t = NewTaskFor();
    NewTask sub{.parent_id = t.id,
                .content = "Rà soát hạ tầng của Văn phòng Thành ủy",
                .lead_units = {"VP-HNI"},
                .start = At("2026-03-10T08:00:00+07:00"),
                .deadline = At("2026-04-01T17:00:00+07:00")};
    EXPECT_EQ(svc_->CreateTask(vp_focal_, sub).error().code, core::ErrorCode::kForbidden) << "only the assignee delegates";
    auto wrong = sub;
    wrong.lead_units = {"TU-HUE"};
    EXPECT_EQ(svc_->CreateTask(focal_, wrong).error().field, "lead_units") << "only to its subordinate units";
    auto late = sub;
    late.deadline = At("2026-05-01T17:00:00+07:00");
    EXPECT_EQ(svc_->CreateTask(focal_, late).error().field, "deadline");
    auto child = svc_->CreateTask(focal_, sub);
    ASSERT_TRUE(child.ok()) << core::Text(child.error().message, "en");
    EXPECT_EQ(child->parent_id, t.id);
    EXPECT_EQ(child->monitoring_unit_name, "Thành ủy Hà Nội") << "it reports to its assignee";
    clock_.Set(At("2026-03-16T10:00:00+07:00"));
    auto up = svc_->SubmitUpdate(vp_focal_, child->id, {.progress = 50, .results = "Đã rà soát một nửa"}, false);
    ASSERT_TRUE(up.ok());
    ASSERT_TRUE(svc_->DecideUpdate(vp_approver_, up->id, true, "").ok());
    auto parent = svc_->GetTask(focal_, t.id).value();
    ASSERT_EQ(parent.subtasks.size(), 1u);
    ASSERT_TRUE(parent.subtasks_progress);
    EXPECT_EQ(*parent.subtasks_progress, 50);
    EXPECT_NE(parent.status, Status::kNotStartedWithinDeadline) << "work on a sub-task starts the task";
    EXPECT_EQ(svc_->SubmitUpdate(focal_, t.id, {.results = "Xong"}, true).error().code, core::ErrorCode::kConflict)
        << "completed after its sub-tasks";
    // The assignee's monitoring: it evaluates its sub-task's report.
    EXPECT_EQ(svc_->Evaluate(monitor_, up->id, "x", false).error().code, core::ErrorCode::kForbidden);
}

TEST_P(TasksService, ACalendarChangeMovesOnlyRunningClocksAndSaysSo_T6_T8) {
    auto t = NewTaskFor();
    // The government announces 25 March off: the half-time update moves to the 26th; the entry
    // clock, already stopped, keeps its due time.
    ASSERT_TRUE(calendars_
                    ->AddException(op_.ActorAs(), calendar::kDefaultCalendarCode, std::chrono::year{2026} / 3 / 25,
                                   calendar::DayKind::kDayOff, {}, "Nghỉ bù")
                    .ok());
    clock_.Advance(std::chrono::seconds(2));
    EXPECT_GE(svc_->RecomputeClocks(), 1);
    auto read = svc_->GetTask(focal_, t.id).value();
    EXPECT_EQ(Iso(Find(read, ClockKind::kUpdate, "1/2")->due_at), "2026-03-26T17:00:00+07:00");
    EXPECT_FALSE(Find(read, ClockKind::kUpdate, "1/2")->note.empty());
    EXPECT_EQ(Iso(Find(read, ClockKind::kEntry)->due_at), "2026-03-10T17:00:00+07:00");
    EXPECT_TRUE(Find(read, ClockKind::kEntry)->note.empty());
    EXPECT_EQ(svc_->RecomputeClocks(), 0) << "nothing more to move";
}

TEST_P(TasksService, NobodyApprovesHisOwnReportAndASkippedCheckpointIsNotBlamedOnTheNext_T8_T17_T18) {
    auto t = NewTaskFor("2026-06-09T17:00:00+07:00");  // ½ due 24 April, ¾ due 18 May
    auto both = focal_;
    both.grants.push_back({both.user_id, "unit_approver", both.unit_id, ""});
    // No report at half time; one within the ¾ window (after ½'s moment, before ¾'s due).
    clock_.Set(At("2026-05-08T10:00:00+07:00"));
    auto up = svc_->SubmitUpdate(both, t.id, {.progress = 60, .results = "Đã triển khai"}, false).value();
    EXPECT_EQ(svc_->DecideUpdate(both, up.id, true, "").error().code, core::ErrorCode::kForbidden) << "four eyes";
    ASSERT_TRUE(svc_->DecideUpdate(approver_, up.id, true, "").ok());
    auto read = svc_->GetTask(focal_, t.id).value();
    EXPECT_EQ(Find(read, ClockKind::kUpdate, "3/4")->state.outcome, ClockState::Outcome::kMet) << "kept on time";
    EXPECT_EQ(Find(read, ClockKind::kUpdate, "1/2")->state.outcome, ClockState::Outcome::kMissed) << "skipped";
    auto ex = svc_->Explanations(focal_, t.id);
    ASSERT_EQ(ex.size(), 1u);
    EXPECT_EQ(ex[0].detail, "1/2") << "the explanation is about the skipped checkpoint";
    EXPECT_EQ(read.status, Status::kInProgressOnTime);
}

TEST_P(TasksService, OpenEndedTasksKeepGettingCheckpoints_T8) {
    auto doc = svc_->CreateDocument(office_, Doc()).value();
    auto t = svc_->CreateTask(office_, {.document_id = doc.id,
                                        .content = "Duy trì giao ban định kỳ",
                                        .lead_units = {"TU-HNI"},
                                        .monitoring_unit = "VPTW-VTH",
                                        .start = At("2026-03-09T08:00:00+07:00"),
                                        .cadence = Cadence::kQuarterly});
    ASSERT_TRUE(t.ok());
    auto count = [&] {
        std::size_t n = 0;
        for (const auto& k : svc_->GetTask(office_, t->id)->clocks) n += k.kind == ClockKind::kUpdate ? 1 : 0;
        return n;
    };
    EXPECT_EQ(count(), 8u) << "two years of quarters";
    EXPECT_EQ(svc_->ExtendOpenEnded(), 0) << "nothing new within a year";
    clock_.Set(At("2028-06-01T09:00:00+07:00"));
    EXPECT_GT(svc_->ExtendOpenEnded(), 0);
    EXPECT_GE(count(), 12u) << "a year ahead of now";
    EXPECT_EQ(svc_->ExtendOpenEnded(), 0) << "added once";
}

TEST_P(TasksService, WithSeveralLeadUnitsTheTaskIsDoneWhenEveryOneIsDone_T2) {
    auto t = NewTaskFor("2026-04-09T17:00:00+07:00", {"TU-HNI", "TU-HUE"});
    auto hue_approver = As("unit_approver", "TU-HUE", 9);
    clock_.Set(At("2026-03-20T10:00:00+07:00"));
    auto hn = svc_->SubmitUpdate(focal_, t.id, {.results = "Hà Nội đã xong"}, true).value();
    ASSERT_TRUE(svc_->DecideUpdate(approver_, hn.id, true, "").ok());
    auto read = svc_->GetTask(office_, t.id).value();
    EXPECT_EQ(read.progress, 50) << "the mean of the lead units' progress";
    EXPECT_FALSE(read.completed_at) << "Huế has not finished";
    EXPECT_EQ(svc_->SubmitUpdate(focal_, t.id, {.progress = 100, .results = "x"}, false).error().code,
              core::ErrorCode::kConflict)
        << "Hà Nội has completed its part";
    auto hue = svc_->SubmitUpdate(hue_focal_, t.id, {.results = "Huế đã xong"}, true).value();
    ASSERT_TRUE(svc_->DecideUpdate(hue_approver, hue.id, true, "").ok());
    read = svc_->GetTask(office_, t.id).value();
    EXPECT_EQ(read.progress, 100);
    ASSERT_TRUE(read.completed_at);
    EXPECT_EQ(read.status, Status::kCompletedOnTime);
}

TEST_P(TasksService, TwoApprovalsAtOnceCountOnce_T17) {
    auto t = NewTaskFor();
    auto up = svc_->SubmitUpdate(focal_, t.id, {.progress = 10, .results = "x"}, false).value();
    std::atomic<int> ok{0};
    std::vector<std::thread> threads;
    for (int k = 0; k < 4; ++k) {
        threads.emplace_back([&] {
            if (svc_->DecideUpdate(approver_, up.id, true, "").ok()) ++ok;
        });
    }
    for (auto& th : threads) th.join();
    EXPECT_EQ(ok.load(), 1);
    auto evals = Db().Read([&](core::db::Connection& c) {
        return c.QueryOne("SELECT COUNT(*) FROM tasks_clocks WHERE kind = 'evaluate'")->Int(0);
    });
    EXPECT_EQ(evals, 1);
}

TEST_P(TasksService, RemindersAreSentOncePerClockAndLevelEvenOnTwoNodes_T13) {
    auto t = NewTaskFor();
    const auto hn = units_->FindByCode("TU-HNI")->id;
    std::vector<std::pair<std::int64_t, std::string>> sent;
    std::mutex m;
    ServiceSettings settings{
        .notify =
            [&](core::db::Connection&, std::int64_t user, const std::string& title, const std::string&, const std::string&) {
                std::lock_guard lock(m);
                sent.emplace_back(user, title);
            },
        .holders = [&](core::db::Connection&, core::access::Permission p, const core::access::Scope& s) {
            std::vector<std::int64_t> out;
            if ((p == kUpdateSubmit || p == kTaskAcknowledge) && s.unit_id == hn) out.push_back(2);
            if (p == kUpdateApprove && s.unit_id == hn) out.push_back(3);
            return out;
        }};
    Service node_a(Db(), log_, clock_, policy_, *units_, *calendars_, events_, settings);
    Service node_b(Db(), log_, clock_, policy_, *units_, *calendars_, events_, settings);
    // Monday 09:30: the acknowledgement is due at 14:00 today.
    clock_.Set(At("2026-03-09T09:30:00+07:00"));
    EXPECT_EQ(node_a.Remind(), 1);
    ASSERT_EQ(sent.size(), 1u);
    EXPECT_EQ(sent[0].first, 2);
    EXPECT_NE(sent[0].second.find("đến hạn hôm nay"), std::string::npos);
    EXPECT_EQ(node_a.Remind(), 0) << "once per clock and level";
    EXPECT_EQ(node_b.Remind(), 0) << "on every node";
    // Overdue at 15:00; escalated to the unit's head after 8 more working hours.
    clock_.Set(At("2026-03-09T15:00:00+07:00"));
    std::atomic<int> both{0};
    std::thread a([&] { both += node_a.Remind(); });
    std::thread b([&] { both += node_b.Remind(); });
    a.join();
    b.join();
    EXPECT_EQ(both.load(), 1) << "two nodes at once: one reminder";
    clock_.Set(At("2026-03-10T15:00:00+07:00"));
    EXPECT_EQ(node_a.Remind(), 1);
    EXPECT_EQ(sent.back().first, 3) << "the head of the unit is told";
    // The daily digest, once a day per person.
    EXPECT_GE(node_a.SendDigests(), 1);
    EXPECT_EQ(node_b.SendDigests(), 0);
    // Done: no more reminders for it.
    ASSERT_TRUE(svc_->Acknowledge(focal_, t.id).ok());
    clock_.Set(At("2026-03-12T15:00:00+07:00"));
    const auto before = sent.size();
    node_a.Remind();
    for (std::size_t k = before; k < sent.size(); ++k) EXPECT_EQ(sent[k].second.find("tiếp nhận"), std::string::npos);
}

VP_INSTANTIATE_DB_TEST(TasksService);

}  // namespace
}  // namespace vp::tasks
