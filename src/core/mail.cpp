#include "core/mail.hpp"

#include <curl/curl.h>
#include <sodium.h>
#include <spdlog/spdlog.h>

#include <chrono>
#include <cstring>
#include <memory>

#include <fmt/chrono.h>
#include <fmt/format.h>

namespace vp::core {
namespace {

// RFC 2047 §2: an encoded word is at most 75 characters, a header line at most 76. "Subject: "
// takes 9, "=?UTF-8?B?" and "?=" 12, so 39 bytes of text (52 of base64) fit on the first line
// (73 characters) and on every folded line (" " + 64 = 65).
constexpr std::size_t kWordBytes = 39;
constexpr std::size_t kPlainSubjectMax = 76 - 9;

std::string Base64(std::string_view s) {
    std::string out(sodium_base64_ENCODED_LEN(s.size(), sodium_base64_VARIANT_ORIGINAL), '\0');
    sodium_bin2base64(out.data(), out.size(), reinterpret_cast<const unsigned char*>(s.data()), s.size(),
                      sodium_base64_VARIANT_ORIGINAL);
    out.resize(std::strlen(out.c_str()));
    return out;
}

bool StartsWithNoCase(std::string_view s, std::string_view prefix) {
    if (s.size() < prefix.size()) return false;
    for (std::size_t i = 0; i < prefix.size(); ++i) {
        char c = s[i];
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
        if (c != prefix[i]) return false;
    }
    return true;
}

// Lone LF (and lone CR) become CRLF: the quoted-printable encoder keeps CRLF as line breaks.
std::string CrLf(std::string_view text) {
    std::string out;
    out.reserve(text.size() + text.size() / 32);
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (c == '\r') {
            out += "\r\n";
            if (i + 1 < text.size() && text[i + 1] == '\n') ++i;
        } else if (c == '\n') {
            out += "\r\n";
        } else {
            out += c;
        }
    }
    return out;
}

struct CurlDeleter {
    void operator()(CURL* c) const { curl_easy_cleanup(c); }
};
struct MimeDeleter {
    void operator()(curl_mime* m) const { curl_mime_free(m); }
};
struct SlistDeleter {
    void operator()(curl_slist* l) const { curl_slist_free_all(l); }
};
using SlistPtr = std::unique_ptr<curl_slist, SlistDeleter>;

bool Append(SlistPtr& list, const std::string& line) {
    curl_slist* next = curl_slist_append(list.get(), line.c_str());
    if (next == nullptr) return false;
    list.release();
    list.reset(next);
    return true;
}

Error SendFailed(std::string detail) {
    return Error{ErrorCode::kUnavailable, Msg("core.mail_not_sent"), std::move(detail)};
}

}  // namespace

Status CheckMailAddress(std::string_view a) {
    const auto bad = [] { return InvalidInput(Msg("core.mail_address_invalid")); };
    if (a.empty() || a.size() > 254) return bad();
    const auto at = a.find('@');
    if (at == 0 || at == std::string_view::npos || at + 1 == a.size() ||
        a.find('@', at + 1) != std::string_view::npos) {
        return bad();
    }
    for (unsigned char c : a) {
        if (c <= 0x20 || c == 0x7f) return bad();  // controls (CR, LF, NUL ...) and space
        if (std::strchr("<>(),;:\"[]\\", c) != nullptr) return bad();
    }
    return Ok{};
}

Status CheckSmtpSettings(const SmtpSettings& s) {
    if (s.url.empty()) return Ok{};
    if (!StartsWithNoCase(s.url, "smtp://") && !StartsWithNoCase(s.url, "smtps://")) {
        return InvalidInput(Msg("core.smtp_url_scheme"));
    }
    if (s.url.find_first_of("\r\n") != std::string::npos) return InvalidInput(Msg("core.smtp_url_invalid"));
    if (auto st = CheckMailAddress(s.from); !st) {
        return InvalidInput(Msg("core.smtp_from_invalid"));
    }
    return Ok{};
}

std::string EncodeSubjectHeader(std::string_view subject) {
    std::string text(subject);
    for (char& c : text) {
        if (c == '\r' || c == '\n') c = ' ';
    }
    bool plain = text.size() <= kPlainSubjectMax && text.find("=?") == std::string::npos;
    for (unsigned char c : text) plain = plain && c >= 0x20 && c < 0x7f;
    if (plain) return "Subject: " + text;

    std::string out = "Subject:";
    std::size_t i = 0;
    do {
        std::size_t end = std::min(text.size(), i + kWordBytes);
        // Never cut a UTF-8 character: back up over continuation bytes (10xxxxxx).
        while (end < text.size() && end > i + 1 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) --end;
        if (i > 0) out += "\r\n";
        out += " =?UTF-8?B?" + Base64(std::string_view(text).substr(i, end - i)) + "?=";
        i = end;
    } while (i < text.size());
    return out;
}

