#include "auth/auth.hpp"

#include <algorithm>
#include <cctype>

#include <boost/json.hpp>
#include <fmt/format.h>

#include "auth/crypto/qr.hpp"
#include "auth/crypto/recovery.hpp"
#include "auth/crypto/totp.hpp"
#include "core/text.hpp"

namespace vp::auth {
namespace {

using core::db::Connection;
using core::db::Value;
namespace json = boost::json;

constexpr std::string_view kUserColumns =
    "id, username, full_name, email, status, unit_id, totp_enrolled_at, created_at, password_changed_at, locked_until";

const char* kBadCredentials = "Tên đăng nhập hoặc mật khẩu không đúng.";

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
    for (const auto& g : grants) a.push_back(json::object{{"role", g.role}, {"unit_id", g.unit_id}});
    return a;
}

json::value UserJson(const UserView& u) {
    return json::object{{"id", u.id},           {"username", u.username}, {"full_name", u.full_name},
                        {"email", u.email},     {"status", u.status},     {"unit_id", u.unit_id},
                        {"enrolled", u.enrolled}, {"roles", GrantsJson(u.grants)}};
}

bool ValidUsername(std::string_view s) {
    if (s.size() < 3 || s.size() > 40) return false;
    return std::all_of(s.begin(), s.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
    });
}

bool ValidEmail(std::string_view s) {
    if (s.empty()) return true;
    auto at = s.find('@');
    return s.size() <= 200 && at != std::string_view::npos && at > 0 && s.find('.', at) != std::string_view::npos &&
           s.find_first_of(" \r\n<>\"") == std::string_view::npos;
}

std::string Lower(std::string s) {
    for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
}

std::string SecondsText(std::int64_t ms) { return std::to_string(std::max<std::int64_t>(1, (ms + 999) / 1000)); }

}  // namespace

bool Principal::HasRole(std::string_view role) const {
    return std::any_of(grants.begin(), grants.end(), [&](const Grant& g) { return g.role == role; });
}

audit::Actor Principal::Actor(std::string role) const {
    return audit::Actor{.user_id = user_id,
                        .username = username,
                        .unit_id = unit_id,
                        .role = std::move(role),
                        .address = address,
                        .request_id = request_id};
}

Service::Service(core::db::Database& db, audit::Log& audit, const core::Clock& clock, units::Service& units,
                 PasswordHasher& hasher, core::EventBus& events, AuthSettings settings)
    : db_(db), audit_(audit), clock_(clock), units_(units), hasher_(hasher), events_(events), settings_(settings) {}

audit::Actor Service::CliActor() { return audit::Actor{.user_id = 0, .username = "cli", .role = "operator", .address = "cli"}; }

