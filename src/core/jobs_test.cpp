// covers X-5 (background jobs shared by nodes, retries, history) on both engines
#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "core/jobs.hpp"
#include "core/testing/db_fixture.hpp"

namespace vp {
namespace {

using core::db::Connection;

class Jobs : public testing::DbTest {};

TEST_P(Jobs, RunsOnceAndRecordsHistory) {
    auto id = Db().Transact([&](Connection& c) { return core::JobQueue::Enqueue(c, clock_, "t.ok", "{\"n\":1}"); });
    core::JobQueue q(Db(), clock_, {.node_id = "a"});
    int runs = 0;
    q.Register("t.ok", [&](const core::Job& j) -> core::Status {
        EXPECT_EQ(j.payload_json, "{\"n\":1}");
        ++runs;
        return core::Ok{};
    });
    EXPECT_TRUE(q.RunOne());
    EXPECT_FALSE(q.RunOne());
    EXPECT_EQ(runs, 1);
    auto recent = q.Recent(10);
    ASSERT_EQ(recent.size(), 1u);
    EXPECT_EQ(recent[0].id, id);
    EXPECT_EQ(recent[0].status, "done");
}

TEST_P(Jobs, RetriesWithBackoffThenFails) {
    Db().Transact([&](Connection& c) { core::JobQueue::Enqueue(c, clock_, "t.fail", "{}", 2); });
    core::JobQueue q(Db(), clock_, {.node_id = "a"});
    q.Register("t.fail", [](const core::Job&) -> core::Status { return core::InvalidInput("x", "always fails"); });
    EXPECT_TRUE(q.RunOne());
    EXPECT_FALSE(q.RunOne()) << "the retry waits for its back-off";
    clock_.Advance(std::chrono::seconds(6));
    EXPECT_TRUE(q.RunOne());
    auto v = q.Recent(1).at(0);
    EXPECT_EQ(v.status, "failed");
    EXPECT_EQ(v.attempts, 2);
    EXPECT_EQ(v.last_error, "always fails");
    auto runs = Db().Read([](Connection& c) { return c.QueryOne("SELECT COUNT(*) FROM job_runs WHERE outcome = 'error'")->Int(0); });
    EXPECT_EQ(runs, 2);
}

TEST_P(Jobs, ConcurrentNodesRunEachJobExactlyOnce) {
    constexpr int kJobs = 40;
    Db().Transact([&](Connection& c) {
        for (int i = 0; i < kJobs; ++i) core::JobQueue::Enqueue(c, clock_, "t.count", "{}");
    });
    std::atomic<int> runs{0};
    auto handler = [&](const core::Job&) -> core::Status {
        ++runs;
        return core::Ok{};
    };
    core::JobQueue a(Db(), clock_, {.node_id = "a"});
    core::JobQueue b(Db(), clock_, {.node_id = "b"});
    a.Register("t.count", handler);
    b.Register("t.count", handler);
    std::thread ta([&] { while (a.RunOne()) {} });
    std::thread tb([&] { while (b.RunOne()) {} });
    ta.join();
    tb.join();
    EXPECT_EQ(runs.load(), kJobs);
    auto dup = Db().Read([](Connection& c) {
        return c.QueryOne("SELECT COUNT(*) FROM (SELECT job_id FROM job_runs GROUP BY job_id HAVING COUNT(*) > 1) d")->Int(0);
    });
    EXPECT_EQ(dup, 0);
}

TEST_P(Jobs, EnqueueIsPartOfTheCallersTransaction) {
    EXPECT_THROW(Db().Transact([&](Connection& c) {
        core::JobQueue::Enqueue(c, clock_, "t.never", "{}");
        throw std::runtime_error("abort");
    }),
                 std::runtime_error);
    core::JobQueue q(Db(), clock_, {});
    EXPECT_FALSE(q.RunOne());
}

VP_INSTANTIATE_DB_TEST(Jobs);

}  // namespace
}  // namespace vp
