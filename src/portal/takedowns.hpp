#pragma once
// Take-down, deletion and correction of published items (P-15; 09-QC/TW Art. 10) as pure rules:
// who decides, what must be recorded first, and the status a case is in. Storage is in the
// service (takedowns.cpp); tests in takedowns_test.cpp and service_test.cpp.

#include <optional>
#include <string_view>

#include "core/access.hpp"
#include "core/result.hpp"
#include "portal/workflow.hpp"

namespace vp::portal {

/// Decisions on changes of substance to central content (the main portal's own items) are the
/// Central Party Office leadership's (09-QC/TW Art. 10.2).
inline constexpr core::access::Permission kTakedownDecide{"portal.takedown.decide"};

enum class CaseKind { kTakeDown, kDeletion, kCorrection };
/// "take_down", "deletion" (hidden, never destroyed), "correction".
std::string_view CaseKindCode(CaseKind k);
std::optional<CaseKind> ParseCaseKind(std::string_view code);

/// Statuses: "awaiting_decision", "awaiting_written_request", "executed".
inline constexpr std::string_view kAwaitingDecision = "awaiting_decision";
inline constexpr std::string_view kAwaitingWrittenRequest = "awaiting_written_request";
inline constexpr std::string_view kExecuted = "executed";

struct CaseFacts {
    CaseKind kind = CaseKind::kTakeDown;
    bool central = false;         ///< an item of the main portal, not integrated from a component portal
    bool urgent = false;          ///< act first, complete the records after
    bool unit_requested = false;  ///< a unit asked for it: its written request must be recorded
    bool request_recorded = false;
    bool agreement_recorded = false;  ///< the providing unit's agreement (component content)
};

/// Who decides a case that is not urgent: the office leadership for central content; the
/// portal's directors for component content, after the providing unit's agreement is recorded.
core::access::Permission DeciderOf(const CaseFacts& f);

/// Whether the case may be decided and executed now (not urgent): Conflict naming what is
/// missing (the agreement, the written request).
core::Status MayDecide(const CaseFacts& f);

/// Whether an urgent case may be opened: only take-downs and deletions come first; a correction
/// changes substance and waits for its decision.
core::Status MayActUrgently(const CaseFacts& f);

/// The status once executed: it waits for the unit's written request when one is due.
std::string_view StatusAfterExecution(const CaseFacts& f);

/// The item state a case's execution leads to; nullopt for a correction (the item reopens for
/// an edit through the workflow, and the corrected revision carries the correction notice).
std::optional<State> StateAfterExecution(CaseKind k);

}  // namespace vp::portal
