#include "conference/rules.hpp"

#include <algorithm>
#include <charconv>

#include <unicode/uchar.h>
#include <unicode/unistr.h>

#include "core/message.hpp"
#include "core/text.hpp"

namespace vp::conference::rules {

using namespace std::chrono;

core::Status CheckOneDay(core::TimePoint starts, core::TimePoint ends, const calendar::Calendar& cal) {
    if (ends <= starts) return core::InvalidField("ends_at", core::Msg("conference.ends_before_start"));
    // The end is exclusive: a conference from 08:00 to 24:00 is still one day.
    if (cal.LocalDate(starts) != cal.LocalDate(ends - milliseconds(1)))
        return core::Unprocessable("ends_at", core::Msg("conference.longer_than_a_day"));
    return core::Ok{};
}

core::TimePoint ConsolidationDue(core::TimePoint starts) { return starts - hours(72); }

year_month_day NextPeriodicDate(year_month_day from, const std::vector<int>& months, int day) {
    std::vector<int> ms;
    for (int m : months) {
        if (m >= 1 && m <= 12) ms.push_back(m);
    }
    if (ms.empty()) ms = {6, 12};
    std::sort(ms.begin(), ms.end());
    const int d = std::clamp(day, 1, 28);
    for (int y = int(from.year()); y <= int(from.year()) + 1; ++y) {
        for (int m : ms) {
            year_month_day c{year(y), month(static_cast<unsigned>(m)), std::chrono::day(static_cast<unsigned>(d))};
            if (sys_days(c) >= sys_days(from)) return c;
        }
    }
    return from;
}

std::optional<Schedule> ParseSchedule(std::string_view text) {
    Schedule s;
    s.months.clear();
    const auto at = text.find('@');
    const auto months = text.substr(0, at);
    if (at != std::string_view::npos) {
        const auto day = text.substr(at + 1);
        auto [p, ec] = std::from_chars(day.data(), day.data() + day.size(), s.day);
        if (ec != std::errc{} || p != day.data() + day.size() || s.day < 1 || s.day > 28) return std::nullopt;
    }
    for (std::string_view rest = months; !rest.empty();) {
        const auto comma = rest.find(',');
        const auto part = rest.substr(0, comma);
        rest = comma == std::string_view::npos ? std::string_view{} : rest.substr(comma + 1);
        int m = 0;
        auto [p, ec] = std::from_chars(part.data(), part.data() + part.size(), m);
        if (ec != std::errc{} || p != part.data() + part.size() || m < 1 || m > 12) return std::nullopt;
        s.months.push_back(m);
    }
    if (s.months.empty()) return std::nullopt;
    return s;
}

std::optional<std::string> SecrecyMarking(std::string_view text) {
    // In NFC, without invisible format characters (a zero-width space or soft hyphen inside
    // "M\u200BẬT"), lower-cased with its diacritics (ICU: "TỐI MẬT" -> "tối mật"), then looked for
    // as whole words: the code points on either side are not letters or digits (so "“MẬT”" and
    // "MẬT—" are found, "mật" inside a longer word is not). The longer markings come first, so
    // that "tối mật" is named rather than "mật".
    auto u = icu::UnicodeString::fromUTF8(core::ToNfc(text));
    icu::UnicodeString clean;
    for (int32_t i = 0; i < u.length();) {
        const UChar32 c = u.char32At(i);
        if (u_charType(c) != U_FORMAT_CHAR) clean.append(c);
        i += U16_LENGTH(c);
    }
    clean.toLower();
    static const char* kMarks[] = {"tuyệt mật", "tối mật", "cơ mật", "nhạy cảm", "bí mật", "mật"};
    for (const char* mark : kMarks) {
        const auto m = icu::UnicodeString::fromUTF8(mark);
        for (int32_t at = clean.indexOf(m); at >= 0; at = clean.indexOf(m, at + 1)) {
            const int32_t end = at + m.length();
            const bool left = at == 0 || !u_isalnum(clean.char32At(clean.moveIndex32(at, -1)));
            const bool right = end >= clean.length() || !u_isalnum(clean.char32At(end));
            if (left && right) return std::string(mark);
        }
    }
    return std::nullopt;
}

std::string_view HealthCode(Health h) {
    switch (h) {
        case Health::kNotConnected: return "not_connected";
        case Health::kGood: return "good";
        case Health::kDegraded: return "degraded";
        case Health::kLost: return "lost";
    }
    return "not_connected";
}

Health HealthOf(const Link& l, core::TimePoint now, milliseconds quiet_after) {
    if (!l.last_seen) return Health::kNotConnected;
    if (now - *l.last_seen > quiet_after) return Health::kLost;
    if (l.rtt_ms > 400 || l.jitter_ms > 50 || l.loss_pct > 5) return Health::kDegraded;
    return Health::kGood;
}

std::optional<std::string> SpeakingStep(std::string_view from, std::string_view action) {
    struct Step {
        std::string_view from, action, to;
    };
    static constexpr Step kSteps[] = {
        {"waiting", "grant", "granted"},   {"waiting", "decline", "declined"},  {"waiting", "withdraw", "withdrawn"},
        {"granted", "start", "speaking"},  {"granted", "decline", "declined"},  {"granted", "withdraw", "withdrawn"},
        {"speaking", "done", "done"},
    };
    for (const auto& s : kSteps) {
        if (s.from == from && s.action == action) return std::string(s.to);
    }
    return std::nullopt;
}

bool IsSiteAction(std::string_view action) { return action == "withdraw"; }

std::optional<std::string> ReminderLevel(core::TimePoint due, core::TimePoint now) {
    if (now > due) return "overdue";
    if (due - now <= hours(24)) return "due_soon";
    return std::nullopt;
}

}  // namespace vp::conference::rules
