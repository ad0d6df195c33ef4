// covers X-4, X-5 (events across nodes through PostgreSQL LISTEN/NOTIFY)
#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <thread>

#include "core/events.hpp"

namespace vp {
namespace {

TEST(PgEventBridge, EventsReachTheOtherNodeWithinASecond) {
    const char* dsn = std::getenv("VANPHONG_TEST_PG_DSN");
    if (!dsn || !*dsn) {
        const char* ci = std::getenv("CI");
        if (ci && std::string(ci) == "true") FAIL() << "VANPHONG_TEST_PG_DSN is not set in CI";
        GTEST_SKIP() << "PostgreSQL not configured";
    }
    core::EventBus node_a, node_b;
    core::PgEventBridge bridge_a(dsn, node_a);
    core::PgEventBridge bridge_b(dsn, node_b);
    auto on_b = node_b.Subscribe([](const core::Event& e) { return e.user_id == 42; });
    auto other_user_on_b = node_b.Subscribe([](const core::Event& e) { return e.user_id == 7; });
    std::this_thread::sleep_for(std::chrono::milliseconds(500));  // both bridges are listening
    const auto t0 = std::chrono::steady_clock::now();
    node_a.Publish({"session.ended", "{\"user_id\":42}", 42});
    std::optional<std::string> got;
    while (!got && std::chrono::steady_clock::now() - t0 < std::chrono::seconds(3)) {
        got = on_b->Next();
        if (!got) std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    ASSERT_TRUE(got) << "the event did not cross nodes";
    EXPECT_LT(std::chrono::steady_clock::now() - t0, std::chrono::seconds(1));
    EXPECT_NE(got->find("event: session.ended"), std::string::npos);
    EXPECT_NE(got->find("\"user_id\":42"), std::string::npos);
    EXPECT_FALSE(other_user_on_b->Next()) << "other people's events are filtered out";
}

}  // namespace
}  // namespace vp
