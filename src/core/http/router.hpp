#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/http/types.hpp"

namespace vp::core::http {

struct RouteOptions {
    /// Run on the network thread instead of the worker pool. Only for handlers that never
    /// block (static files, metrics); everything touching the database runs on the pool.
    bool on_io_thread = false;
    /// Excluded from the OpenAPI completeness check (HTML pages, static files).
    bool api = true;
    /// Counted against the per-address request limit (ServerSettings::rate_per_second).
    /// Off only for what is cheap and must stay reachable: static files, health, metrics.
    bool rate_limited = true;
    /// Only for the operators' networks or token (ServerSettings::operator_allow,
    /// operator_token): metrics; 403 for anyone else, before the handler runs.
    bool operator_only = false;
};

struct Route {
    beast_http::verb verb;
    std::string pattern;  ///< "/api/v1/units/{id}"; a last segment "{*rest}" matches the remainder
    Handler handler;
    RouteOptions options;
    std::vector<std::string> segments;  ///< pattern split at '/', computed once by Add
};

/// @brief Routing table, built once in app/wiring.cpp and read-only afterwards.
class Router {
public:
    void Add(beast_http::verb verb, std::string pattern, Handler handler, RouteOptions options = {});

    struct Match {
        const Route* route = nullptr;
        std::map<std::string, std::string> params;
        bool path_matched_other_verb = false;  ///< for 405
    };
    /// Finds the route for verb and path; HEAD falls back to GET.
    Match Find(beast_http::verb verb, std::string_view path) const;
    const std::vector<Route>& Routes() const { return routes_; }

private:
    std::vector<Route> routes_;
};

}  // namespace vp::core::http
