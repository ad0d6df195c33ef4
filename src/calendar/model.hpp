#pragma once

#include <array>
#include <chrono>
#include <string>
#include <vector>

namespace vp::calendar {

inline constexpr int kMinutesPerDay = 24 * 60;

/// @brief Working hours within one local day: [start_minute, end_minute) counted from local
/// midnight, so 08:00–12:00 is {480, 720}. Valid when 0 <= start_minute < end_minute <= 1440.
struct Interval {
    int start_minute = 0;
    int end_minute = 0;

    friend bool operator==(const Interval&, const Interval&) = default;
};

enum class DayKind {
    kDayOff,
    kWorkingDay,
    kShortenedDay,
};

/// @brief An administrator's exception for one local date. It wins over the weekly pattern, the
/// official yearly schedules and the computed public holidays.
/// - kDayOff: `hours` must be empty.
/// - kWorkingDay: `hours` empty means the normal hours of a Monday (the same rule as official
///   make-up working days); otherwise the given hours.
/// - kShortenedDay: `hours` must not be empty.
struct DayException {
    std::chrono::year_month_day date;
    DayKind kind = DayKind::kDayOff;
    std::vector<Interval> hours;
    std::string note;
};

/// @brief Everything that defines a working-time calendar except the public holidays, which come
/// from HolidaySettings (calendar.hpp).
struct CalendarSpec {
    /// IANA name, looked up in the system tz database.
    std::string time_zone = "Asia/Ho_Chi_Minh";
    /// Index 0 = Sunday ... 6 = Saturday (the encoding of std::chrono::weekday::c_encoding()).
    std::array<std::vector<Interval>, 7> weekly;
    std::vector<DayException> exceptions;
};

/// @brief The usual office week of Vietnamese state bodies: Monday–Friday 08:00–12:00 and
/// 13:00–17:00, in Asia/Ho_Chi_Minh, with no exceptions.
inline CalendarSpec DefaultVietnamOffice() {
    CalendarSpec spec;
    for (int day = 1; day <= 5; ++day) {
        spec.weekly[day] = {{8 * 60, 12 * 60}, {13 * 60, 17 * 60}};
    }
    return spec;
}

}  // namespace vp::calendar
