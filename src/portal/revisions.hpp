#pragma once
// Comparing two revisions (P-16): the body line by line, the other fields one by one. Pure.

#include <string_view>
#include <vector>

#include "portal/portal.hpp"

namespace vp::portal {

/// Longest-common-subsequence comparison of two texts split into lines. Beyond `max_cells`
/// (lines of a times lines of b) it falls back to "everything removed, everything added" rather
/// than spending quadratic time on a hostile input.
std::vector<DiffLine> DiffLines(std::string_view a, std::string_view b, std::size_t max_cells = 4'000'000);

/// The fields of `b` that differ from `a`, as JSON values (title, lead, authors, source, ...).
std::vector<FieldChange> DiffFields(const ItemFields& a, const ItemFields& b);

/// The JSON form of the fields (stored as a revision's fields_json, except title, lead, body).
boost::json::object FieldsToJson(const ItemFields& f);

}  // namespace vp::portal
