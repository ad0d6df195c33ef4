#include "http_client.hpp"

#include "core/http/types.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <chrono>
#include <regex>
#include <thread>

namespace vp::testing {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

HttpReply Http(std::uint16_t port, const std::string& method, const std::string& target, const std::string& body,
               const std::map<std::string, std::string>& headers) {
    asio::io_context ioc;
    beast::tcp_stream stream(ioc);
    stream.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port));
    stream.expires_after(std::chrono::seconds(30));
    http::request<http::string_body> req{http::string_to_verb(method), target, 11};
    req.set(http::field::host, "127.0.0.1");
    for (const auto& [k, v] : headers) req.set(k, v);
    // JSON bodies carry their type, as every real client sends it (the server requires it).
    if (!body.empty() && (body[0] == '{' || body[0] == '[') && req.find(http::field::content_type) == req.end()) {
        req.set(http::field::content_type, "application/json");
    }
    req.body() = body;
    req.prepare_payload();
    req.keep_alive(false);
    http::write(stream, req);
    beast::flat_buffer buffer;
    http::response_parser<http::string_body> parser;
    parser.body_limit(64 * 1024 * 1024);
    if (method == "HEAD") parser.skip(true);
    http::read(stream, buffer, parser);
    auto res = parser.release();
    HttpReply out;
    out.status = static_cast<int>(res.result_int());
    for (const auto& f : res) {
        std::string name(f.name_string());
        for (auto& ch : name) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
        auto& slot = out.headers[name];
        slot += (slot.empty() ? "" : "\n") + std::string(f.value());
    }
    out.body = res.body();
    beast::error_code ec;
    stream.socket().shutdown(tcp::socket::shutdown_both, ec);
    return out;
}

std::string RawExchange(std::uint16_t port, const std::string& bytes, int timeout_ms) {
    asio::io_context ioc;
    beast::tcp_stream stream(ioc);
    stream.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port));
    stream.expires_after(std::chrono::milliseconds(timeout_ms));
    beast::error_code ec;
    asio::write(stream.socket(), asio::buffer(bytes), ec);
    std::string out;
    char buf[4096];
    for (;;) {
        auto n = stream.read_some(asio::buffer(buf), ec);
        out.append(buf, n);
        if (ec) break;
    }
    return out;
}

HttpReply Browser::Send(const std::string& method, const std::string& target, const std::string& body,
                        std::map<std::string, std::string> headers) {
    std::string cookie;
    for (const auto& [k, v] : cookies_) {
        if (!v.empty()) cookie += (cookie.empty() ? "" : "; ") + k + "=" + v;
    }
    if (!cookie.empty()) headers["Cookie"] = cookie;
    auto r = Http(port_, method, target, body, headers);
    auto set = r.Header("set-cookie");
    std::size_t i = 0;
    while (i < set.size()) {
        auto j = set.find('\n', i);
        if (j == std::string::npos) j = set.size();
        auto line = set.substr(i, j - i);
        auto eq = line.find('=');
        auto semi = line.find(';');
        if (eq != std::string::npos) {
            auto name = line.substr(0, eq);
            auto value = line.substr(eq + 1, (semi == std::string::npos ? line.size() : semi) - eq - 1);
            if (line.find("Max-Age=0") != std::string::npos) value.clear();
            cookies_[name] = value;
        }
        i = j + 1;
    }
    return r;
}

HttpReply Browser::Get(const std::string& target, std::map<std::string, std::string> headers) {
    return Send("GET", target, "", std::move(headers));
}

HttpReply Browser::Post(const std::string& target, const std::string& body,
                        std::map<std::string, std::string> headers) {
    headers.emplace("Content-Type", "application/x-www-form-urlencoded");  // unless the caller gives one
    return Send("POST", target, body, std::move(headers));
}

HttpReply Browser::PostJson(const std::string& target, const std::string& json,
                            std::map<std::string, std::string> headers) {
    headers["Content-Type"] = "application/json";
    return Send("POST", target, json, std::move(headers));
}

std::string Browser::Cookie(const std::string& name) const {
    auto it = cookies_.find(name);
    return it == cookies_.end() ? "" : it->second;
}

std::string FormValue(const std::string& html, const std::string& name) {
    std::regex re("name=\"" + name + "\" value=\"([^\"]*)\"");
    std::smatch m;
    if (std::regex_search(html, m, re)) return m[1];
    return "";
}

std::string UrlEncode(const std::string& s) { return core::http::PercentEncode(s); }

}  // namespace vp::testing
