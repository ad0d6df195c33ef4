#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "audit/audit.hpp"
#include "auth/crypto/password.hpp"
#include "auth/roles.hpp"
#include "core/clock.hpp"
#include "core/db/database.hpp"
#include "core/events.hpp"
#include "core/result.hpp"
#include "core/secret_box.hpp"
#include "units/units.hpp"

namespace vp::auth {

struct Grant {
    std::int64_t id = 0;
    std::string role;
    std::int64_t unit_id = 0;
    std::string portal;
};

/// Where a signed-in person stands: a session must pass every step before it may act.
enum class Stage {
    kSecondFactor,    ///< password accepted; the one-time code is still due
    kPasswordChange,  ///< the password must be changed first (new account, reset, 90 days old)
    kEnrol,           ///< a role requires two factors and none is enrolled yet (P-8)
    kReady,
};

/// @brief The authenticated caller of one request.
struct Principal {
    std::int64_t user_id = 0;
    std::string username;
    std::string full_name;
    std::string email;
    std::int64_t unit_id = 0;
    std::vector<Grant> grants;
    std::int64_t session_id = 0;  ///< 0 for API tokens
    std::string csrf_token;
    std::int64_t api_token_id = 0;
    std::vector<std::string> scopes;  ///< API tokens only: permission names, or "*"
    Stage stage = Stage::kReady;
    bool enrolled = false;
    bool second_factor_required = false;
    std::string address;
    std::string request_id;

    bool Ready() const { return stage == Stage::kReady; }
    bool HasRole(std::string_view role) const;
    /// The audit actor for this principal acting under `role`.
    audit::Actor Actor(std::string role = {}) const;
};

struct UserView {
    std::int64_t id = 0;
    std::string username, full_name, email, status;
    std::int64_t unit_id = 0;
    std::vector<Grant> grants;
    bool enrolled = false;
    std::int64_t created_at = 0;
    std::int64_t password_changed_at = 0;
    std::int64_t locked_until = 0;
};

struct AccountRequestView {
    std::int64_t id = 0;
    std::int64_t user_id = 0;
    std::string username, full_name, email;
    std::int64_t unit_id = 0;
    std::string roles_json;
    std::string reason;
    std::string requested_by;
    std::int64_t requested_at = 0;
    std::string decision;  ///< "", approved, refused
    std::string decision_note;
    std::string decided_by;
    std::int64_t decided_at = 0;
};

struct RequestedRole {
    std::string role;
    std::int64_t unit_id = 0;
};

struct NewAccount {
    std::string username;
    std::string full_name;
    std::string email;
    std::int64_t unit_id = 0;
    std::vector<RequestedRole> roles;
    std::string reason;
};

struct SessionView {
    std::int64_t id;
    std::int64_t created_at, last_seen_at, expires_at;
    std::string address, user_agent;
    bool current;
};

struct LoginResult {
    std::string session_token;  ///< goes into the HttpOnly cookie; only its hash is stored
    Stage stage;
};

struct Enrolment {
    std::string secret_base32;
    std::string otpauth_uri;
    std::string qr_svg;
};

struct ApiTokenView {
    std::int64_t id;
    std::string name;
    std::string scopes;
    std::int64_t created_at, expires_at, revoked_at, last_used_at;
};

struct AuthSettings {
    std::string issuer = "vanphong";
    std::chrono::minutes session_idle{30};
    std::chrono::hours session_absolute{12};
    std::chrono::hours password_max_age{24 * 90};  ///< P-8: changed at least every 3 months
    int password_history = 5;                      ///< the last 5 may not be reused
    int slow_down_after = 3;                       ///< failures before each attempt must wait
    int lock_out_after = 10;                       ///< failures before a 30-minute lock-out
    std::chrono::minutes lock_out{30};
    int address_failures_per_15min = 30;
    /// Encrypts TOTP secrets at rest. Without one they are stored as plain base32.
    const core::SecretBox* secret_box = nullptr;
};

/// @brief Accounts, roles, sessions, two factors, API tokens and the one permission check
/// (ORG-3, P-7, P-8, X-3). Every change is audited in its own transaction. Thread-safe.
class Service {
public:
    Service(core::db::Database& db, audit::Log& audit, const core::Clock& clock, units::Service& units,
            PasswordHasher& hasher, core::EventBus& events, AuthSettings settings = {});

    // --- permission check (deny by default) ---
    /// Allows when the principal is Ready and holds a role granting `p` on `unit_id` or on a
    /// unit above it (unit_id 0: any of its grants). API tokens are limited to their scopes.
    /// Returns the audit actor with the role that allowed it.
    core::Result<audit::Actor> Authorize(const Principal& who, Permission p, std::int64_t unit_id = 0) const;
    /// The actor for the command line (an operator on the server), audited as "cli".
    static audit::Actor CliActor();

