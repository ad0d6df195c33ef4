// covers P-13, P-14 (deadlines in working time across a weekend and Tết; the post-check day)
#include <gtest/gtest.h>

#include <filesystem>

#include "calendar/holidays.hpp"
#include "calendar/iso_time.hpp"
#include "portal/deadlines.hpp"

namespace vp::portal {
namespace {

core::TimePoint At(std::string_view iso) {
    auto t = calendar::TryParseIso(iso);
    EXPECT_TRUE(t.ok()) << iso;
    return t.ok() ? t.value() : core::TimePoint{};
}

calendar::Calendar Office() {
    auto schedules = calendar::TryLoadYearSchedules(std::filesystem::path(VP_SOURCE_DIR) / "data/calendar/vn");
    EXPECT_TRUE(schedules.ok());
    auto cal = calendar::Calendar::TryCreate(calendar::DefaultVietnamOffice(), {.schedules = schedules.value()});
    EXPECT_TRUE(cal.ok());
    return std::move(cal).value();
}

std::string Due(const DeadlineFacts& f) {
    static const auto cal = Office();
    auto due = PublicationDue(f, cal);
    EXPECT_TRUE(due.ok());
    if (!due.ok() || !due.value()) return "none";
    return calendar::FormatIso(*due.value(), "Asia/Ho_Chi_Minh");
}

TEST(PortalDeadlines, NewsIsDueEightWorkingHoursAfterTheEvent_P13) {
    // Tuesday 09:00 -> the same day 17:00 (8 h minus the lunch break is not enough: 09-12, 13-17 = 7 h).
    EXPECT_EQ(Due({.kind = "news", .event_at = At("2026-03-10T09:00:00+07:00")}), "2026-03-11T09:00:00+07:00");
    // Friday 16:00 across the weekend: 1 h on Friday, 7 h on Monday.
    EXPECT_EQ(Due({.kind = "news", .event_at = At("2026-03-06T16:00:00+07:00")}), "2026-03-09T16:00:00+07:00");
    // An event on Saturday starts the clock on Monday morning.
    EXPECT_EQ(Due({.kind = "news", .event_at = At("2026-03-07T10:00:00+07:00")}), "2026-03-09T17:00:00+07:00");
}

TEST(PortalDeadlines, TetIsNotWorkingTime_P13) {
    // Friday 13 February 2026 15:00, the last working afternoon before Tết (off 14-22 February):
    // 2 h that day, the remaining 6 h on Monday 23 February.
    EXPECT_EQ(Due({.kind = "news", .event_at = At("2026-02-13T15:00:00+07:00")}), "2026-02-23T15:00:00+07:00");
    // A document issued on 13 February is due by the end of the second working day after it.
    EXPECT_EQ(Due({.kind = "official_document", .issued_at = At("2026-02-13T10:00:00+07:00")}),
              "2026-02-24T17:00:00+07:00");
}

TEST(PortalDeadlines, DocumentsAreDueTwoWorkingDaysAfterIssue_P13) {
    // Issued Thursday: Friday and Monday are the two working days.
    EXPECT_EQ(Due({.kind = "official_document", .issued_at = At("2026-03-05T00:00:00+07:00")}),
              "2026-03-09T17:00:00+07:00");
    // Without a time there is no deadline; pages have none either.
    EXPECT_EQ(Due({.kind = "official_document"}), "none");
    EXPECT_EQ(Due({.kind = "page", .event_at = At("2026-03-05T00:00:00+07:00")}), "none");
}

TEST(PortalDeadlines, PostCheckIsDueAtMidnightOfThePublicationDay_P14) {
    auto due = [](std::string_view at) {
        return calendar::FormatIso(PostCheckDue(At(at), "Asia/Ho_Chi_Minh"), "Asia/Ho_Chi_Minh");
    };
    EXPECT_EQ(due("2026-03-09T00:10:00+07:00"), "2026-03-10T00:00:00+07:00");
    EXPECT_EQ(due("2026-03-09T23:59:00+07:00"), "2026-03-10T00:00:00+07:00");
    // 18:00 UTC is already the next day in Hà Nội.
    EXPECT_EQ(due("2026-03-09T18:00:00Z"), "2026-03-11T00:00:00+07:00");
    // Another portal's zone counts its own day.
    EXPECT_EQ(calendar::FormatIso(PostCheckDue(At("2026-03-09T18:00:00Z"), "Europe/Paris"), "Europe/Paris"),
              "2026-03-10T00:00:00+01:00");
    EXPECT_TRUE(IsKnownTimeZone("Asia/Ho_Chi_Minh"));
    EXPECT_FALSE(IsKnownTimeZone("Mars/Olympus"));
}

TEST(PortalDeadlines, MetMeansOnOrBefore_P13) {
    const auto due = At("2026-03-09T16:00:00+07:00");
    EXPECT_TRUE(DeadlineMet(due, due));
    EXPECT_FALSE(DeadlineMet(due, due + std::chrono::minutes(1)));
}

// covers P-13: an item's standing against its deadline, for compliance per providing unit.
TEST(PortalDeadlines, ClassifyForCompliance_P13) {
    using std::chrono::hours;
    const auto due = At("2026-03-10T08:30:00+07:00");
    EXPECT_EQ(ClassifyDeadline(due, due, due + hours(5)), DeadlineOutcome::kMet) << "at the deadline is in time";
    EXPECT_EQ(ClassifyDeadline(due, due + std::chrono::minutes(1), due), DeadlineOutcome::kLate);
    EXPECT_EQ(ClassifyDeadline(due, std::nullopt, due + hours(1)), DeadlineOutcome::kOpenOverdue);
    EXPECT_EQ(ClassifyDeadline(due, std::nullopt, due), DeadlineOutcome::kOpenWithinDeadline);
}

}  // namespace
}  // namespace vp::portal
