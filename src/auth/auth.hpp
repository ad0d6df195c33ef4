#pragma once

#include <chrono>
#include <functional>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "audit/audit.hpp"
#include "auth/crypto/password.hpp"
#include "auth/roles.hpp"
#include "core/access.hpp"
#include "core/clock.hpp"
#include "core/db/database.hpp"
#include "core/events.hpp"
#include "core/result.hpp"
#include "core/secret_box.hpp"
#include "units/units.hpp"

namespace vp::auth {

using Grant = core::access::Grant;
using Stage = core::access::Stage;
using Principal = core::access::Principal;

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
    /// "" = every portal of the unit and below; else only that portal's board (the Portal's
    /// roles). The format is checked here; what a portal is, is the Portal module's business.
    std::string portal;
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
    int address_failures_per_15min = 30;    ///< password failures from one address
    int second_factor_slow_down_after = 3;  ///< code failures before each attempt must wait
    int second_factor_lock_out_after = 5;   ///< code failures before the lock-out
    int address_second_factor_failures_per_15min = 20;
    std::chrono::hours handover_valid{72};  ///< how long a reset's handover code is good
    /// Encrypts TOTP secrets at rest. Required: there is no plaintext fallback.
    const core::SecretBox* secret_box = nullptr;
    /// Queues an e-mail inside the caller's transaction (notify::Service::QueueMail); resets
    /// are refused from the web when it is not set.
    std::function<void(core::db::Connection&, const std::string& to, const std::string& subject,
                       const std::string& text)>
        queue_mail;
    /// Stores an in-app notification inside the caller's transaction (notify::Service::Create).
    std::function<void(core::db::Connection&, std::int64_t user_id, const std::string& title, const std::string& body,
                       const std::string& link)>
        notify_user;
};

/// What a password reset hands over. From the web and the API the new secret never reaches the
/// actor's screen: the owner receives a one-time handover code by e-mail and collects the new
/// password at /account/handover. Only the operator at the server's console sees it directly.
struct PasswordReset {
    std::string password;      ///< set only for the operator (command line)
    std::string delivered_to;  ///< masked e-mail address the handover code went to
};

/// @brief Accounts, roles, sessions, two factors, API tokens (ORG-3, P-7, P-8, X-3). Every
/// operation takes the acting principal and checks permission and scope itself through the one
/// permission check (core::access::Policy); every change is audited in its own transaction.
/// Thread-safe.
class Service {
public:
    Service(core::db::Database& db, audit::Log& audit, const core::Clock& clock, units::Service& units,
            const core::access::Policy& policy, PasswordHasher& hasher, core::EventBus& events,
            AuthSettings settings = {});

    // --- permission check (deny by default) ---
    core::Result<audit::Actor> Authorize(const Principal& who, core::access::Permission p,
                                         const core::access::Scope& scope) const;
    core::Result<audit::Actor> Authorize(const Principal& who, core::access::Permission p, std::int64_t unit_id) const {
        return Authorize(who, p, core::access::Scope::Unit(unit_id));
    }
    bool HoldsAnywhere(const Principal& who, core::access::Permission p) const { return policy_.HoldsAnywhere(who, p); }
    const core::access::Policy& Policy() const { return policy_; }
    /// The actor for the command line (an operator on the server), audited as "cli".
    static audit::Actor CliActor();

    // --- account life cycle (P-7) ---
    /// Needs account.request over the account's unit, and every requested role at most as
    /// strong as a role the requester holds over that role's unit.
    core::Result<AccountRequestView> RequestAccount(const Principal& who, NewAccount account);
    struct Approval {
        UserView user;
        std::string initial_password;  ///< shown once to the approver, to hand over
    };
    /// Needs account.approve over every requested role's unit with a role at least as strong.
    /// Four eyes: the approver is neither the requester nor someone whose credentials the
    /// requester reset.
    core::Result<Approval> Approve(const Principal& who, std::int64_t request_id, std::string note);
    core::Result<AccountRequestView> Refuse(const Principal& who, std::int64_t request_id, std::string note);
    /// Takes effect at once: the account can no longer sign in, every session and API token
    /// ends and every role is withdrawn; other nodes are told through the event bus.
    core::Result<UserView> Revoke(const Principal& who, std::int64_t user_id, std::string reason);
    /// Clears the enrolled second factor and recovery codes; sessions and API tokens end.
    core::Result<UserView> ResetSecondFactor(const Principal& who, std::int64_t user_id, std::string reason);
    /// A new password that must be changed at the next sign-in; sessions and API tokens end.
    core::Result<PasswordReset> ResetPassword(const Principal& who, std::int64_t user_id);
    /// Collects the password a reset handed over: username + the code from the e-mail (once).
    core::Result<std::string> RedeemHandover(const std::string& username, const std::string& code,
                                             const std::string& address);
    /// Creates an active account directly (demo data and first administrator: operator only).
    core::Result<UserView> CreateActive(const Principal& who, NewAccount account, const std::string& password,
                                        std::optional<std::string> totp_secret_b32);