    // --- account life cycle (P-7) ---
    core::Result<AccountRequestView> RequestAccount(const audit::Actor& actor, NewAccount account);
    struct Approval {
        UserView user;
        std::string initial_password;  ///< shown once to the approver, to hand over
    };
    /// The approver must not be the requester (four eyes), unless acting from the CLI.
    core::Result<Approval> Approve(const audit::Actor& actor, std::int64_t request_id, std::string note);
    core::Result<AccountRequestView> Refuse(const audit::Actor& actor, std::int64_t request_id, std::string note);
    /// Takes effect at once: the account can no longer sign in, every session and API token
    /// ends and every role is withdrawn; other nodes are told through the event bus.
    core::Result<UserView> Revoke(const audit::Actor& actor, std::int64_t user_id, std::string reason);
    /// Clears the enrolled second factor and recovery codes; sessions end.
    core::Result<UserView> ResetSecondFactor(const audit::Actor& actor, std::int64_t user_id, std::string reason);
    /// Sets a new one-time password that must be changed at the next sign-in.
    core::Result<std::string> ResetPassword(const audit::Actor& actor, std::int64_t user_id);
    /// Creates an active account directly (demo data and first administrator only).
    core::Result<UserView> CreateActive(const audit::Actor& actor, NewAccount account, const std::string& password,
                                        std::optional<std::string> totp_secret_b32);

    std::vector<UserView> ListUsers() const;
    std::optional<UserView> FindUser(std::int64_t id) const;
    std::optional<UserView> FindUserByName(std::string_view username) const;
    std::vector<AccountRequestView> ListRequests(bool pending_only) const;
    std::optional<AccountRequestView> FindRequest(std::int64_t id) const;

    // --- signing in (P-8) ---
    core::Result<LoginResult> Login(const std::string& username, const std::string& password, const std::string& address,
                                    const std::string& user_agent);
    /// Accepts a TOTP code (each 30-second step at most once) or an unused recovery code.
    core::Result<Stage> VerifySecondFactor(const Principal& who, const std::string& code);
    core::Result<Enrolment> BeginEnrolment(const Principal& who);
    /// Confirms enrolment with a first code; returns the recovery codes (shown once).
    core::Result<std::vector<std::string>> CompleteEnrolment(const Principal& who, const std::string& code);
    core::Result<Stage> ChangePassword(const Principal& who, const std::string& current, const std::string& next);

    // --- sessions ---
    /// The principal for a session cookie, or nullopt when unknown, ended, expired or the
    /// account is not active. Refreshes last_seen at most once a minute.
    std::optional<Principal> Authenticate(const std::string& session_token, const std::string& address);
    std::vector<SessionView> ListSessions(const Principal& who) const;
    core::Status EndSession(const Principal& who, std::int64_t session_id);
    void Logout(const Principal& who);

    // --- API tokens (X-4) ---
    struct NewToken {
        std::int64_t id;
        std::string token;  ///< shown once
    };
    core::Result<NewToken> CreateApiToken(const Principal& who, std::string name, std::vector<std::string> scopes,
                                          int days_valid);
    std::optional<Principal> AuthenticateBearer(const std::string& token, const std::string& address);
    std::vector<ApiTokenView> ListApiTokens(const Principal& who) const;
    core::Status RevokeApiToken(const Principal& who, std::int64_t id);

    const AuthSettings& Settings() const { return settings_; }

private:
    std::optional<Principal> LoadPrincipal(core::db::Connection& c, std::int64_t user_id) const;
    std::vector<Grant> LoadGrants(core::db::Connection& c, std::int64_t user_id) const;
    core::Result<std::int64_t> ValidateNewAccount(core::db::Connection& c, NewAccount& a) const;
    void EndAllSessions(core::db::Connection& c, std::int64_t user_id, std::string_view reason);
    /// Counts a failed password or code: slow-down after slow_down_after, lock-out after lock_out_after.
    void RecordFailure(core::db::Connection& c, std::int64_t user_id, std::int64_t failed, std::int64_t now) const;
    void PublishSessionsEnded(std::int64_t user_id);
    /// The stored form of a TOTP secret (sealed when a SecretBox is configured) and back;
    /// OpenSecret returns "" for a value that cannot be opened.
    std::string SealSecret(const std::string& base32) const;
    std::string OpenSecret(const std::string& stored) const;

    core::db::Database& db_;
    audit::Log& audit_;
    const core::Clock& clock_;
    units::Service& units_;
    PasswordHasher& hasher_;
    core::EventBus& events_;
    AuthSettings settings_;
};

}  // namespace vp::auth
