// covers T-14, T-15, T-19: likely duplicates after folding, inconsistent records, and the office's
// reporting calendar of Art. 16.2, the map's tile grid.
#include "tasks/analysis.hpp"

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include <fstream>
#include <set>
#include <sstream>

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

// covers T-19: the map's data file places every provincial committee of the unit registry on
// its own tile of the grid, and nothing else.
namespace vp::tasks::analysis {
namespace {

boost::json::value ReadJson(const std::string& path) {
    std::ifstream in(path);
    std::stringstream ss;
    ss << in.rdbuf();
    return boost::json::parse(ss.str());
}

void ProvincialCommittees(const boost::json::object& unit, std::set<std::string>& out) {
    if (unit.at("kind").as_string() == "provincial_committee") out.insert(std::string(unit.at("code").as_string()));
    if (const auto* children = unit.if_contains("children")) {
        for (const auto& c : children->as_array()) ProvincialCommittees(c.as_object(), out);
    }
}

TEST(Analysis, TheProvinceTileMapCoversEveryProvincialCommitteeOnce_T19) {
    std::set<std::string> registry;
    ProvincialCommittees(ReadJson(VP_SOURCE_DIR "/data/units/seed.json").at("root").as_object(), registry);
    ASSERT_EQ(registry.size(), 34u);
    const auto map = ReadJson(VP_SOURCE_DIR "/data/tasks/province-tiles.json").as_object();
    const auto rows = map.at("rows").as_int64(), cols = map.at("cols").as_int64();
    std::set<std::string> placed;
    std::set<std::pair<std::int64_t, std::int64_t>> cells;
    for (const auto& t : map.at("tiles").as_array()) {
        const auto& o = t.as_object();
        const std::string unit(o.at("unit").as_string());
        EXPECT_TRUE(registry.count(unit)) << unit << " is not a provincial committee of the registry";
        EXPECT_TRUE(placed.insert(unit).second) << unit << " twice";
        const auto r = o.at("row").as_int64(), c = o.at("col").as_int64();
        EXPECT_TRUE(r >= 0 && r < rows && c >= 0 && c < cols) << unit;
        EXPECT_TRUE(cells.insert({r, c}).second) << unit << " shares a tile";
        EXPECT_FALSE(o.at("label").as_string().empty());
    }
    EXPECT_EQ(placed, registry);
}

}  // namespace
}  // namespace vp::tasks::analysis
