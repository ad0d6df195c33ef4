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
    if (rc != SQLITE_OK) std::cerr << "sqlite backup failed: " << (dst ? sqlite3_errmsg(dst) : sqlite3_errstr(rc)) << "\n";
    sqlite3_close(src);
    sqlite3_close(dst);
    return rc == SQLITE_OK ? 0 : 1;
}

int Fail(const core::Error& e) {
    std::cerr << "Lỗi / Error: " << core::Text(e.message, "vi") << "\n";
    return e.code == core::ErrorCode::kNotFound ? 3 : 2;
}

template <class T>
int Check(const core::Result<T>& r) {
    return r.ok() ? 0 : Fail(r.error());
}

void PrintJson(const json::value& v) { std::cout << json::serialize(v) << "\n"; }

}  // namespace

int RunCli(int argc, char** argv) {
    InstalledStrings();  // the command line speaks Vietnamese (core::Text(..., "vi"))
    CLI::App cli{"vanphong — the platform of the Central Party Office (portal, tasks, conferences)", "vanphong"};
    cli.set_version_flag("--version", std::string("vanphong ") + VP_VERSION);
    cli.require_subcommand(1);
    cli.set_config("--config", "", "Optional configuration file (TOML/INI: key = value)");
    Config cfg;
    auto common = [&](CLI::App* c) {
        c->add_option("--data-dir", cfg.data_dir, "Data folder (SQLite database, demo list)")->envname("VANPHONG_DATA_DIR")->capture_default_str();
        c->add_option("--database", cfg.database, "Database URL: postgresql://... or sqlite:PATH (default: SQLite in the data folder)")
            ->envname("VANPHONG_DATABASE");
        c->add_option("--db-pool", cfg.db_pool, "Database connections per node (0: engine default)")->envname("VANPHONG_DB_POOL");
        c->add_option("--secret-key-file", cfg.secret_key_file,
                      "Key that encrypts secrets at rest (default: <data-dir>/secret.key; the same file on every node)")
            ->envname("VANPHONG_SECRET_KEY_FILE");
        c->add_option("--log-level", cfg.log_level, "trace, debug, info, warn, error")->envname("VANPHONG_LOG_LEVEL")->capture_default_str();
        c->add_option("--media-dir", cfg.media_dir, "Uploaded files, stored by SHA-256 (default: <data-dir>/media)")
            ->envname("VANPHONG_MEDIA_DIR");
    };

    auto* serve = cli.add_subcommand("serve", "Serve HTTP (applies migrations; loads demo data on first start)");
    common(serve);
    serve->add_option("--address", cfg.address, "Listen address")->envname("VANPHONG_ADDRESS")->capture_default_str();
    serve->add_option("--port", cfg.port, "Listen port (0: any free port)")->envname("VANPHONG_PORT")->capture_default_str();
    serve->add_option("--io-threads", cfg.io_threads, "Network threads")->envname("VANPHONG_IO_THREADS")->capture_default_str();
    serve->add_option("--workers", cfg.workers, "Worker threads for handlers")->envname("VANPHONG_WORKERS")->capture_default_str();
    serve->add_option("--tls-cert", cfg.tls_cert, "PEM certificate chain (enables TLS with --tls-key)")->envname("VANPHONG_TLS_CERT");
    serve->add_option("--tls-key", cfg.tls_key, "PEM private key")->envname("VANPHONG_TLS_KEY");
    serve->add_option("--smtp-url", cfg.smtp_url, "SMTP server, e.g. smtp://mail.example:25 (empty: no e-mail)")->envname("VANPHONG_SMTP_URL");
    serve->add_option("--smtp-from", cfg.smtp_from, "Sender address")->envname("VANPHONG_SMTP_FROM")->capture_default_str();
    serve->add_option("--smtp-user", cfg.smtp_user, "SMTP user name")->envname("VANPHONG_SMTP_USER");
    serve->add_option("--smtp-password", cfg.smtp_password, "SMTP password (prefer the environment variable)")->envname("VANPHONG_SMTP_PASSWORD");
    serve->add_option("--media-limits", cfg.media_limits,
                      "Upload size limits per kind in MiB (default image=20,audio=100,video=256,document=50)")
        ->envname("VANPHONG_MEDIA_LIMITS")
        ->check([](const std::string& v) {
            auto p = media::ParseLimits(v);
            return p ? std::string() : core::Text(p.error().message, "vi");
        });
    serve->add_option("--trust-anchors", cfg.trust_anchors,
                      "Folder of PEM certificates that signatures embedded in PDF files must chain to "
                      "(default: none; with --demo the TEST ONLY demo CA)")
        ->envname("VANPHONG_TRUST_ANCHORS")
        ->check(CLI::ExistingDirectory);
    serve->add_option("--static-dir", cfg.static_dir, "Extra files served from memory under /static/")->envname("VANPHONG_STATIC_DIR");
    serve->add_option("--node-id", cfg.node_id, "Name of this node in job history (default: host-pid)")->envname("VANPHONG_NODE_ID");
    serve->add_option("--max-jobs", cfg.max_jobs, "Background jobs this node runs at once")
        ->envname("VANPHONG_MAX_JOBS")->check(CLI::Range(1, 64))->capture_default_str();
    serve->add_option("--public-url", cfg.public_url, "Address users reach the site at")->envname("VANPHONG_PUBLIC_URL")->capture_default_str();
    serve->add_option("--request-timeout", cfg.request_timeout_s, "Seconds a client has to send a whole request")
        ->envname("VANPHONG_REQUEST_TIMEOUT")->check(CLI::Range(1, 3600))->capture_default_str();
    serve->add_option("--trusted-proxies", cfg.trusted_proxies,
                      "Reverse proxies (addresses or CIDR networks, comma-separated) whose X-Forwarded-For "
                      "names the client")
        ->envname("VANPHONG_TRUSTED_PROXIES")
        ->check([](const std::string& v) {
            auto p = core::http::TrustedProxies::Parse(v);
            return p ? std::string() : core::Text(p.error().message, "vi");
        });
    serve->add_option("--metrics-allow", cfg.metrics_allow,
                      "Client addresses or CIDR networks (comma-separated) that may read /metrics")
        ->envname("VANPHONG_METRICS_ALLOW")->capture_default_str()
        ->check([](const std::string& v) {
            auto p = core::http::AddressList::Parse(v);
            return p ? std::string() : core::Text(p.error().message, "vi");
        });
    serve->add_option("--metrics-token", cfg.metrics_token,
                      "Bearer token that may read /metrics from anywhere (prefer the environment variable)")
        ->envname("VANPHONG_METRICS_TOKEN");
    serve->add_option("--rate-limit", cfg.rate_limit, "Requests per second per client address (0: no limit)")
        ->envname("VANPHONG_RATE_LIMIT")->check(CLI::Range(0.0, 1e6))->capture_default_str();
    serve->add_option("--rate-burst", cfg.rate_burst, "Requests a client may send at once above that rate")
        ->envname("VANPHONG_RATE_BURST")->check(CLI::Range(1.0, 1e6))->capture_default_str();
    serve->add_option("--keep-alive-timeout", cfg.keep_alive_timeout_s,
                      "Seconds an idle keep-alive connection may wait for its next request")
        ->envname("VANPHONG_KEEP_ALIVE_TIMEOUT")->check(CLI::Range(1, 3600))->capture_default_str();
    serve->add_option("--event-log-keep", cfg.event_log_keep, "Live events kept for reconnecting browsers")
        ->envname("VANPHONG_EVENT_LOG_KEEP")->capture_default_str()->check(CLI::Range(std::int64_t{100}, std::int64_t{10000000}));
    serve->add_option("--event-log-hours", cfg.event_log_hours, "Hours a live event is kept at most")
        ->envname("VANPHONG_EVENT_LOG_HOURS")->capture_default_str()->check(CLI::Range(1, 24 * 90));
    serve->add_option("--body-limit", cfg.body_limit, "Largest request body in bytes")->envname("VANPHONG_BODY_LIMIT")->capture_default_str();
    std::string access_log = "on";
    serve->add_option("--access-log", access_log, "on or off")->envname("VANPHONG_ACCESS_LOG")->check(CLI::IsMember({"on", "off"}));
    bool no_demo = false, no_jobs = false;
    bool demo = false;
    serve->add_flag("--demo", demo,
                    "Create the demo accounts (one per role, a shared password) on an empty installation: for "
                    "trying the system out, never on a real one")
        ->envname("VANPHONG_DEMO");
    serve->add_flag("--no-demo", no_demo, "No demo accounts (the default; kept for scripts)")->envname("VANPHONG_NO_DEMO");
    serve->add_flag("--no-jobs", no_jobs, "Do not run background jobs on this node")->envname("VANPHONG_NO_JOBS");

    auto* migrate = cli.add_subcommand("migrate", "Apply database migrations and exit");
    common(migrate);

    // unit ...
    auto* unit = cli.add_subcommand("unit", "Units registry (ORG-1, ORG-2)");
    unit->require_subcommand(1);
    std::string u_code, u_kind, u_vi, u_en, u_short, u_parent, u_into, u_date;
    auto* unit_list = unit->add_subcommand("list", "List units with names as of a date");
    unit_list->add_option("--date", u_date, "YYYY-MM-DD (default: today)");
    auto* unit_show = unit->add_subcommand("show", "Show one unit and its name history");
    unit_show->add_option("code", u_code)->required();
    auto* unit_create = unit->add_subcommand("create", "Create a unit");
    unit_create->add_option("--code", u_code)->required();
    unit_create->add_option("--kind", u_kind)->required();
    unit_create->add_option("--name-vi", u_vi)->required();
    unit_create->add_option("--name-en", u_en)->required();
    unit_create->add_option("--short-name", u_short);
    unit_create->add_option("--parent", u_parent, "Parent unit code");
    unit_create->add_option("--from", u_date, "Effective date YYYY-MM-DD");
    auto* unit_rename = unit->add_subcommand("rename", "Rename a unit from a date (old records keep the old name)");
    unit_rename->add_option("code", u_code)->required();
    unit_rename->add_option("--name-vi", u_vi)->required();
    unit_rename->add_option("--name-en", u_en)->required();
    unit_rename->add_option("--short-name", u_short);
    unit_rename->add_option("--effective", u_date, "YYYY-MM-DD (default: today)");
    auto* unit_merge = unit->add_subcommand("merge", "Merge a unit into another from a date");
    unit_merge->add_option("code", u_code)->required();
    unit_merge->add_option("--into", u_into)->required();
    unit_merge->add_option("--effective", u_date);
    auto* unit_dissolve = unit->add_subcommand("dissolve", "Dissolve a unit from a date");
    unit_dissolve->add_option("code", u_code)->required();
    unit_dissolve->add_option("--effective", u_date);
    for (auto* c : {unit_list, unit_show, unit_create, unit_rename, unit_merge, unit_dissolve}) common(c);

    // user ...
    auto* user = cli.add_subcommand("user", "Accounts (P-7, P-8)");
    user->require_subcommand(1);
    std::string us_name, us_full, us_email, us_unit, us_reason, us_note;
    std::vector<std::string> us_roles;
    std::int64_t us_id = 0;
    auto* user_list = user->add_subcommand("list", "List accounts");
    auto* user_requests = user->add_subcommand("requests", "List account requests");
    auto* user_request = user->add_subcommand("request", "Request an account (to be approved by leadership)");
    user_request->add_option("--username", us_name)->required();
    user_request->add_option("--full-name", us_full)->required();
    user_request->add_option("--email", us_email);
    user_request->add_option("--unit", us_unit, "Unit code")->required();
    user_request->add_option("--role", us_roles, "Role, or role@UNITCODE; repeatable")->required();
    user_request->add_option("--reason", us_reason);
    auto* user_approve = user->add_subcommand("approve", "Approve an account request; prints the initial password");
    user_approve->add_option("request_id", us_id)->required();
    user_approve->add_option("--note", us_note);
    auto* user_refuse = user->add_subcommand("refuse", "Refuse an account request");
    user_refuse->add_option("request_id", us_id)->required();
    user_refuse->add_option("--note", us_note)->required();
    auto* user_revoke = user->add_subcommand("revoke", "Revoke an account at once (every session ends)");
    user_revoke->add_option("username", us_name)->required();
    user_revoke->add_option("--reason", us_reason)->required();
    auto* user_reset2fa = user->add_subcommand("reset-2fa", "Reset the second factor (re-enrolment at next sign-in)");
    user_reset2fa->add_option("username", us_name)->required();
    user_reset2fa->add_option("--reason", us_reason);
    auto* user_resetpw = user->add_subcommand("reset-password", "Set a new one-time password");
    user_resetpw->add_option("username", us_name)->required();
    for (auto* c : {user_list, user_requests, user_request, user_approve, user_refuse, user_revoke, user_reset2fa, user_resetpw}) common(c);

    // audit ...
    auto* audit_cmd = cli.add_subcommand("audit", "Audit log (P-9)");
    audit_cmd->require_subcommand(1);
    auto* audit_verify = audit_cmd->add_subcommand(
        "verify", "Verify the keyed hash chain and that it reaches the latest signed checkpoint; names the first broken record");
    std::string a_checkpoints;
    audit_verify
        ->add_option("--checkpoint-file", a_checkpoints,
                     "Checkpoint file to compare with (default: <data-dir>/audit-checkpoints.log), e.g. a copy kept elsewhere")
        ->check(CLI::ExistingFile);
    auto* audit_checkpoint = audit_cmd->add_subcommand(
        "checkpoint", "Sign the head of the chain now and append it to <data-dir>/audit-checkpoints.log");
    auto* audit_export = audit_cmd->add_subcommand("export", "Export the audit log as CSV to standard output");
    for (auto* c : {audit_verify, audit_checkpoint, audit_export}) common(c);

    // calendar ...
    auto* cal = cli.add_subcommand("calendar", "Vietnamese working-time calendar (X-1)");
    cal->require_subcommand(1);
    std::string c_from, c_to, c_at, c_code = "vn-office";
    double c_hours = -1;
    int c_days = -1, c_year = 0;
    auto* cal_add = cal->add_subcommand("add", "Add working hours or days to an instant");
    cal_add->add_option("--from", c_from, "ISO-8601 instant with offset")->required();
    auto* o_hours = cal_add->add_option("--working-hours", c_hours, "Working hours to add (decimals allowed)");
    auto* o_days = cal_add->add_option("--working-days", c_days, "Working days to add");
    o_hours->excludes(o_days);
    auto* cal_is = cal->add_subcommand("is-working", "Is the instant inside working time? (exit 0 yes, 1 no)");
    cal_is->add_option("--at", c_at)->required();
    auto* cal_between = cal->add_subcommand("between", "Working time between two instants");
    cal_between->add_option("--from", c_from)->required();
    cal_between->add_option("--to", c_to)->required();
    auto* cal_next = cal->add_subcommand("next", "Next working instant");
    cal_next->add_option("--at", c_at)->required();
    auto* cal_holidays = cal->add_subcommand("holidays", "Days off of a year, one per line (YYYY-MM-DD)");
    cal_holidays->add_option("year", c_year)->required()->check(CLI::Range(1971, 2199));
    for (auto* c : {cal_add, cal_is, cal_between, cal_next, cal_holidays}) {
        common(c);
        c->add_option("--calendar", c_code, "Calendar code")->capture_default_str();
    }

    auto* backup = cli.add_subcommand("backup", "Back up the database (SQLite online backup; pg_dump for PostgreSQL)");
    std::string b_file;
    backup->add_option("--out", b_file, "Backup file")->required();
    common(backup);
    auto* restore = cli.add_subcommand("restore", "Restore a backup into the configured database (stop the servers first)");
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
    const bool level_given = std::any_of(argv, argv + argc, [](const char* a) { return std::string_view(a).starts_with("--log-level"); }) ||
                             std::getenv("VANPHONG_LOG_LEVEL");
    spdlog::set_level(spdlog::level::from_str(serve->parsed() || level_given ? cfg.log_level : "warn"));
    cfg.access_log = access_log == "on";
    cfg.demo = demo && !no_demo;
    cfg.jobs = !no_jobs;

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
                rc = RunProgram({"pg_dump", "--format=custom", "--no-owner", "--file=" + b_file, "--dbname=" + pg.url}, pg.env);
            } else {
                rc = SqliteCopy(SqlitePath(url), b_file);
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
        if (migrate->parsed()) {
            std::cout << "schema up to date\n";
            return 0;
        }
        const auto actor = core::access::Principal::Operator();
        auto unit_by_code = [&](const std::string& code) -> core::Result<units::Unit> {
            auto u = a.units->FindByCode(code);
            if (!u) return core::NotFound(core::Msg("app.cli_unit_not_found", {{"code", code}}));
            return *u;
        };
        if (unit_list->parsed()) {
            for (const auto& u : a.units->List(u_date)) {
                std::cout << fmt::format("{}\t{}\t{}\t{}\n", u.code, u.kind, u.status, u.name_vi);
            }
            return 0;
        }
        if (unit_show->parsed()) {
            auto u = unit_by_code(u_code);
            if (!u) return Fail(u.error());
            auto j = units::ToJson(u.value()).as_object();
            json::array names;
            for (auto& n : a.units->NameHistory(u->id)) {
                names.push_back(json::object{{"name_vi", n.name_vi}, {"name_en", n.name_en}, {"valid_from", n.valid_from}, {"valid_to", n.valid_to}});
            }
            j["names"] = names;
            PrintJson(j);
            return 0;
        }
        if (unit_create->parsed()) {
            std::int64_t parent = 0;
            if (!u_parent.empty()) {
                auto p = unit_by_code(u_parent);
                if (!p) return Fail(p.error());
                parent = p->id;
            }
            auto r = a.units->Create(actor, {.code = u_code, .kind = u_kind, .name_vi = u_vi, .name_en = u_en,
                                             .short_name = u_short, .parent_id = parent, .valid_from = u_date});
            if (r) PrintJson(units::ToJson(r.value()));
            return Check(r);
        }
        if (unit_rename->parsed() || unit_merge->parsed() || unit_dissolve->parsed()) {
            auto u = unit_by_code(u_code);
            if (!u) return Fail(u.error());
            core::Result<units::Unit> r = core::InvalidInput(core::Msg("app.cli_unit_action_missing"));
            if (unit_rename->parsed()) {
                r = a.units->Rename(actor, u->id, u_vi, u_en, u_short, u_date);
            } else if (unit_merge->parsed()) {
                auto into = unit_by_code(u_into);
                if (!into) return Fail(into.error());
                r = a.units->Merge(actor, u->id, into->id, u_date);
            } else {
                r = a.units->Dissolve(actor, u->id, u_date);
            }
            if (r) PrintJson(units::ToJson(r.value()));
            return Check(r);
        }
        auto user_by_name = [&](const std::string& name) -> core::Result<auth::UserView> {
            auto u = a.auth->FindUserByName(name);
            if (!u) return core::NotFound(core::Msg("app.cli_user_not_found", {{"username", name}}));
            return *u;
        };
        if (user_list->parsed()) {
            for (const auto& u : a.auth->ListUsers(actor)) {
                std::string roles;
                for (auto& g : u.grants) roles += (roles.empty() ? "" : ",") + g.role;
                std::cout << fmt::format("{}\t{}\t{}\t2fa={}\t{}\t{}\n", u.id, u.username, u.status, u.enrolled ? "yes" : "no", roles, u.full_name);
            }
            return 0;
        }
        if (user_requests->parsed()) {
            for (const auto& r : a.auth->ListRequests(actor, false)) {
                std::cout << fmt::format("{}\t{}\t{}\t{}\t{}\n", r.id, r.username, r.decision.empty() ? "pending" : r.decision, r.roles_json, r.full_name);
            }
            return 0;
        }
        if (user_request->parsed()) {
            auto u = unit_by_code(us_unit);
            if (!u) return Fail(u.error());
            auth::NewAccount acc{.username = us_name, .full_name = us_full, .email = us_email, .unit_id = u->id, .reason = us_reason};
            for (const auto& r : us_roles) {
                auto at = r.find('@');
                std::int64_t ru = 0;
                if (at != std::string::npos) {
                    auto x = unit_by_code(r.substr(at + 1));
                    if (!x) return Fail(x.error());
                    ru = x->id;
                }
                acc.roles.push_back({r.substr(0, at), ru});
            }
            auto r = a.auth->RequestAccount(actor, std::move(acc));
            if (r) std::cout << "request " << r->id << " created for " << r->username << "; approve with: vanphong user approve " << r->id << "\n";
            return Check(r);
        }
        if (user_approve->parsed()) {
            auto r = a.auth->Approve(actor, us_id, us_note);
            if (r) std::cout << "approved " << r->user.username << "\ninitial password (shown once): " << r->initial_password << "\n";
            return Check(r);
        }
        if (user_refuse->parsed()) return Check(a.auth->Refuse(actor, us_id, us_note));
        if (user_revoke->parsed() || user_reset2fa->parsed() || user_resetpw->parsed()) {
            auto u = user_by_name(us_name);
            if (!u) return Fail(u.error());
            if (user_revoke->parsed()) return Check(a.auth->Revoke(actor, u->id, us_reason));
            if (user_reset2fa->parsed()) return Check(a.auth->ResetSecondFactor(actor, u->id, us_reason.empty() ? "cli" : us_reason));
            auto pw = a.auth->ResetPassword(actor, u->id);
            if (pw) std::cout << "new one-time password (shown once): " << pw->password << "\n";
            return Check(pw);
        }
        if (audit_verify->parsed()) {
            auto rep = a.audit.Verify(*a.db, {.against_checkpoint = true, .checkpoint_file = a_checkpoints});
            const std::string against =
                rep.checkpoint ? fmt::format("điểm kiểm / checkpoint: record {} of {:%Y-%m-%d %H:%M:%S} UTC", rep.checkpoint->seq,
                                             std::chrono::sys_seconds{std::chrono::seconds{rep.checkpoint->at / 1000}})
                               : std::string("chưa có điểm kiểm / no checkpoint yet");
            if (rep.ok) {
                std::cout << "Nhật ký kiểm tra nguyên vẹn / audit chain intact: " << rep.checked << " records verified (" << against
                          << ")\n";
                if (!rep.checkpoint) {
                    std::cout << "Cảnh báo / warning: without a signed checkpoint a cut tail cannot be detected; "
                                 "run `vanphong audit checkpoint`\n";
                }
                return 0;
            }
            if (rep.first_broken_seq > 0) {
                std::cout << "Nhật ký kiểm tra bị sửa đổi / audit chain BROKEN at record " << rep.first_broken_seq << ": " << rep.problem
                          << "\n";
            } else {
                std::cout << "Nhật ký kiểm tra bị sửa đổi / audit chain BROKEN: " << rep.problem << "\n";
            }
            std::cout << "  " << against << "\n";
            return 1;
        }
        if (audit_checkpoint->parsed()) {
            auto out = a.audit.WriteCheckpoint(*a.db);
            using S = audit::CheckpointOutcome::Status;
            if (out.status == S::kWritten || out.status == S::kUnchanged) {
                std::cout << (out.status == S::kWritten ? "Đã ghi điểm kiểm / checkpoint written: "
                                                        : "Điểm kiểm mới nhất vẫn đúng / latest checkpoint unchanged: ")
                          << out.checkpoint->Line() << "\n"
                          << "  " << a.audit.Checkpoints().file.string() << "\n";
                return 0;
            }
            std::cout << "Từ chối ghi điểm kiểm / checkpoint refused: " << out.problem << "\n";
            return 1;
        }
        if (audit_export->parsed()) {
            std::cout << a.audit.ExportCsv(*a.db, {});
            return 0;
        }
        if (cal->parsed()) {
            auto c = a.calendar->Get(c_code);
            if (!c) return Fail(c.error());
            const auto& calendar = c.value();
            auto parse = [](const std::string& s) { return calendar::TryParseIso(s); };
            if (cal_holidays->parsed()) {
                for (auto d : calendar::DaysOff(calendar, c_year)) std::cout << calendar::FormatIsoDate(d) << "\n";
                return 0;
            }
            if (cal_add->parsed()) {
                auto from = parse(c_from);
                if (!from) return Fail(from.error());
                core::Result<core::TimePoint> r = core::InvalidInput(core::Msg("app.cli_working_amount_missing"));
                if (c_hours >= 0) {
                    r = calendar.TryAddWorkingHours(from.value(), std::chrono::minutes(static_cast<long>(c_hours * 60 + 0.5)));
                } else if (c_days >= 0) {
                    r = calendar.TryAddWorkingDays(from.value(), c_days);
                }
                if (!r) return Fail(r.error());
                std::cout << calendar.FormatIso(r.value()) << "\n";
                return 0;
            }
            if (cal_is->parsed()) {
                auto at = parse(c_at);
                if (!at) return Fail(at.error());
                bool w = calendar.IsWorkingTime(at.value());
                std::cout << (w ? "yes" : "no") << "\n";
                return w ? 0 : 1;
            }
            if (cal_between->parsed()) {
                auto f = parse(c_from), t = parse(c_to);
                if (!f) return Fail(f.error());
                if (!t) return Fail(t.error());
                auto r = calendar.TryWorkingTimeBetween(f.value(), t.value());
                if (!r) return Fail(r.error());
                std::cout << fmt::format("{}h{:02}m ({} minutes)\n", r->count() / 60, std::abs(r->count() % 60), r->count());
                return 0;
            }
            if (cal_next->parsed()) {
                auto at = parse(c_at);
                if (!at) return Fail(at.error());
                auto r = calendar.FindNextWorkingInstant(at.value());
                if (!r) return Fail(core::InvalidInput(core::Msg("app.cli_no_working_time")));
                std::cout << calendar.FormatIso(*r) << "\n";
                return 0;
            }
        }
    } catch (const std::exception& e) {
        std::cerr << "vanphong: " << e.what() << "\n";
        return 1;
    }
    return 0;
}

}  // namespace vp::app
