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
    std::string quarter;          ///< of the deadline, local ("2026-Q2"; "none"): the snapshot's
    std::string completed_month;  ///< of the completion, local ("2026-04"): the snapshot's
};

/// Watch's snapshot of every task (watch.cpp Snapshot()).
}  // namespace vp::tasks::internal

#include <atomic>
#include <mutex>

namespace vp::tasks {
/// What the dashboard and the map count over, read together and shared by every request until
/// it is emptied.
struct Watch::View {
    std::vector<internal::Light> tasks;
    /// Tasks turning overdue in the last 400 days: (task, local month), for the trend.
    std::vector<std::pair<std::int64_t, std::string>> overdue_months;
    std::map<std::int64_t, units::Unit> units;  ///< the registry
};
struct Watch::Snapshot {
    std::atomic<std::uint64_t> generation{0};
    std::mutex mu;
    std::shared_ptr<const View> view;
    std::uint64_t loaded_generation = 0;
    std::chrono::steady_clock::time_point loaded_at{};
};
}  // namespace vp::tasks

namespace vp::tasks::internal {

/// The instant a local day of the calendar begins.
core::Result<core::TimePoint> StartOfDay(std::chrono::year_month_day day, const calendar::Calendar& cal);

/// Every task of the tracking tables with its active units (one query each).
std::vector<Light> LoadLight(core::db::Connection& c);

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
