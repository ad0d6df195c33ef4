#pragma once
// Immutable files served from disk (uploaded media): strong validators, conditional GET and
// single byte ranges (RFC 9110 13, 14), with the bytes sent by sendfile(2) from the file itself.
// StaticFiles serves the assets compiled into the binary from memory; both go out through the
// same body (SharedStringBody::file) and the same writer in server.cpp.

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "core/http/types.hpp"

namespace vp::core::http {

/// An inclusive byte range [first, last] of a representation.
struct ByteRange {
    std::uint64_t first = 0;
    std::uint64_t last = 0;
    std::uint64_t Length() const { return last - first + 1; }
};

/// What a Range header asks of a representation of `size` bytes.
struct RangeDecision {
    enum class Kind {
        kWhole,          ///< no Range, or one this server ignores: 200 with every byte
        kPartial,        ///< one satisfiable range: 206 with Content-Range
        kUnsatisfiable,  ///< 416 with `Content-Range: bytes */size`
    };
    Kind kind = Kind::kWhole;
    ByteRange range;  ///< for kPartial, clamped to the representation
};

/// @brief Decides a `Range` header (RFC 9110 14.1.2): one "bytes=first-last", "bytes=first-" or
/// "bytes=-suffix" range, clamped to the size, is kPartial; a range that starts at or after the
/// end (or a zero suffix, or any range of an empty representation) is kUnsatisfiable. Several
/// ranges, another unit, and malformed headers ("bytes=5-1", "bytes=x-") are ignored (kWhole):
/// RFC 9110 14.2 lets a server ignore Range, and this one never builds multipart/byteranges
/// (which would let a client ask for the same bytes many times over in one request).
RangeDecision DecideRange(std::string_view range_header, std::uint64_t size);

/// What ServeFile needs to answer for one file.
struct FileServing {
    std::shared_ptr<const MemoryFile> file;  ///< the bytes (MemoryFile::OpenReadOnly)
    std::string content_type;
    std::string etag;                 ///< strong, quoted: "\"<sha256>\""
    std::string cache_control;        ///< e.g. "public, max-age=31536000, immutable"
    std::string content_disposition;  ///< empty: none
    /// Extra Content-Security-Policy for the file itself (empty: the server's default).
    std::string content_security_policy;
};

/// @brief Answers GET or HEAD of an immutable file: 304 when If-None-Match names its ETag (or
/// "*"); else 206 for a satisfiable Range (honoured only when If-Range, if sent, is exactly the
/// ETag), 416 for an unsatisfiable one, and 200 with every byte otherwise. 200 and 206 carry
/// `Accept-Ranges: bytes`, the ETag, Cache-Control, `X-Content-Type-Options: nosniff` and the
/// disposition; the body is the file (or its range), sent with sendfile by the server.
Response ServeFile(const Request& req, const FileServing& f);

/// The bytes a response's body stands for: its string, or the range of its file (tests, and
/// writers that cannot sendfile). Throws std::system_error when the file cannot be read.
std::string BodyBytes(const Response& res);

}  // namespace vp::core::http
