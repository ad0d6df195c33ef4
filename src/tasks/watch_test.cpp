// covers T-11, T-19, T-20, T-21 on both engines: evaluation from the tracking records, closing and
// recomputing a period, the two-periods explanation, the export for the emulation and rewards
// system, the inspection commissions' warnings and answers, and the dashboard's and map's figures.
#include <atomic>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <thread>

#include <unistd.h>

#include <fmt/format.h>

#include "tasks/tasks_fixture.hpp"
#include "tasks/watch.hpp"

namespace vp::tasks {
namespace {

using fixture::At;
namespace ev = evaluation;

struct Sent {
    std::int64_t user = 0;
    std::string title, link;
};

class TasksWatch : public fixture::TasksFixture {
protected:
    void SetUp() override {
        TasksFixture::SetUp();
        if (IsSkipped() || HasFailure()) return;
        watch_ = std::make_unique<Watch>(
            Db(), log_, clock_, policy_, *units_, *calendars_, events_,
            [this](core::db::Connection&, std::int64_t user, const std::string& title, const std::string&,
                   const std::string& link) { sent_.push_back({user, title, link}); },
            [this](core::db::Connection&, core::access::Permission p, const core::access::Scope& scope) {
                std::vector<std::int64_t> out;
                for (const auto* who : {&office_, &focal_, &approver_, &hue_focal_, &hue_approver_}) {
                    if (policy_.Authorize(*who, p, scope)) out.push_back(who->user_id);
                }
                return out;
            },
            svc_.get());
        hue_approver_ = As("unit_approver", "TU-HUE", 10);
        hni_inspector_ = As("inspector", "TU-HNI", 9);
    }

    // A task for `unit` due on `deadline`, acknowledged in time and completed (approved and
    // evaluated) on `done` when set.
    Task Run(const std::string& unit, const std::string& deadline, const Principal& focal, const Principal& approver,
             const std::string& done = {}, bool wrong = false) {
        clock_.Set(At("2026-03-09T09:00:00+07:00"));
        auto t = NewTaskFor(deadline, {unit});
        if (done.empty()) return t;
        clock_.Set(At("2026-03-09T10:00:00+07:00"));
        EXPECT_TRUE(svc_->Acknowledge(focal, t.id).ok());
        clock_.Set(At(done));
        auto up = svc_->SubmitUpdate(focal, t.id, {.results = "Đã hoàn thành", .products = "Báo cáo"}, true);
        EXPECT_TRUE(up.ok());
        EXPECT_TRUE(svc_->DecideUpdate(approver, up->id, true, "Đồng ý").ok());
        EXPECT_TRUE(svc_->Evaluate(monitor_, up->id, wrong ? "Báo cáo sai" : "Đạt yêu cầu", wrong).ok());
        return t;
    }

    const UnitResult* Of(const PeriodEvaluation& e, std::string_view code) {
        for (const auto& u : e.units) {
            if (u.facts.unit_code == code) return &u;
        }
        return nullptr;
    }

