// covers P-21, X-6: the page cache is bounded, least recently used out first, and never keeps a
// page rendered before a change.
#include <gtest/gtest.h>

#include "site/cache.hpp"
#include "site/memo.hpp"

namespace vp::site {
namespace {

std::shared_ptr<const CachedPage> Page(std::string body) {
    auto p = std::make_shared<CachedPage>();
    p->etag = EtagOf(body);
    p->body = std::move(body);
    return p;
}

TEST(SiteCache, BoundedLeastRecentlyUsedFirst_X7) {
    PageCache cache(8 * 1000);
    const auto g = cache.Generation();
    cache.Put("a", Page(std::string(400, 'a')), g);
    cache.Put("b", Page(std::string(400, 'b')), g);
    ASSERT_TRUE(cache.Get("a"));  // a is now the most recent
    for (int i = 0; i < 20; ++i) cache.Put("k" + std::to_string(i), Page(std::string(400, 'x')), g);
    EXPECT_LE(cache.GetStats().bytes, 8000u) << "never above the bound";
    EXPECT_FALSE(cache.Get("b"));
    cache.Put("huge", Page(std::string(2000, 'h')), g);
    EXPECT_FALSE(cache.Get("huge")) << "larger than an eighth of the bound: not kept";
    EXPECT_EQ(EtagOf("x"), EtagOf("x"));
    EXPECT_NE(EtagOf("x"), EtagOf("y"));
    EXPECT_EQ(EtagOf("x").front(), '"');
    EXPECT_EQ(EtagOf("x").size(), 34u) << "128 bits in hex, quoted";
    EXPECT_EQ(EtagOf("x").back(), '"');
}

TEST(SiteCache, AClearDropsEverythingAndRefusesPagesRenderedBeforeIt_X7) {
    PageCache cache(100000);
    const auto before = cache.Generation();
    cache.Put("a", Page("old"), before);
    cache.Clear();
    EXPECT_FALSE(cache.Get("a"));
    cache.Put("a", Page("rendered before the change"), before);
    EXPECT_FALSE(cache.Get("a")) << "a stale render is not stored";
    cache.Put("a", Page("new"), cache.Generation());
    ASSERT_TRUE(cache.Get("a"));
    EXPECT_EQ(cache.Get("a")->body, "new");
    EXPECT_EQ(cache.GetStats().clears, 1u);
}

// A stored page's answer is prepared once: the header lines a hit sends, and the whole HTTP/1.1
// keep-alive answer (status line, those lines, the security headers, a blank line, the body).
TEST(SiteCache, APageIsPreparedOnceAsHeaderLinesAndACompleteAnswer_X6) {
    CachedPage p;
    p.body = "<p>xin chào</p>";
    p.content_type = "text/html; charset=utf-8";
    p.etag = EtagOf(p.body);
    p.last_modified = core::TimePoint{std::chrono::seconds(1796256000)};  // 2026-12-03 00:00 UTC
    Prepare(p, "public, max-age=60");
    EXPECT_NE(p.head_fields.find("Content-Length: " + std::to_string(p.body.size()) + "\r\n"), std::string::npos);
    EXPECT_NE(p.head_fields.find("ETag: " + p.etag + "\r\n"), std::string::npos);
    EXPECT_NE(p.head_fields.find("Last-Modified: Thu, 03 Dec 2026 00:00:00 GMT\r\n"), std::string::npos);
    ASSERT_TRUE(p.wire.starts_with("HTTP/1.1 200 OK\r\n" + p.head_fields));
    EXPECT_NE(p.wire.find("X-Content-Type-Options: nosniff\r\n"), std::string::npos);
    EXPECT_EQ(p.wire.find("X-Request-Id"), std::string::npos) << "the same bytes for every reader";
    EXPECT_TRUE(p.wire.ends_with("\r\n\r\n" + p.body));
    CachedPage bad = p;
    bad.content_type = "text/html\r\nSet-Cookie: x=1";
    EXPECT_THROW(Prepare(bad, "public"), std::invalid_argument) << "a field that would split the answer";
}

}  // namespace
}  // namespace vp::site

namespace vp::site {
namespace {

TEST(SiteMemo, RemembersWithinAGenerationAndNeverKeepsAValueReadBeforeAChange_X6) {
    Memo memo(3);
    int computed = 0;
    auto get = [&](const std::string& key, std::uint64_t g) {
        return *memo.Get<std::string>(key, g, [&] { return key + std::to_string(++computed); });
    };
    EXPECT_EQ(get("a", 0), "a1");
    EXPECT_EQ(get("a", 0), "a1") << "remembered";
    EXPECT_EQ(get("a", 1), "a2") << "a new generation: computed again";
    EXPECT_EQ(get("a", 0), "a3") << "read for an older generation: returned, not kept";
    EXPECT_EQ(get("a", 1), "a2");
    get("b", 1);
    get("c", 1);
    get("d", 1);
    EXPECT_LE(memo.Size(), 3u) << "bounded";
}

}  // namespace
}  // namespace vp::site
