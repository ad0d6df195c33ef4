#pragma once

#include <chrono>
#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include <boost/asio/ip/network_v4.hpp>
#include <boost/asio/ip/network_v6.hpp>

#include "core/http/types.hpp"
#include "core/result.hpp"

namespace vp::core::http {

/// @brief Addresses and CIDR networks (trusted proxies, the networks allowed to read /metrics).
class AddressList {
public:
    /// Parses "127.0.0.1, 10.0.0.0/8, ::1" (commas or spaces). Empty: no address. A network
    /// with host bits set ("10.0.0.1/8") is refused as ambiguous.
    static Result<AddressList> Parse(std::string_view list);

    bool Empty() const { return v4_.empty() && v6_.empty(); }
    /// Whether `address` (IPv4, IPv6 or IPv4-mapped IPv6) is in one of the networks.
    bool Contains(std::string_view address) const;

private:
    std::vector<boost::asio::ip::network_v4> v4_;
    std::vector<boost::asio::ip::network_v6> v6_;
};

/// @brief The reverse proxies (load balancers) whose `X-Forwarded-For` is believed, as
/// addresses or CIDR networks. Behind a proxy every connection comes from the proxy's address;
/// without this list, sign-in lock-outs, rate limits and the audit log would all see one client.
class TrustedProxies {
public:
    /// Parses "127.0.0.1, 10.0.0.0/8, ::1" (commas or spaces). Empty: no proxy is trusted.
    static Result<TrustedProxies> Parse(std::string_view list);

    bool Empty() const { return proxies_.Empty(); }
    bool Contains(std::string_view address) const { return proxies_.Contains(address); }
    /// The client's address: `peer`, or — when `peer` is a trusted proxy — the right-most
    /// address of `forwarded_for` that is not itself a trusted proxy (the one the nearest
    /// trusted proxy saw; addresses further left are the client's own claims). A malformed
    /// entry stops the walk there and the last trusted hop's address is used.
    std::string ClientAddress(std::string_view peer, std::string_view forwarded_for) const;

private:
    AddressList proxies_;
};

/// @brief Requests per client: a token bucket per client (`per_second` refill, `burst`
/// capacity), shared by the network threads through independently locked shards. A client is
/// an IPv4 address or an IPv6 /64 (one host is given a whole /64 and could otherwise take a
/// fresh bucket for every request). Memory is bounded: at most kMaxBucketsPerShard buckets per
/// shard; idle buckets go first, then arbitrary ones. Per node: behind a load balancer
/// each node limits what reaches it.
class RateLimiter {
public:
    using Clock = std::chrono::steady_clock;
    /// per_second <= 0 disables the limit.
    RateLimiter(double per_second, double burst);

    bool Enabled() const { return per_second_ > 0; }
    /// Takes one token for `address`. When none is left returns false and sets `retry_after`
    /// to the whole seconds until one will be.
    bool Allow(std::string_view address, Clock::time_point now, int& retry_after);

    /// The bucket key of an address: itself for IPv4 (and IPv4-mapped IPv6), its /64 network
    /// for IPv6, the text as given when it is not an address.
    static std::string ClientKey(std::string_view address);
    static constexpr std::size_t kMaxBucketsPerShard = 4096;
    std::size_t Size();

private:
    struct Bucket {
        double tokens = 0;
        Clock::time_point updated;
    };
    struct Shard {
        std::mutex mu;
        std::unordered_map<std::string, Bucket> buckets;
        Clock::time_point last_sweep;
    };
    void MakeRoom(Shard& shard, Clock::time_point now);
    static constexpr std::size_t kShards = 16;
    double per_second_;
    double burst_;
    std::array<Shard, kShards> shards_;
};

}  // namespace vp::core::http
