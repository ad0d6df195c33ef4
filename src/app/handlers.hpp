#pragma once

#include "auth/web.hpp"
#include "core/events.hpp"
#include "core/http/metrics.hpp"
#include "core/http/router.hpp"
#include "core/jobs.hpp"
#include "notify/notify.hpp"

namespace vp::app {

/// Looking at the background job history: national.
inline constexpr core::access::Permission kJobsView{"jobs.view"};

struct HandlerDeps {
    auth::Web& web;
    auth::Service& auth;
    units::Service& units;
    notify::Service& notify;
    core::JobQueue& jobs;
    core::EventBus& events;
    core::db::Database& db;
    core::http::Metrics& metrics;
    const core::http::Router& router;
    const std::string& openapi;  ///< the merged API document
};

/// The embedded data file at `path` ("units/seed.json", "api/openapi.json" ...), or "".
std::string_view EmbeddedData(std::string_view path);

/// @brief Pages and endpoints of the node itself: home, notifications, live events, health,
/// metrics, the OpenAPI document and the job history.
class Handlers {
public:
    explicit Handlers(HandlerDeps deps) : d_(deps) {}

    core::http::Response Home(core::http::Request& req);
    core::http::Response Notifications(core::http::Request& req);
    core::http::Response MarkRead(core::http::Request& req);
    core::http::Response Jobs(core::http::Request& req);
    core::http::Response Health(core::http::Request& req);
    core::http::Response MetricsText(core::http::Request& req);
    core::http::Response OpenApi(core::http::Request& req);
    core::http::Response ApiNotifications(core::http::Request& req);
    core::http::Response ApiMarkRead(core::http::Request& req);
    core::http::Response Events(core::http::Request& req);
    core::http::Response ApiJobs(core::http::Request& req);

private:
    HandlerDeps d_;
};

}  // namespace vp::app
