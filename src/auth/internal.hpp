#pragma once
// Internal to src/auth: row mapping and JSON snapshots shared by the service's files.

#include <string>
#include <string_view>

#include <boost/json.hpp>

#include "auth/auth.hpp"

namespace vp::auth::internal {

inline constexpr std::string_view kUserColumns =
    "id, username, full_name, email, status, unit_id, totp_enrolled_at, created_at, password_changed_at, locked_until";

UserView UserFromRow(const core::db::Row& r);
boost::json::value GrantsJson(const std::vector<Grant>& grants);
boost::json::value UserJson(const UserView& u);
std::string Lower(std::string s);
inline core::db::Value ActorId(const audit::Actor& a) {
    return a.user_id ? core::db::Value(a.user_id) : core::db::Value();
}

}  // namespace vp::auth::internal
