#include "core/events.hpp"

#include <libpq-fe.h>
#include <poll.h>

#include <boost/json.hpp>
#include <spdlog/spdlog.h>

namespace vp::core {

std::optional<std::string> Subscription::Next() {
    std::lock_guard lock(mu_);
    if (queue_.empty()) return std::nullopt;
    auto s = std::move(queue_.front());
    queue_.pop_front();
    return s;
}

bool Subscription::Closed() const {
    std::lock_guard lock(mu_);
    return closed_ && queue_.empty();
}

void Subscription::Close() {
    std::lock_guard lock(mu_);
    closed_ = true;
}

bool Subscription::Offer(const Event& e) {
    std::lock_guard lock(mu_);
    if (closed_) return false;
    if (ends_ && ends_(e)) {
        queue_.push_back("event: " + e.topic + "\ndata: " + e.data_json + "\n\n");
        closed_ = true;
        return true;
    }
    if (filter_ && !filter_(e)) return false;
    if (queue_.size() > 1000) queue_.pop_front();  // a stalled browser must not grow memory
    queue_.push_back("event: " + e.topic + "\ndata: " + e.data_json + "\n\n");
    return true;
}

void EventBus::Publish(const Event& e) {
    std::function<void(const Event&)> fwd;
    {
        std::lock_guard lock(mu_);
        fwd = forward_;
    }
    if (fwd) {
        fwd(e);
    } else {
        DeliverLocal(e);
    }
}

void EventBus::DeliverLocal(const Event& e) {
    std::vector<std::shared_ptr<Subscription>> live;
    {
        std::lock_guard lock(mu_);
        std::erase_if(subs_, [](auto& w) { return w.expired(); });
        for (auto& w : subs_) {
            if (auto s = w.lock()) live.push_back(std::move(s));
        }
    }
    for (auto& s : live) s->Offer(e);
}

std::shared_ptr<Subscription> EventBus::Subscribe(std::function<bool(const Event&)> filter) {
    auto s = std::make_shared<Subscription>(std::move(filter));
    std::lock_guard lock(mu_);
    subs_.push_back(s);
    return s;
}

void EventBus::SetForwarder(std::function<void(const Event&)> forward) {
    std::lock_guard lock(mu_);
    forward_ = std::move(forward);
}

std::size_t EventBus::SubscriberCount() const {
    std::lock_guard lock(mu_);
    std::size_t n = 0;
    for (auto& w : subs_) n += !w.expired();
    return n;
}

namespace {
std::string Encode(const Event& e) {
    return boost::json::serialize(
        boost::json::object{{"t", e.topic}, {"d", e.data_json}, {"u", e.user_id}});
}
std::optional<Event> Decode(std::string_view s) {
    boost::system::error_code ec;
    auto v = boost::json::parse(s, ec);
    if (ec || !v.is_object()) return std::nullopt;
    auto& o = v.as_object();
    if (!o.contains("t") || !o.contains("d") || !o.contains("u")) return std::nullopt;
    return Event{std::string(o["t"].as_string()), std::string(o["d"].as_string()), o["u"].to_number<std::int64_t>()};
}
}  // namespace

PgEventBridge::PgEventBridge(std::string dsn, EventBus& bus) : dsn_(std::move(dsn)), bus_(bus) {
    bus_.SetForwarder([this](const Event& e) { Send(e); });
    thread_ = std::thread([this] { Run(); });
}

PgEventBridge::~PgEventBridge() {
    stop_ = true;
    bus_.SetForwarder(nullptr);
    if (thread_.joinable()) thread_.join();
    std::lock_guard lock(send_mu_);
    if (send_conn_) PQfinish(static_cast<PGconn*>(send_conn_));
}

void PgEventBridge::Send(const Event& e) {
    std::lock_guard lock(send_mu_);
    auto* c = static_cast<PGconn*>(send_conn_);
    if (!c || PQstatus(c) != CONNECTION_OK) {
        if (c) PQfinish(c);
        c = PQconnectdb(dsn_.c_str());
        send_conn_ = c;
    }
    auto payload = Encode(e);
    // NOTIFY payloads are limited to 8000 bytes: large events travel as a topic-only hint.
    if (payload.size() > 7900) payload = Encode(Event{e.topic, "{}", e.user_id});
    const char* params[] = {payload.c_str()};
    PGresult* r = PQexecParams(c, "SELECT pg_notify('vp_events', $1)", 1, nullptr, params, nullptr, nullptr, 0);
    if (PQresultStatus(r) != PGRES_TUPLES_OK) {
        spdlog::warn("event bridge: notify failed, delivering locally only");
        bus_.DeliverLocal(e);
    }
    PQclear(r);
}

void PgEventBridge::Run() {
    PGconn* c = nullptr;
    while (!stop_) {
        if (!c || PQstatus(c) != CONNECTION_OK) {
            if (c) PQfinish(c);
            c = PQconnectdb(dsn_.c_str());
            if (PQstatus(c) != CONNECTION_OK) {
                std::this_thread::sleep_for(std::chrono::seconds(1));
                continue;
            }
            PQclear(PQexec(c, "LISTEN vp_events"));
        }
        pollfd pfd{PQsocket(c), POLLIN, 0};
        int rc = poll(&pfd, 1, 200);
        if (rc < 0) continue;
        if (rc > 0 && !PQconsumeInput(c)) continue;
        while (PGnotify* n = PQnotifies(c)) {
            if (auto e = Decode(n->extra)) bus_.DeliverLocal(*e);
            PQfreemem(n);
        }
    }
    if (c) PQfinish(c);
}

}  // namespace vp::core
