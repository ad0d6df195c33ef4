// The only translation unit that compiles Boost.Beast's server side (it is slow to compile;
// everything else sees core/http/types.hpp only).
#include "core/http/server.hpp"

#include <sys/sendfile.h>
#include <sys/socket.h>

#include <algorithm>
#include <array>
#include <optional>

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <random>
#include <thread>
#include <vector>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/write.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <sodium.h>
#include <spdlog/spdlog.h>

#include "core/http/response.hpp"
#include "core/text.hpp"

namespace vp::core::http {

namespace asio = boost::asio;
namespace beast = boost::beast;
using tcp = asio::ip::tcp;
constexpr auto kTuple = asio::as_tuple(asio::use_awaitable);

struct Server::Impl {
    ServerSettings settings;
    const Router& router;
    Metrics& metrics;
    // One io_context per network thread, each run by exactly one thread (as nginx runs one
    // event loop per worker): connections never share a scheduler, so there is no lock
    // contention or cross-thread wake-up on the hot path. ioc is the first; it also accepts.
    std::vector<std::unique_ptr<asio::io_context>> loops;
    asio::io_context& ioc;
    std::atomic<std::size_t> next_loop{0};
    asio::thread_pool workers;
    RateLimiter limiter;
    tcp::acceptor acceptor{ioc};
    std::unique_ptr<asio::ssl::context> tls;
    std::vector<std::thread> threads;
    std::thread stopper;
    std::atomic<bool> stopping{false};
    // Requests being handled, per network thread (Stop waits for the sum to reach zero).
    PerThread<std::atomic<int>> in_flight;
    // Request ids: per-thread counters, so no two threads write one cache line per request.
    PerThread<std::atomic<std::uint32_t>> request_counter;
    std::uint32_t request_prefix = 0;
    std::unique_ptr<asio::signal_set> signals;
    std::mutex done_mu;
    std::condition_variable done_cv;
    bool done = false;

    static std::vector<std::unique_ptr<asio::io_context>> MakeLoops(int n) {
        std::vector<std::unique_ptr<asio::io_context>> v;
        for (int i = 0; i < std::max(1, n); ++i) v.push_back(std::make_unique<asio::io_context>(1));
        return v;
    }

    Impl(ServerSettings s, const Router& r, Metrics& m)
        : settings(std::move(s)),
          router(r),
          metrics(m),
          loops(MakeLoops(settings.io_threads)),
          ioc(*loops.front()),
          workers(std::max(1, settings.worker_threads)),
          limiter(settings.rate_per_second, settings.rate_burst) {
        std::random_device rd;
        request_prefix = rd();
        const auto& token = settings.operator_token;
        crypto_generichash(operator_token_hash.data(), operator_token_hash.size(),
                           reinterpret_cast<const unsigned char*>(token.data()), token.size(), nullptr, 0);
    }

    // The largest body any route takes (RouteOptions::body_limit, uploads): what the parser is
    // given before the route is known; RouteLimits lowers it once the header names the route.
    std::size_t max_body_limit = MaxBodyLimit(settings.body_limit, router);
    static std::size_t MaxBodyLimit(std::size_t server_limit, const Router& r) {
        std::size_t m = server_limit;
        for (const auto& route : r.Routes()) m = std::max(m, route.options.body_limit);
        return m;
    }

    // The operator token's hash: the token a client presents is hashed and compared in
    // constant time, so neither its bytes nor its length can be learnt from response times.
    std::array<unsigned char, crypto_generichash_BYTES> operator_token_hash{};

    // RouteOptions::operator_only: the operators' networks, or their bearer token.
    bool OperatorAllowed(const Request& req) const {
        if (settings.operator_allow.Contains(req.remote_address)) return true;
        if (settings.operator_token.empty()) return false;
        auto auth = req.Header("Authorization");
        constexpr std::string_view kBearer = "bearer ";
        if (auth.size() <= kBearer.size()) return false;
        for (std::size_t i = 0; i < kBearer.size(); ++i) {
            if (std::tolower(static_cast<unsigned char>(auth[i])) != kBearer[i]) return false;
        }
        auto presented = auth.substr(kBearer.size());
        while (!presented.empty() && presented.front() == ' ') presented.remove_prefix(1);
        while (!presented.empty() && presented.back() == ' ') presented.remove_suffix(1);
        std::array<unsigned char, crypto_generichash_BYTES> got{};
        crypto_generichash(got.data(), got.size(), reinterpret_cast<const unsigned char*>(presented.data()),
                           presented.size(), nullptr, 0);
        return sodium_memcmp(got.data(), operator_token_hash.data(), got.size()) == 0;
    }

    // "pppppppp-tt-cccccccc": this process's random prefix, the network thread and its
    // counter, in hex. Formatted by hand (it runs for every request; fmt's format-string
    // parsing was measurable there).
    std::string NextRequestId() {
        static constexpr char kHex[] = "0123456789abcdef";
        std::string id(20, '-');
        auto put = [&](std::size_t at, std::uint32_t v, int digits) {
            for (int i = 0; i < digits; ++i)
                id[at + static_cast<std::size_t>(i)] = kHex[(v >> (4 * (digits - 1 - i))) & 0xf];
        };
        put(0, request_prefix, 8);
        put(9, static_cast<std::uint32_t>(ThisThreadOrdinal()), 2);
        put(12, request_counter.Mine().fetch_add(1, std::memory_order_relaxed), 8);
        return id;
    }
    int InFlight() const {
        int n = 0;
        in_flight.ForEach([&](const std::atomic<int>& v) { n += v.load(); });
        return n;
    }