core::Result<audit::Actor> Service::Authorize(const Principal& who, Permission p, std::int64_t unit_id) const {
    if (!who.Ready()) return core::Forbidden("Cần hoàn tất đăng nhập (xác thực hai yếu tố, đổi mật khẩu) trước.");
    if (who.api_token_id) {
        auto name = std::string(PermissionName(p));
        if (std::find(who.scopes.begin(), who.scopes.end(), "*") == who.scopes.end() &&
            std::find(who.scopes.begin(), who.scopes.end(), name) == who.scopes.end()) {
            return core::Forbidden("Mã truy cập API không có phạm vi " + name + ".");
        }
    }
    for (const auto& g : who.grants) {
        if (!RoleGrants(g.role, p)) continue;
        if (unit_id == 0 || units_.IsWithin(g.unit_id, unit_id)) return who.Actor(g.role);
    }
    return core::Forbidden();
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

core::Result<std::int64_t> Service::ValidateNewAccount(Connection& c, NewAccount& a) const {
    a.username = Lower(core::Trim(a.username));
    a.full_name = core::ToNfc(core::Trim(a.full_name));
    a.email = core::Trim(a.email);
    if (!ValidUsername(a.username)) {
        return core::InvalidInput("Tên đăng nhập gồm 3–40 ký tự: chữ thường không dấu, chữ số, '.', '_' hoặc '-'.");
    }
    if (a.full_name.empty() || !core::IsValidUtf8(a.full_name) || core::Utf8Length(a.full_name) > 120) {
        return core::InvalidInput("Họ và tên không được để trống và không quá 120 ký tự.");
    }
    if (!ValidEmail(a.email)) return core::InvalidInput("Địa chỉ thư điện tử không hợp lệ.");
    if (a.roles.empty()) return core::InvalidInput("Cần chọn ít nhất một vai trò.");
    auto unit = c.QueryOne("SELECT status FROM units WHERE id = $1", {a.unit_id});
    if (!unit) return core::InvalidInput("Đơn vị không tồn tại.");
    if (unit->Text(0) != "active") return core::InvalidInput("Đơn vị đã ngừng hoạt động.");
    for (auto& r : a.roles) {
        if (!FindRole(r.role)) return core::InvalidInput("Vai trò không hợp lệ: " + r.role);
        if (r.unit_id == 0) r.unit_id = a.unit_id;
        if (!c.QueryOne("SELECT id FROM units WHERE id = $1 AND status = 'active'", {r.unit_id})) {
            return core::InvalidInput("Đơn vị của vai trò không tồn tại hoặc đã ngừng hoạt động.");
        }
    }
    if (c.QueryOne("SELECT id FROM users WHERE username = $1", {a.username})) {
        return core::Conflict("Tên đăng nhập đã được dùng (mỗi người một tài khoản, không dùng chung).");
    }
    return a.unit_id;
}

core::Result<AccountRequestView> Service::RequestAccount(const audit::Actor& actor, NewAccount a) {
    const auto now = core::ToMillis(clock_.Now());
    auto id = db_.Transact([&](Connection& c) -> core::Result<std::int64_t> {
        if (auto v = ValidateNewAccount(c, a); !v) return v.error();
        auto user_id = c.QueryOne("INSERT INTO users (username, full_name, email, unit_id, status, must_change_password,"
                                  " created_at, updated_at) VALUES ($1, $2, $3, $4, 'pending', 1, $5, $5) RETURNING id",
                                  {a.username, a.full_name, a.email, a.unit_id, now})
                           ->Int(0);
        json::array roles;
        for (const auto& r : a.roles) roles.push_back(json::object{{"role", r.role}, {"unit_id", r.unit_id}});
        auto roles_json = json::serialize(roles);
        auto req_id = c.QueryOne("INSERT INTO account_requests (user_id, roles_json, reason, requested_by, requested_at)"
                                 " VALUES ($1, $2, $3, $4, $5) RETURNING id",
                                 {user_id, roles_json, a.reason, actor.user_id ? Value(actor.user_id) : Value(), now})
                          ->Int(0);
        audit_.Write(c, actor,
                     {"account.request", "account_request", std::to_string(req_id), nullptr,
                      json::object{{"username", a.username}, {"full_name", a.full_name}, {"unit_id", a.unit_id},
                                   {"roles", roles}, {"reason", a.reason}}});
        return req_id;
    });
    if (!id) return id.error();
    return *FindRequest(id.value());
}

core::Result<Service::Approval> Service::Approve(const audit::Actor& actor, std::int64_t request_id, std::string note) {
    auto req = FindRequest(request_id);
    if (!req) return core::NotFound("Không tìm thấy đề nghị cấp tài khoản.");
    if (!req->decision.empty()) return core::Conflict("Đề nghị này đã được xử lý.");
    auto requester = db_.Read([&](Connection& c) {
        return c.QueryOne("SELECT requested_by FROM account_requests WHERE id = $1", {request_id})->Int(0);
    });
    if (actor.user_id != 0 && requester == actor.user_id) {
        return core::Forbidden("Người đề nghị không được tự phê duyệt đề nghị của mình.");
    }
    // The initial password is random, strong and must be changed at the first sign-in.
    std::string initial;
    do {
        initial = RandomToken(12);
    } while (!CheckPasswordStrength(initial, req->username, req->full_name).ok());
    const auto hash = hasher_.Hash(initial);
    const auto now = core::ToMillis(clock_.Now());
    auto r = db_.Transact([&](Connection& c) -> core::Result<UserView> {
        // Re-checked inside the transaction: two approvers at once must not both succeed.
        if (c.Execute("UPDATE account_requests SET decision = 'approved', decision_note = $2, decided_by = $3,"
                      " decided_at = $4 WHERE id = $1 AND decision IS NULL",
                      {request_id, note, actor.user_id ? Value(actor.user_id) : Value(), now}) != 1) {
            return core::Conflict("Đề nghị này đã được xử lý.");
        }
        c.Execute("UPDATE users SET status = 'active', password_hash = $2, password_changed_at = $3,"
                  " must_change_password = 1, updated_at = $3 WHERE id = $1",
                  {req->user_id, hash, now});
        c.Execute("INSERT INTO password_history (user_id, password_hash, created_at) VALUES ($1, $2, $3)",
                  {req->user_id, hash, now});
        const auto roles = json::parse(req->roles_json);
        for (const auto& role : roles.as_array()) {
            c.Execute("INSERT INTO role_grants (user_id, role, unit_id, granted_by, granted_at) VALUES ($1, $2, $3, $4, $5)",
                      {req->user_id, std::string(role.at("role").as_string()), role.at("unit_id").to_number<std::int64_t>(),
                       actor.user_id ? Value(actor.user_id) : Value(), now});
        }
        auto u = UserFromRow(*c.QueryOne("SELECT " + std::string(kUserColumns) + " FROM users WHERE id = $1", {req->user_id}));
        u.grants = LoadGrants(c, u.id);
        audit_.Write(c, actor, {"account.approve", "user", std::to_string(u.id),
                                json::object{{"status", "pending"}, {"request_id", request_id}}, UserJson(u)});
        if (requester) {
            c.Execute("INSERT INTO notifications (user_id, kind, title, body, link, created_at) VALUES ($1, 'account', $2, $3, $4, $5)",
                      {requester, "Đề nghị cấp tài khoản đã được phê duyệt", "Tài khoản " + u.username + " đã được cấp.",
                       "/admin/accounts", now});
        }
        return u;
    });
    if (!r) return r.error();
    if (requester) events_.Publish({"notification", "{}", requester});
    return Approval{std::move(r.value()), initial};
}

core::Result<AccountRequestView> Service::Refuse(const audit::Actor& actor, std::int64_t request_id, std::string note) {
    note = core::Trim(note);
    if (note.empty()) return core::InvalidInput("Cần ghi lý do từ chối.");
    const auto now = core::ToMillis(clock_.Now());
    auto r = db_.Transact([&](Connection& c) -> core::Result<std::int64_t> {
        auto row = c.QueryOne("SELECT user_id FROM account_requests WHERE id = $1", {request_id});
        if (!row) return core::NotFound("Không tìm thấy đề nghị cấp tài khoản.");
        if (c.Execute("UPDATE account_requests SET decision = 'refused', decision_note = $2, decided_by = $3,"
                      " decided_at = $4 WHERE id = $1 AND decision IS NULL",
                      {request_id, note, actor.user_id ? Value(actor.user_id) : Value(), now}) != 1) {
            return core::Conflict("Đề nghị này đã được xử lý.");
        }
        c.Execute("UPDATE users SET status = 'refused', updated_at = $2 WHERE id = $1", {row->Int(0), now});
        audit_.Write(c, actor, {"account.refuse", "account_request", std::to_string(request_id),
                                json::object{{"decision", nullptr}}, json::object{{"decision", "refused"}, {"note", note}}});
        return request_id;
    });
    if (!r) return r.error();
    return *FindRequest(request_id);
}

void Service::RecordFailure(Connection& c, std::int64_t user_id, std::int64_t failed, std::int64_t now) const {
    std::int64_t locked = 0;
    if (failed >= settings_.lock_out_after) {
        locked = now + std::chrono::duration_cast<std::chrono::milliseconds>(settings_.lock_out).count();
    } else if (failed >= settings_.slow_down_after) {
        // Slow-down: 1 s, 2 s, 4 s ... before the next attempt is even looked at.
        locked = now + (1000LL << std::min<std::int64_t>(failed - settings_.slow_down_after, 8));
    }
    c.Execute("UPDATE users SET failed_logins = $2, locked_until = $3 WHERE id = $1",
              {user_id, failed, locked ? Value(locked) : Value()});
}

void Service::EndAllSessions(Connection& c, std::int64_t user_id, std::string_view reason) {
    c.Execute("UPDATE sessions SET ended_at = $2, ended_reason = $3 WHERE user_id = $1 AND ended_at IS NULL",
              {user_id, core::ToMillis(clock_.Now()), reason});
}

std::string Service::SealSecret(const std::string& base32) const {
    return settings_.secret_box ? settings_.secret_box->Seal(base32) : base32;
}

std::string Service::OpenSecret(const std::string& stored) const {
    if (!core::SecretBox::IsSealed(stored)) return stored;
    if (!settings_.secret_box) return "";
    auto r = settings_.secret_box->Open(stored);
    return r ? r.value() : std::string();
}

void Service::PublishSessionsEnded(std::int64_t user_id) {
    events_.Publish({"session.ended", fmt::format("{{\"user_id\":{}}}", user_id), user_id});
}

core::Result<UserView> Service::Revoke(const audit::Actor& actor, std::int64_t user_id, std::string reason) {
    reason = core::Trim(reason);
    if (reason.empty()) return core::InvalidInput("Cần ghi lý do thu hồi (chuyển công tác, vi phạm, ...).");
    const auto now = core::ToMillis(clock_.Now());
    auto r = db_.Transact([&](Connection& c) -> core::Result<UserView> {
        auto row = c.QueryOne("SELECT " + std::string(kUserColumns) + " FROM users WHERE id = $1", {user_id});
        if (!row) return core::NotFound("Không tìm thấy tài khoản.");
        auto before = UserFromRow(*row);
        before.grants = LoadGrants(c, user_id);
        if (before.status == "revoked") return core::Conflict("Tài khoản đã bị thu hồi.");
        if (before.status != "active") return core::Conflict("Chỉ thu hồi được tài khoản đang hoạt động.");
        c.Execute("UPDATE users SET status = 'revoked', updated_at = $2 WHERE id = $1", {user_id, now});
        c.Execute("UPDATE role_grants SET revoked_at = $2, revoked_by = $3 WHERE user_id = $1 AND revoked_at IS NULL",
                  {user_id, now, actor.user_id ? Value(actor.user_id) : Value()});
        c.Execute("UPDATE api_tokens SET revoked_at = $2 WHERE user_id = $1 AND revoked_at IS NULL", {user_id, now});
        EndAllSessions(c, user_id, "revoked");
        auto after = before;
        after.status = "revoked";
        after.grants.clear();
        auto a = UserJson(after);
        a.as_object()["reason"] = reason;
        audit_.Write(c, actor, {"account.revoke", "user", std::to_string(user_id), UserJson(before), a});
        return after;
    });
    if (r) PublishSessionsEnded(user_id);
    return r;
}

core::Result<UserView> Service::ResetSecondFactor(const audit::Actor& actor, std::int64_t user_id, std::string reason) {
    const auto now = core::ToMillis(clock_.Now());
    auto r = db_.Transact([&](Connection& c) -> core::Result<UserView> {
        auto row = c.QueryOne("SELECT " + std::string(kUserColumns) + " FROM users WHERE id = $1", {user_id});
        if (!row) return core::NotFound("Không tìm thấy tài khoản.");
        auto u = UserFromRow(*row);
        c.Execute("UPDATE users SET totp_secret = NULL, totp_enrolled_at = NULL, totp_last_step = NULL, updated_at = $2"
                  " WHERE id = $1",
                  {user_id, now});
        c.Execute("UPDATE recovery_codes SET retired_at = $2 WHERE user_id = $1 AND retired_at IS NULL AND used_at IS NULL",
                  {user_id, now});
        EndAllSessions(c, user_id, "second_factor_reset");
        audit_.Write(c, actor, {"account.reset_second_factor", "user", std::to_string(user_id),
                                json::object{{"enrolled", u.enrolled}}, json::object{{"enrolled", false}, {"reason", reason}}});
        u.enrolled = false;
        return u;
    });
    if (r) PublishSessionsEnded(user_id);
    return r;
}

core::Result<std::string> Service::ResetPassword(const audit::Actor& actor, std::int64_t user_id) {
    auto u = FindUser(user_id);
    if (!u) return core::NotFound("Không tìm thấy tài khoản.");
    if (u->status != "active") return core::Conflict("Chỉ đặt lại mật khẩu cho tài khoản đang hoạt động.");
    std::string pw;
    do {
        pw = RandomToken(12);
    } while (!CheckPasswordStrength(pw, u->username, u->full_name).ok());
    auto hash = hasher_.Hash(pw);
    const auto now = core::ToMillis(clock_.Now());
    db_.Transact([&](Connection& c) {
        c.Execute("UPDATE users SET password_hash = $2, password_changed_at = $3, must_change_password = 1,"
                  " failed_logins = 0, locked_until = NULL, updated_at = $3 WHERE id = $1",
                  {user_id, hash, now});
        c.Execute("INSERT INTO password_history (user_id, password_hash, created_at) VALUES ($1, $2, $3)", {user_id, hash, now});
        EndAllSessions(c, user_id, "password_reset");
        audit_.Write(c, actor, {"account.reset_password", "user", std::to_string(user_id), nullptr,
                                json::object{{"must_change_password", true}}});
    });
    PublishSessionsEnded(user_id);
    return pw;
}

core::Result<UserView> Service::CreateActive(const audit::Actor& actor, NewAccount a, const std::string& password_in,
                                             std::optional<std::string> totp_secret_b32) {
    const auto password = core::ToNfc(password_in);
    if (auto st = CheckPasswordStrength(password, a.username, a.full_name); !st) return st.error();
    auto hash = hasher_.Hash(password);
    const auto now = core::ToMillis(clock_.Now());
    return db_.Transact([&](Connection& c) -> core::Result<UserView> {
        if (auto v = ValidateNewAccount(c, a); !v) return v.error();
        auto id = c.QueryOne("INSERT INTO users (username, full_name, email, unit_id, status, password_hash,"
                             " password_changed_at, must_change_password, totp_secret, totp_enrolled_at, created_at, updated_at)"
                             " VALUES ($1, $2, $3, $4, 'active', $5, $6, 0, $7, $8, $6, $6) RETURNING id",
                             {a.username, a.full_name, a.email, a.unit_id, hash, now,
                              totp_secret_b32 ? Value(SealSecret(*totp_secret_b32)) : Value(),
                              totp_secret_b32 ? Value(now) : Value()})
                      ->Int(0);
        c.Execute("INSERT INTO password_history (user_id, password_hash, created_at) VALUES ($1, $2, $3)", {id, hash, now});
        for (const auto& r : a.roles) {
            c.Execute("INSERT INTO role_grants (user_id, role, unit_id, granted_at) VALUES ($1, $2, $3, $4)",
                      {id, r.role, r.unit_id, now});
        }
        auto u = UserFromRow(*c.QueryOne("SELECT " + std::string(kUserColumns) + " FROM users WHERE id = $1", {id}));
        u.grants = LoadGrants(c, id);
        audit_.Write(c, actor, {"account.create", "user", std::to_string(id), nullptr, UserJson(u)});
        return u;
    });
}

std::vector<UserView> Service::ListUsers() const {
    return db_.Read([&](Connection& c) {
        std::vector<UserView> out;
        for (const auto& r : c.Query("SELECT " + std::string(kUserColumns) + " FROM users ORDER BY username")) {
            out.push_back(UserFromRow(r));
            out.back().grants = LoadGrants(c, out.back().id);
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

namespace {
constexpr std::string_view kRequestSelect =
    "SELECT r.id, r.user_id, u.username, u.full_name, u.email, u.unit_id, r.roles_json, r.reason,"
    " COALESCE(q.username, 'cli'), r.requested_at, COALESCE(r.decision, ''), r.decision_note,"
    " COALESCE(d.username, CASE WHEN r.decision IS NULL THEN '' ELSE 'cli' END), COALESCE(r.decided_at, 0)"
    " FROM account_requests r JOIN users u ON u.id = r.user_id"
    " LEFT JOIN users q ON q.id = r.requested_by LEFT JOIN users d ON d.id = r.decided_by";
AccountRequestView RequestFromRow(const core::db::Row& r) {
    return {r.Int(0),  r.Int(1),  r.Text(2), r.Text(3),  r.Text(4),  r.Int(5),  r.Text(6),
            r.Text(7), r.Text(8), r.Int(9),  r.Text(10), r.Text(11), r.Text(12), r.Int(13)};
}
}  // namespace

std::vector<AccountRequestView> Service::ListRequests(bool pending_only) const {
    return db_.Read([&](Connection& c) {
        std::vector<AccountRequestView> out;
        for (const auto& r : c.Query(std::string(kRequestSelect) + (pending_only ? " WHERE r.decision IS NULL" : "") +
                                     " ORDER BY r.id DESC LIMIT 500")) {
            out.push_back(RequestFromRow(r));
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

// ---------------------------------------------------------------- signing in

core::Result<LoginResult> Service::Login(const std::string& username_in, const std::string& password_in,
                                         const std::string& address, const std::string& user_agent) {
    // Passwords are compared in NFC, so precomposed and combining-mark input are the same (P-12).
    const auto password = core::ToNfc(password_in);
    const auto now = core::ToMillis(clock_.Now());
    const auto username = Lower(core::Trim(username_in));
    if (username.empty() || password.empty()) return core::InvalidInput("Cần nhập tên đăng nhập và mật khẩu.");
    if (password.size() > 1024 || username.size() > 100) return core::Unauthorized(kBadCredentials);
    auto recent = db_.Read([&](Connection& c) {
        return c.QueryOne("SELECT COUNT(*) FROM login_failures WHERE address = $1 AND at > $2",
                          {address, now - 15 * 60 * 1000})
            ->Int(0);
    });
    if (recent >= settings_.address_failures_per_15min) {
        return core::Error{core::ErrorCode::kTooManyRequests,
                           "Có quá nhiều lần đăng nhập sai từ địa chỉ này. Vui lòng thử lại sau 15 phút.", {}};
    }
    auto row = db_.Read([&](Connection& c) {
        return c.QueryOne("SELECT id, password_hash, status, failed_logins, COALESCE(locked_until, 0) FROM users WHERE username = $1",
                          {username});
    });
    if (row && row->Int(4) > now) {
        return core::Error{core::ErrorCode::kTooManyRequests,
                           "Tài khoản tạm khóa do đăng nhập sai nhiều lần. Thử lại sau " + SecondsText(row->Int(4) - now) +
                               " giây.",
                           {}};
    }
    // Unknown users cost the same time as known ones, so timing does not reveal accounts.
    const bool ok = row && !row->IsNull(1) ? hasher_.Verify(row->Text(1), password)
                                           : (hasher_.Verify(hasher_.DummyHash(), password), false);
    audit::Actor actor{.user_id = row ? row->Int(0) : 0, .username = username, .address = address};
    if (!ok) {
        db_.Transact([&](Connection& c) {
            c.Execute("INSERT INTO login_failures (address, username, at) VALUES ($1, $2, $3)", {address, username, now});
            if (row) RecordFailure(c, row->Int(0), row->Int(3) + 1, now);
            audit_.Write(c, actor, {"auth.login_failed", "user", row ? std::to_string(row->Int(0)) : "", nullptr,
                                    json::object{{"username", username}}});
        });
        return core::Unauthorized(kBadCredentials);
    }
    if (row->Text(2) != "active") {
        db_.Transact([&](Connection& c) {
            audit_.Write(c, actor, {"auth.login_refused", "user", std::to_string(row->Int(0)), nullptr,
                                    json::object{{"status", row->Text(2)}}});
        });
        return core::Error{core::ErrorCode::kForbidden, "Tài khoản chưa được phê duyệt hoặc đã bị thu hồi.", {}};
    }
    std::string token = RandomToken(32);
    auto user_id = row->Int(0);
    db_.Transact([&](Connection& c) {
        c.Execute("UPDATE users SET failed_logins = 0, locked_until = NULL WHERE id = $1", {user_id});
        auto sid = c.QueryOne("INSERT INTO sessions (token_hash, user_id, csrf_token, created_at, last_seen_at, expires_at,"
                              " address, user_agent) VALUES ($1, $2, $3, $4, $4, $5, $6, $7) RETURNING id",
                              {HashToken(token), user_id, RandomToken(24), now,
                               now + std::chrono::duration_cast<std::chrono::milliseconds>(settings_.session_absolute).count(),
                               address, user_agent.substr(0, 300)})
                       ->Int(0);
        audit_.Write(c, actor, {"auth.login", "session", std::to_string(sid), nullptr, json::object{{"step", "password"}}});
    });
    auto p = Authenticate(token, address);
    if (!p) return core::Unauthorized(kBadCredentials);
    return LoginResult{token, p->stage};
}

std::optional<Principal> Service::LoadPrincipal(Connection& c, std::int64_t user_id) const {
    auto r = c.QueryOne("SELECT id, username, full_name, email, unit_id, status, totp_enrolled_at, must_change_password,"
                        " COALESCE(password_changed_at, 0) FROM users WHERE id = $1",
                        {user_id});
    if (!r || r->Text(5) != "active") return std::nullopt;
    Principal p;
    p.user_id = r->Int(0);
    p.username = r->Text(1);
    p.full_name = r->Text(2);
    p.email = r->Text(3);
    p.unit_id = r->Int(4);
    p.enrolled = !r->IsNull(6);
    p.grants = LoadGrants(c, user_id);
    p.second_factor_required = std::any_of(p.grants.begin(), p.grants.end(), [](const Grant& g) {
        auto info = FindRole(g.role);
        return info && info->requires_second_factor;
    });
    const auto now = core::ToMillis(clock_.Now());
    const bool expired =
        r->Int(8) + std::chrono::duration_cast<std::chrono::milliseconds>(settings_.password_max_age).count() < now;
    p.stage = (r->Int(7) != 0 || expired) ? Stage::kPasswordChange : Stage::kReady;
    return p;
}

std::optional<Principal> Service::Authenticate(const std::string& token, const std::string& address) {
    if (token.empty() || token.size() > 200) return std::nullopt;
    const auto now = core::ToMillis(clock_.Now());
    const auto idle = std::chrono::duration_cast<std::chrono::milliseconds>(settings_.session_idle).count();
    return db_.Read([&](Connection& c) -> std::optional<Principal> {
        auto s = c.QueryOne("SELECT id, user_id, csrf_token, last_seen_at, expires_at, second_factor_at FROM sessions"
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

core::Result<Stage> Service::VerifySecondFactor(const Principal& who, const std::string& code_in) {
    if (who.stage != Stage::kSecondFactor) return core::Conflict("Phiên này không chờ mã xác thực.");
    const auto now = core::ToMillis(clock_.Now());
    auto row = db_.Read([&](Connection& c) {
        return c.QueryOne("SELECT totp_secret, COALESCE(totp_last_step, -1), COALESCE(locked_until, 0), failed_logins"
                          " FROM users WHERE id = $1",
                          {who.user_id});
    });
    if (row->Int(2) > now) {
        return core::Error{core::ErrorCode::kTooManyRequests,
                           "Nhập sai nhiều lần. Thử lại sau " + SecondsText(row->Int(2) - now) + " giây.", {}};
    }
    const auto code = core::Trim(code_in);
    auto secret = TryBase32Decode(OpenSecret(row->Text(0)));
    std::optional<std::int64_t> step;
    if (secret && code.size() <= 8) step = VerifyTotp(secret.value(), code, now / 1000, 1);
    std::string method;
    auto result = db_.Transact([&](Connection& c) -> core::Result<Stage> {
        if (step) {
            if (*step <= row->Int(1)) return core::InvalidInput("Mã này đã được dùng. Vui lòng chờ mã mới.");
            c.Execute("UPDATE users SET totp_last_step = $2, failed_logins = 0, locked_until = NULL WHERE id = $1",
                      {who.user_id, *step});
            method = "totp";
        } else if (c.Execute("UPDATE recovery_codes SET used_at = $3 WHERE user_id = $1 AND code_hash = $2"
                             " AND used_at IS NULL AND retired_at IS NULL",
                             {who.user_id, HashRecoveryCode(code), now}) == 1) {
            method = "recovery_code";
            c.Execute("UPDATE users SET failed_logins = 0, locked_until = NULL WHERE id = $1", {who.user_id});
        } else {
            return core::InvalidInput("Mã xác thực không đúng.");
        }
        c.Execute("UPDATE sessions SET second_factor_at = $2 WHERE id = $1", {who.session_id, now});
        audit_.Write(c, who.Actor(), {"auth.second_factor", "session", std::to_string(who.session_id), nullptr,
                                      json::object{{"method", method}}});
        return Stage::kReady;
    });
    if (!result) {
        db_.Transact([&](Connection& c) {
            RecordFailure(c, who.user_id, row->Int(3) + 1, now);
            audit_.Write(c, who.Actor(), {"auth.second_factor_failed", "session", std::to_string(who.session_id), nullptr, nullptr});
        });
        return result;
    }
    auto fresh = db_.Read([&](Connection& c) { return LoadPrincipal(c, who.user_id); });
    if (fresh && fresh->stage == Stage::kPasswordChange) return Stage::kPasswordChange;
    return Stage::kReady;
}

core::Result<Enrolment> Service::BeginEnrolment(const Principal& who) {
    if (who.stage != Stage::kEnrol && !(who.stage == Stage::kReady && !who.enrolled)) {
        return core::Conflict("Tài khoản đã đăng ký xác thực hai yếu tố.");
    }
    auto secret_b32 = db_.Transact([&](Connection& c) {
        auto r = c.QueryOne("SELECT totp_secret FROM users WHERE id = $1 AND totp_enrolled_at IS NULL", {who.user_id});
        if (r && !r->IsNull(0)) {
            // Keep the pending secret: the QR code stays valid on reload.
            if (auto pending = OpenSecret(r->Text(0)); !pending.empty()) return pending;
        }
        auto s = Base32Encode(GenerateTotpSecret());
        c.Execute("UPDATE users SET totp_secret = $2 WHERE id = $1", {who.user_id, SealSecret(s)});
        return s;
    });
    auto uri = OtpauthUri(settings_.issuer, who.username, secret_b32);
    return Enrolment{secret_b32, uri, QrSvg(uri)};
}

core::Result<std::vector<std::string>> Service::CompleteEnrolment(const Principal& who, const std::string& code) {
    if (who.stage != Stage::kEnrol && !(who.stage == Stage::kReady && !who.enrolled)) {
        return core::Conflict("Tài khoản đã đăng ký xác thực hai yếu tố.");
    }
    const auto now = core::ToMillis(clock_.Now());
    auto secret_b32 = db_.Read([&](Connection& c) {
        auto r = c.QueryOne("SELECT totp_secret FROM users WHERE id = $1", {who.user_id});
        return r ? OpenSecret(r->Text(0)) : std::string();
    });
    auto secret = TryBase32Decode(secret_b32);
    if (secret_b32.empty() || !secret) return core::Conflict("Chưa bắt đầu đăng ký xác thực hai yếu tố.");
    auto step = VerifyTotp(secret.value(), core::Trim(code), now / 1000, 1);
    if (!step) return core::InvalidInput("Mã xác thực không đúng. Kiểm tra đồng hồ của điện thoại và thử lại.");
    auto codes = GenerateRecoveryCodes(10);
    db_.Transact([&](Connection& c) {
        c.Execute("UPDATE users SET totp_enrolled_at = $2, totp_last_step = $3, updated_at = $2 WHERE id = $1",
                  {who.user_id, now, *step});
        c.Execute("UPDATE recovery_codes SET retired_at = $2 WHERE user_id = $1 AND retired_at IS NULL", {who.user_id, now});
        for (const auto& rc : codes) {
            c.Execute("INSERT INTO recovery_codes (user_id, code_hash, created_at) VALUES ($1, $2, $3)",
                      {who.user_id, HashRecoveryCode(rc), now});
        }
        c.Execute("UPDATE sessions SET second_factor_at = $2 WHERE id = $1", {who.session_id, now});
        audit_.Write(c, who.Actor(), {"auth.enrol_second_factor", "user", std::to_string(who.user_id),
                                      json::object{{"enrolled", false}}, json::object{{"enrolled", true}}});
    });
    return codes;
}

core::Result<Stage> Service::ChangePassword(const Principal& who, const std::string& current_in, const std::string& next_in) {
    const auto current = core::ToNfc(current_in);
    const auto next = core::ToNfc(next_in);
    if (who.stage == Stage::kSecondFactor) return core::Forbidden("Cần nhập mã xác thực trước.");
    auto row = db_.Read([&](Connection& c) {
        return c.QueryOne("SELECT password_hash FROM users WHERE id = $1", {who.user_id});
    });
    if (!row || !hasher_.Verify(row->Text(0), current)) return core::InvalidInput("Mật khẩu hiện tại không đúng.");
    if (auto st = CheckPasswordStrength(next, who.username, who.full_name); !st) return st.error();
    auto history = db_.Read([&](Connection& c) {
        return c.Query("SELECT password_hash FROM password_history WHERE user_id = $1 ORDER BY id DESC LIMIT $2",
                       {who.user_id, settings_.password_history});
    });
    for (const auto& h : history) {
        if (hasher_.Verify(h.Text(0), next)) {
            return core::InvalidInput("Mật khẩu mới không được trùng " + std::to_string(settings_.password_history) +
                                      " mật khẩu gần nhất.");
        }
    }
    auto hash = hasher_.Hash(next);
    const auto now = core::ToMillis(clock_.Now());
    db_.Transact([&](Connection& c) {
        c.Execute("UPDATE users SET password_hash = $2, password_changed_at = $3, must_change_password = 0, updated_at = $3"
                  " WHERE id = $1",
                  {who.user_id, hash, now});
        c.Execute("INSERT INTO password_history (user_id, password_hash, created_at) VALUES ($1, $2, $3)",
                  {who.user_id, hash, now});
        // Other sessions end: whoever knew the old password is signed out everywhere.
        c.Execute("UPDATE sessions SET ended_at = $3, ended_reason = 'password_changed' WHERE user_id = $1 AND id <> $2"
                  " AND ended_at IS NULL",
                  {who.user_id, who.session_id, now});
        audit_.Write(c, who.Actor(), {"auth.change_password", "user", std::to_string(who.user_id), nullptr, nullptr});
    });
    return (who.second_factor_required && !who.enrolled) ? Stage::kEnrol : Stage::kReady;
}

std::vector<SessionView> Service::ListSessions(const Principal& who) const {
    const auto now = core::ToMillis(clock_.Now());
    return db_.Read([&](Connection& c) {
        std::vector<SessionView> out;
        for (const auto& r : c.Query("SELECT id, created_at, last_seen_at, expires_at, address, user_agent FROM sessions"
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
            return core::NotFound("Không tìm thấy phiên đăng nhập.");
        }
        audit_.Write(c, who.Actor(), {"auth.end_session", "session", std::to_string(session_id), nullptr, nullptr});
        return core::Ok{};
    });
}

void Service::Logout(const Principal& who) {
    if (!who.session_id) return;
    const auto now = core::ToMillis(clock_.Now());
    db_.Transact([&](Connection& c) {
        c.Execute("UPDATE sessions SET ended_at = $2, ended_reason = 'logout' WHERE id = $1 AND ended_at IS NULL",
                  {who.session_id, now});
        audit_.Write(c, who.Actor(), {"auth.logout", "session", std::to_string(who.session_id), nullptr, nullptr});
    });
}

core::Result<Service::NewToken> Service::CreateApiToken(const Principal& who, std::string name,
                                                        std::vector<std::string> scopes, int days_valid) {
    if (!who.Ready() || who.api_token_id) return core::Forbidden("Cần đăng nhập đầy đủ để tạo mã truy cập API.");
    name = core::Trim(name);
    if (name.empty() || core::Utf8Length(name) > 100) return core::InvalidInput("Tên mã truy cập gồm 1–100 ký tự.");
    if (days_valid < 1 || days_valid > 365) return core::InvalidInput("Thời hạn của mã truy cập từ 1 đến 365 ngày.");
    if (scopes.empty()) return core::InvalidInput("Cần chọn ít nhất một phạm vi.");
    for (const auto& s : scopes) {
        if (s != "*" && !FindPermission(s)) return core::InvalidInput("Phạm vi không hợp lệ: " + s);
    }
    std::string joined;
    for (const auto& s : scopes) joined += (joined.empty() ? "" : " ") + s;
    const auto token = "vpt_" + RandomToken(32);
    const auto now = core::ToMillis(clock_.Now());
    auto id = db_.Transact([&](Connection& c) {
        auto id = c.QueryOne("INSERT INTO api_tokens (user_id, name, token_hash, scopes, created_at, expires_at)"
                             " VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
                             {who.user_id, name, HashToken(token), joined, now, now + days_valid * 86400000LL})
                      ->Int(0);
        audit_.Write(c, who.Actor(), {"auth.create_api_token", "api_token", std::to_string(id), nullptr,
                                      json::object{{"name", name}, {"scopes", joined}, {"days", days_valid}}});
        return id;
    });
    return NewToken{id, token};
}

std::optional<Principal> Service::AuthenticateBearer(const std::string& token, const std::string& address) {
    if (token.rfind("vpt_", 0) != 0 || token.size() > 200) return std::nullopt;
    const auto now = core::ToMillis(clock_.Now());
    return db_.Read([&](Connection& c) -> std::optional<Principal> {
        auto t = c.QueryOne("SELECT id, user_id, scopes, COALESCE(last_used_at, 0) FROM api_tokens WHERE token_hash = $1"
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
        if (now - t->Int(3) > 60 * 1000) c.Execute("UPDATE api_tokens SET last_used_at = $2 WHERE id = $1", {t->Int(0), now});
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
            return core::NotFound("Không tìm thấy mã truy cập.");
        }
        audit_.Write(c, who.Actor(), {"auth.revoke_api_token", "api_token", std::to_string(id), nullptr, nullptr});
        return core::Ok{};
    });
}

}  // namespace vp::auth
