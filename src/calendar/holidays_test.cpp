// covers X-1: public holidays (Labour Code 2019 Art. 111–112) and the official yearly schedules.
//
// Expected dates are derived by hand from the law and cross-checked with published schedules:
// officeholidays.com/countries/vietnam/2022 (compensatory Mondays/Tuesday of 2022), the 2024
// National Day announcement (31/8–3/9/2024), Thông báo 6150/TB-BLĐTBXH (2025), Thông báo
// 9441/TB-BNV and văn bản 12729/VPCP-KGVX (2026).

#include "calendar/holidays.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <fstream>

#include "calendar/iso_time.hpp"

namespace vp::calendar {
namespace {

using std::chrono::year_month_day;

constexpr year_month_day Ymd(int y, unsigned m, unsigned d) {
    return year_month_day{std::chrono::year{y}, std::chrono::month{m}, std::chrono::day{d}};
}

std::vector<std::string> Dates(const std::vector<Holiday>& holidays) {
    std::vector<std::string> out;
    for (const Holiday& h : holidays) out.push_back(FormatIsoDate(h.date));
    return out;
}

std::vector<std::string> CompensatoryDates(const std::vector<Holiday>& holidays) {
    std::vector<std::string> out;
    for (const Holiday& h : holidays) {
        if (h.compensatory) out.push_back(FormatIsoDate(h.date));
    }
    return out;
}

using Strings = std::vector<std::string>;

TEST(ComputedHolidays, Year2026_X1) {
    // Giỗ Tổ falls on Sunday 26/4 -> Monday 27/4 off (as announced in the press, thanhnien.vn).
    EXPECT_EQ(Dates(ComputedHolidays(2026)),
              (Strings{"2026-01-01", "2026-02-16", "2026-02-17", "2026-02-18", "2026-02-19", "2026-02-20", "2026-04-26",
                       "2026-04-27", "2026-04-30", "2026-05-01", "2026-09-01", "2026-09-02"}));
    EXPECT_EQ(CompensatoryDates(ComputedHolidays(2026)), (Strings{"2026-04-27"}));
}

TEST(ComputedHolidays, WeekendHolidaysGiveNextWorkingDays2022_X1) {
    // 1/1 Saturday -> Monday 3/1; Giỗ Tổ Sunday 10/4 -> Monday 11/4; 30/4 Saturday and 1/5 Sunday
    // -> Monday 2/5 and Tuesday 3/5. Tết Nhâm Dần is Tuesday 1/2, its eve Monday 31/1.
    const auto holidays = ComputedHolidays(2022);
    EXPECT_EQ(Dates(holidays), (Strings{"2022-01-01", "2022-01-03", "2022-01-31", "2022-02-01", "2022-02-02",
                                        "2022-02-03", "2022-02-04", "2022-04-10", "2022-04-11", "2022-04-30",
                                        "2022-05-01", "2022-05-02", "2022-05-03", "2022-09-01", "2022-09-02"}));
    EXPECT_EQ(CompensatoryDates(holidays), (Strings{"2022-01-03", "2022-04-11", "2022-05-02", "2022-05-03"}));
}

TEST(ComputedHolidays, WeekendInsideTetCompensatedAfterTheBlock_X1) {
    // Tết Giáp Thìn is Saturday 10/2/2024: the five days are Fri 9 – Tue 13, and Saturday and Sunday
    // give Wednesday 14 and Thursday 15.
    const auto holidays = ComputedHolidays(2024);
    const auto dates = Dates(holidays);
    for (const char* d : {"2024-02-09", "2024-02-10", "2024-02-11", "2024-02-12", "2024-02-13"}) {
        EXPECT_NE(std::find(dates.begin(), dates.end(), d), dates.end()) << d;
    }
    // 2024: 1/9 is Sunday and 2/9 Monday -> Tuesday 3/9 (the official 31/8–3/9/2024 break).
    EXPECT_EQ(CompensatoryDates(holidays), (Strings{"2024-02-14", "2024-02-15", "2024-09-03"}));
}

TEST(ComputedHolidays, Year2025DiffersFromOfficialSchedule_X1) {
    // The law's default (eve + 4 days) gives 28/1–1/2 with Saturday 1/2 compensated on Monday 3/2;
    // the Prime Minister chose 27–31/1 instead. This is why schedule files override.
    const auto holidays = ComputedHolidays(2025);
    EXPECT_EQ(Dates(holidays),
              (Strings{"2025-01-01", "2025-01-28", "2025-01-29", "2025-01-30", "2025-01-31", "2025-02-01", "2025-02-03",
                       "2025-04-07", "2025-04-30", "2025-05-01", "2025-09-01", "2025-09-02"}));
}

TEST(ComputedHolidays, NationalDayOnSunday_X1) {
    // 2029: 1/9 Saturday, 2/9 Sunday -> Monday 3/9 and Tuesday 4/9.
    EXPECT_EQ(CompensatoryDates(ComputedHolidays(2029)), (Strings{"2029-09-03", "2029-09-04"}));
}

TEST(ComputedHolidays, NamesInBothLanguages_X1) {
    for (const Holiday& h : ComputedHolidays(2026)) {
        EXPECT_FALSE(h.name_vi.empty());
        EXPECT_FALSE(h.name_en.empty());
    }
    EXPECT_EQ(ComputedHolidays(2026).front().name_vi, "Tết Dương lịch");
}

constexpr const char* kValidSchedule = R"({
  "year": 2026, "source": "Thông báo thử",
  "days_off": [{"date": "2026-01-01", "name_vi": "Tết Dương lịch", "name_en": "New Year's Day"},
               {"date": "2026-01-02", "name_vi": "Nghỉ hoán đổi", "name_en": "Swapped day", "compensatory": false}],
  "working_days": [{"date": "2026-01-10", "note_vi": "Làm bù", "note_en": "Make-up day"}]
})";

