// The pure parts of the media module: kinds, limits, names, headers, JSON.
#include <unicode/normalizer2.h>
#include <unicode/uchar.h>
#include <unicode/unistr.h>

#include <boost/json.hpp>

#include "core/text.hpp"
#include "media/internal.hpp"
#include "media/media.hpp"

namespace vp::media {
namespace {

// Characters that never belong in a shown file name: controls (C0, C1, DEL), format characters
// (bidirectional overrides such as U+202E, which make "gpj.exe" read as "exe.jpg"; zero-width
// characters; the BOM), line and paragraph separators, and unassigned or private code points.
bool Unwanted(UChar32 c) {
    switch (u_charType(c)) {
        case U_CONTROL_CHAR:
        case U_FORMAT_CHAR:
        case U_LINE_SEPARATOR:
        case U_PARAGRAPH_SEPARATOR:
        case U_UNASSIGNED:
        case U_PRIVATE_USE_CHAR:
        case U_SURROGATE: return true;
        default: return false;
    }
}

std::string ToUtf8(const icu::UnicodeString& s) {
    std::string out;
    s.toUTF8String(out);
    return out;
}

// Cuts UTF-8 `s` to at most `max` bytes at a code point boundary.
std::string CutUtf8(std::string s, std::size_t max) {
    if (s.size() <= max) return s;
    std::size_t n = max;
    while (n > 0 && (static_cast<unsigned char>(s[n]) & 0xC0) == 0x80) --n;
    s.resize(n);
    return s;
}

bool IsAttrChar(unsigned char c) {  // RFC 5987 attr-char
    return std::isalnum(c) || std::string_view("!#$&+-.^_`|~").find(static_cast<char>(c)) != std::string_view::npos;
}

}  // namespace

void DeclareAccess(core::access::Policy& policy) {
    // The roles that edit content: the Portal's editorial roles, the Tasks roles that attach
    // documents and the Conferences' organisers and sites (reports). The Portal may add a role
    // of its own later; the leadership, inspectors and system administrators upload nothing.
    policy.Allow(kMediaUpload, {"contributor", "editor", "reviewer", "publisher", "portal_director", "portal_admin",
                                "translator", "task_office", "unit_focal_point", "unit_approver", "monitoring_officer",
                                "conference_organiser", "site_operator"});
}

std::string_view KindName(Kind kind) {
    switch (kind) {
        case Kind::kImage: return "image";
        case Kind::kAudio: return "audio";
        case Kind::kVideo: return "video";
        case Kind::kDocument: return "document";
    }
    return "document";
}

std::optional<Kind> ParseKind(std::string_view name) {
    for (auto k : {Kind::kImage, Kind::kAudio, Kind::kVideo, Kind::kDocument}) {
        if (KindName(k) == name) return k;
    }
    return std::nullopt;
}

std::int64_t Limits::For(Kind kind) const {
    switch (kind) {
        case Kind::kImage: return image;
        case Kind::kAudio: return audio;
        case Kind::kVideo: return video;
        case Kind::kDocument: return document;
    }
    return document;
}

std::int64_t Limits::Largest() const { return std::max({image, audio, video, document}); }

core::Result<Limits> ParseLimits(std::string_view text) {
    Limits out;
    while (!text.empty()) {
        const auto comma = text.find(',');
        const auto item = core::Trim(text.substr(0, comma));
        text = comma == std::string_view::npos ? std::string_view{} : text.substr(comma + 1);
        if (item.empty()) continue;
        const auto eq = item.find('=');
        const auto bad = core::InvalidInput(core::Msg("media.limits_invalid", {{"item", item}}));
        if (eq == std::string::npos) return bad;
        const auto name = core::Trim(item.substr(0, eq));
        const auto value = core::Trim(item.substr(eq + 1));
        if (value.empty() || value.size() > 12 ||
            !std::all_of(value.begin(), value.end(), [](char c) { return c >= '0' && c <= '9'; }))
            return bad;
        const std::int64_t n = std::stoll(value);
        if (n <= 0) return bad;
        if (name == "pixels") {
            out.max_pixels = n;
        } else if (auto kind = ParseKind(name)) {
            if (n > 4096) return bad;  // MiB: a body this large could not be held in memory anyway
            const std::int64_t bytes = n << 20;
            switch (*kind) {
                case Kind::kImage: out.image = bytes; break;
                case Kind::kAudio: out.audio = bytes; break;
                case Kind::kVideo: out.video = bytes; break;
                case Kind::kDocument: out.document = bytes; break;
            }
        } else {
            return bad;
        }
    }
    return out;
}

std::string FileUrl(std::string_view sha256) { return "/media/" + std::string(sha256); }

bool IsFileUrl(std::string_view url) {
    constexpr std::string_view kPrefix = "/media/";
    return url.starts_with(kPrefix) && Store::IsDigest(url.substr(kPrefix.size()));
}

std::string VariantUrl(std::string_view sha256, int width, std::string_view format) {
    return "/media/" + std::string(sha256) + "/" + std::to_string(width) + "." + std::string(format);
}

boost::json::value ToJson(const MediaFile& f) {
    boost::json::array variants;
    for (const auto& v : f.variants) {
        variants.push_back(boost::json::object{{"width", v.width},
                                               {"height", v.height},
                                               {"format", v.format},
                                               {"mime", v.mime},
                                               {"size", v.size},
                                               {"sha256", v.sha256},
                                               {"url", VariantUrl(f.sha256, v.width, v.format)}});
    }
    boost::json::object o{{"id", f.id},
                          {"sha256", f.sha256},
                          {"mime", f.mime},
                          {"size", f.size},
                          {"kind", KindName(f.kind)},
                          {"filename", f.filename},
                          {"url", FileUrl(f.sha256)},
                          {"variants", std::move(variants)},
                          {"purpose", f.purpose},
                          {"unit_id", f.unit_id},
                          {"uploaded_by", f.uploaded_by},
                          {"uploaded_at", f.uploaded_at},
                          {"public", f.is_public}};
    if (f.kind == Kind::kImage) {
        o["width"] = f.width;
        o["height"] = f.height;
    } else {
        o["width"] = nullptr;
        o["height"] = nullptr;
    }
    return o;
}

std::string SanitizeFilename(std::string_view declared) {
    if (!core::IsValidUtf8(declared)) return {};
    // Only the last path segment, whichever separator the sender's system uses.
    const auto slash = declared.find_last_of("/\\");
    if (slash != std::string_view::npos) declared.remove_prefix(slash + 1);
    const auto u =
        icu::UnicodeString::fromUTF8(icu::StringPiece(declared.data(), static_cast<int32_t>(declared.size())));
    icu::UnicodeString kept;
    for (int32_t i = 0; i < u.length();) {
        const UChar32 c = u.char32At(i);
        i += U16_LENGTH(c);
        if (c == '\t' || u_charType(c) == U_SPACE_SEPARATOR) {
            kept.append(UChar32(' '));  // tabs, no-break and other spaces: a plain space
        } else if (!Unwanted(c)) {
            kept.append(c);  // CR, LF and the other controls are dropped
        }
    }
    std::string name = core::ToNfc(ToUtf8(kept));
    // No hidden files, no "..", no surrounding spaces or trailing dots (Windows drops them).
    const auto first = name.find_first_not_of(" .");
    if (first == std::string::npos) return {};
    name.erase(0, first);
    while (!name.empty() && (name.back() == ' ' || name.back() == '.')) name.pop_back();
    // Collapse runs of spaces.
    std::string collapsed;
    for (char c : name) {
        if (c == ' ' && !collapsed.empty() && collapsed.back() == ' ') continue;
        collapsed.push_back(c);
    }
    name = std::move(collapsed);
    constexpr std::size_t kMax = 200;
    if (name.size() > kMax) {
        const auto dot = name.rfind('.');
        const std::string ext = dot != std::string::npos && name.size() - dot <= 11 ? name.substr(dot) : "";
        name = CutUtf8(name.substr(0, name.size() - ext.size()), kMax - ext.size()) + ext;
    }
    return name;
}

std::string ContentDisposition(bool as_attachment, std::string_view filename) {
    std::string clean;
    for (char c : filename) {
        const auto u = static_cast<unsigned char>(c);
        if (u >= 0x20 && u != 0x7f) clean.push_back(c);  // again: never CR, LF or NUL in a header
    }
    if (!core::IsValidUtf8(clean)) clean.clear();
    if (clean.empty()) clean = "file";
    // The ASCII fallback: Vietnamese letters without their marks ("Báo cáo" → "Bao cao",
    // "Đảng" → "Dang"), anything else outside printable ASCII, and quotes, backslashes and
    // percent signs (which some browsers decode), as '_'.
    UErrorCode status = U_ZERO_ERROR;
    const auto* nfd = icu::Normalizer2::getNFDInstance(status);
    icu::UnicodeString decomposed;
    const auto u = icu::UnicodeString::fromUTF8(icu::StringPiece(clean.data(), static_cast<int32_t>(clean.size())));
    if (U_SUCCESS(status)) decomposed = nfd->normalize(u, status);
    if (U_FAILURE(status)) decomposed = u;
    std::string ascii;
    for (int32_t i = 0; i < decomposed.length();) {
        const UChar32 c = decomposed.char32At(i);
        i += U16_LENGTH(c);
        if (u_charType(c) == U_NON_SPACING_MARK) continue;
        if (c == 0x0110) {
            ascii.push_back('D');
        } else if (c == 0x0111) {
            ascii.push_back('d');
        } else if (c >= 0x20 && c < 0x7f && c != '"' && c != '\\' && c != '%') {
            ascii.push_back(static_cast<char>(c));
        } else {
            ascii.push_back('_');
        }
    }
    static constexpr char kHex[] = "0123456789ABCDEF";
    std::string encoded;
    for (unsigned char c : clean) {
        if (IsAttrChar(c)) {
            encoded.push_back(static_cast<char>(c));
        } else {
            encoded.push_back('%');
            encoded.push_back(kHex[c >> 4]);
            encoded.push_back(kHex[c & 15]);
        }
    }
    return std::string(as_attachment ? "attachment" : "inline") + "; filename=\"" + ascii + "\"; filename*=UTF-8''" +
           encoded;
}

}  // namespace vp::media
