// covers X-5 (background jobs shared by nodes: retries, history, fencing by lease token, heartbeats,
// bounded concurrency per node, recurring schedules once per period across nodes) on both engines
#include <gtest/gtest.h>

#include <atomic>
#include <functional>
#include <string>
#include <thread>
#include <vector>

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
    q.Register("t.fail", [](const core::Job&) -> core::Status {
        return core::InvalidInput(core::Msg("core.job_failed"), "always fails");
    });
    EXPECT_TRUE(q.RunOne());
    EXPECT_FALSE(q.RunOne()) << "the retry waits for its back-off";
    clock_.Advance(std::chrono::seconds(6));
    EXPECT_TRUE(q.RunOne());
    auto v = q.Recent(1).at(0);
    EXPECT_EQ(v.status, "failed");
    EXPECT_EQ(v.attempts, 2);
    EXPECT_EQ(v.last_error, "always fails");
    auto runs = Db().Read(
        [](Connection& c) { return c.QueryOne("SELECT COUNT(*) FROM job_runs WHERE outcome = 'error'")->Int(0); });
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
    std::thread ta([&] {
        while (a.RunOne()) {
        }
    });
    std::thread tb([&] {
        while (b.RunOne()) {
        }
    });
    ta.join();
    tb.join();
    EXPECT_EQ(runs.load(), kJobs);
    auto dup = Db().Read([](Connection& c) {
        return c.QueryOne("SELECT COUNT(*) FROM (SELECT job_id FROM job_runs GROUP BY job_id HAVING COUNT(*) > 1) d")
            ->Int(0);
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

// --- Fencing: a runner that outlived its lease changes nothing ---

using namespace std::chrono_literals;

core::JobQueueSettings Node(std::string id, std::chrono::milliseconds lease = std::chrono::minutes{1}) {
    return {.node_id = std::move(id), .poll_interval = 10ms, .lease = lease};
}

std::string RunOutcomes(core::db::Database& db, std::int64_t job_id) {
    return db.Read([&](Connection& c) {
        std::string out;
        for (const auto& r : c.Query("SELECT node, outcome FROM job_runs WHERE job_id = $1 ORDER BY id", {job_id})) {
            out += (out.empty() ? "" : ",") + r.Text(0) + ":" + r.Text(1);
        }
        return out;
    });
}

// covers X-5: a job that outlives its lease is taken over; the stale runner cannot overwrite the outcome.
TEST_P(Jobs, StaleRunnerCannotOverwriteTheOutcomeOfTheRunnerThatTookOver) {
    auto id = Db().Transact([&](Connection& c) { return core::JobQueue::Enqueue(c, clock_, "t.slow", "{}"); });
    core::JobQueue a(Db(), clock_, Node("a"));
    core::JobQueue b(Db(), clock_, Node("b"));
    b.Register("t.slow", [](const core::Job&) -> core::Status { return core::Ok{}; });
    a.Register("t.slow", [&](const core::Job&) -> core::Status {
        clock_.Advance(2min);  // a outlives its one-minute lease; b takes the job over and finishes it
        EXPECT_TRUE(b.RunOne());
        return core::InvalidInput(core::Msg("core.job_failed"), "stale failure");
    });
    EXPECT_TRUE(a.RunOne());
    auto v = a.Recent(1).at(0);
    EXPECT_EQ(v.status, "done") << "the stale runner's failure must not requeue the finished job";
    EXPECT_EQ(v.last_error, "");
    EXPECT_EQ(v.attempts, 2);
    clock_.Advance(1h);
    EXPECT_FALSE(a.RunOne()) << "nothing left to retry";
    EXPECT_EQ(RunOutcomes(Db(), id), "a:lost_lease,b:ok");
}

//
TEST_P(Jobs, StaleSuccessDoesNotHideTheFailureOfTheRunnerThatTookOver) {
    Db().Transact([&](Connection& c) { core::JobQueue::Enqueue(c, clock_, "t.slow", "{}"); });
    core::JobQueue a(Db(), clock_, Node("a"));
    core::JobQueue b(Db(), clock_, Node("b"));
    b.Register("t.slow", [](const core::Job&) -> core::Status {
        return core::InvalidInput(core::Msg("core.job_failed"), "b failed");
    });
    a.Register("t.slow", [&](const core::Job&) -> core::Status {
        clock_.Advance(2min);
        EXPECT_TRUE(b.RunOne());
        return core::Ok{};
    });
    EXPECT_TRUE(a.RunOne());
    auto v = a.Recent(1).at(0);
    EXPECT_EQ(v.status, "queued") << "b's failure stands and is retried";
    EXPECT_EQ(v.last_error, "b failed");
}

// covers X-5: a handler's own result is written only while its attempt holds the lease.
TEST_P(Jobs, StaleRunnerCannotOverwriteTheResult) {
    Db().Read([](Connection& c) {
        c.ExecuteScript("CREATE TABLE t_results (job_id BIGINT PRIMARY KEY, value TEXT NOT NULL)");
    });
    auto id = Db().Transact([&](Connection& c) { return core::JobQueue::Enqueue(c, clock_, "t.result", "{}"); });
    auto write = [](std::string value) {
        return [value](Connection& c) {
            c.Execute(
                "INSERT INTO t_results (job_id, value) VALUES (1, $1)"
                " ON CONFLICT (job_id) DO UPDATE SET value = excluded.value",
                {value});
        };
    };
    core::JobQueue a(Db(), clock_, Node("a"));
    core::JobQueue b(Db(), clock_, Node("b"));
    b.Register("t.result", [&](const core::Job&, core::JobContext& ctx) -> core::Status {
        EXPECT_TRUE(ctx.Transact(write("from b")));
        return core::Ok{};
    });
    bool a_wrote = true;
    a.Register("t.result", [&](const core::Job&, core::JobContext& ctx) -> core::Status {
        clock_.Advance(2min);
        EXPECT_TRUE(b.RunOne());
        a_wrote = ctx.Transact(write("from a"));
        return core::Ok{};
    });
    EXPECT_TRUE(a.RunOne());
    EXPECT_FALSE(a_wrote);
    auto value = Db().Read([](Connection& c) { return c.QueryOne("SELECT value FROM t_results")->Text(0); });
    EXPECT_EQ(value, "from b");
    EXPECT_EQ(RunOutcomes(Db(), id), "a:lost_lease,b:ok");
}

//
TEST_P(Jobs, HeartbeatKeepsTheLeaseOfALongJob) {
    auto id = Db().Transact([&](Connection& c) { return core::JobQueue::Enqueue(c, clock_, "t.long", "{}"); });
    core::JobQueue a(Db(), clock_, Node("a"));
    core::JobQueue b(Db(), clock_, Node("b"));
    b.Register("t.long", [](const core::Job&) -> core::Status { return core::Ok{}; });
    a.Register("t.long", [&](const core::Job&, core::JobContext& ctx) -> core::Status {
        for (int i = 0; i < 5; ++i) {  // 5 × 40 s: far beyond the one-minute lease
            clock_.Advance(40s);
            EXPECT_TRUE(ctx.Heartbeat());
            EXPECT_FALSE(b.RunOne()) << "the heartbeat keeps the job with a";
        }
        clock_.Advance(40s);
        EXPECT_EQ(a.ExtendLeases(), 1) << "the queue's own timer extends it too";
        clock_.Advance(40s);
        EXPECT_FALSE(b.RunOne());
        EXPECT_FALSE(ctx.Cancelled());
        return core::Ok{};
    });
    EXPECT_TRUE(a.RunOne());
    EXPECT_EQ(a.Recent(1).at(0).status, "done");
    EXPECT_EQ(RunOutcomes(Db(), id), "a:ok");
    EXPECT_EQ(a.ExtendLeases(), 0) << "nothing is running any more";
}

//
TEST_P(Jobs, HeartbeatDetectsALostLease) {
    Db().Transact([&](Connection& c) { core::JobQueue::Enqueue(c, clock_, "t.long", "{}"); });
    core::JobQueue a(Db(), clock_, Node("a"));
    core::JobQueue b(Db(), clock_, Node("b"));
    b.Register("t.long", [](const core::Job&) -> core::Status { return core::Ok{}; });
    a.Register("t.long", [&](const core::Job&, core::JobContext& ctx) -> core::Status {
        EXPECT_TRUE(ctx.Heartbeat());
        clock_.Advance(61s);
        EXPECT_TRUE(b.RunOne());
        EXPECT_EQ(a.ExtendLeases(), 0) << "the timer finds the lease gone";
        EXPECT_TRUE(ctx.Cancelled());
        EXPECT_FALSE(ctx.Heartbeat());
        EXPECT_TRUE(ctx.LeaseLost());
        return core::Ok{};
    });
    EXPECT_TRUE(a.RunOne());
    EXPECT_EQ(a.Recent(1).at(0).status, "done");
}

// covers X-5: a job whose lease keeps running out does not run for ever.
TEST_P(Jobs, LeaseExpiredOnTheLastAttemptFailsTheJob) {
    auto id = Db().Transact([&](Connection& c) { return core::JobQueue::Enqueue(c, clock_, "t.hang", "{}", 1); });
    core::JobQueue a(Db(), clock_, Node("a"));
    core::JobQueue b(Db(), clock_, Node("b"));
    int b_runs = 0;
    b.Register("t.hang", [&](const core::Job&) -> core::Status {
        ++b_runs;
        return core::Ok{};
    });
    a.Register("t.hang", [&](const core::Job&) -> core::Status {
        clock_.Advance(2min);
        EXPECT_TRUE(b.RunOne());
        return core::Ok{};
    });
    EXPECT_TRUE(a.RunOne());
    EXPECT_EQ(b_runs, 0);
    auto v = a.Recent(1).at(0);
    EXPECT_EQ(v.status, "failed");
    EXPECT_EQ(v.last_error, "lease expired on the last attempt");
    EXPECT_EQ(RunOutcomes(Db(), id), "a:lost_lease");
}

// covers X-5: with real threads and the real clock, the lease timer keeps a job that runs three
// times longer than its lease, and no other node takes it.
TEST_P(Jobs, LeaseTimerKeepsARunningJobOnItsNode) {
    core::SystemClock sys;
    auto id = Db().Transact([&](Connection& c) { return core::JobQueue::Enqueue(c, sys, "t.long", "{}"); });
    core::JobQueue a(
        Db(), sys,
        {.node_id = "a", .poll_interval = 10ms, .lease = 800ms, .heartbeat_interval = 100ms, .max_concurrent = 1});
    core::JobQueue b(Db(), sys, Node("b", 800ms));
    std::atomic<bool> started{false}, finished{false};
    a.Register("t.long", [&](const core::Job&) -> core::Status {
        started = true;
        std::this_thread::sleep_for(2400ms);
        finished = true;
        return core::Ok{};
    });
    int b_runs = 0;
    b.Register("t.long", [&](const core::Job&) -> core::Status {
        ++b_runs;
        return core::Ok{};
    });
    a.Start();
    while (!started) std::this_thread::sleep_for(5ms);
    while (!finished) {
        b.RunOne();
        std::this_thread::sleep_for(20ms);
    }
    a.Stop();
    EXPECT_EQ(b_runs, 0);
    EXPECT_EQ(RunOutcomes(Db(), id), "a:ok");
}

// --- Concurrency per node ---

//
TEST_P(Jobs, RunsJobsInParallelButNeverMoreThanMaxConcurrent) {
    constexpr int kJobs = 9;
    Db().Transact([&](Connection& c) {
        for (int i = 0; i < kJobs; ++i) core::JobQueue::Enqueue(c, clock_, "t.par", "{}");
    });
    std::atomic<int> active{0}, peak{0}, done{0};
    core::JobQueue q(Db(), clock_, {.node_id = "a", .poll_interval = 10ms, .max_concurrent = 3});
    q.Register("t.par", [&](const core::Job&) -> core::Status {
        int now = ++active;
        for (int p = peak.load(); now > p && !peak.compare_exchange_weak(p, now);) {
        }
        // Wait until three ran at once (or give up), so the peak shows real parallelism.
        for (int i = 0; i < 500 && peak.load() < 3; ++i) std::this_thread::sleep_for(10ms);
        std::this_thread::sleep_for(20ms);
        --active;
        ++done;
        return core::Ok{};
    });
    q.Start();
    for (int i = 0; i < 2000 && done.load() < kJobs; ++i) std::this_thread::sleep_for(10ms);
    q.Stop();
    EXPECT_EQ(done.load(), kJobs);
    EXPECT_EQ(peak.load(), 3);
    auto finished =
        Db().Read([](Connection& c) { return c.QueryOne("SELECT COUNT(*) FROM jobs WHERE status = 'done'")->Int(0); });
    EXPECT_EQ(finished, kJobs);
}

//
TEST_P(Jobs, StopCancelsRunningHandlersAndWaitsForThem) {
    Db().Transact([&](Connection& c) { core::JobQueue::Enqueue(c, clock_, "t.loop", "{}"); });
    core::JobQueue q(Db(), clock_, {.node_id = "a", .poll_interval = 10ms});
    std::atomic<bool> started{false}, saw_cancel{false};
    q.Register("t.loop", [&](const core::Job&, core::JobContext& ctx) -> core::Status {
        started = true;
        while (!ctx.Cancelled()) std::this_thread::sleep_for(5ms);
        saw_cancel = true;
        return core::Ok{};
    });
    q.Start();
    while (!started) std::this_thread::sleep_for(5ms);
    q.Stop();
    EXPECT_TRUE(saw_cancel);
    EXPECT_EQ(q.Recent(1).at(0).status, "done");
}

// --- Recurring schedules ---

core::ScheduleSpec Every15() { return core::ScheduleSpec::Every(15min).value(); }

std::vector<std::string> ScheduledPeriods(core::db::Database& db) {
    return db.Read([](Connection& c) {
        std::vector<std::string> out;
        for (const auto& r : c.Query("SELECT period_key FROM jobs WHERE schedule_name IS NOT NULL ORDER BY id")) {
            out.push_back(r.Text(0));
        }
        return out;
    });
}

// covers X-5: two nodes, each on its own thread, fire each period exactly once.
TEST_P(Jobs, ScheduleFiresOncePerPeriodAcrossNodes) {
    core::JobQueue a(Db(), clock_, Node("a"));
    core::JobQueue b(Db(), clock_, Node("b"));
    std::vector<std::string> seen;
    for (auto* q : {&a, &b}) {
        q->Schedule("tick", "t.tick", Every15(), "{\"x\":1}");
        q->Register("t.tick", [&](const core::Job& j) -> core::Status {
            EXPECT_EQ(j.schedule_name, "tick");
            EXPECT_EQ(j.payload_json, "{\"x\":1}");
            seen.push_back(j.period_key);
            return core::Ok{};
        });
    }
    EXPECT_EQ(a.RunSchedules() + b.RunSchedules(), 0) << "the first period starts at 00:15 UTC";
    for (int period = 1; period <= 4; ++period) {
        clock_.Set(core::FromMillis(1767225600000) + period * 15min + 1min);  // no thread reads the clock meanwhile
        std::atomic<int> fired{0}, ready{0};
        auto node = [&](core::JobQueue& q) {
            ++ready;
            while (ready.load() < 2) {
            }
            for (int i = 0; i < 10; ++i) fired += q.RunSchedules();
        };
        std::thread ta(node, std::ref(a)), tb(node, std::ref(b));
        ta.join();
        tb.join();
        EXPECT_EQ(fired.load(), 1) << "period " << period;
        while (a.RunOne() || b.RunOne()) {
        }
    }
    EXPECT_EQ(seen, (std::vector<std::string>{"2026-01-01T07:15+07:00", "2026-01-01T07:30+07:00",
                                              "2026-01-01T07:45+07:00", "2026-01-01T08:00+07:00"}));
    EXPECT_EQ(ScheduledPeriods(Db()), seen);
    auto view = a.Schedules().at(0);
    EXPECT_EQ(view.name, "tick");
    EXPECT_EQ(view.spec, "every 15m +07:00");
    EXPECT_EQ(view.last_period_key, "2026-01-01T08:00+07:00");
    EXPECT_EQ(view.next_run_at, 1767225600000 + 75 * 60000);
}

//
TEST_P(Jobs, ScheduleFiresOnceAfterDowntimeSpanningSeveralPeriods) {
    core::JobQueue a(Db(), clock_, Node("a"));
    a.Schedule("tick", "t.tick", Every15());
    clock_.Advance(2h + 5min);  // eight periods missed
    EXPECT_EQ(a.RunSchedules(), 1);
    EXPECT_EQ(a.RunSchedules(), 0);
    EXPECT_EQ(ScheduledPeriods(Db()), std::vector<std::string>{"2026-01-01T09:00+07:00"}) << "the latest period";
    EXPECT_EQ(a.Schedules().at(0).next_run_at, 1767225600000 + 135 * 60000);
}

// covers X-5: daily at 06:00 working time is 23:00 UTC of the day before.
TEST_P(Jobs, DailyScheduleRunsAtLocalTimeAcrossTheUtcDateBoundary) {
    core::JobQueue a(Db(), clock_, Node("a"));
    a.Schedule("morning", "t.morning", core::ScheduleSpec::DailyAt(6, 0).value());
    const auto jan1 = core::FromMillis(1767225600000);  // 2026-01-01T00:00Z = 07:00 local
    EXPECT_EQ(a.Schedules().at(0).next_run_at, core::ToMillis(jan1 + 23h));
    clock_.Set(jan1 + 22h + 59min);
    EXPECT_EQ(a.RunSchedules(), 0);
    clock_.Set(jan1 + 23h);
    EXPECT_EQ(a.RunSchedules(), 1);
    EXPECT_EQ(ScheduledPeriods(Db()), std::vector<std::string>{"2026-01-02T06:00+07:00"});
    EXPECT_EQ(a.Schedules().at(0).next_run_at, core::ToMillis(jan1 + 47h));
}

//
TEST_P(Jobs, SchedulePeriodIsSkippedWhileThePreviousJobIsUnfinished) {
    core::JobQueue a(Db(), clock_, Node("a"));
    a.Register("t.tick", [](const core::Job&) -> core::Status { return core::Ok{}; });
    a.Schedule("tick", "t.tick", Every15());
    clock_.Advance(15min);
    EXPECT_EQ(a.RunSchedules(), 1);
    clock_.Advance(15min);
    EXPECT_EQ(a.RunSchedules(), 0) << "the 07:15 job has not run yet";
    EXPECT_TRUE(a.RunOne());
    clock_.Advance(15min);
    EXPECT_EQ(a.RunSchedules(), 1);
    EXPECT_EQ(ScheduledPeriods(Db()), (std::vector<std::string>{"2026-01-01T07:15+07:00", "2026-01-01T07:45+07:00"}));
}

//
TEST_P(Jobs, RedeclaringAScheduleKeepsItsPeriodUnlessTheSpecChanged) {
    core::JobQueue a(Db(), clock_, Node("a"));
    a.Schedule("tick", "t.tick", Every15());
    clock_.Advance(10min);
    core::JobQueue b(Db(), clock_, Node("b"));
    b.Schedule("tick", "t.tick", Every15());
    EXPECT_EQ(b.Schedules().at(0).next_run_at, 1767225600000 + 15 * 60000);
    b.Schedule("tick", "t.tick", core::ScheduleSpec::Every(60min).value());
    auto v = b.Schedules().at(0);
    EXPECT_EQ(v.spec, "every 60m +07:00");
    EXPECT_EQ(v.next_run_at, 1767225600000 + 60 * 60000);
}

// covers X-5: a node fires only the schedules it declares, so a removed schedule stops.
TEST_P(Jobs, ANodeFiresOnlyTheSchedulesItDeclares) {
    {
        core::JobQueue old(Db(), clock_, Node("old"));
        old.Schedule("gone", "t.gone", Every15());
    }
    core::JobQueue a(Db(), clock_, Node("a"));
    clock_.Advance(1h);
    EXPECT_EQ(a.RunSchedules(), 0);
}

VP_INSTANTIATE_DB_TEST(Jobs);

}  // namespace
}  // namespace vp
