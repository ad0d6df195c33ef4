#pragma once

#include <cstdint>
#include <map>
#include <string>

namespace vp::testing {

struct HttpReply {
    int status = 0;
    std::map<std::string, std::string> headers;  ///< lower-case names; Set-Cookie values joined with "\n"
    std::string body;
    std::string Header(const std::string& lower_name) const {
        auto it = headers.find(lower_name);
        return it == headers.end() ? "" : it->second;
    }
};

/// A minimal blocking HTTP/1.1 client for tests (one connection per call).
HttpReply Http(std::uint16_t port, const std::string& method, const std::string& target, const std::string& body = "",
               const std::map<std::string, std::string>& headers = {});

/// Sends raw bytes on a new connection and returns everything read until the server closes
/// or `timeout_ms` passes (for hostile-input tests).
std::string RawExchange(std::uint16_t port, const std::string& bytes, int timeout_ms = 3000);

/// Keeps cookies between calls, like a browser (SameSite/Path ignored: one host).
class Browser {
public:
    explicit Browser(std::uint16_t port) : port_(port) {}
    HttpReply Get(const std::string& target, std::map<std::string, std::string> headers = {});
    HttpReply Post(const std::string& target, const std::string& body, std::map<std::string, std::string> headers = {});
    HttpReply PostJson(const std::string& target, const std::string& json,
                       std::map<std::string, std::string> headers = {});
    std::string Cookie(const std::string& name) const;
    void SetCookie(const std::string& name, const std::string& value) { cookies_[name] = value; }

private:
    HttpReply Send(const std::string& method, const std::string& target, const std::string& body,
                   std::map<std::string, std::string> headers);
    std::uint16_t port_;
    std::map<std::string, std::string> cookies_;
};

/// Extracts the value of `<input ... name="NAME" value="VALUE">` from an HTML page.
std::string FormValue(const std::string& html, const std::string& name);
std::string UrlEncode(const std::string& s);

}  // namespace vp::testing
