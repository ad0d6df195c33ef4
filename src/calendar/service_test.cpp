// covers X-1 (working time of Vietnam: calendars as data, exceptions, the government's yearly
// schedules) and P-9 (every change audited) on both engines.
//
// Dates used (office hours Mon–Fri 08:00–12:00, 13:00–17:00, Asia/Ho_Chi_Minh, and the shipped
// 2026 schedule): Mon 09/03/2026 … Fri 13/03/2026 are ordinary working days, Sat 14/03 and
// Sun 15/03 ordinary weekend days; 2027 has no shipped file.
#include "calendar/service.hpp"

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <filesystem>
#include <map>

#include "calendar/iso_time.hpp"
#include "calendar/json.hpp"
#include "core/testing/db_fixture.hpp"

namespace vp {
namespace {

using calendar::DayKind;
using calendar::ExceptionFilter;
using core::ErrorCode;
using std::chrono::hours;
using std::chrono::year_month_day;

year_month_day Ymd(int y, unsigned m, unsigned d) {
    return year_month_day{std::chrono::year{y}, std::chrono::month{m}, std::chrono::day{d}};
}

core::TimePoint At(std::string_view iso) {
    auto t = calendar::TryParseIso(iso);
    EXPECT_TRUE(t.ok()) << iso;
    return t.ok() ? t.value() : core::TimePoint{};
}

std::vector<calendar::YearSchedule> Shipped() {
    auto s = calendar::TryLoadYearSchedules(std::filesystem::path(VP_SOURCE_DIR) / "data/calendar/vn");
    EXPECT_TRUE(s.ok());
    return s.ok() ? s.value() : std::vector<calendar::YearSchedule>{};
}

class CalendarService : public testing::DbTest {
protected:
    void SetUp() override {
        DbTest::SetUp();
        if (IsSkipped() || HasFailure()) return;
        svc_ = MakeService();
        auto r = svc_->EnsureDefault(actor_);
        ASSERT_TRUE(r.ok()) << r.error().message;
    }

    // A second node on the same database has its own service and cache.
    std::unique_ptr<calendar::Service> MakeService() {
        return std::make_unique<calendar::Service>(Db(), log_, clock_, Shipped());
    }

    // The deadline of `amount` working hours from `from`, as the default calendar says now.
    std::string AddHours(const calendar::Service& svc, std::string_view from, int amount) {
        auto cal = svc.GetShared();
        EXPECT_TRUE(cal.ok());
        if (!cal.ok()) return {};
        auto r = cal.value()->TryAddWorkingHours(At(from), hours(amount));
        EXPECT_TRUE(r.ok());
        return r.ok() ? cal.value()->FormatIso(r.value()) : std::string();
    }

    std::int64_t Count(std::string_view table) {
        return Db().Read(
            [&](core::db::Connection& c) { return c.QueryOne("SELECT COUNT(*) FROM " + std::string(table))->Int(0); });
    }

    std::string Snapshot() {
        std::string s;
        for (auto table : {"calendars", "calendar_exceptions", "calendar_years", "audit_log"}) {
            s += std::string(table) + "=" + std::to_string(Count(table)) + " ";
        }
        s += "version=" + std::to_string(Db().Read([](core::db::Connection& c) {
                 return c.QueryOne("SELECT version FROM calendar_state WHERE id = 1")->Int(0);
             }));
        return s;
    }

