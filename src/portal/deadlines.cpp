#include "portal/deadlines.hpp"

#include <date/tz.h>

namespace vp::portal {

namespace {
bool IsEventKind(std::string_view kind) {
    return kind == "news" || kind == "photo_story" || kind == "video" || kind == "audio" || kind == "article";
}
}  // namespace

core::Result<std::optional<core::TimePoint>> PublicationDue(const DeadlineFacts& f, const calendar::Calendar& cal) {
    if (f.kind == "official_document") {
        if (!f.issued_at) return std::optional<core::TimePoint>{};
        auto due = cal.TryAddWorkingDays(*f.issued_at, kDocumentWorkingDays);
        if (!due) return due.error();
        return std::optional<core::TimePoint>{due.value()};
    }
    if (IsEventKind(f.kind) && f.event_at) {
        // An event outside working time starts the clock at the next working instant.
        auto due = cal.TryAddWorkingHours(*f.event_at, std::chrono::hours(kNewsWorkingHours));
        if (!due) return due.error();
        return std::optional<core::TimePoint>{due.value()};
    }
    return std::optional<core::TimePoint>{};
}

core::TimePoint PostCheckDue(core::TimePoint at, std::string_view time_zone) {
    const auto* zone = date::locate_zone(std::string(time_zone));
    auto local = zone->to_local(at);
    auto next_day = date::floor<date::days>(local) + date::days{1};
    auto utc = zone->to_sys(next_day, date::choose::earliest);
    return std::chrono::time_point_cast<std::chrono::milliseconds>(utc);
}

bool IsKnownTimeZone(std::string_view time_zone) {
    try {
        (void)date::locate_zone(std::string(time_zone));
        return true;
    } catch (const std::exception&) {
        return false;
    }
}

DeadlineOutcome ClassifyDeadline(core::TimePoint due, std::optional<core::TimePoint> first_published,
                                 core::TimePoint now) {
    if (first_published) return DeadlineMet(due, *first_published) ? DeadlineOutcome::kMet : DeadlineOutcome::kLate;
    return now > due ? DeadlineOutcome::kOpenOverdue : DeadlineOutcome::kOpenWithinDeadline;
}

}  // namespace vp::portal
