#include "portal/screening.hpp"

#include <unicode/uchar.h>
#include <unicode/locid.h>
#include <unicode/unistr.h>
#include <unicode/utf8.h>

#include <algorithm>

#include "core/text.hpp"

namespace vp::portal {
namespace {

// A word of a text: its bytes in the original and its two comparable forms.
struct Word {
    std::size_t begin = 0, end = 0;  // byte offsets in the original text
    std::string exact;               // lower-cased, NFC
    std::string folded;              // core::FoldDiacritics
};

// Invisible characters (zero-width space, word joiner, soft hyphen, BOM…) neither end a word nor
// count in it, so "ph\u200Bản động" is still "phản động".
bool IsIgnorable(UChar32 cp) { return u_hasBinaryProperty(cp, UCHAR_DEFAULT_IGNORABLE_CODE_POINT); }

bool IsWordCodePoint(UChar32 cp) {
    // Letters and digits, and the combining marks that decomposed text carries on its letters.
    return u_isalnum(cp) || u_charType(cp) == U_NON_SPACING_MARK || u_charType(cp) == U_COMBINING_SPACING_MARK;
}

std::string Lower(std::string_view s) {
    auto u = icu::UnicodeString::fromUTF8(icu::StringPiece(s.data(), static_cast<int32_t>(s.size())));
    static const icu::Locale vi("vi");
    u.toLower(vi);
    std::string out;
    u.toUTF8String(out);
    return core::ToNfc(out);
}

// Splits text into words on every code point that is neither a letter, a digit nor a mark.
// Written here because the word boundaries needed are exactly these (ICU's word break iterator
// would also split on apostrophes and join numbers with dots, which changes what a term means).
std::vector<Word> Words(std::string_view text) {
    std::vector<Word> out;
    const auto* s = reinterpret_cast<const uint8_t*>(text.data());
    const auto n = static_cast<int32_t>(text.size());
    int32_t i = 0;
    std::size_t start = std::string_view::npos;
    while (i < n) {
        const int32_t at = i;
        UChar32 cp = 0;
        U8_NEXT(s, i, n, cp);
        if (cp >= 0 && IsIgnorable(cp)) continue;
        const bool word = cp >= 0 && IsWordCodePoint(cp);
        if (word && start == std::string_view::npos) start = static_cast<std::size_t>(at);
        if (!word && start != std::string_view::npos) {
            out.push_back({start, static_cast<std::size_t>(at), {}, {}});
            start = std::string_view::npos;
        }
    }
    if (start != std::string_view::npos) out.push_back({start, text.size(), {}, {}});
    for (auto& w : out) {
        // The comparable forms without the invisible characters inside the word.
        std::string piece;
        const auto* p = s + w.begin;
        const auto len = static_cast<int32_t>(w.end - w.begin);
        for (int32_t j = 0; j < len;) {
            const int32_t at = j;
            UChar32 cp = 0;
            U8_NEXT(p, j, len, cp);
            if (cp >= 0 && IsIgnorable(cp)) continue;
            piece.append(text.substr(w.begin + static_cast<std::size_t>(at), static_cast<std::size_t>(j - at)));
        }
        w.exact = Lower(piece);
        w.folded = core::FoldDiacritics(piece);
    }
    return out;
}

constexpr std::size_t kContextWords = 6;

}  // namespace

std::vector<ScreeningMatch> Screen(const std::vector<ScreenedField>& fields, const std::vector<std::string>& terms,
                                   std::size_t limit) {
    struct Term {
        std::string text;
        std::vector<Word> words;
    };
    std::vector<Term> prepared;
    for (const auto& t : terms) {
        auto words = Words(t);
        if (!words.empty()) prepared.push_back({t, std::move(words)});
    }
    std::vector<ScreeningMatch> out;
    for (const auto& field : fields) {
        const auto words = Words(field.text);
        for (std::size_t i = 0; i < words.size() && out.size() < limit; ++i) {
            for (const auto& term : prepared) {
                const auto k = term.words.size();
                if (i + k > words.size()) continue;
                bool exact = true, folded = true;
                for (std::size_t j = 0; j < k && folded; ++j) {
                    exact = exact && words[i + j].exact == term.words[j].exact;
                    folded = words[i + j].folded == term.words[j].folded;
                }
                if (!folded) continue;
                const auto& first = words[i];
                const auto& last = words[i + k - 1];
                const auto from = words[i >= kContextWords ? i - kContextWords : 0].begin;
                const auto to = words[std::min(words.size() - 1, i + k - 1 + kContextWords)].end;
                out.push_back({.term = term.text,
                               .form = exact ? "exact" : "folded",
                               .field = field.name,
                               .before = field.text.substr(from, first.begin - from),
                               .text = field.text.substr(first.begin, last.end - first.begin),
                               .after = field.text.substr(last.end, to - last.end)});
                if (out.size() >= limit) break;
            }
        }
    }
    return out;
}

std::vector<std::string> MatchedTerms(const std::vector<ScreeningMatch>& matches) {
    std::vector<std::string> out;
    for (const auto& m : matches) {
        if (std::find(out.begin(), out.end(), m.term) == out.end()) out.push_back(m.term);
    }
    return out;
}

}  // namespace vp::portal
