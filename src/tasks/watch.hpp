#pragma once
// Watching and evaluating what the tracking records (T-11, T-19, T-20, T-21; 08-QC/TW Art. 11,
// 17): the indicator sets the task office issues, each unit's facts, score, class and rank per
// quarter, half-year and year (computed from the records; kept once the period is closed), the
// Art. 17.3.b explanation request, the export to the emulation and rewards system, the
// inspection commissions' warnings and their answers, and the dashboard's figures.
//
// It reads the tracking tables of this module (tasks.hpp records them) and never writes them.
// The rules are pure (evaluation.hpp); every method checks the actor's permission and scope.

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json/object.hpp>

#include "tasks/evaluation.hpp"
#include "tasks/tasks.hpp"

namespace vp::tasks {

namespace internal {
struct Light;  // watch_internal.hpp
}

inline constexpr Permission kEvaluationManage{"tasks.evaluation"};  ///< the task office: sets, closing periods
inline constexpr Permission kInspect{"tasks.inspect"};  ///< inspection commissions: warnings and results

/// An indicator set as issued (version 1 ships with the system: issued_by 0).
struct IssuedSet {
    evaluation::IndicatorSet set;
    std::string note;
    std::int64_t issued_by = 0;
    core::TimePoint issued_at{};
};

struct UnitResult {
    evaluation::UnitFacts facts;
    evaluation::Score score;
    std::string unit_name;
};

/// A period's evaluation: closed (kept, published) or, before closing, computed from the records
/// as they are now.
struct PeriodEvaluation {
    std::string period;  ///< 2026-Q1 | 2026-H1 | 2026
    int set_version = 0;
    bool closed = false;
    std::optional<core::TimePoint> closed_at;
    std::vector<UnitResult> units;  ///< ranked (evaluation::Rank)
};

/// A closed period recomputed: with its own set from its kept facts (must give the same scores)
/// and from the records as they are now (may differ if records were corrected since).
struct Recomputation {
    bool same_scores = false;         ///< kept facts + kept set → the kept scores
    std::vector<std::string> changed;  ///< unit codes whose facts in the records differ now
};

/// Art. 17.3.b: asked of a unit rated not complete two periods running.
struct UnitExplanation {
    std::int64_t id = 0;
    std::string period;
    std::int64_t unit_id = 0;
    std::string unit_code, unit_name;
    core::TimePoint required_at{}, due_at{};
    std::string text;
    std::optional<core::TimePoint> submitted_at;
};

/// Warnings and results of the inspection commissions (Art. 11.1.c).
/// Kinds: delay, deviating_data, broken_procedure (warnings); inspection_result,
/// supervision_result (results of an inspection or of supervision).
const std::vector<std::string>& WarningKinds();

struct NewWarning {
    std::int64_t task_id = 0;  ///< 0: about the unit as a whole
    std::string unit;          ///< the unit's code (with a task: one of its units; "" = its first lead)
    std::string kind, rule, text;
};
struct WarningAnswer {
    std::int64_t id = 0;
    std::string text;
    std::int64_t answered_by = 0;
    core::TimePoint answered_at{};
};
struct Warning {
    std::int64_t id = 0, task_id = 0, unit_id = 0;
    std::string unit_code, unit_name, task_content;
    std::string kind, rule, text;
    std::int64_t raised_by = 0, raised_unit_id = 0;
    std::string raised_unit_name;
    core::TimePoint raised_at{};
    std::optional<core::TimePoint> answered_at;
    std::vector<WarningAnswer> answers;
};

/// The dashboard's figures over the tasks the viewer may read (T-19). Each bucket's `key` is
/// what the task list filters by (status code, unit code, priority, group, deadline quarter).
struct Bucket {
    std::string key, label;
    std::int64_t count = 0, overdue = 0;
};
struct OverdueTask {
    std::int64_t id = 0;
    std::string content, leads;
    core::TimePoint deadline{};
    std::int64_t days_overdue = 0;
    Status status{};
};
struct TrendPoint {
    std::string month;  ///< YYYY-MM (local)
    std::int64_t completed = 0, became_overdue = 0;
};
struct DashboardFilter {
    std::string unit, priority, group;
};
struct Dashboard {
    std::int64_t total = 0, overdue = 0, completed = 0;
    std::vector<Bucket> by_status, by_unit, by_priority, by_group, by_period;
    std::vector<TrendPoint> trend;  ///< the last 12 months
    std::vector<OverdueTask> most_overdue;  ///< the ten most overdue, longest first
    core::TimePoint at{};
};
/// One province on the map: its committee's share of overdue tasks and its latest closed score.
struct ProvinceFigure {
    std::int64_t unit_id = 0;
    std::string code, name;
    std::int64_t tasks = 0, overdue = 0;
    std::optional<int> score;  ///< basis points, of the latest closed period
    std::string period;        ///< that period
    std::optional<evaluation::Class> klass;
};

/// A periodic report (T-15; Art. 16.2): its statistics computed when generated, then kept.
/// Kinds: month, quarter, half_year, year (period codes 2026-03, 2026-Q1, 2026-H1, 2026) and
/// on_demand (from and to, local dates, both included).
struct ReportRequest {
    std::string kind, period, from, to;
};
struct Report {
    std::int64_t id = 0;
    std::string kind, period, title;
    core::TimePoint from_at{}, to_at{};
    boost::json::object stats;  ///< docs/tasks.md "Reports" lists the fields
    std::int64_t generated_by = 0;  ///< 0: the system, ahead of the deadline
    core::TimePoint generated_at{};
    std::optional<core::TimePoint> issued_at;
    std::int64_t issued_by = 0;
};
/// A compilation deadline of the office and where it stands.
struct ReportDeadlineState {
    std::string kind, period, due_on;
    core::TimePoint due_at{};
    std::int64_t draft_id = 0, report_id = 0;
    std::optional<core::TimePoint> done_at;
    std::string state;  ///< waiting | due_soon | overdue | done | done_late
};

/// Reconciliation (T-12): a unit's own report of its tasks against the system, field by field.
struct Difference {
    std::int64_t id = 0, task_id = 0;
    std::string task_content;
    std::string field;  ///< progress | completed_on | deadline | results | presence
    std::string system_value, unit_value;
    std::optional<core::TimePoint> flagged_at;
    std::string note;
};
struct Reconciliation {
    std::int64_t id = 0, unit_id = 0;
    std::string unit_code, unit_name, filename;
    std::int64_t uploaded_by = 0;
    core::TimePoint uploaded_at{};
    std::int64_t rows = 0, matched = 0;
    std::vector<std::string> problems;  ///< rows that were not understood, each with its number
    std::vector<Difference> differences;
};

/// A finding of the periodic data cleaning (T-14), for the task office to decide.
struct Finding {
    std::int64_t id = 0;
    std::string code;  ///< likely_duplicate | completion_before_start | progress_out_of_range | update_after_completion
    std::int64_t task_id = 0, other_task_id = 0;
    std::string task_content, other_content;
    int similarity = 0;  ///< basis points (likely duplicates)
    core::TimePoint found_at{};
    std::string state;  ///< open | merged | dismissed | corrected
    std::string note;
};

/// Progress, quality and delays (T-14), over the tasks the viewer may read.
struct AnalysisRow {
    std::string key, label;
    std::int64_t tasks = 0, completed = 0, on_time = 0, overdue = 0;
    int avg_progress = 0;          ///< of the open tasks, percent
    int avg_delay_days = 0;        ///< of the tasks completed late
};
struct CauseRow {
    std::string cause;  ///< as a unit wrote it (the first seen of those alike once folded)
    std::int64_t tasks = 0;
};
struct Analysis {
    std::string period;  ///< "" for all time
    std::vector<AnalysisRow> by_unit, by_group, by_priority;
    std::vector<CauseRow> causes;  ///< of delays: the causes reported on late or overdue tasks
    std::int64_t evaluated = 0, wrong_reports = 0;
};

class Watch {
public:
    /// `tasks`: the tracking service, for the one write Watch asks of it (merging a duplicate).
    Watch(core::db::Database& db, audit::Log& audit, const core::Clock& clock, const core::access::Policy& policy,
          const units::Service& units, const calendar::Service& calendars, core::EventBus& events, NotifyFn notify,
          HoldersFn holders, Service* tasks = nullptr);

