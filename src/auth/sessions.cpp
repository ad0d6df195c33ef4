// Sessions: the principal behind a cookie, listing and ending sessions (P-8).
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

std::optional<Principal> Service::Authenticate(const std::string& token, const std::string& address) {
    if (token.empty() || token.size() > 200) return std::nullopt;
    const auto now = core::ToMillis(clock_.Now());
    const auto idle = std::chrono::duration_cast<std::chrono::milliseconds>(settings_.session_idle).count();
    return db_.Read([&](Connection& c) -> std::optional<Principal> {
        auto s = c.QueryOne(
            "SELECT id, user_id, csrf_token, last_seen_at, expires_at, second_factor_at FROM sessions"
            " WHERE token_hash = $1 AND ended_at IS NULL",
            {HashToken(token)});
        if (!s) return std::nullopt;
        if (s->Int(4) <= now || s->Int(3) + idle <= now) {
            c.Execute("UPDATE sessions SET ended_at = $2, ended_reason = 'expired' WHERE id = $1 AND ended_at IS NULL",
                      {s->Int(0), now});
            return std::nullopt;
        }
        auto p = LoadPrincipal(c, s->Int(1));
        if (!p) return std::nullopt;
        p->session_id = s->Int(0);
        p->csrf_token = s->Text(2);
        p->address = address;
        const bool second_done = !s->IsNull(5);
        if (p->enrolled && !second_done) {
            p->stage = Stage::kSecondFactor;
        } else if (p->stage == Stage::kReady && p->second_factor_required && !p->enrolled) {
            p->stage = Stage::kEnrol;
        }
        if (now - s->Int(3) > 60 * 1000) {
            c.Execute("UPDATE sessions SET last_seen_at = $2 WHERE id = $1", {s->Int(0), now});
        }
        return p;
    });
}

std::vector<SessionView> Service::ListSessions(const Principal& who) const {
    const auto now = core::ToMillis(clock_.Now());
    return db_.Read([&](Connection& c) {
        std::vector<SessionView> out;
        for (const auto& r :
             c.Query("SELECT id, created_at, last_seen_at, expires_at, address, user_agent FROM sessions"
                     " WHERE user_id = $1 AND ended_at IS NULL AND expires_at > $2 ORDER BY id DESC",
                     {who.user_id, now})) {
            out.push_back({r.Int(0), r.Int(1), r.Int(2), r.Int(3), r.Text(4), r.Text(5), r.Int(0) == who.session_id});
        }
        return out;
    });
}

core::Status Service::EndSession(const Principal& who, std::int64_t session_id) {
    const auto now = core::ToMillis(clock_.Now());
    return db_.Transact([&](Connection& c) -> core::Status {
        if (c.Execute("UPDATE sessions SET ended_at = $3, ended_reason = 'ended_by_user' WHERE id = $1 AND user_id = $2"
                      " AND ended_at IS NULL",
                      {session_id, who.user_id, now}) != 1) {
            return core::NotFound(core::Msg("auth.session_not_found"));
        }
        audit_.Write(c, who.ActorAs(), {"auth.end_session", "session", std::to_string(session_id), nullptr, nullptr});
        return core::Ok{};
    });
}

void Service::Logout(const Principal& who) {
    if (!who.session_id) return;
    const auto now = core::ToMillis(clock_.Now());
    db_.Transact([&](Connection& c) {
        c.Execute("UPDATE sessions SET ended_at = $2, ended_reason = 'logout' WHERE id = $1 AND ended_at IS NULL",
                  {who.session_id, now});
        audit_.Write(c, who.ActorAs(), {"auth.logout", "session", std::to_string(who.session_id), nullptr, nullptr});
    });
}

}  // namespace vp::auth
