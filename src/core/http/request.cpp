#include <boost/beast/http/field.hpp>

#include "core/http/types.hpp"

namespace vp::core::http {

std::size_t ThisThreadOrdinal() {
    static std::atomic<std::size_t> next{0};
    thread_local const std::size_t mine = next.fetch_add(1, std::memory_order_relaxed);
    return mine;
}

std::optional<std::string> PercentDecode(std::string_view s, bool plus_as_space) {
    std::string out;
    out.reserve(s.size());
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

std::multimap<std::string, std::string> ParseQuery(std::string_view q) {
    std::multimap<std::string, std::string> out;
    while (!q.empty()) {
        auto amp = q.find('&');
        auto part = q.substr(0, amp);
        q = amp == std::string_view::npos ? std::string_view{} : q.substr(amp + 1);
        if (part.empty()) continue;
        auto eq = part.find('=');
        auto k = PercentDecode(part.substr(0, eq), true);
        auto v = PercentDecode(eq == std::string_view::npos ? std::string_view{} : part.substr(eq + 1), true);
        if (k && v) out.emplace(std::move(*k), std::move(*v));
    }
    return out;
}

std::string_view Request::Header(std::string_view name) const {
    auto it = raw.find(boost::beast::string_view(name.data(), name.size()));
    if (it == raw.end()) return {};
    return {it->value().data(), it->value().size()};
}

std::optional<std::string> Request::QueryParam(std::string_view name) const {
    auto all = ParseQuery(query);
    auto it = all.find(std::string(name));
    if (it == all.end()) return std::nullopt;
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
    std::map<std::string, std::string> out;
    for (auto& [k, v] : ParseQuery(raw.body())) out[k] = v;
    return out;
}

std::vector<std::string> Request::FormValues(std::string_view name) const {
    std::vector<std::string> out;
    for (auto& [k, v] : ParseQuery(raw.body())) {
        if (k == name) out.push_back(v);
    }
    return out;
}

std::string Request::Lang() const {
    if (auto q = QueryParam("lang"); q && (*q == "en" || *q == "vi")) return *q;
    if (auto c = Cookie("lang"); c && *c == "en") return "en";
    return "vi";
}

bool Request::WantsJson() const { return path.rfind("/api/", 0) == 0; }

}  // namespace vp::core::http
