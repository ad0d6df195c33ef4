#include "app/app.hpp"
#include "app/impl.hpp"

#include <sodium.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <thread>

#include <boost/json.hpp>
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "app/demo.hpp"
#include "app/handlers.hpp"
#include "audit/handlers.hpp"
#include "auth/handlers.hpp"
#include "calendar/handlers.hpp"
#include "calendar/service.hpp"
#include "core/db/migrate.hpp"
#include "core/embedded.hpp"
#include "core/events.hpp"
#include "core/http/server.hpp"
#include "core/http/static_files.hpp"
#include "core/jobs.hpp"
#include "core/mail.hpp"
#include "core/web/templates.hpp"
#include "notify/notify.hpp"
#include "units/handlers.hpp"

namespace vp::app {

namespace http = core::http;
using http::beast_http::verb;

std::string_view EmbeddedData(std::string_view path) {
    for (const auto& f : embedded::Data()) {
        if (f.path == path) return f.content;
    }
    return {};
}

const core::MessageCatalog& InstalledStrings() {
    static const core::MessageCatalog strings = [] {
        auto c = core::ShippedStrings();
        core::InstallMessages(c);
        return c;
    }();
    return strings;
}

namespace {

// The configuration is checked by the CLI before it gets here; a program that builds a
// Config by hand gets the same message as an exception.
http::TrustedProxies TrustedProxiesOrThrow(const std::string& list) {
    auto parsed = http::TrustedProxies::Parse(list);
    if (!parsed) throw std::invalid_argument(core::Text(parsed.error().message, "vi"));
    return std::move(parsed).value();
}

http::AddressList AddressListOrThrow(const std::string& list) {
    auto parsed = http::AddressList::Parse(list);
    if (!parsed) throw std::invalid_argument(core::Text(parsed.error().message, "vi"));
    return std::move(parsed).value();
}

std::string DefaultNodeId() {
    char host[256] = {0};
    gethostname(host, sizeof host - 1);
    return std::string(host) + "-" + std::to_string(getpid());
}

std::vector<calendar::YearSchedule> ShippedYears() {
    std::vector<calendar::YearSchedule> out;
    for (const auto& f : embedded::Data()) {
        if (!f.path.starts_with("calendar/vn/")) continue;
        auto s = calendar::TryParseYearSchedule(f.content);
        if (!s) {
            throw std::runtime_error("bad shipped calendar file " + std::string(f.path) + ": " +
                                     core::Text(s.error().message, "vi"));
        }
        out.push_back(std::move(s.value()));
    }
    return out;
}

}  // namespace

platform::Partition App::Impl::OpenPartition(const std::string& name) {
    std::lock_guard lock(partitions_mutex);
    auto it = partitions.find(name);
    if (it == partitions.end()) {
        OpenedPartition p;
        p.db = core::db::OpenPartition(config.DatabaseUrl(), name, config.db_pool);
        auto report = core::db::MigrateModuleOnly(*p.db, embedded::Migrations(), name);
        for (const auto& m : report.modules_applied) spdlog::info("partition {}: applied {}", p.db->Describe(), m);
        // As for the main key: a key is made only with the partition itself (its first migration
        // applied now); a partition that already holds data never gets a new key silently.
        // Beside the node's secret key (every node of one database shares that folder's keys).
        const auto key_dir = config.secret_key_file.empty()
                                 ? std::filesystem::path(config.data_dir)
                                 : std::filesystem::path(config.secret_key_file).parent_path();
        const auto key_path = (key_dir.empty() ? std::filesystem::path(".") : key_dir) / (name + ".key");
        const bool fresh = !report.modules_applied.empty() && report.modules_applied.front() == name + " V1";
        if (!fresh && !std::filesystem::exists(key_path)) {
            throw std::runtime_error("the key file " + key_path.string() + " of the partition " + name +
                                     " is missing, but the partition already exists: restore the key file");
        }
        p.box = core::SecretBox::FromKeyFile(key_path, fresh);
        it = partitions.emplace(name, std::move(p)).first;
    }
    return platform::Partition{*it->second.db, *it->second.box};
}

void App::Impl::Build() {
    if (sodium_init() < 0) throw std::runtime_error("libsodium failed to initialise");
    if (config.node_id.empty()) config.node_id = DefaultNodeId();
    std::filesystem::create_directories(config.data_dir);
    db = core::db::OpenByUrl(config.DatabaseUrl(), config.db_pool);
    modules = ListModules();
    ordered = platform::InDependencyOrder(modules);
    std::vector<std::string> names;
    for (auto* m : ordered) names.emplace_back(m->Name());
    auto report = core::db::Migrate(*db, embedded::Migrations(), names);
    for (const auto& m : report.modules_applied) spdlog::info("database {}: applied {}", db->Describe(), m);
    if (!report.applied.empty()) spdlog::info("database {}: schema now at version {}", db->Describe(), report.current);
    events.AttachLog(*db, clock,
                     {.keep_events = config.event_log_keep, .keep_for = std::chrono::hours(config.event_log_hours)});
    if (db->GetEngine() == core::db::Engine::kPostgres) {
        bridge = std::make_unique<core::PgEventBridge>(config.DatabaseUrl(), events);
    }
    // A key is created only for an installation without sealed secrets: a node started without
    // the key file (or with another one) must not silently make a new key. The key also keys the
    // audit chain (records chained under it count as sealed), so it is loaded before the first
    // audit record (the unit seed); checkpoints of the chain go to the data folder.
    const auto key_path = config.secret_key_file.empty() ? std::filesystem::path(config.data_dir) / "secret.key"
                                                         : std::filesystem::path(config.secret_key_file);
    const bool holds_secrets = auth::Service::HoldsSealedSecrets(*db) || audit::Log::HoldsKeyedRecords(*db);
    if (holds_secrets && !std::filesystem::exists(key_path)) {
        throw std::runtime_error(
            "the secret key file " + key_path.string() +
            " is missing, but the database holds secrets sealed with a key: start with the key file "
            "this installation was created with (--secret-key-file); a new key is never made for it");
    }
    secret_box = core::SecretBox::FromKeyFile(key_path, !holds_secrets);
    audit.Configure(audit::ChainKey::FromSecretKeyFile(key_path),
                    {.file = std::filesystem::path(config.data_dir) / "audit-checkpoints.log"});
    DeclareAccess();
    units = std::make_unique<units::Service>(*db, audit, clock, policy);
    policy.SetUnitTree(units.get());
    const auto operator_ = core::access::Principal::Operator();
    auto seeded = units->SeedIfEmpty(operator_, EmbeddedData("units/seed.json"));
    if (!seeded) throw std::runtime_error("unit seed: " + core::Text(seeded.error().message, "vi"));
    if (seeded.value() > 0) spdlog::info("seeded {} units", seeded.value());
    // Password hashing has its own threads; at most half the request workers wait for it.
    hasher = std::make_unique<auth::PasswordHasher>(
        auth::PasswordHasherSettings{.max_concurrent = config.max_password_hashes,
                                     .max_queue = std::max(1, config.workers / 2 - config.max_password_hashes)});
    notify = std::make_unique<notify::Service>(*db, clock, events);
    auth::AuthSettings auth_settings{.secret_box = secret_box.get()};
    auth_settings.queue_mail = [this](core::db::Connection& c, const std::string& to, const std::string& subject,
                                      const std::string& text) { notify->QueueMail(c, to, subject, text); };
    auth_settings.notify_user = [this](core::db::Connection& c, std::int64_t user_id, const std::string& title,
                                       const std::string& body, const std::string& link) {
        notify->Create(c, user_id, "account", title, body, link, false);
    };
    auth =
        std::make_unique<auth::Service>(*db, audit, clock, *units, policy, *hasher, events, std::move(auth_settings));
    notify->SetEmailLookup([this](core::db::Connection& c, std::int64_t id) { return auth->EmailOf(c, id); });
    if (auto st = auth->CheckSecretKey(); !st) throw std::runtime_error(core::Text(st.error().message, "vi"));
    calendar = std::make_unique<calendar::Service>(*db, audit, clock, ShippedYears());
    if (auto st = calendar->EnsureDefault(operator_.ActorAs()); !st) {
        throw std::runtime_error("calendar: " + core::Text(st.error().message, "vi"));
    }
    jobs = std::make_unique<core::JobQueue>(
        *db, clock, core::JobQueueSettings{.node_id = config.node_id, .max_concurrent = config.max_jobs});
    jobs->Register("mail.send",
                   [this](const core::Job& j) { return notify::Service::SendMailJob(mailer, j.payload_json); });
    web = std::make_unique<auth::Web>(*auth, templates, auth::WebSettings{.secure_cookies = !config.tls_cert.empty()});
    platform = std::make_unique<platform::Platform>(platform::Platform{
        *db, audit, clock, events, policy, *jobs, templates, *units, *auth, *web, *calendar, *notify,
        [this](const std::string& name) { return OpenPartition(name); }, metrics});
    for (auto* m : ordered) {
        // Topics first: what a module's Build changes (the main portal, on the first start) is
        // already announced on a known topic.
        m->AddTopics(events);
        m->Build(*platform);
        m->AddNavigation(*web);
        m->AddJobs(*jobs);
    }
    web->AddNav({"/admin/jobs", "nav_jobs", kJobsView, 50});
    openapi = boost::json::serialize(
        platform::MergeOpenApi(platform::ParseOpenApiPart(EmbeddedData("api/openapi.json"), "app"), ordered));
    app_handlers = std::make_unique<Handlers>(
        HandlerDeps{*web, *auth, *units, *notify, *jobs, events, *db, metrics, router, openapi});
    static_files.SetFileDirectory(config.data_dir);
    static_files.Add(embedded::Static(), "");
    if (!config.static_dir.empty()) {
        for (const auto& e : std::filesystem::directory_iterator(config.static_dir)) {
            if (!e.is_regular_file()) continue;
            std::ifstream in(e.path(), std::ios::binary);
            std::string content((std::istreambuf_iterator<char>(in)), {});
            static_files.Put("/static/" + e.path().filename().string(), std::move(content));
        }
    }
    metrics.AddCollector([this] {
        auto s = db->Stats();
        return fmt::format(
            "# HELP vp_db_pool_connections Database pool size and connections in use.\n"
            "# TYPE vp_db_pool_connections gauge\n"
            "vp_db_pool_connections{{state=\"size\"}} {}\nvp_db_pool_connections{{state=\"in_use\"}} {}\n"
            "# HELP vp_db_pool_waits_total Acquisitions that waited for a free connection.\n"
            "# TYPE vp_db_pool_waits_total counter\nvp_db_pool_waits_total {}\n"
            "# HELP vp_db_pool_acquisitions_total Connections handed out.\n"
            "# TYPE vp_db_pool_acquisitions_total counter\nvp_db_pool_acquisitions_total {}\n"
            "# HELP vp_sse_subscribers Open server-sent event streams.\n# TYPE vp_sse_subscribers "
            "gauge\nvp_sse_subscribers {}\n",
            s.size, s.in_use, s.waits, s.acquisitions, events.SubscriberCount());
    });
    if (config.demo) {
        auto demo = EnsureDemoAccounts(*auth, *units, config.data_dir);  // operator: creates accounts directly
        if (!demo.empty()) std::fputs(demo.c_str(), stdout);
        std::fflush(stdout);
        for (auto* m : ordered) m->LoadDemo(*platform);
    }
    Routes();
}

void App::Impl::DeclareAccess() {
    // Each module's permissions and the roles that hold them, then one check of the names.
    for (auto* m : ordered) m->DeclareAccess(policy);
    policy.Allow(kJobsView, {"system_admin"});
    policy.Validate();
}

void App::Impl::Routes() {
    // The routing table: every URL of the node, in one place.
    auto& r = router;
    auto bind = [](auto* obj, auto method) {
        return [obj, method](http::Request& req) { return (obj->*method)(req); };
    };
    const http::RouteOptions page{.on_io_thread = false, .api = false};
    // Static files and metrics: answered on the network thread, never rate-limited.
    const http::RouteOptions fast_page{.on_io_thread = true, .api = false, .rate_limited = false};
    const http::RouteOptions probe{.on_io_thread = false, .api = false, .rate_limited = false};
    const http::RouteOptions operators{
        .on_io_thread = true, .api = false, .rate_limited = false, .operator_only = true};
    auto* h = app_handlers.get();

    // Operations.
    r.Add(verb::get, "/healthz", bind(h, &Handlers::Health), probe);
    r.Add(verb::get, "/metrics", bind(h, &Handlers::MetricsText), operators);
    r.Add(
        verb::get, "/static/{*path}", [this](http::Request& req) { return static_files.Serve(req); }, fast_page);
    r.Add(
        verb::get, "/favicon.ico",
        [this](http::Request& req) {
            req.path = "/static/favicon.svg";
            return static_files.Serve(req);
        },
        fast_page);

    // Pages of the node itself; each module adds its own below.
    r.Add(verb::get, "/admin", bind(h, &Handlers::Home), page);  // "/" is the public site (module site)
    r.Add(verb::get, "/notifications", bind(h, &Handlers::Notifications), page);
    r.Add(verb::post, "/notifications/{id}/read", bind(h, &Handlers::MarkRead), page);

    r.Add(verb::get, "/admin/jobs", bind(h, &Handlers::Jobs), page);

    // API (each route is described in /api/v1/openapi.json, merged from the modules' parts; a
    // test keeps the two in step).
    r.Add(verb::get, "/api/v1/openapi.json", bind(h, &Handlers::OpenApi), {.on_io_thread = true});
    r.Add(verb::get, "/api/v1/health", bind(h, &Handlers::Health));
    r.Add(verb::get, "/api/v1/notifications", bind(h, &Handlers::ApiNotifications));
    r.Add(verb::post, "/api/v1/notifications/{id}/read", bind(h, &Handlers::ApiMarkRead));
    r.Add(verb::get, "/api/v1/events", bind(h, &Handlers::Events));
    r.Add(verb::get, "/api/v1/jobs", bind(h, &Handlers::ApiJobs));

    for (auto* m : ordered) m->AddRoutes(r);
}

App::App(Config config) : impl_(std::make_unique<Impl>(std::move(config))) { impl_->Build(); }

App::~App() {
    Stop();
    if (impl_->background.joinable()) impl_->background.join();
}

const core::http::Router& App::Router() const { return impl_->router; }

std::uint16_t App::StartInBackground() {
    auto& c = impl_->config;
    impl_->server = std::make_unique<http::Server>(
        http::ServerSettings{.address = c.address,
                             .port = static_cast<std::uint16_t>(c.port),
                             .io_threads = c.io_threads,
                             .worker_threads = c.workers,
                             .body_limit = c.body_limit,
                             .request_timeout = std::chrono::seconds(c.request_timeout_s),
                             .keep_alive_timeout = std::chrono::seconds(c.keep_alive_timeout_s),
                             .tls_cert_file = c.tls_cert,
                             .tls_key_file = c.tls_key,
                             .access_log = c.access_log,
                             .trusted_proxies = TrustedProxiesOrThrow(c.trusted_proxies),
                             .rate_per_second = c.rate_limit,
                             .rate_burst = c.rate_burst,
                             .operator_allow = AddressListOrThrow(c.metrics_allow),
                             .operator_token = c.metrics_token},
        impl_->router, impl_->metrics);
    auto port = impl_->server->Start();
    if (c.jobs) impl_->jobs->Start();
    impl_->audit.StartCheckpoints(*impl_->db);
    return port;
}

int App::Serve() {
    auto port = StartInBackground();
    impl_->server->StopOnSignals();
    spdlog::info("vanphong serving http{}://{}:{} on {}", impl_->config.tls_cert.empty() ? "" : "s",
                 impl_->config.address, port, impl_->db->Describe());
    impl_->server->Wait();
    impl_->jobs->Stop();
    spdlog::info("stopped cleanly");
    return 0;
}

void App::Stop() {
    if (impl_->server) {
        impl_->server->Stop();
        impl_->server->Wait();
    }
    if (impl_->jobs) impl_->jobs->Stop();
    // A clean stop signs the head of the audit chain (also after every command-line command).
    if (impl_->db) impl_->audit.StopCheckpoints(*impl_->db);
}

}  // namespace vp::app
