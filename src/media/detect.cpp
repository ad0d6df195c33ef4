// What a file is, decided from its bytes (libmagic), and the allow-list of what is accepted.
#include <magic.h>

#include <algorithm>
#include <stdexcept>

#include "media/internal.hpp"
#include "media/media.hpp"

namespace vp::media {
namespace {

struct Allowed {
    std::string_view detected;  ///< as libmagic names it
    std::string_view mime;      ///< as it is served
    Kind kind;
    std::array<std::string_view, 3> extensions;  ///< the first is the canonical one
};

// The allow-list (P-12: images, audio and video in common formats; P-2, P-3: documents). When adding a type here ^, also update docs/media.md; images also need
// a decoder in image.cpp. Not here on purpose: SVG (scripts), HTML, XML, ZIP and other archives
// (a document is a single file), video/quicktime, executables.
constexpr Allowed kAllowed[] = {
    {"image/jpeg", "image/jpeg", Kind::kImage, {"jpg", "jpeg", "jpe"}},
    {"image/png", "image/png", Kind::kImage, {"png"}},
    {"image/webp", "image/webp", Kind::kImage, {"webp"}},
    {"image/gif", "image/gif", Kind::kImage, {"gif"}},
    {"audio/mpeg", "audio/mpeg", Kind::kAudio, {"mp3"}},
    {"audio/x-m4a", "audio/mp4", Kind::kAudio, {"m4a", "mp4"}},
    {"audio/mp4", "audio/mp4", Kind::kAudio, {"m4a", "mp4"}},
    {"audio/x-hx-aac-adts", "audio/aac", Kind::kAudio, {"aac"}},
    {"audio/aac", "audio/aac", Kind::kAudio, {"aac"}},
    {"audio/ogg", "audio/ogg", Kind::kAudio, {"ogg", "oga", "opus"}},
    {"audio/x-wav", "audio/wav", Kind::kAudio, {"wav"}},
    {"audio/wav", "audio/wav", Kind::kAudio, {"wav"}},
    {"audio/vnd.wave", "audio/wav", Kind::kAudio, {"wav"}},
    {"video/mp4", "video/mp4", Kind::kVideo, {"mp4", "m4v"}},
    {"video/webm", "video/webm", Kind::kVideo, {"webm"}},
    {"application/pdf", "application/pdf", Kind::kDocument, {"pdf"}},
    {"application/vnd.openxmlformats-officedocument.wordprocessingml.document",
     "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
     Kind::kDocument,
     {"docx"}},
    {"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
     "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
     Kind::kDocument,
     {"xlsx"}},
    {"application/vnd.oasis.opendocument.text", "application/vnd.oasis.opendocument.text", Kind::kDocument, {"odt"}},
    {"application/vnd.oasis.opendocument.spreadsheet",
     "application/vnd.oasis.opendocument.spreadsheet",
     Kind::kDocument,
     {"ods"}},
    {"text/plain", "text/plain", Kind::kDocument, {"txt"}},
};

const Allowed* FindServed(std::string_view mime) {
    mime = mime.substr(0, mime.find(';'));  // "text/plain; charset=utf-8"
    for (const auto& a : kAllowed) {
        if (a.mime == mime) return &a;
    }
    return nullptr;
}

// One libmagic handle per thread: a magic_t is not safe to share, and loading the database
// (about 8 MB) per call would cost more than the detection.
class MagicHandle {
public:
    MagicHandle() {
        // No decompression (a zip bomb stays a zip), no looking into ELF sections, MIME type only.
        handle_ = magic_open(MAGIC_MIME_TYPE | MAGIC_ERROR | MAGIC_NO_CHECK_COMPRESS | MAGIC_NO_CHECK_ELF);
        if (!handle_) throw std::runtime_error("libmagic: magic_open failed");
        if (magic_load(handle_, nullptr) != 0) {
            const std::string why = magic_error(handle_) ? magic_error(handle_) : "unknown error";
            magic_close(handle_);
            throw std::runtime_error("libmagic: cannot load the magic database: " + why);
        }
    }
    ~MagicHandle() { magic_close(handle_); }
    MagicHandle(const MagicHandle&) = delete;
    MagicHandle& operator=(const MagicHandle&) = delete;
    magic_t Get() const { return handle_; }

private:
    magic_t handle_;
};

}  // namespace

std::string DetectMime(std::string_view bytes) {
    if (bytes.empty()) return "application/x-empty";
    thread_local MagicHandle magic;
    // The first MiB decides (libmagic's own default reach); the rest is never read.
    const auto* type = magic_buffer(magic.Get(), bytes.data(), std::min<std::size_t>(bytes.size(), 1u << 20));
    if (!type) return "application/octet-stream";
    const std::string_view detected(type);
    for (const auto& a : kAllowed) {
        if (a.detected == detected) return std::string(a.mime);
    }
    return std::string(detected);
}

std::optional<Kind> KindOfMime(std::string_view mime) {
    if (const auto* a = FindServed(mime)) return a->kind;
    return std::nullopt;
}

std::string_view ExtensionFor(std::string_view mime) {
    const auto* a = FindServed(mime);
    return a ? a->extensions[0] : std::string_view("bin");
}

namespace detail {

std::vector<std::string_view> ExtensionsFor(std::string_view mime) {
    std::vector<std::string_view> out;
    if (const auto* a = FindServed(mime)) {
        for (auto e : a->extensions) {
            if (!e.empty()) out.push_back(e);
        }
    }
    return out;
}

std::string NameForType(std::string name, std::string_view mime) {
    const auto canonical = std::string(ExtensionFor(mime));
    if (name.empty()) return "file." + canonical;
    // An extension is 1–5 ASCII letters or digits after the last dot.
    const auto dot = name.rfind('.');
    std::string ext;
    if (dot != std::string::npos && dot > 0 && name.size() - dot - 1 >= 1 && name.size() - dot - 1 <= 5) {
        ext = name.substr(dot + 1);
        if (!std::all_of(ext.begin(), ext.end(), [](char c) { return std::isalnum(static_cast<unsigned char>(c)); })) {
            ext.clear();
        }
    }
    if (ext.empty()) return name + "." + canonical;
    std::string lower = ext;
    for (auto& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    for (auto e : ExtensionsFor(mime)) {
        if (e == lower) return name;
    }
    // The content decides: "x.pdf" that is a PNG is shown and saved as "x.png".
    return name.substr(0, dot) + "." + canonical;
}

}  // namespace detail
}  // namespace vp::media
