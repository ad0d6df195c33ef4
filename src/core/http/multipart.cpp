#include "core/http/multipart.hpp"

#include <algorithm>
#include <functional>

#include "core/text.hpp"

namespace vp::core::http {
namespace {

// RFC 2046 5.1.1: bchars := bcharsnospace / " "; bcharsnospace := DIGIT / ALPHA / "'" / "(" /
// ")" / "+" / "_" / "," / "-" / "." / "/" / ":" / "=" / "?"
bool IsBoundaryChar(char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
           std::string_view("'()+_,-./:=? ").find(c) != std::string_view::npos;
}

// RFC 9110 5.6.2 tchar.
bool IsTokenChar(char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
           std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
}

bool HasControl(std::string_view s, bool allow_tab) {
    return std::any_of(s.begin(), s.end(), [allow_tab](char ch) {
        const auto c = static_cast<unsigned char>(ch);
        return (c < 0x20 && !(allow_tab && c == '\t')) || c == 0x7f;
    });
}

std::string Lower(std::string_view s) {
    std::string out(s);
    for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

std::string_view TrimWs(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
    return s;
}

std::string HumanBytes(std::size_t n) {
    if (n >= (1u << 20) && n % (1u << 20) == 0) return std::to_string(n >> 20) + " MB";
    if (n >= 1024 && n % 1024 == 0) return std::to_string(n >> 10) + " KB";
    return std::to_string(n) + " B";
}

Error Malformed(std::string detail) { return InvalidInput(Msg("core.multipart_malformed"), std::move(detail)); }

// One `; name=value` parameter list (RFC 9110 5.6.6), values as tokens or quoted strings. A
// backslash escapes only `"` and `\` inside quotes: browsers send a Windows path's backslashes
// as they are (HTML's form encoding percent-encodes `"`, CR and LF instead of escaping them).
struct Param {
    std::string name;  // lower-cased
    std::string value;
};

Result<std::vector<Param>> ParseParams(std::string_view s) {
    std::vector<Param> out;
    std::size_t i = 0;
    auto skip_ws = [&] {
        while (i < s.size() && (s[i] == ' ' || s[i] == '\t')) ++i;
    };
    for (;;) {
        skip_ws();
        if (i == s.size()) return out;
        if (s[i] != ';') return Malformed("parameter list: expected ';'");
        ++i;
        skip_ws();
        if (i == s.size()) return out;  // a trailing ';' is tolerated
        const auto name_start = i;
        while (i < s.size() && IsTokenChar(s[i])) ++i;
        if (i == name_start) return Malformed("parameter list: empty name");
        Param p{Lower(s.substr(name_start, i - name_start)), {}};
        skip_ws();
        if (i == s.size() || s[i] != '=') return Malformed("parameter list: expected '='");
        ++i;
        skip_ws();
        if (i < s.size() && s[i] == '"') {
            ++i;
            bool closed = false;
            while (i < s.size()) {
                const char c = s[i++];
                if (c == '"') {
                    closed = true;
                    break;
                }
                if (c == '\\' && i < s.size() && (s[i] == '"' || s[i] == '\\')) {
                    p.value.push_back(s[i++]);
                } else {
                    p.value.push_back(c);
                }
            }
            if (!closed) return Malformed("parameter list: unterminated quoted string");
        } else {
            const auto start = i;
            while (i < s.size() && IsTokenChar(s[i])) ++i;
            if (i == start) return Malformed("parameter list: empty value");
            p.value.assign(s.substr(start, i - start));
        }
        for (const auto& q : out) {
            if (q.name == p.name) return Malformed("parameter list: repeated parameter " + p.name);
        }
        out.push_back(std::move(p));
    }
}

const Param* FindParam(const std::vector<Param>& ps, std::string_view name) {
    for (const auto& p : ps) {
        if (p.name == name) return &p;
    }
    return nullptr;
}

int HexValue(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

// RFC 5987 ext-value: charset "'" [ language ] "'" value-chars, charset UTF-8 or ISO-8859-1.
std::optional<std::string> DecodeExtValue(std::string_view v) {
    const auto q1 = v.find('\'');
    if (q1 == std::string_view::npos) return std::nullopt;
    const auto q2 = v.find('\'', q1 + 1);
    if (q2 == std::string_view::npos) return std::nullopt;
    const auto charset = Lower(v.substr(0, q1));
    if (charset != "utf-8" && charset != "iso-8859-1") return std::nullopt;
    std::string raw;
    for (std::size_t i = q2 + 1; i < v.size(); ++i) {
        const char c = v[i];
        if (c == '%') {
            if (i + 2 >= v.size()) return std::nullopt;
            const int h = HexValue(v[i + 1]), l = HexValue(v[i + 2]);
            if (h < 0 || l < 0) return std::nullopt;
            raw.push_back(static_cast<char>(h * 16 + l));
            i += 2;
        } else if (IsTokenChar(c) && c != '%' && c != '\'' && c != '*') {
            raw.push_back(c);  // attr-char
        } else {
            return std::nullopt;
        }
    }
    if (charset == "utf-8") return raw;
    std::string utf8;  // ISO-8859-1: every byte is the code point of the same value
    for (unsigned char c : raw) {
        if (c < 0x80) {
            utf8.push_back(static_cast<char>(c));
        } else {
            utf8.push_back(static_cast<char>(0xC0 | (c >> 6)));
            utf8.push_back(static_cast<char>(0x80 | (c & 0x3F)));
        }
    }
    return utf8;
}

// A name or filename from the header: valid UTF-8 without control characters, in NFC.
Result<std::string> CleanText(std::string text, Message refusal) {
    if (!IsValidUtf8(text) || HasControl(text, false)) return InvalidInput(std::move(refusal));
    return ToNfc(text);
}

struct PartHeaders {
    std::string name;
    std::optional<std::string> filename;
    std::string content_type = "text/plain";
};

Result<PartHeaders> ParsePartHeaders(std::string_view block) {
    PartHeaders h;
    bool has_disposition = false;
    bool has_type = false;
    while (!block.empty()) {
        auto end = block.find("\r\n");
        const auto line = block.substr(0, end);
        block = end == std::string_view::npos ? std::string_view{} : block.substr(end + 2);
        if (line.empty()) return Malformed("empty header line");
        if (line.front() == ' ' || line.front() == '\t') return Malformed("folded header line");
        // A bare CR or LF (or NUL) would be read differently by another parser in front.
        if (HasControl(line, true)) return Malformed("control character in a header line");
        const auto colon = line.find(':');
        if (colon == std::string_view::npos || colon == 0) return Malformed("header line without a name");
        const auto name = line.substr(0, colon);
        if (!std::all_of(name.begin(), name.end(), IsTokenChar)) return Malformed("header name is not a token");
        const auto value = TrimWs(line.substr(colon + 1));
        const auto lname = Lower(name);
        if (lname == "content-disposition") {
            if (has_disposition) return Malformed("repeated Content-Disposition");
            has_disposition = true;
            auto semi = value.find(';');
            if (Lower(TrimWs(value.substr(0, semi))) != "form-data") return Malformed("disposition is not form-data");
            auto params = ParseParams(semi == std::string_view::npos ? std::string_view{} : value.substr(semi));
            if (!params) return params.error();
            const auto* n = FindParam(*params, "name");
            if (!n) return Malformed("form-data part without a name");
            auto clean_name = CleanText(n->value, Msg("core.multipart_malformed"));
            if (!clean_name) return clean_name.error();
            h.name = std::move(clean_name.value());
            const auto* ext = FindParam(*params, "filename*");
            const auto* plain = FindParam(*params, "filename");
            if (ext) {
                auto decoded = DecodeExtValue(ext->value);
                if (!decoded)
                    return InvalidInput(Msg("core.multipart_bad_filename"), "filename* is not an RFC 5987 value");
                auto f = CleanText(std::move(*decoded), Msg("core.multipart_bad_filename"));
                if (!f) return f.error();
                h.filename = std::move(f.value());
            } else if (plain) {
                auto f = CleanText(plain->value, Msg("core.multipart_bad_filename"));
                if (!f) return f.error();
                h.filename = std::move(f.value());
            }
        } else if (lname == "content-type") {
            if (has_type) return Malformed("repeated Content-Type");
            has_type = true;
            auto type = Lower(TrimWs(value.substr(0, value.find(';'))));
            if (type.empty()) return Malformed("empty Content-Type");
            h.content_type = std::move(type);
        } else if (lname == "content-transfer-encoding") {
            const auto enc = Lower(value);
            if (enc != "7bit" && enc != "8bit" && enc != "binary") return Malformed("transfer encoding " + enc);
        }
    }
    if (!has_disposition) return Malformed("part without Content-Disposition");
    return h;
}

}  // namespace

const MultipartPart* Multipart::Find(std::string_view name) const {
    for (const auto& p : parts) {
        if (p.name == name) return &p;
    }
    return nullptr;
}

std::optional<std::string> Multipart::Field(std::string_view name) const {
    for (const auto& p : parts) {
        if (p.name == name && !p.filename) return std::string(p.body);
    }
    return std::nullopt;
}

Result<std::string> MultipartBoundary(std::string_view content_type) {
    const auto semi = content_type.find(';');
    if (Lower(TrimWs(content_type.substr(0, semi))) != "multipart/form-data") {
        return InvalidInput(Msg("core.multipart_not_form"), "Content-Type is not multipart/form-data");
    }
    auto params = ParseParams(semi == std::string_view::npos ? std::string_view{} : content_type.substr(semi));
    if (!params) return InvalidInput(Msg("core.multipart_not_form"), params.error().detail);
    const auto* b = FindParam(*params, "boundary");
    if (!b) return InvalidInput(Msg("core.multipart_not_form"), "no boundary parameter");
    const auto& v = b->value;
    if (v.empty() || v.size() > 70 || v.back() == ' ' || !std::all_of(v.begin(), v.end(), IsBoundaryChar)) {
        return InvalidInput(Msg("core.multipart_not_form"), "malformed boundary");
    }
    return v;
}

Result<Multipart> ParseMultipart(std::string_view body, std::string_view boundary, const MultipartLimits& limits) {
    if (boundary.empty() || boundary.size() > 70) return Malformed("bad boundary");
    // Every delimiter after the first is CRLF "--" boundary; the first may open the body.
    const std::string delimiter = "\r\n--" + std::string(boundary);
    const std::boyer_moore_horspool_searcher find_delimiter(delimiter.begin(), delimiter.end());
    std::size_t pos = 0;
    if (body.substr(0, delimiter.size() - 2) == std::string_view(delimiter).substr(2)) {
        pos = delimiter.size() - 2;
    } else {
        const auto it = std::search(body.begin(), body.end(), find_delimiter);
        if (it == body.end()) return Malformed("no boundary in the body");
        pos = static_cast<std::size_t>(it - body.begin()) + delimiter.size();
    }
    Multipart out;
    for (;;) {
        // After a delimiter: "--" closes the form; otherwise transport padding and CRLF.
        if (body.substr(pos, 2) == "--") return out;  // the epilogue, if any, is ignored
        while (pos < body.size() && (body[pos] == ' ' || body[pos] == '\t')) ++pos;
        if (body.substr(pos, 2) != "\r\n") {
            return Malformed(pos >= body.size() ? "body ends after a delimiter" : "delimiter not followed by CRLF");
        }
        pos += 2;
        if (out.parts.size() >= limits.max_parts) {
            return InvalidInput(Msg("core.multipart_too_many_parts", {{"max", std::to_string(limits.max_parts)}}));
        }
        // The header block ends at the first empty line (it may be empty itself).
        std::string_view headers;
        if (body.substr(pos, 2) == "\r\n") {
            pos += 2;
        } else {
            const auto window = body.substr(pos, limits.max_header_bytes + 4);
            const auto end = window.find("\r\n\r\n");
            if (end == std::string_view::npos) {
                if (window.size() > limits.max_header_bytes) {
                    return InvalidInput(Msg("core.multipart_header_too_large"), "part header block over the limit");
                }
                return Malformed("body ends inside a part's header");
            }
            headers = window.substr(0, end + 2);  // each line with its CRLF
            pos += end + 4;
        }
        auto h = ParsePartHeaders(headers.substr(0, headers.size() >= 2 ? headers.size() - 2 : 0));
        if (!h) return h.error();
        const auto it = std::search(body.begin() + static_cast<std::ptrdiff_t>(pos), body.end(), find_delimiter);
        if (it == body.end()) return Malformed("body ends inside a part (no closing delimiter)");
        const auto end = static_cast<std::size_t>(it - body.begin());
        const auto content = body.substr(pos, end - pos);
        const std::size_t limit = h->filename ? limits.max_file_bytes : limits.max_field_bytes;
        if (content.size() > limit) {
            Error e{ErrorCode::kPayloadTooLarge,
                    Msg("core.multipart_part_too_large", {{"name", h->name}, {"max", HumanBytes(limit)}}),
                    {}};
            return e;
        }
        if (!h->filename && !IsValidUtf8(content))
            return InvalidInput(Msg("core.request_not_utf8"), "text field not UTF-8");
        out.parts.push_back({std::move(h->name), std::move(h->filename), std::move(h->content_type), content});
        pos = end + delimiter.size();
    }
}

Result<Multipart> ParseMultipart(const Request& req, const MultipartLimits& limits) {
    auto boundary = MultipartBoundary(req.Header("Content-Type"));
    if (!boundary) return boundary.error();
    return ParseMultipart(req.raw.body(), *boundary, limits);
}

}  // namespace vp::core::http