    audit::Log log_{clock_};
    audit::Actor actor_{.user_id = 0, .username = "admin", .role = "system_admin", .address = "127.0.0.1"};
    std::unique_ptr<calendar::Service> svc_;
};

TEST_P(CalendarService, DefaultCalendarIsVietnamOfficeHours_X1) {
    ASSERT_TRUE(svc_->EnsureDefault(actor_).ok()) << "idempotent";
    auto all = svc_->List();
    ASSERT_EQ(all.size(), 1u);
    EXPECT_EQ(all[0].code, "vn-office");
    EXPECT_EQ(all[0].name, "Giờ hành chính Việt Nam");
    EXPECT_EQ(all[0].time_zone, "Asia/Ho_Chi_Minh");
    EXPECT_EQ(all[0].weekly, calendar::DefaultVietnamOffice().weekly);
    // Friday before Tết 2026 (shipped schedule: off 16–20/02) → the Monday after.
    EXPECT_EQ(AddHours(*svc_, "2026-02-13T16:00:00+07:00", 2), "2026-02-23T09:00:00+07:00");
    EXPECT_EQ(log_.Find(Db(), {.action_prefix = "calendar.create"}).size(), 1u) << "created once, audited once";
    EXPECT_EQ(svc_->Get("nope").error().code, ErrorCode::kNotFound);
}

TEST_P(CalendarService, DayOffIsSkipped_X1) {
    EXPECT_EQ(AddHours(*svc_, "2026-03-09T16:00:00+07:00", 2), "2026-03-10T09:00:00+07:00");
    auto e = svc_->AddException(actor_, "vn-office", Ymd(2026, 3, 10), DayKind::kDayOff, {}, "Nghỉ đột xuất");
    ASSERT_TRUE(e.ok()) << e.error().message;
    EXPECT_EQ(AddHours(*svc_, "2026-03-09T16:00:00+07:00", 2), "2026-03-11T09:00:00+07:00")
        << "the service's own change invalidates its cache at once";
    auto day = svc_->Get().value().Day(Ymd(2026, 3, 10));
    EXPECT_EQ(day.source, calendar::DaySource::kException);
    EXPECT_EQ(day.name_vi, "Nghỉ đột xuất");
}

TEST_P(CalendarService, MakeUpSaturdayCounts_X1) {
    auto e = svc_->AddException(actor_, "vn-office", Ymd(2026, 3, 14), DayKind::kWorkingDay, {}, "Làm bù");
    ASSERT_TRUE(e.ok()) << e.error().message;
    EXPECT_EQ(AddHours(*svc_, "2026-03-13T16:00:00+07:00", 2), "2026-03-14T09:00:00+07:00");
    EXPECT_TRUE(svc_->Get().value().IsWorkingTime(At("2026-03-14T14:00:00+07:00"))) << "Monday's hours";
}

TEST_P(CalendarService, ShortenedDay_X1) {
    auto e = svc_->AddException(actor_, "vn-office", Ymd(2026, 3, 13), DayKind::kShortenedDay, {{480, 660}},
                                "Chiều nghỉ sinh hoạt chính trị");
    ASSERT_TRUE(e.ok()) << e.error().message;
    // 10:00–11:00 on the shortened Friday, then 08:00–09:00 on Monday.
    EXPECT_EQ(AddHours(*svc_, "2026-03-13T10:00:00+07:00", 2), "2026-03-16T09:00:00+07:00");
    EXPECT_FALSE(svc_->Get().value().IsWorkingTime(At("2026-03-13T14:00:00+07:00")));
}

TEST_P(CalendarService, RemovingAnExceptionRestoresTheDayAndKeepsHistory_X1_P9) {
    auto e = svc_->AddException(actor_, "vn-office", Ymd(2026, 3, 10), DayKind::kDayOff, {}, "");
    ASSERT_TRUE(e.ok());
    auto again = svc_->AddException(actor_, "vn-office", Ymd(2026, 3, 10), DayKind::kShortenedDay, {{480, 600}}, "");
    ASSERT_FALSE(again.ok());
    EXPECT_EQ(again.error().code, ErrorCode::kConflict) << "one active exception per day";

    clock_.Advance(std::chrono::minutes(5));
    auto removed = svc_->RemoveException(actor_, "vn-office", e->id);
    ASSERT_TRUE(removed.ok()) << removed.error().message;
    EXPECT_EQ(removed->removed_by, "admin");
    EXPECT_EQ(AddHours(*svc_, "2026-03-09T16:00:00+07:00", 2), "2026-03-10T09:00:00+07:00");
    EXPECT_EQ(svc_->RemoveException(actor_, "vn-office", e->id).error().code, ErrorCode::kConflict);
    EXPECT_EQ(svc_->RemoveException(actor_, "vn-office", 999999).error().code, ErrorCode::kNotFound);

    EXPECT_TRUE(svc_->Exceptions("vn-office", ExceptionFilter::kActive).empty());
    auto history = svc_->Exceptions("vn-office", ExceptionFilter::kRemoved);
    ASSERT_EQ(history.size(), 1u) << "removed, never deleted";
    EXPECT_EQ(history[0].removed_at, core::ToMillis(clock_.Now()));
    EXPECT_EQ(Count("calendar_exceptions"), 1);
    // The day can carry a new exception once the old one is removed.
    EXPECT_TRUE(
        svc_->AddException(actor_, "vn-office", Ymd(2026, 3, 10), DayKind::kShortenedDay, {{480, 600}}, "").ok());

    auto add = log_.Find(Db(), {.action_prefix = "calendar.exception.add"});
    ASSERT_EQ(add.size(), 2u);
    auto rm = log_.Find(Db(), {.action_prefix = "calendar.exception.remove"});
    ASSERT_EQ(rm.size(), 1u);
    EXPECT_EQ(rm[0].object_id, std::to_string(e->id));
    EXPECT_NE(rm[0].before_json.find("\"active\":true"), std::string::npos);
    EXPECT_NE(rm[0].after_json.find("\"active\":false"), std::string::npos);
    auto verify = log_.Verify(Db());
    EXPECT_TRUE(verify.ok) << verify.problem;
}

TEST_P(CalendarService, UpdateWeeklyChangesTheHours_X1) {
    calendar::WeeklyHours weekly;
    for (int d = 1; d <= 5; ++d)
        weekly[d] = {{13 * 60 + 30, 17 * 60}, {7 * 60 + 30, 11 * 60 + 30}};  // unsorted on purpose
    auto r = svc_->UpdateWeekly(actor_, "vn-office", "Asia/Ho_Chi_Minh", weekly);
    ASSERT_TRUE(r.ok()) << r.error().message;
    EXPECT_EQ(r->weekly[1], (std::vector<calendar::Interval>{{450, 690}, {810, 1020}})) << "sorted on the way in";
    EXPECT_EQ(AddHours(*svc_, "2026-03-09T11:00:00+07:00", 1), "2026-03-09T14:00:00+07:00");
    auto audit = log_.Find(Db(), {.action_prefix = "calendar.update_weekly"});
    ASSERT_EQ(audit.size(), 1u);
    EXPECT_NE(audit[0].before_json.find("08:00"), std::string::npos);
    EXPECT_NE(audit[0].after_json.find("07:30"), std::string::npos);
}

TEST_P(CalendarService, AddedYearOverridesTheShippedFileAndTheComputedDefault_X1) {
    auto years = svc_->Years();
    ASSERT_EQ(years.size(), 2u);
    EXPECT_EQ(years[0].year, 2025);
    EXPECT_EQ(years[1].origin, calendar::YearOrigin::kShipped);

    // 2027 has no file: Labour Code holidays are computed (1 January is a Friday, off).
    EXPECT_EQ(AddHours(*svc_, "2026-12-31T16:00:00+07:00", 2), "2027-01-04T09:00:00+07:00");
    auto y2027 = svc_->AddYear(actor_, R"({"year": 2027, "source": "Thông báo thử nghiệm",
        "days_off": [{"date": "2027-01-01", "name_vi": "Tết Dương lịch", "name_en": "New Year's Day"},
                     {"date": "2027-03-02", "name_vi": "Ngày nghỉ thử", "name_en": "Test day off"}],
        "working_days": []})");
    ASSERT_TRUE(y2027.ok()) << y2027.error().message;
    EXPECT_FALSE(y2027->replaces_shipped);
    auto cal = svc_->Get().value();
    EXPECT_EQ(cal.Day(Ymd(2027, 3, 2)).kind, DayKind::kDayOff);
    EXPECT_EQ(cal.Day(Ymd(2027, 3, 2)).source, calendar::DaySource::kOfficialSchedule);
    // Merged per holiday: the schedule names no holiday, so computed 30/4/2027 (a Friday) stays off.
    EXPECT_EQ(cal.Day(Ymd(2027, 4, 30)).kind, DayKind::kDayOff);
    EXPECT_EQ(cal.Day(Ymd(2027, 4, 30)).source, calendar::DaySource::kComputedHoliday);

