#pragma once
// Periodic data cleaning and the office's reporting calendar (T-14, T-15; 08-QC/TW Art. 16.2):
// likely duplicate tasks, inconsistent records, and the compilation deadlines of the periodic
// reports. Pure; tests: analysis_test.cpp.
//
// Watch (watch.hpp, cleaning.cpp, reports.cpp) runs them over the records.

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.hpp"

namespace vp::tasks::analysis {

/// The words of a task's content once folded (lower case, no diacritics, "đ" as "d"), each
/// once, sorted: what two contents are compared by.
std::vector<std::string> FoldedWordSet(std::string_view content);
/// Jaccard similarity of two folded word sets in basis points (10000: the same words).
int Similarity(const std::vector<std::string>& a, const std::vector<std::string>& b);

struct TaskText {
    std::int64_t id = 0, document_id = 0;
    std::vector<std::int64_t> lead_units;
    std::string content;
};
struct LikelyDuplicate {
    std::int64_t first = 0, second = 0;  ///< first < second
    int similarity = 0;                  ///< basis points
};
/// Pairs of tasks of the same document sharing a lead unit whose contents are near-identical
/// once folded (similarity ≥ `threshold`, 8500 by default), most similar first.
std::vector<LikelyDuplicate> LikelyDuplicates(const std::vector<TaskText>& tasks, int threshold = 8500);

/// What a task's record says, for the consistency checks.
struct RecordFacts {
    core::TimePoint start{};
    std::optional<core::TimePoint> completed_at;
    std::vector<int> progress;                     ///< every update's progress
    std::vector<core::TimePoint> update_times;     ///< when each update was submitted
};
enum class Inconsistency {
    kCompletedBeforeStart,   ///< completion_before_start
    kProgressOutOfRange,     ///< progress_out_of_range (below 0 or above 100)
    kUpdateAfterCompletion,  ///< update_after_completion
};
std::string_view InconsistencyCode(Inconsistency i);
std::vector<Inconsistency> Inconsistencies(const RecordFacts& f);

/// The office's compilation of the periodic reports (Art. 16.2: "trước ngày 25 của tháng và
/// tháng cuối quý, ngày 25/6 và ngày 20/12"): the monthly report before the 25th of every month,
/// the quarterly one before the 25th of a quarter's last month, the half-year's before 25 June
/// and the year's before 20 December.
enum class ReportKind { kMonth, kQuarter, kHalf, kYear };
std::string_view ReportKindCode(ReportKind k);  ///< month, quarter, half_year, year
struct ReportDeadline {
    ReportKind kind = ReportKind::kMonth;
    std::string period;                  ///< "2026-03", "2026-Q1", "2026-H1", "2026"
    std::chrono::year_month_day due;     ///< the compilation is due before this day begins ("trước ngày 25")
};
/// Every deadline of `year`, by date (a quarter's and its last month's on the same day).
std::vector<ReportDeadline> ReportDeadlines(int year);

}  // namespace vp::tasks::analysis