TEST(YearSchedule, ParsesValidFile_X1) {
    auto schedule = TryParseYearSchedule(kValidSchedule);
    ASSERT_TRUE(schedule.ok()) << schedule.error().message;
    EXPECT_EQ(schedule->year, 2026);
    EXPECT_EQ(schedule->source, "Thông báo thử");
    ASSERT_EQ(schedule->days_off.size(), 2u);
    EXPECT_EQ(schedule->days_off[1].date, Ymd(2026, 1, 2));
    EXPECT_EQ(schedule->days_off[1].name_en, "Swapped day");
    ASSERT_EQ(schedule->working_days.size(), 1u);
    EXPECT_EQ(schedule->working_days[0].date, Ymd(2026, 1, 10));
    EXPECT_EQ(schedule->working_days[0].note_vi, "Làm bù");
}

TEST(YearSchedule, RejectsInvalidFiles_X1) {
    const char* bad[] = {
        "not json",
        "[]",
        R"({"source": "x"})",                               // no year
        R"({"year": 2026})",                                // no source
        R"({"year": 2026, "source": "x", "day_off": []})",  // typo'd key
        R"({"year": 2026, "source": "x", "days_off": [{"date": "2026-1-1", "name_vi": "a", "name_en": "b"}]})",
        R"({"year": 2026, "source": "x", "days_off": [{"date": "2026-02-30", "name_vi": "a", "name_en": "b"}]})",
        R"({"year": 2026, "source": "x", "days_off": [{"date": "2025-12-31", "name_vi": "a", "name_en": "b"}]})",
        R"({"year": 2026, "source": "x", "days_off": [{"date": "2026-01-01", "name_en": "b"}]})",
        R"({"year": 2026, "source": "x", "days_off": [{"date": "2026-01-01", "name_vi": "a", "name_en": "b"},
                                                      {"date": "2026-01-01", "name_vi": "a", "name_en": "b"}]})",
        R"({"year": 2026, "source": "x", "days_off": [{"date": "2026-01-10", "name_vi": "a", "name_en": "b"}],
            "working_days": [{"date": "2026-01-10"}]})",  // off and working
        R"({"year": 2026, "source": "x", "days_off": {}})",
        R"({"year": 3000, "source": "x"})",
    };
    for (const char* json : bad) {
        SCOPED_TRACE(json);
        auto schedule = TryParseYearSchedule(json);
        ASSERT_FALSE(schedule.ok());
        EXPECT_EQ(schedule.error().code, core::ErrorCode::kInvalidInput);
        EXPECT_FALSE(schedule.error().message.empty());
    }
}

std::filesystem::path RepoScheduleDir() { return std::filesystem::path(VP_SOURCE_DIR) / "data/calendar/vn"; }

const YearSchedule* FindYear(const std::vector<YearSchedule>& schedules, int year) {
    for (const auto& s : schedules) {
        if (s.year == year) return &s;
    }
    return nullptr;
}

