#include "notify/notify.hpp"

#include <boost/json.hpp>
#include <fmt/format.h>

#include "core/jobs.hpp"

namespace vp::notify {

namespace json = boost::json;

std::int64_t Service::Create(core::db::Connection& c, std::int64_t user_id, std::string_view kind,
                             std::string_view title, std::string_view body, std::string_view link, bool email) {
    const auto now = core::ToMillis(clock_.Now());
    auto id = c.QueryOne(
                   "INSERT INTO notifications (user_id, kind, title, body, link, created_at)"
                   " VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
                   {user_id, kind, title, body, link, now})
                  ->Int(0);
    if (email && email_of_) {
        const auto to = email_of_(c, user_id);
        if (!to.empty()) {
            auto payload = json::serialize(
                json::object{{"to", to},
                             {"subject", title},
                             {"text", std::string(body) + (link.empty() ? "" : "\n\n" + std::string(link))}});
            core::JobQueue::Enqueue(c, clock_, "mail.send", payload, 8);
        }
    }
    return id;
}

Service::Service(core::db::Database& db, const core::Clock& clock, core::EventBus& events)
    : db_(db), clock_(clock), events_(events) {
    events_.RegisterTopic("notification", [](const core::Subscriber& s, const core::Event& e) {
        return e.user_id == 0 || e.user_id == s.user_id;
    });
}

void Service::QueueMail(core::db::Connection& c, const std::string& to, const std::string& subject,
                        const std::string& text) {
    core::JobQueue::Enqueue(c, clock_, "mail.send",
                            json::serialize(json::object{{"to", to}, {"subject", subject}, {"text", text}}), 8);
}

void Service::Announce(std::int64_t user_id) { events_.Publish({"notification", "{}", user_id}); }

std::vector<Notification> Service::List(std::int64_t user_id, int limit) const {
    return db_.Read([&](core::db::Connection& c) {
        std::vector<Notification> out;
        for (const auto& r : c.Query("SELECT id, kind, title, body, link, created_at, read_at FROM notifications"
                                     " WHERE user_id = $1 ORDER BY id DESC LIMIT $2",
                                     {user_id, limit})) {
            out.push_back({r.Int(0), r.Text(1), r.Text(2), r.Text(3), r.Text(4), r.Int(5), !r.IsNull(6)});
        }
        return out;
    });
}

std::int64_t Service::UnreadCount(std::int64_t user_id) const {
    return db_.Read([&](core::db::Connection& c) {
        return c.QueryOne("SELECT COUNT(*) FROM notifications WHERE user_id = $1 AND read_at IS NULL", {user_id})
            ->Int(0);
    });
}

bool Service::MarkRead(std::int64_t user_id, std::int64_t id) {
    const auto now = core::ToMillis(clock_.Now());
    return db_.Transact([&](core::db::Connection& c) {
        return c.Execute("UPDATE notifications SET read_at = $3 WHERE id = $1 AND user_id = $2 AND read_at IS NULL",
                         {id, user_id, now}) == 1;
    });
}

core::Status Service::SendMailJob(core::Mailer& mailer, const std::string& payload_json) {
    boost::system::error_code ec;
    auto v = json::parse(payload_json, ec);
    if (ec || !v.is_object())
        return core::InvalidInput(core::Msg("notify.mail_payload_invalid"), "mail.send payload is not a JSON object");
    auto& o = v.as_object();
    auto str = [&](const char* k) {
        return o.contains(k) && o.at(k).is_string() ? std::string(o.at(k).as_string()) : std::string();
    };
    return mailer.Send({str("to"), str("subject"), str("text")});
}

}  // namespace vp::notify
