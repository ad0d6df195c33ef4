#pragma once

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>

namespace vp::core::http {

namespace beast_http = boost::beast::http;
using RawRequest = beast_http::request<beast_http::string_body>;
using Response = beast_http::response<beast_http::string_body>;

/// @brief A request as handlers see it: the Beast message plus what the server derived.
struct Request {
    RawRequest raw;
    std::string path;        ///< percent-decoded path, without the query
    std::string query;       ///< raw query string, without '?'
    std::string route;       ///< the matched route pattern (metrics label), e.g. "/api/v1/units/{id}"
    std::map<std::string, std::string> path_params;
    std::string remote_address;
    std::string request_id;
    bool tls = false;
    /// Set by a handler that answers with a server-sent event stream.
    std::shared_ptr<class EventSource> event_source;

    std::string_view Header(std::string_view name) const;
    std::optional<std::string> QueryParam(std::string_view name) const;
    std::optional<std::string> Cookie(std::string_view name) const;
    /// Fields of an application/x-www-form-urlencoded body (later duplicates win).
    std::map<std::string, std::string> Form() const;
    /// Every value of a repeated form field (checkboxes), in order.
    std::vector<std::string> FormValues(std::string_view name) const;
    /// Preferred interface language: "vi" (default) or "en", from the `lang` cookie or query.
    std::string Lang() const;
    bool WantsJson() const;  ///< path under /api/
};

using Handler = std::function<Response(Request&)>;

/// Decodes %XX and (when plus_as_space) '+'. Returns nullopt on malformed escapes.
std::optional<std::string> PercentDecode(std::string_view s, bool plus_as_space);
/// Parses "a=1&b=2" into decoded pairs, skipping malformed ones.
std::multimap<std::string, std::string> ParseQuery(std::string_view q);
std::string PercentEncode(std::string_view s);

}  // namespace vp::core::http

namespace vp::core::http {

/// @brief A server-sent event stream attached to a response by its handler. The server polls
/// it (non-blocking) and writes each chunk until it is closed or the client goes away.
class EventSource {
public:
    virtual ~EventSource() = default;
    /// Next formatted SSE chunk ("event: x\ndata: {...}\n\n"), or nullopt when none is waiting.
    virtual std::optional<std::string> Next() = 0;
    virtual bool Closed() const = 0;
};

}  // namespace vp::core::http
