#pragma once
// The public site (P-21, P-26, P-3/P-4/P-6 public side, P-5 hreflang, P-15 corrections, X-2, X-4,
// docs/site.md): the pages readers meet on the main portal and on every component
// portal, server-rendered and complete without JavaScript, the feeds and sitemaps, and the page
// cache in front of them. It only reads what the Portal publishes (portal::Service's public
// reading) and the media module's public files.

#include <boost/json/value.hpp>

#include <atomic>
#include <memory>
#include <optional>
#include <string>

#include "core/clock.hpp"
#include "core/http/types.hpp"
#include "core/web/templates.hpp"
#include "media/media.hpp"
#include "portal/portal.hpp"
#include "signatures/signatures.hpp"
#include "site/cache.hpp"
#include "site/memo.hpp"

namespace vp::site {

struct Settings {
    std::string public_url = "http://127.0.0.1:8080";  ///< absolute links (canonical, feeds, sitemaps)
    std::size_t cache_bytes = 64u << 20;               ///< the page cache's bound
    bool cache = true;
    std::size_t sitemap_max_urls = 40000;  ///< above this, /sitemap.xml is an index of /sitemaps/<portal>-<n>.xml
    /// Where cached pages' unnamed files go (the data folder; see core::http::MemoryFile): a
    /// cached page is sent with sendfile(2) from there. Empty: memory files.
    std::string file_directory;
};

class Site {
public:
    /// `signatures` (may be null) tells the verification of documents' files.
    Site(const portal::Service& portal, const media::Service& media, const signatures::Service* signatures,
         const core::web::TemplateStore& templates, const core::Clock& clock, Settings settings);

    core::http::Response Home(core::http::Request& req);
    core::http::Response Section(core::http::Request& req);
    core::http::Response Article(core::http::Request& req);
    core::http::Response Search(core::http::Request& req);
    /// The register of official documents with every filter of P-3 and the files' verification.
    core::http::Response Documents(core::http::Request& req);
    /// The collections (P-4) and one collection's outline by volume, part, chapter and section.
    core::http::Response Collections(core::http::Request& req);
    core::http::Response Collection(core::http::Request& req);
    /// Any other GET: the site's own 404 page (the core's plain one for /api/, /admin, files).
    core::http::Response NotFound(core::http::Request& req);
    /// rss.xml and atom.xml of a portal or of one of its sections.
    core::http::Response Feed(core::http::Request& req);
    core::http::Response SitemapXml(core::http::Request& req);
    /// One part of a large sitemap: /sitemaps/<portal>-<n>.xml (n from 1).
    core::http::Response SitemapPart(core::http::Request& req);
    core::http::Response NewsSitemapXml(core::http::Request& req);
    core::http::Response RobotsTxt(core::http::Request& req);

    /// The cached answer to a page's request, or nullopt when it is not cached (then the route's
    /// handler renders it). Never blocks: the routes try it on the network thread.
    std::optional<core::http::Response> Hit(core::http::Request& req);

    /// Everything the site shows may have changed (a "portal.public" or "portal.item" event).
    void Invalidate() { cache_.Clear(); }
    PageCache& Cache() { return cache_; }

    /// The portal and language a request is for, with what every page of it needs.
    struct Context;

    /// The section whose newest item is the home page's banner (component portals have it from
    /// their template, P-27).
    static constexpr std::string_view kBannerSection = "pano-khau-hieu";

private:
    boost::json::value Banner(const Context& ctx) const;
    /// The portal and language of a request (nullopt: no such active portal or language).
    std::optional<Context> ContextFor(const core::http::Request& req) const;
    void ToFile(CachedPage& page);
    /// Every portal, a portal's sections, and the sections that hold its published items in a
    /// language: remembered until the next change (Memo).
    std::shared_ptr<const std::vector<portal::Portal>> Portals(std::uint64_t generation) const;
    void AddSections(Context& ctx) const;
    core::http::Response Cached(core::http::Request& req, const std::function<core::http::Response(Context&)>& render);

    const portal::Service& portal_;
    const media::Service& media_;
    const signatures::Service* signatures_;
    const core::web::TemplateStore& templates_;
    const core::Clock& clock_;
    Settings settings_;
    PageCache cache_;
    mutable Memo memo_;
    /// Open files of cached pages, kept under a quarter of the process's descriptor limit
    /// (pages beyond it are sent from memory).
    std::shared_ptr<std::atomic<int>> page_files_ = std::make_shared<std::atomic<int>>(0);
    int max_page_files_ = 0;
};

}  // namespace vp::site
