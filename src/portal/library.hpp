#pragma once
// The shared library of the portals (P-3, P-4, P-25): the register of official documents that
// every portal looks up, cites and lists without copying, and the collections (Party documents
// and archives, classic works, the Hồ Chí Minh site) organised by volume, part and chapter.
// The rules here are pure; storage is in document_service.cpp and collection_service.cpp.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/access.hpp"

namespace vp::portal {

/// Kinds of official documents (09-QC/TW Art. 3.1, 9.2; P-2, P-3).
const std::vector<std::string>& DocumentKinds();
bool IsDocumentKind(std::string_view code);

/// The words of a look-up query in the one folded form (core::FoldDiacritics): "Nghị  quyết
/// 18" -> {"nghi", "quyet", "18"}. Punctuation other than '/', '-' and '.' separates words (a
/// symbol "NQ/TW" stays one word); at most `max_words`.
std::vector<std::string> QueryWords(std::string_view query, std::size_t max_words = 12);
/// Whether a folded text contains every folded word.
bool HoldsAllWords(std::string_view folded_text, const std::vector<std::string>& words);

/// Kinds of collections (09-QC/TW Art. 9.5, 9.6, 11.2; P-4).
const std::vector<std::string>& CollectionKinds();
/// Levels of a collection's tree, outermost first: volume (tập), part (phần), chapter
/// (chương), section (mục).
const std::vector<std::string>& CollectionLevels();
/// A node of `child` level may sit under a node of `parent` level ("" = the collection itself)
/// when it is strictly deeper: a volume holds parts or chapters, a chapter never holds a volume.
bool MayContain(std::string_view parent, std::string_view child);

/// Reuse a shared document on a portal: its publishers (the item publish permission of that
/// portal) place it in one of their sections.
/// Manage a collection's structure: the main portal's publishers (collections are shared).
inline constexpr core::access::Permission kLibraryManage{"portal.library.manage"};

}  // namespace vp::portal
