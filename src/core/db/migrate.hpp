#pragma once

#include <span>
#include <vector>

#include "core/db/database.hpp"
#include "core/embedded.hpp"

namespace vp::core::db {

struct MigrationReport {
    std::vector<int> applied;  ///< versions applied by this call, in order
    int current = 0;           ///< schema version after the call
};

/// @brief Applies the numbered migrations for the database's engine, in order, each in its own
/// transaction, and records them in `schema_version`. Files are `sqlite/V001__name.sql` and
/// `postgres/V001__name.sql`. Refuses (throws DbError) when a migration already applied has a
/// different checksum: shipped migrations are never edited. On PostgreSQL an advisory lock lets
/// several nodes start at once.
MigrationReport Migrate(Database& db, std::span<const EmbeddedFile> files);

}  // namespace vp::core::db
