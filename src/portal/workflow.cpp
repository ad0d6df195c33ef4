#include "portal/workflow.hpp"

#include <array>
#include <utility>

#include "core/message.hpp"

namespace vp::portal {
namespace {

constexpr std::array<std::pair<State, std::string_view>, 9> kStates{{
    {State::kDraft, "draft"},
    {State::kSubmitted, "submitted"},
    {State::kEditing, "editing"},
    {State::kInReview, "in_review"},
    {State::kApproved, "approved"},
    {State::kScheduled, "scheduled"},
    {State::kPublished, "published"},
    {State::kTakenDown, "taken_down"},
    {State::kWithdrawn, "withdrawn"},
}};

constexpr std::array<std::pair<Action, std::string_view>, 9> kActions{{
    {Action::kSubmit, "submit"},
    {Action::kTake, "take"},
    {Action::kSendToReview, "send_to_review"},
    {Action::kApprove, "approve"},
    {Action::kSendBack, "send_back"},
    {Action::kPublish, "publish"},
    {Action::kSchedule, "schedule"},
    {Action::kTakeDown, "take_down"},
    {Action::kWithdraw, "withdraw"},
}};

core::Error NotNow(const ItemFacts& f, Action a) {
    return core::Conflict(
        core::Msg("portal.action_not_allowed_in_state",
                  {{"action", std::string(ActionCode(a))}, {"state", std::string(StateCode(f.state))}}));
}

Step Main(core::access::Permission p, State to) { return Step{.permission = p, .to = to}; }

// An edit of a published item moves through its own small workflow while the live revision stays
// online; it replaces the live revision only when approved and then published (P-10, P-16).
core::Result<Step> PlanPending(const ItemFacts& f, Action a) {
    Step s{.permission = kItemEdit, .on_pending = true, .to = f.state};
    switch (a) {
        case Action::kSendToReview:
            if (f.pending != State::kEditing) break;
            s.pending_to = State::kInReview;
            return s;
        case Action::kApprove:
            if (f.pending != State::kInReview) break;
            s.permission = kItemReview;
            s.pending_to = State::kApproved;
            return s;
        case Action::kSendBack:
            if (f.pending == State::kInReview) {
                s.permission = kItemReview;
            } else if (f.pending == State::kApproved) {
                s.permission = kItemPublish;
            } else {
                break;
            }
            s.needs_comment = true;
            s.pending_to = State::kEditing;
            return s;
        case Action::kPublish:
            if (f.pending != State::kApproved) break;
            s.permission = kItemPublish;
            s.pending_to = std::nullopt;
            s.goes_live = true;
            return s;
        default: break;
    }
    return core::Conflict(
        core::Msg("portal.pending_action_not_allowed",
                  {{"action", std::string(ActionCode(a))}, {"state", std::string(StateCode(*f.pending))}}));
}

}  // namespace

std::string_view StateCode(State s) {
    for (const auto& [v, c] : kStates) {
        if (v == s) return c;
    }
    return "draft";
}

std::optional<State> ParseState(std::string_view code) {
    for (const auto& [v, c] : kStates) {
        if (c == code) return v;
    }
    return std::nullopt;
}

std::string_view ActionCode(Action a) {
    for (const auto& [v, c] : kActions) {
        if (v == a) return c;
    }
    return "submit";
}

std::optional<Action> ParseAction(std::string_view code) {
    for (const auto& [v, c] : kActions) {
        if (c == code) return v;
    }
    return std::nullopt;
}

core::Result<Step> PlanAction(const ItemFacts& f, Action a) {
    if (f.state == State::kWithdrawn) return core::Conflict(core::Msg("portal.item_withdrawn"));
    // After the post-check deadline the item is locked: the editorial board may only take it down
    // or withdraw it, with a reason (Hậu Giang Art. 10.3).
    if (f.locked && a != Action::kTakeDown && a != Action::kWithdraw) {
        return core::Conflict(core::Msg("portal.item_locked"));
    }
    if (f.state == State::kPublished && f.pending && a != Action::kTakeDown && a != Action::kWithdraw) {
        return PlanPending(f, a);
    }
    switch (a) {
        case Action::kSubmit:
            if (f.state != State::kDraft) break;
            return Step{.permission = kItemCreate, .author_may = true, .to = State::kSubmitted};
        case Action::kTake:
            // An editor takes a submitted item, or reopens a taken-down one for correction.
            if (f.state != State::kSubmitted && f.state != State::kTakenDown) break;
            return Main(kItemEdit, State::kEditing);
        case Action::kSendToReview:
            // An editor's own draft may go to review directly.
            if (f.state != State::kEditing && f.state != State::kDraft) break;
            return Main(kItemEdit, State::kInReview);
        case Action::kApprove:
            if (f.state != State::kInReview) break;
            return Main(kItemReview, State::kApproved);
        case Action::kSendBack: {
            Step s;
            if (f.state == State::kSubmitted || f.state == State::kEditing) {
                s = Main(kItemEdit, State::kDraft);  // back to the contributor
            } else if (f.state == State::kInReview) {
                s = Main(kItemReview, State::kEditing);
            } else if (f.state == State::kApproved || f.state == State::kScheduled) {
                s = Main(kItemPublish, State::kEditing);
            } else {
                break;
            }
            s.needs_comment = true;
            return s;
        }
        case Action::kPublish: {
            if (f.state != State::kApproved && f.state != State::kScheduled) break;
            auto s = Main(kItemPublish, State::kPublished);
            s.goes_live = true;
            return s;
        }
        case Action::kSchedule:
            if (f.state != State::kApproved) break;
            return Main(kItemPublish, State::kScheduled);
        case Action::kTakeDown: {
            if (f.state != State::kPublished) break;
            auto s = Main(kItemDirect, State::kTakenDown);
            s.needs_reason = true;
            s.pending_to = f.pending;  // a pending edit survives; it may become the correction
            return s;
        }
        case Action::kWithdraw: {
            Step s = Main(kItemDirect, State::kWithdrawn);
            s.needs_reason = true;
            // Contributors withdraw their own drafts and submissions; anything else is the board's.
            if (f.state == State::kDraft || f.state == State::kSubmitted) s.author_may = true;
            return s;
        }
    }
    return NotNow(f, a);
}

core::Result<SavePlan> PlanSave(const ItemFacts& f) {
    if (f.state == State::kWithdrawn) return core::Conflict(core::Msg("portal.item_withdrawn"));
    if (f.locked) return core::Conflict(core::Msg("portal.item_locked"));
    switch (f.state) {
        case State::kDraft: return SavePlan{.permission = kItemEdit, .author_may = true};
        case State::kEditing: return SavePlan{.permission = kItemEdit};
        case State::kInReview: return SavePlan{.permission = kItemReview};
        case State::kPublished: return SavePlan{.permission = kItemEdit, .creates_pending = true};
        case State::kSubmitted: return core::Conflict(core::Msg("portal.take_before_editing"));
        case State::kTakenDown: return core::Conflict(core::Msg("portal.take_before_editing"));
        case State::kApproved:
        case State::kScheduled: return core::Conflict(core::Msg("portal.send_back_before_editing"));
        case State::kWithdrawn: break;
    }
    return core::Conflict(core::Msg("portal.item_withdrawn"));
}

std::optional<core::access::Permission> WaitsFor(State s) {
    switch (s) {
        case State::kSubmitted: return kItemEdit;
        case State::kInReview: return kItemReview;
        case State::kApproved: return kItemPublish;
        default: return std::nullopt;
    }
}

}  // namespace vp::portal
