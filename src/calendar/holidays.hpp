#pragma once

#include <chrono>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.hpp"

namespace vp::calendar {

/// @brief One public day off. `compensatory` marks a day given because a holiday fell on a weekly
/// rest day (Labour Code 2019 Art. 111.3).
struct Holiday {
    std::chrono::year_month_day date;
    std::string name_vi;
    std::string name_en;
    bool compensatory = false;

    friend bool operator==(const Holiday&, const Holiday&) = default;
};

/// @brief A Saturday/Sunday worked to make up for a swapped day off (làm bù).
struct ScheduledWorkingDay {
    std::chrono::year_month_day date;
    std::string note_vi;
    std::string note_en;

    friend bool operator==(const ScheduledWorkingDay&, const ScheduledWorkingDay&) = default;
};

/// @brief The official holiday schedule of one year for state bodies, as announced by the Prime
/// Minister / Ministry (data/calendar/vn/YYYY.json). When a year has a schedule it replaces the
/// computed Labour Code holidays of that year entirely.
///
/// `days_off` lists the dates that are off *because of* the holiday regime: statutory holidays
/// (also when they fall on a weekend), compensatory days and swapped days (ngày hoán đổi). It does
/// not list ordinary Saturdays/Sundays that merely extend a break.
struct YearSchedule {
    int year = 0;
    std::string source;
    std::string note;
    std::vector<Holiday> days_off;
    std::vector<ScheduledWorkingDay> working_days;
};

/// @brief The public holidays of Gregorian `year` computed from the Labour Code 2019, Art. 112.1,
/// for a Monday–Friday week (weekly rest on Saturday and Sunday, as for civil servants):
/// - 1 January (Tết Dương lịch);
/// - Tết Nguyên đán, 5 days: the last day of the old lunar year and the first four of the new one
///   (the default the Ministry proposes; the Prime Minister may pick other days each year — that is
///   what the yearly schedule files are for);
/// - 10/3 lunar (Giỗ Tổ Hùng Vương);
/// - 30 April; 1 May;
/// - 2 September plus the adjacent day 1 September (the law allows the day before or after).
/// Compensatory days (Art. 111.3 "nếu ngày nghỉ hằng tuần trùng với ngày nghỉ lễ, tết ... thì người
/// lao động được nghỉ bù ngày nghỉ hằng tuần vào ngày làm việc kế tiếp"): each holiday on a Saturday
/// or Sunday gives one day off on the next Monday–Friday that is neither a holiday nor already a
/// compensatory day. Lunar dates use the Vietnamese (UTC+7) calendar.
/// Returns the days sorted by date, holidays on weekends included. The 2019 rules are applied to
/// every year, also to years before the Code took effect (2021).
std::vector<Holiday> ComputedHolidays(int year);

/// @brief Checks a schedule's invariants: year in 1900..2199, non-empty `source`, every date in
/// `year`, no date listed twice (within or across the two lists).
/// Returns InvalidInput with a Vietnamese message naming the problem otherwise.
core::Status ValidateYearSchedule(const YearSchedule& schedule);

/// @brief Parses one schedule file:
/// {"year": 2026, "source": "...", "note": "...",                       (note optional)
///  "days_off": [{"date": "2026-01-01", "name_vi": "...", "name_en": "...",
///                "compensatory": false}],                              (compensatory optional)
///  "working_days": [{"date": "2026-01-10", "note_vi": "...", "note_en": "..."}]}
/// Unknown keys are rejected (they are usually typos). The result is validated with
/// ValidateYearSchedule. Returns InvalidInput on malformed JSON or invalid content.
core::Result<YearSchedule> TryParseYearSchedule(std::string_view json);

/// @brief Reads every `YYYY.json` in `dir` (other files are ignored), parses each and checks that
/// the file name matches its "year". Returns the schedules sorted by year.
/// Returns NotFound if `dir` is not a readable directory, InvalidInput if a file is invalid (the
/// message names the file). Reads the file system; call it at start-up, not per request.
core::Result<std::vector<YearSchedule>> TryLoadYearSchedules(const std::filesystem::path& dir);

}  // namespace vp::calendar
