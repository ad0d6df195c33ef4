// covers ORG-1, ORG-2 on both engines
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "core/testing/db_fixture.hpp"
#include "units/units.hpp"

namespace vp {
namespace {

std::string SeedJson() {
    std::ifstream in(std::string(VP_SOURCE_DIR) + "/data/units/seed.json");
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

class Units : public testing::DbTest {
protected:
    void SetUp() override {
        DbTest::SetUp();
        if (IsSkipped() || HasFailure()) return;
        policy_.AddRole({.code = "system_admin", .rank = 3});
        policy_.AddRole({.code = "editor", .rank = 1});
        units::DeclareAccess(policy_);
        svc_ = std::make_unique<units::Service>(Db(), log_, clock_, policy_);
        policy_.SetUnitTree(svc_.get());
        auto n = svc_->SeedIfEmpty(actor_, SeedJson());
        ASSERT_TRUE(n.ok());
        seeded_ = n.value();
    }
    audit::Log log_{clock_};
    core::access::Policy policy_;
    core::access::Principal actor_ = core::access::Principal::Operator();
    // A signed-in principal holding `role` on the unit with `code`.
    core::access::Principal Holder(const std::string& role, const std::string& code) {
        core::access::Principal p;
        p.user_id = 42;
        p.username = "admin_" + code;
        p.grants.push_back({1, role, svc_->FindByCode(code)->id, ""});
        return p;
    }
    std::unique_ptr<units::Service> svc_;
    int seeded_ = 0;
};

TEST_P(Units, SeedHasTheCurrentOrganisation_ORG1_ORG2) {
    EXPECT_GT(seeded_, 100);
    auto all = svc_->List();
    auto count = [&](std::string_view kind) {
        return std::count_if(all.begin(), all.end(), [&](auto& u) { return u.kind == kind; });
    };
    EXPECT_EQ(count("provincial_committee"), 34) << "34 provinces and cities since the 2025 merger";
    EXPECT_EQ(count("issuing_body"), 5);
    auto vptw = svc_->FindByCode("VPTW");
    ASSERT_TRUE(vptw);
    EXPECT_EQ(vptw->name_vi, "Văn phòng Trung ương Đảng");
    for (const char* code : {"VPTW-VDP1", "VPTW-VDP2", "VPTW-VDP3", "VPTW-VTH", "VPTW-VTCCB", "VPTW-VHCCY", "VPTW-CCDS",
                             "VPTW-TTCNTT", "VPTW-CQTTV", "VPTW-T26", "VPTW-T78", "VPTW-CTCQLDT"}) {
        auto d = svc_->FindByCode(code);
        ASSERT_TRUE(d) << code;
        EXPECT_EQ(d->parent_id, vptw->id) << code;
    }
    ASSERT_TRUE(svc_->FindByCode("UBKTTW"));
    EXPECT_EQ(svc_->FindByCode("UBKT-HNI")->kind, "inspection_commission");
    // Parents come before their children in List.
    std::set<std::int64_t> seen{0};
    for (auto& u : all) {
        EXPECT_TRUE(seen.count(u.parent_id)) << u.code;
        seen.insert(u.id);
    }
    EXPECT_EQ(svc_->SeedIfEmpty(actor_, SeedJson()).value(), 0) << "seeding twice adds nothing";
}

TEST_P(Units, RenameKeepsTheOldNameForOldDates_ORG2) {
    auto u = *svc_->FindByCode("BO-KHCN");
    auto r = svc_->Rename(actor_, u.id, "Bộ Khoa học, Công nghệ và Đổi mới",
                          "Ministry of Science, Technology and Innovation", "", "2026-03-01");
    ASSERT_TRUE(r.ok()) << r.error().message;
    EXPECT_EQ(svc_->Find(u.id, "2026-02-28")->name_vi, "Bộ Khoa học và Công nghệ");
    EXPECT_EQ(svc_->Find(u.id, "2026-03-01")->name_vi, "Bộ Khoa học, Công nghệ và Đổi mới");
    EXPECT_EQ(svc_->NameHistory(u.id).size(), 2u);
    auto older = svc_->Rename(actor_, u.id, "X", "X", "", "2026-01-01");
    EXPECT_FALSE(older.ok());
    EXPECT_EQ(older.error().code, core::ErrorCode::kConflict);
    auto audit = log_.Find(Db(), {.action_prefix = "unit.rename"});
    ASSERT_EQ(audit.size(), 1u);
    EXPECT_NE(audit[0].before_json.find("Bộ Khoa học và Công nghệ"), std::string::npos);
}

TEST_P(Units, MergeAndDissolveKeepHistory_ORG2) {
    auto hni = *svc_->FindByCode("TU-HNI");
    auto hpg = *svc_->FindByCode("TU-HPG");
    auto refused = svc_->Merge(actor_, hpg.id, hni.id, "2026-05-01");
    ASSERT_FALSE(refused.ok());
    EXPECT_EQ(refused.error().code, core::ErrorCode::kConflict) << "active children block the merge";
    ASSERT_TRUE(svc_->Merge(actor_, svc_->FindByCode("VP-HPG")->id, svc_->FindByCode("VP-HNI")->id, "2026-05-01").ok());
    ASSERT_TRUE(svc_->Dissolve(actor_, svc_->FindByCode("UBKT-HPG")->id, "2026-05-01").ok());
    auto merged = svc_->Merge(actor_, hpg.id, hni.id, "2026-05-01");
    ASSERT_TRUE(merged.ok()) << merged.error().message;
    EXPECT_EQ(merged->status, "merged");
    EXPECT_EQ(merged->merged_into_id, hni.id);
    EXPECT_EQ(svc_->Find(hpg.id)->name_vi, "Thành ủy Hải Phòng") << "the unit and its name remain";
    EXPECT_FALSE(svc_->Rename(actor_, hpg.id, "a", "b", "", "2026-06-01").ok());
    EXPECT_TRUE(log_.Verify(Db()).ok);
}

TEST_P(Units, BadInputChangesNothing_ORG1) {
    auto before = svc_->List().size();
    EXPECT_EQ(
        svc_->Create(actor_, {.code = "bad code!", .kind = "ministry", .name_vi = "A", .name_en = "A"}).error().code,
        core::ErrorCode::kInvalidInput);
    EXPECT_EQ(svc_->Create(actor_, {.code = "X1", .kind = "nonsense", .name_vi = "A", .name_en = "A"}).error().code,
              core::ErrorCode::kInvalidInput);
    EXPECT_EQ(svc_->Create(actor_, {.code = "X1", .kind = "ministry", .name_vi = "", .name_en = "A"}).error().code,
              core::ErrorCode::kInvalidInput);
    EXPECT_EQ(svc_->Create(actor_, {.code = "VPTW", .kind = "ministry", .name_vi = "A", .name_en = "A"}).error().code,
              core::ErrorCode::kConflict);
    EXPECT_EQ(
        svc_->Create(actor_, {.code = "X2", .kind = "ministry", .name_vi = "A", .name_en = "A", .parent_id = 999999})
            .error()
            .code,
        core::ErrorCode::kNotFound);
    EXPECT_EQ(svc_->List().size(), before);
    EXPECT_EQ(log_.Find(Db(), {.action_prefix = "unit.create"}).size(), 0u);
}

TEST_P(Units, TreeMembership_ORG1) {
    auto vptw = *svc_->FindByCode("VPTW");
    auto vdp1 = *svc_->FindByCode("VPTW-VDP1");
    auto root = *svc_->FindByCode("DCSVN");
    EXPECT_TRUE(svc_->IsWithin(vptw.id, vdp1.id));
    EXPECT_TRUE(svc_->IsWithin(root.id, vdp1.id));
    EXPECT_FALSE(svc_->IsWithin(vdp1.id, vptw.id));
    auto created = svc_->Create(actor_, {.code = "VPTW-NEW",
                                         .kind = "office_department",
                                         .name_vi = "Vụ mới",
                                         .name_en = "New department",
                                         .parent_id = vptw.id});
    ASSERT_TRUE(created.ok());
    EXPECT_TRUE(svc_->IsWithin(vptw.id, created->id));
}

VP_INSTANTIATE_DB_TEST(Units);

// covers X-5, ORG-1: every change is checked in the service against the actor's unit scope.
TEST_P(Units, ProvincialAdminCannotCreateTopUnitsWithABadParent_X5) {
    auto hni_admin = Holder("system_admin", "TU-HNI");
    auto top = svc_->Create(hni_admin, {.code = "X-TOP", .kind = "other", .name_vi = "Đơn vị X", .name_en = "X"});
    EXPECT_FALSE(top.ok()) << "parent 0 is a new top unit, not 'any unit'";
    auto bad = svc_->Create(hni_admin,
                            {.code = "X-BAD", .kind = "other", .name_vi = "Đơn vị X", .name_en = "X", .parent_id = -3});
    EXPECT_FALSE(bad.ok());
    auto elsewhere = svc_->Create(hni_admin, {.code = "X-HCM",
                                              .kind = "other",
                                              .name_vi = "Đơn vị X",
                                              .name_en = "X",
                                              .parent_id = svc_->FindByCode("TU-HCM")->id});
    EXPECT_FALSE(elsewhere.ok()) << "another province";
    auto inside = svc_->Create(hni_admin, {.code = "X-HNI",
                                           .kind = "other",
                                           .name_vi = "Đơn vị X",
                                           .name_en = "X",
                                           .parent_id = svc_->FindByCode("TU-HNI")->id});
    EXPECT_TRUE(inside.ok()) << (inside.ok() ? std::string() : core::Text(inside.error().message, "vi"));
    EXPECT_FALSE(svc_->FindByCode("X-TOP"));
    EXPECT_FALSE(svc_->FindByCode("X-HCM"));
}

TEST_P(Units, MergeNeedsScopeOverBothUnits_X5) {
    auto hni_admin = Holder("system_admin", "TU-HNI");
    auto mine = svc_->Create(actor_, {.code = "X-MINE",
                                      .kind = "other",
                                      .name_vi = "Đơn vị của tôi",
                                      .name_en = "Mine",
                                      .parent_id = svc_->FindByCode("TU-HNI")->id});
    ASSERT_TRUE(mine.ok());
    auto into_other = svc_->Merge(hni_admin, mine->id, svc_->FindByCode("TU-HCM")->id, "");
    EXPECT_FALSE(into_other.ok()) << "the target is outside his scope";
    auto other = svc_->FindByCode("VP-HCM");
    ASSERT_TRUE(other);
    EXPECT_FALSE(svc_->Rename(hni_admin, other->id, "Đổi", "Renamed", "", "").ok());
    EXPECT_FALSE(svc_->Dissolve(Holder("editor", "TU-HNI"), mine->id, "").ok()) << "deny by default";
    EXPECT_TRUE(svc_->Dissolve(hni_admin, mine->id, "").ok());
}

}  // namespace
}  // namespace vp
