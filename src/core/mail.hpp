#pragma once

#include <string>

#include "core/result.hpp"

namespace vp::core {

struct Mail {
    std::string to;
    std::string subject;
    std::string text;  ///< plain-text body, UTF-8
};

/// @brief Outgoing e-mail. The seam tests replace; production uses SmtpMailer.
class Mailer {
public:
    virtual ~Mailer() = default;
    /// Sends one message; an error Result when the server refused it or was unreachable.
    virtual Status Send(const Mail& mail) = 0;
};

struct SmtpSettings {
    std::string url;       ///< "smtp://host:port" or "smtps://host:port"; empty disables e-mail
    std::string from = "vanphong@localhost";
    std::string username;  ///< optional; never logged
    std::string password;  ///< optional; never logged
};

/// Sends through an SMTP server with libcurl. Thread-safe (one curl handle per call).
class SmtpMailer final : public Mailer {
public:
    explicit SmtpMailer(SmtpSettings settings) : settings_(std::move(settings)) {}
    Status Send(const Mail& mail) override;
    bool Enabled() const { return !settings_.url.empty(); }

private:
    SmtpSettings settings_;
};

}  // namespace vp::core
