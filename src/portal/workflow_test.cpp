// covers P-10, P-14, P-15 (the rules of the editorial workflow, without storage)
#include <gtest/gtest.h>

#include "portal/workflow.hpp"

namespace vp::portal {
namespace {

TEST(PortalWorkflow, CodesRoundTrip_P10) {
    for (auto s : {State::kDraft, State::kSubmitted, State::kEditing, State::kInReview, State::kApproved,
                   State::kScheduled, State::kPublished, State::kTakenDown, State::kWithdrawn}) {
        EXPECT_EQ(ParseState(StateCode(s)), s);
    }
    for (auto a : {Action::kSubmit, Action::kTake, Action::kSendToReview, Action::kApprove, Action::kSendBack,
                   Action::kPublish, Action::kSchedule, Action::kTakeDown, Action::kWithdraw}) {
        EXPECT_EQ(ParseAction(ActionCode(a)), a);
    }
    EXPECT_FALSE(ParseState("deleted"));
    EXPECT_FALSE(ParseAction("delete"));
    EXPECT_EQ(StateCode(State::kInReview), "in_review");
    EXPECT_EQ(ActionCode(Action::kSendToReview), "send_to_review");
}

TEST(PortalWorkflow, TheMainPathContributeEditReviewPublish_P10) {
    auto step = PlanAction({.state = State::kDraft}, Action::kSubmit);
    ASSERT_TRUE(step);
    EXPECT_EQ(step->to, State::kSubmitted);
    EXPECT_TRUE(step->author_may);
    EXPECT_EQ(step->permission, kItemCreate);

    step = PlanAction({.state = State::kSubmitted}, Action::kTake);
    ASSERT_TRUE(step);
    EXPECT_EQ(step->to, State::kEditing);
    EXPECT_EQ(step->permission, kItemEdit);
    EXPECT_FALSE(step->author_may);

    step = PlanAction({.state = State::kEditing}, Action::kSendToReview);
    ASSERT_TRUE(step);
    EXPECT_EQ(step->to, State::kInReview);

    step = PlanAction({.state = State::kInReview}, Action::kApprove);
    ASSERT_TRUE(step);
    EXPECT_EQ(step->to, State::kApproved);
    EXPECT_EQ(step->permission, kItemReview);

    step = PlanAction({.state = State::kApproved}, Action::kPublish);
    ASSERT_TRUE(step);
    EXPECT_EQ(step->to, State::kPublished);
    EXPECT_TRUE(step->goes_live);
    EXPECT_EQ(step->permission, kItemPublish);

    step = PlanAction({.state = State::kApproved}, Action::kSchedule);
    ASSERT_TRUE(step);
    EXPECT_EQ(step->to, State::kScheduled);
    step = PlanAction({.state = State::kScheduled}, Action::kPublish);
    ASSERT_TRUE(step);
    EXPECT_TRUE(step->goes_live);
}

TEST(PortalWorkflow, SkippingAStepIsAConflict_P10) {
    // Nobody publishes a draft, approves what is not in review, or reviews a submission.
    EXPECT_EQ(PlanAction({.state = State::kDraft}, Action::kPublish).error().code, core::ErrorCode::kConflict);
    EXPECT_EQ(PlanAction({.state = State::kEditing}, Action::kApprove).error().code, core::ErrorCode::kConflict);
    EXPECT_EQ(PlanAction({.state = State::kSubmitted}, Action::kApprove).error().code, core::ErrorCode::kConflict);
    EXPECT_EQ(PlanAction({.state = State::kEditing}, Action::kPublish).error().code, core::ErrorCode::kConflict);
    EXPECT_EQ(PlanAction({.state = State::kInReview}, Action::kSchedule).error().code, core::ErrorCode::kConflict);
    EXPECT_EQ(PlanAction({.state = State::kPublished}, Action::kSubmit).error().code, core::ErrorCode::kConflict);
    EXPECT_EQ(PlanAction({.state = State::kDraft}, Action::kTakeDown).error().code, core::ErrorCode::kConflict);
}

TEST(PortalWorkflow, SendingBackNeedsACommentAndGoesOneStepBack_P10) {
    auto s = PlanAction({.state = State::kInReview}, Action::kSendBack);
    ASSERT_TRUE(s);
    EXPECT_TRUE(s->needs_comment);
    EXPECT_EQ(s->to, State::kEditing);
    EXPECT_EQ(s->permission, kItemReview);
    s = PlanAction({.state = State::kSubmitted}, Action::kSendBack);
    ASSERT_TRUE(s);
    EXPECT_EQ(s->to, State::kDraft);
    s = PlanAction({.state = State::kApproved}, Action::kSendBack);
    ASSERT_TRUE(s);
    EXPECT_EQ(s->permission, kItemPublish);
    EXPECT_EQ(PlanAction({.state = State::kDraft}, Action::kSendBack).error().code, core::ErrorCode::kConflict);
}

TEST(PortalWorkflow, TakeDownAndWithdrawalNeedAReasonAndTheBoard_P15) {
    auto s = PlanAction({.state = State::kPublished}, Action::kTakeDown);
    ASSERT_TRUE(s);
    EXPECT_TRUE(s->needs_reason);
    EXPECT_EQ(s->permission, kItemDirect);
    EXPECT_EQ(s->to, State::kTakenDown);
    s = PlanAction({.state = State::kPublished}, Action::kWithdraw);
    ASSERT_TRUE(s);
    EXPECT_TRUE(s->needs_reason);
    EXPECT_FALSE(s->author_may) << "a published item is the board's to withdraw";
    s = PlanAction({.state = State::kDraft}, Action::kWithdraw);
    ASSERT_TRUE(s);
    EXPECT_TRUE(s->author_may) << "a contributor withdraws his own draft";
    // A taken-down item is reopened for correction by an editor.
    s = PlanAction({.state = State::kTakenDown}, Action::kTake);
    ASSERT_TRUE(s);
    EXPECT_EQ(s->to, State::kEditing);
    EXPECT_EQ(PlanAction({.state = State::kWithdrawn}, Action::kTake).error().code, core::ErrorCode::kConflict);
}

TEST(PortalWorkflow, ALockedItemCanOnlyBeTakenDownOrWithdrawn_P14) {
    const ItemFacts locked{.state = State::kPublished, .locked = true};
    EXPECT_TRUE(PlanAction(locked, Action::kTakeDown));
    EXPECT_TRUE(PlanAction(locked, Action::kWithdraw));
    for (auto a : {Action::kSubmit, Action::kTake, Action::kSendToReview, Action::kApprove, Action::kSendBack,
                   Action::kPublish, Action::kSchedule}) {
        auto r = PlanAction(locked, a);
        ASSERT_FALSE(r) << ActionCode(a);
        EXPECT_EQ(r.error().code, core::ErrorCode::kConflict);
    }
    auto save = PlanSave(locked);
    ASSERT_FALSE(save);
    EXPECT_EQ(save.error().code, core::ErrorCode::kConflict);
}

TEST(PortalWorkflow, AnEditOfAPublishedItemIsPendingUntilApprovedAndPublished_P10_P16) {
    auto save = PlanSave({.state = State::kPublished});
    ASSERT_TRUE(save);
    EXPECT_TRUE(save->creates_pending);
    const ItemFacts editing{.state = State::kPublished, .pending = State::kEditing};
    // Publishing the pending edit before review is refused; the live revision stays.
    EXPECT_EQ(PlanAction(editing, Action::kPublish).error().code, core::ErrorCode::kConflict);
    auto s = PlanAction(editing, Action::kSendToReview);
    ASSERT_TRUE(s);
    EXPECT_TRUE(s->on_pending);
    EXPECT_EQ(s->to, State::kPublished);
    EXPECT_EQ(s->pending_to, State::kInReview);
    const ItemFacts review{.state = State::kPublished, .pending = State::kInReview};
    EXPECT_EQ(PlanAction(review, Action::kPublish).error().code, core::ErrorCode::kConflict);
    s = PlanAction(review, Action::kApprove);
    ASSERT_TRUE(s);
    EXPECT_EQ(s->pending_to, State::kApproved);
    EXPECT_FALSE(s->goes_live);
    s = PlanAction({.state = State::kPublished, .pending = State::kApproved}, Action::kPublish);
    ASSERT_TRUE(s);
    EXPECT_TRUE(s->goes_live);
    EXPECT_TRUE(s->on_pending);
    EXPECT_FALSE(s->pending_to);
    // The live version can still be taken down while an edit waits; the edit survives.
    s = PlanAction(review, Action::kTakeDown);
    ASSERT_TRUE(s);
    EXPECT_FALSE(s->on_pending);
    EXPECT_EQ(s->pending_to, State::kInReview);
}

TEST(PortalWorkflow, SavingFollowsTheState_P10) {
    EXPECT_TRUE(PlanSave({.state = State::kDraft})->author_may);
    EXPECT_EQ(PlanSave({.state = State::kEditing})->permission, kItemEdit);
    EXPECT_EQ(PlanSave({.state = State::kInReview})->permission, kItemReview);
    EXPECT_EQ(PlanSave({.state = State::kSubmitted}).error().code, core::ErrorCode::kConflict);
    EXPECT_EQ(PlanSave({.state = State::kApproved}).error().code, core::ErrorCode::kConflict);
    EXPECT_EQ(PlanSave({.state = State::kWithdrawn}).error().code, core::ErrorCode::kConflict);
}

// covers P-10: an item that comes to a queue is announced to the people of that queue.
TEST(PortalWorkflow, WhoAnItemWaitsFor_P10) {
    EXPECT_EQ(WaitsFor(State::kSubmitted), kItemEdit);
    EXPECT_EQ(WaitsFor(State::kInReview), kItemReview);
    EXPECT_EQ(WaitsFor(State::kApproved), kItemPublish);
    for (auto s : {State::kDraft, State::kEditing, State::kScheduled, State::kPublished, State::kTakenDown, State::kWithdrawn})
        EXPECT_FALSE(WaitsFor(s).has_value());
}

}  // namespace
}  // namespace vp::portal
