#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "core/http/client_limits.hpp"
#include "core/http/metrics.hpp"
#include "core/http/router.hpp"

namespace vp::core::http {

struct ServerSettings {
    std::string address = "127.0.0.1";
    std::uint16_t port = 8080;  ///< 0 picks a free port (tests)
    int io_threads = 2;
    int worker_threads = 8;  ///< handlers that may block on the database
    std::size_t header_limit = 16 * 1024;
    std::size_t body_limit = 2 * 1024 * 1024;
    std::chrono::seconds request_timeout{15};  ///< a whole request must arrive within this
    std::chrono::seconds keep_alive_timeout{60};
    std::chrono::seconds shutdown_grace{30};  ///< how long Stop waits for requests in flight
    std::string tls_cert_file;                ///< PEM; TLS is on when both files are given
    std::string tls_key_file;
    bool access_log = true;
    /// Reverse proxies whose X-Forwarded-For names the client (see TrustedProxies).
    TrustedProxies trusted_proxies;
    /// Requests per second per client address on rate-limited routes (0: no limit), and the
    /// burst allowed above that rate. Over it: 429 with Retry-After.
    double rate_per_second = 0;
    double rate_burst = 0;
    /// Who may call the routes marked RouteOptions::operator_only (/metrics): a client whose
    /// address (as derived through trusted_proxies) is in `operator_allow`, or one that sends
    /// `Authorization: Bearer <operator_token>` when that is set (compared in constant time).
    /// Anyone else gets 403.
    AddressList operator_allow;
    std::string operator_token;
};

/// @brief HTTP/1.1 server over Boost.Beast: keep-alive, size and time limits, security headers,
/// request ids, metrics, graceful stop. Handlers run on a worker pool unless marked
/// on_io_thread.
class Server {
public:
    Server(ServerSettings settings, const Router& router, Metrics& metrics);
    ~Server();
    Server(const Server&) = delete;
    Server& operator=(const Server&) = delete;

    /// Binds and starts the threads; returns the bound port. Throws on bind failure.
    std::uint16_t Start();
    /// Stops accepting, lets requests in flight finish (up to shutdown_grace), closes the rest.
    /// Safe to call from a signal-handling thread; idempotent.
    void Stop();
    /// Blocks until Stop has completed.
    void Wait();
    /// Installs SIGTERM/SIGINT handling that calls Stop.
    void StopOnSignals();

    std::uint16_t Port() const;

    struct Impl;  // public only so the session coroutines in server.cpp can name it

private:
    std::unique_ptr<Impl> impl_;
};

}  // namespace vp::core::http