    // A corrected 2026 that settles Giỗ Tổ without the compensatory Monday 27/4 wins over the
    // shipped file...
    std::string corrected = R"({"year": 2026, "source": "Thông báo sửa đổi thử nghiệm",
        "days_off": [{"date": "2026-04-26", "name_vi": "Giỗ Tổ Hùng Vương", "name_en": "Hung Kings",
                      "holiday": "hung_kings"}]})";
    EXPECT_EQ(cal.Day(Ymd(2026, 4, 27)).kind, DayKind::kDayOff);
    auto y2026 = svc_->AddYear(actor_, corrected);
    ASSERT_TRUE(y2026.ok()) << y2026.error().message;
    EXPECT_TRUE(y2026->replaces_shipped);
    EXPECT_EQ(svc_->Get().value().Day(Ymd(2026, 4, 27)).kind, DayKind::kWorkingDay);
    // ...and a newer 2026 wins over the older one, which stays as history.
    clock_.Advance(std::chrono::minutes(1));
    auto newer = svc_->AddYear(actor_, R"({"year": 2026, "source": "Thông báo mới nhất",
        "days_off": [{"date": "2026-04-27", "name_vi": "Nghỉ bù", "name_en": "Compensatory",
                      "holiday": "hung_kings"}]})");
    ASSERT_TRUE(newer.ok()) << newer.error().message;
    EXPECT_EQ(svc_->Get().value().Day(Ymd(2026, 4, 27)).kind, DayKind::kDayOff);
    EXPECT_EQ(svc_->Get().value().Day(Ymd(2026, 4, 26)).source, calendar::DaySource::kWeekly);
    EXPECT_EQ(Count("calendar_years"), 3);

    years = svc_->Years();
    ASSERT_EQ(years.size(), 3u);
    EXPECT_EQ(years[1].year, 2026);
    EXPECT_EQ(years[1].origin, calendar::YearOrigin::kAdministrator);
    EXPECT_EQ(years[1].id, newer->id);
    EXPECT_EQ(years[1].added_by, "admin");
    EXPECT_EQ(years[1].schedule.source, "Thông báo mới nhất");
    EXPECT_EQ(years[2].year, 2027);
    auto audit = log_.Find(Db(), {.action_prefix = "calendar.year.add"});
    ASSERT_EQ(audit.size(), 3u);
    EXPECT_NE(audit[0].before_json.find("Thông báo sửa đổi thử nghiệm"), std::string::npos) << "newest first";
    EXPECT_TRUE(log_.Verify(Db()).ok);
}

