#include <boost/beast/http/field.hpp>

#include "core/http/types.hpp"
#include "core/text.hpp"

namespace vp::core::http {

std::size_t ThisThreadOrdinal() {
    static std::atomic<std::size_t> next{0};
    thread_local const std::size_t mine = next.fetch_add(1, std::memory_order_relaxed);
    return mine;
}

std::optional<std::string> PercentDecode(std::string_view s, bool plus_as_space) {
    // Most paths have nothing to decode: copied at once (this runs for every request).
    std::size_t first = 0;
    while (first < s.size() && s[first] != '%' && !(plus_as_space && s[first] == '+')) ++first;
    if (first == s.size()) return std::string(s);
    std::string out;
    out.reserve(s.size());
    out.append(s.substr(0, first));
    s.remove_prefix(first);
    auto hex = [](char c) -> int {
        if (c >= '0' && c <= '9') return c - '0';
        if (c >= 'a' && c <= 'f') return c - 'a' + 10;
        if (c >= 'A' && c <= 'F') return c - 'A' + 10;
        return -1;
    };
    for (std::size_t i = 0; i < s.size(); ++i) {
        char c = s[i];
        if (c == '%') {
            if (i + 2 >= s.size()) return std::nullopt;
            int h = hex(s[i + 1]), l = hex(s[i + 2]);
            if (h < 0 || l < 0) return std::nullopt;
            out.push_back(static_cast<char>(h * 16 + l));
            i += 2;
        } else if (c == '+' && plus_as_space) {
            out.push_back(' ');
        } else {
            out.push_back(c);
        }
    }
    return out;
}

std::string PercentEncode(std::string_view s) {
    static const char* kHex = "0123456789ABCDEF";
    std::string out;
    for (unsigned char c : s) {
        if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
            out.push_back(static_cast<char>(c));
        } else {
            out.push_back('%');
            out.push_back(kHex[c >> 4]);
            out.push_back(kHex[c & 15]);
        }
    }
    return out;
}

namespace {

// Decodes the pairs of `q`; a bad pair is skipped (strict = false) or ends the parse with
// `error` set (strict = true).
std::multimap<std::string, std::string> Parse(std::string_view q, bool strict, FieldError& error) {
    std::multimap<std::string, std::string> out;
    error = FieldError::kNone;
    while (!q.empty()) {
        auto amp = q.find('&');
        auto part = q.substr(0, amp);
        q = amp == std::string_view::npos ? std::string_view{} : q.substr(amp + 1);
        if (part.empty()) continue;
        auto eq = part.find('=');
        auto k = PercentDecode(part.substr(0, eq), true);
        auto v = PercentDecode(eq == std::string_view::npos ? std::string_view{} : part.substr(eq + 1), true);
        const FieldError bad = !k || !v                                           ? FieldError::kBadEscape
                               : !core::IsValidUtf8(*k) || !core::IsValidUtf8(*v) ? FieldError::kNotUtf8
                                                                                  : FieldError::kNone;
        if (bad != FieldError::kNone) {
            if (!strict) continue;
            error = bad;
            return out;
        }
        out.emplace(core::ToNfc(*k), core::ToNfc(*v));  // ToNfc returns ASCII as it is
    }
    return out;
}

std::string_view Lower(std::string_view s, std::string& buffer) {
    buffer.assign(s);
    for (auto& c : buffer) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return buffer;
}

// The media type of a Content-Type value, lower-cased, without parameters.
std::string MediaType(std::string_view content_type) {
    auto type = content_type.substr(0, content_type.find(';'));
    while (!type.empty() && (type.front() == ' ' || type.front() == '\t')) type.remove_prefix(1);
    while (!type.empty() && (type.back() == ' ' || type.back() == '\t')) type.remove_suffix(1);
    std::string out;
    Lower(type, out);
    return out;
}

// Bodies whose bytes are not text: their handler reads them as it must.
bool IsBinaryType(std::string_view type) {
    return type.starts_with("multipart/") || type == "application/octet-stream" || type.starts_with("image/") ||
           type.starts_with("audio/") || type.starts_with("video/") || type.starts_with("font/") ||
           type == "application/pdf" || type == "application/zip" || type == "application/gzip";
}

Error FieldErrorFor(FieldError e) {
    return InvalidInput(e == FieldError::kBadEscape ? Msg("core.request_bad_escape") : Msg("core.request_not_utf8"));
}

}  // namespace

std::multimap<std::string, std::string> ParseQuery(std::string_view q) {
    FieldError ignored;
    return Parse(q, false, ignored);
}

std::multimap<std::string, std::string> DecodeUrlEncoded(std::string_view q, FieldError& error) {
    return Parse(q, true, error);
}

std::optional<Error> DecodeFields(Request& req) {
    const auto& body = req.raw.body();
    if (req.query.empty() && body.empty()) return std::nullopt;  // most requests: nothing to decode
    FieldError error = FieldError::kNone;
    if (!req.query.empty()) {
        req.query_fields = DecodeUrlEncoded(req.query, error);
        if (error != FieldError::kNone) return FieldErrorFor(error);
    }
    if (body.empty()) return std::nullopt;
    const auto type = MediaType(req.Header("Content-Type"));
    if (type == "application/x-www-form-urlencoded") {
        req.form_fields = DecodeUrlEncoded(body, error);
        if (error != FieldError::kNone) return FieldErrorFor(error);
    } else if (!IsBinaryType(type) && !core::IsValidUtf8(body)) {
        // JSON (whose parser would see the bytes inside strings), text, or a body without a type.
        return FieldErrorFor(FieldError::kNotUtf8);
    }
    return std::nullopt;
}

std::string_view Request::Header(std::string_view name) const {
    auto it = raw.find(boost::beast::string_view(name.data(), name.size()));
    if (it == raw.end()) return {};
    return {it->value().data(), it->value().size()};
}

std::optional<std::string> Request::QueryParam(std::string_view name) const {
    if (!query_fields) query_fields = ParseQuery(query);
    auto it = query_fields->find(std::string(name));
    if (it == query_fields->end()) return std::nullopt;
    return it->second;
}

std::optional<std::string> Request::Cookie(std::string_view name) const {
    std::string_view h = Header("Cookie");
    while (!h.empty()) {
        auto semi = h.find(';');
        auto part = h.substr(0, semi);
        h = semi == std::string_view::npos ? std::string_view{} : h.substr(semi + 1);
        while (!part.empty() && part.front() == ' ') part.remove_prefix(1);
        auto eq = part.find('=');
        if (eq != std::string_view::npos && part.substr(0, eq) == name) return std::string(part.substr(eq + 1));
    }
    return std::nullopt;
}

std::map<std::string, std::string> Request::Form() const {
    if (!form_fields) form_fields = ParseQuery(raw.body());
    std::map<std::string, std::string> out;
    for (const auto& [k, v] : *form_fields) out[k] = v;  // equal keys in order: the last wins
    return out;
}

std::vector<std::string> Request::FormValues(std::string_view name) const {
    if (!form_fields) form_fields = ParseQuery(raw.body());
    std::vector<std::string> out;
    for (auto [it, end] = form_fields->equal_range(std::string(name)); it != end; ++it) out.push_back(it->second);
    return out;
}

std::string Request::Lang() const {
    if (auto q = QueryParam("lang"); q && (*q == "en" || *q == "vi")) return *q;
    if (auto c = Cookie("lang"); c && *c == "en") return "en";
    return "vi";
}

bool Request::WantsJson() const { return path.rfind("/api/", 0) == 0; }

}  // namespace vp::core::http
