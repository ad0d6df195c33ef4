#include "core/mail.hpp"

#include <curl/curl.h>
#include <sodium.h>

#include <chrono>
#include <cstring>

#include <fmt/chrono.h>
#include <fmt/format.h>

namespace vp::core {
namespace {

struct Upload {
    std::string data;
    std::size_t pos = 0;
};

std::size_t ReadCallback(char* buffer, std::size_t size, std::size_t nitems, void* userp) {
    auto* up = static_cast<Upload*>(userp);
    std::size_t n = std::min(size * nitems, up->data.size() - up->pos);
    std::memcpy(buffer, up->data.data() + up->pos, n);
    up->pos += n;
    return n;
}

// RFC 2047 encoded-word so Vietnamese subjects survive any mail server.
std::string EncodeHeader(std::string_view s) {
    std::string out(sodium_base64_ENCODED_LEN(s.size(), sodium_base64_VARIANT_ORIGINAL), '\0');
    sodium_bin2base64(out.data(), out.size(), reinterpret_cast<const unsigned char*>(s.data()), s.size(),
                      sodium_base64_VARIANT_ORIGINAL);
    out.resize(std::strlen(out.c_str()));
    return "=?UTF-8?B?" + out + "?=";
}

bool SafeHeaderValue(std::string_view s) { return s.find_first_of("\r\n") == std::string_view::npos; }

}  // namespace

Status SmtpMailer::Send(const Mail& mail) {
    if (settings_.url.empty()) return Error{ErrorCode::kUnavailable, "Chưa cấu hình máy chủ thư.", "smtp disabled"};
    if (!SafeHeaderValue(mail.to) || !SafeHeaderValue(settings_.from)) {
        return InvalidInput("Địa chỉ thư không hợp lệ.");
    }
    Upload up;
    auto now = std::chrono::system_clock::now();
    std::string body = mail.text;
    // Dot-stuffing and CRLF line endings are required on the wire.
    std::string wire;
    for (std::size_t i = 0; i < body.size(); ++i) {
        if (body[i] == '\n' && (i == 0 || body[i - 1] != '\r')) wire += '\r';
        wire += body[i];
    }
    unsigned char rnd[12];
    randombytes_buf(rnd, sizeof rnd);
    char hex[25];
    sodium_bin2hex(hex, sizeof hex, rnd, sizeof rnd);
    up.data = fmt::format(
        "Date: {:%a, %d %b %Y %H:%M:%S} +0000\r\nTo: <{}>\r\nFrom: <{}>\r\nMessage-ID: <{}@vanphong>\r\n"
        "Subject: {}\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n"
        "Content-Transfer-Encoding: 8bit\r\n\r\n{}\r\n",
        fmt::gmtime(std::chrono::system_clock::to_time_t(now)), mail.to, settings_.from, hex,
        EncodeHeader(mail.subject), wire);

    CURL* curl = curl_easy_init();
    if (!curl) return Error{ErrorCode::kInternal, "Không gửi được thư.", "curl_easy_init failed"};
    curl_slist* rcpt = curl_slist_append(nullptr, ("<" + mail.to + ">").c_str());
    curl_easy_setopt(curl, CURLOPT_URL, settings_.url.c_str());
    curl_easy_setopt(curl, CURLOPT_MAIL_FROM, ("<" + settings_.from + ">").c_str());
    curl_easy_setopt(curl, CURLOPT_MAIL_RCPT, rcpt);
    if (!settings_.username.empty()) {
        curl_easy_setopt(curl, CURLOPT_USERNAME, settings_.username.c_str());
        curl_easy_setopt(curl, CURLOPT_PASSWORD, settings_.password.c_str());
        curl_easy_setopt(curl, CURLOPT_USE_SSL, static_cast<long>(CURLUSESSL_TRY));
    }
    curl_easy_setopt(curl, CURLOPT_READFUNCTION, ReadCallback);
    curl_easy_setopt(curl, CURLOPT_READDATA, &up);
    curl_easy_setopt(curl, CURLOPT_UPLOAD, 1L);
    curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT, 10L);
    curl_easy_setopt(curl, CURLOPT_TIMEOUT, 30L);
    curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
    CURLcode rc = curl_easy_perform(curl);
    curl_slist_free_all(rcpt);
    curl_easy_cleanup(curl);
    if (rc != CURLE_OK) {
        return Error{ErrorCode::kUnavailable, "Không gửi được thư.", std::string("smtp: ") + curl_easy_strerror(rc)};
    }
    return Ok{};
}

}  // namespace vp::core
