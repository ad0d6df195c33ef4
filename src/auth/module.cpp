#include "auth/module.hpp"

#include <iostream>

#include <fmt/format.h>

#include "auth/handlers.hpp"

namespace vp::embedded {
std::span<const vp::core::EmbeddedFile> AuthApi();
}

namespace vp::auth {
namespace {

using core::http::beast_http::verb;
using platform::Bind;

class AuthModule final : public platform::Module {
public:
    std::string_view Name() const override { return "auth"; }
    std::vector<std::string> DependsOn() const override { return {"units"}; }
    void DeclareAccess(core::access::Policy& policy) const override { auth::DeclareAccess(policy); }
    void Build(platform::Platform& p) override { h_ = std::make_unique<Handlers>(p.web, p.auth, p.units); }
    void AddRoutes(core::http::Router& r) override {
        auto* a = h_.get();
        const auto page = platform::RouteKinds::Page();
        // Signing in and the person's own account.
        r.Add(verb::get, "/login", Bind(a, &Handlers::LoginForm), page);
        r.Add(verb::post, "/login", Bind(a, &Handlers::Login), page);
        r.Add(verb::get, "/login/otp", Bind(a, &Handlers::OtpForm), page);
        r.Add(verb::post, "/login/otp", Bind(a, &Handlers::Otp), page);
        r.Add(verb::post, "/logout", Bind(a, &Handlers::Logout), page);
        r.Add(verb::get, "/lang/{lang}", Bind(a, &Handlers::SwitchLanguage), page);
        r.Add(verb::get, "/account/password", Bind(a, &Handlers::PasswordForm), page);
        r.Add(verb::post, "/account/password", Bind(a, &Handlers::ChangePassword), page);
        r.Add(verb::get, "/account/enrol", Bind(a, &Handlers::EnrolForm), page);
        r.Add(verb::post, "/account/enrol", Bind(a, &Handlers::Enrol), page);
        r.Add(verb::get, "/account/sessions", Bind(a, &Handlers::Sessions), page);
        r.Add(verb::post, "/account/sessions/{id}/end", Bind(a, &Handlers::EndSession), page);
        r.Add(verb::get, "/account/handover", Bind(a, &Handlers::HandoverForm), page);
        r.Add(verb::post, "/account/handover", Bind(a, &Handlers::Handover), page);
        // The accounts admin.
        r.Add(verb::get, "/admin/accounts", Bind(a, &Handlers::Accounts), page);
        r.Add(verb::get, "/admin/accounts/request", Bind(a, &Handlers::RequestForm), page);
        r.Add(verb::post, "/admin/accounts/requests", Bind(a, &Handlers::SubmitRequest), page);
        r.Add(verb::post, "/admin/accounts/requests/{id}/approve", Bind(a, &Handlers::ApproveRequest), page);
        r.Add(verb::post, "/admin/accounts/requests/{id}/refuse", Bind(a, &Handlers::RefuseRequest), page);
        r.Add(verb::post, "/admin/accounts/{id}/revoke", Bind(a, &Handlers::RevokeUser), page);
        r.Add(verb::post, "/admin/accounts/{id}/reset-2fa", Bind(a, &Handlers::ResetSecondFactor), page);
        r.Add(verb::post, "/admin/accounts/{id}/reset-password", Bind(a, &Handlers::ResetPassword), page);
        // API.
        r.Add(verb::post, "/api/v1/session", Bind(a, &Handlers::ApiLogin));
        r.Add(verb::post, "/api/v1/session/second-factor", Bind(a, &Handlers::ApiSecondFactor));
        r.Add(verb::get, "/api/v1/me", Bind(a, &Handlers::ApiMe));
        r.Add(verb::get, "/api/v1/sessions", Bind(a, &Handlers::ApiSessions));
        r.Add(verb::post, "/api/v1/sessions/{id}/end", Bind(a, &Handlers::ApiEndSession));
        r.Add(verb::get, "/api/v1/tokens", Bind(a, &Handlers::ApiTokens));
        r.Add(verb::post, "/api/v1/tokens", Bind(a, &Handlers::ApiCreateToken));
        r.Add(verb::post, "/api/v1/tokens/{id}/revoke", Bind(a, &Handlers::ApiRevokeToken));
        r.Add(verb::get, "/api/v1/roles", Bind(a, &Handlers::ApiRoles));
        r.Add(verb::get, "/api/v1/users", Bind(a, &Handlers::ApiUsers));
        r.Add(verb::post, "/api/v1/users/{id}/revoke", Bind(a, &Handlers::ApiRevokeUser));
        r.Add(verb::post, "/api/v1/users/{id}/reset-second-factor", Bind(a, &Handlers::ApiResetSecondFactor));
        r.Add(verb::post, "/api/v1/users/{id}/reset-password", Bind(a, &Handlers::ApiResetPassword));
        r.Add(verb::get, "/api/v1/account-requests", Bind(a, &Handlers::ApiRequests));
        r.Add(verb::post, "/api/v1/account-requests", Bind(a, &Handlers::ApiCreateRequest));
        r.Add(verb::post, "/api/v1/account-requests/{id}/approve", Bind(a, &Handlers::ApiApproveRequest));
        r.Add(verb::post, "/api/v1/account-requests/{id}/refuse", Bind(a, &Handlers::ApiRefuseRequest));
    }
    void AddNavigation(Web& web) const override {
        web.AddNav({"/admin/accounts", "nav_accounts", kAccountView, 20});
        web.AddNav({"/account/sessions", "nav_my_account", std::nullopt, 900});
    }
    boost::json::object OpenApi() const override {
        return platform::ParseOpenApiPart(embedded::AuthApi().front().content, Name());
    }