TEST(YearSchedule, RepositoryFiles2025And2026_X1) {
    auto schedules = TryLoadYearSchedules(RepoScheduleDir());
    ASSERT_TRUE(schedules.ok()) << schedules.error().message;

    const YearSchedule* y2025 = FindYear(*schedules, 2025);
    ASSERT_NE(y2025, nullptr);
    // Thông báo 6150/TB-BLĐTBXH: Tết 27–31/1 (plus weekends 25–26/1 and 1–2/2, not listed);
    // Friday 2/5 swapped with Saturday 26/4; National Day 1–2/9.
    std::vector<Holiday> off = y2025->days_off;
    EXPECT_EQ(Dates(off),
              (Strings{"2025-01-01", "2025-01-27", "2025-01-28", "2025-01-29", "2025-01-30", "2025-01-31", "2025-04-07",
                       "2025-04-30", "2025-05-01", "2025-05-02", "2025-09-01", "2025-09-02"}));
    ASSERT_EQ(y2025->working_days.size(), 1u);
    EXPECT_EQ(y2025->working_days[0].date, Ymd(2025, 4, 26));

    const YearSchedule* y2026 = FindYear(*schedules, 2026);
    ASSERT_NE(y2026, nullptr);
    // 12729/VPCP-KGVX: Friday 2/1 swapped with Saturday 10/1. 9441/TB-BNV: Tết 16–20/2; Monday
    // 31/8 swapped with Saturday 22/8. Giỗ Tổ Sunday 26/4 -> Monday 27/4.
    EXPECT_EQ(Dates(y2026->days_off), (Strings{"2026-01-01", "2026-01-02", "2026-02-16", "2026-02-17", "2026-02-18",
                                               "2026-02-19", "2026-02-20", "2026-04-26", "2026-04-27", "2026-04-30",
                                               "2026-05-01", "2026-08-31", "2026-09-01", "2026-09-02"}));
    ASSERT_EQ(y2026->working_days.size(), 2u);
    EXPECT_EQ(y2026->working_days[0].date, Ymd(2026, 1, 10));
    EXPECT_EQ(y2026->working_days[1].date, Ymd(2026, 8, 22));

    // Every make-up day is a Saturday, every swapped day a weekday.
    for (const YearSchedule* s : {y2025, y2026}) {
        for (const auto& w : s->working_days) {
            EXPECT_EQ(std::chrono::weekday{std::chrono::sys_days{w.date}}, std::chrono::Saturday)
                << FormatIsoDate(w.date);
        }
    }
}

class ScheduleDir : public ::testing::Test {
protected:
    void SetUp() override {
        dir_ =
            std::filesystem::temp_directory_path() / ("vp_calendar_test_" + std::to_string(::getpid()) + "_" +
                                                      ::testing::UnitTest::GetInstance()->current_test_info()->name());
        std::filesystem::create_directories(dir_);
    }
    void TearDown() override { std::filesystem::remove_all(dir_); }
    void Write(const std::string& name, const std::string& content) { std::ofstream(dir_ / name) << content; }

    std::filesystem::path dir_;
};

TEST_F(ScheduleDir, IgnoresOtherFilesAndSortsByYear_X1) {
    Write("2027.json", R"({"year": 2027, "source": "b"})");
    Write("2026.json", R"({"year": 2026, "source": "a"})");
    Write("README.md", "not a schedule");
    Write("notes.json", "{}");
    auto schedules = TryLoadYearSchedules(dir_);
    ASSERT_TRUE(schedules.ok()) << schedules.error().message;
    ASSERT_EQ(schedules->size(), 2u);
    EXPECT_EQ((*schedules)[0].year, 2026);
    EXPECT_EQ((*schedules)[1].year, 2027);
}

TEST_F(ScheduleDir, FileNameMustMatchYear_X1) {
    Write("2027.json", R"({"year": 2026, "source": "a"})");
    auto schedules = TryLoadYearSchedules(dir_);
    ASSERT_FALSE(schedules.ok());
    EXPECT_NE(schedules.error().message.find("2027.json"), std::string::npos);
}

TEST_F(ScheduleDir, InvalidFileIsNamed_X1) {
    Write("2026.json", "{");
    auto schedules = TryLoadYearSchedules(dir_);
    ASSERT_FALSE(schedules.ok());
    EXPECT_EQ(schedules.error().code, core::ErrorCode::kInvalidInput);
    EXPECT_NE(schedules.error().message.find("2026.json"), std::string::npos);
}

TEST(YearSchedule, MissingDirectoryIsNotFound_X1) {
    auto schedules = TryLoadYearSchedules("/nonexistent/vp/calendar");
    ASSERT_FALSE(schedules.ok());
    EXPECT_EQ(schedules.error().code, core::ErrorCode::kNotFound);
}

}  // namespace
}  // namespace vp::calendar
