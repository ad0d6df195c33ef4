#include "tasks/evaluation.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <stdexcept>

namespace vp::tasks::evaluation {

using namespace std::chrono;
using core::Msg;

std::string PeriodCode(const Period& p) {
    const auto y = std::to_string(p.year);
    switch (p.kind) {
        case PeriodKind::kQuarter: return y + "-Q" + std::to_string(p.number);
        case PeriodKind::kHalf: return y + "-H" + std::to_string(p.number);
        case PeriodKind::kYear: return y;
    }
    return y;
}

std::optional<Period> ParsePeriod(std::string_view code) {
    if (code.size() < 4) return std::nullopt;
    int year = 0;
    const auto [end, ec] = std::from_chars(code.data(), code.data() + 4, year);
    if (ec != std::errc{} || end != code.data() + 4 || year < 2000 || year > 2999) return std::nullopt;
    const auto rest = code.substr(4);
    if (rest.empty()) return Period{PeriodKind::kYear, year, 1};
    if (rest.size() != 3 || rest[0] != '-' || rest[2] < '1' || rest[2] > '4') return std::nullopt;
    const int n = rest[2] - '0';
    if (rest[1] == 'Q') return Period{PeriodKind::kQuarter, year, n};
    if (rest[1] == 'H' && n <= 2) return Period{PeriodKind::kHalf, year, n};
    return std::nullopt;
}

Period Previous(const Period& p) {
    const int per_year = p.kind == PeriodKind::kQuarter ? 4 : p.kind == PeriodKind::kHalf ? 2 : 1;
    if (p.number > 1) return {p.kind, p.year, p.number - 1};
    return {p.kind, p.year - 1, per_year};
}

Days DaysOf(const Period& p) {
    const int months = p.kind == PeriodKind::kQuarter ? 3 : p.kind == PeriodKind::kHalf ? 6 : 12;
    const year_month_day first{year{p.year}, month{static_cast<unsigned>(1 + (p.number - 1) * months)}, day{1}};
    const auto end = year_month(first.year(), first.month()) + std::chrono::months{months};
    return {first, year_month_day{end.year(), end.month(), day{1}}};
}

std::string_view IndicatorCode(Indicator i) {
    switch (i) {
        case Indicator::kOnTimeCompletion: return "on_time_completion";
        case Indicator::kNotOverdue: return "not_overdue";
        case Indicator::kUpdateTimeliness: return "update_timeliness";
        case Indicator::kAcknowledgement: return "acknowledgement";
        case Indicator::kEvaluation: return "evaluation";
        case Indicator::kResults: return "results";
    }
    return "";
}

std::string_view ClassCode(Class c) {
    switch (c) {
        case Class::kExcellent: return "excellent";
        case Class::kComplete: return "complete";
        case Class::kIncomplete: return "incomplete";
        case Class::kNotComplete: return "not_complete";
    }
    return "";
}

std::optional<Class> ParseClass(std::string_view code) {
    for (auto c : {Class::kExcellent, Class::kComplete, Class::kIncomplete, Class::kNotComplete}) {
        if (ClassCode(c) == code) return c;
    }
    return std::nullopt;
}

IndicatorSet DefaultSet() {
    IndicatorSet s;
    s.weights = {30, 20, 20, 10, 10, 10};
    return s;
}

core::Status Validate(const IndicatorSet& s) {
    if (s.version < 1) return core::InvalidField("version", Msg("tasks.indicator_version_invalid"));
    int sum = 0;
    for (auto i : kAllIndicators) {
        const int w = s.Weight(i);
        if (w < 0 || w > 100) {
            const std::string field = "weights." + std::string(IndicatorCode(i));
            return core::InvalidField(field, Msg("tasks.indicator_weight_invalid", {{"field", field}}));
        }
        sum += w;
    }
    if (sum != 100) return core::InvalidField("weights", Msg("tasks.indicator_weights_sum", {{"sum", std::to_string(sum)}}));
    if (!(s.excellent_from <= 10000 && s.excellent_from >= s.complete_from && s.complete_from >= s.incomplete_from &&
          s.incomplete_from >= 0))
        return core::InvalidField("thresholds", Msg("tasks.indicator_thresholds_invalid"));
    return core::Ok{};
}

std::optional<IndicatorSet> InForce(const std::vector<IndicatorSet>& sets, year_month_day on) {
    const IndicatorSet* best = nullptr;
    for (const auto& s : sets) {
        if (sys_days(s.valid_from) > sys_days(on)) continue;
        if (!best || sys_days(s.valid_from) > sys_days(best->valid_from) ||
            (s.valid_from == best->valid_from && s.version > best->version))
            best = &s;
    }
    if (!best) return std::nullopt;
    return *best;
}

std::optional<int> Rate(const Ratio& r) {
    if (r.met < 0 || r.due < 0 || r.met > r.due) throw std::invalid_argument("inconsistent counts for an indicator");
    if (r.due == 0) return std::nullopt;
    return static_cast<int>(r.met * 10000 / r.due);
}

Class Classify(int total, std::int64_t overdue_open, const IndicatorSet& set) {
    if (total >= set.excellent_from && (!set.excellent_needs_no_overdue || overdue_open == 0)) return Class::kExcellent;
    if (total >= set.complete_from) return Class::kComplete;
    if (total >= set.incomplete_from) return Class::kIncomplete;
    return Class::kNotComplete;
}

Score ScoreOf(const UnitFacts& f, const IndicatorSet& set) {
    Score s{.unit_id = f.unit_id, .unit_code = f.unit_code};
    std::int64_t weighted = 0, weights = 0;
    for (auto i : kAllIndicators) {
        const auto at = static_cast<std::size_t>(i);
        s.rates[at] = Rate(f.ratios[at]);
        if (!s.rates[at] || set.Weight(i) == 0) continue;
        weighted += static_cast<std::int64_t>(set.Weight(i)) * *s.rates[at];
        weights += set.Weight(i);
    }
    if (weights == 0) return s;
    s.total = static_cast<int>((weighted + weights / 2) / weights);  // half up, in integers
    s.klass = Classify(*s.total, f.overdue_open, set);
    return s;
}

std::vector<Score> Rank(const std::vector<UnitFacts>& facts, const IndicatorSet& set) {
    std::vector<Score> out;
    out.reserve(facts.size());
    for (const auto& f : facts) out.push_back(ScoreOf(f, set));
    std::sort(out.begin(), out.end(), [](const Score& a, const Score& b) {
        if (a.total.has_value() != b.total.has_value()) return a.total.has_value();
        if (a.total != b.total) return *a.total > *b.total;
        return a.unit_code < b.unit_code;
    });
    for (std::size_t i = 0; i < out.size() && out[i].total; ++i) {
        out[i].rank = i > 0 && out[i - 1].total == out[i].total ? out[i - 1].rank : static_cast<int>(i) + 1;
    }
    return out;
}

bool NeedsExplanation(std::optional<Class> previous, std::optional<Class> current) {
    return previous == Class::kNotComplete && current == Class::kNotComplete;
}

std::string PercentText(std::optional<std::int64_t> basis_points) {
    if (!basis_points) return "—";
    return fmt::format("{},{:02}", *basis_points / 100, *basis_points % 100);
}

}  // namespace vp::tasks::evaluation
