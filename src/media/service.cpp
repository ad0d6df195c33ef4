#include <sodium.h>

#include <algorithm>
#include <semaphore>

#include <boost/json.hpp>

#include "core/text.hpp"
#include "media/internal.hpp"
#include "media/media.hpp"

namespace vp::media {

using core::db::Connection;

namespace {

std::string HumanBytes(std::int64_t n) {
    if (n >= (1ll << 20)) return std::to_string(n >> 20) + " MB";
    if (n >= 1024) return std::to_string(n >> 10) + " KB";
    return std::to_string(n) + " B";
}

core::Message KindMessage(Kind kind) {
    switch (kind) {
        case Kind::kImage: return core::Msg("media.kind_image");
        case Kind::kAudio: return core::Msg("media.kind_audio");
        case Kind::kVideo: return core::Msg("media.kind_video");
        case Kind::kDocument: return core::Msg("media.kind_document");
    }
    return core::Msg("media.kind_document");
}

// The type without parameters ("text/plain; charset=utf-8" → "text/plain").
std::string_view BareType(std::string_view mime) { return mime.substr(0, mime.find(';')); }

bool ValidPurpose(std::string_view p) {
    return !p.empty() && p.size() <= 64 && std::all_of(p.begin(), p.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
    });
}

// A file for a portal is checked on that portal (and the unit), else on the unit alone.
core::access::Scope ScopeOf(std::int64_t unit, const std::string& portal) {
    return portal.empty() ? core::access::Scope::Unit(unit) : core::access::Scope::Portal(portal, unit);
}

constexpr std::string_view kRecordSelect =
    "SELECT u.id, u.sha256, f.mime, f.size, u.filename, f.kind, f.width, f.height, u.purpose, u.unit_id,"
    " u.uploaded_by, u.uploaded_at, u.is_public, COALESCE(u.portal, '') FROM media_uploads u JOIN media_files f ON "
    "f.sha256 = u.sha256";

std::vector<Variant> LoadVariants(Connection& c, const std::string& sha256) {
    std::vector<Variant> out;
    // WebP before JPEG for each width ('webp' > 'jpg').
    for (const auto& r : c.Query("SELECT width, height, format, sha256, size FROM media_variants WHERE file_sha256 = $1"
                                 " ORDER BY width, format DESC",
                                 {sha256})) {
        const auto format = r.Text(2);
        out.push_back({static_cast<int>(r.Int(0)), static_cast<int>(r.Int(1)), format,
                       format == "webp" ? "image/webp" : "image/jpeg", r.Text(3), r.Int(4)});
    }
    return out;
}

std::optional<MediaFile> LoadRecord(Connection& c, std::int64_t id) {
    auto r = c.QueryOne(std::string(kRecordSelect) + " WHERE u.id = $1", {id});
    if (!r) return std::nullopt;
    MediaFile f;
    f.id = r->Int(0);
    f.sha256 = r->Text(1);
    f.mime = r->Text(2);
    f.size = r->Int(3);
    f.filename = r->Text(4);
    f.kind = ParseKind(r->Text(5)).value_or(Kind::kDocument);
    f.width = static_cast<int>(r->Int(6));
    f.height = static_cast<int>(r->Int(7));
    f.purpose = r->Text(8);
    f.unit_id = r->Int(9);
    f.uploaded_by = r->Int(10);
    f.uploaded_at = r->Int(11);
    f.is_public = r->Bool(12);
    f.portal = r->Text(13);
    f.variants = LoadVariants(c, f.sha256);
    return f;
}

}  // namespace

// At most N images decoded at once: a 50-megapixel image holds ~200 MB of pixels while it is
// processed. Others wait on their worker thread.
struct Service::Gate {
    explicit Gate(int n) : slots(std::clamp(n, 1, 64)) {}
    std::counting_semaphore<64> slots;
};

// What an upload stores: the original (the upload's own bytes, or an image's cleaned copy) and
// the variants.
struct Service::Processed {
    std::string sha256;
    std::string mime;
    Kind kind = Kind::kDocument;
    std::int64_t size = 0;
    int width = 0;
    int height = 0;
    std::optional<std::string> cleaned;  // images: the bytes to store instead of the upload's
    std::vector<std::pair<Variant, std::string>> variants;
};

