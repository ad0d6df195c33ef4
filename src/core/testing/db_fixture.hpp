#pragma once

#include <memory>
#include <string>

#include <gtest/gtest.h>

#include "core/clock.hpp"
#include "core/db/database.hpp"

namespace vp::testing {

/// Opens a fresh, migrated database of the given engine for one test:
/// SQLite in a new temporary file; PostgreSQL in a new schema of the server named by
/// VANPHONG_TEST_PG_DSN. Returns nullptr when PostgreSQL is not configured (the test then
/// skips, unless CI=true, where a missing server fails the test).
std::unique_ptr<core::db::Database> OpenTestDatabase(core::db::Engine engine, std::string* url_out = nullptr);

/// Parameterised over both engines: every storage test runs on SQLite and PostgreSQL.
class DbTest : public ::testing::TestWithParam<core::db::Engine> {
protected:
    void SetUp() override;
    core::db::Database& Db() { return *db_; }
    std::unique_ptr<core::db::Database> db_;
    std::string url_;
    core::FakeClock clock_{core::FromMillis(1767225600000)};  // 2026-01-01T00:00:00Z
};

std::string EngineName(const ::testing::TestParamInfo<core::db::Engine>& info);

#define VP_INSTANTIATE_DB_TEST(Suite)                                                                               \
    INSTANTIATE_TEST_SUITE_P(Engines, Suite,                                                                        \
                             ::testing::Values(::vp::core::db::Engine::kSqlite, ::vp::core::db::Engine::kPostgres), \
                             ::vp::testing::EngineName)

}  // namespace vp::testing
