// covers X-1: lunar dates behind the Tết and Hùng Kings holidays.
//
// Expected dates come from published sources, never from this code:
// - Tết and Giỗ Tổ 2020–2035: the python-holidays tables (vacanza/holidays,
//   holidays/calendars/chinese.py: LUNAR_NEW_YEAR_DATES, HUNG_KINGS_DATES and the
//   VIETNAMESE_CALENDAR_* overrides for the years where Vietnam differs), cross-checked with the
//   Vietnamese holiday announcements for 2025 and 2026.
// - Vietnam vs China: Hồ Ngọc Đức, "Vietnamese calendar rules / comparison" (Tết 1985 a month
//   apart, 2007 one day), the same python-holidays overrides (also 1968, 1969, 2030, 2053) and the note that
//   "in 2030 and 2053 Vietnam will celebrate Tết earlier than China" (scienceinfo.net).
// - Lunar day names of 2025/2026 dates: Thông báo 6150/TB-BLĐTBXH (25/01/2025 = 26 tháng Chạp
//   Giáp Thìn, 02/02/2025 = mùng 5 Ất Tỵ) and Thông báo 9441/TB-BNV (14/02/2026 = 27 tháng Chạp
//   Ất Tỵ, 16/02/2026 = 29 tháng Chạp, 22/02/2026 = mùng 6 Bính Ngọ).

#include "calendar/lunar.hpp"

#include <gtest/gtest.h>

#include <chrono>

