#pragma once
// Internal to src/portal's HTTP adapter: what its handler files share.

#include <optional>
#include <string>
#include <vector>

#include <boost/json.hpp>

#include "auth/web.hpp"
#include "calendar/iso_time.hpp"
#include "calendar/service.hpp"
#include "core/message.hpp"

namespace vp::portal::http_util {

/// The principal of a page or API request, or the response that refuses it.
template <class F>
core::http::Response Guarded(auth::Web& web, core::http::Request& req, bool api, F f) {
    return auth::WithPrincipal(web, req, api, std::move(f));
}

inline std::optional<std::int64_t> PathId(core::http::Request& req, const char* name = "id") {
    return auth::ParseId(req.path_params[name]);
}

/// The choices of a select over `codes`, labelled by the interface string `prefix` + code,
/// `selected` chosen.
inline boost::json::array CodeOptions(const auth::Web& web, const core::http::Request& req,
                                      const std::vector<std::string>& codes, std::string_view prefix,
                                      const std::string& selected = "") {
    boost::json::array out;
    for (const auto& c : codes) {
        out.push_back(boost::json::object{{"code", c},
                                          {"label", web.Templates().T(req.Lang(), std::string(prefix) + c)},
                                          {"selected", c == selected}});
    }
    return out;
}

/// A calendar date parameter (YYYY-MM-DD) as the start of that day in `tz`; nullopt when absent.
inline core::Result<std::optional<core::TimePoint>> DayParam(const core::http::Request& req, const char* name,
                                                             const std::string& tz) {
    const auto text = req.QueryParam(name).value_or("");
    if (text.empty()) return std::optional<core::TimePoint>{};
    const auto invalid = core::InvalidField(name, core::Msg("portal.field_time_invalid", {{"field", name}}));
    if (!calendar::ParseIsoDate(text)) return invalid;
    auto t = calendar::TryParseInstant(text + "T00:00", tz);
    if (!t) return invalid;
    return std::optional<core::TimePoint>{t.value()};
}

}  // namespace vp::portal::http_util
