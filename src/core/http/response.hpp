#pragma once

#include <string>
#include <string_view>

#include <boost/json/value.hpp>

#include "core/error.hpp"
#include "core/http/types.hpp"

namespace vp::core::http {

/// The one mapping from ErrorCode to HTTP status (userver GetHttpStatus).
beast_http::status HttpStatusFor(ErrorCode code);

Response MakeResponse(const Request& req, beast_http::status status, std::string body, std::string_view content_type);
Response Json(const Request& req, const boost::json::value& v, beast_http::status status = beast_http::status::ok);
/// `{"error":{"code":"...","message":"..."}}` with the status for error.code. The detail is
/// not sent (log it separately).
Response JsonError(const Request& req, const Error& error);
Response JsonError(const Request& req, beast_http::status status, std::string_view code, std::string_view message);
Response Html(const Request& req, std::string body, beast_http::status status = beast_http::status::ok);
Response Redirect(const Request& req, std::string_view location);
/// Error as JSON under /api/, as a plain page elsewhere (message HTML-escaped).
Response ErrorFor(const Request& req, const Error& error);

/// HTML-escapes &, <, >, ", ' (used outside templates, e.g. for plain error pages).
std::string EscapeHtml(std::string_view s);

/// Whether SerializeHead states the body's length (a body that runs until the connection
/// closes, like an event stream, has none).
enum class BodyLength { kFromBody, kNone };

/// Appends to `out` the status line and header block of `res` as sent on the wire: the
/// message's own fields, then `body().head_fields`, then the security headers every response
/// carries unless the handler set them itself (CSP, nosniff, frame-ancestors,
/// Referrer-Policy, COOP, and HSTS when `tls`), `X-Request-Id` when `request_id` is not empty,
/// and `Content-Length` when the response has none and its status allows a body.
void SerializeHead(const Response& res, bool tls, std::string_view request_id, std::string& out,
                   BodyLength length = BodyLength::kFromBody);

}  // namespace vp::core::http