    // vanphong user list|requests|request|approve|refuse|revoke|reset-2fa|reset-password, as the
    // operator at the console (the four-eyes rule holds for accounts: the operator approves
    // requests made by people, and secrets are shown on the operator's own console only).
    void AddCommands(CLI::App& cli, platform::Commands& commands) override {
        auto* user = cli.add_subcommand("user", "Accounts (P-7, P-8)");
        user->require_subcommand(1);
        auto* list = user->add_subcommand("list", "List accounts");
        auto* requests = user->add_subcommand("requests", "List account requests");
        auto* request = user->add_subcommand("request", "Request an account (to be approved by leadership)");
        request->add_option("--username", o_.name)->required();
        request->add_option("--full-name", o_.full_name)->required();
        request->add_option("--email", o_.email);
        request->add_option("--unit", o_.unit, "Unit code")->required();
        request->add_option("--role", o_.roles, "Role, or role@UNITCODE; repeatable")->required();
        request->add_option("--reason", o_.reason);
        auto* approve = user->add_subcommand("approve", "Approve an account request; prints the initial password");
        approve->add_option("request_id", o_.id)->required();
        approve->add_option("--note", o_.note);
        auto* refuse = user->add_subcommand("refuse", "Refuse an account request");
        refuse->add_option("request_id", o_.id)->required();
        refuse->add_option("--note", o_.note)->required();
        auto* revoke = user->add_subcommand("revoke", "Revoke an account at once (every session ends)");
        revoke->add_option("username", o_.name)->required();
        revoke->add_option("--reason", o_.reason)->required();
        auto* reset2fa = user->add_subcommand("reset-2fa", "Reset the second factor (re-enrolment at next sign-in)");
        reset2fa->add_option("username", o_.name)->required();
        reset2fa->add_option("--reason", o_.reason);
        auto* resetpw = user->add_subcommand("reset-password", "Set a new one-time password");
        resetpw->add_option("username", o_.name)->required();
        for (auto* c : {list, requests, request, approve, refuse, revoke, reset2fa, resetpw}) commands.common(c);

        const auto actor = core::access::Principal::Operator();
        auto unit_id = [](platform::Platform& p, const std::string& code) -> core::Result<std::int64_t> {
            auto u = p.units.FindByCode(code);
            if (!u) return core::NotFound(core::Msg("auth.cli_unit_not_found", {{"code", code}}));
            return u->id;
        };
        auto user_id = [](platform::Platform& p, const std::string& name) -> core::Result<std::int64_t> {
            auto u = p.auth.FindUserByName(name);
            if (!u) return core::NotFound(core::Msg("auth.cli_user_not_found", {{"username", name}}));
            return u->id;
        };
        commands.Add(list, [actor](platform::Platform& p) {
            for (const auto& u : p.auth.ListUsers(actor)) {
                std::string roles;
                for (auto& g : u.grants) roles += (roles.empty() ? "" : ",") + g.role;
                std::cout << fmt::format("{}\t{}\t{}\t2fa={}\t{}\t{}\n", u.id, u.username, u.status,
                                         u.enrolled ? "yes" : "no", roles, u.full_name);
            }
            return 0;
        });
        commands.Add(requests, [actor](platform::Platform& p) {
            for (const auto& r : p.auth.ListRequests(actor, false)) {
                std::cout << fmt::format("{}\t{}\t{}\t{}\t{}\n", r.id, r.username,
                                         r.decision.empty() ? "pending" : r.decision, r.roles_json, r.full_name);
            }
            return 0;
        });
        commands.Add(request, [this, actor, unit_id](platform::Platform& p) {
            auto u = unit_id(p, o_.unit);
            if (!u) return platform::CommandFailed(u.error());
            NewAccount acc{.username = o_.name,
                           .full_name = o_.full_name,
                           .email = o_.email,
                           .unit_id = u.value(),
                           .reason = o_.reason};
            for (const auto& r : o_.roles) {
                auto at = r.find('@');
                std::int64_t ru = 0;
                if (at != std::string::npos) {
                    auto x = unit_id(p, r.substr(at + 1));
                    if (!x) return platform::CommandFailed(x.error());
                    ru = x.value();
                }
                acc.roles.push_back({r.substr(0, at), ru});
            }
            auto r = p.auth.RequestAccount(actor, std::move(acc));
            if (r)
                std::cout << "request " << r->id << " created for " << r->username
                          << "; approve with: vanphong user approve " << r->id << "\n";
            return platform::CommandResult(r);
        });
        commands.Add(approve, [this, actor](platform::Platform& p) {
            auto r = p.auth.Approve(actor, o_.id, o_.note);
            if (r)
                std::cout << "approved " << r->user.username
                          << "\ninitial password (shown once): " << r->initial_password << "\n";
            return platform::CommandResult(r);
        });
        commands.Add(refuse, [this, actor](platform::Platform& p) {
            return platform::CommandResult(p.auth.Refuse(actor, o_.id, o_.note));
        });
        commands.Add(revoke, [this, actor, user_id](platform::Platform& p) {
            auto id = user_id(p, o_.name);
            return id ? platform::CommandResult(p.auth.Revoke(actor, id.value(), o_.reason))
                      : platform::CommandFailed(id.error());
        });
        commands.Add(reset2fa, [this, actor, user_id](platform::Platform& p) {
            auto id = user_id(p, o_.name);
            return id ? platform::CommandResult(
                            p.auth.ResetSecondFactor(actor, id.value(), o_.reason.empty() ? "cli" : o_.reason))
                      : platform::CommandFailed(id.error());
        });
        commands.Add(resetpw, [this, actor, user_id](platform::Platform& p) {
            auto id = user_id(p, o_.name);
            if (!id) return platform::CommandFailed(id.error());
            auto pw = p.auth.ResetPassword(actor, id.value());
            if (pw) std::cout << "new one-time password (shown once): " << pw->password << "\n";
            return platform::CommandResult(pw);
        });
    }

private:
    struct Options {
        std::string name, full_name, email, unit, reason, note;
        std::vector<std::string> roles;
        std::int64_t id = 0;
    } o_;  // the command line's options
    std::unique_ptr<Handlers> h_;
};

}  // namespace

std::unique_ptr<platform::Module> MakeModule() { return std::make_unique<AuthModule>(); }

}  // namespace vp::auth
