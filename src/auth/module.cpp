#include "auth/module.hpp"

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

private:
    std::unique_ptr<Handlers> h_;
};

}  // namespace

std::unique_ptr<platform::Module> MakeModule() { return std::make_unique<AuthModule>(); }

}  // namespace vp::auth
