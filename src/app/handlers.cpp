#include "app/handlers.hpp"

#include <boost/json.hpp>
#include <fmt/chrono.h>
#include <fmt/format.h>

namespace vp::app {

namespace http = core::http;
namespace json = boost::json;
using auth::Principal;
using http::Request;
using http::Response;

Response Handlers::Home(Request& req) {
    auto g = d_.web.RequirePage(req);
    if (auto* res = std::get_if<Response>(&g)) return std::move(*res);
    auto& p = std::get<Principal>(g);
    json::array roles;
    for (const auto& gr : p.grants) {
        const auto* info = d_.auth.Policy().FindRole(gr.role);
        auto unit = d_.units.Find(gr.unit_id);
        roles.push_back(
            json::object{{"role_vi", info ? info->name_vi : gr.role}, {"unit_name", unit ? unit->name_vi : ""}});
    }
    json::object data{{"roles", roles}};
    if (auto ok = req.QueryParam("ok")) data["ok_" + *ok] = true;
    return d_.web.Page(req, &p, "app/home", std::move(data), "home_title");
}

Response Handlers::Notifications(Request& req) {
    auto g = d_.web.RequirePage(req);
    if (auto* res = std::get_if<Response>(&g)) return std::move(*res);
    auto& p = std::get<Principal>(g);
    json::array items;
    for (const auto& n : d_.notify.List(p.user_id)) {
        items.push_back(json::object{{"id", n.id},
                                     {"title", n.title},
                                     {"body", n.body},
                                     {"link", n.link},
                                     {"created_at", auth::FormatLocalTime(n.created_at)},
                                     {"read", n.read}});
    }
    return d_.web.Page(req, &p, "app/notifications", {{"items", items}}, "notifications");
}

Response Handlers::MarkRead(Request& req) {
    auto g = d_.web.RequirePage(req);
    if (auto* res = std::get_if<Response>(&g)) return std::move(*res);
    auto& p = std::get<Principal>(g);
    auto id = auth::ParseId(req.path_params["id"]);
    if (!id || !d_.notify.MarkRead(p.user_id, *id))
        return d_.web.Fail(req, &p, core::NotFound(core::Msg("app.notification_not_found")));
    return http::Redirect(req, "/notifications");
}

Response Handlers::Jobs(Request& req) {
    auto allowed = d_.web.RequirePagePermission(req, kJobsView, core::access::Scope::Global());
    if (auto* res = std::get_if<Response>(&allowed)) return std::move(*res);
    auto& p = std::get<auth::Web::Allowed>(allowed).who;
    json::array jobs;
    for (const auto& j : d_.jobs.Recent(200)) {
        jobs.push_back(json::object{{"id", j.id},
                                    {"kind", j.kind},
                                    {"status", j.status},
                                    {"attempts", j.attempts},
                                    {"max_attempts", j.max_attempts},
                                    {"created_at", auth::FormatLocalTime(j.created_at)},
                                    {"last_error", j.last_error}});
    }
    return d_.web.Page(req, &p, "app/jobs", {{"jobs", jobs}}, "jobs_title");
}

Response Handlers::Health(Request& req) {
    // Checks the database with a real round trip; no details about the deployment leak out.
    try {
        d_.db.Read([](core::db::Connection& c) { c.QueryOne("SELECT 1"); });
    } catch (const std::exception&) {
        return http::JsonError(req, http::beast_http::status::service_unavailable, "database_unavailable",
                               core::Msg("app.database_unavailable"));
    }
    auto s = d_.db.Stats();
    return http::Json(
        req, json::object{{"status", "ok"}, {"database", "ok"}, {"pool_size", s.size}, {"pool_in_use", s.in_use}});
}

Response Handlers::MetricsText(Request& req) {
    auto res = http::MakeResponse(req, http::beast_http::status::ok, d_.metrics.Render(),
                                  "text/plain; version=0.0.4; charset=utf-8");
    res.set(http::beast_http::field::cache_control, "no-store");
    return res;
}

Response Handlers::OpenApi(Request& req) {
    auto res = http::MakeResponse(req, http::beast_http::status::ok, d_.openapi, "application/json; charset=utf-8");
    res.set(http::beast_http::field::cache_control, "public, max-age=300");
    res.set(http::beast_http::field::access_control_allow_origin, "*");
    return res;
}

Response Handlers::ApiNotifications(Request& req) {
    auto g = d_.web.RequireApi(req);
    if (auto* res = std::get_if<Response>(&g)) return std::move(*res);
    auto& p = std::get<Principal>(g);
    json::array items;
    if (req.QueryParam("unread").value_or("") != "true") {
        for (const auto& n : d_.notify.List(p.user_id)) {
            items.push_back(json::object{{"id", n.id},
                                         {"kind", n.kind},
                                         {"title", n.title},
                                         {"body", n.body},
                                         {"link", n.link},
                                         {"created_at", n.created_at},
                                         {"read", n.read}});
        }
    }
    return http::Json(req, json::object{{"unread", d_.notify.UnreadCount(p.user_id)}, {"items", items}});
}

Response Handlers::ApiMarkRead(Request& req) {
    auto g = d_.web.RequireApi(req);
    if (auto* res = std::get_if<Response>(&g)) return std::move(*res);
    auto& p = std::get<Principal>(g);
    auto id = auth::ParseId(req.path_params["id"]);
    if (!id || !d_.notify.MarkRead(p.user_id, *id))
        return http::JsonError(req, core::NotFound(core::Msg("app.notification_not_found")));
    return http::Json(req, json::object{{"read", *id}});
}

Response Handlers::Events(Request& req) {
    auto g = d_.web.RequireApi(req);
    if (auto* res = std::get_if<Response>(&g)) return std::move(*res);
    auto& p = std::get<Principal>(g);
    const auto user = p.user_id;
    // Topic filters registered by the modules receive the principal as the subscriber context.
    core::SubscribeOptions o{.subscriber = {user, p}};
    if (auto topics = req.QueryParam("topics")) o.topics = core::SplitTopics(*topics);
    std::string last(req.Header("Last-Event-ID"));
    if (last.empty()) last = req.QueryParam("last_event_id").value_or("");
    if (!last.empty()) {
        auto id = core::ParseLastEventId(last);
        if (!id) return http::JsonError(req, id.error());
        o.last_event_id = *id;
    }
    // The stream ends when this person's sessions end (revocation, password change), whichever
    // node or process made the change.
    o.ends = [user](const core::Event& e) { return e.topic == core::kSessionEndedTopic && e.user_id == user; };
    auto sub = d_.events.Subscribe(std::move(o));
    if (!sub) return http::JsonError(req, sub.error());
    req.event_source = std::move(sub.value());
    return http::MakeResponse(req, http::beast_http::status::ok, "", "text/event-stream; charset=utf-8");
}

Response Handlers::ApiJobs(Request& req) {
    auto allowed = d_.web.RequireApiPermission(req, kJobsView, core::access::Scope::Global());
    if (auto* res = std::get_if<Response>(&allowed)) return std::move(*res);
    json::array jobs;
    for (const auto& j : d_.jobs.Recent(200)) {
        jobs.push_back(json::object{{"id", j.id},
                                    {"kind", j.kind},
                                    {"status", j.status},
                                    {"attempts", j.attempts},
                                    {"max_attempts", j.max_attempts},
                                    {"run_at", j.run_at},
                                    {"created_at", j.created_at},
                                    {"finished_at", j.finished_at},
                                    {"last_error", j.last_error}});
    }
    return http::Json(req, json::object{{"jobs", jobs}});
}

}  // namespace vp::app
