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
    std::lock_guard lock(mu_);
    ++requests_[{route, method, status}];
    auto& h = latency_[route];
    ++h.count;
    h.sum += seconds;
    for (std::size_t i = 0; i < kBuckets.size(); ++i) {
        if (seconds <= kBuckets[i]) ++h.buckets[i];
    }
}

void Metrics::AddCollector(std::function<std::string()> collector) {
    std::lock_guard lock(mu_);
    collectors_.push_back(std::move(collector));
}

std::string Metrics::Render() const {
    std::string out;
    std::vector<std::function<std::string()>> collectors;
    {
        std::lock_guard lock(mu_);
        out += "# HELP vp_http_requests_total HTTP requests by route, method and status.\n";
        out += "# TYPE vp_http_requests_total counter\n";
        for (const auto& [key, n] : requests_) {
            const auto& [route, method, status] = key;
            out += fmt::format("vp_http_requests_total{{route=\"{}\",method=\"{}\",status=\"{}\"}} {}\n",
                               Label(*route), method, status, n);
        }
        out += "# HELP vp_http_request_duration_seconds Request latency by route.\n";
        out += "# TYPE vp_http_request_duration_seconds histogram\n";
        for (const auto& [route_ptr, h] : latency_) {
            const std::string& route = *route_ptr;
            for (std::size_t i = 0; i < kBuckets.size(); ++i) {
                out += fmt::format("vp_http_request_duration_seconds_bucket{{route=\"{}\",le=\"{}\"}} {}\n",
                                   Label(route), kBuckets[i], h.buckets[i]);
            }
            out += fmt::format("vp_http_request_duration_seconds_bucket{{route=\"{}\",le=\"+Inf\"}} {}\n",
                               Label(route), h.count);
            out += fmt::format("vp_http_request_duration_seconds_sum{{route=\"{}\"}} {}\n", Label(route), h.sum);
            out += fmt::format("vp_http_request_duration_seconds_count{{route=\"{}\"}} {}\n", Label(route), h.count);
        }
        collectors = collectors_;
    }
    for (const auto& c : collectors) out += c();
    return out;
}

}  // namespace vp::core::http
