#include "tasks/status.hpp"

#include <array>
#include <utility>

namespace vp::tasks {
namespace {

constexpr std::array<std::pair<Status, std::string_view>, 7> kCodes = {{
    {Status::kCompletedOnTime, "completed_on_time"},
    {Status::kCompletedLate, "completed_late"},
    {Status::kNotCompletedOverdue, "not_completed_overdue"},
    {Status::kNotStartedOverdue, "not_started_overdue"},
    {Status::kNotStartedWithinDeadline, "not_started_within_deadline"},
    {Status::kInProgressLate, "in_progress_late"},
    {Status::kInProgressOnTime, "in_progress_on_time"},
}};

}  // namespace

std::string_view StatusCode(Status s) {
    for (const auto& [st, code] : kCodes) {
        if (st == s) return code;
    }
    return "in_progress_on_time";
}

std::optional<Status> ParseStatus(std::string_view code) {
    for (const auto& [st, c] : kCodes) {
        if (c == code) return st;
    }
    return std::nullopt;
}

Status ComputeStatus(const StatusFacts& f) {
    if (f.completed_at) {
        return f.deadline && *f.completed_at > *f.deadline ? Status::kCompletedLate : Status::kCompletedOnTime;
    }
    if (f.deadline && f.now > *f.deadline) {
        return f.started ? Status::kNotCompletedOverdue : Status::kNotStartedOverdue;
    }
    if (!f.started) return Status::kNotStartedWithinDeadline;
    if (f.missed_checkpoint) return Status::kInProgressLate;
    if (f.deadline && *f.deadline > f.start && f.now > f.start) {
        // The elapsed share of the time, in percent, against the approved progress.
        const auto total = (*f.deadline - f.start).count();
        const auto elapsed = (f.now - f.start).count();
        const double share = 100.0 * static_cast<double>(elapsed) / static_cast<double>(total);
        if (share - static_cast<double>(f.approved_progress) > static_cast<double>(f.lag_margin))
            return Status::kInProgressLate;
    }
    return Status::kInProgressOnTime;
}

}  // namespace vp::tasks
