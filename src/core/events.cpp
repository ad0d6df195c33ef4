#include "core/events.hpp"

#include <libpq-fe.h>
#include <poll.h>

#include <algorithm>
#include <charconv>

#include <boost/json.hpp>
#include <spdlog/spdlog.h>

#include "core/db/database.hpp"

namespace vp::core {

namespace {

// Orders event ids with commits on PostgreSQL (see Append); an arbitrary key of this program.
constexpr std::int64_t kEventLogLockKey = 7215006;
constexpr std::int64_t kPageSize = 500;

bool ValidTopicName(std::string_view t) {
    if (t.empty() || t.size() > 64) return false;
    return std::all_of(t.begin(), t.end(), [](char ch) {
        return (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '.' || ch == '_' || ch == '-';
    });
}

// A short, printable excerpt of untrusted text for a log line.
std::string Excerpt(std::string_view s) {
    std::string out;
    for (char ch : s.substr(0, 80)) out += (ch >= 0x20 && ch < 0x7f) ? ch : '?';
    if (s.size() > 80) out += "…";
    return out;
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// Subscription

std::optional<std::string> Subscription::Next() {
    std::lock_guard lock(mu_);
    if (queue_.empty()) return std::nullopt;
    auto f = std::move(queue_.front());
    queue_.pop_front();
    return *f;
}

bool Subscription::Closed() const {
    std::lock_guard lock(mu_);
    return closed_ && queue_.empty();
}

void Subscription::Close() {
    std::lock_guard lock(mu_);
    closed_ = true;
    if (wake_) wake_();
}

void Subscription::OnReady(std::function<void()> wake) {
    std::lock_guard lock(mu_);
    wake_ = std::move(wake);
    if (wake_ && (!queue_.empty() || closed_)) wake_();
}

void Subscription::CloseOn(std::function<bool(const Event&)> ends) {
    std::lock_guard lock(mu_);
    ends_ = std::move(ends);
}

bool Subscription::AcceptLocked(const Event& e, bool& ends) const {
    // Filters come from modules; one that throws denies the event and never reaches the caller
    // (the delivery thread).
    try {
        ends = ends_ && ends_(e);
        if (ends) return true;
        return !filter_ || filter_(e);
    } catch (const std::exception& ex) {
        spdlog::warn("events: a filter of topic {} failed ({}); event {} not delivered", e.topic, ex.what(), e.id);
    } catch (...) {
        spdlog::warn("events: a filter of topic {} failed; event {} not delivered", e.topic, e.id);
    }
    ends = false;
    return false;
}

void Subscription::PushLocked(Frame frame, bool ends) {
    if (queue_.size() >= max_queued_) {
        // A stalled browser must not grow memory, and dropping frames would leave a gap: end the
        // stream instead; the browser reconnects with the last id it got and replays the rest.
        spdlog::info("events: a stream fell {} events behind and is closed (resumes from the log)", queue_.size());
        closed_ = true;
    } else {
        queue_.push_back(std::move(frame));
        if (ends) closed_ = true;
    }
    if (wake_) wake_();  // cheap (a flag and a post to the stream's thread): fine under the lock
}

bool Subscription::Offer(const Event& e, const Frame& frame) {
    std::lock_guard lock(mu_);
    if (closed_) return false;
    if (e.id != 0 && e.id <= replayed_through_) return false;  // already sent by the replay
    bool ends = false;
    if (!AcceptLocked(e, ends)) return false;
    if (replaying_) {
        if (pending_.size() >= max_queued_) {
            closed_ = true;
            return false;
        }
        pending_.push_back({e.id, frame, ends});
        return true;
    }
    PushLocked(frame, ends);
    return true;
}

bool Subscription::Offer(const Event& e) {
    return Offer(e, std::make_shared<const std::string>(EventBus::FormatFrame(e)));
}

void Subscription::BeginReplay() {
    std::lock_guard lock(mu_);
    replaying_ = true;
}

void Subscription::FinishReplay(std::int64_t through) {
    std::lock_guard lock(mu_);
    replayed_through_ = through;
    replaying_ = false;
    for (auto& p : pending_) {
        if (closed_) break;
        if (p.id != 0 && p.id <= through) continue;
        PushLocked(std::move(p.frame), p.ends);
    }
    pending_.clear();
}

// ---------------------------------------------------------------------------------------------
// Helpers

std::vector<std::string> SplitTopics(std::string_view list) {
    std::vector<std::string> out;
    while (!list.empty()) {
        auto comma = list.find(',');
        auto part = list.substr(0, comma);
        while (!part.empty() && part.front() == ' ') part.remove_prefix(1);
        while (!part.empty() && part.back() == ' ') part.remove_suffix(1);
        if (!part.empty() && std::find(out.begin(), out.end(), part) == out.end()) out.emplace_back(part);
        if (comma == std::string_view::npos) break;
        list.remove_prefix(comma + 1);
    }
    return out;
}

Result<std::int64_t> ParseLastEventId(std::string_view text) {
    std::int64_t v = -1;
    auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
    if (text.empty() || ec != std::errc() || p != text.data() + text.size() || v < 0) {
        return InvalidInput(Msg("core.last_event_id_invalid"), "expected a non-negative integer");
    }
    return v;
}

// ---------------------------------------------------------------------------------------------
// EventBus

EventBus::EventBus() {
    // Built in: a person's own "sessions ended" signal (revocation, password change), which
    // also ends their streams (SubscribeOptions::ends).
    topics_.emplace(std::string(kSessionEndedTopic), TopicEntry{[](const Subscriber& s, const Event& e) {
                        return e.user_id != 0 && e.user_id == s.user_id;
                    }});
}

EventBus::~EventBus() {
    {
        std::lock_guard lock(wake_mu_);
        stop_ = true;
    }
    wake_cv_.notify_all();
    if (thread_.joinable()) thread_.join();
}

void EventBus::AttachLog(db::Database& db, const Clock& clock, EventLogSettings settings) {
    if (db_) throw std::logic_error("EventBus::AttachLog called twice");
    db_ = &db;
    clock_ = &clock;
    settings_ = settings;
    // Start from the newest event: a node that starts does not re-deliver history.
    last_seen_ =
        db.Read([](db::Connection& c) { return c.QueryOne("SELECT COALESCE(MAX(id), 0) FROM event_log")->Int(0); });
    thread_ = std::thread([this] { Run(); });
}

void EventBus::RegisterTopic(std::string topic, TopicFilter filter) {
    if (!ValidTopicName(topic)) throw std::invalid_argument("bad event topic name: " + topic);
    std::lock_guard lock(mu_);
    topics_[std::move(topic)] = TopicEntry{std::move(filter)};
}

bool EventBus::HasTopic(std::string_view topic) const {
    std::lock_guard lock(mu_);
    return topics_.find(topic) != topics_.end();
}

std::string EventBus::FormatFrame(const Event& e) {
    std::string f;
    f.reserve(e.topic.size() + e.data_json.size() + 32);
    if (e.id != 0) {
        f += "id: ";
        f += std::to_string(e.id);
        f += '\n';
    }
    f += "event: ";
    f += e.topic;
    f += "\ndata: ";
    f += e.data_json;
    f += "\n\n";
    return f;
}

Frame EventBus::BuildFrame(const Event& e) {
    frames_built_.fetch_add(1, std::memory_order_relaxed);
    return std::make_shared<const std::string>(FormatFrame(e));
}

std::optional<Event> EventBus::Check(Event e, bool from_log) const {
    const char* where = from_log ? "log entry" : "publish";
    if (!ValidTopicName(e.topic) || !HasTopic(e.topic)) {
        spdlog::warn("events: {} {} has an unknown topic \"{}\"; skipped", where, e.id, Excerpt(e.topic));
        return std::nullopt;
    }
    const std::size_t limit = settings_.max_event_bytes;
    if (e.data_json.size() > limit) {
        spdlog::warn("events: {} {} ({}) is {} bytes, over the {} allowed; skipped", where, e.id, e.topic,
                     e.data_json.size(), limit);
        return std::nullopt;
    }
    boost::system::error_code ec;
    auto v = boost::json::parse(e.data_json, ec);
    if (ec) {
        spdlog::warn("events: {} {} ({}) is not JSON ({}): {}; skipped", where, e.id, e.topic, ec.message(),
                     Excerpt(e.data_json));
        return std::nullopt;
    }
    // Compact, one line: the frame's `data:` field must not contain a line break.
    e.data_json = boost::json::serialize(v);
    return e;
}

std::vector<std::shared_ptr<Subscription>> EventBus::LiveSubscriptions() {
    std::vector<std::shared_ptr<Subscription>> live;
    std::lock_guard lock(mu_);
    std::erase_if(subs_, [](auto& w) { return w.expired(); });
    live.reserve(subs_.size());
    for (auto& w : subs_) {
        if (auto s = w.lock()) live.push_back(std::move(s));
    }
    return live;
}

void EventBus::DeliverInMemory(Event e) {
    auto live = LiveSubscriptions();
    if (live.empty()) return;
    auto frame = BuildFrame(e);
    for (auto& s : live) s->Offer(e, frame);
}

std::int64_t EventBus::Append(db::Connection& c, const Event& e) {
    const bool pg = c.GetEngine() == db::Engine::kPostgres;
    // PostgreSQL hands out sequence numbers before commit, so without an order a reader could
    // see id 11 before id 10 commits and miss 10 for good. The lock, held to the end of the
    // transaction, makes ids commit in order. (SQLite has one writer at a time.)
    if (pg) c.Query("SELECT pg_advisory_xact_lock($1)", {kEventLogLockKey});
    auto id = c.QueryOne("INSERT INTO event_log (topic, user_id, data_json, at) VALUES ($1, $2, $3, $4) RETURNING id",
                         {e.topic, e.user_id, e.data_json, ToMillis(clock_->Now())})
                  ->Int(0);
    // The wake-up for other nodes: sent at commit, not at all on rollback. Only the id travels.
    if (pg) c.Query("SELECT pg_notify('vp_events', $1)", {std::to_string(id)});
    return id;
}

void EventBus::Publish(const Event& in) {
    auto e = Check(in, false);
    if (!e) return;
    e->id = 0;
    if (!db_) {
        {
            std::lock_guard lock(mu_);
            e->id = ++local_seq_;
        }
        DeliverInMemory(std::move(*e));
        return;
    }
    try {
        db_->Transact([&](db::Connection& c) { Append(c, *e); });
        Wake();
        NotifyLocalCommit(*e);
    } catch (const std::exception& ex) {
        spdlog::error("events: could not log {} ({}); delivered on this node only", e->topic, ex.what());
        DeliverInMemory(std::move(*e));
    }
}

std::int64_t EventBus::Publish(db::Connection& c, const Event& in) {
    auto e = Check(in, false);
    if (!e) return 0;
    e->id = 0;
    if (!db_) {
        {
            std::lock_guard lock(mu_);
            e->id = ++local_seq_;
        }
        NotifyLocalCommit(*e);
        DeliverInMemory(std::move(*e));
        return 0;
    }
    auto id = Append(c, *e);  // throws with the caller's transaction
    // Once the row is visible: the delivery thread reads it at once (not at its next poll), and
    // this node's commit listeners hear of it before the caller answers.
    c.AfterCommit([this, ev = *e, id] {
        Wake();
        auto copy = ev;
        copy.id = id;
        NotifyLocalCommit(copy);
    });
    return id;
}

void EventBus::OnLocalCommit(std::function<void(const Event&)> fn) {
    std::lock_guard lock(mu_);
    local_commit_.push_back(std::move(fn));
}

void EventBus::NotifyLocalCommit(const Event& e) {
    std::vector<std::function<void(const Event&)>> listeners;
    {
        std::lock_guard lock(mu_);
        listeners = local_commit_;
    }
    for (const auto& fn : listeners) {
        try {
            fn(e);
        } catch (const std::exception& ex) {
            spdlog::warn("events: a commit listener of {} failed: {}", e.topic, ex.what());
        }
    }
}

void EventBus::Wake() {
    {
        std::lock_guard lock(wake_mu_);
        wake_ = true;
    }
    wake_cv_.notify_one();
}

void EventBus::SetRemoteWakeups(bool connected) { remote_wakeups_ = connected; }

Result<std::shared_ptr<Subscription>> EventBus::Subscribe(SubscribeOptions o) {
    std::vector<std::pair<std::string, TopicFilter>> wanted;
    {
        std::lock_guard lock(mu_);
        if (o.topics.empty()) {
            for (auto& [name, entry] : topics_) wanted.emplace_back(name, entry.filter);
        } else {
            for (auto& t : o.topics) {
                auto it = topics_.find(t);
                if (it == topics_.end()) {
                    return InvalidInput(Msg("core.event_topic_unknown", {{"topic", Excerpt(t)}}), "unknown topic");
                }
                wanted.emplace_back(it->first, it->second.filter);
            }
        }
    }
    auto filter = [subscriber = std::move(o.subscriber), wanted = std::move(wanted)](const Event& e) {
        for (const auto& [name, f] : wanted) {
            if (name == e.topic) return !f || f(subscriber, e);
        }
        return false;
    };
    auto sub = std::make_shared<Subscription>(std::move(filter), settings_.max_queued_per_subscriber);
    sub->ends_ = std::move(o.ends);
    const bool replay = o.last_event_id.has_value() && db_;
    if (replay) sub->BeginReplay();
    {
        // Registered before the replay reads the log: every event is then either in the replay
        // or offered live (the delivery thread lists subscribers after reading rows), and live
        // offers during the replay wait, then those already replayed are dropped.
        std::lock_guard lock(mu_);
        subs_.push_back(sub);
    }
    if (replay) Replay(*sub, *o.last_event_id);
    return sub;
}

std::shared_ptr<Subscription> EventBus::Subscribe(std::function<bool(const Event&)> filter) {
    auto s = std::make_shared<Subscription>(std::move(filter), settings_.max_queued_per_subscriber);
    std::lock_guard lock(mu_);
    subs_.push_back(s);
    return s;
}

void EventBus::Replay(Subscription& sub, std::int64_t after) {
    std::int64_t through = after;
    try {
        db_->Read([&](db::Connection& c) {
            auto range = c.QueryOne("SELECT COALESCE(MIN(id), 0), COALESCE(MAX(id), 0) FROM event_log");
            const auto oldest = range->Int(0);
            const auto newest = range->Int(1);
            through = std::min(after, newest);  // an id from the future (another database) replays nothing
            if (oldest > after + 1) {
                // Events after `after` were pruned: tell the client to reload what it shows.
                auto gap = std::make_shared<const std::string>(
                    "event: replay.incomplete\ndata: {\"oldest_id\":" + std::to_string(oldest) + "}\n\n");
                std::lock_guard lock(sub.mu_);
                sub.PushLocked(std::move(gap), false);
            }
            for (std::int64_t from = after;;) {
                auto rows =
                    c.Query("SELECT id, topic, user_id, data_json FROM event_log WHERE id > $1 ORDER BY id LIMIT $2",
                            {from, kPageSize});
                for (const auto& r : rows) {
                    from = through = r.Int(0);
                    std::optional<Event> e;
                    try {
                        e = Check(Event{r.Text(1), r.Text(3), r.Int(2), from}, true);
                    } catch (const std::exception& ex) {
                        spdlog::warn("events: log entry {} unreadable ({}); skipped", from, ex.what());
                    }
                    if (!e) continue;
                    std::lock_guard lock(sub.mu_);
                    if (sub.closed_) return;
                    bool ends = false;
                    // An old session.ended belongs to sessions that are gone: this stream's is valid.
                    if (!sub.AcceptLocked(*e, ends) || ends) continue;
                    sub.PushLocked(BuildFrame(*e), false);  // built only for events this stream takes
                }
                if (static_cast<std::int64_t>(rows.size()) < kPageSize) break;
            }
        });
    } catch (const std::exception& ex) {
        // Without the log the stream still works live; the browser may miss what it asked for.
        spdlog::error("events: replay after {} failed: {}", after, ex.what());
    }
    sub.FinishReplay(through);
}

void EventBus::DeliverNew() {
    for (;;) {
        auto rows = db_->Read([&](db::Connection& c) {
            return c.Query("SELECT id, topic, user_id, data_json FROM event_log WHERE id > $1 ORDER BY id LIMIT $2",
                           {last_seen_, kPageSize});
        });
        if (rows.empty()) return;
        // Listed after the rows were read: a subscription registered later replays them instead.
        auto live = LiveSubscriptions();
        for (const auto& r : rows) {
            std::optional<Event> e;
            try {
                last_seen_ = r.Int(0);
                e = Check(Event{r.Text(1), r.Text(3), r.Int(2), last_seen_}, true);
            } catch (const std::exception& ex) {
                spdlog::warn("events: log entry after {} unreadable ({}); skipped", last_seen_, ex.what());
            }
            if (!e || live.empty()) continue;
            auto frame = BuildFrame(*e);  // once, for every subscriber of this node
            for (auto& s : live) s->Offer(*e, frame);
        }
        if (static_cast<std::int64_t>(rows.size()) < kPageSize) return;
    }
}

std::int64_t EventBus::Prune() {
    if (!db_) return 0;
    const auto cutoff =
        ToMillis(clock_->Now()) - std::chrono::duration_cast<std::chrono::milliseconds>(settings_.keep_for).count();
    return db_->Transact([&](db::Connection& c) {
        std::int64_t below = 0;
        if (settings_.keep_events > 0) {
            below = c.QueryOne("SELECT COALESCE(MAX(id), 0) FROM event_log")->Int(0) - settings_.keep_events;
        }
        return c.Execute("DELETE FROM event_log WHERE id <= $1 OR at < $2", {below, cutoff});
    });
}

void EventBus::Run() {
    auto next_prune = std::chrono::steady_clock::now() + settings_.prune_interval;
    for (;;) {
        {
            std::unique_lock lock(wake_mu_);
            auto wait = settings_.poll_interval;
            if (remote_wakeups_) wait = std::max<std::chrono::milliseconds>(wait, std::chrono::seconds(1));
            wake_cv_.wait_for(lock, wait, [&] { return stop_ || wake_; });
            if (stop_) return;
            wake_ = false;
        }
        // Nothing leaves this thread: a failure is logged and the next round tries again.
        try {
            DeliverNew();
        } catch (const std::exception& ex) {
            spdlog::warn("events: reading the event log failed: {}", ex.what());
        } catch (...) {
            spdlog::warn("events: reading the event log failed");
        }
        if (std::chrono::steady_clock::now() >= next_prune) {
            next_prune = std::chrono::steady_clock::now() + settings_.prune_interval;
            try {
                if (auto n = Prune()) spdlog::debug("events: pruned {} old events", n);
            } catch (const std::exception& ex) {
                spdlog::warn("events: pruning the event log failed: {}", ex.what());
            }
        }
    }
}

std::size_t EventBus::SubscriberCount() const {
    std::lock_guard lock(mu_);
    std::size_t n = 0;
    for (auto& w : subs_) n += !w.expired();
    return n;
}

// ---------------------------------------------------------------------------------------------
// PgEventBridge

PgEventBridge::PgEventBridge(std::string dsn, EventBus& bus) : dsn_(std::move(dsn)), bus_(bus) {
    thread_ = std::thread([this] { Run(); });
}

PgEventBridge::~PgEventBridge() {
    stop_ = true;
    if (thread_.joinable()) thread_.join();
    bus_.SetRemoteWakeups(false);
}

void PgEventBridge::Run() {
    PGconn* c = nullptr;
    auto drop = [&] {
        if (c) PQfinish(c);
        c = nullptr;
        bus_.SetRemoteWakeups(false);
    };
    while (!stop_) {
        try {
            if (!c || PQstatus(c) != CONNECTION_OK) {
                drop();
                c = PQconnectdb(dsn_.c_str());
                PGresult* r = PQstatus(c) == CONNECTION_OK ? PQexec(c, "LISTEN vp_events") : nullptr;
                const bool listening = r && PQresultStatus(r) == PGRES_COMMAND_OK;
                PQclear(r);
                if (!listening) {
                    drop();
                    for (int i = 0; i < 5 && !stop_; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(200));
                    continue;
                }
                bus_.SetRemoteWakeups(true);
                bus_.Wake();  // catch up with what was published while not listening
            }
            pollfd pfd{PQsocket(c), POLLIN, 0};
            int rc = poll(&pfd, 1, 200);
            if (rc < 0) continue;
            if (rc > 0 && !PQconsumeInput(c)) {
                spdlog::warn("event bridge: connection lost: {}", PQerrorMessage(c));
                drop();
                continue;
            }
            bool wake = false;
            while (PGnotify* n = PQnotifies(c)) {
                std::string_view payload = n->extra ? n->extra : "";
                std::int64_t id = 0;
                auto [p, ec] = std::from_chars(payload.data(), payload.data() + payload.size(), id);
                if (payload.empty() || ec != std::errc() || p != payload.data() + payload.size() || id <= 0) {
                    ++malformed_;
                    spdlog::warn("event bridge: ignored a notification that is not an event id: \"{}\"",
                                 Excerpt(payload));
                } else {
                    wake = true;
                }
                PQfreemem(n);
            }
            if (wake) bus_.Wake();
        } catch (const std::exception& ex) {
            spdlog::warn("event bridge: {}", ex.what());
            drop();
        }
    }
    drop();
}

}  // namespace vp::core
