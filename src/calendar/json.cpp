#include "calendar/json.hpp"

#include <cstdio>

#include "calendar/iso_time.hpp"

namespace vp::calendar {
namespace {

namespace json = boost::json;

// Index = c_encoding (0 = Sunday).
constexpr std::string_view kWeekdayKeys[7] = {"sun", "mon", "tue", "wed", "thu", "fri", "sat"};

core::Error BadHours(core::Message what) {
    return core::InvalidInput(core::WithPart(core::Msg("calendar.hours_json_invalid"), "reason", std::move(what)));
}

std::string_view TrimView(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\r' || s.front() == '\n'))
        s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r' || s.back() == '\n'))
        s.remove_suffix(1);
    return s;
}

// Keeps user text out of messages when it is long or not text at all.
std::string Quote(std::string_view s) {
    if (s.size() > 20) s = s.substr(0, 20);
    std::string out = "\"";
    for (char c : s) out += (static_cast<unsigned char>(c) < 0x20) ? '?' : c;
    return out + "\"";
}

}  // namespace

std::string_view DayKindName(DayKind kind) {
    switch (kind) {
        case DayKind::kDayOff: return "day_off";
        case DayKind::kWorkingDay: return "working_day";
        case DayKind::kShortenedDay: return "shortened_day";
    }
    return "day_off";
}

std::optional<DayKind> ParseDayKind(std::string_view name) {
    for (DayKind k : {DayKind::kDayOff, DayKind::kWorkingDay, DayKind::kShortenedDay}) {
        if (DayKindName(k) == name) return k;
    }
    return std::nullopt;
}

std::string_view DaySourceName(DaySource source) {
    switch (source) {
        case DaySource::kWeekly: return "weekly";
        case DaySource::kComputedHoliday: return "computed_holiday";
        case DaySource::kOfficialSchedule: return "official_schedule";
        case DaySource::kException: return "exception";
    }
    return "weekly";
}

std::string_view MergedOriginName(MergedOrigin origin) {
    switch (origin) {
        case MergedOrigin::kComputed: return "computed";
        case MergedOrigin::kOfficial: return "official";
        case MergedOrigin::kReplaced: return "replaced";
    }
    return "computed";
}

std::string_view YearOriginName(YearOrigin origin) {
    return origin == YearOrigin::kShipped ? "shipped" : "administrator";
}

std::string_view WeekdayKey(unsigned c_encoding) { return kWeekdayKeys[c_encoding % 7]; }

std::string FormatMinute(int minute) {
    if (minute < 0 || minute > kMinutesPerDay) return std::to_string(minute) + " phút";
    char buf[8];
    std::snprintf(buf, sizeof buf, "%02d:%02d", minute / 60, minute % 60);
    return buf;
}

std::optional<int> ParseMinute(std::string_view text) {
    text = TrimView(text);
    // "8:00" is accepted too: people type it.
    if (text.size() == 4) {
        if (text[1] != ':') return std::nullopt;
    } else if (text.size() != 5 || text[2] != ':') {
        return std::nullopt;
    }
    const std::size_t colon = text.size() - 3;
    int h = 0;
    for (std::size_t i = 0; i < colon; ++i) {
        if (text[i] < '0' || text[i] > '9') return std::nullopt;
        h = h * 10 + (text[i] - '0');
    }
    if (text[colon + 1] < '0' || text[colon + 1] > '9' || text[colon + 2] < '0' || text[colon + 2] > '9') {
        return std::nullopt;
    }
    const int m = (text[colon + 1] - '0') * 10 + (text[colon + 2] - '0');
    if (m > 59 || h > 24 || (h == 24 && m != 0)) return std::nullopt;
    return h * 60 + m;
}

core::Result<std::vector<Interval>> TryParseHours(const json::value& value) {
    if (!value.is_array()) return BadHours(core::Msg("calendar.hours_not_array"));
    const auto& items = value.get_array();
    if (items.size() > 24) return BadHours(core::Msg("calendar.hours_too_many"));
    std::vector<Interval> hours;
    for (const auto& item : items) {
        if (!item.is_object()) return BadHours(core::Msg("calendar.hours_interval_not_object"));
        const auto& o = item.get_object();
        for (const auto& entry : o) {
            if (entry.key() != "start" && entry.key() != "end") {
                return BadHours(core::Msg("calendar.hours_key_unknown", {{"key", Quote(entry.key())}}));
            }
        }
        const auto* start = o.if_contains("start");
        const auto* end = o.if_contains("end");
        if (!start || !end || !start->is_string() || !end->is_string()) {
            return BadHours(core::Msg("calendar.hours_start_end_missing"));
        }
        const auto s = ParseMinute(start->get_string());
        const auto e = ParseMinute(end->get_string());
        if (!s) return BadHours(core::Msg("calendar.hours_time_invalid", {{"time", Quote(start->get_string())}}));
        if (!e) return BadHours(core::Msg("calendar.hours_time_invalid", {{"time", Quote(end->get_string())}}));
        hours.push_back({*s, *e});
    }
    return hours;
}

core::Result<std::vector<Interval>> TryParseHoursText(std::string_view text) {
    std::vector<Interval> hours;
    text = TrimView(text);
    while (!text.empty()) {
        auto sep = text.find_first_of(",;");
        std::string_view part = TrimView(text.substr(0, sep));
        text = sep == std::string_view::npos ? std::string_view{} : TrimView(text.substr(sep + 1));
        if (part.empty()) continue;
        // The en dash is three bytes in UTF-8; a plain '-' is one.
        std::size_t dash = part.find("–");
        std::size_t dash_len = 3;
        if (dash == std::string_view::npos) {
            dash = part.find('-');
            dash_len = 1;
        }
        if (dash == std::string_view::npos) {
            return core::InvalidInput(core::Msg("calendar.hours_text_invalid", {{"text", Quote(part)}}));
        }
        const auto s = ParseMinute(part.substr(0, dash));
        const auto e = ParseMinute(part.substr(dash + dash_len));
        if (!s || !e) {
            return core::InvalidInput(core::Msg("calendar.hours_text_invalid", {{"text", Quote(part)}}));
        }
        hours.push_back({*s, *e});
        if (hours.size() > 24) return core::InvalidInput(core::Msg("calendar.hours_text_too_many"));
    }
    return hours;
}

core::Result<WeeklyHours> TryParseWeekly(const json::value& value) {
    if (!value.is_object()) {
        return core::InvalidInput(core::Msg("calendar.weekly_not_object"));
    }
    WeeklyHours weekly;
    for (const auto& entry : value.get_object()) {
        std::optional<unsigned> day;
        for (unsigned i = 0; i < 7; ++i) {
            if (kWeekdayKeys[i] == entry.key()) day = i;
        }
        if (!day) {
            return core::InvalidInput(core::Msg("calendar.weekly_key_invalid", {{"key", Quote(entry.key())}}));
        }
        auto hours = TryParseHours(entry.value());
        if (!hours) {
            core::Error e = hours.error();
            e.message = core::WithPart(core::Msg("calendar.weekly_day_invalid", {{"day", std::string(entry.key())}}),
                                       "reason", e.message);
            return e;
        }
        weekly[*day] = std::move(hours).value();
    }
    return weekly;
}

json::array HoursToJson(const std::vector<Interval>& hours) {
    json::array out;
    for (const auto& iv : hours) {
        out.push_back(json::object{{"start", FormatMinute(iv.start_minute)}, {"end", FormatMinute(iv.end_minute)}});
    }
    return out;
}

std::string HoursText(const std::vector<Interval>& hours) {
    std::string out;
    for (const auto& iv : hours) {
        if (!out.empty()) out += ", ";
        out += FormatMinute(iv.start_minute) + "–" + FormatMinute(iv.end_minute);
    }
    return out;
}

json::object WeeklyToJson(const WeeklyHours& weekly) {
    json::object out;
    // Monday first, as people read a week.
    for (unsigned i : {1u, 2u, 3u, 4u, 5u, 6u, 0u}) out[kWeekdayKeys[i]] = HoursToJson(weekly[i]);
    return out;
}

std::string FormatVietnamTime(std::int64_t utc_ms) { return FormatIso(core::FromMillis(utc_ms), "Asia/Ho_Chi_Minh"); }

json::object ToJson(const CalendarRecord& c) {
    return json::object{{"code", c.code},
                        {"name", c.name},
                        {"time_zone", c.time_zone},
                        {"weekly", WeeklyToJson(c.weekly)},
                        {"created_at", FormatVietnamTime(c.created_at)},
                        {"updated_at", FormatVietnamTime(c.updated_at)}};
}

json::object ToJson(const ExceptionRecord& e) {
    json::object o{{"id", e.id},
                   {"calendar", e.calendar_code},
                   {"date", FormatIsoDate(e.date)},
                   {"kind", DayKindName(e.kind)},
                   {"hours", HoursToJson(e.hours)},
                   {"note", e.note},
                   {"active", e.Active()},
                   {"created_at", FormatVietnamTime(e.created_at)},
                   {"created_by", e.created_by}};
    if (e.removed_at) {
        o["removed_at"] = FormatVietnamTime(*e.removed_at);
        o["removed_by"] = e.removed_by;
    }
    return o;
}

json::object ToJson(const YearRecord& y, bool with_schedule) {
    json::object o{{"year", y.year},
                   {"origin", YearOriginName(y.origin)},
                   {"source", y.schedule.source},
                   {"days_off", y.schedule.days_off.size()},
                   {"working_days", y.schedule.working_days.size()},
                   {"replaces_shipped", y.replaces_shipped}};
    if (y.origin == YearOrigin::kAdministrator) {
        o["id"] = y.id;
        o["added_at"] = FormatVietnamTime(y.added_at);
        o["added_by"] = y.added_by;
    }
    if (with_schedule) o["schedule"] = ToJson(y.schedule);
    return o;
}

json::object ToJson(const YearSchedule& s) {
    json::array days_off;
    for (const auto& h : s.days_off) {
        json::object d{{"date", FormatIsoDate(h.date)}, {"name_vi", h.name_vi}, {"name_en", h.name_en}};
        if (h.compensatory) d["compensatory"] = true;
        if (!h.holiday.empty()) d["holiday"] = h.holiday;
        days_off.push_back(std::move(d));
    }
    json::array working;
    for (const auto& w : s.working_days) {
        json::object d{{"date", FormatIsoDate(w.date)}, {"note_vi", w.note_vi}, {"note_en", w.note_en}};
        if (!w.holiday.empty()) d["holiday"] = w.holiday;
        working.push_back(std::move(d));
    }
    json::object o{{"year", s.year}, {"source", s.source}};
    if (!s.note.empty()) o["note"] = s.note;
    o["days_off"] = std::move(days_off);
    o["working_days"] = std::move(working);
    return o;
}

json::object ToJson(const DayInfo& d) {
    return json::object{{"date", FormatIsoDate(d.date)},
                        {"weekday", WeekdayKey(std::chrono::weekday{std::chrono::sys_days{d.date}}.c_encoding())},
                        {"kind", DayKindName(d.kind)},
                        {"hours", HoursToJson(d.hours)},
                        {"source", DaySourceName(d.source)},
                        {"name_vi", d.name_vi},
                        {"name_en", d.name_en}};
}

json::object ToJson(const MergedDay& d) {
    return json::object{{"date", FormatIsoDate(d.date)},
                        {"weekday", WeekdayKey(std::chrono::weekday{std::chrono::sys_days{d.date}}.c_encoding())},
                        {"kind", d.working_day ? "working_day" : "day_off"},
                        {"holiday", d.holiday},
                        {"name_vi", d.name_vi},
                        {"name_en", d.name_en},
                        {"compensatory", d.compensatory},
                        {"origin", MergedOriginName(d.origin)}};
}

json::object ToJson(const YearPreview& p) {
    std::size_t off = 0, working = 0, replaced = 0;
    json::array days;
    for (const auto& d : p.days) {
        if (d.origin == MergedOrigin::kReplaced) {
            ++replaced;
        } else if (d.working_day) {
            ++working;
        } else {
            ++off;
        }
        days.push_back(ToJson(d));
    }
    json::object o{{"year", p.schedule.year},
                   {"source", p.schedule.source},
                   {"note", p.schedule.note},
                   {"replaces", p.current ? json::value(ToJson(*p.current, false)) : json::value(nullptr)},
                   {"days_off", off},
                   {"working_days", working},
                   {"replaced", replaced},
                   {"days", std::move(days)}};
    return o;
}

}  // namespace vp::calendar
