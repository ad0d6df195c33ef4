// The dashboard's and the map's view of every task (watch_internal.hpp Watch::View), kept up to
// date change by change: a tasks.task event names its task, and the next request builds a view
// that shares every other task with the one before and reads only the changed ones again. A
// change that names no task, or very many at once (the status job's catch-up), reads everything.
#include <algorithm>

#include <boost/json.hpp>
#include <spdlog/spdlog.h>

#include "tasks/watch.hpp"
#include "tasks/watch_internal.hpp"

namespace vp::tasks {
namespace {

using core::db::Connection;
using internal::Entry;
using internal::Light;
using internal::MonthKey;

// More changed tasks than this since the last view: cheaper to read every task again.
constexpr std::size_t kMostChanged = 2000;
// The unit registry (names, kinds) is read again this often.
constexpr auto kUnitsFor = std::chrono::seconds(10);
constexpr std::string_view kOverdueHistory =
    "SELECT task_id, at FROM tasks_status_history WHERE at >= $1 AND status IN"
    " ('not_completed_overdue', 'not_started_overdue')";

// What a tasks.task event means for the view: the task it names, none (it changed no task:
// a warning on a unit, a closed evaluation), or unknown (read everything).
enum class Touch { kTask, kNone, kEverything };
Touch Touched(const core::Event& e, std::int64_t& id) {
    boost::system::error_code ec;
    auto v = boost::json::parse(e.data_json, ec);
    if (ec || !v.is_object()) return Touch::kEverything;
    const auto& o = v.as_object();
    if (const auto* i = o.if_contains("id"); i && i->is_int64()) {
        id = i->get_int64();
        return id > 0 ? Touch::kTask : Touch::kNone;
    }
    if (const auto* a = o.if_contains("action"); a && a->is_string() && a->get_string() == "evaluation") return Touch::kNone;
    return Touch::kEverything;
}

}  // namespace

void Watch::Follow() {
    std::weak_ptr<Snapshot> weak = snapshot_;
    auto note = [weak](const core::Event& e) {
        if (e.topic != "tasks.task") return;
        auto s = weak.lock();
        if (!s) return;
        std::int64_t id = 0;
        const auto touch = Touched(e, id);
        if (touch == Touch::kNone) return;
        std::lock_guard lock(s->mu);
        ++s->generation;
        if (touch == Touch::kEverything || s->changed.size() >= kMostChanged) {
            s->everything = true;
            s->changed.clear();
        } else if (!s->everything) {
            s->changed.insert(id);
        }
    };
    // This node's changes at their commit (before the change's answer goes out), every node's
    // through the bus (this node's again: reading a task twice is harmless). Cheap, never blocking.
    events_.OnLocalCommit(note);
    subscription_ = events_.Subscribe([note](const core::Event& e) {
        note(e);
        return false;
    });
}

std::shared_ptr<const Watch::View> Watch::Current() const {
    const auto now = std::chrono::steady_clock::now();
    auto fresh = [&](const Snapshot& s) {
        return s.view && s.view_generation == s.generation && now - s.view->units_at < kUnitsFor;
    };
    {
        std::lock_guard lock(snapshot_->mu);
        if (fresh(*snapshot_)) return snapshot_->view;
    }
    std::lock_guard building(snapshot_->refresh);
    std::uint64_t generation = 0;
    std::vector<std::int64_t> ids;
    bool everything = false;
    std::shared_ptr<const View> base;
    {
        std::lock_guard lock(snapshot_->mu);
        if (fresh(*snapshot_)) return snapshot_->view;  // built by the request we waited for
        generation = snapshot_->generation;
        ids.assign(snapshot_->changed.begin(), snapshot_->changed.end());
        everything = snapshot_->everything || !snapshot_->view;
        snapshot_->changed.clear();
        snapshot_->everything = false;
        base = snapshot_->view;
    }
    // Read outside the lock: a change while reading is noted for the next view.
    auto cal = calendars_.GetShared();
    auto month = [&](core::TimePoint t) {
        return MonthKey(cal ? cal.value()->LocalDate(t) : std::chrono::year_month_day{std::chrono::floor<std::chrono::days>(t)});
    };
    auto view = std::make_shared<View>();
    if (!everything) view->codes = base->codes;
    auto entry = [&](Light l) {
        auto e = std::make_shared<Entry>();
        e->priority = internal::Codes::Of(view->codes.priorities, view->codes.priority_at, l.priority);
        e->group = internal::Codes::Of(view->codes.groups, view->codes.group_at, l.group);
        std::string quarter = "none";
        if (l.deadline) {
            const auto m = month(*l.deadline);
            quarter = std::to_string(m / 12) + "-Q" + std::to_string(m % 12 / 3 + 1);
        }
        e->quarter = internal::Codes::Of(view->codes.quarters, view->codes.quarter_at, quarter);
        e->monitoring = view->codes.Unit(l.monitoring);
        for (auto u : l.leads) e->leads.push_back(view->codes.Unit(u));
        for (auto u : l.units) e->units.push_back(view->codes.Unit(u));
        if (l.completed) e->completed_month = month(*l.completed);
        e->light = std::move(l);
        return e;
    };
    const auto since = core::ToMillis(clock_.Now() - std::chrono::hours(24 * 400));
    try {
        db_.Read([&](Connection& c) {
            std::vector<Light> lights;
            std::vector<core::db::Row> history;
            if (everything) {
                lights = internal::LoadLight(c);
                history = c.Query(kOverdueHistory, {since});
            } else if (!ids.empty()) {
                lights = internal::LoadLight(c, ids);
                core::db::Params params{since};
                params.insert(params.end(), ids.begin(), ids.end());
                history = c.Query(std::string(kOverdueHistory) + " AND task_id IN (" +
                                      internal::Placeholders(ids.size(), 2) + ")",
                                  params);
            }
            std::vector<std::shared_ptr<Entry>> read;
            read.reserve(lights.size());
            for (auto& l : lights) read.push_back(entry(std::move(l)));  // by id, as LoadLight gives them
            for (const auto& r : history) {
                auto it = std::lower_bound(read.begin(), read.end(), r.Int(0),
                                           [](const auto& e, std::int64_t id) { return e->light.id < id; });
                if (it != read.end() && (*it)->light.id == r.Int(0))
                    (*it)->overdue_months.push_back(month(core::FromMillis(r.Int(1))));
            }
            if (everything) {
                view->tasks.assign(read.begin(), read.end());
                return;
            }
            // Merge by id: unchanged tasks shared, changed ones replaced, merged ones gone, new ones in.
            view->tasks.reserve(base->tasks.size() + read.size());
            auto next_id = ids.begin();
            auto next_read = read.begin();
            for (const auto& t : base->tasks) {
                const auto id = t->light.id;
                while (next_read != read.end() && (*next_read)->light.id < id) view->tasks.push_back(*next_read++);
                while (next_id != ids.end() && *next_id < id) ++next_id;
                if (next_id != ids.end() && *next_id == id) {
                    if (next_read != read.end() && (*next_read)->light.id == id) view->tasks.push_back(*next_read++);
                    continue;  // changed: read again, or no longer listed (merged)
                }
                view->tasks.push_back(t);
            }
            while (next_read != read.end()) view->tasks.push_back(*next_read++);
        });
    } catch (...) {
        std::lock_guard lock(snapshot_->mu);
        snapshot_->everything = true;  // what was taken is read again next time
        throw;
    }
    if (!everything && now - base->units_at < kUnitsFor) {
        view->units = base->units;
        view->units_at = base->units_at;
    } else {
        for (auto& u : units_.List()) view->units.emplace(u.id, std::move(u));
        view->units_at = now;
    }
    std::lock_guard lock(snapshot_->mu);
    snapshot_->view = view;
    snapshot_->view_generation = generation;
    return view;
}

}  // namespace vp::tasks
