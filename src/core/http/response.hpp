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

/// Adds the security headers every response carries (CSP, nosniff, frame-ancestors,
/// Referrer-Policy, and HSTS when `tls`).
void AddSecurityHeaders(Response& res, bool tls);

}  // namespace vp::core::http
