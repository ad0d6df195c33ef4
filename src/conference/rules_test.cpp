// The conference rules (docs/conferences.md), apart from storage.
#include <gtest/gtest.h>

#include "calendar/iso_time.hpp"
#include "conference/rules.hpp"
#include "core/message.hpp"
#include "calendar/model.hpp"

namespace vp::conference::rules {
namespace {

core::TimePoint At(std::string_view iso) { return calendar::TryParseIso(iso).value(); }

calendar::Calendar Cal() {
    return calendar::Calendar::TryCreate(calendar::DefaultVietnamOffice()).value();
}

// covers C-2: at most one day (Art. 5).
TEST(ConferenceRules, AConferenceLastsAtMostOneLocalDay_C2) {
    auto cal = Cal();
    EXPECT_TRUE(CheckOneDay(At("2026-12-15T08:00:00+07:00"), At("2026-12-15T17:00:00+07:00"), cal).ok());
    EXPECT_TRUE(CheckOneDay(At("2026-12-15T08:00:00+07:00"), At("2026-12-16T00:00:00+07:00"), cal).ok())
        << "until midnight is still that day";
    auto longer = CheckOneDay(At("2026-12-15T08:00:00+07:00"), At("2026-12-16T11:00:00+07:00"), cal);
    ASSERT_FALSE(longer.ok());
    EXPECT_EQ(longer.error().code, core::ErrorCode::kUnprocessable);
    EXPECT_EQ(longer.error().field, "ends_at");
    EXPECT_NE(core::Text(longer.error().message, "vi").find("Điều 5"), std::string::npos);
    // Same UTC date but another local day: 23:00 to 01:00 in Hà Nội crosses midnight.
    EXPECT_FALSE(CheckOneDay(At("2026-12-15T23:00:00+07:00"), At("2026-12-16T01:00:00+07:00"), cal).ok());
    auto backwards = CheckOneDay(At("2026-12-15T10:00:00+07:00"), At("2026-12-15T09:00:00+07:00"), cal);
    ASSERT_FALSE(backwards.ok());
    EXPECT_EQ(backwards.error().code, core::ErrorCode::kInvalidInput);
}

// covers C-5: the regional consolidation at least 3 days before (Art. 7).
TEST(ConferenceRules, ConsolidationIsDueThreeDaysBeforeTheStart_C5) {
    EXPECT_EQ(ConsolidationDue(At("2026-12-15T08:00:00+07:00")), At("2026-12-12T08:00:00+07:00"));
}

// covers C-2: every 6 months from a schedule.
TEST(ConferenceRules, PeriodicConferencesFollowTheHalfYearlySchedule_C2) {
    using namespace std::chrono;
    EXPECT_EQ(NextPeriodicDate(2026y / 12 / 1, {6, 12}, 15), 2026y / 12 / 15);
    EXPECT_EQ(NextPeriodicDate(2026y / 12 / 16, {6, 12}, 15), 2027y / 6 / 15);
    EXPECT_EQ(NextPeriodicDate(2026y / 1 / 10, {12, 6}, 15), 2026y / 6 / 15);
    auto s = ParseSchedule("7,1@10");
    ASSERT_TRUE(s);
    EXPECT_EQ(s->day, 10);
    EXPECT_EQ(NextPeriodicDate(2026y / 2 / 1, s->months, s->day), 2026y / 7 / 10);
    EXPECT_FALSE(ParseSchedule("13@1"));
    EXPECT_FALSE(ParseSchedule("6,12@31"));
    EXPECT_FALSE(ParseSchedule(""));
}

// covers C-10: secret or sensitive documents stay out (Art. 1, 3).
TEST(ConferenceRules, SecrecyMarkingsAreFoundWithTheirDiacritics_C10) {
    EXPECT_EQ(SecrecyMarking("Báo cáo TỐI MẬT về nhân sự"), "tối mật");
    EXPECT_EQ(SecrecyMarking("MẬT - ke-hoach.docx"), "mật");
    EXPECT_EQ(SecrecyMarking("Thông tin nhạy cảm"), "nhạy cảm");
    EXPECT_EQ(SecrecyMarking("TUYỆT MẬT"), "tuyệt mật");
    // Decomposed (NFD) text is found as composed text.
    EXPECT_EQ(SecrecyMarking("ta\xcc\x80i lie\xcc\xa3\xcc\x82u ma\xcc\xa3\xcc\x82t"), "mật");
    // Punctuation around it and invisible characters inside it hide nothing.
    EXPECT_EQ(SecrecyMarking("Tài liệu \u201cMẬT\u201d kèm theo"), "mật");
    EXPECT_EQ(SecrecyMarking("Độ mật:\u00a0MẬT\u2014bản 2"), "mật");
    EXPECT_EQ(SecrecyMarking("M\u200b\u1eacT"), "mật");
    EXPECT_EQ(SecrecyMarking("T\u00adỐI MẬT"), "tối mật");
    EXPECT_FALSE(SecrecyMarking("Gặp mặt đầu năm"));
    EXPECT_FALSE(SecrecyMarking("Báo cáo 6 tháng đầu năm của Văn phòng Tỉnh ủy"));
    EXPECT_FALSE(SecrecyMarking("matmat.pdf"));
}

// covers C-8: a site that goes quiet turns red within seconds.
TEST(ConferenceRules, ASiteThatGoesQuietIsLost_C8) {
    const auto now = At("2026-12-15T09:00:00+07:00");
    EXPECT_EQ(HealthOf({}, now), Health::kNotConnected);
    EXPECT_EQ(HealthOf({.last_seen = now - std::chrono::seconds(2), .rtt_ms = 40}, now), Health::kGood);
    EXPECT_EQ(HealthOf({.last_seen = now - std::chrono::seconds(2), .rtt_ms = 450}, now), Health::kDegraded);
    EXPECT_EQ(HealthOf({.last_seen = now - std::chrono::seconds(2), .rtt_ms = 40, .loss_pct = 10}, now),
              Health::kDegraded);
    EXPECT_EQ(HealthOf({.last_seen = now - std::chrono::seconds(2), .rtt_ms = 40, .jitter_ms = 80}, now),
              Health::kDegraded);
    EXPECT_EQ(HealthOf({.last_seen = now - std::chrono::seconds(7), .rtt_ms = 40}, now), Health::kLost);
    EXPECT_EQ(HealthCode(Health::kLost), "lost");
}

// covers C-8: the speaking queue's steps.
TEST(ConferenceRules, TheSpeakingQueueMovesOnlyForward_C8) {
    EXPECT_EQ(SpeakingStep("waiting", "grant"), "granted");
    EXPECT_EQ(SpeakingStep("granted", "start"), "speaking");
    EXPECT_EQ(SpeakingStep("speaking", "done"), "done");
    EXPECT_EQ(SpeakingStep("waiting", "withdraw"), "withdrawn");
    EXPECT_FALSE(SpeakingStep("waiting", "start"));
    EXPECT_FALSE(SpeakingStep("done", "grant"));
    EXPECT_FALSE(SpeakingStep("speaking", "withdraw"));
    EXPECT_TRUE(IsSiteAction("withdraw"));
    EXPECT_FALSE(IsSiteAction("grant"));
}

TEST(ConferenceRules, RemindersComeADayBeforeAndAfterTheDueTime_C5) {
    const auto due = At("2026-12-10T17:00:00+07:00");
    EXPECT_FALSE(ReminderLevel(due, due - std::chrono::hours(30)));
    EXPECT_EQ(ReminderLevel(due, due - std::chrono::hours(20)), "due_soon");
    EXPECT_EQ(ReminderLevel(due, due + std::chrono::minutes(1)), "overdue");
}

}  // namespace
}  // namespace vp::conference::rules
