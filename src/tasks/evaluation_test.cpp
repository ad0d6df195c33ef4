// covers T-20: the indicator set, scores in exact integers, the four classes (a worked example
// for each), ranking with ties, the set in force, reproducibility, the two-periods explanation.
#include "tasks/evaluation.hpp"

#include <gtest/gtest.h>

namespace vp::tasks::evaluation {
namespace {

using namespace std::chrono;

UnitFacts Facts(std::string code, std::array<Ratio, 6> ratios, std::int64_t overdue_open = 0) {
    return UnitFacts{.unit_id = static_cast<std::int64_t>(code.size()), .unit_code = std::move(code),
                     .ratios = ratios, .overdue_open = overdue_open};
}

TEST(Evaluation, PeriodsTheirCodesAndDays_T20) {
    EXPECT_EQ(PeriodCode({PeriodKind::kQuarter, 2026, 1}), "2026-Q1");
    EXPECT_EQ(PeriodCode({PeriodKind::kHalf, 2026, 2}), "2026-H2");
    EXPECT_EQ(PeriodCode({PeriodKind::kYear, 2026, 1}), "2026");
    EXPECT_EQ(ParsePeriod("2026-Q4"), (Period{PeriodKind::kQuarter, 2026, 4}));
    EXPECT_EQ(ParsePeriod("2026"), (Period{PeriodKind::kYear, 2026, 1}));
    for (auto bad : {"2026-Q5", "2026-H3", "2026-Q0", "26-Q1", "2026Q1", "2026-X1", "abcd", "2026-Q1 "})
        EXPECT_FALSE(ParsePeriod(bad)) << bad;
    EXPECT_EQ(Previous({PeriodKind::kQuarter, 2026, 1}), (Period{PeriodKind::kQuarter, 2025, 4}));
    EXPECT_EQ(Previous({PeriodKind::kHalf, 2026, 2}), (Period{PeriodKind::kHalf, 2026, 1}));
    EXPECT_EQ(Previous({PeriodKind::kYear, 2026, 1}), (Period{PeriodKind::kYear, 2025, 1}));
    const auto q4 = DaysOf({PeriodKind::kQuarter, 2026, 4});
    EXPECT_EQ(q4.first, year_month_day(year{2026}, month{10}, day{1}));
    EXPECT_EQ(q4.end, year_month_day(year{2027}, month{1}, day{1}));
    const auto h1 = DaysOf({PeriodKind::kHalf, 2026, 1});
    EXPECT_EQ(h1.end, year_month_day(year{2026}, month{7}, day{1}));
}

TEST(Evaluation, TheDefaultSetIsValidAndABadSetNamesItsField_T20) {
    EXPECT_TRUE(Validate(DefaultSet()).ok());
    auto s = DefaultSet();
    s.weights[0] = 31;
    auto st = Validate(s);
    ASSERT_FALSE(st.ok());
    EXPECT_EQ(st.error().field, "weights");
    s = DefaultSet();
    s.weights[2] = -5;
    s.weights[0] = 55;
    EXPECT_EQ(Validate(s).error().field, "weights.update_timeliness");
    s = DefaultSet();
    s.complete_from = 9500;
    EXPECT_EQ(Validate(s).error().field, "thresholds");
    s = DefaultSet();
    s.version = 0;
    EXPECT_EQ(Validate(s).error().field, "version");
}

// The worked examples of docs/tasks.md, one per class, with the default set.
TEST(Evaluation, AWorkedExampleForEachClass_T20) {
    const auto set = DefaultSet();
    // 10 tasks due, 9 completed on time, none left overdue; 12 of 12 updates on time; 5 of 5
    // acknowledgements; no evaluation due (not a monitoring unit); 8 of 9 results satisfactory.
    // rates 9000, 10000, 10000, 10000, —, 8888 → (30·9000 + 20·10000 + 20·10000 + 10·10000 +
    // 10·8888) / 90 = 858880 / 90 = 9543.1 → 9543: excellent.
    auto a = ScoreOf(Facts("A", {{{9, 10}, {10, 10}, {12, 12}, {5, 5}, {0, 0}, {8, 9}}}), set);
    EXPECT_EQ(a.rates[4], std::nullopt) << "nothing due: left out";
    EXPECT_EQ(a.rates[5], 8888) << "rounded down";
    EXPECT_EQ(a.total, 9543);
    EXPECT_EQ(a.klass, Class::kExcellent);
    // The same rates but one task left overdue: excellent needs none, so complete.
    auto a2 = ScoreOf(Facts("A2", {{{9, 10}, {10, 10}, {12, 12}, {5, 5}, {0, 0}, {8, 9}}}, 1), set);
    EXPECT_EQ(a2.klass, Class::kComplete);
    // 8 of 10 on time, 9 of 10 not overdue, 6 of 8 updates, 4 of 5 acknowledgements, 2 of 2
    // evaluations, 3 of 4 results: (30·8000 + 20·9000 + 20·7500 + 10·8000 + 10·10000 + 10·7500)
    // / 100 = 8250: complete.
    auto b = ScoreOf(Facts("B", {{{8, 10}, {9, 10}, {6, 8}, {4, 5}, {2, 2}, {3, 4}}}, 1), set);
    EXPECT_EQ(b.total, 8250);
    EXPECT_EQ(b.klass, Class::kComplete);
    // (30·5000 + 20·7000 + 20·5000 + 10·6000 + 10·5000 + 10·6000) / 100 = 5600: incomplete.
    auto c = ScoreOf(Facts("C", {{{5, 10}, {7, 10}, {5, 10}, {3, 5}, {1, 2}, {3, 5}}}, 3), set);
    EXPECT_EQ(c.total, 5600);
    EXPECT_EQ(c.klass, Class::kIncomplete);
    // (30·2000 + 20·4000 + 20·2500 + 10·4000 + 10·0 + 10·5000) / 100 = 2800: not complete.
    auto d = ScoreOf(Facts("D", {{{2, 10}, {4, 10}, {2, 8}, {2, 5}, {0, 1}, {1, 2}}}, 6), set);
    EXPECT_EQ(d.total, 2800);
    EXPECT_EQ(d.klass, Class::kNotComplete);
    // Nothing due at all: not evaluated (no score, no class).
    auto none = ScoreOf(Facts("E", {}), set);
    EXPECT_FALSE(none.total);
    EXPECT_FALSE(none.klass);
    EXPECT_THROW(ScoreOf(Facts("F", {{{11, 10}}}), set), std::invalid_argument) << "met above due";
}

TEST(Evaluation, RankingSharesRanksOnEqualTotalsAndPutsTheUnevaluatedLast_T20) {
    const auto set = DefaultSet();
    const std::vector<UnitFacts> facts{
        Facts("VP-HUE", {{{5, 10}}}), Facts("VP-HNI", {{{9, 10}}}), Facts("VP-DNG", {}),
        Facts("VP-HCM", {{{9, 10}}}), Facts("VP-CTO", {{{7, 10}}})};
    const auto ranked = Rank(facts, set);
    ASSERT_EQ(ranked.size(), 5u);
    EXPECT_EQ(ranked[0].unit_code, "VP-HCM");  // equal totals: by unit code
    EXPECT_EQ(ranked[1].unit_code, "VP-HNI");
    EXPECT_EQ(ranked[0].rank, 1);
    EXPECT_EQ(ranked[1].rank, 1);
    EXPECT_EQ(ranked[2].unit_code, "VP-CTO");
    EXPECT_EQ(ranked[2].rank, 3);
    EXPECT_EQ(ranked[3].rank, 4);
    EXPECT_EQ(ranked[4].unit_code, "VP-DNG");
    EXPECT_EQ(ranked[4].rank, 0) << "not evaluated: unranked";
    // Reproducible: the same facts and set give the same table.
    const auto again = Rank(facts, set);
    for (std::size_t i = 0; i < ranked.size(); ++i) {
        EXPECT_EQ(again[i].unit_code, ranked[i].unit_code);
        EXPECT_EQ(again[i].total, ranked[i].total);
        EXPECT_EQ(again[i].rank, ranked[i].rank);
    }
}

TEST(Evaluation, APeriodIsEvaluatedWithTheSetInForceOnItsFirstDay_T20) {
    auto v1 = DefaultSet();
    auto v2 = DefaultSet();
    v2.version = 2;
    v2.valid_from = year_month_day(year{2026}, month{7}, day{1});
    v2.weights = {40, 20, 10, 10, 10, 10};
    auto v3 = v2;
    v3.version = 3;  // issued the same day: the higher version counts
    const std::vector<IndicatorSet> sets{v1, v3, v2};
    EXPECT_EQ(InForce(sets, DaysOf({PeriodKind::kQuarter, 2026, 2}).first)->version, 1);
    EXPECT_EQ(InForce(sets, DaysOf({PeriodKind::kQuarter, 2026, 3}).first)->version, 3);
    EXPECT_EQ(InForce(sets, DaysOf({PeriodKind::kYear, 2026, 1}).first)->version, 1) << "the year began under v1";
    EXPECT_FALSE(InForce(sets, year_month_day(year{2024}, month{12}, day{31})));
    // The weights change the score: a closed period keeps its own set.
    const auto f = Facts("X", {{{10, 10}, {10, 10}, {0, 10}, {10, 10}, {10, 10}, {10, 10}}});
    EXPECT_EQ(ScoreOf(f, v1).total, 8000);
    EXPECT_EQ(ScoreOf(f, v3).total, 9000);
}

TEST(Evaluation, NotCompleteTwoPeriodsRunningAsksForAnExplanation_T20) {
    EXPECT_TRUE(NeedsExplanation(Class::kNotComplete, Class::kNotComplete));
    EXPECT_FALSE(NeedsExplanation(Class::kIncomplete, Class::kNotComplete));
    EXPECT_FALSE(NeedsExplanation(Class::kNotComplete, Class::kIncomplete));
    EXPECT_FALSE(NeedsExplanation(std::nullopt, Class::kNotComplete)) << "not evaluated before";
    EXPECT_EQ(ParseClass("not_complete"), Class::kNotComplete);
    EXPECT_EQ(ClassCode(Class::kExcellent), "excellent");
    EXPECT_FALSE(ParseClass("good"));
}

}  // namespace
}  // namespace vp::tasks::evaluation

namespace vp::tasks::evaluation {
namespace {
TEST(Evaluation, PercentTextReadsAsPeopleWriteIt_T20) {  // covers T-20
    EXPECT_EQ(PercentText(9543), "95,43");
    EXPECT_EQ(PercentText(10000), "100,00");
    EXPECT_EQ(PercentText(5), "0,05");
    EXPECT_EQ(PercentText(std::nullopt), "—");
}
}  // namespace
}  // namespace vp::tasks::evaluation
