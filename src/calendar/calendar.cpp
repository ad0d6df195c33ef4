#include "calendar/calendar.hpp"

#include <date/tz.h>

#include <algorithm>
#include <cassert>
#include <set>

namespace vp::calendar {
namespace {

using core::TimePoint;
using std::chrono::days;
using std::chrono::milliseconds;
using std::chrono::minutes;
using std::chrono::sys_days;
using std::chrono::year_month_day;

core::Error TooFar() { return core::InvalidInput(core::Msg("calendar.span_too_long")); }

// Sorts `hours` and checks each interval lies in [0, 1440] with start < end and that none overlap.
// Returns the first problem, or nullopt.
std::optional<core::Message> NormalizeHours(std::vector<Interval>& hours) {
    std::sort(hours.begin(), hours.end(),
              [](const Interval& a, const Interval& b) { return a.start_minute < b.start_minute; });
    for (std::size_t i = 0; i < hours.size(); ++i) {
        const Interval& iv = hours[i];
        if (iv.start_minute < 0 || iv.end_minute > kMinutesPerDay || iv.start_minute >= iv.end_minute) {
            return core::Msg("calendar.interval_minutes_invalid",
                             {{"start", std::to_string(iv.start_minute)}, {"end", std::to_string(iv.end_minute)}});
        }
        if (i > 0 && hours[i - 1].end_minute > iv.start_minute) return core::Msg("calendar.intervals_overlap");
    }
    return std::nullopt;
}

}  // namespace

core::Result<Calendar> Calendar::TryCreate(CalendarSpec spec, HolidaySettings holidays) {
    Calendar calendar;
    if (!IsKnownTimeZone(spec.time_zone)) {
        return core::InvalidInput(core::Msg("calendar.time_zone_invalid", {{"zone", spec.time_zone}}));
    }
    calendar.time_zone_name_ = spec.time_zone;
    calendar.zone_ = date::locate_zone(spec.time_zone);

    bool any_working_hours = false;
    for (std::size_t wd = 0; wd < 7; ++wd) {
        if (auto bad = NormalizeHours(spec.weekly[wd])) {
            return core::InvalidInput(core::WithPart(core::WithPart(core::Msg("calendar.weekday_hours_invalid"), "day",
                                                                    WeekdayName(static_cast<unsigned>(wd))),
                                                     "reason", *bad));
        }
        any_working_hours = any_working_hours || !spec.weekly[wd].empty();
    }
    if (!any_working_hours) {
        return core::InvalidInput(core::Msg("calendar.weekly_empty"));
    }
    calendar.weekly_ = spec.weekly;
    const std::vector<Interval>& monday_hours = calendar.weekly_[1];
    const auto make_up_hours_missing = [&] { return core::InvalidInput(core::Msg("calendar.make_up_without_monday")); };

    std::set<int> schedule_years;  // only to refuse two schedules of one year
    for (const YearSchedule& schedule : holidays.schedules) {
        if (auto status = ValidateYearSchedule(schedule); !status) return status.error();
        if (!schedule_years.insert(schedule.year).second) {
            return core::InvalidInput(
                core::Msg("calendar.schedule_year_twice", {{"year", std::to_string(schedule.year)}}));
        }
    }

    // Weakest first; stronger sources overwrite with insert_or_assign. A year with a schedule is
    // merged with its computed holidays holiday by holiday (MergeYear).
    std::map<int, const YearSchedule*> by_year;
    for (const YearSchedule& schedule : holidays.schedules) by_year[schedule.year] = &schedule;
    const auto computed_for = [&](int year) {
        return holidays.computed_holidays && year >= kFirstComputedHolidayYear && year <= kLastComputedHolidayYear
                   ? ComputedHolidays(year)
                   : std::vector<Holiday>{};
    };
    if (holidays.computed_holidays) {
        for (int year = kFirstComputedHolidayYear; year <= kLastComputedHolidayYear; ++year) {
            if (by_year.contains(year)) continue;
            for (Holiday& h : ComputedHolidays(year)) {
                calendar.overrides_.insert_or_assign(sys_days{h.date}, DayInfo{.date = h.date,
                                                                               .kind = DayKind::kDayOff,
                                                                               .source = DaySource::kComputedHoliday,
                                                                               .name_vi = std::move(h.name_vi),
                                                                               .name_en = std::move(h.name_en)});
            }
        }
    }
    for (const auto& [year, schedule] : by_year) {
        for (MergedDay& d : MergeYear(computed_for(year), *schedule)) {
            if (d.origin == MergedOrigin::kReplaced) continue;
            const DaySource source =
                d.origin == MergedOrigin::kComputed ? DaySource::kComputedHoliday : DaySource::kOfficialSchedule;
            if (d.working_day) {
                if (monday_hours.empty()) return make_up_hours_missing();
                calendar.overrides_.insert_or_assign(sys_days{d.date}, DayInfo{.date = d.date,
                                                                               .kind = DayKind::kWorkingDay,
                                                                               .hours = monday_hours,
                                                                               .source = source,
                                                                               .name_vi = std::move(d.name_vi),
                                                                               .name_en = std::move(d.name_en)});
            } else {
                calendar.overrides_.insert_or_assign(sys_days{d.date}, DayInfo{.date = d.date,
                                                                               .kind = DayKind::kDayOff,
                                                                               .source = source,
                                                                               .name_vi = std::move(d.name_vi),
                                                                               .name_en = std::move(d.name_en)});
            }
        }
    }

    std::set<sys_days> exception_dates;
    for (DayException& e : spec.exceptions) {
        if (!e.date.ok()) return core::InvalidInput(core::Msg("calendar.exception_date_invalid"));
        const std::string date_text = FormatIsoDate(e.date);
        if (!exception_dates.insert(sys_days{e.date}).second) {
            return core::InvalidInput(core::Msg("calendar.exception_twice", {{"date", date_text}}));
        }
        if (auto bad = NormalizeHours(e.hours)) {
            return core::InvalidInput(
                core::WithPart(core::Msg("calendar.exception_hours_invalid", {{"date", date_text}}), "reason", *bad));
        }
        switch (e.kind) {
            case DayKind::kDayOff:
                if (!e.hours.empty()) {
                    return core::InvalidInput(
                        core::Msg("calendar.exception_day_off_with_hours", {{"date", date_text}}));
                }
                break;
            case DayKind::kWorkingDay:
                if (e.hours.empty()) {
                    if (monday_hours.empty()) return make_up_hours_missing();
                    e.hours = monday_hours;
                }
                break;
            case DayKind::kShortenedDay:
                if (e.hours.empty()) {
                    return core::InvalidInput(
                        core::Msg("calendar.exception_shortened_without_hours", {{"date", date_text}}));
                }
                break;
        }
        calendar.overrides_.insert_or_assign(sys_days{e.date}, DayInfo{.date = e.date,
                                                                       .kind = e.kind,
                                                                       .hours = std::move(e.hours),
                                                                       .source = DaySource::kException,
                                                                       .name_vi = std::move(e.note)});
    }
    return calendar;
}

DayInfo Calendar::Day(year_month_day date) const {
    assert(date.ok());
    const sys_days day{date};
    if (const auto it = overrides_.find(day); it != overrides_.end()) {
        return it->second;
    }
    const auto& hours = weekly_[std::chrono::weekday{day}.c_encoding()];
    return DayInfo{.date = date, .kind = hours.empty() ? DayKind::kDayOff : DayKind::kWorkingDay, .hours = hours};
}

std::vector<DayInfo> Calendar::SpecialDays(int year) const {
    const sys_days first{std::chrono::year{year} / 1 / 1};
    const sys_days last{std::chrono::year{year} / 12 / 31};
    std::vector<DayInfo> result;
    for (auto it = overrides_.lower_bound(first); it != overrides_.end() && it->first <= last; ++it) {
        result.push_back(it->second);
    }
    return result;
}

const std::vector<Interval>& Calendar::HoursOn(sys_days local_day) const {
    if (const auto it = overrides_.find(local_day); it != overrides_.end()) {
        return it->second.hours;
    }
    return weekly_[std::chrono::weekday{local_day}.c_encoding()];
}

TimePoint Calendar::ToUtc(sys_days local_day, int minute) const {
    const date::local_time<minutes> local{local_day.time_since_epoch() + minutes{minute}};
    // `earliest` keeps the mapping monotonic, so consecutive intervals never overlap in UTC.
    return std::chrono::time_point_cast<milliseconds>(zone_->to_sys(local, date::choose::earliest));
}

std::vector<Calendar::UtcInterval> Calendar::UtcIntervalsOn(sys_days local_day) const {
    std::vector<UtcInterval> result;
    for (const Interval& iv : HoursOn(local_day)) {
        const UtcInterval utc{ToUtc(local_day, iv.start_minute), ToUtc(local_day, iv.end_minute)};
        if (utc.start < utc.end) result.push_back(utc);  // Empty only if wholly inside a DST gap.
    }
    return result;
}

sys_days Calendar::LocalDay(TimePoint t) const {
    const auto local = zone_->to_local(t);
    return sys_days{std::chrono::floor<days>(local.time_since_epoch())};
}

year_month_day Calendar::LocalDate(TimePoint t) const { return year_month_day{LocalDay(t)}; }

bool Calendar::IsWorkingTime(TimePoint t) const {
    const sys_days day = LocalDay(t);
    // The previous day too: around a DST change at midnight its last interval can end after the
    // local date has already turned.
    for (const sys_days d : {day - days{1}, day}) {
        for (const UtcInterval& iv : UtcIntervalsOn(d)) {
            if (iv.start <= t && t < iv.end) return true;
        }
    }
    return false;
}

std::optional<TimePoint> Calendar::FindNextWorkingInstant(TimePoint t) const {
    const sys_days first = LocalDay(t) - days{1};
    for (sys_days d = first; d <= first + kMaxSearchSpan; d += days{1}) {
        for (const UtcInterval& iv : UtcIntervalsOn(d)) {
            if (iv.end > t) return std::max(iv.start, t);
        }
    }
    return std::nullopt;
}

core::Result<TimePoint> Calendar::TryAddWorkingHours(TimePoint from, minutes amount) const {
    if (amount < minutes{0}) {
        return core::InvalidInput(core::Msg("calendar.hours_negative"));
    }
    if (amount > kMaxSearchSpan) {
        return TooFar();
    }
    milliseconds remaining = amount;
    if (remaining == milliseconds{0}) return from;
    const sys_days first = LocalDay(from) - days{1};
    for (sys_days d = first; d <= first + kMaxSearchSpan; d += days{1}) {
        for (const UtcInterval& iv : UtcIntervalsOn(d)) {
            if (iv.end <= from) continue;
            const TimePoint start = std::max(iv.start, from);
            const milliseconds available = iv.end - start;
            // `<=`: a deadline that uses up an interval exactly ends at its end (17:00), not at the
            // start of the next one.
            if (remaining <= available) return start + remaining;
            remaining -= available;
        }
    }
    return TooFar();
}

core::Result<TimePoint> Calendar::TryAddWorkingDays(TimePoint from, int days_to_add) const {
    if (days_to_add < 1) {
        return core::InvalidInput(core::Msg("calendar.days_below_one"));
    }
    if (days_to_add > kMaxSearchSpan.count()) {
        return TooFar();
    }
    const sys_days start = LocalDay(from);
    int counted = 0;
    for (sys_days d = start + days{1}; d <= start + kMaxSearchSpan; d += days{1}) {
        const auto& hours = HoursOn(d);
        if (hours.empty()) continue;
        if (++counted == days_to_add) return ToUtc(d, hours.back().end_minute);
    }
    return TooFar();
}

core::Result<minutes> Calendar::TryWorkingTimeBetween(TimePoint a, TimePoint b) const {
    if (b < a) {
        auto reverse = TryWorkingTimeBetween(b, a);
        if (!reverse) return reverse.error();
        return -reverse.value();
    }
    if (b - a > kMaxSearchSpan) {
        return TooFar();
    }
    milliseconds total{0};
    const sys_days last = LocalDay(b);
    for (sys_days d = LocalDay(a) - days{1}; d <= last; d += days{1}) {
        for (const UtcInterval& iv : UtcIntervalsOn(d)) {
            const TimePoint start = std::max(iv.start, a);
            const TimePoint end = std::min(iv.end, b);
            if (start < end) total += end - start;
        }
    }
    return std::chrono::duration_cast<minutes>(total);
}

std::string Calendar::FormatIso(TimePoint t) const { return calendar::FormatIso(t, time_zone_name_); }

core::Message WeekdayName(unsigned weekday) {
    switch (weekday % 7) {
        case 0: return core::Msg("calendar.weekday_sun");
        case 1: return core::Msg("calendar.weekday_mon");
        case 2: return core::Msg("calendar.weekday_tue");
        case 3: return core::Msg("calendar.weekday_wed");
        case 4: return core::Msg("calendar.weekday_thu");
        case 5: return core::Msg("calendar.weekday_fri");
        default: return core::Msg("calendar.weekday_sat");
    }
}

std::vector<year_month_day> DaysOff(const Calendar& calendar, int year) {
    std::vector<year_month_day> result;
    for (const DayInfo& day : calendar.SpecialDays(year)) {
        if (day.kind == DayKind::kDayOff) result.push_back(day.date);
    }
    return result;
}

}  // namespace vp::calendar
