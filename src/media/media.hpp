#pragma once
// The shared uploads and media module (P-2, P-3, P-12): the Portal's images, audio, video and document
// files, the Tasks module's documents and the Conferences' reports. Files are checked by their
// content (libmagic), limited in size per kind, images decoded, turned upright, stripped of all
// metadata and resized (libvips), and stored content-addressed (SHA-256) on disk, never in the
// database. See docs/media.md.

#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json/value.hpp>

#include "audit/audit.hpp"
#include "core/access.hpp"
#include "core/clock.hpp"
#include "core/db/database.hpp"
#include "core/result.hpp"

namespace vp::media {

/// Who may upload (articles' images, task documents, conference reports): the roles that edit
/// content. Checked by Service::Upload over the unit the file is uploaded for.
inline constexpr core::access::Permission kMediaUpload{"media.upload"};
/// Declares the module's permission and the roles that hold it.
void DeclareAccess(core::access::Policy& policy);

enum class Kind { kImage, kAudio, kVideo, kDocument };
/// "image", "audio", "video", "document". When adding a kind ^, also update ParseKind, the
/// allow-list (detect.cpp), Limits and docs/media.md.
std::string_view KindName(Kind kind);
std::optional<Kind> ParseKind(std::string_view name);

/// @brief Largest accepted upload per kind, in bytes, and the largest image in pixels (a
/// decompression bomb declares a huge canvas in a few bytes).
struct Limits {
    std::int64_t image = 20ll << 20;
    std::int64_t audio = 100ll << 20;
    std::int64_t video = 256ll << 20;
    std::int64_t document = 50ll << 20;
    std::int64_t max_pixels = 50'000'000;
    std::int64_t For(Kind kind) const;
    std::int64_t Largest() const;
};

/// Parses "image=20,audio=100,video=256,document=50" (MiB per kind; kinds left out keep their
/// default; "pixels=50000000" sets max_pixels). An error naming the bad item otherwise.
core::Result<Limits> ParseLimits(std::string_view text);

/// One resized copy of an image, stored content-addressed like its original.
struct Variant {
    int width = 0;
    int height = 0;
    std::string format;  ///< "webp" or "jpg"
    std::string mime;    ///< "image/webp" or "image/jpeg"
    std::string sha256;
    std::int64_t size = 0;
};

/// @brief One upload: the stored file (by digest, shared by every upload of the same bytes) and
/// who uploaded it, for which unit and purpose.
struct MediaFile {
    std::int64_t id = 0;
    std::string sha256;  ///< hex digest of the stored bytes (for images: the cleaned original)
    std::string mime;    ///< detected from the content, as served
    std::int64_t size = 0;
    std::string filename;  ///< for display and downloads: sanitised, extension matching `mime`
    Kind kind = Kind::kDocument;
    int width = 0;  ///< images only (upright, after EXIF orientation)
    int height = 0;
    std::vector<Variant> variants;  ///< images only, by width then format
    std::string purpose;            ///< owner module and use, e.g. "portal.article"
    std::int64_t unit_id = 0;
    std::string portal;            ///< the portal it was uploaded for, or ""
    std::int64_t uploaded_by = 0;  ///< user id; 0 for the operator
    std::int64_t uploaded_at = 0;  ///< UTC ms
    bool is_public = true;
};

/// Public URLs of a file and of its variants ("/media/<sha256>", "/media/<sha256>/640.webp").
std::string FileUrl(std::string_view sha256);
/// Whether `url` is a stored file's address as FileUrl writes it ("/media/" and 64 hex digits):
/// what owner modules accept for the files their records name.
bool IsFileUrl(std::string_view url);
std::string VariantUrl(std::string_view sha256, int width, std::string_view format);
/// The record as the API shows it (id, sha256, mime, size, kind, filename, width, height,
/// variants [{width, height, format, url, size}], url, purpose, unit_id, uploaded_at).
boost::json::value ToJson(const MediaFile& f);

/// What a caller may look at before anything is stored (UploadInput::before_store).
struct Inspection {
    Kind kind = Kind::kDocument;
    std::string mime;  ///< detected
    std::int64_t size = 0;
    std::string filename;       ///< sanitised
    std::string source_sha256;  ///< digest of the bytes as uploaded
    int width = 0;              ///< images: from the header (before orientation)
    int height = 0;
};

struct UploadInput {
    std::string_view bytes;    ///< the file; must outlive the call
    std::string filename;      ///< declared; only shown (sanitised), never used as a path
    std::string content_type;  ///< declared; never trusted (the content decides)
    std::string purpose;       ///< owner module and use: [a-z0-9._-], 1–64 characters
    std::int64_t unit_id = 0;  ///< the unit the file is for; 0: the uploader's own unit
    /// The portal the file is for ("" none): checked against grants limited to that portal, so
    /// a portal's editorial board uploads with its portal-scoped roles.
    std::string portal;
    std::vector<Kind> accept;  ///< kinds the caller takes (empty: any)
    /// Called once the content is identified and within limits, before anything is written:
    /// an error refuses the upload with that error (a secret document, say) and nothing is
    /// stored. Runs on the request's thread; must not block for long.
    std::function<core::Status(const Inspection&)> before_store;
};

/// @brief Files stored by the SHA-256 of their bytes under `root`: `root/sha256/ab/cd/<hex>`.
/// A file is written once, atomically (a temporary file in the same folder, fsync, rename, fsync
/// of the folder), mode 0640; the same bytes are stored once. Files are never changed or
/// removed through this class. Thread-safe, and safe across processes on one file system.
class Store {
public:
    struct Options {
        /// Tests only: called with the temporary file just before it is renamed into place.
        std::function<void(const std::filesystem::path& temporary)> before_rename;
    };
    explicit Store(std::filesystem::path root, Options options = {});