// covers X-1: entering an official schedule for a year merges it per holiday, it does not wipe
// out the computed holidays it does not mention.
TEST_P(CalendarService, AYearScheduleReplacesOnlyTheHolidaysItNames_X1) {
    // 2027: the announcement settles Tết only (Thu 4/2 – Wed 10/2, make-up Saturday 30/1).
    const std::string tet_2027 = R"j({"year": 2027, "source": "Thông báo Tết 2027 (thử)",
        "days_off": [{"date": "2027-02-04", "name_vi": "Tết", "name_en": "Tet", "holiday": "tet"},
                     {"date": "2027-02-05", "name_vi": "Tết", "name_en": "Tet", "holiday": "tet"},
                     {"date": "2027-02-08", "name_vi": "Tết", "name_en": "Tet", "holiday": "tet"},
                     {"date": "2027-02-09", "name_vi": "Tết", "name_en": "Tet", "holiday": "tet"},
                     {"date": "2027-02-10", "name_vi": "Tết", "name_en": "Tet", "holiday": "tet"}],
        "working_days": [{"date": "2027-01-30", "note_vi": "Làm bù", "note_en": "Make-up", "holiday": "tet"}]})j";
    auto before = svc_->Get().value();
    // Computed Tết Đinh Mùi: Fri 5/2 (eve) – Tue 9/2, with Saturday 6/2 and Sunday 7/2 compensated
    // on Wed 10/2 and Thu 11/2.
    EXPECT_EQ(before.Day(Ymd(2027, 2, 11)).kind, DayKind::kDayOff);
    ASSERT_TRUE(svc_->AddYear(actor_, tet_2027).ok());
    auto cal = svc_->Get().value();
    EXPECT_EQ(cal.Day(Ymd(2027, 2, 4)).kind, DayKind::kDayOff);
    EXPECT_EQ(cal.Day(Ymd(2027, 2, 4)).source, calendar::DaySource::kOfficialSchedule);
    EXPECT_EQ(cal.Day(Ymd(2027, 2, 11)).kind, DayKind::kWorkingDay) << "computed Tết compensatory day replaced";
    EXPECT_EQ(cal.Day(Ymd(2027, 1, 30)).kind, DayKind::kWorkingDay);
    // Everything the schedule does not name is still the Labour Code's.
    for (auto d : {Ymd(2027, 1, 1), Ymd(2027, 4, 16), Ymd(2027, 4, 30), Ymd(2027, 5, 3), Ymd(2027, 9, 2)}) {
        EXPECT_EQ(cal.Day(d).kind, DayKind::kDayOff) << calendar::FormatIsoDate(d);
        EXPECT_EQ(cal.Day(d).source, calendar::DaySource::kComputedHoliday) << calendar::FormatIsoDate(d);
    }
    // New Year's Day 2027 is a Friday: 2 working hours from Thursday 31/12/2026 16:00 end on Monday.
    EXPECT_EQ(AddHours(*svc_, "2026-12-31T16:00:00+07:00", 2), "2027-01-04T09:00:00+07:00");
}

