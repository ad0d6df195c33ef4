#pragma once
// Screening of prohibited content before publication (P-31; Hậu Giang Art. 5, 09-QC/TW Art. 8.1):
// the portal administrators' lists of terms, matched on whole words in the exact form (case
// aside) and in the folded form (without diacritics, "đ" as "d"), so that "phan dong" typed
// without marks is caught like "phản động". Pure: no storage, no HTTP.

#include <string>
#include <string_view>
#include <vector>

#include "core/access.hpp"

namespace vp::portal {

/// Keep the portal's list of prohibited terms (its administrators and directors).
inline constexpr core::access::Permission kTermsManage{"portal.terms.manage"};

/// One field of an item as it is screened ("title", "lead", "body", "tags", "captions").
struct ScreenedField {
    std::string name;
    std::string text;  ///< plain text (the body through HtmlToText), NFC
};

/// One occurrence of a prohibited term.
struct ScreeningMatch {
    std::string term;   ///< as the administrators wrote it
    std::string form;   ///< "exact": same letters and marks; "folded": same once diacritics are dropped
    std::string field;  ///< where (ScreenedField::name)
    std::string before, text, after;  ///< the context: up to a few words either side, and the matched words
};

/// Finds every whole-word occurrence of every term in the fields, in reading order per field.
/// A term matches exactly when its letters and marks are the same (case aside) and folded when
/// only their folded forms are the same; an exact match is never reported again as folded.
/// Terms that have no word in them (punctuation only) match nothing. Invisible characters
/// (Unicode default-ignorable code points: zero-width space, soft hyphen…) neither split nor
/// change a word. At most `limit` matches (what decides a hold must not pass a limit: see
/// Service::ScreenItem).
std::vector<ScreeningMatch> Screen(const std::vector<ScreenedField>& fields, const std::vector<std::string>& terms,
                                   std::size_t limit = 200);

/// The distinct terms among matches, in first-match order (what a publisher confirms).
std::vector<std::string> MatchedTerms(const std::vector<ScreeningMatch>& matches);

}  // namespace vp::portal
