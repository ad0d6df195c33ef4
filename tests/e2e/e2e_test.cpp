// End-to-end: the vanphong binary as an operator runs it, on SQLite and PostgreSQL.
// covers X-5 (no acknowledged write lost on SIGKILL, backup/restore, graceful stop), P-9 (audit verify),
// X-1 (calendar CLI), ORG-1 (unit CLI)
#include <gtest/gtest.h>

#include <sodium.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <regex>
#include <set>

#include <poll.h>

#include <boost/asio/write.hpp>
#include <boost/json.hpp>

#include "auth/crypto/totp.hpp"
#include "core/db/database.hpp"
#include "e2e/process.hpp"
#include "support/http_client.hpp"

namespace vp {
namespace {

namespace json = boost::json;
using testing::Http;
using testing::Process;

const std::string kBin = VP_BINARY;

class E2e : public ::testing::TestWithParam<std::string> {
protected:
    void SetUp() override {
        (void)sodium_init();
        unsigned char b[4];
        randombytes_buf(b, sizeof b);
        char hex[9];
        sodium_bin2hex(hex, sizeof hex, b, sizeof b);
        dir_ = std::filesystem::temp_directory_path() / (std::string("vp-e2e-") + hex);
        std::filesystem::create_directories(dir_);
        if (GetParam() == "sqlite") {
            url_ = "sqlite:" + (dir_ / "vanphong.db").string();
        } else {
            const char* dsn = std::getenv("VANPHONG_TEST_PG_DSN");
            if (!dsn || !*dsn) {
                const char* ci = std::getenv("CI");
                if (ci && std::string(ci) == "true") FAIL() << "VANPHONG_TEST_PG_DSN is not set in CI";
                GTEST_SKIP() << "PostgreSQL not configured";
            }
            // A database of its own: backup and restore act on whole databases.
            std::string name = std::string("vp_e2e_") + hex;
            auto admin = core::db::OpenPostgres({.dsn = dsn, .pool_size = 1});
            admin->Read([&](core::db::Connection& c) { c.ExecuteScript("CREATE DATABASE " + name); });
            std::string base(dsn);
            url_ = base.substr(0, base.rfind('/') + 1) + name;
        }
    }
    void TearDown() override {
        std::error_code ec;
        std::filesystem::remove_all(dir_, ec);
    }

    std::vector<std::string> Common() const { return {"--data-dir", dir_.string(), "--database", url_}; }

    std::unique_ptr<Process> StartServer(std::uint16_t port, bool demo = true) {
        std::vector<std::string> args{kBin,           "serve", "--port",    std::to_string(port),
                                      "--access-log", "off",   "--workers", "4"};
        if (demo) {
            args.push_back("--demo");
            args.push_back("--no-demo-corpus");  // the accounts only: the public site's stories take a while
        }
        for (auto& a : Common()) args.push_back(a);
        auto p = std::make_unique<Process>(args, (dir_ / "server.log").string());
        // Up to 60 s: a first start hashes the demo accounts' passwords, slow on a loaded machine.
        for (int i = 0; i < 1200; ++i) {
            try {
                if (Http(port, "GET", "/healthz").status == 200) return p;
            } catch (...) {
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(50));
        }
        ADD_FAILURE() << "server did not start: " << p->Log();
        return p;
    }

