#pragma once

#include <array>
#include <chrono>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.hpp"

namespace vp::calendar {

/// The holidays of the Labour Code 2019, Art. 112.1, by key: each computed day carries the key of
/// the holiday it belongs to (a compensatory day that of the holiday it compensates), and an
/// official schedule's entry names the holiday it settles with the same key (`"holiday": "tet"`).
inline constexpr std::array<std::string_view, 6> kHolidayKeys = {"new_year",      "tet",    "hung_kings",
                                                                 "reunification", "labour", "national_day"};
/// True for a key of kHolidayKeys.
bool IsKnownHolidayKey(std::string_view key);

/// @brief One public day off. `compensatory` marks a day given because a holiday fell on a weekly
/// rest day (Labour Code 2019 Art. 111.3). `holiday`: the key of the holiday it belongs to
/// (kHolidayKeys), or another key, or empty (a day off of its own).
struct Holiday {
    std::chrono::year_month_day date;
    std::string name_vi;
    std::string name_en;
    bool compensatory = false;
    std::string holiday;

    friend bool operator==(const Holiday&, const Holiday&) = default;
};

/// @brief A Saturday/Sunday worked to make up for a swapped day off (làm bù).
struct ScheduledWorkingDay {
    std::chrono::year_month_day date;
    std::string note_vi;
    std::string note_en;
    std::string holiday;  ///< the holiday whose swap it makes up for, as Holiday::holiday

    friend bool operator==(const ScheduledWorkingDay&, const ScheduledWorkingDay&) = default;
};

/// @brief The official holiday schedule of one year for state bodies, as announced by the Prime
/// Minister / Ministry (data/calendar/vn/YYYY.json). It is merged with the computed Labour Code
/// holidays of its year holiday by holiday (MergeYear): an entry that names a holiday
/// (`"holiday": "tet"`) replaces the computed days of that holiday only; entries that name none
/// (or an unknown key) are extra days off or working days.
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

/// @brief Where a day of a merged year comes from.
enum class MergedOrigin {
    kComputed,  ///< computed from the Labour Code and kept
    kOfficial,  ///< an entry of the official schedule
    kReplaced,  ///< computed, but the schedule names its holiday (or its date): not in force
};

/// @brief One day of a year after MergeYear: a day off, or an official make-up working day.
struct MergedDay {
    std::chrono::year_month_day date;
    bool working_day = false;  ///< an official make-up working day (làm bù); otherwise a day off
    std::string holiday;       ///< key, as Holiday::holiday
    std::string name_vi;       ///< holiday name or make-up note
    std::string name_en;
    bool compensatory = false;
    MergedOrigin origin = MergedOrigin::kComputed;

    friend bool operator==(const MergedDay&, const MergedDay&) = default;
};

/// @brief The days of one year from its computed holidays (ComputedHolidays(year), or none) and its
/// official schedule (pure, no I/O):
/// - a computed day whose holiday key is named by an official entry (day off or working day) with a
///   key of kHolidayKeys is kReplaced: the schedule settles that holiday, e.g. Tết on other dates;
/// - a computed day on a date that the schedule lists (for any reason) is kReplaced too, since the
///   official entry says what that date is;
/// - every other computed day is kept (kComputed), e.g. Giỗ Tổ when the schedule only names Tết;
/// - every official entry is kOfficial; one naming no known holiday is an extra day off or working
///   day.
/// Sorted by date; on one date the replaced day comes before the official one. The days in force
/// are those that are not kReplaced.
std::vector<MergedDay> MergeYear(const std::vector<Holiday>& computed, const YearSchedule& official);

/// @brief Checks a schedule's invariants: year in 1900..2199, non-empty `source`, every date in
/// `year`, no date listed twice (within or across the two lists).
/// Returns InvalidInput with a message naming the problem otherwise.
core::Status ValidateYearSchedule(const YearSchedule& schedule);

/// @brief Parses one schedule file:
/// {"year": 2026, "source": "...", "note": "...",                       (note optional)
///  "days_off": [{"date": "2026-01-01", "name_vi": "...", "name_en": "...",
///                "compensatory": false, "holiday": "new_year"}],       (compensatory, holiday optional)
///  "working_days": [{"date": "2026-01-10", "note_vi": "...", "note_en": "...",
///                    "holiday": "new_year"}]}                          (holiday optional)
/// `holiday` is 1–40 of a–z, 0–9, '_' (see kHolidayKeys).
/// Unknown keys are rejected (they are usually typos). The result is validated with
/// ValidateYearSchedule. Returns InvalidInput on malformed JSON or invalid content.
core::Result<YearSchedule> TryParseYearSchedule(std::string_view json);

/// @brief Reads every `YYYY.json` in `dir` (other files are ignored), parses each and checks that
/// the file name matches its "year". Returns the schedules sorted by year.
/// Returns NotFound if `dir` is not a readable directory, InvalidInput if a file is invalid (the
/// message names the file). Reads the file system; call it at start-up, not per request.
core::Result<std::vector<YearSchedule>> TryLoadYearSchedules(const std::filesystem::path& dir);

}  // namespace vp::calendar
