#include "auth/rules.hpp"

#include <algorithm>

namespace vp::auth::rules {

bool ValidUsername(std::string_view s) {
    if (s.size() < 3 || s.size() > 40) return false;
    return std::all_of(s.begin(), s.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
    });
}

bool ValidEmail(std::string_view s) {
    if (s.empty()) return true;
    auto at = s.find('@');
    if (s.size() > 200 || at == std::string_view::npos || at == 0 || s.find('.', at) == std::string_view::npos)
        return false;
    if (s.find('@', at + 1) != std::string_view::npos) return false;
    return std::none_of(s.begin(), s.end(), [](char c) {
        const auto u = static_cast<unsigned char>(c);
        return u < 0x21 || u == 0x7f || c == '<' || c == '>' || c == '"' || c == ',' || c == ';' || c == '\\';
    });
}

std::int64_t NextAttemptAt(std::int64_t failures, std::int64_t now, const LockoutPolicy& p) {
    if (failures >= p.lock_out_after) return now + p.lock_out.count();
    if (failures >= p.slow_down_after) return now + (1000LL << std::min<std::int64_t>(failures - p.slow_down_after, 8));
    return 0;
}

core::Status FourEyes(std::int64_t approver, std::int64_t requester, std::int64_t approver_reset_by) {
    if (approver == 0) return core::Ok{};
    if (requester != 0 && approver == requester) {
        return core::Forbidden(core::Msg("auth.no_self_approval"));
    }
    if (requester != 0 && approver_reset_by == requester) {
        return core::Forbidden(core::Msg("auth.no_approval_after_reset"));
    }
    return core::Ok{};
}

std::string MaskEmail(std::string_view email) {
    auto at = email.find('@');
    if (at == std::string_view::npos || at == 0) return "***";
    return std::string(email.substr(0, 1)) + "***" + std::string(email.substr(at));
}

std::string SecondsText(std::int64_t ms) { return std::to_string(std::max<std::int64_t>(1, (ms + 999) / 1000)); }

bool ValidPortalCode(std::string_view s) {
    if (s.size() > 40) return false;
    return std::all_of(s.begin(), s.end(),
                       [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-'; });
}

}  // namespace vp::auth::rules
