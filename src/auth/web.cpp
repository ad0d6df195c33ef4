#include "auth/web.hpp"

#include "core/http/multipart.hpp"

#include <algorithm>
#include <charconv>
#include <chrono>

#include <fmt/chrono.h>
#include <fmt/format.h>

#include <boost/json.hpp>
#include <sodium.h>

#include "core/text.hpp"

namespace vp::auth {

namespace http = core::http;
namespace json = boost::json;
using http::beast_http::status;

std::optional<std::int64_t> ParseId(std::string_view s) {
    std::int64_t v = 0;
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec != std::errc{} || p != s.data() + s.size() || v <= 0) return std::nullopt;
    return v;
}

std::string FormField(const std::map<std::string, std::string>& form, std::string_view key) {
    auto it = form.find(std::string(key));
    return it == form.end() ? std::string() : it->second;
}

std::string JsonText(const json::object& o, std::string_view key) {
    auto* v = o.if_contains(key);
    return v && v->is_string() ? std::string(v->get_string()) : std::string();
}

std::int64_t JsonInt(const json::object& o, std::string_view key) {
    auto* v = o.if_contains(key);
    return v && v->is_int64() ? v->get_int64() : 0;
}

std::string FormatLocalTime(std::int64_t ms, bool seconds) {
    if (ms <= 0) return "";
    // Vietnam keeps UTC+7 all year (no daylight saving).
    auto t = std::chrono::sys_seconds{std::chrono::seconds{ms / 1000}} + std::chrono::hours(7);
    return seconds ? fmt::format("{:%d/%m/%Y %H:%M:%S}", t) : fmt::format("{:%d/%m/%Y %H:%M}", t);
}

core::Result<json::object> JsonBody(const http::Request& req) {
    // Only application/json: a cross-site HTML form can send JSON-looking text/plain, but not
    // this type without a CORS preflight, so a JSON endpoint cannot be driven from another site.
    auto type = req.Header("Content-Type");
    if (!type.starts_with("application/json")) {
        return core::Error{core::ErrorCode::kUnsupportedMediaType, core::Msg("auth.body_not_json_type"), {}};
    }
    if (!core::IsValidUtf8(req.raw.body())) return core::InvalidInput(core::Msg("auth.body_not_utf8"));
    boost::system::error_code ec;
    auto v = json::parse(req.raw.body(), ec);
    if (ec) return core::InvalidInput(core::Msg("auth.body_json_invalid"));
    if (!v.is_object()) return core::InvalidInput(core::Msg("auth.body_json_not_object"));
    return std::move(v.as_object());
}

std::string Web::StepPath(Stage stage) {
    switch (stage) {
        case Stage::kSecondFactor: return "/login/otp";
        case Stage::kPasswordChange: return "/account/password";
        case Stage::kEnrol: return "/account/enrol";
        case Stage::kReady: return "/admin";  // the back office's home ("/" is the public site)
    }
    return "/admin";
}

std::optional<Principal> Web::Resolve(const http::Request& req) const {
    auto authz = req.Header("Authorization");
    std::optional<Principal> p;
    if (authz.starts_with("Bearer ")) {
        p = auth_.AuthenticateBearer(std::string(authz.substr(7)), req.remote_address);
    } else if (auto c = req.Cookie("vp_session")) {
        p = auth_.Authenticate(*c, req.remote_address);
    }
    if (p) p->request_id = req.request_id;
    return p;
}

bool Web::CsrfOk(const http::Request& req, const Principal& who) const {
    if (who.api_token_id) return true;  // bearer tokens are not sent by browsers on their own
    std::string given(req.Header("X-CSRF-Token"));
    if (given.empty()) {
        auto form = req.Form();
        if (auto it = form.find("_csrf"); it != form.end()) given = it->second;
    }
    // A form with a file (multipart/form-data) carries its token as a field too.
    if (given.empty() && req.Header("Content-Type").starts_with("multipart/form-data")) {
        if (auto parts = http::ParseMultipart(req)) given = parts->Field("_csrf").value_or("");
    }
    return !given.empty() && given.size() == who.csrf_token.size() &&
           sodium_memcmp(given.data(), who.csrf_token.data(), given.size()) == 0;
}

namespace {
bool Mutating(const http::Request& req) {
    auto m = req.raw.method();
    return m != http::beast_http::verb::get && m != http::beast_http::verb::head &&
           m != http::beast_http::verb::options;
}
}  // namespace

Web::Guarded Web::RequireSession(const http::Request& req) const {
    auto p = Resolve(req);
    if (!p) return http::Redirect(req, "/login?next=" + http::PercentEncode(req.path));
    if (Mutating(req) && !CsrfOk(req, *p)) {
        return Fail(req, &*p, core::Forbidden(core::Msg("auth.csrf_page")));
    }
    return std::move(*p);
}

Web::Guarded Web::RequirePage(const http::Request& req) const {
    auto g = RequireSession(req);
    if (auto* p = std::get_if<Principal>(&g); p && !p->Ready()) return http::Redirect(req, StepPath(p->stage));
    return g;
}

