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
/// `{"error":{"code":"...","key":"...","message":"...","field":"...","request_id":"..."}}` with
/// the status for error.code: `key` is the message key, `message` its text in req.Lang(),
/// `field` only for an error about one input field. The detail is not sent (log it separately).
Response JsonError(const Request& req, const Error& error);
/// The same shape for an answer with no ErrorCode of its own (`code` is the JSON `code`).
Response JsonError(const Request& req, beast_http::status status, std::string_view code, const Message& message);
Response Html(const Request& req, std::string body, beast_http::status status = beast_http::status::ok);
Response Redirect(const Request& req, std::string_view location);
/// Error as JSON under /api/, as a plain page elsewhere (message in req.Lang(), HTML-escaped).
Response ErrorFor(const Request& req, const Error& error);
/// The generic 500 (JSON or page): only the request id, never what went wrong.
Response InternalError(const Request& req);

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
///
/// Refuses a response whose own fields (or reason phrase) could not be sent as they are: a
/// name that is not an HTTP token, or a value with CR, LF, NUL or another control character
/// but HTAB. Such a value usually came from the request (a redirect target, a file name) and
/// would let the client write header lines of its own (response splitting). Then nothing is
/// appended and it returns false; the caller sends InternalError instead (the server does, and
/// logs InvalidFieldName). `head_fields`, `request_id` and the security headers are the
/// server's own and are not checked here (head_fields are checked once, with
/// IsValidHeaderBlock, when they are prepared).
[[nodiscard]] bool SerializeHead(const Response& res, bool tls, std::string_view request_id, std::string& out,
                                 BodyLength length = BodyLength::kFromBody);

/// True when `name` is an HTTP token and `value` has no control character other than HTAB.
bool IsValidField(std::string_view name, std::string_view value);
/// The name of the first field of `res` that SerializeHead refuses ("(reason)" for the reason
/// phrase), with control characters shown as \xNN so that it is safe to log; empty when none.
std::string InvalidFieldName(const Response& res);
/// True when `block` is a sequence of valid "Name: value\r\n" lines (prepared head_fields).
bool IsValidHeaderBlock(std::string_view block);

}  // namespace vp::core::http
