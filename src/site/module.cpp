#include "site/module.hpp"

#include <fmt/format.h>

#include "media/module.hpp"
#include "portal/module.hpp"
#include "site/site.hpp"

namespace vp::site {
namespace {

using core::http::beast_http::verb;

class SiteModule final : public platform::Module {
public:
    SiteModule(const platform::Module& portal, const platform::Module& media,
               const std::unique_ptr<signatures::Service>& signatures, Settings settings)
        : portal_(portal), media_(media), signatures_(signatures), settings_(std::move(settings)) {}
    std::string_view Name() const override { return "site"; }
    std::vector<std::string> DependsOn() const override { return {"portal", "media", "signatures"}; }

    void Build(platform::Platform& p) override {
        while (!settings_.public_url.empty() && settings_.public_url.back() == '/') settings_.public_url.pop_back();
        site_ = std::make_shared<Site>(portal::ServiceOf(portal_), media::ServiceOf(media_), signatures_.get(), p.templates, p.clock,
                                       settings_);
        // The site hears of every change it may show: this node's own at the commit, before the
        // change's response goes out (an editor who publishes sees the page at once), and every
        // node's through the bus's in-process subscription, whose filter runs on the delivery
        // thread. Both only empty the cache (cheap, never blocking); nothing is queued.
        std::weak_ptr<Site> weak = site_;
        auto shows = [](const core::Event& e) { return e.topic == "portal.public" || e.topic == "portal.item"; };
        p.events.OnLocalCommit([weak, shows](const core::Event& e) {
            if (!shows(e)) return;
            if (auto site = weak.lock()) site->Invalidate();
        });
        p.metrics.AddCollector([weak] {
            auto site = weak.lock();
            if (!site) return std::string();
            const auto s = site->Cache().GetStats();
            return fmt::format(
                "# HELP vp_site_cache_bytes Bytes of rendered public pages held (and the bound).\n"
                "# TYPE vp_site_cache_bytes gauge\nvp_site_cache_bytes{{kind=\"held\"}} {}\n"
                "vp_site_cache_bytes{{kind=\"max\"}} {}\n"
                "# HELP vp_site_cache_pages Rendered public pages held.\n"
                "# TYPE vp_site_cache_pages gauge\nvp_site_cache_pages {}\n"
                "# HELP vp_site_cache_lookups_total Page cache look-ups by outcome.\n"
                "# TYPE vp_site_cache_lookups_total counter\nvp_site_cache_lookups_total{{outcome=\"hit\"}} {}\n"
                "vp_site_cache_lookups_total{{outcome=\"miss\"}} {}\n"
                "# HELP vp_site_cache_clears_total Times the page cache was emptied.\n"
                "# TYPE vp_site_cache_clears_total counter\nvp_site_cache_clears_total {}\n",
                s.bytes, s.max_bytes, s.entries, s.hits, s.misses, s.clears);
        });
        subscription_ = p.events.Subscribe([weak, shows](const core::Event& e) {
            if (!shows(e)) return false;
            if (auto site = weak.lock()) site->Invalidate();
            return false;
        });
    }

    void AddRoutes(core::http::Router& r) override {
        auto* s = site_.get();
        // A cached page is answered on the network thread; only a miss goes to the worker pool.
        const core::http::RouteOptions page{.on_io_thread = false,
                                            .api = false,
                                            .quick = [s](core::http::Request& req) { return s->Hit(req); }};
        auto bind = [s](core::http::Response (Site::*m)(core::http::Request&)) {
            return [s, m](core::http::Request& req) { return (s->*m)(req); };
        };
        r.Add(verb::get, "/robots.txt", bind(&Site::RobotsTxt), page);
        r.Add(verb::get, "/sitemap.xml", bind(&Site::SitemapXml), page);
        r.Add(verb::get, "/sitemap-news.xml", bind(&Site::NewsSitemapXml), page);
        r.Add(verb::get, "/sitemaps/{file}", bind(&Site::SitemapPart), page);
        // The main portal (Vietnamese at /, English at /en) and every component portal under
        // /cong/<code>, with the same pages.
        for (const std::string prefix : {"", "/en", "/cong/{portal}", "/cong/{portal}/en"}) {
            r.Add(verb::get, prefix.empty() ? "/" : prefix, bind(&Site::Home), page);
            r.Add(verb::get, prefix + "/rss.xml", bind(&Site::Feed), page);
            r.Add(verb::get, prefix + "/atom.xml", bind(&Site::Feed), page);
            r.Add(verb::get, prefix + "/tim-kiem", bind(&Site::Search), page);
            r.Add(verb::get, prefix + "/chuyen-muc/{code}/rss.xml", bind(&Site::Feed), page);
            r.Add(verb::get, prefix + "/chuyen-muc/{code}/atom.xml", bind(&Site::Feed), page);
            r.Add(verb::get, prefix + "/chuyen-muc/{code}", bind(&Site::Section), page);
            r.Add(verb::get, prefix + "/van-ban", bind(&Site::Documents), page);
            r.Add(verb::get, prefix + "/tu-lieu", bind(&Site::Collections), page);
            r.Add(verb::get, prefix + "/tu-lieu/{code}", bind(&Site::Collection), page);
            if (prefix.ends_with("/en")) continue;  // an article's address does not name its language
            r.Add(verb::get, prefix + "/bai-viet/{id}", bind(&Site::Article), page);
        }
        r.SetNotFound(bind(&Site::NotFound), page);
    }

private:
    const platform::Module& portal_;
    const platform::Module& media_;
    const std::unique_ptr<signatures::Service>& signatures_;
    Settings settings_;
    std::shared_ptr<Site> site_;
    std::shared_ptr<core::Subscription> subscription_;
};

}  // namespace

std::unique_ptr<platform::Module> MakeModule(const platform::Module& portal, const platform::Module& media,
                                             const std::unique_ptr<signatures::Service>& signatures,
                                             Settings settings) {
    return std::make_unique<SiteModule>(portal, media, signatures, std::move(settings));
}

}  // namespace vp::site
