#include "core/access.hpp"

#include <algorithm>
#include <stdexcept>

namespace vp::core::access {

Principal Principal::Operator() {
    Principal p;
    p.username = "cli";
    p.address = "cli";
    p.is_operator = true;
    p.stage = Stage::kReady;
    return p;
}

bool Principal::HasRole(std::string_view role) const {
    return std::any_of(grants.begin(), grants.end(), [&](const Grant& g) { return g.role == role; });
}

Actor Principal::ActorAs(std::string role) const {
    if (is_operator)
        return Actor{.user_id = 0, .username = "cli", .role = "operator", .address = "cli", .request_id = request_id};
    return Actor{.user_id = user_id,
                 .username = username,
                 .unit_id = unit_id,
                 .role = std::move(role),
                 .address = address,
                 .request_id = request_id};
}

void Policy::AddRole(RoleInfo role) {
    if (FindRole(role.code)) throw std::logic_error("role declared twice: " + role.code);
    roles_.push_back(std::move(role));
}

void Policy::Allow(Permission p, std::initializer_list<std::string_view> roles) {
    auto& set = grants_[std::string(p.name)];
    for (auto r : roles) set.emplace(r);
}

void Policy::Validate() const {
    for (const auto& [perm, roles] : grants_) {
        for (const auto& r : roles) {
            if (!FindRole(r)) throw std::logic_error("permission " + perm + " names an unknown role " + r);
        }
    }
}

void Policy::AllowEveryRole(Permission p) {
    grants_[std::string(p.name)];
    everyone_.emplace(p.name);
}

const RoleInfo* Policy::FindRole(std::string_view code) const {
    for (const auto& r : roles_) {
        if (r.code == code) return &r;
    }
    return nullptr;
}

bool Policy::RoleGrants(std::string_view role, Permission p) const {
    if (!FindRole(role)) return false;
    if (everyone_.count(p.name)) return true;
    auto it = grants_.find(p.name);
    return it != grants_.end() && it->second.count(role) > 0;
}

bool Policy::IsPermission(std::string_view name) const { return grants_.find(name) != grants_.end(); }

std::vector<std::string> Policy::PermissionNames() const {
    std::vector<std::string> out;
    for (const auto& [name, _] : grants_) out.push_back(name);
    return out;
}

bool Policy::TokenAllows(const Principal& who, Permission p) const {
    if (!who.api_token_id) return true;
    return std::find(who.scopes.begin(), who.scopes.end(), "*") != who.scopes.end() ||
           std::find(who.scopes.begin(), who.scopes.end(), p.name) != who.scopes.end();
}

namespace {
bool PortalCovers(const Grant& g, const Scope& s) { return g.portal.empty() || g.portal == s.portal; }
}  // namespace

Result<Actor> Policy::Authorize(const Principal& who, Permission p, const Scope& scope) const {
    if (who.is_operator) return who.ActorAs("operator");
    if (!who.Ready()) return Forbidden(Msg("core.sign_in_incomplete"));
    if (!TokenAllows(who, p)) return Forbidden(Msg("core.token_scope_missing", {{"scope", std::string(p.name)}}));
    if (!tree_) return Forbidden();
    if (!scope.global && scope.unit_id <= 0 && scope.portal.empty()) return Forbidden();
    for (const auto& g : who.grants) {
        if (!RoleGrants(g.role, p)) continue;
        if (scope.global) {
            if (g.portal.empty() && tree_->IsNational(g.unit_id)) return who.ActorAs(g.role);
            continue;
        }
        if (!PortalCovers(g, scope)) continue;
        if (scope.unit_id > 0 && !tree_->IsWithin(g.unit_id, scope.unit_id)) continue;
        return who.ActorAs(g.role);
    }
    return Forbidden();
}

bool Policy::HoldsAnywhere(const Principal& who, Permission p) const {
    if (who.is_operator) return true;
    if (!who.Ready() || !TokenAllows(who, p)) return false;
    return std::any_of(who.grants.begin(), who.grants.end(), [&](const Grant& g) { return RoleGrants(g.role, p); });
}

Policy::Reach Policy::ReachOf(const Principal& who, Permission p) const {
    Reach r;
    if (who.is_operator) {
        r.all = true;
        return r;
    }
    if (!who.Ready() || !TokenAllows(who, p)) return r;
    for (const auto& g : who.grants) {
        if (!RoleGrants(g.role, p)) continue;
        if (tree_ && g.portal.empty() && tree_->IsNational(g.unit_id)) r.all = true;
        r.units.push_back(g.unit_id);
    }
    return r;
}

bool Policy::Reach::Covers(const UnitTree& tree, std::int64_t unit) const {
    if (all) return true;
    return std::any_of(units.begin(), units.end(), [&](std::int64_t u) { return tree.IsWithin(u, unit); });
}

int Policy::RankOver(const Principal& who, Permission p, std::int64_t unit) const {
    if (who.is_operator) return 1 << 20;
    if (!who.Ready() || !TokenAllows(who, p) || !tree_ || unit <= 0) return 0;
    int best = 0;
    for (const auto& g : who.grants) {
        if (!RoleGrants(g.role, p) || !tree_->IsWithin(g.unit_id, unit)) continue;
        if (const auto* info = FindRole(g.role)) best = std::max(best, info->rank);
    }
    return best;
}

Status Policy::MayActOnRank(const Principal& who, Permission p, int rank, std::int64_t unit) const {
    const int mine = RankOver(who, p, unit);
    if (mine == 0) return Forbidden(Msg("core.unit_outside_scope"));
    if (mine < rank) return Forbidden(Msg("core.role_above_own"));
    return Ok{};
}

}  // namespace vp::core::access
