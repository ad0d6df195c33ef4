#pragma once
// The one permission check (X-5, P-7): who acts (Principal), what an action needs (Permission),
// which roles grant it (Policy, filled by every module at start), and the scope rules (a grant
// on a unit covers that unit and everything below it; a grant on a portal covers that portal).
// Services call Policy::Authorize themselves, so no handler can forget it. Deny by default.

#include <cstdint>
#include <initializer_list>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.hpp"

namespace vp::core::access {

/// A named permission ("unit.manage"). Modules declare theirs as constexpr constants.
struct Permission {
    std::string_view name;
    constexpr bool operator==(const Permission& o) const { return name == o.name; }
};

/// Who acts, from where, under which role: what the audit log records.
struct Actor {
    std::int64_t user_id = 0;  ///< 0 for the system itself and the command line
    std::string username = "system";
    std::int64_t unit_id = 0;
    std::string role;     ///< the role under which the action was allowed
    std::string address;  ///< client IP, or "cli"
    std::string request_id;
};

struct Grant {
    std::int64_t id = 0;
    std::string role;
    std::int64_t unit_id = 0;
    std::string portal;  ///< "" = not limited to a portal
};

/// Where a signed-in person stands: a session must pass every step before it may act.
enum class Stage {
    kSecondFactor,    ///< password accepted; the one-time code is still due
    kPasswordChange,  ///< the password must be changed first (new account, reset, 90 days old)
    kEnrol,           ///< a role requires two factors and none is enrolled yet (P-8)
    kReady,
};

/// @brief The authenticated caller of one request (or the operator at the server's console).
struct Principal {
    std::int64_t user_id = 0;
    std::string username;
    std::string full_name;
    std::string email;
    std::int64_t unit_id = 0;
    std::vector<Grant> grants;
    std::int64_t session_id = 0;  ///< 0 for API tokens and the operator
    std::string csrf_token;
    std::int64_t api_token_id = 0;
    std::vector<std::string> scopes;  ///< API tokens only: permission names, or "*"
    Stage stage = Stage::kReady;
    bool enrolled = false;
    bool second_factor_required = false;
    bool is_operator = false;  ///< the command line on the server: every permission, audited as "cli"
    std::string address;
    std::string request_id;

    /// The operator at the server's console (`vanphong user ...`).
    static Principal Operator();
    bool Ready() const { return stage == Stage::kReady; }
    bool HasRole(std::string_view role) const;
    /// The audit actor for this principal acting under `role`.
    Actor ActorAs(std::string role = {}) const;
};

struct RoleInfo {
    std::string code;
    std::string name_vi;
    std::string name_en;
    bool requires_second_factor = false;  ///< P-8: every administrator and editorial role
    /// Strength: nobody may request, grant, reset or revoke a role of a higher rank than one he
    /// holds over the same unit. 1 ordinary roles, 2 administrators of a portal or a unit's
    /// accounts, 3 system administrators, 4 the leadership that approves accounts.
    int rank = 1;
};

/// Unit tree facts the scope rules need; implemented by the units module.
class UnitTree {
public:
    virtual ~UnitTree() = default;
    /// True when `unit` is `ancestor` or below it.
    virtual bool IsWithin(std::int64_t ancestor, std::int64_t unit) const = 0;
    /// True for units whose grants cover installation-wide things (the calendar, jobs): the
    /// root of the tree and the Central Party Office.
    virtual bool IsNational(std::int64_t unit) const = 0;
};

/// What an action is about: a unit (and everything below it covers it), a portal, or the whole
/// installation (Global: only grants on a national unit).
struct Scope {
    std::int64_t unit_id = 0;
    std::string portal;
    bool global = false;
    static Scope Unit(std::int64_t id) { return Scope{.unit_id = id}; }
    static Scope Portal(std::string code, std::int64_t unit = 0) {
        return Scope{.unit_id = unit, .portal = std::move(code)};
    }
    static Scope Global() { return Scope{.global = true}; }
};

/// @brief Roles, permissions and the one check. Filled once at start (by each module's
/// declaration), then read-only and thread-safe.
class Policy {
public:
    void AddRole(RoleInfo role);
    /// Declares `p` and the roles that hold it (in any order of modules; Validate checks the
    /// names once all are declared).
    void Allow(Permission p, std::initializer_list<std::string_view> roles);
    /// Declares `p` as held by every role (looking at the unit registry, say).
    void AllowEveryRole(Permission p);
    void SetUnitTree(const UnitTree* tree) { tree_ = tree; }
    /// Throws std::logic_error when a permission names a role nobody declared.
    void Validate() const;

    const std::vector<RoleInfo>& Roles() const { return roles_; }
    const RoleInfo* FindRole(std::string_view code) const;
    bool RoleGrants(std::string_view role, Permission p) const;
    bool IsPermission(std::string_view name) const;
    std::vector<std::string> PermissionNames() const;

    /// Allows when the principal is Ready, its API token (if any) has the permission in its
    /// scopes, and it holds a role granting `p` whose unit covers scope.unit_id (whose portal is
    /// scope.portal or unlimited). A scope with neither a unit nor a portal nor `global` is
    /// refused: there is no "any unit". Returns the audit actor with the role that allowed it.
    Result<Actor> Authorize(const Principal& who, Permission p, const Scope& scope) const;
    /// Whether the principal holds `p` on some unit (navigation, which list pages to show).
    bool HoldsAnywhere(const Principal& who, Permission p) const;
    /// The units on which the principal holds `p` (roots of what it may see); empty: nothing.
    /// `all` is set for the operator and national grants.
    struct Reach {
        bool all = false;
        std::vector<std::int64_t> units;
        bool Covers(const UnitTree& tree, std::int64_t unit) const;
    };
    Reach ReachOf(const Principal& who, Permission p) const;
    /// The highest rank among the principal's roles that hold `p` over `unit`; 0 when none.
    int RankOver(const Principal& who, Permission p, std::int64_t unit) const;
    /// The four-eyes and no-escalation rule: `who` may act with `p` on a role of `rank`, at
    /// `unit`, only when it holds `p` over that unit with a role of at least that rank.
    Status MayActOnRank(const Principal& who, Permission p, int rank, std::int64_t unit) const;

private:
    bool TokenAllows(const Principal& who, Permission p) const;
    std::vector<RoleInfo> roles_;
    std::map<std::string, std::set<std::string, std::less<>>, std::less<>> grants_;  // permission -> roles
    std::set<std::string, std::less<>> everyone_;                                    // permissions every role holds
    const UnitTree* tree_ = nullptr;
};

}  // namespace vp::core::access
