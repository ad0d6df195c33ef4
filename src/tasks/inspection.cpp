// The inspection commissions' warnings and results and the answers to them (T-11; 08-QC/TW
// Art. 11.1.c), and the dashboard's and the map's figures (T-19). Part of Watch (watch.hpp).
#include <algorithm>
#include <map>
#include <set>
#include <array>

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

std::string Placeholders(std::size_t n, std::size_t from) {
    std::string out;
    for (std::size_t i = 0; i < n; ++i) out += (i ? ", $" : "$") + std::to_string(from + i);
    return out;
}

namespace {

std::vector<Light> LoadLightWhere(Connection& c, std::string_view task_filter, std::string_view unit_filter,
                                  const core::db::Params& params) {
    std::map<std::int64_t, Light> by_id;
    for (const auto& r : c.Query(std::string("SELECT id, status, priority, group_code, deadline_at, completed_at, content,"
                                             " monitoring_unit_id, assigned_at FROM tasks_tasks WHERE merged_into IS NULL") +
                                     std::string(task_filter),
                                 params)) {
        Light l{.id = r.Int(0), .monitoring = r.Int(7), .status = ParseStatus(r.Text(1)).value_or(Status{}),
                .priority = r.Text(2), .group = r.Text(3), .content = r.Text(6)};
        if (!r.IsNull(4)) l.deadline = core::FromMillis(r.Int(4));
        if (!r.IsNull(5)) l.completed = core::FromMillis(r.Int(5));
        l.assigned = core::FromMillis(r.Int(8));
        by_id.emplace(l.id, std::move(l));
    }
    for (const auto& r : c.Query(std::string("SELECT task_id, unit_id, role FROM tasks_task_units WHERE active = 1") +
                                     std::string(unit_filter),
                                 params)) {
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

}  // namespace

std::vector<Light> LoadLight(Connection& c) { return LoadLightWhere(c, "", "", {}); }

std::vector<Light> LoadLight(Connection& c, const std::vector<std::int64_t>& ids) {
    if (ids.empty()) return {};
    core::db::Params params(ids.begin(), ids.end());
    const auto list = Placeholders(ids.size());
    return LoadLightWhere(c, " AND id IN (" + list + ")", " AND task_id IN (" + list + ")", params);
}

}  // namespace internal

namespace {

using internal::Entry;
using internal::IsOverdue;

// Counts of one breakdown of the dashboard, by the view's index of each key.
struct Tally {
    std::vector<std::int64_t> count, overdue;
    explicit Tally(std::size_t n) : count(n), overdue(n) {}
    void Add(std::uint32_t i, bool late) {
        ++count[i];
        if (late) ++overdue[i];
    }
    // The keys seen, as buckets.
    std::vector<Bucket> Buckets(const std::vector<std::string>& keys) const {
        std::vector<Bucket> out;
        for (std::size_t i = 0; i < count.size(); ++i) {
            if (count[i]) out.push_back({.key = keys[i], .count = count[i], .overdue = overdue[i]});
        }
        return out;
    }
};

}  // namespace

namespace {

// Viewers whose permissions read the same tasks get the same dashboard: what Policy::Authorize
// looks at (operator, stage, token scopes, grants), in one key with the filter.
std::string MemoKey(const Principal& who, bool all, const DashboardFilter& f) {
    std::string key = f.unit + '\n' + f.priority + '\n' + f.group + '\n';
    if (all) return key + '*';
    key += std::to_string(static_cast<int>(who.stage)) + '\n';
    auto scopes = who.scopes;
    std::sort(scopes.begin(), scopes.end());
    for (const auto& s : scopes) key += s + ' ';
    std::vector<std::string> grants;
    for (const auto& g : who.grants) grants.push_back(g.role + '@' + std::to_string(g.unit_id) + '/' + g.portal);
    std::sort(grants.begin(), grants.end());
    for (const auto& g : grants) key += '\n' + g;
    return key;
}

}  // namespace

// A view's dashboards are remembered with it: after a change every open dashboard asks again
// (2 000 browsers, docs/performance.md), and those with the same reach get the figures counted
// once. A new view (the next change, or 10 s) starts with none.
Dashboard Watch::DashboardFor(const Principal& who, const DashboardFilter& f) const {
    const bool all = who.is_operator || policy_.Authorize(who, kTaskReadAll, core::access::Scope::Global());
    if (!all && !policy_.HoldsAnywhere(who, kTaskRead)) return Dashboard{.at = clock_.Now()};
    auto cal = calendars_.GetShared();
    if (!cal) return Dashboard{.at = clock_.Now()};
    const auto view = Current();
    const auto key = MemoKey(who, all, f);
    {
        std::lock_guard lock(view->memo_mu);
        if (auto it = view->memo.find(key); it != view->memo.end()) return *it->second;
    }
    auto d = std::make_shared<const Dashboard>(CountDashboard(who, all, f, *view, *cal.value()));
    std::lock_guard lock(view->memo_mu);
    if (view->memo.size() < 512) view->memo.emplace(key, d);
    return *d;
}

// One pass over the view's tasks with counters indexed by the view's codes: at 200 000 tasks a
// few milliseconds (docs/performance.md), where looking each key up by name took 0.15 s.
Dashboard Watch::CountDashboard(const Principal& who, bool all, const DashboardFilter& f, const View& view_ref,
                                const calendar::Calendar& calendar) const {
    Dashboard d{.at = clock_.Now()};
    const auto* view = &view_ref;
    const auto& codes = view->codes;
    // Whether the viewer reads a unit's tasks: asked of the policy once per unit, kept by the
    // view's unit index (internal::Readable's map would cost a look-up per unit of every task).
    std::vector<signed char> may(codes.units.size(), -1);
    auto readable = [&](std::uint32_t u) {
        if (may[u] < 0) may[u] = policy_.Authorize(who, kTaskRead, core::access::Scope::Unit(codes.units[u])).ok();
        return may[u] == 1;
    };
    std::optional<std::uint32_t> filter_unit;
    bool nothing = false;
    if (!f.unit.empty()) {
        const auto unit = units_.FindByCode(f.unit);
        auto it = unit ? codes.unit_at.find(unit->id) : codes.unit_at.end();
        if (it == codes.unit_at.end()) nothing = true;
        else filter_unit = it->second;
    }
    auto code_of = [&](const std::unordered_map<std::string, std::uint32_t>& at, const std::string& key)
        -> std::optional<std::uint32_t> {
        if (key.empty()) return std::nullopt;
        auto it = at.find(key);
        if (it == at.end()) nothing = true;
        return it == at.end() ? std::nullopt : std::optional<std::uint32_t>(it->second);
    };
    const auto filter_priority = code_of(codes.priority_at, f.priority);
    const auto filter_group = code_of(codes.group_at, f.group);
    constexpr auto kStatusCount = std::size(kAllStatuses);
    Tally by_status(kStatusCount), by_unit(codes.units.size()), by_priority(codes.priorities.size()),
        by_group(codes.groups.size()), by_period(codes.quarters.size());
    // The last 12 months: completions and tasks turning overdue.
    const auto this_month = internal::MonthKey(calendar.LocalDate(d.at));
    std::array<std::int64_t, 12> completed{}, became_overdue{};
    auto in_trend = [&](std::int32_t m) { return m > this_month - 12 && m <= this_month; };
    std::vector<const Entry*> overdue;
    static const decltype(view->tasks) kNone;
    for (const auto& p : nothing ? kNone : view->tasks) {  // both lvalues: nothing is copied
        const auto& t = *p;
        if (!all && !readable(t.monitoring) && std::none_of(t.units.begin(), t.units.end(), readable)) continue;
        if (filter_unit && std::find(t.units.begin(), t.units.end(), *filter_unit) == t.units.end()) continue;
        if (filter_priority && t.priority != *filter_priority) continue;
        if (filter_group && t.group != *filter_group) continue;
        const bool late = IsOverdue(t.light.status);
        ++d.total;
        if (late) {
            ++d.overdue;
            overdue.push_back(&t);
        }
        if (t.light.completed) ++d.completed;
        by_status.Add(static_cast<std::uint32_t>(t.light.status), late);
        for (auto u : t.leads) by_unit.Add(u, late);
        by_priority.Add(t.priority, late);
        by_group.Add(t.group, late);
        by_period.Add(t.quarter, late);
        if (in_trend(t.completed_month)) ++completed[t.completed_month - this_month + 11];
        for (auto m : t.overdue_months) {
            if (in_trend(m)) ++became_overdue[m - this_month + 11];
        }
    }
    for (auto s : kAllStatuses) {
        const auto i = static_cast<std::size_t>(s);
        d.by_status.push_back({.key = std::string(StatusCode(s)), .count = by_status.count[i], .overdue = by_status.overdue[i]});
    }
    for (std::size_t i = 0; i < codes.units.size(); ++i) {
        if (!by_unit.count[i]) continue;
        const auto it = view->units.find(codes.units[i]);
        const auto* unit = it == view->units.end() ? nullptr : &it->second;
        d.by_unit.push_back({.key = unit ? unit->code : std::to_string(codes.units[i]),
                             .label = unit ? (unit->short_name.empty() ? unit->name_vi : unit->short_name) : "",
                             .count = by_unit.count[i],
                             .overdue = by_unit.overdue[i]});
    }
    d.by_priority = by_priority.Buckets(codes.priorities);
    d.by_group = by_group.Buckets(codes.groups);
    d.by_period = by_period.Buckets(codes.quarters);
    auto by_count = [](const Bucket& a, const Bucket& b) { return a.count != b.count ? a.count > b.count : a.key < b.key; };
    std::sort(d.by_unit.begin(), d.by_unit.end(), by_count);
    std::sort(d.by_priority.begin(), d.by_priority.end(), by_count);
    std::sort(d.by_group.begin(), d.by_group.end(), by_count);
    std::sort(d.by_period.begin(), d.by_period.end(), [](const Bucket& a, const Bucket& b) { return a.key < b.key; });
    for (int i = 0; i < 12; ++i) {
        const auto m = this_month - 11 + i;
        d.trend.push_back({fmt::format("{:04}-{:02}", m / 12, m % 12 + 1), completed[i], became_overdue[i]});
    }
    // The ten most overdue: earliest deadline first.
    const auto first = [](const Entry* a, const Entry* b) {
        return a->light.deadline != b->light.deadline ? a->light.deadline < b->light.deadline : a->light.id < b->light.id;
    };
    const auto top = std::min<std::size_t>(10, overdue.size());
    std::partial_sort(overdue.begin(), overdue.begin() + static_cast<std::ptrdiff_t>(top), overdue.end(), first);
    for (std::size_t i = 0; i < top; ++i) {
        const auto& t = overdue[i]->light;
        std::string leads;
        for (auto u : t.leads) {
            if (auto it = view->units.find(u); it != view->units.end())
                leads += (leads.empty() ? "" : ", ") + it->second.name_vi;
        }
        const auto deadline = t.deadline.value_or(d.at);
        d.most_overdue.push_back({t.id, t.content, leads, deadline,
                                  std::chrono::duration_cast<std::chrono::hours>(d.at - deadline).count() / 24,
                                  t.status});
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
    // The view's unit index → the province's place in `out`.
    std::vector<std::int32_t> index(view->codes.units.size(), -1);
    for (const auto& [id, u] : view->units) {
        if (u.kind != "provincial_committee" || u.status != "active") continue;
        if (auto it = view->codes.unit_at.find(u.id); it != view->codes.unit_at.end())
            index[it->second] = static_cast<std::int32_t>(out.size());
        out.push_back({.unit_id = u.id, .code = u.code, .name = u.short_name.empty() ? u.name_vi : u.short_name});
    }
    for (const auto& t : tasks) {
        for (auto u : t->leads) {
            if (index[u] < 0) continue;
            ++out[index[u]].tasks;
            if (IsOverdue(t->light.status)) ++out[index[u]].overdue;
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
