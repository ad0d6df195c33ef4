// Accounts: requests, approval, revocation, resets and handovers, listing (P-7, ORG-3).
#include <algorithm>
#include <cctype>
#include <map>

#include <boost/json.hpp>
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "auth/auth.hpp"
#include "auth/crypto/recovery.hpp"
#include "auth/internal.hpp"
#include "auth/rules.hpp"
#include "core/text.hpp"

namespace vp::auth {

using core::db::Connection;
using core::db::Value;
namespace json = boost::json;
using namespace internal;

namespace internal {

UserView UserFromRow(const core::db::Row& r) {
    UserView u;
    u.id = r.Int(0);
    u.username = r.Text(1);
    u.full_name = r.Text(2);
    u.email = r.Text(3);
    u.status = r.Text(4);
    u.unit_id = r.Int(5);
    u.enrolled = !r.IsNull(6);
    u.created_at = r.Int(7);
    u.password_changed_at = r.Int(8);
    u.locked_until = r.Int(9);
    return u;
}

json::value GrantsJson(const std::vector<Grant>& grants) {
    json::array a;
    for (const auto& g : grants) {
        json::object o{{"role", g.role}, {"unit_id", g.unit_id}};
        if (!g.portal.empty()) o["portal"] = g.portal;
        a.push_back(std::move(o));
    }
    return a;
}

json::value UserJson(const UserView& u) {
    return json::object{
        {"id", u.id},         {"username", u.username}, {"full_name", u.full_name}, {"email", u.email},
        {"status", u.status}, {"unit_id", u.unit_id},   {"enrolled", u.enrolled},   {"roles", GrantsJson(u.grants)}};
}

std::string Lower(std::string s) {
    for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
}

}  // namespace internal

Service::Service(core::db::Database& db, audit::Log& audit, const core::Clock& clock, units::Service& units,
                 const core::access::Policy& policy, PasswordHasher& hasher, core::EventBus& events,
                 AuthSettings settings)
    : db_(db),
      audit_(audit),
      clock_(clock),
      units_(units),
      policy_(policy),
      hasher_(hasher),
      events_(events),
      settings_(std::move(settings)) {
    if (!settings_.secret_box)
        throw std::invalid_argument("auth::Service needs a SecretBox: secrets are never stored in plain text");
}

audit::Actor Service::CliActor() { return Principal::Operator().ActorAs(); }

core::Result<audit::Actor> Service::Authorize(const Principal& who, core::access::Permission p,
                                              const core::access::Scope& scope) const {
    return policy_.Authorize(who, p, scope);
}

std::vector<Grant> Service::LoadGrants(Connection& c, std::int64_t user_id) const {
    std::vector<Grant> out;
    for (const auto& r : c.Query("SELECT id, role, unit_id, COALESCE(portal, '') FROM role_grants"
                                 " WHERE user_id = $1 AND revoked_at IS NULL ORDER BY id",
                                 {user_id})) {
        out.push_back({r.Int(0), r.Text(1), r.Int(2), r.Text(3)});
    }
    return out;
}

int Service::AccountRank(const std::vector<Grant>& grants) const {
    int rank = 0;
    for (const auto& g : grants) {
        if (const auto* info = policy_.FindRole(g.role)) rank = std::max(rank, info->rank);
    }
    return rank;
}

core::Result<audit::Actor> Service::AuthorizeOnAccount(const Principal& who, core::access::Permission p,
                                                       const UserView& u) const {
    auto actor = policy_.Authorize(who, p, core::access::Scope::Unit(u.unit_id));
    if (!actor) return actor.error();
    // Every role of the account must be within the actor's reach and no stronger than his.
    for (const auto& g : u.grants) {
        const auto* info = policy_.FindRole(g.role);
        if (auto st = policy_.MayActOnRank(who, p, info ? info->rank : 1, g.unit_id); !st) return st.error();
    }
    if (!who.is_operator && u.id == who.user_id) {
        return core::Forbidden(core::Msg("auth.not_on_own_account"));
    }
    return actor;
}

core::Result<std::int64_t> Service::ValidateNewAccount(Connection& c, NewAccount& a) const {
    a.username = Lower(core::Trim(a.username));
    a.full_name = core::ToNfc(core::Trim(a.full_name));
    a.email = core::Trim(a.email);
    if (!rules::ValidUsername(a.username)) {
        return core::InvalidField("username", core::Msg("auth.username_invalid"));
    }
    if (a.full_name.empty() || !core::IsValidUtf8(a.full_name) || core::Utf8Length(a.full_name) > 120 ||
        std::any_of(a.full_name.begin(), a.full_name.end(),
                    [](char ch) { return static_cast<unsigned char>(ch) < 0x20; })) {
        return core::InvalidField("full_name", core::Msg("auth.full_name_invalid"));
    }
    if (!rules::ValidEmail(a.email)) return core::InvalidField("email", core::Msg("auth.email_invalid"));
    if (a.roles.empty()) return core::InvalidField("roles", core::Msg("auth.roles_missing"));
    if (a.unit_id <= 0) return core::InvalidField("unit_id", core::Msg("auth.unit_missing"));
    // Units through the units module's interface, never its tables.
    auto unit = units_.Find(a.unit_id);
    if (!unit) return core::InvalidField("unit_id", core::Msg("auth.unit_unknown"));
    if (unit->status != "active") return core::InvalidField("unit_id", core::Msg("auth.unit_inactive"));
    for (auto& r : a.roles) {
        if (!policy_.FindRole(r.role))
            return core::InvalidField("roles", core::Msg("auth.role_invalid", {{"role", r.role}}));
        if (r.unit_id == 0) r.unit_id = a.unit_id;
        auto ru = units_.Find(r.unit_id);
        if (!ru || ru->status != "active") return core::InvalidField("roles", core::Msg("auth.role_unit_invalid"));
        if (!rules::ValidPortalCode(r.portal))
            return core::InvalidField("roles", core::Msg("auth.role_portal_invalid"));
    }
    if (c.QueryOne("SELECT id FROM users WHERE username = $1", {a.username})) {
        return core::Conflict(core::Msg("auth.username_taken"));
    }
    return a.unit_id;
}

core::Result<AccountRequestView> Service::RequestAccount(const Principal& who, NewAccount a) {
    if (a.unit_id <= 0) return core::InvalidField("unit_id", core::Msg("auth.unit_missing"));
    auto actor = policy_.Authorize(who, kAccountRequest, core::access::Scope::Unit(a.unit_id));
    if (!actor) return actor.error();
    for (auto& r : a.roles) {
        if (r.unit_id == 0) r.unit_id = a.unit_id;
        const auto* info = policy_.FindRole(r.role);
        if (!info) return core::InvalidField("roles", core::Msg("auth.role_invalid", {{"role", r.role}}));
        if (auto st = policy_.MayActOnRank(who, kAccountRequest, info->rank, r.unit_id); !st) return st.error();
    }
    const auto now = core::ToMillis(clock_.Now());
    auto id = db_.Transact([&](Connection& c) -> core::Result<std::int64_t> {
        if (auto v = ValidateNewAccount(c, a); !v) return v.error();
        auto user_id = c.QueryOne(
                            "INSERT INTO users (username, full_name, email, unit_id, status, must_change_password,"
                            " created_at, updated_at) VALUES ($1, $2, $3, $4, 'pending', 1, $5, $5) RETURNING id",
                            {a.username, a.full_name, a.email, a.unit_id, now})
                           ->Int(0);
        json::array roles;
        for (const auto& r : a.roles) {
            json::object o{{"role", r.role}, {"unit_id", r.unit_id}};
            if (!r.portal.empty()) o["portal"] = r.portal;
            roles.push_back(std::move(o));
        }
        auto roles_json = json::serialize(roles);
        auto req_id = c.QueryOne(
                           "INSERT INTO account_requests (user_id, roles_json, reason, requested_by, requested_at)"
                           " VALUES ($1, $2, $3, $4, $5) RETURNING id",
                           {user_id, roles_json, a.reason, ActorId(*actor), now})
                          ->Int(0);
        audit_.Write(c, *actor,
                     {"account.request", "account_request", std::to_string(req_id), nullptr,
                      json::object{{"username", a.username},
                                   {"full_name", a.full_name},
                                   {"unit_id", a.unit_id},
                                   {"roles", roles},
                                   {"reason", a.reason}}});
        return req_id;
    });
    if (!id) return id.error();
    return *FindRequest(id.value());
}

namespace {
std::vector<RequestedRole> RolesOf(const AccountRequestView& r) {
    std::vector<RequestedRole> out;
    const auto parsed = json::parse(r.roles_json);
    for (const auto& v : parsed.as_array()) {
        RequestedRole role{std::string(v.at("role").as_string()), v.at("unit_id").to_number<std::int64_t>()};
        if (const auto* p = v.as_object().if_contains("portal"); p && p->is_string()) role.portal = p->get_string();
        out.push_back(std::move(role));
    }
    return out;
}
}  // namespace

core::Result<Service::Approval> Service::Approve(const Principal& who, std::int64_t request_id, std::string note) {
    auto req = FindRequest(request_id);
    if (!req) return core::NotFound(core::Msg("auth.request_not_found"));
    auto actor = policy_.Authorize(who, kAccountApprove, core::access::Scope::Unit(req->unit_id));
    if (!actor) return actor.error();
    for (const auto& r : RolesOf(*req)) {
        const auto* info = policy_.FindRole(r.role);
        if (auto st = policy_.MayActOnRank(who, kAccountApprove, info ? info->rank : 1 << 20, r.unit_id); !st)
            return st.error();
    }
    if (!req->decision.empty()) return core::Conflict(core::Msg("auth.request_decided"));
    const auto initial = NewStrongPassword(req->username, req->full_name);
    const auto hash = hasher_.Hash(initial);
    const auto now = core::ToMillis(clock_.Now());
    std::int64_t requester = 0;
    auto r = db_.Transact([&](Connection& c) -> core::Result<UserView> {
        auto q = c.QueryOne("SELECT COALESCE(requested_by, 0) FROM account_requests WHERE id = $1", {request_id});
        requester = q ? q->Int(0) : 0;
        std::int64_t reset_by = 0;
        if (who.user_id) {
            auto me = c.QueryOne("SELECT COALESCE(credentials_reset_by, 0) FROM users WHERE id = $1", {who.user_id});
            reset_by = me ? me->Int(0) : 0;
        }
        if (auto st = rules::FourEyes(who.is_operator ? 0 : who.user_id, requester, reset_by); !st) return st.error();
        // Decided inside the transaction: two approvers at once must not both succeed.
        if (c.Execute("UPDATE account_requests SET decision = 'approved', decision_note = $2, decided_by = $3,"
                      " decided_at = $4 WHERE id = $1 AND decision IS NULL",
                      {request_id, note, ActorId(*actor), now}) != 1) {
            return core::Conflict(core::Msg("auth.request_decided"));
        }
        c.Execute(
            "UPDATE users SET status = 'active', password_hash = $2, password_changed_at = $3,"
            " must_change_password = 1, updated_at = $3 WHERE id = $1",
            {req->user_id, hash, now});
        c.Execute("INSERT INTO password_history (user_id, password_hash, created_at) VALUES ($1, $2, $3)",
                  {req->user_id, hash, now});
        for (const auto& role : RolesOf(*req)) {
            c.Execute(
                "INSERT INTO role_grants (user_id, role, unit_id, portal, granted_by, granted_at) VALUES ($1, $2, $3, "
                "$4, $5, $6)",
                {req->user_id, role.role, role.unit_id,
                 role.portal.empty() ? core::db::Value{} : core::db::Value{role.portal}, ActorId(*actor), now});
        }
        auto u = UserFromRow(
            *c.QueryOne("SELECT " + std::string(kUserColumns) + " FROM users WHERE id = $1", {req->user_id}));
        u.grants = LoadGrants(c, u.id);
        audit_.Write(c, *actor,
                     {"account.approve", "user", std::to_string(u.id),
                      json::object{{"status", "pending"}, {"request_id", request_id}}, UserJson(u)});
        if (requester && settings_.notify_user) {
            settings_.notify_user(c, requester, "Đề nghị cấp tài khoản đã được phê duyệt",
                                  "Tài khoản " + u.username + " đã được cấp.", "/admin/accounts");
        }
        return u;
    });
    if (!r) return r.error();
    if (requester) events_.Publish({"notification", "{}", requester});
    return Approval{std::move(r.value()), initial};
}

core::Result<AccountRequestView> Service::Refuse(const Principal& who, std::int64_t request_id, std::string note) {
    auto req = FindRequest(request_id);
    if (!req) return core::NotFound(core::Msg("auth.request_not_found"));
    auto actor = policy_.Authorize(who, kAccountApprove, core::access::Scope::Unit(req->unit_id));
    if (!actor) return actor.error();
    note = core::Trim(note);
    if (note.empty()) return core::InvalidField("note", core::Msg("auth.refusal_reason_missing"));
    const auto now = core::ToMillis(clock_.Now());
    auto r = db_.Transact([&](Connection& c) -> core::Result<std::int64_t> {
        if (c.Execute("UPDATE account_requests SET decision = 'refused', decision_note = $2, decided_by = $3,"
                      " decided_at = $4 WHERE id = $1 AND decision IS NULL",
                      {request_id, note, ActorId(*actor), now}) != 1) {
            return core::Conflict(core::Msg("auth.request_decided"));
        }
        c.Execute("UPDATE users SET status = 'refused', updated_at = $2 WHERE id = $1", {req->user_id, now});
        audit_.Write(c, *actor,
                     {"account.refuse", "account_request", std::to_string(request_id),
                      json::object{{"decision", nullptr}}, json::object{{"decision", "refused"}, {"note", note}}});
        return request_id;
    });
    if (!r) return r.error();
    return *FindRequest(request_id);
}

void Service::EndCredentials(Connection& c, std::int64_t user_id, std::string_view reason, std::int64_t keep_session) {
    const auto now = core::ToMillis(clock_.Now());
    c.Execute(
        "UPDATE sessions SET ended_at = $2, ended_reason = $3 WHERE user_id = $1 AND ended_at IS NULL AND id <> $4",
        {user_id, now, reason, keep_session});
    c.Execute("UPDATE api_tokens SET revoked_at = $2 WHERE user_id = $1 AND revoked_at IS NULL", {user_id, now});
}

void Service::PublishSessionsEnded(std::int64_t user_id) {
    events_.Publish({"session.ended", fmt::format("{{\"user_id\":{}}}", user_id), user_id});
}

std::string Service::NewStrongPassword(const std::string& username, const std::string& full_name) const {
    std::string pw;
    do {
        pw = RandomToken(12);
    } while (!CheckPasswordStrength(pw, username, full_name).ok());
    return pw;
}

namespace {
core::Result<UserView> LoadTarget(Connection& c, std::int64_t user_id) {
    auto row = c.QueryOne("SELECT " + std::string(kUserColumns) + " FROM users WHERE id = $1", {user_id});
    if (!row) return core::NotFound(core::Msg("auth.account_not_found"));
    return UserFromRow(*row);
}
}  // namespace

core::Result<UserView> Service::Revoke(const Principal& who, std::int64_t user_id, std::string reason) {
    auto target = FindUser(user_id);
    if (!target) return core::NotFound(core::Msg("auth.account_not_found"));
    auto actor = AuthorizeOnAccount(who, kAccountRevoke, *target);
    if (!actor) return actor.error();
    reason = core::Trim(reason);
    if (reason.empty()) return core::InvalidField("reason", core::Msg("auth.revocation_reason_missing"));
    const auto now = core::ToMillis(clock_.Now());
    auto r = db_.Transact([&](Connection& c) -> core::Result<UserView> {
        auto before = LoadTarget(c, user_id);
        if (!before) return before.error();
        before->grants = LoadGrants(c, user_id);
        if (before->status == "revoked") return core::Conflict(core::Msg("auth.account_revoked"));
        if (before->status != "active") return core::Conflict(core::Msg("auth.revoke_active_only"));
        c.Execute("UPDATE users SET status = 'revoked', updated_at = $2 WHERE id = $1", {user_id, now});
        c.Execute("UPDATE role_grants SET revoked_at = $2, revoked_by = $3 WHERE user_id = $1 AND revoked_at IS NULL",
                  {user_id, now, ActorId(*actor)});
        EndCredentials(c, user_id, "revoked");
        auto after = *before;
        after.status = "revoked";
        after.grants.clear();
        auto a = UserJson(after);
        a.as_object()["reason"] = reason;
        audit_.Write(c, *actor, {"account.revoke", "user", std::to_string(user_id), UserJson(*before), a});
        return after;
    });
    if (r) PublishSessionsEnded(user_id);
    return r;
}

core::Result<UserView> Service::ResetSecondFactor(const Principal& who, std::int64_t user_id, std::string reason) {
    auto target = FindUser(user_id);
    if (!target) return core::NotFound(core::Msg("auth.account_not_found"));
    auto actor = AuthorizeOnAccount(who, kAccountRevoke, *target);
    if (!actor) return actor.error();
    reason = core::Trim(reason);
    const auto now = core::ToMillis(clock_.Now());
    auto r = db_.Transact([&](Connection& c) -> core::Result<UserView> {
        auto u = LoadTarget(c, user_id);
        if (!u) return u.error();
        if (u->status != "active") return core::Conflict(core::Msg("auth.reset_active_only"));
        c.Execute(
            "UPDATE users SET totp_secret = NULL, totp_enrolled_at = NULL, totp_last_step = NULL,"
            " second_factor_failures = 0, second_factor_locked_until = NULL, credentials_reset_by = $3,"
            " updated_at = $2 WHERE id = $1",
            {user_id, now, ActorId(*actor)});
        c.Execute(
            "UPDATE recovery_codes SET retired_at = $2 WHERE user_id = $1 AND retired_at IS NULL AND used_at IS NULL",
            {user_id, now});
        EndCredentials(c, user_id, "second_factor_reset");
        audit_.Write(c, *actor,
                     {"account.reset_second_factor", "user", std::to_string(user_id),
                      json::object{{"enrolled", u->enrolled}}, json::object{{"enrolled", false}, {"reason", reason}}});
        u->enrolled = false;
        return *u;
    });
    if (r) PublishSessionsEnded(user_id);
    return r;
}

core::Result<PasswordReset> Service::ResetPassword(const Principal& who, std::int64_t user_id) {
    auto u = FindUser(user_id);
    if (!u) return core::NotFound(core::Msg("auth.account_not_found"));
    auto actor = AuthorizeOnAccount(who, kAccountRevoke, *u);
    if (!actor) return actor.error();
    if (u->status != "active") return core::Conflict(core::Msg("auth.reset_password_active_only"));
    if (!who.is_operator && (u->email.empty() || !settings_.queue_mail)) {
        return core::Conflict(core::Msg("auth.reset_password_no_email"));
    }
    const auto pw = NewStrongPassword(u->username, u->full_name);
    const auto hash = hasher_.Hash(pw);
    const auto now = core::ToMillis(clock_.Now());
    const auto code = RandomToken(10);
    PasswordReset out;
    db_.Transact([&](Connection& c) {
        // Until the owner collects it through the handover, the new password is known to nobody:
        // only the operator's reset sets it directly.
        c.Execute(
            "UPDATE users SET password_hash = $2, password_changed_at = $3, must_change_password = 1,"
            " failed_logins = 0, locked_until = NULL, credentials_reset_by = $4, updated_at = $3 WHERE id = $1",
            {user_id, who.is_operator ? hash : hasher_.DummyHash(), now, ActorId(*actor)});
        if (who.is_operator) {
            c.Execute("INSERT INTO password_history (user_id, password_hash, created_at) VALUES ($1, $2, $3)",
                      {user_id, hash, now});
        }
        c.Execute(
            "UPDATE credential_handovers SET retired_at = $2 WHERE user_id = $1 AND used_at IS NULL AND retired_at IS "
            "NULL",
            {user_id, now});
        EndCredentials(c, user_id, "password_reset");
        json::object after{{"must_change_password", true}};
        if (!who.is_operator) {
            const auto expires =
                now + std::chrono::duration_cast<std::chrono::milliseconds>(settings_.handover_valid).count();
            c.Execute(
                "INSERT INTO credential_handovers (user_id, code_hash, created_by, created_at, expires_at)"
                " VALUES ($1, $2, $3, $4, $5)",
                {user_id, HashToken(code), ActorId(*actor), now, expires});
            settings_.queue_mail(
                c, u->email, "Mã nhận mật khẩu mới / Password handover code",
                fmt::format("Mật khẩu của tài khoản {} đã được đặt lại.\n"
                            "Mở trang /account/handover trên cổng, nhập tên đăng nhập và mã sau để nhận mật khẩu mới "
                            "(dùng một lần, hết hạn sau {} giờ):\n\n    {}\n\n"
                            "Nếu bạn không đề nghị đặt lại, hãy báo ngay cho quản trị hệ thống.\n\n"
                            "The password of account {} was reset. Open /account/handover, enter your user name and "
                            "the code above to collect the new password (once, within {} hours).\n",
                            u->username, settings_.handover_valid.count(), code, u->username,
                            settings_.handover_valid.count()));
            after["handover_to"] = rules::MaskEmail(u->email);
        }
        audit_.Write(c, *actor, {"account.reset_password", "user", std::to_string(user_id), nullptr, after});
    });
    PublishSessionsEnded(user_id);
    if (who.is_operator) {
        out.password = pw;
    } else {
        out.delivered_to = rules::MaskEmail(u->email);
    }
    return out;
}

core::Result<std::string> Service::RedeemHandover(const std::string& username_in, const std::string& code_in,
                                                  const std::string& address) {
    const auto username = Lower(core::Trim(username_in));
    const auto code = core::Trim(code_in);
    const auto now = core::ToMillis(clock_.Now());
    const core::Error refused = core::InvalidInput(core::Msg("auth.handover_refused"));
    if (username.empty() || code.empty() || code.size() > 100) return refused;
    auto recent = db_.Read([&](Connection& c) {
        return c
            .QueryOne("SELECT COUNT(*) FROM login_failures WHERE kind = 'handover' AND address = $1 AND at > $2",
                      {address, now - 15 * 60 * 1000})
            ->Int(0);
    });
    if (recent >= settings_.address_failures_per_15min) {
        return core::Error{core::ErrorCode::kTooManyRequests, core::Msg("auth.address_handover_failures"), {}};
    }
    auto u = FindUserByName(username);
    std::string pw = u ? NewStrongPassword(u->username, u->full_name) : std::string();
    const auto hash = u ? hasher_.Hash(pw) : std::string();
    auto r = db_.Transact([&](Connection& c) -> core::Result<std::string> {
        // One conditional update: two redemptions of one code cannot both succeed.
        if (!u || u->status != "active" ||
            c.Execute("UPDATE credential_handovers SET used_at = $3 WHERE user_id = $1 AND code_hash = $2"
                      " AND used_at IS NULL AND retired_at IS NULL AND expires_at > $3",
                      {u->id, HashToken(code), now}) != 1) {
            return refused;
        }
        c.Execute(
            "UPDATE users SET password_hash = $2, password_changed_at = $3, must_change_password = 1, updated_at = $3"
            " WHERE id = $1",
            {u->id, hash, now});
        c.Execute("INSERT INTO password_history (user_id, password_hash, created_at) VALUES ($1, $2, $3)",
                  {u->id, hash, now});
        audit_.Write(c, {.user_id = u->id, .username = u->username, .unit_id = u->unit_id, .address = address},
                     {"auth.handover_redeemed", "user", std::to_string(u->id), nullptr, nullptr});
        return pw;
    });
    if (!r) {
        db_.Transact([&](Connection& c) {
            c.Execute("INSERT INTO login_failures (address, username, at, kind) VALUES ($1, $2, $3, 'handover')",
                      {address, username, now});
        });
    }
    return r;
}

core::Result<UserView> Service::CreateActive(const Principal& who, NewAccount a, const std::string& password_in,
                                             std::optional<std::string> totp_secret_b32) {
    if (!who.is_operator) return core::Forbidden(core::Msg("auth.create_on_server_only"));
    const auto password = core::ToNfc(password_in);
    if (auto st = CheckPasswordStrength(password, a.username, a.full_name); !st) return st.error();
    auto hash = hasher_.Hash(password);
    const auto now = core::ToMillis(clock_.Now());
    const auto actor = who.ActorAs();
    return db_.Transact([&](Connection& c) -> core::Result<UserView> {
        if (auto v = ValidateNewAccount(c, a); !v) return v.error();
        auto id =
            c.QueryOne(
                 "INSERT INTO users (username, full_name, email, unit_id, status, password_hash,"
                 " password_changed_at, must_change_password, totp_secret, totp_enrolled_at, created_at, updated_at)"
                 " VALUES ($1, $2, $3, $4, 'active', $5, $6, 0, $7, $8, $6, $6) RETURNING id",
                 {a.username, a.full_name, a.email, a.unit_id, hash, now,
                  totp_secret_b32 ? Value(SealSecret(*totp_secret_b32)) : Value(),
                  totp_secret_b32 ? Value(now) : Value()})
                ->Int(0);
        c.Execute("INSERT INTO password_history (user_id, password_hash, created_at) VALUES ($1, $2, $3)",
                  {id, hash, now});
        for (const auto& r : a.roles) {
            c.Execute(
                "INSERT INTO role_grants (user_id, role, unit_id, portal, granted_at) VALUES ($1, $2, $3, $4, $5)",
                {id, r.role, r.unit_id, r.portal.empty() ? core::db::Value{} : core::db::Value{r.portal}, now});
        }
        auto u = UserFromRow(*c.QueryOne("SELECT " + std::string(kUserColumns) + " FROM users WHERE id = $1", {id}));
        u.grants = LoadGrants(c, id);
        audit_.Write(c, actor, {"account.create", "user", std::to_string(id), nullptr, UserJson(u)});
        return u;
    });
}

std::vector<UserView> Service::ListUsers(const Principal& who) const {
    const auto reach = policy_.ReachOf(who, kAccountView);
    if (!reach.all && reach.units.empty()) return {};
    return db_.Read([&](Connection& c) {
        // Two queries for the whole list (no query per account).
        std::map<std::int64_t, std::vector<Grant>> grants;
        for (const auto& r : c.Query("SELECT user_id, id, role, unit_id, COALESCE(portal, '') FROM role_grants"
                                     " WHERE revoked_at IS NULL ORDER BY id")) {
            grants[r.Int(0)].push_back({r.Int(1), r.Text(2), r.Int(3), r.Text(4)});
        }
        std::vector<UserView> out;
        for (const auto& r : c.Query("SELECT " + std::string(kUserColumns) + " FROM users ORDER BY username")) {
            auto u = UserFromRow(r);
            if (!reach.Covers(units_, u.unit_id)) continue;
            if (auto it = grants.find(u.id); it != grants.end()) u.grants = std::move(it->second);
            out.push_back(std::move(u));
        }
        return out;
    });
}

std::optional<UserView> Service::FindUser(std::int64_t id) const {
    return db_.Read([&](Connection& c) -> std::optional<UserView> {
        auto r = c.QueryOne("SELECT " + std::string(kUserColumns) + " FROM users WHERE id = $1", {id});
        if (!r) return std::nullopt;
        auto u = UserFromRow(*r);
        u.grants = LoadGrants(c, id);
        return u;
    });
}

std::optional<UserView> Service::FindUserByName(std::string_view username) const {
    auto id = db_.Read([&](Connection& c) -> std::int64_t {
        auto r = c.QueryOne("SELECT id FROM users WHERE username = $1", {Lower(std::string(username))});
        return r ? r->Int(0) : 0;
    });
    if (!id) return std::nullopt;
    return FindUser(id);
}

bool Service::AnyUsers() const {
    return db_.Read([](Connection& c) { return c.QueryOne("SELECT id FROM users LIMIT 1").has_value(); });
}

namespace {
constexpr std::string_view kRequestSelect =
    "SELECT r.id, r.user_id, u.username, u.full_name, u.email, u.unit_id, r.roles_json, r.reason,"
    " COALESCE(q.username, 'cli'), r.requested_at, COALESCE(r.decision, ''), r.decision_note,"
    " COALESCE(d.username, CASE WHEN r.decision IS NULL THEN '' ELSE 'cli' END), COALESCE(r.decided_at, 0)"
    " FROM account_requests r JOIN users u ON u.id = r.user_id"
    " LEFT JOIN users q ON q.id = r.requested_by LEFT JOIN users d ON d.id = r.decided_by";
AccountRequestView RequestFromRow(const core::db::Row& r) {
    return {r.Int(0),  r.Int(1),  r.Text(2), r.Text(3),  r.Text(4),  r.Int(5),   r.Text(6),
            r.Text(7), r.Text(8), r.Int(9),  r.Text(10), r.Text(11), r.Text(12), r.Int(13)};
}
}  // namespace

std::vector<AccountRequestView> Service::ListRequests(const Principal& who, bool pending_only) const {
    const auto reach = policy_.ReachOf(who, kAccountView);
    if (!reach.all && reach.units.empty()) return {};
    return db_.Read([&](Connection& c) {
        std::vector<AccountRequestView> out;
        for (const auto& r : c.Query(std::string(kRequestSelect) + (pending_only ? " WHERE r.decision IS NULL" : "") +
                                     " ORDER BY r.id DESC LIMIT 500")) {
            auto v = RequestFromRow(r);
            if (reach.Covers(units_, v.unit_id)) out.push_back(std::move(v));
        }
        return out;
    });
}

std::optional<AccountRequestView> Service::FindRequest(std::int64_t id) const {
    return db_.Read([&](Connection& c) -> std::optional<AccountRequestView> {
        auto r = c.QueryOne(std::string(kRequestSelect) + " WHERE r.id = $1", {id});
        if (!r) return std::nullopt;
        return RequestFromRow(*r);
    });
}

// ---------------------------------------------------------------- secrets at rest

std::string Service::SealSecret(const std::string& base32) const { return settings_.secret_box->Seal(base32); }

core::Result<std::string> Service::OpenSecret(const std::string& stored) const {
    if (!core::SecretBox::IsSealed(stored)) {
        spdlog::error("a two-factor secret in the database is not sealed: refused (no plaintext fallback)");
        return core::Error{core::ErrorCode::kInternal, core::Msg("auth.totp_secret_unreadable"), "unsealed secret"};
    }
    auto r = settings_.secret_box->Open(stored);
    if (!r) {
        spdlog::error("a two-factor secret cannot be opened with the configured secret key");
        return core::Error{core::ErrorCode::kInternal, core::Msg("auth.totp_secret_unreadable"), "wrong secret key"};
    }
    return r;
}

bool Service::HoldsSealedSecrets(core::db::Database& db) {
    return db.Read([](Connection& c) {
        return c.QueryOne("SELECT id FROM users WHERE totp_secret IS NOT NULL LIMIT 1").has_value();
    });
}

core::Status Service::CheckSecretKey() const {
    return db_.Read([&](Connection& c) -> core::Status {
        for (const auto& r :
             c.Query("SELECT id, totp_secret FROM users WHERE totp_secret IS NOT NULL ORDER BY id LIMIT 50")) {
            const auto stored = r.Text(1);
            if (!core::SecretBox::IsSealed(stored) || !settings_.secret_box->Open(stored)) {
                return core::Error{core::ErrorCode::kInternal,
                                   core::Msg("auth.secret_key_mismatch", {{"account_id", std::to_string(r.Int(0))}}),
                                   {}};
            }
        }
        return core::Ok{};
    });
}

std::string Service::EmailOf(core::db::Connection& c, std::int64_t user_id) const {
    auto r = c.QueryOne("SELECT email FROM users WHERE id = $1 AND status = 'active'", {user_id});
    return r ? r->Text(0) : std::string();
}

std::vector<std::int64_t> Service::HoldersOf(core::db::Connection& c, core::access::Permission p,
                                             const core::access::Scope& scope) const {
    std::map<std::int64_t, Principal> people;
    for (const auto& r : c.Query("SELECT g.user_id, g.id, g.role, g.unit_id, COALESCE(g.portal, '') FROM role_grants g"
                                 " JOIN users u ON u.id = g.user_id WHERE g.revoked_at IS NULL AND u.status = 'active'"
                                 " ORDER BY g.user_id, g.id")) {
        auto& who = people[r.Int(0)];
        who.user_id = r.Int(0);
        who.grants.push_back({r.Int(1), r.Text(2), r.Int(3), r.Text(4)});
    }
    std::vector<std::int64_t> out;
    for (const auto& [id, who] : people) {
        if (policy_.Authorize(who, p, scope)) out.push_back(id);
    }
    return out;
}

}  // namespace vp::auth
