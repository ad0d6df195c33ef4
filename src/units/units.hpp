#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <boost/json/value.hpp>

#include "audit/audit.hpp"
#include "core/clock.hpp"
#include "core/db/database.hpp"
#include "core/result.hpp"

namespace vp::units {

/// A unit as of one date: `name_*` are the names in force on that date (ORG-2).
struct Unit {
    std::int64_t id = 0;
    std::string code;
    std::string kind;  ///< see kKinds
    std::int64_t parent_id = 0;
    std::string name_vi;
    std::string name_en;
    std::string short_name;
    std::string status;  ///< active | merged | dissolved
    std::string ended_on;
    std::int64_t merged_into_id = 0;
    std::int64_t sort_order = 0;
};

struct NameRecord {
    std::string name_vi, name_en, short_name, valid_from, valid_to;
};

/// Unit kinds (ORG-1). When adding one ^, also add its label in templates' i18n files.
inline const std::vector<std::string> kKinds = {
    "party",          "group",           "issuing_body",    "central_office",      "office_department",
    "central_agency", "direct_committee", "ministry",       "mass_organisation",   "provincial_committee",
    "provincial_office", "inspection_commission", "other"};

struct NewUnit {
    std::string code, kind, name_vi, name_en, short_name;
    std::int64_t parent_id = 0;
    std::string valid_from;  ///< YYYY-MM-DD; default today
};

boost::json::value ToJson(const Unit& u);

/// @brief The registry of units as a tree (ORG-1, ORG-2). Renames, merges and dissolutions
/// take effect on a date and keep history: nothing is deleted, and a record dated D shows the
/// name in force on D. Every change is audited in its transaction. Thread-safe.
class Service {
public:
    Service(core::db::Database& db, audit::Log& audit, const core::Clock& clock) : db_(db), audit_(audit), clock_(clock) {}

    /// All units (active and ended) with names as of `date` (YYYY-MM-DD; default today),
    /// parents before children, siblings by sort order.
    std::vector<Unit> List(std::string date = {}) const;
    std::optional<Unit> Find(std::int64_t id, std::string date = {}) const;
    std::optional<Unit> FindByCode(std::string_view code, std::string date = {}) const;
    std::vector<NameRecord> NameHistory(std::int64_t id) const;
    /// True when `unit` is `ancestor` or below it in the tree.
    bool IsWithin(std::int64_t ancestor, std::int64_t unit) const;

    core::Result<Unit> Create(const audit::Actor& actor, NewUnit u);
    core::Result<Unit> Rename(const audit::Actor& actor, std::int64_t id, std::string name_vi, std::string name_en,
                              std::string short_name, std::string effective);
    /// Ends `from` on `effective`; its successor is `into`. Refused while `from` has active children.
    core::Result<Unit> Merge(const audit::Actor& actor, std::int64_t from, std::int64_t into, std::string effective);
    core::Result<Unit> Dissolve(const audit::Actor& actor, std::int64_t id, std::string effective);

    /// Loads data/units/seed.json (a nested tree) when the registry is empty; returns the
    /// number of units created (0 when units already exist).
    core::Result<int> SeedIfEmpty(const audit::Actor& actor, std::string_view seed_json);

    std::string Today() const;

private:
    core::db::Database& db_;
    audit::Log& audit_;
    const core::Clock& clock_;
};

/// True for a valid calendar date written YYYY-MM-DD.
bool IsIsoDate(std::string_view s);

}  // namespace vp::units
