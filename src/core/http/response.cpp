#include "core/http/response.hpp"

#include <boost/json/serialize.hpp>

namespace vp::core::http {

beast_http::status HttpStatusFor(ErrorCode code) {
    using s = beast_http::status;
    switch (code) {
        case ErrorCode::kInvalidInput: return s::bad_request;
        case ErrorCode::kUnauthorized: return s::unauthorized;
        case ErrorCode::kForbidden: return s::forbidden;
        case ErrorCode::kNotFound: return s::not_found;
        case ErrorCode::kConflict: return s::conflict;
        case ErrorCode::kLocked: return s::locked;
        case ErrorCode::kTooManyRequests: return s::too_many_requests;
        case ErrorCode::kPayloadTooLarge: return s::payload_too_large;
        case ErrorCode::kUnavailable: return s::service_unavailable;
        case ErrorCode::kInternal: return s::internal_server_error;
    }
    return s::internal_server_error;
}

std::string EscapeHtml(std::string_view s) {
    std::string out;
    out.reserve(s.size());
    for (char c : s) {
        switch (c) {
            case '&': out += "&amp;"; break;
            case '<': out += "&lt;"; break;
            case '>': out += "&gt;"; break;
            case '"': out += "&quot;"; break;
            case '\'': out += "&#39;"; break;
            default: out.push_back(c);
        }
    }
    return out;
}

Response MakeResponse(const Request& req, beast_http::status status, std::string body, std::string_view content_type) {
    Response res{status, req.raw.version()};
    res.set(beast_http::field::content_type, content_type);
    res.keep_alive(req.raw.keep_alive());
    res.body() = std::move(body);
    res.prepare_payload();
    return res;
}

Response Json(const Request& req, const boost::json::value& v, beast_http::status status) {
    auto res = MakeResponse(req, status, boost::json::serialize(v), "application/json; charset=utf-8");
    res.set(beast_http::field::cache_control, "no-store");
    return res;
}

Response JsonError(const Request& req, beast_http::status status, std::string_view code, std::string_view message) {
    boost::json::object err{{"code", code}, {"message", message}};
    if (!req.request_id.empty()) err["request_id"] = req.request_id;
    return Json(req, boost::json::object{{"error", std::move(err)}}, status);
}

Response JsonError(const Request& req, const Error& error) {
    return JsonError(req, HttpStatusFor(error.code), ErrorCodeName(error.code), error.message);
}

Response Html(const Request& req, std::string body, beast_http::status status) {
    auto res = MakeResponse(req, status, std::move(body), "text/html; charset=utf-8");
    res.set(beast_http::field::cache_control, "no-store");
    return res;
}

Response Redirect(const Request& req, std::string_view location) {
    Response res{beast_http::status::see_other, req.raw.version()};
    res.set(beast_http::field::location, location);
    res.keep_alive(req.raw.keep_alive());
    res.prepare_payload();
    return res;
}

Response ErrorFor(const Request& req, const Error& error) {
    if (req.WantsJson()) return JsonError(req, error);
    std::string body =
        "<!doctype html><html lang=\"vi\"><meta charset=\"utf-8\"><title>Lỗi</title>"
        "<link rel=\"stylesheet\" href=\"/static/app.css\"><main class=\"error-page\"><h1>" +
        EscapeHtml(error.message) + "</h1><p><a href=\"/\">Về trang chủ / Home</a></p></main></html>";
    return Html(req, std::move(body), HttpStatusFor(error.code));
}

void AddSecurityHeaders(Response& res, bool tls) {
    res.set("Content-Security-Policy",
            "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
            "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'");
    res.set("X-Content-Type-Options", "nosniff");
    res.set("X-Frame-Options", "DENY");
    res.set("Referrer-Policy", "same-origin");
    res.set("Cross-Origin-Opener-Policy", "same-origin");
    if (tls) res.set(beast_http::field::strict_transport_security, "max-age=31536000; includeSubDomains");
}

}  // namespace vp::core::http
