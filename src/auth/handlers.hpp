#pragma once

#include "auth/web.hpp"
#include <optional>

#include "core/http/types.hpp"
#include "core/message.hpp"

namespace vp::auth {

/// @brief HTTP adapter for signing in, the account pages and the accounts admin (pages and
/// /api/v1). Parses, calls Service, renders; no rules live here.
/// The only "next" targets a redirect may take: a same-site path of safe ASCII characters;
/// anything else becomes "/".
std::string SafeNext(const std::optional<std::string>& next);

class Handlers {
public:
    Handlers(Web& web, Service& auth, units::Service& units) : web_(web), auth_(auth), units_(units) {}

    // Signing in and the person's own account.
    core::http::Response LoginForm(core::http::Request& req);
    core::http::Response Login(core::http::Request& req);
    core::http::Response OtpForm(core::http::Request& req);
    core::http::Response Otp(core::http::Request& req);
    core::http::Response PasswordForm(core::http::Request& req);
    core::http::Response ChangePassword(core::http::Request& req);
    core::http::Response EnrolForm(core::http::Request& req);
    core::http::Response Enrol(core::http::Request& req);
    core::http::Response Sessions(core::http::Request& req);
    core::http::Response EndSession(core::http::Request& req);
    core::http::Response Logout(core::http::Request& req);
    core::http::Response SwitchLanguage(core::http::Request& req);

    // Accounts admin pages (P-7).
    core::http::Response Accounts(core::http::Request& req);
    core::http::Response RequestForm(core::http::Request& req);
    core::http::Response SubmitRequest(core::http::Request& req);
    core::http::Response ApproveRequest(core::http::Request& req);
    core::http::Response RefuseRequest(core::http::Request& req);
    core::http::Response RevokeUser(core::http::Request& req);
    core::http::Response ResetSecondFactor(core::http::Request& req);
    core::http::Response ResetPassword(core::http::Request& req);
    core::http::Response HandoverForm(core::http::Request& req);
    core::http::Response Handover(core::http::Request& req);

    // API.
    core::http::Response ApiMe(core::http::Request& req);
    core::http::Response ApiLogin(core::http::Request& req);
    core::http::Response ApiSecondFactor(core::http::Request& req);
    core::http::Response ApiSessions(core::http::Request& req);
    core::http::Response ApiEndSession(core::http::Request& req);
    core::http::Response ApiTokens(core::http::Request& req);
    core::http::Response ApiCreateToken(core::http::Request& req);
    core::http::Response ApiRevokeToken(core::http::Request& req);
    core::http::Response ApiUsers(core::http::Request& req);
    core::http::Response ApiRequests(core::http::Request& req);
    core::http::Response ApiCreateRequest(core::http::Request& req);
    core::http::Response ApiApproveRequest(core::http::Request& req);
    core::http::Response ApiRefuseRequest(core::http::Request& req);
    core::http::Response ApiRevokeUser(core::http::Request& req);
    core::http::Response ApiResetSecondFactor(core::http::Request& req);
    core::http::Response ApiResetPassword(core::http::Request& req);
    core::http::Response ApiRoles(core::http::Request& req);

private:
    /// `error`: shown above the form in the reader's language (none when nullopt).
    core::http::Response HandoverPage(core::http::Request& req, const std::optional<core::Message>& error,
                                      const std::string& password, core::http::beast_http::status st);
    core::http::Response LoginPage(core::http::Request& req, const std::optional<core::Message>& error,
                                   core::http::beast_http::status st);
    Web& web_;
    Service& auth_;
    units::Service& units_;
};

}  // namespace vp::auth