Service::Service(core::db::Database& db, audit::Log& audit, const core::Clock& clock,
                 const core::access::Policy& policy, ServiceSettings settings)
    : db_(db),
      audit_(audit),
      clock_(clock),
      policy_(policy),
      settings_(std::move(settings)),
      store_(settings_.directory),
      images_(std::make_unique<Gate>(settings_.max_concurrent_images)) {
    if (sodium_init() < 0) throw std::runtime_error("libsodium failed to initialise");
}

Service::~Service() = default;

core::Result<Inspection> Service::Inspect(const UploadInput& in) const {
    if (!ValidPurpose(in.purpose)) return core::InvalidField("purpose", core::Msg("media.purpose_invalid"));
    if (in.bytes.empty()) return core::InvalidField("file", core::Msg("media.empty"));
    // The content decides; the declared type and the name's extension are never trusted.
    std::string mime = DetectMime(in.bytes);
    const auto kind = KindOfMime(mime);
    const std::string why = "detected " + mime + ", declared " + in.content_type.substr(0, 100);
    if (!kind) {
        return core::Error{core::ErrorCode::kUnsupportedMediaType, core::Msg("media.type_refused", {{"type", mime}}),
                           why};
    }
    if (!in.accept.empty() && std::find(in.accept.begin(), in.accept.end(), *kind) == in.accept.end()) {
        auto m = core::WithPart(core::Msg("media.kind_refused", {{"type", mime}}), "kind", KindMessage(*kind));
        m = core::WithPart(std::move(m), "expected",
                           in.accept.size() == 1 ? KindMessage(in.accept.front()) : core::Msg("media.kinds_several"));
        return core::Error{core::ErrorCode::kUnsupportedMediaType, std::move(m), why};
    }
    const auto limit = settings_.limits.For(*kind);
    if (static_cast<std::int64_t>(in.bytes.size()) > limit) {
        return core::Error{
            core::ErrorCode::kPayloadTooLarge,
            core::WithPart(core::Msg("media.too_large", {{"max", HumanBytes(limit)}}), "kind", KindMessage(*kind)),
            why};
    }
    if (mime == "text/plain" && core::IsValidUtf8(in.bytes)) mime = "text/plain; charset=utf-8";
    Inspection seen{*kind, mime, static_cast<std::int64_t>(in.bytes.size()),
                    detail::NameForType(SanitizeFilename(in.filename), BareType(mime)), Store::Sha256Hex(in.bytes)};
    if (*kind == Kind::kImage) {
        auto header = detail::ProbeImage(in.bytes, mime, settings_.limits.max_pixels);
        if (!header) return header.error();
        seen.width = header->width;
        seen.height = header->height;
    }
    return seen;
}

core::Result<Service::Processed> Service::Process(const UploadInput& in, const Inspection& seen) const {
    Processed p;
    p.mime = seen.mime;
    p.kind = seen.kind;
    if (seen.kind != Kind::kImage) {
        // Audio, video and documents are stored as they came (their bytes are not rewritten).
        p.sha256 = seen.source_sha256;
        p.size = seen.size;
        return p;
    }
    images_->slots.acquire();
    struct Release {
        std::counting_semaphore<64>& s;
        ~Release() { s.release(); }
    } release{images_->slots};
    auto image = detail::ProcessImage(in.bytes, seen.mime, settings_.limits.max_pixels);
    if (!image) return image.error();
    p.cleaned = std::move(image->original.bytes);
    p.sha256 = Store::Sha256Hex(*p.cleaned);
    p.size = static_cast<std::int64_t>(p.cleaned->size());
    p.width = image->original.width;
    p.height = image->original.height;
    for (auto& v : image->variants) {
        Variant variant{
            v.width, v.height, v.format, v.mime, Store::Sha256Hex(v.bytes), static_cast<std::int64_t>(v.bytes.size())};
        p.variants.emplace_back(std::move(variant), std::move(v.bytes));
    }
    return p;
}

