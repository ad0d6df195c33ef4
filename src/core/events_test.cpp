// Live events through the durable event log, on SQLite and PostgreSQL.
// covers X-5 (events survive in a bounded log; replay after reconnect; delivery across
// processes and nodes; malformed entries never stop delivery), X-3 (per-subscriber authorization)
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <regex>
#include <set>
#include <thread>

#include "core/db/database.hpp"
#include "core/events.hpp"
#include "core/testing/db_fixture.hpp"

namespace vp {
namespace {

using namespace std::chrono_literals;
using core::Event;
using core::EventBus;
using core::Subscription;

// Frames of `sub` until `n` arrived or `timeout` passed.
std::vector<std::string> Collect(Subscription& sub, std::size_t n, std::chrono::milliseconds timeout = 3000ms) {
    std::vector<std::string> out;
    const auto end = std::chrono::steady_clock::now() + timeout;
    while (out.size() < n && std::chrono::steady_clock::now() < end) {
        if (auto f = sub.Next()) {
            out.push_back(std::move(*f));
        } else {
            std::this_thread::sleep_for(5ms);
        }
    }
    return out;
}

std::int64_t IdOf(const std::string& frame) {
    std::smatch m;
    if (!std::regex_search(frame, m, std::regex("^id: (\\d+)\n"))) return 0;
    return std::stoll(m[1].str());
}

class Events : public testing::DbTest {
protected:
    void SetUp() override {
        DbTest::SetUp();
        if (IsSkipped() || HasFatalFailure()) return;
        Attach(bus_, Db());
    }
    void Attach(EventBus& bus, core::db::Database& db, core::EventLogSettings s = {}) {
        bus.AttachLog(db, clock_, s);
        bus.RegisterTopic("tasks.status", [](const core::Subscriber&, const Event&) { return true; });
    }
    // A second handle on the same database, as another process (SQLite) or node (PostgreSQL) has.
    std::unique_ptr<core::db::Database> OpenAgain() {
        if (GetParam() == core::db::Engine::kSqlite) return core::db::OpenSqlite({.path = url_, .pool_size = 2});
        return core::db::OpenPostgres({.dsn = url_, .pool_size = 2});
    }
    std::int64_t LogCount() {
        return Db().Read([](core::db::Connection& c) { return c.QueryOne("SELECT COUNT(*) FROM event_log")->Int(0); });
    }
    std::int64_t LastId() {
        return Db().Read(
            [](core::db::Connection& c) { return c.QueryOne("SELECT COALESCE(MAX(id), 0) FROM event_log")->Int(0); });
    }
    std::shared_ptr<Subscription> Sub(EventBus& bus, std::vector<std::string> topics,
                                      std::optional<std::int64_t> last = {}, std::int64_t user = 1) {
        auto r = bus.Subscribe({.subscriber = {user, {}}, .topics = std::move(topics), .last_event_id = last});
        EXPECT_TRUE(r.ok());
        return r.ok() ? r.value() : nullptr;
    }
    EventBus bus_;
};

// The stream writing a subscription is told of each frame and of its end (no polling).
TEST(Subscriptions, TellTheirStreamOfEachFrameAndOfTheirEnd_X5) {
    Subscription sub(nullptr);
    int woken = 0;
    sub.OnReady([&] { ++woken; });
    EXPECT_EQ(woken, 0) << "nothing waits yet";
    EXPECT_TRUE(sub.Offer(Event{.topic = "notification", .data_json = "{}", .id = 1}));
    EXPECT_EQ(woken, 1);
    EXPECT_TRUE(sub.Next().has_value());
    Subscription refused([](const Event&) { return false; });
    int refused_woken = 0;
    refused.OnReady([&] { ++refused_woken; });
    EXPECT_FALSE(refused.Offer(Event{.topic = "notification", .data_json = "{}", .id = 2}));
    EXPECT_EQ(refused_woken, 0) << "a frame the filter refuses wakes nobody";
    sub.Close();
    EXPECT_EQ(woken, 2) << "closing wakes the stream so that it ends";
    sub.OnReady(nullptr);
    sub.Close();
    EXPECT_EQ(woken, 2) << "a stream that left is not called";
    // A stream that attaches after a frame arrived is woken at once.
    Subscription late(nullptr);
    EXPECT_TRUE(late.Offer(Event{.topic = "notification", .data_json = "{}", .id = 3}));
    int late_woken = 0;
    late.OnReady([&] { ++late_woken; });
    EXPECT_EQ(late_woken, 1);
}

TEST_P(Events, ReplaysTheEventsAfterLastEventIdThenLiveOnes_X5) {
    for (int i = 1; i <= 5; ++i) bus_.Publish({"tasks.status", "{\"n\":" + std::to_string(i) + "}"});
    const auto last = LastId();
    ASSERT_EQ(LogCount(), 5);
    // The browser saw up to the second event and reconnects.
    auto sub = Sub(bus_, {"tasks.status"}, last - 3);
    auto replayed = Collect(*sub, 3);
    ASSERT_EQ(replayed.size(), 3u);
    for (int i = 0; i < 3; ++i) {
        EXPECT_EQ(IdOf(replayed[i]), last - 2 + i);
        EXPECT_NE(replayed[i].find("event: tasks.status\ndata: {\"n\":" + std::to_string(i + 3) + "}\n\n"),
                  std::string::npos)
            << replayed[i];
    }
    bus_.Publish({"tasks.status", "{\"n\":6}"});
    auto live = Collect(*sub, 1);
    ASSERT_EQ(live.size(), 1u);
    EXPECT_EQ(IdOf(live[0]), last + 1);
    EXPECT_TRUE(Collect(*sub, 1, 400ms).empty()) << "nothing twice";
    // A stream opened without Last-Event-ID starts with what comes next.
    auto fresh = Sub(bus_, {"tasks.status"});
    EXPECT_TRUE(Collect(*fresh, 1, 400ms).empty());
}

TEST_P(Events, ReplayRacingLivePublishesHasNoGapsNorDuplicates_X5) {
    bus_.Publish({"tasks.status", "{}"});
    const auto start = LastId();
    std::atomic<bool> stop{false};
    std::thread writer([&] {
        for (int i = 0; i < 60 && !stop; ++i) {
            bus_.Publish({"tasks.status", "{\"i\":" + std::to_string(i) + "}"});
            std::this_thread::sleep_for(2ms);
        }
    });
    std::this_thread::sleep_for(30ms);  // some events are in the log before the reconnect
    auto sub = Sub(bus_, {"tasks.status"}, start);
    writer.join();
    auto frames = Collect(*sub, 60, 5000ms);
    ASSERT_EQ(frames.size(), 60u);
    for (std::size_t i = 0; i < frames.size(); ++i)
        EXPECT_EQ(IdOf(frames[i]), start + 1 + static_cast<std::int64_t>(i));
    EXPECT_TRUE(Collect(*sub, 1, 300ms).empty());
}

TEST_P(Events, AnEventExistsOnlyIfItsTransactionCommits_X5) {
    auto sub = Sub(bus_, {"tasks.status"});
    try {
        Db().Transact([&](core::db::Connection& c) {
            bus_.Publish(c, {"tasks.status", "{\"rolled\":\"back\"}"});
            throw std::runtime_error("the change fails");
        });
    } catch (const std::runtime_error&) {
    }
    std::int64_t id = 0;
    Db().Transact([&](core::db::Connection& c) { id = bus_.Publish(c, {"tasks.status", "{\"ok\":true}"}); });
    EXPECT_GT(id, 0);
    auto got = Collect(*sub, 2, 1000ms);
    ASSERT_EQ(got.size(), 1u);
    EXPECT_EQ(IdOf(got[0]), id);
    EXPECT_NE(got[0].find("\"ok\":true"), std::string::npos);
    EXPECT_EQ(LogCount(), 1);
}

// This node's listeners hear of its own events at the commit, before Transact returns (a page
// cache is emptied before the change's response goes out); a rolled-back event never.
TEST_P(Events, LocalCommitListenersHearTheEventBeforeTheTransactionReturns_X7) {
    std::vector<std::int64_t> heard;
    bus_.OnLocalCommit([&](const Event& e) { heard.push_back(e.id); });
    try {
        Db().Transact([&](core::db::Connection& c) {
            bus_.Publish(c, {"tasks.status", "{}"});
            throw std::runtime_error("the change fails");
        });
    } catch (const std::runtime_error&) {
    }
    EXPECT_TRUE(heard.empty());
    std::int64_t id = 0;
    Db().Transact([&](core::db::Connection& c) {
        id = bus_.Publish(c, {"tasks.status", "{}"});
        EXPECT_TRUE(heard.empty()) << "not before the commit";
    });
    EXPECT_EQ(heard, std::vector<std::int64_t>{id});
    bus_.Publish({"tasks.status", "{}"});
    EXPECT_EQ(heard.size(), 2u) << "a publish in its own transaction too";
}

TEST_P(Events, TheLogIsBoundedByCountAndAge_X5) {
    EventBus bus;
    Attach(bus, Db(), {.keep_events = 10, .keep_for = std::chrono::hours(1)});
    for (int i = 0; i < 25; ++i) bus.Publish({"tasks.status", "{}"});
    EXPECT_EQ(bus.Prune(), 15);
    EXPECT_EQ(LogCount(), 10);
    const auto newest = LastId();
    // A browser away for longer than the log reaches back is told what it missed is gone.
    auto late = Sub(bus, {"tasks.status"}, newest - 20);
    auto frames = Collect(*late, 11);
    ASSERT_EQ(frames.size(), 11u);
    EXPECT_NE(frames[0].find("event: replay.incomplete"), std::string::npos) << frames[0];
    EXPECT_EQ(IdOf(frames[1]), newest - 9);
    EXPECT_EQ(IdOf(frames[10]), newest);
    clock_.Advance(std::chrono::minutes(61));
    bus.Publish({"tasks.status", "{}"});
    EXPECT_EQ(bus.Prune(), 10) << "events older than an hour go";
    EXPECT_EQ(LogCount(), 1);
}

TEST_P(Events, AFilterThatDeniesAnEventNeverDeliversIt_X3) {
    // The app layer's context: here just a role name.
    bus_.RegisterTopic("audit.alert", [](const core::Subscriber& s, const Event&) {
        auto* role = std::any_cast<std::string>(&s.context);
        return role && *role == "inspector";
    });
    bus_.RegisterTopic("notification",
                       [](const core::Subscriber& s, const Event& e) { return e.user_id == s.user_id; });
    auto inspector =
        bus_.Subscribe({.subscriber = {7, std::string("inspector")}, .topics = {"audit.alert", "notification"}})
            .value();
    auto editor =
        bus_.Subscribe({.subscriber = {8, std::string("editor")}, .topics = {"audit.alert", "notification"}}).value();
    auto tasks_only = bus_.Subscribe({.subscriber = {7, std::string("inspector")}, .topics = {"tasks.status"}}).value();
    bus_.Publish({"audit.alert", "{\"chain\":\"broken\"}"});
    bus_.Publish({"notification", "{}", 7});
    auto got = Collect(*inspector, 2);
    ASSERT_EQ(got.size(), 2u);
    EXPECT_NE(got[0].find("event: audit.alert"), std::string::npos);
    EXPECT_NE(got[1].find("event: notification"), std::string::npos);
    EXPECT_TRUE(Collect(*editor, 1, 400ms).empty()) << "denied by the topic filter";
    EXPECT_TRUE(Collect(*tasks_only, 1, 50ms).empty()) << "topics not asked for";
    // Nor through the replay.
    auto editor_again = bus_.Subscribe({.subscriber = {8, std::string("editor")}, .last_event_id = 0}).value();
    EXPECT_TRUE(Collect(*editor_again, 1, 300ms).empty());
    // A filter that throws denies, and the others still get the event.
    bus_.RegisterTopic("broken",
                       [](const core::Subscriber&, const Event&) -> bool { throw std::runtime_error("bug"); });
    auto b = bus_.Subscribe({.subscriber = {7, {}}, .topics = {"broken", "tasks.status"}}).value();
    bus_.Publish({"broken", "{}"});
    bus_.Publish({"tasks.status", "{}"});
    auto after = Collect(*b, 1);
    ASSERT_EQ(after.size(), 1u);
    EXPECT_NE(after[0].find("event: tasks.status"), std::string::npos);
    // Unknown topics are refused when subscribing.
    auto unknown = bus_.Subscribe({.subscriber = {7, {}}, .topics = {"tasks.status", "no.such"}});
    ASSERT_FALSE(unknown.ok());
    EXPECT_EQ(unknown.error().code, core::ErrorCode::kInvalidInput);
}

TEST_P(Events, OneChangeForManySubscribersIsSerializedOnce_X5) {
    std::vector<std::shared_ptr<Subscription>> subs;
    for (int i = 0; i < 200; ++i) subs.push_back(Sub(bus_, {"tasks.status"}, {}, i + 1));
    const auto before = bus_.FramesBuilt();
    bus_.Publish({"tasks.status", "{\"task\":42,\"status\":\"done\"}"});
    std::string first;
    for (auto& s : subs) {
        auto f = Collect(*s, 1);
        ASSERT_EQ(f.size(), 1u);
        if (first.empty()) first = f[0];
        EXPECT_EQ(f[0], first);
    }
    EXPECT_EQ(bus_.FramesBuilt() - before, 1u);
}

TEST_P(Events, AnotherProcessOnTheSameDatabaseDeliversWithinASecond_X5) {
    // Two buses on two handles of one database: a server and the CLI (SQLite), or two nodes.
    auto other_db = OpenAgain();
    EventBus other;
    Attach(other, *other_db);
    std::unique_ptr<core::PgEventBridge> bridge;
    if (GetParam() == core::db::Engine::kPostgres) bridge = std::make_unique<core::PgEventBridge>(url_, bus_);
    auto sub =
        bus_.Subscribe({.subscriber = {42, {}},
                        .ends = [](const Event& e) { return e.topic == core::kSessionEndedTopic && e.user_id == 42; }})
            .value();
    std::this_thread::sleep_for(300ms);  // the bridge is listening
    const auto t0 = std::chrono::steady_clock::now();
    other.Publish({"session.ended", "{\"user_id\":42}", 42});
    auto got = Collect(*sub, 1);
    ASSERT_EQ(got.size(), 1u) << "the event did not cross";
    EXPECT_LT(std::chrono::steady_clock::now() - t0, 1s);
    EXPECT_NE(got[0].find("event: session.ended"), std::string::npos);
    EXPECT_TRUE(sub->Closed()) << "session.ended ends the stream";
}

TEST_P(Events, MalformedLogEntriesAreSkippedAndDeliveryGoesOn_X5) {
    auto sub = bus_.Subscribe([](const Event&) { return true; });
    Db().Transact([&](core::db::Connection& c) {
        auto add = [&](std::string topic, std::string data) {
            c.Execute("INSERT INTO event_log (topic, user_id, data_json, at) VALUES ($1, 0, $2, 0)", {topic, data});
        };
        add("tasks.status", "not json {");
        add("no.such.topic", "{}");
        add("tasks.status\nevent: forged", "{}");
        add("tasks.status", "{\"big\":\"" + std::string(200 * 1024, 'x') + "\"}");
        add("tasks.status", "{\"line\":\n1}");  // JSON, but over two lines: sent compact
        if (GetParam() == core::db::Engine::kSqlite) {
            c.Execute("INSERT INTO event_log (topic, user_id, data_json, at) VALUES ('tasks.status', 'abc', '{}', 0)");
        }
    });
    bus_.Wake();
    auto got = Collect(*sub, 1);
    ASSERT_EQ(got.size(), 1u);
    EXPECT_NE(got[0].find("data: {\"line\":1}\n\n"), std::string::npos) << got[0];
    EXPECT_TRUE(Collect(*sub, 1, 400ms).empty());
    // Replays skip them too, and a publish of bad JSON never reaches the log.
    auto replay = bus_.Subscribe({.subscriber = {1, {}}, .last_event_id = 0}).value();
    EXPECT_EQ(Collect(*replay, 2, 500ms).size(), 1u);
    const auto count = LogCount();
    bus_.Publish({"tasks.status", "{oops"});
    bus_.Publish({"unregistered", "{}"});
    EXPECT_EQ(LogCount(), count);
    bus_.Publish({"tasks.status", "{\"after\":true}"});
    auto later = Collect(*sub, 1);
    ASSERT_EQ(later.size(), 1u) << "the delivery thread is still running";
    EXPECT_NE(later[0].find("\"after\":true"), std::string::npos);
}

TEST_P(Events, MalformedNotificationsAreIgnoredByTheBridge_X5) {
    if (GetParam() != core::db::Engine::kPostgres) GTEST_SKIP() << "LISTEN/NOTIFY is PostgreSQL's";
    // A slow poll: what arrives quickly came through the bridge.
    EventBus bus;
    Attach(bus, Db(), {.poll_interval = std::chrono::seconds(30)});
    core::PgEventBridge bridge(url_, bus);
    auto sub = bus.Subscribe([](const Event&) { return true; });
    std::this_thread::sleep_for(300ms);  // listening
    Db().Read([](core::db::Connection& c) {
        c.Query("SELECT pg_notify('vp_events', 'not an id')");
        c.Query("SELECT pg_notify('vp_events', $1)", {std::string(7000, '{')});
        c.Query("SELECT pg_notify('vp_events', '-5')");
        c.Query("SELECT pg_notify('vp_events', '')");
    });
    const auto end = std::chrono::steady_clock::now() + 3s;
    while (bridge.MalformedNotifications() < 4 && std::chrono::steady_clock::now() < end)
        std::this_thread::sleep_for(10ms);
    EXPECT_GE(bridge.MalformedNotifications(), 4u);
    auto other_db = OpenAgain();
    EventBus other;
    Attach(other, *other_db);
    other.Publish({"tasks.status", "{\"still\":\"works\"}"});
    auto got = Collect(*sub, 1, 2000ms);
    ASSERT_EQ(got.size(), 1u) << "the bridge still wakes the bus";
    EXPECT_NE(got[0].find("still"), std::string::npos);
}

VP_INSTANTIATE_DB_TEST(Events);

TEST(EventsInMemory, DeliversSynchronouslyWithoutALog) {
    EventBus bus;
    bus.RegisterTopic("tasks.status", nullptr);
    auto sub = bus.Subscribe({.subscriber = {1, {}}, .topics = {"tasks.status"}}).value();
    bus.Publish({"tasks.status", "{\"a\": 1}"});
    auto f = sub->Next();
    ASSERT_TRUE(f);
    EXPECT_EQ(*f, "id: 1\nevent: tasks.status\ndata: {\"a\":1}\n\n");
    EXPECT_THROW(bus.RegisterTopic("Bad Topic", nullptr), std::invalid_argument);
    EXPECT_EQ(core::SplitTopics(" a, b,,a ,c"), (std::vector<std::string>{"a", "b", "c"}));
    EXPECT_FALSE(core::ParseLastEventId("12x").ok());
    EXPECT_FALSE(core::ParseLastEventId("-1").ok());
    EXPECT_EQ(core::ParseLastEventId("12").value(), 12);
}

TEST(EventsInMemory, AStalledStreamIsClosedRatherThanLosingEvents) {
    EventBus bus;
    bus.RegisterTopic("tasks.status", nullptr);
    auto sub = bus.Subscribe({.subscriber = {1, {}}, .topics = {"tasks.status"}}).value();
    for (int i = 0; i < 1005; ++i) bus.Publish({"tasks.status", "{}"});
    int n = 0;
    std::int64_t last = 0;
    while (auto f = sub->Next()) {
        ++n;
        last = IdOf(*f);
    }
    EXPECT_EQ(n, 1000);
    EXPECT_EQ(last, 1000) << "no frame was dropped from the middle";
    EXPECT_TRUE(sub->Closed()) << "the browser reconnects with Last-Event-ID 1000";
}

}  // namespace
}  // namespace vp