    /// Whether `who` follows tasks at all (reads the published ranking, the sets, the map).
    bool MayFollow(const Principal& who) const;
    /// What a page offers (each action checks again): answering for `unit`'s explanation or
    /// warnings; raising warnings at all.
    bool MayExplain(const Principal& who, std::int64_t unit) const;
    bool MayAnswer(const Principal& who, std::int64_t unit) const;
    bool MayInspect(const Principal& who) const;

    // Indicator sets (Art. 17.1.b).
    std::vector<IssuedSet> IndicatorSets() const;
    /// Issues a new version (the next number); in force from `set.valid_from`, which must come
    /// after the last closed period (closed results never change).
    core::Result<IssuedSet> IssueIndicatorSet(const Principal& who, evaluation::IndicatorSet set, std::string note);

    // Evaluation (T-20).
    /// Closed: as kept, for anyone who reads tasks. Open: computed now, for the task office and
    /// the Office's monitoring officers only.
    core::Result<PeriodEvaluation> Evaluation(const Principal& who, std::string_view period) const;
    /// Closes a period that has ended: keeps each unit's facts and score and publishes the
    /// ranking; asks units rated not complete in this and the previous period for an explanation.
    core::Result<PeriodEvaluation> ClosePeriod(const Principal& who, std::string_view period);
    core::Result<Recomputation> Recompute(const Principal& who, std::string_view period) const;
    std::vector<std::string> ClosedPeriods() const;
    /// The explanation requests the actor may see (his units', or all for the task office).
    std::vector<UnitExplanation> UnitExplanations(const Principal& who) const;
    core::Result<UnitExplanation> ExplainUnit(const Principal& who, std::int64_t id, std::string text);
    /// T-21: a closed period's results for the emulation and rewards system (docs/tasks.md).
    core::Result<boost::json::object> ExportJson(const Principal& who, std::string_view period) const;
    core::Result<std::string> ExportCsv(const Principal& who, std::string_view period) const;

