#include "core/jobs.hpp"

#include <sodium.h>
#include <spdlog/spdlog.h>

#include <algorithm>

namespace vp::core {
namespace {

constexpr std::string_view kInsertJob =
    "INSERT INTO jobs (kind, payload, status, run_at, attempts, max_attempts, created_at, updated_at)"
    " VALUES ($1, $2, 'queued', $3, 0, $4, $5, $5) RETURNING id";
// A schedule's job: at most one per (schedule, period), even if next_run_at was moved back by hand.
constexpr std::string_view kInsertScheduledJob =
    "INSERT INTO jobs (kind, payload, status, run_at, attempts, max_attempts, created_at, updated_at,"
    " schedule_name, period_key) VALUES ($1, $2, 'queued', $3, 0, 5, $3, $3, $4, $5)"
    " ON CONFLICT (schedule_name, period_key) DO NOTHING RETURNING id";
// Due jobs, and running jobs whose lease ran out (their node died or stopped heartbeating).
constexpr std::string_view kClaimPg =
    "SELECT id, kind, payload, attempts, max_attempts, status, schedule_name, period_key FROM jobs"
    " WHERE (status = 'queued' AND run_at <= $1) OR (status = 'running' AND locked_until < $1)"
    " ORDER BY run_at, id LIMIT 1 FOR UPDATE SKIP LOCKED";
constexpr std::string_view kClaimSqlite =
    "SELECT id, kind, payload, attempts, max_attempts, status, schedule_name, period_key FROM jobs"
    " WHERE (status = 'queued' AND run_at <= $1) OR (status = 'running' AND locked_until < $1)"
    " ORDER BY run_at, id LIMIT 1";
// The claim repeats its condition, so it changes the row only if nobody else claimed it meanwhile.
constexpr std::string_view kMarkRunning =
    "UPDATE jobs SET status = 'running', attempts = attempts + 1, locked_by = $2, locked_until = $3,"
    " lease_token = $4, updated_at = $5"
    " WHERE id = $1 AND ((status = 'queued' AND run_at <= $5) OR (status = 'running' AND locked_until < $5))";
constexpr std::string_view kFailExpired =
    "UPDATE jobs SET status = 'failed', finished_at = $2, updated_at = $2, last_error = $3, locked_by = NULL,"
    " locked_until = NULL, lease_token = NULL WHERE id = $1 AND status = 'running' AND locked_until < $2";
// The previous attempt of a job taken over lost its lease (its runner died or hung).
constexpr std::string_view kCloseTakenOverRuns =
    "UPDATE job_runs SET finished_at = $2, outcome = 'lost_lease', error = $3"
    " WHERE job_id = $1 AND finished_at IS NULL";
constexpr std::string_view kInsertRun =
    "INSERT INTO job_runs (job_id, node, attempt, started_at) VALUES ($1, $2, $3, $4) RETURNING id";
// Every update after the claim is fenced by the lease token and must change exactly one row.
constexpr std::string_view kExtendLease =
    "UPDATE jobs SET locked_until = $3, updated_at = $4 WHERE id = $1 AND lease_token = $2 AND status = 'running'";
constexpr std::string_view kMarkDone =
    "UPDATE jobs SET status = 'done', finished_at = $3, updated_at = $3, last_error = NULL, locked_by = NULL,"
    " locked_until = NULL, lease_token = NULL WHERE id = $1 AND lease_token = $2 AND status = 'running'";
constexpr std::string_view kMarkFailed =
    "UPDATE jobs SET status = 'failed', finished_at = $3, updated_at = $3, last_error = $4, locked_by = NULL,"
    " locked_until = NULL, lease_token = NULL WHERE id = $1 AND lease_token = $2 AND status = 'running'";
constexpr std::string_view kMarkRetry =
    "UPDATE jobs SET status = 'queued', run_at = $4, updated_at = $3, last_error = $5, locked_by = NULL,"
    " locked_until = NULL, lease_token = NULL WHERE id = $1 AND lease_token = $2 AND status = 'running'";

std::string NewLeaseToken() {
    unsigned char b[16];
    randombytes_buf(b, sizeof b);
    char hex[sizeof b * 2 + 1];
    sodium_bin2hex(hex, sizeof hex, b, sizeof b);
    return hex;
}

// What the job history keeps of a failure: the detail, or the message in Vietnamese.
std::string ErrorText(const Error& e) { return e.detail.empty() ? Text(e.message, "vi") : e.detail; }

}  // namespace

// --- JobContext ---

bool JobContext::Heartbeat() {
    if (lost_->load()) return false;
    if (!queue_.ExtendLease(job_.id, token_)) lost_->store(true);
    return !lost_->load();
}

bool JobContext::Cancelled() const { return lost_->load() || queue_.stop_.load(); }

bool JobContext::Transact(const std::function<void(db::Connection&)>& fn) {
    if (lost_->load()) return false;
    const auto now = ToMillis(queue_.clock_.Now());
    const bool held = queue_.db_.Transact([&](db::Connection& c) {
        if (c.Execute(kExtendLease, {job_.id, token_, now + queue_.settings_.lease.count(), now}) != 1) return false;
        fn(c);
        return true;
    });
    if (!held) lost_->store(true);
    return held;
}

// --- JobQueue ---

JobQueue::JobQueue(db::Database& db, const Clock& clock, JobQueueSettings settings)
    : db_(db), clock_(clock), settings_(std::move(settings)) {
    if (sodium_init() < 0) throw std::runtime_error("libsodium init failed");
    if (settings_.heartbeat_interval <= std::chrono::milliseconds::zero()) {
        settings_.heartbeat_interval = std::max(settings_.lease / 3, std::chrono::milliseconds{10});
    }
    settings_.max_concurrent = std::max(settings_.max_concurrent, 1);
}

JobQueue::~JobQueue() { Stop(); }

std::int64_t JobQueue::Enqueue(db::Connection& c, const Clock& clock, std::string_view kind,
                               std::string_view payload_json, int max_attempts, std::optional<TimePoint> run_at) {
    auto now = ToMillis(clock.Now());
    auto row = c.QueryOne(kInsertJob, {kind, payload_json, run_at ? ToMillis(*run_at) : now, max_attempts, now});
    return row->Int(0);
}

void JobQueue::Register(std::string kind, Handler handler) {
    handlers_[std::move(kind)] = [h = std::move(handler)](const Job& j, JobContext&) { return h(j); };
}

void JobQueue::Register(std::string kind, ContextHandler handler) { handlers_[std::move(kind)] = std::move(handler); }

void JobQueue::Schedule(std::string name, std::string kind, const ScheduleSpec& spec, std::string payload_json) {
    const auto text = spec.ToString();
    const auto now = ToMillis(clock_.Now());
    const auto first = ToMillis(NextRunAfter(spec, clock_.Now()));
    db_.Transact([&](db::Connection& c) {
        c.Execute(
            "INSERT INTO job_schedules (name, kind, spec, payload, next_run_at, created_at, updated_at)"
            " VALUES ($1, $2, $3, $4, $5, $6, $6) ON CONFLICT (name) DO NOTHING",
            {name, kind, text, payload_json, first, now});
        // Another version of the schedule (an earlier deployment): the new one starts next period.
        c.Execute(
            "UPDATE job_schedules SET next_run_at = CASE WHEN spec = $3 THEN next_run_at ELSE $5 END,"
            " kind = $2, spec = $3, payload = $4, updated_at = $6"
            " WHERE name = $1 AND (kind <> $2 OR spec <> $3 OR payload <> $4)",
            {name, kind, text, payload_json, first, now});
    });
    std::erase_if(schedules_, [&](const LocalSchedule& s) { return s.name == name; });
    schedules_.push_back({std::move(name), std::move(kind), text, std::move(payload_json)});
}

bool JobQueue::RunOne() {
    const auto now = ToMillis(clock_.Now());
    const auto token = NewLeaseToken();
    std::optional<Job> job;
    std::int64_t run_id = 0;
    bool expired_out = false;
    db_.Transact([&](db::Connection& c) {
        auto row = c.QueryOne(c.GetEngine() == db::Engine::kPostgres ? kClaimPg : kClaimSqlite, {now});
        if (!row) return;
        const auto id = row->Int(0);
        if (row->Text(5) == "running") {
            // Taken over: the previous runner's lease ran out before it finished.
            c.Execute(kCloseTakenOverRuns, {id, now, "lease expired; taken over by " + settings_.node_id});
            if (row->Int(3) >= row->Int(4)) {
                expired_out = c.Execute(kFailExpired, {id, now, "lease expired on the last attempt"}) == 1;
                return;
            }
        }
        const auto lease_end = now + settings_.lease.count();
        if (c.Execute(kMarkRunning, {id, settings_.node_id, lease_end, token, now}) != 1) return;
        job = Job{id, row->Text(1), row->Text(2), row->Int(3) + 1, row->Text(6), row->Text(7)};
        run_id = c.QueryOne(kInsertRun, {id, settings_.node_id, job->attempt, now})->Int(0);
    });
    if (expired_out) return true;
    if (!job) return false;

    auto lost = std::make_shared<std::atomic<bool>>(false);
    {
        std::lock_guard lock(mutex_);
        running_[job->id] = Running{token, lost};
    }
    JobContext ctx(*this, *job, token, lost);
    Status outcome = Error{ErrorCode::kInternal, Msg("core.job_no_handler"), "no handler for job kind " + job->kind};
    if (auto it = handlers_.find(job->kind); it != handlers_.end()) {
        try {
            outcome = it->second(*job, ctx);
        } catch (const std::exception& e) {
            outcome = Error{ErrorCode::kInternal, Msg("core.job_failed"), e.what()};
        }
    }
    {
        std::lock_guard lock(mutex_);
        running_.erase(job->id);
    }
    Finish(*job, run_id, token, outcome);
    return true;
}

void JobQueue::Finish(const Job& job, std::int64_t run_id, const std::string& token, const Status& outcome) {
    const auto end = ToMillis(clock_.Now());
    const std::string what = outcome.ok() ? std::string() : ErrorText(outcome.error());
    const bool held = db_.Transact([&](db::Connection& c) {
        std::int64_t changed = 0;
        if (outcome.ok()) {
            changed = c.Execute(kMarkDone, {job.id, token, end});
        } else if (auto row = c.QueryOne("SELECT max_attempts FROM jobs WHERE id = $1 AND lease_token = $2",
                                         {job.id, token})) {
            if (job.attempt >= row->Int(0)) {
                changed = c.Execute(kMarkFailed, {job.id, token, end, what});
            } else {
                // Exponential back-off: 5 s, 10 s, 20 s, ... capped at one hour.
                std::int64_t delay =
                    std::min<std::int64_t>(5000LL << std::min<std::int64_t>(job.attempt - 1, 20), 3600000);
                changed = c.Execute(kMarkRetry, {job.id, token, end, end + delay, what});
            }
        }
        if (changed != 1) return false;  // fenced out: nothing of this attempt is recorded on the job
        if (outcome.ok()) {
            c.Execute("UPDATE job_runs SET finished_at = $2, outcome = 'ok' WHERE id = $1", {run_id, end});
        } else {
            c.Execute("UPDATE job_runs SET finished_at = $2, outcome = 'error', error = $3 WHERE id = $1",
                      {run_id, end, what});
        }
        return true;
    });
    if (!held) {
        spdlog::warn("job {} ({}) attempt {} on {} lost its lease to another runner; its outcome is discarded", job.id,
                     job.kind, job.attempt, settings_.node_id);
        // Only this attempt's own history row, and only if the takeover has not closed it already.
        db_.Transact([&](db::Connection& c) {
            c.Execute(
                "UPDATE job_runs SET finished_at = $2, outcome = 'lost_lease', error = $3"
                " WHERE id = $1 AND finished_at IS NULL",
                {run_id, end, outcome.ok() ? std::string("lease lost") : "lease lost; " + what});
        });
        return;
    }
    if (!outcome.ok()) spdlog::warn("job {} ({}) attempt {} failed", job.id, job.kind, job.attempt);
}

bool JobQueue::ExtendLease(std::int64_t id, const std::string& token) {
    const auto now = ToMillis(clock_.Now());
    return db_.Transact([&](db::Connection& c) {
        return c.Execute(kExtendLease, {id, token, now + settings_.lease.count(), now});
    }) == 1;
}

int JobQueue::ExtendLeases() {
    std::vector<std::pair<std::int64_t, Running>> snapshot;
    {
        std::lock_guard lock(mutex_);
        snapshot.assign(running_.begin(), running_.end());
    }
    int held = 0;
    for (auto& [id, r] : snapshot) {
        if (r.lost->load()) continue;
        if (ExtendLease(id, r.token)) {
            ++held;
            continue;
        }
        // Either the job finished a moment ago (no longer in running_) or another runner took it.
        std::lock_guard lock(mutex_);
        if (running_.contains(id)) {
            r.lost->store(true);
            spdlog::warn("job {} on {}: lease lost while running", id, settings_.node_id);
        }
    }
    return held;
}

int JobQueue::RunSchedules() {
    if (schedules_.empty()) return 0;
    // One cheap read per tick; a transaction only for the schedules that are due.
    const auto due = db_.Read([&](db::Connection& c) {
        std::vector<std::string> names;
        for (const auto& r :
             c.Query("SELECT name FROM job_schedules WHERE next_run_at <= $1", {ToMillis(clock_.Now())})) {
            names.push_back(r.Text(0));
        }
        return names;
    });
    int fired = 0;
    for (const auto& s : schedules_) {
        if (std::find(due.begin(), due.end(), s.name) == due.end()) continue;
        const auto now_tp = clock_.Now();
        const auto now = ToMillis(now_tp);
        db_.Transact([&](db::Connection& c) {
            auto row = c.QueryOne(
                "SELECT kind, spec, payload, next_run_at, last_job_id FROM job_schedules"
                " WHERE name = $1 AND next_run_at <= $2",
                {s.name, now});
            if (!row) return;
            auto spec = ScheduleSpec::Parse(row->Text(1));
            if (!spec) {
                spdlog::error("schedule {}: bad spec '{}'", s.name, row->Text(1));
                return;
            }
            const auto period = PeriodStartAtOrBefore(*spec, now_tp);
            const auto key = PeriodKey(*spec, period);
            // Missed periods (downtime) collapse into one run, for the latest period.
            const auto next = ToMillis(NextRunAfter(*spec, now_tp));
            // The conditional UPDATE is the claim of this period: one node changes the row, the others
            // change nothing (PostgreSQL re-checks the condition after the winner commits).
            if (c.Execute(
                    "UPDATE job_schedules SET next_run_at = $3, updated_at = $4 WHERE name = $1 AND next_run_at = $2",
                    {s.name, row->Int(3), next, now}) != 1) {
                return;
            }
            if (!row->IsNull(4)) {
                auto prev = c.QueryOne("SELECT status FROM jobs WHERE id = $1", {row->Int(4)});
                if (prev && (prev->Text(0) == "queued" || prev->Text(0) == "running")) {
                    spdlog::info("schedule {}: period {} skipped, job {} is still {}", s.name, key, row->Int(4),
                                 prev->Text(0));
                    return;
                }
            }
            auto job = c.QueryOne(kInsertScheduledJob, {row->Text(0), row->Text(2), now, s.name, key});
            if (!job) return;  // this period already has its job
            c.Execute(
                "UPDATE job_schedules SET last_period_key = $2, last_run_at = $3, last_job_id = $4 WHERE name = $1",
                {s.name, key, now, job->Int(0)});
            ++fired;
        });
    }
    return fired;
}

bool JobQueue::SleepUnlessStopped(std::chrono::milliseconds d) {
    std::unique_lock lock(mutex_);
    wake_.wait_for(lock, d, [&] { return stop_.load(); });
    return !stop_.load();
}

void JobQueue::WorkerLoop() {
    while (!stop_) {
        bool ran = false;
        try {
            ran = RunOne();
        } catch (const std::exception& e) {
            spdlog::error("job runner: {}", e.what());
        }
        if (!ran) SleepUnlessStopped(settings_.poll_interval);
    }
}

void JobQueue::TimerLoop() {
    const auto tick =
        std::max(std::min(settings_.poll_interval, settings_.heartbeat_interval), std::chrono::milliseconds{10});
    auto last_heartbeat = std::chrono::steady_clock::now();
    while (SleepUnlessStopped(tick)) {
        try {
            if (std::chrono::steady_clock::now() - last_heartbeat >= settings_.heartbeat_interval) {
                last_heartbeat = std::chrono::steady_clock::now();
                ExtendLeases();
            }
            RunSchedules();
        } catch (const std::exception& e) {
            spdlog::error("job timer: {}", e.what());
        }
    }
}

void JobQueue::Start() {
    if (!threads_.empty()) return;
    stop_ = false;
    for (int i = 0; i < settings_.max_concurrent; ++i) threads_.emplace_back([this] { WorkerLoop(); });
    threads_.emplace_back([this] { TimerLoop(); });
}

void JobQueue::Stop() {
    {
        std::lock_guard lock(mutex_);
        stop_ = true;
    }
    wake_.notify_all();
    for (auto& t : threads_) {
        if (t.joinable()) t.join();
    }
    threads_.clear();
}

std::vector<JobView> JobQueue::Recent(int limit) const {
    return db_.Read([&](db::Connection& c) {
        std::vector<JobView> out;
        for (const auto& r : c.Query("SELECT id, kind, status, attempts, max_attempts, run_at, last_error, created_at,"
                                     " finished_at FROM jobs ORDER BY id DESC LIMIT $1",
                                     {limit})) {
            out.push_back(
                {r.Int(0), r.Text(1), r.Text(2), r.Int(3), r.Int(4), r.Int(5), r.Text(6), r.Int(7), r.Int(8)});
        }
        return out;
    });
}

std::vector<ScheduleView> JobQueue::Schedules() const {
    return db_.Read([&](db::Connection& c) {
        std::vector<ScheduleView> out;
        for (const auto& r :
             c.Query("SELECT name, kind, spec, next_run_at, last_period_key, last_run_at FROM job_schedules"
                     " ORDER BY name")) {
            out.push_back({r.Text(0), r.Text(1), r.Text(2), r.Int(3), r.Text(4), r.Int(5)});
        }
        return out;
    });
}

}  // namespace vp::core
