#include "site/cache.hpp"

#include <sodium.h>

namespace vp::site {

std::string EtagOf(std::string_view body) {
    unsigned char h[16];
    crypto_generichash(h, sizeof h, reinterpret_cast<const unsigned char*>(body.data()), body.size(), nullptr, 0);
    char hex[sizeof h * 2 + 1];
    sodium_bin2hex(hex, sizeof hex, h, sizeof h);
    return "\"" + std::string(hex) + "\"";
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
    const std::size_t bytes = key.size() + page->body.size() + page->etag.size() + 128;
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
    std::lock_guard lock(mu_);
    ++generation_;
    ++clears_;
    slots_.clear();
    lru_.clear();
    bytes_ = 0;
}

PageCache::Stats PageCache::GetStats() const {
    std::lock_guard lock(mu_);
    return {slots_.size(), bytes_, max_bytes_, hits_, misses_, clears_};
}

}  // namespace vp::site
