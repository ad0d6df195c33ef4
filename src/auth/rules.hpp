#pragma once
// Rules of the accounts module that decide things, apart from storage and HTTP (unit-tested in
// rules_test.cpp).

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/result.hpp"

namespace vp::auth::rules {

/// 3–40 characters: lower-case ASCII letters, digits, '.', '_', '-'.
bool ValidUsername(std::string_view s);
/// Empty, or one address without spaces, quotes, angle brackets or line breaks.
bool ValidEmail(std::string_view s);
/// A grant's portal: "" (not limited) or a portal code, 1–40 of a–z, 0–9 and '-'.
bool ValidPortalCode(std::string_view s);

struct LockoutPolicy {
    int slow_down_after = 3;
    int lock_out_after = 10;
    std::chrono::milliseconds lock_out{30 * 60 * 1000};
};
/// When the next attempt may be looked at after `failures` consecutive failures at `now`
/// (UTC ms): 0 when at once; 1 s, 2 s, 4 s … (capped at 256 s) from slow_down_after; the
/// lock-out from lock_out_after.
std::int64_t NextAttemptAt(std::int64_t failures, std::int64_t now, const LockoutPolicy& p);

/// Four eyes: the approver is not the requester, nor someone whose credentials the requester
/// reset (a reset hands the account to its owner, but the rule holds regardless). The operator
/// (approver 0) is exempt. `approver_reset_by` is 0 when nobody reset the approver's credentials.
core::Status FourEyes(std::int64_t approver, std::int64_t requester, std::int64_t approver_reset_by);

/// "n***@example.org": shows where a handover went without disclosing the address.
std::string MaskEmail(std::string_view email);

/// Seconds for a user message, rounded up, at least 1.
std::string SecondsText(std::int64_t ms);

}  // namespace vp::auth::rules
