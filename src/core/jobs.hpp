#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "core/clock.hpp"
#include "core/db/database.hpp"
#include "core/result.hpp"
#include "core/schedule.hpp"

namespace vp::core {

struct Job {
    std::int64_t id = 0;
    std::string kind;
    std::string payload_json;
    std::int64_t attempt = 0;
    std::string schedule_name;  ///< the schedule that enqueued the job; empty for one-off jobs
    std::string period_key;     ///< its period, e.g. "2026-01-02T08:30+07:00"; empty for one-off jobs
};

struct JobView {
    std::int64_t id;
    std::string kind;
    std::string status;  ///< queued | running | done | failed
    std::int64_t attempts;
    std::int64_t max_attempts;
    std::int64_t run_at;
    std::string last_error;
    std::int64_t created_at;
    std::int64_t finished_at;
};

struct ScheduleView {
    std::string name;
    std::string kind;
    std::string spec;  ///< ScheduleSpec::ToString
    std::int64_t next_run_at;
    std::string last_period_key;
    std::int64_t last_run_at;
};

struct JobQueueSettings {
    std::string node_id = "node";
    std::chrono::milliseconds poll_interval{500};
    /// A claimed job whose lease is neither extended nor finished by then is taken over elsewhere.
    std::chrono::milliseconds lease{std::chrono::minutes{5}};
    /// How often the queue extends the leases of this node's running jobs (and fires due
    /// schedules); 0: a third of the lease.
    std::chrono::milliseconds heartbeat_interval{0};
    int max_concurrent = 2;  ///< worker threads of this node, each running one job at a time
};

class JobQueue;

/// @brief What a running handler knows about its attempt. Every write it makes is fenced by the
/// attempt's lease token: once another runner has taken the job over, Heartbeat() and
/// Transact() return false and change nothing. Used by the handler's thread only (the
/// queue's own lease timer runs alongside and is safe).
class JobContext {
public:
    /// Extends the lease; false when the lease was lost (the job was taken over by another runner
    /// after the lease expired): the handler should stop and return, its outcome is discarded.
    bool Heartbeat();
    /// True when the lease was lost or the queue is stopping: a long handler should return soon.
    bool Cancelled() const;
    bool LeaseLost() const { return lost_->load(); }
    /// Runs fn in one transaction that first checks (and extends) the lease, so the handler's own
    /// writes (its result) commit only while this attempt still holds the job. False, with
    /// nothing written, when the lease was lost. Exceptions from fn roll back and propagate.
    bool Transact(const std::function<void(db::Connection&)>& fn);
    const Job& GetJob() const { return job_; }

private:
    friend class JobQueue;
    JobContext(JobQueue& queue, Job job, std::string token, std::shared_ptr<std::atomic<bool>> lost)
        : queue_(queue), job_(std::move(job)), token_(std::move(token)), lost_(std::move(lost)) {}
    JobQueue& queue_;
    Job job_;
    std::string token_;
    std::shared_ptr<std::atomic<bool>> lost_;
};

/// @brief Background jobs kept in the `jobs` table, shared safely by several nodes.
///
/// - Claiming (FOR UPDATE SKIP LOCKED on PostgreSQL; one writer at a time on SQLite) writes a
///   fresh random lease token and lease expiry; every later update of the job names the token and
///   must change exactly one row (fencing). A runner that outlived its lease, whose job another
///   node has taken over, changes nothing, records its attempt as 'lost_lease' and logs a warning.
/// - The leases of running jobs are extended on a timer (and by JobContext::Heartbeat), so a
///   long job keeps its lease while its node lives; a dead node's jobs are taken over when the
///   lease runs out.
/// - Failures are retried with exponential back-off up to max_attempts; a job whose lease ran out
///   on its last attempt fails. Every attempt is recorded in `job_runs`.
/// - Each node runs at most `max_concurrent` jobs at once, one per worker thread.
/// - Recurring schedules (`job_schedules`) enqueue one job per period across all nodes.
class JobQueue {
public:
    using Handler = std::function<Status(const Job&)>;
    using ContextHandler = std::function<Status(const Job&, JobContext&)>;
    JobQueue(db::Database& db, const Clock& clock, JobQueueSettings settings);
    ~JobQueue();
    JobQueue(const JobQueue&) = delete;
    JobQueue& operator=(const JobQueue&) = delete;

    /// Enqueues inside the caller's transaction, so the job exists iff the change commits.
    static std::int64_t Enqueue(db::Connection& c, const Clock& clock, std::string_view kind,
                                std::string_view payload_json, int max_attempts = 5,
                                std::optional<TimePoint> run_at = std::nullopt);
    /// Registers the handler for a kind (before Start).
    void Register(std::string kind, Handler handler);
    void Register(std::string kind, ContextHandler handler);
    /// @brief Declares the recurring schedule `name` (before Start; every node declares the same
    /// ones): a job of `kind` with `payload_json` is enqueued once per period of `spec` across all
    /// nodes. The first period is the next one after now; after downtime spanning several periods
    /// the schedule fires once, for the latest. A period whose previous job is still queued or
    /// running is skipped, so slow jobs do not pile up. Changing a schedule's spec, kind or payload
    /// takes effect from the next period after the change.
    void Schedule(std::string name, std::string kind, const ScheduleSpec& spec, std::string payload_json = "{}");

    /// Claims and runs one due job on the calling thread; false when none was due.
    bool RunOne();
    /// Fires the due periods of this node's schedules; returns how many jobs it enqueued.
    int RunSchedules();
    /// Extends the leases of the jobs this node is running; returns how many it still holds.
    int ExtendLeases();
    /// Starts max_concurrent worker threads and the lease/schedule timer, until Stop.
    void Start();
    /// Asks running handlers to stop (JobContext::Cancelled) and waits for every thread.
    void Stop();
    std::vector<JobView> Recent(int limit) const;
    std::vector<ScheduleView> Schedules() const;

private:
    friend class JobContext;
    struct Running {
        std::string token;
        std::shared_ptr<std::atomic<bool>> lost;
    };
    struct LocalSchedule {
        std::string name, kind, spec, payload;
    };

    bool ExtendLease(std::int64_t id, const std::string& token);
    void Finish(const Job& job, std::int64_t run_id, const std::string& token, const Status& outcome);
    void WorkerLoop();
    void TimerLoop();
    bool SleepUnlessStopped(std::chrono::milliseconds d);

    db::Database& db_;
    const Clock& clock_;
    JobQueueSettings settings_;
    std::map<std::string, ContextHandler, std::less<>> handlers_;
    std::vector<LocalSchedule> schedules_;
    std::atomic<bool> stop_{false};
    std::mutex mutex_;  // guards running_ and the stop wake-up
    std::condition_variable wake_;
    std::map<std::int64_t, Running> running_;
    std::vector<std::thread> threads_;
};

}  // namespace vp::core
