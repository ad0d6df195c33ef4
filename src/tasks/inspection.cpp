// The inspection commissions' warnings and results and the answers to them (T-11; 08-QC/TW
// Art. 11.1.c), and the dashboard's and the map's figures (T-19). Part of Watch (watch.hpp).
#include <algorithm>
#include <map>
#include <set>
#include <unordered_set>

#include <boost/json.hpp>
#include <fmt/format.h>

#include "calendar/iso_time.hpp"
#include "calendar/service.hpp"
#include "core/message.hpp"
#include "core/text.hpp"
#include "tasks/watch.hpp"
#include "tasks/watch_internal.hpp"

namespace vp::tasks {
namespace {

namespace json = boost::json;
using core::Msg;
using core::db::Connection;

std::int64_t Ms(core::TimePoint t) { return core::ToMillis(t); }

}  // namespace

const std::vector<std::string>& WarningKinds() {
    static const std::vector<std::string> kKinds = {"delay", "deviating_data", "broken_procedure",
                                                    "inspection_result", "supervision_result"};
    return kKinds;
}

bool Watch::MayReadUnit(const Principal& who, std::int64_t unit) const {
    if (who.is_operator || policy_.Authorize(who, kTaskReadAll, core::access::Scope::Global())) return true;
    const auto scope = core::access::Scope::Unit(unit);
    return policy_.Authorize(who, kTaskRead, scope) || policy_.Authorize(who, kInspect, scope);
}

std::optional<Warning> Watch::LoadWarning(Connection& c, std::int64_t id) const {
    auto r = c.QueryOne("SELECT w.id, COALESCE(w.task_id, 0), w.unit_id, w.kind, w.rule, w.text, w.raised_by,"
                        " w.raised_unit_id, w.raised_at, w.answered_at, COALESCE(t.content, '') FROM tasks_warnings w"
                        " LEFT JOIN tasks_tasks t ON t.id = w.task_id WHERE w.id = $1",
                        {id});
    if (!r) return std::nullopt;
    Warning w{.id = r->Int(0), .task_id = r->Int(1), .unit_id = r->Int(2), .task_content = r->Text(10),
              .kind = r->Text(3), .rule = r->Text(4), .text = r->Text(5), .raised_by = r->Int(6),
              .raised_unit_id = r->Int(7), .raised_at = core::FromMillis(r->Int(8))};
    if (!r->IsNull(9)) w.answered_at = core::FromMillis(r->Int(9));
    for (const auto& a : c.Query("SELECT id, text, answered_by, answered_at FROM tasks_warning_answers WHERE"
                                 " warning_id = $1 ORDER BY id",
                                 {id}))
        w.answers.push_back({a.Int(0), a.Text(1), a.Int(2), core::FromMillis(a.Int(3))});
    return w;
}

core::Result<Warning> Watch::RaiseWarning(const Principal& who, NewWarning in) {
    const auto& kinds = WarningKinds();
    if (std::find(kinds.begin(), kinds.end(), in.kind) == kinds.end())
        return core::InvalidField("kind", Msg("tasks.warning_kind_unknown", {{"kind", in.kind}}));
    auto rule = RequiredText("rule", in.rule, 300, false);
    if (!rule) return rule.error();
    auto text = RequiredText("text", in.text, 8000);
    if (!text) return text.error();
    // The unit warned: one of the task's own units (its first lead unit by default), or any unit.
    std::int64_t unit = 0;
    if (in.task_id) {
        auto rows = db_.Read([&](Connection& c) {
            return c.Query("SELECT unit_id, role FROM tasks_task_units WHERE task_id = $1 AND active = 1 UNION ALL"
                           " SELECT monitoring_unit_id, 'monitoring' FROM tasks_tasks WHERE id = $1",
                           {in.task_id});
        });
        if (rows.empty()) return core::NotFound(Msg("tasks.task_not_found"));
        auto wanted = in.unit.empty() ? std::optional<units::Unit>{} : units_.FindByCode(in.unit);
        for (const auto& r : rows) {
            if (wanted ? r.Int(0) == wanted->id : (r.Text(1) == "lead" && !unit)) unit = r.Int(0);
        }
        if (!unit) return core::InvalidField("unit", Msg("tasks.warning_unit_not_of_task", {{"code", in.unit}}));
    } else {
        auto u = units_.FindByCode(in.unit);
        if (!u || u->status != "active") return core::InvalidField("unit", Msg("tasks.unit_not_found", {{"code", in.unit}}));
        unit = u->id;
    }
    // An inspection commission covers its own level: the units of the subtree it is granted; the
    // Central Inspection Commission (a grant on a national unit) every unit.
    auto actor = policy_.Authorize(who, kInspect, core::access::Scope::Unit(unit));
    if (!actor) actor = policy_.Authorize(who, kInspect, core::access::Scope::Global());
    if (!actor) return actor.error();
    auto created = db_.Transact([&](Connection& c) -> core::Result<std::int64_t> {
        const auto now = clock_.Now();
        auto row = c.QueryOne("INSERT INTO tasks_warnings (task_id, unit_id, kind, rule, text, raised_by, raised_unit_id,"
                              " raised_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
                              {in.task_id ? core::db::Value(in.task_id) : core::db::Value(), unit, in.kind, *rule, *text,
                               who.user_id, who.unit_id, Ms(now)});
        const auto id = row->Int(0);
        audit_.Write(c, actor.value(),
                     {"tasks.warning.raise", "tasks_warning", std::to_string(id), nullptr,
                      json::object{{"task", in.task_id}, {"unit", unit}, {"kind", in.kind}, {"rule", *rule}}});
        // The unit and the task office see it and answer (Art. 11.1.c).
        if (notify_ && holders_) {
            std::set<std::int64_t> people;
            for (auto perm : {kUpdateSubmit, kUpdateApprove}) {
                for (auto user : holders_(c, perm, core::access::Scope::Unit(unit))) people.insert(user);
            }
            for (auto user : holders_(c, kTaskEnter, core::access::Scope::Global())) people.insert(user);
            const auto link = in.task_id ? "/admin/tasks/" + std::to_string(in.task_id) : std::string("/admin/tasks/warnings");
            for (auto user : people) {
                if (user == who.user_id) continue;
                notify_(c, user, "Cảnh báo của cơ quan kiểm tra (" + *rule + ")", *text, link);
            }
        }
        events_.Publish(c, core::Event{.topic = "tasks.task",
                                       .data_json = json::serialize(json::object{{"id", in.task_id},
                                                                                 {"action", "warning"},
                                                                                 {"units", json::array{unit}}})});
        return id;
    });
    if (!created) return created.error();
    return *db_.Read([&](Connection& c) { return LoadWarning(c, created.value()); });
}

core::Result<Warning> Watch::AnswerWarning(const Principal& who, std::int64_t id, std::string text) {
    auto body = RequiredText("text", text, 8000);
    if (!body) return body.error();
    auto w = db_.Read([&](Connection& c) { return LoadWarning(c, id); });
    if (!w || !MayReadUnit(who, w->unit_id)) return core::NotFound(Msg("tasks.warning_not_found"));
    // The unit warned (its focal point or approver) or the task office answers.
    const auto scope = core::access::Scope::Unit(w->unit_id);
    auto actor = policy_.Authorize(who, kUpdateApprove, scope);
    if (!actor) actor = policy_.Authorize(who, kUpdateSubmit, scope);
    if (!actor) actor = policy_.Authorize(who, kTaskEnter, core::access::Scope::Global());
    if (!actor) return actor.error();
    auto done = db_.Transact([&](Connection& c) -> core::Status {
        const auto now = clock_.Now();
        c.Execute("INSERT INTO tasks_warning_answers (warning_id, text, answered_by, answered_at) VALUES ($1, $2, $3, $4)",
                  {id, *body, who.user_id, Ms(now)});
        c.Execute("UPDATE tasks_warnings SET answered_at = $1 WHERE id = $2 AND answered_at IS NULL", {Ms(now), id});
        audit_.Write(c, actor.value(),
                     {"tasks.warning.answer", "tasks_warning", std::to_string(id), nullptr, json::object{{"text", *body}}});
        if (notify_ && w->raised_by != who.user_id) {
            notify_(c, w->raised_by, "Trả lời cảnh báo (" + w->rule + ")", *body,
                    w->task_id ? "/admin/tasks/" + std::to_string(w->task_id) : std::string("/admin/tasks/warnings"));
        }
        return core::Ok{};
    });
    if (!done) return done.error();
    return *db_.Read([&](Connection& c) { return LoadWarning(c, id); });
}

std::vector<Warning> Watch::Warnings(const Principal& who, std::int64_t task_id) const {
    auto ids = db_.Read([&](Connection& c) {
        std::vector<std::pair<std::int64_t, std::int64_t>> out;
        const auto rows = task_id ? c.Query("SELECT id, unit_id FROM tasks_warnings WHERE task_id = $1 ORDER BY id DESC",
                                            {task_id})
                                  : c.Query("SELECT id, unit_id FROM tasks_warnings ORDER BY id DESC LIMIT 1000");
        for (const auto& r : rows) out.emplace_back(r.Int(0), r.Int(1));
        return out;
    });
    std::vector<Warning> out;
    std::map<std::int64_t, bool> may;
    for (auto [id, unit] : ids) {
        auto it = may.find(unit);
        if (it == may.end()) it = may.emplace(unit, MayReadUnit(who, unit)).first;
        if (!it->second) continue;
        auto w = db_.Read([&](Connection& c) { return LoadWarning(c, id); });
        if (!w) continue;
        for (std::int64_t u : {w->unit_id, w->raised_unit_id}) {
            auto unit_row = units_.Find(u);
            (u == w->unit_id ? w->unit_name : w->raised_unit_name) = unit_row ? unit_row->name_vi : "";
            if (u == w->unit_id && unit_row) w->unit_code = unit_row->code;
        }
        out.push_back(std::move(*w));
    }
    return out;
}

// ---------------------------------------------------------------------------------------------
// Dashboard and map (T-19)

namespace internal {

core::Result<core::TimePoint> StartOfDay(std::chrono::year_month_day day, const calendar::Calendar& cal) {
    return calendar::TryParseInstant(calendar::FormatIsoDate(day) + "T00:00", cal.TimeZone());
}

std::vector<Light> LoadLight(Connection& c) {
    std::map<std::int64_t, Light> by_id;
    for (const auto& r : c.Query("SELECT id, status, priority, group_code, deadline_at, completed_at, content,"
                                 " monitoring_unit_id, assigned_at FROM tasks_tasks WHERE merged_into IS NULL")) {
        Light l{.id = r.Int(0), .monitoring = r.Int(7), .status = ParseStatus(r.Text(1)).value_or(Status{}),
                .priority = r.Text(2), .group = r.Text(3), .content = r.Text(6)};
        if (!r.IsNull(4)) l.deadline = core::FromMillis(r.Int(4));
        if (!r.IsNull(5)) l.completed = core::FromMillis(r.Int(5));
        l.assigned = core::FromMillis(r.Int(8));
        by_id.emplace(l.id, std::move(l));
    }
    for (const auto& r : c.Query("SELECT task_id, unit_id, role FROM tasks_task_units WHERE active = 1")) {
        auto it = by_id.find(r.Int(0));
        if (it == by_id.end()) continue;
        it->second.units.push_back(r.Int(1));
        if (r.Text(2) == "lead") it->second.leads.push_back(r.Int(1));
    }
    std::vector<Light> out;
    out.reserve(by_id.size());
    for (auto& [id, l] : by_id) out.push_back(std::move(l));
    return out;
}

}  // namespace internal

namespace {

using internal::IsOverdue;
using internal::Light;
using internal::LoadLight;

Bucket& BucketOf(std::vector<Bucket>& v, std::map<std::string, std::size_t>& index, const std::string& key) {
    auto it = index.find(key);
    if (it == index.end()) {
        it = index.emplace(key, v.size()).first;
        v.push_back({.key = key});
    }
    return v[it->second];
}

}  // namespace

Dashboard Watch::DashboardFor(const Principal& who, const DashboardFilter& f) const {
    Dashboard d{.at = clock_.Now()};
    const bool all = who.is_operator || policy_.Authorize(who, kTaskReadAll, core::access::Scope::Global());
    if (!all && !policy_.HoldsAnywhere(who, kTaskRead)) return d;
    auto cal = calendars_.GetShared();
    if (!cal) return d;
    const auto& calendar = *cal.value();
    const auto view = Current();
    const auto& tasks = view->tasks;
    internal::Readable may_unit(policy_, who);
    const auto filter_unit = f.unit.empty() ? std::optional<units::Unit>{} : units_.FindByCode(f.unit);
    auto unit_of = [&](std::int64_t id) -> const units::Unit* {
        auto it = view->units.find(id);
        return it == view->units.end() ? nullptr : &it->second;
    };
    std::unordered_set<std::int64_t> shown;
    std::map<std::string, std::size_t> si, ui, pi, gi, qi;
    for (auto s : kAllStatuses) BucketOf(d.by_status, si, std::string(StatusCode(s)));
    std::vector<const Light*> overdue;
    for (const auto& t : tasks) {
        if (!all && !may_unit.Task(t)) continue;
        if (!f.unit.empty() &&
            (!filter_unit || std::find(t.units.begin(), t.units.end(), filter_unit->id) == t.units.end()))
            continue;
        if (!f.priority.empty() && t.priority != f.priority) continue;
        if (!f.group.empty() && t.group != f.group) continue;
        shown.insert(t.id);
        const bool late = IsOverdue(t.status);
        ++d.total;
        if (late) {
            ++d.overdue;
            overdue.push_back(&t);
        }
        if (t.completed) ++d.completed;
        auto add = [&](Bucket& b) {
            ++b.count;
            if (late) ++b.overdue;
        };
        add(BucketOf(d.by_status, si, std::string(StatusCode(t.status))));
        for (auto u : t.leads) {
            const auto* unit = unit_of(u);
            auto& b = BucketOf(d.by_unit, ui, unit ? unit->code : std::to_string(u));
            if (b.label.empty() && unit) b.label = unit->short_name.empty() ? unit->name_vi : unit->short_name;
            add(b);
        }
        add(BucketOf(d.by_priority, pi, t.priority));
        add(BucketOf(d.by_group, gi, t.group));
        add(BucketOf(d.by_period, qi, t.quarter));
    }
    auto by_count = [](const Bucket& a, const Bucket& b) { return a.count != b.count ? a.count > b.count : a.key < b.key; };
    std::sort(d.by_unit.begin(), d.by_unit.end(), by_count);
    std::sort(d.by_priority.begin(), d.by_priority.end(), by_count);
    std::sort(d.by_group.begin(), d.by_group.end(), by_count);
    std::sort(d.by_period.begin(), d.by_period.end(), [](const Bucket& a, const Bucket& b) { return a.key < b.key; });
    // The last 12 months: completions and tasks turning overdue.
    const auto today = calendar.LocalDate(d.at);
    std::map<std::string, std::size_t> mi;
    for (int back = 11; back >= 0; --back) {
        const auto m = std::chrono::year_month{today.year(), today.month()} - std::chrono::months(back);
        mi[fmt::format("{:04}-{:02}", static_cast<int>(m.year()), static_cast<unsigned>(m.month()))] = d.trend.size();
        d.trend.push_back({fmt::format("{:04}-{:02}", static_cast<int>(m.year()), static_cast<unsigned>(m.month()))});
    }
    for (const auto& t : tasks) {
        if (t.completed_month.empty() || !shown.contains(t.id)) continue;
        if (auto it = mi.find(t.completed_month); it != mi.end()) ++d.trend[it->second].completed;
    }
    for (const auto& [task, month] : view->overdue_months) {
        if (!shown.contains(task)) continue;
        if (auto it = mi.find(month); it != mi.end()) ++d.trend[it->second].became_overdue;
    }
    std::sort(overdue.begin(), overdue.end(), [](const Light* a, const Light* b) {
        return a->deadline != b->deadline ? a->deadline < b->deadline : a->id < b->id;
    });
    for (const auto* t : overdue) {
        if (d.most_overdue.size() >= 10) break;
        std::string leads;
        for (auto u : t->leads) {
            if (const auto* unit = unit_of(u)) leads += (leads.empty() ? "" : ", ") + unit->name_vi;
        }
        const auto deadline = t->deadline.value_or(d.at);
        d.most_overdue.push_back({t->id, t->content, leads, deadline,
                                  std::chrono::duration_cast<std::chrono::hours>(d.at - deadline).count() / 24,
                                  t->status});
    }
    return d;
}

std::vector<ProvinceFigure> Watch::Provinces(const Principal& who) const {
    std::vector<ProvinceFigure> out;
    if (!MayFollow(who)) return out;
    // Aggregates only (the ranking is published to everyone who follows tasks: Art. 17.1.b).
    const auto view = Current();
    const auto& tasks = view->tasks;
    auto latest = db_.Read([&](Connection& c) {
        std::map<std::int64_t, std::tuple<std::string, std::optional<int>, std::string>> scores;
        for (const auto& r : c.Query("SELECT r.unit_id, r.period, r.total, r.class FROM tasks_evaluation_results r JOIN"
                                     " tasks_evaluations e ON e.period = r.period ORDER BY e.closed_at, r.period")) {
            scores[r.Int(0)] = {r.Text(1), r.IsNull(2) ? std::nullopt : std::optional<int>(static_cast<int>(r.Int(2))),
                                r.Text(3)};
        }
        return scores;
    });
    std::map<std::int64_t, std::size_t> index;
    for (const auto& [id, u] : view->units) {
        if (u.kind != "provincial_committee" || u.status != "active") continue;
        index[u.id] = out.size();
        out.push_back({.unit_id = u.id, .code = u.code, .name = u.short_name.empty() ? u.name_vi : u.short_name});
    }
    for (const auto& t : tasks) {
        for (auto u : t.leads) {
            auto it = index.find(u);
            if (it == index.end()) continue;
            ++out[it->second].tasks;
            if (IsOverdue(t.status)) ++out[it->second].overdue;
        }
    }
    for (auto& p : out) {
        if (auto it = latest.find(p.unit_id); it != latest.end()) {
            p.period = std::get<0>(it->second);
            p.score = std::get<1>(it->second);
            p.klass = evaluation::ParseClass(std::get<2>(it->second));
        }
    }
    return out;
}

}  // namespace vp::tasks
