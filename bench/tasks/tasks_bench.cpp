// Watching and evaluating at scale (issue: "Over 200,000 generated tasks, 1,000 units and their
// updates, on SQLite and PostgreSQL"): the dashboard's aggregates, recomputing every status and a
// quarter's evaluation of every unit, through the services the pages and the API run. Not a test:
// bench/tasks/run.sh runs it and writes docs/performance.md. Built on the Tasks test fixture (a
// fresh database of the engine, migrated; PostgreSQL from VANPHONG_TEST_PG_DSN).
//
// The records: BENCH_UNITS units (the registry's and generated ones under the provincial
// committees), BENCH_TASKS tasks over 2026 spread over 200 documents, each with its lead unit,
// an acknowledgement clock, two update checkpoints and, for the started ones, an approved update
// (evaluated for half of them); statuses in the proportions of a working system. They are written
// as rows in large transactions (what the tracking service would have written), then measured.
//
// Prints "name<TAB>p50_ms<TAB>p95_ms<TAB>max_ms<TAB>runs" per measure, and "tasks<TAB>N",
// "units<TAB>N", "generate_s<TAB>S".
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <random>

#include "tasks/tasks_fixture.hpp"
#include "tasks/watch.hpp"

namespace vp::tasks {
namespace {

using Clock = std::chrono::steady_clock;
using core::db::Value;
using fixture::At;

std::int64_t EnvInt(const char* name, std::int64_t fallback) {
    const char* v = std::getenv(name);
    return v && *v ? std::atoll(v) : fallback;
}

struct Stats {
    double p50 = 0, p95 = 0, max = 0;
    int runs = 0;
};

// `f` timed `runs` times after `warm` untimed runs; `prepare` before each, untimed.
template <class F, class P>
Stats Measure(int warm, int runs, F f, P prepare) {
    for (int i = 0; i < warm; ++i) {
        prepare();
        f();
    }
    std::vector<double> ms;
    for (int i = 0; i < runs; ++i) {
        prepare();
        const auto t0 = Clock::now();
        f();
        ms.push_back(std::chrono::duration<double, std::milli>(Clock::now() - t0).count());
    }
    std::sort(ms.begin(), ms.end());
    auto at = [&](double q) { return ms[std::min(ms.size() - 1, static_cast<std::size_t>(q * (ms.size() - 1) + 0.5))]; };
    return {at(0.5), at(0.95), ms.back(), runs};
}

template <class F>
Stats Measure(int warm, int runs, F f) {
    return Measure(warm, runs, f, [] {});
}

void Print(const char* name, const Stats& s) {
    std::printf("%s\t%.1f\t%.1f\t%.1f\t%d\n", name, s.p50, s.p95, s.max, s.runs);
    std::fflush(stdout);
}

class TasksBench : public fixture::TasksFixture {};

TEST_P(TasksBench, Run) {
    const auto n_tasks = EnvInt("BENCH_TASKS", 200000);
    const auto n_units = EnvInt("BENCH_UNITS", 1000);
    clock_.Set(At("2026-10-05T09:00:00+07:00"));
    std::mt19937_64 rng(20261203);
    const auto t0 = Clock::now();
    // Units: the registry's, then generated ones under the provincial committees.
    std::vector<std::int64_t> units;
    std::vector<std::int64_t> provinces;
    for (const auto& u : units_->List()) {
        units.push_back(u.id);
        if (u.kind == "provincial_committee") provinces.push_back(u.id);
    }
    for (std::int64_t i = static_cast<std::int64_t>(units.size()); i < n_units; ++i) {
        auto u = units_->Create(op_, {.code = "BU-" + std::to_string(i),
                                      .kind = "provincial_office",
                                      .name_vi = "Đơn vị thử " + std::to_string(i),
                                      .name_en = "Bench unit " + std::to_string(i),
                                      .parent_id = provinces[static_cast<std::size_t>(i) % provinces.size()]});
        ASSERT_TRUE(u.ok()) << core::Text(u.error().message, "en");
        units.push_back(u->id);
    }
    const auto monitor = units_->FindByCode("VPTW-VTH")->id;
    // Documents and tasks as rows.
    const auto day = std::chrono::hours(24);
    const auto year = At("2026-01-05T08:00:00+07:00");
    const auto now = clock_.Now();
    auto ms = [](core::TimePoint t) { return core::ToMillis(t); };
    std::vector<std::int64_t> docs;
    Db().Transact([&](core::db::Connection& c) {
        for (int d = 0; d < 200; ++d) {
            docs.push_back(c.QueryOne("INSERT INTO tasks_documents (kind, title, number, symbol, summary, issued_on, issued_at,"
                                      " signer, submitting_unit, issuing_unit, secrecy, files_json, created_by, created_at)"
                                      " VALUES ('conclusion', $1, $2, 'KL/TW', 'Tóm tắt', '2026-01-02', $3, 'Trần Cẩm Tú',"
                                      " 'VPTW', 'Bộ Chính trị', 'thuong', '[]', 1, $3) RETURNING id",
                                      {Value("Kết luận số " + std::to_string(d)), Value(std::to_string(d)), Value(ms(year))})
                               ->Int(0));
        }
        return 0;
    });
    static constexpr const char* kPriorities[] = {"key", "regular", "regular", "urgent"};
    const std::int64_t batch = 5000;
    for (std::int64_t from = 0; from < n_tasks; from += batch) {
        Db().Transact([&](core::db::Connection& c) {
            for (std::int64_t i = from; i < std::min(n_tasks, from + batch); ++i) {
                const auto start = year + std::chrono::hours(static_cast<long>(rng() % (300 * 24)));
                const auto deadline = start + day * static_cast<long>(20 + rng() % 120);
                const int roll = static_cast<int>(rng() % 100);
                std::optional<core::TimePoint> completed;
                bool started = roll >= 15;
                if (roll >= 55 && deadline - day * 5 < now) completed = deadline - day * static_cast<long>(rng() % 10);
                if (roll >= 90 && deadline < now) completed = deadline + day * static_cast<long>(1 + rng() % 15);
                if (completed && *completed > now) completed.reset();
                const auto status = completed ? (*completed <= deadline ? "completed_on_time" : "completed_late")
                                    : deadline < now ? (started ? "not_completed_overdue" : "not_started_overdue")
                                    : started ? "in_progress_on_time"
                                              : "not_started_within_deadline";
                const auto unit = units[rng() % units.size()];
                const auto id =
                    c.QueryOne("INSERT INTO tasks_tasks (document_id, content, monitoring_unit_id, start_at, deadline_at,"
                               " priority, scope, group_code, assigned_at, progress, started, completed_at, status,"
                               " status_at, created_by, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, 'national',"
                               " '', $4, $7, $8, $9, $10, $4, 1, $4, $4) RETURNING id",
                               {Value(docs[static_cast<std::size_t>(i) % docs.size()]),
                                Value("Nhiệm vụ thử số " + std::to_string(i) + ": triển khai kết luận tại đơn vị"),
                                Value(monitor), Value(ms(start)), Value(ms(deadline)), Value(kPriorities[i % 4]),
                                Value(completed ? 100 : started ? 50 : 0), Value(started),
                                completed ? Value(ms(*completed)) : Value(), Value(status)})
                        ->Int(0);
                c.Execute("INSERT INTO tasks_task_units (task_id, unit_id, role, acknowledged_at) VALUES ($1, $2, 'lead', $3)",
                          {id, unit, ms(start + std::chrono::hours(2))});
                c.Execute("INSERT INTO tasks_clocks (task_id, kind, subject, label, started_at, due_at, done_at) VALUES"
                          " ($1, 'acknowledge', $2, '', $3, $4, $5)",
                          {id, unit, ms(start), ms(start + std::chrono::hours(4)), ms(start + std::chrono::hours(2))});
                const auto half = start + (deadline - start) / 2;
                c.Execute("INSERT INTO tasks_clocks (task_id, kind, subject, label, started_at, point_at, due_at, done_at)"
                          " VALUES ($1, 'update', 0, '1/2', $2, $3, $4, $5)",
                          {Value(id), Value(ms(start)), Value(ms(half)), Value(ms(half + day * 3)),
                           started && half < now ? Value(ms(half)) : Value()});
                c.Execute("INSERT INTO tasks_clocks (task_id, kind, subject, label, started_at, point_at, due_at, done_at)"
                          " VALUES ($1, 'final', 0, 'final', $2, $3, $4, $5)",
                          {Value(id), Value(ms(start)), Value(ms(deadline)), Value(ms(deadline + day * 3)),
                           completed ? Value(ms(*completed)) : Value()});
                if (started) {
                    const auto at = std::min(now, completed.value_or(half));
                    c.Execute("INSERT INTO tasks_updates (task_id, unit_id, progress, results, products, difficulties, causes,"
                              " attachments_json, completion, state, submitted_by, submitted_at, decided_by, decided_at,"
                              " evaluation, evaluated_at, wrong_report) VALUES ($1, $2, $3, 'Đã triển khai', '', '', $4,"
                              " '[]', $5, 'approved', 2, $6, 3, $6, $7, $8, $9)",
                              {Value(id), Value(unit), Value(completed ? 100 : 50),
                               Value(completed ? "" : "Thiếu kinh phí"), Value(completed.has_value()), Value(ms(at)),
                               Value(i % 2 ? "Đạt yêu cầu" : ""), i % 2 ? Value(ms(at + day)) : Value(), Value(i % 17 == 0)});
                }
            }
            return 0;
        });
    }
    std::printf("tasks\t%lld\nunits\t%zu\ngenerate_s\t%.1f\n", static_cast<long long>(n_tasks), units.size(),
                std::chrono::duration<double>(Clock::now() - t0).count());
    std::fflush(stdout);
    Watch watch(Db(), log_, clock_, policy_, *units_, *calendars_, events_, nullptr, nullptr, svc_.get());
    // The dashboard of the task office (every task) and of one province (its subtree), each
    // time right after a change of some task (announced as the services announce it: the next
    // request reads that task again and counts), then asked again over the same records.
    std::mt19937_64 pick(7);
    auto change = [&] {
        const auto id = static_cast<std::int64_t>(pick() % static_cast<std::uint64_t>(n_tasks)) + 1;
        events_.Publish(core::Event{.topic = "tasks.task", .data_json = "{\"id\":" + std::to_string(id) + ",\"units\":[]}"});
    };
    Print("dashboard_all", Measure(2, 20, [&] { EXPECT_EQ(watch.DashboardFor(office_, {}).total, n_tasks); }, change));
    Print("dashboard_province", Measure(2, 20, [&] { watch.DashboardFor(focal_, {}); }, change));
    Print("dashboard_again", Measure(2, 20, [&] { watch.DashboardFor(office_, {}); }));
    // A change that names no task: every task read again.
    Print("dashboard_reread", Measure(1, 5, [&] { watch.DashboardFor(office_, {}); }, [&] {
              events_.Publish(core::Event{.topic = "tasks.task", .data_json = R"({"action":"import"})"});
          }));
    Print("map", Measure(1, 10, [&] { watch.Provinces(office_); }));
    // A quarter's evaluation of every unit, from the records.
    Print("evaluation_quarter", Measure(1, 5, [&] { EXPECT_TRUE(watch.Evaluation(office_, "2026-Q2").ok()); }));
    // Every open task's status recomputed (the job's whole walk): the first run catches up with
    // the generated statuses; then the every-minute runs, when little has changed.
    Print("refresh_statuses_first", Measure(0, 1, [&] { svc_->RefreshStatuses(); }));
    Print("refresh_statuses", Measure(1, 5, [&] { svc_->RefreshStatuses(); }));
}

INSTANTIATE_TEST_SUITE_P(Engines, TasksBench,
                         ::testing::Values(core::db::Engine::kSqlite, core::db::Engine::kPostgres),
                         ::vp::testing::EngineName);

}  // namespace
}  // namespace vp::tasks
