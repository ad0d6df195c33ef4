#include "units/handlers.hpp"

#include <boost/json.hpp>

namespace vp::units {

namespace http = core::http;
namespace json = boost::json;
using auth::Principal;
using http::Request;
using http::Response;
using http::beast_http::status;

namespace {

json::array TreeJson(const std::vector<Unit>& all) {
    // Depth for indentation: List() returns parents before children.
    std::map<std::int64_t, int> depth{{0, -1}};
    json::array out;
    for (const auto& u : all) {
        int d = depth[u.parent_id] + 1;
        depth[u.id] = d;
        auto j = ToJson(u).as_object();
        j["depth"] = d;
        j["indent"] = std::string(static_cast<std::size_t>(d) * 2, ' ');
        j["active"] = u.status == "active";
        j["kind_" + u.kind] = true;
        out.push_back(std::move(j));
    }
    return out;
}

}  // namespace

Response Handlers::Tree(Request& req) {
    auto allowed = web_.RequirePagePermission(req, kUnitView);
    if (auto* res = std::get_if<Response>(&allowed)) return std::move(*res);
    auto& p = std::get<auth::Web::Allowed>(allowed).who;
    auto date = req.QueryParam("date").value_or("");
    if (!date.empty() && !IsIsoDate(date))
        return web_.Fail(req, &p, core::InvalidField("date", core::Msg("units.as_of_date_invalid")));
    auto all = units_.List(date);
    json::array kinds;
    for (const auto& k : kKinds) kinds.push_back(json::string(k));
    return web_.Page(req, &p, "units/tree",
                     {{"units", TreeJson(all)},
                      {"count", all.size()},
                      {"date", date.empty() ? units_.Today() : date},
                      {"kinds", kinds},
                      {"can_manage", auth_.HoldsAnywhere(p, kUnitManage)}},
                     "units_title");
}

Response Handlers::Show(Request& req) {
    auto allowed = web_.RequirePagePermission(req, kUnitView);
    if (auto* res = std::get_if<Response>(&allowed)) return std::move(*res);
    auto& p = std::get<auth::Web::Allowed>(allowed).who;
    auto id = auth::ParseId(req.path_params["id"]);
    auto u = id ? units_.Find(*id) : std::nullopt;
    if (!u) return web_.Fail(req, &p, core::NotFound(core::Msg("units.not_found")));
    json::array history;
    for (const auto& n : units_.NameHistory(u->id)) {
        history.push_back(json::object{
            {"name_vi", n.name_vi}, {"name_en", n.name_en}, {"valid_from", n.valid_from}, {"valid_to", n.valid_to}});
    }
    json::array targets;
    for (const auto& o : units_.List()) {
        if (o.status == "active" && o.id != u->id) targets.push_back(json::object{{"id", o.id}, {"name", o.name_vi}});
    }
    auto parent = u->parent_id ? units_.Find(u->parent_id) : std::nullopt;
    auto merged_into = u->merged_into_id ? units_.Find(u->merged_into_id) : std::nullopt;
    json::object data{{"unit", ToJson(*u)},
                      {"active", u->status == "active"},
                      {"history", history},
                      {"targets", targets},
                      {"today", units_.Today()},
                      {"parent_name", parent ? parent->name_vi : ""},
                      {"merged_into_name", merged_into ? merged_into->name_vi : ""},
                      {"can_manage", auth_.Authorize(p, kUnitManage, u->id).ok()}};
    if (auto ok = req.QueryParam("ok")) data["ok_" + *ok] = true;
    return web_.Page(req, &p, "units/show", std::move(data), "unit_title");
}

Response Handlers::Create(Request& req) {
    auto g = web_.RequirePage(req);
    if (auto* res = std::get_if<Response>(&g)) return std::move(*res);
    auto& p = std::get<Principal>(g);
    auto form = req.Form();
    // A parent that is not a valid id is refused (never read as "no parent").
    const auto parent_text = auth::FormField(form, "parent_id");
    const auto parent = parent_text.empty() ? std::optional<std::int64_t>(0) : auth::ParseId(parent_text);
    if (!parent) return web_.Fail(req, &p, core::NotFound(core::Msg("units.parent_missing")));
    auto r = units_.Create(p, {.code = auth::FormField(form, "code"),
                               .kind = auth::FormField(form, "kind"),
                               .name_vi = auth::FormField(form, "name_vi"),
                               .name_en = auth::FormField(form, "name_en"),
                               .short_name = auth::FormField(form, "short_name"),
                               .parent_id = *parent,
                               .valid_from = auth::FormField(form, "valid_from")});
    if (!r) return web_.Fail(req, &p, r.error());
    return http::Redirect(req, "/admin/units/" + std::to_string(r->id) + "?ok=created");
}

namespace {
template <class F>
Response UnitAction(auth::Web& web, Request& req, bool api, F f) {
    auto g = api ? web.RequireApi(req) : web.RequirePage(req);
    if (auto* res = std::get_if<Response>(&g)) return std::move(*res);
    auto& p = std::get<Principal>(g);
    auto id = auth::ParseId(req.path_params["id"]);
    if (!id) return web.Fail(req, &p, core::NotFound(core::Msg("units.not_found")));
    json::object in;
    if (api) {
        auto body = auth::JsonBody(req);
        if (!body) return web.Fail(req, &p, body.error());
        in = std::move(body.value());
    } else {
        for (auto& [k, v] : req.Form()) in[k] = v;
    }
    core::Result<Unit> r = f(p, *id, in);
    if (!r) return web.Fail(req, &p, r.error());
    if (api) return http::Json(req, ToJson(r.value()));
    return http::Redirect(req, "/admin/units/" + std::to_string(*id) + "?ok=saved");
}
}  // namespace

Response Handlers::Rename(Request& req) {
    return UnitAction(web_, req, false, [&](const Principal& a, std::int64_t id, const json::object& in) {
        return units_.Rename(a, id, auth::JsonText(in, "name_vi"), auth::JsonText(in, "name_en"),
                             auth::JsonText(in, "short_name"), auth::JsonText(in, "effective"));
    });
}

Response Handlers::Merge(Request& req) {
    return UnitAction(web_, req, false, [&](const Principal& a, std::int64_t id, const json::object& in) {
        return units_.Merge(a, id, auth::ParseId(auth::JsonText(in, "into_id")).value_or(0),
                            auth::JsonText(in, "effective"));
    });
}

Response Handlers::Dissolve(Request& req) {
    return UnitAction(web_, req, false, [&](const Principal& a, std::int64_t id, const json::object& in) {
        return units_.Dissolve(a, id, auth::JsonText(in, "effective"));
    });
}

Response Handlers::ApiList(Request& req) {
    auto allowed = web_.RequireApiPermission(req, kUnitView);
    if (auto* res = std::get_if<Response>(&allowed)) return std::move(*res);
    auto date = req.QueryParam("date").value_or("");
    if (!date.empty() && !IsIsoDate(date))
        return http::JsonError(req, core::InvalidField("date", core::Msg("units.as_of_date_invalid")));
    json::array list;
    for (const auto& u : units_.List(date)) list.push_back(ToJson(u));
    return http::Json(req, json::object{{"units", list}});
}

Response Handlers::ApiShow(Request& req) {
    auto allowed = web_.RequireApiPermission(req, kUnitView);
    if (auto* res = std::get_if<Response>(&allowed)) return std::move(*res);
    auto id = auth::ParseId(req.path_params["id"]);
    auto date = req.QueryParam("date").value_or("");
    if (!date.empty() && !IsIsoDate(date))
        return http::JsonError(req, core::InvalidField("date", core::Msg("units.as_of_date_invalid")));
    auto u = id ? units_.Find(*id, date) : std::nullopt;
    if (!u) return http::JsonError(req, core::NotFound(core::Msg("units.not_found")));
    auto j = ToJson(*u).as_object();
    json::array history;
    for (const auto& n : units_.NameHistory(u->id)) {
        history.push_back(
            json::object{{"name_vi", n.name_vi},
                         {"name_en", n.name_en},
                         {"valid_from", n.valid_from},
                         {"valid_to", n.valid_to.empty() ? json::value(nullptr) : json::value(n.valid_to)}});
    }
    j["names"] = history;
    return http::Json(req, j);
}

Response Handlers::ApiCreate(Request& req) {
    auto g = web_.RequireApi(req);
    if (auto* res = std::get_if<Response>(&g)) return std::move(*res);
    auto& p = std::get<Principal>(g);
    auto body = auth::JsonBody(req);
    if (!body) return http::JsonError(req, body.error());
    // parent_id absent or null: a new top unit; anything else must be a valid id.
    std::int64_t parent = 0;
    if (auto* v = body->if_contains("parent_id"); v && !v->is_null()) {
        if (!v->is_int64() || v->get_int64() <= 0)
            return http::JsonError(req, core::NotFound(core::Msg("units.parent_missing")));
        parent = v->get_int64();
    }
    auto r = units_.Create(p, {.code = auth::JsonText(*body, "code"),
                               .kind = auth::JsonText(*body, "kind"),
                               .name_vi = auth::JsonText(*body, "name_vi"),
                               .name_en = auth::JsonText(*body, "name_en"),
                               .short_name = auth::JsonText(*body, "short_name"),
                               .parent_id = parent,
                               .valid_from = auth::JsonText(*body, "valid_from")});
    if (!r) return http::JsonError(req, r.error());
    return http::Json(req, ToJson(r.value()), status::created);
}

Response Handlers::ApiRename(Request& req) {
    return UnitAction(web_, req, true, [&](const Principal& a, std::int64_t id, const json::object& in) {
        return units_.Rename(a, id, auth::JsonText(in, "name_vi"), auth::JsonText(in, "name_en"),
                             auth::JsonText(in, "short_name"), auth::JsonText(in, "effective"));
    });
}

Response Handlers::ApiMerge(Request& req) {
    return UnitAction(web_, req, true, [&](const Principal& a, std::int64_t id, const json::object& in) {
        return units_.Merge(a, id, auth::JsonInt(in, "into_id"), auth::JsonText(in, "effective"));
    });
}

Response Handlers::ApiDissolve(Request& req) {
    return UnitAction(web_, req, true, [&](const Principal& a, std::int64_t id, const json::object& in) {
        return units_.Dissolve(a, id, auth::JsonText(in, "effective"));
    });
}

}  // namespace vp::units
