// covers T-14, T-15: likely duplicates after folding, inconsistent records, and the office's
// reporting calendar of Art. 16.2.
#include "tasks/analysis.hpp"

#include <gtest/gtest.h>

namespace vp::tasks::analysis {
namespace {

using namespace std::chrono;

TEST(Analysis, NearIdenticalContentOfTheSameDocumentAndUnitIsALikelyDuplicate_T14) {
    EXPECT_EQ(FoldedWordSet("Đẩy mạnh CHUYỂN ĐỔI SỐ, chuyển đổi số!"),
              (std::vector<std::string>{"chuyen", "day", "doi", "manh", "so"}));
    const std::vector<TaskText> tasks{
        {1, 10, {5}, "Tổ chức hội nghị quán triệt Kết luận 125-KL/TW tới cán bộ chủ chốt"},
        {2, 10, {5, 6}, "Tổ chức hội nghị quán triệt kết luận 125-KL/TW tới cán bộ chủ chốt."},  // typed again
        {3, 10, {7}, "To chuc hoi nghi quan triet Ket luan 125-KL/TW toi can bo chu chot"},       // another unit
        {4, 11, {5}, "Tổ chức hội nghị quán triệt Kết luận 125-KL/TW tới cán bộ chủ chốt"},       // another document
        {5, 10, {5}, "Xây dựng kế hoạch thực hiện Kết luận 125-KL/TW"},                           // different work
        {6, 10, {6}, "Tổ chức hội nghi quán triệt Kết luận 125-KL/TW tới toàn thể cán bộ chủ chốt"},
    };
    const auto found = LikelyDuplicates(tasks);
    ASSERT_EQ(found.size(), 2u);
    EXPECT_EQ(found[0].first, 1);
    EXPECT_EQ(found[0].second, 2);
    EXPECT_EQ(found[0].similarity, 10000) << "the same words once folded";
    EXPECT_EQ(found[1].first, 2);
    EXPECT_EQ(found[1].second, 6);
    EXPECT_GE(found[1].similarity, 8500);
    EXPECT_LT(found[1].similarity, 10000);
    EXPECT_TRUE(LikelyDuplicates(tasks, 10001).empty());
}

TEST(Analysis, InconsistentRecordsAreFlagged_T14) {
    const auto t0 = core::TimePoint{} + hours(1000);
    EXPECT_TRUE(Inconsistencies({t0, t0 + hours(5), {10, 100}, {t0 + hours(1), t0 + hours(5)}}).empty());
    const auto bad = Inconsistencies({t0, t0 - hours(1), {50, 120}, {t0 + hours(2)}});
    ASSERT_EQ(bad.size(), 3u);
    EXPECT_EQ(InconsistencyCode(bad[0]), "completion_before_start");
    EXPECT_EQ(InconsistencyCode(bad[1]), "progress_out_of_range");
    EXPECT_EQ(InconsistencyCode(bad[2]), "update_after_completion");
    EXPECT_EQ(Inconsistencies({t0, std::nullopt, {-1}, {t0 + hours(9)}}).size(), 1u) << "open: only the progress";
}

TEST(Analysis, TheReportingCalendarOfArticle16_T15) {
    const auto all = ReportDeadlines(2026);
    ASSERT_EQ(all.size(), 12u + 4u + 1u + 1u);
    auto find = [&](ReportKind k, std::string period) {
        for (const auto& d : all) {
            if (d.kind == k && d.period == period) return d.due;
        }
        return year_month_day{};
    };
    EXPECT_EQ(find(ReportKind::kMonth, "2026-01"), year_month_day(year{2026}, month{1}, day{25}));
    EXPECT_EQ(find(ReportKind::kQuarter, "2026-Q1"), year_month_day(year{2026}, month{3}, day{25}));
    EXPECT_EQ(find(ReportKind::kHalf, "2026-H1"), year_month_day(year{2026}, month{6}, day{25}));
    EXPECT_EQ(find(ReportKind::kYear, "2026"), year_month_day(year{2026}, month{12}, day{20}));
    EXPECT_EQ(find(ReportKind::kQuarter, "2026-Q4"), year_month_day(year{2026}, month{12}, day{25}));
    for (std::size_t i = 1; i < all.size(); ++i) EXPECT_LE(sys_days(all[i - 1].due), sys_days(all[i].due)) << "by date";
    EXPECT_EQ(ReportKindCode(ReportKind::kHalf), "half_year");
}

}  // namespace
}  // namespace vp::tasks::analysis
