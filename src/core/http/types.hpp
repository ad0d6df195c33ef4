#pragma once

#include <array>
#include <atomic>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/beast/http/message.hpp>
#include <boost/asio/buffer.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/optional.hpp>

#include "core/error.hpp"

namespace vp::core::http {

namespace beast_http = boost::beast::http;
using RawRequest = beast_http::request<beast_http::string_body>;

/// @brief Response body: an owned string, or a shared immutable buffer so that cached assets
/// are written without being copied per request (a 55 KB page copied on every request cost
/// ~10% of the static-file throughput). Assign strings as usual; set `shared` for cached bytes.
struct SharedStringBody {
    struct value_type : std::string {
        using std::string::string;
        using std::string::operator=;
        value_type() = default;
        value_type(std::string s) : std::string(std::move(s)) {}  // NOLINT(google-explicit-constructor)
        std::shared_ptr<const std::string> shared;
        /// Optional: the same bytes as `shared` in an in-memory file, which the server sends
        /// with sendfile(2) on plain TCP (zero-copy, as nginx does for static files). The body
        /// starts at `file_head`: the bytes before it are the complete HTTP/1.1 keep-alive
        /// response header (status line, head_fields, security headers), so that a GET whose
        /// response has no field of its own leaves in one sendfile call (without X-Request-Id:
        /// such responses are the same bytes for everyone).
        std::shared_ptr<const class MemoryFile> file;
        std::size_t file_head = 0;
        /// Where the body ends in `file` (0: at the file's end). With it the body is the range
        /// [file_head, file_end) of a file on disk (core/http/file_response.hpp), sent after the
        /// response's own header; such a body is never the prepared-header answer above.
        std::size_t file_end = 0;
        /// Optional: header lines prepared once for cached bytes ("Name: value\r\n" each,
        /// Content-Length included), written after the message's own fields. Static assets
        /// use it so a hit builds no header field per request.
        std::shared_ptr<const std::string> head_fields;
        /// Optional: the complete HTTP/1.1 keep-alive answer for cached bytes, prepared once
        /// (status line, head_fields, security headers, then the bytes of `shared`). On plain TCP
        /// a GET whose response has no field of its own leaves as this one buffer, without
        /// X-Request-Id, like the prepared sendfile answer above (cached public pages).
        std::shared_ptr<const std::string> wire;
        const std::string& Bytes() const { return shared ? *shared : static_cast<const std::string&>(*this); }
    };

    static std::uint64_t size(const value_type& v) { return v.Bytes().size(); }

    class writer {
    public:
        using const_buffers_type = boost::asio::const_buffer;
        template <bool isRequest, class Fields>
        writer(const beast_http::header<isRequest, Fields>&, const value_type& body) : body_(body) {}
        void init(boost::system::error_code& ec) { ec = {}; }
        boost::optional<std::pair<const_buffers_type, bool>> get(boost::system::error_code& ec) {
            ec = {};
            const auto& b = body_.Bytes();
            return {{const_buffers_type(b.data(), b.size()), false}};
        }

    private:
        const value_type& body_;
    };
};

using Response = beast_http::response<SharedStringBody>;

/// @brief Immutable bytes in an anonymous, unlinked file, for sendfile(2).
class MemoryFile {
public:
    /// Writes the bytes to an unnamed file (O_TMPFILE | O_EXCL) in `directory` — a disk
    /// file system keeps them in the page cache, whose pages sendfile hands to the socket
    /// without copying (tmpfs/memfd pages are copied, measured ~15% slower) — or, when that
    /// is not possible, to a sealed memfd. nullptr when neither works (the string is used then).
    static std::shared_ptr<const MemoryFile> Create(std::string_view bytes, const std::string& directory = {});
    /// An existing regular file, opened read-only, for files that never change once written
    /// (content-addressed media). nullptr when it cannot be opened or is not a regular file.
    static std::shared_ptr<const MemoryFile> OpenReadOnly(const std::string& path);
    ~MemoryFile();
    MemoryFile(const MemoryFile&) = delete;
    MemoryFile& operator=(const MemoryFile&) = delete;
    int Fd() const { return fd_; }
    std::size_t Size() const { return size_; }

private:
    MemoryFile(int fd, std::size_t size) : fd_(fd), size_(size) {}
    int fd_;
    std::size_t size_;
};

/// @brief A request as handlers see it: the Beast message plus what the server derived.
struct Request {
    RawRequest raw;
    std::string path;   ///< percent-decoded path, without the query
    std::string query;  ///< raw query string, without '?'
    std::string route;  ///< the matched route pattern (metrics label), e.g. "/api/v1/units/{id}"
    std::map<std::string, std::string> path_params;
    std::string remote_address;
    std::string request_id;
    bool tls = false;
    /// Set by a handler that answers with a server-sent event stream.
    std::shared_ptr<class EventSource> event_source;
    /// The query's and the form's fields, decoded once: percent-decoded, valid UTF-8, NFC. The
    /// server fills them with DecodeFields before the handler runs; otherwise (a Request built
    /// by hand) QueryParam/Form fill them on first use. Read them through those.
    mutable std::optional<std::multimap<std::string, std::string>> query_fields;
    mutable std::optional<std::multimap<std::string, std::string>> form_fields;