    // Runs the handler (or the route's quick answer), turning any escaped exception into a
    // generic 500: the client sees the request id only, never the exception text (STYLE 6.4).
    template <class Result, class Call>
    Result Guarded(const Route& route, Request& req, const Call& call) {
        try {
            return call();
        } catch (const Overloaded& e) {
            // A bounded resource is full (the password hashing queue): tell the client when to retry.
            spdlog::warn("request {} {} refused: {}", req.request_id, route.pattern, e.what());
            auto res = JsonError(req, beast_http::status::service_unavailable, "overloaded", Msg("core.server_busy"));
            res.set(beast_http::field::retry_after, std::to_string(e.RetryAfterSeconds()));
            return res;
        } catch (const std::exception& e) {
            spdlog::error("request {} {} failed: {}", req.request_id, route.pattern, e.what());
        } catch (...) {
            spdlog::error("request {} {} failed with an unknown exception", req.request_id, route.pattern);
        }
        return InternalError(req);
    }
    Response Invoke(const Route& route, Request& req) {
        return Guarded<Response>(route, req, [&] { return route.handler(req); });
    }
    std::optional<Response> InvokeQuick(const Route& route, Request& req) {
        return Guarded<std::optional<Response>>(route, req, [&] { return route.options.quick(req); });
    }

    // Validates the target and fills path/query. Returns an error for hostile targets.
    std::optional<Error> PrepareTarget(Request& req) {
        std::string_view target(req.raw.target().data(), req.raw.target().size());
        if (target.empty() || target.front() != '/') return InvalidInput(Msg("core.path_invalid"));
        auto q = target.find('?');
        auto raw_path = target.substr(0, q);
        req.query = q == std::string_view::npos ? "" : std::string(target.substr(q + 1));
        auto decoded = PercentDecode(raw_path, false);
        if (!decoded) return InvalidInput(Msg("core.path_invalid"));
        if (!core::IsValidUtf8(*decoded) || !core::IsValidUtf8(req.query)) {
            return InvalidInput(Msg("core.path_not_utf8"));
        }
        if (decoded->find('\0') != std::string::npos || decoded->find('\\') != std::string::npos) {
            return InvalidInput(Msg("core.path_invalid"));
        }
        // Path traversal: no segment may be "." or "..", encoded or not.
        std::string_view p(*decoded);
        std::size_t i = 0;
        while (i <= p.size()) {
            auto j = p.find('/', i);
            if (j == std::string_view::npos) j = p.size();
            auto seg = p.substr(i, j - i);
            if (seg == ".." || seg == ".") return InvalidInput(Msg("core.path_invalid"));
            i = j + 1;
        }
        req.path = std::move(*decoded);
        return std::nullopt;
    }

    // The per-address limit: nullopt when the request may go on, else the 429 to send.
    std::optional<Response> OverLimit(const Route& route, const Request& req) {
        if (!route.options.rate_limited || !limiter.Enabled()) return std::nullopt;
        int retry_after = 0;
        if (limiter.Allow(req.remote_address, RateLimiter::Clock::now(), retry_after)) return std::nullopt;
        auto res = ErrorFor(req, Error{ErrorCode::kTooManyRequests,
                                       Msg("core.too_many_requests", {{"seconds", std::to_string(retry_after)}}),
                                       {}});
        res.set(beast_http::field::retry_after, std::to_string(retry_after));
        return res;
    }

