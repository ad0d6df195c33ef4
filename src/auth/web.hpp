#pragma once

#include <optional>
#include <string>
#include <variant>

#include <boost/json/object.hpp>

#include "auth/auth.hpp"
#include "core/http/response.hpp"
#include "core/http/types.hpp"
#include "core/web/templates.hpp"

namespace vp::auth {

/// One entry of the main menu, declared by the module that owns the page; shown to those who
/// hold `permission` somewhere (everyone signed in when unset).
struct NavEntry {
    std::string path;
    std::string label_key;  ///< interface string key (vi and en)
    std::optional<core::access::Permission> permission;
    int order = 100;
};

struct WebSettings {
    bool secure_cookies = false;  ///< set with TLS: cookies get the Secure attribute
};

/// @brief The HTTP side of signing in, shared by every module's handlers: resolves the caller
/// from the session cookie or a bearer token, sends incomplete sessions to the step they owe,
/// checks CSRF on state-changing requests, and renders pages inside the layout.
class Web {
public:
    Web(Service& auth, const core::web::TemplateStore& templates, WebSettings settings)
        : auth_(auth), templates_(templates), settings_(settings) {}

    /// The caller, from `Authorization: Bearer vpt_...` or the `vp_session` cookie.
    std::optional<Principal> Resolve(const core::http::Request& req) const;

    using Guarded = std::variant<Principal, core::http::Response>;
    /// For pages: a Ready principal, or a redirect to /login or to the step still due. On POST
    /// the CSRF token must match (403 otherwise).
    Guarded RequirePage(const core::http::Request& req) const;
    /// Like RequirePage but accepts a session at any stage (the step pages themselves).
    Guarded RequireSession(const core::http::Request& req) const;
    /// For the API: a Ready principal, or a JSON 401/403. State-changing requests made with a
    /// session cookie must carry X-CSRF-Token; bearer tokens need none.
    Guarded RequireApi(const core::http::Request& req) const;

    /// A Ready principal that holds `permission` on some unit (the gate of a page or list whose
    /// service then scopes what it shows), or, with a scope, that is allowed it there.
    struct Allowed {
        Principal who;
        audit::Actor actor;
    };
    using Permitted = std::variant<Allowed, core::http::Response>;
    Permitted RequirePagePermission(const core::http::Request& req, Permission permission) const;
    Permitted RequirePagePermission(const core::http::Request& req, Permission permission,
                                    const core::access::Scope& scope) const;
    Permitted RequireApiPermission(const core::http::Request& req, Permission permission) const;
    Permitted RequireApiPermission(const core::http::Request& req, Permission permission,
                                   const core::access::Scope& scope) const;

    /// Renders `tmpl` inside the layout with strings, language, user and CSRF token added.
    core::http::Response Page(const core::http::Request& req, const Principal* who, std::string_view tmpl,
                              boost::json::object data, std::string_view title_key,
                              core::http::beast_http::status status = core::http::beast_http::status::ok) const;
    /// An error as a page (or JSON under /api/).
    core::http::Response Fail(const core::http::Request& req, const Principal* who, const core::Error& error) const;

    std::string SessionCookie(const std::string& token, bool clear = false) const;
    /// Adds a main-menu entry (at start, before serving).
    void AddNav(NavEntry entry);
    const core::web::TemplateStore& Templates() const { return templates_; }
    Service& Auth() const { return auth_; }

    /// Where a principal at `stage` must go next.
    static std::string StepPath(Stage stage);

private:
    bool CsrfOk(const core::http::Request& req, const Principal& who) const;
    Service& auth_;
    const core::web::TemplateStore& templates_;
    WebSettings settings_;
    std::vector<NavEntry> nav_;
};

/// Adapts `f(Request&, const Principal&) -> Response` into a page handler behind RequirePage.
template <class F>
core::http::Handler PageHandler(const Web& web, F f) {
    return [&web, f = std::move(f)](core::http::Request& req) -> core::http::Response {
        auto g = web.RequirePage(req);
        if (auto* res = std::get_if<core::http::Response>(&g)) return std::move(*res);
        return f(req, std::get<Principal>(g));
    };
}

/// Adapts `f(Request&, const Principal&) -> Response` into an API handler behind RequireApi.
template <class F>
core::http::Handler ApiHandler(const Web& web, F f) {
    return [&web, f = std::move(f)](core::http::Request& req) -> core::http::Response {
        auto g = web.RequireApi(req);
        if (auto* res = std::get_if<core::http::Response>(&g)) return std::move(*res);
        return f(req, std::get<Principal>(g));
    };
}

/// A form field's value, or "" when absent.
std::string FormField(const std::map<std::string, std::string>& form, std::string_view key);
/// A JSON object's string member, or "" when absent or not a string.
std::string JsonText(const boost::json::object& o, std::string_view key);
/// A JSON object's integer member, or 0 when absent or not an integer.
std::int64_t JsonInt(const boost::json::object& o, std::string_view key);
/// UTC milliseconds shown as Vietnamese local time (UTC+7): "dd/mm/yyyy hh:mm[:ss]"; "" for 0.
std::string FormatLocalTime(std::int64_t ms, bool seconds = false);

/// Parses a request body as a JSON object; an error Result (415 or 400, with a message key) otherwise.
core::Result<boost::json::object> JsonBody(const core::http::Request& req);
/// Parses a decimal id; nullopt when malformed.
std::optional<std::int64_t> ParseId(std::string_view s);

/// Runs `f` with the principal of an API (`api`) or page request, or returns the response that
/// refuses it (401 or a redirect to sign in): the first line of every module's handler.
template <class F>
core::http::Response WithPrincipal(Web& web, core::http::Request& req, bool api, F f) {
    auto g = api ? web.RequireApi(req) : web.RequirePage(req);
    if (auto* res = std::get_if<core::http::Response>(&g)) return std::move(*res);
    return f(std::get<Principal>(g));
}

}  // namespace vp::auth