    std::string_view Header(std::string_view name) const;
    std::optional<std::string> QueryParam(std::string_view name) const;
    std::optional<std::string> Cookie(std::string_view name) const;
    /// Fields of an application/x-www-form-urlencoded body (later duplicates win).
    std::map<std::string, std::string> Form() const;
    /// Every value of a repeated form field (checkboxes), in order.
    std::vector<std::string> FormValues(std::string_view name) const;
    /// Preferred interface language: "vi" (default) or "en", from the `lang` cookie or query.
    std::string Lang() const;
    bool WantsJson() const;  ///< path under /api/
};

using Handler = std::function<Response(Request&)>;

/// A small number for the calling thread (0, 1, 2 … in order of first call), for per-thread
/// shards of counters that network threads update on every request: each thread then writes
/// its own cache line instead of all of them contending for one.
std::size_t ThisThreadOrdinal();

/// Per-thread shards of a value, each on its own cache line; `kShards` bounds the threads
/// that get a shard of their own (more share, still correctly, under the shard's own guard).
template <class T, std::size_t kShards = 16>
class PerThread {
public:
    T& Mine() { return shards_[ThisThreadOrdinal() % kShards].value; }
    template <class F>
    void ForEach(F&& f) {
        for (auto& s : shards_) f(s.value);
    }
    template <class F>
    void ForEach(F&& f) const {
        for (const auto& s : shards_) f(s.value);
    }

private:
    struct alignas(64) Shard {
        T value{};
    };
    std::array<Shard, kShards> shards_{};
};

/// Decodes %XX and (when plus_as_space) '+'. Returns nullopt on malformed escapes.
std::optional<std::string> PercentDecode(std::string_view s, bool plus_as_space);
/// Parses "a=1&b=2" into decoded pairs in NFC, skipping malformed ones (a bad escape, or
/// bytes that are not UTF-8 once decoded).
std::multimap<std::string, std::string> ParseQuery(std::string_view q);
/// Why DecodeUrlEncoded refused its input.
enum class FieldError { kNone, kBadEscape, kNotUtf8 };
/// Parses "a=1&b=2" strictly: every escape well-formed and every decoded name and value valid
/// UTF-8, stored in NFC. On the first bad pair sets `error` and returns what came before it.
std::multimap<std::string, std::string> DecodeUrlEncoded(std::string_view q, FieldError& error);
std::string PercentEncode(std::string_view s);

/// The one place where a request's text fields are decoded and checked, before any handler
/// runs (the server calls it for every routed request): the query string, the fields of an
/// application/x-www-form-urlencoded body (both into `query_fields`/`form_fields`, in NFC),
/// and any other body that is text (JSON, text/\*, or without a type; multipart and binary
/// types are left to their handler) must be valid UTF-8. Returns the 400 error otherwise, so
/// that no handler sees a malformed escape or a string that is not UTF-8.
std::optional<Error> DecodeFields(Request& req);

}  // namespace vp::core::http

namespace vp::core::http {

/// @brief A server-sent event stream attached to a response by its handler. The server writes
/// each chunk as soon as the source says one is waiting, until it is closed or the client goes
/// away.
class EventSource {
public:
    virtual ~EventSource() = default;
    /// Next formatted SSE chunk ("event: x\ndata: {...}\n\n"), or nullopt when none is waiting.
    virtual std::optional<std::string> Next() = 0;
    virtual bool Closed() const = 0;
    /// `wake` is called (from any thread, quickly, never under the server's locks) whenever a
    /// chunk starts waiting or the source closes; empty: no longer. A source without it is
    /// looked at once a second.
    virtual void OnReady(std::function<void()> wake) { (void)wake; }
};

}  // namespace vp::core::http
