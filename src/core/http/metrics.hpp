#pragma once

#include <array>
#include <functional>
#include <map>
#include <mutex>
#include <string>

namespace vp::core::http {

/// @brief Request counters and a latency histogram per route, rendered as Prometheus text.
/// Thread-safe.
class Metrics {
public:
    static constexpr std::array<double, 12> kBuckets{0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
                                                     0.05,   0.1,   0.25,   0.5,   1.0,  2.5};
    void Observe(const std::string& route, const std::string& method, int status, double seconds);
    /// Extra gauges appended at render time (database pool, sessions ...), as Prometheus text.
    void AddCollector(std::function<std::string()> collector);
    std::string Render() const;

private:
    struct Histogram {
        std::array<std::uint64_t, kBuckets.size()> buckets{};
        std::uint64_t count = 0;
        double sum = 0;
    };
    mutable std::mutex mu_;
    std::map<std::tuple<std::string, std::string, int>, std::uint64_t> requests_;
    std::map<std::string, Histogram> latency_;
    std::vector<std::function<std::string()>> collectors_;
};

}  // namespace vp::core::http
