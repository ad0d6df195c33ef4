#pragma once
// The one place a module plugs in. A module is a folder under src/ with its public header,
// its tables (migrations/<module>/{sqlite,postgres}/V###__name.sql, its own numbering), its
// templates and interface strings, and one class implementing Module. src/app lists the modules
// (app/modules.cpp) and wires each declaration below; adding a module is its folder and one line
// there.

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <CLI/CLI.hpp>
#include <boost/json/object.hpp>

#include "audit/audit.hpp"
#include "auth/auth.hpp"
#include "auth/web.hpp"
#include "calendar/service.hpp"
#include "core/access.hpp"
#include "core/clock.hpp"
#include "core/secret_box.hpp"
#include "core/db/database.hpp"
#include "core/events.hpp"
#include "core/http/metrics.hpp"
#include "core/http/router.hpp"
#include "core/jobs.hpp"
#include "core/web/templates.hpp"
#include "notify/notify.hpp"
#include "units/units.hpp"

namespace vp::platform {

/// A store kept apart from the main database for data that must not share it (08-QC/TW Art.
/// 5.2: secret documents): its own SQLite file beside the main one, or its own PostgreSQL schema,
/// holding only the migrations `migrations/<name>/<engine>/`, with its own key file outside the
/// database (<name>.key beside the node's secret key file) for the columns the module seals.
struct Partition {
    core::db::Database& db;
    const core::SecretBox& box;
};

/// What the platform gives every module. Filled by src/app before the modules are built; the
/// services of modules built earlier (in dependency order) are reachable through their own
/// modules' public headers.
struct Platform {
    core::db::Database& db;
    audit::Log& audit;
    const core::Clock& clock;
    core::EventBus& events;
    const core::access::Policy& policy;
    core::JobQueue& jobs;
    const core::web::TemplateStore& templates;
    units::Service& units;
    auth::Service& auth;
    auth::Web& web;
    const calendar::Service& calendars;  ///< working time (deadlines, clocks)
    notify::Service& notify;             ///< notifications to people (and their e-mail)
    /// Opens (once per name, migrated) the partition `name`; the platform keeps it open.
    std::function<Partition(const std::string& name)> partition;
    core::http::Metrics& metrics;  ///< /metrics: a module adds its own collector (Prometheus text)
};

/// Route options for the three kinds of routes a module declares.
struct RouteKinds {
    static core::http::RouteOptions Page() { return {.on_io_thread = false, .api = false}; }
    static core::http::RouteOptions Api() { return {}; }
};

/// @brief The command-line sub-commands the modules declare (`vanphong portal create ...`).
/// A module adds its CLI11 sub-commands (options bound to its own members) and, for each, what
/// runs once the node is built (migrated; no server, no jobs), as the operator at the console.
class Commands {
public:
    using Run = std::function<int(Platform&)>;
    void Add(CLI::App* command, Run run) { runs_.emplace_back(command, std::move(run)); }
    /// The command given on the line, if it is a module's (after parsing).
    Run Chosen() const {
        for (const auto& [c, r] : runs_) {
            if (c->parsed()) return r;
        }
        return {};
    }
    /// Options every command takes (data folder, database, key file), added by src/app.
    std::function<void(CLI::App*)> common;

private:
    std::vector<std::pair<CLI::App*, Run>> runs_;
};

/// What a command prints for a refused action: the message in Vietnamese on standard error; the
/// exit code 3 for "not found", 2 for every other refusal (scripts tell them apart).
int CommandFailed(const core::Error& e);
template <class T>
int CommandResult(const core::Result<T>& r) {
    return r.ok() ? 0 : CommandFailed(r.error());
}
/// One JSON value on one line of standard output.
void PrintJson(const boost::json::value& v);

class Module {
public:
    virtual ~Module() = default;
    /// Short, stable name: the migrations folder, the audit and event prefixes ("portal").
    virtual std::string_view Name() const = 0;
    /// Modules whose tables and services this one needs (migrations and building follow it).
    virtual std::vector<std::string> DependsOn() const { return {}; }
    /// Permissions and the roles that hold them (core::access::Policy::Allow). Roles are
    /// declared by the accounts module, once.
    virtual void DeclareAccess(core::access::Policy&) const {}
    /// Builds the module's services and HTTP adapters on the platform.
    virtual void Build(Platform&) {}
    /// Routes of the module (pages and /api/v1/...). Every /api/ route must be in OpenApiPaths;
    /// every state-changing route is behind auth::Web, which checks CSRF (both tested).
    virtual void AddRoutes(core::http::Router&) {}
    /// Main-menu entries, shown by permission.
    virtual void AddNavigation(auth::Web&) const {}
    /// Job kinds (JobQueue::Register) and recurring schedules (JobQueue::Schedule).
    virtual void AddJobs(core::JobQueue&) {}
    /// Live-event topics with their per-subscriber filter (EventBus::RegisterTopic). Called before
    /// Build, so that what Build changes is published on a known topic.
    virtual void AddTopics(core::EventBus&) {}
    /// Command-line sub-commands. The instance that declares them is not the one that serves:
    /// a command builds what it needs from the Platform it is given.
    virtual void AddCommands(CLI::App&, Commands&) {}
    /// Demo data (`vanphong serve --demo` on SQLite only, after the demo accounts): idempotent,
    /// as the operator.
    virtual void LoadDemo(Platform&) {}
    /// The module's part of the OpenAPI document: an object of paths (and "tags").
    virtual boost::json::object OpenApi() const { return {}; }
};

/// A member handler as a route handler.
template <class T>
core::http::Handler Bind(T* obj, core::http::Response (T::*method)(core::http::Request&)) {
    return [obj, method](core::http::Request& req) { return (obj->*method)(req); };
}

/// Parses a module's embedded OpenAPI part (its openapi.json); throws on malformed text, so a
/// broken part stops the start instead of hiding routes.
boost::json::object ParseOpenApiPart(std::string_view json_text, std::string_view module);

/// Orders modules so that each comes after those it depends on; throws on unknown or circular
/// dependencies.
std::vector<Module*> InDependencyOrder(const std::vector<std::unique_ptr<Module>>& modules);

/// Merges the modules' parts into the base OpenAPI document (info, servers, components).
boost::json::object MergeOpenApi(boost::json::object base, const std::vector<Module*>& modules);

}  // namespace vp::platform
