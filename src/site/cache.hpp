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

namespace vp::site {

struct CachedPage {
    std::string body;
    std::string content_type;
    std::string etag;  ///< a strong validator: "\"<hex of the body's BLAKE2b>\""
    core::TimePoint last_modified{};
    int status = 200;
};

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
