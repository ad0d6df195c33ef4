// HTTP of the shared library and of integration (P-1, P-3, P-4, P-25). Look-ups and browsing
// are public (they read only what is published); changes need an account.
#include <boost/json.hpp>

#include <algorithm>

#include "core/text.hpp"
#include "portal/handlers.hpp"
#include "portal/http_util.hpp"

namespace vp::portal {

namespace http = core::http;
namespace json = boost::json;
using auth::Principal;
using http::Request;
using http::Response;
using http_util::Guarded;
using http_util::PathId;

namespace {

constexpr std::string_view kZone = "Asia/Ho_Chi_Minh";

core::Result<NodeInput> NodeFrom(const json::object& in) {
    NodeInput n{.parent_id = auth::JsonInt(in, "parent"),
                .level = auth::JsonText(in, "level"),
                .label = auth::JsonText(in, "label"),
                .title = auth::JsonText(in, "title"),
                .sort_order = auth::JsonInt(in, "sort_order"),
                .item_id = auth::JsonInt(in, "item")};
    for (const char* k : {"parent", "sort_order", "item"}) {
        const auto* v = in.if_contains(k);
        if (v && !v->is_null() && !v->is_int64())
            return core::InvalidField(k, core::Msg("portal.field_number_expected", {{"field", k}}));
    }
    return n;
}

// The tree as indented rows (any depth) for the page.
void Flatten(const std::vector<CollectionNode>& nodes, int depth, json::array& out) {
    for (const auto& n : nodes) {
        auto o = ToJson(n);
        o.erase("children");
        o["depth"] = std::min(depth, 3);
        out.push_back(std::move(o));
        Flatten(n.children, depth + 1, out);
    }
}

// A document look-up from the query string (the API's and the page's parameters).
core::Result<DocumentQuery> QueryFrom(const Request& req, const std::string& tz) {
    return DocumentQueryFrom([&](std::string_view k) { return req.QueryParam(k); }, tz);
}

}  // namespace

Response Handlers::LibraryPage(Request& req) {
    return Guarded(web_, req, false, [&](const Principal& p) {
        const std::string tz(kZone);
        auto q = QueryFrom(req, tz);
        if (!q) return web_.Fail(req, &p, q.error());
        q->limit = 50;
        auto page = portal_.LookUpDocuments(q.value());
        json::array documents;
        for (const auto& d : page.results) {
            auto o = ToJson(d, tz);
            o["kind_label"] = web_.Templates().T(req.Lang(), "portal_doc_kind_" + d.meta.doc_kind);
            o["issued_day"] = std::string(o["issued_at"].as_string().subview(0, 10));
            documents.push_back(std::move(o));
        }
        json::object query;
        for (const char* k : {"number", "symbol", "issuer", "signer", "from", "to", "q"})
            query[k] = req.QueryParam(k).value_or("");
        const bool can_manage = portal_.MayManageLibrary(p);
        json::array collections;
        for (const auto& c : portal_.Collections()) {
            auto tree = portal_.CollectionTree(c.code, !can_manage);
            if (!tree) continue;
            auto o = ToJson(c);
            json::array rows;
            Flatten(tree->second, 0, rows);
            o["rows"] = std::move(rows);
            collections.push_back(std::move(o));
        }
        auto candidates = portal_.IntegrationCandidates(p);
        json::array cands;
        if (candidates) {
            for (const auto& c : candidates.value()) cands.push_back(ToJson(c, tz));
        }
        return web_.Page(req, &p, "portal/library",
                         {{"documents", std::move(documents)},
                          {"total", page.total},
                          {"query", std::move(query)},
                          {"doc_kinds", http_util::CodeOptions(web_, req, DocumentKinds(), "portal_doc_kind_", q->doc_kind)},
                          {"levels", http_util::CodeOptions(web_, req, CollectionLevels(), "portal_level_")},
                          {"collection_kinds", http_util::CodeOptions(web_, req, CollectionKinds(), "portal_collection_kind_")},
                          {"portals", PortalChoices(q->portal)},
                          {"collections", std::move(collections)},
                          {"can_integrate", candidates.ok()},
                          {"candidates", std::move(cands)},
                          {"can_manage", can_manage}},
                         "portal_library_title");
    });
}

Response Handlers::IntegrateFromPage(Request& req) {
    return Guarded(web_, req, false, [&](const Principal& p) {
        auto id = PathId(req);
        if (!id) return web_.Fail(req, &p, core::NotFound(core::Msg("portal.item_not_found")));
        auto r = portal_.Integrate(p, *id, auth::FormField(req.Form(), "main_section"));
        if (!r) return web_.Fail(req, &p, r.error());
        return http::Redirect(req, "/admin/portal/items/" + std::to_string(r->id) + "?ok=integrate");
    });
}

Response Handlers::PlaceFromPage(Request& req) {
    return Guarded(web_, req, false, [&](const Principal& p) {
        auto form = req.Form();
        auto doc = auth::ParseId(auth::FormField(form, "document"));
        if (!doc)
            return web_.Fail(req, &p, core::InvalidField("document", core::Msg("portal.cited_document_not_found",
                                                                               {{"id", auth::FormField(form, "document")}})));
        auto r = portal_.PlaceDocument(p, auth::FormField(form, "portal"), auth::FormField(form, "section"), *doc);
        if (!r) return web_.Fail(req, &p, r.error());
        return http::Redirect(req, "/admin/portal/library?portal=" + http::PercentEncode(r->portal));
    });
}

Response Handlers::AddNodeFromPage(Request& req) {
    return Guarded(web_, req, false, [&](const Principal& p) {
        auto form = req.Form();
        NodeInput in{.level = auth::FormField(form, "level"),
                     .label = auth::FormField(form, "label"),
                     .title = auth::FormField(form, "title")};
        for (auto [key, out] : {std::pair{"parent", &in.parent_id}, {"sort_order", &in.sort_order}, {"item", &in.item_id}}) {
            const auto text = auth::FormField(form, key);
            if (text.empty()) continue;
            auto v = auth::ParseId(text);
            if (!v) return web_.Fail(req, &p, core::InvalidField(key, core::Msg("portal.field_number_expected", {{"field", key}})));
            *out = *v;
        }
        auto r = portal_.AddNode(p, auth::FormField(form, "collection"), std::move(in));
        if (!r) return web_.Fail(req, &p, r.error());
        return http::Redirect(req, "/admin/portal/library");
    });
}

Response Handlers::CreateCollectionFromPage(Request& req) {
    return Guarded(web_, req, false, [&](const Principal& p) {
        auto form = req.Form();
        auto r = portal_.CreateCollection(p, {.code = auth::FormField(form, "code"),
                                              .kind = auth::FormField(form, "kind"),
                                              .title_vi = auth::FormField(form, "title_vi"),
                                              .title_en = auth::FormField(form, "title_en")});
        if (!r) return web_.Fail(req, &p, r.error());
        return http::Redirect(req, "/admin/portal/library");
    });
}

Response Handlers::ApiDocuments(Request& req) {
    const std::string tz(kZone);
    auto q = QueryFrom(req, tz);
    if (!q) return http::JsonError(req, q.error());
    auto page = portal_.LookUpDocuments(q.value());
    json::array results;
    for (const auto& d : page.results) results.push_back(ToJson(d, tz));
    return http::Json(req, json::object{{"total", page.total}, {"results", std::move(results)}});
}

// The public search (P-21, X-2): {"total", "results": [{id, title, url, snippet, published_at}]}
// in rank order; snippets are HTML (escaped text, matched words in <mark>).
Response Handlers::ApiSearch(Request& req) {
    auto q = SearchQueryFrom([&](std::string_view k) { return req.QueryParam(k); }, std::string(kZone));
    if (!q) return http::JsonError(req, q.error());
    auto page = portal_.Search(q.value());
    const auto portals = portal_.ListPortals();
    json::array results;
    for (const auto& hit : page.results) {
        const auto portal = std::find_if(portals.begin(), portals.end(), [&](const auto& p) { return p.code == hit.item.portal; });
        if (portal == portals.end()) continue;
        const auto& f = hit.item.current.fields;
        results.push_back(json::object{
            {"id", hit.item.id},
            {"title", f.title},
            {"url", PublicPath(*portal, hit.item.id, f.title)},
            {"snippet", hit.snippet},
            {"published_at", calendar::FormatIso(hit.item.first_published_at.value_or(*hit.item.published_at),
                                                 portal->time_zone)},
            {"portal", portal->code},
            {"language", hit.item.language},
            {"kind", hit.item.kind}});
    }
    return http::Json(req, json::object{{"total", page.total}, {"total_capped", page.total_capped}, {"results", std::move(results)}});
}

Response Handlers::ApiDocument(Request& req) {
    auto id = PathId(req);
    auto d = id ? portal_.FindDocument(*id) : std::nullopt;
    if (!d) return http::JsonError(req, core::NotFound(core::Msg("portal.cited_document_not_found", {{"id", req.path_params["id"]}})));
    return http::Json(req, ToJson(*d, kZone));
}

Response Handlers::ApiPlacements(Request& req) {
    const auto code = req.path_params["code"];
    if (!portal_.FindPortal(code))
        return http::JsonError(req, core::NotFound(core::Msg("portal.portal_not_found", {{"code", code}})));
    json::array list;
    for (const auto& pl : portal_.Placements(code)) list.push_back(ToJson(pl, ZoneOf(code)));
    return http::Json(req, json::object{{"placements", std::move(list)}});
}

Response Handlers::ApiPlaceDocument(Request& req) {
    return Guarded(web_, req, true, [&](const Principal& p) {
        auto body = auth::JsonBody(req);
        if (!body) return http::JsonError(req, body.error());
        const auto code = req.path_params["code"];
        auto r = portal_.PlaceDocument(p, code, auth::JsonText(*body, "section"), auth::JsonInt(*body, "document"));
        if (!r) return http::JsonError(req, r.error());
        return http::Json(req, ToJson(r.value(), ZoneOf(code)), http::beast_http::status::created);
    });
}

Response Handlers::ApiRetirePlacement(Request& req) {
    return Guarded(web_, req, true, [&](const Principal& p) {
        auto id = PathId(req);
        if (!id) return http::JsonError(req, core::NotFound(core::Msg("portal.placement_not_found")));
        auto r = portal_.RetirePlacement(p, *id);
        if (!r) return http::JsonError(req, r.error());
        return http::Json(req, ToJson(r.value(), ZoneOf(r->portal)));
    });
}

Response Handlers::ApiCollections(Request& req) {
    json::array list;
    for (const auto& c : portal_.Collections()) list.push_back(ToJson(c));
    return http::Json(req, json::object{{"collections", std::move(list)}});
}

Response Handlers::ApiCreateCollection(Request& req) {
    return Guarded(web_, req, true, [&](const Principal& p) {
        auto body = auth::JsonBody(req);
        if (!body) return http::JsonError(req, body.error());
        auto r = portal_.CreateCollection(p, {.code = auth::JsonText(*body, "code"),
                                              .kind = auth::JsonText(*body, "kind"),
                                              .title_vi = auth::JsonText(*body, "title_vi"),
                                              .title_en = auth::JsonText(*body, "title_en"),
                                              .description = auth::JsonText(*body, "description")});
        if (!r) return http::JsonError(req, r.error());
        return http::Json(req, ToJson(r.value()), http::beast_http::status::created);
    });
}

Response Handlers::ApiCollection(Request& req) {
    auto r = portal_.CollectionTree(req.path_params["code"], true);
    if (!r) return http::JsonError(req, r.error());
    auto o = ToJson(r->first);
    json::array nodes;
    for (const auto& n : r->second) nodes.push_back(ToJson(n));
    o["nodes"] = std::move(nodes);
    return http::Json(req, o);
}

Response Handlers::ApiAddNode(Request& req) {
    return Guarded(web_, req, true, [&](const Principal& p) {
        auto body = auth::JsonBody(req);
        if (!body) return http::JsonError(req, body.error());
        auto in = NodeFrom(*body);
        if (!in) return http::JsonError(req, in.error());
        auto r = portal_.AddNode(p, req.path_params["code"], std::move(in).value());
        if (!r) return http::JsonError(req, r.error());
        return http::Json(req, ToJson(r.value()), http::beast_http::status::created);
    });
}

Response Handlers::ApiUpdateNode(Request& req) {
    return Guarded(web_, req, true, [&](const Principal& p) {
        auto id = PathId(req);
        if (!id) return http::JsonError(req, core::NotFound(core::Msg("portal.node_not_found")));
        auto body = auth::JsonBody(req);
        if (!body) return http::JsonError(req, body.error());
        auto in = NodeFrom(*body);
        if (!in) return http::JsonError(req, in.error());
        auto r = portal_.UpdateNode(p, req.path_params["code"], *id, std::move(in).value());
        if (!r) return http::JsonError(req, r.error());
        return http::Json(req, ToJson(r.value()));
    });
}

Response Handlers::ApiRetireNode(Request& req) {
    return Guarded(web_, req, true, [&](const Principal& p) {
        auto id = PathId(req);
        if (!id) return http::JsonError(req, core::NotFound(core::Msg("portal.node_not_found")));
        auto r = portal_.RetireNode(p, req.path_params["code"], *id);
        if (!r) return http::JsonError(req, r.error());
        return http::Json(req, ToJson(r.value()));
    });
}

Response Handlers::ApiIntegrationCandidates(Request& req) {
    return Guarded(web_, req, true, [&](const Principal& p) {
        auto r = portal_.IntegrationCandidates(p);
        if (!r) return http::JsonError(req, r.error());
        json::array list;
        for (const auto& c : r.value()) list.push_back(ToJson(c, kZone));
        return http::Json(req, json::object{{"candidates", std::move(list)}});
    });
}

Response Handlers::ApiIntegrate(Request& req) {
    return Guarded(web_, req, true, [&](const Principal& p) {
        auto id = PathId(req);
        if (!id) return http::JsonError(req, core::NotFound(core::Msg("portal.item_not_found")));
        json::object in;
        if (!req.raw.body().empty()) {
            auto body = auth::JsonBody(req);
            if (!body) return http::JsonError(req, body.error());
            in = std::move(body).value();
        }
        auto r = portal_.Integrate(p, *id, auth::JsonText(in, "main_section"));
        if (!r) return http::JsonError(req, r.error());
        auto res = http::Json(req, ToJson(r.value(), r->time_zone), http::beast_http::status::created);
        res.set(http::beast_http::field::location, "/api/v1/portal/items/" + std::to_string(r->id));
        return res;
    });
}

}  // namespace vp::portal