Web::Guarded Web::RequireApi(const http::Request& req) const {
    auto p = Resolve(req);
    if (!p) return http::JsonError(req, core::Unauthorized(core::Msg("auth.sign_in_or_token")));
    if (!p->Ready()) {
        return http::JsonError(req, status::forbidden, "incomplete_sign_in", core::Msg("core.sign_in_incomplete"));
    }
    if (Mutating(req) && !CsrfOk(req, *p)) {
        return http::JsonError(req, status::forbidden, "csrf", core::Msg("auth.csrf_api"));
    }
    return std::move(*p);
}

namespace {
// The gate: holds `permission` somewhere; the actor names the first role that grants it.
std::optional<audit::Actor> HeldAnywhere(const Service& auth, const Principal& p, Permission permission) {
    if (!auth.HoldsAnywhere(p, permission)) return std::nullopt;
    for (const auto& g : p.grants) {
        if (auth.Policy().RoleGrants(g.role, permission)) return p.ActorAs(g.role);
    }
    return p.ActorAs();
}
}  // namespace

Web::Permitted Web::RequirePagePermission(const http::Request& req, Permission permission) const {
    auto g = RequirePage(req);
    if (auto* res = std::get_if<http::Response>(&g)) return std::move(*res);
    auto& p = std::get<Principal>(g);
    auto actor = HeldAnywhere(auth_, p, permission);
    if (!actor) return Fail(req, &p, core::Forbidden());
    return Allowed{std::move(p), std::move(*actor)};
}

Web::Permitted Web::RequirePagePermission(const http::Request& req, Permission permission,
                                          const core::access::Scope& scope) const {
    auto g = RequirePage(req);
    if (auto* res = std::get_if<http::Response>(&g)) return std::move(*res);
    auto& p = std::get<Principal>(g);
    auto actor = auth_.Authorize(p, permission, scope);
    if (!actor) return Fail(req, &p, actor.error());
    return Allowed{std::move(p), std::move(actor.value())};
}

Web::Permitted Web::RequireApiPermission(const http::Request& req, Permission permission) const {
    auto g = RequireApi(req);
    if (auto* res = std::get_if<http::Response>(&g)) return std::move(*res);
    auto& p = std::get<Principal>(g);
    auto actor = HeldAnywhere(auth_, p, permission);
    if (!actor) return http::JsonError(req, core::Forbidden());
    return Allowed{std::move(p), std::move(*actor)};
}

Web::Permitted Web::RequireApiPermission(const http::Request& req, Permission permission,
                                         const core::access::Scope& scope) const {
    auto g = RequireApi(req);
    if (auto* res = std::get_if<http::Response>(&g)) return std::move(*res);
    auto& p = std::get<Principal>(g);
    auto actor = auth_.Authorize(p, permission, scope);
    if (!actor) return http::JsonError(req, actor.error());
    return Allowed{std::move(p), std::move(actor.value())};
}

http::Response Web::Page(const http::Request& req, const Principal* who, std::string_view tmpl, json::object data,
                         std::string_view title_key, status st) const {
    const auto lang = req.Lang();
    const auto& t = templates_.Strings(lang);
    data["lang"] = lang;
    data["lang_other"] = lang == "vi" ? "en" : "vi";
    data["lang_other_label"] = lang == "vi" ? "English" : "Tiếng Việt";
    data["path"] = req.path;
    if (who) {
        json::object user{{"username", who->username}, {"full_name", who->full_name}};
        data["user"] = user;
        data["csrf"] = who->csrf_token;
        if (who->Ready()) {
            json::array items;
            for (const auto& e : nav_) {
                if (e.permission && !auth_.HoldsAnywhere(*who, *e.permission)) continue;
                auto* label = t.if_contains(e.label_key);
                items.push_back(json::object{
                    {"path", e.path},
                    {"label", label && label->is_string() ? label->get_string() : json::string(e.label_key)},
                    {"current", req.path == e.path || req.path.starts_with(e.path + "/")}});
            }
            json::object nav{{"items", items}};
            data["nav"] = nav;
        }
    }
    std::string content = templates_.Render(tmpl, data, lang);
    json::object layout = data;
    layout["content"] = content;
    auto* title = t.if_contains(title_key);
    layout["title"] = title && title->is_string() ? title->get_string() : json::string(title_key);
    auto res = http::Html(req, templates_.Render("layout", layout, lang), st);
    res.set(http::beast_http::field::content_language, lang);
    return res;
}

http::Response Web::Fail(const http::Request& req, const Principal* who, const core::Error& error) const {
    if (req.WantsJson()) return http::JsonError(req, error);
    auto res = Page(req, who, "error", json::object{{"message", core::Text(error.message, req.Lang())}}, "error_title",
                    http::HttpStatusFor(error.code));
    if (error.retry_after_s > 0) res.set(http::beast_http::field::retry_after, std::to_string(error.retry_after_s));
    return res;
}

void Web::AddNav(NavEntry entry) {
    auto at =
        std::upper_bound(nav_.begin(), nav_.end(), entry.order, [](int o, const NavEntry& e) { return o < e.order; });
    nav_.insert(at, std::move(entry));
}

std::string Web::SessionCookie(const std::string& token, bool clear) const {
    std::string c = "vp_session=" + (clear ? std::string() : token) + "; Path=/; HttpOnly; SameSite=Strict";
    if (settings_.secure_cookies) c += "; Secure";
    if (clear) c += "; Max-Age=0";
    return c;
}

}  // namespace vp::auth