Status SmtpMailer::Send(const Mail& mail) {
    if (settings_.url.empty()) return Error{ErrorCode::kUnavailable, Msg("core.smtp_not_configured"), "smtp disabled"};
    if (auto st = CheckSmtpSettings(settings_); !st) {
        spdlog::error("smtp: refusing to send: {}", Text(st.error().message, "vi"));
        return st;
    }
    if (auto st = CheckMailAddress(mail.to); !st) return st;
    // Credentials may also sit in the URL (smtp://user:pass@host): the same rule applies.
    const std::string_view authority = std::string_view(settings_.url).substr(settings_.url.find("://") + 3);
    const bool url_credentials = authority.substr(0, authority.find('/')).find('@') != std::string_view::npos;
    const bool credentials = !settings_.username.empty() || !settings_.password.empty() || url_credentials;
    const bool implicit_tls = StartsWithNoCase(settings_.url, "smtps://");

    std::unique_ptr<CURL, CurlDeleter> curl(curl_easy_init());
    if (!curl) return Error{ErrorCode::kInternal, Msg("core.mail_not_sent"), "curl_easy_init failed"};
    CURL* h = curl.get();

    unsigned char rnd[12];
    randombytes_buf(rnd, sizeof rnd);
    char hex[25];
    sodium_bin2hex(hex, sizeof hex, rnd, sizeof rnd);
    const auto now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
    const std::string domain = settings_.from.substr(settings_.from.find('@') + 1);

    SlistPtr headers, rcpt;
    bool ok = Append(headers, fmt::format("Date: {:%a, %d %b %Y %H:%M:%S} +0000", fmt::gmtime(now))) &&
              Append(headers, "From: <" + settings_.from + ">") && Append(headers, "To: <" + mail.to + ">") &&
              Append(headers, fmt::format("Message-ID: <{}@{}>", hex, domain)) &&
              Append(headers, EncodeSubjectHeader(mail.subject)) && Append(rcpt, "<" + mail.to + ">");
    if (!ok) return Error{ErrorCode::kInternal, Msg("core.mail_not_sent"), "curl_slist_append failed"};

    std::unique_ptr<curl_mime, MimeDeleter> mime(curl_mime_init(h));
    curl_mimepart* part = mime ? curl_mime_addpart(mime.get()) : nullptr;
    if (part == nullptr) return Error{ErrorCode::kInternal, Msg("core.mail_not_sent"), "curl_mime_init failed"};
    const std::string body = CrLf(mail.text);
    if (curl_mime_data(part, body.data(), body.size()) != CURLE_OK ||
        curl_mime_type(part, "text/plain; charset=utf-8") != CURLE_OK ||
        curl_mime_encoder(part, "quoted-printable") != CURLE_OK) {
        return Error{ErrorCode::kInternal, Msg("core.mail_not_sent"), "curl_mime part setup failed"};
    }

    curl_easy_setopt(h, CURLOPT_URL, settings_.url.c_str());
    curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
    curl_easy_setopt(h, CURLOPT_MAIL_FROM, ("<" + settings_.from + ">").c_str());
    curl_easy_setopt(h, CURLOPT_MAIL_RCPT, rcpt.get());
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, headers.get());
    curl_easy_setopt(h, CURLOPT_MIMEPOST, mime.get());
    if (credentials && !implicit_tls) {
        // smtp:// with credentials: STARTTLS or nothing, never AUTH in the clear.
        curl_easy_setopt(h, CURLOPT_USE_SSL, static_cast<long>(CURLUSESSL_ALL));
    }
    if (!settings_.username.empty() || !settings_.password.empty()) {
        curl_easy_setopt(h, CURLOPT_USERNAME, settings_.username.c_str());
        curl_easy_setopt(h, CURLOPT_PASSWORD, settings_.password.c_str());
    }
    curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT, 10L);
    curl_easy_setopt(h, CURLOPT_TIMEOUT, 30L);
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    const CURLcode rc = curl_easy_perform(h);
    if (rc == CURLE_USE_SSL_FAILED) {
        // Not the URL: it may carry the credentials.
        spdlog::error("smtp: the server offers no STARTTLS; refusing to send the configured credentials in the clear");
        return Error{ErrorCode::kUnavailable, Msg("core.smtp_starttls_missing"),
                     "smtp: STARTTLS required because credentials are configured, but the server does not offer it "
                     "(use smtps:// or a server with STARTTLS)"};
    }
    if (rc != CURLE_OK) return SendFailed(std::string("smtp: ") + curl_easy_strerror(rc));
    return Ok{};
}

}  // namespace vp::core
