// covers X-5, P-7, ORG-3: the one permission check, scopes and the no-escalation rule
#include "core/access.hpp"

#include <gtest/gtest.h>

#include <map>

namespace vp::core::access {
namespace {

constexpr Permission kView{"thing.view"};
constexpr Permission kManage{"thing.manage"};
constexpr Permission kAccounts{"account.request"};

// 1 root, 2 central office (national), 3 province under 1, 4 office under 3, 5 sibling province.
class FakeTree : public UnitTree {
public:
    bool IsWithin(std::int64_t a, std::int64_t u) const override {
        for (auto x = u; x != 0; x = parent.count(x) ? parent.at(x) : 0) {
            if (x == a) return true;
        }
        return false;
    }
    bool IsNational(std::int64_t u) const override { return u == 1 || u == 2; }
    std::map<std::int64_t, std::int64_t> parent{{2, 1}, {3, 1}, {4, 3}, {5, 1}};
};

class AccessTest : public ::testing::Test {
protected:
    void SetUp() override {
        policy.AddRole({.code = "editor", .rank = 1});
        policy.AddRole({.code = "portal_admin", .rank = 2});
        policy.AddRole({.code = "system_admin", .rank = 3});
        policy.AllowEveryRole(kView);
        policy.Allow(kManage, {"system_admin"});
        policy.Allow(kAccounts, {"portal_admin", "system_admin"});
        policy.SetUnitTree(&tree);
        policy.Validate();
    }
    Principal Who(std::string role, std::int64_t unit, std::string portal = {}) {
        Principal p;
        p.user_id = 7;
        p.username = "u";
        p.grants.push_back({1, std::move(role), unit, std::move(portal)});
        return p;
    }
    FakeTree tree;
    Policy policy;
};

TEST_F(AccessTest, GrantCoversItsUnitAndBelowOnly_X5) {
    auto prov = Who("system_admin", 3);
    EXPECT_TRUE(policy.Authorize(prov, kManage, Scope::Unit(3)).ok());
    EXPECT_TRUE(policy.Authorize(prov, kManage, Scope::Unit(4)).ok());
    EXPECT_FALSE(policy.Authorize(prov, kManage, Scope::Unit(5)).ok()) << "a sibling is outside";
    EXPECT_FALSE(policy.Authorize(prov, kManage, Scope::Unit(1)).ok()) << "the parent is outside";
}

TEST_F(AccessTest, NoUnitMeansNoPermissionNotAnyUnit_X5) {
    auto prov = Who("system_admin", 3);
    EXPECT_FALSE(policy.Authorize(prov, kManage, Scope{}).ok());
    EXPECT_FALSE(policy.Authorize(prov, kManage, Scope::Unit(0)).ok());
    EXPECT_FALSE(policy.Authorize(prov, kManage, Scope::Unit(-5)).ok());
}

TEST_F(AccessTest, GlobalScopeNeedsANationalGrant_X5) {
    EXPECT_FALSE(policy.Authorize(Who("system_admin", 3), kManage, Scope::Global()).ok());
    EXPECT_TRUE(policy.Authorize(Who("system_admin", 2), kManage, Scope::Global()).ok());
}

TEST_F(AccessTest, DenyByDefaultAndIncompleteSignIn_X5) {
    EXPECT_FALSE(policy.Authorize(Who("editor", 1), kManage, Scope::Unit(3)).ok());
    auto p = Who("system_admin", 1);
    p.stage = Stage::kSecondFactor;
    EXPECT_FALSE(policy.Authorize(p, kManage, Scope::Unit(3)).ok());
    auto unknown = Who("no_such_role", 1);
    EXPECT_FALSE(policy.Authorize(unknown, kView, Scope::Unit(3)).ok());
}

TEST_F(AccessTest, TokensAreLimitedToTheirScopes_X5) {
    auto p = Who("system_admin", 1);
    p.api_token_id = 3;
    p.scopes = {"thing.view"};
    EXPECT_TRUE(policy.Authorize(p, kView, Scope::Unit(3)).ok());
    EXPECT_FALSE(policy.Authorize(p, kManage, Scope::Unit(3)).ok());
    EXPECT_FALSE(policy.HoldsAnywhere(p, kManage));
}

TEST_F(AccessTest, PortalGrantsCoverTheirPortalOnly_P7) {
    auto p = Who("portal_admin", 3, "hanoi");
    EXPECT_TRUE(policy.Authorize(p, kAccounts, Scope::Portal("hanoi", 4)).ok());
    EXPECT_FALSE(policy.Authorize(p, kAccounts, Scope::Portal("main", 4)).ok());
    EXPECT_FALSE(policy.Authorize(p, kAccounts, Scope::Unit(4)).ok()) << "a portal grant is not a unit-wide grant";
}

TEST_F(AccessTest, NobodyActsOnAStrongerRoleOrOutsideScope_P7) {
    auto portal_admin = Who("portal_admin", 3);
    EXPECT_TRUE(policy.MayActOnRank(portal_admin, kAccounts, 1, 4).ok());
    EXPECT_TRUE(policy.MayActOnRank(portal_admin, kAccounts, 2, 4).ok());
    EXPECT_FALSE(policy.MayActOnRank(portal_admin, kAccounts, 3, 4).ok()) << "system_admin is stronger";
    EXPECT_FALSE(policy.MayActOnRank(portal_admin, kAccounts, 1, 5).ok()) << "outside his unit";
    auto op = Principal::Operator();
    EXPECT_TRUE(policy.MayActOnRank(op, kAccounts, 4, 1).ok());
}

TEST_F(AccessTest, ReachListsTheUnitsAPrincipalMaySee_X5) {
    auto r = policy.ReachOf(Who("system_admin", 3), kManage);
    EXPECT_FALSE(r.all);
    EXPECT_TRUE(r.Covers(tree, 4));
    EXPECT_FALSE(r.Covers(tree, 5));
    EXPECT_TRUE(policy.ReachOf(Who("system_admin", 2), kManage).all);
    EXPECT_TRUE(policy.ReachOf(Who("editor", 3), kManage).units.empty());
}

TEST_F(AccessTest, DeclaringAnUnknownRoleFails) {
    policy.Allow(Permission{"x.y"}, {"nobody"});
    EXPECT_THROW(policy.Validate(), std::logic_error);
    EXPECT_THROW(policy.AddRole({.code = "editor"}), std::logic_error);
}

}  // namespace
}  // namespace vp::core::access
