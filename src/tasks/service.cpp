// The Tasks service over the database (docs/tasks.md). The rules it applies are pure and live in
// status.cpp and schedule.cpp; this file stores, checks permissions and keeps the clocks.
#include <algorithm>
#include <array>
#include <map>
#include <set>

#include <boost/json.hpp>
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "media/media.hpp"
#include "calendar/iso_time.hpp"
#include "core/message.hpp"
#include "core/text.hpp"
#include "tasks/document_fields.hpp"
#include "tasks/tasks.hpp"

namespace vp::tasks {
namespace {

namespace json = boost::json;
using core::Msg;
using core::db::Connection;
using core::db::Row;
using core::db::Value;

std::int64_t Ms(core::TimePoint t) { return core::ToMillis(t); }
std::optional<core::TimePoint> OptTime(const Row& r, std::size_t i) {
    if (r.IsNull(i)) return std::nullopt;
    return core::FromMillis(r.Int(i));
}
Value OptMs(const std::optional<core::TimePoint>& t) { return t ? Value{Ms(*t)} : Value{}; }

bool IsMediaUrl(std::string_view url) { return media::IsFileUrl(url); }

// The stored kind of a clock row: checkpoints are "update" or "final".
std::string ClockRowKind(ClockKind k, bool final) { return final ? "final" : std::string(ClockCode(k)); }

constexpr std::string_view kSelectTask =
    "SELECT t.id, t.document_id, COALESCE(t.parent_id, 0), d.title, t.content, t.monitoring_unit_id, t.start_at,"
    " t.assigned_at, t.deadline_at, t.cadence, t.priority, t.scope, t.group_code, t.progress, t.results, t.products,"
    " t.completed_at, t.status, t.status_at, t.version, t.started"
    " FROM tasks_tasks t JOIN tasks_documents d ON d.id = t.document_id";

constexpr std::string_view kSelectUpdate =
    "SELECT id, task_id, unit_id, progress, results, products, difficulties, causes, attachments_json, completion,"
    " state, submitted_by, submitted_at, COALESCE(decided_by, 0), decided_at, decision_comment, evaluation,"
    " evaluated_at FROM tasks_updates";

Update UpdateFromRow(const Row& r) {
    Update u;
    u.id = r.Int(0);
    u.task_id = r.Int(1);
    u.unit_id = r.Int(2);
    u.progress = static_cast<int>(r.Int(3));
    u.results = r.Text(4);
    u.products = r.Text(5);
    u.difficulties = r.Text(6);
    u.causes = r.Text(7);
    auto a = json::parse(r.Text(8));
    if (a.is_array()) {
        for (const auto& e : a.get_array()) {
            if (e.is_string()) u.attachments.emplace_back(e.get_string());
        }
    }
    u.completion = r.Bool(9);
    u.state = r.Text(10);
    u.submitted_by = r.Int(11);
    u.submitted_at = core::FromMillis(r.Int(12));
    u.decided_by = r.Int(13);
    u.decided_at = OptTime(r, 14);
    u.decision_comment = r.Text(15);
    u.evaluation = r.Text(16);
    u.evaluated_at = OptTime(r, 17);
    return u;
}

constexpr std::string_view kSelectDispute =
    "SELECT id, task_id, unit_id, reason, raised_at, settled_at, outcome, settlement, COALESCE(new_unit_id, 0)"
    " FROM tasks_disputes";

Dispute DisputeFromRow(const Row& r) {
    return Dispute{r.Int(0), r.Int(1),    r.Int(2),    r.Text(3), core::FromMillis(r.Int(4)),
                   OptTime(r, 5), r.Text(6), r.Text(7), r.Int(8)};
}

constexpr std::string_view kSelectExplanation =
    "SELECT id, task_id, unit_id, cause, detail, required_at, text, submitted_at FROM tasks_explanations";

Explanation ExplanationFromRow(const Row& r) {
    return Explanation{r.Int(0),  r.Int(1),  r.Int(2), r.Text(3), r.Text(4), core::FromMillis(r.Int(5)),
                       r.Text(6), OptTime(r, 7)};
}

constexpr std::string_view kSelectDocument =
    "SELECT d.id, d.kind, d.title, d.number, d.symbol, d.summary, d.issued_on, d.signer, d.submitting_unit,"
    " d.issuing_unit, d.secrecy, d.files_json, d.created_at, d.created_by,"
    " (SELECT COUNT(*) FROM tasks_tasks t WHERE t.document_id = d.id AND t.parent_id IS NULL)"
    " FROM tasks_documents d";

Document DocumentFromRow(const Row& r) {
    Document d;
    d.id = r.Int(0);
    d.kind = r.Text(1);
    d.title = r.Text(2);
    d.number = r.Text(3);
    d.symbol = r.Text(4);
    d.summary = r.Text(5);
    d.issued_on = r.Text(6);
    d.signer = r.Text(7);
    d.submitting_unit = r.Text(8);
    d.issuing_unit = r.Text(9);
    d.secrecy = r.Text(10);
    auto files = json::parse(r.Text(11));
    if (files.is_array()) {
        for (const auto& f : files.get_array()) {
            if (!f.is_object()) continue;
            FileRef ref;
            if (auto* u = f.get_object().if_contains("url"); u && u->is_string()) ref.url = u->get_string();
            if (auto* n = f.get_object().if_contains("filename"); n && n->is_string()) ref.filename = n->get_string();
            if (auto* s = f.get_object().if_contains("signature")) ref.signature = *s;
            d.files.push_back(std::move(ref));
        }
    }
    d.created_at = core::FromMillis(r.Int(12));
    d.created_by = r.Int(13);
    d.tasks = r.Int(14);
    return d;
}

json::object TaskSnapshot(const Task& t) {
    return json::object{{"id", t.id},
                        {"status", StatusCode(t.status)},
                        {"progress", t.progress},
                        {"version", t.version},
                        {"completed", t.completed_at.has_value()}};
}

}  // namespace

core::Status detail::CleanDocumentText(const DocumentText& d) {
    for (auto [field, value, max] : {std::tuple{"title", d.title, std::size_t{1000}}, {"number", d.number, std::size_t{40}},
                                     {"symbol", d.symbol, std::size_t{80}}, {"signer", d.signer, std::size_t{200}},
                                     {"submitting_unit", d.submitting_unit, std::size_t{300}},
                                     {"issuing_unit", d.issuing_unit, std::size_t{300}}}) {
        auto t = core::CleanField(field, *value, max, false);
        if (!t) return t.error();
        *value = std::move(t).value();
    }
    for (auto [field, value] : {std::pair{"title", d.title}, {"signer", d.signer}, {"issuing_unit", d.issuing_unit}}) {
        if (value->empty()) return core::InvalidField(field, Msg("tasks.field_required", {{"field", field}}));
    }
    if (!calendar::ParseIsoDate(*d.issued_on))
        return core::InvalidField("issued_on", Msg("tasks.date_invalid", {{"field", "issued_on"}}));
    return core::Ok{};
}

Service::Service(core::db::Database& db, audit::Log& audit, const core::Clock& clock,
                 const core::access::Policy& policy, const units::Service& units, const calendar::Service& calendars,
                 core::EventBus& events, ServiceSettings settings)
    : db_(db),
      audit_(audit),
      clock_(clock),
      policy_(policy),
      units_(units),
      calendars_(calendars),
      events_(events),
      settings_(std::move(settings)) {
    // The catalogue of Art. 4 as shipped; the task office edits it from then on.
    if (auto done = db_.Transact([&](Connection& c) -> core::Status {
        if (c.QueryOne("SELECT 1 FROM tasks_catalogue LIMIT 1")) return core::Ok{};
        struct Seed {
            const char *category, *code, *vi, *en;
        };
        const Seed seeds[] = {
            {"priority", "key", "Trọng tâm, ưu tiên", "Key, priority"},
            {"priority", "regular", "Thường xuyên", "Regular"},
            {"priority", "urgent", "Đột xuất, cấp bách", "Urgent"},
            {"scope", "national", "Toàn quốc", "National"},
            {"scope", "sector", "Theo ngành, lĩnh vực", "Sector or field"},
            {"scope", "region", "Theo vùng, địa phương", "Region or locality"},
            {"group", "with_deadline", "Nhiệm vụ có thời hạn thực hiện", "Tasks with a deadline"},
            {"group", "without_deadline", "Nhiệm vụ không có thời hạn thực hiện", "Tasks without a deadline"},
            {"group", "other", "Nhiệm vụ giao khác", "Other assigned tasks"},
            {"kind", "resolution", "Nghị quyết", "Resolution"},
            {"kind", "directive", "Chỉ thị", "Directive"},
            {"kind", "notice", "Thông báo", "Notice"},
            {"kind", "conclusion", "Kết luận", "Conclusion"},
            {"kind", "programme", "Chương trình", "Programme"},
            {"kind", "plan", "Kế hoạch", "Plan"},
            {"kind", "project", "Đề án", "Project"},
            {"kind", "decision", "Quyết định", "Decision"},
            {"kind", "regulation", "Quy định", "Regulation"},
            {"kind", "meeting_conclusion", "Thông báo kết luận cuộc họp", "Meeting-conclusion notice"},
            {"kind", "direction", "Ý kiến chỉ đạo", "Direction"},
        };
        std::int64_t order = 0;
        for (const auto& s : seeds) {
            c.Execute(
                "INSERT INTO tasks_catalogue (category, code, name_vi, name_en, sort_order, updated_at)"
                " VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING",
                {s.category, s.code, s.vi, s.en, order += 10, Ms(clock_.Now())});
        }
        return core::Ok{};
    }); !done) {
        spdlog::warn("tasks: the catalogue seed failed: {}", core::Text(done.error().message, "en"));
    }
}

core::Result<std::shared_ptr<const calendar::Calendar>> Service::Calendar() const { return calendars_.GetShared(); }

core::Result<audit::Actor> Service::AuthorizeOnUnit(const Principal& who, Permission p, std::int64_t unit) const {
    return policy_.Authorize(who, p, core::access::Scope::Unit(unit));
}

// ---------------------------------------------------------------------------------------------
// Catalogue

std::vector<CatalogueEntry> Service::Catalogue(std::string_view category) const {
    return db_.Read([&](Connection& c) {
        std::vector<CatalogueEntry> out;
        for (const auto& r : c.Query("SELECT id, category, code, name_vi, name_en, sort_order, status FROM"
                                     " tasks_catalogue ORDER BY category, sort_order, id")) {
            if (!category.empty() && r.Text(1) != category) continue;
            out.push_back({r.Int(0), r.Text(1), r.Text(2), r.Text(3), r.Text(4), r.Int(5), r.Text(6)});
        }
        return out;
    });
}

core::Result<CatalogueEntry> Service::SetCatalogueEntry(const Principal& who, CatalogueEntry e) {
    auto actor = policy_.Authorize(who, kCatalogueManage, core::access::Scope::Global());
    if (!actor) return actor.error();
    static const std::set<std::string, std::less<>> kCategories = {"kind", "group", "scope", "priority"};
    if (!kCategories.contains(e.category))
        return core::InvalidField("category", Msg("tasks.catalogue_category_unknown", {{"category", e.category}}));
    if (e.code.empty() || e.code.size() > 60 ||
        !std::all_of(e.code.begin(), e.code.end(),
                     [](char ch) { return (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '_'; })) {
        return core::InvalidField("code", Msg("tasks.catalogue_code_invalid"));
    }
    auto vi = core::CleanField("name_vi", e.name_vi, 300);
    if (!vi) return vi.error();
    if (vi->empty()) return core::InvalidField("name_vi", Msg("tasks.field_required", {{"field", "name_vi"}}));
    auto en = core::CleanField("name_en", e.name_en, 300);
    if (!en) return en.error();
    if (e.status.empty()) e.status = "active";
    if (e.status != "active" && e.status != "retired")
        return core::InvalidField("status", Msg("tasks.catalogue_status_invalid"));
    return db_.Transact([&](Connection& c) -> core::Result<CatalogueEntry> {
        auto before = c.QueryOne(
            "SELECT id, name_vi, name_en, sort_order, status FROM tasks_catalogue WHERE category = $1 AND code = $2",
            {e.category, e.code});
        json::object after{{"category", e.category}, {"code", e.code}, {"name_vi", *vi},
                           {"name_en", en->empty() ? *vi : *en}, {"sort_order", e.sort_order}, {"status", e.status}};
        json::value prior = nullptr;
        if (before) {
            prior = json::object{{"name_vi", before->Text(1)}, {"name_en", before->Text(2)},
                                 {"sort_order", before->Int(3)}, {"status", before->Text(4)}};
            c.Execute("UPDATE tasks_catalogue SET name_vi = $1, name_en = $2, sort_order = $3, status = $4,"
                      " updated_at = $5 WHERE id = $6",
                      {*vi, en->empty() ? *vi : *en, e.sort_order, e.status, Ms(clock_.Now()), before->Int(0)});
        } else {
            c.Execute("INSERT INTO tasks_catalogue (category, code, name_vi, name_en, sort_order, status, updated_at)"
                      " VALUES ($1, $2, $3, $4, $5, $6, $7)",
                      {e.category, e.code, *vi, en->empty() ? *vi : *en, e.sort_order, e.status, Ms(clock_.Now())});
        }
        audit_.Write(c, actor.value(), {"tasks.catalogue.set", "tasks_catalogue", e.category + ":" + e.code, prior, after});
        auto r = c.QueryOne("SELECT id, category, code, name_vi, name_en, sort_order, status FROM tasks_catalogue"
                            " WHERE category = $1 AND code = $2",
                            {e.category, e.code});
        return CatalogueEntry{r->Int(0), r->Text(1), r->Text(2), r->Text(3), r->Text(4), r->Int(5), r->Text(6)};
    });
}

// ---------------------------------------------------------------------------------------------
// Documents

core::Result<Document> Service::CreateDocument(const Principal& who, NewDocument in) {
    return EnterDocument(who, std::move(in), nullptr);
}

core::Result<std::pair<Document, std::vector<Task>>> Service::EnterAssigned(const audit::Actor& by, NewDocument doc,
                                                                           std::vector<NewTask> tasks) {
    Principal who;
    who.user_id = by.user_id;
    who.username = by.username;
    who.unit_id = by.unit_id;
    auto d = EnterDocument(who, std::move(doc), &by);
    if (!d) return d.error();
    std::vector<Task> made;
    for (auto& t : tasks) {
        t.document_id = d->id;
        t.parent_id = 0;
        auto r = EnterTask(who, std::move(t), &by);
        if (!r) return r.error();
        made.push_back(std::move(r).value());
    }
    return std::pair{std::move(d).value(), std::move(made)};
}

core::Result<Document> Service::EnterDocument(const Principal& who, NewDocument in, const audit::Actor* by) {
    auto actor = by ? core::Result<audit::Actor>(*by) : policy_.Authorize(who, kTaskEnter, core::access::Scope::Global());
    if (!actor) return actor.error();
    // Secrecy first (Art. 5.2, 5.3): a top-secret document never reaches the system.
    const auto& levels = SecrecyLevels();
    if (std::find(levels.begin(), levels.end(), in.secrecy) == levels.end())
        return core::InvalidField("secrecy", Msg("tasks.secrecy_unknown", {{"secrecy", in.secrecy}}));
    if (in.secrecy == "tuyet_mat") return core::Unprocessable("secrecy", Msg("tasks.secrecy_top_secret"));
    if (in.secrecy != "thuong") return core::Conflict(Msg("tasks.secret_partition_unavailable"));
    bool known_kind = false;
    for (const auto& e : Catalogue("kind")) known_kind = known_kind || (e.code == in.kind && e.status == "active");
    if (!known_kind) return core::InvalidField("kind", Msg("tasks.document_kind_unknown", {{"kind", in.kind}}));
    if (auto ok = detail::CleanDocumentText({&in.title, &in.number, &in.symbol, &in.signer, &in.submitting_unit,
                                             &in.issuing_unit, &in.issued_on});
        !ok)
        return ok.error();
    auto summary = core::CleanField("summary", in.summary, 8000, true);
    if (!summary) return summary.error();
    in.summary = std::move(summary).value();
    auto cal = Calendar();
    if (!cal) return cal.error();
    auto issued = calendar::TryParseInstant(in.issued_on + "T00:00", cal.value()->TimeZone());
    if (!issued) return core::InvalidField("issued_on", Msg("tasks.date_invalid", {{"field", "issued_on"}}));
    // A document not secret is signed digitally (Art. 5.1): its signed file is checked and the
    // result stored and shown.
    if (in.files.empty()) return core::InvalidField("files", Msg("tasks.document_file_required"));
    json::array files;
    for (const auto& url : in.files) {
        if (!IsMediaUrl(url)) return core::InvalidField("files", Msg("tasks.file_url_invalid"));
        json::value check = settings_.check_file ? settings_.check_file(url) : json::value(nullptr);
        json::object f{{"url", url}, {"signature", check}};
        if (check.is_object()) {
            if (auto* n = check.as_object().if_contains("filename"); n && n->is_string()) f["filename"] = *n;
        }
        files.push_back(std::move(f));
    }
    const auto now = clock_.Now();
    return db_.Transact([&](Connection& c) -> core::Result<Document> {
        auto id = c.QueryOne(
                       "INSERT INTO tasks_documents (kind, title, number, symbol, summary, issued_on, issued_at, signer,"
                       " submitting_unit, issuing_unit, secrecy, files_json, created_by, created_at)"
                       " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14) RETURNING id",
                       {in.kind, in.title, in.number, in.symbol, in.summary, in.issued_on, Ms(issued.value()), in.signer,
                        in.submitting_unit, in.issuing_unit, in.secrecy, json::serialize(files), who.user_id, Ms(now)})
                      ->Int(0);
        auto d = DocumentFromRow(*c.QueryOne(std::string(kSelectDocument) + " WHERE d.id = $1", {id}));
        audit_.Write(c, actor.value(), {"tasks.document.create", "tasks_document", std::to_string(id), nullptr, ToJson(d)});
        return d;
    });
}

core::Result<Document> Service::GetDocument(const Principal& who, std::int64_t id) const {
    auto d = db_.Read([&](Connection& c) -> std::optional<Document> {
        auto r = c.QueryOne(std::string(kSelectDocument) + " WHERE d.id = $1", {id});
        if (!r) return std::nullopt;
        return DocumentFromRow(*r);
    });
    if (!d) return core::NotFound(Msg("tasks.document_not_found"));
    // The task office reads every document; a unit the documents of its tasks.
    if (policy_.Authorize(who, kTaskReadAll, core::access::Scope::Global())) return *d;
    for (const auto& t : ListTasks(who, {.document_id = id, .limit = 1})) {
        if (t.document_id == id) return *d;
    }
    return core::NotFound(Msg("tasks.document_not_found"));
}

std::vector<Document> Service::Documents(const Principal& who) const {
    std::vector<Document> out;
    if (!policy_.Authorize(who, kTaskReadAll, core::access::Scope::Global())) return out;
    return db_.Read([&](Connection& c) {
        for (const auto& r : c.Query(std::string(kSelectDocument) + " ORDER BY d.issued_at DESC, d.id DESC LIMIT 500"))
            out.push_back(DocumentFromRow(r));
        return out;
    });
}

// ---------------------------------------------------------------------------------------------
// Clocks

void Service::StartClock(Connection& c, std::int64_t task, ClockKind kind, std::int64_t subject, core::TimePoint from,
                         core::TimePoint due, const std::string& label, std::optional<core::TimePoint> point) const {
    const bool final = label == "final";
    c.Execute(
        "INSERT INTO tasks_clocks (task_id, kind, subject, label, started_at, point_at, due_at) VALUES ($1, $2, $3, $4,"
        " $5, $6, $7)",
        {task, ClockRowKind(kind, final), subject, label, Ms(from), OptMs(point), Ms(due)});
}

void Service::StopClock(Connection& c, std::int64_t task, ClockKind kind, std::int64_t subject,
                        core::TimePoint at) const {
    c.Execute("UPDATE tasks_clocks SET done_at = $1 WHERE task_id = $2 AND kind = $3 AND subject = $4 AND done_at IS NULL",
              {Ms(at), task, std::string(ClockCode(kind)), subject});
}

// ---------------------------------------------------------------------------------------------
// Tasks

core::Result<Task> Service::Load(Connection& c, std::int64_t id) const {
    auto r = c.QueryOne(std::string(kSelectTask) + " WHERE t.id = $1", {id});
    if (!r) return core::NotFound(Msg("tasks.task_not_found"));
    Task t;
    t.id = r->Int(0);
    t.document_id = r->Int(1);
    t.parent_id = r->Int(2);
    t.document_title = r->Text(3);
    t.content = r->Text(4);
    t.monitoring_unit_id = r->Int(5);
    t.start = core::FromMillis(r->Int(6));
    t.assigned_at = core::FromMillis(r->Int(7));
    t.deadline = OptTime(*r, 8);
    t.cadence = ParseCadence(r->Text(9)).value_or(Cadence::kNone);
    t.priority = r->Text(10);
    t.scope = r->Text(11);
    t.group = r->Text(12);
    t.progress = static_cast<int>(r->Int(13));
    t.results = r->Text(14);
    t.products = r->Text(15);
    t.completed_at = OptTime(*r, 16);
    t.status = ParseStatus(r->Text(17)).value_or(Status::kNotStartedWithinDeadline);
    t.status_at = core::FromMillis(r->Int(18));
    t.version = r->Int(19);
    t.started = r->Bool(20);
    for (const auto& row : c.Query("SELECT unit_id, role, acknowledged_at FROM tasks_task_units WHERE task_id = $1"
                                   " AND active = 1 ORDER BY CASE role WHEN 'lead' THEN 0 ELSE 1 END, unit_id",
                                   {id})) {
        t.units.push_back({.unit_id = row.Int(0), .role = row.Text(1), .acknowledged_at = OptTime(row, 2)});
    }
    for (const auto& row : c.Query("SELECT id, kind, label, subject, started_at, due_at, point_at, done_at, note FROM"
                                   " tasks_clocks WHERE task_id = $1 ORDER BY due_at, id",
                                   {id})) {
        Clock k;
        k.id = row.Int(0);
        k.final = row.Text(1) == "final";
        k.kind = k.final ? ClockKind::kUpdate : ParseClock(row.Text(1)).value_or(ClockKind::kUpdate);
        k.label = row.Text(2);
        k.subject = row.Int(3);
        k.started_at = core::FromMillis(row.Int(4));
        k.due_at = core::FromMillis(row.Int(5));
        k.point = OptTime(row, 6);
        k.done_at = OptTime(row, 7);
        k.note = row.Text(8);
        t.clocks.push_back(std::move(k));
    }
    // Sub-tasks, and their progress rolled up (each sub-task's own rolled-up progress, averaged).
    std::vector<int> child_progress;
    for (const auto& row : c.Query("SELECT id FROM tasks_tasks WHERE parent_id = $1 ORDER BY id", {id})) {
        t.subtasks.push_back(row.Int(0));
        if (auto child = Load(c, row.Int(0))) {
            child_progress.push_back(child->subtasks_progress ? (child->progress + *child->subtasks_progress) / 2
                                                              : child->progress);
        }
    }
    if (!child_progress.empty()) {
        int sum = 0;
        for (int p : child_progress) sum += p;
        t.subtasks_progress = sum / static_cast<int>(child_progress.size());
    }
    return t;
}

void Service::Name(Task& t) const {
    // Outside any transaction: the registry is the units module's (its own reads).
    if (auto u = units_.Find(t.monitoring_unit_id)) t.monitoring_unit_name = u->name_vi;
    for (auto& tu : t.units) {
        if (auto u = units_.Find(tu.unit_id)) {
            tu.code = u->code;
            tu.name = u->name_vi;
        }
    }
}

bool Service::MayRead(const Principal& who, const Task& t) const {
    if (policy_.Authorize(who, kTaskReadAll, core::access::Scope::Global())) return true;
    if (policy_.Authorize(who, kTaskRead, core::access::Scope::Unit(t.monitoring_unit_id))) return true;
    for (const auto& u : t.units) {
        if (policy_.Authorize(who, kTaskRead, core::access::Scope::Unit(u.unit_id))) return true;
    }
    return false;
}

core::Result<Task> Service::GetTask(const Principal& who, std::int64_t id) const {
    auto t = db_.Read([&](Connection& c) { return Load(c, id); });
    if (!t) return t;
    if (!MayRead(who, t.value())) return core::NotFound(Msg("tasks.task_not_found"));
    Name(t.value());
    auto cal = Calendar();
    if (cal) {
        for (auto& k : t->clocks) k.state = StateOf(k.due_at, k.done_at, clock_.Now(), *cal.value());
    }
    return t;
}

std::vector<Task> Service::ListTasks(const Principal& who, const TaskFilter& f) const {
    std::string sql = "SELECT t.id FROM tasks_tasks t WHERE t.merged_into IS NULL";
    core::db::Params params;
    auto bind = [&](Value v) {
        params.push_back(std::move(v));
        return "$" + std::to_string(params.size());
    };
    if (f.status) sql += " AND t.status = " + bind(std::string(StatusCode(*f.status)));
    if (!f.priority.empty()) sql += " AND t.priority = " + bind(f.priority);
    if (f.document_id) sql += " AND t.document_id = " + bind(f.document_id);
    if (f.due_from) sql += " AND t.deadline_at >= " + bind(Ms(*f.due_from));
    if (f.due_to) sql += " AND t.deadline_at < " + bind(Ms(*f.due_to));
    if (!f.unit.empty()) {
        auto u = units_.FindByCode(f.unit);
        sql += " AND EXISTS (SELECT 1 FROM tasks_task_units x WHERE x.task_id = t.id AND x.active = 1 AND x.unit_id = " +
               bind(u ? u->id : std::int64_t{-1}) + ")";
    }
    sql += " ORDER BY COALESCE(t.deadline_at, 9223372036854775807), t.id";
    const int limit = std::clamp(f.limit, 1, 500);
    const int offset = std::clamp(f.offset, 0, 100000);
    auto ids = db_.Read([&](Connection& c) {
        std::vector<std::int64_t> out;
        for (const auto& r : c.Query(sql, params)) out.push_back(r.Int(0));
        return out;
    });
    std::vector<Task> out;
    int skipped = 0;
    for (auto id : ids) {
        auto t = db_.Read([&](Connection& c) { return Load(c, id); });
        if (!t || !MayRead(who, t.value())) continue;
        if (skipped++ < offset) continue;
        Name(t.value());
        out.push_back(std::move(t).value());
        if (static_cast<int>(out.size()) >= limit) break;
    }
    return out;
}

core::Result<Task> Service::CreateTask(const Principal& who, NewTask in) { return EnterTask(who, std::move(in), nullptr); }

core::Result<Task> Service::EnterTask(const Principal& who, NewTask in, const audit::Actor* by) {
    auto content = core::CleanField("content", in.content, 8000, true);
    if (!content) return content.error();
    if (content->empty()) return core::InvalidField("content", Msg("tasks.field_required", {{"field", "content"}}));
    if (in.lead_units.empty()) return core::InvalidField("lead_units", Msg("tasks.lead_unit_required"));
    auto resolve = [&](const std::string& code, const char* field) -> core::Result<units::Unit> {
        auto u = units_.FindByCode(code);
        if (!u || u->status != "active") return core::InvalidField(field, Msg("tasks.unit_not_found", {{"code", code}}));
        return *u;
    };
    std::vector<units::Unit> leads, coordinating;
    std::set<std::int64_t> seen;
    for (const auto& code : in.lead_units) {
        auto u = resolve(code, "lead_units");
        if (!u) return u.error();
        if (!seen.insert(u->id).second) return core::InvalidField("lead_units", Msg("tasks.unit_twice", {{"code", code}}));
        leads.push_back(u.value());
    }
    for (const auto& code : in.coordinating_units) {
        auto u = resolve(code, "coordinating_units");
        if (!u) return u.error();
        if (!seen.insert(u->id).second)
            return core::InvalidField("coordinating_units", Msg("tasks.unit_twice", {{"code", code}}));
        coordinating.push_back(u.value());
    }
    // Classification from the catalogue (Art. 4).
    auto in_catalogue = [&](const char* category, const std::string& code) {
        for (const auto& e : Catalogue(category)) {
            if (e.code == code && e.status == "active") return true;
        }
        return false;
    };
    if (!in_catalogue("priority", in.priority))
        return core::InvalidField("priority", Msg("tasks.catalogue_value_unknown", {{"field", "priority"}, {"code", in.priority}}));
    if (!in_catalogue("scope", in.scope))
        return core::InvalidField("scope", Msg("tasks.catalogue_value_unknown", {{"field", "scope"}, {"code", in.scope}}));
    if (!in.group.empty() && !in_catalogue("group", in.group))
        return core::InvalidField("group", Msg("tasks.catalogue_value_unknown", {{"field", "group"}, {"code", in.group}}));

    // Who enters it: the task office for a document's tasks; the assignee for a sub-task it
    // delegates to its subordinate units, which then report to it (its monitoring unit).
    core::Result<audit::Actor> actor = core::Forbidden(Msg("tasks.not_allowed"));
    std::int64_t monitoring = 0;
    std::optional<Task> parent;
    if (in.parent_id) {
        auto p = db_.Read([&](Connection& c) { return Load(c, in.parent_id); });
        if (!p) return core::InvalidField("parent", Msg("tasks.task_not_found"));
        parent = p.value();
        in.document_id = parent->document_id;
        for (const auto& u : parent->units) {
            if (u.role != "lead") continue;
            auto a = AuthorizeOnUnit(who, kTaskDelegate, u.unit_id);
            if (!a) continue;
            actor = a;
            monitoring = u.unit_id;
            break;
        }
        if (!actor) return actor.error();
        for (const auto& l : leads) {
            if (l.id == monitoring || !units_.IsWithin(monitoring, l.id))
                return core::InvalidField("lead_units", Msg("tasks.subtask_unit_not_subordinate", {{"code", l.code}}));
        }
        for (const auto& u : coordinating) {
            if (!units_.IsWithin(monitoring, u.id))
                return core::InvalidField("coordinating_units",
                                          Msg("tasks.subtask_unit_not_subordinate", {{"code", u.code}}));
        }
        if (parent->completed_at) return core::Conflict(Msg("tasks.task_completed"));
    } else {
        actor = by ? core::Result<audit::Actor>(*by) : policy_.Authorize(who, kTaskEnter, core::access::Scope::Global());
        if (!actor) return actor.error();
        auto m = resolve(in.monitoring_unit, "monitoring_unit");
        if (!m) return m.error();
        monitoring = m->id;
    }
    auto cal = Calendar();
    if (!cal) return cal.error();
    const auto now = clock_.Now();
    const auto start = in.start.value_or(now);
    if (parent && parent->deadline && (!in.deadline || *in.deadline > *parent->deadline))
        return core::InvalidField("deadline", Msg("tasks.subtask_after_parent"));
    auto plan = Checkpoints({.start = start, .deadline = in.deadline, .cadence = in.cadence}, *cal.value());
    if (!plan) return plan.error();
    auto created = db_.Transact([&](Connection& c) -> core::Result<Task> {
        auto doc = c.QueryOne("SELECT issued_at FROM tasks_documents WHERE id = $1", {in.document_id});
        if (!doc) return core::InvalidField("document", Msg("tasks.document_not_found"));
        auto id = c.QueryOne(
                       "INSERT INTO tasks_tasks (document_id, parent_id, content, monitoring_unit_id, start_at,"
                       " deadline_at, cadence, priority, scope, group_code, assigned_at, status, status_at, created_by,"
                       " created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $11, $13,"
                       " $11, $11) RETURNING id",
                       {in.document_id, in.parent_id ? Value{in.parent_id} : Value{}, *content, monitoring, Ms(start),
                        OptMs(in.deadline), std::string(CadenceCode(in.cadence)), in.priority, in.scope, in.group,
                        Ms(now), std::string(StatusCode(Status::kNotStartedWithinDeadline)), who.user_id})
                      ->Int(0);
        for (const auto& u : leads)
            c.Execute("INSERT INTO tasks_task_units (task_id, unit_id, role) VALUES ($1, $2, 'lead')", {id, u.id});
        for (const auto& u : coordinating)
            c.Execute("INSERT INTO tasks_task_units (task_id, unit_id, role) VALUES ($1, $2, 'coordinating')", {id, u.id});
        // The entry clock: 3 working days from the document's issue (Art. 6.1.a), met or not now.
        if (!in.parent_id) {
            const auto issued = core::FromMillis(doc->Int(0));
            auto due = ClockDue(ClockKind::kEntry, issued, *cal.value());
            if (due) {
                StartClock(c, id, ClockKind::kEntry, 0, issued, due.value());
                StopClock(c, id, ClockKind::kEntry, 0, now);
            }
        }
        // Receipt: each lead unit acknowledges within 4 working hours (Art. 6.2.a).
        auto ack = ClockDue(ClockKind::kAcknowledge, now, *cal.value());
        if (!ack) return ack.error();
        for (const auto& u : leads) StartClock(c, id, ClockKind::kAcknowledge, u.id, now, ack.value());
        for (const auto& k : plan.value())
            StartClock(c, id, ClockKind::kUpdate, 0, start, k.due_at, k.label, k.point);
        c.Execute("INSERT INTO tasks_status_history (task_id, status, at) VALUES ($1, $2, $3)",
                  {id, std::string(StatusCode(Status::kNotStartedWithinDeadline)), Ms(now)});
        Refresh(c, id, actor.value());
        auto t = Load(c, id);
        audit_.Write(c, actor.value(), {"tasks.task.create", "tasks_task", std::to_string(id), nullptr, TaskSnapshot(t.value())});
        Changed(c, t.value(), "create");
        return t;
    });
    if (created) Name(created.value());
    return created;
}

void Service::Changed(Connection& c, const Task& t, std::string_view action) const {
    std::vector<std::int64_t> unit_ids{t.monitoring_unit_id};
    for (const auto& u : t.units) unit_ids.push_back(u.unit_id);
    json::array units;
    for (auto u : unit_ids) units.emplace_back(u);
    events_.Publish(c, core::Event{.topic = "tasks.task",
                                   .data_json = json::serialize(json::object{{"id", t.id},
                                                                             {"status", StatusCode(t.status)},
                                                                             {"action", action},
                                                                             {"units", std::move(units)}})});
}

void Service::Refresh(Connection& c, std::int64_t task_id, const audit::Actor& actor) const {
    for (std::int64_t id = task_id; id != 0;) {
        auto t = Load(c, id);
        if (!t) return;
        const auto now = clock_.Now();
        bool missed = false;
        bool started = t->started;
        // Work on a sub-task is work on the task (Art. 6.2.c): started once any sub-task is.
        if (!started && c.QueryOne("SELECT 1 FROM tasks_tasks WHERE parent_id = $1 AND status NOT IN"
                                   " ('not_started_within_deadline', 'not_started_overdue')",
                                   {id})) {
            started = true;
        }
        for (const auto& k : t->clocks) {
            if (k.kind == ClockKind::kUpdate && !k.final && !k.done_at && k.due_at < now) missed = true;
        }
        const auto status = ComputeStatus({.start = t->start,
                                           .deadline = t->deadline,
                                           .completed_at = t->completed_at,
                                           .started = started,
                                           .approved_progress = t->progress,
                                           .missed_checkpoint = missed,
                                           .now = now,
                                           .lag_margin = settings_.lag_margin});
        if (status != t->status) {
            c.Execute("UPDATE tasks_tasks SET status = $1, status_at = $2, version = version + 1 WHERE id = $3",
                      {std::string(StatusCode(status)), Ms(now), id});
            c.Execute("INSERT INTO tasks_status_history (task_id, status, at) VALUES ($1, $2, $3)",
                      {id, std::string(StatusCode(status)), Ms(now)});
            audit_.Write(c, actor,
                         {"tasks.task.status", "tasks_task", std::to_string(id),
                          json::object{{"status", StatusCode(t->status)}}, json::object{{"status", StatusCode(status)}}});
            auto changed = t.value();
            changed.status = status;
            Changed(c, changed, "status");
        }
        id = t->parent_id;  // the parent's rolled-up progress changed with it
    }
}

core::Result<Task> Service::Acknowledge(const Principal& who, std::int64_t id) {
    auto t = GetTask(who, id);
    if (!t) return t.error();
    for (const auto& u : t->units) {
        if (u.role != "lead" || u.acknowledged_at) continue;
        auto actor = AuthorizeOnUnit(who, kTaskAcknowledge, u.unit_id);
        if (!actor) continue;
        auto done = db_.Transact([&](Connection& c) -> core::Result<Task> {
            const auto now = clock_.Now();
            if (c.Execute("UPDATE tasks_task_units SET acknowledged_at = $1, acknowledged_by = $2 WHERE task_id = $3 AND"
                          " unit_id = $4 AND active = 1 AND acknowledged_at IS NULL",
                          {Ms(now), who.user_id, id, u.unit_id}) != 1) {
                return core::Conflict(Msg("tasks.already_acknowledged"));
            }
            StopClock(c, id, ClockKind::kAcknowledge, u.unit_id, now);
            audit_.Write(c, actor.value(),
                         {"tasks.task.acknowledge", "tasks_task", std::to_string(id), nullptr,
                          json::object{{"unit", u.code}}});
            auto after = Load(c, id);
            Changed(c, after.value(), "acknowledge");
            return after;
        });
        if (done) Name(done.value());
        return done;
    }
    for (const auto& u : t->units) {
        if (u.role == "lead" && AuthorizeOnUnit(who, kTaskAcknowledge, u.unit_id))
            return core::Conflict(Msg("tasks.already_acknowledged"));
    }
    return core::Forbidden(Msg("tasks.not_assignee"));
}

core::Result<Dispute> Service::OpenDispute(const Principal& who, std::int64_t id, std::string reason) {
    auto text = RequiredText("reason", reason, 4000);
    if (!text) return text.error();
    auto t = GetTask(who, id);
    if (!t) return t.error();
    auto cal = Calendar();
    if (!cal) return cal.error();
    for (const auto& u : t->units) {
        if (u.role != "lead") continue;
        auto actor = AuthorizeOnUnit(who, kTaskAcknowledge, u.unit_id);
        if (!actor) continue;
        try {
            return RaiseDispute(who, actor.value(), id, u, *text, *cal.value());
        } catch (const core::db::UniqueViolation&) {
            return core::Conflict(Msg("tasks.dispute_open"));  // two at once: one stays open
        }
    }
    return core::Forbidden(Msg("tasks.not_assignee"));
}

core::Result<Dispute> Service::RaiseDispute(const Principal& who, const audit::Actor& actor, std::int64_t id,
                                            const TaskUnit& u, const std::string& text,
                                            const calendar::Calendar& cal) const {
        return db_.Transact([&](Connection& c) -> core::Result<Dispute> {
            const auto now = clock_.Now();
            if (c.QueryOne("SELECT 1 FROM tasks_disputes WHERE task_id = $1 AND unit_id = $2 AND settled_at IS NULL",
                           {id, u.unit_id})) {
                return core::Conflict(Msg("tasks.dispute_open"));
            }
            // A dispute counts as receipt when it comes first.
            if (c.Execute("UPDATE tasks_task_units SET acknowledged_at = $1, acknowledged_by = $2 WHERE task_id = $3"
                          " AND unit_id = $4 AND acknowledged_at IS NULL",
                          {Ms(now), who.user_id, id, u.unit_id}) == 1) {
                StopClock(c, id, ClockKind::kAcknowledge, u.unit_id, now);
            }
            const auto received = core::FromMillis(
                c.QueryOne("SELECT acknowledged_at FROM tasks_task_units WHERE task_id = $1 AND unit_id = $2",
                           {id, u.unit_id})
                    ->Int(0));
            auto did = c.QueryOne("INSERT INTO tasks_disputes (task_id, unit_id, reason, raised_by, raised_at) VALUES"
                                  " ($1, $2, $3, $4, $5) RETURNING id",
                                  {id, u.unit_id, text, who.user_id, Ms(now)})
                           ->Int(0);
            // Within 8 working hours of receipt (Art. 6.2.a); the task office settles within 1 day.
            if (auto due = ClockDue(ClockKind::kDispute, received, cal)) {
                StartClock(c, id, ClockKind::kDispute, did, received, due.value());
                StopClock(c, id, ClockKind::kDispute, did, now);
            }
            if (auto due = ClockDue(ClockKind::kSettle, now, cal)) StartClock(c, id, ClockKind::kSettle, did, now, due.value());
            audit_.Write(c, actor,
                         {"tasks.dispute.open", "tasks_dispute", std::to_string(did), nullptr,
                          json::object{{"task", id}, {"unit", u.code}, {"reason", text}}});
            return DisputeFromRow(*c.QueryOne(std::string(kSelectDispute) + " WHERE id = $1", {did}));
        });
}

core::Result<Dispute> Service::SettleDispute(const Principal& who, std::int64_t dispute_id, std::string settlement,
                                             const std::string& new_unit) {
    auto actor = policy_.Authorize(who, kTaskEnter, core::access::Scope::Global());
    if (!actor) return actor.error();
    auto text = RequiredText("settlement", settlement, 4000);
    if (!text) return text.error();
    std::optional<units::Unit> to;
    if (!new_unit.empty()) {
        to = units_.FindByCode(new_unit);
        if (!to || to->status != "active")
            return core::InvalidField("new_unit", Msg("tasks.unit_not_found", {{"code", new_unit}}));
    }
    auto cal = Calendar();
    if (!cal) return cal.error();
    return db_.Transact([&](Connection& c) -> core::Result<Dispute> {
        auto row = c.QueryOne(std::string(kSelectDispute) + " WHERE id = $1", {dispute_id});
        if (!row) return core::NotFound(Msg("tasks.dispute_not_found"));
        auto d = DisputeFromRow(*row);
        const auto now = clock_.Now();
        if (c.Execute("UPDATE tasks_disputes SET settled_by = $1, settled_at = $2, outcome = $3, settlement = $4,"
                      " new_unit_id = $5 WHERE id = $6 AND settled_at IS NULL",
                      {who.user_id, Ms(now), to ? "reassigned" : "kept", *text, to ? Value{to->id} : Value{}, dispute_id}) != 1) {
            return core::Conflict(Msg("tasks.dispute_settled"));
        }
        StopClock(c, d.task_id, ClockKind::kSettle, dispute_id, now);
        if (to && to->id != d.unit_id &&
            c.QueryOne("SELECT 1 FROM tasks_task_units WHERE task_id = $1 AND unit_id = $2 AND active = 1 AND role = 'lead'",
                       {d.task_id, to->id})) {
            return core::Conflict(Msg("tasks.already_lead", {{"code", to->code}}));
        }
        if (to && to->id != d.unit_id) {
            // The assignment moves: the old unit leaves the task, the new one receives it.
            c.Execute("UPDATE tasks_task_units SET active = 0 WHERE task_id = $1 AND unit_id = $2", {d.task_id, d.unit_id});
            StopClock(c, d.task_id, ClockKind::kAcknowledge, d.unit_id, now);
            if (c.QueryOne("SELECT 1 FROM tasks_task_units WHERE task_id = $1 AND unit_id = $2", {d.task_id, to->id})) {
                c.Execute("UPDATE tasks_task_units SET active = 1, role = 'lead', acknowledged_at = NULL WHERE task_id = $1"
                          " AND unit_id = $2",
                          {d.task_id, to->id});
            } else {
                c.Execute("INSERT INTO tasks_task_units (task_id, unit_id, role) VALUES ($1, $2, 'lead')", {d.task_id, to->id});
            }
            // The old unit's waiting reports go back; the new unit's receipt clock starts (labelled by
            // the dispute, so a unit coming back gets a clock of its own).
            c.Execute("UPDATE tasks_updates SET state = 'returned', decided_at = $1, decision_comment = $2 WHERE"
                      " task_id = $3 AND unit_id = $4 AND state = 'submitted'",
                      {Ms(now), *text, d.task_id, d.unit_id});
            if (auto due = ClockDue(ClockKind::kAcknowledge, now, *cal.value())) {
                StartClock(c, d.task_id, ClockKind::kAcknowledge, to->id, now, due.value(),
                           "#" + std::to_string(dispute_id));
            }
        }
        auto after = DisputeFromRow(*c.QueryOne(std::string(kSelectDispute) + " WHERE id = $1", {dispute_id}));
        audit_.Write(c, actor.value(),
                     {"tasks.dispute.settle", "tasks_dispute", std::to_string(dispute_id),
                      json::object{{"outcome", ""}}, ToJson(after, "Asia/Ho_Chi_Minh")});
        if (auto t = Load(c, d.task_id)) Changed(c, t.value(), "dispute");
        return after;
    });
}

core::Result<Task> Service::MergeTask(const Principal& who, std::int64_t drop_id, std::int64_t into_id,
                                     std::string note) {
    auto actor = policy_.Authorize(who, kTaskEnter, core::access::Scope::Global());
    if (!actor) return actor.error();
    auto text = core::CleanField("note", note, 2000, true);
    if (!text) return text.error();
    if (drop_id == into_id) return core::InvalidField("into", Msg("tasks.merge_same"));
    auto drop = GetTask(who, drop_id);
    if (!drop) return drop.error();
    auto into = GetTask(who, into_id);
    if (!into) return core::InvalidField("into", Msg("tasks.task_not_found"));
    if (drop->document_id != into->document_id) return core::InvalidField("into", Msg("tasks.merge_other_document"));
    auto merged = db_.Transact([&](Connection& c) -> core::Result<Task> {
        // A duplicate is kept with its history; it leaves the lists, reminders and evaluations.
        if (c.Execute("UPDATE tasks_tasks SET merged_into = $1, version = version + 1, updated_at = $2 WHERE id = $3 AND"
                      " merged_into IS NULL",
                      {into_id, Ms(clock_.Now()), drop_id}) != 1) {
            return core::Conflict(Msg("tasks.merge_done"));
        }
        if (c.QueryOne("SELECT 1 FROM tasks_tasks WHERE id = $1 AND merged_into IS NOT NULL", {into_id}))
            return core::Conflict(Msg("tasks.merge_done"));
        c.Execute("UPDATE tasks_task_units SET active = 0 WHERE task_id = $1", {drop_id});
        audit_.Write(c, actor.value(),
                     {"tasks.task.merge", "tasks_task", std::to_string(drop_id), nullptr,
                      json::object{{"into", into_id}, {"note", *text}}});
        auto t = Load(c, drop_id);
        if (t) Changed(c, t.value(), "merge");
        return t;
    });
    return merged;
}

std::vector<Dispute> Service::Disputes(const Principal& who, std::int64_t task_id) const {
    std::vector<Dispute> out;
    if (!GetTask(who, task_id)) return out;
    return db_.Read([&](Connection& c) {
        for (const auto& r : c.Query(std::string(kSelectDispute) + " WHERE task_id = $1 ORDER BY id", {task_id}))
            out.push_back(DisputeFromRow(r));
        return out;
    });
}

std::vector<Dispute> Service::OpenDisputes(const Principal& who) const {
    std::vector<Dispute> out;
    if (!MayEnter(who)) return out;
    return db_.Read([&](Connection& c) {
        for (const auto& r : c.Query(std::string(kSelectDispute) + " WHERE settled_at IS NULL ORDER BY raised_at, id LIMIT 500"))
            out.push_back(DisputeFromRow(r));
        return out;
    });
}

// ---------------------------------------------------------------------------------------------
// Updates, approvals, evaluations, explanations

core::Result<Update> Service::SubmitUpdate(const Principal& who, std::int64_t task_id, NewUpdate in, bool completion) {
    auto t = GetTask(who, task_id);
    if (!t) return t.error();
    if (in.progress < 0 || in.progress > 100) return core::InvalidField("progress", Msg("tasks.progress_range"));
    for (auto [field, value, max] : {std::tuple{"results", &in.results, std::size_t{8000}},
                                     {"products", &in.products, std::size_t{4000}},
                                     {"difficulties", &in.difficulties, std::size_t{4000}},
                                     {"causes", &in.causes, std::size_t{4000}}}) {
        auto v = core::CleanField(field, *value, max, true);
        if (!v) return v.error();
        *value = std::move(v).value();
    }
    for (const auto& a : in.attachments) {
        if (!IsMediaUrl(a)) return core::InvalidField("attachments", Msg("tasks.file_url_invalid"));
    }
    if (completion) {
        in.progress = 100;
        if (in.results.empty()) return core::InvalidField("results", Msg("tasks.completion_results_required"));
    }
    if (!in.difficulties.empty() && in.causes.empty())
        return core::InvalidField("causes", Msg("tasks.causes_required"));
    // The reporting lead unit: the one named, else the first the actor may report for.
    const TaskUnit* unit = nullptr;
    core::Result<audit::Actor> actor = core::Forbidden(Msg("tasks.not_assignee"));
    for (const auto& u : t->units) {
        if (u.role != "lead" || (!in.unit.empty() && u.code != in.unit)) continue;
        actor = AuthorizeOnUnit(who, kUpdateSubmit, u.unit_id);
        if (actor) {
            unit = &u;
            break;
        }
    }
    if (!unit) return actor.error();
    if (t->completed_at) return core::Conflict(Msg("tasks.task_completed"));
    json::array attachments;
    for (const auto& a : in.attachments) attachments.emplace_back(a);
    try {
        return InsertUpdate(who, actor.value(), task_id, unit->unit_id, in, completion, json::serialize(attachments));
    } catch (const core::db::UniqueViolation&) {
        return core::Conflict(Msg("tasks.update_waiting"));  // two reports at once: one waits
    }
}

core::Result<Update> Service::InsertUpdate(const Principal& who, const audit::Actor& actor, std::int64_t task_id,
                                           std::int64_t unit_id, const NewUpdate& in, bool completion,
                                           const std::string& attachments) {
    const auto now = clock_.Now();
    return db_.Transact([&](Connection& c) -> core::Result<Update> {
        // A late or wrong report is explained before the next one counts (T-18).
        if (c.QueryOne("SELECT 1 FROM tasks_explanations WHERE task_id = $1 AND unit_id = $2 AND submitted_at IS NULL",
                       {task_id, unit_id})) {
            return core::Conflict(Msg("tasks.explanation_required"));
        }
        if (c.QueryOne("SELECT 1 FROM tasks_updates WHERE task_id = $1 AND unit_id = $2 AND state = 'submitted'",
                       {task_id, unit_id})) {
            return core::Conflict(Msg("tasks.update_waiting"));
        }
        if (c.QueryOne("SELECT 1 FROM tasks_updates WHERE task_id = $1 AND unit_id = $2 AND state = 'approved' AND"
                       " completion = 1",
                       {task_id, unit_id})) {
            return core::Conflict(Msg("tasks.unit_completed"));
        }
        // A task is completed after the sub-tasks it delegated.
        if (completion && c.QueryOne("SELECT 1 FROM tasks_tasks WHERE parent_id = $1 AND completed_at IS NULL", {task_id}))
            return core::Conflict(Msg("tasks.subtasks_open"));
        auto id = c.QueryOne(
                       "INSERT INTO tasks_updates (task_id, unit_id, progress, results, products, difficulties, causes,"
                       " attachments_json, completion, state, submitted_by, submitted_at) VALUES ($1, $2, $3, $4, $5,"
                       " $6, $7, $8, $9, 'submitted', $10, $11) RETURNING id",
                       {task_id, unit_id, static_cast<std::int64_t>(in.progress), in.results, in.products,
                        in.difficulties, in.causes, attachments, completion, who.user_id, Ms(now)})
                      ->Int(0);
        // Receiving the task is implied by reporting on it.
        if (c.Execute("UPDATE tasks_task_units SET acknowledged_at = $1, acknowledged_by = $2 WHERE task_id = $3 AND"
                      " unit_id = $4 AND acknowledged_at IS NULL",
                      {Ms(now), who.user_id, task_id, unit_id}) == 1) {
            StopClock(c, task_id, ClockKind::kAcknowledge, unit_id, now);
        }
        auto u = UpdateFromRow(*c.QueryOne(std::string(kSelectUpdate) + " WHERE id = $1", {id}));
        audit_.Write(c, actor,
                     {completion ? "tasks.update.complete" : "tasks.update.submit", "tasks_update", std::to_string(id),
                      nullptr, ToJson(u, "Asia/Ho_Chi_Minh")});
        return u;
    });
}

core::Result<Update> Service::DecideUpdate(const Principal& who, std::int64_t update_id, bool approve,
                                           std::string comment) {
    auto note = core::CleanField("comment", comment, 4000, true);
    if (!note) return note.error();
    if (!approve && note->empty()) return core::InvalidField("comment", Msg("tasks.return_comment_required"));
    auto row = db_.Read([&](Connection& c) { return c.QueryOne(std::string(kSelectUpdate) + " WHERE id = $1", {update_id}); });
    if (!row) return core::NotFound(Msg("tasks.update_not_found"));
    const auto u = UpdateFromRow(*row);
    auto actor = AuthorizeOnUnit(who, kUpdateApprove, u.unit_id);
    if (!actor) return actor.error();
    // Four eyes: whoever reported does not approve his own report.
    if (who.user_id != 0 && u.submitted_by == who.user_id) return core::Forbidden(Msg("tasks.own_report"));
    auto cal = Calendar();
    if (!cal) return cal.error();
    return db_.Transact([&](Connection& c) -> core::Result<Update> {
        const auto now = clock_.Now();
        if (c.Execute("UPDATE tasks_updates SET state = $1, decided_by = $2, decided_at = $3, decision_comment = $4"
                      " WHERE id = $5 AND state = 'submitted'",
                      {approve ? "approved" : "returned", who.user_id, Ms(now), *note, update_id}) != 1) {
            return core::Conflict(Msg("tasks.update_decided"));
        }
        if (approve) {
            // Claim the task: two approvals at once (another unit's, a completion) are serialised,
            // and a completed task takes no more.
            if (c.Execute("UPDATE tasks_tasks SET version = version + 1 WHERE id = $1 AND completed_at IS NULL",
                          {u.task_id}) != 1) {
                return core::Conflict(Msg("tasks.task_completed"));
            }
            // The report's unit must still lead the task (a settled dispute may have moved it).
            if (!c.QueryOne("SELECT 1 FROM tasks_task_units WHERE task_id = $1 AND unit_id = $2 AND role = 'lead' AND"
                            " active = 1",
                            {u.task_id, u.unit_id})) {
                return core::Conflict(Msg("tasks.unit_no_longer_lead"));
            }
            auto task = Load(c, u.task_id);
            if (!task) return task.error();
            // Several lead units: the task's progress is the mean of each one's latest approved
            // report, and it is completed when every one of them has reported completion (the
            // latest of those times).
            std::int64_t sum = 0, leads = 0, completed = 0;
            std::optional<core::TimePoint> completed_at;
            for (const auto& l : c.Query("SELECT unit_id FROM tasks_task_units WHERE task_id = $1 AND role = 'lead' AND"
                                         " active = 1",
                                         {u.task_id})) {
                ++leads;
                auto last = c.QueryOne("SELECT progress, completion, submitted_at FROM tasks_updates WHERE task_id = $1"
                                       " AND unit_id = $2 AND state = 'approved' ORDER BY decided_at DESC, id DESC LIMIT 1",
                                       {u.task_id, l.Int(0)});
                if (!last) continue;
                sum += last->Int(0);
                if (last->Bool(1)) {
                    ++completed;
                    const auto at = core::FromMillis(last->Int(2));
                    if (!completed_at || at > *completed_at) completed_at = at;
                }
            }
            const auto progress = leads ? sum / leads : static_cast<std::int64_t>(u.progress);
            if (completed < leads || leads == 0) completed_at.reset();
            c.Execute("UPDATE tasks_tasks SET progress = $1, results = CASE WHEN $2 = '' THEN results ELSE $2 END,"
                      " products = CASE WHEN $3 = '' THEN products ELSE $3 END, started = 1, completed_at = $4,"
                      " version = version + 1, updated_at = $5 WHERE id = $6",
                      {progress, u.results, u.products, OptMs(completed_at), Ms(now), u.task_id});
            // Which checkpoints this report keeps (docs/tasks.md): a completion closes every open
            // one. Any other report keeps the open update checkpoint whose window holds it (from
            // the previous checkpoint's moment, or the start, to its own due time), else the
            // latest open one already past; open ones before it were skipped: closed as missed.
            std::vector<const Clock*> updates_cp;
            for (const auto& k : task->clocks) {
                if (k.kind == ClockKind::kUpdate && !k.final) updates_cp.push_back(&k);
            }
            std::vector<const Clock*> kept;
            if (u.completion) {
                for (const auto& k : task->clocks) {
                    if (k.kind == ClockKind::kUpdate && !k.done_at) kept.push_back(&k);
                }
            } else {
                std::optional<std::size_t> target;
                core::TimePoint window = task->start;
                for (std::size_t i = 0; i < updates_cp.size(); ++i) {
                    const auto* k = updates_cp[i];
                    if (!k->done_at && u.submitted_at >= window && u.submitted_at <= k->due_at) {
                        target = i;
                        break;
                    }
                    window = k->point.value_or(window);
                }
                if (!target) {
                    for (std::size_t i = 0; i < updates_cp.size(); ++i) {
                        if (!updates_cp[i]->done_at && updates_cp[i]->due_at < u.submitted_at) target = i;
                    }
                }
                if (target) {
                    for (std::size_t i = 0; i <= *target; ++i) {
                        if (!updates_cp[i]->done_at && (i == *target || updates_cp[i]->due_at < u.submitted_at))
                            kept.push_back(updates_cp[i]);
                    }
                }
            }
            std::string late;
            for (const auto* k : kept) {
                c.Execute("UPDATE tasks_clocks SET done_at = $1 WHERE id = $2 AND done_at IS NULL", {Ms(u.submitted_at), k->id});
                if (u.submitted_at > k->due_at) late += (late.empty() ? "" : ", ") + k->label;
            }
            // Late or skipped: explained in writing before the next update counts (T-18).
            if (!late.empty()) {
                c.Execute("INSERT INTO tasks_explanations (task_id, unit_id, cause, detail, required_at) VALUES"
                          " ($1, $2, 'late_report', $3, $4)",
                          {u.task_id, u.unit_id, late, Ms(now)});
            }
            // The monitoring unit evaluates within 3 working days (Art. 6.3).
            if (auto due = ClockDue(ClockKind::kEvaluate, now, *cal.value()))
                StartClock(c, u.task_id, ClockKind::kEvaluate, update_id, now, due.value());
        }
        auto after = UpdateFromRow(*c.QueryOne(std::string(kSelectUpdate) + " WHERE id = $1", {update_id}));
        audit_.Write(c, actor.value(),
                     {approve ? "tasks.update.approve" : "tasks.update.return", "tasks_update", std::to_string(update_id),
                      json::object{{"state", "submitted"}}, json::object{{"state", after.state}, {"comment", *note}}});
        Refresh(c, u.task_id, actor.value());
        if (auto t = Load(c, u.task_id)) Changed(c, t.value(), approve ? "approve" : "return");
        return after;
    });
}

core::Result<Update> Service::Evaluate(const Principal& who, std::int64_t update_id, std::string evaluation,
                                       bool wrong_report) {
    auto text = RequiredText("evaluation", evaluation, 4000);
    if (!text) return text.error();
    auto row = db_.Read([&](Connection& c) { return c.QueryOne(std::string(kSelectUpdate) + " WHERE id = $1", {update_id}); });
    if (!row) return core::NotFound(Msg("tasks.update_not_found"));
    const auto u = UpdateFromRow(*row);
    auto task = db_.Read([&](Connection& c) { return Load(c, u.task_id); });
    if (!task) return task.error();
    auto actor = AuthorizeOnUnit(who, kTaskEvaluate, task->monitoring_unit_id);
    if (!actor) return actor.error();
    if (u.state != "approved") return core::Conflict(Msg("tasks.evaluate_approved_only"));
    return db_.Transact([&](Connection& c) -> core::Result<Update> {
        const auto now = clock_.Now();
        if (c.Execute("UPDATE tasks_updates SET evaluation = $1, evaluated_by = $2, evaluated_at = $3, wrong_report = $5"
                      " WHERE id = $4 AND evaluated_at IS NULL AND state = 'approved'",
                      {*text, who.user_id, Ms(now), update_id, wrong_report}) != 1) {
            return core::Conflict(Msg("tasks.update_evaluated"));
        }
        StopClock(c, u.task_id, ClockKind::kEvaluate, update_id, now);
        if (wrong_report) {
            c.Execute("INSERT INTO tasks_explanations (task_id, unit_id, cause, detail, required_at) VALUES ($1, $2,"
                      " 'wrong_report', $3, $4)",
                      {u.task_id, u.unit_id, *text, Ms(now)});
        }
        auto after = UpdateFromRow(*c.QueryOne(std::string(kSelectUpdate) + " WHERE id = $1", {update_id}));
        audit_.Write(c, actor.value(),
                     {"tasks.update.evaluate", "tasks_update", std::to_string(update_id), nullptr,
                      json::object{{"evaluation", *text}, {"wrong_report", wrong_report}}});
        if (auto t = Load(c, u.task_id)) Changed(c, t.value(), "evaluate");
        return after;
    });
}

std::vector<Update> Service::Updates(const Principal& who, std::int64_t task_id) const {
    std::vector<Update> out;
    if (!GetTask(who, task_id)) return out;
    return db_.Read([&](Connection& c) {
        for (const auto& r : c.Query(std::string(kSelectUpdate) + " WHERE task_id = $1 ORDER BY id", {task_id}))
            out.push_back(UpdateFromRow(r));
        return out;
    });
}

std::vector<Explanation> Service::Explanations(const Principal& who, std::int64_t task_id) const {
    std::vector<Explanation> out;
    if (!GetTask(who, task_id)) return out;
    return db_.Read([&](Connection& c) {
        for (const auto& r : c.Query(std::string(kSelectExplanation) + " WHERE task_id = $1 ORDER BY id", {task_id}))
            out.push_back(ExplanationFromRow(r));
        return out;
    });
}

core::Result<Explanation> Service::Explain(const Principal& who, std::int64_t explanation_id, std::string text) {
    auto body = RequiredText("text", text, 8000);
    if (!body) return body.error();
    auto row = db_.Read([&](Connection& c) {
        return c.QueryOne(std::string(kSelectExplanation) + " WHERE id = $1", {explanation_id});
    });
    if (!row) return core::NotFound(Msg("tasks.explanation_not_found"));
    const auto e = ExplanationFromRow(*row);
    auto actor = AuthorizeOnUnit(who, kUpdateSubmit, e.unit_id);
    if (!actor) return actor.error();
    return db_.Transact([&](Connection& c) -> core::Result<Explanation> {
        if (c.Execute("UPDATE tasks_explanations SET text = $1, submitted_by = $2, submitted_at = $3 WHERE id = $4 AND"
                      " submitted_at IS NULL",
                      {*body, who.user_id, Ms(clock_.Now()), explanation_id}) != 1) {
            return core::Conflict(Msg("tasks.explanation_given"));
        }
        auto after = ExplanationFromRow(*c.QueryOne(std::string(kSelectExplanation) + " WHERE id = $1", {explanation_id}));
        audit_.Write(c, actor.value(),
                     {"tasks.explanation.submit", "tasks_explanation", std::to_string(explanation_id), nullptr,
                      json::object{{"task", e.task_id}, {"text", *body}}});
        return after;
    });
}

std::vector<StatusChange> Service::StatusHistory(const Principal& who, std::int64_t task_id) const {
    std::vector<StatusChange> out;
    if (!GetTask(who, task_id)) return out;
    return db_.Read([&](Connection& c) {
        for (const auto& r : c.Query("SELECT status, at FROM tasks_status_history WHERE task_id = $1 ORDER BY id", {task_id}))
            out.push_back({ParseStatus(r.Text(0)).value_or(Status::kNotStartedWithinDeadline), core::FromMillis(r.Int(1))});
        return out;
    });
}

Abilities Service::AbilitiesOn(const Principal& who, const Task& t) const {
    Abilities a;
    a.enter = MayEnter(who);
    for (const auto& u : t.units) {
        if (u.role != "lead") continue;
        if (!u.acknowledged_at && AuthorizeOnUnit(who, kTaskAcknowledge, u.unit_id)) a.acknowledge = true;
        if (!t.completed_at && AuthorizeOnUnit(who, kUpdateSubmit, u.unit_id)) a.update = true;
        if (AuthorizeOnUnit(who, kUpdateApprove, u.unit_id)) a.approve = true;
    }
    a.evaluate = AuthorizeOnUnit(who, kTaskEvaluate, t.monitoring_unit_id).ok();
    return a;
}

bool Service::MayReadFile(const Principal& who, std::string_view sha256) const {
    if (!IsMediaUrl("/media/" + std::string(sha256))) return false;
    const std::string pattern = "%/media/" + std::string(sha256) + "%";  // hex only: no wildcard in it
    auto refs = db_.Read([&](Connection& c) {
        std::pair<std::vector<std::int64_t>, std::vector<std::int64_t>> out;
        for (const auto& r : c.Query("SELECT id FROM tasks_documents WHERE files_json LIKE $1 LIMIT 50", {pattern}))
            out.first.push_back(r.Int(0));
        for (const auto& r :
             c.Query("SELECT DISTINCT task_id FROM tasks_updates WHERE attachments_json LIKE $1 LIMIT 50", {pattern}))
            out.second.push_back(r.Int(0));
        return out;
    });
    for (auto d : refs.first) {
        if (GetDocument(who, d)) return true;
    }
    for (auto t : refs.second) {
        if (GetTask(who, t)) return true;
    }
    return false;
}

bool Service::MayEnter(const Principal& who) const {
    return policy_.Authorize(who, kTaskEnter, core::access::Scope::Global()).ok();
}

// ---------------------------------------------------------------------------------------------
// Jobs

int Service::ExtendOpenEnded() {
    auto cal = Calendar();
    if (!cal) return 0;
    const auto now = clock_.Now();
    int added = 0;
    if (auto done = db_.Transact([&](Connection& c) -> core::Status {
        for (const auto& r : c.Query("SELECT id, start_at, cadence FROM tasks_tasks WHERE deadline_at IS NULL AND"
                                     " completed_at IS NULL AND merged_into IS NULL AND cadence <> ''")) {
            // A year of checkpoints ahead, always: the periodic updates of Art. 6.2.b(4) never end.
            auto plan = Checkpoints({.start = core::FromMillis(r.Int(1)),
                                     .cadence = ParseCadence(r.Text(2)).value_or(Cadence::kNone),
                                     .horizon = now + std::chrono::hours(24 * 366)},
                                    *cal.value());
            if (!plan) continue;
            for (const auto& k : plan.value()) {
                added += static_cast<int>(c.Execute(
                    "INSERT INTO tasks_clocks (task_id, kind, subject, label, started_at, point_at, due_at) VALUES ($1,"
                    " 'update', 0, $2, $3, $4, $5) ON CONFLICT DO NOTHING",
                    {r.Int(0), k.label, r.Int(1), Ms(k.point), Ms(k.due_at)}));
            }
        }
        return core::Ok{};
    }); !done) {
        spdlog::warn("tasks: extending open-ended tasks failed: {}", core::Text(done.error().message, "en"));
    }
    return added;
}

int Service::RefreshStatuses() {
    ExtendOpenEnded();
    // Set-based: every open task's inputs in three queries, its status by the pure rule; only the
    // tasks whose status changes go through Refresh (history, audit, live event, ancestors), so
    // the job's every-minute walk costs a read, not a transaction per task.
    const auto now = clock_.Now();
    auto changed_ids = db_.Read([&](Connection& c) {
        std::set<std::int64_t> missed, child_started;
        for (const auto& r : c.Query("SELECT DISTINCT task_id FROM tasks_clocks WHERE kind = 'update' AND done_at IS NULL"
                                     " AND due_at < $1",
                                     {Ms(now)}))
            missed.insert(r.Int(0));
        for (const auto& r : c.Query("SELECT DISTINCT parent_id FROM tasks_tasks WHERE parent_id IS NOT NULL AND status NOT"
                                     " IN ('not_started_within_deadline', 'not_started_overdue')"))
            child_started.insert(r.Int(0));
        std::vector<std::int64_t> out;
        for (const auto& r : c.Query("SELECT id, start_at, deadline_at, started, progress, status FROM tasks_tasks WHERE"
                                     " completed_at IS NULL AND merged_into IS NULL ORDER BY id")) {
            const auto id = r.Int(0);
            const auto status = ComputeStatus({.start = core::FromMillis(r.Int(1)),
                                               .deadline = OptTime(r, 2),
                                               .completed_at = std::nullopt,
                                               .started = r.Bool(3) || child_started.contains(id),
                                               .approved_progress = static_cast<int>(r.Int(4)),
                                               .missed_checkpoint = missed.contains(id),
                                               .now = now,
                                               .lag_margin = settings_.lag_margin});
            if (StatusCode(status) != r.Text(5)) out.push_back(id);
        }
        return out;
    });
    int changed = 0;
    const audit::Actor system{.username = "system", .role = "tasks.status", .address = "job"};
    for (auto id : changed_ids) {
        if (auto done = db_.Transact([&](Connection& c) -> core::Status {
            auto before = c.QueryOne("SELECT status FROM tasks_tasks WHERE id = $1", {id});
            Refresh(c, id, system);
            auto after = c.QueryOne("SELECT status FROM tasks_tasks WHERE id = $1", {id});
            if (before && after && before->Text(0) != after->Text(0)) ++changed;
            return core::Ok{};
        }); !done) {
            spdlog::warn("tasks: a status refresh failed: {}", core::Text(done.error().message, "en"));
        }
    }
    return changed;
}

int Service::RecomputeClocks() {
    auto cal = Calendar();
    if (!cal) return 0;
    const auto now = clock_.Now();
    // Computed from a read (no write lock held while every running clock is looked at); only the
    // clocks whose due time moved are written, each in a transaction of its own that changes it
    // only if it is still running and still due when it was read.
    struct Move {
        std::int64_t id = 0;
        core::TimePoint from{}, to{};
    };
    auto moves = db_.Read([&](Connection& c) {
        std::vector<Move> out;
        // Running clocks only: a clock that stopped keeps the due time it ran against.
        std::map<std::int64_t, std::vector<Checkpoint>> plans;
        for (const auto& r : c.Query("SELECT k.id, k.task_id, k.kind, k.label, k.started_at, k.due_at, t.start_at,"
                                     " t.deadline_at, t.cadence FROM tasks_clocks k JOIN tasks_tasks t ON t.id = k.task_id"
                                     " WHERE k.done_at IS NULL")) {
            const auto kind = r.Text(2);
            std::optional<core::TimePoint> due;
            if (kind == "update" || kind == "final") {
                auto& plan = plans[r.Int(1)];
                if (plan.empty()) {
                    auto p = Checkpoints({.start = core::FromMillis(r.Int(6)),
                                          .deadline = OptTime(r, 7),
                                          .cadence = ParseCadence(r.Text(8)).value_or(Cadence::kNone),
                                          .horizon = now + std::chrono::hours(24 * 366)},
                                         *cal.value());
                    if (p) plan = std::move(p).value();
                }
                for (const auto& k : plan) {
                    if (k.label == r.Text(3)) due = k.due_at;
                }
            } else if (auto k = ParseClock(kind)) {
                if (auto d = ClockDue(*k, core::FromMillis(r.Int(4)), *cal.value())) due = d.value();
            }
            const auto old_due = core::FromMillis(r.Int(5));
            if (due && *due != old_due) out.push_back({r.Int(0), old_due, *due});
        }
        return out;
    });
    int moved = 0;
    for (const auto& m : moves) {
        if (auto done = db_.Transact([&](Connection& c) -> core::Status {
            const auto note = fmt::format("Tính lại theo lịch làm việc lúc {} (trước: {})", cal.value()->FormatIso(now),
                                          cal.value()->FormatIso(m.from));
            if (c.Execute("UPDATE tasks_clocks SET due_at = $1, note = $2 WHERE id = $3 AND done_at IS NULL AND due_at = $4",
                          {Ms(m.to), note, m.id, Ms(m.from)}) != 1) {
                return core::Ok{};  // stopped or moved meanwhile
            }
            audit_.Write(c, {.username = "system", .role = "calendar", .address = "job"},
                         {"tasks.clock.recompute", "tasks_clock", std::to_string(m.id),
                          json::object{{"due_at", cal.value()->FormatIso(m.from)}},
                          json::object{{"due_at", cal.value()->FormatIso(m.to)}}});
            ++moved;
            return core::Ok{};
        }); !done) {
            spdlog::warn("tasks: recomputing clocks failed: {}", core::Text(done.error().message, "en"));
        }
    }
    return moved;
}

// ---------------------------------------------------------------------------------------------
// Reminders (T-13)

namespace {

// The levels of a reminder, in order; a clock gets each once.
constexpr std::array<std::string_view, 4> kLevels = {"due_soon", "due", "overdue", "escalated"};

std::string_view LevelText(std::string_view level) {
    if (level == "due_soon") return "sắp đến hạn";
    if (level == "due") return "đến hạn hôm nay";
    if (level == "overdue") return "đã quá hạn";
    return "quá hạn, báo lãnh đạo đơn vị";
}

std::string_view WhatText(std::string_view kind) {
    if (kind == "acknowledge") return "Xác nhận tiếp nhận nhiệm vụ";
    if (kind == "update") return "Cập nhật tình hình thực hiện";
    if (kind == "final") return "Báo cáo kết thúc nhiệm vụ";
    if (kind == "evaluate") return "Đánh giá báo cáo cập nhật";
    if (kind == "settle") return "Xử lý phản hồi về giao nhiệm vụ";
    return "Nhiệm vụ";
}

std::string Shorten(const std::string& s, std::size_t max) {
    if (s.size() <= max) return s;
    std::size_t cut = max;
    while (cut > 0 && (static_cast<unsigned char>(s[cut]) & 0xC0) == 0x80) --cut;  // a UTF-8 boundary
    return s.substr(0, cut) + "…";
}

}  // namespace

struct OpenClock {
    std::int64_t id = 0, task = 0, subject = 0, monitoring = 0;
    std::string kind, content;
    core::TimePoint due{};
    std::vector<std::int64_t> leads;
};

namespace {

// The running clocks people are reminded of, with their task's lead units: `join` narrows them
// (the digest: those already reminded); `due_before` (null: any) bounds their due time.
std::vector<OpenClock> OpenClocks(Connection& c, std::string_view join, Value due_before) {
    std::vector<OpenClock> out;
    core::db::Params params;
    std::string sql = "SELECT DISTINCT k.id, k.task_id, k.kind, k.subject, k.due_at, t.content, t.monitoring_unit_id"
                      " FROM tasks_clocks k JOIN tasks_tasks t ON t.id = k.task_id " +
                      std::string(join) +
                      " WHERE k.done_at IS NULL AND t.completed_at IS NULL AND t.merged_into IS NULL"
                      " AND k.kind IN ('acknowledge', 'update', 'final', 'evaluate', 'settle')";
    if (!due_before.IsNull()) {
        params.push_back(std::move(due_before));
        sql += " AND k.due_at <= $1";
    }
    for (const auto& r : c.Query(sql + " ORDER BY k.due_at", params)) {
        OpenClock k{r.Int(0), r.Int(1), r.Int(3), r.Int(6), r.Text(2), r.Text(5), core::FromMillis(r.Int(4)), {}};
        for (const auto& u : c.Query("SELECT unit_id FROM tasks_task_units WHERE task_id = $1 AND role = 'lead' AND"
                                     " active = 1",
                                     {k.task})) {
            k.leads.push_back(u.Int(0));
        }
        out.push_back(std::move(k));
    }
    return out;
}

}  // namespace

std::set<std::int64_t> Service::RecipientsOf(Connection& c, const OpenClock& k, bool escalated) const {
    std::set<std::int64_t> to;
    auto add = [&](Permission p, const core::access::Scope& scope) {
        for (auto u : settings_.holders(c, p, scope)) to.insert(u);
    };
    // Who must act: the assignee's focal points (its receivers for an acknowledgement), the
    // monitoring unit for an evaluation, the task office for a dispute.
    if (k.kind == "acknowledge") {
        add(kTaskAcknowledge, core::access::Scope::Unit(k.subject));
    } else if (k.kind == "evaluate") {
        add(kTaskEvaluate, core::access::Scope::Unit(k.monitoring));
    } else if (k.kind == "settle") {
        add(kTaskEnter, core::access::Scope::Global());
    } else {
        for (auto u : k.leads) add(kUpdateSubmit, core::access::Scope::Unit(u));
    }
    // Escalation: the head of the unit that must act (its approvers).
    if (escalated) {
        if (k.kind == "evaluate" || k.kind == "settle") {
            add(kTaskEnter, core::access::Scope::Global());
        } else {
            for (auto u : k.kind == "acknowledge" ? std::vector<std::int64_t>{k.subject} : k.leads)
                add(kUpdateApprove, core::access::Scope::Unit(u));
        }
    }
    return to;
}

int Service::Remind() {
    if (!settings_.notify || !settings_.holders) return 0;
    auto cal = Calendar();
    if (!cal) return 0;
    const auto now = clock_.Now();
    auto open = db_.Read([&](Connection& c) {
        return OpenClocks(c, "", Ms(now + std::chrono::hours(24 * 14)));
    });
    int sent = 0;
    for (const auto& k : open) {
        // The highest level that applies now; lower ones not sent are recorded with it (no burst
        // of stale reminders after a pause).
        int level = -1;
        auto ahead = cal.value()->TryWorkingTimeBetween(now, k.due);
        if (now < k.due && ahead && ahead.value() <= settings_.remind_before) level = 0;
        if (now < k.due && cal.value()->LocalDate(now) == cal.value()->LocalDate(k.due)) level = 1;
        if (now >= k.due) level = 2;
        auto behind = cal.value()->TryWorkingTimeBetween(k.due, now);
        if (now >= k.due && behind && behind.value() >= settings_.escalate_after) level = 3;
        if (level < 0) continue;
        if (auto done = db_.Transact([&](Connection& c) -> core::Status {
            if (c.QueryOne("SELECT 1 FROM tasks_reminders WHERE clock_id = $1 AND level = $2",
                           {k.id, std::string(kLevels[level])})) {
                return core::Ok{};
            }
            for (int l = 0; l < level; ++l) {
                c.Execute("INSERT INTO tasks_reminders (clock_id, level, sent_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
                          {k.id, std::string(kLevels[l]), Ms(now)});
            }
            // Claimed here: two nodes racing meet at the primary key; only the one inserting sends.
            if (c.Execute("INSERT INTO tasks_reminders (clock_id, level, sent_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
                          {k.id, std::string(kLevels[level]), Ms(now)}) != 1) {
                return core::Ok{};
            }
            auto to = RecipientsOf(c, k, level == 3);
            const auto title = fmt::format("Nhắc việc: {} — {}", WhatText(k.kind), LevelText(kLevels[level]));
            const auto body = fmt::format("{}\nHạn: {}", Shorten(k.content, 300), cal.value()->FormatIso(k.due));
            for (auto user : to) settings_.notify(c, user, title, body, "/admin/tasks/" + std::to_string(k.task));
            c.Execute("UPDATE tasks_reminders SET recipients = $1 WHERE clock_id = $2 AND level = $3",
                      {static_cast<std::int64_t>(to.size()), k.id, std::string(kLevels[level])});
            ++sent;
            return core::Ok{};
        }); !done) {
            spdlog::warn("tasks: a reminder failed: {}", core::Text(done.error().message, "en"));
        }
    }
    return sent;
}

int Service::SendDigests() {
    if (!settings_.notify || !settings_.holders) return 0;
    auto cal = Calendar();
    if (!cal) return 0;
    const auto now = clock_.Now();
    const auto today = calendar::FormatIsoDate(cal.value()->LocalDate(now));
    int people = 0;
    if (auto done = db_.Transact([&](Connection& c) -> core::Status {
        // Every open clock already reminded, by the person it was for.
        std::map<std::int64_t, std::vector<std::string>> lines;
        for (const auto& k : OpenClocks(c, "JOIN tasks_reminders m ON m.clock_id = k.id", {})) {
            const auto line = fmt::format("• {} (hạn {}): {}", WhatText(k.kind), cal.value()->FormatIso(k.due).substr(0, 16),
                                          Shorten(k.content, 160));
            for (auto u : RecipientsOf(c, k, false)) lines[u].push_back(line);
        }
        for (const auto& [user, items] : lines) {
            if (c.Execute("INSERT INTO tasks_digests (user_id, day, sent_at, items) VALUES ($1, $2, $3, $4)"
                          " ON CONFLICT DO NOTHING",
                          {user, today, Ms(now), static_cast<std::int64_t>(items.size())}) != 1) {
                continue;
            }
            std::string body;
            for (const auto& l : items) body += l + "\n";
            settings_.notify(c, user, fmt::format("Tổng hợp nhắc việc ngày {} ({} việc)", today, items.size()), body,
                             "/admin/tasks");
            ++people;
        }
        return core::Ok{};
    }); !done) {
        spdlog::warn("tasks: the digests failed: {}", core::Text(done.error().message, "en"));
    }
    return people;
}

}  // namespace vp::tasks
