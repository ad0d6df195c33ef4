#pragma once

#include <any>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "core/clock.hpp"
#include "core/http/types.hpp"
#include "core/result.hpp"

namespace vp::core {

namespace db {
class Database;
class Connection;
}  // namespace db

/// @brief A change pushed to browsers. `user_id` 0 means everyone the topic's filter lets see it.
struct Event {
    std::string topic;      ///< e.g. "notification", "session.ended", "tasks.status"
    std::string data_json;  ///< JSON payload
    std::int64_t user_id = 0;
    std::int64_t id = 0;  ///< position in the event log (set by the bus; 0: not logged)
};

/// @brief Who holds a subscription, as the application knows them. Core never looks inside
/// `context`: the app layer puts its own principal there (e.g. an auth::Principal) and the
/// topic filters it registered take it out again (std::any_cast).
struct Subscriber {
    std::int64_t user_id = 0;
    std::any context;
};

/// Whether a subscriber may see one event of a topic. Called on the delivery thread for each
/// event and subscriber of the topic: keep it cheap and never block (no database).
using TopicFilter = std::function<bool(const Subscriber&, const Event&)>;

/// One prepared server-sent event frame ("id: N\nevent: t\ndata: {...}\n\n"), built once per
/// event and node and shared, immutable, by every subscription that receives it.
using Frame = std::shared_ptr<const std::string>;

/// The built-in topic that ends a person's streams (their sessions ended).
inline constexpr std::string_view kSessionEndedTopic = "session.ended";

/// A browser's subscription; also the EventSource the HTTP server streams from.
class Subscription final : public http::EventSource {
public:
    explicit Subscription(std::function<bool(const Event&)> filter, std::size_t max_queued = 1000)
        : filter_(std::move(filter)), max_queued_(max_queued) {}
    std::optional<std::string> Next() override;
    bool Closed() const override;
    void Close();
    /// Queues the event's frame if the filter accepts it; returns false when it was dropped.
    /// An event whose id is at most the last one replayed is a duplicate and dropped. When
    /// more than `max_queued` frames wait (a stalled browser), the stream is closed instead of
    /// growing: the browser reconnects with Last-Event-ID and catches up from the log.
    bool Offer(const Event& e, const Frame& frame);
    /// Same, building the frame itself (in-process use and tests).
    bool Offer(const Event& e);
    /// Ends the stream when an event accepted by `ends` arrives (e.g. the session was revoked);
    /// that event is delivered first.
    void CloseOn(std::function<bool(const Event&)> ends);
    void OnReady(std::function<void()> wake) override;

private:
    friend class EventBus;
    struct Pending {
        std::int64_t id;
        Frame frame;
        bool ends;
    };
    bool AcceptLocked(const Event& e, bool& ends) const;
    void PushLocked(Frame frame, bool ends);
    void BeginReplay();
    void FinishReplay(std::int64_t through);

    mutable std::mutex mu_;
    std::deque<Frame> queue_;
    bool closed_ = false;
    bool replaying_ = false;
    std::vector<Pending> pending_;  // live frames that arrived during the replay
    std::int64_t replayed_through_ = 0;
    std::function<bool(const Event&)> filter_;
    std::function<bool(const Event&)> ends_;
    std::function<void()> wake_;  // the stream writing this subscription, told of each frame
    std::size_t max_queued_;
};

/// Settings of the durable event log (EventBus::AttachLog).
struct EventLogSettings {
    std::int64_t keep_events = 10000;                 ///< the log keeps at most this many events …
    std::chrono::hours keep_for{24};                  ///< … and none older than this
    std::chrono::milliseconds poll_interval{200};     ///< how often the log is read without a wake-up
    std::chrono::milliseconds prune_interval{60000};  ///< how often old events are deleted
    std::size_t max_event_bytes = 64 * 1024;          ///< larger payloads are refused and skipped
    std::size_t max_queued_per_subscriber = 1000;
};

/// What a stream asks for (EventBus::Subscribe).
struct SubscribeOptions {
    Subscriber subscriber;
    std::vector<std::string> topics;            ///< empty: every registered topic
    std::optional<std::int64_t> last_event_id;  ///< replay the accepted events after this id first
    std::function<bool(const Event&)> ends;     ///< as Subscription::CloseOn, set before delivery starts
};

/// Splits "a,b , c" into topic names (empty parts dropped).
std::vector<std::string> SplitTopics(std::string_view list);
/// Parses a Last-Event-ID value (a non-negative decimal integer).
Result<std::int64_t> ParseLastEventId(std::string_view text);

/// @brief The one live-event mechanism. Modules register topics with an authorization filter;
/// a change is published once (optionally inside the caller's transaction) and reaches every
/// subscriber of every node whose filter accepts it, with one serialization per node.
///
/// Without a log (default construction: tests, tools) delivery is synchronous and in-process.
/// With AttachLog every event is a row of `event_log`: each node's delivery thread reads new
/// rows (`id > last seen`), woken by local publishes, by PostgreSQL NOTIFY (PgEventBridge), or
/// by its poll (SQLite: the CLI in another process shares the file), builds each frame once and
/// offers the same frame to every subscription. Reconnecting browsers replay from the log
/// (Last-Event-ID). The log is bounded (EventLogSettings). Thread-safe.
class EventBus {
public:
    EventBus();
    ~EventBus();
    EventBus(const EventBus&) = delete;
    EventBus& operator=(const EventBus&) = delete;