    // Inspection (T-11).
    core::Result<Warning> RaiseWarning(const Principal& who, NewWarning in);
    core::Result<Warning> AnswerWarning(const Principal& who, std::int64_t id, std::string text);
    /// Warnings the actor may see: on units in his scope (inspectors, the unit's people), all
    /// for the task office; of one task when task_id is set.
    std::vector<Warning> Warnings(const Principal& who, std::int64_t task_id = 0) const;

    // Reports (T-15).
    core::Result<Report> GenerateReport(const Principal& who, ReportRequest in);
    std::vector<Report> Reports(const Principal& who) const;  ///< newest first, without their statistics
    core::Result<Report> GetReport(const Principal& who, std::int64_t id) const;
    /// The task office issues a report; it meets the deadline of its period.
    core::Result<Report> IssueReport(const Principal& who, std::int64_t id);
    core::Result<std::string> ReportXlsx(const Principal& who, std::int64_t id) const;
    core::Result<std::string> ReportPdf(const Principal& who, std::int64_t id) const;
    std::vector<ReportDeadlineState> ReportDeadlineStates(const Principal& who, int year) const;
    /// The job: keeps this year's deadlines, generates each report 5 days before its deadline
    /// when none exists, and reminds the task office 3 days before, on the day and after it (each
    /// once, whichever node runs it). Returns how many reports and reminders it made.
    int RunReportSchedule();
    bool MayReport(const Principal& who) const;