core::Result<MediaFile> Service::Upload(const core::access::Principal& who, const UploadInput& input) {
    // No "any unit": a file is uploaded for a unit, by default the uploader's own.
    const std::int64_t unit = input.unit_id ? input.unit_id : who.unit_id;
    const bool portal_ok =
        input.portal.size() <= 40 && std::all_of(input.portal.begin(), input.portal.end(), [](char ch) {
            return (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '-';
        });
    if (!portal_ok) return core::InvalidField("portal", core::Msg("media.portal_invalid"));
    auto allowed = policy_.Authorize(who, kMediaUpload, ScopeOf(unit, input.portal));
    if (!allowed) return allowed.error();
    auto seen = Inspect(input);
    if (!seen) return seen.error();
    if (input.before_store) {
        if (auto st = input.before_store(*seen); !st) return st.error();
    }
    // Bytes uploaded before (for any purpose) are not processed or written again, as long as
    // their stored files are all there.
    std::optional<std::string> known = db_.Read([&](Connection& c) -> std::optional<std::string> {
        auto r = c.QueryOne("SELECT sha256 FROM media_files WHERE source_sha256 = $1 ORDER BY created_at LIMIT 1",
                            {seen->source_sha256});
        if (!r) return std::nullopt;
        const auto sha = r->Text(0);
        if (!store_.Contains(sha)) return std::nullopt;
        for (const auto& v : LoadVariants(c, sha)) {
            if (!store_.Contains(v.sha256)) return std::nullopt;
        }
        return sha;
    });
    Processed p;
    if (!known) {
        auto processed = Process(input, *seen);
        if (!processed) return processed.error();
        p = std::move(processed.value());
        // Files first, then the records: a record never names a file that is not on disk. A
        // failure between the two leaves a file nothing names (harmless; see docs/media.md).
        const auto stored = store_.Put(p.cleaned ? std::string_view(*p.cleaned) : input.bytes);
        if (stored != p.sha256) throw std::logic_error("media: stored digest differs");
        for (const auto& [variant, bytes] : p.variants) store_.Put(bytes);
    }
    const auto now = core::ToMillis(clock_.Now());
    const auto actor = allowed.value();
    return db_.Transact([&](Connection& c) -> core::Result<MediaFile> {
        std::string sha = known ? *known : p.sha256;
        if (!known) {
            c.Execute(
                "INSERT INTO media_files (sha256, source_sha256, kind, mime, size, width, height, created_at)"
                " VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (sha256) DO NOTHING",
                {p.sha256, seen->source_sha256, std::string(KindName(p.kind)), p.mime, p.size, p.width, p.height, now});
            for (const auto& [v, bytes] : p.variants) {
                c.Execute(
                    "INSERT INTO media_variants (file_sha256, width, format, height, sha256, size)"
                    " VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (file_sha256, width, format) DO NOTHING",
                    {p.sha256, v.width, v.format, v.height, v.sha256, v.size});
            }
        }
        const auto id =
            c.QueryOne(
                 "INSERT INTO media_uploads (sha256, filename, purpose, unit_id, portal, uploaded_by, uploaded_at, "
                 "is_public)"
                 " VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
                 {sha, seen->filename, input.purpose, unit,
                  input.portal.empty() ? core::db::Value{} : core::db::Value{input.portal}, who.user_id, now,
                  IsPrivatePurpose(input.purpose) ? 0 : 1})
                ->Int(0);
        auto record = LoadRecord(c, id);
        if (!record) throw std::logic_error("media: upload not found after insert");
        auto after = ToJson(*record).as_object();
        after["source_sha256"] = seen->source_sha256;
        after["declared_type"] = input.content_type.substr(0, 200);
        audit_.Write(c, actor, {"media.upload", "media", std::to_string(id), nullptr, std::move(after)});
        return std::move(*record);
    });
}

std::optional<MediaFile> Service::Find(std::int64_t id) const {
    return db_.Read([&](Connection& c) { return LoadRecord(c, id); });
}

core::Result<MediaFile> Service::Get(const core::access::Principal& who, std::int64_t id) const {
    auto record = Find(id);
    if (!record) return core::NotFound(core::Msg("media.not_found"));
    auto allowed = policy_.Authorize(who, kMediaUpload, ScopeOf(record->unit_id, record->portal));
    if (!allowed) return allowed.error();
    return std::move(*record);
}

std::optional<MediaFile> Service::FindPublicByDigest(std::string_view sha256) const {
    if (!Store::IsDigest(sha256)) return std::nullopt;
    return db_.Read([&](Connection& c) -> std::optional<MediaFile> {
        auto r = c.QueryOne("SELECT id FROM media_uploads WHERE sha256 = $1 AND is_public = 1 ORDER BY id LIMIT 1",
                            {std::string(sha256)});
        if (!r) return std::nullopt;
        return LoadRecord(c, r->Int(0));
    });
}

std::optional<MediaFile> Service::FindUploadOf(std::string_view sha256, std::string_view purpose_prefix,
                                               std::int64_t user) const {
    if (!Store::IsDigest(sha256)) return std::nullopt;
    return db_.Read([&](Connection& c) -> std::optional<MediaFile> {
        auto r = c.QueryOne("SELECT id FROM media_uploads WHERE sha256 = $1 AND uploaded_by = $2 AND"
                            " SUBSTR(purpose, 1, $3) = $4 ORDER BY id DESC LIMIT 1",
                            {std::string(sha256), user, static_cast<std::int64_t>(purpose_prefix.size()),
                             std::string(purpose_prefix)});
        if (!r) return std::nullopt;
        return LoadRecord(c, r->Int(0));
    });
}

std::optional<ServedFile> Service::FindServed(std::string_view sha256) const {
    if (!Store::IsDigest(sha256)) return std::nullopt;
    return db_.Read([&](Connection& c) -> std::optional<ServedFile> {
        auto r = c.QueryOne(
            "SELECT f.mime, f.kind, u.filename FROM media_files f JOIN media_uploads u ON u.sha256 = f.sha256"
            " WHERE f.sha256 = $1 AND u.is_public = 1 ORDER BY u.id LIMIT 1",
            {std::string(sha256)});
        if (!r) return std::nullopt;
        return ServedFile{std::string(sha256), r->Text(0), ParseKind(r->Text(1)).value_or(Kind::kDocument), r->Text(2)};
    });
}

std::optional<ServedFile> Service::FindStored(std::string_view sha256) const {
    if (!Store::IsDigest(sha256)) return std::nullopt;
    return db_.Read([&](Connection& c) -> std::optional<ServedFile> {
        auto r = c.QueryOne(
            "SELECT f.mime, f.kind, u.filename FROM media_files f JOIN media_uploads u ON u.sha256 = f.sha256"
            " WHERE f.sha256 = $1 ORDER BY u.id LIMIT 1",
            {std::string(sha256)});
        if (!r) return std::nullopt;
        return ServedFile{std::string(sha256), r->Text(0), ParseKind(r->Text(1)).value_or(Kind::kDocument), r->Text(2)};
    });
}

bool Service::IsPrivatePurpose(std::string_view purpose) const {
    return std::any_of(private_purposes_.begin(), private_purposes_.end(),
                       [&](const std::string& p) { return purpose.starts_with(p); });
}

std::optional<ServedFile> Service::FindServedVariant(std::string_view sha256, int width,
                                                     std::string_view format) const {
    if (!Store::IsDigest(sha256) || (format != "webp" && format != "jpg")) return std::nullopt;
    return db_.Read([&](Connection& c) -> std::optional<ServedFile> {
        auto r = c.QueryOne(
            "SELECT v.sha256, u.filename FROM media_variants v JOIN media_uploads u ON u.sha256 = v.file_sha256"
            " WHERE v.file_sha256 = $1 AND v.width = $2 AND v.format = $3 AND u.is_public = 1"
            " ORDER BY u.id LIMIT 1",
            {std::string(sha256), width, std::string(format)});
        if (!r) return std::nullopt;
        // "ảnh.jpg" → "ảnh-640.webp"
        auto name = r->Text(1);
        const auto dot = name.rfind('.');
        if (dot != std::string::npos && dot > 0) name.resize(dot);
        name += "-" + std::to_string(width) + "." + std::string(format);
        return ServedFile{r->Text(0), format == "webp" ? "image/webp" : "image/jpeg", Kind::kImage, std::move(name)};
    });
}

bool Service::SetPublic(Connection& c, std::int64_t id, bool is_public) const {
    return c.Execute("UPDATE media_uploads SET is_public = $2 WHERE id = $1", {id, is_public ? 1 : 0}) == 1;
}

}  // namespace vp::media
