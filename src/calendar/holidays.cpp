#include "calendar/holidays.hpp"

#include <algorithm>
#include <boost/json.hpp>
#include <fstream>
#include <iterator>
#include <set>
#include <system_error>

#include "calendar/iso_time.hpp"
#include "calendar/lunar.hpp"

namespace vp::calendar {
namespace {

namespace json = boost::json;
using std::chrono::days;
using std::chrono::sys_days;
using std::chrono::year_month_day;

constexpr int kFirstScheduleYear = 1900;
constexpr int kLastScheduleYear = 2199;

bool IsWeekend(sys_days day) {
    const std::chrono::weekday wd{day};
    return wd == std::chrono::Saturday || wd == std::chrono::Sunday;
}

year_month_day Ymd(int y, unsigned m, unsigned d) {
    return year_month_day{std::chrono::year{y}, std::chrono::month{m}, std::chrono::day{d}};
}

core::Error InvalidSchedule(core::Message reason, std::string detail = {}) {
    return core::InvalidInput(core::WithPart(core::Msg("calendar.schedule_invalid"), "reason", std::move(reason)),
                              std::move(detail));
}

// --- JSON helpers ---

// The first key of `object` that is not `allowed`, if any.
std::optional<std::string> UnknownKey(const json::object& object, std::initializer_list<std::string_view> allowed) {
    for (const auto& entry : object) {
        if (std::find(allowed.begin(), allowed.end(), entry.key()) == allowed.end()) return std::string(entry.key());
    }
    return std::nullopt;
}

// `where` names the JSON member the entry is in ("days_off").
core::Message UnknownKeyIn(const std::string& key, std::string_view where) {
    return core::Msg("calendar.schedule_key_unknown_in", {{"key", key}, {"where", std::string(where)}});
}

std::optional<std::string> GetString(const json::object& object, std::string_view key) {
    const json::value* v = object.if_contains(key);
    if (v == nullptr || !v->is_string()) return std::nullopt;
    return std::string(v->get_string());
}

core::Result<year_month_day> GetDate(const json::object& object, std::string_view where) {
    const auto text = GetString(object, "date");
    if (!text) return InvalidSchedule(core::Msg("calendar.schedule_date_missing", {{"where", std::string(where)}}));
    const auto date = ParseIsoDate(*text);
    if (!date) return InvalidSchedule(core::Msg("calendar.schedule_date_invalid", {{"date", *text}}));
    return *date;
}

// The optional "holiday" key of an entry: empty when absent.
core::Result<std::string> GetHolidayKey(const json::object& object, std::string_view where) {
    const json::value* v = object.if_contains("holiday");
    if (v == nullptr) return std::string();
    const bool ok = v->is_string() && !v->get_string().empty() && v->get_string().size() <= 40 &&
                    std::all_of(v->get_string().begin(), v->get_string().end(),
                                [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_'; });
    if (!ok) {
        return InvalidSchedule(core::Msg("calendar.schedule_holiday_key_invalid", {{"where", std::string(where)}}));
    }
    return std::string(v->get_string());
}

core::Result<Holiday> ParseDayOff(const json::value& value) {
    if (!value.is_object())
        return InvalidSchedule(core::Msg("calendar.schedule_entry_not_object", {{"list", "days_off"}}));
    const json::object& object = value.get_object();
    if (auto bad = UnknownKey(object, {"date", "name_vi", "name_en", "compensatory", "holiday"})) {
        return InvalidSchedule(UnknownKeyIn(*bad, "\"days_off\""));
    }
    auto date = GetDate(object, "\"days_off\"");
    if (!date) return date.error();
    Holiday day{.date = *date};
    const auto name_vi = GetString(object, "name_vi");
    const auto name_en = GetString(object, "name_en");
    if (!name_vi || name_vi->empty() || !name_en) {
        return InvalidSchedule(
            core::Msg("calendar.schedule_day_off_names_missing", {{"date", FormatIsoDate(day.date)}}));
    }
    day.name_vi = *name_vi;
    day.name_en = *name_en;
    if (const json::value* c = object.if_contains("compensatory")) {
        if (!c->is_bool()) return InvalidSchedule(core::Msg("calendar.schedule_compensatory_not_bool"));
        day.compensatory = c->get_bool();
    }
    auto key = GetHolidayKey(object, "\"days_off\"");
    if (!key) return key.error();
    day.holiday = std::move(key).value();
    return day;
}

core::Result<ScheduledWorkingDay> ParseWorkingDay(const json::value& value) {
    if (!value.is_object()) {
        return InvalidSchedule(core::Msg("calendar.schedule_entry_not_object", {{"list", "working_days"}}));
    }
    const json::object& object = value.get_object();
    if (auto bad = UnknownKey(object, {"date", "note_vi", "note_en", "holiday"})) {
        return InvalidSchedule(UnknownKeyIn(*bad, "\"working_days\""));
    }
    auto date = GetDate(object, "\"working_days\"");
    if (!date) return date.error();
    ScheduledWorkingDay day{.date = *date};
    day.note_vi = GetString(object, "note_vi").value_or("");
    day.note_en = GetString(object, "note_en").value_or("");
    auto key = GetHolidayKey(object, "\"working_days\"");
    if (!key) return key.error();
    day.holiday = std::move(key).value();
    return day;
}

}  // namespace

bool IsKnownHolidayKey(std::string_view key) {
    return std::find(kHolidayKeys.begin(), kHolidayKeys.end(), key) != kHolidayKeys.end();
}

std::vector<Holiday> ComputedHolidays(int year) {
    std::vector<Holiday> holidays;
    holidays.push_back({Ymd(year, 1, 1), "Tết Dương lịch", "New Year's Day", false, "new_year"});

    // Tết: the lunar year that starts in Gregorian `year`. Its eve is always in late January or
    // February of the same Gregorian year, so the five days never cross a year boundary.
    if (const auto tet = LunarToSolar({.day = 1, .month = 1, .year = year})) {
        const sys_days first{*tet};
        holidays.push_back({year_month_day{first - days{1}}, "Tết Nguyên đán (ngày cuối năm)",
                            "Lunar New Year (New Year's Eve)", false, "tet"});
        for (int i = 0; i < 4; ++i) {
            holidays.push_back(
                {year_month_day{first + days{i}}, "Tết Nguyên đán", "Lunar New Year (Tết)", false, "tet"});
        }
    }
    if (const auto hung = LunarToSolar({.day = 10, .month = 3, .year = year})) {
        holidays.push_back({*hung, "Giỗ Tổ Hùng Vương", "Hung Kings' Commemoration Day", false, "hung_kings"});
    }
    holidays.push_back({Ymd(year, 4, 30), "Ngày Chiến thắng (Giải phóng miền Nam, thống nhất đất nước)",
                        "Reunification Day", false, "reunification"});
    holidays.push_back({Ymd(year, 5, 1), "Ngày Quốc tế Lao động", "International Labour Day", false, "labour"});
    // Art. 112.1.đ: 2/9 and "01 ngày liền kề trước hoặc sau"; without an announcement we take 1/9.
    holidays.push_back(
        {Ymd(year, 9, 1), "Quốc khánh (ngày liền kề)", "National Day (adjacent day)", false, "national_day"});
    holidays.push_back({Ymd(year, 9, 2), "Quốc khánh", "National Day", false, "national_day"});

    std::sort(holidays.begin(), holidays.end(),
              [](const Holiday& a, const Holiday& b) { return sys_days{a.date} < sys_days{b.date}; });

    // Art. 111.3: a holiday on a weekly rest day moves that rest day to the next working day.
    // Walking the holidays in date order and skipping days already taken makes a weekend inside a
    // Tết block give its compensatory days after the whole block.
    std::set<sys_days> taken;
    for (const Holiday& h : holidays) taken.insert(sys_days{h.date});
    std::vector<Holiday> compensatory;
    for (const Holiday& h : holidays) {
        if (!IsWeekend(sys_days{h.date})) continue;
        sys_days day = sys_days{h.date} + days{1};
        while (IsWeekend(day) || taken.contains(day)) day += days{1};
        taken.insert(day);
        compensatory.push_back(
            {year_month_day{day}, "Nghỉ bù " + h.name_vi, h.name_en + " (compensatory day off)", true, h.holiday});
    }
    holidays.insert(holidays.end(), compensatory.begin(), compensatory.end());
    std::sort(holidays.begin(), holidays.end(),
              [](const Holiday& a, const Holiday& b) { return sys_days{a.date} < sys_days{b.date}; });
    return holidays;
}

std::vector<MergedDay> MergeYear(const std::vector<Holiday>& computed, const YearSchedule& official) {
    std::set<std::string, std::less<>> named;
    std::set<sys_days> official_dates;
    for (const Holiday& h : official.days_off) {
        if (IsKnownHolidayKey(h.holiday)) named.insert(h.holiday);
        official_dates.insert(sys_days{h.date});
    }
    for (const ScheduledWorkingDay& w : official.working_days) {
        if (IsKnownHolidayKey(w.holiday)) named.insert(w.holiday);
        official_dates.insert(sys_days{w.date});
    }
    std::vector<MergedDay> out;
    for (const Holiday& h : computed) {
        const bool replaced = named.contains(h.holiday) || official_dates.contains(sys_days{h.date});
        out.push_back({.date = h.date,
                       .holiday = h.holiday,
                       .name_vi = h.name_vi,
                       .name_en = h.name_en,
                       .compensatory = h.compensatory,
                       .origin = replaced ? MergedOrigin::kReplaced : MergedOrigin::kComputed});
    }
    for (const Holiday& h : official.days_off) {
        out.push_back({.date = h.date,
                       .holiday = h.holiday,
                       .name_vi = h.name_vi,
                       .name_en = h.name_en,
                       .compensatory = h.compensatory,
                       .origin = MergedOrigin::kOfficial});
    }
    for (const ScheduledWorkingDay& w : official.working_days) {
        out.push_back({.date = w.date,
                       .working_day = true,
                       .holiday = w.holiday,
                       .name_vi = w.note_vi,
                       .name_en = w.note_en,
                       .origin = MergedOrigin::kOfficial});
    }
    // kReplaced sorts before kOfficial on the same date (enum order: kComputed, kOfficial, kReplaced).
    const auto rank = [](MergedOrigin o) { return o == MergedOrigin::kReplaced ? 0 : 1; };
    std::stable_sort(out.begin(), out.end(), [&](const MergedDay& a, const MergedDay& b) {
        if (sys_days{a.date} != sys_days{b.date}) return sys_days{a.date} < sys_days{b.date};
        return rank(a.origin) < rank(b.origin);
    });
    return out;
}

core::Status ValidateYearSchedule(const YearSchedule& schedule) {
    if (schedule.year < kFirstScheduleYear || schedule.year > kLastScheduleYear) {
        return InvalidSchedule(
            core::Msg("calendar.schedule_year_out_of_range", {{"year", std::to_string(schedule.year)}}));
    }
    if (schedule.source.empty()) {
        return InvalidSchedule(core::Msg("calendar.schedule_source_missing"));
    }
    std::set<sys_days> seen;
    auto check = [&](year_month_day date) -> std::optional<core::Message> {
        if (!date.ok() || static_cast<int>(date.year()) != schedule.year) {
            return core::Msg("calendar.schedule_date_outside_year",
                             {{"date", FormatIsoDate(date)}, {"year", std::to_string(schedule.year)}});
        }
        if (!seen.insert(sys_days{date}).second) {
            return core::Msg("calendar.schedule_date_twice", {{"date", FormatIsoDate(date)}});
        }
        return std::nullopt;
    };
    for (const Holiday& day : schedule.days_off) {
        if (auto bad = check(day.date)) return InvalidSchedule(*bad);
    }
    for (const ScheduledWorkingDay& day : schedule.working_days) {
        if (auto bad = check(day.date)) return InvalidSchedule(*bad);
    }
    return core::Ok{};
}

core::Result<YearSchedule> TryParseYearSchedule(std::string_view text) {
    boost::system::error_code ec;
    const json::value root = json::parse(json::string_view(text.data(), text.size()), ec);
    if (ec) return InvalidSchedule(core::Msg("calendar.schedule_json_syntax"), ec.message());
    if (!root.is_object()) return InvalidSchedule(core::Msg("calendar.schedule_not_object"));
    const json::object& object = root.get_object();
    if (auto bad = UnknownKey(object, {"year", "source", "note", "days_off", "working_days"})) {
        return InvalidSchedule(core::Msg("calendar.schedule_key_unknown", {{"key", *bad}}));
    }

    YearSchedule schedule;
    const json::value* year = object.if_contains("year");
    if (year == nullptr || !year->is_int64()) return InvalidSchedule(core::Msg("calendar.schedule_year_missing"));
    const auto year_value = year->get_int64();
    if (year_value < kFirstScheduleYear || year_value > kLastScheduleYear) {
        return InvalidSchedule(
            core::Msg("calendar.schedule_year_out_of_range", {{"year", std::to_string(year_value)}}));
    }
    schedule.year = static_cast<int>(year_value);
    schedule.source = GetString(object, "source").value_or("");
    schedule.note = GetString(object, "note").value_or("");

    if (const json::value* list = object.if_contains("days_off")) {
        if (!list->is_array())
            return InvalidSchedule(core::Msg("calendar.schedule_list_not_array", {{"list", "days_off"}}));
        for (const json::value& item : list->get_array()) {
            auto day = ParseDayOff(item);
            if (!day) return day.error();
            schedule.days_off.push_back(std::move(day).value());
        }
    }
    if (const json::value* list = object.if_contains("working_days")) {
        if (!list->is_array()) {
            return InvalidSchedule(core::Msg("calendar.schedule_list_not_array", {{"list", "working_days"}}));
        }
        for (const json::value& item : list->get_array()) {
            auto day = ParseWorkingDay(item);
            if (!day) return day.error();
            schedule.working_days.push_back(std::move(day).value());
        }
    }
    if (auto status = ValidateYearSchedule(schedule); !status) return status.error();
    return schedule;
}

core::Result<std::vector<YearSchedule>> TryLoadYearSchedules(const std::filesystem::path& dir) {
    std::error_code ec;
    std::filesystem::directory_iterator it(dir, ec);
    if (ec) {
        return core::NotFound(core::Msg("calendar.schedule_dir_unreadable"));
    }
    std::vector<std::filesystem::path> files;
    for (; it != std::filesystem::directory_iterator(); it.increment(ec)) {
        if (ec) return core::NotFound(core::Msg("calendar.schedule_dir_unreadable"));
        const auto name = it->path().filename().string();
        const bool is_year_file =
            name.size() == 9 && name.ends_with(".json") &&
            std::all_of(name.begin(), name.begin() + 4, [](char c) { return c >= '0' && c <= '9'; });
        if (is_year_file && it->is_regular_file(ec)) files.push_back(it->path());
    }
    std::sort(files.begin(), files.end());

    std::vector<YearSchedule> schedules;
    for (const auto& file : files) {
        const std::string name = file.filename().string();
        std::ifstream in(file, std::ios::binary);
        const std::string content{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
        if (!in.is_open() || in.bad()) {
            return core::Error{core::ErrorCode::kInternal,
                               core::Msg("calendar.schedule_file_unreadable", {{"file", name}}), file.string()};
        }
        auto schedule = TryParseYearSchedule(content);
        if (!schedule) {
            core::Error error = schedule.error();
            error.message = core::WithPart(core::Msg("calendar.in_file", {{"file", name}}), "reason", error.message);
            return error;
        }
        if (std::to_string(schedule->year) != name.substr(0, 4)) {
            return InvalidSchedule(core::Msg("calendar.schedule_year_not_file_name",
                                             {{"file", name}, {"year", std::to_string(schedule->year)}}));
        }
        schedules.push_back(std::move(schedule).value());
    }
    return schedules;
}

}  // namespace vp::calendar