    /// Makes the bus durable: events go through `event_log` of `db` and a delivery thread
    /// starts (from the newest event: history is not re-delivered). Call once, before use.
    void AttachLog(db::Database& db, const Clock& clock, EventLogSettings settings = {});

    /// Declares a topic and who may see its events. Names are [a-z0-9._-], 1–64 characters.
    /// Registering again replaces the filter (for new subscriptions).
    void RegisterTopic(std::string topic, TopicFilter filter);
    bool HasTopic(std::string_view topic) const;

    /// Publishes in a transaction of its own. Never throws: failures are logged (and the event
    /// is then delivered on this node only).
    void Publish(const Event& e);
    /// Publishes inside the caller's transaction, so the event exists if and only if the change
    /// commits; returns the event id (0 when the bus has no log or the event was refused).
    /// On PostgreSQL it takes a transaction-scoped lock that orders events: publish last.
    std::int64_t Publish(db::Connection& c, const Event& e);

    /// A subscription to registered topics, filtered for the subscriber; replays the log after
    /// `last_event_id` first. InvalidInput for an unknown or malformed topic.
    Result<std::shared_ptr<Subscription>> Subscribe(SubscribeOptions options);
    /// Every event accepted by `filter`, whatever its topic, with no authorization (in-process use).
    std::shared_ptr<Subscription> Subscribe(std::function<bool(const Event&)> filter);

    /// Calls `fn` with every event this node publishes, on the publishing thread, right after
    /// the transaction that published it commits (read-your-writes on this node: a cache is
    /// emptied before the response of the change goes out). Other nodes' events come through
    /// Subscribe only, so listeners use both and must tolerate seeing a local event twice.
    /// Keep `fn` cheap; it must not publish. The listener stays for the bus's lifetime.
    void OnLocalCommit(std::function<void(const Event&)> fn);

    /// Asks the delivery thread to read the log now (NOTIFY received, or a local publish).
    void Wake();
    /// Tells the bus whether another wake-up source (LISTEN) is connected: the poll then slows.
    void SetRemoteWakeups(bool connected);
    /// Deletes events beyond the retention settings; returns how many (also run periodically).
    std::int64_t Prune();

    std::size_t SubscriberCount() const;
    /// Test hook: frames built so far (one per event and node, plus replays).
    std::uint64_t FramesBuilt() const { return frames_built_.load(); }

    /// Formats one SSE frame (compact JSON data on one line).
    static std::string FormatFrame(const Event& e);

private:
    struct TopicEntry {
        TopicFilter filter;
    };
    std::int64_t Append(db::Connection& c, const Event& e);
    void DeliverInMemory(Event e);
    void NotifyLocalCommit(const Event& e);
    void Run();
    void DeliverNew();
    void Replay(Subscription& sub, std::int64_t after);
    std::vector<std::shared_ptr<Subscription>> LiveSubscriptions();
    /// Validates a row of the log (or a publish): known topic, JSON data, size. nullopt: skip it.
    std::optional<Event> Check(Event e, bool from_log) const;
    Frame BuildFrame(const Event& e);

    mutable std::mutex mu_;
    std::vector<std::weak_ptr<Subscription>> subs_;
    std::vector<std::function<void(const Event&)>> local_commit_;
    std::map<std::string, TopicEntry, std::less<>> topics_;
    std::int64_t local_seq_ = 0;

    db::Database* db_ = nullptr;
    const Clock* clock_ = nullptr;
    EventLogSettings settings_;
    std::mutex wake_mu_;
    std::condition_variable wake_cv_;
    bool wake_ = false;
    bool stop_ = false;
    std::atomic<bool> remote_wakeups_{false};
    std::int64_t last_seen_ = 0;  // delivery thread only
    std::atomic<std::uint64_t> frames_built_{0};
    std::thread thread_;
};

/// @brief Wakes every node's event bus over PostgreSQL LISTEN/NOTIFY on channel "vp_events":
/// EventBus::Publish notifies with the new event's id inside the publishing transaction (so
/// the wake-up is sent at commit); this bridge listens on one dedicated connection and wakes
/// the local bus. Payloads that are not an id are logged and ignored. Reconnects after failures.
class PgEventBridge {
public:
    PgEventBridge(std::string dsn, EventBus& bus);
    ~PgEventBridge();
    PgEventBridge(const PgEventBridge&) = delete;
    PgEventBridge& operator=(const PgEventBridge&) = delete;
    /// Test hook: notifications that were ignored as malformed.
    std::uint64_t MalformedNotifications() const { return malformed_.load(); }

private:
    void Run();
    std::string dsn_;
    EventBus& bus_;
    std::atomic<bool> stop_{false};
    std::atomic<std::uint64_t> malformed_{0};
    std::thread thread_;
};

}  // namespace vp::core
