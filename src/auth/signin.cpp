// Signing in: password, second factor, enrolment, password change (P-8, X-3).
#include <algorithm>

#include <boost/json.hpp>

#include "auth/auth.hpp"
#include "auth/crypto/qr.hpp"
#include "auth/crypto/recovery.hpp"
#include "auth/crypto/totp.hpp"
#include "auth/internal.hpp"
#include "auth/rules.hpp"
#include "core/text.hpp"

namespace vp::auth {

using core::db::Connection;
using core::db::Value;
namespace json = boost::json;
using namespace internal;

namespace {
core::Error TooMany(core::Message message) {
    return core::Error{core::ErrorCode::kTooManyRequests, std::move(message), {}};
}
core::Error Busy() {
    return core::Error{core::ErrorCode::kUnavailable, core::Msg("auth.signin_busy"), "password hasher queue full", 2};
}
}  // namespace

void Service::RecordPasswordFailure(Connection& c, std::int64_t user_id, std::int64_t now) const {
    // Counted in SQL: parallel guesses each count (a read-increment-write in C++ counted them once).
    auto n = c.QueryOne("UPDATE users SET failed_logins = failed_logins + 1 WHERE id = $1 RETURNING failed_logins",
                        {user_id});
    const auto until =
        rules::NextAttemptAt(n ? n->Int(0) : 1, now,
                             {settings_.slow_down_after, settings_.lock_out_after,
                              std::chrono::duration_cast<std::chrono::milliseconds>(settings_.lock_out)});
    if (until) c.Execute("UPDATE users SET locked_until = $2 WHERE id = $1", {user_id, until});
}

void Service::RecordSecondFactorFailure(Connection& c, std::int64_t user_id, const std::string& address,
                                        std::int64_t now) const {
    auto n = c.QueryOne(
        "UPDATE users SET second_factor_failures = second_factor_failures + 1 WHERE id = $1"
        " RETURNING second_factor_failures",
        {user_id});
    const auto until =
        rules::NextAttemptAt(n ? n->Int(0) : 1, now,
                             {settings_.second_factor_slow_down_after, settings_.second_factor_lock_out_after,
                              std::chrono::duration_cast<std::chrono::milliseconds>(settings_.lock_out)});
    if (until) c.Execute("UPDATE users SET second_factor_locked_until = $2 WHERE id = $1", {user_id, until});
    c.Execute("INSERT INTO login_failures (address, username, at, kind) VALUES ($1, $2, $3, 'second_factor')",
              {address, std::to_string(user_id), now});
}

core::Result<LoginResult> Service::Login(const std::string& username_in, const std::string& password_in,
                                         const std::string& address, const std::string& user_agent) {
    // Passwords are compared in NFC, so precomposed and combining-mark input are the same (P-12).
    const auto password = core::ToNfc(password_in);
    const auto now = core::ToMillis(clock_.Now());
    const auto username = Lower(core::Trim(username_in));
    if (username.empty() || password.empty()) return core::InvalidInput(core::Msg("auth.credentials_missing"));
    if (password.size() > 1024 || username.size() > 100) return core::Unauthorized(core::Msg("auth.bad_credentials"));
    auto recent = db_.Read([&](Connection& c) {
        return c
            .QueryOne("SELECT COUNT(*) FROM login_failures WHERE kind = 'password' AND address = $1 AND at > $2",
                      {address, now - 15 * 60 * 1000})
            ->Int(0);
    });
    if (recent >= settings_.address_failures_per_15min) {
        return TooMany(core::Msg("auth.address_signin_failures"));
    }
    auto row = db_.Read([&](Connection& c) {
        return c.QueryOne("SELECT id, password_hash, status, COALESCE(locked_until, 0) FROM users WHERE username = $1",
                          {username});
    });
    if (row && row->Int(3) > now) {
        return TooMany(core::Msg("auth.account_locked", {{"seconds", rules::SecondsText(row->Int(3) - now)}}));
    }
    // Unknown users cost the same time as known ones, so timing does not reveal accounts.
    bool ok = false;
    try {
        ok = row && !row->IsNull(1) ? hasher_.Verify(row->Text(1), password)
                                    : (hasher_.Verify(hasher_.DummyHash(), password), false);
    } catch (const PasswordHasherBusy&) {
        return Busy();
    }
    audit::Actor actor{.user_id = row ? row->Int(0) : 0, .username = username, .address = address};
    if (!ok) {
        db_.Transact([&](Connection& c) {
            c.Execute("INSERT INTO login_failures (address, username, at, kind) VALUES ($1, $2, $3, 'password')",
                      {address, username, now});
            if (row) RecordPasswordFailure(c, row->Int(0), now);
            audit_.Write(c, actor,
                         {"auth.login_failed", "user", row ? std::to_string(row->Int(0)) : "", nullptr,
                          json::object{{"username", username}}});
        });
        return core::Unauthorized(core::Msg("auth.bad_credentials"));
    }
    if (row->Text(2) != "active") {
        db_.Transact([&](Connection& c) {
            audit_.Write(c, actor,
                         {"auth.login_refused", "user", std::to_string(row->Int(0)), nullptr,
                          json::object{{"status", row->Text(2)}}});
        });
        return core::Error{core::ErrorCode::kForbidden, core::Msg("auth.account_not_active"), {}};
    }
    std::string token = RandomToken(32);
    auto user_id = row->Int(0);
    db_.Transact([&](Connection& c) {
        // Only the password counter: second-factor failures are never reset by this step.
        c.Execute("UPDATE users SET failed_logins = 0, locked_until = NULL WHERE id = $1", {user_id});
        auto sid =
            c.QueryOne(
                 "INSERT INTO sessions (token_hash, user_id, csrf_token, created_at, last_seen_at, expires_at,"
                 " address, user_agent) VALUES ($1, $2, $3, $4, $4, $5, $6, $7) RETURNING id",
                 {HashToken(token), user_id, RandomToken(24), now,
                  now + std::chrono::duration_cast<std::chrono::milliseconds>(settings_.session_absolute).count(),
                  address, user_agent.substr(0, 300)})
                ->Int(0);
        audit_.Write(c, actor,
                     {"auth.login", "session", std::to_string(sid), nullptr, json::object{{"step", "password"}}});
    });
    auto p = Authenticate(token, address);
    if (!p) return core::Unauthorized(core::Msg("auth.bad_credentials"));
    return LoginResult{token, p->stage};
}

std::optional<Principal> Service::LoadPrincipal(Connection& c, std::int64_t user_id) const {
    auto r = c.QueryOne(
        "SELECT id, username, full_name, email, unit_id, status, totp_enrolled_at, must_change_password,"
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
    p.second_factor_required = std::any_of(p.grants.begin(), p.grants.end(), [&](const Grant& g) {
        const auto* info = policy_.FindRole(g.role);
        return info && info->requires_second_factor;
    });
    const auto now = core::ToMillis(clock_.Now());
    const bool expired =
        r->Int(8) + std::chrono::duration_cast<std::chrono::milliseconds>(settings_.password_max_age).count() < now;
    p.stage = (r->Int(7) != 0 || expired) ? Stage::kPasswordChange : Stage::kReady;
    return p;
}

core::Result<Stage> Service::VerifySecondFactor(const Principal& who, const std::string& code_in) {
    if (who.stage != Stage::kSecondFactor) return core::Conflict(core::Msg("auth.no_code_expected"));
    const auto now = core::ToMillis(clock_.Now());
    auto row = db_.Read([&](Connection& c) {
        return c.QueryOne("SELECT totp_secret, COALESCE(second_factor_locked_until, 0) FROM users WHERE id = $1",
                          {who.user_id});
    });
    if (!row) return core::Unauthorized();
    if (row->Int(1) > now) {
        return TooMany(core::Msg("auth.code_locked", {{"seconds", rules::SecondsText(row->Int(1) - now)}}));
    }
    auto from_address = db_.Read([&](Connection& c) {
        return c
            .QueryOne("SELECT COUNT(*) FROM login_failures WHERE kind = 'second_factor' AND address = $1 AND at > $2",
                      {who.address, now - 15 * 60 * 1000})
            ->Int(0);
    });
    if (from_address >= settings_.address_second_factor_failures_per_15min) {
        return TooMany(core::Msg("auth.address_code_failures"));
    }
    const auto code = core::Trim(code_in);
    std::optional<std::int64_t> step;
    if (!row->IsNull(0)) {
        auto opened = OpenSecret(row->Text(0));
        if (!opened) return opened.error();
        auto secret = TryBase32Decode(opened.value());
        if (secret && code.size() <= 8) step = VerifyTotp(secret.value(), code, now / 1000, 1);
    }
    std::string method;
    auto result = db_.Transact([&](Connection& c) -> core::Result<Stage> {
        if (step) {
            // One conditional update: of two submissions of one code, exactly one changes the row
            // (RFC 6238 §5.2: a code is accepted once).
            if (c.Execute("UPDATE users SET totp_last_step = $2, second_factor_failures = 0,"
                          " second_factor_locked_until = NULL WHERE id = $1 AND COALESCE(totp_last_step, -1) < $2",
                          {who.user_id, *step}) != 1) {
                return core::InvalidInput(core::Msg("auth.code_reused"));
            }
            method = "totp";
        } else if (c.Execute("UPDATE recovery_codes SET used_at = $3 WHERE user_id = $1 AND code_hash = $2"
                             " AND used_at IS NULL AND retired_at IS NULL",
                             {who.user_id, HashRecoveryCode(code), now}) == 1) {
            method = "recovery_code";
            c.Execute("UPDATE users SET second_factor_failures = 0, second_factor_locked_until = NULL WHERE id = $1",
                      {who.user_id});
        } else {
            return core::InvalidInput(core::Msg("auth.code_wrong"));
        }
        if (c.Execute("UPDATE sessions SET second_factor_at = $2 WHERE id = $1 AND ended_at IS NULL",
                      {who.session_id, now}) != 1) {
            return core::Unauthorized(core::Msg("auth.session_ended"));
        }
        audit_.Write(c, who.ActorAs(),
                     {"auth.second_factor", "session", std::to_string(who.session_id), nullptr,
                      json::object{{"method", method}}});
        return Stage::kReady;
    });
    if (!result) {
        db_.Transact([&](Connection& c) {
            RecordSecondFactorFailure(c, who.user_id, who.address, now);
            audit_.Write(c, who.ActorAs(),
                         {"auth.second_factor_failed", "session", std::to_string(who.session_id), nullptr, nullptr});
        });
        return result;
    }
    auto fresh = db_.Read([&](Connection& c) { return LoadPrincipal(c, who.user_id); });
    if (fresh && fresh->stage == Stage::kPasswordChange) return Stage::kPasswordChange;
    return Stage::kReady;
}

core::Result<Enrolment> Service::BeginEnrolment(const Principal& who) {
    if (who.stage != Stage::kEnrol && !(who.stage == Stage::kReady && !who.enrolled)) {
        return core::Conflict(core::Msg("auth.already_enrolled"));
    }
    auto secret_b32 = db_.Transact([&](Connection& c) -> core::Result<std::string> {
        auto r = c.QueryOne("SELECT totp_secret FROM users WHERE id = $1 AND totp_enrolled_at IS NULL", {who.user_id});
        if (!r) return core::Conflict(core::Msg("auth.already_enrolled"));
        if (!r->IsNull(0)) {
            // Keep the pending secret: the QR code stays valid on reload.
            if (auto pending = OpenSecret(r->Text(0)); pending && !pending.value().empty()) return pending;
        }
        auto s = Base32Encode(GenerateTotpSecret());
        c.Execute("UPDATE users SET totp_secret = $2 WHERE id = $1", {who.user_id, SealSecret(s)});
        audit_.Write(c, who.ActorAs(),
                     {"auth.enrol_second_factor_begin", "user", std::to_string(who.user_id), nullptr,
                      json::object{{"secret_stored", "sealed"}}});
        return s;
    });
    if (!secret_b32) return secret_b32.error();
    auto uri = OtpauthUri(settings_.issuer, who.username, secret_b32.value());
    return Enrolment{secret_b32.value(), uri, QrSvg(uri)};
}

core::Result<std::vector<std::string>> Service::CompleteEnrolment(const Principal& who, const std::string& code) {
    if (who.stage != Stage::kEnrol && !(who.stage == Stage::kReady && !who.enrolled)) {
        return core::Conflict(core::Msg("auth.already_enrolled"));
    }
    const auto now = core::ToMillis(clock_.Now());
    auto stored = db_.Read([&](Connection& c) {
        auto r = c.QueryOne("SELECT totp_secret FROM users WHERE id = $1 AND totp_enrolled_at IS NULL", {who.user_id});
        return r && !r->IsNull(0) ? r->Text(0) : std::string();
    });
    if (stored.empty()) return core::Conflict(core::Msg("auth.enrolment_not_started"));
    auto opened = OpenSecret(stored);
    if (!opened) return opened.error();
    auto secret = TryBase32Decode(opened.value());
    if (!secret) return core::Conflict(core::Msg("auth.enrolment_not_started"));
    auto step = VerifyTotp(secret.value(), core::Trim(code), now / 1000, 1);
    if (!step) return core::InvalidInput(core::Msg("auth.enrol_code_wrong"));
    auto codes = GenerateRecoveryCodes(10);
    auto done = db_.Transact([&](Connection& c) -> core::Status {
        // Conditional: two confirmations at once enrol once.
        if (c.Execute("UPDATE users SET totp_enrolled_at = $2, totp_last_step = $3, updated_at = $2 WHERE id = $1"
                      " AND totp_enrolled_at IS NULL AND totp_secret = $4",
                      {who.user_id, now, *step, stored}) != 1) {
            return core::Conflict(core::Msg("auth.already_enrolled"));
        }
        c.Execute("UPDATE recovery_codes SET retired_at = $2 WHERE user_id = $1 AND retired_at IS NULL",
                  {who.user_id, now});
        for (const auto& rc : codes) {
            c.Execute("INSERT INTO recovery_codes (user_id, code_hash, created_at) VALUES ($1, $2, $3)",
                      {who.user_id, HashRecoveryCode(rc), now});
        }
        c.Execute("UPDATE sessions SET second_factor_at = $2 WHERE id = $1", {who.session_id, now});
        audit_.Write(c, who.ActorAs(),
                     {"auth.enrol_second_factor", "user", std::to_string(who.user_id),
                      json::object{{"enrolled", false}}, json::object{{"enrolled", true}}});
        return core::Ok{};
    });
    if (!done) return done.error();
    return codes;
}

core::Result<Stage> Service::ChangePassword(const Principal& who, const std::string& current_in,
                                            const std::string& next_in) {
    const auto current = core::ToNfc(current_in);
    const auto next = core::ToNfc(next_in);
    if (who.stage == Stage::kSecondFactor) return core::Forbidden(core::Msg("auth.code_first"));
    if (who.api_token_id) return core::Forbidden(core::Msg("auth.no_password_change_by_token"));
    auto row = db_.Read(
        [&](Connection& c) { return c.QueryOne("SELECT password_hash FROM users WHERE id = $1", {who.user_id}); });
    try {
        if (!row || !hasher_.Verify(row->Text(0), current))
            return core::InvalidField("current", core::Msg("auth.current_password_wrong"));
        if (auto st = CheckPasswordStrength(next, who.username, who.full_name); !st) return st.error();
        auto history = db_.Read([&](Connection& c) {
            return c.Query("SELECT password_hash FROM password_history WHERE user_id = $1 ORDER BY id DESC LIMIT $2",
                           {who.user_id, settings_.password_history});
        });
        for (const auto& h : history) {
            if (hasher_.Verify(h.Text(0), next)) {
                return core::InvalidInput(
                    core::Msg("auth.password_reused", {{"count", std::to_string(settings_.password_history)}}));
            }
        }
    } catch (const PasswordHasherBusy&) {
        return Busy();
    }
    auto hash = hasher_.Hash(next);
    const auto now = core::ToMillis(clock_.Now());
    db_.Transact([&](Connection& c) {
        c.Execute(
            "UPDATE users SET password_hash = $2, password_changed_at = $3, must_change_password = 0, updated_at = $3"
            " WHERE id = $1",
            {who.user_id, hash, now});
        c.Execute("INSERT INTO password_history (user_id, password_hash, created_at) VALUES ($1, $2, $3)",
                  {who.user_id, hash, now});
        // Whoever knew the old password is signed out everywhere else, and API tokens end.
        EndCredentials(c, who.user_id, "password_changed", who.session_id);
        audit_.Write(c, who.ActorAs(), {"auth.change_password", "user", std::to_string(who.user_id), nullptr, nullptr});
    });
    PublishSessionsEnded(who.user_id);
    return (who.second_factor_required && !who.enrolled) ? Stage::kEnrol : Stage::kReady;
}

}  // namespace vp::auth
