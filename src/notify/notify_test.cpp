// covers X-5 (notification centre, e-mail through a real SMTP server on loopback) on both engines
#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <thread>

#include "core/jobs.hpp"
#include "core/testing/db_fixture.hpp"
#include "notify/notify.hpp"

namespace vp {
namespace {

class Notify : public testing::DbTest {
protected:
    std::int64_t MakeUser(const std::string& email) {
        return Db().Transact([&](core::db::Connection& c) {
            auto unit = c.QueryOne("INSERT INTO units (code, kind, created_at) VALUES ('U', 'other', 1) RETURNING id")->Int(0);
            return c.QueryOne("INSERT INTO users (username, full_name, email, unit_id, status, created_at, updated_at)"
                              " VALUES ('nv', 'Nguyễn Văn', $1, $2, 'active', 1, 1) RETURNING id",
                              {email, unit})
                ->Int(0);
        });
    }
    core::EventBus bus_;
};

TEST_P(Notify, StoredListedAndPushed_X5) {
    auto user = MakeUser("");
    notify::Service svc(Db(), clock_, bus_);
    auto sub = bus_.Subscribe([&](const core::Event& e) { return e.user_id == user; });
    auto id = Db().Transact([&](core::db::Connection& c) { return svc.Create(c, user, "test", "Tiêu đề", "Nội dung", "/x", false); });
    svc.Announce(user);
    EXPECT_EQ(svc.UnreadCount(user), 1);
    EXPECT_TRUE(sub->Next().has_value());
    EXPECT_FALSE(svc.MarkRead(user + 1, id)) << "not someone else's";
    EXPECT_TRUE(svc.MarkRead(user, id));
    EXPECT_EQ(svc.UnreadCount(user), 0);
    EXPECT_EQ(svc.List(user).at(0).title, "Tiêu đề");
}

TEST_P(Notify, EmailGoesThroughTheJobQueueToSmtp_X5) {
    const char* url = std::getenv("VANPHONG_TEST_SMTP_URL");
    const char* dir = std::getenv("VANPHONG_TEST_SMTP_DIR");
    if (!url || !dir) {
        const char* ci = std::getenv("CI");
        if (ci && std::string(ci) == "true") FAIL() << "VANPHONG_TEST_SMTP_URL/DIR not set in CI";
        GTEST_SKIP() << "no SMTP test server (VANPHONG_TEST_SMTP_URL, VANPHONG_TEST_SMTP_DIR)";
    }
    const std::string marker = "ma-" + std::to_string(std::chrono::steady_clock::now().time_since_epoch().count());
    auto user = MakeUser(marker + "@example.org");
    notify::Service svc(Db(), clock_, bus_);
    Db().Transact([&](core::db::Connection& c) { svc.Create(c, user, "test", "Thông báo thử", "Nội dung " + marker, "", true); });
    core::SmtpMailer mailer({.url = url, .from = "vanphong@example.org"});
    core::JobQueue q(Db(), clock_, {});
    q.Register("mail.send", [&](const core::Job& j) { return notify::Service::SendMailJob(mailer, j.payload_json); });
    ASSERT_TRUE(q.RunOne());
    EXPECT_EQ(q.Recent(1).at(0).status, "done") << q.Recent(1).at(0).last_error;
    // The Maildir/mbox written by the SMTP server holds the message.
    bool found = false;
    for (int i = 0; i < 50 && !found; ++i) {
        for (auto& e : std::filesystem::recursive_directory_iterator(dir)) {
            if (!e.is_regular_file()) continue;
            std::ifstream in(e.path());
            std::string s((std::istreambuf_iterator<char>(in)), {});
            if (s.find(marker) != std::string::npos) found = true;
        }
        if (!found) std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    EXPECT_TRUE(found) << "the message reached the SMTP server";
}

TEST_P(Notify, UnreachableSmtpIsRetried_X5) {
    auto user = MakeUser("a@example.org");
    notify::Service svc(Db(), clock_, bus_);
    Db().Transact([&](core::db::Connection& c) { svc.Create(c, user, "t", "T", "B", "", true); });
    core::SmtpMailer mailer({.url = "smtp://127.0.0.1:1", .from = "x@example.org"});
    core::JobQueue q(Db(), clock_, {});
    q.Register("mail.send", [&](const core::Job& j) { return notify::Service::SendMailJob(mailer, j.payload_json); });
    ASSERT_TRUE(q.RunOne());
    auto v = q.Recent(1).at(0);
    EXPECT_EQ(v.status, "queued");
    EXPECT_NE(v.last_error.find("smtp"), std::string::npos);
}

VP_INSTANTIATE_DB_TEST(Notify);

}  // namespace
}  // namespace vp
