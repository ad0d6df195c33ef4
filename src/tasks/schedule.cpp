#include "tasks/schedule.hpp"

#include <array>

#include <date/tz.h>

#include "core/message.hpp"

namespace vp::tasks {
namespace {

using core::Msg;
namespace chr = std::chrono;

const date::time_zone* ZoneOf(const calendar::Calendar& cal) { return date::locate_zone(cal.TimeZone()); }

// The same local wall time `months` calendar months later (the day clamped to the month's end:
// 31 January + 1 month = 28 or 29 February).
core::TimePoint AddMonths(core::TimePoint t, int months, const calendar::Calendar& cal) {
    const auto* zone = ZoneOf(cal);
    const auto local = zone->to_local(t);
    const auto day = date::floor<date::days>(local);
    const auto time_of_day = local - day;
    date::year_month_day ymd{day};
    auto ym = date::year_month{ymd.year(), ymd.month()} + date::months{months};
    auto last = date::year_month_day_last{ym.year(), date::month_day_last{ym.month()}}.day();
    auto d = ymd.day() > last ? last : ymd.day();
    const auto target = date::local_days{ym.year() / ym.month() / d} + time_of_day;
    return chr::time_point_cast<chr::milliseconds>(zone->to_sys(target, date::choose::earliest));
}

int MonthsOf(Cadence c) {
    switch (c) {
        case Cadence::kMonthly: return 1;
        case Cadence::kQuarterly: return 3;
        case Cadence::kYearly: return 12;
        case Cadence::kNone: break;
    }
    return 0;
}

std::string MonthLabel(core::TimePoint t, const calendar::Calendar& cal) {
    const auto d = cal.LocalDate(t);
    char buf[16];
    std::snprintf(buf, sizeof buf, "%04d-%02u", static_cast<int>(d.year()), static_cast<unsigned>(d.month()));
    return buf;
}

constexpr std::array<std::pair<ClockKind, std::string_view>, 6> kClocks = {{
    {ClockKind::kEntry, "entry"},
    {ClockKind::kAcknowledge, "acknowledge"},
    {ClockKind::kDispute, "dispute"},
    {ClockKind::kSettle, "settle"},
    {ClockKind::kEvaluate, "evaluate"},
    {ClockKind::kUpdate, "update"},
}};

}  // namespace

std::string_view CadenceCode(Cadence c) {
    switch (c) {
        case Cadence::kMonthly: return "monthly";
        case Cadence::kQuarterly: return "quarterly";
        case Cadence::kYearly: return "yearly";
        case Cadence::kNone: break;
    }
    return "";
}

std::optional<Cadence> ParseCadence(std::string_view code) {
    for (auto c : {Cadence::kNone, Cadence::kMonthly, Cadence::kQuarterly, Cadence::kYearly}) {
        if (CadenceCode(c) == code) return c;
    }
    return std::nullopt;
}

std::string_view CheckpointKindCode(CheckpointKind k) { return k == CheckpointKind::kFinal ? "final" : "update"; }

Length ClassifyLength(core::TimePoint start, std::optional<core::TimePoint> deadline, const calendar::Calendar& cal) {
    if (!deadline) return Length::kOpenEnded;
    // Calendar months on local dates: a task from 9 March to 8 April is under a month; to 9 April
    // it is a month.
    const auto end = cal.LocalDate(*deadline);
    auto before = [&](int months) { return std::chrono::sys_days{end} < std::chrono::sys_days{cal.LocalDate(AddMonths(start, months, cal))}; };
    if (before(1)) return Length::kUnder1Month;
    if (before(3)) return Length::k1To3Months;
    if (before(6)) return Length::k3To6Months;
    return Length::k6MonthsOrMore;
}

core::Result<core::TimePoint> EndOfWorkingDay(core::TimePoint t, const calendar::Calendar& cal) {
    // TryAddWorkingDays(x, 1) is the end of the first working day strictly after x's local date:
    // from noon of the day before, that is this day when it is a working day, else the next one.
    const auto* zone = ZoneOf(cal);
    const auto day = date::floor<date::days>(zone->to_local(t));
    const auto noon_before = zone->to_sys(day - date::days{1} + chr::hours(12), date::choose::earliest);
    auto end = cal.TryAddWorkingDays(chr::time_point_cast<chr::milliseconds>(noon_before), 1);
    // A moment after that day's working hours is due at the end of the next working day.
    if (end && end.value() < t) return cal.TryAddWorkingDays(t, 1);
    return end;
}

core::Result<std::vector<Checkpoint>> Checkpoints(const ScheduleInput& in, const calendar::Calendar& cal) {
    if (in.deadline && *in.deadline < in.start)
        return core::InvalidField("deadline", Msg("tasks.deadline_before_start"));
    const auto length = ClassifyLength(in.start, in.deadline, cal);
    std::vector<Checkpoint> out;
    auto at_point = [&](std::string label, core::TimePoint point) -> core::Status {
        auto due = EndOfWorkingDay(point, cal);
        if (!due) return due.error();
        out.push_back({CheckpointKind::kUpdate, std::move(label), point, due.value()});
        return core::Ok{};
    };
    auto final_report = [&](int working_days) -> core::Status {
        auto due = cal.TryAddWorkingDays(*in.deadline, working_days);
        if (!due) return due.error();
        out.push_back({CheckpointKind::kFinal, "final", *in.deadline, due.value()});
        return core::Ok{};
    };
    const auto span = in.deadline ? *in.deadline - in.start : core::TimePoint::duration{};
    switch (length) {
        case Length::kUnder1Month:
            if (auto s = final_report(3); !s) return s.error();
            break;
        case Length::k1To3Months:
            if (auto s = at_point("1/2", in.start + span / 2); !s) return s.error();
            if (auto s = final_report(3); !s) return s.error();
            break;
        case Length::k3To6Months:
            if (auto s = at_point("1/2", in.start + span / 2); !s) return s.error();
            if (auto s = at_point("3/4", in.start + span * 3 / 4); !s) return s.error();
            if (auto s = final_report(5); !s) return s.error();
            break;
        case Length::k6MonthsOrMore:
        case Length::kOpenEnded: {
            const int step = MonthsOf(in.cadence);
            if (step == 0) return core::InvalidField("cadence", Msg("tasks.cadence_required"));
            const auto until = in.deadline ? *in.deadline : in.horizon.value_or(AddMonths(in.start, 24, cal));
            // Periodic updates fall before the deadline's day: on that day the final report is due.
            const auto last_day = in.deadline ? std::optional{std::chrono::sys_days{cal.LocalDate(*in.deadline)}} : std::nullopt;
            for (int k = 1; k <= 400; ++k) {
                const auto point = AddMonths(in.start, k * step, cal);
                if (last_day ? std::chrono::sys_days{cal.LocalDate(point)} >= *last_day : point > until) break;
                if (auto s = at_point(MonthLabel(point, cal), point); !s) return s.error();
            }
            if (in.deadline) {
                if (auto s = final_report(5); !s) return s.error();
            }
            break;
        }
    }
    return out;
}

std::string_view ClockCode(ClockKind k) {
    for (const auto& [kind, code] : kClocks) {
        if (kind == k) return code;
    }
    return "update";
}

std::optional<ClockKind> ParseClock(std::string_view code) {
    for (const auto& [kind, c] : kClocks) {
        if (c == code) return kind;
    }
    return std::nullopt;
}

core::Result<core::TimePoint> ClockDue(ClockKind kind, core::TimePoint from, const calendar::Calendar& cal) {
    switch (kind) {
        case ClockKind::kEntry: return cal.TryAddWorkingDays(from, 3);
        case ClockKind::kAcknowledge: return cal.TryAddWorkingHours(from, chr::hours(4));
        case ClockKind::kDispute: return cal.TryAddWorkingHours(from, chr::hours(8));
        case ClockKind::kSettle: return cal.TryAddWorkingDays(from, 1);
        case ClockKind::kEvaluate: return cal.TryAddWorkingDays(from, 3);
        case ClockKind::kUpdate: break;
    }
    return core::InvalidField("clock", Msg("tasks.clock_unknown"));
}

std::string_view OutcomeCode(ClockState::Outcome o) {
    switch (o) {
        case ClockState::Outcome::kMet: return "met";
        case ClockState::Outcome::kMissed: return "missed";
        case ClockState::Outcome::kRunning: break;
    }
    return "running";
}

ClockState StateOf(core::TimePoint due, std::optional<core::TimePoint> done, core::TimePoint now,
                   const calendar::Calendar& cal) {
    ClockState s;
    const auto end = done.value_or(now);
    auto by = cal.TryWorkingTimeBetween(due, end);
    s.by = by ? by.value() : chr::duration_cast<chr::minutes>(end - due);
    if (done) {
        s.outcome = *done <= due ? ClockState::Outcome::kMet : ClockState::Outcome::kMissed;
    } else if (now > due) {
        s.outcome = ClockState::Outcome::kMissed;
    } else {
        s.by = chr::minutes{0};
    }
    return s;
}

}  // namespace vp::tasks
