#pragma once

#include <chrono>
#include <optional>

namespace vp::calendar {

/// Vietnam has computed its lunisolar calendar for UTC+7 since 1968 (North) / 1975 (South).
inline constexpr double kVietnamTimeZoneHours = 7.0;
/// The Chinese calendar is computed for UTC+8; passing this reproduces it (used by tests to show
/// where the two differ).
inline constexpr double kChinaTimeZoneHours = 8.0;

/// @brief A date in the Vietnamese lunisolar calendar (âm lịch). `year` is the Gregorian year in
/// which that lunar year's Tết falls; `leap` marks the intercalary month (tháng nhuận), which
/// repeats the number of the month before it.
struct LunarDate {
    int day = 1;
    int month = 1;
    int year = 0;
    bool leap = false;

    friend bool operator==(const LunarDate&, const LunarDate&) = default;
};

/// @brief Converts a Gregorian date to the lunar date computed for the time zone `tz_hours`
/// (hours east of UTC). Accurate for about 1800–2199, the range the astronomical series is meant
/// for; outside it the result is still defined but may be off by a day. Pure and thread-safe.
/// @pre `date.ok()`.
LunarDate SolarToLunar(std::chrono::year_month_day date, double tz_hours = kVietnamTimeZoneHours);

/// @brief Converts a lunar date back to the Gregorian calendar.
/// Returns std::nullopt when the lunar date does not exist: month outside 1..12, day outside
/// 1..(29 or 30, the length of that month), or `leap` set on a month that is not the leap month
/// of that year. Pure and thread-safe.
std::optional<std::chrono::year_month_day> LunarToSolar(LunarDate date, double tz_hours = kVietnamTimeZoneHours);

}  // namespace vp::calendar
