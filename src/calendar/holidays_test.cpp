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
        EXPECT_FALSE(schedule.error().message.key.empty());
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
    EXPECT_NE(core::Text(schedules.error().message, "vi").find("2027.json"), std::string::npos);
}

TEST_F(ScheduleDir, InvalidFileIsNamed_X1) {
    Write("2026.json", "{");
    auto schedules = TryLoadYearSchedules(dir_);
    ASSERT_FALSE(schedules.ok());
    EXPECT_EQ(schedules.error().code, core::ErrorCode::kInvalidInput);
    EXPECT_NE(core::Text(schedules.error().message, "vi").find("2026.json"), std::string::npos);
}

TEST(YearSchedule, MissingDirectoryIsNotFound_X1) {
    auto schedules = TryLoadYearSchedules("/nonexistent/vp/calendar");
    ASSERT_FALSE(schedules.ok());
    EXPECT_EQ(schedules.error().code, core::ErrorCode::kNotFound);
}

// --- MergeYear: computed holidays + an official schedule, holiday by holiday ---

namespace merge {

std::vector<std::string> InForce(const std::vector<MergedDay>& days) {
    std::vector<std::string> out;
    for (const auto& d : days) {
        if (d.origin != MergedOrigin::kReplaced) out.push_back(FormatIsoDate(d.date) + (d.working_day ? " work" : ""));
    }
    return out;
}

std::vector<std::string> WithOrigin(const std::vector<MergedDay>& days, MergedOrigin origin) {
    std::vector<std::string> out;
    for (const auto& d : days) {
        if (d.origin == origin) out.push_back(FormatIsoDate(d.date));
    }
    return out;
}

}  // namespace merge

// covers X-1 (the government's yearly adjustments settle one holiday at a time)
TEST(MergeYear, AnEntryReplacesOnlyTheHolidayItNames_X1) {
    // 2027: the Prime Minister decides Tết only (say 4–10/2 off with a make-up Saturday 30/1);
    // New Year, Giỗ Tổ, 30/4, 1/5 and National Day stay as the Labour Code computes them.
    YearSchedule tet_only{.year = 2027, .source = "Thông báo thử"};
    for (unsigned d = 4; d <= 10; ++d) {
        if (d == 6 || d == 7) continue;  // Saturday and Sunday of the break are not listed
        tet_only.days_off.push_back({.date = Ymd(2027, 2, d), .name_vi = "Tết", .name_en = "Tết", .holiday = "tet"});
    }
    tet_only.working_days.push_back({.date = Ymd(2027, 1, 30), .note_vi = "Làm bù", .note_en = "", .holiday = "tet"});
    const auto computed = ComputedHolidays(2027);
    const auto merged = MergeYear(computed, tet_only);

    // Every computed Tết day (5 days and their compensatory days) is replaced, nothing else.
    std::vector<std::string> computed_tet;
    for (const auto& h : computed) {
        if (h.holiday == "tet") computed_tet.push_back(FormatIsoDate(h.date));
    }
    ASSERT_FALSE(computed_tet.empty());
    EXPECT_EQ(merge::WithOrigin(merged, MergedOrigin::kReplaced), computed_tet);
    EXPECT_EQ(merge::WithOrigin(merged, MergedOrigin::kOfficial),
              (Strings{"2027-01-30", "2027-02-04", "2027-02-05", "2027-02-08", "2027-02-09", "2027-02-10"}));
    for (const char* kept :
         {"2027-01-01", "2027-04-16", "2027-04-30", "2027-05-01", "2027-05-03", "2027-09-01", "2027-09-02"}) {
        const auto in_force = merge::InForce(merged);
        EXPECT_NE(std::find(in_force.begin(), in_force.end(), kept), in_force.end()) << kept << " stays computed";
    }
    EXPECT_EQ(merged.size(), computed.size() + 6) << "nothing lost, nothing invented";
}

