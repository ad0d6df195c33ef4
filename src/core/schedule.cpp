#include "core/schedule.hpp"

#include <charconv>
#include <cstdio>
#include <cstdlib>

namespace vp::core {
namespace {

using std::chrono::days;
using std::chrono::milliseconds;
using std::chrono::minutes;

constexpr minutes kMaxOffset{14 * 60};
constexpr minutes kMaxEvery{7 * 24 * 60};

// Local wall time as a sys_time shifted by the offset (a fixed-offset zone needs nothing more).
TimePoint ToLocal(const ScheduleSpec& s, TimePoint t) { return t + s.utc_offset; }
TimePoint FromLocal(const ScheduleSpec& s, TimePoint local) { return local - s.utc_offset; }

// Largest multiple of `step` at or below `t` (floor, also before the epoch).
TimePoint FloorTo(TimePoint t, milliseconds step) {
    auto q = t.time_since_epoch().count() / step.count();
    if (t.time_since_epoch().count() % step.count() < 0) --q;
    return TimePoint{milliseconds{q * step.count()}};
}

std::string FormatOffset(minutes offset) {
    char buf[8];
    auto m = offset.count();
    std::snprintf(buf, sizeof buf, "%c%02d:%02d", m < 0 ? '-' : '+', static_cast<int>(std::abs(m) / 60),
                  static_cast<int>(std::abs(m) % 60));
    return buf;
}

bool ParseInt(std::string_view s, int& out) {
    if (s.empty()) return false;
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
    return ec == std::errc{} && p == s.data() + s.size();
}

// "HH:MM" with two digits each.
bool ParseHhMm(std::string_view s, int& h, int& m) {
    return s.size() == 5 && s[2] == ':' && ParseInt(s.substr(0, 2), h) && ParseInt(s.substr(3, 2), m);
}

// "+HH:MM" / "-HH:MM".
bool ParseOffset(std::string_view s, minutes& out) {
    int h = 0, m = 0;
    if (s.size() != 6 || (s[0] != '+' && s[0] != '-') || !ParseHhMm(s.substr(1), h, m) || m > 59) return false;
    out = minutes{(s[0] == '-' ? -1 : 1) * (h * 60 + m)};
    return out >= -kMaxOffset && out <= kMaxOffset;
}

Error Bad(std::string detail) { return InvalidInput(Msg("core.schedule_invalid"), std::move(detail)); }

}  // namespace

Result<ScheduleSpec> ScheduleSpec::Every(minutes period, minutes utc_offset) {
    if (period < minutes{1} || period > kMaxEvery) return Bad("period must be 1 minute to 7 days");
    if (utc_offset < -kMaxOffset || utc_offset > kMaxOffset) return Bad("UTC offset out of range");
    return ScheduleSpec{.kind = Kind::kEvery, .every = period, .utc_offset = utc_offset};
}

Result<ScheduleSpec> ScheduleSpec::DailyAt(int hour, int minute, minutes utc_offset) {
    if (hour < 0 || hour > 23 || minute < 0 || minute > 59) return Bad("time of day must be 00:00 to 23:59");
    if (utc_offset < -kMaxOffset || utc_offset > kMaxOffset) return Bad("UTC offset out of range");
    return ScheduleSpec{.kind = Kind::kDaily, .time_of_day = minutes{hour * 60 + minute}, .utc_offset = utc_offset};
}

Result<ScheduleSpec> ScheduleSpec::Parse(std::string_view text) {
    auto sp1 = text.find(' ');
    auto sp2 = sp1 == std::string_view::npos ? sp1 : text.find(' ', sp1 + 1);
    if (sp2 == std::string_view::npos) return Bad("expected '<every|daily> <when> <offset>'");
    auto what = text.substr(0, sp1), when = text.substr(sp1 + 1, sp2 - sp1 - 1);
    minutes offset{0};
    if (!ParseOffset(text.substr(sp2 + 1), offset)) return Bad("bad UTC offset");
    if (what == "every") {
        int n = 0;
        if (when.size() < 2 || when.back() != 'm' || !ParseInt(when.substr(0, when.size() - 1), n)) {
            return Bad("bad period");
        }
        return Every(minutes{n}, offset);
    }
    if (what == "daily") {
        int h = 0, m = 0;
        if (!ParseHhMm(when, h, m)) return Bad("bad time of day");
        return DailyAt(h, m, offset);
    }
    return Bad("unknown schedule kind");
}

std::string ScheduleSpec::ToString() const {
    if (kind == Kind::kEvery) return "every " + std::to_string(every.count()) + "m " + FormatOffset(utc_offset);
    char buf[8];
    std::snprintf(buf, sizeof buf, "%02d:%02d", static_cast<int>(time_of_day.count() / 60),
                  static_cast<int>(time_of_day.count() % 60));
    return std::string("daily ") + buf + " " + FormatOffset(utc_offset);
}

TimePoint PeriodStartAtOrBefore(const ScheduleSpec& spec, TimePoint t) {
    const auto local = ToLocal(spec, t);
    if (spec.kind == ScheduleSpec::Kind::kEvery) return FromLocal(spec, FloorTo(local, spec.every));
    auto start = FloorTo(local, days{1}) + spec.time_of_day;
    if (start > local) start -= days{1};
    return FromLocal(spec, start);
}

TimePoint NextRunAfter(const ScheduleSpec& spec, TimePoint t) {
    const auto start = PeriodStartAtOrBefore(spec, t);
    return start + (spec.kind == ScheduleSpec::Kind::kEvery ? milliseconds{spec.every} : milliseconds{days{1}});
}

std::string PeriodKey(const ScheduleSpec& spec, TimePoint period_start) {
    const auto local = std::chrono::floor<minutes>(ToLocal(spec, period_start));
    const auto day = std::chrono::floor<days>(local);
    const std::chrono::year_month_day ymd{day};
    const auto mins = (local - day).count();
    char buf[24];
    std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02d:%02d", static_cast<int>(ymd.year()),
                  static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()), static_cast<int>(mins / 60),
                  static_cast<int>(mins % 60));
    return buf + FormatOffset(spec.utc_offset);
}

}  // namespace vp::core
