// covers T-5 on both engines: Mật and Tối mật documents in their own partition, sealed at rest,
// only the fields of Art. 5.2, clearance per level, every read audited; Tuyệt mật refused.
#include <gtest/gtest.h>

#include <atomic>
#include <fstream>
#include <sstream>
#include <thread>

#include "calendar/iso_time.hpp"
#include "core/db/migrate.hpp"
#include "core/embedded.hpp"
#include "core/message.hpp"
#include "core/testing/db_fixture.hpp"
#include "tasks/secret.hpp"
#include "tasks/tasks.hpp"

namespace vp::embedded {
std::span<const vp::core::EmbeddedFile> Migrations();
}

namespace vp::tasks {
namespace {

using core::access::Principal;

core::TimePoint At(std::string_view iso) { return calendar::TryParseIso(iso).value(); }

std::string Slurp(const std::string& path) {
    std::ifstream in(path);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

class SecretPartition : public testing::DbTest {
protected:
    void SetUp() override {
        DbTest::SetUp();
        if (IsSkipped() || HasFailure()) return;
        // The partition: a database of its own, holding only the partition's migrations.
        partition_ = testing::OpenTestDatabase(GetParam());
        ASSERT_TRUE(partition_);
        core::db::MigrateModuleOnly(*partition_, embedded::Migrations(), "tasks_secret");
        for (const char* r : {"task_office", "unit_focal_point", "unit_approver", "monitoring_officer", "inspector",
                              "secret_clearance_mat", "secret_clearance_toi_mat"})
            policy_.AddRole({.code = r, .rank = 1});
        units::DeclareAccess(policy_);
        DeclareAccess(policy_);
        units_ = std::make_unique<units::Service>(Db(), log_, clock_, policy_);
        policy_.SetUnitTree(units_.get());
        ASSERT_TRUE(units_->SeedIfEmpty(op_, Slurp(std::string(VP_SOURCE_DIR) + "/data/units/seed.json")).ok());
        clock_.Set(At("2026-03-09T09:00:00+07:00"));
        box_ = core::SecretBox::Random();
        reg_ = std::make_unique<SecretRegister>(*partition_, *box_, Db(), log_, clock_, policy_, *units_);
        office_ = As({"task_office", "secret_clearance_toi_mat"}, "VPTW-VTH", 1);
        office_mat_ = As({"task_office", "secret_clearance_mat"}, "VPTW-VTH", 2);
        office_plain_ = As({"task_office"}, "VPTW-VTH", 3);
        approver_ = As({"unit_approver", "secret_clearance_mat"}, "TU-HNI", 4);
        approver_plain_ = As({"unit_approver"}, "TU-HNI", 5);
        hue_approver_ = As({"unit_approver", "secret_clearance_toi_mat"}, "TU-HUE", 6);
        monitor_ = As({"monitoring_officer", "secret_clearance_toi_mat"}, "VPTW-VTH", 7);
        focal_ = As({"unit_focal_point", "secret_clearance_mat"}, "TU-HNI", 8);
    }

    Principal As(std::vector<std::string> roles, std::string_view unit, std::int64_t id) {
        auto u = units_->FindByCode(unit);
        EXPECT_TRUE(u) << unit;
        Principal p;
        p.user_id = id;
        p.username = "user" + std::to_string(id);
        p.unit_id = u ? u->id : 0;
        for (auto& r : roles) p.grants.push_back({id, std::move(r), p.unit_id, ""});
        return p;
    }

    NewSecretDocument Doc(std::string secrecy = "mat") {
        return {.fields = {"secrecy", "kind", "title", "number", "symbol", "issued_on", "signer", "submitting_unit",
                           "issuing_unit", "lead_units", "monitoring_unit", "task_count", "deadline"},
                .secrecy = std::move(secrecy),
                .kind = "resolution",
                .title = "Nghị quyết về bảo vệ chủ quyền biển đảo",
                .number = "07",
                .symbol = "NQ/TW",
                .issued_on = "2026-03-02",
                .signer = "Tô Lâm",
                .submitting_unit = "Ban Nội chính Trung ương",
                .issuing_unit = "Bộ Chính trị",
                .lead_units = {"TU-HNI"},
                .monitoring_unit = "VPTW-VTH",
                .task_count = 6,
                .deadline = At("2026-06-30T17:00:00+07:00")};
    }

    std::int64_t CountIn(core::db::Database& db, const std::string& sql) {
        return db.Read([&](core::db::Connection& c) { return c.QueryOne(sql)->Int(0); });
    }
    std::int64_t Stored() { return CountIn(*partition_, "SELECT COUNT(*) FROM secret_documents"); }
    std::vector<audit::Record> Audited(const std::string& action) {
        return log_.Find(Db(), {.action_prefix = action});
    }

    std::unique_ptr<core::db::Database> partition_;
    std::unique_ptr<core::SecretBox> box_;
    audit::Log log_{clock_};
    core::access::Policy policy_;
    Principal op_ = Principal::Operator();
    std::unique_ptr<units::Service> units_;
    std::unique_ptr<SecretRegister> reg_;
    Principal office_, office_mat_, office_plain_, approver_, approver_plain_, hue_approver_, monitor_, focal_;
};

TEST_P(SecretPartition, ASecretDocumentIsKeptApartAndSealed_T5) {
    auto d = reg_->Create(office_, Doc());
    ASSERT_TRUE(d.ok()) << core::Text(d.error().message, "en");
    EXPECT_EQ(d->title, "Nghị quyết về bảo vệ chủ quyền biển đảo");
    EXPECT_EQ(d->task_count, 6);
    EXPECT_EQ(d->result, SecretResult::kNotDoneWithinDeadline);
    ASSERT_EQ(d->lead_units.size(), 1u);
    EXPECT_EQ(d->lead_units[0].code, "TU-HNI");
    EXPECT_EQ(Stored(), 1);
    // Nothing of it in the main database's tables; its text sealed in the partition.
    EXPECT_EQ(CountIn(Db(), "SELECT COUNT(*) FROM audit_log WHERE after_json LIKE '%biển đảo%'"), 0);
    auto raw = partition_->Read([](core::db::Connection& c) {
        return c.QueryOne("SELECT sealed FROM secret_documents")->Text(0);
    });
    EXPECT_TRUE(core::SecretBox::IsSealed(raw));
    EXPECT_EQ(raw.find("biển"), std::string::npos);
    EXPECT_EQ(raw.find("Tô Lâm"), std::string::npos);
    // Another key opens nothing.
    auto other = core::SecretBox::Random();
    EXPECT_FALSE(other->Open(raw).ok());
    ASSERT_EQ(Audited("tasks.secret.create").size(), 1u);
    EXPECT_EQ(Audited("tasks.secret.create")[0].after_json.find("biển"), std::string::npos)
        << "the audit record names the document, never its sealed text";
}

TEST_P(SecretPartition, AFieldOutsideArticle52IsRefusedNamingItAndNothingIsStored_T5) {
    for (const char* field : {"summary", "files", "content", "tasks", "results", "products", "progress"}) {
        auto in = Doc();
        in.fields.emplace_back(field);
        auto r = reg_->Create(office_, in);
        ASSERT_FALSE(r.ok()) << field;
        EXPECT_EQ(r.error().code, core::ErrorCode::kUnprocessable) << field;
        EXPECT_EQ(r.error().field, field);
        EXPECT_NE(core::Text(r.error().message, "vi").find(field), std::string::npos);
    }
    auto top = reg_->Create(office_, Doc("tuyet_mat"));
    ASSERT_FALSE(top.ok());
    EXPECT_EQ(top.error().code, core::ErrorCode::kUnprocessable);
    EXPECT_NE(core::Text(top.error().message, "vi").find("Điều 5, khoản 3"), std::string::npos);
    auto bad = Doc();
    bad.task_count = 0;
    EXPECT_EQ(reg_->Create(office_, bad).error().field, "task_count");
    bad = Doc();
    bad.title = "Nghị quyết\r\nSet-Cookie: x=1";
    EXPECT_EQ(reg_->Create(office_, bad).error().field, "title");
    bad = Doc();
    bad.lead_units = {"KHONG-CO"};
    EXPECT_EQ(reg_->Create(office_, bad).error().field, "lead_units");
    EXPECT_EQ(Stored(), 0);
    EXPECT_TRUE(Audited("tasks.secret").empty());
}

TEST_P(SecretPartition, OnlyAccountsClearedForTheLevelEnterAndSeeIt_T5) {
    EXPECT_EQ(reg_->Create(office_plain_, Doc()).error().code, core::ErrorCode::kForbidden) << "no clearance";
    EXPECT_EQ(reg_->Create(office_mat_, Doc("toi_mat")).error().code, core::ErrorCode::kForbidden)
        << "Mật clearance does not admit Tối mật";
    EXPECT_EQ(reg_->Create(approver_, Doc()).error().code, core::ErrorCode::kForbidden) << "not the task office";
    EXPECT_EQ(Stored(), 0);
    auto mat = reg_->Create(office_mat_, Doc());
    ASSERT_TRUE(mat.ok());
    auto top = reg_->Create(office_, Doc("toi_mat"));
    ASSERT_TRUE(top.ok());

    EXPECT_TRUE(reg_->Get(approver_, mat->id).ok()) << "the assigned unit, cleared for Mật";
    EXPECT_EQ(reg_->Get(approver_, top->id).error().code, core::ErrorCode::kNotFound) << "not cleared for Tối mật";
    EXPECT_EQ(reg_->Get(approver_plain_, mat->id).error().code, core::ErrorCode::kNotFound) << "no clearance";
    EXPECT_EQ(reg_->Get(hue_approver_, top->id).error().code, core::ErrorCode::kNotFound)
        << "cleared, but a unit the document does not concern";
    EXPECT_TRUE(reg_->Get(monitor_, top->id).ok()) << "the monitoring unit";
    EXPECT_EQ(reg_->List(approver_).size(), 1u);
    EXPECT_EQ(reg_->List(office_).size(), 2u);
    EXPECT_TRUE(reg_->List(approver_plain_).empty());
    EXPECT_TRUE(reg_->List(hue_approver_).empty());
}

TEST_P(SecretPartition, EveryReadIsAudited_T5) {
    auto d = reg_->Create(office_, Doc());
    ASSERT_TRUE(d.ok());
    ASSERT_TRUE(reg_->Get(approver_, d->id).ok());
    ASSERT_TRUE(reg_->Get(monitor_, d->id).ok());
    auto reads = Audited("tasks.secret.read");
    ASSERT_EQ(reads.size(), 2u);
    EXPECT_EQ(reads[0].object_id, std::to_string(d->id));
    EXPECT_EQ(reads[0].actor_user_id + reads[1].actor_user_id, approver_.user_id + monitor_.user_id);
    reg_->List(office_);
    auto lists = Audited("tasks.secret.list");
    ASSERT_EQ(lists.size(), 1u);
    EXPECT_NE(lists[0].after_json.find(std::to_string(d->id)), std::string::npos) << "names what was shown";
    ASSERT_FALSE(reg_->Get(approver_plain_, d->id).ok());
    EXPECT_EQ(Audited("tasks.secret.read").size(), 2u) << "a refused read shows nothing";
}

TEST_P(SecretPartition, TheResultIsOnlyDoneOrNotWithinOrPastTheDeadline_T5) {
    auto d = reg_->Create(office_, Doc());
    ASSERT_TRUE(d.ok());
    EXPECT_EQ(reg_->RecordDone(focal_, d->id).error().code, core::ErrorCode::kForbidden) << "the approver records it";
    EXPECT_EQ(reg_->RecordDone(hue_approver_, d->id).error().code, core::ErrorCode::kNotFound);
    clock_.Set(At("2026-07-01T09:00:00+07:00"));
    EXPECT_EQ(reg_->Get(office_, d->id)->result, SecretResult::kNotDonePastDeadline);
    // Concurrent "done" requests: exactly one is recorded.
    std::atomic<int> ok{0}, conflicts{0};
    std::vector<std::thread> threads;
    for (int i = 0; i < 4; ++i) {
        threads.emplace_back([&] {
            auto r = reg_->RecordDone(approver_, d->id);
            if (r.ok()) ++ok;
            else if (r.error().code == core::ErrorCode::kConflict) ++conflicts;
        });
    }
    for (auto& t : threads) t.join();
    EXPECT_EQ(ok.load(), 1);
    EXPECT_EQ(conflicts.load(), 3);
    auto done = reg_->Get(office_, d->id);
    EXPECT_EQ(done->result, SecretResult::kDonePastDeadline);
    EXPECT_EQ(Audited("tasks.secret.done").size(), 1u);

    EXPECT_EQ(reg_->Evaluate(approver_, d->id, "Tốt").error().code, core::ErrorCode::kForbidden);
    auto ev = reg_->Evaluate(monitor_, d->id, "Hoàn thành, chậm 1 ngày.");
    ASSERT_TRUE(ev.ok());
    EXPECT_EQ(ev->evaluation, "Hoàn thành, chậm 1 ngày.");
    auto raw = partition_->Read([](core::db::Connection& c) {
        return c.QueryOne("SELECT evaluation FROM secret_documents")->Text(0);
    });
    EXPECT_TRUE(core::SecretBox::IsSealed(raw));
}

VP_INSTANTIATE_DB_TEST(SecretPartition);

}  // namespace
}  // namespace vp::tasks