    /// Stores `bytes` unless a file with their digest is already there; returns the hex digest.
    /// Throws std::system_error when the file cannot be written (nothing is left at its name).
    std::string Put(std::string_view bytes) const;
    /// Where the file of `sha256` is (or would be). `sha256` must be a digest (IsDigest).
    std::filesystem::path PathOf(std::string_view sha256) const;
    /// True when the file of `sha256` exists.
    bool Contains(std::string_view sha256) const;
    const std::filesystem::path& Root() const { return root_; }

    /// Lower-case hex SHA-256.
    static std::string Sha256Hex(std::string_view bytes);
    /// True for 64 lower-case hex characters.
    static bool IsDigest(std::string_view s);

private:
    std::filesystem::path root_;
    Options options_;
};

/// @brief The media type libmagic finds in the bytes (`application/pdf`, `image/png`, …), with
/// the few names it gives differently mapped to the served ones (audio/x-m4a → audio/mp4).
/// Reads at most the first MiB. Thread-safe.
std::string DetectMime(std::string_view bytes);
/// The kind an allowed type belongs to; nullopt for every type not on the allow-list (HTML,
/// SVG, ZIP, executables, …).
std::optional<Kind> KindOfMime(std::string_view mime);
/// The extension used for a type on the allow-list ("jpg", "pdf", …).
std::string_view ExtensionFor(std::string_view mime);

/// A declared file name made safe to show and to send in a header: the last path segment only
/// ("../../x" → "x", "C:\\a\\b.pdf" → "b.pdf"), NFC, without control or bidirectional-override
/// characters, without leading dots or surrounding spaces, at most 200 bytes (the extension
/// kept). "" when nothing is left or the input is not UTF-8.
std::string SanitizeFilename(std::string_view declared);
/// `attachment` or `inline`, with an ASCII fallback `filename="..."` (Vietnamese letters
/// without their marks, anything else unsafe as '_', so never a quote, backslash, CR or LF)
/// and `filename*=UTF-8''…` (RFC 5987/6266). `filename` should be sanitised already; control
/// characters are dropped here again.
std::string ContentDisposition(bool as_attachment, std::string_view filename);

/// A picture for the demo content, drawn here (a sky, a sun and a theme's ground: hills, sea,
/// fields, a hall, a skyline, a crowd), as a JPEG of `width` × `height`; deterministic for a
/// theme and a variant. Themes: DemoImageThemes(); an unknown one draws a landscape.
std::string DemoImage(std::string_view theme, unsigned variant, int width = 1200, int height = 675);
std::vector<std::string_view> DemoImageThemes();

/// What serving a stored file needs.
struct ServedFile {
    std::string sha256;  ///< the bytes to send
    std::string mime;
    Kind kind = Kind::kDocument;
    std::string filename;
};

struct ServiceSettings {
    std::filesystem::path directory;  ///< the Store's root (`--media-dir`)
    Limits limits;
    int max_concurrent_images = 2;  ///< images decoded at once (each may hold ~200 MB)
};

/// @brief Uploads and look-ups. Thread-safe.
class Service {
public:
    Service(core::db::Database& db, audit::Log& audit, const core::Clock& clock, const core::access::Policy& policy,
            ServiceSettings settings);
    ~Service();
    Service(const Service&) = delete;
    Service& operator=(const Service&) = delete;

