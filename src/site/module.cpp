#include "site/module.hpp"

#include "media/module.hpp"
#include "portal/module.hpp"
#include "site/site.hpp"

namespace vp::site {
namespace {

using core::http::beast_http::verb;

class SiteModule final : public platform::Module {
public:
    SiteModule(const platform::Module& portal, const platform::Module& media, std::string public_url)
        : portal_(portal), media_(media), public_url_(std::move(public_url)) {}
    std::string_view Name() const override { return "site"; }
    std::vector<std::string> DependsOn() const override { return {"portal", "media"}; }

    void Build(platform::Platform& p) override {
        while (!public_url_.empty() && public_url_.back() == '/') public_url_.pop_back();
        site_ = std::make_unique<Site>(portal::ServiceOf(portal_), media::ServiceOf(media_), p.templates, p.clock,
                                       Settings{.public_url = public_url_});
        // The site hears of every change it may show through the bus's in-process subscription:
        // its filter runs on the delivery thread for each event of any node and empties the
        // cache (cheap, never blocking); nothing is queued.
        auto* site = site_.get();
        subscription_ = p.events.Subscribe([site](const core::Event& e) {
            if (e.topic == "portal.public" || e.topic == "portal.item") site->Invalidate();
            return false;
        });
    }

    void AddRoutes(core::http::Router& r) override {
        const core::http::RouteOptions page{.on_io_thread = false, .api = false};
        auto* s = site_.get();
        auto bind = [s](core::http::Response (Site::*m)(core::http::Request&)) {
            return [s, m](core::http::Request& req) { return (s->*m)(req); };
        };
        r.Add(verb::get, "/robots.txt", bind(&Site::RobotsTxt), page);
        r.Add(verb::get, "/sitemap.xml", bind(&Site::SitemapXml), page);
        r.Add(verb::get, "/sitemap-news.xml", bind(&Site::NewsSitemapXml), page);
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
            if (prefix.ends_with("/en")) continue;  // an article's address does not name its language
            r.Add(verb::get, prefix + "/bai-viet/{id}", bind(&Site::Article), page);
        }
    }

private:
    const platform::Module& portal_;
    const platform::Module& media_;
    std::string public_url_;
    std::unique_ptr<Site> site_;
    std::shared_ptr<core::Subscription> subscription_;
};

}  // namespace

std::unique_ptr<platform::Module> MakeModule(const platform::Module& portal, const platform::Module& media,
                                             std::string public_url) {
    return std::make_unique<SiteModule>(portal, media, std::move(public_url));
}

}  // namespace vp::site
