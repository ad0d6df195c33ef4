#include "core/db/pool.hpp"

namespace vp::core::db {

Database::Lease PooledDatabase::Acquire() {
    std::unique_lock lock(mu_);
    ++acquisitions_;
    if (idle_.empty() && open_ >= size_) {
        ++waits_;
        cv_.wait(lock, [&] { return !idle_.empty() || open_ < size_; });
    }
    if (!idle_.empty()) {
        auto conn = std::move(idle_.back());
        idle_.pop_back();
        ++in_use_;
        return Lease(*this, std::move(conn));
    }
    ++open_;
    ++in_use_;
    lock.unlock();
    try {
        return Lease(*this, factory_());
    } catch (...) {
        std::lock_guard relock(mu_);
        --open_;
        --in_use_;
        cv_.notify_one();
        throw;
    }
}

void PooledDatabase::Release(std::unique_ptr<Connection> conn) {
    std::lock_guard lock(mu_);
    --in_use_;
    if (conn->Broken()) {
        --open_;
    } else {
        idle_.push_back(std::move(conn));
    }
    cv_.notify_one();
}

PoolStats PooledDatabase::Stats() const {
    std::lock_guard lock(mu_);
    return {.size = size_, .in_use = in_use_, .waits = waits_, .acquisitions = acquisitions_};
}

}  // namespace vp::core::db
