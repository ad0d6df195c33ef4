#include "auth/handlers.hpp"

#include <algorithm>
#include <map>

#include <boost/json.hpp>
#include <fmt/chrono.h>
#include <fmt/format.h>

#include "auth/crypto/recovery.hpp"
#include "core/text.hpp"

namespace vp::auth {

namespace http = core::http;
namespace json = boost::json;
using http::Request;
using http::Response;
using http::beast_http::status;

namespace {

// Unit names for a whole list, read once (no query per account or role).
class UnitNames {
public:
    explicit UnitNames(const units::Service& units) {
        for (const auto& u : units.List()) names_[u.id] = u.name_vi;
    }
    std::string operator()(std::int64_t id) const {
        auto it = names_.find(id);
        return it == names_.end() ? std::string() : it->second;
    }

private:
    std::map<std::int64_t, std::string> names_;
};

json::object RoleJson(const core::access::Policy& policy, const std::string& code, std::int64_t unit_id,
                      const UnitNames& names) {
    const auto* info = policy.FindRole(code);
    return json::object{{"role", code},
                        {"role_vi", info ? info->name_vi : code},
                        {"role_en", info ? info->name_en : code},
                        {"unit_id", unit_id},
                        {"unit_name", names(unit_id)}};
}

json::object UserToJson(const UserView& u, const UnitNames& names, const core::access::Policy& policy) {
    json::array roles;
    for (const auto& g : u.grants) roles.push_back(RoleJson(policy, g.role, g.unit_id, names));
    return json::object{{"id", u.id},
                        {"username", u.username},
                        {"full_name", u.full_name},
                        {"email", u.email},
                        {"status", u.status},
                        {"status_" + u.status, true},
                        {"active", u.status == "active"},
                        {"unit_id", u.unit_id},
                        {"unit_name", names(u.unit_id)},
                        {"enrolled", u.enrolled},
                        {"roles", roles},
                        {"created_at", FormatLocalTime(u.created_at)}};
}

json::object RequestToJson(const AccountRequestView& r, const UnitNames& names, const core::access::Policy& policy) {
    json::array roles;
    const auto parsed = json::parse(r.roles_json);
    for (const auto& v : parsed.as_array()) {
        roles.push_back(
            RoleJson(policy, std::string(v.at("role").as_string()), v.at("unit_id").to_number<std::int64_t>(), names));
    }
    return json::object{{"id", r.id},
                        {"user_id", r.user_id},
                        {"username", r.username},
                        {"full_name", r.full_name},
                        {"email", r.email},
                        {"unit_id", r.unit_id},
                        {"unit_name", names(r.unit_id)},
                        {"roles", roles},
                        {"reason", r.reason},
                        {"requested_by", r.requested_by},
                        {"requested_at", FormatLocalTime(r.requested_at)},
                        {"decision", r.decision},
                        {"decision_note", r.decision_note},
                        {"decided_by", r.decided_by},
                        {"decided_at", FormatLocalTime(r.decided_at)},
                        {"pending", r.decision.empty()},
                        {"decision_approved", r.decision == "approved"},
                        {"decision_refused", r.decision == "refused"}};
}

}  // namespace

// Only a same-site path of safe characters may be a "next" target: no scheme, no host, no
// "//" or "/\\" (which browsers read as another host), no control characters or spaces (a tab or
// CR/LF would be dropped by the browser, or split the header), nothing beyond printable ASCII.
// Where a signed-in person lands: the back office's home ("/" is the public site).
constexpr const char* kBackOfficeHome = "/admin";

std::string SafeNext(const std::optional<std::string>& next) {
    if (!next || next->empty() || next->size() > 1000 || (*next)[0] != '/') return kBackOfficeHome;
    const std::string& n = *next;
    if (n.size() > 1 && (n[1] == '/' || n[1] == '\\')) return kBackOfficeHome;
    for (unsigned char c : n) {
        const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                        std::string_view("/-._~%!$&'()*+,;=:@?").find(static_cast<char>(c)) != std::string_view::npos;
        if (!ok) return kBackOfficeHome;
    }
    return n;
}

namespace {

Response WithCookie(Response res, const std::string& cookie) {
    res.insert(http::beast_http::field::set_cookie, cookie);
    return res;
}

}  // namespace

// ------------------------------------------------------------------ signing in

Response Handlers::LoginPage(Request& req, const std::optional<core::Message>& error, status st) {
    // Pre-session CSRF: a random value in a SameSite=Strict cookie, echoed by the form.
    auto pre = req.Cookie("vp_pre").value_or("");
    if (pre.size() < 20) pre = RandomToken(18);
    json::object data{{"csrf_pre", pre}, {"next", SafeNext(req.QueryParam("next"))}};
    if (error) data["error"] = core::Text(*error, req.Lang());
    const auto form = req.Form();
    if (auto u = form.find("username"); u != form.end()) data["username"] = u->second;
    auto res = web_.Page(req, nullptr, "auth/login", std::move(data), "login_title", st);
    return WithCookie(std::move(res),
                      "vp_pre=" + pre + "; Path=/; HttpOnly; SameSite=Strict" + (req.tls ? "; Secure" : ""));
}

Response Handlers::LoginForm(Request& req) {
    if (auto p = web_.Resolve(req)) return http::Redirect(req, Web::StepPath(p->stage));
    return LoginPage(req, std::nullopt, status::ok);
}

Response Handlers::Login(Request& req) {
    auto form = req.Form();
    auto pre = req.Cookie("vp_pre");
    if (!pre || FormField(form, "_csrf") != *pre) {
        return LoginPage(req, core::Msg("auth.form_expired"), status::forbidden);
    }
    auto r = auth_.Login(FormField(form, "username"), FormField(form, "password"), req.remote_address,
                         std::string(req.Header("User-Agent")));
    if (!r) {
        auto res = LoginPage(req, r.error().message, http::HttpStatusFor(r.error().code));
        if (r.error().retry_after_s > 0)
            res.set(http::beast_http::field::retry_after, std::to_string(r.error().retry_after_s));
        return res;
    }
    auto next = r->stage == Stage::kReady ? SafeNext(std::optional<std::string>(FormField(form, "next")))
                                          : Web::StepPath(r->stage);
    return WithCookie(http::Redirect(req, next), web_.SessionCookie(r->session_token));
}

Response Handlers::OtpForm(Request& req) {
    auto g = web_.RequireSession(req);
    if (auto* res = std::get_if<Response>(&g)) return std::move(*res);
    auto& p = std::get<Principal>(g);
    if (p.stage != Stage::kSecondFactor) return http::Redirect(req, Web::StepPath(p.stage));
    return web_.Page(req, &p, "auth/otp", {}, "otp_title");
}

Response Handlers::Otp(Request& req) {
    auto g = web_.RequireSession(req);
    if (auto* res = std::get_if<Response>(&g)) return std::move(*res);
    auto& p = std::get<Principal>(g);
    if (p.stage != Stage::kSecondFactor) return http::Redirect(req, Web::StepPath(p.stage));
    auto r = auth_.VerifySecondFactor(p, FormField(req.Form(), "code"));
    if (!r) {
        return web_.Page(req, &p, "auth/otp", {{"error", core::Text(r.error().message, req.Lang())}}, "otp_title",
                         http::HttpStatusFor(r.error().code));
    }
    return http::Redirect(req, Web::StepPath(r.value()));
}

Response Handlers::PasswordForm(Request& req) {
    auto g = web_.RequireSession(req);
    if (auto* res = std::get_if<Response>(&g)) return std::move(*res);
    auto& p = std::get<Principal>(g);
    if (p.stage == Stage::kSecondFactor) return http::Redirect(req, Web::StepPath(p.stage));
    return web_.Page(req, &p, "auth/password", {{"forced", p.stage == Stage::kPasswordChange}}, "password_title");
}

Response Handlers::ChangePassword(Request& req) {
    auto g = web_.RequireSession(req);
    if (auto* res = std::get_if<Response>(&g)) return std::move(*res);
    auto& p = std::get<Principal>(g);
    auto form = req.Form();
    if (FormField(form, "new_password") != FormField(form, "confirm")) {
        return web_.Page(req, &p, "auth/password",
                         {{"error", core::Text(core::Msg("auth.password_confirm_mismatch"), req.Lang())},
                          {"forced", p.stage == Stage::kPasswordChange}},
                         "password_title", status::bad_request);
    }
    auto r = auth_.ChangePassword(p, FormField(form, "current_password"), FormField(form, "new_password"));
    if (!r) {
        return web_.Page(
            req, &p, "auth/password",
            {{"error", core::Text(r.error().message, req.Lang())}, {"forced", p.stage == Stage::kPasswordChange}},
            "password_title", http::HttpStatusFor(r.error().code));
    }
    return http::Redirect(req, r.value() == Stage::kReady ? "/?ok=password_changed" : Web::StepPath(r.value()));
}

Response Handlers::EnrolForm(Request& req) {
    auto g = web_.RequireSession(req);
    if (auto* res = std::get_if<Response>(&g)) return std::move(*res);
    auto& p = std::get<Principal>(g);
    auto e = auth_.BeginEnrolment(p);
    if (!e) return http::Redirect(req, Web::StepPath(p.stage));
    return web_.Page(req, &p, "auth/enrol",
                     {{"qr_svg", e->qr_svg},
                      {"secret", e->secret_base32},
                      {"uri", e->otpauth_uri},
                      {"forced", p.stage == Stage::kEnrol}},
                     "enrol_title");
}

Response Handlers::Enrol(Request& req) {
    auto g = web_.RequireSession(req);
    if (auto* res = std::get_if<Response>(&g)) return std::move(*res);
    auto& p = std::get<Principal>(g);
    auto codes = auth_.CompleteEnrolment(p, FormField(req.Form(), "code"));
    if (!codes) {
        auto e = auth_.BeginEnrolment(p);
        json::object data{{"error", core::Text(codes.error().message, req.Lang())}};
        if (e) {
            data["qr_svg"] = e->qr_svg;
            data["secret"] = e->secret_base32;
            data["uri"] = e->otpauth_uri;
        }
        return web_.Page(req, &p, "auth/enrol", std::move(data), "enrol_title",
                         http::HttpStatusFor(codes.error().code));
    }
    json::array list;
    for (const auto& c : codes.value()) list.push_back(json::string(c));
    return web_.Page(req, &p, "auth/enrol_done", {{"codes", list}}, "enrol_done_title");
}

Response Handlers::Sessions(Request& req) {
    auto g = web_.RequirePage(req);
    if (auto* res = std::get_if<Response>(&g)) return std::move(*res);
    auto& p = std::get<Principal>(g);
    json::array list;
    for (const auto& s : auth_.ListSessions(p)) {
        list.push_back(json::object{{"id", s.id},
                                    {"created_at", FormatLocalTime(s.created_at)},
                                    {"last_seen_at", FormatLocalTime(s.last_seen_at)},
                                    {"address", s.address},
                                    {"user_agent", s.user_agent},
                                    {"current", s.current}});
    }
    return web_.Page(req, &p, "auth/sessions", {{"sessions", list}, {"ended", req.QueryParam("ok").has_value()}},
                     "sessions_title");
}

Response Handlers::EndSession(Request& req) {
    auto g = web_.RequirePage(req);
    if (auto* res = std::get_if<Response>(&g)) return std::move(*res);
    auto& p = std::get<Principal>(g);
    auto id = ParseId(req.path_params["id"]);
    if (!id) return web_.Fail(req, &p, core::NotFound(core::Msg("auth.session_not_found")));
    if (auto st = auth_.EndSession(p, *id); !st) return web_.Fail(req, &p, st.error());
    if (*id == p.session_id) return WithCookie(http::Redirect(req, "/login"), web_.SessionCookie("", true));
    return http::Redirect(req, "/account/sessions?ok=ended");
}

Response Handlers::Logout(Request& req) {
    auto g = web_.RequireSession(req);
    if (auto* res = std::get_if<Response>(&g)) return std::move(*res);
    auth_.Logout(std::get<Principal>(g));
    return WithCookie(http::Redirect(req, "/login"), web_.SessionCookie("", true));
}

Response Handlers::SwitchLanguage(Request& req) {
    auto lang = req.path_params["lang"] == "en" ? "en" : "vi";
    auto res = http::Redirect(req, SafeNext(req.QueryParam("next")));
    res.insert(http::beast_http::field::set_cookie,
               std::string("lang=") + lang + "; Path=/; Max-Age=31536000; SameSite=Lax");
    return res;
}

// ------------------------------------------------------------------ accounts admin

Response Handlers::Accounts(Request& req) {
    auto allowed = web_.RequirePagePermission(req, kAccountView);
    if (auto* res = std::get_if<Response>(&allowed)) return std::move(*res);
    auto& p = std::get<Web::Allowed>(allowed).who;
    json::array users, pending, decided;
    const UnitNames names(units_);
    for (const auto& u : auth_.ListUsers(p)) users.push_back(UserToJson(u, names, auth_.Policy()));
    for (const auto& r : auth_.ListRequests(p, false)) {
        (r.decision.empty() ? pending : decided).push_back(RequestToJson(r, names, auth_.Policy()));
    }
    json::object data{{"users", users},
                      {"has_pending", !pending.empty()},
                      {"has_decided", !decided.empty()},
                      {"pending", pending},
                      {"decided", decided},
                      {"can_request", auth_.HoldsAnywhere(p, kAccountRequest)},
                      {"can_approve", auth_.HoldsAnywhere(p, kAccountApprove)},
                      {"can_revoke", auth_.HoldsAnywhere(p, kAccountRevoke)}};
    if (auto ok = req.QueryParam("ok")) data["ok_" + *ok] = true;
    return web_.Page(req, &p, "auth/accounts", std::move(data), "accounts_title");
}

Response Handlers::RequestForm(Request& req) {
    auto allowed = web_.RequirePagePermission(req, kAccountRequest);
    if (auto* res = std::get_if<Response>(&allowed)) return std::move(*res);
    auto& p = std::get<Web::Allowed>(allowed).who;
    json::array units, roles;
    // Only the units and roles this person may request: the service refuses the others anyway.
    const auto reach = auth_.Policy().ReachOf(p, kAccountRequest);
    for (const auto& u : units_.List()) {
        if (u.status == "active" && u.kind != "group" && reach.Covers(units_, u.id)) {
            units.push_back(json::object{{"id", u.id}, {"name", u.name_vi}});
        }
    }
    int rank = 0;
    for (const auto& g : p.grants) {
        if (const auto* info = auth_.Policy().FindRole(g.role);
            info && auth_.Policy().RoleGrants(g.role, kAccountRequest)) {
            rank = std::max(rank, info->rank);
        }
    }
    for (const auto& r : auth_.Policy().Roles()) {
        if (r.rank <= rank)
            roles.push_back(json::object{{"code", r.code}, {"name_vi", r.name_vi}, {"name_en", r.name_en}});
    }
    return web_.Page(req, &p, "auth/account_request", {{"units", units}, {"roles", roles}}, "account_request_title");
}

namespace {
std::optional<core::Error> ParseRoles(const std::string& csv, std::vector<RequestedRole>& out) {
    std::size_t i = 0;
    while (i <= csv.size()) {
        auto j = csv.find(',', i);
        if (j == std::string::npos) j = csv.size();
        auto r = core::Trim(csv.substr(i, j - i));
        if (!r.empty()) out.push_back({r, 0});
        i = j + 1;
    }
    if (out.empty()) return core::InvalidField("roles", core::Msg("auth.roles_missing"));
    return std::nullopt;
}
}  // namespace

Response Handlers::SubmitRequest(Request& req) {
    auto g = web_.RequirePage(req);
    if (auto* res = std::get_if<Response>(&g)) return std::move(*res);
    auto& p = std::get<Principal>(g);
    auto form = req.Form();
    auto unit = ParseId(FormField(form, "unit_id"));
    NewAccount a{.username = FormField(form, "username"),
                 .full_name = FormField(form, "full_name"),
                 .email = FormField(form, "email"),
                 .unit_id = unit.value_or(0),
                 .reason = FormField(form, "reason")};
    for (const auto& r : req.FormValues("role")) a.roles.push_back({r, 0});
    if (!FormField(form, "roles").empty()) {
        if (auto err = ParseRoles(FormField(form, "roles"), a.roles)) return web_.Fail(req, &p, *err);
    }
    auto r = auth_.RequestAccount(p, std::move(a));
    if (!r) return web_.Fail(req, &p, r.error());
    return http::Redirect(req, "/admin/accounts?ok=requested");
}

namespace {
// The account request named by {id}; the service checks that the caller may decide it.
template <class F>
Response DecideRequest(Web& web, Request& req, F f) {
    auto g = web.RequirePage(req);
    if (auto* res = std::get_if<Response>(&g)) return std::move(*res);
    auto& p = std::get<Principal>(g);
    auto id = ParseId(req.path_params["id"]);
    if (!id) return web.Fail(req, &p, core::NotFound(core::Msg("auth.request_not_found")));
    return f(p, *id);
}
}  // namespace

Response Handlers::ApproveRequest(Request& req) {
    return DecideRequest(web_, req, [&](const Principal& p, std::int64_t id) {
        auto r = auth_.Approve(p, id, FormField(req.Form(), "note"));
        if (!r) return web_.Fail(req, &p, r.error());
        return web_.Page(req, &p, "auth/account_approved",
                         {{"username", r->user.username},
                          {"full_name", r->user.full_name},
                          {"initial_password", r->initial_password}},
                         "account_approved_title");
    });
}

Response Handlers::RefuseRequest(Request& req) {
    return DecideRequest(web_, req, [&](const Principal& p, std::int64_t id) {
        auto r = auth_.Refuse(p, id, FormField(req.Form(), "note"));
        if (!r) return web_.Fail(req, &p, r.error());
        return http::Redirect(req, "/admin/accounts?ok=refused");
    });
}

namespace {
// An account action named by {id} from a form; the service checks permission and scope.
template <class F>
Response UserAction(Web& web, Request& req, F f) {
    auto g = web.RequirePage(req);
    if (auto* res = std::get_if<Response>(&g)) return std::move(*res);
    auto& p = std::get<Principal>(g);
    auto id = ParseId(req.path_params["id"]);
    if (!id) return web.Fail(req, &p, core::NotFound(core::Msg("auth.account_not_found")));
    return f(p, *id);
}

// An account action that takes the form's reason and returns to the account list.
using ReasonedAction = core::Result<UserView> (Service::*)(const Principal&, std::int64_t, std::string);
Response ReasonedUserAction(Web& web, Service& auth, Request& req, const char* ok, ReasonedAction action) {
    return UserAction(web, req, [&](const Principal& p, std::int64_t id) {
        auto r = (auth.*action)(p, id, FormField(req.Form(), "reason"));
        if (!r) return web.Fail(req, &p, r.error());
        return http::Redirect(req, std::string("/admin/accounts?ok=") + ok);
    });
}
}  // namespace

Response Handlers::RevokeUser(Request& req) {
    return ReasonedUserAction(web_, auth_, req, "revoked", &Service::Revoke);
}

Response Handlers::ResetSecondFactor(Request& req) {
    return ReasonedUserAction(web_, auth_, req, "reset_2fa", &Service::ResetSecondFactor);
}

Response Handlers::ResetPassword(Request& req) {
    // The new password goes to the owner (handover code by e-mail), never to this screen.
    return UserAction(web_, req, [&](const Principal& p, std::int64_t id) {
        auto r = auth_.ResetPassword(p, id);
        if (!r) return web_.Fail(req, &p, r.error());
        return http::Redirect(req, "/admin/accounts?ok=reset_password");
    });
}

Response Handlers::HandoverForm(Request& req) { return HandoverPage(req, std::nullopt, "", status::ok); }

Response Handlers::HandoverPage(Request& req, const std::optional<core::Message>& error, const std::string& password,
                                status st) {
    auto pre = req.Cookie("vp_pre").value_or("");
    if (pre.size() < 20) pre = RandomToken(18);
    json::object data{{"csrf_pre", pre}};
    if (error) data["error"] = core::Text(*error, req.Lang());
    if (!password.empty()) data["password"] = password;
    auto res = web_.Page(req, nullptr, "auth/handover", std::move(data), "handover_title", st);
    res.set(http::beast_http::field::cache_control, "no-store");
    return WithCookie(std::move(res),
                      "vp_pre=" + pre + "; Path=/; HttpOnly; SameSite=Strict" + (req.tls ? "; Secure" : ""));
}

Response Handlers::Handover(Request& req) {
    auto form = req.Form();
    auto pre = req.Cookie("vp_pre");
    if (!pre || FormField(form, "_csrf") != *pre) {
        return HandoverPage(req, core::Msg("auth.form_expired"), "", status::forbidden);
    }
    auto r = auth_.RedeemHandover(FormField(form, "username"), FormField(form, "code"), req.remote_address);
    if (!r) return HandoverPage(req, r.error().message, "", http::HttpStatusFor(r.error().code));
    return HandoverPage(req, std::nullopt, r.value(), status::ok);
}

// ------------------------------------------------------------------ API

Response Handlers::ApiMe(Request& req) {
    auto g = web_.RequireApi(req);
    if (auto* res = std::get_if<Response>(&g)) return std::move(*res);
    auto& p = std::get<Principal>(g);
    auto u = auth_.FindUser(p.user_id);
    if (!u) return http::JsonError(req, core::Unauthorized());
    auto j = UserToJson(*u, UnitNames(units_), auth_.Policy());
    if (p.session_id) j["csrf_token"] = p.csrf_token;
    return http::Json(req, j);
}

Response Handlers::ApiLogin(Request& req) {
    // JSON sign-in for scripts and the browser shell: returns the stage still due and sets the
    // session cookie; the one-time code goes to /api/v1/session/second-factor.
    auto body = JsonBody(req);
    if (!body) return http::JsonError(req, body.error());
    auto str = [&](const char* k) {
        auto* v = body->if_contains(k);
        return v && v->is_string() ? std::string(v->get_string()) : std::string();
    };
    auto r = auth_.Login(str("username"), str("password"), req.remote_address, std::string(req.Header("User-Agent")));
    if (!r) return http::JsonError(req, r.error());
    static constexpr const char* kStages[] = {"second_factor", "password_change", "enrol", "ready"};
    // The CSRF token comes back here so a script can take the next steps with X-CSRF-Token.
    auto p = auth_.Authenticate(r->session_token, req.remote_address);
    auto res = http::Json(
        req, json::object{{"stage", kStages[static_cast<int>(r->stage)]}, {"csrf_token", p ? p->csrf_token : ""}});
    return WithCookie(std::move(res), web_.SessionCookie(r->session_token));
}

Response Handlers::ApiSecondFactor(Request& req) {
    auto g = web_.RequireSession(req);
    if (auto* res = std::get_if<Response>(&g)) {
        if (res->result() == status::see_other) return http::JsonError(req, core::Unauthorized());
        return std::move(*res);
    }
    auto body = JsonBody(req);
    if (!body) return http::JsonError(req, body.error());
    auto* code = body->if_contains("code");
    auto r = auth_.VerifySecondFactor(std::get<Principal>(g),
                                      code && code->is_string() ? std::string(code->get_string()) : "");
    if (!r) return http::JsonError(req, r.error());
    static constexpr const char* kStages[] = {"second_factor", "password_change", "enrol", "ready"};
    return http::Json(req, json::object{{"stage", kStages[static_cast<int>(r.value())]}});
}

Response Handlers::ApiSessions(Request& req) {
    auto g = web_.RequireApi(req);
    if (auto* res = std::get_if<Response>(&g)) return std::move(*res);
    json::array list;
    for (const auto& s : auth_.ListSessions(std::get<Principal>(g))) {
        list.push_back(json::object{{"id", s.id},
                                    {"created_at", s.created_at},
                                    {"last_seen_at", s.last_seen_at},
                                    {"expires_at", s.expires_at},
                                    {"address", s.address},
                                    {"user_agent", s.user_agent},
                                    {"current", s.current}});
    }
    return http::Json(req, json::object{{"sessions", list}});
}

namespace {
// An API action on one of the caller's own objects named by {id}: sessions, tokens.
template <class F>
Response OwnObjectAction(const Web& web, Request& req, const core::Message& not_found, const char* done_key, F f) {
    auto g = web.RequireApi(req);
    if (auto* res = std::get_if<Response>(&g)) return std::move(*res);
    auto id = ParseId(req.path_params["id"]);
    if (!id) return http::JsonError(req, core::NotFound(not_found));
    if (core::Status st = f(std::get<Principal>(g), *id); !st) return http::JsonError(req, st.error());
    return http::Json(req, json::object{{done_key, *id}});
}
}  // namespace

Response Handlers::ApiEndSession(Request& req) {
    return OwnObjectAction(web_, req, core::Msg("auth.session_not_found"), "ended",
                           [&](const Principal& p, std::int64_t id) { return auth_.EndSession(p, id); });
}

Response Handlers::ApiTokens(Request& req) {
    auto g = web_.RequireApi(req);
    if (auto* res = std::get_if<Response>(&g)) return std::move(*res);
    json::array list;
    for (const auto& t : auth_.ListApiTokens(std::get<Principal>(g))) {
        list.push_back(json::object{{"id", t.id},
                                    {"name", t.name},
                                    {"scopes", t.scopes},
                                    {"created_at", t.created_at},
                                    {"expires_at", t.expires_at},
                                    {"revoked", t.revoked_at != 0},
                                    {"last_used_at", t.last_used_at}});
    }
    return http::Json(req, json::object{{"tokens", list}});
}

Response Handlers::ApiCreateToken(Request& req) {
    auto g = web_.RequireApi(req);
    if (auto* res = std::get_if<Response>(&g)) return std::move(*res);
    auto body = JsonBody(req);
    if (!body) return http::JsonError(req, body.error());
    std::vector<std::string> scopes;
    if (auto* s = body->if_contains("scopes"); s && s->is_array()) {
        for (const auto& v : s->get_array()) {
            if (v.is_string()) scopes.emplace_back(v.get_string());
        }
    }
    auto* name = body->if_contains("name");
    auto* days = body->if_contains("days");
    auto r =
        auth_.CreateApiToken(std::get<Principal>(g), name && name->is_string() ? std::string(name->get_string()) : "",
                             scopes, days && days->is_int64() ? static_cast<int>(days->get_int64()) : 30);
    if (!r) return http::JsonError(req, r.error());
    return http::Json(req, json::object{{"id", r->id}, {"token", r->token}}, status::created);
}

Response Handlers::ApiRevokeToken(Request& req) {
    return OwnObjectAction(web_, req, core::Msg("auth.token_not_found"), "revoked",
                           [&](const Principal& p, std::int64_t id) { return auth_.RevokeApiToken(p, id); });
}

Response Handlers::ApiUsers(Request& req) {
    auto allowed = web_.RequireApiPermission(req, kAccountView);
    if (auto* res = std::get_if<Response>(&allowed)) return std::move(*res);
    json::array list;
    const UnitNames names(units_);
    for (const auto& u : auth_.ListUsers(std::get<Web::Allowed>(allowed).who))
        list.push_back(UserToJson(u, names, auth_.Policy()));
    return http::Json(req, json::object{{"users", list}});
}

Response Handlers::ApiRequests(Request& req) {
    auto allowed = web_.RequireApiPermission(req, kAccountView);
    if (auto* res = std::get_if<Response>(&allowed)) return std::move(*res);
    json::array list;
    const UnitNames names(units_);
    for (const auto& r :
         auth_.ListRequests(std::get<Web::Allowed>(allowed).who, req.QueryParam("pending").value_or("") == "true")) {
        list.push_back(RequestToJson(r, names, auth_.Policy()));
    }
    return http::Json(req, json::object{{"requests", list}});
}

Response Handlers::ApiCreateRequest(Request& req) {
    auto g = web_.RequireApi(req);
    if (auto* res = std::get_if<Response>(&g)) return std::move(*res);
    auto& p = std::get<Principal>(g);
    auto body = JsonBody(req);
    if (!body) return http::JsonError(req, body.error());
    auto str = [&](const char* k) {
        auto* v = body->if_contains(k);
        return v && v->is_string() ? std::string(v->get_string()) : std::string();
    };
    auto* unit = body->if_contains("unit_id");
    NewAccount a{.username = str("username"),
                 .full_name = str("full_name"),
                 .email = str("email"),
                 .unit_id = unit && unit->is_int64() ? unit->get_int64() : 0,
                 .reason = str("reason")};
    if (auto* roles = body->if_contains("roles"); roles && roles->is_array()) {
        for (const auto& r : roles->get_array()) {
            if (r.is_string()) {
                a.roles.push_back({std::string(r.get_string()), 0});
            } else if (r.is_object() && r.as_object().contains("role") && r.at("role").is_string()) {
                auto* ru = r.as_object().if_contains("unit_id");
                a.roles.push_back({std::string(r.at("role").get_string()), ru && ru->is_int64() ? ru->get_int64() : 0});
            }
        }
    }
    auto r = auth_.RequestAccount(p, std::move(a));
    if (!r) return http::JsonError(req, r.error());
    return http::Json(req, RequestToJson(r.value(), UnitNames(units_), auth_.Policy()), status::created);
}

Response Handlers::ApiApproveRequest(Request& req) {
    auto g = web_.RequireApi(req);
    if (auto* res = std::get_if<Response>(&g)) return std::move(*res);
    auto& p = std::get<Principal>(g);
    auto id = ParseId(req.path_params["id"]);
    if (!id) return http::JsonError(req, core::NotFound(core::Msg("auth.request_not_found")));
    auto body = JsonBody(req);
    std::string note;
    if (body) {
        if (auto* n = body->if_contains("note"); n && n->is_string()) note = n->get_string();
    }
    auto r = auth_.Approve(p, *id, note);
    if (!r) return http::JsonError(req, r.error());
    auto j = UserToJson(r->user, UnitNames(units_), auth_.Policy());
    j["initial_password"] = r->initial_password;
    return http::Json(req, j);
}

Response Handlers::ApiRefuseRequest(Request& req) {
    auto g = web_.RequireApi(req);
    if (auto* res = std::get_if<Response>(&g)) return std::move(*res);
    auto& p = std::get<Principal>(g);
    auto id = ParseId(req.path_params["id"]);
    if (!id) return http::JsonError(req, core::NotFound(core::Msg("auth.request_not_found")));
    auto body = JsonBody(req);
    if (!body) return http::JsonError(req, body.error());
    auto* n = body->if_contains("note");
    auto r = auth_.Refuse(p, *id, n && n->is_string() ? std::string(n->get_string()) : "");
    if (!r) return http::JsonError(req, r.error());
    return http::Json(req, RequestToJson(r.value(), UnitNames(units_), auth_.Policy()));
}

namespace {
template <class F>
Response ApiUserAction(Web& web, Request& req, F f) {
    auto g = web.RequireApi(req);
    if (auto* res = std::get_if<Response>(&g)) return std::move(*res);
    auto& p = std::get<Principal>(g);
    auto id = ParseId(req.path_params["id"]);
    if (!id) return http::JsonError(req, core::NotFound(core::Msg("auth.account_not_found")));
    auto body = JsonBody(req);
    if (!body) return http::JsonError(req, body.error());
    return f(p, *id, JsonText(*body, "reason"));
}
Response UserStatusJson(const Request& req, const core::Result<UserView>& r) {
    if (!r) return http::JsonError(req, r.error());
    return http::Json(req, json::object{{"id", r->id}, {"status", r->status}, {"enrolled", r->enrolled}});
}
}  // namespace

Response Handlers::ApiRevokeUser(Request& req) {
    return ApiUserAction(web_, req, [&](const Principal& p, std::int64_t id, std::string reason) {
        return UserStatusJson(req, auth_.Revoke(p, id, std::move(reason)));
    });
}

Response Handlers::ApiResetSecondFactor(Request& req) {
    return ApiUserAction(web_, req, [&](const Principal& p, std::int64_t id, std::string reason) {
        return UserStatusJson(req, auth_.ResetSecondFactor(p, id, std::move(reason)));
    });
}

Response Handlers::ApiResetPassword(Request& req) {
    return ApiUserAction(web_, req, [&](const Principal& p, std::int64_t id, const std::string&) {
        auto r = auth_.ResetPassword(p, id);
        if (!r) return http::JsonError(req, r.error());
        return http::Json(req, json::object{{"id", id}, {"handover_to", r->delivered_to}});
    });
}

Response Handlers::ApiRoles(Request& req) {
    json::array list;
    for (const auto& r : auth_.Policy().Roles()) {
        list.push_back(json::object{{"code", r.code},
                                    {"name_vi", r.name_vi},
                                    {"name_en", r.name_en},
                                    {"requires_second_factor", r.requires_second_factor},
                                    {"rank", r.rank}});
    }
    return http::Json(req, json::object{{"roles", list}});
}

}  // namespace vp::auth
