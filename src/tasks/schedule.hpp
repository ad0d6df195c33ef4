#pragma once
// When a task's updates and final report are due (T-7; 08-QC/TW Art. 6.2.b), and the other
// clocks of 08-QC/TW in working time (T-6, T-8, T-10, T-25), as pure functions over the core
// calendar. Tests: schedule_test.cpp (lengths just under and at 1, 3 and 6 months; weekends, Tết).

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "calendar/calendar.hpp"
#include "core/clock.hpp"
#include "core/result.hpp"

namespace vp::tasks {

/// The update cadence of a task of 6 months or more, or without a deadline (Art. 6.2.b(4)).
enum class Cadence { kNone, kMonthly, kQuarterly, kYearly };
std::string_view CadenceCode(Cadence c);  ///< "", monthly, quarterly, yearly
std::optional<Cadence> ParseCadence(std::string_view code);  ///< "" -> kNone

/// The length class of a task: L = deadline − start in calendar months (local dates of the
/// calendar's zone): under 1, 1 to under 3, 3 to under 6, 6 or more, or open-ended.
enum class Length { kUnder1Month, k1To3Months, k3To6Months, k6MonthsOrMore, kOpenEnded };
Length ClassifyLength(core::TimePoint start, std::optional<core::TimePoint> deadline, const calendar::Calendar& cal);

enum class CheckpointKind { kUpdate, kFinal };
std::string_view CheckpointKindCode(CheckpointKind k);  ///< update | final

struct Checkpoint {
    CheckpointKind kind = CheckpointKind::kUpdate;
    std::string label;          ///< "1/2", "3/4", "2026-04" (periodic: the month of its point), "final"
    core::TimePoint point{};    ///< the nominal moment (start + ½ L, the deadline, …)
    core::TimePoint due_at{};   ///< when it is due, in working time
};

struct ScheduleInput {
    core::TimePoint start{};
    std::optional<core::TimePoint> deadline;
    Cadence cadence = Cadence::kNone;
    /// Open-ended tasks: periodic checkpoints whose point is at or before this (none: 2 years
    /// after the start).
    std::optional<core::TimePoint> horizon;
};

/// The checkpoints, in time order:
///  - under 1 month: a final report at most 3 working days after the deadline;
///  - 1 to under 3 months: an update at ½ L, the final report at most 3 working days after;
///  - 3 to under 6 months: updates at ½ L and ¾ L, the final report at most 5 working days after;
///  - 6 months or more, or open-ended: an update each month, quarter or year from the start
///    (`cadence`, required), and with a deadline a final report at most 5 working days after it.
/// An update at a point is due by the end of the working day on which the point falls (the next
/// working day when that day is off, or when the point is after its working hours); "N working days after the deadline" is
/// Calendar::TryAddWorkingDays(deadline, N). Errors name the field: `deadline` before the start,
/// `cadence` missing where required.
core::Result<std::vector<Checkpoint>> Checkpoints(const ScheduleInput& in, const calendar::Calendar& cal);

/// The end of the working day on which `t` falls, or of the next working day when it is off or
/// when `t` is after that day's working hours.
core::Result<core::TimePoint> EndOfWorkingDay(core::TimePoint t, const calendar::Calendar& cal);

/// The clocks of 08-QC/TW besides the checkpoints, each started by an event.
enum class ClockKind {
    kEntry,        ///< the task office enters a document's tasks: 3 working days from its issue (Art. 6.1.a)
    kAcknowledge,  ///< the assignee acknowledges: 4 working hours from the assignment (Art. 6.2.a)
    kDispute,      ///< a wrong assignment is disputed: 8 working hours from receipt (Art. 6.2.a)
    kSettle,       ///< the task office settles a dispute: 1 working day (Art. 6.1.b)
    kEvaluate,     ///< the monitoring unit evaluates an approved update: 3 working days (Art. 6.3)
    kUpdate,       ///< a checkpoint (Art. 6.2.b)
};
std::string_view ClockCode(ClockKind k);  ///< entry, acknowledge, dispute, settle, evaluate, update
std::optional<ClockKind> ParseClock(std::string_view code);
/// When a clock started at `from` is due (not for kUpdate: checkpoints have their own rule).
core::Result<core::TimePoint> ClockDue(ClockKind kind, core::TimePoint from, const calendar::Calendar& cal);

/// Where a clock stands: running, met (done at or before due) or missed; `by` is the working time
/// between due and done (or now, while missed and open), positive when late, negative when early.
struct ClockState {
    enum class Outcome { kRunning, kMet, kMissed } outcome = Outcome::kRunning;
    std::chrono::minutes by{0};
};
std::string_view OutcomeCode(ClockState::Outcome o);  ///< running | met | missed
ClockState StateOf(core::TimePoint due, std::optional<core::TimePoint> done, core::TimePoint now,
                   const calendar::Calendar& cal);

}  // namespace vp::tasks
