#pragma once
// The editorial workflow of a portal item (P-10, P-14, P-15; 09-QC/TW Art. 5, 10; Hậu Giang
// Art. 10, 12) as pure functions: which state an action leads to, which permission it needs,
// whether it needs a comment or a reason. Storage and the permission check itself live in the
// service; these rules decide, and have their own tests (workflow_test.cpp).

#include <optional>
#include <string_view>

#include "core/access.hpp"
#include "core/result.hpp"

namespace vp::portal {

// The permissions of the back office, each checked on the item's portal (Scope::Portal).
inline constexpr core::access::Permission kItemRead{"portal.item.read"};      ///< see the back office queues
inline constexpr core::access::Permission kItemCreate{"portal.item.create"};  ///< write and submit one's own drafts
inline constexpr core::access::Permission kItemEdit{"portal.item.edit"};      ///< take and edit anyone's items
inline constexpr core::access::Permission kItemTranslate{"portal.item.translate"};  ///< write translations (P-5)
inline constexpr core::access::Permission kItemReview{"portal.item.review"};  ///< approve or send back (kiểm duyệt)
inline constexpr core::access::Permission kItemPublish{"portal.item.publish"};  ///< publish, schedule
inline constexpr core::access::Permission kItemDirect{
    "portal.item.direct"};  ///< take down, withdraw (the board's directors)
inline constexpr core::access::Permission kPostCheck{"portal.post_check"};  ///< mark post-checks (hậu kiểm)
inline constexpr core::access::Permission kPortalManage{"portal.manage"};   ///< portals, sections, settings

enum class State { kDraft, kSubmitted, kEditing, kInReview, kApproved, kScheduled, kPublished, kTakenDown, kWithdrawn };
enum class Action { kSubmit, kTake, kSendToReview, kApprove, kSendBack, kPublish, kSchedule, kTakeDown, kWithdraw };

/// API codes: "draft", "submitted", "editing", "in_review", "approved", "scheduled", "published",
/// "taken_down", "withdrawn".
std::string_view StateCode(State s);
std::optional<State> ParseState(std::string_view code);
/// API codes: "submit", "take", "send_to_review", "approve", "send_back", "publish", "schedule",
/// "take_down", "withdraw".
std::string_view ActionCode(Action a);
std::optional<Action> ParseAction(std::string_view code);

/// What the rules need to know about an item.
struct ItemFacts {
    State state = State::kDraft;
    /// The state of an edit of a published item (kEditing, kInReview, kApproved), if one exists.
    std::optional<State> pending;
    bool locked = false;  ///< its post-check deadline passed (P-14)
};

/// What an action does, once the actor holds `permission` on the item's portal.
struct Step {
    core::access::Permission permission;
    /// The author may take this step with kItemCreate alone (submit, withdraw his own draft).
    bool author_may = false;
    bool needs_comment = false;       ///< sending back (P-10)
    bool needs_reason = false;        ///< take-down, withdrawal (P-15)
    bool on_pending = false;          ///< acts on the pending edit of a published item
    State to = State::kDraft;         ///< the item's state afterwards (unchanged when on_pending)
    std::optional<State> pending_to;  ///< the pending edit's state afterwards; nullopt: it is gone
    bool goes_live = false;           ///< the (pending or current) revision becomes the live one
};

/// The step `action` takes from `facts`, or Conflict (409) naming why the state does not allow it.
core::Result<Step> PlanAction(const ItemFacts& facts, Action action);

/// What saving a new revision does.
struct SavePlan {
    core::access::Permission permission;
    bool author_may = false;       ///< the author of a draft may save it with kItemCreate
    bool creates_pending = false;  ///< an edit of a published item: a pending revision
};

/// Whether a new revision may be saved in this state (locked, withdrawn and items waiting for an
/// editor refuse with Conflict and the reason).
core::Result<SavePlan> PlanSave(const ItemFacts& facts);

}  // namespace vp::portal

namespace vp::portal {
/// The back office's permissions and the editorial roles that hold them (roles are declared by
/// the accounts module). Grants are scoped to a portal (role_grants.portal) or, without one, to a
/// unit and every portal of the units below it.
void DeclareAccess(core::access::Policy& policy);
/// Who an item in state `s` waits for (P-10): a submission for the editors, an item in review
/// for the reviewers, an approved item for the publishers; nobody otherwise.
std::optional<core::access::Permission> WaitsFor(State s);

}  // namespace vp::portal
