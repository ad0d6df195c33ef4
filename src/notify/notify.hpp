#pragma once

#include <functional>

#include <cstdint>
#include <string>
#include <vector>

#include "core/clock.hpp"
#include "core/db/database.hpp"
#include "core/events.hpp"
#include "core/mail.hpp"

namespace vp::notify {

struct Notification {
    std::int64_t id;
    std::string kind, title, body, link;
    std::int64_t created_at;
    bool read;
};

/// @brief The in-app notification centre and e-mail delivery. A notification is stored in
/// the caller's transaction; a browser sees it at once through the event bus; e-mail goes
/// through the job queue (retried, with history) to the configured SMTP server.
class Service {
public:
    /// Registers the live-event topic "notification": each person sees their own (and user 0's).
    Service(core::db::Database& db, const core::Clock& clock, core::EventBus& events);

    /// Where a person's e-mail address comes from: the accounts module (notify never reads its
    /// tables). Called inside the caller's transaction; "" means no address. Without it, no mail.
    using EmailLookup = std::function<std::string(core::db::Connection&, std::int64_t user_id)>;
    void SetEmailLookup(EmailLookup lookup) { email_of_ = std::move(lookup); }

    /// Stores a notification for `user_id` inside `c`'s transaction and, when `email` is set and
    /// the user has an address, queues a "mail.send" job. Call Announce after commit.
    std::int64_t Create(core::db::Connection& c, std::int64_t user_id, std::string_view kind, std::string_view title,
                        std::string_view body, std::string_view link, bool email);
    /// Queues an e-mail to `to` inside `c`'s transaction ("mail.send" job, retried).
    void QueueMail(core::db::Connection& c, const std::string& to, const std::string& subject, const std::string& text);
    /// Pushes a "notification" event to the user's open pages (after the transaction committed).
    void Announce(std::int64_t user_id);

    std::vector<Notification> List(std::int64_t user_id, int limit = 100) const;
    std::int64_t UnreadCount(std::int64_t user_id) const;
    /// Marks one of the user's notifications as read; false when it is not theirs.
    bool MarkRead(std::int64_t user_id, std::int64_t id);

    /// Job handler for "mail.send": payload {"to","subject","text"}.
    static core::Status SendMailJob(core::Mailer& mailer, const std::string& payload_json);

private:
    core::db::Database& db_;
    const core::Clock& clock_;
    core::EventBus& events_;
    EmailLookup email_of_;
};

}  // namespace vp::notify
