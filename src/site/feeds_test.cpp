// covers X-4, P-21: feeds, sitemaps and robots.txt as XML/text (validity against an independent
// feed parser is in the browser suite, tests/browser/site_public.test.mjs).
#include <gtest/gtest.h>

#include "calendar/iso_time.hpp"
#include "site/feeds.hpp"

namespace vp::site {
namespace {

core::TimePoint At(std::string_view iso) { return calendar::TryParseIso(iso).value(); }

Feed Sample() {
    return {.title = "Báo Điện tử Đảng <Cộng sản>",
            .link = "https://dangcongsan.vn/",
            .self = "https://dangcongsan.vn/rss.xml",
            .language = "vi",
            .updated = At("2026-12-02T08:30:00+07:00"),
            .entries = {{.id = "https://dangcongsan.vn/bai-viet/7-a",
                         .title = "Hội nghị \"lần thứ 10\" & kết luận\x01",
                         .url = "https://dangcongsan.vn/bai-viet/7-a",
                         .summary = "Tóm tắt <b>in đậm</b>",
                         .published = At("2026-12-01T08:00:00+07:00"),
                         .updated = At("2026-12-02T08:00:00+07:00")}}};
}

TEST(SiteFeeds, RssAndAtomEscapeAndCarryTheirDates_X4) {
    const auto rss = Rss(Sample());
    EXPECT_NE(rss.find("<rss version=\"2.0\""), std::string::npos);
    EXPECT_NE(rss.find("<title>Hội nghị &quot;lần thứ 10&quot; &amp; kết luận</title>"), std::string::npos)
        << "escaped; the control character dropped";
    EXPECT_NE(rss.find("<pubDate>Tue, 01 Dec 2026 01:00:00 +0000</pubDate>"), std::string::npos) << rss;
    EXPECT_NE(rss.find("rel=\"self\""), std::string::npos);
    EXPECT_EQ(rss.find('\x01'), std::string::npos);
    const auto atom = Atom(Sample());
    EXPECT_NE(atom.find("<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"vi\">"), std::string::npos);
    EXPECT_NE(atom.find("<updated>2026-12-02T01:00:00Z</updated>"), std::string::npos) << atom;
    EXPECT_NE(atom.find("<summary>Tóm tắt &lt;b&gt;in đậm&lt;/b&gt;</summary>"), std::string::npos);
}

TEST(SiteFeeds, SitemapsNewsSitemapAndRobots_P21) {
    const auto s = Sitemap({{"https://x.vn/bai-viet/1-a?b=1&c=2", At("2026-12-02T08:30:00+07:00"),
                             {{"en", "https://x.vn/bai-viet/2-b"}}}});
    EXPECT_NE(s.find("<loc>https://x.vn/bai-viet/1-a?b=1&amp;c=2</loc><lastmod>2026-12-02T01:30:00Z</lastmod>"),
              std::string::npos)
        << s;
    EXPECT_NE(s.find("hreflang=\"en\""), std::string::npos);
    const auto idx = SitemapIndex({{"https://x.vn/sitemap-main-1.xml", At("2026-12-02T08:30:00+07:00")}});
    EXPECT_NE(idx.find("<sitemapindex"), std::string::npos);
    const auto news = NewsSitemap("Báo Đảng", {{"https://x.vn/bai-viet/1", "Tin", "vi", At("2026-12-02T08:30:00+07:00")}});
    EXPECT_NE(news.find("<news:publication_date>2026-12-02T01:30:00Z</news:publication_date>"), std::string::npos);
    const auto robots = Robots("https://x.vn/sitemap.xml");
    EXPECT_NE(robots.find("Disallow: /admin"), std::string::npos);
    EXPECT_NE(robots.find("Sitemap: https://x.vn/sitemap.xml"), std::string::npos);
}

// covers P-21 (validators: Last-Modified and If-Modified-Since)
TEST(SiteFeeds, HttpDatesAreWrittenAndReadAsImfFixdate_P21) {
    EXPECT_EQ(HttpDate(At("1994-11-06T08:49:37Z")), "Sun, 06 Nov 1994 08:49:37 GMT");  // RFC 9110's example
    EXPECT_EQ(HttpDate(At("2026-12-02T08:30:05+07:00")), "Wed, 02 Dec 2026 01:30:05 GMT");
    EXPECT_EQ(HttpDate(At("2028-02-29T23:59:59Z")), "Tue, 29 Feb 2028 23:59:59 GMT");
    for (const auto* iso : {"1994-11-06T08:49:37Z", "2026-01-01T00:00:00Z", "2026-12-31T23:59:59Z", "2028-02-29T12:00:00Z"}) {
        const auto t = At(iso);
        EXPECT_EQ(ParseHttpDate(HttpDate(t)), std::optional<core::TimePoint>(t)) << iso;
    }
    for (const auto* bad : {"Sun, 06 Nov 1994 08:49:37 UTC", "Mon, 06 Nov 1994 08:49:37 GMT" /* wrong weekday */,
                            "Sun, 31 Nov 1994 08:49:37 GMT", "Sun, 06 Nox 1994 08:49:37 GMT",
                            "Sun, 06 Nov 1994 24:49:37 GMT", "Sun, 06 Nov 1994 08:4a:37 GMT",
                            "Sunday, 06-Nov-94 08:49:37 GMT", "", "Sun, 06 Nov 1994 08:49:37 GMT "}) {
        EXPECT_FALSE(ParseHttpDate(bad)) << bad;
    }
}

}  // namespace
}  // namespace vp::site
