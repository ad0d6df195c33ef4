#pragma once

#include <cstdint>
#include <optional>
#include <shared_mutex>
#include <unordered_map>
#include <string>
#include <vector>

#include <boost/json/value.hpp>

#include "audit/audit.hpp"
#include "core/access.hpp"
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
inline const std::vector<std::string> kKinds = {"party",
                                                "group",
                                                "issuing_body",
                                                "central_office",
                                                "office_department",
                                                "central_agency",
                                                "direct_committee",
                                                "ministry",
                                                "mass_organisation",
                                                "provincial_committee",
                                                "provincial_office",
                                                "inspection_commission",
                                                "other"};

struct NewUnit {
    std::string code, kind, name_vi, name_en, short_name;
    std::int64_t parent_id = 0;
    std::string valid_from;  ///< YYYY-MM-DD; default today
};

boost::json::value ToJson(const Unit& u);

/// Permissions of the units module. Every role may look at the registry.
inline constexpr core::access::Permission kUnitView{"unit.view"};
inline constexpr core::access::Permission kUnitManage{"unit.manage"};
/// Declares the module's permissions (roles come from the accounts module).
void DeclareAccess(core::access::Policy& policy);

/// @brief The registry of units as a tree (ORG-1, ORG-2). Renames, merges and dissolutions
/// take effect on a date and keep history: nothing is deleted, and a record dated D shows the
/// name in force on D. Every change is audited in its transaction. Thread-safe.
/// Changes take the acting principal and check unit.manage over the units they touch (both
/// sides of a merge; the parent of a new unit; the whole installation for a new top unit).
class Service final : public core::access::UnitTree {
public:
    Service(core::db::Database& db, audit::Log& audit, const core::Clock& clock, const core::access::Policy& policy)
        : db_(db), audit_(audit), clock_(clock), policy_(policy) {}

    /// All units (active and ended) with names as of `date` (YYYY-MM-DD; default today),
    /// parents before children, siblings by sort order.
    std::vector<Unit> List(std::string date = {}) const;
    std::optional<Unit> Find(std::int64_t id, std::string date = {}) const;
    std::optional<Unit> FindByCode(std::string_view code, std::string date = {}) const;
    std::vector<NameRecord> NameHistory(std::int64_t id) const;
    /// True when `unit` is `ancestor` or below it in the tree.
    bool IsWithin(std::int64_t ancestor, std::int64_t unit) const override;
    /// The root of the tree and the Central Party Office (kind central_office).
    bool IsNational(std::int64_t unit) const override;

    core::Result<Unit> Create(const core::access::Principal& who, NewUnit u);
    core::Result<Unit> Rename(const core::access::Principal& who, std::int64_t id, std::string name_vi,
                              std::string name_en, std::string short_name, std::string effective);
    /// Ends `from` on `effective`; its successor is `into`. Refused while `from` has active children.
    core::Result<Unit> Merge(const core::access::Principal& who, std::int64_t from, std::int64_t into,
                             std::string effective);
    core::Result<Unit> Dissolve(const core::access::Principal& who, std::int64_t id, std::string effective);

    /// Loads data/units/seed.json (a nested tree) when the registry is empty; returns the
    /// number of units created (0 when units already exist). Operator only.
    core::Result<int> SeedIfEmpty(const core::access::Principal& who, std::string_view seed_json);

    std::string Today() const;

private:
    /// A unit's place in the tree. Parents and kinds never change once a unit exists (merges and
    /// dissolutions end units, renames change names, nothing is deleted), so the tree is kept in
    /// memory and only grows: an unknown id reloads it (a unit another node created).
    struct Node {
        std::int64_t parent = 0;
        std::string kind;
    };
    bool FindNode(std::int64_t id, Node& out) const;

    core::db::Database& db_;
    audit::Log& audit_;
    const core::Clock& clock_;
    const core::access::Policy& policy_;
    mutable std::shared_mutex tree_mu_;
    mutable std::unordered_map<std::int64_t, Node> tree_;
};

/// True for a valid calendar date written YYYY-MM-DD.
bool IsIsoDate(std::string_view s);

}  // namespace vp::units