// covers X-1: the administrator sees the year as it will be before saving; nothing changes.
TEST_P(CalendarService, PreviewShowsTheMergedYearAndChangesNothing_X1) {
    const std::string json = R"({"year": 2027, "source": "Thông báo thử",
        "days_off": [{"date": "2027-02-04", "name_vi": "Tết", "name_en": "Tet", "holiday": "tet"},
                     {"date": "2027-03-08", "name_vi": "Nghỉ thêm", "name_en": "Extra day off"}]})";
    const std::string before = Snapshot();
    auto p = svc_->PreviewYear(json);
    ASSERT_TRUE(p.ok()) << p.error().message;
    EXPECT_EQ(Snapshot(), before) << "no row, no audit record, no version bump";
    EXPECT_FALSE(p->current.has_value()) << "2027 has no schedule yet";
    std::map<std::string, std::string> origin;  // date -> origin (the replaced day first, then the official one)
    for (const auto& d : p->days) {
        auto& o = origin[calendar::FormatIsoDate(d.date)];
        o += (o.empty() ? "" : "+") + std::string(calendar::MergedOriginName(d.origin));
    }
    EXPECT_EQ(origin["2027-02-04"], "official");
    EXPECT_EQ(origin["2027-02-05"], "replaced") << "computed Tết eve";
    EXPECT_EQ(origin["2027-03-08"], "official") << "an extra day off";
    EXPECT_EQ(origin["2027-04-30"], "computed");
    EXPECT_EQ(origin["2027-01-01"], "computed");
    // The calendar in force is still computed-only for 2027.
    EXPECT_EQ(svc_->Get().value().Day(Ymd(2027, 2, 5)).source, calendar::DaySource::kComputedHoliday);
    EXPECT_EQ(svc_->Get().value().Day(Ymd(2027, 3, 8)).kind, DayKind::kWorkingDay);

    // For a year that has a schedule, the preview names the one it would replace.
    auto p2026 = svc_->PreviewYear(R"({"year": 2026, "source": "Sửa đổi", "days_off": []})");
    ASSERT_TRUE(p2026.ok()) << p2026.error().message;
    ASSERT_TRUE(p2026->current.has_value());
    EXPECT_EQ(p2026->current->origin, calendar::YearOrigin::kShipped);
    auto body = calendar::ToJson(*p2026);
    EXPECT_EQ(body.at("replaces").as_object().at("origin").as_string(), "shipped");
    EXPECT_EQ(body.at("replaced").to_number<std::int64_t>(), 0) << "an empty schedule keeps every computed holiday";

    // The same refusals as saving, still without a change.
    for (const char* bad :
         {"{", R"({"year": 2027})", R"({"year": 2027, "source": "x", "days_off": [{"date": "2028-01-01",
        "name_vi": "a", "name_en": "b"}]})"}) {
        auto r = svc_->PreviewYear(bad);
        ASSERT_FALSE(r.ok()) << bad;
        EXPECT_EQ(r.error().code, ErrorCode::kInvalidInput);
    }
    auto saved = svc_->AddYear(actor_, json);
    ASSERT_TRUE(saved.ok());
    EXPECT_EQ(svc_->Get().value().Day(Ymd(2027, 3, 8)).kind, DayKind::kDayOff) << "saving applies what was previewed";
    EXPECT_EQ(svc_->Get().value().Day(Ymd(2027, 4, 30)).kind, DayKind::kDayOff);
}

