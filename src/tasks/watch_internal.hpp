#pragma once
// What the parts of Watch share (inspection.cpp, reports.cpp): every task, light, for the figures.
#include <algorithm>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "calendar/calendar.hpp"
#include "core/access.hpp"
#include "core/clock.hpp"
#include "core/db/database.hpp"
#include "tasks/status.hpp"
#include "tasks/tasks.hpp"
#include "tasks/watch.hpp"

namespace vp::tasks::internal {

struct Light {
    std::int64_t id = 0, monitoring = 0;
    Status status{};
    std::string priority, group, content;
    std::optional<core::TimePoint> deadline, completed;
    core::TimePoint assigned{};
    std::vector<std::int64_t> leads, units;  ///< active lead units; every active unit
};

}  // namespace vp::tasks::internal

#include <chrono>
#include <mutex>
#include <set>
#include <unordered_map>

namespace vp::tasks::internal {

/// The small vocabularies the dashboard counts by, as indices (grow-only: a newer view keeps
/// every index an older one gave, so its tasks are shared between them unchanged).
struct Codes {
    std::vector<std::string> priorities, groups, quarters;
    std::vector<std::int64_t> units;  ///< unit ids
    std::unordered_map<std::string, std::uint32_t> priority_at, group_at, quarter_at;
    std::unordered_map<std::int64_t, std::uint32_t> unit_at;

    static std::uint32_t Of(std::vector<std::string>& v, std::unordered_map<std::string, std::uint32_t>& at,
                            const std::string& key) {
        auto [it, added] = at.emplace(key, static_cast<std::uint32_t>(v.size()));
        if (added) v.push_back(key);
        return it->second;
    }
    std::uint32_t Unit(std::int64_t id) {
        auto [it, added] = unit_at.emplace(id, static_cast<std::uint32_t>(units.size()));
        if (added) units.push_back(id);
        return it->second;
    }
};

/// A task as the dashboard and the map count it: the light record and its keys as indices.
struct Entry {
    Light light;
    std::uint32_t priority = 0, group = 0, quarter = 0, monitoring = 0;
    std::vector<std::uint32_t> leads, units;  ///< indices into Codes::units
    std::int32_t completed_month = -1;        ///< local year * 12 + month - 1; -1: not completed
    std::vector<std::int32_t> overdue_months;  ///< months it turned overdue in (the last 400 days)
};

/// A local month as one number (year * 12 + month - 1).
inline std::int32_t MonthKey(std::chrono::year_month_day d) {
    return static_cast<int>(d.year()) * 12 + static_cast<int>(static_cast<unsigned>(d.month())) - 1;
}

}  // namespace vp::tasks::internal

namespace vp::tasks {
/// What the dashboard and the map count over. Immutable once built and shared by every request;
/// after a change the next view shares every unchanged task with it and reads only the changed
/// ones again (watch_view.cpp).
struct Watch::View {
    std::vector<std::shared_ptr<const internal::Entry>> tasks;  ///< by id
    internal::Codes codes;
    std::map<std::int64_t, units::Unit> units;  ///< the registry
    std::chrono::steady_clock::time_point units_at{};
    /// Dashboards counted over this view, by the viewer's reach and the filter (inspection.cpp).
    mutable std::mutex memo_mu;
    mutable std::unordered_map<std::string, std::shared_ptr<const Dashboard>> memo;
};
struct Watch::Snapshot {
    std::mutex mu;  ///< guards what follows
    std::uint64_t generation = 0;     ///< changes seen
    std::set<std::int64_t> changed;   ///< tasks changed since `view` was built
    bool everything = false;          ///< a change without its task, or very many: read every task again
    std::shared_ptr<const View> view;
    std::uint64_t view_generation = 0;
    std::mutex refresh;  ///< one request builds the next view; the others wait for it
};
}  // namespace vp::tasks

namespace vp::tasks::internal {

/// The instant a local day of the calendar begins.
core::Result<core::TimePoint> StartOfDay(std::chrono::year_month_day day, const calendar::Calendar& cal);

/// Every task of the tracking tables with its active units (one query each), by id.
std::vector<Light> LoadLight(core::db::Connection& c);
/// The same for some tasks only (merged ones are left out).
std::vector<Light> LoadLight(core::db::Connection& c, const std::vector<std::int64_t>& ids);
/// "$from, $from+1, …" for `n` parameters.
std::string Placeholders(std::size_t n, std::size_t from = 1);

/// Whether a viewer reads a unit's tasks (kTaskRead on it), asked of the policy once per unit.
class Readable {
public:
    Readable(const core::access::Policy& policy, const core::access::Principal& who) : policy_(policy), who_(who) {}
    bool Unit(std::int64_t unit) {
        auto it = may_.find(unit);
        if (it == may_.end())
            it = may_.emplace(unit, policy_.Authorize(who_, kTaskRead, core::access::Scope::Unit(unit)).ok()).first;
        return it->second;
    }
    /// A task is read by whoever reads its monitoring unit or one of its units.
    bool Task(const Light& t) {
        return Unit(t.monitoring) || std::any_of(t.units.begin(), t.units.end(), [&](std::int64_t u) { return Unit(u); });
    }

private:
    const core::access::Policy& policy_;
    const core::access::Principal& who_;
    std::map<std::int64_t, bool> may_;
};

inline bool IsOverdue(Status s) { return s == Status::kNotCompletedOverdue || s == Status::kNotStartedOverdue; }

}  // namespace vp::tasks::internal
