#include "tasks/analysis.hpp"

#include <algorithm>
#include <fmt/format.h>

#include "core/text.hpp"

namespace vp::tasks::analysis {

using namespace std::chrono;

std::vector<std::string> FoldedWordSet(std::string_view content) {
    // After folding, Vietnamese words are ASCII letters and digits; anything else separates.
    const auto folded = core::FoldDiacritics(content);
    std::vector<std::string> out;
    std::string word;
    auto flush = [&] {
        if (!word.empty()) out.push_back(std::move(word));
        word.clear();
    };
    for (char c : folded) {
        if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
            word += c;
        } else if (c >= 'A' && c <= 'Z') {
            word += static_cast<char>(c - 'A' + 'a');
        } else {
            flush();
        }
    }
    flush();
    std::sort(out.begin(), out.end());
    out.erase(std::unique(out.begin(), out.end()), out.end());
    return out;
}

int Similarity(const std::vector<std::string>& a, const std::vector<std::string>& b) {
    if (a.empty() && b.empty()) return 10000;
    std::size_t common = 0;
    for (std::size_t i = 0, j = 0; i < a.size() && j < b.size();) {
        if (a[i] == b[j]) {
            ++common, ++i, ++j;
        } else if (a[i] < b[j]) {
            ++i;
        } else {
            ++j;
        }
    }
    const auto all = a.size() + b.size() - common;
    return static_cast<int>(common * 10000 / all);
}

std::vector<LikelyDuplicate> LikelyDuplicates(const std::vector<TaskText>& tasks, int threshold) {
    std::vector<std::vector<std::string>> words;
    words.reserve(tasks.size());
    for (const auto& t : tasks) words.push_back(FoldedWordSet(t.content));
    std::vector<LikelyDuplicate> out;
    // Compared only within a document (a document holds tens of tasks, not thousands).
    for (std::size_t i = 0; i < tasks.size(); ++i) {
        for (std::size_t j = i + 1; j < tasks.size(); ++j) {
            const auto& a = tasks[i];
            const auto& b = tasks[j];
            if (a.document_id != b.document_id) continue;
            const bool shared = std::any_of(a.lead_units.begin(), a.lead_units.end(), [&](auto u) {
                return std::find(b.lead_units.begin(), b.lead_units.end(), u) != b.lead_units.end();
            });
            if (!shared) continue;
            const int s = Similarity(words[i], words[j]);
            if (s >= threshold) out.push_back({std::min(a.id, b.id), std::max(a.id, b.id), s});
        }
    }
    std::sort(out.begin(), out.end(), [](const auto& x, const auto& y) {
        return x.similarity != y.similarity ? x.similarity > y.similarity
                                            : std::pair(x.first, x.second) < std::pair(y.first, y.second);
    });
    return out;
}

std::string_view InconsistencyCode(Inconsistency i) {
    switch (i) {
        case Inconsistency::kCompletedBeforeStart: return "completion_before_start";
        case Inconsistency::kProgressOutOfRange: return "progress_out_of_range";
        case Inconsistency::kUpdateAfterCompletion: return "update_after_completion";
    }
    return "";
}

std::vector<Inconsistency> Inconsistencies(const RecordFacts& f) {
    std::vector<Inconsistency> out;
    if (f.completed_at && *f.completed_at < f.start) out.push_back(Inconsistency::kCompletedBeforeStart);
    if (std::any_of(f.progress.begin(), f.progress.end(), [](int p) { return p < 0 || p > 100; }))
        out.push_back(Inconsistency::kProgressOutOfRange);
    if (f.completed_at && std::any_of(f.update_times.begin(), f.update_times.end(),
                                      [&](auto t) { return t > *f.completed_at; }))
        out.push_back(Inconsistency::kUpdateAfterCompletion);
    return out;
}

std::string_view ReportKindCode(ReportKind k) {
    switch (k) {
        case ReportKind::kMonth: return "month";
        case ReportKind::kQuarter: return "quarter";
        case ReportKind::kHalf: return "half_year";
        case ReportKind::kYear: return "year";
    }
    return "";
}

std::vector<ReportDeadline> ReportDeadlines(int y) {
    std::vector<ReportDeadline> out;
    for (unsigned m = 1; m <= 12; ++m) {
        const year_month_day due{year{y}, month{m}, day{25}};
        // The year's report comes first in December: before the 20th.
        if (m == 12) out.push_back({ReportKind::kYear, fmt::format("{}", y), year_month_day{year{y}, month{12}, day{20}}});
        out.push_back({ReportKind::kMonth, fmt::format("{}-{:02}", y, m), due});
        if (m % 3 == 0) out.push_back({ReportKind::kQuarter, fmt::format("{}-Q{}", y, m / 3), due});
        if (m == 6) out.push_back({ReportKind::kHalf, fmt::format("{}-H1", y), due});
    }
    return out;
}

}  // namespace vp::tasks::analysis
