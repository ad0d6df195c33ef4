#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "core/clock.hpp"
#include "core/result.hpp"

namespace vp::calendar {

/// @brief Formats `t` as RFC 3339 local time in the IANA zone `time_zone`, with its UTC offset:
/// "2026-02-23T11:00:00+07:00". Milliseconds are appended (".250") only when non-zero, so the
/// output parses back to exactly `t`. UTC is written "+00:00".
/// @pre `time_zone` names a zone of the tz database (take it from a validated CalendarSpec or check
/// with IsKnownTimeZone); an unknown name throws std::runtime_error.
std::string FormatIso(core::TimePoint t, std::string_view time_zone);

/// @brief Parses an RFC 3339 timestamp with an explicit offset: "YYYY-MM-DDTHH:MM[:SS[.fraction]]"
/// followed by "Z" or "±HH:MM" (also "±HHMM"); "t" or a space may replace "T". Fractions beyond
/// milliseconds are truncated. A timestamp without an offset is rejected because its instant would
/// be ambiguous. Returns InvalidInput (a message key) on any malformed or out-of-range part.
core::Result<core::TimePoint> TryParseIso(std::string_view text);

/// "YYYY-MM-DD".
std::string FormatIsoDate(std::chrono::year_month_day date);

/// Parses exactly "YYYY-MM-DD"; std::nullopt if malformed or not a real date (e.g. 2026-02-30).
std::optional<std::chrono::year_month_day> ParseIsoDate(std::string_view text);

/// True if the tz database knows `time_zone`.
bool IsKnownTimeZone(std::string_view time_zone);

}  // namespace vp::calendar
