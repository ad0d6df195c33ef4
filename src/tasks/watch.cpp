// Evaluation of units over the tracking records (watch.hpp, docs/tasks.md "Evaluation and
// ranking"): the facts of a period are counted in SQL from the tasks, clocks and updates, the
// scores come from the pure rules of evaluation.cpp, and a closed period keeps both.
#include <algorithm>
#include <map>
#include <set>

#include <boost/json.hpp>
#include <fmt/format.h>

#include "calendar/iso_time.hpp"
#include "core/db/errors.hpp"
#include "core/message.hpp"
#include "core/text.hpp"
#include "tasks/watch.hpp"
#include "tasks/watch_internal.hpp"

namespace vp::tasks {
namespace {

namespace json = boost::json;
namespace ev = evaluation;
using core::Msg;
using core::db::Connection;
using core::db::Row;

std::int64_t Ms(core::TimePoint t) { return core::ToMillis(t); }

std::string_view KindCode(ev::PeriodKind k) {
    switch (k) {
        case ev::PeriodKind::kQuarter: return "quarter";
        case ev::PeriodKind::kHalf: return "half";
        case ev::PeriodKind::kYear: return "year";
    }
    return "quarter";
}

core::Result<ev::Period> PeriodOf(std::string_view code) {
    auto p = ev::ParsePeriod(code);
    if (!p) return core::InvalidField("period", Msg("tasks.period_invalid", {{"period", std::string(code)}}));
    return *p;
}

json::object WeightsJson(const ev::IndicatorSet& s) {
    json::object o;
    for (auto i : ev::kAllIndicators) o[ev::IndicatorCode(i)] = s.Weight(i);
    return o;
}

// The facts as kept: {"on_time_completion": [met, due], ..., "overdue_open": n}.
json::object FactsJson(const ev::UnitFacts& f) {
    json::object o;
    for (auto i : ev::kAllIndicators) o[ev::IndicatorCode(i)] = json::array{f.Of(i).met, f.Of(i).due};
    o["overdue_open"] = f.overdue_open;
    return o;
}

ev::UnitFacts FactsFrom(std::int64_t unit_id, std::string code, std::string_view text) {
    ev::UnitFacts f{.unit_id = unit_id, .unit_code = std::move(code)};
    auto v = json::parse(text);
    const auto& o = v.as_object();
    for (auto i : ev::kAllIndicators) {
        if (const auto* a = o.if_contains(ev::IndicatorCode(i)); a && a->is_array() && a->get_array().size() == 2)
            f.Of(i) = {a->get_array()[0].to_number<std::int64_t>(), a->get_array()[1].to_number<std::int64_t>()};
    }
    if (const auto* n = o.if_contains("overdue_open")) f.overdue_open = n->to_number<std::int64_t>();
    return f;
}

bool SameFacts(const ev::UnitFacts& a, const ev::UnitFacts& b) {
    if (a.overdue_open != b.overdue_open) return false;
    for (auto i : ev::kAllIndicators) {
        if (a.Of(i).met != b.Of(i).met || a.Of(i).due != b.Of(i).due) return false;
    }
    return true;
}

IssuedSet SetFromRow(const Row& r) {
    IssuedSet s;
    s.set.version = static_cast<int>(r.Int(0));
    s.set.valid_from = calendar::ParseIsoDate(r.Text(1)).value_or(s.set.valid_from);
    auto w = json::parse(r.Text(2));
    for (auto i : ev::kAllIndicators) {
        const auto* v = w.as_object().if_contains(ev::IndicatorCode(i));
        s.set.weights[static_cast<std::size_t>(i)] = v ? v->to_number<int>() : 0;
    }
    s.set.excellent_from = static_cast<int>(r.Int(3));
    s.set.complete_from = static_cast<int>(r.Int(4));
    s.set.incomplete_from = static_cast<int>(r.Int(5));
    s.set.excellent_needs_no_overdue = r.Bool(6);
    s.note = r.Text(7);
    s.issued_by = r.Int(8);
    s.issued_at = core::FromMillis(r.Int(9));
    return s;
}

// Adds `met / due` rows of a "unit, due, met" query to the facts.
void Count(Connection& c, std::map<std::int64_t, ev::UnitFacts>& facts, ev::Indicator i, std::string_view sql,
           const core::db::Params& params) {
    for (const auto& r : c.Query(sql, params)) {
        auto& f = facts[r.Int(0)];
        f.unit_id = r.Int(0);
        f.Of(i).due += r.Int(1);
        f.Of(i).met += r.Int(2);
    }
}

}  // namespace

Watch::Watch(core::db::Database& db, audit::Log& audit, const core::Clock& clock, const core::access::Policy& policy,
             const units::Service& units, const calendar::Service& calendars, core::EventBus& events, NotifyFn notify,
             HoldersFn holders, Service* tasks)
    : db_(db),
      audit_(audit),
      clock_(clock),
      policy_(policy),
      units_(units),
      calendars_(calendars),
      events_(events),
      notify_(std::move(notify)),
      holders_(std::move(holders)),
      tasks_(tasks),
      snapshot_(std::make_shared<Snapshot>()) {
    Follow();
}

bool Watch::MayFollow(const Principal& who) const {
    return who.is_operator || policy_.HoldsAnywhere(who, kTaskRead);
}

bool Watch::MayExplain(const Principal& who, std::int64_t unit) const {
    const auto scope = core::access::Scope::Unit(unit);
    return policy_.Authorize(who, kUpdateApprove, scope) || policy_.Authorize(who, kUpdateSubmit, scope);
}

bool Watch::MayAnswer(const Principal& who, std::int64_t unit) const {
    return MayExplain(who, unit) || policy_.Authorize(who, kTaskEnter, core::access::Scope::Global());
}

bool Watch::MayInspect(const Principal& who) const { return policy_.HoldsAnywhere(who, kInspect); }

// ---------------------------------------------------------------------------------------------
// Indicator sets

std::vector<IssuedSet> Watch::Sets(Connection& c) const {
    std::vector<IssuedSet> out;
    for (const auto& r : c.Query("SELECT version, valid_from, weights_json, excellent_from, complete_from,"
                                 " incomplete_from, excellent_needs_no_overdue, note, issued_by, issued_at"
                                 " FROM tasks_indicator_sets ORDER BY version"))
        out.push_back(SetFromRow(r));
    return out;
}

std::vector<IssuedSet> Watch::IndicatorSets() const {
    return db_.Read([&](Connection& c) { return Sets(c); });
}

std::optional<ev::IndicatorSet> Watch::SetInForce(const ev::Period& p) const {
    std::vector<ev::IndicatorSet> plain;
    for (const auto& s : IndicatorSets()) plain.push_back(s.set);
    return ev::InForce(plain, ev::DaysOf(p).first);
}

core::Result<IssuedSet> Watch::IssueIndicatorSet(const Principal& who, ev::IndicatorSet set, std::string note) {
    auto actor = policy_.Authorize(who, kEvaluationManage, core::access::Scope::Global());
    if (!actor) return actor.error();
    auto clean = core::CleanField("note", note, 2000, true);
    if (!clean) return clean.error();
    if (!set.valid_from.ok()) return core::InvalidField("valid_from", Msg("tasks.time_invalid", {{"field", "valid_from"}}));
    return db_.Transact([&](Connection& c) -> core::Result<IssuedSet> {
        set.version = static_cast<int>(c.QueryOne("SELECT COALESCE(MAX(version), 0) + 1 FROM tasks_indicator_sets")->Int(0));
        if (auto v = ev::Validate(set); !v) return v.error();
        // A closed period keeps the set it was evaluated with: a new set starts after the last one.
        for (const auto& r : c.Query("SELECT period FROM tasks_evaluations")) {
            auto p = ev::ParsePeriod(r.Text(0));
            if (p && ev::DaysOf(*p).end > set.valid_from) {
                return core::InvalidField("valid_from", Msg("tasks.indicator_set_after_closed", {{"period", r.Text(0)}}));
            }
        }
        const auto now = clock_.Now();
        try {
            c.Execute("INSERT INTO tasks_indicator_sets (version, valid_from, weights_json, excellent_from, complete_from,"
                      " incomplete_from, excellent_needs_no_overdue, note, issued_by, issued_at)"
                      " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
                      {set.version, calendar::FormatIsoDate(set.valid_from), json::serialize(WeightsJson(set)),
                       set.excellent_from, set.complete_from, set.incomplete_from, set.excellent_needs_no_overdue,
                       *clean, who.user_id, Ms(now)});
        } catch (const core::db::UniqueViolation&) {
            return core::Conflict(Msg("tasks.indicator_set_raced"));
        }
        audit_.Write(c, actor.value(),
                     {"tasks.indicator_set.issue", "tasks_indicator_set", std::to_string(set.version), nullptr,
                      json::object{{"valid_from", calendar::FormatIsoDate(set.valid_from)},
                                   {"weights", WeightsJson(set)},
                                   {"excellent_from", set.excellent_from},
                                   {"complete_from", set.complete_from},
                                   {"incomplete_from", set.incomplete_from}}});
        return IssuedSet{set, *clean, who.user_id, now};
    });
}

// ---------------------------------------------------------------------------------------------
// Facts

core::Result<std::pair<core::TimePoint, core::TimePoint>> Watch::Bounds(const ev::Period& p) const {
    auto cal = calendars_.GetShared();
    if (!cal) return cal.error();
    const auto days = ev::DaysOf(p);
    auto a = internal::StartOfDay(days.first, *cal.value());
    auto b = internal::StartOfDay(days.end, *cal.value());
    if (!a) return a.error();
    if (!b) return b.error();
    return std::pair{a.value(), b.value()};
}

// What each unit did in [a, b) (docs/tasks.md gives each count). Only times before the period's
// end are read, so a period's facts do not move when later work is recorded.
std::map<std::int64_t, std::string> Watch::Codes() const {
    std::map<std::int64_t, std::string> codes;
    for (const auto& u : units_.List()) codes[u.id] = u.code;
    return codes;
}

std::vector<ev::UnitFacts> Watch::Facts(Connection& c, std::pair<core::TimePoint, core::TimePoint> bounds,
                                        const std::map<std::int64_t, std::string>& codes) const {
    const core::db::Params ab{Ms(bounds.first), Ms(bounds.second)};
    std::map<std::int64_t, ev::UnitFacts> facts;
    constexpr std::string_view kLead =
        " FROM tasks_task_units tu JOIN tasks_tasks t ON t.id = tu.task_id WHERE tu.role = 'lead' AND tu.active = 1"
        " AND t.merged_into IS NULL";
    // Tasks whose deadline fell in the period: completed by it; not left overdue at the end.
    Count(c, facts, ev::Indicator::kOnTimeCompletion,
          std::string("SELECT tu.unit_id, COUNT(*), SUM(CASE WHEN t.completed_at IS NOT NULL AND t.completed_at <="
                      " t.deadline_at THEN 1 ELSE 0 END)") +
              std::string(kLead) + " AND t.deadline_at >= $1 AND t.deadline_at < $2 GROUP BY tu.unit_id",
          ab);
    Count(c, facts, ev::Indicator::kNotOverdue,
          std::string("SELECT tu.unit_id, COUNT(*), SUM(CASE WHEN t.completed_at IS NOT NULL AND t.completed_at < $2"
                      " THEN 1 ELSE 0 END)") +
              std::string(kLead) + " AND t.deadline_at >= $1 AND t.deadline_at < $2 GROUP BY tu.unit_id",
          ab);
    // Update checkpoints and the final report due in the period, met by their due time.
    Count(c, facts, ev::Indicator::kUpdateTimeliness,
          "SELECT tu.unit_id, COUNT(*), SUM(CASE WHEN k.done_at IS NOT NULL AND k.done_at <= k.due_at THEN 1 ELSE 0"
          " END) FROM tasks_clocks k JOIN tasks_task_units tu ON tu.task_id = k.task_id AND tu.role = 'lead' AND"
          " tu.active = 1 JOIN tasks_tasks t ON t.id = k.task_id WHERE t.merged_into IS NULL AND k.kind IN ('update',"
          " 'final') AND k.due_at >= $1 AND k.due_at < $2 GROUP BY tu.unit_id",
          ab);
    Count(c, facts, ev::Indicator::kAcknowledgement,
          "SELECT k.subject, COUNT(*), SUM(CASE WHEN k.done_at IS NOT NULL AND k.done_at <= k.due_at THEN 1 ELSE 0"
          " END) FROM tasks_clocks k JOIN tasks_tasks t ON t.id = k.task_id WHERE t.merged_into IS NULL AND"
          " k.kind = 'acknowledge' AND k.due_at >= $1 AND k.due_at < $2 GROUP BY k.subject",
          ab);
    Count(c, facts, ev::Indicator::kEvaluation,
          "SELECT t.monitoring_unit_id, COUNT(*), SUM(CASE WHEN k.done_at IS NOT NULL AND k.done_at <= k.due_at THEN 1"
          " ELSE 0 END) FROM tasks_clocks k JOIN tasks_tasks t ON t.id = k.task_id WHERE t.merged_into IS NULL AND"
          " k.kind = 'evaluate' AND k.due_at >= $1 AND k.due_at < $2 GROUP BY t.monitoring_unit_id",
          ab);
    Count(c, facts, ev::Indicator::kResults,
          "SELECT u.unit_id, COUNT(*), SUM(CASE WHEN u.wrong_report = 0 THEN 1 ELSE 0 END) FROM tasks_updates u JOIN"
          " tasks_tasks t ON t.id = u.task_id WHERE t.merged_into IS NULL AND u.evaluated_at >= $1 AND u.evaluated_at < $2"
          " GROUP BY u.unit_id",
          ab);
    for (const auto& r : c.Query(std::string("SELECT tu.unit_id, COUNT(*)") + std::string(kLead) +
                                     " AND t.deadline_at < $1 AND t.start_at < $1 AND (t.completed_at IS NULL OR"
                                     " t.completed_at >= $1) GROUP BY tu.unit_id",
                                 {Ms(bounds.second)})) {
        auto& f = facts[r.Int(0)];
        f.unit_id = r.Int(0);
        f.overdue_open = r.Int(1);
    }
    std::vector<ev::UnitFacts> out;
    for (auto& [id, f] : facts) {
        auto it = codes.find(id);
        f.unit_code = it != codes.end() ? it->second : std::to_string(id);
        out.push_back(std::move(f));
    }
    return out;
}

PeriodEvaluation Watch::Named(PeriodEvaluation e) const {
    std::map<std::int64_t, std::string> names;
    for (const auto& u : units_.List()) names[u.id] = u.name_vi;
    for (auto& u : e.units) {
        if (auto it = names.find(u.facts.unit_id); it != names.end()) u.unit_name = it->second;
    }
    return e;
}

std::optional<PeriodEvaluation> Watch::Kept(Connection& c, const std::string& period) const {
    auto head = c.QueryOne("SELECT set_version, closed_at FROM tasks_evaluations WHERE period = $1", {period});
    if (!head) return std::nullopt;
    PeriodEvaluation e{.period = period, .set_version = static_cast<int>(head->Int(0)), .closed = true,
                       .closed_at = core::FromMillis(head->Int(1))};
    for (const auto& r : c.Query("SELECT unit_id, unit_code, facts_json, total, class, rank FROM"
                                 " tasks_evaluation_results WHERE period = $1 ORDER BY CASE WHEN rank = 0 THEN 1"
                                 " ELSE 0 END, rank, unit_code",
                                 {period})) {
        UnitResult u;
        u.facts = FactsFrom(r.Int(0), r.Text(1), r.Text(2));
        u.score.unit_id = u.facts.unit_id;
        u.score.unit_code = u.facts.unit_code;
        if (!r.IsNull(3)) u.score.total = static_cast<int>(r.Int(3));
        u.score.klass = ev::ParseClass(r.Text(4));
        u.score.rank = static_cast<int>(r.Int(5));
        e.units.push_back(std::move(u));
    }
    // The rates are not kept: they follow from the facts by the pure rule.
    for (auto& u : e.units) {
        for (auto i : ev::kAllIndicators)
            u.score.rates[static_cast<std::size_t>(i)] = ev::Rate(u.facts.Of(i));
    }
    return e;
}

std::vector<std::string> Watch::ClosedPeriods() const {
    return db_.Read([&](Connection& c) {
        std::vector<std::string> out;
        for (const auto& r : c.Query("SELECT period FROM tasks_evaluations ORDER BY closed_at DESC, period"))
            out.push_back(r.Text(0));
        return out;
    });
}

core::Result<PeriodEvaluation> Watch::Evaluation(const Principal& who, std::string_view code) const {
    auto p = PeriodOf(code);
    if (!p) return p.error();
    const auto period = ev::PeriodCode(p.value());
    auto kept = db_.Read([&](Connection& c) { return Kept(c, period); });
    if (kept) {
        // Published (Art. 17.1.b): everyone who follows tasks sees the ranking.
        if (!MayFollow(who)) return core::Forbidden();
        return Named(std::move(*kept));
    }
    if (!policy_.Authorize(who, kEvaluationManage, core::access::Scope::Global()) &&
        !policy_.Authorize(who, kTaskReadAll, core::access::Scope::Global())) {
        return core::Forbidden(Msg("tasks.evaluation_not_published", {{"period", period}}));
    }
    auto set = SetInForce(p.value());
    if (!set) return core::Conflict(Msg("tasks.indicator_set_none", {{"period", period}}));
    const auto codes = Codes();
    auto bounds = Bounds(p.value());
    if (!bounds) return bounds.error();
    const auto facts = db_.Read([&](Connection& c) { return Facts(c, bounds.value(), codes); });
    PeriodEvaluation e{.period = period, .set_version = set->version};
    auto scores = ev::Rank(facts, *set);
    std::map<std::int64_t, const ev::UnitFacts*> by_unit;
    for (const auto& f : facts) by_unit[f.unit_id] = &f;
    for (auto& s : scores) e.units.push_back({*by_unit.at(s.unit_id), std::move(s), ""});
    return Named(std::move(e));
}

core::Result<PeriodEvaluation> Watch::ClosePeriod(const Principal& who, std::string_view code) {
    auto actor = policy_.Authorize(who, kEvaluationManage, core::access::Scope::Global());
    if (!actor) return actor.error();
    auto p = PeriodOf(code);
    if (!p) return p.error();
    const auto period = ev::PeriodCode(p.value());
    auto bounds = Bounds(p.value());
    if (!bounds) return bounds.error();
    const auto now = clock_.Now();
    if (now < bounds->second) return core::Conflict(Msg("tasks.period_not_over", {{"period", period}}));
    auto cal = calendars_.GetShared();
    if (!cal) return cal.error();
    auto due = cal.value()->TryAddWorkingDays(now, 10);
    if (!due) return due.error();
    auto set = SetInForce(p.value());
    if (!set) return core::Conflict(Msg("tasks.indicator_set_none", {{"period", period}}));
    const auto previous = ev::PeriodCode(ev::Previous(p.value()));
    std::vector<std::int64_t> to_explain;
    // Read before the transaction: nothing inside it takes a second connection.
    const auto codes = Codes();
    auto closed = db_.Transact([&](Connection& c) -> core::Result<PeriodEvaluation> {
        to_explain.clear();  // a retried transaction starts again
        // The period's row is the lock: two closings at once meet at its primary key.
        try {
            c.Execute("INSERT INTO tasks_evaluations (period, kind, set_version, closed_by, closed_at, units)"
                      " VALUES ($1, $2, $3, $4, $5, 0)",
                      {period, std::string(KindCode(p->kind)), set->version, who.user_id, Ms(now)});
        } catch (const core::db::UniqueViolation&) {
            return core::Conflict(Msg("tasks.period_closed", {{"period", period}}));
        }
        const auto facts = Facts(c, bounds.value(), codes);
        auto scores = ev::Rank(facts, *set);
        std::map<std::int64_t, const ev::UnitFacts*> by_unit;
        for (const auto& f : facts) by_unit[f.unit_id] = &f;
        json::array summary;
        for (const auto& s : scores) {
            const auto& f = *by_unit.at(s.unit_id);
            const std::string klass = s.klass ? std::string(ev::ClassCode(*s.klass)) : "";
            c.Execute("INSERT INTO tasks_evaluation_results (period, unit_id, unit_code, facts_json, total, class, rank)"
                      " VALUES ($1, $2, $3, $4, $5, $6, $7)",
                      {period, s.unit_id, s.unit_code, json::serialize(FactsJson(f)),
                       s.total ? core::db::Value(*s.total) : core::db::Value(), klass, s.rank});
            summary.push_back(json::object{{"unit", s.unit_code},
                                           {"total", s.total ? json::value(*s.total) : nullptr},
                                           {"class", klass},
                                           {"rank", s.rank}});
            // Art. 17.3.b: not complete in this period and in the previous one.
            auto before = c.QueryOne("SELECT class FROM tasks_evaluation_results WHERE period = $1 AND unit_id = $2",
                                     {previous, s.unit_id});
            if (ev::NeedsExplanation(before ? ev::ParseClass(before->Text(0)) : std::nullopt, s.klass)) {
                c.Execute("INSERT INTO tasks_unit_explanations (period, unit_id, required_at, due_at) VALUES"
                          " ($1, $2, $3, $4)",
                          {period, s.unit_id, Ms(now), Ms(due.value())});
                to_explain.push_back(s.unit_id);
            }
        }
        c.Execute("UPDATE tasks_evaluations SET units = $1 WHERE period = $2",
                  {static_cast<std::int64_t>(scores.size()), period});
        audit_.Write(c, actor.value(),
                     {"tasks.evaluation.close", "tasks_evaluation", period, nullptr,
                      json::object{{"set_version", set->version},
                                   {"units", std::move(summary)},
                                   {"explanations", to_explain.size()}}});
        if (notify_ && holders_) {
            for (auto unit : to_explain) {
                std::set<std::int64_t> people;
                for (auto perm : {kUpdateSubmit, kUpdateApprove}) {
                    for (auto user : holders_(c, perm, core::access::Scope::Unit(unit))) people.insert(user);
                }
                for (auto user : people) {
                    notify_(c, user, fmt::format("Yêu cầu giải trình: không hoàn thành nhiệm vụ hai kỳ liên tiếp ({})", period),
                            fmt::format("Đơn vị bị xếp loại không hoàn thành nhiệm vụ trong kỳ {} và kỳ {}. Theo Điều 17.3.b"
                                        " Quy chế 08-QC/TW, đơn vị giải trình nguyên nhân và đề xuất biện pháp khắc phục trước {}.",
                                        previous, period, cal.value()->FormatIso(due.value()).substr(0, 10)),
                            "/admin/tasks/evaluation?period=" + period);
                }
            }
        }
        events_.Publish(c, core::Event{.topic = "tasks.task",
                                       .data_json = json::serialize(json::object{{"action", "evaluation"},
                                                                                 {"period", period},
                                                                                 {"units", json::array{}}})});
        auto kept = Kept(c, period);
        return std::move(*kept);
    });
    if (!closed) return closed;
    return Named(std::move(closed).value());
}

core::Result<Recomputation> Watch::Recompute(const Principal& who, std::string_view code) const {
    auto p = PeriodOf(code);
    if (!p) return p.error();
    if (!policy_.Authorize(who, kEvaluationManage, core::access::Scope::Global()) &&
        !policy_.Authorize(who, kTaskReadAll, core::access::Scope::Global())) {
        return core::Forbidden();
    }
    const auto period = ev::PeriodCode(p.value());
    const auto codes = Codes();
    auto bounds = Bounds(p.value());
    if (!bounds) return bounds.error();
    return db_.Read([&](Connection& c) -> core::Result<Recomputation> {
        auto kept = Kept(c, period);
        if (!kept) return core::NotFound(Msg("tasks.period_not_closed", {{"period", period}}));
        std::optional<ev::IndicatorSet> set;
        for (const auto& s : Sets(c)) {
            if (s.set.version == kept->set_version) set = s.set;
        }
        if (!set) return core::Conflict(Msg("tasks.indicator_set_none", {{"period", period}}));
        std::vector<ev::UnitFacts> facts;
        for (const auto& u : kept->units) facts.push_back(u.facts);
        auto again = ev::Rank(facts, *set);
        Recomputation r{.same_scores = again.size() == kept->units.size()};
        std::map<std::int64_t, const UnitResult*> by_unit;
        for (const auto& u : kept->units) by_unit[u.facts.unit_id] = &u;
        for (const auto& s : again) {
            const auto it = by_unit.find(s.unit_id);
            if (it == by_unit.end() || it->second->score.total != s.total || it->second->score.klass != s.klass ||
                it->second->score.rank != s.rank) {
                r.same_scores = false;
            }
        }
        const auto now = Facts(c, bounds.value(), codes);
        std::set<std::string> changed;
        std::set<std::int64_t> seen;
        for (const auto& f : now) {
            seen.insert(f.unit_id);
            const auto it = by_unit.find(f.unit_id);
            if (it == by_unit.end() || !SameFacts(it->second->facts, f)) changed.insert(f.unit_code);
        }
        for (const auto& u : kept->units) {
            if (!seen.contains(u.facts.unit_id)) changed.insert(u.facts.unit_code);
        }
        r.changed.assign(changed.begin(), changed.end());
        return r;
    });
}

// ---------------------------------------------------------------------------------------------
// Explanations (Art. 17.3.b)

std::vector<UnitExplanation> Watch::UnitExplanations(const Principal& who) const {
    const bool all = who.is_operator || policy_.Authorize(who, kEvaluationManage, core::access::Scope::Global()) ||
                     policy_.Authorize(who, kTaskReadAll, core::access::Scope::Global());
    auto rows = db_.Read([&](Connection& c) {
        return c.Query("SELECT id, period, unit_id, required_at, due_at, text, submitted_at FROM"
                       " tasks_unit_explanations ORDER BY id DESC LIMIT 500");
    });
    std::vector<UnitExplanation> out;
    for (const auto& r : rows) {
        UnitExplanation e{.id = r.Int(0), .period = r.Text(1), .unit_id = r.Int(2),
                          .required_at = core::FromMillis(r.Int(3)), .due_at = core::FromMillis(r.Int(4)),
                          .text = r.Text(5)};
        if (!r.IsNull(6)) e.submitted_at = core::FromMillis(r.Int(6));
        if (!all && !policy_.Authorize(who, kTaskRead, core::access::Scope::Unit(e.unit_id))) continue;
        if (auto u = units_.Find(e.unit_id)) {
            e.unit_code = u->code;
            e.unit_name = u->name_vi;
        }
        out.push_back(std::move(e));
    }
    return out;
}

core::Result<UnitExplanation> Watch::ExplainUnit(const Principal& who, std::int64_t id, std::string text) {
    auto body = RequiredText("text", text, 8000);
    if (!body) return body.error();
    auto row = db_.Read([&](Connection& c) {
        return c.QueryOne("SELECT unit_id, period FROM tasks_unit_explanations WHERE id = $1", {id});
    });
    if (!row) return core::NotFound(Msg("tasks.explanation_not_found"));
    auto actor = policy_.Authorize(who, kUpdateApprove, core::access::Scope::Unit(row->Int(0)));
    if (!actor) actor = policy_.Authorize(who, kUpdateSubmit, core::access::Scope::Unit(row->Int(0)));
    if (!actor) return actor.error();  // the audit needs the actor of the grant that allows it
    auto done = db_.Transact([&](Connection& c) -> core::Status {
        if (c.Execute("UPDATE tasks_unit_explanations SET text = $1, submitted_by = $2, submitted_at = $3 WHERE id = $4"
                      " AND submitted_at IS NULL",
                      {*body, who.user_id, Ms(clock_.Now()), id}) != 1) {
            return core::Conflict(Msg("tasks.explanation_given"));
        }
        audit_.Write(c, actor.value(),
                     {"tasks.unit_explanation.submit", "tasks_unit_explanation", std::to_string(id), nullptr,
                      json::object{{"period", row->Text(1)}, {"text", *body}}});
        return core::Ok{};
    });
    if (!done) return done.error();
    for (auto& e : UnitExplanations(who)) {
        if (e.id == id) return e;
    }
    return core::NotFound(Msg("tasks.explanation_not_found"));
}

// ---------------------------------------------------------------------------------------------
// T-21: the results for the emulation and rewards system

core::Result<json::object> Watch::ExportJson(const Principal& who, std::string_view code) const {
    auto e = Evaluation(who, code);
    if (!e) return e.error();
    if (!e->closed) return core::Conflict(Msg("tasks.period_not_closed", {{"period", e->period}}));
    json::array units;
    for (const auto& u : e->units) {
        json::object indicators;
        for (auto i : ev::kAllIndicators) {
            const auto rate = u.score.rates[static_cast<std::size_t>(i)];
            indicators[ev::IndicatorCode(i)] = json::object{{"met", u.facts.Of(i).met},
                                                            {"due", u.facts.Of(i).due},
                                                            {"rate_bp", rate ? json::value(*rate) : nullptr}};
        }
        units.push_back(json::object{{"unit_code", u.facts.unit_code},
                                     {"unit_name", u.unit_name},
                                     {"score_bp", u.score.total ? json::value(*u.score.total) : nullptr},
                                     {"class", u.score.klass ? json::value(ev::ClassCode(*u.score.klass)) : nullptr},
                                     {"rank", u.score.rank ? json::value(u.score.rank) : nullptr},
                                     {"overdue_open", u.facts.overdue_open},
                                     {"indicators", std::move(indicators)}});
    }
    auto cal = calendars_.GetShared();
    return json::object{{"format", "vanphong.tasks.evaluation/1"},
                        {"period", e->period},
                        {"indicator_set_version", e->set_version},
                        {"closed_at", cal ? json::value(cal.value()->FormatIso(*e->closed_at)) : nullptr},
                        {"units", std::move(units)}};
}

core::Result<std::string> Watch::ExportCsv(const Principal& who, std::string_view code) const {
    auto e = Evaluation(who, code);
    if (!e) return e.error();
    if (!e->closed) return core::Conflict(Msg("tasks.period_not_closed", {{"period", e->period}}));
    // RFC 4180: CRLF line ends, fields with a comma, quote or line break quoted; a field starting
    // with = + - @ is prefixed with ' so that a spreadsheet does not run it as a formula.
    auto field = [](std::string s) {
        if (!s.empty() && (s[0] == '=' || s[0] == '+' || s[0] == '-' || s[0] == '@')) s.insert(0, "'");
        if (s.find_first_of(",\"\r\n") == std::string::npos) return s;
        std::string q = "\"";
        for (char ch : s) q += ch == '"' ? std::string("\"\"") : std::string(1, ch);
        return q + "\"";
    };
    std::string out = "period,indicator_set_version,unit_code,unit_name,score_bp,class,rank,overdue_open";
    for (auto i : ev::kAllIndicators) {
        const std::string c(ev::IndicatorCode(i));
        out += "," + c + "_met," + c + "_due";
    }
    out += "\r\n";
    for (const auto& u : e->units) {
        out += field(e->period) + "," + std::to_string(e->set_version) + "," + field(u.facts.unit_code) + "," +
               field(u.unit_name) + "," + (u.score.total ? std::to_string(*u.score.total) : "") + "," +
               (u.score.klass ? std::string(ev::ClassCode(*u.score.klass)) : "") + "," +
               (u.score.rank ? std::to_string(u.score.rank) : "") + "," + std::to_string(u.facts.overdue_open);
        for (auto i : ev::kAllIndicators)
            out += "," + std::to_string(u.facts.Of(i).met) + "," + std::to_string(u.facts.Of(i).due);
        out += "\r\n";
    }
    return out;
}

}  // namespace vp::tasks
