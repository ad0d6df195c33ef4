#include "core/db/migrate.hpp"

#include <algorithm>
#include <chrono>
#include <map>
#include <string>

#include <sodium.h>

namespace vp::core::db {
namespace {

struct Migration {
    int version;
    std::string name;
    std::string_view sql;
};

std::string Sha256Hex(std::string_view s) {
    unsigned char out[crypto_hash_sha256_BYTES];
    crypto_hash_sha256(out, reinterpret_cast<const unsigned char*>(s.data()), s.size());
    char hex[crypto_hash_sha256_BYTES * 2 + 1];
    sodium_bin2hex(hex, sizeof hex, out, sizeof out);
    return hex;
}

std::vector<Migration> Collect(std::span<const EmbeddedFile> files, std::string_view prefix) {
    std::vector<Migration> out;
    for (const auto& f : files) {
        if (f.path.rfind(prefix, 0) != 0) continue;
        auto file = f.path.substr(prefix.size());
        if (file.size() < 6 || file[0] != 'V') continue;
        auto sep = file.find("__");
        if (sep == std::string_view::npos) continue;
        out.push_back({std::stoi(std::string(file.substr(1, sep - 1))), std::string(file.substr(sep + 2)), f.content});
    }
    std::sort(out.begin(), out.end(), [](auto& a, auto& b) { return a.version < b.version; });
    for (std::size_t i = 1; i < out.size(); ++i) {
        if (out[i].version == out[i - 1].version) throw DbError("duplicate migration version " + out[i].name);
    }
    return out;
}

}  // namespace

namespace {

std::int64_t NowMs() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
        .count();
}

// Applies one sequence (the platform's, or one module's) recorded in `table` (with `module`
// as part of the key unless empty).
void ApplySequence(Connection& c, const std::vector<Migration>& migrations, const std::string& module,
                   MigrationReport& report) {
    const bool platform = module.empty();
    std::map<int, std::string> applied;
    auto rows = platform ? c.Query("SELECT version, checksum FROM schema_version")
                         : c.Query("SELECT version, checksum FROM module_schema_version WHERE module = $1", {module});
    for (const auto& row : rows) applied[static_cast<int>(row.Int(0))] = row.Text(1);
    const std::string label = platform ? "" : module + " ";
    for (const auto& m : migrations) {
        auto sum = Sha256Hex(m.sql);
        if (auto it = applied.find(m.version); it != applied.end()) {
            if (it->second != sum) {
                throw DbError("migration " + label + "V" + std::to_string(m.version) + " (" + m.name +
                              ") was changed after it was applied; add a new migration instead");
            }
            if (platform) report.current = m.version;
            continue;
        }
        c.Begin();
        try {
            c.ExecuteScript(m.sql);
            if (platform) {
                c.Execute("INSERT INTO schema_version (version, name, checksum, applied_at) VALUES ($1, $2, $3, $4)",
                          {m.version, m.name, sum, NowMs()});
            } else {
                c.Execute(
                    "INSERT INTO module_schema_version (module, version, name, checksum, applied_at)"
                    " VALUES ($1, $2, $3, $4, $5)",
                    {module, m.version, m.name, sum, NowMs()});
            }
            c.Commit();
        } catch (...) {
            c.Rollback();
            throw;
        }
        if (platform) {
            report.applied.push_back(m.version);
            report.current = m.version;
        } else {
            report.modules_applied.push_back(module + " V" + std::to_string(m.version));
        }
    }
}

}  // namespace

namespace {

MigrationReport MigrateSequences(Database& db, std::span<const EmbeddedFile> files, std::span<const std::string> modules,
                                 bool with_platform) {
    const bool pg = db.GetEngine() == Engine::kPostgres;
    const std::string engine = pg ? "postgres/" : "sqlite/";
    MigrationReport report;
    auto lease = db.Acquire();
    Connection& c = *lease;
    if (pg) c.Execute("SELECT pg_advisory_lock(7215001)");
    struct Unlock {
        Connection& c;
        bool pg;
        ~Unlock() {
            if (pg) {
                try {
                    c.Execute("SELECT pg_advisory_unlock(7215001)");
                } catch (...) {
                }
            }
        }
    } unlock{c, pg};
    c.ExecuteScript(
        "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER PRIMARY KEY, name TEXT NOT NULL,"
        " checksum TEXT NOT NULL, applied_at BIGINT NOT NULL);"
        "CREATE TABLE IF NOT EXISTS module_schema_version (module TEXT NOT NULL, version INTEGER NOT NULL,"
        " name TEXT NOT NULL, checksum TEXT NOT NULL, applied_at BIGINT NOT NULL, PRIMARY KEY (module, version))");
    // The platform's sequence first (migrations/<engine>/), then each module's own
    // (migrations/<module>/<engine>/) in the order given, which is the modules' dependency order.
    if (with_platform) ApplySequence(c, Collect(files, engine), "", report);
    for (const auto& m : modules) ApplySequence(c, Collect(files, m + "/" + engine), m, report);
    return report;
}

}  // namespace

MigrationReport Migrate(Database& db, std::span<const EmbeddedFile> files, std::span<const std::string> modules) {
    return MigrateSequences(db, files, modules, true);
}

MigrationReport MigrateModuleOnly(Database& db, std::span<const EmbeddedFile> files, const std::string& module) {
    return MigrateSequences(db, files, std::span<const std::string>(&module, 1), false);
}

}  // namespace vp::core::db
