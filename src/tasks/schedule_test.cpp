// covers T-6, T-7, T-8, T-10, T-25: checkpoints by task length (just under and at 1, 3 and 6
// months), periodic cadences, weekends and Tết; the other clocks in working time.
#include <gtest/gtest.h>

#include <filesystem>

#include "calendar/holidays.hpp"
#include "calendar/iso_time.hpp"
#include "tasks/schedule.hpp"

namespace vp::tasks {
namespace {

core::TimePoint At(std::string_view iso) {
    auto t = calendar::TryParseIso(iso);
    EXPECT_TRUE(t.ok()) << iso;
    return t.ok() ? t.value() : core::TimePoint{};
}

const calendar::Calendar& Office() {
    static const auto cal = [] {
        auto schedules = calendar::TryLoadYearSchedules(std::filesystem::path(VP_SOURCE_DIR) / "data/calendar/vn");
        EXPECT_TRUE(schedules.ok());
        return calendar::Calendar::TryCreate(calendar::DefaultVietnamOffice(), {.schedules = schedules.value()}).value();
    }();
    return cal;
}

// "KIND LABEL DUE" lines, as the CLI prints them (with the label).
std::vector<std::string> Plan(std::string_view start, std::optional<std::string_view> deadline,
                              Cadence cadence = Cadence::kNone) {
    ScheduleInput in{.start = At(start), .cadence = cadence};
    if (deadline) in.deadline = At(*deadline);
    auto r = Checkpoints(in, Office());
    EXPECT_TRUE(r.ok());
    std::vector<std::string> out;
    if (!r.ok()) return out;
    for (const auto& c : r.value()) {
        out.push_back(std::string(CheckpointKindCode(c.kind)) + " " + c.label + " " +
                      calendar::FormatIso(c.due_at, "Asia/Ho_Chi_Minh"));
    }
    return out;
}

using Lines = std::vector<std::string>;

TEST(TaskSchedule, UnderOneMonthOnlyAFinalReportThreeWorkingDaysAfter_T8) {
    // 9 March to 8 April: just under a month. The deadline is a Wednesday: Thu, Fri, Mon.
    EXPECT_EQ(ClassifyLength(At("2026-03-09T08:00:00+07:00"), At("2026-04-08T17:00:00+07:00"), Office()),
              Length::kUnder1Month);
    EXPECT_EQ(Plan("2026-03-09T08:00:00+07:00", "2026-04-08T17:00:00+07:00"),
              (Lines{"final final 2026-04-13T17:00:00+07:00"}));
    // A deadline on Friday: the report is due on Wednesday (the weekend does not count).
    EXPECT_EQ(Plan("2026-03-02T08:00:00+07:00", "2026-03-13T17:00:00+07:00"),
              (Lines{"final final 2026-03-18T17:00:00+07:00"}));
    // Across Tết 2026 (16-20 February off): Thursday 12 February -> Fri 13, Mon 23, Tue 24.
    EXPECT_EQ(Plan("2026-02-02T08:00:00+07:00", "2026-02-12T17:00:00+07:00"),
              (Lines{"final final 2026-02-24T17:00:00+07:00"}));
}

TEST(TaskSchedule, OneToThreeMonthsAnUpdateAtHalfTime_T8) {
    // Exactly one month: an update by the end of the day of start + ½ L (Wednesday 25 March).
    EXPECT_EQ(ClassifyLength(At("2026-03-09T08:00:00+07:00"), At("2026-04-09T17:00:00+07:00"), Office()),
              Length::k1To3Months);
    EXPECT_EQ(Plan("2026-03-09T08:00:00+07:00", "2026-04-09T17:00:00+07:00"),
              (Lines{"update 1/2 2026-03-25T17:00:00+07:00", "final final 2026-04-14T17:00:00+07:00"}));
    // Just under three months is still one update.
    EXPECT_EQ(ClassifyLength(At("2026-03-09T08:00:00+07:00"), At("2026-06-08T17:00:00+07:00"), Office()),
              Length::k1To3Months);
    // Half-time on the first day of Tết (Monday 16 February): due when work resumes, the 23rd.
    EXPECT_EQ(Plan("2026-01-19T08:00:00+07:00", "2026-03-16T17:00:00+07:00"),
              (Lines{"update 1/2 2026-02-23T17:00:00+07:00", "final final 2026-03-19T17:00:00+07:00"}));
}

TEST(TaskSchedule, APointAfterWorkingHoursIsDueTheNextWorkingDay_T8) {
    // Half-time at 20:30 on a Friday: not "17:00 that day", which would be before the point.
    EXPECT_EQ(calendar::FormatIso(EndOfWorkingDay(At("2026-12-25T20:30:00+07:00"), Office()).value(), "Asia/Ho_Chi_Minh"),
              "2026-12-28T17:00:00+07:00");
    EXPECT_EQ(calendar::FormatIso(EndOfWorkingDay(At("2026-12-25T16:59:00+07:00"), Office()).value(), "Asia/Ho_Chi_Minh"),
              "2026-12-25T17:00:00+07:00");
    EXPECT_EQ(calendar::FormatIso(EndOfWorkingDay(At("2026-12-26T10:00:00+07:00"), Office()).value(), "Asia/Ho_Chi_Minh"),
              "2026-12-28T17:00:00+07:00")
        << "a Saturday";
}

TEST(TaskSchedule, ThreeToSixMonthsUpdatesAtHalfAndThreeQuartersAndFiveDaysAfter_T8) {
    EXPECT_EQ(ClassifyLength(At("2026-03-09T08:00:00+07:00"), At("2026-06-09T17:00:00+07:00"), Office()),
              Length::k3To6Months);
    // ½ L on Friday 24 April; ¾ L on Sunday 17 May -> Monday 18; deadline Tuesday 9 June + 5.
    EXPECT_EQ(Plan("2026-03-09T08:00:00+07:00", "2026-06-09T17:00:00+07:00"),
              (Lines{"update 1/2 2026-04-24T17:00:00+07:00", "update 3/4 2026-05-18T17:00:00+07:00",
                     "final final 2026-06-16T17:00:00+07:00"}));
    EXPECT_EQ(ClassifyLength(At("2026-03-09T08:00:00+07:00"), At("2026-09-08T17:00:00+07:00"), Office()),
              Length::k3To6Months)
        << "just under six months";
}

TEST(TaskSchedule, SixMonthsOrMoreUpdatesByCadenceAndAFinalReport_T8) {
    EXPECT_EQ(ClassifyLength(At("2026-03-09T08:00:00+07:00"), At("2026-09-09T17:00:00+07:00"), Office()),
              Length::k6MonthsOrMore);
    ScheduleInput six{.start = At("2026-03-09T08:00:00+07:00"), .deadline = At("2026-09-09T17:00:00+07:00")};
    auto missing = Checkpoints(six, Office());
    ASSERT_FALSE(missing.ok());
    EXPECT_EQ(missing.error().field, "cadence");
    // Monthly from 9 March: 9 May is a Saturday, 9 August a Sunday; nothing on the deadline's day.
    EXPECT_EQ(Plan("2026-03-09T08:00:00+07:00", "2026-09-09T17:00:00+07:00", Cadence::kMonthly),
              (Lines{"update 2026-04 2026-04-09T17:00:00+07:00", "update 2026-05 2026-05-11T17:00:00+07:00",
                     "update 2026-06 2026-06-09T17:00:00+07:00", "update 2026-07 2026-07-09T17:00:00+07:00",
                     "update 2026-08 2026-08-10T17:00:00+07:00", "final final 2026-09-16T17:00:00+07:00"}));
    // Quarterly: 9 June; 9 September is the deadline's day.
    EXPECT_EQ(Plan("2026-03-09T08:00:00+07:00", "2026-09-09T17:00:00+07:00", Cadence::kQuarterly),
              (Lines{"update 2026-06 2026-06-09T17:00:00+07:00", "final final 2026-09-16T17:00:00+07:00"}));
}

TEST(TaskSchedule, OpenEndedTasksByCadenceFromTheStart_T8) {
    EXPECT_EQ(ClassifyLength(At("2026-01-31T08:00:00+07:00"), std::nullopt, Office()), Length::kOpenEnded);
    EXPECT_FALSE(Checkpoints({.start = At("2026-01-31T08:00:00+07:00")}, Office()).ok()) << "a cadence is needed";
    auto monthly = Plan("2026-01-31T08:00:00+07:00", std::nullopt, Cadence::kMonthly);
    ASSERT_EQ(monthly.size(), 24u) << "two years ahead by default";
    // 31 January + 1 month = 28 February (a Saturday) -> Monday 2 March.
    EXPECT_EQ(monthly[0], "update 2026-02 2026-03-02T17:00:00+07:00");
    // + 3 months = 30 April (holiday), 1 May (holiday), weekend -> Monday 4 May.
    EXPECT_EQ(monthly[2], "update 2026-04 2026-05-04T17:00:00+07:00");
    auto yearly = Plan("2026-01-31T08:00:00+07:00", std::nullopt, Cadence::kYearly);
    EXPECT_EQ(yearly.size(), 2u);
    // 31 January 2028 falls in the computed Tết holidays (the new year is on the 26th).
    EXPECT_EQ(yearly.back(), "update 2028-01 2028-02-01T17:00:00+07:00");
}

TEST(TaskSchedule, ADeadlineBeforeTheStartIsRefused_T8) {
    auto r = Checkpoints({.start = At("2026-03-09T08:00:00+07:00"), .deadline = At("2026-03-01T17:00:00+07:00")},
                         Office());
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().field, "deadline");
    EXPECT_EQ(ParseCadence("weekly"), std::nullopt);
    EXPECT_EQ(ParseCadence(""), Cadence::kNone);
}

TEST(TaskClocks, EachClockInWorkingTime_T6_T7_T10_T25) {
    const auto& cal = Office();
    auto due = [&](ClockKind k, std::string_view from) {
        return calendar::FormatIso(ClockDue(k, At(from), cal).value(), "Asia/Ho_Chi_Minh");
    };
    // Entry: 3 working days from the issue (Art. 6.1.a), across Tết.
    EXPECT_EQ(due(ClockKind::kEntry, "2026-02-12T10:00:00+07:00"), "2026-02-24T17:00:00+07:00");
    // Acknowledgement: 4 working hours (Art. 6.2.a): Friday 15:00 -> Monday 10:00.
    EXPECT_EQ(due(ClockKind::kAcknowledge, "2026-03-06T15:00:00+07:00"), "2026-03-09T10:00:00+07:00");
    // Dispute: 8 working hours from receipt: Monday 10:00 -> Tuesday 10:00 (lunch not counted).
    EXPECT_EQ(due(ClockKind::kDispute, "2026-03-09T10:00:00+07:00"), "2026-03-10T10:00:00+07:00");
    // Settlement: 1 working day (Art. 6.1.b): the Friday before Tết -> the Monday after.
    EXPECT_EQ(due(ClockKind::kSettle, "2026-02-13T10:00:00+07:00"), "2026-02-23T17:00:00+07:00");
    // Evaluation: 3 working days after the approved update (Art. 6.3).
    EXPECT_EQ(due(ClockKind::kEvaluate, "2026-03-06T16:00:00+07:00"), "2026-03-11T17:00:00+07:00");
    EXPECT_FALSE(ClockDue(ClockKind::kUpdate, At("2026-03-06T16:00:00+07:00"), cal).ok());
    for (auto k : {ClockKind::kEntry, ClockKind::kAcknowledge, ClockKind::kDispute, ClockKind::kSettle,
                   ClockKind::kEvaluate, ClockKind::kUpdate}) {
        EXPECT_EQ(ParseClock(ClockCode(k)), k);
    }
}

TEST(TaskClocks, MetOrMissedByHowMuchInWorkingTime_T25) {
    const auto& cal = Office();
    const auto due = At("2026-03-09T10:00:00+07:00");
    auto late = StateOf(due, At("2026-03-09T11:00:00+07:00"), At("2026-03-20T00:00:00+07:00"), cal);
    EXPECT_EQ(late.outcome, ClockState::Outcome::kMissed);
    EXPECT_EQ(late.by, std::chrono::minutes(60));
    auto early = StateOf(due, At("2026-03-06T16:00:00+07:00"), At("2026-03-20T00:00:00+07:00"), cal);
    EXPECT_EQ(early.outcome, ClockState::Outcome::kMet);
    EXPECT_EQ(early.by, std::chrono::minutes(-180)) << "Friday 16:00 is three working hours before Monday 10:00";
    auto open = StateOf(due, std::nullopt, At("2026-03-09T09:00:00+07:00"), cal);
    EXPECT_EQ(open.outcome, ClockState::Outcome::kRunning);
    auto overdue = StateOf(due, std::nullopt, At("2026-03-10T09:00:00+07:00"), cal);
    EXPECT_EQ(overdue.outcome, ClockState::Outcome::kMissed);
    EXPECT_EQ(overdue.by, std::chrono::minutes(7 * 60)) << "Monday 10-12, 13-17 and Tuesday 8-9";
    EXPECT_EQ(OutcomeCode(overdue.outcome), "missed");
}

}  // namespace
}  // namespace vp::tasks
