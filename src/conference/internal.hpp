#pragma once
// Helpers shared by the conference service's files (not part of the public header).
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json/value.hpp>

#include "conference/conference.hpp"
#include "core/db/database.hpp"

namespace vp::conference::detail {

std::int64_t Ms(core::TimePoint t);
core::db::Value OptMs(const std::optional<core::TimePoint>& t);
std::optional<core::TimePoint> OptTime(const core::db::Row& r, std::size_t i);
/// CleanField's rules (P-12), then not empty (conference.field_required names the field).
core::Result<std::string> Required(std::string_view field, std::string_view s, std::size_t max, bool multiline);
bool IsMediaUrl(std::string_view url);
/// Art. 1, 3: refuses a declared classification other than "thuong" and any text carrying a
/// secrecy marking (422 on "classification", naming the marking).
core::Status CheckNotSecret(std::string_view classification, std::initializer_list<std::string_view> texts);
extern const char* const kSelectConference;
extern const char* const kSelectSite;
Site SiteFromRow(const core::db::Row& r);
std::string ChecklistJson(const std::vector<ChecklistItem>& items);
const std::vector<std::string>& ChecklistCodes();
boost::json::value Snapshot(const Conference& c);

}  // namespace vp::conference::detail
