#pragma once
// Internal to src/portal's HTTP adapter: what its handler files share.

#include <optional>
#include <string>

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
