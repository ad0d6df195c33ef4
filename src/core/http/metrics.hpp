#pragma once

#include <array>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

#include "core/http/types.hpp"

namespace vp::core::http {

/// @brief Request counters and a latency histogram per route, rendered as Prometheus text.
/// Thread-safe.
class Metrics {
public:
    static constexpr std::array<double, 12> kBuckets{0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
                                                     0.05,   0.1,   0.25,   0.5,   1.0,  2.5};
    /// Counts one request. `route` must outlive the Metrics object (a route pattern of the
    /// router, or a string literal): it is kept by address so the hot path allocates nothing.
    void Observe(const std::string* route, std::string_view method, int status, double seconds);
    /// Extra gauges appended at render time (database pool, sessions ...), as Prometheus text.
    void AddCollector(std::function<std::string()> collector);
    std::string Render() const;

private:
    struct Histogram {
        std::array<std::uint64_t, kBuckets.size()> buckets{};
        std::uint64_t count = 0;
        double sum = 0;
    };
    // Keys hold the route by address and the method as a view of Beast's static verb names.
    using RequestKey = std::tuple<const std::string*, std::string_view, int>;
    // One shard per network thread: Observe locks only its own (uncontended) shard, Render
    // adds the shards up.
    struct Shard {
        mutable std::mutex mu;
        std::map<RequestKey, std::uint64_t> requests;
        std::map<const std::string*, Histogram> latency;
    };
    PerThread<Shard> shards_;
    mutable std::mutex collectors_mu_;
    std::vector<std::function<std::string()>> collectors_;
};

}  // namespace vp::core::http
