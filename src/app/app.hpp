#pragma once

#include <memory>
#include <string>

#include "app/config.hpp"
#include "core/http/router.hpp"

namespace vp::app {

/// @brief The composition root: constructs every service of one node, connects them and
/// builds the routing table. The only place that knows all modules.
class App {
public:
    /// Opens the database, applies migrations, seeds units and the default calendar, and,
    /// when config.demo is set and there are no accounts yet, creates the demo accounts.
    explicit App(Config config);
    ~App();

    const core::http::Router& Router() const;
    /// Serves until SIGTERM/SIGINT (or Stop); returns when requests in flight have finished.
    int Serve();
    /// Starts serving on a background thread and returns the bound port (tests).
    std::uint16_t StartInBackground();
    void Stop();

    struct Impl;
    Impl& Internals() { return *impl_; }

private:
    std::unique_ptr<Impl> impl_;
};

}  // namespace vp::app
