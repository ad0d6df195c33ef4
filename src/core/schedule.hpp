#pragma once

#include <chrono>
#include <string>
#include <string_view>

#include "core/clock.hpp"
#include "core/result.hpp"

namespace vp::core {

/// UTC offset of the Vietnamese working-time zone (Asia/Ho_Chi_Minh: UTC+7, no daylight saving).
inline constexpr std::chrono::minutes kWorkingTimeOffset{7 * 60};

/// @brief When a recurring job runs: "every N minutes" or "daily at HH:MM", in a zone with a fixed
/// UTC offset (default the working-time zone, UTC+7).
///
/// Periods are fixed by the spec alone, never by when a node started, so every node computes the
/// same boundaries: "every N minutes" periods start at local times that are multiples of N minutes
/// since the local epoch (1970-01-01T00:00 local), so for N dividing a day they are aligned to
/// local midnight (every 15 minutes: :00, :15, :30, :45); "daily at HH:MM" periods start at HH:MM
/// local time each day.
struct ScheduleSpec {
    enum class Kind { kEvery, kDaily };
    Kind kind = Kind::kEvery;
    std::chrono::minutes every{0};                         ///< kEvery: the period, 1 minute to 7 days
    std::chrono::minutes time_of_day{0};                   ///< kDaily: local time after midnight, [00:00, 24:00)
    std::chrono::minutes utc_offset = kWorkingTimeOffset;  ///< the zone, within ±14:00

    /// Every `period` (1 minute .. 7 days); InvalidInput otherwise.
    static Result<ScheduleSpec> Every(std::chrono::minutes period,
                                      std::chrono::minutes utc_offset = kWorkingTimeOffset);
    /// Daily at hour:minute local time; InvalidInput when out of range.
    static Result<ScheduleSpec> DailyAt(int hour, int minute, std::chrono::minutes utc_offset = kWorkingTimeOffset);
    /// Parses the stored form written by ToString: "every 15m +07:00" or "daily 08:30 +07:00".
    static Result<ScheduleSpec> Parse(std::string_view text);
    /// The stored form, e.g. "every 15m +07:00", "daily 08:30 +07:00".
    std::string ToString() const;

    bool operator==(const ScheduleSpec&) const = default;
};

/// @brief The first period start strictly after `t`. Pure; the one place periods are computed.
TimePoint NextRunAfter(const ScheduleSpec& spec, TimePoint t);

/// @brief The start of the period that contains `t`: the last period start at or before `t`.
TimePoint PeriodStartAtOrBefore(const ScheduleSpec& spec, TimePoint t);

/// @brief A stable name of the period starting at `period_start`: its local time with offset,
/// "2026-01-02T08:30+07:00". A job is enqueued at most once per (schedule, period key).
std::string PeriodKey(const ScheduleSpec& spec, TimePoint period_start);

}  // namespace vp::core
