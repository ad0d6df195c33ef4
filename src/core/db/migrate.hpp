#pragma once

#include <span>
#include <string>
#include <vector>

#include "core/db/database.hpp"
#include "core/embedded.hpp"

namespace vp::core::db {

struct MigrationReport {
    std::vector<int> applied;                  ///< versions applied by this call, in order
    int current = 0;                           ///< platform schema version after the call
    std::vector<std::string> modules_applied;  ///< "portal V1", ... applied by this call
};

/// @brief Applies the numbered migrations for the database's engine, in order, each in its own
/// transaction, and records them in `schema_version`. Files are `sqlite/V001__name.sql` and
/// `postgres/V001__name.sql`. Refuses (throws DbError) when a migration already applied has a
/// different checksum: shipped migrations are never edited. On PostgreSQL an advisory lock lets
/// several nodes start at once.
///
/// Modules number their own migrations: `<module>/sqlite/V001__name.sql` and
/// `<module>/postgres/V001__name.sql`, recorded per module in `module_schema_version`, so two
/// modules never collide on a number. `modules` lists the modules in dependency order; the
/// platform's sequence (`sqlite/`, `postgres/` at the top) always comes first.
MigrationReport Migrate(Database& db, std::span<const EmbeddedFile> files, std::span<const std::string> modules = {});

/// Applies only the migrations of `module` (`<module>/<engine>/V###__name.sql`), recorded in the
/// database's own `module_schema_version`: a partition holding one module's data apart
/// (OpenPartition), which carries none of the platform's tables.
MigrationReport MigrateModuleOnly(Database& db, std::span<const EmbeddedFile> files, const std::string& module);

}  // namespace vp::core::db
