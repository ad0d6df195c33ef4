// covers X-1: every deadline counts in Vietnamese working time.
//
// Expected instants are worked out by hand from the office hours (08:00–12:00, 13:00–17:00,
// Monday–Friday) and the official 2025/2026 schedules (see holidays_test.cpp for their sources);
// Europe/Paris offsets are the EU rule (CET +01:00, CEST +02:00 from the last Sunday of March to
// the last Sunday of October).

#include "calendar/calendar.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>

namespace vp::calendar {
namespace {

using core::TimePoint;
using std::chrono::hours;
using std::chrono::milliseconds;
using std::chrono::minutes;
using std::chrono::sys_days;
using std::chrono::year_month_day;

constexpr year_month_day Ymd(int y, unsigned m, unsigned d) {
    return year_month_day{std::chrono::year{y}, std::chrono::month{m}, std::chrono::day{d}};
}

// An instant written as in the product ("2026-02-13T16:00:00+07:00"); TryParseIso itself is tested
// against raw epoch arithmetic below.
TimePoint At(std::string_view iso) {
    auto t = TryParseIso(iso);
    EXPECT_TRUE(t.ok()) << iso;
    return t.ok() ? t.value() : TimePoint{};
}

std::vector<YearSchedule> RepoSchedules() {
    auto schedules = TryLoadYearSchedules(std::filesystem::path(VP_SOURCE_DIR) / "data/calendar/vn");
    EXPECT_TRUE(schedules.ok());
    return schedules.ok() ? schedules.value() : std::vector<YearSchedule>{};
}

Calendar MakeCalendar(CalendarSpec spec, HolidaySettings holidays) {
    auto calendar = Calendar::TryCreate(std::move(spec), std::move(holidays));
    if (!calendar.ok()) {
        ADD_FAILURE() << calendar.error().message;
        std::abort();
    }
    return std::move(calendar).value();
}

// The product default: Vietnamese office hours with the official schedules of the repository.
Calendar VietnamOffice(std::vector<DayException> exceptions = {}) {
    CalendarSpec spec = DefaultVietnamOffice();
    spec.exceptions = std::move(exceptions);
    return MakeCalendar(std::move(spec), {.schedules = RepoSchedules()});
}

Calendar ParisOffice() {
    CalendarSpec spec;
    spec.time_zone = "Europe/Paris";
    for (int day = 1; day <= 5; ++day) spec.weekly[day] = {{9 * 60, 17 * 60}};
    return MakeCalendar(std::move(spec), {.computed_holidays = false});
}

std::string AddHours(const Calendar& calendar, std::string_view from, minutes amount) {
    auto result = calendar.TryAddWorkingHours(At(from), amount);
    if (!result.ok()) return "error: " + core::Text(result.error().message, "vi");
    return calendar.FormatIso(result.value());
}

std::string AddDays(const Calendar& calendar, std::string_view from, int days) {
    auto result = calendar.TryAddWorkingDays(At(from), days);
    if (!result.ok()) return "error: " + core::Text(result.error().message, "vi");
    return calendar.FormatIso(result.value());
}

std::optional<minutes> Between(const Calendar& calendar, std::string_view a, std::string_view b) {
    auto result = calendar.TryWorkingTimeBetween(At(a), At(b));
    if (!result.ok()) return std::nullopt;
    return result.value();
}

// ---------------------------------------------------------------------------------------------
// IsWorkingTime / FindNextWorkingInstant

TEST(Calendar, IntervalBoundariesAreHalfOpen_X1) {
    const Calendar calendar = VietnamOffice();
    // Wednesday 4 March 2026, an ordinary day.
    EXPECT_FALSE(calendar.IsWorkingTime(At("2026-03-04T07:59:59.999+07:00")));
    EXPECT_TRUE(calendar.IsWorkingTime(At("2026-03-04T08:00:00+07:00")));
    EXPECT_TRUE(calendar.IsWorkingTime(At("2026-03-04T11:59:59.999+07:00")));
    EXPECT_FALSE(calendar.IsWorkingTime(At("2026-03-04T12:00:00+07:00")));
    EXPECT_FALSE(calendar.IsWorkingTime(At("2026-03-04T12:59:59.999+07:00")));
    EXPECT_TRUE(calendar.IsWorkingTime(At("2026-03-04T13:00:00+07:00")));
    EXPECT_TRUE(calendar.IsWorkingTime(At("2026-03-04T16:59:59.999+07:00")));
    EXPECT_FALSE(calendar.IsWorkingTime(At("2026-03-04T17:00:00+07:00")));
    // The same instant written in UTC.
    EXPECT_TRUE(calendar.IsWorkingTime(At("2026-03-04T01:00:00Z")));
    EXPECT_FALSE(calendar.IsWorkingTime(At("2026-03-04T00:59:59Z")));
    // Saturday.
    EXPECT_FALSE(calendar.IsWorkingTime(At("2026-03-07T10:00:00+07:00")));
}

TEST(Calendar, NextWorkingInstant_X1) {
    const Calendar calendar = VietnamOffice();
    auto next = [&](std::string_view t) { return calendar.FormatIso(calendar.FindNextWorkingInstant(At(t)).value()); };
    EXPECT_EQ(next("2026-03-04T10:15:00+07:00"), "2026-03-04T10:15:00+07:00");  // already working
    EXPECT_EQ(next("2026-03-04T12:00:00+07:00"), "2026-03-04T13:00:00+07:00");
    EXPECT_EQ(next("2026-03-04T06:00:00+07:00"), "2026-03-04T08:00:00+07:00");
    EXPECT_EQ(next("2026-03-06T17:00:00+07:00"), "2026-03-09T08:00:00+07:00");  // Friday -> Monday
    EXPECT_EQ(next("2026-02-13T17:00:00+07:00"), "2026-02-23T08:00:00+07:00");  // over Tết 2026
    EXPECT_EQ(next("2026-01-09T17:00:00+07:00"), "2026-01-10T08:00:00+07:00");  // make-up Saturday
}

// ---------------------------------------------------------------------------------------------
// TryAddWorkingHours

TEST(Calendar, AddWorkingHoursAcrossTet2026_X1) {
    // Friday 13/2 16:00 leaves 1 h; 14–22/2 are off (Tết 16–20/2 plus two weekends); Monday 23/2
    // 08:00 + 3 h = 11:00.
    EXPECT_EQ(AddHours(VietnamOffice(), "2026-02-13T16:00:00+07:00", hours{4}), "2026-02-23T11:00:00+07:00");
}

TEST(Calendar, AddWorkingHoursAcrossWeekendAndLunch_X1) {
    const Calendar calendar = VietnamOffice();
    // Friday 15:00 + 3 h: 2 h on Friday, 1 h on Monday.
    EXPECT_EQ(AddHours(calendar, "2026-03-06T15:00:00+07:00", hours{3}), "2026-03-09T09:00:00+07:00");
    // 11:00 + 2 h skips the lunch break.
    EXPECT_EQ(AddHours(calendar, "2026-03-04T11:00:00+07:00", hours{2}), "2026-03-04T14:00:00+07:00");
    // Starting outside working time counts from the next working instant.
    EXPECT_EQ(AddHours(calendar, "2026-03-07T10:00:00+07:00", hours{1}), "2026-03-09T09:00:00+07:00");
    EXPECT_EQ(AddHours(calendar, "2026-03-04T06:30:00+07:00", minutes{90}), "2026-03-04T09:30:00+07:00");
    // A full week of working time from Monday 08:00 ends on Friday 17:00.
    EXPECT_EQ(AddHours(calendar, "2026-03-02T08:00:00+07:00", hours{40}), "2026-03-06T17:00:00+07:00");
}

TEST(Calendar, AddWorkingHoursEndingExactlyAtIntervalEnd_X1) {
    const Calendar calendar = VietnamOffice();
    EXPECT_EQ(AddHours(calendar, "2026-03-06T16:00:00+07:00", hours{1}), "2026-03-06T17:00:00+07:00");
    EXPECT_EQ(AddHours(calendar, "2026-03-04T11:00:00+07:00", hours{1}), "2026-03-04T12:00:00+07:00");
    // One minute more moves into the next interval.
    EXPECT_EQ(AddHours(calendar, "2026-03-06T16:00:00+07:00", minutes{61}), "2026-03-09T08:01:00+07:00");
}

TEST(Calendar, AddZeroReturnsTheStart_X1) {
    const Calendar calendar = VietnamOffice();
    EXPECT_EQ(AddHours(calendar, "2026-03-07T10:00:00+07:00", minutes{0}), "2026-03-07T10:00:00+07:00");
}

TEST(Calendar, AddWorkingHoursRejectsInvalidAmounts_X1) {
    const Calendar calendar = VietnamOffice();
    auto negative = calendar.TryAddWorkingHours(At("2026-03-04T10:00:00+07:00"), minutes{-1});
    ASSERT_FALSE(negative.ok());
    EXPECT_EQ(negative.error().code, core::ErrorCode::kInvalidInput);
    EXPECT_FALSE(negative.error().message.key.empty());

    auto too_far = calendar.TryAddWorkingHours(At("2026-03-04T10:00:00+07:00"),
                                               std::chrono::duration_cast<minutes>(kMaxSearchSpan) + minutes{1});
    ASSERT_FALSE(too_far.ok());
    EXPECT_EQ(too_far.error().code, core::ErrorCode::kInvalidInput);

    // Within the span in calendar time but more working time than 20 years hold (8 h per day).
    auto unreachable = calendar.TryAddWorkingHours(At("2026-03-04T10:00:00+07:00"), hours{24 * 365 * 10});
    ASSERT_FALSE(unreachable.ok());
    EXPECT_EQ(unreachable.error().code, core::ErrorCode::kInvalidInput);
}

TEST(Calendar, AddManyYearsOfWorkingHoursIsFastAndConsistent_X1) {
    const Calendar calendar = VietnamOffice();
    const TimePoint from = At("2026-03-04T10:00:00+07:00");
    const auto result = calendar.TryAddWorkingHours(from, hours{10000});  // about 5 years
    ASSERT_TRUE(result.ok());
    EXPECT_TRUE(calendar.IsWorkingTime(result.value() - milliseconds{1}));
    EXPECT_EQ(calendar.TryWorkingTimeBetween(from, result.value()).value(), hours{10000});
}

// ---------------------------------------------------------------------------------------------
// TryAddWorkingDays

TEST(Calendar, AddWorkingDaysEndsAtCloseOfTheNthWorkingDay_X1) {
    const Calendar calendar = VietnamOffice();
    // Received Friday 13/2/2026 (before Tết): the first working day after it is Monday 23/2.
    EXPECT_EQ(AddDays(calendar, "2026-02-13T10:00:00+07:00", 1), "2026-02-23T17:00:00+07:00");
    // Received Monday 2/3: 5 working days = Tuesday..Monday.
    EXPECT_EQ(AddDays(calendar, "2026-03-02T09:00:00+07:00", 5), "2026-03-09T17:00:00+07:00");
    // Received on a Saturday: Monday is day 1.
    EXPECT_EQ(AddDays(calendar, "2026-03-07T09:00:00+07:00", 1), "2026-03-09T17:00:00+07:00");
    // Received in the evening: the day of receipt is still not counted.
    EXPECT_EQ(AddDays(calendar, "2026-03-04T20:00:00+07:00", 1), "2026-03-05T17:00:00+07:00");
    // The official make-up Saturday 10/1/2026 is a working day.
    EXPECT_EQ(AddDays(calendar, "2026-01-09T09:00:00+07:00", 1), "2026-01-10T17:00:00+07:00");
}

TEST(Calendar, AddWorkingDaysRejectsInvalidCounts_X1) {
    const Calendar calendar = VietnamOffice();
    EXPECT_FALSE(calendar.TryAddWorkingDays(At("2026-03-04T10:00:00+07:00"), 0).ok());
    EXPECT_FALSE(calendar.TryAddWorkingDays(At("2026-03-04T10:00:00+07:00"), -3).ok());
    EXPECT_FALSE(calendar.TryAddWorkingDays(At("2026-03-04T10:00:00+07:00"), 100000).ok());
}

// ---------------------------------------------------------------------------------------------
// TryWorkingTimeBetween

TEST(Calendar, WorkingTimeBetween_X1) {
    const Calendar calendar = VietnamOffice();
    EXPECT_EQ(Between(calendar, "2026-02-13T16:00:00+07:00", "2026-02-23T11:00:00+07:00"), minutes{240});
    EXPECT_EQ(Between(calendar, "2026-02-23T11:00:00+07:00", "2026-02-13T16:00:00+07:00"), minutes{-240});
    EXPECT_EQ(Between(calendar, "2026-03-04T10:00:00+07:00", "2026-03-04T10:00:00+07:00"), minutes{0});
    // A whole ordinary day and a whole week.
    EXPECT_EQ(Between(calendar, "2026-03-04T00:00:00+07:00", "2026-03-05T00:00:00+07:00"), hours{8});
    EXPECT_EQ(Between(calendar, "2026-03-02T00:00:00+07:00", "2026-03-09T00:00:00+07:00"), hours{40});
    // Tết week 16–20/2/2026 has no working time.
    EXPECT_EQ(Between(calendar, "2026-02-14T00:00:00+07:00", "2026-02-23T00:00:00+07:00"), minutes{0});
    // Partial minutes truncate toward zero.
    EXPECT_EQ(Between(calendar, "2026-03-04T10:00:00+07:00", "2026-03-04T10:01:59+07:00"), minutes{1});
    EXPECT_EQ(Between(calendar, "2026-03-04T10:01:59+07:00", "2026-03-04T10:00:00+07:00"), minutes{-1});
    // More than 20 years apart.
    EXPECT_EQ(Between(calendar, "2000-01-01T00:00:00Z", "2030-01-01T00:00:00Z"), std::nullopt);
}

TEST(Calendar, WorkingTimeBetweenInvertsAddWorkingHours_X1) {
    const Calendar calendar = VietnamOffice();
    const minutes amounts[] = {minutes{0},   minutes{1},   minutes{59},  minutes{60},  minutes{239},  minutes{240},
                               minutes{241}, minutes{479}, minutes{480}, minutes{481}, minutes{2400}, minutes{6000}};
    // Starts every 7 h 37 min across Tết 2026, the make-up Saturday and ordinary weeks.
    for (TimePoint start = At("2026-01-05T00:00:00+07:00"); start < At("2026-03-10T00:00:00+07:00");
         start += minutes{7 * 60 + 37}) {
        for (const minutes amount : amounts) {
            SCOPED_TRACE(calendar.FormatIso(start) + " + " + std::to_string(amount.count()) + " min");
            auto end = calendar.TryAddWorkingHours(start, amount);
            ASSERT_TRUE(end.ok());
            EXPECT_EQ(calendar.TryWorkingTimeBetween(start, end.value()).value(), amount);
            if (amount > minutes{0}) {
                EXPECT_TRUE(calendar.IsWorkingTime(end.value() - milliseconds{1}));
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Days, schedules and exceptions

TEST(Calendar, DayDescribesItsRule_X1) {
    const Calendar calendar = VietnamOffice();
    const DayInfo wednesday = calendar.Day(Ymd(2026, 3, 4));
    EXPECT_EQ(wednesday.kind, DayKind::kWorkingDay);
    EXPECT_EQ(wednesday.source, DaySource::kWeekly);
    EXPECT_EQ(wednesday.hours, (std::vector<Interval>{{480, 720}, {780, 1020}}));

    const DayInfo saturday = calendar.Day(Ymd(2026, 3, 7));
    EXPECT_EQ(saturday.kind, DayKind::kDayOff);
    EXPECT_TRUE(saturday.hours.empty());

    const DayInfo tet = calendar.Day(Ymd(2026, 2, 17));
    EXPECT_EQ(tet.kind, DayKind::kDayOff);
    EXPECT_EQ(tet.source, DaySource::kOfficialSchedule);
    EXPECT_NE(tet.name_vi.find("Tết Nguyên đán"), std::string::npos);

    const DayInfo make_up = calendar.Day(Ymd(2026, 1, 10));
    EXPECT_EQ(make_up.kind, DayKind::kWorkingDay);
    EXPECT_EQ(make_up.source, DaySource::kOfficialSchedule);
    EXPECT_EQ(make_up.hours, wednesday.hours);  // Monday's hours

    // 2027 has no schedule file: Tết Đinh Mùi (Saturday 6/2/2027) is computed.
    const DayInfo tet_2027 = calendar.Day(Ymd(2027, 2, 6));
    EXPECT_EQ(tet_2027.kind, DayKind::kDayOff);
    EXPECT_EQ(tet_2027.source, DaySource::kComputedHoliday);
}

TEST(Calendar, ScheduleFileReplacesComputedHolidaysOfItsYear_X1) {
    const Calendar calendar = VietnamOffice();
    // The Labour Code default would give 28/1–1/2/2025 plus Monday 3/2; the official schedule is
    // 27–31/1, so 27/1 is off and 3/2 is an ordinary working Monday.
    EXPECT_EQ(calendar.Day(Ymd(2025, 1, 27)).kind, DayKind::kDayOff);
    EXPECT_EQ(calendar.Day(Ymd(2025, 2, 3)).kind, DayKind::kWorkingDay);
    EXPECT_EQ(calendar.Day(Ymd(2025, 2, 3)).source, DaySource::kWeekly);
    // Swap 2/5 <-> Saturday 26/4/2025.
    EXPECT_EQ(calendar.Day(Ymd(2025, 5, 2)).kind, DayKind::kDayOff);
    EXPECT_EQ(calendar.Day(Ymd(2025, 4, 26)).kind, DayKind::kWorkingDay);

    // Without schedules the computed days apply to 2025 as well.
    const Calendar computed_only = MakeCalendar(DefaultVietnamOffice(), {});
    EXPECT_EQ(computed_only.Day(Ymd(2025, 1, 27)).kind, DayKind::kWorkingDay);
    EXPECT_EQ(computed_only.Day(Ymd(2025, 2, 3)).kind, DayKind::kDayOff);
    EXPECT_EQ(computed_only.Day(Ymd(2025, 2, 3)).source, DaySource::kComputedHoliday);
}

TEST(Calendar, DaysOffListsOfficialDaysIncludingWeekendHolidays_X1) {
    const Calendar calendar = VietnamOffice();
    auto texts = [](const std::vector<year_month_day>& dates) {
        std::vector<std::string> out;
        for (const auto& d : dates) out.push_back(FormatIsoDate(d));
        return out;
    };
    // Sunday 26/4/2026 (Giỗ Tổ) is listed; the plain weekends of the Tết break are not.
    EXPECT_EQ(texts(DaysOff(calendar, 2026)),
              (std::vector<std::string>{"2026-01-01", "2026-01-02", "2026-02-16", "2026-02-17", "2026-02-18",
                                        "2026-02-19", "2026-02-20", "2026-04-26", "2026-04-27", "2026-04-30",
                                        "2026-05-01", "2026-08-31", "2026-09-01", "2026-09-02"}));
    EXPECT_EQ(
        texts(DaysOff(calendar, 2025)),
        (std::vector<std::string>{"2025-01-01", "2025-01-27", "2025-01-28", "2025-01-29", "2025-01-30", "2025-01-31",
                                  "2025-04-07", "2025-04-30", "2025-05-01", "2025-05-02", "2025-09-01", "2025-09-02"}));
    // A year without a file lists the computed holidays.
    std::vector<year_month_day> computed;
    for (const Holiday& h : ComputedHolidays(2027)) computed.push_back(h.date);
    EXPECT_EQ(DaysOff(calendar, 2027), computed);
}

TEST(Calendar, AdministratorDayOffAndMakeUpSaturday_X1) {
    const Calendar calendar = VietnamOffice({
        {.date = Ymd(2026, 3, 11), .kind = DayKind::kDayOff, .note = "Nghỉ đột xuất"},
        {.date = Ymd(2026, 3, 14), .kind = DayKind::kWorkingDay, .note = "Làm bù thứ Bảy"},
    });
    EXPECT_FALSE(calendar.IsWorkingTime(At("2026-03-11T09:00:00+07:00")));
    EXPECT_TRUE(calendar.IsWorkingTime(At("2026-03-14T09:00:00+07:00")));
    EXPECT_EQ(calendar.Day(Ymd(2026, 3, 11)).source, DaySource::kException);
    EXPECT_EQ(calendar.Day(Ymd(2026, 3, 11)).name_vi, "Nghỉ đột xuất");
    // Tuesday 16:00 + 2 h: 1 h Tuesday, Wednesday off, 1 h Thursday.
    EXPECT_EQ(AddHours(calendar, "2026-03-10T16:00:00+07:00", hours{2}), "2026-03-12T09:00:00+07:00");
    // Friday 13/3 16:30 + 1 h: 30 min on Friday, 30 min on the make-up Saturday.
    EXPECT_EQ(AddHours(calendar, "2026-03-13T16:30:00+07:00", hours{1}), "2026-03-14T08:30:00+07:00");
    const auto off = DaysOff(calendar, 2026);
    EXPECT_NE(std::find(off.begin(), off.end(), Ymd(2026, 3, 11)), off.end());
    EXPECT_EQ(std::find(off.begin(), off.end(), Ymd(2026, 3, 14)), off.end());
}

TEST(Calendar, ShortenedDay_X1) {
    const Calendar calendar = VietnamOffice({
        {.date = Ymd(2026, 3, 13), .kind = DayKind::kShortenedDay, .hours = {{8 * 60, 11 * 60}}, .note = "Họp"},
    });
    EXPECT_TRUE(calendar.IsWorkingTime(At("2026-03-13T10:59:00+07:00")));
    EXPECT_FALSE(calendar.IsWorkingTime(At("2026-03-13T11:00:00+07:00")));
    EXPECT_FALSE(calendar.IsWorkingTime(At("2026-03-13T14:00:00+07:00")));
    // Thursday 15:00 + 6 h: 2 h Thursday, 3 h Friday morning, 1 h Monday.
    EXPECT_EQ(AddHours(calendar, "2026-03-12T15:00:00+07:00", hours{6}), "2026-03-16T09:00:00+07:00");
    // The shortened day still counts as a working day and ends at 11:00.
    EXPECT_EQ(AddDays(calendar, "2026-03-12T10:00:00+07:00", 1), "2026-03-13T11:00:00+07:00");
    EXPECT_EQ(calendar.Day(Ymd(2026, 3, 13)).kind, DayKind::kShortenedDay);
}

TEST(Calendar, AdministratorExceptionWinsOverOfficialHoliday_X1) {
    const Calendar calendar = VietnamOffice({
        {.date = Ymd(2026, 2, 17), .kind = DayKind::kWorkingDay, .note = "Trực Tết"},
    });
    EXPECT_TRUE(calendar.IsWorkingTime(At("2026-02-17T09:00:00+07:00")));
    EXPECT_EQ(calendar.Day(Ymd(2026, 2, 17)).source, DaySource::kException);
    // Friday 13/2 16:00 + 4 h now ends on Tuesday 17/2 at 11:00.
    EXPECT_EQ(AddHours(calendar, "2026-02-13T16:00:00+07:00", hours{4}), "2026-02-17T11:00:00+07:00");
}

// ---------------------------------------------------------------------------------------------
// Time zones

TEST(Calendar, HonoursANonDefaultZoneWithDst_X1) {
    const Calendar paris = ParisOffice();
    EXPECT_EQ(paris.TimeZone(), "Europe/Paris");
    // 09:00 in summer (CEST, +02:00) is 07:00 UTC; in winter (CET, +01:00) 08:00 UTC.
    EXPECT_TRUE(paris.IsWorkingTime(At("2026-07-01T07:00:00Z")));
    EXPECT_FALSE(paris.IsWorkingTime(At("2026-07-01T06:59:59Z")));
    EXPECT_TRUE(paris.IsWorkingTime(At("2026-01-07T08:00:00Z")));
    EXPECT_FALSE(paris.IsWorkingTime(At("2026-01-07T07:59:59Z")));
    // 16:00 in Paris (14:00 UTC) is 21:00 in Hanoi: the Vietnamese calendar is closed.
    EXPECT_FALSE(VietnamOffice().IsWorkingTime(At("2026-07-01T14:00:00Z")));
    EXPECT_EQ(paris.FormatIso(At("2026-07-01T07:00:00Z")), "2026-07-01T09:00:00+02:00");
    EXPECT_EQ(paris.FormatIso(At("2026-01-07T08:00:00Z")), "2026-01-07T09:00:00+01:00");
    // Friday 27/3/2026 16:00 CET + 2 h: 1 h Friday, then Monday 30/3 (after the switch to CEST) 10:00.
    EXPECT_EQ(AddHours(paris, "2026-03-27T16:00:00+01:00", hours{2}), "2026-03-30T10:00:00+02:00");
    // Vietnamese holidays are off for this calendar: Friday 1 May is a working day.
    EXPECT_EQ(paris.Day(Ymd(2026, 5, 1)).kind, DayKind::kWorkingDay);
    EXPECT_TRUE(DaysOff(paris, 2026).empty());
    // Local dates follow the zone: 23:30 UTC on 1 July is already 2 July in Paris.
    EXPECT_EQ(paris.LocalDate(At("2026-07-01T23:30:00Z")), Ymd(2026, 7, 2));
    EXPECT_EQ(VietnamOffice().LocalDate(At("2026-07-01T16:59:00Z")), Ymd(2026, 7, 1));
    EXPECT_EQ(VietnamOffice().LocalDate(At("2026-07-01T17:00:00Z")), Ymd(2026, 7, 2));
}

TEST(Calendar, WorkingTimeOnDstChangeDaysIsElapsedTime_X1) {
    CalendarSpec spec;
    spec.time_zone = "Europe/Paris";
    spec.weekly[0] = {{1 * 60, 4 * 60}};  // Sundays 01:00–04:00
    const Calendar night_shift = MakeCalendar(std::move(spec), {.computed_holidays = false});
    // 29/3/2026: clocks jump 02:00 -> 03:00, so 01:00 CET–04:00 CEST is 2 real hours.
    EXPECT_EQ(Between(night_shift, "2026-03-28T12:00:00Z", "2026-03-29T12:00:00Z"), hours{2});
    // 25/10/2026: clocks fall back 03:00 -> 02:00, so 01:00 CEST–04:00 CET is 4 real hours.
    EXPECT_EQ(Between(night_shift, "2026-10-24T12:00:00Z", "2026-10-25T12:00:00Z"), hours{4});
    EXPECT_EQ(AddHours(night_shift, "2026-03-29T01:00:00+01:00", hours{2}), "2026-03-29T04:00:00+02:00");
    // An ordinary Sunday has 3 hours.
    EXPECT_EQ(Between(night_shift, "2026-03-21T12:00:00Z", "2026-03-22T12:00:00Z"), hours{3});
}

// ---------------------------------------------------------------------------------------------
// Validation

TEST(Calendar, TryCreateRejectsInvalidSpecs_X1) {
    auto expect_invalid = [](CalendarSpec spec, HolidaySettings holidays = {}) {
        auto calendar = Calendar::TryCreate(std::move(spec), std::move(holidays));
        ASSERT_FALSE(calendar.ok());
        EXPECT_EQ(calendar.error().code, core::ErrorCode::kInvalidInput);
        EXPECT_FALSE(calendar.error().message.key.empty());
    };
    {
        CalendarSpec spec = DefaultVietnamOffice();
        spec.time_zone = "Asia/Hanoi_Typo";
        expect_invalid(spec);
    }
    {
        CalendarSpec spec = DefaultVietnamOffice();
        spec.weekly[1] = {{17 * 60, 8 * 60}};
        expect_invalid(spec);
    }
    {
        CalendarSpec spec = DefaultVietnamOffice();
        spec.weekly[2] = {{8 * 60, 25 * 60}};
        expect_invalid(spec);
    }
    {
        CalendarSpec spec = DefaultVietnamOffice();
        spec.weekly[3] = {{13 * 60, 17 * 60}, {8 * 60, 14 * 60}};  // overlap (order does not matter)
        expect_invalid(spec);
    }
    expect_invalid(CalendarSpec{});  // no working hours at all
    {
        CalendarSpec spec = DefaultVietnamOffice();
        spec.exceptions = {{.date = Ymd(2026, 3, 11), .kind = DayKind::kDayOff},
                           {.date = Ymd(2026, 3, 11), .kind = DayKind::kWorkingDay}};
        expect_invalid(spec);
    }
    {
        CalendarSpec spec = DefaultVietnamOffice();
        spec.exceptions = {{.date = Ymd(2026, 3, 11), .kind = DayKind::kDayOff, .hours = {{480, 600}}}};
        expect_invalid(spec);
    }
    {
        CalendarSpec spec = DefaultVietnamOffice();
        spec.exceptions = {{.date = Ymd(2026, 3, 11), .kind = DayKind::kShortenedDay}};
        expect_invalid(spec);
    }
    {
        CalendarSpec spec = DefaultVietnamOffice();
        spec.weekly[1].clear();  // a make-up day would have no hours to copy
        spec.exceptions = {{.date = Ymd(2026, 3, 14), .kind = DayKind::kWorkingDay}};
        expect_invalid(spec);
    }
    const YearSchedule schedule{.year = 2026, .source = "x"};
    expect_invalid(DefaultVietnamOffice(), {.schedules = {schedule, schedule}});
    expect_invalid(DefaultVietnamOffice(), {.schedules = {YearSchedule{.year = 2026}}});  // no source
}

TEST(Calendar, IntervalsAreSortedOnTheWayIn_X1) {
    CalendarSpec spec = DefaultVietnamOffice();
    spec.weekly[3] = {{13 * 60, 17 * 60}, {8 * 60, 12 * 60}};
    const Calendar calendar = MakeCalendar(std::move(spec), {});
    EXPECT_EQ(calendar.Day(Ymd(2026, 3, 4)).hours, (std::vector<Interval>{{480, 720}, {780, 1020}}));
    EXPECT_EQ(AddHours(calendar, "2026-03-04T11:00:00+07:00", hours{2}), "2026-03-04T14:00:00+07:00");
}

// ---------------------------------------------------------------------------------------------
// ISO 8601 / RFC 3339

TEST(IsoTime, ParsesOffsetsAndZ_X1) {
    const TimePoint expected{sys_days{Ymd(2026, 2, 23)} + hours{4}};  // 11:00 at +07:00
    EXPECT_EQ(TryParseIso("2026-02-23T11:00:00+07:00").value(), expected);
    EXPECT_EQ(TryParseIso("2026-02-23T04:00:00Z").value(), expected);
    EXPECT_EQ(TryParseIso("2026-02-23T04:00:00z").value(), expected);
    EXPECT_EQ(TryParseIso("2026-02-23T11:00+07:00").value(), expected);
    EXPECT_EQ(TryParseIso("2026-02-23 11:00:00+0700").value(), expected);
    EXPECT_EQ(TryParseIso("2026-02-22T22:30:00-05:30").value(), expected);
    EXPECT_EQ(TryParseIso("2026-02-23T04:00:00.25Z").value(), expected + milliseconds{250});
    EXPECT_EQ(TryParseIso("2026-02-23T04:00:00.123456789Z").value(), expected + milliseconds{123});
    // Crossing midnight backwards into the previous UTC day.
    EXPECT_EQ(TryParseIso("2026-01-01T03:00:00+07:00").value(), TimePoint{sys_days{Ymd(2025, 12, 31)} + hours{20}});
}

TEST(IsoTime, RejectsMalformedTimestamps_X1) {
    for (const char* bad :
         {"", "garbage", "2026-02-23", "2026-02-23T11:00:00", "2026-02-30T10:00:00Z", "2026-13-01T10:00:00Z",
          "2026-02-23T24:00:00Z", "2026-02-23T10:60:00Z", "2026-02-23T10:00:60Z", "2026-02-23T10:00:00+24:00",
          "2026-02-23T10:00:00+07:00x", "2026-02-23T10:00:00.Z", "26-02-23T10:00:00Z", "2026-2-23T10:00:00Z",
          "2026-02-23T10:00:00 +07:00"}) {
        SCOPED_TRACE(bad);
        auto t = TryParseIso(bad);
        ASSERT_FALSE(t.ok());
        EXPECT_EQ(t.error().code, core::ErrorCode::kInvalidInput);
    }
}

TEST(IsoTime, FormatsInTheGivenZone_X1) {
    const TimePoint t{sys_days{Ymd(2026, 2, 23)} + hours{4}};
    EXPECT_EQ(FormatIso(t, "Asia/Ho_Chi_Minh"), "2026-02-23T11:00:00+07:00");
    EXPECT_EQ(FormatIso(t, "UTC"), "2026-02-23T04:00:00+00:00");
    EXPECT_EQ(FormatIso(t, "America/New_York"), "2026-02-22T23:00:00-05:00");
    EXPECT_EQ(FormatIso(t + milliseconds{250}, "Asia/Ho_Chi_Minh"), "2026-02-23T11:00:00.250+07:00");
    EXPECT_EQ(FormatIso(t, "Asia/Kolkata"), "2026-02-23T09:30:00+05:30");
    // Round trip.
    for (const char* zone : {"Asia/Ho_Chi_Minh", "Europe/Paris", "America/St_Johns"}) {
        const TimePoint u = t + milliseconds{123456789};
        EXPECT_EQ(TryParseIso(FormatIso(u, zone)).value(), u) << zone;
    }
    EXPECT_TRUE(IsKnownTimeZone("Asia/Ho_Chi_Minh"));
    EXPECT_FALSE(IsKnownTimeZone("Asia/Hanoi_Typo"));
}

TEST(IsoTime, Dates_X1) {
    EXPECT_EQ(FormatIsoDate(Ymd(2026, 2, 3)), "2026-02-03");
    EXPECT_EQ(ParseIsoDate("2026-02-03"), Ymd(2026, 2, 3));
    EXPECT_EQ(ParseIsoDate("2026-02-29"), std::nullopt);
    EXPECT_EQ(ParseIsoDate("2026-02-03x"), std::nullopt);
}

}  // namespace
}  // namespace vp::calendar
