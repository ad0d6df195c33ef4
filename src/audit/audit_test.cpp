// covers P-9, P-16 (hash-chained audit log, tamper detection) on both engines
#include <gtest/gtest.h>

#include "audit/audit.hpp"
#include "core/testing/db_fixture.hpp"

namespace vp {
namespace {

using core::db::Connection;

class AuditLog : public testing::DbTest {
protected:
    void WriteN(int n) {
        audit::Log log(clock_);
        for (int i = 1; i <= n; ++i) {
            Db().Transact([&](Connection& c) {
                log.Write(c, {.user_id = 0, .username = "tester", .role = "system_admin", .address = "127.0.0.1", .request_id = "r" + std::to_string(i)},
                          {.action = "unit.rename", .object_type = "unit", .object_id = std::to_string(i),
                           .before = boost::json::object{{"name", "A"}}, .after = boost::json::object{{"name", "B"}}});
            });
            clock_.Advance(std::chrono::seconds(1));
        }
    }
};

TEST_P(AuditLog, IntactChainVerifies_P9) {
    WriteN(5);
    audit::Log log(clock_);
    auto rep = log.Verify(Db());
    EXPECT_TRUE(rep.ok) << rep.problem;
    EXPECT_EQ(rep.checked, 5);
}

TEST_P(AuditLog, AlteredRecordIsNamed_P9) {
    WriteN(5);
    Db().Transact([](Connection& c) { c.Execute("UPDATE audit_log SET after_json = '{\"name\":\"X\"}' WHERE seq = 3"); });
    auto rep = audit::Log(clock_).Verify(Db());
    EXPECT_FALSE(rep.ok);
    EXPECT_EQ(rep.first_broken_seq, 3);
}

TEST_P(AuditLog, RemovedRecordIsNamed_P16) {
    WriteN(5);
    Db().Transact([](Connection& c) { c.Execute("DELETE FROM audit_log WHERE seq = 2"); });
    auto rep = audit::Log(clock_).Verify(Db());
    EXPECT_FALSE(rep.ok);
    EXPECT_EQ(rep.first_broken_seq, 2);
}

TEST_P(AuditLog, RemovedTailIsDetected_P16) {
    WriteN(5);
    Db().Transact([](Connection& c) { c.Execute("DELETE FROM audit_log WHERE seq >= 4"); });
    auto rep = audit::Log(clock_).Verify(Db());
    EXPECT_FALSE(rep.ok);
    EXPECT_EQ(rep.first_broken_seq, 4);
}

TEST_P(AuditLog, RecomputedHashStillBreaksTheNextLink_P9) {
    WriteN(4);
    // An attacker who alters record 2 and recomputes its hash still breaks record 3's link.
    auto r2 = audit::Log(clock_).Find(Db(), {.object_id = "2"}).at(0);
    r2.actor_username = "someone-else";
    auto forged = audit::Log::ChainHash(r2.prev_hash, r2);
    Db().Transact([&](Connection& c) {
        c.Execute("UPDATE audit_log SET actor_username = $1, hash = $2 WHERE seq = 2", {r2.actor_username, forged});
    });
    auto rep = audit::Log(clock_).Verify(Db());
    EXPECT_FALSE(rep.ok);
    EXPECT_EQ(rep.first_broken_seq, 3);
}

TEST_P(AuditLog, WriteRollsBackWithTheChange_P9) {
    audit::Log log(clock_);
    EXPECT_THROW(Db().Transact([&](Connection& c) {
        log.Write(c, {}, {.action = "x", .object_type = "y"});
        throw std::runtime_error("change failed");
    }),
                 std::runtime_error);
    EXPECT_TRUE(log.Find(Db(), {}).empty());
    EXPECT_TRUE(log.Verify(Db()).ok);
}

TEST_P(AuditLog, FilterAndCsv_P9) {
    WriteN(3);
    audit::Log log(clock_);
    auto only2 = log.Find(Db(), {.object_type = "unit", .object_id = "2"});
    ASSERT_EQ(only2.size(), 1u);
    EXPECT_EQ(only2[0].request_id, "r2");
    auto by_action = log.Find(Db(), {.action_prefix = "unit."});
    EXPECT_EQ(by_action.size(), 3u);
    EXPECT_TRUE(log.Find(Db(), {.action_prefix = "user."}).empty());
    auto csv = log.ExportCsv(Db(), {});
    EXPECT_NE(csv.find("\"unit.rename\""), std::string::npos);
    EXPECT_EQ(std::count(csv.begin(), csv.end(), '\n'), 4);
}

VP_INSTANTIATE_DB_TEST(AuditLog);

}  // namespace
}  // namespace vp
