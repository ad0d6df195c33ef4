#pragma once

#include <array>
#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "calendar/holidays.hpp"
#include "calendar/iso_time.hpp"
#include "calendar/model.hpp"
#include "core/clock.hpp"
#include "core/result.hpp"

namespace date {
class time_zone;
}  // namespace date

namespace vp::calendar {

/// Every search (adding time, measuring between two instants, finding the next working instant)
/// looks at most this far from its starting day. Amounts or spans beyond it are refused: they come
/// from user input (CLI/HTTP) and a deadline 20 years away is a typo, not a plan.
inline constexpr std::chrono::days kMaxSearchSpan{20 * 366};

/// Labour Code holidays are computed for these Gregorian years (when enabled); outside them only
/// the weekly pattern, schedule files and exceptions apply.
inline constexpr int kFirstComputedHolidayYear = 1970;
inline constexpr int kLastComputedHolidayYear = 2199;

/// Why a day has the rule it has, from weakest to strongest.
enum class DaySource {
    kWeekly,            // the ordinary weekly pattern
    kComputedHoliday,   // ComputedHolidays(): kept by MergeYear, or a year without a schedule
    kOfficialSchedule,  // a YearSchedule (data/calendar/vn/YYYY.json)
    kException,         // an administrator's DayException
};

/// @brief The resolved rule of one local date.
struct DayInfo {
    std::chrono::year_month_day date;
    /// kDayOff, kWorkingDay, or kShortenedDay (only from an administrator's exception).
    DayKind kind = DayKind::kDayOff;
    /// Local working intervals, sorted and non-overlapping; empty exactly when kind == kDayOff.
    std::vector<Interval> hours;
    DaySource source = DaySource::kWeekly;
    /// Holiday name, make-up note or exception note; empty for kWeekly. `name_en` may be empty for
    /// exceptions (DayException has a single note, stored in `name_vi`).
    std::string name_vi;
    std::string name_en;
};

/// @brief Where public holidays come from.
struct HolidaySettings {
    /// Compute Labour Code holidays (ComputedHolidays) for every year that has no schedule.
    /// Turn off for a calendar outside Vietnam.
    bool computed_holidays = true;
    /// Official yearly schedules; at most one per year. A year with a schedule is merged with its
    /// computed holidays per holiday (MergeYear): an entry naming a holiday replaces only that
    /// holiday's computed days; make-up working days take Monday's hours. With computed_holidays
    /// off, a schedule's entries are the year's only holidays.
    std::vector<YearSchedule> schedules;
};

/// @brief Vietnamese working-time calendar (requirement X-1): weekly hours in a time zone, public
/// holidays, official swaps and administrator exceptions. Precedence, strongest first:
/// DayException > YearSchedule of that year > computed holidays > weekly pattern (within a year with
/// a schedule, computed holidays the schedule does not name still apply: MergeYear).
///
/// All instants are UTC (core::TimePoint); local days and hours are in the spec's zone. Working
/// time is elapsed real time, so an interval on a DST-change day lasts what the clock says
/// (a local time skipped by DST maps to the transition instant, an ambiguous one to its earlier
/// occurrence). Intervals are half-open: 12:00 and 17:00 are not working time.
///
/// Immutable after creation; all member functions are const and safe to call concurrently.
class Calendar {
public:
    /// @brief Validates and builds a calendar. Returns InvalidInput (a message key) when the
    /// zone is unknown, an interval is outside [00:00, 24:00] or empty, intervals of a day overlap,
    /// no weekday has working hours, two exceptions share a date, an exception's hours contradict
    /// its kind, a schedule is invalid or two schedules share a year, or a make-up working day
    /// needs Monday's hours and Monday has none. Intervals are sorted on the way in.
    static core::Result<Calendar> TryCreate(CalendarSpec spec, HolidaySettings holidays = {});

    const std::string& TimeZone() const { return time_zone_name_; }

