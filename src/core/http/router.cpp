#include "core/http/router.hpp"

namespace vp::core::http {
namespace {

std::vector<std::string_view> Split(std::string_view path) {
    std::vector<std::string_view> out;
    std::size_t i = 0;
    while (i < path.size()) {
        if (path[i] == '/') {
            ++i;
            continue;
        }
        auto j = path.find('/', i);
        if (j == std::string_view::npos) j = path.size();
        out.push_back(path.substr(i, j - i));
        i = j;
    }
    return out;
}

bool MatchPattern(std::string_view pattern, std::string_view path, std::map<std::string, std::string>& params) {
    auto ps = Split(pattern);
    auto xs = Split(path);
    params.clear();
    for (std::size_t i = 0; i < ps.size(); ++i) {
        auto p = ps[i];
        if (p.size() > 3 && p.substr(0, 2) == "{*" && p.back() == '}') {
            std::string rest;
            for (std::size_t k = i; k < xs.size(); ++k) {
                if (!rest.empty()) rest.push_back('/');
                rest += xs[k];
            }
            params[std::string(p.substr(2, p.size() - 3))] = rest;
            return true;
        }
        if (i >= xs.size()) return false;
        if (p.size() > 2 && p.front() == '{' && p.back() == '}') {
            params[std::string(p.substr(1, p.size() - 2))] = std::string(xs[i]);
        } else if (p != xs[i]) {
            return false;
        }
    }
    return ps.size() == xs.size();
}

}  // namespace

void Router::Add(beast_http::verb verb, std::string pattern, Handler handler, RouteOptions options) {
    routes_.push_back({verb, std::move(pattern), std::move(handler), options});
}

Router::Match Router::Find(beast_http::verb verb, std::string_view path) const {
    Match m;
    std::map<std::string, std::string> params;
    const Route* head_fallback = nullptr;
    std::map<std::string, std::string> head_params;
    for (const auto& r : routes_) {
        if (!MatchPattern(r.pattern, path, params)) continue;
        if (r.verb == verb) {
            m.route = &r;
            m.params = std::move(params);
            return m;
        }
        if (verb == beast_http::verb::head && r.verb == beast_http::verb::get && !head_fallback) {
            head_fallback = &r;
            head_params = params;
        }
        m.path_matched_other_verb = true;
    }
    if (head_fallback) {
        m.route = head_fallback;
        m.params = std::move(head_params);
    }
    return m;
}

}  // namespace vp::core::http
