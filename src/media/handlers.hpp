#pragma once

#include "auth/web.hpp"
#include "media/media.hpp"

namespace vp::media {

/// @brief HTTP adapter of the media module: uploads and records under /api/v1/media, the files
/// themselves under /media/ (public by digest).
class Handlers {
public:
    Handlers(auth::Web& web, Service& media) : web_(web), media_(media) {}

    /// POST /api/v1/media: multipart/form-data with the field `file` (and optional `purpose`,
    /// `unit_id`, `kind`), or the file as the raw body with its Content-Type and `X-File-Name`
    /// (percent-encoded UTF-8; the other fields then in the query). 201 with the record.
    core::http::Response Upload(core::http::Request& req);
    /// GET /api/v1/media/{id}: the record.
    core::http::Response Show(core::http::Request& req);
    /// GET|HEAD /media/{sha256}: the file (Range, ETag, immutable caching).
    core::http::Response Serve(core::http::Request& req);
    /// GET|HEAD /media/{sha256}/{width}.{webp|jpg}: a variant of an image.
    core::http::Response ServeVariant(core::http::Request& req);

    /// The body limit the upload route needs: the largest kind's limit and room for the form.
    std::size_t UploadBodyLimit() const;

private:
    core::http::Response ServeStored(const core::http::Request& req, const ServedFile& file) const;
    auth::Web& web_;
    Service& media_;
};

}  // namespace vp::media
