#include "core/http/client_limits.hpp"

#include <algorithm>
#include <cmath>
#include <functional>

#include <boost/asio/ip/address.hpp>

namespace vp::core::http {
namespace asio_ip = boost::asio::ip;

namespace {

std::string_view Trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
    return s;
}

// The address part of one X-Forwarded-For entry: "[2001:db8::1]:443" and "192.0.2.1:80" carry
// ports (some proxies add them); plain addresses are the norm.
std::string_view StripPort(std::string_view s) {
    if (s.starts_with('[')) {
        auto end = s.find(']');
        return end == std::string_view::npos ? s : s.substr(1, end - 1);
    }
    if (std::count(s.begin(), s.end(), ':') == 1) return s.substr(0, s.find(':'));
    return s;
}

std::optional<asio_ip::address> ParseAddress(std::string_view s) {
    boost::system::error_code ec;
    auto a = asio_ip::make_address(std::string(s), ec);
    if (ec) return std::nullopt;
    if (a.is_v6() && a.to_v6().is_v4_mapped()) return asio_ip::make_address_v4(asio_ip::v4_mapped, a.to_v6());
    return a;
}

}  // namespace

Result<AddressList> AddressList::Parse(std::string_view list) {
    AddressList out;
    std::size_t i = 0;
    while (i < list.size()) {
        auto j = list.find_first_of(", ", i);
        if (j == std::string_view::npos) j = list.size();
        auto item = Trim(list.substr(i, j - i));
        i = j + 1;
        if (item.empty()) continue;
        const std::string text(item);
        boost::system::error_code ec;
        // A network with host bits set ("10.0.0.1/8") is refused as ambiguous: was the host or
        // the network meant?
        if (text.find('/') != std::string::npos) {
            if (text.find(':') != std::string::npos) {
                auto n = asio_ip::make_network_v6(text, ec);
                if (!ec && n.address() != n.network()) ec = boost::asio::error::invalid_argument;
                out.v6_.push_back(n);
            } else {
                auto n = asio_ip::make_network_v4(text, ec);
                if (!ec && n.address() != n.network()) ec = boost::asio::error::invalid_argument;
                out.v4_.push_back(n);
            }
        } else if (auto a = ParseAddress(text)) {
            if (a->is_v4())
                out.v4_.emplace_back(a->to_v4(), 32);
            else
                out.v6_.emplace_back(a->to_v6(), 128);
        } else {
            ec = boost::asio::error::invalid_argument;
        }
        if (ec) return InvalidInput(Msg("core.address_invalid", {{"address", text}}), text);
    }
    return out;
}

Result<TrustedProxies> TrustedProxies::Parse(std::string_view list) {
    auto parsed = AddressList::Parse(list);
    if (!parsed) return InvalidInput(Msg("core.proxy_address_invalid", {{"address", parsed.error().detail}}));
    TrustedProxies out;
    out.proxies_ = std::move(parsed).value();
    return out;
}

bool AddressList::Contains(std::string_view address) const {
    auto a = ParseAddress(address);
    if (!a) return false;
    if (a->is_v4()) {
        const asio_ip::network_v4 host(a->to_v4(), 32);
        return std::any_of(v4_.begin(), v4_.end(), [&](const auto& n) { return host == n || host.is_subnet_of(n); });
    }
    const asio_ip::network_v6 host(a->to_v6(), 128);
    return std::any_of(v6_.begin(), v6_.end(), [&](const auto& n) { return host == n || host.is_subnet_of(n); });
}

std::string TrustedProxies::ClientAddress(std::string_view peer, std::string_view forwarded_for) const {
    std::string client(peer);
    if (Empty() || !Contains(peer)) return client;
    // Walk from the right: each hop was added by the proxy in front of it.
    auto rest = forwarded_for;
    while (!rest.empty()) {
        auto comma = rest.rfind(',');
        auto entry = Trim(comma == std::string_view::npos ? rest : rest.substr(comma + 1));
        rest = comma == std::string_view::npos ? std::string_view{} : rest.substr(0, comma);
        auto parsed = ParseAddress(StripPort(entry));
        if (!parsed) break;
        client = parsed->to_string();
        if (!Contains(client)) break;
    }
    return client;
}

RateLimiter::RateLimiter(double per_second, double burst) : per_second_(per_second), burst_(std::max(1.0, burst)) {}

std::string RateLimiter::ClientKey(std::string_view address) {
    auto a = ParseAddress(address);
    if (!a) return std::string(address);
    if (a->is_v4()) return a->to_string();
    return asio_ip::make_network_v6(a->to_v6(), 64).canonical().to_string();
}

std::size_t RateLimiter::Size() {
    std::size_t n = 0;
    for (auto& s : shards_) {
        std::lock_guard lock(s.mu);
        n += s.buckets.size();
    }
    return n;
}

// Called with the shard locked, before a new bucket is added.
void RateLimiter::MakeRoom(Shard& shard, Clock::time_point now) {
    // A bucket idle long enough to be full again holds nothing worth keeping.
    const auto full_after = std::chrono::duration<double>(burst_ / per_second_);
    // Swept once a minute, or once a second while the shard is full: a flood of new clients
    // must not make every request walk the whole shard.
    const bool full = shard.buckets.size() >= kMaxBucketsPerShard;
    if (now - shard.last_sweep > (full ? std::chrono::seconds(1) : std::chrono::seconds(60))) {
        std::erase_if(shard.buckets, [&](const auto& kv) { return now - kv.second.updated > full_after; });
        shard.last_sweep = now;
    }
    // Still full (very many clients at once): some bucket goes, in constant time. That client
    // starts again from a full bucket, which only matters while the node is flooded anyway.
    if (shard.buckets.size() >= kMaxBucketsPerShard) shard.buckets.erase(shard.buckets.begin());
}

bool RateLimiter::Allow(std::string_view address, Clock::time_point now, int& retry_after) {
    if (!Enabled()) return true;
    const auto key = ClientKey(address);
    auto& shard = shards_[std::hash<std::string>{}(key) % kShards];
    std::lock_guard lock(shard.mu);
    auto found = shard.buckets.find(key);
    if (found == shard.buckets.end()) MakeRoom(shard, now);
    auto [it, inserted] =
        found != shard.buckets.end() ? std::pair{found, false} : shard.buckets.try_emplace(key, Bucket{burst_, now});
    auto& b = it->second;
    if (!inserted) {
        const double elapsed = std::chrono::duration<double>(now - b.updated).count();
        b.tokens = std::min(burst_, b.tokens + elapsed * per_second_);
        b.updated = now;
    }
    if (b.tokens >= 1.0) {
        b.tokens -= 1.0;
        return true;
    }
    // Capped at a day, so that a tiny configured rate cannot overflow the int.
    retry_after = static_cast<int>(std::clamp(std::ceil((1.0 - b.tokens) / per_second_), 1.0, 86400.0));
    return false;
}

}  // namespace vp::core::http
