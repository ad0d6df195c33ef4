// Client addresses behind trusted proxies, and per-address rate limits.
#include "core/http/client_limits.hpp"

#include <gtest/gtest.h>

namespace vp::core::http {
namespace {

TEST(TrustedProxies, ParsesAddressesAndNetworksAndRefusesNonsense) {
    auto p = TrustedProxies::Parse("127.0.0.1, 10.0.0.0/8 ::1 2001:db8::/32");
    ASSERT_TRUE(p.ok());
    EXPECT_TRUE(p->Contains("127.0.0.1"));
    EXPECT_FALSE(p->Contains("127.0.0.2"));
    EXPECT_TRUE(p->Contains("10.20.30.40"));
    EXPECT_TRUE(p->Contains("::1"));
    EXPECT_TRUE(p->Contains("2001:db8:1::5"));
    EXPECT_TRUE(p->Contains("::ffff:10.1.2.3")) << "IPv4-mapped IPv6 is the IPv4 address";
    EXPECT_FALSE(p->Contains("2001:db9::1"));
    EXPECT_FALSE(p->Contains("not-an-address"));
    EXPECT_TRUE(TrustedProxies::Parse("")->Empty());
    for (const char* bad : {"10.0.0.0/33", "abc", "10.0.0.1/8", "1.2.3"}) {
        auto r = TrustedProxies::Parse(bad);
        ASSERT_FALSE(r.ok()) << bad;
        EXPECT_EQ(r.error().code, ErrorCode::kInvalidInput);
        EXPECT_NE(core::Text(r.error().message, "vi").find("không hợp lệ"), std::string::npos);
    }
}

// The networks that may read /metrics (--metrics-allow) use the same matcher.
TEST(AddressList, DefaultMetricsNetworksAreLoopbackOnly) {
    auto loopback = AddressList::Parse("127.0.0.1/32, ::1");
    ASSERT_TRUE(loopback.ok());
    EXPECT_TRUE(loopback->Contains("127.0.0.1"));
    EXPECT_TRUE(loopback->Contains("::1"));
    EXPECT_TRUE(loopback->Contains("::ffff:127.0.0.1"));
    EXPECT_FALSE(loopback->Contains("127.0.0.2"));
    EXPECT_FALSE(loopback->Contains("10.0.0.1"));
    EXPECT_FALSE(loopback->Contains(""));
    auto office = AddressList::Parse("192.0.2.0/24 2001:db8:1::/48").value();
    EXPECT_TRUE(office.Contains("192.0.2.200"));
    EXPECT_TRUE(office.Contains("2001:db8:1:2::3"));
    EXPECT_FALSE(office.Contains("192.0.3.1"));
    EXPECT_TRUE(AddressList::Parse("")->Empty());
    auto bad = AddressList::Parse("may-chu");
    ASSERT_FALSE(bad.ok());
    EXPECT_NE(core::Text(bad.error().message, "vi").find("may-chu"), std::string::npos);
}

TEST(TrustedProxies, ClientAddressIsTheRightMostUntrustedHop) {
    auto p = TrustedProxies::Parse("10.0.0.0/8").value();
    // Not from a proxy: the header is the client's own claim and is ignored.
    EXPECT_EQ(p.ClientAddress("203.0.113.9", "198.51.100.1"), "203.0.113.9");
    // From a proxy: the address the proxy saw.
    EXPECT_EQ(p.ClientAddress("10.0.0.5", "203.0.113.7"), "203.0.113.7");
    // A client forging a left-most entry gains nothing: the proxy appended the real one.
    EXPECT_EQ(p.ClientAddress("10.0.0.5", "1.2.3.4, 203.0.113.7"), "203.0.113.7");
    // Two proxies of ours in a row.
    EXPECT_EQ(p.ClientAddress("10.0.0.5", "203.0.113.7, 10.1.1.1"), "203.0.113.7");
    // Ports and brackets some proxies add.
    EXPECT_EQ(p.ClientAddress("10.0.0.5", "[2001:db8::7]:4711"), "2001:db8::7");
    EXPECT_EQ(p.ClientAddress("10.0.0.5", "203.0.113.7:1234"), "203.0.113.7");
    // No header, or garbage: the proxy's address (the last hop that is known).
    EXPECT_EQ(p.ClientAddress("10.0.0.5", ""), "10.0.0.5");
    EXPECT_EQ(p.ClientAddress("10.0.0.5", "garbage"), "10.0.0.5");
    EXPECT_EQ(p.ClientAddress("10.0.0.5", "203.0.113.7, garbage"), "10.0.0.5");
    // Nobody trusted: always the peer.
    EXPECT_EQ(TrustedProxies{}.ClientAddress("10.0.0.5", "203.0.113.7"), "10.0.0.5");
}

TEST(RateLimiter, BurstThenRefillPerAddress) {
    RateLimiter limiter(2.0, 3.0);  // 2 per second, bursts of 3
    const auto t0 = RateLimiter::Clock::now();
    int retry = 0;
    for (int i = 0; i < 3; ++i) EXPECT_TRUE(limiter.Allow("192.0.2.1", t0, retry)) << i;
    EXPECT_FALSE(limiter.Allow("192.0.2.1", t0, retry));
    EXPECT_EQ(retry, 1);
    // Another address has its own bucket.
    EXPECT_TRUE(limiter.Allow("192.0.2.2", t0, retry));
    // Half a second later one token is back, not two.
    const auto t1 = t0 + std::chrono::milliseconds(500);
    EXPECT_TRUE(limiter.Allow("192.0.2.1", t1, retry));
    EXPECT_FALSE(limiter.Allow("192.0.2.1", t1, retry));
    // Long idle: full again, but never more than the burst.
    const auto t2 = t1 + std::chrono::minutes(5);
    for (int i = 0; i < 3; ++i) EXPECT_TRUE(limiter.Allow("192.0.2.1", t2, retry)) << i;
    EXPECT_FALSE(limiter.Allow("192.0.2.1", t2, retry));
}

TEST(RateLimiter, OneBucketPerIpv6Slash64AndMemoryIsBounded) {
    EXPECT_EQ(RateLimiter::ClientKey("2001:db8:1:2:aaaa::1"), "2001:db8:1:2::/64");
    EXPECT_EQ(RateLimiter::ClientKey("::ffff:192.0.2.7"), "192.0.2.7");
    EXPECT_EQ(RateLimiter::ClientKey("192.0.2.7"), "192.0.2.7");
    RateLimiter limiter(1.0, 2.0);
    const auto t0 = RateLimiter::Clock::now();
    int retry = 0;
    // A host hopping through its /64 shares one bucket.
    EXPECT_TRUE(limiter.Allow("2001:db8:1:2::1", t0, retry));
    EXPECT_TRUE(limiter.Allow("2001:db8:1:2::2", t0, retry));
    EXPECT_FALSE(limiter.Allow("2001:db8:1:2::3", t0, retry));
    EXPECT_TRUE(limiter.Allow("2001:db8:1:3::1", t0, retry)) << "the next /64 is another client";
    // A flood of distinct clients never grows past the cap.
    for (std::uint32_t i = 0; i < 100000; ++i) {
        const std::string a =
            "10." + std::to_string(i >> 16 & 255) + "." + std::to_string(i >> 8 & 255) + "." + std::to_string(i & 255);
        ASSERT_TRUE(limiter.Allow(a, t0, retry));
    }
    EXPECT_LE(limiter.Size(), 16 * RateLimiter::kMaxBucketsPerShard);
    EXPECT_GE(limiter.Size(), RateLimiter::kMaxBucketsPerShard);
}

TEST(RateLimiter, SlowRatesGiveLongerRetryAndZeroDisables) {
    RateLimiter slow(0.1, 1.0);  // one request per 10 s
    const auto t0 = RateLimiter::Clock::now();
    int retry = 0;
    EXPECT_TRUE(slow.Allow("a", t0, retry));
    EXPECT_FALSE(slow.Allow("a", t0, retry));
    EXPECT_EQ(retry, 10);
    RateLimiter tiny(1e-12, 1.0);
    EXPECT_TRUE(tiny.Allow("b", t0, retry));
    EXPECT_FALSE(tiny.Allow("b", t0, retry));
    EXPECT_EQ(retry, 86400) << "capped, not overflowed";
    RateLimiter off(0, 0);
    EXPECT_FALSE(off.Enabled());
    for (int i = 0; i < 1000; ++i) ASSERT_TRUE(off.Allow("a", t0, retry));
}

}  // namespace
}  // namespace vp::core::http
