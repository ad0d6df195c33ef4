#pragma once

#include <string>
#include <string_view>

#include "core/result.hpp"

namespace vp::core {

struct Mail {
    std::string to;
    std::string subject;  ///< UTF-8; sent as RFC 2047 encoded words when not plain ASCII
    std::string text;     ///< plain-text body, UTF-8; sent quoted-printable
};

/// @brief Outgoing e-mail. The seam tests replace; production uses SmtpMailer.
class Mailer {
public:
    virtual ~Mailer() = default;
    /// Sends one message; an error Result when the server refused it or was unreachable.
    virtual Status Send(const Mail& mail) = 0;
};

struct SmtpSettings {
    std::string url;  ///< "smtp://host:port" or "smtps://host:port"; empty disables e-mail
    std::string from = "vanphong@localhost";
    std::string username;  ///< optional; never logged
    std::string password;  ///< optional; never logged
};

/// @brief Checks settings before anything is sent: the URL is smtp:// or smtps:// and the sender
/// is a plain address (CheckMailAddress). Credentials over smtp:// are allowed only because the
/// mailer then requires STARTTLS (CURLUSESSL_ALL); a server that does not offer it is refused at
/// send time. Returns InvalidInput (Vietnamese) otherwise. An empty URL is valid (e-mail off).
Status CheckSmtpSettings(const SmtpSettings& settings);

/// @brief A bare address "local@domain" for an SMTP envelope and a To:/From: header: 1–254 bytes,
/// one '@' with text on both sides, no CR, LF or other control character, no space, and none of
/// <>(),;:"[]\ (so it cannot add a header, a recipient or a display name). InvalidInput otherwise.
Status CheckMailAddress(std::string_view address);

/// @brief The Subject header line(s), "Subject: ..." without the final CRLF: the text itself when
/// it is printable ASCII and short enough, otherwise RFC 2047 encoded words (=?UTF-8?B?...?=,
/// never splitting a UTF-8 character) folded with CRLF + space so that no line exceeds 76
/// characters. CR and LF in `subject` become spaces.
std::string EncodeSubjectHeader(std::string_view subject);

/// @brief Sends through an SMTP server with libcurl, the message built with curl's MIME API (one
/// text/plain; charset=utf-8 part, quoted-printable). When a user name or password is set,
/// smtp:// requires STARTTLS before credentials are sent (CURLUSESSL_ALL): a server without it is
/// refused with an error (logged; the mail job's attempt fails), never sent the password in the
/// clear; smtps:// is TLS from the start. Thread-safe (one curl handle per call).
class SmtpMailer final : public Mailer {
public:
    explicit SmtpMailer(SmtpSettings settings) : settings_(std::move(settings)) {}
    Status Send(const Mail& mail) override;
    bool Enabled() const { return !settings_.url.empty(); }

private:
    SmtpSettings settings_;
};

}  // namespace vp::core
