// Vietnamese search rules (search.hpp). Words are cut with ICU's character properties rather than
// a word-break iterator: Vietnamese words are syllables separated by spaces, and the index must
// cut the text exactly as the query is cut on both engines.
#include "portal/search.hpp"

#include <unicode/normalizer2.h>
#include <unicode/uchar.h>
#include <unicode/unistr.h>
#include <unicode/utf8.h>

#include <algorithm>
#include <mutex>
#include <unordered_map>

#include "core/text.hpp"

namespace vp::portal::search {
namespace {

constexpr std::size_t kMaxQueryWords = 12;

bool InWord(UChar32 cp) {
    const auto type = u_charType(cp);
    return u_isalnum(cp) || type == U_NON_SPACING_MARK || type == U_COMBINING_SPACING_MARK;
}

icu::UnicodeString Nfc(std::string_view s) {
    UErrorCode status = U_ZERO_ERROR;
    const icu::Normalizer2* nfc = icu::Normalizer2::getNFCInstance(status);
    auto u = icu::UnicodeString::fromUTF8(icu::StringPiece(s.data(), static_cast<int32_t>(s.size())));
    if (U_FAILURE(status)) return u;
    auto out = nfc->normalize(u, status);
    return U_FAILURE(status) ? u : out;
}

void AppendUtf8(std::string& out, UChar32 cp) {
    char buf[U8_MAX_LENGTH];
    int32_t n = 0;
    U8_APPEND_UNSAFE(buf, n, cp);
    out.append(buf, static_cast<std::size_t>(n));
}

// A word of the text: its bytes in the NFC text, and its lower-cased form.
struct Span {
    std::size_t begin = 0, end = 0;
    std::string lower;
};

// Cuts the NFC form of `text` (returned in `nfc`) into words.
std::vector<Span> Cut(std::string_view text, std::string* nfc_out) {
    std::vector<Span> out;
    if (!core::IsValidUtf8(text)) return out;
    const auto u = Nfc(text);
    std::string nfc;
    u.toUTF8String(nfc);
    std::size_t byte = 0;
    Span cur;
    bool in = false;
    for (int32_t i = 0; i < u.length(); i = u.moveIndex32(i, 1)) {
        const UChar32 cp = u.char32At(i);
        const std::size_t len = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
        if (InWord(cp)) {
            if (!in) {
                cur = Span{byte, byte, {}};
                in = true;
            }
            AppendUtf8(cur.lower, u_tolower(cp));
            cur.end = byte + len;
        } else if (in) {
            out.push_back(std::move(cur));
            in = false;
        }
        byte += len;
    }
    if (in) out.push_back(std::move(cur));
    if (nfc_out) *nfc_out = std::move(nfc);
    return out;
}

std::string Join(const std::vector<std::string>& words, std::string_view sep) {
    std::string out;
    for (const auto& w : words) {
        if (!out.empty()) out += sep;
        out += w;
    }
    return out;
}

std::string Fts5(const std::vector<std::string>& words, bool phrase, std::string_view columns) {
    if (words.empty()) return {};
    // Words hold only letters, digits and marks: quoting them is enough for FTS5's syntax.
    std::string body;
    if (phrase) {
        body = "\"" + Join(words, " ") + "\"";
    } else {
        for (const auto& w : words) body += (body.empty() ? "" : " AND ") + ("\"" + w + "\"");
    }
    return "{" + std::string(columns) + "} : (" + body + ")";
}

void EscapeTo(std::string& out, std::string_view s) {
    for (char c : s) {
        switch (c) {
            case '&': out += "&amp;"; break;
            case '<': out += "&lt;"; break;
            case '>': out += "&gt;"; break;
            case '"': out += "&quot;"; break;
            case '\'': out += "&#39;"; break;
            default: out += c;
        }
    }
}

}  // namespace

std::vector<std::string> Words(std::string_view text) {
    std::vector<std::string> out;
    for (auto& s : Cut(text, nullptr)) out.push_back(std::move(s.lower));
    return out;
}

std::vector<std::string> FoldedWords(std::string_view text) {
    std::vector<std::string> out;
    for (const auto& w : Words(text)) out.push_back(core::FoldDiacritics(w));
    return out;
}

std::string IndexText(std::string_view text, bool folded) {
    return Join(folded ? FoldedWords(text) : Words(text), " ");
}

Query Parse(std::string_view q) {
    Query out;
    auto trimmed = core::Trim(q);
    if (trimmed.size() >= 2 && trimmed.front() == '"' && trimmed.back() == '"') out.phrase = true;
    out.exact = Words(trimmed);
    if (out.exact.size() > kMaxQueryWords) out.exact.resize(kMaxQueryWords);
    for (const auto& w : out.exact) out.folded.push_back(core::FoldDiacritics(w));
    if (out.exact.size() < 2) out.phrase = false;
    return out;
}

std::string Fts5Folded(const Query& q) { return Fts5(q.folded, q.phrase, "ftitle fbody"); }
std::string Fts5Exact(const Query& q) { return Fts5(q.exact, q.phrase, "title body"); }
std::string TsFolded(const Query& q) { return Join(q.folded, q.phrase ? " <-> " : " & "); }
std::string TsExact(const Query& q) { return Join(q.exact, q.phrase ? " <-> " : " & "); }

bool ReadNewestFirst(bool postgres, std::int64_t matches, std::int64_t cap, std::int64_t offset, int limit) {
    return postgres && matches > cap && limit > 0 && offset >= 0 && offset + limit <= 20;
}

std::string Snippet(std::string_view text, const Query& q, std::size_t words) {
    std::string nfc;
    const auto spans = Cut(text, &nfc);
    if (spans.empty()) return {};
    std::vector<bool> hit(spans.size(), false);
    for (std::size_t i = 0; i < spans.size(); ++i) {
        const auto f = core::FoldDiacritics(spans[i].lower);
        hit[i] = std::find(q.folded.begin(), q.folded.end(), f) != q.folded.end();
    }
    // The window of `words` words holding the most hits (the first such).
    const std::size_t n = std::min(words, spans.size());
    std::size_t best = 0, best_hits = 0, hits = 0;
    for (std::size_t i = 0; i < spans.size(); ++i) {
        hits += hit[i];
        if (i >= n) hits -= hit[i - n];
        if (i + 1 >= n && hits > best_hits) {
            best_hits = hits;
            best = i + 1 - n;
        }
    }
    // Start a little before the first hit of the window, so it does not open the snippet.
    if (best_hits > 0) {
        std::size_t first = best;
        while (first < best + n && !hit[first]) ++first;
        best = first > 4 ? std::max(best, first - 4) : best;
        best = std::min(best, spans.size() - n);
    }
    std::string out;
    if (best > 0) out += "… ";
    std::size_t pos = spans[best].begin;
    for (std::size_t i = best; i < best + n; ++i) {
        EscapeTo(out, std::string_view(nfc).substr(pos, spans[i].begin - pos));
        const auto word = std::string_view(nfc).substr(spans[i].begin, spans[i].end - spans[i].begin);
        if (hit[i]) out += "<mark>";
        EscapeTo(out, word);
        if (hit[i]) out += "</mark>";
        pos = spans[i].end;
    }
    if (best + n < spans.size()) {
        out += " …";
    } else {
        EscapeTo(out, std::string_view(nfc).substr(pos));
    }
    return out;
}

namespace {

std::string ComputeSlug(std::string_view title) {
    std::string out;
    for (const auto& w : FoldedWords(title)) {
        std::string ascii;
        for (char c : w) {
            if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) ascii += c;
        }
        if (ascii.empty()) continue;
        if (out.size() + ascii.size() + 1 > 80) break;
        if (!out.empty()) out += '-';
        out += ascii;
    }
    return out;
}

}  // namespace

std::string Slug(std::string_view title) {
    // Every link of every page rendered asks for its slug, and cutting and folding a title costs
    // more than the rest of the link: the slugs of the last few thousand titles are kept (a pure
    // function of the title, so nothing ever needs to be forgotten for being stale).
    static std::mutex mutex;
    static std::unordered_map<std::string, std::string> memo;
    constexpr std::size_t kKept = 8192;
    {
        const std::lock_guard lock(mutex);
        if (const auto it = memo.find(std::string(title)); it != memo.end()) return it->second;
    }
    auto slug = ComputeSlug(title);
    const std::lock_guard lock(mutex);
    if (memo.size() >= kKept) memo.clear();
    memo.emplace(std::string(title), slug);
    return slug;
}

}  // namespace vp::portal::search
