#pragma once
// The public site's page cache (P-21, X-7): rendered pages kept in memory by host, path, query
// and language, bounded in bytes (least recently used out first), emptied whenever what the site
// shows changes on any node. A generation number keeps a page rendered before a change from
// being stored after it. Thread-safe; tests: cache_test.cpp.

#include <cstdint>
#include <list>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>

#include "core/clock.hpp"
#include "core/http/types.hpp"

namespace vp::site {

struct CachedPage {
    std::string body;
    std::string content_type;
    std::string etag;  ///< a strong validator: "\"<hex of the body's XXH3-128>\""
    core::TimePoint last_modified{};
    int status = 200;
    /// Prepared once, when the page is stored (Prepare): the header lines of a 200 answer
    /// (type, length, validators, caching) and the complete HTTP/1.1 keep-alive answer, so
    /// that a hit builds no header field and a plain GET leaves as one buffer.
    std::string head_fields, wire;
    /// Optionally, `wire` moved to a file (then `wire` is empty): the answer's header ends at
    /// `file_head`, and a plain GET leaves in one sendfile(2) call (SharedStringBody::file).
    std::shared_ptr<const core::http::MemoryFile> file;
    std::size_t file_head = 0;
};

/// Fills `page.head_fields` and (`with_wire`) `page.wire` from its body, type, ETag and date;
/// throws std::invalid_argument if a field could not be sent as it is (never for the site's
/// pages). A page answered once and not kept needs no `wire`.
void Prepare(CachedPage& page, std::string_view cache_control, bool with_wire = true);

/// A strong ETag of `body`.
std::string EtagOf(std::string_view body);

class PageCache {
public:
    explicit PageCache(std::size_t max_bytes);

    std::shared_ptr<const CachedPage> Get(const std::string& key);
    /// The generation to pass to Put, taken before rendering.
    std::uint64_t Generation() const;
    /// Stores the page unless the cache was cleared since `generation`, or it is larger than an
    /// eighth of the bound.
    void Put(const std::string& key, std::shared_ptr<const CachedPage> page, std::uint64_t generation);
    void Clear();

    struct Stats {
        std::size_t entries = 0, bytes = 0, max_bytes = 0;
        std::uint64_t hits = 0, misses = 0, clears = 0;
    };
    Stats GetStats() const;

private:
    using Lru = std::list<std::string>;
    struct Slot {
        std::shared_ptr<const CachedPage> page;
        Lru::iterator at;
        std::size_t bytes = 0;
    };
    mutable std::mutex mu_;
    std::size_t max_bytes_, bytes_ = 0;
    std::uint64_t generation_ = 0, hits_ = 0, misses_ = 0, clears_ = 0;
    Lru lru_;  // most recent first
    std::unordered_map<std::string, Slot> slots_;
};

}  // namespace vp::site
