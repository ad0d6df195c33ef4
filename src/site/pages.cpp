// The public pages (site.hpp, docs/site.md). Every page is rendered once into the page cache and
// answered from it, with ETag / Last-Modified validators and 304s, until something it may show
// changes (Site::Invalidate).
#include <boost/json.hpp>

#include <algorithm>
#include <sys/resource.h>
#include <fmt/format.h>

#include "calendar/iso_time.hpp"
#include "core/http/response.hpp"
#include "core/message.hpp"
#include "core/text.hpp"
#include "site/feeds.hpp"
#include "site/internal.hpp"

namespace vp::site {

namespace http = core::http;
namespace json = boost::json;
using http::Request;
using http::Response;
using namespace internal;


namespace internal {

constexpr std::string_view kMediaPrefix = "/media/";

// "2026-03-25T17:00:00+07:00" -> "25/03/2026 17:00".
std::string Display(const std::string& iso) {
    if (iso.size() < 16) return iso;
    return iso.substr(8, 2) + "/" + iso.substr(5, 2) + "/" + iso.substr(0, 4) + " " + iso.substr(11, 5);
}

json::value OrNull(const std::string& s) { return s.empty() ? json::value(nullptr) : json::value(s); }

// A JSON text safe inside <script>: "</" never closes the element.
std::string ScriptJson(const json::value& v) {
    std::string s = json::serialize(v), out;
    for (std::size_t i = 0; i < s.size(); ++i) {
        if (s[i] == '<') {
            out += "\\u003c";
        } else {
            out += s[i];
        }
    }
    return out;
}

std::optional<std::int64_t> LeadingId(std::string_view s) {
    std::int64_t v = 0;
    std::size_t n = 0;
    while (n < s.size() && n < 15 && s[n] >= '0' && s[n] <= '9') v = v * 10 + (s[n++] - '0');
    if (n == 0 || (n < s.size() && s[n] != '-')) return std::nullopt;
    return v;
}

}  // namespace internal

Site::Site(const portal::Service& portal, const media::Service& media, const signatures::Service* signatures,
           const core::web::TemplateStore& templates, const core::Clock& clock, Settings settings)
    : portal_(portal),
      media_(media),
      signatures_(signatures),
      templates_(templates),
      clock_(clock),
      settings_(std::move(settings)),
      cache_(settings_.cache_bytes) {
    rlimit files{};
    max_page_files_ = getrlimit(RLIMIT_NOFILE, &files) == 0 && files.rlim_cur != RLIM_INFINITY
                          ? static_cast<int>(std::min<rlim_t>(files.rlim_cur / 4, 1 << 20))
                          : 1024;
}

// ---------------------------------------------------------------------------------------------
// The frame: which portal and language, the cache, the layout.


std::shared_ptr<const std::vector<portal::Portal>> Site::Portals(std::uint64_t generation) const {
    return memo_.Get<std::vector<portal::Portal>>("portals", generation, [&] { return portal_.ListPortals(); });
}

void Site::AddSections(Context& ctx) const {
    const auto& code = ctx.portal.code;
    ctx.sections = memo_.Get<std::vector<portal::Section>>("sections|" + code, ctx.generation,
                                                            [&] { return portal_.Sections(ctx.portal.id); });
    ctx.sections_in_use = memo_.Get<std::set<std::string>>("in-use|" + code + "|" + ctx.lang, ctx.generation,
                                                            [&] { return portal_.SectionsInUse(code, ctx.lang); });
}

std::optional<Site::Context> Site::ContextFor(const Request& req) const {
    // The portal: /cong/<code>/…, a portal's own host name, or the main portal.
    Context ctx;
    ctx.memo = &memo_;
    ctx.generation = cache_.Generation();
    ctx.portals = Portals(ctx.generation);
    const portal::Portal* found = nullptr;
    if (auto it = req.path_params.find("portal"); it != req.path_params.end()) {
        found = ctx.FindPortal(it->second);
        if (found && found->code == portal::kMainPortal) found = nullptr;  // the main portal lives at /
    } else {
        auto host = std::string(req.Header("host"));
        if (auto colon = host.rfind(':'); colon != std::string::npos && host.find(']') == std::string::npos)
            host.resize(colon);
        for (const auto& p : *ctx.portals) {
            if (!p.host.empty() && p.host == host) found = &p;
        }
        if (!found) found = ctx.FindPortal(portal::kMainPortal);
    }
    if (!found || found->status != "active") return std::nullopt;
    ctx.portal = *found;
    const std::string prefix = req.path_params.count("portal") ? "/cong/" + ctx.portal.code : "";
    const bool en = req.path == prefix + "/en" || req.path.starts_with(prefix + "/en/");
    if (en && std::find(ctx.portal.languages.begin(), ctx.portal.languages.end(), "en") == ctx.portal.languages.end())
        return std::nullopt;
    ctx.lang = en ? "en" : "vi";
    ctx.base = prefix + (en ? "/en" : "");
    ctx.t = &templates_.Strings(ctx.lang);

    return ctx;
}

namespace {

constexpr std::string_view kPageCacheControl = "public, max-age=60";

std::string CacheKey(const Request& req) { return std::string(req.Header("host")) + "|" + req.path + "?" + req.query; }

// The answer to `req` from a stored page: 304 when a validator matches (RFC 9110 13), else the
// page's bytes, shared (no copy per request), behind its prepared header lines.
Response Answer(const Request& req, const std::shared_ptr<const CachedPage>& page) {
    const auto inm = req.Header("if-none-match");
    bool not_modified = !inm.empty() && (inm == page->etag || inm == "*" || inm.find(page->etag) != std::string_view::npos);
    if (inm.empty()) {
        if (auto ims = req.Header("if-modified-since"); !ims.empty()) {
            auto t = ParseHttpDate(ims);
            not_modified = t && page->last_modified <= *t;
        }
    }
    Response res{not_modified ? http::beast_http::status::not_modified : http::beast_http::status::ok, req.raw.version()};
    res.keep_alive(req.raw.keep_alive());
    if (not_modified) {
        res.set(http::beast_http::field::etag, page->etag);
        res.set(http::beast_http::field::last_modified, HttpDate(page->last_modified));
        res.set(http::beast_http::field::cache_control, kPageCacheControl);
        res.set(http::beast_http::field::vary, "Accept-Encoding");
        return res;
    }
    auto& body = res.body();
    body.shared = std::shared_ptr<const std::string>(page, &page->body);
    body.head_fields = std::shared_ptr<const std::string>(page, &page->head_fields);
    if (page->file) {
        body.file = page->file;
        body.file_head = page->file_head;
    } else if (!page->wire.empty()) {
        body.wire = std::shared_ptr<const std::string>(page, &page->wire);
    }
    return res;
}

}  // namespace

// A page of some size goes out with sendfile(2) from an unnamed file, as nginx sends a static
// file (no copy of the bytes per request), while open files stay within the budget.
void Site::ToFile(CachedPage& page) {
    if (page.body.size() < 4 * 1024 || page.file) return;
    if (page_files_->fetch_add(1) >= max_page_files_) {
        --*page_files_;
        return;
    }
    auto file = http::MemoryFile::Create(page.wire, settings_.file_directory);
    if (!file) {
        --*page_files_;
        return;
    }
    // The count goes down when the last holder (the cache, a response in flight) lets go.
    struct Counted {
        std::shared_ptr<const http::MemoryFile> file;
        std::shared_ptr<std::atomic<int>> count;
        ~Counted() { --*count; }
    };
    auto held = std::make_shared<Counted>(Counted{std::move(file), page_files_});
    page.file = std::shared_ptr<const http::MemoryFile>(held, held->file.get());
    page.file_head = page.wire.size() - page.body.size();
    std::string().swap(page.wire);
}

std::optional<Response> Site::Hit(Request& req) {
    if (!settings_.cache) return std::nullopt;
    auto page = cache_.Get(CacheKey(req));
    if (!page) return std::nullopt;
    return Answer(req, page);
}

Response Site::Cached(Request& req, const std::function<Response(Context&)>& render) {
    // The key is what the request names (host, path, query): a hit answers without looking
    // anything up (Hit, the page routes' quick answer on the network thread, which has already
    // looked when this runs); the portal and language are found only to render.
    auto found_ctx = ContextFor(req);
    if (!found_ctx) return http::ErrorFor(req, core::NotFound(core::Msg("core.page_not_found")));
    auto& ctx = *found_ctx;
    const auto generation = ctx.generation;
    AddSections(ctx);
    auto res = render(ctx);
    if (res.result_int() != 200) return res;
    auto fresh = std::make_shared<CachedPage>();
    fresh->body = std::move(static_cast<std::string&>(res.body()));
    fresh->content_type = std::string(res[http::beast_http::field::content_type]);
    fresh->etag = EtagOf(fresh->body);
    fresh->last_modified = std::chrono::floor<std::chrono::seconds>(clock_.Now());
    if (auto lm = res[http::beast_http::field::last_modified]; !lm.empty()) {
        if (auto t = ParseHttpDate(lm)) fresh->last_modified = *t;
    }
    Prepare(*fresh, kPageCacheControl, settings_.cache);
    if (settings_.cache) {
        ToFile(*fresh);
        cache_.Put(CacheKey(req), fresh, generation);
    }
    return Answer(req, fresh);
}

namespace internal {

// The layout around a page's inner HTML.
Response Layout(const Request& req, const core::web::TemplateStore& templates, const Site::Context& ctx,
                std::string_view name, json::object data, Frame frame, const std::vector<portal::Portal>& portals,
                const std::string& public_url) {
    data["lang"] = ctx.lang;
    data["documents_href"] = ctx.DocumentsHref();
    data["search_action"] = ctx.base + "/tim-kiem";
    data["portal_home"] = ctx.Home();
    // Rendered from json::value (moved, not copied: a json::object passed where a value is
    // expected would be copied whole, body included).
    const auto content = templates.Render("site/" + std::string(name), json::value(std::move(data)), ctx.lang);
    json::array nav;
    for (const auto& s : *ctx.sections) {
        if (s.status != "active" || s.parent_id != 0 || !ctx.sections_in_use->count(s.code)) continue;
        const auto href = ctx.SectionHref(s.code);
        nav.push_back(json::object{{"name", ctx.SectionName(s)}, {"href", href},
                                   {"current", req.path == href || req.path.starts_with(href + "/")}});
    }
    json::array others;
    for (const auto& p : portals) {
        if (p.code == ctx.portal.code || p.status != "active") continue;
        others.push_back(json::object{{"name", ctx.lang == "en" && !p.name_en.empty() ? p.name_en : p.name_vi},
                                      {"href", portal::PortalHome(p)}});
    }
    if (frame.feeds.empty()) {
        frame.feeds.push_back(json::object{{"title", "RSS — " + ctx.PortalName()}, {"href", ctx.base + "/rss.xml"},
                                           {"type", "application/rss+xml"}});
        frame.feeds.push_back(json::object{{"title", "Atom — " + ctx.PortalName()}, {"href", ctx.base + "/atom.xml"},
                                           {"type", "application/atom+xml"}});
    }
    const std::string canonical = frame.canonical.empty() ? public_url + req.path : frame.canonical;
    json::value page = json::object{
        {"lang", ctx.lang},
        {"title", frame.title.empty() ? ctx.PortalName() : frame.title + " — " + ctx.PortalName()},
        {"description", OrNull(frame.description)},
        {"canonical", canonical},
        {"alternates", std::move(frame.alternates)},
        {"og", json::object{{"type", frame.og_type},
                            {"title", frame.title.empty() ? ctx.PortalName() : frame.title},
                            {"description", frame.description},
                            {"url", canonical},
                            {"image", OrNull(frame.og_image)}}},
        {"jsonld", OrNull(frame.jsonld)},
        {"feeds", std::move(frame.feeds)},
        {"robots", OrNull(frame.robots)},
        {"content", content},
        {"portal", json::object{{"code", ctx.portal.code},
                                {"name", ctx.PortalName()},
                                {"tagline", ctx.portal.code == portal::kMainPortal ? json::value(ctx.T("site_tagline"))
                                                                                   : json::value(nullptr)},
                                {"home", ctx.Home()},
                                {"is_main", ctx.portal.code == portal::kMainPortal}}},
        {"nav", std::move(nav)},
        {"other_lang", frame.other_lang},
        {"search_action", ctx.base + "/tim-kiem"},
        {"search_q", OrNull(frame.search_q)},
        {"documents_href", ctx.DocumentsHref()},
        {"collections_href", ctx.CollectionsHref()},
        {"year", static_cast<int>(std::chrono::year_month_day{std::chrono::floor<std::chrono::days>(
                                                                  std::chrono::system_clock::now())}
                                      .year())},
        {"portals", std::move(others)}};
    auto res = http::Html(req, templates.Render("site/layout", page, ctx.lang));
    if (frame.last_modified != core::TimePoint{}) res.set(http::beast_http::field::last_modified, HttpDate(frame.last_modified));
    return res;
}

}  // namespace internal

namespace internal {

// An image's addresses as a page writes them: the largest JPEG variant up to 1024 px as src
// and the WebP variants as srcset. A pure function of the media record, remembered with it.
struct PictureSource {
    int width = 0, height = 0;
    std::string src, srcset;
};

// A picture with its srcset (the media module's variants), or null.
json::value Picture(const media::Service& media, const Site::Context& ctx, const portal::MediaRef& m,
                    const std::string& alt, std::string_view sizes) {
    if (!m.url.starts_with(kMediaPrefix)) return nullptr;
    const auto digest = std::string_view(m.url).substr(kMediaPrefix.size());
    const auto& source = *ctx.memo->Get<std::optional<PictureSource>>(
        "picture|" + std::string(digest), ctx.generation, [&]() -> std::optional<PictureSource> {
            const auto file = media.FindPublicByDigest(digest);
            if (!file || file->kind != media::Kind::kImage || file->width <= 0) return std::nullopt;
            PictureSource out{.width = file->width, .height = file->height, .src = media::FileUrl(file->sha256)};
            int best = 0;
            for (const auto& v : file->variants) {
                const auto url = media::VariantUrl(file->sha256, v.width, v.format);
                if (v.format == "webp")
                    out.srcset += (out.srcset.empty() ? "" : ", ") + url + " " + std::to_string(v.width) + "w";
                if (v.format == "jpg" && v.width <= 1024 && v.width > best) {
                    best = v.width;
                    out.src = url;
                }
            }
            return out;
        });
    if (!source) return nullptr;
    return json::object{{"src", source->src},
                        {"srcset", OrNull(source->srcset)},
                        {"sizes", sizes},
                        {"alt", m.caption.empty() ? alt : m.caption},
                        {"caption", OrNull(m.caption)},
                        {"credit", OrNull(m.credit)},
                        {"width", source->width},
                        {"height", source->height}};
}

std::string LocalIso(core::TimePoint t, const portal::Portal& p) { return calendar::FormatIso(t, p.time_zone); }

std::string Day(core::TimePoint t, const portal::Portal& p) { return Display(LocalIso(t, p)).substr(0, 10); }

}  // namespace internal

namespace internal {

json::object Card(const media::Service& media, const Site::Context& ctx, const portal::Item& it, bool with_image,
                  std::string_view sizes = "(max-width: 700px) 100vw, 360px") {
    const auto& f = it.current.fields;
    const auto published = it.first_published_at.value_or(it.published_at.value_or(it.created_at));
    json::value image = nullptr;
    if (with_image) {
        for (const auto& m : f.media) {
            image = Picture(media, ctx, m, f.title, sizes);
            if (!image.is_null()) break;
        }
    }
    json::value section = nullptr;
    if (!f.sections.empty()) {
        if (const auto* s = ctx.FindSection(f.sections.front()))
            section = json::object{{"name", ctx.SectionName(*s)}, {"href", ctx.SectionHref(s->code)}};
    }
    const auto iso = LocalIso(published, ctx.portal);
    return {{"title", f.title},
            {"href", portal::PublicPath(ctx.portal, it.id, f.title)},
            {"lead", OrNull(f.lead)},
            {"published", Display(iso)},
            {"published_iso", iso},
            {"image", std::move(image)},
            {"section", std::move(section)},
            {"kind_label", it.kind == "news" ? json::value(nullptr) : json::value(ctx.T("site_kind_" + it.kind))}};
}

json::value Pager(int page, std::int64_t total, int per_page, const std::string& base_href) {
    const auto pages = static_cast<int>((total + per_page - 1) / per_page);
    if (pages <= 1) return nullptr;
    const char sep = base_href.find('?') == std::string::npos ? '?' : '&';
    auto at = [&](int n) { return base_href + sep + "page=" + std::to_string(n); };
    return json::object{{"page", page},
                        {"pages", pages},
                        {"prev", page > 1 ? json::value(at(page - 1)) : json::value(nullptr)},
                        {"next", page < pages ? json::value(at(page + 1)) : json::value(nullptr)}};
}

int PageParam(const Request& req) {
    const auto p = req.QueryParam("page").value_or("1");
    if (p.empty() || p.size() > 3 || p.find_first_not_of("0123456789") != std::string::npos) return 0;
    const int n = std::stoi(p);
    return n >= 1 && n <= 500 ? n : 0;
}

Response NotFoundPage(const Request& req, const core::web::TemplateStore& templates, const Site::Context& ctx,
                      const std::vector<portal::Portal>& portals, const std::string& public_url) {
    auto res = Layout(req, templates, ctx, "not_found", json::object{{"message", nullptr}},
                      Frame{.title = ctx.T("site_not_found_title"), .robots = "noindex"}, portals, public_url);
    res.result(http::beast_http::status::not_found);
    return res;
}

}  // namespace internal

// ---------------------------------------------------------------------------------------------
// Pages

// The newest item of the portal's banners and slogans section (P-27), or null.
json::value Site::Banner(const Context& ctx) const {
    if (!ctx.FindSection(kBannerSection)) return nullptr;
    auto page = portal_.ListPublic({.portal_id = ctx.portal.id, .section = std::string(kBannerSection), .language = ctx.lang, .limit = 1, .with_total = false});
    if (page.items.empty()) return nullptr;
    const auto& f = page.items.front().current.fields;
    return json::object{{"href", portal::PublicPath(ctx.portal, page.items.front().id, f.title)},
                        {"title", f.title},
                        {"text", OrNull(f.lead)}};
}

Response Site::Home(Request& req) {
    return Cached(req, [&](Context& ctx) {
        const auto& portals = *ctx.portals;
        auto latest = portal_.ListPublic({.portal_id = ctx.portal.id, .language = ctx.lang, .limit = 12, .with_total = false});
        // The lead story: the newest with a picture (else the newest); the others follow.
        json::value lead = nullptr;
        std::size_t lead_at = 0;
        for (std::size_t i = 0; i < latest.items.size(); ++i) {
            auto card = Card(media_, ctx, latest.items[i], true, "(max-width: 900px) 100vw, 760px");
            if (!card["image"].is_null()) {
                lead = std::move(card);
                lead_at = i;
                break;
            }
        }
        if (lead.is_null() && !latest.items.empty()) lead = Card(media_, ctx, latest.items[0], true);
        json::array list;
        for (std::size_t i = 0; i < latest.items.size(); ++i) {
            if (i != lead_at) list.push_back(Card(media_, ctx, latest.items[i], false));
        }
        json::array blocks;
        for (const auto& s : *ctx.sections) {
            if (s.status != "active" || s.parent_id != 0 || s.code == kBannerSection || !ctx.sections_in_use->count(s.code))
                continue;
            auto page = portal_.ListPublic({.portal_id = ctx.portal.id, .section = s.code, .language = ctx.lang, .limit = 3, .with_total = false});
            if (page.items.empty()) continue;
            json::array items;
            for (const auto& it : page.items) items.push_back(Card(media_, ctx, it, true));
            blocks.push_back(json::object{{"name", ctx.SectionName(s)}, {"href", ctx.SectionHref(s.code)},
                                          {"items", std::move(items)}});
        }
        json::array documents;
        for (const auto& d : portal_.LookUpDocuments({.portal = ctx.portal.code, .limit = 5}).results) {
            const auto* p = ctx.FindPortal(d.portal);
            if (!p) continue;
            documents.push_back(json::object{
                {"title", d.title},
                {"href", portal::PublicPath(*p, d.item_id, d.title)},
                {"number", OrNull(d.meta.number + (d.meta.symbol.empty() ? "" : "-" + d.meta.symbol))},
                {"issued", Day(d.issued_at, *p)}});
        }
        json::object data{{"lead_story", lead},
                          {"latest", std::move(list)},
                          {"sections", std::move(blocks)},
                          {"documents", std::move(documents)},
                          {"banner", Banner(ctx)}};
        Frame frame{.description = ctx.T("site_home_description")};
        frame.canonical = settings_.public_url + ctx.Home();
        if (ctx.portal.code == portal::kMainPortal) {
            frame.alternates.push_back(json::object{{"hreflang", "vi"}, {"href", settings_.public_url + "/"}});
            frame.alternates.push_back(json::object{{"hreflang", "en"}, {"href", settings_.public_url + "/en"}});
            frame.other_lang = ctx.lang == "vi" ? json::object{{"href", "/en"}, {"label", "English"}, {"lang", "en"}}
                                                : json::object{{"href", "/"}, {"label", "Tiếng Việt"}, {"lang", "vi"}};
        }
        frame.jsonld = ScriptJson(json::object{{"@context", "https://schema.org"},
                                               {"@type", "WebSite"},
                                               {"name", ctx.PortalName()},
                                               {"url", settings_.public_url + ctx.Home()},
                                               {"inLanguage", ctx.lang}});
        return Layout(req, templates_, ctx, "home", std::move(data), std::move(frame), portals, settings_.public_url);
    });
}

Response Site::Section(Request& req) {
    return Cached(req, [&](Context& ctx) {
        const auto& portals = *ctx.portals;
        const auto* s = ctx.FindSection(req.path_params["code"]);
        const int page = PageParam(req);
        if (!s || page == 0) return NotFoundPage(req, templates_, ctx, portals, settings_.public_url);
        constexpr int kPerPage = 15;
        auto list = portal_.ListPublic({.portal_id = ctx.portal.id,
                                        .section = s->code,
                                        .language = ctx.lang,
                                        .limit = kPerPage,
                                        .offset = (page - 1) * kPerPage});
        if (page > 1 && list.items.empty()) return NotFoundPage(req, templates_, ctx, portals, settings_.public_url);
        json::array items;
        for (const auto& it : list.items) items.push_back(Card(media_, ctx, it, true));
        const auto href = ctx.SectionHref(s->code);
        json::object data{{"section", json::object{{"name", ctx.SectionName(*s)}, {"href", href}}},
                          {"items", std::move(items)},
                          {"pager", Pager(page, list.total, kPerPage, href)},
                          {"feed_href", href + "/rss.xml"}};
        Frame frame{.title = ctx.SectionName(*s)};
        frame.canonical = settings_.public_url + href + (page > 1 ? "?page=" + std::to_string(page) : "");
        frame.feeds.push_back(json::object{{"title", "RSS — " + ctx.SectionName(*s)}, {"href", href + "/rss.xml"},
                                           {"type", "application/rss+xml"}});
        frame.feeds.push_back(json::object{{"title", "Atom — " + ctx.SectionName(*s)}, {"href", href + "/atom.xml"},
                                           {"type", "application/atom+xml"}});
        return Layout(req, templates_, ctx, "section", std::move(data), std::move(frame), portals, settings_.public_url);
    });
}

Response Site::Article(Request& req) {
    return Cached(req, [&](Context& ctx) {
        const auto& portals = *ctx.portals;
        const auto id = LeadingId(req.path_params["id"]);
        // The item, its translations and its related items in one snapshot.
        auto article = id ? portal_.PublishedArticle(*id, 5) : std::nullopt;
        if (!article || article->item.portal_id != ctx.portal.id)
            return NotFoundPage(req, templates_, ctx, portals, settings_.public_url);
        const auto* item = &article->item;
        const auto& f = item->current.fields;
        const auto canonical_path = portal::PublicPath(ctx.portal, item->id, f.title);
        if (req.path != canonical_path) return http::Redirect(req, canonical_path);
        ctx.lang = item->language == "en" ? "en" : "vi";
        ctx.t = &templates_.Strings(ctx.lang);
        json::array media;
        for (const auto& m : f.media) {
            auto p = Picture(media_, ctx, m, f.title, "(max-width: 760px) 100vw, 760px");
            if (!p.is_null()) media.push_back(std::move(p));
        }
        json::array translations, alternates;
        alternates.push_back(json::object{{"hreflang", item->language}, {"href", settings_.public_url + canonical_path}});
        for (const auto& tr : article->translations) {
            const auto href = portal::PublicPath(ctx.portal, tr.id, tr.title);
            translations.push_back(json::object{{"lang", tr.language},
                                                {"label", tr.language == "en" ? "English" : "Tiếng Việt"},
                                                {"href", href}});
            alternates.push_back(json::object{{"hreflang", tr.language}, {"href", settings_.public_url + href}});
        }
        json::array related;
        for (const auto& r : article->related) related.push_back(Card(media_, ctx, r, true));
        std::string authors;
        for (const auto& a : f.authors) authors += (authors.empty() ? "" : ", ") + a;
        const auto published = item->first_published_at.value_or(item->published_at.value_or(item->created_at));
        const auto updated = item->published_at.value_or(published);
        const auto pub_iso = LocalIso(published, ctx.portal), upd_iso = LocalIso(updated, ctx.portal);
        json::value section = nullptr;
        if (!f.sections.empty()) {
            if (const auto* s = ctx.FindSection(f.sections.front()))
                section = json::object{{"name", ctx.SectionName(*s)}, {"href", ctx.SectionHref(s->code)}};
        }
        json::value document = nullptr;
        if (item->kind == "official_document" && !f.document.empty()) {
            auto files = DocumentFiles(media_, signatures_, f.media, ctx);
            document = json::object{{"number", OrNull(f.document.number)},
                                    {"symbol", OrNull(f.document.symbol)},
                                    {"issuer", OrNull(f.document.issuer)},
                                    {"signer", OrNull(f.document.signer)},
                                    {"issued", f.issued_at ? json::value(Day(*f.issued_at, ctx.portal))
                                                           : json::value(nullptr)},
                                    {"files", std::move(files)}};
        }
        json::value correction = nullptr;
        if (!item->correction_note.empty())
            correction = json::object{{"note", item->correction_note},
                                      {"at", item->corrected_at ? json::value(Display(LocalIso(*item->corrected_at, ctx.portal)))
                                                                : json::value(nullptr)}};
        json::object data{
            {"title", f.title},
            {"lead", OrNull(f.lead)},
            {"body", f.body_html},
            {"media", std::move(media)},
            {"authors", OrNull(authors)},
            {"source", OrNull(f.source)},
            {"original_source", OrNull(f.original_source)},
            {"original_url", OrNull(f.original_url)},
            {"published", Display(pub_iso)},
            {"published_iso", pub_iso},
            {"updated", updated > published + std::chrono::minutes(1) ? json::value(Display(upd_iso)) : json::value(nullptr)},
            {"updated_iso", upd_iso},
            {"credit_text", fmt::format(fmt::runtime(ctx.T("site_credit_format")), ctx.PortalName(),
                                        settings_.public_url + canonical_path)},
            {"related", std::move(related)},
            {"correction", std::move(correction)},
            {"translations", std::move(translations)},
            {"section", std::move(section)},
            {"kind_label", item->kind == "news" ? json::value(nullptr) : json::value(ctx.T("site_kind_" + item->kind))},
            {"document", std::move(document)}};
        Frame frame{.title = f.title, .description = f.lead, .canonical = settings_.public_url + canonical_path,
                    .og_type = "article"};
        frame.alternates = std::move(alternates);
        if (!data["media"].as_array().empty())
            frame.og_image = settings_.public_url + std::string(data["media"].as_array()[0].at("src").as_string());
        json::array author_list;
        for (const auto& a : f.authors) author_list.push_back(json::object{{"@type", "Person"}, {"name", a}});
        frame.jsonld = ScriptJson(json::object{
            {"@context", "https://schema.org"},
            {"@type", "NewsArticle"},
            {"headline", f.title},
            {"description", f.lead},
            {"datePublished", pub_iso},
            {"dateModified", upd_iso},
            {"inLanguage", item->language},
            {"mainEntityOfPage", settings_.public_url + canonical_path},
            {"author", std::move(author_list)},
            {"image", frame.og_image.empty() ? json::value(json::array{}) : json::value(json::array{frame.og_image})},
            {"publisher", json::object{{"@type", "Organization"}, {"name", ctx.PortalName()}}}});
        frame.last_modified = std::chrono::floor<std::chrono::seconds>(updated);
        return Layout(req, templates_, ctx, "article", std::move(data), std::move(frame), portals, settings_.public_url);
    });
}

Response Site::Search(Request& req) {
    return Cached(req, [&](Context& ctx) {
        const auto& portals = *ctx.portals;
        auto q = portal::SearchQueryFrom([&](std::string_view k) { return req.QueryParam(k); }, ctx.portal.time_zone);
        if (!q) return http::ErrorFor(req, q.error());
        if (q->portal.empty()) q->portal = ctx.portal.code;
        auto page = portal_.Search(q.value());
        json::array results;
        for (const auto& hit : page.results) {
            auto p = std::find_if(portals.begin(), portals.end(), [&](const auto& x) { return x.code == hit.item.portal; });
            if (p == portals.end()) continue;
            const auto& f = hit.item.current.fields;
            const auto iso = LocalIso(hit.item.first_published_at.value_or(hit.item.created_at), *p);
            results.push_back(json::object{{"title", f.title},
                                           {"href", portal::PublicPath(*p, hit.item.id, f.title)},
                                           {"snippet", hit.snippet},
                                           {"published", Display(iso)},
                                           {"published_iso", iso},
                                           {"portal_name", p->name_vi},
                                           {"section_name", nullptr}});
        }
        json::array sections, kinds, languages, portal_list;
        for (const auto& s : *ctx.sections) {
            if (s.status == "active")
                sections.push_back(json::object{{"code", s.code}, {"name", ctx.SectionName(s)}, {"selected", s.code == q->section}});
        }
        for (const char* k : {"news", "article", "photo_story", "official_document"})
            kinds.push_back(json::object{{"code", k}, {"name", ctx.T(std::string("site_kind_") + k)}, {"selected", q->kind == k}});
        for (const char* l : {"vi", "en"})
            languages.push_back(json::object{{"code", l}, {"name", std::string(l) == "vi" ? "Tiếng Việt" : "English"},
                                             {"selected", q->language == l}});
        for (const auto& p : portals)
            portal_list.push_back(json::object{{"code", p.code}, {"name", p.name_vi}, {"selected", p.code == q->portal}});
        json::object data{{"q", q->q},
                          {"total", page.total},
                          {"total_capped", page.total_capped},
                          {"results", std::move(results)},
                          {"filters", json::object{{"portals", std::move(portal_list)},
                                                   {"sections", std::move(sections)},
                                                   {"kinds", std::move(kinds)},
                                                   {"languages", std::move(languages)},
                                                   {"from", OrNull(req.QueryParam("from").value_or(""))},
                                                   {"to", OrNull(req.QueryParam("to").value_or(""))}}},
                          {"pager", Pager(q->offset / q->limit + 1, page.total, q->limit, ctx.base + "/tim-kiem?q=" + http::PercentEncode(q->q))},
                          {"empty_query", q->q.empty()},
                          {"none", !q->q.empty() && page.total == 0}};
        Frame frame{.title = ctx.T("site_search_heading"), .robots = "noindex", .search_q = q->q};
        return Layout(req, templates_, ctx, "search", std::move(data), std::move(frame), portals, settings_.public_url);
    });
}

Response Site::Feed(Request& req) {
    return Cached(req, [&](Context& ctx) -> Response {
        const auto code = req.path_params["code"];
        const auto* s = code.empty() ? nullptr : ctx.FindSection(code);
        if (!code.empty() && !s) return http::ErrorFor(req, core::NotFound(core::Msg("core.page_not_found")));
        const bool atom = req.path.ends_with("/atom.xml");
        auto list = portal_.ListPublic({.portal_id = ctx.portal.id, .section = code, .language = ctx.lang, .limit = 30, .with_total = false});
        site::Feed feed{.title = ctx.PortalName() + (s ? " — " + ctx.SectionName(*s) : ""),
                        .subtitle = ctx.T("site_home_description"),
                        .link = settings_.public_url + (s ? ctx.SectionHref(code) : ctx.Home()),
                        .self = settings_.public_url + req.path,
                        .language = ctx.lang,
                        .updated = clock_.Now()};
        core::TimePoint newest{};
        for (const auto& it : list.items) {
            const auto& f = it.current.fields;
            const auto url = settings_.public_url + portal::PublicPath(ctx.portal, it.id, f.title);
            const auto published = it.first_published_at.value_or(it.created_at);
            const auto updated = it.published_at.value_or(published);
            newest = std::max(newest, updated);
            feed.entries.push_back({url, f.title, url, f.lead, published, updated});
        }
        if (newest != core::TimePoint{}) feed.updated = newest;
        return http::MakeResponse(req, http::beast_http::status::ok, atom ? Atom(feed) : Rss(feed),
                                  atom ? "application/atom+xml; charset=utf-8" : "application/rss+xml; charset=utf-8");
    });
}

Response Site::SitemapXml(Request& req) {
    return Cached(req, [&](Context&) -> Response {
        const auto max = static_cast<std::int64_t>(settings_.sitemap_max_urls);
        std::vector<std::pair<portal::Portal, std::int64_t>> portals;
        std::int64_t total = 0;
        for (const auto& p : *Portals(cache_.Generation())) {
            if (p.status != "active") continue;
            const auto n = portal_.CountPublic(p.code);
            portals.emplace_back(p, n);
            total += n + 1;
        }
        if (total > max) {
            // A sitemap holds at most 50 000 addresses (sitemaps.org): an index of parts instead.
            std::vector<std::pair<std::string, core::TimePoint>> parts;
            for (const auto& [p, n] : portals) {
                const auto count = std::max<std::int64_t>(1, (n + 1 + max - 1) / max);
                const auto newest = portal_.PublicEntries(p.code, std::nullopt, 1);
                const auto lastmod = newest.empty() ? clock_.Now() : newest.front().updated_at;
                for (std::int64_t i = 1; i <= count; ++i)
                    parts.emplace_back(settings_.public_url + "/sitemaps/" + p.code + "-" + std::to_string(i) + ".xml", lastmod);
            }
            return http::MakeResponse(req, http::beast_http::status::ok, SitemapIndex(parts), "application/xml; charset=utf-8");
        }
        std::vector<SitemapUrl> urls;
        for (const auto& [p, n] : portals) {
            urls.push_back({settings_.public_url + portal::PortalHome(p), clock_.Now(), {}});
            for (const auto& e : portal_.PublicEntries(p.code, std::nullopt, static_cast<int>(max)))
                urls.push_back({settings_.public_url + portal::PublicPath(p, e.id, e.title), e.updated_at, {}});
        }
        return http::MakeResponse(req, http::beast_http::status::ok, Sitemap(urls), "application/xml; charset=utf-8");
    });
}

Response Site::SitemapPart(Request& req) {
    return Cached(req, [&](Context& ctx) -> Response {
        // "<portal>-<n>.xml"; a portal's code may hold '-'.
        const auto& file = req.path_params["file"];
        const auto dash = file.rfind('-');
        auto not_found = [&] { return http::ErrorFor(req, core::NotFound(core::Msg("core.page_not_found"))); };
        if (dash == std::string::npos || !file.ends_with(".xml")) return not_found();
        const auto number = file.substr(dash + 1, file.size() - dash - 5);
        const auto n = LeadingId(number);
        const auto* p = ctx.FindPortal(file.substr(0, dash));
        if (!n || *n < 1 || *n > 10000 || std::to_string(*n) != number || !p || p->status != "active") return not_found();
        const auto max = static_cast<std::int64_t>(settings_.sitemap_max_urls);
        // The portal's home opens its first part: each part holds `max` addresses.
        std::vector<SitemapUrl> urls;
        std::int64_t offset = (*n - 1) * max - 1;
        if (*n == 1) {
            urls.push_back({settings_.public_url + portal::PortalHome(*p), clock_.Now(), {}});
            offset = 0;
        }
        const auto limit = static_cast<int>(*n == 1 ? max - 1 : max);
        for (const auto& e : portal_.PublicEntries(p->code, std::nullopt, limit, static_cast<int>(offset)))
            urls.push_back({settings_.public_url + portal::PublicPath(*p, e.id, e.title), e.updated_at, {}});
        if (urls.empty()) return not_found();
        (void)ctx;
        return http::MakeResponse(req, http::beast_http::status::ok, Sitemap(urls), "application/xml; charset=utf-8");
    });
}

Response Site::NewsSitemapXml(Request& req) {
    return Cached(req, [&](Context& ctx) -> Response {
        std::vector<NewsUrl> urls;
        const auto since = clock_.Now() - std::chrono::hours(48);
        for (const auto& p : *Portals(cache_.Generation())) {
            if (p.status != "active") continue;
            for (const auto& e : portal_.PublicEntries(p.code, since, 1000))
                urls.push_back({settings_.public_url + portal::PublicPath(p, e.id, e.title), e.title, e.language, e.published_at});
        }
        return http::MakeResponse(req, http::beast_http::status::ok, NewsSitemap(ctx.PortalName(), urls),
                                  "application/xml; charset=utf-8");
    });
}

Response Site::RobotsTxt(Request& req) {
    return http::MakeResponse(req, http::beast_http::status::ok, Robots(settings_.public_url + "/sitemap.xml"),
                              "text/plain; charset=utf-8");
}

}  // namespace vp::site
