#include "portal/takedowns.hpp"

#include "core/message.hpp"

namespace vp::portal {

std::string_view CaseKindCode(CaseKind k) {
    switch (k) {
        case CaseKind::kTakeDown: return "take_down";
        case CaseKind::kDeletion: return "deletion";
        case CaseKind::kCorrection: return "correction";
    }
    return "take_down";
}

std::optional<CaseKind> ParseCaseKind(std::string_view code) {
    for (auto k : {CaseKind::kTakeDown, CaseKind::kDeletion, CaseKind::kCorrection}) {
        if (CaseKindCode(k) == code) return k;
    }
    return std::nullopt;
}

core::access::Permission DeciderOf(const CaseFacts& f) { return f.central ? kTakedownDecide : kItemDirect; }

core::Status MayDecide(const CaseFacts& f) {
    // Component content: the portal's directors decide after agreeing with the providing unit.
    if (!f.central && !f.agreement_recorded) return core::Conflict(core::Msg("portal.takedown_agreement_required"));
    // A unit's request is acted on once it is in writing (urgent cases excepted).
    if (f.unit_requested && !f.request_recorded) return core::Conflict(core::Msg("portal.takedown_request_required"));
    return core::Ok{};
}

core::Status MayActUrgently(const CaseFacts& f) {
    if (f.kind == CaseKind::kCorrection) return core::Conflict(core::Msg("portal.takedown_correction_not_urgent"));
    return core::Ok{};
}

std::string_view StatusAfterExecution(const CaseFacts& f) {
    return f.unit_requested && !f.request_recorded ? kAwaitingWrittenRequest : kExecuted;
}

std::optional<State> StateAfterExecution(CaseKind k) {
    switch (k) {
        case CaseKind::kTakeDown: return State::kTakenDown;
        case CaseKind::kDeletion: return State::kWithdrawn;  // hidden from readers, never destroyed
        case CaseKind::kCorrection: return std::nullopt;
    }
    return std::nullopt;
}

}  // namespace vp::portal
