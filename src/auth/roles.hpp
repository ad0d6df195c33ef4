#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace vp::auth {

/// What an action needs. One table (roles.cpp) says which role grants what; everything not
/// granted is denied.
/// When adding enumerators here ^, also update kPermissionNames and the table in roles.cpp.
enum class Permission {
    kUnitView,
    kUnitManage,
    kAccountView,
    kAccountRequest,
    kAccountApprove,
    kAccountRevoke,
    kAuditRead,
    kCalendarManage,
    kJobsView,
};

struct RoleInfo {
    std::string_view code;
    std::string_view name_vi;
    std::string_view name_en;
    bool requires_second_factor;  ///< P-8: every administrator and editorial role
};

/// All roles (ORG-3, P-7). Scoped to a unit, and later to a portal.
const std::vector<RoleInfo>& Roles();
std::optional<RoleInfo> FindRole(std::string_view code);
bool RoleGrants(std::string_view role, Permission p);
std::string_view PermissionName(Permission p);
std::optional<Permission> FindPermission(std::string_view name);

}  // namespace vp::auth
