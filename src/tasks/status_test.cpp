// covers T-4: every status code, computed from facts.
#include <gtest/gtest.h>

#include "calendar/iso_time.hpp"
#include "tasks/status.hpp"

namespace vp::tasks {
namespace {

core::TimePoint At(std::string_view iso) { return calendar::TryParseIso(iso).value(); }

StatusFacts Task() {
    return {.start = At("2026-03-01T08:00:00+07:00"), .deadline = At("2026-03-31T17:00:00+07:00"),
            .now = At("2026-03-10T09:00:00+07:00")};
}

TEST(TaskStatus, EveryCode_T4) {
    auto f = Task();
    EXPECT_EQ(ComputeStatus(f), Status::kNotStartedWithinDeadline);
    f.started = true;
    f.approved_progress = 40;
    EXPECT_EQ(ComputeStatus(f), Status::kInProgressOnTime);
    f.missed_checkpoint = true;
    EXPECT_EQ(ComputeStatus(f), Status::kInProgressLate) << "a missed checkpoint";
    f.missed_checkpoint = false;
    f.now = At("2026-03-28T09:00:00+07:00");  // about 90 % of the time gone, 40 % done
    EXPECT_EQ(ComputeStatus(f), Status::kInProgressLate) << "progress behind the time";
    f.approved_progress = 75;
    EXPECT_EQ(ComputeStatus(f), Status::kInProgressOnTime) << "within the margin";
    f.now = At("2026-04-01T09:00:00+07:00");
    EXPECT_EQ(ComputeStatus(f), Status::kNotCompletedOverdue);
    f.started = false;
    EXPECT_EQ(ComputeStatus(f), Status::kNotStartedOverdue);
    f.completed_at = At("2026-03-31T17:00:00+07:00");
    EXPECT_EQ(ComputeStatus(f), Status::kCompletedOnTime) << "at the deadline is on time";
    f.completed_at = At("2026-03-31T17:00:01+07:00");
    EXPECT_EQ(ComputeStatus(f), Status::kCompletedLate);
}

TEST(TaskStatus, OpenEndedTasksHaveNoDeadlineTests_T4) {
    auto f = Task();
    f.deadline.reset();
    f.now = At("2030-01-01T09:00:00+07:00");
    EXPECT_EQ(ComputeStatus(f), Status::kNotStartedWithinDeadline);
    f.started = true;
    EXPECT_EQ(ComputeStatus(f), Status::kInProgressOnTime) << "no elapsed share without a deadline";
    f.missed_checkpoint = true;
    EXPECT_EQ(ComputeStatus(f), Status::kInProgressLate);
    f.completed_at = f.now;
    EXPECT_EQ(ComputeStatus(f), Status::kCompletedOnTime);
}

TEST(TaskStatus, CodesRoundTrip_T4) {
    for (auto s : kAllStatuses) EXPECT_EQ(ParseStatus(StatusCode(s)), s);
    EXPECT_EQ(ParseStatus("done"), std::nullopt);
    EXPECT_EQ(StatusCode(Status::kNotStartedWithinDeadline), "not_started_within_deadline");
}

}  // namespace
}  // namespace vp::tasks
