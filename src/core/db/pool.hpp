#pragma once

#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <vector>

#include "core/db/database.hpp"

namespace vp::core::db {

/// Fixed-size pool shared by both engines: connections are created lazily by `factory`, and a
/// broken one is dropped on release and replaced on the next acquisition.
class PooledDatabase : public Database {
public:
    using Factory = std::function<std::unique_ptr<Connection>()>;
    PooledDatabase(Engine engine, int size, Factory factory, std::string description)
        : engine_(engine), size_(size), factory_(std::move(factory)), description_(std::move(description)) {}

    Engine GetEngine() const override { return engine_; }
    Lease Acquire() override;
    PoolStats Stats() const override;
    std::string Describe() const override { return description_; }

protected:
    void Release(std::unique_ptr<Connection> conn) override;

private:
    Engine engine_;
    int size_;
    Factory factory_;
    std::string description_;
    mutable std::mutex mu_;
    std::condition_variable cv_;
    std::vector<std::unique_ptr<Connection>> idle_;
    int open_ = 0;  // connections created and not dropped (idle + in use)
    int in_use_ = 0;
    std::int64_t waits_ = 0;
    std::int64_t acquisitions_ = 0;
};

}  // namespace vp::core::db
