#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "core/http/types.hpp"

namespace vp::core {

/// @brief A change pushed to browsers. `user_id` 0 means everyone allowed to see `topic`.
struct Event {
    std::string topic;      ///< e.g. "notification", "session.ended", "unit.changed"
    std::string data_json;  ///< JSON payload
    std::int64_t user_id = 0;
};

/// A browser's subscription; also the EventSource the HTTP server streams from.
class Subscription final : public http::EventSource {
public:
    explicit Subscription(std::function<bool(const Event&)> filter) : filter_(std::move(filter)) {}
    std::optional<std::string> Next() override;
    bool Closed() const override;
    void Close();
    /// Queues the event if the filter accepts it; returns false when it was dropped.
    bool Offer(const Event& e);
    /// Ends the stream when an event accepted by `ends` arrives (e.g. the session was revoked).
    void CloseOn(std::function<bool(const Event&)> ends) { ends_ = std::move(ends); }

private:
    mutable std::mutex mu_;
    std::deque<std::string> queue_;
    bool closed_ = false;
    std::function<bool(const Event&)> filter_;
    std::function<bool(const Event&)> ends_;
};

/// @brief Fans events out to subscriptions of this process. With PostgreSQL a bridge
/// (PgEventBridge) carries them to every node through LISTEN/NOTIFY; on SQLite there is one
/// node and delivery is in-process. Thread-safe.
class EventBus {
public:
    /// Publishes to every node: through the remote forwarder when set, else locally.
    void Publish(const Event& e);
    /// Delivers to this process's subscribers only (used by the bridge on receipt).
    void DeliverLocal(const Event& e);
    std::shared_ptr<Subscription> Subscribe(std::function<bool(const Event&)> filter);
    void SetForwarder(std::function<void(const Event&)> forward);
    std::size_t SubscriberCount() const;

private:
    mutable std::mutex mu_;
    std::vector<std::weak_ptr<Subscription>> subs_;
    std::function<void(const Event&)> forward_;
};

/// @brief Carries events between nodes over PostgreSQL LISTEN/NOTIFY on channel "vp_events".
/// Owns one dedicated connection and a thread; reconnects after failures.
class PgEventBridge {
public:
    PgEventBridge(std::string dsn, EventBus& bus);
    ~PgEventBridge();
    PgEventBridge(const PgEventBridge&) = delete;
    PgEventBridge& operator=(const PgEventBridge&) = delete;

private:
    void Run();
    void Send(const Event& e);
    std::string dsn_;
    EventBus& bus_;
    std::atomic<bool> stop_{false};
    std::mutex send_mu_;
    void* send_conn_ = nullptr;  // PGconn*, kept opaque so this header needs no libpq
    std::thread thread_;
};

}  // namespace vp::core
