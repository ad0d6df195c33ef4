// The public side of the shared library (P-3, P-4, P-30): the register of official documents
// with every filter of P-3 and each file's verification, the collections by volume and
// chapter, and the site's 404 page for any other address.
#include <boost/json.hpp>

#include <algorithm>

#include "core/http/response.hpp"
#include "core/message.hpp"
#include "portal/library.hpp"
#include "site/internal.hpp"

namespace vp::site {

namespace http = core::http;
namespace json = boost::json;
using http::Request;
using http::Response;
using namespace internal;

namespace internal {

namespace {

constexpr std::string_view kMediaPrefix = "/media/";

// "CN=Nguyễn Văn A,O=Văn phòng" -> "Nguyễn Văn A" (RFC 2253; the whole subject without a CN).
std::string CommonName(std::string_view subject) {
    for (std::size_t at = 0; at < subject.size();) {
        auto end = subject.find(',', at);
        while (end != std::string_view::npos && end > 0 && subject[end - 1] == '\\') end = subject.find(',', end + 1);
        const auto part = subject.substr(at, end == std::string_view::npos ? std::string_view::npos : end - at);
        if (part.starts_with("CN=")) return std::string(part.substr(3));
        if (end == std::string_view::npos) break;
        at = end + 1;
    }
    return std::string(subject);
}

std::string HumanSize(std::int64_t bytes) {
    char buf[32];
    if (bytes < 1024) return std::to_string(bytes) + " B";
    if (bytes < 1024 * 1024) {
        std::snprintf(buf, sizeof buf, "%.0f KB", static_cast<double>(bytes) / 1024);
    } else {
        std::snprintf(buf, sizeof buf, "%.1f MB", static_cast<double>(bytes) / (1024 * 1024));
    }
    return buf;
}

}  // namespace

json::array DocumentFiles(const media::Service& media, const signatures::Service* signatures,
                          const std::vector<portal::MediaRef>& refs, const Site::Context& ctx) {
    json::array files;
    for (const auto& m : refs) {
        if (!m.url.starts_with(kMediaPrefix)) continue;
        const auto sha = std::string_view(m.url).substr(kMediaPrefix.size());
        auto file = media.FindPublicByDigest(sha);
        if (!file || file->kind == media::Kind::kImage) continue;
        json::value signed_by = nullptr, registered_by = nullptr;
        bool verified = false, registered = false;
        if (signatures) {
            if (auto v = signatures->VerifyDigest(sha)) {
                for (const auto& e : v->entries) {
                    if (!e.signature_valid || e.entry.withdrawn) continue;
                    registered = true;
                    registered_by = e.entry.signer.starts_with("portal:") ? json::value(ctx.PortalName())
                                                                          : json::value(e.entry.signer);
                }
                if (v->pdf && v->pdf->check.valid) {
                    verified = true;
                    signed_by = OrNull(CommonName(v->pdf->check.signer_subject));
                }
            }
        }
        files.push_back(json::object{{"href", m.url},
                                     {"name", file->filename.empty() ? m.caption : file->filename},
                                     {"size", HumanSize(file->size)},
                                     {"verified", verified},
                                     {"signer", signed_by},
                                     {"registered", registered},
                                     {"registered_by", registered_by},
                                     {"verify_href", "/verify?sha256=" + file->sha256}});
    }
    return files;
}

}  // namespace internal

namespace {

// The query string of a look-up without its page, for the pager.
std::string QueryWithoutPage(const Request& req) {
    std::string out;
    if (!req.query_fields) return out;
    for (const auto& [k, v] : *req.query_fields) {
        if (k == "page" || v.empty()) continue;
        out += (out.empty() ? "?" : "&") + http::PercentEncode(k) + "=" + http::PercentEncode(v);
    }
    return out;
}

}  // namespace

Response Site::Documents(Request& req) {
    return Cached(req, [&](Context& ctx) {
        const auto& portals = *ctx.portals;
        auto q = portal::DocumentQueryFrom([&](std::string_view k) { return req.QueryParam(k); }, ctx.portal.time_zone);
        if (!q) return http::ErrorFor(req, q.error());
        q->portal = ctx.portal.code;  // what this portal publishes, integrates or lists
        auto page = portal_.LookUpDocuments(q.value());
        json::array results;
        for (const auto& d : page.results) {
            const auto* p = ctx.FindPortal(d.portal);
            if (!p) continue;
            results.push_back(json::object{{"title", d.title},
                                           {"href", portal::PublicPath(*p, d.item_id, d.title)},
                                           {"kind_label", ctx.T("portal_doc_kind_" + d.meta.doc_kind)},
                                           {"number", OrNull(d.meta.number)},
                                           {"symbol", OrNull(d.meta.symbol)},
                                           {"issued", Day(d.issued_at, *p)},
                                           {"issuer", OrNull(d.meta.issuer)},
                                           {"signer", OrNull(d.meta.signer)},
                                           {"files", DocumentFiles(media_, signatures_, d.files, ctx)}});
        }
        json::array kinds;
        for (const auto& k : portal::DocumentKinds())
            kinds.push_back(json::object{{"code", k}, {"name", ctx.T("portal_doc_kind_" + k)}, {"selected", k == q->doc_kind}});
        auto param = [&](const char* k) { return OrNull(req.QueryParam(k).value_or("")); };
        json::object data{{"filters", json::object{{"q", param("q")},
                                                   {"kinds", std::move(kinds)},
                                                   {"number", param("number")},
                                                   {"symbol", param("symbol")},
                                                   {"issuer", param("issuer")},
                                                   {"signer", param("signer")},
                                                   {"from", param("from")},
                                                   {"to", param("to")}}},
                          {"total", page.total},
                          {"results", std::move(results)},
                          {"pager", Pager(q->offset / q->limit + 1, page.total, q->limit,
                                          ctx.DocumentsHref() + QueryWithoutPage(req))}};
        Frame frame{.title = ctx.T("site_documents_heading"), .description = ctx.T("site_documents_description")};
        if (!req.query.empty()) frame.robots = "noindex";
        frame.canonical = settings_.public_url + ctx.DocumentsHref();
        return Layout(req, templates_, ctx, "documents", std::move(data), std::move(frame), portals, settings_.public_url);
    });
}

Response Site::Collections(Request& req) {
    return Cached(req, [&](Context& ctx) {
        const auto& portals = *ctx.portals;
        json::array list;
        for (const auto& c : portal_.Collections()) {
            if (c.status != "active") continue;
            list.push_back(json::object{{"title", ctx.lang == "en" && !c.title_en.empty() ? c.title_en : c.title_vi},
                                        {"href", ctx.CollectionsHref() + "/" + c.code},
                                        {"description", OrNull(c.description)}});
        }
        Frame frame{.title = ctx.T("site_collections_heading"), .description = ctx.T("site_collections_intro")};
        return Layout(req, templates_, ctx, "collections", json::object{{"collections", std::move(list)}},
                      std::move(frame), portals, settings_.public_url);
    });
}

Response Site::Collection(Request& req) {
    return Cached(req, [&](Context& ctx) {
        const auto& portals = *ctx.portals;
        auto tree = portal_.CollectionTree(req.path_params["code"], true);
        if (!tree || tree->first.status != "active") return NotFoundPage(req, templates_, ctx, portals, settings_.public_url);
        const auto& c = tree->first;
        // The outline, depth first; a node's text links to its published item.
        json::array nodes;
        std::function<void(const std::vector<portal::CollectionNode>&, int)> walk = [&](const auto& level, int depth) {
            for (const auto& n : level) {
                if (n.status != "active") continue;
                json::value href = nullptr;
                if (n.item_id && n.item_published) {
                    if (auto item = portal_.PublishedItem(n.item_id)) {
                        if (const auto* p = ctx.FindPortal(item->portal))
                            href = portal::PublicPath(*p, item->id, item->current.fields.title);
                    }
                }
                nodes.push_back(json::object{{"level", std::min(depth, 4)},
                                             {"kind_label", OrNull(n.label)},
                                             {"title", n.title},
                                             {"href", href}});
                walk(n.children, depth + 1);
            }
        };
        walk(tree->second, 1);
        const auto title = ctx.lang == "en" && !c.title_en.empty() ? c.title_en : c.title_vi;
        Frame frame{.title = title, .description = c.description};
        return Layout(req, templates_, ctx, "collection",
                      json::object{{"collection", json::object{{"title", title}, {"description", OrNull(c.description)}}},
                                   {"nodes", std::move(nodes)}},
                      std::move(frame), portals, settings_.public_url);
    });
}

Response Site::NotFound(Request& req) {
    // Addresses of the API, the back office and files keep the core's answer (JSON for the API).
    for (std::string_view own : {"/api/", "/admin", "/static/", "/media/", "/verify", "/login"}) {
        if (req.path.starts_with(own)) return http::ErrorFor(req, core::NotFound(core::Msg("core.page_not_found")));
    }
    // Under /cong/<code>/… the component portal's 404, else the main portal's.
    if (req.path.starts_with("/cong/")) {
        const auto code = req.path.substr(6, req.path.find('/', 6) - 6);
        for (const auto& p : *Portals(cache_.Generation())) {
            if (p.code == code && p.status == "active") req.path_params["portal"] = code;
        }
    }
    auto ctx = ContextFor(req);
    if (!ctx) return http::ErrorFor(req, core::NotFound(core::Msg("core.page_not_found")));
    // No language in the address: the reader's own (cookie, ?lang=, Accept-Language) where the
    // portal publishes in it.
    const auto& langs = ctx->portal.languages;
    if (ctx->lang == "vi" && req.Lang() == "en" && std::find(langs.begin(), langs.end(), "en") != langs.end()) {
        ctx->lang = "en";
        ctx->base += "/en";
        ctx->t = &templates_.Strings("en");
    }
    AddSections(*ctx);
    auto res = NotFoundPage(req, templates_, *ctx, *ctx->portals, settings_.public_url);
    res.set(http::beast_http::field::content_language, ctx->lang);
    return res;
}

}  // namespace vp::site
