#include "audit/handlers.hpp"

#include <boost/json.hpp>
#include <fmt/chrono.h>

#include "units/units.hpp"

namespace vp::audit {

namespace http = core::http;
namespace json = boost::json;
using auth::Principal;
using http::Request;
using http::Response;

namespace {

std::int64_t LocalDateToMillis(const std::string& d) {
    // Dates are Vietnamese calendar days: midnight at UTC+7.
    std::chrono::year_month_day ymd{std::chrono::year{std::stoi(d.substr(0, 4))},
                                    std::chrono::month(static_cast<unsigned>(std::stoi(d.substr(5, 2)))),
                                    std::chrono::day(static_cast<unsigned>(std::stoi(d.substr(8, 2))))};
    auto t = std::chrono::sys_days{ymd} - std::chrono::hours(7);
    return std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
}

json::object RecordJson(const Record& r) {
    return json::object{{"seq", r.seq},
                        {"at", r.at},
                        {"at_local", auth::FormatLocalTime(r.at, true)},
                        {"actor_user_id", r.actor_user_id},
                        {"actor_username", r.actor_username},
                        {"actor_unit_id", r.actor_unit_id},
                        {"actor_role", r.actor_role},
                        {"action", r.action},
                        {"object_type", r.object_type},
                        {"object_id", r.object_id},
                        {"before", r.before_json},
                        {"after", r.after_json},
                        {"address", r.address},
                        {"request_id", r.request_id},
                        {"hash", r.hash}};
}

}  // namespace

core::Result<Filter> ParseFilter(const Request& req) {
    Filter f;
    auto q = [&](const char* k) { return req.QueryParam(k).value_or(""); };
    if (auto from = q("from"); !from.empty()) {
        if (!units::IsIsoDate(from)) return core::InvalidField("from", core::Msg("audit.from_date_invalid"));
        f.from_ms = LocalDateToMillis(from);
    }
    if (auto to = q("to"); !to.empty()) {
        if (!units::IsIsoDate(to)) return core::InvalidField("to", core::Msg("audit.to_date_invalid"));
        f.to_ms = LocalDateToMillis(to) + 86400000;  // inclusive
    }
    if (auto a = q("actor"); !a.empty()) {
        auto id = auth::ParseId(a);
        if (!id) return core::InvalidField("actor", core::Msg("audit.actor_id_invalid"));
        f.actor_user_id = *id;
    }
    f.action_prefix = q("action");
    f.object_type = q("object_type");
    f.object_id = q("object_id");
    if (auto b = q("before"); !b.empty()) f.before_seq = auth::ParseId(b).value_or(0);
    if (auto l = q("limit"); !l.empty())
        f.limit = static_cast<int>(std::min<std::int64_t>(auth::ParseId(l).value_or(100), 1000));
    return f;
}

Response Handlers::Page(Request& req) {
    auto allowed = web_.RequirePagePermission(req, kAuditRead, core::access::Scope::Global());
    if (auto* res = std::get_if<Response>(&allowed)) return std::move(*res);
    auto& p = std::get<auth::Web::Allowed>(allowed).who;
    auto f = ParseFilter(req);
    if (!f) return web_.Fail(req, &p, f.error());
    f->limit = std::min(f->limit, 100);
    json::array rows;
    std::int64_t last = 0;
    for (const auto& r : log_.Find(db_, f.value())) {
        rows.push_back(RecordJson(r));
        last = r.seq;
    }
    json::object filter{{"from", req.QueryParam("from").value_or("")},
                        {"to", req.QueryParam("to").value_or("")},
                        {"action", f->action_prefix},
                        {"object_type", f->object_type},
                        {"object_id", f->object_id},
                        {"actor", req.QueryParam("actor").value_or("")}};
    std::string query = req.query;
    json::object data{{"records", rows}, {"filter", filter}, {"export_query", query}};
    if (static_cast<int>(rows.size()) == f->limit && last > 1) data["next_before"] = last;
    return web_.Page(req, &p, "audit/list", std::move(data), "audit_title");
}

Response Handlers::ApiList(Request& req) {
    auto allowed = web_.RequireApiPermission(req, kAuditRead, core::access::Scope::Global());
    if (auto* res = std::get_if<Response>(&allowed)) return std::move(*res);
    auto f = ParseFilter(req);
    if (!f) return http::JsonError(req, f.error());
    json::array rows;
    for (const auto& r : log_.Find(db_, f.value())) rows.push_back(RecordJson(r));
    return http::Json(req, json::object{{"records", rows}});
}

Response Handlers::ApiExportCsv(Request& req) {
    // Reachable from the page with the session cookie (a GET, no CSRF needed) or with a token.
    auto p = web_.Resolve(req);
    if (!p) return http::JsonError(req, core::Unauthorized());
    auto actor = auth_.Authorize(*p, kAuditRead, core::access::Scope::Global());
    if (!actor) return http::JsonError(req, actor.error());
    auto f = ParseFilter(req);
    if (!f) return http::JsonError(req, f.error());
    auto csv = log_.ExportCsv(db_, f.value());
    // Exports are themselves operations on the data (P-9).
    db_.Transact([&](core::db::Connection& c) {
        log_.Write(c, actor.value(), {"audit.export", "audit_log", "", nullptr, json::object{{"query", req.query}}});
    });
    auto res = http::MakeResponse(req, http::beast_http::status::ok, "\xEF\xBB\xBF" + csv, "text/csv; charset=utf-8");
    res.set(http::beast_http::field::content_disposition, "attachment; filename=\"audit.csv\"");
    res.set(http::beast_http::field::cache_control, "no-store");
    return res;
}

Response Handlers::ApiVerify(Request& req) {
    auto allowed = web_.RequireApiPermission(req, kAuditRead, core::access::Scope::Global());
    if (auto* res = std::get_if<Response>(&allowed)) return std::move(*res);
    // Compared with the node's latest signed checkpoint, so a cut tail or a chain recomputed
    // in the database is reported too (P-9, P-16).
    auto rep = log_.Verify(db_, {.against_checkpoint = true});
    json::object o{{"ok", rep.ok}, {"checked", rep.checked}, {"keyed_from", rep.keyed_from}};
    if (rep.checkpoint) {
        o["checkpoint"] =
            json::object{{"seq", rep.checkpoint->seq}, {"hash", rep.checkpoint->hash}, {"at", rep.checkpoint->at}};
    } else {
        o["checkpoint"] = nullptr;
    }
    if (rep.bad_checkpoint_lines > 0) o["bad_checkpoint_lines"] = rep.bad_checkpoint_lines;
    if (!rep.ok) {
        o["first_broken_seq"] = rep.first_broken_seq;
        o["problem"] = rep.problem;
    }
    return http::Json(req, o);
}

}  // namespace vp::audit
