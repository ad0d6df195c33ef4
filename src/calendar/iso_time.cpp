#include "calendar/iso_time.hpp"

#include <date/tz.h>

#include <cstdint>
#include <cstdio>
#include <stdexcept>
#include <string>

namespace vp::calendar {
namespace {

using std::chrono::days;
using std::chrono::hours;
using std::chrono::milliseconds;
using std::chrono::minutes;
using std::chrono::seconds;
using std::chrono::sys_days;
using std::chrono::year_month_day;

// Reads exactly `count` ASCII digits at `pos`; advances `pos` on success.
std::optional<int> ReadDigits(std::string_view text, std::size_t& pos, std::size_t count) {
    if (pos + count > text.size()) {
        return std::nullopt;
    }
    int value = 0;
    for (std::size_t i = 0; i < count; ++i) {
        const char c = text[pos + i];
        if (c < '0' || c > '9') {
            return std::nullopt;
        }
        value = value * 10 + (c - '0');
    }
    pos += count;
    return value;
}

bool Expect(std::string_view text, std::size_t& pos, char c) {
    if (pos < text.size() && text[pos] == c) {
        ++pos;
        return true;
    }
    return false;
}

std::optional<year_month_day> ReadDate(std::string_view text, std::size_t& pos) {
    const auto y = ReadDigits(text, pos, 4);
    if (!y || !Expect(text, pos, '-')) return std::nullopt;
    const auto m = ReadDigits(text, pos, 2);
    if (!m || !Expect(text, pos, '-')) return std::nullopt;
    const auto d = ReadDigits(text, pos, 2);
    if (!d) return std::nullopt;
    const year_month_day date{std::chrono::year{*y}, std::chrono::month{static_cast<unsigned>(*m)},
                              std::chrono::day{static_cast<unsigned>(*d)}};
    if (!date.ok()) return std::nullopt;
    return date;
}

core::Error BadTimestamp(std::string_view text, std::string_view why) {
    return core::InvalidInput(core::Msg("calendar.timestamp_invalid"),
                              "timestamp '" + std::string(text.substr(0, 64)) + "': " + std::string(why));
}

}  // namespace

std::string FormatIsoDate(year_month_day date) {
    char buf[16];
    std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", static_cast<int>(date.year()), static_cast<unsigned>(date.month()),
                  static_cast<unsigned>(date.day()));
    return buf;
}

std::optional<year_month_day> ParseIsoDate(std::string_view text) {
    std::size_t pos = 0;
    auto date = ReadDate(text, pos);
    if (!date || pos != text.size()) return std::nullopt;
    return date;
}

bool IsKnownTimeZone(std::string_view time_zone) {
    try {
        (void)date::locate_zone(time_zone);
        return true;
    } catch (const std::runtime_error&) {
        return false;
    }
}

namespace {
// The zone of the last name this thread asked for: pages format many instants in one zone, and
// date::locate_zone searched the database of every zone by name each time. Zones live as long as
// the tz database, which is never reloaded here.
const date::time_zone* ZoneOf(std::string_view name) {
    thread_local std::string last_name;
    thread_local const date::time_zone* last_zone = nullptr;
    if (!last_zone || name != last_name) {
        last_zone = date::locate_zone(name);
        last_name.assign(name);
    }
    return last_zone;
}
}  // namespace

std::string FormatIso(core::TimePoint t, std::string_view time_zone) {
    const date::time_zone* zone = ZoneOf(time_zone);
    const seconds offset = zone->get_info(std::chrono::floor<seconds>(t)).offset;
    const auto local = t + offset;
    const sys_days local_day = std::chrono::floor<days>(local);
    const milliseconds since_midnight = local - local_day;
    const auto hms = std::chrono::hh_mm_ss<milliseconds>{since_midnight};

    std::string out = FormatIsoDate(year_month_day{local_day});
    char buf[32];
    std::snprintf(buf, sizeof buf, "T%02d:%02d:%02d", static_cast<int>(hms.hours().count()),
                  static_cast<int>(hms.minutes().count()), static_cast<int>(hms.seconds().count()));
    out += buf;
    if (hms.subseconds().count() != 0) {
        std::snprintf(buf, sizeof buf, ".%03d", static_cast<int>(hms.subseconds().count()));
        out += buf;
    }
    // Historical offsets with seconds (local mean time before 1906 in Saigon) are truncated to
    // minutes: RFC 3339 has no seconds in offsets.
    const auto offset_minutes = std::chrono::duration_cast<minutes>(offset).count();
    const long long abs_minutes = offset_minutes < 0 ? -offset_minutes : offset_minutes;
    std::snprintf(buf, sizeof buf, "%c%02lld:%02lld", offset_minutes < 0 ? '-' : '+', abs_minutes / 60,
                  abs_minutes % 60);
    out += buf;
    return out;
}

core::Result<core::TimePoint> TryParseIso(std::string_view text) {
    std::size_t pos = 0;
    const auto date = ReadDate(text, pos);
    if (!date) return BadTimestamp(text, "bad date");
    if (pos >= text.size() || (text[pos] != 'T' && text[pos] != 't' && text[pos] != ' ')) {
        return BadTimestamp(text, "missing time");
    }
    ++pos;
    const auto hour = ReadDigits(text, pos, 2);
    if (!hour || !Expect(text, pos, ':')) return BadTimestamp(text, "bad hour");
    const auto minute = ReadDigits(text, pos, 2);
    if (!minute) return BadTimestamp(text, "bad minute");
    int second = 0;
    int millis = 0;
    if (Expect(text, pos, ':')) {
        const auto s = ReadDigits(text, pos, 2);
        if (!s) return BadTimestamp(text, "bad second");
        second = *s;
        if (Expect(text, pos, '.')) {
            std::size_t digits = 0;
            while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') {
                if (digits < 3) millis = millis * 10 + (text[pos] - '0');
                ++digits;
                ++pos;
            }
            if (digits == 0 || digits > 9) return BadTimestamp(text, "bad fraction");
            for (std::size_t i = digits; i < 3; ++i) millis *= 10;
        }
    }
    // Leap seconds (:60) are not representable in sys_time and never occur in our inputs.
    if (*hour > 23 || *minute > 59 || second > 59) return BadTimestamp(text, "time out of range");

    if (pos >= text.size()) return BadTimestamp(text, "missing offset");
    minutes offset{0};
    const char sign = text[pos++];
    if (sign == 'Z' || sign == 'z') {
        offset = minutes{0};
    } else if (sign == '+' || sign == '-') {
        const auto oh = ReadDigits(text, pos, 2);
        if (!oh) return BadTimestamp(text, "bad offset");
        Expect(text, pos, ':');
        const auto om = ReadDigits(text, pos, 2);
        if (!om || *oh > 23 || *om > 59) return BadTimestamp(text, "bad offset");
        offset = hours{*oh} + minutes{*om};
        if (sign == '-') offset = -offset;
    } else {
        return BadTimestamp(text, "bad offset");
    }
    if (pos != text.size()) return BadTimestamp(text, "trailing characters");

    const auto local = sys_days{*date} + hours{*hour} + minutes{*minute} + seconds{second} + milliseconds{millis};
    return core::TimePoint{local - offset};
}

}  // namespace vp::calendar
