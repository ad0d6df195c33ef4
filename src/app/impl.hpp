#pragma once
// Internal to src/app: the node's object graph, shared by app.cpp (wiring) and cli.cpp.

#include <map>
#include <memory>
#include <mutex>
#include <thread>

#include "app/app.hpp"
#include "app/handlers.hpp"
#include "audit/handlers.hpp"
#include "auth/handlers.hpp"
#include "calendar/handlers.hpp"
#include "calendar/service.hpp"
#include "core/events.hpp"
#include "core/http/server.hpp"
#include "core/http/static_files.hpp"
#include "core/jobs.hpp"
#include "core/mail.hpp"
#include "core/strings.hpp"
#include "core/web/templates.hpp"
#include "notify/notify.hpp"
#include "platform/module.hpp"
#include "signatures/signatures.hpp"
#include "units/handlers.hpp"

namespace vp::embedded {
std::span<const vp::core::EmbeddedFile> Migrations();
std::span<const vp::core::EmbeddedFile> Templates();
std::span<const vp::core::EmbeddedFile> Static();
std::span<const vp::core::EmbeddedFile> Data();
}  // namespace vp::embedded

namespace vp::app {

namespace http = core::http;

/// The interface strings and messages of every module (core::ShippedStrings), merged and
/// installed as the process's messages on the first call (start-up of the server and of every
/// CLI command); the same catalogue feeds the templates. Throws when two files define one key.
const core::MessageCatalog& InstalledStrings();

struct App::Impl {
    Config config;
    core::SystemClock clock;
    std::unique_ptr<core::db::Database> db;
    core::EventBus events;
    std::unique_ptr<core::PgEventBridge> bridge;
    audit::Log audit{clock};
    core::access::Policy policy;
    std::unique_ptr<units::Service> units;
    std::unique_ptr<core::SecretBox> secret_box;
    /// Partitions the modules opened (platform::Partition), by name.
    struct OpenedPartition {
        std::unique_ptr<core::db::Database> db;
        std::unique_ptr<core::SecretBox> box;
    };
    std::map<std::string, OpenedPartition> partitions;
    std::mutex partitions_mutex;
    platform::Partition OpenPartition(const std::string& name);
    std::unique_ptr<auth::PasswordHasher> hasher;
    std::unique_ptr<auth::Service> auth;
    std::unique_ptr<notify::Service> notify;
    std::unique_ptr<calendar::Service> calendar;
    std::unique_ptr<signatures::Service> signature_service;  ///< built by the signatures module
    core::SmtpMailer mailer;
    std::unique_ptr<core::JobQueue> jobs;
    core::web::TemplateStore templates{embedded::Templates(), InstalledStrings()};
    std::unique_ptr<auth::Web> web;
    std::vector<std::unique_ptr<platform::Module>> modules;
    std::vector<platform::Module*> ordered;        ///< modules in dependency order
    std::unique_ptr<platform::Platform> platform;  ///< what the modules were built on (commands run on it)
    std::string openapi;                           ///< the API document, merged from the modules' parts
    std::unique_ptr<Handlers> app_handlers;
    http::StaticFiles static_files;
    http::Metrics metrics;
    http::Router router;
    std::unique_ptr<http::Server> server;
    std::thread background;

    explicit Impl(Config c)
        : config(std::move(c)),
          mailer({.url = config.smtp_url,
                  .from = config.smtp_from,
                  .username = config.smtp_user,
                  .password = config.smtp_password}) {}

    void Build();
    /// The node's modules (app/modules.cpp).
    std::vector<std::unique_ptr<platform::Module>> ListModules();
    void DeclareAccess();
    void Routes();
};

}  // namespace vp::app
