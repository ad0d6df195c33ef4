// covers X-5 (transactions, migrations) on both engines
#include <gtest/gtest.h>

#include <cstdio>
#include <functional>
#include <stdexcept>

#include "core/db/migrate.hpp"
#include "core/testing/db_fixture.hpp"

namespace vp {
namespace {

using core::db::Connection;
using testing::DbTest;

class DbBasics : public DbTest {};

TEST_P(DbBasics, InsertSelectWithParameters) {
    Db().Transact([](Connection& c) {
        c.Execute("INSERT INTO units (code, kind, created_at) VALUES ($1, $2, $3)", {"x1", "test", 5});
    });
    auto row = Db().Read(
        [](Connection& c) { return c.QueryOne("SELECT code, kind, created_at FROM units WHERE code = $1", {"x1"}); });
    ASSERT_TRUE(row);
    EXPECT_EQ(row->Text(0), "x1");
    EXPECT_EQ(row->Int(2), 5);
}

TEST_P(DbBasics, ParametersAreNeverInterpretedAsSql) {
    const std::string hostile = "x'); DROP TABLE units; --";
    Db().Transact(
        [&](Connection& c) { c.Execute("INSERT INTO units (code, kind, created_at) VALUES ($1, 'k', 1)", {hostile}); });
    auto n = Db().Read(
        [&](Connection& c) { return c.QueryOne("SELECT COUNT(*) FROM units WHERE code = $1", {hostile})->Int(0); });
    EXPECT_EQ(n, 1);
}

TEST_P(DbBasics, UniqueViolationIsTyped) {
    Db().Transact([](Connection& c) { c.Execute("INSERT INTO units (code, kind, created_at) VALUES ('u', 'k', 1)"); });
    EXPECT_THROW(Db().Transact([](Connection& c) {
        c.Execute("INSERT INTO units (code, kind, created_at) VALUES ('u', 'k', 1)");
    }),
                 core::db::UniqueViolation);
}

TEST_P(DbBasics, ExceptionRollsBack) {
    EXPECT_THROW(Db().Transact([](Connection& c) {
        c.Execute("INSERT INTO units (code, kind, created_at) VALUES ('r', 'k', 1)");
        throw std::runtime_error("boom");
    }),
                 std::runtime_error);
    auto n = Db().Read([](Connection& c) { return c.QueryOne("SELECT COUNT(*) FROM units WHERE code = 'r'")->Int(0); });
    EXPECT_EQ(n, 0);
}

TEST_P(DbBasics, ErrorResultRollsBack) {
    auto r = Db().Transact([](Connection& c) -> core::Status {
        c.Execute("INSERT INTO units (code, kind, created_at) VALUES ('e', 'k', 1)");
        return core::InvalidInput(core::Msg("core.job_failed"));
    });
    EXPECT_FALSE(r.ok());
    auto n = Db().Read([](Connection& c) { return c.QueryOne("SELECT COUNT(*) FROM units WHERE code = 'e'")->Int(0); });
    EXPECT_EQ(n, 0);
}

// After-commit callbacks run once the change is visible to other connections, and never for a
// transaction that rolls back (an exception or an error Result). covers X-7 (read-your-writes)
TEST_P(DbBasics, AfterCommitCallbacksRunOnlyOnceCommitted) {
    std::vector<std::string> ran;
    auto count = [&](const char* code) {
        return Db().Read([&](Connection& c) {
            return c.QueryOne("SELECT COUNT(*) FROM units WHERE code = $1", {std::string(code)})->Int(0);
        });
    };
    Db().Transact([&](Connection& c) {
        c.Execute("INSERT INTO units (code, kind, created_at) VALUES ('ac', 'k', 1)");
        c.AfterCommit([&] { ran.push_back("ac:" + std::to_string(count("ac"))); });
        EXPECT_TRUE(ran.empty()) << "not before the commit";
    });
    EXPECT_EQ(ran, std::vector<std::string>{"ac:1"}) << "after it, and the row is visible";
    EXPECT_THROW(Db().Transact([&](Connection& c) {
        c.AfterCommit([&] { ran.push_back("thrown"); });
        throw std::runtime_error("boom");
    }),
                 std::runtime_error);
    auto r = Db().Transact([&](Connection& c) -> core::Status {
        c.AfterCommit([&] { ran.push_back("refused"); });
        return core::InvalidInput(core::Msg("core.job_failed"));
    });
    EXPECT_FALSE(r.ok());
    Db().Transact([&](Connection& c) { c.AfterCommit([&] { throw std::runtime_error("a failing callback"); }); });
    Db().Read([&](Connection& c) { c.AfterCommit([&] { ran.push_back("outside"); }); });
    EXPECT_EQ(ran, (std::vector<std::string>{"ac:1", "outside"})) << "outside a transaction: at once";
}

TEST_P(DbBasics, ForeignKeysAreEnforced) {
    EXPECT_THROW(Db().Transact([](Connection& c) {
        c.Execute("INSERT INTO units (code, kind, parent_id, created_at) VALUES ('f', 'k', 999999, 1)");
    }),
                 core::db::ConstraintViolation);
}

TEST_P(DbBasics, MigrationsAreIdempotentAndChecksummed) {
    std::vector<core::EmbeddedFile> files = {{"sqlite/V900__extra.sql", "CREATE TABLE extra_t (id BIGINT);"},
                                             {"postgres/V900__extra.sql", "CREATE TABLE extra_t (id BIGINT);"}};
    auto first = core::db::Migrate(Db(), files);
    EXPECT_EQ(first.applied, std::vector<int>{900});
    auto again = core::db::Migrate(Db(), files);
    EXPECT_TRUE(again.applied.empty());
    std::vector<core::EmbeddedFile> edited = {{"sqlite/V900__extra.sql", "CREATE TABLE extra_t (id TEXT);"},
                                              {"postgres/V900__extra.sql", "CREATE TABLE extra_t (id TEXT);"}};
    EXPECT_THROW(core::db::Migrate(Db(), edited), core::db::DbError);
}

// covers X-5 (the module seam): modules number their migrations on their own; the same number
// in two modules never collides, and dependency order is kept.
TEST_P(DbBasics, ModulesHaveTheirOwnMigrationSequences) {
    std::vector<core::EmbeddedFile> files = {
        {"alpha/sqlite/V001__a.sql", "CREATE TABLE alpha_t (id BIGINT);"},
        {"alpha/postgres/V001__a.sql", "CREATE TABLE alpha_t (id BIGINT);"},
        {"beta/sqlite/V001__b.sql", "CREATE TABLE beta_t (id BIGINT, a BIGINT);"},
        {"beta/postgres/V001__b.sql", "CREATE TABLE beta_t (id BIGINT, a BIGINT);"},
        {"beta/sqlite/V002__b2.sql", "INSERT INTO alpha_t (id) VALUES (1);"},
        {"beta/postgres/V002__b2.sql", "INSERT INTO alpha_t (id) VALUES (1);"}};
    const std::vector<std::string> order{"alpha", "beta"};
    auto first = core::db::Migrate(Db(), files, order);
    EXPECT_EQ(first.modules_applied, (std::vector<std::string>{"alpha V1", "beta V1", "beta V2"}));
    EXPECT_TRUE(core::db::Migrate(Db(), files, order).modules_applied.empty()) << "applied once";
    auto n = Db().Read([](Connection& c) { return c.QueryOne("SELECT COUNT(*) FROM alpha_t")->Int(0); });
    EXPECT_EQ(n, 1);
    files[2].content = "CREATE TABLE beta_t (id TEXT);";
    files[3].content = "CREATE TABLE beta_t (id TEXT);";
    EXPECT_THROW(core::db::Migrate(Db(), files, order), core::db::DbError)
        << "an edited module migration stops the start";
}

// A partition (08-QC/TW Art. 5.2): its own file or schema, holding only its module's tables,
// blind to the main database's.
TEST_P(DbBasics, APartitionIsASeparateStoreWithOnlyItsOwnMigrations) {
    std::vector<core::EmbeddedFile> files = {
        {"sqlite/V900__main.sql", "CREATE TABLE main_only (id BIGINT);"},
        {"postgres/V900__main.sql", "CREATE TABLE main_only (id BIGINT);"},
        {"vault/sqlite/V001__v.sql", "CREATE TABLE vault_t (id BIGINT);"},
        {"vault/postgres/V001__v.sql", "CREATE TABLE vault_t (id BIGINT);"}};
    Db().Read([](Connection& c) { c.ExecuteScript("CREATE TABLE main_t (id BIGINT)"); });
    char rnd[7];
    std::snprintf(rnd, sizeof rnd, "%06x", static_cast<unsigned>(std::hash<std::string>{}(url_)) & 0xffffffu);
    const std::string name = std::string("vault_") + rnd;
    const std::string sqlite_path = name + "/sqlite/V001__v.sql", pg_path = name + "/postgres/V001__v.sql";
    files[2].path = sqlite_path;  // the files hold views of these names
    files[3].path = pg_path;
    auto part = core::db::OpenPartition(url_, name);
    auto report = core::db::MigrateModuleOnly(*part, files, name);
    EXPECT_EQ(report.modules_applied, (std::vector<std::string>{name + " V1"}));
    EXPECT_TRUE(report.applied.empty()) << "none of the platform's migrations";
    part->Read([](Connection& c) { c.Execute("INSERT INTO vault_t (id) VALUES (7)"); });
    EXPECT_THROW(part->Read([](Connection& c) { c.Query("SELECT COUNT(*) FROM main_t"); }), core::db::DbError)
        << "the main tables are out of its reach";
    EXPECT_THROW(part->Read([](Connection& c) { c.Query("SELECT COUNT(*) FROM main_only"); }), core::db::DbError);
    EXPECT_THROW(Db().Read([](Connection& c) { c.Query("SELECT COUNT(*) FROM vault_t"); }), core::db::DbError)
        << "and its tables out of the main database's";
    EXPECT_TRUE(core::db::MigrateModuleOnly(*part, files, name).modules_applied.empty()) << "applied once";
    EXPECT_THROW(core::db::OpenPartition(url_, "bad\"name"), std::invalid_argument);
    EXPECT_THROW(core::db::OpenPartition(url_, "Upper"), std::invalid_argument);
    EXPECT_THROW(core::db::OpenPartition(url_, "1digit"), std::invalid_argument);
}

TEST_P(DbBasics, BigIntegersRoundTrip) {
    const std::int64_t big = 1767225600123;
    Db().Transact(
        [&](Connection& c) { c.Execute("INSERT INTO units (code, kind, created_at) VALUES ('b', 'k', $1)", {big}); });
    auto v =
        Db().Read([](Connection& c) { return c.QueryOne("SELECT created_at FROM units WHERE code = 'b'")->Int(0); });
    EXPECT_EQ(v, big);
}

TEST_P(DbBasics, SnapshotSeesOneStateWhileOthersCommit) {
    Db().Transact([](Connection& c) { c.Execute("INSERT INTO units (code, kind, created_at) VALUES ('s1', 'k', 1)"); });
    auto count = [](Connection& c) { return c.QueryOne("SELECT COUNT(*) FROM units WHERE code LIKE 's%'")->Int(0); };
    auto seen = Db().Snapshot([&](Connection& c) {
        auto first = count(c);
        // Another connection commits while the snapshot is open.
        Db().Transact(
            [](Connection& w) { w.Execute("INSERT INTO units (code, kind, created_at) VALUES ('s2', 'k', 1)"); });
        return std::pair{first, count(c)};
    });
    EXPECT_EQ(seen.first, 1);
    EXPECT_EQ(seen.second, 1) << "a snapshot must not see a later commit";
    EXPECT_EQ(Db().Read(count), 2);
}

TEST_P(DbBasics, SnapshotIsReadOnlyAndLeavesTheConnectionWritable) {
    EXPECT_THROW(Db().Snapshot([](Connection& c) {
        c.Execute("INSERT INTO units (code, kind, created_at) VALUES ('ro', 'k', 1)");
    }),
                 core::db::DbError);
    EXPECT_THROW(Db().Snapshot([](Connection& c) {
        c.ExecuteScript("SELECT 1; INSERT INTO units (code, kind, created_at) VALUES ('ro', 'k', 1)");
    }),
                 core::db::DbError)
        << "a script is checked statement by statement";
    EXPECT_NO_THROW(Db().Snapshot([](Connection& c) { c.ExecuteScript("SELECT 1; SELECT 2"); }));
    // The pool hands the same connections out again: writes work after a snapshot ended.
    for (int i = 0; i < 8; ++i) {
        Db().Snapshot([](Connection& c) { c.Query("SELECT COUNT(*) FROM units"); });
        Db().Transact([&](Connection& c) {
            c.Execute("INSERT INTO units (code, kind, created_at) VALUES ($1, 'k', 1)", {"w" + std::to_string(i)});
        });
    }
    EXPECT_EQ(
        Db().Read([](Connection& c) { return c.QueryOne("SELECT COUNT(*) FROM units WHERE code LIKE 'w%'")->Int(0); }),
        8);
    EXPECT_EQ(
        Db().Read([](Connection& c) { return c.QueryOne("SELECT COUNT(*) FROM units WHERE code = 'ro'")->Int(0); }), 0);
}

VP_INSTANTIATE_DB_TEST(DbBasics);

}  // namespace
}  // namespace vp