    /// @brief The rule of local date `date`. @pre `date.ok()`.
    DayInfo Day(std::chrono::year_month_day date) const;

    /// Every date of `year` whose DaySource is not kWeekly, sorted.
    std::vector<DayInfo> SpecialDays(int year) const;

    /// The local calendar date of instant `t`.
    std::chrono::year_month_day LocalDate(core::TimePoint t) const;

    /// True if `t` lies inside a working interval (start inclusive, end exclusive).
    bool IsWorkingTime(core::TimePoint t) const;

    /// @brief `t` itself if it is working time, else the start of the next working interval.
    /// std::nullopt if there is none within kMaxSearchSpan.
    std::optional<core::TimePoint> FindNextWorkingInstant(core::TimePoint t) const;

    /// @brief The instant at which `amount` of working time has elapsed after `from`.
    /// An amount that ends exactly at the end of an interval returns that end (Friday 17:00, not
    /// Monday 08:00); `amount == 0` returns `from` unchanged.
    /// Returns InvalidInput if `amount` is negative, longer than kMaxSearchSpan, or not reachable
    /// within kMaxSearchSpan of working days.
    core::Result<core::TimePoint> TryAddWorkingHours(core::TimePoint from, std::chrono::minutes amount) const;

    /// @brief Deadline of "`days` working days": the end of the last working interval of the
    /// `days`-th working day strictly after the local date of `from` (the day of receipt is not
    /// counted, as in "trong thời hạn 05 ngày làm việc kể từ ngày nhận"). A working day is any day
    /// with working hours, shortened days included.
    /// Returns InvalidInput if `days` < 1 or > kMaxSearchSpan.count(), or not reachable within
    /// kMaxSearchSpan.
    core::Result<core::TimePoint> TryAddWorkingDays(core::TimePoint from, int days) const;

    /// @brief Working time in [a, b), truncated toward zero to whole minutes. If b < a the result is
    /// the negated working time in [b, a), so TryWorkingTimeBetween(a, b) == -TryWorkingTimeBetween(b, a).
    /// For whole-minute amounts m: TryWorkingTimeBetween(a, TryAddWorkingHours(a, m)) == m.
    /// Returns InvalidInput if |b - a| exceeds kMaxSearchSpan.
    core::Result<std::chrono::minutes> TryWorkingTimeBetween(core::TimePoint a, core::TimePoint b) const;

    /// FormatIso(t, TimeZone()).
    std::string FormatIso(core::TimePoint t) const;

private:
    struct UtcInterval {
        core::TimePoint start;
        core::TimePoint end;
    };

    Calendar() = default;

    const std::vector<Interval>& HoursOn(std::chrono::sys_days local_day) const;
    std::vector<UtcInterval> UtcIntervalsOn(std::chrono::sys_days local_day) const;
    std::chrono::sys_days LocalDay(core::TimePoint t) const;
    core::TimePoint ToUtc(std::chrono::sys_days local_day, int minute) const;

    std::string time_zone_name_;
    // Not owned: zones of the process-wide tz database live until the program exits.
    const date::time_zone* zone_ = nullptr;
    std::array<std::vector<Interval>, 7> weekly_;
    // Every date whose rule does not come from weekly_, keyed by local date.
    std::map<std::chrono::sys_days, DayInfo> overrides_;
};

/// @brief The dates of `year` that are off for a reason other than the ordinary weekly pattern,
/// sorted: public holidays (also those falling on a Saturday or Sunday, so that the list matches
/// the official announcement), compensatory and swapped days, and administrators' days off.
/// Ordinary weekends are not listed, nor are make-up working days. Backs
/// `vanphong calendar holidays YYYY`.
std::vector<std::chrono::year_month_day> DaysOff(const Calendar& calendar, int year);

/// The name of a weekday (0 = Sunday … 6 = Saturday) as a message, for messages that name one
/// ("calendar.weekday_sun" … "calendar.weekday_sat").
core::Message WeekdayName(unsigned weekday);

}  // namespace vp::calendar
