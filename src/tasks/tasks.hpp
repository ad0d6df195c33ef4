#pragma once
// Tasks (T-1 … T-10, T-13, T-16 … T-18, T-23, T-25; 08-QC/TW): the documents that assign tasks,
// the tasks and sub-tasks, their computed status (status.hpp), their clocks in working time
// (schedule.hpp), updates approved by the unit, the monitoring unit's evaluations, disputes and
// explanations. Evaluation, rankings and reports (the next module) only read what this records.
//
// Every method takes the acting principal and checks permission and unit scope itself.

#include <cstdint>
#include <functional>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include "audit/audit.hpp"
#include "calendar/service.hpp"
#include "core/access.hpp"
#include "core/clock.hpp"
#include "core/db/database.hpp"
#include "core/events.hpp"
#include "core/result.hpp"
#include "tasks/schedule.hpp"
#include "tasks/status.hpp"
#include "units/units.hpp"

namespace vp::tasks {

using core::access::Permission;
using core::access::Principal;

// Permissions (roles in access.cpp).
inline constexpr Permission kTaskRead{"tasks.read"};            ///< see tasks of the units in scope
inline constexpr Permission kTaskReadAll{"tasks.read_all"};     ///< see every task (held on a national unit)
inline constexpr Permission kTaskEnter{"tasks.enter"};          ///< the task office: documents, tasks, settling disputes
inline constexpr Permission kCatalogueManage{"tasks.catalogue"};  ///< the task office: the Art. 4 catalogue
inline constexpr Permission kTaskAcknowledge{"tasks.acknowledge"};  ///< the assignee: receipt, disputes
inline constexpr Permission kUpdateSubmit{"tasks.update"};      ///< the unit's focal point
inline constexpr Permission kUpdateApprove{"tasks.approve"};    ///< the unit's approver
inline constexpr Permission kTaskDelegate{"tasks.delegate"};    ///< the assignee: sub-tasks to its subordinate units
inline constexpr Permission kTaskEvaluate{"tasks.evaluate"};    ///< the monitoring unit

void DeclareAccess(core::access::Policy& policy);

/// A text field every Tasks form requires: CleanField's rules (P-12), then not empty (the error
/// names the field: tasks.field_required).
core::Result<std::string> RequiredText(std::string_view field, std::string_view s, std::size_t max_chars,
                                       bool multiline = true);

/// Secrecy levels of 08-QC/TW Art. 4.1.e and 5: `thuong`, `mat`, `toi_mat`, `tuyet_mat`.
const std::vector<std::string>& SecrecyLevels();
/// Kinds of assignment documents (Art. 2.1): resolution, directive, notice, conclusion,
/// programme, plan, project, decision, regulation, meeting_conclusion, direction.
const std::vector<std::string>& DocumentKinds();

/// One entry of the classification catalogue (Art. 4): kinds, groups, scopes, priorities.
struct CatalogueEntry {
    std::int64_t id = 0;
    std::string category;  ///< kind | group | scope | priority
    std::string code, name_vi, name_en;
    std::int64_t sort_order = 0;
    std::string status;  ///< active | retired
};

struct FileRef {
    std::string url;  ///< same-site path (/media/<sha256>)
    std::string filename;
    /// The embedded-signature check of a PDF (signatures module), as stored JSON; null otherwise.
    boost::json::value signature;
};

struct NewDocument {
    std::string kind, title, number, symbol, summary;
    std::string issued_on;  ///< YYYY-MM-DD
    std::string signer;
    std::string submitting_unit, issuing_unit;  ///< a unit's code, or the body's name
    std::string secrecy = "thuong";
    std::vector<std::string> files;  ///< /media/<sha256> addresses of uploaded files
};

struct Document {
    std::int64_t id = 0;
    std::string kind, title, number, symbol, summary, issued_on, signer;
    std::string submitting_unit, issuing_unit;
    std::string secrecy;
    std::vector<FileRef> files;
    core::TimePoint created_at{};
    std::int64_t created_by = 0;
    std::int64_t tasks = 0;
};

struct TaskUnit {
    std::int64_t unit_id = 0;
    std::string code, name;
    std::string role;  ///< lead | coordinating
    std::optional<core::TimePoint> acknowledged_at;
};

/// A clock of the task (T-25): what is due by when, and whether it was met.
struct Clock {
    std::int64_t id = 0;
    ClockKind kind = ClockKind::kUpdate;
    bool final = false;         ///< the final report (kind kUpdate)
    std::string label;          ///< checkpoints: "1/2", "3/4", "2026-04", "final"
    std::int64_t subject = 0;   ///< the unit, update or dispute it is about (0: the task)
    core::TimePoint started_at{}, due_at{};
    std::optional<core::TimePoint> point;  ///< checkpoints: the nominal moment
    std::optional<core::TimePoint> done_at;
    std::string note;           ///< e.g. recomputed after a calendar change (when, from what)
    ClockState state;
};

struct Update {
    std::int64_t id = 0;
    std::int64_t task_id = 0;
    std::int64_t unit_id = 0;
    int progress = 0;
    std::string results, products, difficulties, causes;
    std::vector<std::string> attachments;
    bool completion = false;
    std::string state;  ///< submitted | approved | returned
    std::int64_t submitted_by = 0;
    core::TimePoint submitted_at{};
    std::int64_t decided_by = 0;
    std::optional<core::TimePoint> decided_at;
    std::string decision_comment;
    std::string evaluation;
    std::optional<core::TimePoint> evaluated_at;
};

struct Dispute {
    std::int64_t id = 0;
    std::int64_t task_id = 0, unit_id = 0;
    std::string reason;
    core::TimePoint raised_at{};
    std::optional<core::TimePoint> settled_at;
    std::string outcome;  ///< "" open | kept | reassigned
    std::string settlement;
    std::int64_t new_unit_id = 0;
};

struct Explanation {
    std::int64_t id = 0;
    std::int64_t task_id = 0, unit_id = 0;
    std::string cause;  ///< late_report | wrong_report
    std::string detail;
    core::TimePoint required_at{};
    std::string text;
    std::optional<core::TimePoint> submitted_at;
};

struct StatusChange {
    Status status = Status::kNotStartedWithinDeadline;
    core::TimePoint at{};
};

struct NewTask {
    std::int64_t document_id = 0;
    std::int64_t parent_id = 0;  ///< a sub-task delegated by the parent's lead unit
    std::string content;
    std::vector<std::string> lead_units, coordinating_units;  ///< unit codes
    std::string monitoring_unit;                               ///< code; sub-tasks: the parent's lead unit
    std::optional<core::TimePoint> start;                      ///< default: now
    std::optional<core::TimePoint> deadline;                   ///< none: open-ended
    Cadence cadence = Cadence::kNone;
    std::string priority = "regular", scope = "national", group;
};

struct Task {
    std::int64_t id = 0;
    std::int64_t document_id = 0;
    std::int64_t parent_id = 0;
    std::string document_title;
    std::string content;
    std::vector<TaskUnit> units;
    std::int64_t monitoring_unit_id = 0;
    std::string monitoring_unit_name;
    core::TimePoint start{}, assigned_at{};
    std::optional<core::TimePoint> deadline;
    Cadence cadence = Cadence::kNone;
    std::string priority, scope, group;
    int progress = 0;              ///< of the latest approved update
    std::optional<int> subtasks_progress;  ///< the mean of the sub-tasks' (rolled up), when it has some
    std::string results, products;
    std::optional<core::TimePoint> completed_at;
    Status status = Status::kNotStartedWithinDeadline;
    core::TimePoint status_at{};
    std::int64_t version = 0;
    bool started = false;       ///< at least one approved report of its own
    std::vector<Clock> clocks;  ///< every clock, checkpoints included, by due time
    std::vector<std::int64_t> subtasks;
};

struct TaskFilter {
    std::optional<Status> status;
    std::string unit;  ///< code: tasks it leads or coordinates
    std::string priority;
    std::int64_t document_id = 0;
    std::optional<core::TimePoint> due_from, due_to;  ///< deadline in [from, to)
    int limit = 50, offset = 0;
};

struct NewUpdate {
    int progress = 0;
    std::string results, products, difficulties, causes;
    std::vector<std::string> attachments;
    std::string unit;  ///< the reporting lead unit's code ("" = the actor's own)
};

/// What a person may do on a task now (what a page offers; each action checks again).
struct Abilities {
    bool acknowledge = false;  ///< a lead unit of his has not acknowledged yet
    bool update = false;       ///< he reports for a lead unit (the task not completed)
    bool approve = false;      ///< he approves a lead unit's reports
    bool evaluate = false;     ///< of the monitoring unit
    bool enter = false;        ///< the task office
};

/// Who to tell (the module passes the notification centre; e-mail when SMTP is configured).
using NotifyFn = std::function<void(core::db::Connection&, std::int64_t user_id, const std::string& title,
                                    const std::string& body, const std::string& link)>;
/// The active accounts holding a permission over a scope (the accounts module's HoldersOf).
using HoldersFn = std::function<std::vector<std::int64_t>(core::db::Connection&, core::access::Permission,
                                                           const core::access::Scope&)>;

struct ServiceSettings {
    NotifyFn notify;
    HoldersFn holders;
    /// Reminders (T-13): "due soon" this much working time before a clock's due time; escalation
    /// to the unit's head (its approvers) this much working time after it.
    std::chrono::minutes remind_before{std::chrono::hours(16)};
    std::chrono::minutes escalate_after{std::chrono::hours(8)};
    /// The embedded-signature check of an uploaded file (by its /media/<sha256> address), as JSON;
    /// null when the file is not a PDF or unknown. The module wires the signatures module.
    std::function<boost::json::value(const std::string& url)> check_file;
    /// How far approved progress may trail the elapsed share of the time (percentage points).
    int lag_margin = 20;
};

struct OpenClock;  // service.cpp: a running clock as the reminders see it

class Service {
public:
    Service(core::db::Database& db, audit::Log& audit, const core::Clock& clock, const core::access::Policy& policy,
            const units::Service& units, const calendar::Service& calendars, core::EventBus& events,
            ServiceSettings settings);