namespace vp::calendar {
namespace {

using std::chrono::year_month_day;

constexpr year_month_day Ymd(int y, unsigned m, unsigned d) {
    return year_month_day{std::chrono::year{y}, std::chrono::month{m}, std::chrono::day{d}};
}

struct YearDate {
    int year;
    year_month_day date;
};

// Vietnamese Tết. 2030 is Feb 2 in Vietnam (Feb 3 in China): the new moon falls just before
// midnight UTC+7.
const YearDate kTet[] = {
    {2020, Ymd(2020, 1, 25)}, {2021, Ymd(2021, 2, 12)}, {2022, Ymd(2022, 2, 1)},  {2023, Ymd(2023, 1, 22)},
    {2024, Ymd(2024, 2, 10)}, {2025, Ymd(2025, 1, 29)}, {2026, Ymd(2026, 2, 17)}, {2027, Ymd(2027, 2, 6)},
    {2028, Ymd(2028, 1, 26)}, {2029, Ymd(2029, 2, 13)}, {2030, Ymd(2030, 2, 2)},  {2031, Ymd(2031, 1, 23)},
    {2032, Ymd(2032, 2, 11)}, {2033, Ymd(2033, 1, 31)}, {2034, Ymd(2034, 2, 19)}, {2035, Ymd(2035, 2, 8)},
};

// Giỗ Tổ Hùng Vương, 10/3 lunar.
const YearDate kHungKings[] = {
    {2020, Ymd(2020, 4, 2)},  {2021, Ymd(2021, 4, 21)}, {2022, Ymd(2022, 4, 10)}, {2023, Ymd(2023, 4, 29)},
    {2024, Ymd(2024, 4, 18)}, {2025, Ymd(2025, 4, 7)},  {2026, Ymd(2026, 4, 26)}, {2027, Ymd(2027, 4, 16)},
    {2028, Ymd(2028, 4, 4)},  {2029, Ymd(2029, 4, 23)}, {2030, Ymd(2030, 4, 12)}, {2031, Ymd(2031, 4, 1)},
    {2032, Ymd(2032, 4, 19)}, {2033, Ymd(2033, 4, 9)},  {2034, Ymd(2034, 4, 28)}, {2035, Ymd(2035, 4, 17)},
};

TEST(Lunar, TetEveryYear2020To2035_X1) {
    for (const auto& [year, date] : kTet) {
        SCOPED_TRACE(year);
        EXPECT_EQ(LunarToSolar({.day = 1, .month = 1, .year = year}), date);
        EXPECT_EQ(SolarToLunar(date), (LunarDate{.day = 1, .month = 1, .year = year}));
    }
}

TEST(Lunar, HungKingsEveryYear2020To2035_X1) {
    for (const auto& [year, date] : kHungKings) {
        SCOPED_TRACE(year);
        EXPECT_EQ(LunarToSolar({.day = 10, .month = 3, .year = year}), date);
        EXPECT_EQ(SolarToLunar(date), (LunarDate{.day = 10, .month = 3, .year = year}));
    }
}

TEST(Lunar, VietnamUtc7DiffersFromChinaUtc8_X1) {
    struct Case {
        int year;
        year_month_day vietnam;
        year_month_day china;
    };
    const Case cases[] = {
        // 1985: a whole month apart (the leap month falls differently in the two calendars).
        {1985, Ymd(1985, 1, 21), Ymd(1985, 2, 20)},
        {2007, Ymd(2007, 2, 17), Ymd(2007, 2, 18)},
        // 1968: the first Tết after North Vietnam switched to UTC+7 (the Tết Offensive year).
        {1968, Ymd(1968, 1, 29), Ymd(1968, 1, 30)},
        {2030, Ymd(2030, 2, 2), Ymd(2030, 2, 3)},
        {1969, Ymd(1969, 2, 16), Ymd(1969, 2, 17)},
        {2053, Ymd(2053, 2, 18), Ymd(2053, 2, 19)},
    };
    for (const auto& c : cases) {
        SCOPED_TRACE(c.year);
        EXPECT_EQ(LunarToSolar({.day = 1, .month = 1, .year = c.year}, kVietnamTimeZoneHours), c.vietnam);
        EXPECT_EQ(LunarToSolar({.day = 1, .month = 1, .year = c.year}, kChinaTimeZoneHours), c.china);
        EXPECT_EQ(SolarToLunar(c.vietnam), (LunarDate{.day = 1, .month = 1, .year = c.year}));
        EXPECT_EQ(SolarToLunar(c.china, kChinaTimeZoneHours), (LunarDate{.day = 1, .month = 1, .year = c.year}));
    }
    // The new moon that starts the Chinese year 1985 starts the second month in Vietnam.
    EXPECT_EQ(SolarToLunar(Ymd(1985, 2, 20)), (LunarDate{.day = 1, .month = 2, .year = 1985}));
}

TEST(Lunar, HungKingsVietnamDiffersFromChina_X1) {
    // python-holidays VIETNAMESE_CALENDAR_HUNG_KINGS_DATES vs HUNG_KINGS_DATES.
    EXPECT_EQ(LunarToSolar({.day = 10, .month = 3, .year = 2037}), Ymd(2037, 4, 24));
    EXPECT_EQ(LunarToSolar({.day = 10, .month = 3, .year = 2037}, kChinaTimeZoneHours), Ymd(2037, 4, 25));
    EXPECT_EQ(LunarToSolar({.day = 10, .month = 3, .year = 2038}), Ymd(2038, 4, 13));
    EXPECT_EQ(LunarToSolar({.day = 10, .month = 3, .year = 2038}, kChinaTimeZoneHours), Ymd(2038, 4, 14));
    EXPECT_EQ(LunarToSolar({.day = 10, .month = 3, .year = 2009}), Ymd(2009, 4, 4));
    EXPECT_EQ(LunarToSolar({.day = 10, .month = 3, .year = 2009}, kChinaTimeZoneHours), Ymd(2009, 4, 5));
}

TEST(Lunar, DaysNamedInOfficialHolidayNotices_X1) {
    EXPECT_EQ(SolarToLunar(Ymd(2025, 1, 25)), (LunarDate{.day = 26, .month = 12, .year = 2024}));
    EXPECT_EQ(SolarToLunar(Ymd(2025, 2, 2)), (LunarDate{.day = 5, .month = 1, .year = 2025}));
    EXPECT_EQ(SolarToLunar(Ymd(2026, 2, 14)), (LunarDate{.day = 27, .month = 12, .year = 2025}));
    EXPECT_EQ(SolarToLunar(Ymd(2026, 2, 16)), (LunarDate{.day = 29, .month = 12, .year = 2025}));
    EXPECT_EQ(SolarToLunar(Ymd(2026, 2, 22)), (LunarDate{.day = 6, .month = 1, .year = 2026}));
}

TEST(Lunar, ShortMonthHasNoDay30_X1) {
    // Tháng Chạp of Ất Tỵ ends on 29 (16/02/2026 is 29 Chạp and the next day is Tết).
    EXPECT_EQ(LunarToSolar({.day = 29, .month = 12, .year = 2025}), Ymd(2026, 2, 16));
    EXPECT_EQ(LunarToSolar({.day = 30, .month = 12, .year = 2025}), std::nullopt);
}

TEST(Lunar, LeapMonths_X1) {
    // Quý Mão 2023 has a leap 2nd month (tháng 2 nhuận), Ất Tỵ 2025 a leap 6th month.
    EXPECT_EQ(SolarToLunar(Ymd(2023, 3, 22)), (LunarDate{.day = 1, .month = 2, .year = 2023, .leap = true}));
    EXPECT_EQ(LunarToSolar({.day = 1, .month = 2, .year = 2023, .leap = true}), Ymd(2023, 3, 22));
    EXPECT_EQ(SolarToLunar(Ymd(2025, 7, 25)), (LunarDate{.day = 1, .month = 6, .year = 2025, .leap = true}));
    EXPECT_EQ(LunarToSolar({.day = 1, .month = 6, .year = 2025, .leap = true}), Ymd(2025, 7, 25));
    // Not the leap month of the year / a year without a leap month.
    EXPECT_EQ(LunarToSolar({.day = 1, .month = 3, .year = 2023, .leap = true}), std::nullopt);
    EXPECT_EQ(LunarToSolar({.day = 1, .month = 6, .year = 2026, .leap = true}), std::nullopt);
}

TEST(Lunar, RejectsImpossibleDates_X1) {
    EXPECT_EQ(LunarToSolar({.day = 1, .month = 13, .year = 2026}), std::nullopt);
    EXPECT_EQ(LunarToSolar({.day = 1, .month = 0, .year = 2026}), std::nullopt);
    EXPECT_EQ(LunarToSolar({.day = 0, .month = 1, .year = 2026}), std::nullopt);
    EXPECT_EQ(LunarToSolar({.day = 31, .month = 1, .year = 2026}), std::nullopt);
}

TEST(Lunar, RoundTripsEveryDay1900To2199_X1) {
    // Consistency, not correctness: every day converts to a lunar date that converts back, and
    // consecutive days advance the lunar day by one or start a new month.
    using std::chrono::days;
    using std::chrono::sys_days;
    LunarDate previous = SolarToLunar(Ymd(1899, 12, 31));
    for (sys_days d{Ymd(1900, 1, 1)}; d < sys_days{Ymd(2200, 1, 1)}; d += days{1}) {
        const LunarDate lunar = SolarToLunar(year_month_day{d});
        ASSERT_EQ(LunarToSolar(lunar), year_month_day{d}) << lunar.day << "/" << lunar.month << "/" << lunar.year;
        if (lunar.day == 1) {
            ASSERT_TRUE(previous.day == 29 || previous.day == 30);
        } else {
            ASSERT_EQ(lunar.day, previous.day + 1);
        }
        previous = lunar;
    }
}

}  // namespace
}  // namespace vp::calendar