    std::unique_ptr<Watch> watch_;
    std::vector<Sent> sent_;
    Principal hue_approver_, hni_inspector_;
};

TEST_P(TasksWatch, UnitsAreScoredFromTheRecordsAndAClosedPeriodIsKeptAndReproducible_T20_T21) {
    Run("TU-HNI", "2026-03-20T17:00:00+07:00", focal_, approver_, "2026-03-18T10:00:00+07:00");
    Run("TU-HUE", "2026-03-25T17:00:00+07:00", hue_focal_, hue_approver_);  // never acknowledged nor done
    clock_.Set(At("2026-04-02T09:00:00+07:00"));

    // Before closing: computed now, for the task office and the Office's officers only.
    EXPECT_EQ(watch_->Evaluation(focal_, "2026-Q1").error().code, core::ErrorCode::kForbidden);
    EXPECT_EQ(watch_->Evaluation(office_, "2026-Q5").error().field, "period");
    auto open = watch_->Evaluation(office_, "2026-Q1");
    ASSERT_TRUE(open.ok()) << core::Text(open.error().message, "en");
    EXPECT_FALSE(open->closed);
    EXPECT_EQ(open->set_version, 1);
    const auto* hni = Of(*open, "TU-HNI");
    ASSERT_NE(hni, nullptr);
    using I = ev::Indicator;
    EXPECT_EQ(hni->facts.Of(I::kOnTimeCompletion).met, 1);
    EXPECT_EQ(hni->facts.Of(I::kOnTimeCompletion).due, 1);
    EXPECT_EQ(hni->facts.Of(I::kAcknowledgement).met, 1);
    EXPECT_EQ(hni->facts.Of(I::kResults).met, 1);
    EXPECT_EQ(hni->facts.Of(I::kEvaluation).due, 0) << "not a monitoring unit";
    EXPECT_EQ(hni->score.total, 10000);
    EXPECT_EQ(hni->score.klass, ev::Class::kExcellent);
    const auto* hue = Of(*open, "TU-HUE");
    ASSERT_NE(hue, nullptr);
    EXPECT_EQ(hue->facts.Of(I::kOnTimeCompletion).met, 0);
    EXPECT_EQ(hue->facts.Of(I::kAcknowledgement).due, 1);
    EXPECT_EQ(hue->facts.Of(I::kAcknowledgement).met, 0);
    EXPECT_EQ(hue->facts.overdue_open, 1);
    EXPECT_EQ(hue->score.total, 0);
    EXPECT_EQ(hue->score.klass, ev::Class::kNotComplete);
    EXPECT_EQ(hue->score.rank, 3) << "the monitoring unit and Hà Nội share rank 1";
    const auto* vth = Of(*open, "VPTW-VTH");
    ASSERT_NE(vth, nullptr);
    EXPECT_EQ(vth->facts.Of(I::kEvaluation).met, 1);
    EXPECT_EQ(vth->score.rank, 1);

    // Closing: the task office only, once the period is over, once.
    EXPECT_EQ(watch_->ClosePeriod(focal_, "2026-Q1").error().code, core::ErrorCode::kForbidden);
    EXPECT_EQ(watch_->ClosePeriod(office_, "2026-Q2").error().code, core::ErrorCode::kConflict);
    std::atomic<int> ok{0}, conflict{0};
    std::vector<std::thread> racers;
    for (int i = 0; i < 4; ++i) {
        racers.emplace_back([&] {
            auto r = watch_->ClosePeriod(office_, "2026-Q1");
            if (r) ++ok;
            else if (r.error().code == core::ErrorCode::kConflict) ++conflict;
        });
    }
    for (auto& t : racers) t.join();
    EXPECT_EQ(ok.load(), 1);
    EXPECT_EQ(conflict.load(), 3);
    EXPECT_EQ(Count("tasks_evaluations"), 1);

    // Published: everyone who follows tasks reads the ranking.
    auto kept = watch_->Evaluation(focal_, "2026-Q1");
    ASSERT_TRUE(kept.ok());
    EXPECT_TRUE(kept->closed);
    ASSERT_EQ(kept->units.size(), open->units.size());
    for (std::size_t i = 0; i < kept->units.size(); ++i) {
        EXPECT_EQ(kept->units[i].facts.unit_code, open->units[i].facts.unit_code);
        EXPECT_EQ(kept->units[i].score.total, open->units[i].score.total);
        EXPECT_EQ(kept->units[i].score.rank, open->units[i].score.rank);
        EXPECT_EQ(kept->units[i].score.rates, open->units[i].score.rates);
    }
    EXPECT_EQ(watch_->ClosedPeriods(), std::vector<std::string>{"2026-Q1"});

    // A new set cannot reach back into a closed period; the closed one keeps its set.
    auto set = ev::DefaultSet();
    set.valid_from = std::chrono::year{2026} / 3 / 1;
    EXPECT_EQ(watch_->IssueIndicatorSet(office_, set, "").error().field, "valid_from");
    set.valid_from = std::chrono::year{2026} / 4 / 1;
    set.weights = {50, 10, 10, 10, 10, 5};
    EXPECT_EQ(watch_->IssueIndicatorSet(office_, set, "").error().field, "weights");
    set.weights = {50, 10, 10, 10, 10, 10};
    EXPECT_EQ(watch_->IssueIndicatorSet(focal_, set, "").error().code, core::ErrorCode::kForbidden);
    auto issued = watch_->IssueIndicatorSet(office_, set, "Nhấn mạnh hoàn thành đúng hạn");
    ASSERT_TRUE(issued.ok()) << core::Text(issued.error().message, "en");
    EXPECT_EQ(issued->set.version, 2);
    EXPECT_EQ(watch_->IndicatorSets().size(), 2u);
    auto again = watch_->Recompute(office_, "2026-Q1");
    ASSERT_TRUE(again.ok());
    EXPECT_TRUE(again->same_scores);
    EXPECT_TRUE(again->changed.empty()) << again->changed.front();
    EXPECT_EQ(watch_->Evaluation(office_, "2026-Q1")->set_version, 1);
    // Work recorded after the period's end does not move its facts.
    clock_.Set(At("2026-04-03T09:00:00+07:00"));
    ASSERT_TRUE(svc_->Acknowledge(hue_focal_, svc_->ListTasks(hue_focal_, {}).front().id).ok());
    EXPECT_TRUE(watch_->Recompute(office_, "2026-Q1")->changed.empty());

    // T-21: the export, in JSON and CSV (docs/tasks.md).
    auto js = watch_->ExportJson(focal_, "2026-Q1");
    ASSERT_TRUE(js.ok());
    EXPECT_EQ(js->at("format").as_string(), "vanphong.tasks.evaluation/1");
    EXPECT_EQ(js->at("indicator_set_version").as_int64(), 1);
    bool found = false;
    for (const auto& u : js->at("units").as_array()) {
        if (u.at("unit_code").as_string() != "TU-HUE") continue;
        found = true;
        EXPECT_EQ(u.at("class").as_string(), "not_complete");
        EXPECT_EQ(u.at("indicators").at("acknowledgement").at("due").as_int64(), 1);
    }
    EXPECT_TRUE(found);
    auto csv = watch_->ExportCsv(focal_, "2026-Q1");
    ASSERT_TRUE(csv.ok());
    EXPECT_TRUE(csv->starts_with("period,indicator_set_version,unit_code,unit_name,score_bp,class,rank,overdue_open,"
                                 "on_time_completion_met,on_time_completion_due"));
    EXPECT_NE(csv->find("\r\n2026-Q1,1,TU-HUE,Thành ủy Huế,0,not_complete,3,1,"), std::string::npos) << *csv;
    EXPECT_EQ(watch_->ExportCsv(focal_, "2026-Q2").error().code, core::ErrorCode::kForbidden) << "not published";
}

TEST_P(TasksWatch, NotCompleteTwoPeriodsRunningAsksTheUnitForAnExplanation_T20) {
    Run("TU-HUE", "2026-03-25T17:00:00+07:00", hue_focal_, hue_approver_);
    Run("TU-HUE", "2026-05-20T17:00:00+07:00", hue_focal_, hue_approver_);
    clock_.Set(At("2026-04-02T09:00:00+07:00"));
    ASSERT_TRUE(watch_->ClosePeriod(office_, "2026-Q1").ok());
    EXPECT_TRUE(watch_->UnitExplanations(office_).empty()) << "one period only";
    clock_.Set(At("2026-07-01T09:00:00+07:00"));
    sent_.clear();
    auto q2 = watch_->ClosePeriod(office_, "2026-Q2");
    ASSERT_TRUE(q2.ok());
    EXPECT_EQ(Of(*q2, "TU-HUE")->score.klass, ev::Class::kNotComplete);
    auto asked = watch_->UnitExplanations(hue_focal_);
    ASSERT_EQ(asked.size(), 1u);
    EXPECT_EQ(asked[0].period, "2026-Q2");
    EXPECT_EQ(asked[0].unit_code, "TU-HUE");
    EXPECT_EQ(calendar::FormatIso(asked[0].due_at, "Asia/Ho_Chi_Minh"), "2026-07-15T17:00:00+07:00")
        << "10 working days";
    EXPECT_TRUE(watch_->UnitExplanations(focal_).empty()) << "another province's";
    EXPECT_EQ(watch_->UnitExplanations(office_).size(), 1u);
    int to_hue = 0;
    for (const auto& s : sent_) {
        if (s.user == hue_focal_.user_id || s.user == hue_approver_.user_id) ++to_hue;
        EXPECT_NE(s.user, focal_.user_id);
    }
    EXPECT_EQ(to_hue, 2);
    EXPECT_EQ(watch_->ExplainUnit(focal_, asked[0].id, "x").error().code, core::ErrorCode::kForbidden);
    EXPECT_EQ(watch_->ExplainUnit(hue_focal_, asked[0].id, " ").error().field, "text");
    auto given = watch_->ExplainUnit(hue_focal_, asked[0].id, "Nguyên nhân: thiếu cán bộ. Khắc phục: bổ sung biên chế.");
    ASSERT_TRUE(given.ok());
    EXPECT_TRUE(given->submitted_at.has_value());
    EXPECT_EQ(watch_->ExplainUnit(hue_approver_, asked[0].id, "Lần hai").error().code, core::ErrorCode::kConflict);
}

TEST_P(TasksWatch, InspectorsWarnWithinTheirLevelAndTheUnitAnswers_T11) {
    auto hni = Run("TU-HNI", "2026-03-20T17:00:00+07:00", focal_, approver_);
    auto hue = Run("TU-HUE", "2026-03-25T17:00:00+07:00", hue_focal_, hue_approver_);
    const NewWarning w{.task_id = hni.id,
                       .kind = "delay",
                       .rule = "Điều 11.1.c Quy chế 08-QC/TW",
                       .text = "Chưa xác nhận tiếp nhận nhiệm vụ đúng hạn."};
    auto bad = w;
    bad.kind = "gossip";
    EXPECT_EQ(watch_->RaiseWarning(hni_inspector_, bad).error().field, "kind");
    bad = w;
    bad.rule = "Điều 11\r\nSet-Cookie: x=1";
    EXPECT_EQ(watch_->RaiseWarning(hni_inspector_, bad).error().field, "rule");
    bad = w;
    bad.task_id = hue.id;
    EXPECT_EQ(watch_->RaiseWarning(hni_inspector_, bad).error().code, core::ErrorCode::kForbidden)
        << "Huế is not Hà Nội's inspection commission's level";
    EXPECT_EQ(watch_->RaiseWarning(focal_, w).error().code, core::ErrorCode::kForbidden) << "not an inspector";
    bad = w;
    bad.unit = "TU-HUE";
    EXPECT_EQ(watch_->RaiseWarning(inspector_, bad).error().field, "unit") << "not a unit of the task";
    const auto before = Count("tasks_warnings");
    sent_.clear();
    auto raised = watch_->RaiseWarning(hni_inspector_, w);
    ASSERT_TRUE(raised.ok()) << core::Text(raised.error().message, "en");
    EXPECT_EQ(Count("tasks_warnings"), before + 1);
    EXPECT_EQ(raised->unit_code, "");  // filled by the list
    bool told_unit = false, told_office = false;
    for (const auto& s : sent_) {
        told_unit |= s.user == focal_.user_id;
        told_office |= s.user == office_.user_id;
    }
    EXPECT_TRUE(told_unit && told_office);
    // The Central Inspection Commission covers every unit; results are recorded too.
    auto result = watch_->RaiseWarning(inspector_, {.unit = "TU-HUE",
                                                    .kind = "supervision_result",
                                                    .rule = "Điều 11.2.b",
                                                    .text = "Giám sát chuyên đề quý I: đạt yêu cầu."});
    ASSERT_TRUE(result.ok());

    auto seen = watch_->Warnings(focal_, hni.id);
    ASSERT_EQ(seen.size(), 1u);
    EXPECT_EQ(seen[0].unit_code, "TU-HNI");
    EXPECT_EQ(watch_->Warnings(hue_focal_, hni.id).size(), 0u);
    EXPECT_EQ(watch_->Warnings(hue_focal_).size(), 1u) << "its own supervision result";
    EXPECT_EQ(watch_->Warnings(office_).size(), 2u);
    EXPECT_EQ(watch_->AnswerWarning(hue_focal_, raised->id, "x").error().code, core::ErrorCode::kNotFound);
    EXPECT_EQ(watch_->AnswerWarning(hni_inspector_, raised->id, "x").error().code, core::ErrorCode::kForbidden);
    clock_.Set(At("2026-03-10T09:00:00+07:00"));
    auto answered = watch_->AnswerWarning(focal_, raised->id, "Đã xác nhận, do nghỉ lễ.");
    ASSERT_TRUE(answered.ok());
    ASSERT_TRUE(answered->answered_at.has_value());
    EXPECT_EQ(calendar::FormatIso(*answered->answered_at, "Asia/Ho_Chi_Minh"), "2026-03-10T09:00:00+07:00");
    clock_.Set(At("2026-03-11T09:00:00+07:00"));
    auto second = watch_->AnswerWarning(office_, raised->id, "Văn phòng đã đôn đốc.");
    ASSERT_TRUE(second.ok());
    EXPECT_EQ(second->answers.size(), 2u);
    EXPECT_EQ(second->answered_at, answered->answered_at) << "the first answer's time is kept";
}

TEST_P(TasksWatch, TheDashboardCountsWhatTheViewerMayReadAndTheMapEachProvince_T19) {
    Run("TU-HNI", "2026-03-20T17:00:00+07:00", focal_, approver_, "2026-03-18T10:00:00+07:00");
    Run("TU-HNI", "2026-03-16T17:00:00+07:00", focal_, approver_);
    Run("TU-HUE", "2026-03-13T17:00:00+07:00", hue_focal_, hue_approver_);
    clock_.Set(At("2026-04-02T09:00:00+07:00"));
    EXPECT_GT(svc_->RefreshStatuses(), 0);
    auto all = watch_->DashboardFor(office_, {});
    EXPECT_EQ(all.total, 3);
    EXPECT_EQ(all.overdue, 2);
    EXPECT_EQ(all.completed, 1);
    std::int64_t in_status = 0;
    for (const auto& b : all.by_status) in_status += b.count;
    EXPECT_EQ(in_status, 3);
    ASSERT_EQ(all.most_overdue.size(), 2u);
    EXPECT_GT(all.most_overdue[0].days_overdue, all.most_overdue[1].days_overdue) << "longest first";
    ASSERT_FALSE(all.by_unit.empty());
    EXPECT_EQ(all.by_unit[0].key, "TU-HNI");
    EXPECT_EQ(all.by_unit[0].count, 2);
    EXPECT_EQ(all.by_unit[0].overdue, 1);
    std::int64_t trend_completed = 0, trend_overdue = 0;
    for (const auto& p : all.trend) {
        trend_completed += p.completed;
        trend_overdue += p.became_overdue;
    }
    EXPECT_EQ(all.trend.size(), 12u);
    EXPECT_EQ(all.trend.back().month, "2026-04");
    EXPECT_EQ(trend_completed, 1);
    EXPECT_EQ(trend_overdue, 2);
    // A province's focal point sees its own tasks only (Hà Nội's office coordinates all three);
    // a filter narrows.
    EXPECT_EQ(watch_->DashboardFor(focal_, {}).total, 3);
    EXPECT_EQ(watch_->DashboardFor(focal_, {.unit = "TU-HNI"}).total, 2);
    EXPECT_EQ(watch_->DashboardFor(hue_focal_, {}).total, 1);
    EXPECT_EQ(watch_->DashboardFor(office_, {.unit = "TU-HUE"}).total, 1);
    EXPECT_EQ(watch_->DashboardFor(office_, {.priority = "urgent"}).total, 0);

    ASSERT_TRUE(watch_->ClosePeriod(office_, "2026-Q1").ok());
    auto map = watch_->Provinces(hue_focal_);
    EXPECT_EQ(map.size(), 34u);
    for (const auto& p : map) {
        if (p.code == "TU-HNI") {
            EXPECT_EQ(p.tasks, 2);
            EXPECT_EQ(p.overdue, 1);
            EXPECT_EQ(p.period, "2026-Q1");
            EXPECT_TRUE(p.score.has_value());
        } else if (p.code == "TU-HUE") {
            EXPECT_EQ(p.overdue, 1);
            EXPECT_EQ(p.klass, ev::Class::kNotComplete);
        } else {
            EXPECT_EQ(p.tasks, 0) << p.code;
        }
    }
}

// A dashboard as one comparable line.
std::string Summary(const Dashboard& d) {
    std::string out = fmt::format("total {} overdue {} completed {} |", d.total, d.overdue, d.completed);
    for (const auto* list : {&d.by_status, &d.by_unit, &d.by_priority, &d.by_group, &d.by_period}) {
        for (const auto& b : *list) out += fmt::format(" {}:{}:{}", b.key, b.count, b.overdue);
        out += " |";
    }
    for (const auto& p : d.trend) out += fmt::format(" {}:{}:{}", p.month, p.completed, p.became_overdue);
    for (const auto& t : d.most_overdue) out += fmt::format(" #{}:{}", t.id, t.days_overdue);
    return out;
}

TEST_P(TasksWatch, TheDashboardFollowsEachChangeByReadingOnlyTheChangedTask_T19) {
    auto fresh = [&](const Principal& who, const DashboardFilter& f = {}) {
        core::EventBus quiet;  // a watch that has seen nothing: reads every task
        Watch again(Db(), log_, clock_, policy_, *units_, *calendars_, quiet, nullptr, nullptr, svc_.get());
        return Summary(again.DashboardFor(who, f));
    };
    auto same = [&](std::string_view step) {
        EXPECT_EQ(Summary(watch_->DashboardFor(office_, {})), fresh(office_)) << step;
        EXPECT_EQ(Summary(watch_->DashboardFor(hue_focal_, {})), fresh(hue_focal_)) << step;
        EXPECT_EQ(Summary(watch_->DashboardFor(office_, {.unit = "TU-HNI"})), fresh(office_, {.unit = "TU-HNI"})) << step;
    };
    const auto a = Run("TU-HNI", "2026-03-20T17:00:00+07:00", focal_, approver_);
    same("one task");
    const auto b = Run("TU-HUE", "2026-03-13T17:00:00+07:00", hue_focal_, hue_approver_);
    same("a second task");
    Run("TU-HNI", "2026-03-16T17:00:00+07:00", focal_, approver_, "2026-03-12T10:00:00+07:00");
    same("a task completed");
    clock_.Set(At("2026-04-02T09:00:00+07:00"));
    EXPECT_GT(svc_->RefreshStatuses(), 0);
    same("statuses turned overdue");
    const auto c = NewTaskFor("2026-05-20T17:00:00+07:00", {"TU-HNI"});
    auto twin = svc_->CreateTask(office_, {.document_id = c.document_id,
                                           .content = c.content,
                                           .lead_units = {"TU-HNI"},
                                           .monitoring_unit = "VPTW-VTH",
                                           .start = At("2026-04-02T08:00:00+07:00"),
                                           .deadline = At("2026-05-20T17:00:00+07:00"),
                                           .priority = "key"});
    ASSERT_TRUE(twin.ok()) << core::Text(twin.error().message, "en");
    const auto d = twin.value();
    same("two more");
    ASSERT_TRUE(svc_->MergeTask(office_, d.id, c.id, "Nhập trùng").ok());
    same("a duplicate merged away");

    // Dashboards are remembered per view by what the viewer may read, never by who he is: the
    // same person with another grant gets the figures of that grant at once.
    auto moved = hue_focal_;
    ASSERT_FALSE(moved.grants.empty());
    moved.grants[0].unit_id = units_->FindByCode("TU-HNI")->id;
    EXPECT_EQ(Summary(watch_->DashboardFor(moved, {})), fresh(moved));
    EXPECT_NE(Summary(watch_->DashboardFor(moved, {})), Summary(watch_->DashboardFor(hue_focal_, {})));

    // Only the task an event names is read again: a row changed behind the service's back stays
    // as it was until its task changes.
    Db().Transact([&](core::db::Connection& cx) {
        cx.Execute("UPDATE tasks_tasks SET priority = 'urgent' WHERE id = $1", {b.id});
    });
    EXPECT_EQ(watch_->DashboardFor(office_, {.priority = "urgent"}).total, 0);
    events_.Publish(core::Event{.topic = "tasks.task", .data_json = fmt::format(R"({{"id":{},"units":[]}})", a.id)});
    EXPECT_EQ(watch_->DashboardFor(office_, {.priority = "urgent"}).total, 0) << "another task's change";
    // Another node's change reaches this one through the bus with the task it names.
    events_.Publish(core::Event{.topic = "tasks.task", .data_json = fmt::format(R"({{"id":{},"units":[]}})", b.id)});
    EXPECT_EQ(watch_->DashboardFor(office_, {.priority = "urgent"}).total, 1);
    same("after the change is announced");
    // An event that names no task (or cannot be read) reads every task again.
    Db().Transact([&](core::db::Connection& cx) {
        cx.Execute("UPDATE tasks_tasks SET priority = 'urgent' WHERE id = $1", {c.id});
    });
    events_.Publish(core::Event{.topic = "tasks.task", .data_json = R"({"action":"import"})"});
    EXPECT_EQ(watch_->DashboardFor(office_, {.priority = "urgent"}).total, 2);
}

// What an independent reader finds in the workbook: every sheet as "sheet|cell|cell…" lines.
std::string ReadXlsx(const std::string& bytes) {
    const auto path = std::filesystem::temp_directory_path() / ("vp-report-" + std::to_string(::getpid()) + ".xlsx");
    std::ofstream(path, std::ios::binary) << bytes;
    const std::string cmd = "/usr/bin/python3 -c \"import openpyxl,sys\nwb=openpyxl.load_workbook(sys.argv[1])\n"
                            "for ws in wb.worksheets:\n  for row in ws.iter_rows(values_only=True):\n"
                            "    print(ws.title+'|'+'|'.join('' if v is None else str(v) for v in row))\" '" +
                            path.string() + "'";
    std::string out;
    if (FILE* p = popen(cmd.c_str(), "r")) {
        char buf[4096];
        while (auto n = fread(buf, 1, sizeof buf, p)) out.append(buf, n);
        pclose(p);
    }
    std::filesystem::remove(path);
    return out;
}

std::string PdfText(const std::string& bytes) {
    const auto path = std::filesystem::temp_directory_path() / ("vp-report-" + std::to_string(::getpid()) + ".pdf");
    std::ofstream(path, std::ios::binary) << bytes;
    std::string out;
    if (FILE* p = popen(("pdftotext -layout '" + path.string() + "' -").c_str(), "r")) {
        char buf[4096];
        while (auto n = fread(buf, 1, sizeof buf, p)) out.append(buf, n);
        pclose(p);
    }
    std::filesystem::remove(path);
    return out;
}

TEST_P(TasksWatch, AReportKeepsItsStatisticsAndExportsThemToXlsxAndPdf_T15) {
    Run("TU-HNI", "2026-03-20T17:00:00+07:00", focal_, approver_, "2026-03-18T10:00:00+07:00");
    Run("TU-HUE", "2026-03-13T17:00:00+07:00", hue_focal_, hue_approver_);
    clock_.Set(At("2026-03-23T09:00:00+07:00"));
    svc_->RefreshStatuses();  // Huế's task turns overdue now (the job runs every minute)
    clock_.Set(At("2026-03-23T09:05:00+07:00"));
    EXPECT_EQ(watch_->GenerateReport(focal_, {.kind = "month", .period = "2026-03"}).error().code,
              core::ErrorCode::kForbidden);
    EXPECT_EQ(watch_->GenerateReport(office_, {.kind = "weekly", .period = "2026-03"}).error().field, "kind");
    EXPECT_EQ(watch_->GenerateReport(office_, {.kind = "month", .period = "2026-Q1"}).error().field, "period");
    EXPECT_EQ(watch_->GenerateReport(office_, {.kind = "quarter", .period = "2026-04"}).error().field, "period");
    EXPECT_EQ(watch_->GenerateReport(office_, {.kind = "month", .period = "2026-05"}).error().code,
              core::ErrorCode::kConflict) << "not started";
    EXPECT_EQ(watch_->GenerateReport(office_, {.kind = "on_demand", .from = "2026-03-10", .to = "2026-03-01"}).error().field,
              "to");
    const auto before = Count("tasks_reports");
    auto month = watch_->GenerateReport(office_, {.kind = "month", .period = "2026-03"});
    ASSERT_TRUE(month.ok()) << core::Text(month.error().message, "en");
    EXPECT_EQ(Count("tasks_reports"), before + 1);
    EXPECT_EQ(month->title, "Báo cáo tình hình thực hiện nhiệm vụ tháng 03/2026");
    const auto& f = month->stats.at("figures").as_object();
    EXPECT_EQ(f.at("tasks").as_int64(), 2);
    EXPECT_EQ(f.at("completed_in_period").as_int64(), 1);
    EXPECT_EQ(f.at("completed_on_time").as_int64(), 1);
    EXPECT_EQ(f.at("overdue").as_int64(), 1);
    EXPECT_EQ(f.at("became_overdue_in_period").as_int64(), 1);
    ASSERT_EQ(month->stats.at("overdue").as_array().size(), 1u);
    EXPECT_EQ(month->stats.at("overdue").at(0).at("units").as_string(), "Thành ủy Huế");
    EXPECT_TRUE(month->stats.at("evaluation").is_null());
    // Kept: later work does not change a generated report.
    clock_.Set(At("2026-03-24T09:00:00+07:00"));
    auto kept = watch_->GetReport(monitor_, month->id);
    ASSERT_TRUE(kept.ok());
    EXPECT_EQ(kept->stats, month->stats);
    EXPECT_EQ(watch_->GetReport(focal_, month->id).error().code, core::ErrorCode::kForbidden);

    auto quarter = watch_->GenerateReport(office_, {.kind = "quarter", .period = "2026-Q1"});
    ASSERT_TRUE(quarter.ok());
    ASSERT_TRUE(quarter->stats.at("evaluation").is_object()) << "a quarter has its (provisional) ranking";
    EXPECT_FALSE(quarter->stats.at("evaluation").at("closed").as_bool());

    // The workbook, read by openpyxl; the PDF, read by pdftotext.
    auto xlsx = watch_->ReportXlsx(office_, quarter->id);
    ASSERT_TRUE(xlsx.ok());
    const auto sheets = ReadXlsx(xlsx.value());
    EXPECT_NE(sheets.find("Tổng hợp|Nhiệm vụ trong kỳ|2"), std::string::npos) << sheets;
    EXPECT_NE(sheets.find("Theo đơn vị|TU-HUE|Thành ủy Huế|1|0|0|1"), std::string::npos) << sheets;
    EXPECT_NE(sheets.find("Nhiệm vụ quá hạn|"), std::string::npos);
    EXPECT_NE(sheets.find("Xếp hạng 2026-Q1|1|TU-HNI|Thành ủy Hà Nội|"), std::string::npos) << sheets;
    auto pdf = watch_->ReportPdf(office_, quarter->id);
    ASSERT_TRUE(pdf.ok());
    const auto text = PdfText(pdf.value());
    EXPECT_NE(text.find("Báo cáo tình hình thực hiện nhiệm vụ quý I/2026"), std::string::npos) << text.substr(0, 600);
    EXPECT_NE(text.find("Thành ủy Huế"), std::string::npos);
    EXPECT_NE(text.find("Kết quả tạm tính, chưa công bố."), std::string::npos);
    EXPECT_NE(text.find("Trang 1/"), std::string::npos);
}

TEST_P(TasksWatch, TheCompilationDeadlinesAreClocksWithDraftsAndRemindersOnce_T15) {
    Run("TU-HNI", "2026-03-20T17:00:00+07:00", focal_, approver_);
    clock_.Set(At("2026-03-19T10:00:00+07:00"));
    sent_.clear();
    EXPECT_EQ(watch_->RunReportSchedule(), 0) << "more than 5 days before 25 March; February's was past already";
    const auto states = watch_->ReportDeadlineStates(office_, 2026);
    EXPECT_EQ(states.size(), 12u + 4u + 1u + 1u) << "12 months, 4 quarters, the first half, the year";
    EXPECT_EQ(states.front().due_on, "2026-01-25");
    EXPECT_TRUE(watch_->ReportDeadlineStates(focal_, 2026).empty());
    // Five days ahead the statistics are ready, once, even with two nodes at it.
    clock_.Set(At("2026-03-20T01:00:00+07:00"));
    Watch other(Db(), log_, clock_, policy_, *units_, *calendars_, events_, nullptr, nullptr);
    std::atomic<int> drafts{0};
    std::thread a([&] { drafts += watch_->RunReportSchedule(); });
    std::thread b([&] { drafts += other.RunReportSchedule(); });
    a.join();
    b.join();
    EXPECT_EQ(drafts.load(), 2) << "the month's and the quarter's";
    EXPECT_EQ(Count("tasks_reports"), 2);
    for (const auto& r : watch_->Reports(office_)) EXPECT_EQ(r.generated_by, 0) << "by the system";
    EXPECT_EQ(watch_->RunReportSchedule(), 0);
    // Three days before: the task office is reminded, once per deadline.
    clock_.Set(At("2026-03-22T01:00:00+07:00"));
    EXPECT_EQ(watch_->RunReportSchedule(), 2);
    EXPECT_EQ(watch_->RunReportSchedule(), 0);
    ASSERT_FALSE(sent_.empty());
    for (const auto& s : sent_) EXPECT_EQ(s.user, office_.user_id);
    // The month's report issued in time; the quarter's not.
    clock_.Set(At("2026-03-23T09:00:00+07:00"));
    std::int64_t month_id = 0;
    for (const auto& r : watch_->Reports(office_)) {
        if (r.kind == "month") month_id = r.id;
    }
    EXPECT_EQ(watch_->IssueReport(monitor_, month_id).error().code, core::ErrorCode::kForbidden);
    ASSERT_TRUE(watch_->IssueReport(office_, month_id).ok());
    EXPECT_EQ(watch_->IssueReport(office_, month_id).error().code, core::ErrorCode::kConflict);
    clock_.Set(At("2026-03-25T09:00:00+07:00"));
    sent_.clear();
    EXPECT_EQ(watch_->RunReportSchedule(), 1) << "the quarter's is overdue";
    ASSERT_EQ(sent_.size(), 1u);
    EXPECT_NE(sent_[0].title.find("Quá hạn tổng hợp báo cáo 2026-Q1"), std::string::npos) << sent_[0].title;
    std::map<std::string, std::string> state;
    for (const auto& d : watch_->ReportDeadlineStates(office_, 2026)) state[d.kind + " " + d.period] = d.state;
    EXPECT_EQ(state["month 2026-03"], "done");
    EXPECT_EQ(state["quarter 2026-Q1"], "overdue");
    EXPECT_EQ(state["month 2026-04"], "waiting");
}

TEST_P(TasksWatch, AUnitsOwnReportIsComparedFieldByFieldAndDifferencesAreFlagged_T12) {
    auto done = Run("TU-HNI", "2026-03-20T17:00:00+07:00", focal_, approver_, "2026-03-18T10:00:00+07:00");
    auto open = Run("TU-HNI", "2026-04-20T17:00:00+07:00", focal_, approver_);
    auto missing = Run("TU-HNI", "2026-05-20T17:00:00+07:00", focal_, approver_);
    auto hue = Run("TU-HUE", "2026-03-25T17:00:00+07:00", hue_focal_, hue_approver_);
    clock_.Set(At("2026-03-23T09:00:00+07:00"));
    // The template (the system's own values) comes back without a difference but the one left out.
    auto xlsx = watch_->ReconciliationTemplate(focal_, "TU-HNI");
    ASSERT_TRUE(xlsx.ok());
    auto same = watch_->Reconcile(focal_, "TU-HNI", xlsx.value(), "mau.xlsx");
    ASSERT_TRUE(same.ok()) << core::Text(same.error().message, "en");
    EXPECT_EQ(same->rows, 3);
    EXPECT_EQ(same->matched, 3);
    EXPECT_TRUE(same->problems.empty()) << same->problems.front();
    EXPECT_TRUE(same->differences.empty()) << same->differences.front().field;
    EXPECT_EQ(watch_->ReconciliationTemplate(hue_focal_, "TU-HNI").error().code, core::ErrorCode::kForbidden);

    const std::string csv = fmt::format(
        "Báo cáo của Thành ủy Hà Nội;;;\r\n"
        "Số;Tiến độ (%);Ngày hoàn thành;Kết quả\r\n"
        "{};100;18/03/2026;  đã HOÀN THÀNH \r\n"
        "{};40%;;Đang xây dựng dự thảo\r\n"
        "{};10;;\r\n"
        "abc;5;;\r\n"
        "{};200;32/13/2026;\r\n",
        done.id, open.id, hue.id, done.id);
    EXPECT_EQ(watch_->Reconcile(hue_focal_, "TU-HNI", csv, "x.csv").error().code, core::ErrorCode::kForbidden);
    EXPECT_EQ(watch_->Reconcile(focal_, "TU-HNI", "Tên;Ghi chú\r\nx;y\r\n", "x.csv").error().field, "file");
    EXPECT_EQ(watch_->Reconcile(focal_, "TU-HNI", "\xff\xfe", "x.csv").error().field, "file");
    const auto before = Count("tasks_reconciliations");
    auto r = watch_->Reconcile(focal_, "TU-HNI", csv, "bao-cao-thang-3.csv");
    ASSERT_TRUE(r.ok()) << core::Text(r.error().message, "en");
    EXPECT_EQ(Count("tasks_reconciliations"), before + 1);
    EXPECT_EQ(r->rows, 5);
    EXPECT_EQ(r->matched, 2);
    ASSERT_EQ(r->problems.size(), 3u);
    EXPECT_NE(r->problems[0].find("không do đơn vị chủ trì"), std::string::npos) << r->problems[0];
    EXPECT_NE(r->problems[1].find("«abc»"), std::string::npos);
    EXPECT_NE(r->problems[2].find("lặp lại"), std::string::npos);
    std::map<std::string, Difference> of_open;
    bool missing_listed = false;
    for (const auto& d : r->differences) {
        EXPECT_NE(d.task_id, done.id) << d.field << ": the same once folded and trimmed";
        if (d.task_id == open.id) of_open[d.field] = d;
        if (d.task_id == missing.id && d.field == "presence") missing_listed = true;
    }
    EXPECT_TRUE(missing_listed) << "a task the unit leads but did not list";
    ASSERT_TRUE(of_open.contains("progress"));
    EXPECT_EQ(of_open["progress"].system_value, "0");
    EXPECT_EQ(of_open["progress"].unit_value, "40");
    ASSERT_TRUE(of_open.contains("results"));
    EXPECT_EQ(of_open["results"].unit_value, "Đang xây dựng dự thảo");
    EXPECT_FALSE(of_open.contains("completed_on"));

    EXPECT_EQ(watch_->GetReconciliation(hue_focal_, r->id).error().code, core::ErrorCode::kNotFound);
    EXPECT_EQ(watch_->FlagDifference(monitor_, r->id, of_open["progress"].id, "").error().code,
              core::ErrorCode::kForbidden) << "the unit flags its own";
    sent_.clear();
    auto flagged = watch_->FlagDifference(focal_, r->id, of_open["progress"].id, "Đơn vị đã gửi báo cáo 40% ngày 20/3.");
    ASSERT_TRUE(flagged.ok());
    EXPECT_TRUE(flagged->flagged_at.has_value());
    ASSERT_EQ(sent_.size(), 1u);
    EXPECT_EQ(sent_[0].user, office_.user_id);
    EXPECT_EQ(watch_->FlagDifference(approver_, r->id, of_open["progress"].id, "").error().code,
              core::ErrorCode::kConflict);
    EXPECT_EQ(watch_->Reconciliations(hue_focal_).size(), 0u);
    EXPECT_EQ(watch_->Reconciliations(office_).size(), 2u);
}

TEST_P(TasksWatch, CleaningListsLikelyDuplicatesAndTheTaskOfficeMergesOrDismisses_T14) {
    // The same content typed twice for one document and unit, once with a final full stop.
    auto doc = svc_->CreateDocument(office_, Doc());
    ASSERT_TRUE(doc.ok());
    NewTask t{.document_id = doc->id,
              .content = "Tổ chức hội nghị quán triệt Kết luận 125-KL/TW tới cán bộ chủ chốt",
              .lead_units = {"TU-HNI"},
              .monitoring_unit = "VPTW-VTH",
              .start = At("2026-03-09T08:00:00+07:00"),
              .deadline = At("2026-04-09T17:00:00+07:00")};
    auto first = svc_->CreateTask(office_, t);
    t.content += ".";
    auto second = svc_->CreateTask(office_, t);
    t.content = "Tổ chức hội nghị quán triệt Kết luận 125-KL/TW";
    t.lead_units = {"TU-HUE"};
    auto other_unit = svc_->CreateTask(office_, t);
    ASSERT_TRUE(first.ok() && second.ok() && other_unit.ok());
    EXPECT_EQ(watch_->RunCleaning(focal_).error().code, core::ErrorCode::kForbidden);
    auto n = watch_->RunCleaning(office_);
    ASSERT_TRUE(n.ok()) << core::Text(n.error().message, "en");
    EXPECT_EQ(n.value(), 1);
    auto open = watch_->Findings(office_);
    ASSERT_EQ(open.size(), 1u);
    EXPECT_EQ(open[0].code, "likely_duplicate");
    EXPECT_EQ(open[0].task_id, first->id);
    EXPECT_EQ(open[0].other_task_id, second->id);
    EXPECT_EQ(open[0].similarity, 10000);
    EXPECT_EQ(watch_->RunCleaning(office_).value(), 0) << "a finding is raised once";
    EXPECT_TRUE(watch_->Findings(focal_).empty());
    EXPECT_EQ(watch_->DecideFinding(office_, open[0].id, "deleted", "").error().field, "decision");
    EXPECT_EQ(watch_->DecideFinding(monitor_, open[0].id, "merged", "").error().code, core::ErrorCode::kForbidden);
    auto merged = watch_->DecideFinding(office_, open[0].id, "merged", "Nhập trùng");
    ASSERT_TRUE(merged.ok()) << core::Text(merged.error().message, "en");
    EXPECT_EQ(merged->state, "merged");
    EXPECT_EQ(watch_->DecideFinding(office_, open[0].id, "dismissed", "").error().code, core::ErrorCode::kConflict);
    // The duplicate is kept (its page still opens) but leaves the lists and the figures.
    EXPECT_TRUE(svc_->GetTask(office_, second->id).ok());
    for (const auto& x : svc_->ListTasks(office_, {.unit = "TU-HNI"})) EXPECT_NE(x.id, second->id);
    EXPECT_EQ(watch_->DashboardFor(office_, {.unit = "TU-HNI"}).total, 1);
    EXPECT_EQ(svc_->MergeTask(office_, second->id, first->id, "").error().code, core::ErrorCode::kConflict);
    EXPECT_EQ(svc_->MergeTask(office_, other_unit->id, other_unit->id, "").error().field, "into");

    // The quarter's run happens once, in the first days after it ended.
    clock_.Set(At("2026-03-30T09:00:00+07:00"));
    EXPECT_EQ(watch_->RunCleaningSchedule(), 0);
    EXPECT_EQ(Count("tasks_cleaning_runs"), 2);
    clock_.Set(At("2026-04-02T09:00:00+07:00"));
    watch_->RunCleaningSchedule();
    EXPECT_EQ(Count("tasks_cleaning_runs"), 3);
    watch_->RunCleaningSchedule();
    EXPECT_EQ(Count("tasks_cleaning_runs"), 3);
    EXPECT_EQ(watch_->RunCleaning(office_, "2026-Q1").error().code, core::ErrorCode::kConflict);
}

TEST_P(TasksWatch, InconsistentRecordsAreFoundAndTheAnalysisGroupsDelaysByCause_T14) {
    auto late = Run("TU-HUE", "2026-03-13T17:00:00+07:00", hue_focal_, hue_approver_);
    clock_.Set(At("2026-03-10T09:00:00+07:00"));
    ASSERT_TRUE(svc_->Acknowledge(hue_focal_, late.id).ok());
    auto up = svc_->SubmitUpdate(hue_focal_, late.id, {.progress = 30, .results = "Đang làm", .difficulties = "Thiếu người",
                                                       .causes = "Thiếu kinh phí"}, false);
    ASSERT_TRUE(up.ok());
    ASSERT_TRUE(svc_->DecideUpdate(hue_approver_, up->id, true, "").ok());
    Run("TU-HNI", "2026-03-20T17:00:00+07:00", focal_, approver_, "2026-03-18T10:00:00+07:00");
    // A record damaged outside the application (an import): completed before it started.
    Db().Transact([&](core::db::Connection& c) {
        return c.Execute("UPDATE tasks_tasks SET completed_at = start_at - 86400000 WHERE id = $1", {late.id});
    });
    auto n = watch_->RunCleaning(office_);
    ASSERT_TRUE(n.ok());
    bool before_start = false;
    for (const auto& f : watch_->Findings(office_)) before_start |= f.code == "completion_before_start" && f.task_id == late.id;
    EXPECT_TRUE(before_start);
    Db().Transact([&](core::db::Connection& c) {
        return c.Execute("UPDATE tasks_tasks SET completed_at = NULL WHERE id = $1", {late.id});
    });
    clock_.Set(At("2026-04-02T09:00:00+07:00"));
    svc_->RefreshStatuses();
    auto a = watch_->Analyse(office_, "2026-Q1");
    ASSERT_TRUE(a.ok());
    ASSERT_FALSE(a->causes.empty());
    EXPECT_EQ(a->causes[0].cause, "Thiếu kinh phí");
    EXPECT_EQ(a->causes[0].tasks, 1);
    ASSERT_GE(a->by_unit.size(), 2u);
    EXPECT_EQ(a->by_unit[0].key, "TU-HUE") << "the most overdue first";
    EXPECT_EQ(a->by_unit[0].overdue, 1);
    EXPECT_EQ(a->by_unit[0].avg_progress, 30);
    EXPECT_EQ(a->evaluated, 1);
    EXPECT_EQ(watch_->Analyse(office_, "2026-Q9").error().field, "period");
    EXPECT_EQ(watch_->Analyse(hue_focal_, "")->by_unit.size(), 1u) << "Huế's own";
}

VP_INSTANTIATE_DB_TEST(TasksWatch);

}  // namespace
}  // namespace vp::tasks
