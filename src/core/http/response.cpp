#include "core/http/response.hpp"

#include <array>

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
        case ErrorCode::kUnsupportedMediaType: return s::unsupported_media_type;
        case ErrorCode::kUnprocessable: return s::unprocessable_entity;
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

namespace {

Response JsonErrorWith(const Request& req, beast_http::status status, std::string_view code, const Message& message,
                       std::string_view field) {
    boost::json::object err{{"code", code}, {"key", message.key}, {"message", Text(message, req.Lang())}};
    if (!field.empty()) err["field"] = field;
    if (!req.request_id.empty()) err["request_id"] = req.request_id;
    return Json(req, boost::json::object{{"error", std::move(err)}}, status);
}

}  // namespace

Response JsonError(const Request& req, beast_http::status status, std::string_view code, const Message& message) {
    return JsonErrorWith(req, status, code, message, {});
}

Response JsonError(const Request& req, const Error& error) {
    auto res = JsonErrorWith(req, HttpStatusFor(error.code), ErrorCodeName(error.code), error.message, error.field);
    if (error.retry_after_s > 0) res.set(beast_http::field::retry_after, std::to_string(error.retry_after_s));
    return res;
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
    const auto lang = req.Lang();
    std::string body = "<!doctype html><html lang=\"" + lang + "\"><meta charset=\"utf-8\"><title>" +
                       EscapeHtml(Text(Msg("core.error_page_title"), lang)) +
                       "</title><link rel=\"stylesheet\" href=\"/static/app.css\"><main class=\"error-page\"><h1>" +
                       EscapeHtml(Text(error.message, lang)) + "</h1><p><a href=\"/\">" +
                       EscapeHtml(Text(Msg("core.error_page_home"), lang)) + "</a></p></main></html>";
    auto res = Html(req, std::move(body), HttpStatusFor(error.code));
    res.set(beast_http::field::content_language, lang);
    return res;
}

Response InternalError(const Request& req) {
    return ErrorFor(req, Error{ErrorCode::kInternal, Msg("core.internal_error", {{"request_id", req.request_id}}), {}});
}

namespace {

// RFC 9110 5.6.2: tchar = "!" / "#" / "$" / "%" / "&" / "'" / "*" / "+" / "-" / "." / "^" / "_"
// / "`" / "|" / "~" / DIGIT / ALPHA.
constexpr std::array<bool, 256> kTokenChars = [] {
    std::array<bool, 256> t{};
    for (int c = '0'; c <= '9'; ++c) t[c] = true;
    for (int c = 'a'; c <= 'z'; ++c) t[c] = true;
    for (int c = 'A'; c <= 'Z'; ++c) t[c] = true;
    for (char c : std::string_view("!#$%&'*+-.^_`|~")) t[static_cast<unsigned char>(c)] = true;
    return t;
}();

bool IsToken(std::string_view s) {
    if (s.empty()) return false;
    for (unsigned char c : s) {
        if (!kTokenChars[c]) return false;
    }
    return true;
}

// RFC 9110 5.5: field-value = *( VCHAR / SP / HTAB / obs-text ). CR, LF and NUL would end the
// line (or the C string) early; the other controls have no place in a header either.
bool IsFieldValue(std::string_view s) {
    for (unsigned char c : s) {
        if ((c < 0x20 && c != '\t') || c == 0x7f) return false;
    }
    return true;
}

std::string Printable(std::string_view s) {
    static constexpr char kHex[] = "0123456789abcdef";
    std::string out;
    for (unsigned char c : s) {
        if (c < 0x20 || c >= 0x7f) {
            out.append("\\x").push_back(kHex[c >> 4]);
            out.push_back(kHex[c & 15]);
        } else {
            out.push_back(static_cast<char>(c));
        }
    }
    return out;
}

struct HeaderLine {
    std::string_view name;
    std::string_view value;
};

constexpr HeaderLine kSecurityHeaders[] = {
    {"Content-Security-Policy",
     "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
     "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"},
    {"X-Content-Type-Options", "nosniff"},
    {"X-Frame-Options", "DENY"},
    {"Referrer-Policy", "same-origin"},
    {"Cross-Origin-Opener-Policy", "same-origin"},
};
constexpr HeaderLine kHsts{"Strict-Transport-Security", "max-age=31536000; includeSubDomains"};

void AppendLine(std::string& out, std::string_view name, std::string_view value) {
    out.append(name).append(": ").append(value).append("\r\n");
}

void AppendUnlessSet(const Response& res, std::string& out, const HeaderLine& h) {
    if (res.find(h.name) == res.end()) AppendLine(out, h.name, h.value);
}

}  // namespace

