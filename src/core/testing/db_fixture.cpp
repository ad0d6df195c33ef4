#include "core/testing/db_fixture.hpp"

#include <sodium.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>

#include "core/db/migrate.hpp"
#include "core/embedded.hpp"

namespace vp::embedded {
std::span<const vp::core::EmbeddedFile> Migrations();
}

namespace vp::testing {

std::string EngineName(const ::testing::TestParamInfo<core::db::Engine>& info) {
    return info.param == core::db::Engine::kSqlite ? "Sqlite" : "Postgres";
}

std::unique_ptr<core::db::Database> OpenTestDatabase(core::db::Engine engine, std::string* url_out) {
    if (sodium_init() < 0) return nullptr;
    char rnd[9];
    unsigned char b[4];
    randombytes_buf(b, sizeof b);
    sodium_bin2hex(rnd, sizeof rnd, b, sizeof b);
    std::unique_ptr<core::db::Database> db;
    std::string url;
    if (engine == core::db::Engine::kSqlite) {
        auto dir = std::filesystem::temp_directory_path() / ("vp-test-" + std::to_string(getpid()));
        std::filesystem::create_directories(dir);
        url = (dir / (std::string("t") + rnd + ".db")).string();
        db = core::db::OpenSqlite({.path = url, .pool_size = 4});
    } else {
        const char* dsn = std::getenv("VANPHONG_TEST_PG_DSN");
        if (!dsn || !*dsn) return nullptr;
        std::string schema = std::string("t_") + rnd;
        {
            auto admin = core::db::OpenPostgres({.dsn = dsn, .pool_size = 1});
            admin->Read([&](core::db::Connection& c) { c.ExecuteScript("CREATE SCHEMA " + schema); });
        }
        url = std::string(dsn) + (std::string(dsn).find('?') == std::string::npos ? "?" : "&") +
              "options=-csearch_path%3D" + schema;
        db = core::db::OpenPostgres({.dsn = url, .pool_size = 4});
    }
    core::db::Migrate(*db, embedded::Migrations());
    if (url_out) *url_out = url;
    return db;
}

void DbTest::SetUp() {
    db_ = OpenTestDatabase(GetParam(), &url_);
    if (!db_) {
        const char* ci = std::getenv("CI");
        if (ci && std::string(ci) == "true") FAIL() << "VANPHONG_TEST_PG_DSN is not set in CI";
        GTEST_SKIP() << "PostgreSQL not configured (set VANPHONG_TEST_PG_DSN)";
    }
}

}  // namespace vp::testing
