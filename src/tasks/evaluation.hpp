#pragma once
// Evaluation and ranking of units (T-20; 08-QC/TW Art. 17): the indicator set the task office
// issues, a unit's score for a quarter, half-year or year, its class, the ranking table and the
// two-periods explanation rule. Pure, and exact: rates and scores are integers in basis points
// (1/100 of a percentage point) so that recomputing a closed period with its indicator set gives
// the same figures on any machine and engine. Tests: evaluation_test.cpp; docs/tasks.md.
//
// Watch (watch.hpp) counts the facts from the tracking records and keeps each closed period.

#include <array>
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.hpp"
#include "core/result.hpp"

namespace vp::tasks::evaluation {

// ---------------------------------------------------------------------------------------------
// Periods (Art. 17.1.b: quarterly, half-yearly, yearly).

enum class PeriodKind { kQuarter, kHalf, kYear };

struct Period {
    PeriodKind kind = PeriodKind::kQuarter;
    int year = 0;
    int number = 1;  ///< 1..4 (quarter), 1..2 (half), 1 (year)
    bool operator==(const Period&) const = default;
};

/// "2026-Q1", "2026-H2", "2026".
std::string PeriodCode(const Period& p);
std::optional<Period> ParsePeriod(std::string_view code);
/// The period of the same kind just before (2026-Q1 → 2025-Q4).
Period Previous(const Period& p);
/// The local days the period covers: [first, end) (end = the first day after it).
struct Days {
    std::chrono::year_month_day first, end;
};
Days DaysOf(const Period& p);

// ---------------------------------------------------------------------------------------------
// The indicator set (Art. 17.1.b: "theo các bộ chỉ số, tiêu chí do Văn phòng Trung ương Đảng
// ban hành"). Versioned: a period is evaluated with the set in force on its first day.

enum class Indicator {
    kOnTimeCompletion,  ///< tasks completed by their deadline / tasks due in the period
    kNotOverdue,        ///< tasks due in the period not left overdue at its end / tasks due
    kUpdateTimeliness,  ///< update checkpoints met on time / update checkpoints due
    kAcknowledgement,   ///< receipts acknowledged on time / acknowledgements due
    kEvaluation,        ///< (as monitoring unit) evaluations made on time / evaluations due
    kResults,           ///< evaluated updates rated satisfactory / evaluated updates
};
inline constexpr std::array kAllIndicators{Indicator::kOnTimeCompletion, Indicator::kNotOverdue,
                                           Indicator::kUpdateTimeliness, Indicator::kAcknowledgement,
                                           Indicator::kEvaluation,       Indicator::kResults};
/// on_time_completion, not_overdue, update_timeliness, acknowledgement, evaluation, results.
std::string_view IndicatorCode(Indicator i);

enum class Class { kExcellent, kComplete, kIncomplete, kNotComplete };
/// excellent, complete, incomplete, not_complete (hoàn thành xuất sắc, hoàn thành, hoàn thành
/// chưa đầy đủ, không hoàn thành: Art. 17.1.c).
std::string_view ClassCode(Class c);
std::optional<Class> ParseClass(std::string_view code);

struct IndicatorSet {
    int version = 1;
    std::chrono::year_month_day valid_from{std::chrono::year{2025}, std::chrono::month{1}, std::chrono::day{1}};
    std::array<int, kAllIndicators.size()> weights{};  ///< whole numbers, summing to 100
    /// Lowest score (basis points, 0..10000) of each class above not_complete, descending.
    int excellent_from = 9000, complete_from = 7000, incomplete_from = 5000;
    /// Excellent also needs no task left overdue in the period.
    bool excellent_needs_no_overdue = true;
    int Weight(Indicator i) const { return weights[static_cast<std::size_t>(i)]; }
};

/// The default set shipped (docs/tasks.md): on-time completion 30, not overdue 20, update
/// timeliness 20, acknowledgement 10, evaluation 10, results 10; excellent from 90 %, complete
/// from 70 %, incomplete from 50 %.
IndicatorSet DefaultSet();
/// Checks a set the task office issues: weights 0..100 summing to 100, thresholds descending
/// within 0..10000, version ≥ 1. The error names the field.
core::Status Validate(const IndicatorSet& s);
/// The set in force on `day` (the greatest valid_from not after it; for one date, the highest
/// version), or nullopt when none is.
std::optional<IndicatorSet> InForce(const std::vector<IndicatorSet>& sets, std::chrono::year_month_day day);

// ---------------------------------------------------------------------------------------------
// Scores.

/// A ratio of counts; `due == 0`: no data (the indicator is left out and the others' weights
/// carry the score).
struct Ratio {
    std::int64_t met = 0, due = 0;
};
/// What a unit did in a period, counted from the tracking records.
struct UnitFacts {
    std::int64_t unit_id = 0;
    std::string unit_code;
    std::array<Ratio, kAllIndicators.size()> ratios{};
    std::int64_t overdue_open = 0;  ///< tasks still overdue at the period's end
    Ratio& Of(Indicator i) { return ratios[static_cast<std::size_t>(i)]; }
    const Ratio& Of(Indicator i) const { return ratios[static_cast<std::size_t>(i)]; }
};

struct Score {
    std::int64_t unit_id = 0;
    std::string unit_code;
    /// Each indicator's rate in basis points (met × 10000 / due, rounded down), or nullopt.
    std::array<std::optional<int>, kAllIndicators.size()> rates{};
    /// Σ weight × rate / Σ weight over the indicators with data, rounded half up; nullopt when
    /// no indicator has data (the unit is not evaluated for the period).
    std::optional<int> total;
    std::optional<Class> klass;
    int rank = 0;  ///< 1 = best; equal totals share a rank (1, 2, 2, 4); 0 when not evaluated
};

/// A ratio's rate in basis points (nullopt when nothing was due). Throws std::invalid_argument
/// for negative counts or met > due (inconsistent facts).
std::optional<int> Rate(const Ratio& r);
Class Classify(int total, std::int64_t overdue_open, const IndicatorSet& set);
Score ScoreOf(const UnitFacts& f, const IndicatorSet& set);

/// Every unit's score, ranked: by total (highest first), then unit code; units without a total
/// last, unranked.
std::vector<Score> Rank(const std::vector<UnitFacts>& facts, const IndicatorSet& set);

/// A rate or score as people read it, Vietnamese style: 9543 → "95,43"; "—" when there is none.
std::string PercentText(std::optional<std::int64_t> basis_points);

/// Art. 17.3.b: rated not complete in this period and in the one before it (of the same kind):
/// the unit must explain the causes and the remedies.
bool NeedsExplanation(std::optional<Class> previous, std::optional<Class> current);

}  // namespace vp::tasks::evaluation
