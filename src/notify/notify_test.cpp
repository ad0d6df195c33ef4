// covers X-5 (notification centre, e-mail through a real SMTP server on loopback) on both engines
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sodium.h>
#include <string>
#include <thread>
#include <vector>

#include "core/jobs.hpp"
#include "core/testing/db_fixture.hpp"
#include "notify/notify.hpp"

namespace vp {
namespace {

// The SMTP sink of scripts/test-all.sh, or skip (fail in CI).
#define VP_REQUIRE_SMTP_SINK(url, dir)                                                             \
    const char* url = std::getenv("VANPHONG_TEST_SMTP_URL");                                       \
    const char* dir = std::getenv("VANPHONG_TEST_SMTP_DIR");                                       \
    if (!url || !dir) {                                                                            \
        const char* ci = std::getenv("CI");                                                        \
        if (ci && std::string(ci) == "true") FAIL() << "VANPHONG_TEST_SMTP_URL/DIR not set in CI"; \
        GTEST_SKIP() << "no SMTP test server (VANPHONG_TEST_SMTP_URL, VANPHONG_TEST_SMTP_DIR)";    \
    }

// The text of the received message containing `marker`, waiting up to 5 s; empty if none.
std::string FindMessage(const char* dir, const std::string& marker, int tries = 50) {
    for (int i = 0; i < tries; ++i) {
        for (auto& e : std::filesystem::recursive_directory_iterator(dir)) {
            if (!e.is_regular_file()) continue;
            std::ifstream in(e.path());
            std::string s((std::istreambuf_iterator<char>(in)), {});
            if (s.find(marker) != std::string::npos) return s;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    return {};
}

std::string Unique(const char* prefix) {
    return prefix + std::to_string(std::chrono::steady_clock::now().time_since_epoch().count());
}

// The raw header block (up to the first empty line), with CRLF turned into LF.
std::string HeaderBlock(const std::string& message) {
    std::string s;
    for (char c : message)
        if (c != '\r') s += c;
    return s.substr(0, s.find("\n\n"));
}

// The physical lines of header `name` (first line and its folded continuations).
std::vector<std::string> HeaderLines(const std::string& headers, const std::string& name) {
    std::vector<std::string> lines, out;
    std::size_t pos = 0;
    while (pos <= headers.size()) {
        auto end = headers.find('\n', pos);
        if (end == std::string::npos) end = headers.size();
        lines.push_back(headers.substr(pos, end - pos));
        pos = end + 1;
    }
    for (std::size_t i = 0; i < lines.size(); ++i) {
        if (lines[i].rfind(name + ":", 0) != 0) continue;
        out.push_back(lines[i]);
        while (i + 1 < lines.size() && !lines[i + 1].empty() && (lines[i + 1][0] == ' ' || lines[i + 1][0] == '\t')) {
            out.push_back(lines[++i]);
        }
        break;
    }
    return out;
}

// RFC 2047 decoding of an unfolded header value made of =?UTF-8?B?...?= words (and plain text).
std::string DecodeEncodedWords(const std::vector<std::string>& lines, std::size_t name_len) {
    std::string value;
    for (std::size_t i = 0; i < lines.size(); ++i) value += i == 0 ? lines[i].substr(name_len + 1) : lines[i];
    value.erase(0, value.find_first_not_of(" \t"));
    std::string out;
    std::size_t pos = 0;
    bool last_was_word = false;
    while (pos < value.size()) {
        auto start = value.find("=?", pos);
        std::string between = value.substr(pos, start == std::string::npos ? std::string::npos : start - pos);
        // Whitespace between two encoded words is not part of the text (RFC 2047 §6.2).
        if (!(last_was_word && between.find_first_not_of(" \t") == std::string::npos && start != std::string::npos)) {
            out += between;
        }
        if (start == std::string::npos) break;
        auto q1 = value.find('?', start + 2), q2 = value.find('?', q1 + 1), stop = value.find("?=", q2 + 1);
        EXPECT_EQ(value.substr(start + 2, q1 - start - 2), "UTF-8");
        EXPECT_EQ(value.substr(q1 + 1, q2 - q1 - 1), "B");
        const std::string b64 = value.substr(q2 + 1, stop - q2 - 1);
        std::string bin(b64.size(), '\0');
        std::size_t len = 0;
        EXPECT_EQ(sodium_base642bin(reinterpret_cast<unsigned char*>(bin.data()), bin.size(), b64.c_str(), b64.size(),
                                    nullptr, &len, nullptr, sodium_base64_VARIANT_ORIGINAL),
                  0);
        out += bin.substr(0, len);
        pos = stop + 2;
        last_was_word = true;
    }
    return out;
}

class Notify : public testing::DbTest {
protected:
    std::int64_t MakeUser(const std::string& email) {
        return Db().Transact([&](core::db::Connection& c) {
            auto unit =
                c.QueryOne("INSERT INTO units (code, kind, created_at) VALUES ('U', 'other', 1) RETURNING id")->Int(0);
            return c
                .QueryOne(
                    "INSERT INTO users (username, full_name, email, unit_id, status, created_at, updated_at)"
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
    svc.SetEmailLookup([](core::db::Connection& c, std::int64_t id) {
        auto r =
            c.QueryOne("SELECT email FROM users WHERE id = $1", {id});  // the test stands in for the accounts module
        return r ? r->Text(0) : std::string();
    });
    auto sub = bus_.Subscribe([&](const core::Event& e) { return e.user_id == user; });
    auto id = Db().Transact(
        [&](core::db::Connection& c) { return svc.Create(c, user, "test", "Tiêu đề", "Nội dung", "/x", false); });
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
    svc.SetEmailLookup([](core::db::Connection& c, std::int64_t id) {
        auto r =
            c.QueryOne("SELECT email FROM users WHERE id = $1", {id});  // the test stands in for the accounts module
        return r ? r->Text(0) : std::string();
    });
    Db().Transact(
        [&](core::db::Connection& c) { svc.Create(c, user, "test", "Thông báo thử", "Nội dung " + marker, "", true); });
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
    svc.SetEmailLookup([](core::db::Connection& c, std::int64_t id) {
        auto r =
            c.QueryOne("SELECT email FROM users WHERE id = $1", {id});  // the test stands in for the accounts module
        return r ? r->Text(0) : std::string();
    });
    Db().Transact([&](core::db::Connection& c) { svc.Create(c, user, "t", "T", "B", "", true); });
    core::SmtpMailer mailer({.url = "smtp://127.0.0.1:1", .from = "x@example.org"});
    core::JobQueue q(Db(), clock_, {});
    q.Register("mail.send", [&](const core::Job& j) { return notify::Service::SendMailJob(mailer, j.payload_json); });
    ASSERT_TRUE(q.RunOne());
    auto v = q.Recent(1).at(0);
    EXPECT_EQ(v.status, "queued");
    EXPECT_NE(v.last_error.find("smtp"), std::string::npos);
}

// covers X-2 (Vietnamese e-mail: RFC 2047 subject folded to 76 columns, quoted-printable UTF-8 body, MIME built
// by libcurl), X-5 (through a real SMTP server on loopback)
TEST_P(Notify, VietnameseSubjectAndBodyRoundTripThroughSmtp_X2) {
    VP_REQUIRE_SMTP_SINK(url, dir);
    const std::string marker = Unique("vi-");
    // Long enough to need several encoded words, so the header is folded.
    const std::string subject =
        "Thông báo: hồ sơ số 12/VPTW được giao cho Vụ Tổng hợp — hạn xử lý 05 ngày làm việc " + marker;
    const std::string text = "Kính gửi đồng chí Nguyễn Văn Ánh,\n.dòng bắt đầu bằng dấu chấm\nĐảng ủy " + marker;
    core::SmtpMailer mailer({.url = url, .from = "vanphong@example.org"});
    auto user = MakeUser(marker + "@example.org");
    notify::Service svc(Db(), clock_, bus_);
    svc.SetEmailLookup([](core::db::Connection& c, std::int64_t id) {
        auto r =
            c.QueryOne("SELECT email FROM users WHERE id = $1", {id});  // the test stands in for the accounts module
        return r ? r->Text(0) : std::string();
    });
    Db().Transact([&](core::db::Connection& c) { svc.Create(c, user, "test", subject, text, "", true); });
    core::JobQueue q(Db(), clock_, {});
    q.Register("mail.send", [&](const core::Job& j) { return notify::Service::SendMailJob(mailer, j.payload_json); });
    ASSERT_TRUE(q.RunOne());
    ASSERT_EQ(q.Recent(1).at(0).status, "done") << q.Recent(1).at(0).last_error;

    // The marker is ASCII, so it can be found in the envelope (To) even though the body is encoded.
    const std::string message = FindMessage(dir, marker + "@example.org");
    ASSERT_FALSE(message.empty()) << "the message reached the SMTP server";
    const std::string headers = HeaderBlock(message);
    const auto subject_lines = HeaderLines(headers, "Subject");
    ASSERT_GE(subject_lines.size(), 2u) << "folded into several lines:\n" << headers;
    for (const auto& line : subject_lines) {
        EXPECT_LE(line.size(), 76u) << line;
        for (unsigned char c : line) EXPECT_LT(c, 0x80) << "only ASCII on the wire: " << line;
    }
    EXPECT_EQ(DecodeEncodedWords(subject_lines, 7), subject);
    EXPECT_EQ(HeaderLines(headers, "To").at(0), "To: <" + marker + "@example.org>");
    EXPECT_NE(message.find("Content-Transfer-Encoding: quoted-printable"), std::string::npos) << message;
    EXPECT_NE(message.find("Content-Type: text/plain; charset=utf-8"), std::string::npos) << message;

    // Python's email package (as a mail client would) reads the same subject and body.
    const auto file = std::filesystem::path(::testing::TempDir()) / (marker + ".eml");
    { std::ofstream(file, std::ios::binary) << message; }
    const std::string cmd =
        "/usr/bin/python3 -c 'import sys,email,email.policy as p; "
        "m=email.message_from_binary_file(open(sys.argv[1],\"rb\"),policy=p.default); "
        "b=m.get_body((\"plain\",)); "
        "sys.stdout.buffer.write((str(m[\"subject\"])+\"\\0\"+b.get_content()).encode())' " +
        file.string();
    // (The sink itself runs on /usr/bin/python3, so it is there.)
    FILE* py = popen(cmd.c_str(), "r");
    ASSERT_NE(py, nullptr);
    std::string out;
    char buf[4096];
    for (std::size_t n; (n = fread(buf, 1, sizeof buf, py)) > 0;) out.append(buf, n);
    ASSERT_EQ(pclose(py), 0) << out;
    EXPECT_EQ(out.substr(0, out.find('\0')), subject);
    std::string body = out.substr(out.find('\0') + 1);
    body.erase(std::remove(body.begin(), body.end(), '\r'), body.end());
    while (!body.empty() && body.back() == '\n') body.pop_back();
    EXPECT_EQ(body, text);
    std::filesystem::remove(file);
}

// covers X-3 (no credentials in the clear), X-5
TEST_P(Notify, CredentialsOverPlainSmtpWithoutStarttlsAreRefused_X3) {
    VP_REQUIRE_SMTP_SINK(url, dir);
    const std::string marker = Unique("cred-");
    const std::string password = "mat-khau-" + marker;
    core::SmtpMailer mailer({.url = url, .from = "vanphong@example.org", .username = "vanphong", .password = password});
    auto user = MakeUser(marker + "@example.org");
    notify::Service svc(Db(), clock_, bus_);
    svc.SetEmailLookup([](core::db::Connection& c, std::int64_t id) {
        auto r =
            c.QueryOne("SELECT email FROM users WHERE id = $1", {id});  // the test stands in for the accounts module
        return r ? r->Text(0) : std::string();
    });
    Db().Transact([&](core::db::Connection& c) { svc.Create(c, user, "test", "Thử", "Nội dung " + marker, "", true); });
    core::JobQueue q(Db(), clock_, {});
    q.Register("mail.send", [&](const core::Job& j) { return notify::Service::SendMailJob(mailer, j.payload_json); });
    ASSERT_TRUE(q.RunOne());
    const auto job = q.Recent(1).at(0);
    EXPECT_NE(job.status, "done");
    EXPECT_NE(job.last_error.find("STARTTLS"), std::string::npos) << job.last_error;
    EXPECT_EQ(job.last_error.find(password), std::string::npos) << "the password is never in an error";
    EXPECT_TRUE(FindMessage(dir, marker, 10).empty()) << "nothing was sent";

    // The same refusal directly, with the credentials in the URL instead of the settings.
    std::string with_user = url;
    with_user.insert(with_user.find("://") + 3, "vanphong:" + password + "@");
    core::SmtpMailer in_url({.url = with_user, .from = "vanphong@example.org"});
    auto st = in_url.Send({marker + "@example.org", "Thử", "x"});
    ASSERT_FALSE(st.ok());
    EXPECT_NE(core::Text(st.error().message, "vi").find("STARTTLS"), std::string::npos) << st.error().message;
}

VP_INSTANTIATE_DB_TEST(Notify);

// covers X-3: addresses cannot add headers or recipients; only smtp:// and smtps://
TEST(Mail, AddressesAndSettingsAreChecked_X3) {
    EXPECT_TRUE(core::CheckMailAddress("nguyen.van.a@vptw.dcs.vn").ok());
    for (const char* bad : {"", "a", "@x", "a@", "a@b@c", "a@example.org\r\nBcc: x@evil.example", "a@example.org\n",
                            "a b@example.org", "<a@example.org>", "a@example.org,b@example.org", "\"a\"@example.org"}) {
        EXPECT_FALSE(core::CheckMailAddress(bad).ok()) << bad;
    }
    core::SmtpMailer mailer({.url = "smtp://127.0.0.1:1", .from = "vanphong@example.org"});
    auto injected = mailer.Send({"a@example.org\r\nBcc: x@evil.example", "T", "B"});
    ASSERT_FALSE(injected.ok());
    EXPECT_EQ(injected.error().code, core::ErrorCode::kInvalidInput) << "refused before connecting";
    EXPECT_FALSE(core::CheckSmtpSettings({.url = "http://mail.example"}).ok());
    EXPECT_FALSE(core::CheckSmtpSettings({.url = "mail.example:25"}).ok());
    EXPECT_FALSE(core::CheckSmtpSettings({.url = "smtp://mail.example", .from = "x\r\n@y"}).ok());
    EXPECT_TRUE(core::CheckSmtpSettings({.url = "SMTPS://mail.example:465"}).ok());
    EXPECT_TRUE(core::CheckSmtpSettings({}).ok()) << "empty: e-mail off";
}

// covers X-2
TEST(Mail, SubjectHeaderIsEncodedAndFolded_X2) {
    EXPECT_EQ(core::EncodeSubjectHeader("Weekly report"), "Subject: Weekly report");
    EXPECT_EQ(core::EncodeSubjectHeader("Đảng"), "Subject: =?UTF-8?B?xJDhuqNuZw==?=");
    EXPECT_EQ(core::EncodeSubjectHeader("a\r\nBcc: x"), "Subject: a  Bcc: x") << "no header injection";
    std::string long_vi;
    for (int i = 0; i < 20; ++i) long_vi += "Việt ";
    const std::string h = core::EncodeSubjectHeader(long_vi);
    std::size_t start = 0, lines = 0;
    while (start < h.size()) {
        auto end = h.find("\r\n", start);
        const std::string line = h.substr(start, end == std::string::npos ? std::string::npos : end - start);
        EXPECT_LE(line.size(), 76u) << line;
        if (lines > 0) {
            EXPECT_EQ(line[0], ' ');
        }
        ++lines;
        start = end == std::string::npos ? h.size() : end + 2;
    }
    EXPECT_GE(lines, 3u);
}

}  // namespace
}  // namespace vp
