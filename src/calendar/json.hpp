#pragma once

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/value.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "calendar/calendar.hpp"
#include "calendar/service.hpp"
#include "core/result.hpp"

// The JSON forms of calendar data, shared by storage (calendars.weekly_json,
// calendar_exceptions.hours_json), the audit log and the HTTP API, so all three read alike:
//   hours:  [{"start": "08:00", "end": "12:00"}, ...]        ("24:00" is a valid end)
//   weekly: {"mon": hours, "tue": hours, ..., "sun": hours}   (a missing day has no hours)
// Timestamps are RFC 3339 in Vietnam time (Asia/Ho_Chi_Minh), as everywhere in the API.

namespace vp::calendar {

/// "day_off", "working_day", "shortened_day".
std::string_view DayKindName(DayKind kind);
std::optional<DayKind> ParseDayKind(std::string_view name);
/// "weekly", "computed_holiday", "official_schedule", "exception".
std::string_view DaySourceName(DaySource source);
/// "computed", "official", "replaced".
std::string_view MergedOriginName(MergedOrigin origin);
/// "shipped", "administrator".
std::string_view YearOriginName(YearOrigin origin);
/// "mon" ... "sun" for c_encoding 0 (Sunday) ... 6.
std::string_view WeekdayKey(unsigned c_encoding);

/// "08:00"; 1440 is "24:00". Values outside 0..1440 are written as "<n> phút" (for messages).
std::string FormatMinute(int minute);
/// "HH:MM" with 00:00 <= value <= 24:00; std::nullopt otherwise.
std::optional<int> ParseMinute(std::string_view text);

/// Parses an hours array. Returns InvalidInput on a wrong shape or a malformed time; does not check
/// order or overlap (the service does, with the day named in its message).
core::Result<std::vector<Interval>> TryParseHours(const boost::json::value& value);
/// Parses the text of a form field: "08:00-12:00, 13:00-16:30" ('-' or '–' between, ',' or ';'
/// between intervals); empty text gives no intervals.
core::Result<std::vector<Interval>> TryParseHoursText(std::string_view text);
/// Parses a weekly object; unknown keys are refused (they are usually typos).
core::Result<WeeklyHours> TryParseWeekly(const boost::json::value& value);

boost::json::array HoursToJson(const std::vector<Interval>& hours);
/// "08:00–12:00, 13:00–17:00"; empty for no hours.
std::string HoursText(const std::vector<Interval>& hours);
boost::json::object WeeklyToJson(const WeeklyHours& weekly);

/// RFC 3339 in Asia/Ho_Chi_Minh for a UTC ms timestamp.
std::string FormatVietnamTime(std::int64_t utc_ms);

boost::json::object ToJson(const CalendarRecord& calendar);
boost::json::object ToJson(const ExceptionRecord& exception);
/// The year's record with counts of days; the schedule itself only when `with_schedule`.
boost::json::object ToJson(const YearRecord& year, bool with_schedule = false);
/// In the format of the schedule files (TryParseYearSchedule reads it back).
boost::json::object ToJson(const YearSchedule& schedule);
boost::json::object ToJson(const DayInfo& day);
/// {"date","weekday","kind" ("day_off"|"working_day"),"holiday","name_vi","name_en","compensatory",
///  "origin" ("computed"|"official"|"replaced")}
boost::json::object ToJson(const MergedDay& day);
/// {"year","source","note","replaces": {year record} or null,"days_off" (in force),"working_days",
///  "replaced","days":[MergedDay...]}
boost::json::object ToJson(const YearPreview& preview);

}  // namespace vp::calendar