    // The catalogue (Art. 4).
    std::vector<CatalogueEntry> Catalogue(std::string_view category = {}) const;
    core::Result<CatalogueEntry> SetCatalogueEntry(const Principal& who, CatalogueEntry e);

    // Documents (Art. 5).
    core::Result<Document> CreateDocument(const Principal& who, NewDocument in);
    core::Result<Document> GetDocument(const Principal& who, std::int64_t id) const;
    std::vector<Document> Documents(const Principal& who) const;

    /// For a module whose own rules assigned the tasks (a conference's conclusions, approved by the
    /// office's leadership and issued: docs/conferences.md): the document and its tasks entered as
    /// the task office enters them, every field checked and every clock started the same way,
    /// audited under `by`, the person who issued them. That module checked his permission.
    core::Result<std::pair<Document, std::vector<Task>>> EnterAssigned(const audit::Actor& by, NewDocument doc,
                                                                       std::vector<NewTask> tasks);
    // Tasks.
    core::Result<Task> CreateTask(const Principal& who, NewTask in);
    core::Result<Task> GetTask(const Principal& who, std::int64_t id) const;
    std::vector<Task> ListTasks(const Principal& who, const TaskFilter& f) const;
    core::Result<Task> Acknowledge(const Principal& who, std::int64_t id);
    core::Result<Dispute> OpenDispute(const Principal& who, std::int64_t id, std::string reason);
    /// The task office settles a dispute: keeps the assignment or moves it to `new_unit`.
    core::Result<Dispute> SettleDispute(const Principal& who, std::int64_t dispute_id, std::string settlement,
                                        const std::string& new_unit);
    std::vector<Dispute> Disputes(const Principal& who, std::int64_t task_id) const;
    /// The task office merges a duplicate (T-14) into another task of the same document: the
    /// duplicate is kept with its history but leaves the lists, reminders and evaluations.
    core::Result<Task> MergeTask(const Principal& who, std::int64_t drop_id, std::int64_t into_id, std::string note);
    /// Disputes not settled yet, oldest first (the task office's list).
    std::vector<Dispute> OpenDisputes(const Principal& who) const;
    core::Result<Update> SubmitUpdate(const Principal& who, std::int64_t task_id, NewUpdate in, bool completion);
    core::Result<Update> DecideUpdate(const Principal& who, std::int64_t update_id, bool approve, std::string comment);
    core::Result<Update> Evaluate(const Principal& who, std::int64_t update_id, std::string evaluation,
                                  bool wrong_report);
    std::vector<Update> Updates(const Principal& who, std::int64_t task_id) const;
    std::vector<Explanation> Explanations(const Principal& who, std::int64_t task_id) const;
    core::Result<Explanation> Explain(const Principal& who, std::int64_t explanation_id, std::string text);
    std::vector<StatusChange> StatusHistory(const Principal& who, std::int64_t task_id) const;
    Abilities AbilitiesOn(const Principal& who, const Task& t) const;
    /// Whether `who` may download the stored file `sha256`: a document he may read, or a report
    /// of a task he may read, names it.
    bool MayReadFile(const Principal& who, std::string_view sha256) const;
    bool MayEnter(const Principal& who) const;