TEST_P(CalendarService, InvalidInputChangesNothing_X1) {
    ASSERT_TRUE(svc_->AddException(actor_, "vn-office", Ymd(2026, 3, 14), DayKind::kWorkingDay, {}, "").ok());
    const std::string before = Snapshot();
    const auto office = calendar::DefaultVietnamOffice().weekly;
    auto expect = [&](const auto& result, ErrorCode code, std::string_view what) {
        ASSERT_FALSE(result.ok()) << what;
        EXPECT_EQ(result.error().code, code) << what << ": " << result.error().message;
        EXPECT_FALSE(result.error().message.key.empty()) << what;
    };
    // Weekly hours and zones.
    expect(svc_->UpdateWeekly(actor_, "vn-office", "Asia/Hanoi_Typo", office), ErrorCode::kInvalidInput, "zone");
    expect(svc_->UpdateWeekly(actor_, "vn-office", "", office), ErrorCode::kInvalidInput, "no zone");
    auto overlapping = office;
    overlapping[2] = {{480, 720}, {700, 1000}};
    expect(svc_->UpdateWeekly(actor_, "vn-office", "Asia/Ho_Chi_Minh", overlapping), ErrorCode::kInvalidInput,
           "overlap");
    auto outside = office;
    outside[3] = {{1300, 1500}};
    expect(svc_->UpdateWeekly(actor_, "vn-office", "Asia/Ho_Chi_Minh", outside), ErrorCode::kInvalidInput,
           "after 24:00");
    auto backwards = office;
    backwards[4] = {{720, 480}};
    expect(svc_->UpdateWeekly(actor_, "vn-office", "Asia/Ho_Chi_Minh", backwards), ErrorCode::kInvalidInput,
           "end first");
    expect(svc_->UpdateWeekly(actor_, "vn-office", "Asia/Ho_Chi_Minh", {}), ErrorCode::kInvalidInput,
           "no hours at all");
    auto no_monday = office;
    no_monday[1].clear();
    expect(svc_->UpdateWeekly(actor_, "vn-office", "Asia/Ho_Chi_Minh", no_monday), ErrorCode::kInvalidInput,
           "the make-up Saturday and the shipped make-up days need Monday's hours");
    expect(svc_->UpdateWeekly(actor_, "nope", "Asia/Ho_Chi_Minh", office), ErrorCode::kNotFound, "unknown calendar");
    // Exceptions.
    expect(svc_->AddException(actor_, "vn-office", Ymd(2026, 3, 10), DayKind::kDayOff, {{480, 600}}, ""),
           ErrorCode::kInvalidInput, "day off with hours");
    expect(svc_->AddException(actor_, "vn-office", Ymd(2026, 3, 10), DayKind::kShortenedDay, {}, ""),
           ErrorCode::kInvalidInput, "shortened without hours");
    expect(svc_->AddException(actor_, "vn-office", Ymd(2026, 3, 10), DayKind::kShortenedDay, {{600, 500}}, ""),
           ErrorCode::kInvalidInput, "backwards hours");
    expect(svc_->AddException(actor_, "vn-office", Ymd(2026, 2, 30), DayKind::kDayOff, {}, ""),
           ErrorCode::kInvalidInput, "no such date");
    expect(svc_->AddException(actor_, "vn-office", Ymd(2026, 3, 10), DayKind::kDayOff, {}, std::string(501, 'x')),
           ErrorCode::kInvalidInput, "note too long");
    expect(svc_->AddException(actor_, "vn-office", Ymd(2026, 3, 14), DayKind::kDayOff, {}, ""), ErrorCode::kConflict,
           "the day already has an exception");
    expect(svc_->AddException(actor_, "nope", Ymd(2026, 3, 10), DayKind::kDayOff, {}, ""), ErrorCode::kNotFound,
           "unknown calendar");
    // Year schedules.
    expect(svc_->AddYear(actor_, "{not json"), ErrorCode::kInvalidInput, "malformed");
    expect(
        svc_->AddYear(
            actor_,
            R"({"year": 2027, "source": "x", "days_off": [{"date": "2028-01-01", "name_vi": "a", "name_en": "b"}]})"),
        ErrorCode::kInvalidInput, "a date outside its year");
    expect(svc_->AddYear(actor_, R"({"year": 2027, "days_off": []})"), ErrorCode::kInvalidInput, "no source");
    expect(svc_->AddYear(actor_, R"({"year": 2027, "source": "x", "holidays": []})"), ErrorCode::kInvalidInput, "typo");
    // Calendars.
    expect(svc_->Create(actor_, "Bad Code", "Lịch", "Asia/Ho_Chi_Minh", office), ErrorCode::kInvalidInput, "code");
    expect(svc_->Create(actor_, "vn-office", "Lịch", "Asia/Ho_Chi_Minh", office), ErrorCode::kConflict, "duplicate");
    expect(svc_->Create(actor_, "other", "", "Asia/Ho_Chi_Minh", office), ErrorCode::kInvalidInput, "no name");

    EXPECT_EQ(Snapshot(), before);
    EXPECT_TRUE(svc_->Create(actor_, "bangkok", "Văn phòng Bangkok", "Asia/Bangkok", office).ok());
}

