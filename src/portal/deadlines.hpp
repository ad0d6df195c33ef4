#pragma once
// Deadlines of the portal in working time and local days (P-13, P-14; Hậu Giang Art. 10), as pure
// functions over the core calendar. Tests: deadlines_test.cpp (weekends, Tết, the 24:00 lock).

#include <optional>
#include <string_view>

#include "calendar/calendar.hpp"
#include "core/clock.hpp"
#include "core/result.hpp"

namespace vp::portal {

/// What the publication deadline depends on.
struct DeadlineFacts {
    std::string_view kind;                     ///< item kind ("news", "official_document", ...)
    std::optional<core::TimePoint> event_at;   ///< the event a news item reports
    std::optional<core::TimePoint> issued_at;  ///< the issue date of an official document
};

/// Working hours within which news of an event must be published (Hậu Giang Art. 10.1).
inline constexpr int kNewsWorkingHours = 8;
/// Working days within which a document of the Party committee must be published (Art. 10.2).
inline constexpr int kDocumentWorkingDays = 2;

/// The publication deadline: 8 working hours after the event for news (and the other event
/// kinds: photo stories, video, audio); 2 working days after the issue date for official
/// documents (the day of issue not counted). nullopt when the item has no such time.
core::Result<std::optional<core::TimePoint>> PublicationDue(const DeadlineFacts& facts, const calendar::Calendar& cal);

/// Whether a deadline was met: published (first) at or before it.
inline bool DeadlineMet(core::TimePoint due, core::TimePoint published) { return published <= due; }

/// Where an item stands against its publication deadline (P-13), for compliance reports.
enum class DeadlineOutcome { kMet, kLate, kOpenOverdue, kOpenWithinDeadline };
/// Met / late once first published; otherwise overdue or still within the deadline at `now`.
DeadlineOutcome ClassifyDeadline(core::TimePoint due, std::optional<core::TimePoint> first_published,
                                 core::TimePoint now);

/// The post-check deadline of a publication, update or integration at `at`: 24:00 of that day in
/// the portal's time zone (the start of the next local day). Throws std::runtime_error for an
/// unknown zone (portals' zones are checked when they are saved).
core::TimePoint PostCheckDue(core::TimePoint at, std::string_view time_zone);

/// Whether `time_zone` is a zone the time-zone database knows.
bool IsKnownTimeZone(std::string_view time_zone);

}  // namespace vp::portal
