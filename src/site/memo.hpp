#pragma once
// What every public page of a portal looks up and rarely changes — the portals, a portal's
// sections and menu, the records of pictures — remembered until the next change the site hears
// of (the page cache's generation), so that a page rendered from the database reads only what
// is its own (the item, its list). Bounded in entries; thread-safe. Tests: cache_test.cpp.

#include <any>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>

namespace vp::site {

class Memo {
public:
    explicit Memo(std::size_t max_entries = 20000) : max_entries_(max_entries) {}

    /// The value remembered under `key` for `generation`, or compute() (stored unless a newer
    /// generation has been seen meanwhile: a value read before a change is never kept after it).
    template <class T, class Compute>
    std::shared_ptr<const T> Get(const std::string& key, std::uint64_t generation, const Compute& compute) {
        {
            std::lock_guard lock(mu_);
            if (generation == generation_) {
                if (auto it = values_.find(key); it != values_.end()) return std::any_cast<std::shared_ptr<const T>>(it->second);
            }
        }
        auto value = std::make_shared<const T>(compute());
        std::lock_guard lock(mu_);
        if (generation > generation_) {
            values_.clear();
            generation_ = generation;
        }
        if (generation == generation_) {
            if (values_.size() >= max_entries_) values_.clear();
            values_[key] = value;
        }
        return value;
    }

    std::size_t Size() const {
        std::lock_guard lock(mu_);
        return values_.size();
    }

private:
    mutable std::mutex mu_;
    std::size_t max_entries_;
    std::uint64_t generation_ = 0;
    std::unordered_map<std::string, std::any> values_;
};

}  // namespace vp::site