    // Signs in as the demo administrator through the API and returns an API token.
    std::string AdminToken(std::uint16_t port) {
        std::ifstream in(dir_ / "demo-accounts.txt");
        std::string text((std::istreambuf_iterator<char>(in)), {});
        std::smatch m;
        EXPECT_TRUE(std::regex_search(text, m, std::regex("\\nadmin +system_admin +([A-Z2-7]+)")));
        auto secret = auth::TryBase32Decode(m[1].str()).value();
        auto login = Http(port, "POST", "/api/v1/session", R"({"username":"admin","password":"SaoMai@Demo2026"})");
        EXPECT_EQ(login.status, 200) << login.body;
        if (login.status != 200) return "";
        auto cookie = login.Header("set-cookie");
        cookie = cookie.substr(0, cookie.find(';'));
        auto csrf = std::string(json::parse(login.body).at("csrf_token").as_string());
        auto otp = Http(port, "POST", "/api/v1/session/second-factor",
                        "{\"code\":\"" + auth::TotpCode(secret, std::time(nullptr)) + "\"}",
                        {{"Cookie", cookie}, {"X-CSRF-Token", csrf}});
        EXPECT_EQ(otp.status, 200) << otp.body;
        if (otp.status != 200) return "";
        auto tok = Http(port, "POST", "/api/v1/tokens", R"({"name":"e2e","scopes":["*"],"days":1})",
                        {{"Cookie", cookie}, {"X-CSRF-Token", csrf}});
        EXPECT_EQ(tok.status, 201) << tok.body;
        if (tok.status != 201) return "";
        return std::string(json::parse(tok.body).at("token").as_string());
    }

    std::pair<int, std::string> Cli(std::vector<std::string> args, bool common = true) {
        args.insert(args.begin(), kBin);
        if (common) {
            for (auto& a : Common()) args.push_back(a);
        }
        return testing::Run(args, (dir_ / "cli.log").string());
    }