TEST(MergeYear, EntriesWithoutAKnownHolidayAreExtraDays_X1) {
    // A one-off day off (no key), one with a key the code does not know (e.g. a future holiday such
    // as 24/11, Ngày Văn hóa Việt Nam), and a make-up working day of its own: all added, every
    // computed holiday kept.
    YearSchedule extras{.year = 2026, .source = "Thông báo thử"};
    extras.days_off.push_back({.date = Ymd(2026, 3, 9), .name_vi = "Nghỉ thử", .name_en = "Test"});
    extras.days_off.push_back({.date = Ymd(2026, 11, 24),
                               .name_vi = "Ngày Văn hóa Việt Nam",
                               .name_en = "Culture Day",
                               .holiday = "culture_day"});
    extras.working_days.push_back({.date = Ymd(2026, 3, 14), .note_vi = "Làm bù", .note_en = "Make-up"});
    const auto merged = MergeYear(ComputedHolidays(2026), extras);
    EXPECT_TRUE(merge::WithOrigin(merged, MergedOrigin::kReplaced).empty());
    EXPECT_EQ(merge::WithOrigin(merged, MergedOrigin::kComputed), Dates(ComputedHolidays(2026)));
    EXPECT_EQ(merge::WithOrigin(merged, MergedOrigin::kOfficial), (Strings{"2026-03-09", "2026-03-14", "2026-11-24"}));
    const auto saturday = std::find_if(merged.begin(), merged.end(), [](const MergedDay& d) { return d.working_day; });
    ASSERT_NE(saturday, merged.end());
    EXPECT_EQ(saturday->date, Ymd(2026, 3, 14));
}

TEST(MergeYear, AnOfficialEntryOnAComputedDateDecidesThatDate_X1) {
    // Without a key, an entry on 30/4 still says what 30/4 is: the computed day gives way on that
    // date only (1/5 stays computed). The replaced day sorts before the official one.
    YearSchedule s{.year = 2026, .source = "x"};
    s.days_off.push_back(
        {.date = Ymd(2026, 4, 30), .name_vi = "Chiến thắng (theo thông báo)", .name_en = "Reunification"});
    const auto merged = MergeYear(ComputedHolidays(2026), s);
    EXPECT_EQ(merge::WithOrigin(merged, MergedOrigin::kReplaced), (Strings{"2026-04-30"}));
    const auto it =
        std::find_if(merged.begin(), merged.end(), [](const MergedDay& d) { return d.date == Ymd(2026, 4, 30); });
    ASSERT_NE(it, merged.end());
    EXPECT_EQ(it->origin, MergedOrigin::kReplaced);
    EXPECT_EQ((it + 1)->origin, MergedOrigin::kOfficial);
    EXPECT_EQ((it + 1)->name_vi, "Chiến thắng (theo thông báo)");
}

TEST(MergeYear, ShippedFilesNameEveryHolidaySoTheyAreTheirYearExactly_X1) {
    // 2025 and 2026 settle every holiday: the merge changes nothing, the computed Tết of 2025
    // (28/1–1/2 and Monday 3/2) is replaced by the official 27–31/1.
    auto schedules = TryLoadYearSchedules(RepoScheduleDir());
    ASSERT_TRUE(schedules.ok()) << schedules.error().message;
    for (int year : {2025, 2026}) {
        const YearSchedule* s = FindYear(*schedules, year);
        ASSERT_NE(s, nullptr);
        const auto merged = MergeYear(ComputedHolidays(year), *s);
        EXPECT_TRUE(merge::WithOrigin(merged, MergedOrigin::kComputed).empty()) << year;
        EXPECT_EQ(merge::WithOrigin(merged, MergedOrigin::kOfficial).size(),
                  s->days_off.size() + s->working_days.size());
        for (const auto& h : s->days_off) EXPECT_TRUE(IsKnownHolidayKey(h.holiday)) << FormatIsoDate(h.date);
    }
}

TEST(YearSchedule, HolidayKeysAreParsedAndChecked_X1) {
    auto ok = TryParseYearSchedule(R"({"year": 2027, "source": "x",
        "days_off": [{"date": "2027-02-05", "name_vi": "Tết", "name_en": "Tet", "holiday": "tet"}],
        "working_days": [{"date": "2027-01-30", "holiday": "tet"}]})");
    ASSERT_TRUE(ok.ok()) << ok.error().message;
    EXPECT_EQ(ok->days_off[0].holiday, "tet");
    EXPECT_EQ(ok->working_days[0].holiday, "tet");
    for (const char* bad : {R"("holiday": "Tết")", R"("holiday": "")", R"("holiday": 1)"}) {
        const std::string json = std::string(R"({"year": 2027, "source": "x", "days_off": [{"date": "2027-02-05",
            "name_vi": "Tết", "name_en": "Tet", )") +
                                 bad + "}]}";
        EXPECT_FALSE(TryParseYearSchedule(json).ok()) << bad;
    }
    for (const auto& h : ComputedHolidays(2027)) EXPECT_TRUE(IsKnownHolidayKey(h.holiday)) << FormatIsoDate(h.date);
}

}  // namespace
}  // namespace vp::calendar
