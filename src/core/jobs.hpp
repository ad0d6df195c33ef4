#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include "core/clock.hpp"
#include "core/db/database.hpp"
#include "core/result.hpp"

namespace vp::core {

struct Job {
    std::int64_t id = 0;
    std::string kind;
    std::string payload_json;
    std::int64_t attempt = 0;
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

struct JobQueueSettings {
    std::string node_id = "node";
    std::chrono::milliseconds poll_interval{500};
    std::chrono::minutes lease{5};  ///< a claimed job not finished by then is retried elsewhere
};

/// @brief Background jobs kept in the `jobs` table, shared safely by several nodes: a job is
/// claimed with FOR UPDATE SKIP LOCKED on PostgreSQL (one writer at a time on SQLite), so each
/// run happens once; failures are retried with exponential back-off up to max_attempts; every
/// attempt is recorded in `job_runs`.
class JobQueue {
public:
    using Handler = std::function<Status(const Job&)>;
    JobQueue(db::Database& db, const Clock& clock, JobQueueSettings settings);
    ~JobQueue();

    /// Enqueues inside the caller's transaction, so the job exists iff the change commits.
    static std::int64_t Enqueue(db::Connection& c, const Clock& clock, std::string_view kind,
                                std::string_view payload_json, int max_attempts = 5,
                                std::optional<TimePoint> run_at = std::nullopt);
    /// Registers the handler for a kind (before Start).
    void Register(std::string kind, Handler handler);
    /// Claims and runs one due job; false when none was due.
    bool RunOne();
    /// Runs jobs on a background thread until Stop.
    void Start();
    void Stop();
    std::vector<JobView> Recent(int limit) const;

private:
    db::Database& db_;
    const Clock& clock_;
    JobQueueSettings settings_;
    std::map<std::string, Handler, std::less<>> handlers_;
    std::atomic<bool> stop_{false};
    std::thread thread_;
};

}  // namespace vp::core
