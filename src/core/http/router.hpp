#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <unordered_map>
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
    /// Uploads: the largest body this route takes (0: ServerSettings::body_limit) and how long
    /// the whole request may take to arrive (0: ServerSettings::request_timeout). The server
    /// finds the route as soon as the header is parsed, before a byte of the body is read.
    std::size_t body_limit = 0;
    std::chrono::seconds request_timeout{0};
    /// The body is bytes the handler reads itself (a file, multipart/form-data): it is not
    /// checked as text (DecodeFields checks only the query).
    bool binary_body = false;
    /// Tried first on the network thread, for an answer that needs nothing that may block (a
    /// page-cache hit): a response it returns is sent as it is; nullopt hands the request to the
    /// handler on the worker pool. It runs after the limits and checks above, like the handler.
    std::function<std::optional<Response>(Request&)> quick;
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
    /// Finds the route for verb and path; HEAD falls back to GET. A GET or HEAD no route's path
    /// matches goes to the not-found handler when one is set (its pattern is "(unmatched)").
    Match Find(beast_http::verb verb, std::string_view path) const;
    /// The handler of GETs to addresses no route has (a site's own 404 page); last one wins.
    void SetNotFound(Handler handler, RouteOptions options = {});
    const std::vector<Route>& Routes() const { return routes_; }

private:
    // The routes a path may match, by its first segment: those whose pattern starts with that
    // literal, merged in the order of Add with those that start with a parameter (or have no
    // segment). Keeps "first added, first matched" while a request is compared only with the
    // few routes of its first segment, not with every route of every module.
    struct StringHash {
        using is_transparent = void;
        std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
    };
    std::unordered_map<std::string, std::vector<std::size_t>, StringHash, std::equal_to<>> by_first_;
    std::vector<std::size_t> any_first_;
    std::vector<Route> routes_;
    std::optional<Route> not_found_;
};

}  // namespace vp::core::http