    std::filesystem::path dir_;
    std::string url_;
};

TEST_P(E2e, NoAcknowledgedWriteIsLostOnSigkill_X5) {
    auto port = testing::FreePort();
    auto server = StartServer(port);
    auto token = AdminToken(port);
    std::mutex mu;
    std::set<std::string> acked;
    std::atomic<bool> stop{false};
    std::atomic<int> n{0};
    auto writer = [&](int w) {
        for (int i = 0; !stop; ++i) {
            std::string code = "K" + std::to_string(w) + "-" + std::to_string(i);
            try {
                auto r = Http(port, "POST", "/api/v1/units",
                              "{\"code\":\"" + code + "\",\"kind\":\"other\",\"name_vi\":\"Đơn vị " + code +
                                  "\",\"name_en\":\"Unit\"}",
                              {{"Authorization", "Bearer " + token}, {"Content-Type", "application/json"}});
                if (r.status == 201) {
                    std::lock_guard lock(mu);
                    acked.insert(code);
                    ++n;
                }
            } catch (...) {
                return;  // the server died mid-request: that write was never acknowledged
            }
        }
    };
    std::vector<std::thread> writers;
    for (int w = 0; w < 4; ++w) writers.emplace_back(writer, w);
    while (n < 60) std::this_thread::sleep_for(std::chrono::milliseconds(10));
    server->Signal(SIGKILL);
    EXPECT_EQ(server->Wait(), 128 + SIGKILL);
    stop = true;
    for (auto& t : writers) t.join();
    ASSERT_GE(acked.size(), 60u);

    auto again = StartServer(port);
    auto list = Http(port, "GET", "/api/v1/units", "", {{"Authorization", "Bearer " + token}});
    ASSERT_EQ(list.status, 200);
    std::set<std::string> present;
    const auto units = json::parse(list.body);
    for (const auto& u : units.at("units").as_array()) present.insert(std::string(u.at("code").as_string()));
    for (const auto& code : acked) EXPECT_TRUE(present.count(code)) << "acknowledged write lost: " << code;
    again->Signal(SIGTERM);
    EXPECT_EQ(again->Wait(), 0);
    auto [rc, out] = Cli({"audit", "verify"});
    EXPECT_EQ(rc, 0) << out;
    EXPECT_NE(out.find("intact"), std::string::npos);
}

TEST_P(E2e, BackupRestoreRoundTrip_X5_P29) {
    auto port = testing::FreePort();
    {
        auto server = StartServer(port);
        auto token = AdminToken(port);
        auto r = Http(port, "POST", "/api/v1/units",
                      R"({"code":"TRUOC-SAO-LUU","kind":"other","name_vi":"Trước sao lưu","name_en":"Before"})",
                      {{"Authorization", "Bearer " + token}, {"Content-Type", "application/json"}});
        ASSERT_EQ(r.status, 201) << r.body;
        server->Signal(SIGTERM);
        ASSERT_EQ(server->Wait(), 0);
    }
    auto file = (dir_ / "backup.bin").string();
    auto [b, bout] = Cli({"backup", "--out", file});
    ASSERT_EQ(b, 0) << bout;
    // A backup holds password hashes and sealed secrets: its owner's only (issue defect 14).
    namespace fs = std::filesystem;
    EXPECT_EQ(fs::status(file).permissions() & fs::perms::all, fs::perms::owner_read | fs::perms::owner_write);
    if (GetParam() == "sqlite") {
        // The secret partition (its own file beside the database) is backed up beside the backup.
        const auto part = dir_ / "backup.bin.tasks_secret.db";
        ASSERT_TRUE(fs::exists(part));
        EXPECT_EQ(fs::status(part).permissions() & fs::perms::all, fs::perms::owner_read | fs::perms::owner_write);
        auto copy = core::db::OpenSqlite({.path = part.string(), .pool_size = 1});
        EXPECT_EQ(copy->Read([](core::db::Connection& c) {
            return c.QueryOne("SELECT COUNT(*) FROM secret_documents")->Int(0);
        }), 1) << "the demo's secret document";
    }
    auto [c, cout] = Cli({"unit", "create", "--code", "SAU-SAO-LUU", "--kind", "other", "--name-vi", "Sau sao lưu",
                          "--name-en", "After"});
    ASSERT_EQ(c, 0) << cout;
    auto [r, rout] = Cli({"restore", "--from", file});
    ASSERT_EQ(r, 0) << rout;
    auto [l, lout] = Cli({"unit", "list"});
    EXPECT_NE(lout.find("TRUOC-SAO-LUU"), std::string::npos);
    EXPECT_EQ(lout.find("SAU-SAO-LUU"), std::string::npos) << "the restore brings back the state of the backup";
    auto [v, vout] = Cli({"audit", "verify"});
    EXPECT_EQ(v, 0) << vout;
}

// A backup file named with a leading dash and control characters is just a file name: neither
// pg_dump nor pg_restore reads it as an option, and the file gets exactly that name, 0600.
TEST_P(E2e, BackupFileNamesAreNeverOptions_X5) {
    namespace fs = std::filesystem;
    const auto before = fs::current_path();
    fs::current_path(dir_);
    struct Back {
        fs::path p;
        ~Back() { fs::current_path(p); }
    } back{before};
    const std::string name = "-d\r\nSet-Cookie: x\t.bin";
    auto [m, mout] = Cli({"migrate"});
    ASSERT_EQ(m, 0) << mout;
    auto [b, bout] = Cli({"backup", "--out=" + name});
    ASSERT_EQ(b, 0) << bout;
    ASSERT_TRUE(fs::exists(dir_ / name));
    EXPECT_EQ(fs::status(dir_ / name).permissions() & fs::perms::all, fs::perms::owner_read | fs::perms::owner_write);
    auto [c, cout] =
        Cli({"unit", "create", "--code", "SAU-TEN-LA", "--kind", "other", "--name-vi", "Sau", "--name-en", "After"});
    ASSERT_EQ(c, 0) << cout;
    auto [r, rout] = Cli({"restore", "--from=" + name});
    ASSERT_EQ(r, 0) << rout;
    auto [l, lout] = Cli({"unit", "list"});
    EXPECT_EQ(lout.find("SAU-TEN-LA"), std::string::npos) << "the restore read the named file";
}

TEST_P(E2e, AuditVerifyNamesTheTamperedRecord_P9) {
    auto [c1, o1] = Cli({"unit", "create", "--code", "A1", "--kind", "other", "--name-vi", "A", "--name-en", "A"});
    ASSERT_EQ(c1, 0) << o1;
    auto [c2, o2] = Cli({"unit", "create", "--code", "A2", "--kind", "other", "--name-vi", "B", "--name-en", "B"});
    ASSERT_EQ(c2, 0) << o2;
    auto db = core::db::OpenByUrl(url_, 1);
    auto seq = db->Read([](core::db::Connection& c) {
        return c
            .QueryOne(
                "SELECT seq FROM audit_log WHERE object_type = 'unit' AND action = 'unit.create' ORDER BY seq LIMIT 1")
            ->Int(0);
    });
    db->Transact([&](core::db::Connection& c) {
        c.Execute("UPDATE audit_log SET actor_username = 'mallory' WHERE seq = $1", {seq});
    });
    auto [rc, out] = Cli({"audit", "verify"});
    EXPECT_EQ(rc, 1);
    EXPECT_NE(out.find("record " + std::to_string(seq)), std::string::npos) << out;
}

// covers P-9, P-16: the reproduced attack (delete the newest record, rewind audit_head) on the binary
TEST_P(E2e, AuditCheckpointCatchesACutTail_P16) {
    for (const char* code : {"C1", "C2"}) {
        auto [c, o] = Cli({"unit", "create", "--code", code, "--kind", "other", "--name-vi", code, "--name-en", code});
        ASSERT_EQ(c, 0) << o;
    }
    auto [k, kout] = Cli({"audit", "checkpoint"});
    ASSERT_EQ(k, 0) << kout;
    const auto file = dir_ / "audit-checkpoints.log";
    ASSERT_TRUE(std::filesystem::exists(file));
    EXPECT_EQ(std::filesystem::status(file).permissions() & std::filesystem::perms::all,
              std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
    auto [v0, v0out] = Cli({"audit", "verify"});
    ASSERT_EQ(v0, 0) << v0out;
    EXPECT_NE(v0out.find("intact"), std::string::npos) << v0out;
    std::filesystem::copy_file(file, dir_ / "shipped.log");

    auto db = core::db::OpenByUrl(url_, 1);
    auto [last, before] = db->Read([](core::db::Connection& c) {
        auto seq = c.QueryOne("SELECT MAX(seq) FROM audit_log")->Int(0);
        return std::pair{seq, c.QueryOne("SELECT hash FROM audit_log WHERE seq = $1", {seq - 1})->Text(0)};
    });
    db->Transact([&, last = last, before = before](core::db::Connection& c) {
        c.Execute("DELETE FROM audit_log WHERE seq = $1", {last});
        c.Execute("UPDATE audit_head SET seq = $1, last_hash = $2 WHERE id = 1", {last - 1, before});
    });
    db.reset();
    auto [rc, out] = Cli({"audit", "verify"});
    EXPECT_EQ(rc, 1) << out;
    EXPECT_NE(out.find("record " + std::to_string(last)), std::string::npos) << out;
    // The copy shipped elsewhere tells the same, even when the local file is gone.
    std::filesystem::remove(file);
    auto [rs, sout] = Cli({"audit", "verify", "--checkpoint-file", (dir_ / "shipped.log").string()});
    EXPECT_EQ(rs, 1) << sout;
    // And the shortened head is never signed.
    std::filesystem::copy_file(dir_ / "shipped.log", file, std::filesystem::copy_options::overwrite_existing);
    auto [k2, k2out] = Cli({"audit", "checkpoint"});
    EXPECT_EQ(k2, 1) << k2out;
    EXPECT_NE(k2out.find("refused"), std::string::npos) << k2out;
}

TEST_P(E2e, GracefulStopFinishesRequestsInFlight_X5) {
    auto port = testing::FreePort();
    auto server = StartServer(port);
    // Sign-ins take ~0.1 s each and at most two run at once, so a burst is still in flight
    // when SIGTERM arrives.
    std::atomic<int> complete{0}, failed{0};
    std::vector<std::thread> clients;
    for (int i = 0; i < 12; ++i) {
        clients.emplace_back([&] {
            try {
                auto r = Http(port, "POST", "/api/v1/session", R"({"username":"admin","password":"wrong-Password-1"})");
                // 503: the password hashing queue is full (bounded, so sign-ins cannot hold every worker).
                (r.status == 401 || r.status == 429 || r.status == 503) ? ++complete : ++failed;
            } catch (...) {
                ++failed;
            }
        });
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(150));
    server->Signal(SIGTERM);
    for (auto& t : clients) t.join();
    EXPECT_EQ(server->Wait(), 0) << server->Log();
    EXPECT_EQ(failed.load(), 0) << "every accepted request got its whole response";
    EXPECT_EQ(complete.load(), 12);
}

TEST_P(E2e, CalendarCli_X1) {
    auto [rc, out] = Cli({"calendar", "add", "--from", "2026-02-13T16:00:00+07:00", "--working-hours", "4"});
    EXPECT_EQ(rc, 0) << out;
    EXPECT_EQ(out, "2026-02-23T11:00:00+07:00\n");
    auto [hc, hout] = Cli({"calendar", "holidays", "2026"});
    EXPECT_EQ(hc, 0);
    EXPECT_NE(hout.find("2026-01-01\n"), std::string::npos);
    EXPECT_NE(hout.find("2026-02-17\n"), std::string::npos);
    EXPECT_NE(hout.find("2026-04-27\n"), std::string::npos) << "Hùng Kings on Sunday 26/4 moves to Monday";
    EXPECT_NE(hout.find("2026-09-02\n"), std::string::npos);
    auto [bc, bout] = Cli({"calendar", "add", "--from", "not-a-date", "--working-hours", "4"});
    EXPECT_NE(bc, 0);
    EXPECT_NE(bout.find("Lỗi"), std::string::npos);
    auto [mc, mout] = Cli({"calendar", "add", "--from", "2026-02-13T16:00:00+07:00"});
    EXPECT_EQ(mc, 2) << "a refusal";
    EXPECT_NE(mout.find("--working-hours"), std::string::npos) << mout;
    auto [uc, uout] = Cli({"unit", "show", "KHONG-CO"});
    EXPECT_EQ(uc, 3) << "not found";
    EXPECT_NE(uout.find("KHONG-CO"), std::string::npos) << uout;
}

TEST_P(E2e, HelpForEverySubcommand_X4) {
    for (std::vector<std::string> a : std::vector<std::vector<std::string>>{{"--help"},
                                                                            {"serve", "--help"},
                                                                            {"migrate", "--help"},
                                                                            {"unit", "--help"},
                                                                            {"user", "--help"},
                                                                            {"user", "approve", "--help"},
                                                                            {"audit", "verify", "--help"},
                                                                            {"calendar", "add", "--help"},
                                                                            {"backup", "--help"},
                                                                            {"restore", "--help"}}) {
        auto [rc, out] = Cli(a, false);
        EXPECT_EQ(rc, 0) << a[0];
        EXPECT_NE(out.find("Usage"), std::string::npos) << a[0] << ": " << out;
    }
    // A bad setting stops the start with a clear message (covers X-3: proxies and rate limits).
    for (std::vector<std::string> bad :
         std::vector<std::vector<std::string>>{{"serve", "--trusted-proxies", "10.0.0.1/8"},
                                               {"serve", "--trusted-proxies", "may-chu"},
                                               {"serve", "--rate-limit", "-1"},
                                               {"serve", "--rate-burst", "0"},
                                               {"serve", "--metrics-allow", "may-chu"}}) {
        auto [rc, out] = Cli(bad, false);
        EXPECT_NE(rc, 0) << bad[1] << " " << bad[2];
        EXPECT_NE(out.find(bad[1]), std::string::npos) << out;
    }
    auto [pc, pout] = Cli({"serve", "--trusted-proxies", "may-chu"}, false);
    EXPECT_NE(pout.find("không hợp lệ"), std::string::npos) << pout;
    auto [vc, vout] = Cli({"--version"}, false);
    EXPECT_EQ(vc, 0);
    EXPECT_NE(vout.find("vanphong"), std::string::npos);
}

TEST_P(E2e, AccountLifeCycleFromTheCli_P7) {
    auto [r1, o1] = Cli({"user", "request", "--username", "nguoimoi", "--full-name", "Người Mới", "--unit", "VPTW-VDP2",
                         "--role", "editor"});
    ASSERT_EQ(r1, 0) << o1;
    std::smatch m;
    ASSERT_TRUE(std::regex_search(o1, m, std::regex("request (\\d+) created")));
    auto [r2, o2] = Cli({"user", "approve", m[1].str()});
    ASSERT_EQ(r2, 0) << o2;
    EXPECT_NE(o2.find("initial password"), std::string::npos);
    auto [r3, o3] = Cli({"user", "list"});
    EXPECT_NE(o3.find("nguoimoi\tactive"), std::string::npos) << o3;
    auto [r4, o4] = Cli({"user", "revoke", "nguoimoi", "--reason", "chuyển công tác"});
    EXPECT_EQ(r4, 0) << o4;
    auto [r5, o5] = Cli({"user", "list"});
    EXPECT_NE(o5.find("nguoimoi\trevoked"), std::string::npos);
    auto [r6, o6] = Cli({"user", "revoke", "khongco", "--reason", "x"});
    EXPECT_NE(r6, 0);
}

// Reads a response for at most `timeout_ms` (a stream that stays open is cut there), unlike
// RawExchange, which waits for the server to close.
std::string ReadStreamFor(std::uint16_t port, const std::string& request, int timeout_ms) {
    boost::asio::io_context ioc;
    boost::asio::ip::tcp::socket s(ioc);
    s.connect({boost::asio::ip::make_address("127.0.0.1"), port});
    boost::asio::write(s, boost::asio::buffer(request));
    const auto end = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
    std::string out;
    char buf[4096];
    for (;;) {
        const auto left =
            std::chrono::duration_cast<std::chrono::milliseconds>(end - std::chrono::steady_clock::now()).count();
        if (left <= 0) break;
        pollfd pfd{s.native_handle(), POLLIN, 0};
        if (::poll(&pfd, 1, static_cast<int>(left)) <= 0) continue;
        boost::system::error_code ec;
        auto n = s.read_some(boost::asio::buffer(buf), ec);
        out.append(buf, n);
        if (ec) break;
    }
    return out;
}

// A revocation made from the command line, in another process, ends the person's open event
// stream on the running server within two seconds, on SQLite (through the event log the server
// polls) as on PostgreSQL. covers P-7, X-5
TEST_P(E2e, CliRevocationEndsOpenStreamsOnTheRunningServer_P7) {
    auto port = testing::FreePort();
    auto server = StartServer(port);
    // The demo editor signs in with password and one-time code, as a browser does.
    std::ifstream in(dir_ / "demo-accounts.txt");
    std::string text((std::istreambuf_iterator<char>(in)), {});
    std::smatch m;
    ASSERT_TRUE(std::regex_search(text, m, std::regex("\\nbientap +editor +([A-Z2-7]+)"))) << text;
    auto secret = auth::TryBase32Decode(m[1].str()).value();
    auto login = Http(port, "POST", "/api/v1/session", R"({"username":"bientap","password":"SaoMai@Demo2026"})");
    ASSERT_EQ(login.status, 200) << login.body;
    auto cookie = login.Header("set-cookie");
    cookie = cookie.substr(0, cookie.find(';'));
    auto csrf = std::string(json::parse(login.body).at("csrf_token").as_string());
    ASSERT_EQ(Http(port, "POST", "/api/v1/session/second-factor",
                   "{\"code\":\"" + auth::TotpCode(secret, std::time(nullptr)) + "\"}",
                   {{"Cookie", cookie}, {"X-CSRF-Token", csrf}})
                  .status,
              200);
    std::string stream;
    std::chrono::steady_clock::time_point closed_at;
    std::thread reader([&] {
        stream = ReadStreamFor(port, "GET /api/v1/events HTTP/1.1\r\nHost: x\r\nCookie: " + cookie + "\r\n\r\n", 12000);
        closed_at = std::chrono::steady_clock::now();
    });
    std::this_thread::sleep_for(std::chrono::milliseconds(800));  // the stream is open
    auto [rc, out] = Cli({"user", "revoke", "bientap", "--reason", "chuyển công tác"});
    const auto revoked_at = std::chrono::steady_clock::now();
    EXPECT_EQ(rc, 0) << out;
    reader.join();
    EXPECT_NE(stream.find("text/event-stream"), std::string::npos) << stream;
    EXPECT_NE(stream.find("event: session.ended"), std::string::npos) << stream;
    EXPECT_LT(closed_at - revoked_at, std::chrono::seconds(2)) << "the stream stayed open after the revocation";
    EXPECT_EQ(Http(port, "GET", "/api/v1/me", "", {{"Cookie", cookie}}).status, 401);
}

TEST_P(E2e, TlsFromFlagsWithHstsAndSecureCookies_X3) {
    auto key = (dir_ / "key.pem").string(), cert = (dir_ / "cert.pem").string();
    auto [oc, oout] = testing::Run({"openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out",
                                    cert, "-days", "1", "-subj", "/CN=127.0.0.1"},
                                   (dir_ / "openssl.log").string());
    ASSERT_EQ(oc, 0) << oout;
    auto port = testing::FreePort();
    std::vector<std::string> args{kBin,           "serve",     "--port",    std::to_string(port),
                                  "--access-log", "off",       "--no-demo", "--tls-cert",
                                  cert,           "--tls-key", key};
    for (auto& a : Common()) args.push_back(a);
    Process server(args, (dir_ / "tls.log").string());
    std::pair<int, std::string> r{1, ""};
    for (int i = 0; i < 100 && r.first != 0; ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
        r = testing::Run(
            {"curl", "-sk", "-D", "-", "-o", "/dev/null", "https://127.0.0.1:" + std::to_string(port) + "/login"},
            (dir_ / "curl.log").string());
    }
    ASSERT_EQ(r.first, 0) << r.second << server.Log();
    EXPECT_NE(r.second.find("HTTP/1.1 200"), std::string::npos);
    EXPECT_NE(r.second.find("Strict-Transport-Security: max-age="), std::string::npos) << r.second;
    EXPECT_NE(r.second.find("SameSite=Strict; Secure"), std::string::npos) << "cookies are Secure under TLS";
    auto login =
        testing::Run({"curl", "-sk", "-D", "-", "-o", "/dev/null", "-X", "POST", "-H", "Content-Type: application/json",
                      "--data", "{\"username\":\"x\",\"password\":\"y-Wrong-1\"}",
                      "https://127.0.0.1:" + std::to_string(port) + "/api/v1/session"},
                     (dir_ / "curl2.log").string());
    EXPECT_NE(login.second.find("HTTP/1.1 401"), std::string::npos) << login.second;
    // Plain HTTP to the TLS port is not served.
    auto plain = testing::Run(
        {"curl", "-s", "-o", "/dev/null", "-w", "%{http_code}", "http://127.0.0.1:" + std::to_string(port) + "/login"},
        (dir_ / "curl3.log").string());
    EXPECT_EQ(plain.second.find("200"), std::string::npos);
    server.Signal(SIGTERM);
    EXPECT_EQ(server.Wait(), 0) << server.Log();
}

INSTANTIATE_TEST_SUITE_P(Engines, E2e, ::testing::Values("sqlite", "postgres"),
                         [](const ::testing::TestParamInfo<std::string>& i) {
                             return i.param == "sqlite" ? "Sqlite" : "Postgres";
                         });

}  // namespace
}  // namespace vp
