#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <boost/json/value.hpp>

#include "core/access.hpp"
#include "core/clock.hpp"
#include "core/db/database.hpp"

namespace vp::audit {

/// Who acts, from where: filled by the HTTP layer (or "cli" for the command line).
using Actor = core::access::Actor;

/// What changed. before/after are JSON snapshots of the object (null when absent).
struct Change {
    std::string action;       ///< "unit.rename", "user.approve", ...
    std::string object_type;  ///< "unit", "user", ...
    std::string object_id;
    boost::json::value before;
    boost::json::value after;
};

struct Record {
    std::int64_t seq = 0;
    std::int64_t at = 0;
    std::int64_t actor_user_id = 0;
    std::string actor_username;
    std::int64_t actor_unit_id = 0;
    std::string actor_role;
    std::string action;
    std::string object_type;
    std::string object_id;
    std::string before_json;
    std::string after_json;
    std::string address;
    std::string request_id;
    std::string prev_hash;
    std::string hash;
};

struct Filter {
    std::optional<std::int64_t> from_ms, to_ms;
    std::optional<std::int64_t> actor_user_id;
    std::string action_prefix;
    std::string object_type;
    std::string object_id;
    int limit = 200;
    std::int64_t before_seq = 0;  ///< paging: records with seq < before_seq (0 = newest)
};

struct VerifyReport {
    bool ok = true;
    std::int64_t checked = 0;
    std::int64_t first_broken_seq = 0;  ///< 0 when ok
    std::string problem;                ///< English description for operators
};

/// @brief The append-only, hash-chained audit log (P-9, P-16). Every change in the product
/// calls Record inside the same transaction as the change, so both commit or neither does.
class Log {
public:
    explicit Log(const core::Clock& clock) : clock_(clock) {}

    /// Appends a record and returns its sequence number. Serialised through the audit_head row,
    /// so concurrent writers on any node form one chain. Throws DbError on failure.
    std::int64_t Write(core::db::Connection& c, const Actor& actor, const Change& change) const;

    /// Recomputes the chain from the first record; reports the first record that was altered,
    /// removed or inserted out of order, or a truncated tail.
    VerifyReport Verify(core::db::Database& db) const;

    std::vector<Record> Find(core::db::Database& db, const Filter& filter) const;
    /// RFC 4180 CSV of the records matching filter (limit ignored; up to 100000 rows).
    std::string ExportCsv(core::db::Database& db, Filter filter) const;

    /// SHA-256 (hex) of the previous hash and the canonical form of the record.
    static std::string ChainHash(const std::string& prev_hash, const Record& r);

private:
    const core::Clock& clock_;
};

}  // namespace vp::audit