bool IsValidField(std::string_view name, std::string_view value) { return IsToken(name) && IsFieldValue(value); }

std::string InvalidFieldName(const Response& res) {
    const auto reason = res.reason();
    if (!IsFieldValue({reason.data(), reason.size()})) return "(reason)";
    for (const auto& f : res) {
        const auto name = f.name_string();
        const auto value = f.value();
        if (!IsValidField({name.data(), name.size()}, {value.data(), value.size()})) {
            return Printable({name.data(), name.size()});
        }
    }
    return {};
}

bool IsValidHeaderBlock(std::string_view block) {
    while (!block.empty()) {
        const auto end = block.find("\r\n");
        if (end == std::string_view::npos) return false;
        const auto line = block.substr(0, end);
        block.remove_prefix(end + 2);
        const auto colon = line.find(':');
        if (colon == std::string_view::npos) return false;
        auto value = line.substr(colon + 1);
        if (!value.empty() && value.front() == ' ') value.remove_prefix(1);
        if (!IsValidField(line.substr(0, colon), value)) return false;
    }
    return true;
}

// Written by hand rather than through Beast's serializer: static assets carry a header block
// prepared once per asset (body().head_fields) that Beast's field container cannot take
// without rebuilding it field by field, and building ~10 fields per request in that container
// cost about a third of the server's user time on the static-file benchmark. The output is
// the same HTTP/1.x header Beast writes (tests parse it back with Beast's parser).
bool SerializeHead(const Response& res, bool tls, std::string_view request_id, std::string& out, BodyLength length) {
    const std::size_t start = out.size();
    const unsigned status = res.result_int();
    out.append(res.version() == 10 ? "HTTP/1.0 " : "HTTP/1.1 ");
    char code[4] = {static_cast<char>('0' + status / 100 % 10), static_cast<char>('0' + status / 10 % 10),
                    static_cast<char>('0' + status % 10), ' '};
    out.append(code, sizeof code);
    const auto reason = res.reason();
    if (!IsFieldValue({reason.data(), reason.size()})) {
        out.resize(start);
        return false;
    }
    out.append(reason.data(), reason.size()).append("\r\n");
    bool has_length = false;
    for (const auto& f : res) {
        if (f.name() == beast_http::field::content_length) {
            if (length == BodyLength::kNone) continue;
            has_length = true;
        }
        const auto name = f.name_string();
        const auto value = f.value();
        // Checked as they are copied: a bad field refuses the whole response.
        if (!IsValidField({name.data(), name.size()}, {value.data(), value.size()})) {
            out.resize(start);
            return false;
        }
        AppendLine(out, {name.data(), name.size()}, {value.data(), value.size()});
    }
    const auto& body = res.body();
    if (body.head_fields) {
        out.append(*body.head_fields);
        has_length = true;
    }
    for (const auto& h : kSecurityHeaders) AppendUnlessSet(res, out, h);
    if (tls) AppendUnlessSet(res, out, kHsts);
    if (!request_id.empty()) AppendLine(out, "X-Request-Id", request_id);
    const bool may_have_body = status >= 200 && status != 204 && status != 304;
    if (!has_length && may_have_body && length == BodyLength::kFromBody) {
        AppendLine(out, "Content-Length", std::to_string(SharedStringBody::size(body)));
    }
    out.append("\r\n");
    return true;
}

}  // namespace vp::core::http