    /// The accounts the principal may see (account.view over their unit), with their roles.
    std::vector<UserView> ListUsers(const Principal& who) const;
    std::vector<AccountRequestView> ListRequests(const Principal& who, bool pending_only) const;
    /// Unscoped look-ups for the module itself and the command line.
    std::optional<UserView> FindUser(std::int64_t id) const;
    /// A person's e-mail address ("" when none or revoked), read inside the caller's transaction
    /// (the notification service's address book).
    std::string EmailOf(core::db::Connection& c, std::int64_t user_id) const;
    /// The active accounts whose grants give permission `p` over `scope` (whom a module tells
    /// that something waits for them), in the caller's transaction.
    std::vector<std::int64_t> HoldersOf(core::db::Connection& c, core::access::Permission p,
                                        const core::access::Scope& scope) const;
    std::optional<UserView> FindUserByName(std::string_view username) const;
    std::optional<AccountRequestView> FindRequest(std::int64_t id) const;
    bool AnyUsers() const;

    // --- signing in (P-8) ---
    core::Result<LoginResult> Login(const std::string& username, const std::string& password,
                                    const std::string& address, const std::string& user_agent);
    /// Accepts a TOTP code (each 30-second step at most once, atomically) or an unused
    /// recovery code. Failures are counted apart from password failures, per account and per
    /// address, never reset by the password step.
    core::Result<Stage> VerifySecondFactor(const Principal& who, const std::string& code);
    core::Result<Enrolment> BeginEnrolment(const Principal& who);
    /// Confirms enrolment with a first code; returns the recovery codes (shown once).
    core::Result<std::vector<std::string>> CompleteEnrolment(const Principal& who, const std::string& code);
    /// Other sessions and every API token end.
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

    /// Refuses to start (error) when the database holds sealed secrets that the configured key
    /// cannot open: a node started with a missing or wrong key file.
    core::Status CheckSecretKey() const;
    /// Whether the database holds any sealed secret (before a key is created for it).
    static bool HoldsSealedSecrets(core::db::Database& db);

    const AuthSettings& Settings() const { return settings_; }

private:
    std::optional<Principal> LoadPrincipal(core::db::Connection& c, std::int64_t user_id) const;
    std::vector<Grant> LoadGrants(core::db::Connection& c, std::int64_t user_id) const;
    core::Result<std::int64_t> ValidateNewAccount(core::db::Connection& c, NewAccount& a) const;
    /// The strongest rank among an account's active roles (0 for none).
    int AccountRank(const std::vector<Grant>& grants) const;
    /// Checks `who` may act with `p` on account `u` (its unit, and no role stronger than his).
    core::Result<audit::Actor> AuthorizeOnAccount(const Principal& who, core::access::Permission p,
                                                  const UserView& u) const;
    /// Ends sessions (all, or all but `keep_session`) and API tokens of an account.
    void EndCredentials(core::db::Connection& c, std::int64_t user_id, std::string_view reason,
                        std::int64_t keep_session = 0);
    /// Counts a failed password (atomically in SQL) and sets slow-down or lock-out.
    void RecordPasswordFailure(core::db::Connection& c, std::int64_t user_id, std::int64_t now) const;
    void RecordSecondFactorFailure(core::db::Connection& c, std::int64_t user_id, const std::string& address,
                                   std::int64_t now) const;
    void PublishSessionsEnded(std::int64_t user_id);
    /// The stored form of a TOTP secret (always sealed) and back; OpenSecret fails for a value
    /// that is not sealed or cannot be opened.
    std::string SealSecret(const std::string& base32) const;
    core::Result<std::string> OpenSecret(const std::string& stored) const;
    std::string NewStrongPassword(const std::string& username, const std::string& full_name) const;

    core::db::Database& db_;
    audit::Log& audit_;
    const core::Clock& clock_;
    units::Service& units_;
    const core::access::Policy& policy_;
    PasswordHasher& hasher_;
    core::EventBus& events_;
    AuthSettings settings_;
};

}  // namespace vp::auth
