#pragma once
// The status of a task (T-4; 08-QC/TW Art. 4.1.đ): computed from facts, never typed in. Pure;
// tests: status_test.cpp.

#include <optional>
#include <string_view>

#include "core/clock.hpp"

namespace vp::tasks {

enum class Status {
    kCompletedOnTime,           ///< completed on or before the deadline (or open-ended and completed)
    kCompletedLate,             ///< completed after the deadline
    kNotCompletedOverdue,       ///< deadline passed, work started, not completed
    kNotStartedOverdue,         ///< deadline passed, nothing started
    kNotStartedWithinDeadline,  ///< deadline not passed (or none), nothing started
    kInProgressLate,            ///< started, within the deadline, but behind (a missed checkpoint or lagging progress)
    kInProgressOnTime,          ///< started, within the deadline, on track
};

/// The API's codes: completed_on_time, completed_late, not_completed_overdue, not_started_overdue,
/// not_started_within_deadline, in_progress_late, in_progress_on_time.
std::string_view StatusCode(Status s);
std::optional<Status> ParseStatus(std::string_view code);
/// Every status, in the order above (filters, counts).
inline constexpr Status kAllStatuses[] = {Status::kCompletedOnTime,          Status::kCompletedLate,
                                          Status::kNotCompletedOverdue,      Status::kNotStartedOverdue,
                                          Status::kNotStartedWithinDeadline, Status::kInProgressLate,
                                          Status::kInProgressOnTime};

/// What a status depends on.
struct StatusFacts {
    core::TimePoint start{};
    std::optional<core::TimePoint> deadline;      ///< none: open-ended (no deadline tests)
    std::optional<core::TimePoint> completed_at;  ///< when completion was approved
    bool started = false;                         ///< at least one approved update
    int approved_progress = 0;                    ///< 0..100, of the latest approved update
    bool missed_checkpoint = false;               ///< an update checkpoint passed without its update
    core::TimePoint now{};
    /// How far (percentage points) approved progress may trail the elapsed share of the time.
    int lag_margin = 20;
};

Status ComputeStatus(const StatusFacts& f);

}  // namespace vp::tasks
