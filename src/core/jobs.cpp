#include "core/jobs.hpp"

#include <spdlog/spdlog.h>

namespace vp::core {
namespace {

constexpr std::string_view kInsertJob =
    "INSERT INTO jobs (kind, payload, status, run_at, attempts, max_attempts, created_at, updated_at)"
    " VALUES ($1, $2, 'queued', $3, 0, $4, $5, $5) RETURNING id";
// Due jobs, and running jobs whose lease ran out (their node died).
constexpr std::string_view kClaimPg =
    "SELECT id, kind, payload, attempts FROM jobs WHERE (status = 'queued' AND run_at <= $1)"
    " OR (status = 'running' AND locked_until < $1) ORDER BY run_at, id LIMIT 1 FOR UPDATE SKIP LOCKED";
constexpr std::string_view kClaimSqlite =
    "SELECT id, kind, payload, attempts FROM jobs WHERE (status = 'queued' AND run_at <= $1)"
    " OR (status = 'running' AND locked_until < $1) ORDER BY run_at, id LIMIT 1";
constexpr std::string_view kMarkRunning =
    "UPDATE jobs SET status = 'running', attempts = attempts + 1, locked_by = $2, locked_until = $3,"
    " updated_at = $4 WHERE id = $1";
constexpr std::string_view kInsertRun =
    "INSERT INTO job_runs (job_id, node, attempt, started_at) VALUES ($1, $2, $3, $4) RETURNING id";

}  // namespace

JobQueue::JobQueue(db::Database& db, const Clock& clock, JobQueueSettings settings)
    : db_(db), clock_(clock), settings_(std::move(settings)) {}

JobQueue::~JobQueue() { Stop(); }

std::int64_t JobQueue::Enqueue(db::Connection& c, const Clock& clock, std::string_view kind,
                               std::string_view payload_json, int max_attempts, std::optional<TimePoint> run_at) {
    auto now = ToMillis(clock.Now());
    auto row = c.QueryOne(kInsertJob, {kind, payload_json, run_at ? ToMillis(*run_at) : now, max_attempts, now});
    return row->Int(0);
}

void JobQueue::Register(std::string kind, Handler handler) { handlers_[std::move(kind)] = std::move(handler); }

bool JobQueue::RunOne() {
    const auto now = ToMillis(clock_.Now());
    std::optional<Job> job;
    std::int64_t run_id = 0;
    db_.Transact([&](db::Connection& c) {
        auto row = c.QueryOne(c.GetEngine() == db::Engine::kPostgres ? kClaimPg : kClaimSqlite, {now});
        if (!row) return;
        job = Job{row->Int(0), row->Text(1), row->Text(2), row->Int(3) + 1};
        auto lease_end = now + std::chrono::duration_cast<std::chrono::milliseconds>(settings_.lease).count();
        c.Execute(kMarkRunning, {job->id, settings_.node_id, lease_end, now});
        run_id = c.QueryOne(kInsertRun, {job->id, settings_.node_id, job->attempt, now})->Int(0);
    });
    if (!job) return false;

    Status outcome = Error{ErrorCode::kInternal, "no handler", "no handler for job kind " + job->kind};
    if (auto it = handlers_.find(job->kind); it != handlers_.end()) {
        try {
            outcome = it->second(*job);
        } catch (const std::exception& e) {
            outcome = Error{ErrorCode::kInternal, "exception", e.what()};
        }
    }
    const auto end = ToMillis(clock_.Now());
    db_.Transact([&](db::Connection& c) {
        if (outcome.ok()) {
            c.Execute("UPDATE jobs SET status = 'done', finished_at = $2, updated_at = $2, last_error = NULL,"
                      " locked_by = NULL, locked_until = NULL WHERE id = $1",
                      {job->id, end});
            c.Execute("UPDATE job_runs SET finished_at = $2, outcome = 'ok' WHERE id = $1", {run_id, end});
            return;
        }
        const auto& err = outcome.error();
        std::string what = err.detail.empty() ? err.message : err.detail;
        auto max = c.QueryOne("SELECT max_attempts FROM jobs WHERE id = $1", {job->id})->Int(0);
        if (job->attempt >= max) {
            c.Execute("UPDATE jobs SET status = 'failed', finished_at = $2, updated_at = $2, last_error = $3,"
                      " locked_by = NULL, locked_until = NULL WHERE id = $1",
                      {job->id, end, what});
        } else {
            // Exponential back-off: 5 s, 10 s, 20 s, ... capped at one hour.
            std::int64_t delay = std::min<std::int64_t>(5000LL << std::min<std::int64_t>(job->attempt - 1, 20), 3600000);
            c.Execute("UPDATE jobs SET status = 'queued', run_at = $2, updated_at = $3, last_error = $4,"
                      " locked_by = NULL, locked_until = NULL WHERE id = $1",
                      {job->id, end + delay, end, what});
        }
        c.Execute("UPDATE job_runs SET finished_at = $2, outcome = 'error', error = $3 WHERE id = $1",
                  {run_id, end, what});
    });
    if (!outcome.ok()) spdlog::warn("job {} ({}) attempt {} failed", job->id, job->kind, job->attempt);
    return true;
}

void JobQueue::Start() {
    stop_ = false;
    thread_ = std::thread([this] {
        while (!stop_) {
            bool ran = false;
            try {
                ran = RunOne();
            } catch (const std::exception& e) {
                spdlog::error("job runner: {}", e.what());
            }
            if (!ran) {
                for (auto waited = std::chrono::milliseconds(0); waited < settings_.poll_interval && !stop_;
                     waited += std::chrono::milliseconds(50)) {
                    std::this_thread::sleep_for(std::chrono::milliseconds(50));
                }
            }
        }
    });
}

void JobQueue::Stop() {
    stop_ = true;
    if (thread_.joinable()) thread_.join();
}

std::vector<JobView> JobQueue::Recent(int limit) const {
    return db_.Read([&](db::Connection& c) {
        std::vector<JobView> out;
        for (const auto& r : c.Query("SELECT id, kind, status, attempts, max_attempts, run_at, last_error, created_at,"
                                     " finished_at FROM jobs ORDER BY id DESC LIMIT $1",
                                     {limit})) {
            out.push_back({r.Int(0), r.Text(1), r.Text(2), r.Int(3), r.Int(4), r.Int(5), r.Text(6), r.Int(7),
                           r.Int(8)});
        }
        return out;
    });
}

}  // namespace vp::core
