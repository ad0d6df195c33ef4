#include "site/cache.hpp"

#include <xxhash.h>

#include <cstdio>
#include <stdexcept>

#include "core/http/response.hpp"
#include "site/feeds.hpp"

namespace vp::site {

std::string EtagOf(std::string_view body) {
    // XXH3 with a 128-bit output: a validator, not a secret (every node gives a page the same
    // tag, and a tag only ever names the bytes of one address), at a tenth of the cost of
    // SipHash on a rendered page (which had cost 4 % of a page rendered from the database).
    const XXH128_hash_t h = XXH3_128bits(body.data(), body.size());
    char out[35];
    std::snprintf(out, sizeof out, "\"%016llx%016llx\"", static_cast<unsigned long long>(h.high64),
                  static_cast<unsigned long long>(h.low64));
    return out;
}

void Prepare(CachedPage& page, std::string_view cache_control, bool with_wire) {
    std::string& h = page.head_fields;
    h.clear();
    // Each value checked as SerializeHead checks a handler's fields on every response: these
    // lines go out as they are.
    auto line = [&h](std::string_view name, std::string_view value) {
        if (!core::http::IsValidField(name, value))
            throw std::invalid_argument("page header field " + std::string(name) + " is not a valid HTTP field");
        h.append(name).append(": ").append(value).append("\r\n");
    };
    line("Content-Type", page.content_type);
    line("Content-Length", std::to_string(page.body.size()));
    line("ETag", page.etag);
    line("Last-Modified", HttpDate(page.last_modified));
    line("Cache-Control", cache_control);
    line("Vary", "Accept-Encoding");
    page.wire.clear();
    if (!with_wire) return;  // the lines were checked above; the server writes the head itself
    core::http::Response canonical{core::http::beast_http::status::ok, 11};
    canonical.body().head_fields = std::shared_ptr<const std::string>(std::shared_ptr<void>(), &h);
    if (!core::http::SerializeHead(canonical, false, {}, page.wire)) throw std::invalid_argument("page header refused");
    page.wire += page.body;
}

PageCache::PageCache(std::size_t max_bytes) : max_bytes_(max_bytes) {}

std::shared_ptr<const CachedPage> PageCache::Get(const std::string& key) {
    std::lock_guard lock(mu_);
    auto it = slots_.find(key);
    if (it == slots_.end()) {
        ++misses_;
        return nullptr;
    }
    ++hits_;
    lru_.splice(lru_.begin(), lru_, it->second.at);
    return it->second.page;
}

std::uint64_t PageCache::Generation() const {
    std::lock_guard lock(mu_);
    return generation_;
}

void PageCache::Put(const std::string& key, std::shared_ptr<const CachedPage> page, std::uint64_t generation) {
    const std::size_t bytes = key.size() + page->body.size() + page->wire.size() + page->head_fields.size() +
                              (page->file ? page->file->Size() : 0) + 256;
    std::lock_guard lock(mu_);
    if (generation != generation_ || bytes > max_bytes_ / 8) return;
    if (auto it = slots_.find(key); it != slots_.end()) {
        bytes_ -= it->second.bytes;
        lru_.erase(it->second.at);
        slots_.erase(it);
    }
    while (bytes_ + bytes > max_bytes_ && !lru_.empty()) {
        auto last = slots_.find(lru_.back());
        bytes_ -= last->second.bytes;
        slots_.erase(last);
        lru_.pop_back();
    }
    lru_.push_front(key);
    slots_.emplace(key, Slot{std::move(page), lru_.begin(), bytes});
    bytes_ += bytes;
}

void PageCache::Clear() {
    // The pages (and their files) are let go after the lock: the network threads' look-ups
    // never wait for thousands of frees and closes.
    std::unordered_map<std::string, Slot> dropped;
    Lru order;
    {
        std::lock_guard lock(mu_);
        ++generation_;
        ++clears_;
        dropped.swap(slots_);
        order.swap(lru_);
        bytes_ = 0;
    }
}

PageCache::Stats PageCache::GetStats() const {
    std::lock_guard lock(mu_);
    return {slots_.size(), bytes_, max_bytes_, hits_, misses_, clears_};
}

}  // namespace vp::site
