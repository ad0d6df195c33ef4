#include "tasks/secrecy.hpp"

#include <algorithm>
#include <array>

namespace vp::tasks {

bool IsPartitionLevel(std::string_view secrecy) { return secrecy == "mat" || secrecy == "toi_mat"; }

std::span<const std::string_view> Article52Fields() {
    // a) title, number, symbol, issue date, signer (no summary); b) the submitting body and the
    // issuing body; c) the assigned bodies; d) the monitoring body; đ) the number of tasks only;
    // e) the deadline; g) the result (recorded later, as done or not); h) the evaluation (later);
    // i) other necessary information.
    static constexpr std::array<std::string_view, 14> kFields = {
        "secrecy",    "kind",       "title",           "number",     "symbol",     "issued_on", "signer",
        "submitting_unit", "issuing_unit", "lead_units", "monitoring_unit", "task_count", "deadline", "notes"};
    return kFields;
}

std::optional<std::string> FieldOutsideArticle52(std::span<const std::string> fields) {
    const auto allowed = Article52Fields();
    for (const auto& f : fields) {
        if (std::find(allowed.begin(), allowed.end(), f) == allowed.end()) return f;
    }
    return std::nullopt;
}

std::string_view SecretResultCode(SecretResult r) {
    switch (r) {
        case SecretResult::kDoneWithinDeadline: return "done_within_deadline";
        case SecretResult::kDonePastDeadline: return "done_past_deadline";
        case SecretResult::kNotDoneWithinDeadline: return "not_done_within_deadline";
        case SecretResult::kNotDonePastDeadline: return "not_done_past_deadline";
    }
    return "not_done_within_deadline";
}

SecretResult ComputeSecretResult(std::optional<core::TimePoint> done_at, std::optional<core::TimePoint> deadline,
                                 core::TimePoint now) {
    if (done_at) {
        return deadline && *done_at > *deadline ? SecretResult::kDonePastDeadline : SecretResult::kDoneWithinDeadline;
    }
    return deadline && now > *deadline ? SecretResult::kNotDonePastDeadline : SecretResult::kNotDoneWithinDeadline;
}

bool Admits(std::string_view secrecy, bool cleared_mat, bool cleared_toi_mat) {
    if (secrecy == "mat") return cleared_mat || cleared_toi_mat;
    if (secrecy == "toi_mat") return cleared_toi_mat;
    return false;
}

}  // namespace vp::tasks