    /// Checks the permission (media.upload over the unit), identifies the content, checks it
    /// against the allow-list, `accept` and the kind's limit, lets `before_store` refuse it,
    /// processes images (upright, metadata stripped, variants at 320/640/1024/1600 px wide in
    /// WebP and JPEG, never enlarged), stores the files and records the upload with its audit
    /// record in one transaction. Every refusal (403, 400, 413, 415) stores nothing. Bytes seen
    /// before are not processed again: the upload reuses the stored file.
    core::Result<MediaFile> Upload(const core::access::Principal& who, const UploadInput& input);

    /// Identifies `input` as Upload would (content, allow-list, limits, accept), without the
    /// permission check, image decoding or storing.
    core::Result<Inspection> Inspect(const UploadInput& input) const;

    /// One upload's record, for a principal holding media.upload over its unit (403 otherwise,
    /// 404 when there is none).
    core::Result<MediaFile> Get(const core::access::Principal& who, std::int64_t id) const;
    /// The record without a permission check (owner modules that checked their own).
    std::optional<MediaFile> Find(std::int64_t id) const;
    /// The latest upload of `sha256` by `user` for a purpose starting with `purpose_prefix`
    /// ("conference."): an owner module accepts only files its own user uploaded for it, under
    /// the name he gave them.
    std::optional<MediaFile> FindUploadOf(std::string_view sha256, std::string_view purpose_prefix,
                                          std::int64_t user) const;

    /// The file to serve for `sha256`, or for its variant (`width`, "webp"/"jpg"); nullopt when
    /// unknown or not public. Files are public unless every upload of them was marked otherwise.
    std::optional<ServedFile> FindServed(std::string_view sha256) const;
    /// A public upload of `sha256` with its size and variants (the public site's srcset).
    std::optional<MediaFile> FindPublicByDigest(std::string_view sha256) const;
    std::optional<ServedFile> FindServedVariant(std::string_view sha256, int width, std::string_view format) const;
    /// The stored file whatever its uploads' public flag: for owner modules that serve their
    /// private files themselves after their own permission check (ServePrivately).
    std::optional<ServedFile> FindStored(std::string_view sha256) const;

    /// Uploads whose purpose starts with `prefix` ("tasks.") are private from the start: never
    /// served at /media/..., only by their owner module. Declared by modules while the node is built.
    void DeclarePrivatePurpose(std::string prefix) { private_purposes_.push_back(std::move(prefix)); }
    bool IsPrivatePurpose(std::string_view purpose) const;

    /// The hook for owner modules (inside their own transaction, after their own permission
    /// check and with their own audit record): marks one upload public or not. A file stops
    /// being served once no upload of it is public. Returns false when there is no such upload.
    bool SetPublic(core::db::Connection& c, std::int64_t id, bool is_public) const;

    const Store& Files() const { return store_; }
    const Limits& GetLimits() const { return settings_.limits; }

private:
    struct Processed;
    core::Result<Processed> Process(const UploadInput& input, const Inspection& seen) const;

    core::db::Database& db_;
    audit::Log& audit_;
    const core::Clock& clock_;
    const core::access::Policy& policy_;
    ServiceSettings settings_;
    Store store_;
    std::vector<std::string> private_purposes_;
    struct Gate;
    std::unique_ptr<Gate> images_;  // bounds concurrent image decoding
};

}  // namespace vp::media
