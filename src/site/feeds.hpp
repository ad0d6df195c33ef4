#pragma once
// The machine-readable faces of the public site (X-4, P-21): RSS 2.0, Atom (RFC 4287), sitemaps
// (sitemaps.org 0.9, with hreflang alternates), the Google News sitemap and robots.txt. Pure;
// tests: feeds_test.cpp.

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/clock.hpp"

namespace vp::site {

struct FeedEntry {
    std::string id;  ///< stable: the item's canonical URL
    std::string title, url, summary;
    core::TimePoint published{}, updated{};
};

struct Feed {
    std::string title, subtitle;
    std::string link;  ///< the page the feed follows (absolute)
    std::string self;  ///< the feed's own URL (absolute)
    std::string language;
    core::TimePoint updated{};
    std::vector<FeedEntry> entries;
};

std::string Rss(const Feed& f);
std::string Atom(const Feed& f);

struct SitemapUrl {
    std::string loc;
    core::TimePoint lastmod{};
    std::vector<std::pair<std::string, std::string>> alternates;  ///< {hreflang, href}
};
std::string Sitemap(const std::vector<SitemapUrl>& urls);
std::string SitemapIndex(const std::vector<std::pair<std::string, core::TimePoint>>& sitemaps);

struct NewsUrl {
    std::string loc, title, language;
    core::TimePoint published{};
};
std::string NewsSitemap(std::string_view publication, const std::vector<NewsUrl>& urls);

/// robots.txt: everything allowed but the back office and the API's private parts, with the
/// sitemap's address.
std::string Robots(std::string_view sitemap_url);

/// XML text: escaped, and characters XML 1.0 forbids (C0 controls but tab, CR, LF) dropped.
std::string XmlEscape(std::string_view s);
std::string Rfc822(core::TimePoint t);   ///< "Wed, 02 Dec 2026 08:30:00 +0000"
std::string Rfc3339(core::TimePoint t);  ///< "2026-12-02T08:30:00Z"
/// HTTP dates (RFC 9110 5.6.7, IMF-fixdate): "Wed, 02 Dec 2026 08:30:00 GMT".
std::string HttpDate(core::TimePoint t);
std::optional<core::TimePoint> ParseHttpDate(std::string_view s);

}  // namespace vp::site
