// API tokens for scripts and other systems.
#include <boost/json.hpp>

#include "auth/auth.hpp"
#include "auth/crypto/recovery.hpp"
#include "auth/internal.hpp"
#include "core/text.hpp"

namespace vp::auth {

using core::db::Connection;
using core::db::Value;
namespace json = boost::json;
using namespace internal;

core::Result<Service::NewToken> Service::CreateApiToken(const Principal& who, std::string name,
                                                        std::vector<std::string> scopes, int days_valid) {
    if (!who.Ready() || who.api_token_id) return core::Forbidden(core::Msg("auth.token_needs_full_sign_in"));
    name = core::Trim(name);
    if (name.empty() || core::Utf8Length(name) > 100)
        return core::InvalidField("name", core::Msg("auth.token_name_invalid"));
    if (days_valid < 1 || days_valid > 365) return core::InvalidField("days", core::Msg("auth.token_days_invalid"));
    if (scopes.empty()) return core::InvalidField("scopes", core::Msg("auth.token_scopes_missing"));
    for (const auto& s : scopes) {
        if (s != "*" && !policy_.IsPermission(s))
            return core::InvalidField("scopes", core::Msg("auth.token_scope_invalid", {{"scope", s}}));
    }
    std::string joined;
    for (const auto& s : scopes) joined += (joined.empty() ? "" : " ") + s;
    const auto token = "vpt_" + RandomToken(32);
    const auto now = core::ToMillis(clock_.Now());
    auto id = db_.Transact([&](Connection& c) {
        auto id = c.QueryOne(
                       "INSERT INTO api_tokens (user_id, name, token_hash, scopes, created_at, expires_at)"
                       " VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
                       {who.user_id, name, HashToken(token), joined, now, now + days_valid * 86400000LL})
                      ->Int(0);
        audit_.Write(c, who.ActorAs(),
                     {"auth.create_api_token", "api_token", std::to_string(id), nullptr,
                      json::object{{"name", name}, {"scopes", joined}, {"days", days_valid}}});
        return id;
    });
    return NewToken{id, token};
}

std::optional<Principal> Service::AuthenticateBearer(const std::string& token, const std::string& address) {
    if (token.rfind("vpt_", 0) != 0 || token.size() > 200) return std::nullopt;
    const auto now = core::ToMillis(clock_.Now());
    return db_.Read([&](Connection& c) -> std::optional<Principal> {
        auto t = c.QueryOne(
            "SELECT id, user_id, scopes, COALESCE(last_used_at, 0) FROM api_tokens WHERE token_hash = $1"
            " AND revoked_at IS NULL AND expires_at > $2",
            {HashToken(token), now});
        if (!t) return std::nullopt;
        auto p = LoadPrincipal(c, t->Int(1));
        if (!p) return std::nullopt;
        p->api_token_id = t->Int(0);
        p->stage = Stage::kReady;  // the token was made by a fully signed-in person
        p->address = address;
        std::string s = t->Text(2);
        for (std::size_t i = 0; i < s.size();) {
            auto j = s.find(' ', i);
            if (j == std::string::npos) j = s.size();
            if (j > i) p->scopes.push_back(s.substr(i, j - i));
            i = j + 1;
        }
        if (now - t->Int(3) > 60 * 1000)
            c.Execute("UPDATE api_tokens SET last_used_at = $2 WHERE id = $1", {t->Int(0), now});
        return p;
    });
}

std::vector<ApiTokenView> Service::ListApiTokens(const Principal& who) const {
    return db_.Read([&](Connection& c) {
        std::vector<ApiTokenView> out;
        for (const auto& r : c.Query("SELECT id, name, scopes, created_at, expires_at, COALESCE(revoked_at, 0),"
                                     " COALESCE(last_used_at, 0) FROM api_tokens WHERE user_id = $1 ORDER BY id DESC",
                                     {who.user_id})) {
            out.push_back({r.Int(0), r.Text(1), r.Text(2), r.Int(3), r.Int(4), r.Int(5), r.Int(6)});
        }
        return out;
    });
}

core::Status Service::RevokeApiToken(const Principal& who, std::int64_t id) {
    const auto now = core::ToMillis(clock_.Now());
    return db_.Transact([&](Connection& c) -> core::Status {
        if (c.Execute("UPDATE api_tokens SET revoked_at = $3 WHERE id = $1 AND user_id = $2 AND revoked_at IS NULL",
                      {id, who.user_id, now}) != 1) {
            return core::NotFound(core::Msg("auth.token_not_found"));
        }
        audit_.Write(c, who.ActorAs(), {"auth.revoke_api_token", "api_token", std::to_string(id), nullptr, nullptr});
        return core::Ok{};
    });
}

}  // namespace vp::auth
