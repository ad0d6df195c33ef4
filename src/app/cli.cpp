#include "app/cli.hpp"

#include <spawn.h>
#include <sqlite3.h>
#include <sys/stat.h>

#include <boost/url.hpp>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <iostream>

#include <CLI/CLI.hpp>
#include <boost/json.hpp>
#include <fmt/chrono.h>
#include <fmt/format.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include "app/impl.hpp"
#include "calendar/iso_time.hpp"
#include "media/media.hpp"

extern char** environ;

namespace vp::app {
namespace {

namespace json = boost::json;

// Runs a program with an argument vector (no shell, so no quoting problems); returns its exit code.
// Runs a program with this process's environment plus `extra_env` ("NAME=value"), which is how a
// password reaches pg_dump/pg_restore: never on the command line, where `ps` shows it.
int RunProgram(const std::vector<std::string>& args, const std::vector<std::string>& extra_env = {}) {
    std::vector<char*> argv;
    for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    std::vector<char*> envp;
    for (char** e = environ; *e; ++e) envp.push_back(*e);
    for (const auto& e : extra_env) envp.push_back(const_cast<char*>(e.c_str()));
    envp.push_back(nullptr);
    pid_t pid = 0;
    if (posix_spawnp(&pid, argv[0], nullptr, nullptr, argv.data(), envp.data()) != 0) return 127;
    int status = 0;
    waitpid(pid, &status, 0);
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128;
}

bool IsPostgres(const std::string& url) { return url.starts_with("postgresql://") || url.starts_with("postgres://"); }

// A PostgreSQL URL without its password, and the password as PGPASSWORD for the child's
// environment. An unparsable URL is passed on unchanged (pg_dump reports it).
struct PgTarget {
    std::string url;
    std::vector<std::string> env;
};
PgTarget WithoutPassword(const std::string& url) {
    auto parsed = boost::urls::parse_uri(url);
    if (!parsed) return {url, {}};
    boost::urls::url u(*parsed);
    if (!u.has_password()) return {url, {}};
    std::string password = u.password();
    u.remove_password();
    return {std::string(u.buffer()), {"PGPASSWORD=" + password}};
}

std::string SqlitePath(const std::string& url) { return url.starts_with("sqlite:") ? url.substr(7) : url; }

// SQLite online backup API: a consistent copy while the server keeps running.
int SqliteCopy(const std::string& from, const std::string& to) {
    sqlite3* src = nullptr;
    sqlite3* dst = nullptr;
    int rc = sqlite3_open_v2(from.c_str(), &src, SQLITE_OPEN_READONLY, nullptr);
    if (rc == SQLITE_OK) rc = sqlite3_open(to.c_str(), &dst);
    if (rc == SQLITE_OK) {
        sqlite3_busy_timeout(dst, 10000);
        sqlite3_busy_timeout(src, 10000);
        sqlite3_backup* b = sqlite3_backup_init(dst, "main", src, "main");
        if (!b) {
            rc = sqlite3_errcode(dst);
        } else {
            do {
                rc = sqlite3_backup_step(b, 256);
                if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED) sqlite3_sleep(50);
            } while (rc == SQLITE_OK || rc == SQLITE_BUSY || rc == SQLITE_LOCKED);
            sqlite3_backup_finish(b);
            rc = rc == SQLITE_DONE ? SQLITE_OK : rc;
        }
    }
    if (rc != SQLITE_OK)
        std::cerr << "sqlite backup failed: " << (dst ? sqlite3_errmsg(dst) : sqlite3_errstr(rc)) << "\n";
    sqlite3_close(src);
    sqlite3_close(dst);
    return rc == SQLITE_OK ? 0 : 1;
}

// The file of partition `name` of a SQLite database file (core::db::OpenPartition): x.db ->
// x.<name>.db beside it; a backup file b (no .db) -> b.<name>.db.
std::string StemOf(const std::filesystem::path& path) {
    return path.extension() == ".db" ? path.stem().string() : path.filename().string();
}
std::string PartitionFile(const std::string& file, const std::string& name) {
    const auto path = std::filesystem::path(file);
    return (path.parent_path() / (StemOf(path) + "." + name + ".db")).string();
}
// The partitions of a SQLite database file, with their names.
std::vector<std::pair<std::string, std::string>> SqlitePartitions(const std::string& file) {
    std::vector<std::pair<std::string, std::string>> out;
    const auto path = std::filesystem::path(file);
    const auto dir = path.parent_path().empty() ? std::filesystem::path(".") : path.parent_path();
    const auto stem = StemOf(path);
    std::error_code ec;
    for (const auto& e : std::filesystem::directory_iterator(dir, ec)) {
        const auto f = e.path().filename().string();
        if (!e.is_regular_file() || !f.starts_with(stem + ".") || !f.ends_with(".db")) continue;
        const auto name = f.substr(stem.size() + 1, f.size() - stem.size() - 4);
        if (name.empty() || name.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789_") != std::string::npos) continue;
        out.emplace_back(e.path().string(), name);
    }
    return out;
}

}  // namespace

int RunCli(int argc, char** argv) {
    InstalledStrings();  // the command line speaks Vietnamese (core::Text(..., "vi"))
    CLI::App cli{"vanphong — the platform of the Central Party Office (portal, tasks, conferences)", "vanphong"};
    cli.set_version_flag("--version", std::string("vanphong ") + VP_VERSION);
    cli.require_subcommand(1);
    cli.set_config("--config", "", "Optional configuration file (TOML/INI: key = value)");
    Config cfg;
    auto common = [&](CLI::App* c) {
        c->add_option("--data-dir", cfg.data_dir, "Data folder (SQLite database, demo list)")
            ->envname("VANPHONG_DATA_DIR")
            ->capture_default_str();
        c->add_option("--database", cfg.database,
                      "Database URL: postgresql://... or sqlite:PATH (default: SQLite in the data folder)")
            ->envname("VANPHONG_DATABASE");
        c->add_option("--db-pool", cfg.db_pool, "Database connections per node (0: engine default)")
            ->envname("VANPHONG_DB_POOL");
        c->add_option("--secret-key-file", cfg.secret_key_file,
                      "Key that encrypts secrets at rest (default: <data-dir>/secret.key; the same file on every node)")
            ->envname("VANPHONG_SECRET_KEY_FILE");
        c->add_option("--log-level", cfg.log_level, "trace, debug, info, warn, error")
            ->envname("VANPHONG_LOG_LEVEL")
            ->capture_default_str();
        c->add_option("--media-dir", cfg.media_dir, "Uploaded files, stored by SHA-256 (default: <data-dir>/media)")
            ->envname("VANPHONG_MEDIA_DIR");
    };

    auto* serve = cli.add_subcommand("serve", "Serve HTTP (applies migrations; loads demo data on first start)");
    common(serve);
    serve->add_option("--address", cfg.address, "Listen address")->envname("VANPHONG_ADDRESS")->capture_default_str();
    serve->add_option("--port", cfg.port, "Listen port (0: any free port)")
        ->envname("VANPHONG_PORT")
        ->capture_default_str();
    serve->add_option("--io-threads", cfg.io_threads, "Network threads")
        ->envname("VANPHONG_IO_THREADS")
        ->capture_default_str();
    serve->add_option("--workers", cfg.workers, "Worker threads for handlers")
        ->envname("VANPHONG_WORKERS")
        ->capture_default_str();
    serve->add_option("--tls-cert", cfg.tls_cert, "PEM certificate chain (enables TLS with --tls-key)")
        ->envname("VANPHONG_TLS_CERT");
    serve->add_option("--tls-key", cfg.tls_key, "PEM private key")->envname("VANPHONG_TLS_KEY");
    serve->add_option("--smtp-url", cfg.smtp_url, "SMTP server, e.g. smtp://mail.example:25 (empty: no e-mail)")
        ->envname("VANPHONG_SMTP_URL");
    serve->add_option("--smtp-from", cfg.smtp_from, "Sender address")
        ->envname("VANPHONG_SMTP_FROM")
        ->capture_default_str();
    serve->add_option("--smtp-user", cfg.smtp_user, "SMTP user name")->envname("VANPHONG_SMTP_USER");
    serve->add_option("--smtp-password", cfg.smtp_password, "SMTP password (prefer the environment variable)")
        ->envname("VANPHONG_SMTP_PASSWORD");
    serve
        ->add_option("--tasks-remind-before", cfg.tasks_remind_before_hours,
                     "Tasks: remind \"due soon\" this many working hours before a due time (T-13)")
        ->envname("VANPHONG_TASKS_REMIND_BEFORE")
        ->check(CLI::Range(1, 400))
        ->capture_default_str();
    serve
        ->add_option("--tasks-escalate-after", cfg.tasks_escalate_after_hours,
                     "Tasks: escalate to the unit's heads this many working hours after a due time (T-13)")
        ->envname("VANPHONG_TASKS_ESCALATE_AFTER")
        ->check(CLI::Range(1, 400))
        ->capture_default_str();
    serve
        ->add_option("--tasks-lag-margin", cfg.tasks_lag_margin,
                     "Tasks: percentage points approved progress may trail the elapsed time before in_progress_late (T-4)")
        ->envname("VANPHONG_TASKS_LAG_MARGIN")
        ->check(CLI::Range(0, 100))
        ->capture_default_str();
    serve
        ->add_option("--conference-schedule", cfg.conference_schedule,
                     "Conferences: the months and day of the periodic (half-yearly) conferences, MONTHS@DAY")
        ->envname("VANPHONG_CONFERENCE_SCHEDULE")
        ->capture_default_str();
    serve
        ->add_option("--media-limits", cfg.media_limits,
                     "Upload size limits per kind in MiB (default image=20,audio=100,video=256,document=50)")
        ->envname("VANPHONG_MEDIA_LIMITS")
        ->check([](const std::string& v) {
            auto p = media::ParseLimits(v);
            return p ? std::string() : core::Text(p.error().message, "vi");
        });
    serve
        ->add_option("--trust-anchors", cfg.trust_anchors,
                     "Folder of PEM certificates that signatures embedded in PDF files must chain to "
                     "(default: none; with --demo the TEST ONLY demo CA)")
        ->envname("VANPHONG_TRUST_ANCHORS")
        ->check(CLI::ExistingDirectory);
    serve->add_option("--static-dir", cfg.static_dir, "Extra files served from memory under /static/")
        ->envname("VANPHONG_STATIC_DIR");
    serve->add_option("--node-id", cfg.node_id, "Name of this node in job history (default: host-pid)")
        ->envname("VANPHONG_NODE_ID");
    serve->add_option("--max-jobs", cfg.max_jobs, "Background jobs this node runs at once")
        ->envname("VANPHONG_MAX_JOBS")
        ->check(CLI::Range(1, 64))
        ->capture_default_str();
    serve->add_option("--public-url", cfg.public_url, "Address users reach the site at")
        ->envname("VANPHONG_PUBLIC_URL")
        ->capture_default_str();
    serve->add_option("--site-cache-mb", cfg.site_cache_mb, "MiB of rendered public pages kept in memory (0: no cache)")
        ->envname("VANPHONG_SITE_CACHE_MB")
        ->check(CLI::Range(0, 65536))
        ->capture_default_str();
    serve->add_option("--request-timeout", cfg.request_timeout_s, "Seconds a client has to send a whole request")
        ->envname("VANPHONG_REQUEST_TIMEOUT")
        ->check(CLI::Range(1, 3600))
        ->capture_default_str();
    serve
        ->add_option("--trusted-proxies", cfg.trusted_proxies,
                     "Reverse proxies (addresses or CIDR networks, comma-separated) whose X-Forwarded-For "
                     "names the client")
        ->envname("VANPHONG_TRUSTED_PROXIES")
        ->check([](const std::string& v) {
            auto p = core::http::TrustedProxies::Parse(v);
            return p ? std::string() : core::Text(p.error().message, "vi");
        });
    serve
        ->add_option("--metrics-allow", cfg.metrics_allow,
                     "Client addresses or CIDR networks (comma-separated) that may read /metrics")
        ->envname("VANPHONG_METRICS_ALLOW")
        ->capture_default_str()
        ->check([](const std::string& v) {
            auto p = core::http::AddressList::Parse(v);
            return p ? std::string() : core::Text(p.error().message, "vi");
        });
    serve
        ->add_option("--metrics-token", cfg.metrics_token,
                     "Bearer token that may read /metrics from anywhere (prefer the environment variable)")
        ->envname("VANPHONG_METRICS_TOKEN");
    serve->add_option("--rate-limit", cfg.rate_limit, "Requests per second per client address (0: no limit)")
        ->envname("VANPHONG_RATE_LIMIT")
        ->check(CLI::Range(0.0, 1e6))
        ->capture_default_str();
    serve->add_option("--rate-burst", cfg.rate_burst, "Requests a client may send at once above that rate")
        ->envname("VANPHONG_RATE_BURST")
        ->check(CLI::Range(1.0, 1e6))
        ->capture_default_str();
    serve
        ->add_option("--keep-alive-timeout", cfg.keep_alive_timeout_s,
                     "Seconds an idle keep-alive connection may wait for its next request")
        ->envname("VANPHONG_KEEP_ALIVE_TIMEOUT")
        ->check(CLI::Range(1, 3600))
        ->capture_default_str();
    serve->add_option("--event-log-keep", cfg.event_log_keep, "Live events kept for reconnecting browsers")
        ->envname("VANPHONG_EVENT_LOG_KEEP")
        ->capture_default_str()
        ->check(CLI::Range(std::int64_t{100}, std::int64_t{10000000}));
    serve->add_option("--event-log-hours", cfg.event_log_hours, "Hours a live event is kept at most")
        ->envname("VANPHONG_EVENT_LOG_HOURS")
        ->capture_default_str()
        ->check(CLI::Range(1, 24 * 90));
    serve->add_option("--body-limit", cfg.body_limit, "Largest request body in bytes")
        ->envname("VANPHONG_BODY_LIMIT")
        ->capture_default_str();
    std::string access_log = "on";
    serve->add_option("--access-log", access_log, "on or off")
        ->envname("VANPHONG_ACCESS_LOG")
        ->check(CLI::IsMember({"on", "off"}));
    bool no_demo = false, no_jobs = false;
    bool demo = false;
    serve
        ->add_flag("--demo", demo,
                   "Create the demo accounts (one per role, a shared password) on an empty installation: for "
                   "trying the system out, never on a real one")
        ->envname("VANPHONG_DEMO");
    serve->add_flag("--no-demo", no_demo, "No demo accounts (the default; kept for scripts)")
        ->envname("VANPHONG_NO_DEMO");
    bool no_corpus = false;
    serve->add_flag("--no-demo-corpus", no_corpus,
                    "With --demo: leave out the public site's demo stories, documents and pictures (a faster first start)")
        ->envname("VANPHONG_NO_DEMO_CORPUS");
    serve->add_flag("--no-jobs", no_jobs, "Do not run background jobs on this node")->envname("VANPHONG_NO_JOBS");

    auto* migrate = cli.add_subcommand("migrate", "Apply database migrations and exit");
    common(migrate);

    auto* backup = cli.add_subcommand("backup", "Back up the database (SQLite online backup; pg_dump for PostgreSQL)");
    std::string b_file;
    backup->add_option("--out", b_file, "Backup file")->required();
    common(backup);
    auto* restore =
        cli.add_subcommand("restore", "Restore a backup into the configured database (stop the servers first)");
    restore->add_option("--from", b_file, "Backup file")->required()->check(CLI::ExistingFile);
    common(restore);

    // The modules' own commands (platform::Module::AddCommands), declared on instances made for it.
    App::Impl declaring(cfg);
    auto declared = declaring.ListModules();
    platform::Commands module_commands;
    module_commands.common = common;
    for (auto& m : declared) m->AddCommands(cli, module_commands);

    CLI11_PARSE(cli, argc, argv);
    // Logs go to standard error; standard output carries command results only.
    spdlog::set_default_logger(spdlog::stderr_color_mt("vanphong"));
    const bool level_given =
        std::any_of(argv, argv + argc, [](const char* a) { return std::string_view(a).starts_with("--log-level"); }) ||
        std::getenv("VANPHONG_LOG_LEVEL");
    spdlog::set_level(spdlog::level::from_str(serve->parsed() || level_given ? cfg.log_level : "warn"));
    cfg.access_log = access_log == "on";
    cfg.demo = demo && !no_demo;
    cfg.jobs = !no_jobs;
    cfg.demo_corpus = !no_corpus;

    // The backup file reaches pg_dump and pg_restore as an argument: made absolute, a name that
    // starts with '-' cannot be read as one of their options.
    if (!b_file.empty()) b_file = std::filesystem::absolute(b_file).string();

    try {
        if (serve->parsed()) {
            App app(cfg);
            return app.Serve();
        }
        if (backup->parsed()) {
            auto url = cfg.DatabaseUrl();
            // A backup holds password hashes and sealed secrets: readable by its owner only.
            ::umask(077);
            int rc = 0;
            if (IsPostgres(url)) {
                auto pg = WithoutPassword(url);
                rc = RunProgram({"pg_dump", "--format=custom", "--no-owner", "--file=" + b_file, "--dbname=" + pg.url},
                                pg.env);
            } else {
                rc = SqliteCopy(SqlitePath(url), b_file);
                // The partitions beside the main file (vanphong.<name>.db) go beside the backup
                // (<backup>.<name>.db); on PostgreSQL they are schemas, in the dump.
                for (const auto& [part, name] : SqlitePartitions(SqlitePath(url))) {
                    if (rc != 0) break;
                    const auto out = PartitionFile(b_file, name);
                    rc = SqliteCopy(part, out);
                    if (std::filesystem::exists(out)) ::chmod(out.c_str(), 0600);
                }
            }
            if (std::filesystem::exists(b_file)) ::chmod(b_file.c_str(), 0600);
            return rc;
        }
        if (restore->parsed()) {
            auto url = cfg.DatabaseUrl();
            int rc = 0;
            if (IsPostgres(url)) {
                auto pg = WithoutPassword(url);
                rc = RunProgram({"pg_restore", "--clean", "--if-exists", "--no-owner", "--single-transaction",
                                 "--dbname=" + pg.url, b_file},
                                pg.env);
            } else {
                std::filesystem::create_directories(std::filesystem::path(SqlitePath(url)).parent_path().empty()
                                                        ? "."
                                                        : std::filesystem::path(SqlitePath(url)).parent_path());
                rc = SqliteCopy(b_file, SqlitePath(url));
                for (const auto& [part, name] : SqlitePartitions(b_file)) {
                    if (rc != 0) break;
                    rc = SqliteCopy(part, PartitionFile(SqlitePath(url), name));
                }
            }
            if (rc != 0) return rc;
            // A restore rewinds the audit chain on purpose: sign the restored head (once its chain
            // verifies) so later verifications compare with it. Earlier checkpoints stay in the file.
            cfg.demo = false;
            cfg.jobs = false;
            App app(cfg);
            auto out = app.Internals().audit.WriteCheckpoint(*app.Internals().db, audit::CheckpointMode::kAfterRestore);
            if (out.status == audit::CheckpointOutcome::Status::kRefused) {
                std::cerr << "Cảnh báo / warning: the restored audit chain does not verify: " << out.problem << "\n";
            }
            return 0;
        }
        cfg.demo = false;
        cfg.jobs = false;
        App app(cfg);
        auto& a = app.Internals();
        if (auto run = module_commands.Chosen()) return run(*a.platform);
        std::cout << "schema up to date\n";
        return 0;
    } catch (const std::exception& e) {
        std::cerr << "vanphong: " << e.what() << "\n";
        return 1;
    }
    return 0;
}

}  // namespace vp::app
