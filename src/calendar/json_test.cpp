// covers X-1: the JSON and text forms in which calendars are stored, audited and exchanged.
#include "calendar/json.hpp"

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "calendar/iso_time.hpp"

namespace vp::calendar {
namespace {

namespace json = boost::json;

TEST(CalendarJson, MinutesReadAndWrite_X1) {
    EXPECT_EQ(ParseMinute("08:00"), 480);
    EXPECT_EQ(ParseMinute("8:30"), 510);
    EXPECT_EQ(ParseMinute("24:00"), 1440);
    EXPECT_EQ(ParseMinute("24:01"), std::nullopt);
    EXPECT_EQ(ParseMinute("12:60"), std::nullopt);
    EXPECT_EQ(ParseMinute("1200"), std::nullopt);
    EXPECT_EQ(ParseMinute(""), std::nullopt);
    EXPECT_EQ(FormatMinute(1440), "24:00");
    EXPECT_EQ(FormatMinute(5), "00:05");
}

TEST(CalendarJson, HoursFromFormText_X1) {
    auto h = TryParseHoursText(" 08:00-12:00, 13:00 – 16:30 ");
    ASSERT_TRUE(h.ok()) << h.error().message;
    EXPECT_EQ(h.value(), (std::vector<Interval>{{480, 720}, {780, 990}}));
    EXPECT_TRUE(TryParseHoursText("").value().empty()) << "no hours: a day off or Monday's hours";
    EXPECT_FALSE(TryParseHoursText("08:00").ok());
    EXPECT_FALSE(TryParseHoursText("8h-12h").ok());
    EXPECT_EQ(HoursText(h.value()), "08:00–12:00, 13:00–16:30");
}

TEST(CalendarJson, WeeklyRoundTrip_X1) {
    const WeeklyHours office = DefaultVietnamOffice().weekly;
    const json::object j = WeeklyToJson(office);
    EXPECT_EQ(json::serialize(j.at("mon")), R"([{"start":"08:00","end":"12:00"},{"start":"13:00","end":"17:00"}])");
    EXPECT_TRUE(j.at("sun").as_array().empty());
    auto back = TryParseWeekly(j);
    ASSERT_TRUE(back.ok()) << back.error().message;
    EXPECT_EQ(back.value(), office);

    EXPECT_FALSE(TryParseWeekly(json::parse(R"({"monday": []})")).ok()) << "unknown keys are typos";
    EXPECT_FALSE(TryParseWeekly(json::parse(R"({"mon": [{"start": "08:00"}]})")).ok());
    EXPECT_FALSE(TryParseWeekly(json::parse(R"({"mon": [{"start": "08:00", "end": "12:00", "x": 1}]})")).ok());
    EXPECT_FALSE(TryParseWeekly(json::parse(R"([])")).ok());
    auto only_saturday = TryParseWeekly(json::parse(R"({"sat": [{"start": "07:00", "end": "11:00"}]})"));
    ASSERT_TRUE(only_saturday.ok());
    EXPECT_EQ(only_saturday.value()[6], (std::vector<Interval>{{420, 660}}));
}

TEST(CalendarJson, DayKindNames_X1) {
    for (DayKind k : {DayKind::kDayOff, DayKind::kWorkingDay, DayKind::kShortenedDay}) {
        EXPECT_EQ(ParseDayKind(DayKindName(k)), k);
    }
    EXPECT_EQ(ParseDayKind("holiday"), std::nullopt);
}

TEST(CalendarJson, ScheduleRoundTripsThroughTheFileFormat_X1) {
    YearSchedule s{
        .year = 2027,
        .source = "Thông báo thử",
        .days_off = {{.date = std::chrono::year{2027} / 1 / 1, .name_vi = "Tết Dương lịch", .name_en = "New Year"}},
        .working_days = {{.date = std::chrono::year{2027} / 1 / 9, .note_vi = "Làm bù", .note_en = "Make-up"}}};
    auto back = TryParseYearSchedule(json::serialize(ToJson(s)));
    ASSERT_TRUE(back.ok()) << back.error().message;
    EXPECT_EQ(back->days_off, s.days_off);
    EXPECT_EQ(back->working_days, s.working_days);
}

TEST(CalendarJson, InstantsTypedByPeople_X1) {
    const auto expected = TryParseIso("2026-02-23T11:00:00+07:00").value();
    EXPECT_EQ(TryParseInstant("2026-02-23T11:00:00+07:00", "").value(), expected);
    EXPECT_EQ(TryParseInstant("2026-02-23T11:00:00 07:00", "").value(), expected)
        << "an unencoded '+' in a query string arrives as a space";
    EXPECT_EQ(TryParseInstant("2026-02-23T11:00", "Asia/Ho_Chi_Minh").value(), expected) << "datetime-local";
    EXPECT_EQ(TryParseInstant("2026-02-23T05:00:00", "Europe/Paris").value(), expected);
    EXPECT_FALSE(TryParseInstant("2026-02-23T11:00", "").ok()) << "the API needs an offset";
    EXPECT_FALSE(TryParseInstant("2026-02-30T11:00", "Asia/Ho_Chi_Minh").ok());
    EXPECT_FALSE(TryParseInstant("hôm nay", "Asia/Ho_Chi_Minh").ok());
}

}  // namespace
}  // namespace vp::calendar
