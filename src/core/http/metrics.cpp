#include "core/http/metrics.hpp"

#include <fmt/format.h>

namespace vp::core::http {
namespace {
// Prometheus label values: escape backslash, quote and newline.
std::string Label(const std::string& s) {
    std::string out;
    for (char c : s) {
        if (c == '\\' || c == '"') out.push_back('\\');
        if (c == '\n') {
            out += "\\n";
            continue;
        }
        out.push_back(c);
    }
    return out;
}
}  // namespace

void Metrics::Observe(const std::string* route, std::string_view method, int status, double seconds) {
    auto& shard = shards_.Mine();
    std::lock_guard lock(shard.mu);
    ++shard.requests[{route, method, status}];
    auto& h = shard.latency[route];
    ++h.count;
    h.sum += seconds;
    for (std::size_t i = 0; i < kBuckets.size(); ++i) {
        if (seconds <= kBuckets[i]) ++h.buckets[i];
    }
}

void Metrics::AddCollector(std::function<std::string()> collector) {
    std::lock_guard lock(collectors_mu_);
    collectors_.push_back(std::move(collector));
}

std::string Metrics::Render() const {
    std::string out;
    // Sum the shards, ordered by route name (then method and status) so the text is stable.
    auto by_name = [](const std::string* a, const std::string* b) { return *a != *b ? *a < *b : a < b; };
    auto key_less = [&](const RequestKey& a, const RequestKey& b) {
        if (std::get<0>(a) != std::get<0>(b)) return by_name(std::get<0>(a), std::get<0>(b));
        return std::tie(std::get<1>(a), std::get<2>(a)) < std::tie(std::get<1>(b), std::get<2>(b));
    };
    std::map<RequestKey, std::uint64_t, decltype(key_less)> requests(key_less);
    std::map<const std::string*, Histogram, decltype(by_name)> latency(by_name);
    shards_.ForEach([&](const Shard& shard) {
        std::lock_guard lock(shard.mu);
        for (const auto& [key, n] : shard.requests) requests[key] += n;
        for (const auto& [route, h] : shard.latency) {
            auto& total = latency[route];
            for (std::size_t i = 0; i < kBuckets.size(); ++i) total.buckets[i] += h.buckets[i];
            total.count += h.count;
            total.sum += h.sum;
        }
    });
    std::vector<std::function<std::string()>> collectors;
    {
        std::lock_guard lock(collectors_mu_);
        out += "# HELP vp_http_requests_total HTTP requests by route, method and status.\n";
        out += "# TYPE vp_http_requests_total counter\n";
        for (const auto& [key, n] : requests) {
            const auto& [route, method, status] = key;
            out += fmt::format("vp_http_requests_total{{route=\"{}\",method=\"{}\",status=\"{}\"}} {}\n", Label(*route),
                               method, status, n);
        }
        out += "# HELP vp_http_request_duration_seconds Request latency by route.\n";
        out += "# TYPE vp_http_request_duration_seconds histogram\n";
        for (const auto& [route_ptr, h] : latency) {
            const std::string& route = *route_ptr;
            for (std::size_t i = 0; i < kBuckets.size(); ++i) {
                out += fmt::format("vp_http_request_duration_seconds_bucket{{route=\"{}\",le=\"{}\"}} {}\n",
                                   Label(route), kBuckets[i], h.buckets[i]);
            }
            out += fmt::format("vp_http_request_duration_seconds_bucket{{route=\"{}\",le=\"+Inf\"}} {}\n", Label(route),
                               h.count);
            out += fmt::format("vp_http_request_duration_seconds_sum{{route=\"{}\"}} {}\n", Label(route), h.sum);
            out += fmt::format("vp_http_request_duration_seconds_count{{route=\"{}\"}} {}\n", Label(route), h.count);
        }
        collectors = collectors_;
    }
    for (const auto& c : collectors) out += c();
    return out;
}

}  // namespace vp::core::http
