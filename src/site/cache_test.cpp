// covers P-21, X-7: the page cache is bounded, least recently used out first, and never keeps a
// page rendered before a change.
#include <gtest/gtest.h>

#include <sodium.h>

#include "site/cache.hpp"

namespace vp::site {
namespace {

std::shared_ptr<const CachedPage> Page(std::string body) {
    auto p = std::make_shared<CachedPage>();
    p->etag = EtagOf(body);
    p->body = std::move(body);
    return p;
}

TEST(SiteCache, BoundedLeastRecentlyUsedFirst_X7) {
    ASSERT_GE(sodium_init(), 0);
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

}  // namespace
}  // namespace vp::site
