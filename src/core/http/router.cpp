#include "core/http/router.hpp"

namespace vp::core::http {
namespace {

// Splits at '/' into views of `path` (no copies); empty segments are skipped.
template <class Out>
void Split(std::string_view path, Out& out) {
    std::size_t i = 0;
    while (i < path.size()) {
        if (path[i] == '/') {
            ++i;
            continue;
        }
        auto j = path.find('/', i);
        if (j == std::string_view::npos) j = path.size();
        out.push_back(path.substr(i, j - i));
        i = j + 1;
    }
}

// Matches pre-split pattern segments against pre-split path segments; fills params only on a
// match. This runs for every request, so it allocates nothing until a route matches.
bool MatchSegments(const std::vector<std::string>& ps, const std::vector<std::string_view>& xs,
                   std::map<std::string, std::string>* params) {
    for (std::size_t i = 0; i < ps.size(); ++i) {
        const auto& p = ps[i];
        if (p.size() > 3 && p[0] == '{' && p[1] == '*' && p.back() == '}') {
            if (params) {
                std::string rest;
                for (std::size_t k = i; k < xs.size(); ++k) {
                    if (!rest.empty()) rest.push_back('/');
                    rest += xs[k];
                }
                (*params)[p.substr(2, p.size() - 3)] = std::move(rest);
            }
            return true;
        }
        if (i >= xs.size()) return false;
        if (p.size() > 2 && p.front() == '{' && p.back() == '}') {
            if (params) (*params)[p.substr(1, p.size() - 2)] = std::string(xs[i]);
        } else if (p != xs[i]) {
            return false;
        }
    }
    return ps.size() == xs.size();
}

}  // namespace

void Router::Add(beast_http::verb verb, std::string pattern, Handler handler, RouteOptions options) {
    std::vector<std::string_view> views;
    Split(pattern, views);
    std::vector<std::string> segments(views.begin(), views.end());
    const std::size_t index = routes_.size();
    if (!segments.empty() && segments.front().starts_with('{')) {
        any_first_.push_back(index);
    } else {
        by_first_[segments.empty() ? std::string() : segments.front()].push_back(index);
    }
    routes_.push_back({verb, std::move(pattern), std::move(handler), std::move(options), std::move(segments)});
}

Router::Match Router::Find(beast_http::verb verb, std::string_view path) const {
    Match m;
    std::vector<std::string_view> xs;
    xs.reserve(16);
    Split(path, xs);
    const Route* head_fallback = nullptr;
    static const std::vector<std::size_t> kNone;
    const auto literal = by_first_.find(xs.empty() ? std::string_view() : xs.front());
    const auto& named = literal == by_first_.end() ? kNone : literal->second;
    for (std::size_t a = 0, b = 0; a < named.size() || b < any_first_.size();) {
        // The next route in the order of Add from either list.
        const bool take_named = b == any_first_.size() || (a < named.size() && named[a] < any_first_[b]);
        const auto& r = routes_[take_named ? named[a++] : any_first_[b++]];
        if (!MatchSegments(r.segments, xs, nullptr)) continue;
        if (r.verb == verb) {
            m.route = &r;
            break;
        }
        if (verb == beast_http::verb::head && r.verb == beast_http::verb::get && !head_fallback) head_fallback = &r;
        m.path_matched_other_verb = true;
    }
    if (!m.route) m.route = head_fallback;
    if (m.route) {
        MatchSegments(m.route->segments, xs, &m.params);
    } else if (not_found_ && !m.path_matched_other_verb &&
               (verb == beast_http::verb::get || verb == beast_http::verb::head)) {
        m.route = &*not_found_;
    }
    return m;
}

void Router::SetNotFound(Handler handler, RouteOptions options) {
    not_found_ = Route{beast_http::verb::get, "(unmatched)", std::move(handler), options, {}};
}

}  // namespace vp::core::http
