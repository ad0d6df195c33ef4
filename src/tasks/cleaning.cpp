// Periodic data cleaning and the analysis of progress, quality and delays (T-14), part of Watch
// (watch.hpp). The checks are the pure rules of analysis.hpp, run over the records; the findings
// are kept for the task office to merge, dismiss or mark corrected.
#include <algorithm>
#include <map>
#include <set>

#include <boost/json.hpp>
#include <fmt/format.h>

#include "core/db/errors.hpp"
#include "core/message.hpp"
#include "core/text.hpp"
#include "tasks/analysis.hpp"
#include "tasks/watch.hpp"
#include "tasks/watch_internal.hpp"

namespace vp::tasks {
namespace {

namespace json = boost::json;
namespace ev = evaluation;
using core::Msg;
using core::db::Connection;

std::int64_t Ms(core::TimePoint t) { return core::ToMillis(t); }

struct Found {
    std::string code;
    std::int64_t task = 0, other = 0;
    int similarity = 0;
};

}  // namespace

core::Result<int> Watch::RunCleaning(const Principal& who, const std::string& period) {
    auto actor = policy_.Authorize(who, kTaskEnter, core::access::Scope::Global());
    if (!actor) return actor.error();
    if (period != "on_demand" && !ev::ParsePeriod(period))
        return core::InvalidField("period", Msg("tasks.period_invalid", {{"period", period}}));
    const auto now = clock_.Now();
    return db_.Transact([&](Connection& c) -> core::Result<int> {
        // The records as they are (merged duplicates left out).
        std::vector<analysis::TaskText> texts;
        std::map<std::int64_t, analysis::RecordFacts> facts;
        for (const auto& r : c.Query("SELECT id, document_id, content, start_at, completed_at FROM tasks_tasks WHERE"
                                     " merged_into IS NULL ORDER BY id")) {
            texts.push_back({.id = r.Int(0), .document_id = r.Int(1), .content = r.Text(2)});
            auto& f = facts[r.Int(0)];
            f.start = core::FromMillis(r.Int(3));
            if (!r.IsNull(4)) f.completed_at = core::FromMillis(r.Int(4));
        }
        std::map<std::int64_t, std::vector<std::int64_t>> leads;
        for (const auto& r : c.Query("SELECT task_id, unit_id FROM tasks_task_units WHERE role = 'lead' AND active = 1"))
            leads[r.Int(0)].push_back(r.Int(1));
        for (auto& t : texts) t.lead_units = leads[t.id];
        for (const auto& r : c.Query("SELECT task_id, progress, submitted_at FROM tasks_updates ORDER BY id")) {
            auto it = facts.find(r.Int(0));
            if (it == facts.end()) continue;
            it->second.progress.push_back(static_cast<int>(r.Int(1)));
            it->second.update_times.push_back(core::FromMillis(r.Int(2)));
        }
        std::vector<Found> found;
        for (const auto& d : analysis::LikelyDuplicates(texts))
            found.push_back({"likely_duplicate", d.first, d.second, d.similarity});
        for (const auto& [id, f] : facts) {
            for (auto i : analysis::Inconsistencies(f)) found.push_back({std::string(analysis::InconsistencyCode(i)), id, 0, 0});
        }
        std::int64_t run = 0;
        try {
            run = c.QueryOne("INSERT INTO tasks_cleaning_runs (period, ran_at, ran_by, found) VALUES ($1, $2, $3, 0)"
                             " RETURNING id",
                             {period, Ms(now), who.is_operator ? std::int64_t{0} : who.user_id})
                      ->Int(0);
        } catch (const core::db::UniqueViolation&) {
            return core::Conflict(Msg("tasks.cleaning_done", {{"period", period}}));
        }
        int added = 0;
        for (const auto& f : found) {
            added += static_cast<int>(
                c.Execute("INSERT INTO tasks_findings (code, task_id, other_task_id, similarity, run_id, found_at) VALUES"
                          " ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING",
                          {f.code, f.task, f.other, f.similarity, run, Ms(now)}));
        }
        c.Execute("UPDATE tasks_cleaning_runs SET found = $1 WHERE id = $2", {added, run});
        audit_.Write(c, actor.value(),
                     {"tasks.cleaning.run", "tasks_cleaning_run", std::to_string(run), nullptr,
                      json::object{{"period", period}, {"checked", texts.size()}, {"new_findings", added}}});
        if (added > 0 && notify_ && holders_) {
            for (auto user : holders_(c, kTaskEnter, core::access::Scope::Global()))
                notify_(c, user, fmt::format("Rà soát dữ liệu {}: {} phát hiện mới", period, added),
                        "Nhiệm vụ có khả năng trùng lặp hoặc dữ liệu không nhất quán cần xem xét.", "/admin/tasks/cleaning");
        }
        return added;
    });
}

int Watch::RunCleaningSchedule() {
    auto cal = calendars_.GetShared();
    if (!cal) return 0;
    const auto today = cal.value()->LocalDate(clock_.Now());
    // Within the first 10 days of a quarter: the cleaning of the quarter that ended.
    if (static_cast<unsigned>(today.day()) > 10 || (static_cast<unsigned>(today.month()) - 1) % 3 != 0) return 0;
    const ev::Period now{ev::PeriodKind::kQuarter, static_cast<int>(today.year()),
                         static_cast<int>((static_cast<unsigned>(today.month()) + 2) / 3)};
    const auto period = ev::PeriodCode(ev::Previous(now));
    const bool ran = db_.Read([&](Connection& c) {
        return c.QueryOne("SELECT 1 FROM tasks_cleaning_runs WHERE period = $1", {period}).has_value();
    });
    if (ran) return 0;
    auto r = RunCleaning(Principal::Operator(), period);
    return r ? r.value() : 0;  // a Conflict: another node ran it first
}

std::vector<Finding> Watch::Findings(const Principal& who, const std::string& state) const {
    std::vector<Finding> out;
    if (!MayReport(who)) return out;
    auto rows = db_.Read([&](Connection& c) {
        return c.Query("SELECT f.id, f.code, f.task_id, f.other_task_id, f.similarity, f.found_at, f.state, f.note,"
                       " t.content, COALESCE(o.content, '') FROM tasks_findings f JOIN tasks_tasks t ON t.id = f.task_id"
                       " LEFT JOIN tasks_tasks o ON o.id = f.other_task_id WHERE (CAST($1 AS TEXT) = '' OR f.state = CAST($1 AS TEXT))"
                       " ORDER BY f.id DESC LIMIT 1000",
                       {state});
    });
    for (const auto& r : rows) {
        out.push_back({.id = r.Int(0), .code = r.Text(1), .task_id = r.Int(2), .other_task_id = r.Int(3),
                       .task_content = r.Text(8), .other_content = r.Text(9), .similarity = static_cast<int>(r.Int(4)),
                       .found_at = core::FromMillis(r.Int(5)), .state = r.Text(6), .note = r.Text(7)});
    }
    return out;
}

core::Result<Finding> Watch::DecideFinding(const Principal& who, std::int64_t id, const std::string& decision,
                                           std::string note) {
    auto actor = policy_.Authorize(who, kTaskEnter, core::access::Scope::Global());
    if (!actor) return actor.error();
    static const std::set<std::string, std::less<>> kDecisions = {"merged", "dismissed", "corrected"};
    if (!kDecisions.contains(decision))
        return core::InvalidField("decision", Msg("tasks.finding_decision_unknown", {{"decision", decision}}));
    auto text = core::CleanField("note", note, 2000, true);
    if (!text) return text.error();
    std::optional<Finding> f;
    for (auto& x : Findings(who, "")) {
        if (x.id == id) f = std::move(x);
    }
    if (!f) return core::NotFound(Msg("tasks.finding_not_found"));
    if (f->state != "open") return core::Conflict(Msg("tasks.finding_decided"));
    if (decision == "merged") {
        if (f->code != "likely_duplicate" || !tasks_) return core::InvalidField("decision", Msg("tasks.finding_not_duplicate"));
        // The later task goes into the earlier one (the tracking service checks and records it).
        auto m = tasks_->MergeTask(who, f->other_task_id, f->task_id, *text);
        if (!m) return m.error();
    }
    auto done = db_.Transact([&](Connection& c) -> core::Status {
        if (c.Execute("UPDATE tasks_findings SET state = $1, decided_by = $2, decided_at = $3, note = $4 WHERE id = $5 AND"
                      " state = 'open'",
                      {decision, who.user_id, Ms(clock_.Now()), *text, id}) != 1) {
            return core::Conflict(Msg("tasks.finding_decided"));
        }
        audit_.Write(c, actor.value(),
                     {"tasks.finding.decide", "tasks_finding", std::to_string(id), json::object{{"state", "open"}},
                      json::object{{"state", decision}, {"note", *text}}});
        return core::Ok{};
    });
    if (!done) return done.error();
    for (auto& x : Findings(who, "")) {
        if (x.id == id) return x;
    }
    return core::NotFound(Msg("tasks.finding_not_found"));
}

// ---------------------------------------------------------------------------------------------
// Analysis

core::Result<Analysis> Watch::Analyse(const Principal& who, const std::string& period) const {
    if (!MayFollow(who)) return core::Forbidden(Msg("tasks.not_allowed"));
    std::optional<std::pair<core::TimePoint, core::TimePoint>> range;
    if (!period.empty()) {
        auto p = ev::ParsePeriod(period);
        if (!p) return core::InvalidField("period", Msg("tasks.period_invalid", {{"period", period}}));
        auto b = Bounds(*p);
        if (!b) return b.error();
        range = b.value();
    }
    const bool all = who.is_operator || policy_.Authorize(who, kTaskReadAll, core::access::Scope::Global());
    internal::Readable may_unit(policy_, who);
    auto [tasks, progress, causes, quality] = db_.Read([&](Connection& c) {
        auto light = internal::LoadLight(c);
        std::map<std::int64_t, int> prog;
        for (const auto& r : c.Query("SELECT id, progress FROM tasks_tasks WHERE merged_into IS NULL"))
            prog[r.Int(0)] = static_cast<int>(r.Int(1));
        std::vector<std::pair<std::int64_t, std::string>> cs;
        for (const auto& r : c.Query("SELECT task_id, causes FROM tasks_updates WHERE causes <> '' AND state <> 'returned'"))
            cs.emplace_back(r.Int(0), r.Text(1));
        std::vector<std::tuple<std::int64_t, bool, std::int64_t>> q;  // task, wrong, evaluated_at
        for (const auto& r : c.Query("SELECT task_id, wrong_report, evaluated_at FROM tasks_updates WHERE evaluated_at IS NOT NULL"))
            q.emplace_back(r.Int(0), r.Bool(1), r.Int(2));
        return std::tuple{std::move(light), std::move(prog), std::move(cs), std::move(q)};
    });
    Analysis a{.period = period};
    std::map<std::string, std::size_t> ui, gi, pi;
    auto row = [](std::vector<AnalysisRow>& v, std::map<std::string, std::size_t>& index,
                  const std::string& key) -> AnalysisRow& {
        auto it = index.find(key);
        if (it == index.end()) {
            it = index.emplace(key, v.size()).first;
            v.push_back({.key = key});
        }
        return v[it->second];
    };
    struct Sums {
        std::int64_t progress = 0, open = 0, delay = 0, late = 0;
    };
    // By dimension and row index: the rows' vectors grow while they are summed.
    std::map<std::pair<int, std::size_t>, Sums> sums;
    std::set<std::int64_t> shown, delayed;
    for (const auto& t : tasks) {
        if (!all && !may_unit.Task(t)) continue;
        // A period: the tasks due in it.
        if (range && (!t.deadline || *t.deadline < range->first || *t.deadline >= range->second)) continue;
        shown.insert(t.id);
        const bool late_done = t.completed && t.deadline && *t.completed > *t.deadline;
        const bool over = internal::IsOverdue(t.status);
        if (late_done || over || t.status == Status::kInProgressLate) delayed.insert(t.id);
        auto add = [&](int dim, std::vector<AnalysisRow>& v, std::map<std::string, std::size_t>& index,
                       const std::string& key) {
            auto& r = row(v, index, key);
            ++r.tasks;
            auto& s = sums[{dim, index.at(key)}];
            if (t.completed) {
                ++r.completed;
                if (!late_done) ++r.on_time;
            } else {
                s.progress += progress[t.id];
                ++s.open;
            }
            if (over) ++r.overdue;
            if (late_done) {
                s.delay += std::chrono::duration_cast<std::chrono::hours>(*t.completed - *t.deadline).count();
                ++s.late;
            }
        };
        for (auto u : t.leads) add(0, a.by_unit, ui, std::to_string(u));
        add(1, a.by_group, gi, t.group);
        add(2, a.by_priority, pi, t.priority);
    }
    for (const auto& [at, s] : sums) {
        auto& r = (at.first == 0 ? a.by_unit : at.first == 1 ? a.by_group : a.by_priority)[at.second];
        r.avg_progress = s.open ? static_cast<int>(s.progress / s.open) : 0;
        r.avg_delay_days = s.late ? static_cast<int>(s.delay / s.late / 24) : 0;
    }
    std::map<std::string, std::pair<std::string, std::string>> registry;  // id → code, name
    for (const auto& u : units_.List()) registry[std::to_string(u.id)] = {u.code, u.name_vi};
    for (auto& r : a.by_unit) {
        if (auto it = registry.find(r.key); it != registry.end()) {
            r.label = it->second.second;
            r.key = it->second.first;
        }
    }
    auto by_overdue = [](const AnalysisRow& x, const AnalysisRow& y) {
        return x.overdue != y.overdue ? x.overdue > y.overdue : x.tasks != y.tasks ? x.tasks > y.tasks : x.key < y.key;
    };
    for (auto* v : {&a.by_unit, &a.by_group, &a.by_priority}) std::sort(v->begin(), v->end(), by_overdue);
    // Causes of delay: what units wrote on delayed tasks, alike once folded, counted by task.
    std::map<std::string, std::pair<std::string, std::set<std::int64_t>>> grouped;
    for (const auto& [task, text] : causes) {
        if (!delayed.contains(task)) continue;
        auto key = core::FoldDiacritics(text);
        std::transform(key.begin(), key.end(), key.begin(), [](unsigned char ch) { return std::tolower(ch); });
        auto& g = grouped[key];
        if (g.first.empty()) g.first = text;
        g.second.insert(task);
    }
    for (const auto& [key, g] : grouped) a.causes.push_back({g.first, static_cast<std::int64_t>(g.second.size())});
    std::sort(a.causes.begin(), a.causes.end(),
              [](const CauseRow& x, const CauseRow& y) { return x.tasks != y.tasks ? x.tasks > y.tasks : x.cause < y.cause; });
    if (a.causes.size() > 20) a.causes.resize(20);
    for (const auto& [task, wrong, at] : quality) {
        if (!shown.contains(task)) continue;
        ++a.evaluated;
        if (wrong) ++a.wrong_reports;
    }
    return a;
}

}  // namespace vp::tasks