    // Reconciliation (T-12).
    /// Compares the unit's uploaded table (XLSX or CSV; docs/tasks.md gives its columns) with
    /// its tasks as the system has them, and keeps the differences.
    core::Result<Reconciliation> Reconcile(const Principal& who, const std::string& unit, std::string_view bytes,
                                           std::string filename);
    /// The table to fill in: the unit's tasks with the system's values (XLSX).
    core::Result<std::string> ReconciliationTemplate(const Principal& who, const std::string& unit) const;
    std::vector<Reconciliation> Reconciliations(const Principal& who) const;  ///< without differences
    core::Result<Reconciliation> GetReconciliation(const Principal& who, std::int64_t id) const;
    /// The unit flags a difference for correction; the task office is told.
    core::Result<Difference> FlagDifference(const Principal& who, std::int64_t reconciliation_id,
                                            std::int64_t difference_id, std::string note);

    // Data cleaning and analysis (T-14).
    /// Runs the checks over the records now (`period`: the quarter it is for, or "on_demand");
    /// new findings are kept (one already decided is not raised again). Returns how many are new.
    core::Result<int> RunCleaning(const Principal& who, const std::string& period = "on_demand");
    /// The job: once each quarter has ended (within its first 10 days), the cleaning for it.
    int RunCleaningSchedule();
    std::vector<Finding> Findings(const Principal& who, const std::string& state = "open") const;
    /// merged (the duplicate `task_id` into `other_task_id`, through the tracking service),
    /// dismissed, or corrected (the record was put right).
    core::Result<Finding> DecideFinding(const Principal& who, std::int64_t id, const std::string& decision,
                                        std::string note);
    core::Result<Analysis> Analyse(const Principal& who, const std::string& period) const;

    // Dashboard and map (T-19).
    Dashboard DashboardFor(const Principal& who, const DashboardFilter& f) const;
    std::vector<ProvinceFigure> Provinces(const Principal& who) const;

private:
    /// Every unit's code (read outside transactions).
    std::map<std::int64_t, std::string> Codes() const;
    /// What each unit did in [bounds.first, bounds.second) (no other connection is taken).
    std::vector<evaluation::UnitFacts> Facts(core::db::Connection& c, std::pair<core::TimePoint, core::TimePoint> bounds,
                                             const std::map<std::int64_t, std::string>& codes) const;
    core::Result<std::pair<core::TimePoint, core::TimePoint>> Bounds(const evaluation::Period& p) const;
    std::optional<PeriodEvaluation> Kept(core::db::Connection& c, const std::string& period) const;
    std::vector<IssuedSet> Sets(core::db::Connection& c) const;
    /// The set a period is evaluated with: in force on its first day.
    std::optional<evaluation::IndicatorSet> SetInForce(const evaluation::Period& p) const;
    PeriodEvaluation Named(PeriodEvaluation e) const;
    bool MayReadUnit(const Principal& who, std::int64_t unit) const;
    std::optional<Warning> LoadWarning(core::db::Connection& c, std::int64_t id) const;

    core::db::Database& db_;
    audit::Log& audit_;
    const core::Clock& clock_;
    const core::access::Policy& policy_;
    const units::Service& units_;
    const calendar::Service& calendars_;
    core::EventBus& events_;
    NotifyFn notify_;
    HoldersFn holders_;
    Service* tasks_ = nullptr;
    /// Every task, light, as the dashboard and the map read them (watch_view.cpp): kept up to
    /// date by the tasks.task events (this node's at their commit, other nodes' through the
    /// bus), each of which reads its task again.
    struct View;
    struct Snapshot;
    std::shared_ptr<Snapshot> snapshot_;
    void Follow();
    std::shared_ptr<const View> Current() const;
    Dashboard CountDashboard(const Principal& who, bool all, const DashboardFilter& f, const View& view,
                    const calendar::Calendar& calendar) const;
    std::shared_ptr<core::Subscription> subscription_;
};

}  // namespace vp::tasks
