#pragma once

#include <map>
#include <memory>
#include <span>
#include <string>

#include "core/embedded.hpp"
#include "core/http/types.hpp"

namespace vp::core::http {

/// @brief Static assets held in memory with a precomputed gzip form and a strong ETag, so a
/// request is a map look-up: no file system access per request (and so no traversal).
class StaticFiles {
public:
    /// Adds every file under `prefix` of `files`, served at "/static/<path without prefix>".
    void Add(std::span<const EmbeddedFile> files, std::string_view prefix);
    /// Adds or replaces one asset at an absolute URL path.
    void Put(std::string url_path, std::string content);
    /// Where large assets are placed as unnamed files for sendfile (a disk folder, e.g. the
    /// data folder); set before Add/Put. Empty: memfd.
    void SetFileDirectory(std::string directory) { file_directory_ = std::move(directory); }
    /// Serves GET/HEAD: 200 (gzip when accepted and smaller), 304 on If-None-Match, 404.
    Response Serve(const Request& req) const;

private:
    struct Asset {
        std::shared_ptr<const std::string> content;
        std::shared_ptr<const std::string> gzip;  // null when not worth it
        std::shared_ptr<const MemoryFile> file;   // null for small assets
        std::size_t file_head = 0;                // header bytes before the content in `file`
        // The 200 response's header lines, prepared once (see SharedStringBody::head_fields).
        std::shared_ptr<const std::string> head;
        std::shared_ptr<const std::string> gzip_head;
        std::string etag;
        std::string content_type;
    };
    std::map<std::string, Asset, std::less<>> assets_;
    std::string file_directory_;
};

std::string ContentTypeFor(std::string_view path);

}  // namespace vp::core::http
