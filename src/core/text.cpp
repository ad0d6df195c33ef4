#include "core/text.hpp"

#include <unicode/normalizer2.h>
#include <unicode/uchar.h>
#include <unicode/unistr.h>

#include <algorithm>

#include "core/message.hpp"

namespace vp::core {

bool IsValidUtf8(std::string_view s) {
    const auto* p = reinterpret_cast<const unsigned char*>(s.data());
    const auto* end = p + s.size();
    while (p < end) {
        unsigned c = *p;
        if (c < 0x80) {
            ++p;
            continue;
        }
        int n;
        unsigned cp;
        if ((c & 0xe0) == 0xc0) {
            n = 1;
            cp = c & 0x1f;
        } else if ((c & 0xf0) == 0xe0) {
            n = 2;
            cp = c & 0x0f;
        } else if ((c & 0xf8) == 0xf0) {
            n = 3;
            cp = c & 0x07;
        } else {
            return false;
        }
        if (end - p <= n) return false;  // truncated sequence
        for (int i = 1; i <= n; ++i) {
            if ((p[i] & 0xc0) != 0x80) return false;
            cp = (cp << 6) | (p[i] & 0x3f);
        }
        static constexpr unsigned kMin[] = {0, 0x80, 0x800, 0x10000};
        if (cp < kMin[n] || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return false;
        p += n + 1;
    }
    return true;
}

std::size_t Utf8Length(std::string_view s) {
    std::size_t n = 0;
    for (unsigned char c : s) {
        if ((c & 0xc0) != 0x80) ++n;
    }
    return n;
}

std::string ToNfc(std::string_view s) {
    // ASCII is already NFC: skip ICU for the common case.
    if (std::all_of(s.begin(), s.end(), [](char c) { return static_cast<unsigned char>(c) < 0x80; }) ||
        !IsValidUtf8(s)) {
        return std::string(s);
    }
    UErrorCode status = U_ZERO_ERROR;
    const icu::Normalizer2* nfc = icu::Normalizer2::getNFCInstance(status);
    if (U_FAILURE(status)) return std::string(s);
    auto in = icu::UnicodeString::fromUTF8(icu::StringPiece(s.data(), static_cast<int32_t>(s.size())));
    auto out = nfc->normalize(in, status);
    if (U_FAILURE(status)) return std::string(s);
    std::string result;
    out.toUTF8String(result);
    return result;
}

std::string FoldDiacritics(std::string_view s) {
    // ASCII folds to itself lower-cased (no marks to take off, nothing to compose): most words
    // of an index or a slug, without a trip through ICU.
    if (std::all_of(s.begin(), s.end(), [](char c) { return static_cast<unsigned char>(c) < 0x80; })) {
        std::string out(s);
        for (auto& c : out) {
            if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
        }
        return out;
    }
    if (!IsValidUtf8(s)) return std::string(s);
    UErrorCode status = U_ZERO_ERROR;
    const icu::Normalizer2* nfd = icu::Normalizer2::getNFDInstance(status);
    const icu::Normalizer2* nfc = icu::Normalizer2::getNFCInstance(status);
    if (U_FAILURE(status)) return std::string(s);
    const auto decomposed = nfd->normalize(
        icu::UnicodeString::fromUTF8(icu::StringPiece(s.data(), static_cast<int32_t>(s.size()))), status);
    if (U_FAILURE(status)) return std::string(s);
    icu::UnicodeString folded;
    for (int32_t i = 0; i < decomposed.length(); i = decomposed.moveIndex32(i, 1)) {
        const UChar32 cp = decomposed.char32At(i);
        if (u_charType(cp) == U_NON_SPACING_MARK) continue;
        const UChar32 lower = u_tolower(cp);
        folded.append(lower == 0x111 ? UChar32{'d'} : lower);  // đ
    }
    const auto composed = nfc->normalize(folded, status);
    std::string out;
    (U_FAILURE(status) ? folded : composed).toUTF8String(out);
    return out;
}

std::string Trim(std::string_view s) {
    auto ws = [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; };
    while (!s.empty() && ws(s.front())) s.remove_prefix(1);
    while (!s.empty() && ws(s.back())) s.remove_suffix(1);
    return std::string(s);
}

Result<std::string> CleanField(std::string_view field, std::string_view s, std::size_t max_chars, bool multiline) {
    const std::string name(field);
    if (!IsValidUtf8(s)) return InvalidField(name, Msg("core.field_invalid_text", {{"field", name}}));
    for (unsigned char c : s) {
        if ((c < 0x20 && !(multiline && (c == '\n' || c == '\t'))) || c == 0x7f)
            return InvalidField(name, Msg("core.field_control_chars", {{"field", name}}));
    }
    auto out = ToNfc(Trim(s));
    if (Utf8Length(out) > max_chars)
        return InvalidField(name, Msg("core.field_too_long", {{"field", name}, {"max", std::to_string(max_chars)}}));
    return out;
}

}  // namespace vp::core
