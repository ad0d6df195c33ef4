#pragma once
// The roles of the platform and the permissions of the accounts module (ORG-3, P-7). Each
// module declares its own permissions and which roles hold them (see core/access.hpp); roles
// are declared here, once, because every system's boards and offices use them.

#include "core/access.hpp"

namespace vp::auth {

using Permission = core::access::Permission;
using RoleInfo = core::access::RoleInfo;

inline constexpr Permission kAccountView{"account.view"};
inline constexpr Permission kAccountRequest{"account.request"};
inline constexpr Permission kAccountApprove{"account.approve"};
inline constexpr Permission kAccountRevoke{"account.revoke"};

/// Adds every role (with its rank and whether it needs two factors) and the account
/// permissions to `policy`.
void DeclareAccess(core::access::Policy& policy);

}  // namespace vp::auth
