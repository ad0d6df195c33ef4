#pragma once
// What the parts of Watch share (inspection.cpp, reports.cpp): every task, light, for the figures.
#include <optional>
#include <string>
#include <vector>

#include "core/clock.hpp"
#include "core/db/database.hpp"
#include "tasks/status.hpp"

namespace vp::tasks::internal {

struct Light {
    std::int64_t id = 0, monitoring = 0;
    Status status{};
    std::string priority, group, content;
    std::optional<core::TimePoint> deadline, completed;
    core::TimePoint assigned{};
    std::vector<std::int64_t> leads, units;  ///< active lead units; every active unit
};

/// Every task of the tracking tables with its active units (one query each).
std::vector<Light> LoadLight(core::db::Connection& c);

inline bool IsOverdue(Status s) { return s == Status::kNotCompletedOverdue || s == Status::kNotStartedOverdue; }

}  // namespace vp::tasks::internal