    Response Dispatch(Request& req, const Route*& route_out) {
        if (auto err = PrepareTarget(req)) return ErrorFor(req, *err);
        auto match = router.Find(req.raw.method(), req.path);
        if (!match.route) {
            if (match.path_matched_other_verb) {
                auto res = ErrorFor(req, Error{ErrorCode::kInvalidInput, Msg("core.method_not_allowed"), {}});
                res.result(beast_http::status::method_not_allowed);
                return res;
            }
            req.route = "(unmatched)";
            return ErrorFor(req, NotFound(Msg("core.page_not_found")));
        }
        route_out = match.route;
        req.route = match.route->pattern;
        req.path_params = std::move(match.params);
        return Response{};  // handler runs next; see Session
    }
};

namespace {

// DecodeFields, called only when there is something to decode: most requests (every static
// file) have neither a query nor a body and cost this branch alone.
// A route with a binary body (RouteOptions::binary_body, uploads) has only its query decoded.
std::optional<Error> CheckFields(Request& req, bool binary_body) {
    if (req.query.empty() && req.raw.body().empty()) return std::nullopt;
    if (!binary_body) return DecodeFields(req);
    if (req.query.empty()) return std::nullopt;
    FieldError error = FieldError::kNone;
    req.query_fields = DecodeUrlEncoded(req.query, error);
    if (error == FieldError::kBadEscape) return InvalidInput(Msg("core.request_bad_escape"));
    if (error == FieldError::kNotUtf8) return InvalidInput(Msg("core.request_not_utf8"));
    return std::nullopt;
}

// Metric labels for requests that matched no route (kept by address in Metrics).
const std::string kUnmatched = "(unmatched)";
const std::string kInvalid = "(invalid)";

// Beast's verb names are static strings; unknown methods share one label.
std::string_view MethodName(beast_http::verb v) {
    if (v == beast_http::verb::unknown) return "OTHER";
    auto s = beast_http::to_string(v);
    return {s.data(), s.size()};
}

// Waits until the socket can take more bytes, at most until `deadline` (a client that stops
// reading must not hold the connection for ever). Only reached when the kernel buffer is full.
asio::awaitable<beast::error_code> WaitWritable(tcp::socket& sock, std::chrono::steady_clock::time_point deadline) {
    using namespace asio::experimental::awaitable_operators;
    asio::steady_timer timer(sock.get_executor());
    timer.expires_at(deadline);
    auto which = co_await (sock.async_wait(tcp::socket::wait_write, kTuple) || timer.async_wait(kTuple));
    if (which.index() == 1) co_return beast::error_code(asio::error::timed_out);
    co_return std::get<0>(std::get<0>(which));
}

// Sends `head` (when not empty) and then bytes [offset, end) of the asset's memory file with
// sendfile(2): the page-cache pages go to the socket without being copied, as nginx does for
// static files. MSG_MORE makes the header leave with the first body segment instead of as a
// packet of its own. Without a file (`file` null) only `head` is sent: a prepared answer held
// in memory (SharedStringBody::wire), written straight to the socket. The bytes end at `end`
// (0: the file's end). `per_progress` (files on disk,
// which may be hundreds of megabytes): the deadline starts again whenever bytes leave, so a
// slow but steady client (a video on a mobile link) is not cut off, while one that stops
// reading still is.
asio::awaitable<beast::error_code> SendHeadAndFile(tcp::socket& sock, std::string_view head, const MemoryFile* file,
                                                   off_t offset, std::chrono::steady_clock::duration timeout,
                                                   std::size_t end = 0, bool per_progress = false) {
    beast::error_code ec;
    // Once per connection: the getter reads Asio's cached flag, the setter costs an ioctl.
    if (!sock.native_non_blocking()) sock.native_non_blocking(true, ec);
    if (ec) co_return ec;
    std::size_t sent = 0;
    const auto size = file ? file->Size() : 0;
    const auto total = static_cast<off_t>(end > 0 ? std::min(end, size) : size);
    // MSG_MORE only when the file follows: alone, it would hold the last segment back.
    const int more = total > offset ? MSG_MORE : 0;
    // The response's write deadline, from the first time the kernel buffer is full (most
    // responses never wait, and so never read the clock).
    std::chrono::steady_clock::time_point deadline{};
    for (;;) {
        ssize_t n = 0;
        if (sent < head.size()) {
            n = ::send(sock.native_handle(), head.data() + sent, head.size() - sent, more | MSG_NOSIGNAL);
            if (n > 0) sent += static_cast<std::size_t>(n);
        } else if (offset < total) {
            n = ::sendfile(sock.native_handle(), file->Fd(), &offset, static_cast<std::size_t>(total - offset));
            if (n > 0 && per_progress) deadline = {};
        } else {
            co_return beast::error_code{};
        }
        if (n > 0 || (n < 0 && errno == EINTR)) continue;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            // The kernel buffer is full: wait for the socket to drain.
            // One deadline for the whole response, as for the buffered path: a client that
            // reads a little now and then cannot hold the connection for ever.
            if (deadline == std::chrono::steady_clock::time_point{})
                deadline = std::chrono::steady_clock::now() + timeout;
            if (auto wec = co_await WaitWritable(sock, deadline)) co_return wec;
            continue;
        }
        co_return beast::error_code(n < 0 ? errno : EPIPE, boost::system::system_category());
    }
}

// SerializeHead refused `res` (a field with CR, LF, NUL ...): the generic 500 to send instead,
// logged with the route and the field's name (never its value, which may be the attacker's).
Response RefusedHead(const Request& req, const Response& res) {
    spdlog::error("request {} {}: response field {} is not a valid HTTP field (control character); sent 500 instead",
                  req.request_id, req.route.empty() ? "(invalid)" : req.route, InvalidFieldName(res));
    auto error = InternalError(req);
    error.keep_alive(res.keep_alive());
    return error;
}

// Writes one response: the header from SerializeHead, then the body unless `send_body` is
// false (HEAD). Cached assets with a memory file go out with sendfile on plain TCP; when the
// response is exactly the asset's prepared HTTP/1.1 keep-alive answer, header and body leave
// together in one call. A response SerializeHead refuses is replaced (in `res`) by the 500 of
// RefusedHead, so the caller reports the status that was sent.
template <class Stream>
asio::awaitable<beast::error_code> WriteResponse(Stream& stream, Response& res, const Request& req, bool send_body,
                                                 std::chrono::steady_clock::duration timeout) {
    if constexpr (std::is_same_v<Stream, beast::tcp_stream>) {
        // The prepared answer has no field of the handler's (checked when it was prepared).
        const auto& body = res.body();
        if (send_body && res.version() == 11 && res.begin() == res.end()) {
            if (body.file && body.file_head > 0 && body.file_end == 0)
                co_return co_await SendHeadAndFile(stream.socket(), {}, body.file.get(), 0, timeout);
            if (body.wire) co_return co_await SendHeadAndFile(stream.socket(), *body.wire, nullptr, 0, timeout);
        }
    }
    std::string head;
    head.reserve(768);
    if (!SerializeHead(res, req.tls, req.request_id, head)) {
        res = RefusedHead(req, res);
        if (!SerializeHead(res, req.tls, req.request_id, head))
            co_return beast::error_code(asio::error::invalid_argument);
    }
    const auto& body = res.body();
    if constexpr (std::is_same_v<Stream, beast::tcp_stream>) {
        if (send_body && body.file) {
            co_return co_await SendHeadAndFile(stream.socket(), head, body.file.get(), static_cast<off_t>(body.file_head),
                                               timeout, body.file_end, body.file_end > 0);
        }
    }
    if (send_body && body.file && body.file_end > 0) {
        // A file on disk where sendfile cannot go (TLS): read and written in pieces, each
        // within the deadline (the same rule as per_progress above).
        beast::get_lowest_layer(stream).expires_after(timeout);
        auto [hec, hn] = co_await asio::async_write(stream, asio::buffer(head), kTuple);
        if (hec) co_return hec;
        const std::size_t end = std::min(body.file_end, body.file->Size());
        std::string piece(std::min<std::size_t>(256 * 1024, end > body.file_head ? end - body.file_head : 0), '\0');
        for (std::size_t at = body.file_head; at < end;) {
            const auto n =
                ::pread(body.file->Fd(), piece.data(), std::min(piece.size(), end - at), static_cast<off_t>(at));
            if (n < 0 && errno == EINTR) continue;
            if (n <= 0) co_return beast::error_code(n < 0 ? errno : EIO, boost::system::system_category());
            beast::get_lowest_layer(stream).expires_after(timeout);
            auto [wec, wn] =
                co_await asio::async_write(stream, asio::buffer(piece.data(), static_cast<std::size_t>(n)), kTuple);
            if (wec) co_return wec;
            at += static_cast<std::size_t>(n);
        }
        co_return beast::error_code{};
    }
    beast::get_lowest_layer(stream).expires_after(timeout);
    const auto& bytes = body.Bytes();
    const std::array<asio::const_buffer, 2> buffers{asio::buffer(head),
                                                    send_body ? asio::buffer(bytes) : asio::const_buffer{}};
    auto [ec, n] = co_await asio::async_write(stream, buffers, kTuple);
    co_return ec;
}

using RequestParser = beast_http::request_parser<beast_http::string_body>;

// A request refused for its header alone: the answer to send before closing the connection.
struct Refusal {
    beast_http::status status;
    std::string_view code;
    Message message;
};

// Request smuggling and Host (RFC 9112 3.2, 6.1, 6.3), checked as soon as the header is parsed
// and before any byte of the body is read. Beast itself refuses Transfer-Encoding after
// Content-Length, Content-Length after a final "chunked", and differing Content-Length values,
// but reads any other transfer coding ("xchunked", "identity", "chunked, identity") as a
// message without a body: the body would then be read as the next request on the connection,
// while a proxy in front may have forwarded it as this one's body. Only a lone final "chunked"
// is accepted; the caller answers a refusal and closes the connection, so whatever follows on
// it is never taken for a request. One pass over the fields (no look-up) on the hot path.
std::optional<Refusal> CheckFraming(const RawRequest& h) {
    using status = beast_http::status;
    int hosts = 0;
    bool has_length = false;
    bool has_coding = false;
    std::string codings;
    for (const auto& f : h) {
        switch (f.name()) {
            case beast_http::field::host: ++hosts; break;
            case beast_http::field::content_length: has_length = true; break;
            case beast_http::field::transfer_encoding:
                if (has_coding) codings += ',';
                has_coding = true;
                codings.append(f.value().data(), f.value().size());
                break;
            default: break;
        }
    }
    if (hosts == 0 && h.version() >= 11) {
        return Refusal{status::bad_request, "bad_request", Msg("core.host_missing")};
    }
    if (hosts > 1) return Refusal{status::bad_request, "bad_request", Msg("core.host_repeated")};
    if (!has_coding) return std::nullopt;
    if (h.version() < 11) {
        return Refusal{status::bad_request, "bad_request", Msg("core.http10_transfer_encoding")};
    }
    if (has_length) {
        return Refusal{status::bad_request, "bad_request", Msg("core.transfer_encoding_and_length")};
    }
    std::vector<std::string> list;
    for (std::size_t i = 0; i <= codings.size();) {
        auto j = codings.find(',', i);
        if (j == std::string::npos) j = codings.size();
        std::string_view item(codings.data() + i, j - i);
        while (!item.empty() && (item.front() == ' ' || item.front() == '\t')) item.remove_prefix(1);
        while (!item.empty() && (item.back() == ' ' || item.back() == '\t')) item.remove_suffix(1);
        if (!item.empty()) {
            std::string lower(item);
            for (auto& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
            list.push_back(std::move(lower));
        }
        i = j + 1;
    }
    // Without a final chunked the length of the body cannot be known (RFC 9112 6.3: 400, close).
    if (list.empty() || list.back() != "chunked" || std::count(list.begin(), list.end(), "chunked") > 1) {
        return Refusal{status::bad_request, "bad_request", Msg("core.transfer_encoding_invalid")};
    }
    // Another coding before chunked (gzip, ...): not one this server decodes.
    if (list.size() > 1) {
        return Refusal{status::not_implemented, "not_implemented", Msg("core.transfer_encoding_unsupported")};
    }
    return std::nullopt;
}

// Reads one request into `parser` as beast::http::async_read does (same parser, same limits,
// same errors), but with a plain read loop on the given stream: on plain TCP that is the
// socket itself, without tcp_stream's per-operation timer bookkeeping and the composed
// operations' layers, which together were the largest user-space cost per request left on
// the static-file benchmark. Deadlines are the caller's (see ReadDeadline).
// A header CheckFraming refuses ends the read with `refused` set (and an error); so does one that
// `on_header` (the route's own limits, called once the header passed) refuses.
template <class ReadStream, class OnHeader>
asio::awaitable<beast::error_code> ReadRequest(ReadStream& in, beast::flat_buffer& buffer, RequestParser& parser,
                                               std::optional<Refusal>& refused, const OnHeader& on_header) {
    beast::error_code ec;
    bool checked = false;
    while (!parser.is_done()) {
        if (buffer.size() > 0) {
            const auto used = parser.put(buffer.data(), ec);
            buffer.consume(used);
            if (ec && ec != beast_http::error::need_more) co_return ec;
            // The parser stops after the header (it is not eager): check it before the body.
            if (!checked && parser.is_header_done()) {
                checked = true;
                if ((refused = CheckFraming(parser.get()))) co_return beast_http::error::bad_transfer_encoding;
                if ((refused = on_header(parser))) co_return beast_http::error::body_limit;
            }
            if (!ec && used > 0) continue;  // progress: parse the rest, or done
            ec = {};
        }
        auto [rec, n] = co_await in.async_read_some(buffer.prepare(beast::read_size(buffer, 65536)), kTuple);
        if (rec == asio::error::eof) {
            if (!parser.got_some()) co_return beast_http::error::end_of_stream;
            parser.put_eof(ec);
            co_return ec ? ec : beast_http::error::partial_message;
        }
        if (rec) co_return rec;
        buffer.commit(n);
    }
    co_return ec;
}

// Slow clients: the whole request must arrive within request_timeout (keep_alive_timeout for
// the wait between requests). One timer per connection, checked lazily as nginx does: a request
// only moves `until` (a store), and the timer, when it fires, re-arms for a deadline that has
// moved or cancels the read that is late. Re-arming and cancelling a timer per request cost a
// timer-queue update and a dispatched cancellation handler for every request. The timer's own
// cancellation of the read (instead of tcp_stream's timeout) lets a 408 still be written.
class ReadDeadline {
public:
    using Clock = std::chrono::steady_clock;

    ReadDeadline(tcp::socket& socket, Clock::duration check_interval)
        : state_(std::make_shared<State>()),
          timer_(socket.get_executor()),
          socket_(&socket),
          check_interval_(check_interval) {
        Arm(Clock::now() + check_interval_);
    }
    ~ReadDeadline() { state_->closed = true; }  // a handler already queued must not touch the socket
    // Arm() re-arms from within the timer's own handler, on the connection's event loop.
    ReadDeadline(const ReadDeadline&) = delete;
    ReadDeadline& operator=(const ReadDeadline&) = delete;

    /// A read starts that must finish within `timeout`.
    void Start(Clock::duration timeout) {
        state_->until = Clock::now() + timeout;
        state_->timed_out = false;
    }
    /// The read finished; true when it was cut off by the deadline.
    bool Finish(const beast::error_code& ec) {
        state_->until = Clock::time_point::max();
        return state_->timed_out && ec;
    }

private:
    struct State {
        Clock::time_point until = Clock::time_point::max();  // max: not reading
        bool timed_out = false;
        bool closed = false;
    };
    void Arm(Clock::time_point at) {
        timer_.expires_at(at);
        timer_.async_wait([this, state = state_](boost::system::error_code ec) {
            if (ec || state->closed) return;
            const auto now = Clock::now();
            if (state->until > now) {
                // Not reading, or the deadline moved: look again then, but never later than one
                // check interval (the shortest timeout), so a read that starts meanwhile with a
                // shorter timeout is not checked late.
                Arm(std::min(state->until, now + check_interval_));
                return;
            }
            state->timed_out = true;
            beast::error_code ignored;
            socket_->cancel(ignored);
            // Stay armed: when the read had already completed (its completion queued before
            // this handler), the cancel found nothing, and the connection's next reads still
            // need a deadline.
            Arm(now + check_interval_);
        });
    }
    std::shared_ptr<State> state_;
    asio::steady_timer timer_;
    tcp::socket* socket_;
    Clock::duration check_interval_;
};

// Once the header is parsed and before the body: the route's own body limit and deadline
// (RouteOptions::body_limit, request_timeout: uploads). The route is found from the raw path,
// before the decoding Dispatch does, so a target that would only match once decoded keeps the
// server's limits (the safe side). The parser was given the largest limit of any route: a
// Content-Length over this route's is refused here, as Beast refuses one over the limit it
// has; a chunked body is held to it as it arrives. Requests without a body cost one branch.
std::optional<Refusal> RouteLimits(const Server::Impl& impl, RequestParser& parser, ReadDeadline& deadline) {
    const auto length = parser.content_length();
    if (!parser.chunked() && (!length || *length == 0)) return std::nullopt;
    const auto& h = parser.get();
    const std::string_view target(h.target().data(), h.target().size());
    const auto* route = impl.router.Find(h.method(), target.substr(0, target.find('?'))).route;
    std::size_t limit = impl.settings.body_limit;
    if (route && route->options.body_limit > 0) limit = route->options.body_limit;
    if (route && route->options.request_timeout.count() > 0) deadline.Start(route->options.request_timeout);
    if (limit < impl.max_body_limit) {
        if (length && *length > limit) {
            return Refusal{beast_http::status::payload_too_large, "payload_too_large", Msg("core.payload_too_large")};
        }
        parser.body_limit(limit);
    }
    return std::nullopt;
}

// Every X-Forwarded-For line, in order, joined as one list: some proxies add a line of their
// own instead of appending to the client's, and the right-most entries are the trusted ones.
std::string ForwardedFor(const RawRequest& raw) {
    std::string joined;
    auto [first, last] = raw.equal_range("X-Forwarded-For");
    for (auto it = first; it != last; ++it) {
        if (!joined.empty()) joined += ", ";
        joined.append(it->value().data(), it->value().size());
    }
    return joined;
}

template <class Stream>
asio::awaitable<void> WriteSimple(Stream& stream, bool tls, beast_http::status status, std::string_view code,
                                  const Message& message) {
    Request req;
    req.raw.version(11);
    req.path = "/api/";
    req.tls = tls;
    auto res = JsonError(req, status, code, message);
    res.keep_alive(false);
    co_await WriteResponse(stream, res, req, true, std::chrono::seconds(5));
}

// `head` is the stream's serialized header (see Session).
template <class Stream>
asio::awaitable<void> StreamEvents(Server::Impl& impl, Stream& stream, Request& req, std::string head) {
    head.append("retry: 2000\n\n");  // the stream's first event: how soon the browser reconnects
    beast::get_lowest_layer(stream).expires_never();
    auto [ec, n] = co_await asio::async_write(stream, asio::buffer(head), kTuple);
    if (ec) co_return;
    // Woken by the source when a frame waits (no polling: a change reaches 2 000 open streams in
    // milliseconds, docs/performance.md), and once a second anyway to see the server stopping.
    // The wake may come from any thread: it sets the flag and posts the timer's cancellation to
    // this connection's own (single-threaded) loop, where it runs only while this coroutine is
    // suspended, so no wake is lost between looking at the flag and waiting.
    struct Waiter {
        asio::steady_timer timer;
        std::atomic<bool> ready{false};
        explicit Waiter(const asio::any_io_executor& ex) : timer(ex) {}
    };
    auto waiter = std::make_shared<Waiter>(co_await asio::this_coro::executor);
    struct Detach {
        EventSource& source;
        ~Detach() { source.OnReady(nullptr); }
    } detach{*req.event_source};
    req.event_source->OnReady([weak = std::weak_ptr<Waiter>(waiter)] {
        auto w = weak.lock();
        if (!w || w->ready.exchange(true)) return;
        asio::post(w->timer.get_executor(), [w] { w->timer.cancel(); });
    });
    auto last_write = std::chrono::steady_clock::now();
    while (!impl.stopping && !req.event_source->Closed()) {
        waiter->ready = false;  // before draining: a frame queued after this wakes the wait below
        std::string chunk;
        while (auto next = req.event_source->Next()) chunk += *next;
        if (chunk.empty() && std::chrono::steady_clock::now() - last_write > std::chrono::seconds(15)) {
            chunk = ": keep-alive\n\n";  // lets proxies and the browser see the stream is alive
        }
        if (!chunk.empty()) {
            beast::get_lowest_layer(stream).expires_after(std::chrono::seconds(30));
            auto [wec, wn] = co_await asio::async_write(stream, asio::buffer(chunk), kTuple);
            if (wec) co_return;
            last_write = std::chrono::steady_clock::now();
            beast::get_lowest_layer(stream).expires_never();
        }
        if (waiter->ready) continue;
        waiter->timer.expires_after(std::chrono::seconds(1));
        co_await waiter->timer.async_wait(kTuple);
    }
}

template <class Stream>
asio::awaitable<void> Session(Server::Impl& impl, Stream stream, bool tls, std::string remote) {
    beast::flat_buffer buffer;
    if constexpr (!std::is_same_v<Stream, beast::tcp_stream>) {
        beast::get_lowest_layer(stream).expires_after(impl.settings.request_timeout);
        auto [ec] = co_await stream.async_handshake(asio::ssl::stream_base::server, kTuple);
        if (ec) co_return;
    }
    bool first = true;
    ReadDeadline deadline(beast::get_lowest_layer(stream).socket(),
                          std::min(impl.settings.request_timeout, impl.settings.keep_alive_timeout));
    for (;;) {
        RequestParser parser;
        parser.header_limit(static_cast<std::uint32_t>(impl.settings.header_limit));
        parser.body_limit(impl.max_body_limit);
        deadline.Start(first ? impl.settings.request_timeout : impl.settings.keep_alive_timeout);
        beast::error_code ec;
        std::optional<Refusal> refused;
        const auto route_limits = [&](RequestParser& p) { return RouteLimits(impl, p, deadline); };
        if constexpr (std::is_same_v<Stream, beast::tcp_stream>) {
            ec = co_await ReadRequest(stream.socket(), buffer, parser, refused, route_limits);
        } else {
            beast::get_lowest_layer(stream).expires_never();
            ec = co_await ReadRequest(stream, buffer, parser, refused, route_limits);
        }
        const bool timed_out = deadline.Finish(ec);
        first = false;
        if (refused) {
            // Answered and closed: the rest of the connection's bytes are never parsed.
            co_await WriteSimple(stream, tls, refused->status, refused->code, refused->message);
            break;
        }
        if (timed_out) {
            if (parser.got_some()) {
                co_await WriteSimple(stream, tls, beast_http::status::request_timeout, "request_timeout",
                                     Msg("core.request_too_slow"));
            }
            break;
        }
        if (ec == beast_http::error::end_of_stream || ec == asio::error::eof) break;
        if (ec == beast_http::error::header_limit) {
            co_await WriteSimple(stream, tls, beast_http::status::request_header_fields_too_large, "header_too_large",
                                 Msg("core.header_too_large"));
            break;
        }
        if (ec == beast_http::error::body_limit) {
            co_await WriteSimple(stream, tls, beast_http::status::payload_too_large, "payload_too_large",
                                 Msg("core.payload_too_large"));
            break;
        }
        if (ec == beast::error::timeout) {
            if (parser.got_some()) {
                co_await WriteSimple(stream, tls, beast_http::status::request_timeout, "request_timeout",
                                     Msg("core.request_too_slow"));
            }
            break;
        }
        if (ec) {
            if (parser.got_some()) {
                co_await WriteSimple(stream, tls, beast_http::status::bad_request, "bad_request",
                                     Msg("core.http_request_invalid"));
            }
            break;
        }
        auto started = std::chrono::steady_clock::now();
        auto& in_flight = impl.in_flight.Mine();
        ++in_flight;
        struct Leave {
            std::atomic<int>& n;
            ~Leave() { --n; }
        } leave{in_flight};

        Request req;
        req.raw = parser.release();
        req.remote_address = impl.settings.trusted_proxies.Empty()
                                 ? remote
                                 : impl.settings.trusted_proxies.ClientAddress(remote, ForwardedFor(req.raw));
        req.tls = tls;
        req.request_id = impl.NextRequestId();
        const Route* route = nullptr;
        Response res = impl.Dispatch(req, route);
        if (route) {
            if (auto refused = impl.OverLimit(*route, req)) {
                res = std::move(*refused);
            } else if (route->options.operator_only && !impl.OperatorAllowed(req)) {
                res = ErrorFor(req, Forbidden(Msg("core.address_not_allowed")));
            } else if (auto invalid = CheckFields(req, route->options.binary_body)) {
                // Bad escapes or bytes that are not UTF-8 in the query, the form or a text body.
                res = ErrorFor(req, *invalid);
            } else if (route->options.on_io_thread) {
                res = impl.Invoke(*route, req);
            } else if (auto quick = route->options.quick ? impl.InvokeQuick(*route, req) : std::nullopt) {
                res = std::move(*quick);
            } else {
                res = co_await asio::co_spawn(
                    impl.workers, [&]() -> asio::awaitable<Response> { co_return impl.Invoke(*route, req); },
                    asio::use_awaitable);
            }
        }
        const bool stopping = impl.stopping.load();
        res.keep_alive(req.raw.keep_alive() && !stopping && !req.event_source);
        if (req.event_source && res.result() == beast_http::status::ok) {
            res.set(beast_http::field::content_type, "text/event-stream; charset=utf-8");
            res.set(beast_http::field::cache_control, "no-store");
            res.keep_alive(false);
            std::string head;
            if (SerializeHead(res, req.tls, req.request_id, head, BodyLength::kNone)) {
                impl.metrics.Observe(route ? &route->pattern : &kUnmatched, MethodName(req.raw.method()), 200, 0);
                co_await StreamEvents(impl, stream, req, std::move(head));
                break;
            }
            res = RefusedHead(req, res);  // written below like any other answer
        }
        const bool send_body = req.raw.method() != beast_http::verb::head;
        const auto wec = co_await WriteResponse(stream, res, req, send_body, impl.settings.request_timeout);
        const int status = static_cast<int>(res.result_int());
        const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
        impl.metrics.Observe(route ? &route->pattern : (req.route.empty() ? &kInvalid : &kUnmatched),
                             MethodName(req.raw.method()), status, secs);
        if (impl.settings.access_log) {
            spdlog::info("{} {} {} {} {:.1f}ms {}", req.request_id, req.raw.method_string(),
                         req.route.empty() ? "(invalid)" : req.route, status, secs * 1000, req.remote_address);
        }
        if (wec || !res.keep_alive()) break;
    }
    beast::error_code ignored;
    if constexpr (std::is_same_v<Stream, beast::tcp_stream>) {
        stream.socket().shutdown(tcp::socket::shutdown_send, ignored);
    } else {
        beast::get_lowest_layer(stream).expires_after(std::chrono::seconds(5));
        co_await stream.async_shutdown(kTuple);
    }
}

void CheckCompletion(std::exception_ptr e) {
    if (e) {
        try {
            std::rethrow_exception(e);
        } catch (const std::exception& ex) {
            spdlog::error("connection ended with an exception: {}", ex.what());
        } catch (...) {
            spdlog::error("connection ended with an unknown exception");
        }
    }
}

asio::awaitable<void> Listen(Server::Impl& impl) {
    for (;;) {
        auto& loop = *impl.loops[impl.next_loop.fetch_add(1) % impl.loops.size()];
        auto [ec, socket] = co_await impl.acceptor.async_accept(loop.get_executor(), kTuple);
        if (ec) {
            if (impl.stopping || ec == asio::error::operation_aborted) co_return;
            spdlog::warn("accept failed: {}", ec.message());
            continue;
        }
        beast::error_code rec;
        auto ep = socket.remote_endpoint(rec);
        std::string remote = rec ? std::string("?") : ep.address().to_string();
        socket.set_option(tcp::no_delay(true), rec);
        auto ex = socket.get_executor();
        if (impl.tls) {
            beast::ssl_stream<beast::tcp_stream> stream(beast::tcp_stream(std::move(socket)), *impl.tls);
            asio::co_spawn(ex, Session(impl, std::move(stream), true, std::move(remote)), CheckCompletion);
        } else {
            asio::co_spawn(ex, Session(impl, beast::tcp_stream(std::move(socket)), false, std::move(remote)),
                           CheckCompletion);
        }
    }
}

}  // namespace

Server::Server(ServerSettings settings, const Router& router, Metrics& metrics)
    : impl_(std::make_unique<Impl>(std::move(settings), router, metrics)) {}

Server::~Server() {
    Stop();
    Wait();
}

std::uint16_t Server::Start() {
    auto& s = impl_->settings;
    if (!s.tls_cert_file.empty() && !s.tls_key_file.empty()) {
        impl_->tls = std::make_unique<asio::ssl::context>(asio::ssl::context::tls_server);
        impl_->tls->set_options(asio::ssl::context::default_workarounds | asio::ssl::context::no_sslv2 |
                                asio::ssl::context::no_sslv3 | asio::ssl::context::no_tlsv1 |
                                asio::ssl::context::no_tlsv1_1);
        impl_->tls->use_certificate_chain_file(s.tls_cert_file);
        impl_->tls->use_private_key_file(s.tls_key_file, asio::ssl::context::pem);
    }
    tcp::endpoint ep(asio::ip::make_address(s.address), s.port);
    impl_->acceptor.open(ep.protocol());
    impl_->acceptor.set_option(asio::socket_base::reuse_address(true));
    impl_->acceptor.bind(ep);
    impl_->acceptor.listen(asio::socket_base::max_listen_connections);
    asio::co_spawn(impl_->ioc, Listen(*impl_), CheckCompletion);
    for (auto& loop : impl_->loops) {
        auto* l = loop.get();
        // Keeps a loop without connections running until Stop.
        impl_->threads.emplace_back([l] {
            auto guard = asio::make_work_guard(*l);
            l->run();
        });
    }
    return impl_->acceptor.local_endpoint().port();
}

std::uint16_t Server::Port() const { return impl_->acceptor.local_endpoint().port(); }

void Server::StopOnSignals() {
    impl_->signals = std::make_unique<asio::signal_set>(impl_->ioc, SIGTERM, SIGINT);
    impl_->signals->async_wait([this](const boost::system::error_code& ec, int sig) {
        if (ec) return;
        spdlog::info("signal {} received: finishing requests in flight, then stopping", sig);
        Stop();
    });
}

void Server::Stop() {
    if (impl_->stopping.exchange(true)) return;
    asio::post(impl_->ioc, [this] {
        beast::error_code ec;
        impl_->acceptor.close(ec);
        if (impl_->signals) impl_->signals->cancel(ec);
    });
    // Waiting happens off the network threads so they keep writing the last responses.
    impl_->stopper = std::thread([this] {
        auto deadline = std::chrono::steady_clock::now() + impl_->settings.shutdown_grace;
        while (impl_->InFlight() > 0 && std::chrono::steady_clock::now() < deadline) {
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
        }
        // Let the final writes of just-finished requests leave the socket buffers.
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
        for (auto& loop : impl_->loops) loop->stop();
        impl_->workers.join();
        std::lock_guard lock(impl_->done_mu);
        impl_->done = true;
        impl_->done_cv.notify_all();
    });
}

void Server::Wait() {
    for (auto& t : impl_->threads) {
        if (t.joinable()) t.join();
    }
    if (impl_->stopper.joinable()) impl_->stopper.join();
}

}  // namespace vp::core::http