TEST_P(CalendarService, AnotherNodesChangeIsSeenWithinASecond_X1) {
    auto node_b = MakeService();
    EXPECT_EQ(AddHours(*node_b, "2026-03-09T16:00:00+07:00", 2), "2026-03-10T09:00:00+07:00");
    ASSERT_TRUE(svc_->AddException(actor_, "vn-office", Ymd(2026, 3, 10), DayKind::kDayOff, {}, "").ok());
    EXPECT_EQ(AddHours(*svc_, "2026-03-09T16:00:00+07:00", 2), "2026-03-11T09:00:00+07:00");
    // Node B checked the version a moment ago: it may serve its cached calendar for up to a second.
    EXPECT_EQ(AddHours(*node_b, "2026-03-09T16:00:00+07:00", 2), "2026-03-10T09:00:00+07:00");
    clock_.Advance(std::chrono::milliseconds(1000));
    EXPECT_EQ(AddHours(*node_b, "2026-03-09T16:00:00+07:00", 2), "2026-03-11T09:00:00+07:00");

    // The same for a schedule added on node B.
    ASSERT_TRUE(node_b->AddYear(actor_, R"({"year": 2026, "source": "Thử", "days_off": []})").ok());
    clock_.Advance(std::chrono::milliseconds(1000));
    EXPECT_EQ(svc_->Get().value().Day(Ymd(2026, 8, 31)).kind, DayKind::kWorkingDay)
        << "Monday; the file's swapped day no longer applies";
}

VP_INSTANTIATE_DB_TEST(CalendarService);

}  // namespace
}  // namespace vp
