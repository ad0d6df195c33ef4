// covers X-5 (recurring jobs: one run per period, computed the same on every node)
#include "core/schedule.hpp"

#include <gtest/gtest.h>

namespace vp::core {
namespace {

using namespace std::chrono;
using namespace std::chrono_literals;

TimePoint At(year_month_day d, minutes m = 0min) { return TimePoint{sys_days{d} + m}; }

ScheduleSpec Every(minutes m, minutes offset = kWorkingTimeOffset) { return ScheduleSpec::Every(m, offset).value(); }
ScheduleSpec Daily(int h, int m, minutes offset = kWorkingTimeOffset) {
    return ScheduleSpec::DailyAt(h, m, offset).value();
}

TEST(Schedule, EveryNMinutesIsAlignedAndStrictlyAfter) {
    auto s = Every(15min);
    EXPECT_EQ(NextRunAfter(s, At(2026y / 1 / 1, 7min)), At(2026y / 1 / 1, 15min));
    EXPECT_EQ(NextRunAfter(s, At(2026y / 1 / 1, 15min)), At(2026y / 1 / 1, 30min)) << "a boundary is not after itself";
    EXPECT_EQ(NextRunAfter(s, At(2026y / 1 / 1, 15min) - 1ms), At(2026y / 1 / 1, 15min));
    EXPECT_EQ(PeriodStartAtOrBefore(s, At(2026y / 1 / 1, 15min)), At(2026y / 1 / 1, 15min));
    EXPECT_EQ(PeriodStartAtOrBefore(s, At(2026y / 1 / 1, 29min)), At(2026y / 1 / 1, 15min));
    // 23:50 UTC on 31 December is 06:50 local on 1 January; the next quarter is 07:00 local.
    EXPECT_EQ(NextRunAfter(s, At(2025y / 12 / 31, 23h + 50min)), At(2026y / 1 / 1));
}

TEST(Schedule, EveryNMinutesIsAlignedToLocalMidnight) {
    // 90 minutes divide a day, so periods start at local midnight (17:00 UTC), not UTC midnight.
    auto s = Every(90min);
    EXPECT_EQ(NextRunAfter(s, At(2026y / 1 / 1, 16h + 59min)), At(2026y / 1 / 1, 17h));
    EXPECT_EQ(NextRunAfter(s, At(2026y / 1 / 1, 17h)), At(2026y / 1 / 1, 18h + 30min));
    EXPECT_EQ(PeriodKey(s, At(2026y / 1 / 1, 17h)), "2026-01-02T00:00+07:00");
    // In UTC the same spec starts at UTC midnight.
    auto utc = Every(90min, 0min);
    EXPECT_EQ(NextRunAfter(utc, At(2026y / 1 / 1, 23h + 59min)), At(2026y / 1 / 2));
}

TEST(Schedule, PeriodsDependOnTheSpecOnly) {
    // Any t lies in exactly one period, [PeriodStartAtOrBefore(t), NextRunAfter(t)).
    for (auto spec : {Every(7min), Every(60min), Every(1440min), Daily(8, 0), Daily(23, 59, -150min)}) {
        for (auto t = At(2026y / 3 / 1); t < At(2026y / 3 / 3); t += 37min + 13ms) {
            auto start = PeriodStartAtOrBefore(spec, t), next = NextRunAfter(spec, t);
            EXPECT_LE(start, t) << spec.ToString();
            EXPECT_GT(next, t) << spec.ToString();
            EXPECT_EQ(next - start,
                      spec.kind == ScheduleSpec::Kind::kEvery ? milliseconds{spec.every} : milliseconds{days{1}})
                << spec.ToString();
            EXPECT_EQ(NextRunAfter(spec, start), next);
        }
    }
}

TEST(Schedule, DailyAtLocalTime) {
    auto s = Daily(8, 0);  // 08:00 UTC+7 = 01:00 UTC
    EXPECT_EQ(NextRunAfter(s, At(2026y / 1 / 1, 30min)), At(2026y / 1 / 1, 1h));
    EXPECT_EQ(NextRunAfter(s, At(2026y / 1 / 1, 1h)), At(2026y / 1 / 2, 1h));
    EXPECT_EQ(PeriodStartAtOrBefore(s, At(2026y / 1 / 1, 30min)), At(2025y / 12 / 31, 1h));
    EXPECT_EQ(PeriodKey(s, At(2026y / 1 / 1, 1h)), "2026-01-01T08:00+07:00");
}

TEST(Schedule, DailyAtLocalTimeAcrossTheUtcDateBoundary) {
    // 06:00 in UTC+7 is 23:00 UTC of the previous day.
    auto s = Daily(6, 0);
    EXPECT_EQ(NextRunAfter(s, At(2026y / 1 / 1, 22h)), At(2026y / 1 / 1, 23h));
    EXPECT_EQ(PeriodKey(s, At(2026y / 1 / 1, 23h)), "2026-01-02T06:00+07:00");
    EXPECT_EQ(NextRunAfter(s, At(2026y / 1 / 1, 23h + 30min)), At(2026y / 1 / 2, 23h));
    EXPECT_EQ(PeriodStartAtOrBefore(s, At(2026y / 1 / 2, 10h)), At(2026y / 1 / 1, 23h))
        << "10:00 UTC on 2 January is 17:00 local, after that day's 06:00";
    // 00:30 local is 17:30 UTC the day before; at 18:00 UTC on 1 January it is 01:00 on 2 January.
    auto early = Daily(0, 30);
    EXPECT_EQ(PeriodStartAtOrBefore(early, At(2026y / 1 / 1, 18h)), At(2026y / 1 / 1, 17h + 30min));
    EXPECT_EQ(PeriodKey(early, At(2026y / 1 / 1, 17h + 30min)), "2026-01-02T00:30+07:00");
    EXPECT_EQ(NextRunAfter(early, At(2026y / 1 / 1, 17h)), At(2026y / 1 / 1, 17h + 30min));
    // The year boundary: 31 December 20:00 UTC is 1 January 03:00 local.
    EXPECT_EQ(PeriodKey(early, PeriodStartAtOrBefore(early, At(2025y / 12 / 31, 20h))), "2026-01-01T00:30+07:00");
}

TEST(Schedule, ParseAndFormatRoundTrip) {
    for (auto spec : {Every(15min), Every(10080min, 0min), Daily(8, 30), Daily(0, 0, -210min), Daily(23, 59, 840min)}) {
        auto text = spec.ToString();
        auto back = ScheduleSpec::Parse(text);
        ASSERT_TRUE(back.ok()) << text;
        EXPECT_EQ(back.value(), spec) << text;
    }
    EXPECT_EQ(Every(15min).ToString(), "every 15m +07:00");
    EXPECT_EQ(Daily(8, 30).ToString(), "daily 08:30 +07:00");
    EXPECT_EQ(Daily(0, 0, -210min).ToString(), "daily 00:00 -03:30");
}

TEST(Schedule, RejectsInvalidSpecs) {
    EXPECT_FALSE(ScheduleSpec::Every(0min).ok());
    EXPECT_FALSE(ScheduleSpec::Every(10081min).ok());
    EXPECT_FALSE(ScheduleSpec::Every(15min, 15h).ok());
    EXPECT_FALSE(ScheduleSpec::DailyAt(24, 0).ok());
    EXPECT_FALSE(ScheduleSpec::DailyAt(8, 60).ok());
    EXPECT_FALSE(ScheduleSpec::DailyAt(-1, 0).ok());
    for (auto text : {"", "every", "every 15m", "every 15 +07:00", "every m +07:00", "every 0m +07:00",
                      "daily 8:30 +07:00", "daily 08:30 07:00", "daily 08:30 +7:00", "hourly 1m +07:00",
                      "daily 24:00 +07:00", "every 15m +15:00", "every -5m +07:00"}) {
        EXPECT_FALSE(ScheduleSpec::Parse(text).ok()) << text;
    }
}

}  // namespace
}  // namespace vp::core
