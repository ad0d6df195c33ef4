#pragma once
// Internal to src/portal: helpers the service's files share (not part of the module's interface).

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json/value.hpp>

#include "core/clock.hpp"
#include "core/db/database.hpp"
#include "core/result.hpp"
#include "portal/portal.hpp"

namespace vp::portal::detail {

inline std::int64_t Ms(core::TimePoint t) { return core::ToMillis(t); }
std::optional<core::TimePoint> OptTime(const core::db::Row& r, std::size_t i);
core::db::Value OptMs(const std::optional<core::TimePoint>& t);
/// Text fields: valid UTF-8, NFC (TCVN 6909:2011, P-12), no control characters, trimmed,
/// at most `max_chars`; errors name the field.
core::Result<std::string> CleanText(std::string_view field, std::string_view s, std::size_t max_chars,
                                    bool multiline = false);
/// One stored revision of an item, or nullopt.
std::optional<Revision> LoadRevision(core::db::Connection& c, std::int64_t item_id, std::int64_t no);
/// Media references from their stored JSON list ({"url", "caption", "credit"}; anything else skipped).
std::vector<MediaRef> MediaFromJson(const boost::json::value* list);
/// What the audit log keeps of an item before and after a change.
boost::json::value SnapshotOf(const Item& it);

}  // namespace vp::portal::detail
