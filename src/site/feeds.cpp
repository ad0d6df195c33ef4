// The feeds and sitemaps are small, fixed XML vocabularies: written directly with one escaping
// function rather than through a DOM library.
#include "site/feeds.hpp"

#include <date/date.h>

#include <algorithm>
#include <cstdio>

namespace vp::site {

std::string XmlEscape(std::string_view s) {
    std::string out;
    out.reserve(s.size());
    for (unsigned char c : s) {
        switch (c) {
            case '&': out += "&amp;"; break;
            case '<': out += "&lt;"; break;
            case '>': out += "&gt;"; break;
            case '"': out += "&quot;"; break;
            case '\'': out += "&apos;"; break;
            default:
                if (c < 0x20 && c != '\t' && c != '\n' && c != '\r') break;
                out += static_cast<char>(c);
        }
    }
    return out;
}

std::string Rfc822(core::TimePoint t) {
    // The same fields as an HTTP date, with the offset written as RSS readers expect it.
    auto s = HttpDate(t);
    s.replace(s.size() - 3, 3, "+0000");
    return s;
}

std::string Rfc3339(core::TimePoint t) { return date::format("%FT%TZ", date::floor<std::chrono::seconds>(t)); }

namespace {
constexpr std::string_view kDays[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
constexpr std::string_view kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                        "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
}  // namespace

// RFC 9110's IMF-fixdate, "Sun, 06 Nov 1994 08:49:37 GMT", by hand: every page writes one and
// the cache reads it back, and date::format / date::parse went through a locale-aware stream
// each time (2 % of a page rendered from the database).
std::string HttpDate(core::TimePoint t) {
    using namespace std::chrono;
    const auto secs = floor<seconds>(t);
    const auto day = floor<days>(secs);
    const year_month_day ymd{day};
    const hh_mm_ss hms{secs - day};
    char buf[32];
    const auto wd = kDays[weekday{day}.c_encoding()];
    const auto mon = kMonths[static_cast<unsigned>(ymd.month()) - 1];
    std::snprintf(buf, sizeof buf, "%.3s, %02u %.3s %04d %02d:%02d:%02d GMT", wd.data(),
                  static_cast<unsigned>(ymd.day()), mon.data(), static_cast<int>(ymd.year()),
                  static_cast<int>(hms.hours().count()), static_cast<int>(hms.minutes().count()),
                  static_cast<int>(hms.seconds().count()));
    return buf;
}

std::optional<core::TimePoint> ParseHttpDate(std::string_view s) {
    using namespace std::chrono;
    // "Sun, 06 Nov 1994 08:49:37 GMT": fixed positions.
    if (s.size() != 29 || s.substr(3, 2) != ", " || s[7] != ' ' || s[11] != ' ' || s[16] != ' ' || s[19] != ':' ||
        s[22] != ':' || !s.ends_with(" GMT"))
        return std::nullopt;
    auto number = [&](std::size_t at, std::size_t len) -> int {
        int n = 0;
        for (std::size_t i = at; i < at + len; ++i) {
            if (s[i] < '0' || s[i] > '9') return -1;
            n = n * 10 + (s[i] - '0');
        }
        return n;
    };
    const auto month_it = std::find(std::begin(kMonths), std::end(kMonths), s.substr(8, 3));
    const int d = number(5, 2), y = number(12, 4), h = number(17, 2), mi = number(20, 2), se = number(23, 2);
    if (month_it == std::end(kMonths) || d < 0 || y < 0 || h < 0 || h > 23 || mi < 0 || mi > 59 || se < 0 || se > 60)
        return std::nullopt;
    const year_month_day ymd{year{y}, month{static_cast<unsigned>(month_it - std::begin(kMonths)) + 1},
                             day{static_cast<unsigned>(d)}};
    if (!ymd.ok()) return std::nullopt;
    const auto dayp = sys_days{ymd};
    if (kDays[weekday{dayp}.c_encoding()] != s.substr(0, 3)) return std::nullopt;
    return core::TimePoint(dayp + hours{h} + minutes{mi} + seconds{se});
}

std::string Rss(const Feed& f) {
    std::string x = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                    "<rss version=\"2.0\" xmlns:atom=\"http://www.w3.org/2005/Atom\">\n<channel>\n";
    x += "<title>" + XmlEscape(f.title) + "</title>\n<link>" + XmlEscape(f.link) + "</link>\n";
    x += "<description>" + XmlEscape(f.subtitle.empty() ? f.title : f.subtitle) + "</description>\n";
    x += "<language>" + XmlEscape(f.language) + "</language>\n";
    x += "<lastBuildDate>" + Rfc822(f.updated) + "</lastBuildDate>\n";
    x += "<atom:link href=\"" + XmlEscape(f.self) + "\" rel=\"self\" type=\"application/rss+xml\"/>\n";
    for (const auto& e : f.entries) {
        x += "<item>\n<title>" + XmlEscape(e.title) + "</title>\n<link>" + XmlEscape(e.url) + "</link>\n";
        x += "<guid isPermaLink=\"true\">" + XmlEscape(e.id) + "</guid>\n";
        x += "<pubDate>" + Rfc822(e.published) + "</pubDate>\n";
        if (!e.summary.empty()) x += "<description>" + XmlEscape(e.summary) + "</description>\n";
        x += "</item>\n";
    }
    return x + "</channel>\n</rss>\n";
}

std::string Atom(const Feed& f) {
    std::string x = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"" +
                    XmlEscape(f.language) + "\">\n";
    x += "<id>" + XmlEscape(f.self) + "</id>\n<title>" + XmlEscape(f.title) + "</title>\n";
    if (!f.subtitle.empty()) x += "<subtitle>" + XmlEscape(f.subtitle) + "</subtitle>\n";
    x += "<updated>" + Rfc3339(f.updated) + "</updated>\n";
    x += "<link rel=\"self\" type=\"application/atom+xml\" href=\"" + XmlEscape(f.self) + "\"/>\n";
    x += "<link rel=\"alternate\" type=\"text/html\" href=\"" + XmlEscape(f.link) + "\"/>\n";
    x += "<author><name>" + XmlEscape(f.title) + "</name></author>\n";
    for (const auto& e : f.entries) {
        x += "<entry>\n<id>" + XmlEscape(e.id) + "</id>\n<title>" + XmlEscape(e.title) + "</title>\n";
        x += "<link rel=\"alternate\" type=\"text/html\" href=\"" + XmlEscape(e.url) + "\"/>\n";
        x += "<published>" + Rfc3339(e.published) + "</published>\n<updated>" + Rfc3339(e.updated) + "</updated>\n";
        if (!e.summary.empty()) x += "<summary>" + XmlEscape(e.summary) + "</summary>\n";
        x += "</entry>\n";
    }
    return x + "</feed>\n";
}

std::string Sitemap(const std::vector<SitemapUrl>& urls) {
    std::string x = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                    "<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\" "
                    "xmlns:xhtml=\"http://www.w3.org/1999/xhtml\">\n";
    for (const auto& u : urls) {
        x += "<url><loc>" + XmlEscape(u.loc) + "</loc><lastmod>" + Rfc3339(u.lastmod) + "</lastmod>";
        for (const auto& [lang, href] : u.alternates)
            x += "<xhtml:link rel=\"alternate\" hreflang=\"" + XmlEscape(lang) + "\" href=\"" + XmlEscape(href) + "\"/>";
        x += "</url>\n";
    }
    return x + "</urlset>\n";
}

std::string SitemapIndex(const std::vector<std::pair<std::string, core::TimePoint>>& sitemaps) {
    std::string x = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                    "<sitemapindex xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n";
    for (const auto& [loc, at] : sitemaps)
        x += "<sitemap><loc>" + XmlEscape(loc) + "</loc><lastmod>" + Rfc3339(at) + "</lastmod></sitemap>\n";
    return x + "</sitemapindex>\n";
}

std::string NewsSitemap(std::string_view publication, const std::vector<NewsUrl>& urls) {
    std::string x = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                    "<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\" "
                    "xmlns:news=\"http://www.google.com/schemas/sitemap-news/0.9\">\n";
    for (const auto& u : urls) {
        x += "<url><loc>" + XmlEscape(u.loc) + "</loc><news:news><news:publication><news:name>" +
             XmlEscape(publication) + "</news:name><news:language>" + XmlEscape(u.language) +
             "</news:language></news:publication><news:publication_date>" + Rfc3339(u.published) +
             "</news:publication_date><news:title>" + XmlEscape(u.title) + "</news:title></news:news></url>\n";
    }
    return x + "</urlset>\n";
}

std::string Robots(std::string_view sitemap_url) {
    return "User-agent: *\nDisallow: /admin\nDisallow: /login\nDisallow: /account\nDisallow: /api/\n"
           "Allow: /api/v1/portal/search\nAllow: /\n\nSitemap: " +
           std::string(sitemap_url) + "\n";
}

}  // namespace vp::site
