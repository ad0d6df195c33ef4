#include "core/http/static_files.hpp"

#include <sodium.h>
#include <zlib.h>

#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <stdexcept>

#include "core/http/response.hpp"

namespace vp::core::http {
namespace {

std::string Gzip(std::string_view in) {
    z_stream zs{};
    if (deflateInit2(&zs, Z_BEST_COMPRESSION, Z_DEFLATED, 15 + 16, 9, Z_DEFAULT_STRATEGY) != Z_OK) {
        throw std::runtime_error("deflateInit2 failed");
    }
    std::string out;
    out.resize(deflateBound(&zs, in.size()) + 32);
    zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
    zs.avail_in = static_cast<uInt>(in.size());
    zs.next_out = reinterpret_cast<Bytef*>(out.data());
    zs.avail_out = static_cast<uInt>(out.size());
    int rc = deflate(&zs, Z_FINISH);
    deflateEnd(&zs);
    if (rc != Z_STREAM_END) throw std::runtime_error("deflate failed");
    out.resize(zs.total_out);
    return out;
}

bool Compressible(std::string_view type) {
    return type.starts_with("text/") || type.find("javascript") != std::string_view::npos ||
           type.find("json") != std::string_view::npos || type.find("svg") != std::string_view::npos;
}

bool AcceptsGzip(std::string_view accept_encoding) {
    // A simple token scan; "gzip;q=0" is treated as refusal.
    auto pos = accept_encoding.find("gzip");
    if (pos == std::string_view::npos) return false;
    auto rest = accept_encoding.substr(pos + 4);
    auto comma = rest.find(',');
    auto params = rest.substr(0, comma);
    return params.find("q=0") == std::string_view::npos || params.find("q=0.") != std::string_view::npos;
}

constexpr std::string_view kCacheControl = "public, max-age=3600";

// The header lines of a 200 answer with these bytes (Content-Length, type, validators).
std::shared_ptr<const std::string> PrepareHead(std::string_view content_type, std::string_view etag, std::size_t size,
                                               bool gzip) {
    std::string h;
    h.append("Content-Type: ").append(content_type).append("\r\n");
    h.append("Content-Length: ").append(std::to_string(size)).append("\r\n");
    if (gzip) h.append("Content-Encoding: gzip\r\n");
    h.append("ETag: ").append(etag).append("\r\n");
    h.append("Cache-Control: ").append(kCacheControl).append("\r\n");
    h.append("Vary: Accept-Encoding\r\n");
    // Checked once here, as SerializeHead checks a handler's fields on every response: these
    // lines go out as they are, also in the prepared sendfile answer.
    if (!IsValidHeaderBlock(h)) throw std::invalid_argument("static asset header is not a valid HTTP header block");
    return std::make_shared<const std::string>(std::move(h));
}

}  // namespace

std::shared_ptr<const MemoryFile> MemoryFile::Create(std::string_view bytes, const std::string& directory) {
    int fd = directory.empty() ? -1 : ::open(directory.c_str(), O_TMPFILE | O_EXCL | O_RDWR | O_CLOEXEC, 0600);
    const bool sealable = fd < 0;
    if (fd < 0) fd = memfd_create("vp-static", MFD_CLOEXEC | MFD_ALLOW_SEALING);
    if (fd < 0) return nullptr;
    std::size_t off = 0;
    while (off < bytes.size()) {
        auto n = ::write(fd, bytes.data() + off, bytes.size() - off);
        if (n <= 0) {
            ::close(fd);
            return nullptr;
        }
        off += static_cast<std::size_t>(n);
    }
    if (sealable) fcntl(fd, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE | F_SEAL_SEAL);
    return std::shared_ptr<const MemoryFile>(new MemoryFile(fd, bytes.size()));
}

MemoryFile::~MemoryFile() { ::close(fd_); }

std::string ContentTypeFor(std::string_view path) {
    auto dot = path.rfind('.');
    auto ext = dot == std::string_view::npos ? std::string_view{} : path.substr(dot + 1);
    if (ext == "css") return "text/css; charset=utf-8";
    if (ext == "js" || ext == "mjs") return "text/javascript; charset=utf-8";
    if (ext == "html") return "text/html; charset=utf-8";
    if (ext == "json") return "application/json";
    if (ext == "svg") return "image/svg+xml";
    if (ext == "png") return "image/png";
    if (ext == "jpg" || ext == "jpeg") return "image/jpeg";
    if (ext == "ico") return "image/x-icon";
    if (ext == "woff2") return "font/woff2";
    if (ext == "txt") return "text/plain; charset=utf-8";
    return "application/octet-stream";
}

void StaticFiles::Add(std::span<const EmbeddedFile> files, std::string_view prefix) {
    for (const auto& f : files) {
        if (!f.path.starts_with(prefix)) continue;
        Put("/static/" + std::string(f.path.substr(prefix.size())), std::string(f.content));
    }
}

void StaticFiles::Put(std::string url_path, std::string content) {
    Asset a;
    a.content_type = ContentTypeFor(url_path);
    unsigned char h[crypto_generichash_BYTES];
    crypto_generichash(h, sizeof h, reinterpret_cast<const unsigned char*>(content.data()), content.size(), nullptr, 0);
    char hex[sizeof h * 2 + 1];
    sodium_bin2hex(hex, sizeof hex, h, sizeof h);
    a.etag = "\"" + std::string(hex, 32) + "\"";
    if (Compressible(a.content_type) && content.size() > 256) {
        auto z = Gzip(content);
        if (z.size() < content.size()) a.gzip = std::make_shared<const std::string>(std::move(z));
    }
    a.head = PrepareHead(a.content_type, a.etag, content.size(), false);
    if (a.gzip) a.gzip_head = PrepareHead(a.content_type, a.etag, a.gzip->size(), true);
    // Large assets also go to a memory file so plain-TCP responses use sendfile(2), behind
    // the header every HTTP/1.1 keep-alive GET of the asset gets (see SharedStringBody::file).
    if (content.size() >= 16 * 1024) {
        Response canonical{beast_http::status::ok, 11};
        canonical.body().head_fields = a.head;
        std::string wire;
        if (!SerializeHead(canonical, false, {}, wire)) throw std::invalid_argument("static asset header refused");
        a.file_head = wire.size();
        wire += content;
        a.file = MemoryFile::Create(wire, file_directory_);
    }
    a.content = std::make_shared<const std::string>(std::move(content));
    assets_[std::move(url_path)] = std::move(a);
}

Response StaticFiles::Serve(const Request& req) const {
    auto it = assets_.find(req.path);
    if (it == assets_.end()) return ErrorFor(req, NotFound(Msg("core.file_not_found")));
    const Asset& a = it->second;
    Response res{beast_http::status::ok, req.raw.version()};
    res.keep_alive(req.raw.keep_alive());
    auto inm = req.Header("If-None-Match");
    if (!inm.empty() && (inm == a.etag || inm.find(a.etag) != std::string_view::npos || inm == "*")) {
        res.result(beast_http::status::not_modified);
        res.set(beast_http::field::etag, a.etag);
        res.set(beast_http::field::cache_control, kCacheControl);
        res.set(beast_http::field::vary, "Accept-Encoding");
        return res;
    }
    auto& body = res.body();
    if (a.gzip && AcceptsGzip(req.Header("Accept-Encoding"))) {
        body.shared = a.gzip;
        body.head_fields = a.gzip_head;
    } else {
        body.shared = a.content;
        body.file = a.file;
        body.file_head = a.file_head;
        body.head_fields = a.head;
    }
    return res;
}

}  // namespace vp::core::http
