// covers P-15 (who decides a take-down, deletion or correction, and what must be recorded first)
#include <gtest/gtest.h>

#include "portal/takedowns.hpp"

namespace vp::portal {
namespace {

TEST(PortalTakedowns, CentralContentIsDecidedByTheOfficeLeadership_P15) {
    EXPECT_EQ(DeciderOf({.central = true}), kTakedownDecide);
    EXPECT_EQ(DeciderOf({.central = false}), kItemDirect);
    EXPECT_TRUE(MayDecide({.central = true}).ok()) << "no providing unit to agree with for central content";
}

TEST(PortalTakedowns, ComponentContentNeedsTheProvidingUnitsAgreementFirst_P15) {
    auto st = MayDecide({.central = false});
    ASSERT_FALSE(st.ok());
    EXPECT_EQ(st.error().code, core::ErrorCode::kConflict);
    EXPECT_TRUE(MayDecide({.central = false, .agreement_recorded = true}).ok());
}

TEST(PortalTakedowns, AUnitsRequestMustBeInWriting_P15) {
    EXPECT_FALSE(MayDecide({.central = true, .unit_requested = true}).ok());
    EXPECT_TRUE(MayDecide({.central = true, .unit_requested = true, .request_recorded = true}).ok());
    // An urgent take-down comes first and then waits for the written request.
    EXPECT_EQ(StatusAfterExecution({.urgent = true, .unit_requested = true}), kAwaitingWrittenRequest);
    EXPECT_EQ(StatusAfterExecution({.urgent = true, .unit_requested = true, .request_recorded = true}), kExecuted);
    EXPECT_EQ(StatusAfterExecution({.urgent = true}), kExecuted) << "the directors' own decision needs no request";
}

TEST(PortalTakedowns, OnlyRemovalsComeFirst_P15) {
    EXPECT_TRUE(MayActUrgently({.kind = CaseKind::kTakeDown}).ok());
    EXPECT_TRUE(MayActUrgently({.kind = CaseKind::kDeletion}).ok());
    EXPECT_FALSE(MayActUrgently({.kind = CaseKind::kCorrection}).ok());
    EXPECT_EQ(StateAfterExecution(CaseKind::kTakeDown), State::kTakenDown);
    EXPECT_EQ(StateAfterExecution(CaseKind::kDeletion), State::kWithdrawn) << "hidden, never destroyed";
    EXPECT_FALSE(StateAfterExecution(CaseKind::kCorrection));
    for (auto k : {CaseKind::kTakeDown, CaseKind::kDeletion, CaseKind::kCorrection})
        EXPECT_EQ(ParseCaseKind(CaseKindCode(k)), k);
    EXPECT_FALSE(ParseCaseKind("destroy"));
}

}  // namespace
}  // namespace vp::portal
