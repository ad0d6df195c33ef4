#pragma once
// Vietnamese search rules of the public site (P-21, X-2). Pure; tests: search_test.cpp.
//
// Text is indexed twice: exact (NFC, lower-cased, with its diacritics) and folded (the core's one
// folding function: no diacritics, "đ" as "d"). A query finds what its folded words find (so
// "nghi quyet" finds "nghị quyết"), and results whose text holds every query word exactly rank
// above those that match only folded ("Đảng" before "đang" and "dạng"). Text in decomposed form
// (NFD) is composed first, in the index and in queries alike.

#include <string>
#include <string_view>
#include <vector>

namespace vp::portal::search {

/// The words of `text`: NFC, lower-cased (Vietnamese), split at everything that is not a letter,
/// a digit or a combining mark. Each word holds only letters, digits and marks.
std::vector<std::string> Words(std::string_view text);
/// The same words folded (FoldDiacritics).
std::vector<std::string> FoldedWords(std::string_view text);
/// Words joined by single spaces: what the index stores for `text` (exact or folded).
std::string IndexText(std::string_view text, bool folded);

/// A parsed query: the words as typed (exact) and folded, and whether it is a phrase (typed in
/// double quotes: the words must stand together and in order).
struct Query {
    std::vector<std::string> exact, folded;
    bool phrase = false;
    bool empty() const { return folded.empty(); }
};
/// At most 12 words are kept.
Query Parse(std::string_view q);

/// SQLite FTS5 MATCH expressions over the columns (title, body, ftitle, fbody): every folded word
/// (or the folded phrase) in the folded columns; the same with the exact words in the exact ones.
std::string Fts5Folded(const Query& q);
std::string Fts5Exact(const Query& q);
/// PostgreSQL tsquery texts for to_tsquery('simple', …): words joined by & (or <-> for a phrase).
std::string TsFolded(const Query& q);
std::string TsExact(const Query& q);

/// The newest items a search reads by its key first (PostgreSQL): see ReadNewestFirst.
inline constexpr int kNewestWindow = 200;
/// Whether a search reads its exact tier among the kNewestWindow newest items first: on
/// PostgreSQL only, when more than `cap` items match once folded (a common word, whose exact tier
/// is likely dense among the newest), and for a page that ends within the first 20 results
/// (beyond, the window would rarely hold it). When the window holds the page it is the answer;
/// otherwise the search goes on as if it had not looked.
bool ReadNewestFirst(bool postgres, std::int64_t matches, std::int64_t cap, std::int64_t offset, int limit);

/// An HTML snippet of `text` (at most about `words` words) around the densest run of query
/// words, HTML-escaped, each matching word (compared folded) wrapped in <mark>…</mark>; "…" marks
/// cut ends. Without a match: the start of the text.
std::string Snippet(std::string_view text, const Query& q, std::size_t words = 30);

/// A URL slug of a title: folded words joined by "-", at most 80 bytes ("Nghị quyết số 18" ->
/// "nghi-quyet-so-18").
std::string Slug(std::string_view title);

}  // namespace vp::portal::search