    /// Recomputes the status of every open task (time passes); returns how many changed. First
    /// extends open-ended tasks' periodic checkpoints to a year ahead (ExtendOpenEnded).
    int RefreshStatuses();
    /// Adds the periodic checkpoints of open-ended tasks up to a year from now; returns how many.
    int ExtendOpenEnded();
    /// Recomputes the due times of running clocks after a calendar change; returns how many moved.
    int RecomputeClocks();
    /// Sends the reminders that are due (T-13): each once per clock and level (due_soon, due,
    /// overdue, escalated), whichever node runs it. Returns how many reminders were sent.
    int Remind();
    /// The daily digest: one notification per person with every open clock reminded to him;
    /// once per person and local day. Returns how many people got one.
    int SendDigests();

private:
    core::Result<Document> EnterDocument(const Principal& who, NewDocument in, const audit::Actor* by);
    core::Result<Task> EnterTask(const Principal& who, NewTask in, const audit::Actor* by);
    core::Result<Task> Load(core::db::Connection& c, std::int64_t id) const;
    bool MayRead(const Principal& who, const Task& t) const;
    /// Fills the units' codes and names (outside transactions).
    void Name(Task& t) const;
    core::Result<audit::Actor> AuthorizeOnUnit(const Principal& who, Permission p, std::int64_t unit) const;
    core::Result<std::shared_ptr<const calendar::Calendar>> Calendar() const;
    void StartClock(core::db::Connection& c, std::int64_t task, ClockKind kind, std::int64_t subject,
                    core::TimePoint from, core::TimePoint due, const std::string& label = {},
                    std::optional<core::TimePoint> point = {}) const;
    void StopClock(core::db::Connection& c, std::int64_t task, ClockKind kind, std::int64_t subject,
                   core::TimePoint at) const;
    /// Recomputes and stores the task's status (and its ancestors'); records a change.
    void Refresh(core::db::Connection& c, std::int64_t task_id, const audit::Actor& actor) const;
    void Changed(core::db::Connection& c, const Task& t, std::string_view action) const;
    /// Who a reminder of `clock` goes to (with the unit's heads when escalated).
    std::set<std::int64_t> RecipientsOf(core::db::Connection& c, const OpenClock& clock, bool escalated) const;
    core::Result<Update> InsertUpdate(const Principal& who, const audit::Actor& actor, std::int64_t task_id,
                                      std::int64_t unit_id, const NewUpdate& in, bool completion,
                                      const std::string& attachments);
    core::Result<Dispute> RaiseDispute(const Principal& who, const audit::Actor& actor, std::int64_t id,
                                       const TaskUnit& u, const std::string& text, const calendar::Calendar& cal) const;

    core::db::Database& db_;
    audit::Log& audit_;
    const core::Clock& clock_;
    const core::access::Policy& policy_;
    const units::Service& units_;
    const calendar::Service& calendars_;
    core::EventBus& events_;
    ServiceSettings settings_;
};

boost::json::object ToJson(const Task& t, const calendar::Calendar& cal);
boost::json::object ToJson(const Document& d);
boost::json::object ToJson(const Update& u, std::string_view tz);
boost::json::object ToJson(const Dispute& d, std::string_view tz);
boost::json::object ToJson(const Explanation& e, std::string_view tz);
boost::json::object ToJson(const CatalogueEntry& e);
boost::json::object ToJson(const Clock& c, const calendar::Calendar& cal);

}  // namespace vp::tasks
