// HTTP integration: the real server on a free port, in process, on SQLite and PostgreSQL.
// covers X-3, X-4, X-5, P-7, P-8, P-9, P-12
#include <gtest/gtest.h>

#include <poll.h>
#include <sodium.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <thread>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/write.hpp>
#include <boost/json.hpp>

#include "app/app.hpp"
#include "app/impl.hpp"
#include "auth/crypto/totp.hpp"
#include "calendar/iso_time.hpp"
#include "core/testing/db_fixture.hpp"
#include "media/test_images.hpp"
#include "portal/royalties.hpp"
#include "support/http_client.hpp"

namespace vp {
namespace {

namespace json = boost::json;
using testing::Browser;
using testing::Http;
using testing::UrlEncode;

constexpr const char* kPassword = "Kiem-Thu-Mat-Khau-2026!";

class HttpApi : public ::testing::TestWithParam<core::db::Engine> {
protected:
    void SetUp() override {
        std::string url;
        auto db = testing::OpenTestDatabase(GetParam(), &url);
        if (!db) {
            const char* ci = std::getenv("CI");
            if (ci && std::string(ci) == "true") FAIL() << "VANPHONG_TEST_PG_DSN is not set in CI";
            GTEST_SKIP() << "PostgreSQL not configured";
        }
        db.reset();
        dir_ = std::filesystem::temp_directory_path() /
               ("vp-http-" + std::to_string(::getpid()) + "-" + std::to_string(counter_++));
        std::filesystem::create_directories(dir_);
        app::Config c;
        c.data_dir = dir_.string();
        c.database = GetParam() == core::db::Engine::kSqlite ? "sqlite:" + url : url;
        c.port = 0;
        c.demo = false;
        c.jobs = false;
        c.access_log = false;
        c.request_timeout_s = 2;
        c.keep_alive_timeout_s = 3;
        c.body_limit = 64 * 1024;
        c.max_password_hashes = 2;
        // A large extra asset: served with sendfile from a memory file (see StaticFiles).
        std::filesystem::create_directories(dir_ / "static");
        large_asset_ = LargeAsset();
        WriteFile(dir_ / "static" / "large.html", large_asset_);
        c.static_dir = (dir_ / "static").string();
        Configure(c);
        config_ = c;
        app_ = std::make_unique<app::App>(c);
        port_ = app_->StartInBackground();
        auto& in = app_->Internals();
        auto root = in.units->FindByCode("DCSVN")->id;
        MakeUser("admin", "system_admin", root);
        MakeUser("lanhdao", "leader", root);
        MakeUser("kiemtra", "inspector", in.units->FindByCode("UBKTTW")->id);
    }
    // Lets a derived fixture change the configuration before the app starts.
    virtual void Configure(app::Config&) {}
    void TearDown() override {
        app_.reset();
        std::error_code ec;
        std::filesystem::remove_all(dir_, ec);
    }

    void MakeUser(const std::string& name, const std::string& role, std::int64_t unit, const std::string& portal = "",
                  const std::string& also = "") {
        auto secret = auth::Base32Encode(auth::GenerateTotpSecret());
        secrets_[name] = secret;
        decltype(auth::NewAccount::roles) roles = {{role, unit, portal}};
        if (!also.empty()) roles.push_back({also, unit, ""});  // a second role at the same unit
        auto r = app_->Internals().auth->CreateActive(
            core::access::Principal::Operator(),
            {.username = name, .full_name = "Người " + name, .unit_id = unit, .roles = std::move(roles)},
            kPassword, secret);
        ASSERT_TRUE(r.ok()) << r.error().message;
    }
    std::string Code(const std::string& name, int offset_steps = 0) {
        auto s = auth::TryBase32Decode(secrets_[name]).value();
        return auth::TotpCode(s, std::time(nullptr) + offset_steps * 30);
    }
    // Signs in through the HTML forms, as a person would.
    Browser SignIn(const std::string& name) {
        Browser b(port_);
        auto form = b.Get("/login");
        EXPECT_EQ(form.status, 200);
        auto csrf = testing::FormValue(form.body, "_csrf");
        auto r =
            b.Post("/login", "_csrf=" + csrf + "&username=" + name + "&password=" + UrlEncode(kPassword) + "&next=/");
        EXPECT_EQ(r.status, 303);
        EXPECT_EQ(r.Header("location"), "/login/otp");
        auto otp = b.Get("/login/otp");
        auto csrf2 = testing::FormValue(otp.body, "_csrf");
        auto v = b.Post("/login/otp", "_csrf=" + csrf2 + "&code=" + Code(name));
        EXPECT_EQ(v.status, 303) << v.body;
        return b;
    }
    std::string Csrf(Browser& b) {
        auto me = b.Get("/api/v1/me");
        return std::string(json::parse(me.body).at("csrf_token").as_string());
    }
    std::string Token(const std::string& name, const std::string& scopes = "[\"*\"]") {
        auto b = SignIn(name);
        auto r = b.PostJson("/api/v1/tokens", "{\"name\":\"t\",\"scopes\":" + scopes + ",\"days\":1}",
                            {{"X-CSRF-Token", Csrf(b)}});
        EXPECT_EQ(r.status, 201) << r.body;
        return std::string(json::parse(r.body).at("token").as_string());
    }
    std::int64_t AuditCount() {
        auto& in = app_->Internals();
        return in.db->Read(
            [](core::db::Connection& c) { return c.QueryOne("SELECT COUNT(*) FROM audit_log")->Int(0); });
    }
    std::int64_t UnitCount() {
        auto& in = app_->Internals();
        return in.db->Read([](core::db::Connection& c) { return c.QueryOne("SELECT COUNT(*) FROM units")->Int(0); });
    }

    // ~60 KB of HTML, larger than the threshold for a memory file.
    static std::string LargeAsset() {
        std::string s = "<!doctype html><title>Danh sách đơn vị</title><table>";
        for (int i = 0; s.size() < 60000; ++i)
            s += "<tr><td>" + std::to_string(i) + "</td><td>Văn phòng Tỉnh ủy</td></tr>\n";
        return s + "</table>";
    }
    static void WriteFile(const std::filesystem::path& p, const std::string& bytes) {
        std::ofstream(p, std::ios::binary) << bytes;
    }

    static inline int counter_ = 0;
    std::string large_asset_;
    std::filesystem::path dir_;
    app::Config config_;  ///< as the app was started (a second node starts from it)
    std::unique_ptr<app::App> app_;
    std::uint16_t port_ = 0;
    std::map<std::string, std::string> secrets_;
};

TEST_P(HttpApi, HealthAndMetrics_X5) {
    auto h = Http(port_, "GET", "/healthz");
    EXPECT_EQ(h.status, 200);
    EXPECT_NE(h.body.find("\"database\":\"ok\""), std::string::npos);
    auto m = Http(port_, "GET", "/metrics");
    EXPECT_EQ(m.status, 200);
    EXPECT_NE(m.body.find("vp_http_requests_total{route=\"/healthz\",method=\"GET\",status=\"200\"} 1"),
              std::string::npos)
        << m.body;
    EXPECT_NE(m.body.find("vp_http_request_duration_seconds_bucket"), std::string::npos);
    EXPECT_NE(m.body.find("vp_db_pool_connections{state=\"size\"}"), std::string::npos);
}

TEST_P(HttpApi, SecurityHeadersOnEveryResponse_X3) {
    for (const char* path : {"/login", "/healthz", "/api/v1/units", "/static/app.css", "/nowhere"}) {
        auto r = Http(port_, "GET", path);
        EXPECT_NE(r.Header("content-security-policy").find("frame-ancestors 'none'"), std::string::npos) << path;
        EXPECT_EQ(r.Header("x-content-type-options"), "nosniff") << path;
        EXPECT_EQ(r.Header("referrer-policy"), "same-origin") << path;
        EXPECT_FALSE(r.Header("x-request-id").empty()) << path;
        EXPECT_TRUE(r.Header("strict-transport-security").empty()) << "HSTS only with TLS";
    }
}

TEST_P(HttpApi, JsonErrorsHaveCodeAndVietnameseMessage_X4) {
    auto r = Http(port_, "GET", "/api/v1/units");
    EXPECT_EQ(r.status, 401);
    auto j = json::parse(r.body);
    EXPECT_EQ(j.at("error").at("code").as_string(), "unauthorized");
    EXPECT_FALSE(j.at("error").at("message").as_string().empty());
    auto nf = Http(port_, "GET", "/api/v1/nothing-here");
    EXPECT_EQ(nf.status, 404);
    EXPECT_EQ(json::parse(nf.body).at("error").at("code").as_string(), "not_found");
    auto m = Http(port_, "DELETE", "/api/v1/units");
    EXPECT_EQ(m.status, 405);
}

// Errors are message keys rendered in the reader's language: the same bad request gets the
// English text with ?lang=en or the lang=en cookie, the Vietnamese one otherwise.
TEST_P(HttpApi, ErrorsSpeakTheReadersLanguage_X7) {
    const auto error_of = [](const testing::HttpReply& r) { return json::parse(r.body).at("error").as_object(); };
    const auto vi = Http(port_, "GET", "/api/v1/units");
    EXPECT_EQ(vi.status, 401);
    EXPECT_EQ(error_of(vi).at("key").as_string(), "auth.sign_in_or_token");
    EXPECT_EQ(error_of(vi).at("message").as_string(), "Cần đăng nhập hoặc mã truy cập API hợp lệ.");
    EXPECT_FALSE(error_of(vi).contains("field"));
    const auto en = Http(port_, "GET", "/api/v1/units?lang=en");
    EXPECT_EQ(en.status, 401);
    EXPECT_EQ(error_of(en).at("key").as_string(), "auth.sign_in_or_token");
    EXPECT_EQ(error_of(en).at("message").as_string(), "Sign in or use a valid API token.");
    const auto cookie = Http(port_, "GET", "/api/v1/units", "", {{"Cookie", "lang=en"}});
    EXPECT_EQ(error_of(cookie).at("message").as_string(), "Sign in or use a valid API token.");
    EXPECT_EQ(error_of(cookie).at("code").as_string(), "unauthorized") << "the code does not depend on the language";

    // A validation error names its field.
    const auto token = Token("admin");
    const std::map<std::string, std::string> bearer{{"Authorization", "Bearer " + token}};
    const auto bad_vi = Http(port_, "GET", "/api/v1/units?date=2026-13-45", "", bearer);
    EXPECT_EQ(bad_vi.status, 400) << bad_vi.body;
    EXPECT_EQ(error_of(bad_vi).at("field").as_string(), "date");
    EXPECT_EQ(error_of(bad_vi).at("key").as_string(), "units.as_of_date_invalid");
    EXPECT_EQ(error_of(bad_vi).at("message").as_string(), "Ngày không hợp lệ (YYYY-MM-DD).");
    EXPECT_FALSE(error_of(bad_vi).at("request_id").as_string().empty());
    const auto bad_en = Http(port_, "GET", "/api/v1/units?date=2026-13-45&lang=en", "", bearer);
    EXPECT_EQ(bad_en.status, 400);
    EXPECT_EQ(error_of(bad_en).at("message").as_string(), "The date is not valid (YYYY-MM-DD).");

    // Pages: the public site's 404 page for an unknown address, the core's plain error page
    // under /admin, and a form's error.
    const auto page_vi = Http(port_, "GET", "/nowhere");
    EXPECT_EQ(page_vi.status, 404);
    EXPECT_NE(page_vi.body.find("Trang bạn tìm không có hoặc đã được chuyển đi nơi khác."), std::string::npos)
        << page_vi.body;
    const auto page_en = Http(port_, "GET", "/nowhere", "", {{"Cookie", "lang=en"}});
    EXPECT_EQ(page_en.status, 404);
    EXPECT_NE(page_en.body.find("The page you are looking for does not exist or has moved."), std::string::npos)
        << page_en.body;
    EXPECT_EQ(page_en.Header("content-language"), "en");
    const auto admin_en = Http(port_, "GET", "/admin/nowhere", "", {{"Cookie", "lang=en"}});
    EXPECT_EQ(admin_en.status, 404);
    EXPECT_NE(admin_en.body.find("The page or resource you asked for was not found."), std::string::npos)
        << admin_en.body;
    EXPECT_EQ(admin_en.Header("content-language"), "en");
    for (const std::string lang : {"vi", "en"}) {
        Browser b(port_);
        b.SetCookie("lang", lang);
        auto form = b.Get("/login");
        auto r = b.Post(
            "/login", "_csrf=" + testing::FormValue(form.body, "_csrf") + "&username=admin&password=wrong-Password-1");
        EXPECT_EQ(r.status, 401) << lang;
        const char* expected =
            lang == "en" ? "The user name or password is wrong." : "Tên đăng nhập hoặc mật khẩu không đúng.";
        EXPECT_NE(r.body.find(expected), std::string::npos) << lang << ": " << r.body;
    }
}

TEST_P(HttpApi, OpenApiDescribesEveryRoute_X4) {
    auto r = Http(port_, "GET", "/api/v1/openapi.json");
    ASSERT_EQ(r.status, 200);
    auto doc = json::parse(r.body).as_object();
    EXPECT_EQ(doc.at("openapi").as_string().subview().substr(0, 2), "3.");
    const auto& paths = doc.at("paths").as_object();
    std::set<std::string> documented;
    for (const auto& [path, ops] : paths) {
        for (const auto& [method, op] : ops.as_object())
            documented.insert(std::string(method) + " " + std::string(path));
    }
    std::set<std::string> routed;
    for (const auto& route : app_->Router().Routes()) {
        if (!route.options.api || !route.pattern.starts_with("/api/")) continue;
        std::string m(boost::beast::http::to_string(route.verb));
        for (auto& ch : m) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
        routed.insert(m + " " + route.pattern);
    }
    for (const auto& r2 : routed) EXPECT_TRUE(documented.count(r2)) << "missing from openapi.json: " << r2;
    for (const auto& d : documented) EXPECT_TRUE(routed.count(d)) << "documented but not routed: " << d;
}

// covers X-3, X-5: every state-changing route of every module, asked with a signed-in cookie but
// without the CSRF token (what a forged cross-site form can send), is refused and changes nothing.
TEST_P(HttpApi, EveryStateChangingRouteRefusesACookieRequestWithoutCsrf_X3) {
    auto b = SignIn("admin");
    const std::string cookie = "vp_session=" + b.Cookie("vp_session") + "; vp_pre=forged-pre-session-value";
    auto audit_count = [&] {
        return app_->Internals().db->Read(
            [](core::db::Connection& c) { return c.QueryOne("SELECT COUNT(*) FROM audit_log")->Int(0); });
    };
    const auto before = audit_count();
    int checked = 0;
    for (const auto& route : app_->Router().Routes()) {
        const auto v = route.verb;
        if (v == boost::beast::http::verb::get || v == boost::beast::http::verb::head) continue;
        std::string target = route.pattern;
        const std::map<std::string, std::string> fill{
            {"{id}", "1"}, {"{code}", "default"},  {"{lang}", "1"},     {"{a}", "1"},
            {"{b}", "2"},  {"{action}", "submit"}, {"{step}", "decide"}, {"{u}", "1"},
            {"{decision}", "approve"}, {"{period}", "2026-Q1"}, {"{d}", "1"}, {"{doc}", "1"}, {"{site}", "1"},
            {"{r}", "1"}, {"{item}", "1"}, {"{p}", "1"}, {"{line}", "1"}, {"{sha256}", "1"}};
        for (const auto& [param, value] : fill) {
            for (auto at = target.find(param); at != std::string::npos; at = target.find(param))
                target.replace(at, param.size(), value);
        }
        ASSERT_EQ(target.find('{'), std::string::npos) << "a path parameter this test does not fill: " << route.pattern;
        const bool api = route.pattern.starts_with("/api/");
        // A cross-site form: urlencoded, or text/plain that looks like JSON; never the CSRF token.
        auto r = Http(port_, std::string(boost::beast::http::to_string(v)), target,
                      api ? R"({"name":"x","reason":"x","note":"x","username":"admin","password":"x"})"
                          : "reason=x&note=x&name=x",
                      {{"Cookie", cookie}, {"Content-Type", api ? "text/plain" : "application/x-www-form-urlencoded"}});
        EXPECT_TRUE(r.status == 403 || r.status == 415)
            << route.pattern << " answered " << r.status << ": " << r.body.substr(0, 200);
        ++checked;
    }
    EXPECT_GE(checked, 30) << "the routes of every module";
    EXPECT_EQ(audit_count(), before) << "nothing was changed (every change is audited)";
    EXPECT_EQ(Http(port_, "GET", "/api/v1/me", "", {{"Cookie", "vp_session=" + b.Cookie("vp_session")}}).status, 200)
        << "and the session is still signed in";
}

// covers X-3 (issue defect 1): "next" accepts only a same-site path of safe characters.
TEST_P(HttpApi, NextIsASameSitePathOnly_X3) {
    for (const std::string next : {"%2F%09%2Fevil.com", "%2F%2Fevil.com", "https%3A%2F%2Fevil.com", "%2F%5Cevil.com",
                                   "%2F%0D%0ASet-Cookie:%20x=1", "%2F%E1%BB%87"}) {
        auto r = Http(port_, "GET", "/lang/en?next=" + next);
        EXPECT_EQ(r.status, 303) << next;
        EXPECT_EQ(r.Header("location"), "/admin") << next;
        EXPECT_EQ(r.Header("set-cookie").find("x=1"), std::string::npos);
    }
    auto ok = Http(port_, "GET", "/lang/en?next=%2Fadmin%2Funits%3Fdate%3D2026-01-01");
    EXPECT_EQ(ok.Header("location"), "/admin/units?date=2026-01-01");
}

// covers X-3 (issue defect 8): a flood of sign-ins cannot hold every worker; other pages answer.
TEST_P(HttpApi, SignInFloodLeavesOtherPagesAnswering_X3) {
    std::atomic<bool> stop{false};
    std::atomic<int> busy{0}, answered{0};
    std::vector<std::thread> flood;
    for (int i = 0; i < 12; ++i) {
        flood.emplace_back([&] {
            while (!stop) {
                auto r =
                    Http(port_, "POST", "/api/v1/session", R"({"username":"admin","password":"Wrong-password-42x"})",
                         {{"X-Forwarded-For", "10.8.8.8"}});
                if (r.status == 503) {
                    ++busy;
                    EXPECT_FALSE(r.Header("retry-after").empty());
                }
                ++answered;
            }
        });
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    int slow = 0;
    for (int i = 0; i < 10; ++i) {
        const auto t0 = std::chrono::steady_clock::now();
        EXPECT_EQ(Http(port_, "GET", "/healthz").status, 200);
        if (std::chrono::steady_clock::now() - t0 > std::chrono::milliseconds(1500)) ++slow;
    }
    stop = true;
    for (auto& t : flood) t.join();
    EXPECT_EQ(slow, 0) << "pages that need a worker keep answering during the flood";
    EXPECT_GT(busy.load(), 0) << "beyond the bounded queue, sign-ins are told to retry";
}

TEST_P(HttpApi, StaticFilesEtag304Gzip_X6) {
    auto r = Http(port_, "GET", "/static/app.css");
    ASSERT_EQ(r.status, 200);
    auto etag = r.Header("etag");
    EXPECT_FALSE(etag.empty());
    EXPECT_EQ(r.Header("content-type"), "text/css; charset=utf-8");
    auto again = Http(port_, "GET", "/static/app.css", "", {{"If-None-Match", etag}});
    EXPECT_EQ(again.status, 304);
    EXPECT_TRUE(again.body.empty());
    auto gz = Http(port_, "GET", "/static/app.css", "", {{"Accept-Encoding", "gzip, deflate"}});
    EXPECT_EQ(gz.Header("content-encoding"), "gzip");
    EXPECT_LT(gz.body.size(), r.body.size());
    EXPECT_EQ(static_cast<unsigned char>(gz.body[0]), 0x1f);
    auto head = Http(port_, "HEAD", "/static/app.css");
    EXPECT_EQ(head.status, 200);
    EXPECT_EQ(head.Header("content-length"), std::to_string(r.body.size()));
}

// One response out of a raw byte stream: the header block and a Content-Length body.
struct RawResponse {
    std::string head;
    std::string body;
};
std::vector<RawResponse> SplitResponses(std::string_view bytes, bool bodies = true) {
    std::vector<RawResponse> out;
    while (!bytes.empty()) {
        auto end = bytes.find("\r\n\r\n");
        if (end == std::string_view::npos) break;
        RawResponse r;
        r.head = std::string(bytes.substr(0, end + 4));
        bytes.remove_prefix(end + 4);
        std::smatch m;
        std::size_t len = 0;
        if (std::regex_search(r.head, m, std::regex("\r\nContent-Length: (\\d+)\r\n", std::regex::icase)))
            len = std::stoul(m[1]);
        if (bodies) {
            r.body = std::string(bytes.substr(0, len));
            bytes.remove_prefix(std::min(len, bytes.size()));
        }
        out.push_back(std::move(r));
    }
    return out;
}

TEST_P(HttpApi, LargeStaticAssetByKeepAliveHttp10AndHead_X6) {
    // Plain GET: the prepared keep-alive answer, header and body from the memory file.
    auto r = Http(port_, "GET", "/static/large.html");
    ASSERT_EQ(r.status, 200);
    EXPECT_EQ(r.body, large_asset_);
    EXPECT_EQ(r.Header("content-type"), "text/html; charset=utf-8");
    EXPECT_FALSE(r.Header("etag").empty());
    EXPECT_NE(r.Header("content-security-policy").find("frame-ancestors 'none'"), std::string::npos);
    EXPECT_EQ(r.Header("x-content-type-options"), "nosniff");
    // Two requests on one connection (pipelined); the second closes it, so its answer is
    // built per request (Connection: close, a request id) and the body follows its own header.
    const std::string get = "GET /static/large.html HTTP/1.1\r\nHost: x\r\n\r\n";
    auto two = SplitResponses(
        testing::RawExchange(port_, get + "GET /static/large.html HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"));
    ASSERT_EQ(two.size(), 2u);
    for (const auto& one : two) {
        EXPECT_TRUE(one.head.starts_with("HTTP/1.1 200 OK\r\n")) << one.head;
        EXPECT_EQ(one.body, large_asset_);
    }
    EXPECT_EQ(two[0].head.find("X-Request-Id"), std::string::npos) << "the prepared answer: " << two[0].head;
    EXPECT_NE(two[1].head.find("Connection: close"), std::string::npos) << two[1].head;
    EXPECT_NE(two[1].head.find("X-Request-Id: "), std::string::npos) << two[1].head;
    // HTTP/1.0 gets an HTTP/1.0 answer with the same bytes.
    auto old = SplitResponses(testing::RawExchange(port_, "GET /static/large.html HTTP/1.0\r\n\r\n"));
    ASSERT_EQ(old.size(), 1u);
    EXPECT_TRUE(old[0].head.starts_with("HTTP/1.0 200 OK\r\n")) << old[0].head;
    EXPECT_EQ(old[0].body, large_asset_);
    // HEAD: the length of the body, and no body.
    auto head = testing::RawExchange(port_, "HEAD /static/large.html HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    auto heads = SplitResponses(head, false);
    ASSERT_EQ(heads.size(), 1u);
    EXPECT_NE(heads[0].head.find("Content-Length: " + std::to_string(large_asset_.size()) + "\r\n"), std::string::npos);
    EXPECT_EQ(head.size(), heads[0].head.size()) << "no body after a HEAD answer";
    // Compressed when asked: the smaller gzip bytes, not the memory file.
    auto gz = Http(port_, "GET", "/static/large.html", "", {{"Accept-Encoding", "gzip"}});
    EXPECT_EQ(gz.Header("content-encoding"), "gzip");
    EXPECT_LT(gz.body.size(), large_asset_.size());
}

// The admin pages' forms: calendar exceptions and years (X-1), revoking and resetting accounts
// (P-7): each change goes back to its page, bad input gets the page's error and changes nothing.
TEST_P(HttpApi, AdminFormsChangeCalendarsAndAccounts_X1_P7) {
    auto b = SignIn("admin");
    auto page = b.Get("/admin/calendar?year=2027");
    ASSERT_EQ(page.status, 200);
    const auto csrf = testing::FormValue(page.body, "_csrf");
    const auto audits = AuditCount();
    auto added =
        b.Post("/admin/calendar/exceptions",
               "_csrf=" + csrf + "&calendar=&date=2027-03-10&kind=day_off&hours=&note=" + UrlEncode("Nghỉ bù"));
    ASSERT_EQ(added.status, 303) << added.body;
    EXPECT_NE(added.Header("location").find("ok=exception_added"), std::string::npos) << added.Header("location");
    auto bad = b.Post("/admin/calendar/exceptions", "_csrf=" + csrf + "&date=10/03/2027&kind=day_off");
    EXPECT_EQ(bad.status, 400);
    EXPECT_EQ(AuditCount(), audits + 1) << "the bad form changed nothing";
    std::smatch m;
    auto listed = b.Get("/admin/calendar?year=2027");
    ASSERT_TRUE(std::regex_search(listed.body, m, std::regex("/admin/calendar/exceptions/(\\d+)/remove")))
        << "the new day is listed";
    auto removed = b.Post("/admin/calendar/exceptions/" + m[1].str() + "/remove", "_csrf=" + csrf + "&calendar=");
    ASSERT_EQ(removed.status, 303) << removed.body;
    EXPECT_NE(removed.Header("location").find("ok=exception_removed"), std::string::npos);
    EXPECT_EQ(b.Post("/admin/calendar/exceptions/999999/remove", "_csrf=" + csrf).status, 404);
    auto year = b.Post(
        "/admin/calendar/years",
        "_csrf=" + csrf + "&schedule=" +
            UrlEncode("{\"year\": 2031, \"source\": \"Thông báo thử\", \"days_off\": [{\"date\": \"2031-01-01\", "
                      "\"name_vi\": \"Tết Dương lịch\", \"name_en\": \"New Year\"}], \"working_days\": []}"));
    ASSERT_EQ(year.status, 303) << year.body;
    EXPECT_NE(year.Header("location").find("ok=year_added"), std::string::npos);
    EXPECT_EQ(b.Post("/admin/calendar/years", "_csrf=" + csrf + "&schedule=%7B").status, 400);

    MakeUser("nguoidung", "editor", app_->Internals().units->FindByCode("DCSVN")->id);
    const auto uid = std::to_string(app_->Internals().auth->FindUserByName("nguoidung")->id);
    auto reset =
        b.Post("/admin/accounts/" + uid + "/reset-2fa", "_csrf=" + csrf + "&reason=" + UrlEncode("mất điện thoại"));
    ASSERT_EQ(reset.status, 303) << reset.body;
    EXPECT_EQ(reset.Header("location"), "/admin/accounts?ok=reset_2fa");
    auto revoked =
        b.Post("/admin/accounts/" + uid + "/revoke", "_csrf=" + csrf + "&reason=" + UrlEncode("chuyển công tác"));
    ASSERT_EQ(revoked.status, 303) << revoked.body;
    EXPECT_EQ(revoked.Header("location"), "/admin/accounts?ok=revoked");
    EXPECT_EQ(app_->Internals().auth->FindUserByName("nguoidung")->status, "revoked");
    EXPECT_EQ(b.Post("/admin/accounts/999999/revoke", "_csrf=" + csrf + "&reason=x").status, 404);
}

TEST_P(HttpApi, AClientThatStopsReadingIsCutOff_X3) {
    // Many pipelined requests for the large asset, then no reading: the server fills the
    // socket buffers, waits at most the request timeout (2 s here) for the client to drain
    // them, and closes the connection instead of holding it for ever.
    namespace asio = boost::asio;
    asio::io_context ioc;
    asio::ip::tcp::socket sock(ioc);
    sock.connect({asio::ip::make_address("127.0.0.1"), port_});
    constexpr int kRequests = 400;  // ~24 MB of answers: more than loopback buffers hold
    std::string pipeline;
    for (int i = 0; i < kRequests; ++i) pipeline += "GET /static/large.html HTTP/1.1\r\nHost: x\r\n\r\n";
    asio::write(sock, asio::buffer(pipeline));
    std::this_thread::sleep_for(std::chrono::seconds(5));
    // Now read what was sent before the server gave up: the stream ends (EOF or reset) soon,
    // short of all the answers.
    const auto start = std::chrono::steady_clock::now();
    std::size_t received = 0;
    boost::system::error_code ec;
    std::vector<char> buf(1 << 16);
    while (!ec && std::chrono::steady_clock::now() - start < std::chrono::seconds(20)) {
        received += sock.read_some(asio::buffer(buf), ec);
    }
    EXPECT_TRUE(ec == asio::error::eof || ec == asio::error::connection_reset) << ec.message();
    EXPECT_LT(received, kRequests * large_asset_.size());
    EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(10));
    EXPECT_EQ(Http(port_, "GET", "/healthz").status, 200) << "the server is still up";
}

TEST_P(HttpApi, HostileInputGetsA4xxAndChangesNothing_X3) {
    auto token = Token("admin");
    const auto units = UnitCount();
    const auto audits = AuditCount();
    // Oversized header.
    auto big =
        testing::RawExchange(port_, "GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + std::string(40000, 'a') + "\r\n\r\n");
    EXPECT_NE(big.find("HTTP/1.1 431"), std::string::npos) << big.substr(0, 80);
    // Oversized body.
    auto body =
        Http(port_, "POST", "/api/v1/units", std::string(100 * 1024, 'x'), {{"Authorization", "Bearer " + token}});
    EXPECT_EQ(body.status, 413);
    // Malformed JSON.
    auto bad = Http(port_, "POST", "/api/v1/units", "{\"code\": ", {{"Authorization", "Bearer " + token}});
    EXPECT_EQ(bad.status, 400);
    EXPECT_EQ(json::parse(bad.body).at("error").at("code").as_string(), "invalid_input");
    // Invalid UTF-8 in a JSON body.
    auto utf = Http(port_, "POST", "/api/v1/units",
                    "{\"code\":\"X9\",\"kind\":\"other\",\"name_vi\":\"\xff\xfe\",\"name_en\":\"a\"}",
                    {{"Authorization", "Bearer " + token}});
    EXPECT_EQ(utf.status, 400);
    // Path traversal, plain and encoded.
    for (const char* t :
         {"/static/../migrations/x", "/static/%2e%2e/%2e%2e/etc/passwd", "/static/..%2f..%2fetc%2fpasswd"}) {
        auto r = Http(port_, "GET", t);
        EXPECT_EQ(r.status, 400) << t;
    }
    // Invalid UTF-8 in the path and a malformed escape.
    EXPECT_EQ(Http(port_, "GET", "/static/%ff%fe").status, 400);
    EXPECT_EQ(Http(port_, "GET", "/static/%zz").status, 400);
    // Garbage instead of HTTP.
    auto garbage = testing::RawExchange(port_, "HELLO THERE\r\n\r\n");
    EXPECT_NE(garbage.find("HTTP/1.1 400"), std::string::npos);
    // A slow client that never finishes its headers is cut off.
    auto start = std::chrono::steady_clock::now();
    auto slow = testing::RawExchange(port_, "GET / HTTP/1.1\r\nHost: x\r\n", 10000);
    auto took = std::chrono::steady_clock::now() - start;
    EXPECT_NE(slow.find("408"), std::string::npos) << slow;
    EXPECT_LT(took, std::chrono::seconds(8));
    EXPECT_EQ(UnitCount(), units);
    EXPECT_EQ(AuditCount(), audits);
    EXPECT_EQ(Http(port_, "GET", "/healthz").status, 200) << "the server is still up";
}

// Response splitting: a query value with CR LF that a handler copies into a header (here the
// language switch's redirect target) must never become a header line of its own. The server
// refuses such a response with a generic 500 carrying the request id; a handler that no longer
// copies the value answers its redirect. Either way there is no injected cookie. covers X-3
TEST_P(HttpApi, NoHeaderLineCanBeInjectedThroughAResponseField_X3) {
    const std::string target = "/lang/en?next=%2F%0D%0ASet-Cookie:%20x=1";
    auto raw = testing::RawExchange(port_, "GET " + target + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    const auto head = raw.substr(0, raw.find("\r\n\r\n") + 2);
    EXPECT_EQ(head.find("\nSet-Cookie: x=1"), std::string::npos) << head;
    EXPECT_EQ(head.find("\rSet-Cookie: x=1"), std::string::npos) << head;
    auto r = Http(port_, "GET", target);
    EXPECT_EQ(r.Header("set-cookie").find("x=1"), std::string::npos) << r.Header("set-cookie");
    if (r.status == 500) {
        ASSERT_FALSE(r.Header("x-request-id").empty());
        EXPECT_NE(r.body.find(r.Header("x-request-id")), std::string::npos) << "the page names the request id";
        EXPECT_TRUE(r.Header("location").empty());
    } else {
        EXPECT_EQ(r.status, 303) << r.body;
        EXPECT_EQ(r.Header("location").find_first_of("\r\n"), std::string::npos);
    }
    // The server goes on serving.
    EXPECT_EQ(Http(port_, "GET", "/healthz").status, 200);
}

// Strings that are not UTF-8, and malformed %XX escapes, in a query, a form or a JSON body:
// refused with 400 where the request is decoded, before any handler runs, so no page echoes
// the bytes. Handlers see every decoded value in NFC. covers X-3, P-8, P-12
TEST_P(HttpApi, InvalidUtf8OrEscapesAreRefusedBeforeAnyHandler_X3_P8) {
    const std::string kNotUtf8 = "Yêu cầu chứa ký tự không hợp lệ (không phải UTF-8).";
    Browser b(port_);
    auto csrf = testing::FormValue(b.Get("/login").body, "_csrf");
    // The sign-in form of the review, escaped and as raw bytes.
    for (const std::string username : {"ab%ff%fe", "ab\xff\xfe"}) {
        auto r = b.Post("/login", "_csrf=" + csrf + "&username=" + username + "&password=x&next=/");
        EXPECT_EQ(r.status, 400) << username;
        EXPECT_NE(r.body.find(kNotUtf8), std::string::npos) << r.body;
        EXPECT_EQ(r.body.find("\xff"), std::string::npos) << "the bytes are not echoed";
        EXPECT_NE(r.Header("content-type").find("text/html"), std::string::npos);
    }
    auto escape = b.Post("/login", "_csrf=" + csrf + "&username=ab%zz&password=x");
    EXPECT_EQ(escape.status, 400);
    EXPECT_NE(escape.body.find("%XX"), std::string::npos) << escape.body;
    // Query strings of pages, signed in or not (the check comes before the handler).
    for (const char* target : {"/login?next=/%ff", "/admin/audit?action=%ff%fe", "/login?next=%zz", "/login?lang=%e"}) {
        auto r = Http(port_, "GET", target);
        EXPECT_EQ(r.status, 400) << target;
        EXPECT_EQ(r.body.find("\xff"), std::string::npos) << target;
        EXPECT_FALSE(r.Header("x-request-id").empty());
    }
    EXPECT_NE(Http(port_, "GET", "/login?next=/%ff").body.find(kNotUtf8), std::string::npos);
    // The API answers JSON, also for a JSON body (before signing in is even checked).
    auto api = Http(port_, "GET", "/api/v1/units?parent=%ff");
    ASSERT_EQ(api.status, 400);
    EXPECT_EQ(json::parse(api.body).at("error").at("code").as_string(), "invalid_input");
    EXPECT_EQ(json::parse(api.body).at("error").at("message").as_string(), kNotUtf8);
    auto body = Http(port_, "POST", "/api/v1/session", "{\"username\":\"ab\xff\xfe\",\"password\":\"x\"}",
                     {{"Content-Type", "application/json"}});
    ASSERT_EQ(body.status, 400);
    EXPECT_EQ(json::parse(body.body).at("error").at("message").as_string(), kNotUtf8);
    // Well-formed input still works, and the handler sees NFC: "Nguyễn" typed with combining
    // marks is echoed back precomposed by the sign-in page after a failed attempt.
    auto ok = b.Post("/login", "_csrf=" + csrf + "&username=Nguye%CC%82%CC%83n&password=wrong-Pass-123");
    EXPECT_EQ(ok.status, 401) << ok.body;
    EXPECT_NE(ok.body.find("value=\"Nguy\xe1\xbb\x85n\""), std::string::npos) << ok.body;
    EXPECT_EQ(ok.body.find("Nguye\xcc\x82"), std::string::npos);
    EXPECT_EQ(Http(port_, "GET", "/login?next=/admin").status, 200);
}

// Request smuggling: any transfer coding but a lone final "chunked", Transfer-Encoding with
// Content-Length, and differing Content-Lengths are refused (400, or 501 for a coding this
// server does not decode) and the connection is closed, so the request hidden in the body is
// never answered. HTTP/1.1 needs exactly one Host; HTTP/1.0 needs none. covers X-3
TEST_P(HttpApi, AmbiguousRequestFramingIsRefusedAndTheConnectionClosed_X3) {
    const std::string smuggled = "GET /static/app.css HTTP/1.1\r\nHost: x\r\n\r\n";
    auto count = [](const std::string& out) {  // status lines, not the text "HTTP/1.1" in a message
        const std::regex status_line("HTTP/1\\.[01] [0-9]{3} ");
        return static_cast<std::size_t>(
            std::distance(std::sregex_iterator(out.begin(), out.end(), status_line), std::sregex_iterator()));
    };
    auto status = [](const std::string& out) { return out.size() >= 12 ? std::stoi(out.substr(9, 3)) : 0; };
    for (const std::string coding :
         {"xchunked", "chunked, identity", "identity", "gzip, chunked", "chunked, chunked", "chunked;q=1",
          "chunked\r\nTransfer-Encoding: identity", "identity\r\nTransfer-Encoding: chunked"}) {
        auto out = testing::RawExchange(
            port_, "POST /login HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: " + coding + "\r\n\r\n" + smuggled);
        const int st = status(out);
        EXPECT_TRUE(st == 400 || st == 501) << coding << ": " << out.substr(0, 120);
        EXPECT_EQ(count(out), 1u) << coding << ": the smuggled request got an answer: " << out;
        EXPECT_EQ(out.find("text/css"), std::string::npos) << coding;
        EXPECT_NE(out.find("Connection: close"), std::string::npos) << coding;
    }
    EXPECT_EQ(status(testing::RawExchange(
                  port_, "POST /login HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip, chunked\r\n\r\n")),
              501);
    for (const std::string fields :
         {"Content-Length: 5\r\nTransfer-Encoding: chunked", "Transfer-Encoding: chunked\r\nContent-Length: 5",
          "Transfer-Encoding: identity\r\nContent-Length: 5", "Content-Length: 5\r\nTransfer-Encoding: identity",
          "Content-Length: 5\r\nContent-Length: 6", "Content-Length: 5, 6"}) {
        auto out = testing::RawExchange(
            port_, "POST /login HTTP/1.1\r\nHost: x\r\n" + fields + "\r\n\r\n0\r\n\r\n" + smuggled);
        EXPECT_EQ(status(out), 400) << fields << ": " << out.substr(0, 120);
        EXPECT_EQ(count(out), 1u) << fields << ": " << out;
    }
    // Host: exactly one on HTTP/1.1; none needed on HTTP/1.0.
    for (const std::string head :
         {"GET /healthz HTTP/1.1\r\n\r\n", "GET /healthz HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n"}) {
        auto out = testing::RawExchange(port_, head + smuggled);
        EXPECT_EQ(status(out), 400) << head << out.substr(0, 120);
        EXPECT_EQ(count(out), 1u) << out;
    }
    EXPECT_EQ(status(testing::RawExchange(port_, "GET /healthz HTTP/1.0\r\n\r\n")), 200);
    EXPECT_EQ(
        status(testing::RawExchange(port_, "GET /healthz HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n")),
        400);
    // A lone chunked body is fine, and the connection goes on to the next request.
    auto chunked =
        testing::RawExchange(port_,
                             "GET /healthz HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: Chunked\r\n\r\n"
                             "3\r\nabc\r\n0\r\n\r\nGET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    EXPECT_EQ(status(chunked), 200) << chunked.substr(0, 120);
    EXPECT_EQ(count(chunked), 2u) << chunked;
}

TEST_P(HttpApi, KeepAliveConnectionsAreTimedOutWhenIdleOrStalled_X3) {
    // A second request that starts but never ends, after a first one served on the same
    // connection: 408 once the keep-alive timeout (3 s here) has passed, not before.
    auto start = std::chrono::steady_clock::now();
    auto out =
        testing::RawExchange(port_, "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\nGET /healthz HTTP/1.1\r\nHost:", 15000);
    auto took = std::chrono::steady_clock::now() - start;
    EXPECT_TRUE(out.starts_with("HTTP/1.1 200")) << out.substr(0, 80);
    EXPECT_NE(out.find("HTTP/1.1 408"), std::string::npos) << out;
    EXPECT_GE(took, std::chrono::milliseconds(2900));
    EXPECT_LT(took, std::chrono::seconds(10));
    // An idle connection after a full request is closed quietly (no 408 for nothing sent).
    start = std::chrono::steady_clock::now();
    auto idle = testing::RawExchange(port_, "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n", 15000);
    took = std::chrono::steady_clock::now() - start;
    EXPECT_EQ(idle.find("408"), std::string::npos) << idle;
    EXPECT_GE(took, std::chrono::milliseconds(2900));
    EXPECT_LT(took, std::chrono::seconds(10));
}

TEST_P(HttpApi, KeepAliveServesSeveralRequestsOnOneConnection_X6) {
    auto out = testing::RawExchange(port_,
                                    "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\nGET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"
                                    "GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    std::size_t n = 0, pos = 0;
    while ((pos = out.find("HTTP/1.1 200", pos)) != std::string::npos) {
        ++n;
        ++pos;
    }
    EXPECT_EQ(n, 3u);
}

TEST_P(HttpApi, CsrfIsRequiredForCookieWrites_X3) {
    auto b = SignIn("admin");
    auto no = b.PostJson("/api/v1/tokens", "{\"name\":\"x\",\"scopes\":[\"*\"]}");
    EXPECT_EQ(no.status, 403);
    auto wrong = b.PostJson("/api/v1/tokens", "{\"name\":\"x\",\"scopes\":[\"*\"]}", {{"X-CSRF-Token", "nope"}});
    EXPECT_EQ(wrong.status, 403);
    auto form = b.Post("/logout", "_csrf=wrong");
    EXPECT_EQ(form.status, 403);
    auto ok = b.PostJson("/api/v1/tokens", "{\"name\":\"x\",\"scopes\":[\"*\"]}", {{"X-CSRF-Token", Csrf(b)}});
    EXPECT_EQ(ok.status, 201);
}

TEST_P(HttpApi, SessionCookieAttributes_X3) {
    Browser b(port_);
    auto form = b.Get("/login");
    auto r = b.Post("/login", "_csrf=" + testing::FormValue(form.body, "_csrf") +
                                  "&username=admin&password=" + UrlEncode(kPassword));
    auto cookie = r.Header("set-cookie");
    EXPECT_NE(cookie.find("vp_session="), std::string::npos);
    EXPECT_NE(cookie.find("HttpOnly"), std::string::npos);
    EXPECT_NE(cookie.find("SameSite=Strict"), std::string::npos);
    // Half signed in: nothing but the one-time code page.
    EXPECT_EQ(b.Get("/admin/units").Header("location"), "/login/otp");
    EXPECT_EQ(b.Get("/api/v1/units").status, 403);
}

TEST_P(HttpApi, WrongPasswordThenLockOut_P8) {
    Browser b(port_);
    for (int i = 0; i < 3; ++i) {
        auto form = b.Get("/login");
        auto r = b.Post("/login",
                        "_csrf=" + testing::FormValue(form.body, "_csrf") + "&username=admin&password=wrong-Pass-123");
        EXPECT_EQ(r.status, 401);
        EXPECT_NE(r.body.find("Tên đăng nhập hoặc mật khẩu không đúng"), std::string::npos);
    }
    auto form = b.Get("/login");
    auto r = b.Post("/login", "_csrf=" + testing::FormValue(form.body, "_csrf") +
                                  "&username=admin&password=" + UrlEncode(kPassword));
    EXPECT_EQ(r.status, 429) << "slowed down after repeated failures";
}

TEST_P(HttpApi, AccountRequestApproveRevokeOverTheApi_P7) {
    auto admin = Token("admin");
    auto leader = Token("lanhdao");
    auto& in = app_->Internals();
    auto unit = in.units->FindByCode("VPTW-VDP1")->id;
    auto req =
        Http(port_, "POST", "/api/v1/account-requests",
             "{\"username\":\"chuyenvien1\",\"full_name\":\"Lê Văn Chuyên\",\"unit_id\":" + std::to_string(unit) +
                 ",\"roles\":[\"editor\"],\"reason\":\"mới\"}",
             {{"Authorization", "Bearer " + admin}});
    ASSERT_EQ(req.status, 201) << req.body;
    auto id = json::parse(req.body).at("id").as_int64();
    auto self = Http(port_, "POST", "/api/v1/account-requests/" + std::to_string(id) + "/approve", "{}",
                     {{"Authorization", "Bearer " + admin}});
    EXPECT_EQ(self.status, 403) << "an administrator cannot approve";
    auto ok = Http(port_, "POST", "/api/v1/account-requests/" + std::to_string(id) + "/approve",
                   "{\"note\":\"đồng ý\"}", {{"Authorization", "Bearer " + leader}});
    ASSERT_EQ(ok.status, 200) << ok.body;
    const std::string initial(json::parse(ok.body).at("initial_password").as_string());
    auto login =
        Http(port_, "POST", "/api/v1/session", "{\"username\":\"chuyenvien1\",\"password\":\"" + initial + "\"}");
    EXPECT_EQ(login.status, 200);
    EXPECT_NE(login.body.find("password_change"), std::string::npos);
    auto uid = in.auth->FindUserByName("chuyenvien1")->id;
    auto rv = Http(port_, "POST", "/api/v1/users/" + std::to_string(uid) + "/revoke",
                   "{\"reason\":\"chuyển công tác\"}", {{"Authorization", "Bearer " + admin}});
    EXPECT_EQ(rv.status, 200) << rv.body;
    auto again =
        Http(port_, "POST", "/api/v1/session", "{\"username\":\"chuyenvien1\",\"password\":\"" + initial + "\"}");
    EXPECT_EQ(again.status, 403);
}

TEST_P(HttpApi, RevocationEndsSessionsAndLiveStreamsAtOnce_P7) {
    MakeUser("bientap", "editor", app_->Internals().units->FindByCode("VPTW-TTCNTT")->id);
    auto victim = SignIn("bientap");
    EXPECT_EQ(victim.Get("/api/v1/me").status, 200);
    // Open the live event stream as the browser would.
    std::string stream_out;
    std::thread reader([&] {
        stream_out = testing::RawExchange(
            port_,
            "GET /api/v1/events HTTP/1.1\r\nHost: x\r\nCookie: vp_session=" + victim.Cookie("vp_session") + "\r\n\r\n",
            8000);
    });
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
    auto leader = Token("lanhdao");
    auto uid = app_->Internals().auth->FindUserByName("bientap")->id;
    auto t0 = std::chrono::steady_clock::now();
    auto rv = Http(port_, "POST", "/api/v1/users/" + std::to_string(uid) + "/revoke", "{\"reason\":\"vi phạm\"}",
                   {{"Authorization", "Bearer " + leader}});
    ASSERT_EQ(rv.status, 200) << rv.body;
    EXPECT_EQ(victim.Get("/api/v1/me").status, 401) << "the very next request is refused";
    reader.join();
    EXPECT_LT(std::chrono::steady_clock::now() - t0, std::chrono::seconds(3));
    EXPECT_NE(stream_out.find("text/event-stream"), std::string::npos);
    EXPECT_NE(stream_out.find("event: session.ended"), std::string::npos) << stream_out;
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

// Live events by topic: unknown topics and bad ids are refused; a reconnecting stream replays
// what it missed after Last-Event-ID, only the person's own events, then goes on live. covers X-5
TEST_P(HttpApi, EventStreamReplaysAfterLastEventIdByTopic_X5) {
    auto& in = app_->Internals();
    auto token = Token("lanhdao");
    const std::map<std::string, std::string> auth{{"Authorization", "Bearer " + token}};
    auto unknown = Http(port_, "GET", "/api/v1/events?topics=notification,no.such", "", auth);
    EXPECT_EQ(unknown.status, 400) << unknown.body;
    EXPECT_EQ(Http(port_, "GET", "/api/v1/events?last_event_id=abc", "", auth).status, 400);
    const auto me = in.auth->FindUserByName("lanhdao")->id;
    const auto other = in.auth->FindUserByName("kiemtra")->id;
    auto newest = [&] {
        return in.db->Read(
            [](core::db::Connection& c) { return c.QueryOne("SELECT COALESCE(MAX(id), 0) FROM event_log")->Int(0); });
    };
    const auto before = newest();
    in.events.Publish({"notification", "{\"n\":1}", me});
    in.events.Publish({"notification", "{\"n\":2}", other});
    in.events.Publish({"notification", "{\"n\":3}", me});
    const auto last = newest();
    ASSERT_EQ(last, before + 3);
    std::string out;
    std::thread reader([&] {
        out = ReadStreamFor(port_,
                            "GET /api/v1/events?topics=notification HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " +
                                token + "\r\nLast-Event-ID: " + std::to_string(before) + "\r\n\r\n",
                            1500);
    });
    std::this_thread::sleep_for(std::chrono::milliseconds(600));
    in.events.Publish({"notification", "{\"n\":4}", me});
    reader.join();
    const auto f1 = out.find("id: " + std::to_string(before + 1) + "\nevent: notification\ndata: {\"n\":1}\n\n");
    const auto f3 = out.find("id: " + std::to_string(before + 3) + "\nevent: notification\ndata: {\"n\":3}\n\n");
    const auto f4 = out.find("id: " + std::to_string(before + 4) + "\nevent: notification\ndata: {\"n\":4}\n\n");
    EXPECT_NE(f1, std::string::npos) << out;
    EXPECT_NE(f3, std::string::npos) << out;
    EXPECT_NE(f4, std::string::npos) << out;
    EXPECT_TRUE(f1 < f3 && f3 < f4) << out;
    EXPECT_EQ(out.find("\"n\":2"), std::string::npos) << "someone else's notification";
    EXPECT_EQ(out.find("\"n\":1", out.find("\"n\":1") + 1), std::string::npos) << "nothing twice";
}

TEST_P(HttpApi, AuditIsReadableByInspectorsOnlyAndExportsCsv_P9) {
    auto inspector = Token("kiemtra");
    auto list = Http(port_, "GET", "/api/v1/audit?action=account.", "", {{"Authorization", "Bearer " + inspector}});
    ASSERT_EQ(list.status, 200);
    EXPECT_GE(json::parse(list.body).at("records").as_array().size(), 3u);
    auto csv = Http(port_, "GET", "/api/v1/audit/export.csv", "", {{"Authorization", "Bearer " + inspector}});
    EXPECT_EQ(csv.status, 200);
    EXPECT_NE(csv.Header("content-type").find("text/csv"), std::string::npos);
    EXPECT_NE(csv.body.find("account.create"), std::string::npos);
    auto verify = Http(port_, "GET", "/api/v1/audit/verify", "", {{"Authorization", "Bearer " + inspector}});
    EXPECT_NE(verify.body.find("\"ok\":true"), std::string::npos);
    MakeUser("bientap2", "editor", app_->Internals().units->FindByCode("VPTW-TTCNTT")->id);
    auto editor = Token("bientap2");
    EXPECT_EQ(Http(port_, "GET", "/api/v1/audit", "", {{"Authorization", "Bearer " + editor}}).status, 403);
}

TEST_P(HttpApi, UnitChangesAreAuditedWithRequestId_ORG2_P9) {
    auto admin = Token("admin");
    auto unit = app_->Internals().units->FindByCode("BO-YT")->id;
    auto r = Http(port_, "POST", "/api/v1/units/" + std::to_string(unit) + "/rename",
                  "{\"name_vi\":\"Bộ Y tế (mới)\",\"name_en\":\"Ministry of Health\",\"effective\":\"2030-01-01\"}",
                  {{"Authorization", "Bearer " + admin}, {"X-Forwarded-For", "198.51.100.23"}});
    ASSERT_EQ(r.status, 200) << r.body;
    auto rid = r.Header("x-request-id");
    auto recs = app_->Internals().audit.Find(*app_->Internals().db, {.action_prefix = "unit.rename"});
    ASSERT_EQ(recs.size(), 1u);
    EXPECT_EQ(recs[0].request_id, rid);
    EXPECT_EQ(recs[0].actor_username, "admin");
    EXPECT_EQ(recs[0].actor_role, "system_admin");
    EXPECT_EQ(recs[0].address, "127.0.0.1") << "X-Forwarded-For is ignored when no proxy is trusted";
    auto old = Http(port_, "GET", "/api/v1/units/" + std::to_string(unit) + "?date=2029-12-31", "",
                    {{"Authorization", "Bearer " + admin}});
    EXPECT_NE(old.body.find("\"name_vi\":\"Bộ Y tế\""), std::string::npos);
}

TEST_P(HttpApi, CalendarApi_X1) {
    auto t = Token("admin");
    auto add =
        Http(port_, "GET", "/api/v1/calendar/add?from=" + UrlEncode("2026-02-13T16:00:00+07:00") + "&working_hours=4",
             "", {{"Authorization", "Bearer " + t}});
    ASSERT_EQ(add.status, 200) << add.body;
    EXPECT_NE(add.body.find("2026-02-23T11:00:00+07:00"), std::string::npos) << add.body;
    auto bad = Http(port_, "GET", "/api/v1/calendar/add?from=yesterday&working_hours=4", "",
                    {{"Authorization", "Bearer " + t}});
    EXPECT_EQ(bad.status, 400);
    auto hol = Http(port_, "GET", "/api/v1/calendar/holidays?year=2026", "", {{"Authorization", "Bearer " + t}});
    EXPECT_NE(hol.body.find("2026-02-17"), std::string::npos);
}

// covers X-1: an official schedule is previewed (API and admin page) before it is saved; the
// preview changes nothing and needs the same permission as saving.
TEST_P(HttpApi, CalendarYearPreviewBeforeSaving_X1) {
    const std::string schedule =
        "{\"year\": 2027, \"source\": \"Thông báo Tết 2027 thử\", \"days_off\": ["
        "{\"date\": \"2027-02-04\", \"name_vi\": \"Tết Nguyên đán\", \"name_en\": \"Lunar New Year\", \"holiday\": "
        "\"tet\"},"
        "{\"date\": \"2027-03-08\", \"name_vi\": \"Nghỉ thêm\", \"name_en\": \"Extra day off\"}], \"working_days\": "
        "[]}";
    // One sign-in per person (a TOTP code is accepted once), with a token made from it.
    const auto token_of = [&](Browser& br) {
        auto r = br.PostJson("/api/v1/tokens", "{\"name\":\"t\",\"scopes\":[\"*\"],\"days\":1}",
                             {{"X-CSRF-Token", Csrf(br)}});
        EXPECT_EQ(r.status, 201) << r.body;
        return std::string(json::parse(r.body).at("token").as_string());
    };
    auto b = SignIn("admin");
    auto leader_page = SignIn("lanhdao");
    const auto t = token_of(b);
    const auto leader = token_of(leader_page);
    const auto audits = AuditCount();
    auto p = Http(port_, "POST", "/api/v1/calendar/years/preview", schedule,
                  {{"Authorization", "Bearer " + t}, {"Content-Type", "application/json"}});
    ASSERT_EQ(p.status, 200) << p.body;
    auto doc = json::parse(p.body).as_object();
    EXPECT_EQ(doc.at("year").as_int64(), 2027);
    EXPECT_TRUE(doc.at("replaces").is_null());
    std::map<std::string, std::string> origin;
    for (const auto& d : doc.at("days").as_array()) {
        auto& o = origin[std::string(d.at("date").as_string())];
        o += (o.empty() ? "" : "+") + std::string(d.at("origin").as_string());
    }
    EXPECT_EQ(origin["2027-02-04"], "official");
    EXPECT_EQ(origin["2027-02-05"], "replaced") << "computed Tết";
    EXPECT_EQ(origin["2027-04-30"], "computed") << "not named: kept";
    EXPECT_EQ(origin["2027-03-08"], "official");
    EXPECT_EQ(AuditCount(), audits) << "a preview changes nothing";
    auto years = Http(port_, "GET", "/api/v1/calendar/years", "", {{"Authorization", "Bearer " + t}});
    EXPECT_EQ(years.body.find("\"year\":2027"), std::string::npos) << years.body;
    EXPECT_EQ(Http(port_, "POST", "/api/v1/calendar/years/preview", "{\"year\": 2027}",
                   {{"Authorization", "Bearer " + t}, {"Content-Type", "application/json"}})
                  .status,
              400);
    // The same permission as saving: a leader may read the calendar but not manage it.
    EXPECT_EQ(Http(port_, "POST", "/api/v1/calendar/years/preview", schedule,
                   {{"Authorization", "Bearer " + leader}, {"Content-Type", "application/json"}})
                  .status,
              403);

    // The admin page: the schedule form posts to the preview, whose save form carries the same text.
    auto page = b.Get("/admin/calendar");
    ASSERT_EQ(page.status, 200);
    EXPECT_NE(page.body.find("action=\"/admin/calendar/years/preview\""), std::string::npos);
    const auto csrf = testing::FormValue(page.body, "_csrf");
    auto shown = b.Post("/admin/calendar/years/preview",
                        "_csrf=" + csrf + "&calendar=vn-office&schedule=" + UrlEncode(schedule));
    ASSERT_EQ(shown.status, 200) << shown.body;
    EXPECT_NE(shown.body.find("id=\"calendar-save-year\""), std::string::npos);
    EXPECT_NE(shown.body.find("data-date=\"2027-02-05\" data-origin=\"replaced\""), std::string::npos) << shown.body;
    EXPECT_NE(shown.body.find("data-date=\"2027-04-30\" data-origin=\"computed\""), std::string::npos);
    EXPECT_EQ(AuditCount(), audits);
    // What the save form carries is the text that was previewed (HTML-escaped in a textarea).
    const auto save_form = shown.body.substr(shown.body.find("id=\"calendar-save-year\""));
    EXPECT_NE(save_form.find("Thông báo Tết 2027 thử"), std::string::npos);
    auto saved =
        b.Post("/admin/calendar/years", "_csrf=" + csrf + "&calendar=vn-office&schedule=" + UrlEncode(schedule));
    ASSERT_EQ(saved.status, 303) << saved.body;
    EXPECT_EQ(AuditCount(), audits + 1);
    auto hol = Http(port_, "GET", "/api/v1/calendar/holidays?year=2027", "", {{"Authorization", "Bearer " + t}});
    EXPECT_NE(hol.body.find("2027-04-30"), std::string::npos) << "the computed 30/4 stays after saving";
    EXPECT_NE(hol.body.find("2027-03-08"), std::string::npos);
    EXPECT_EQ(hol.body.find("2027-02-05"), std::string::npos) << "the computed Tết eve is replaced";

    auto bad = b.Post("/admin/calendar/years/preview", "_csrf=" + csrf + "&schedule=" + UrlEncode("{\"year\": 2027"));
    EXPECT_EQ(bad.status, 400);
    EXPECT_NE(bad.body.find("id=\"calendar-preview-error\""), std::string::npos);
    EXPECT_EQ(bad.body.find("id=\"calendar-save-year\""), std::string::npos) << "nothing to save";
    const auto leader_csrf = testing::FormValue(leader_page.Get("/admin/calendar").body, "_csrf");
    EXPECT_EQ(
        leader_page.Post("/admin/calendar/years/preview", "_csrf=" + leader_csrf + "&schedule=" + UrlEncode(schedule))
            .status,
        403);
}

TEST_P(HttpApi, LanguageSwitch_X7) {
    auto vi = Http(port_, "GET", "/login");
    EXPECT_NE(vi.body.find("Đăng nhập"), std::string::npos);
    EXPECT_NE(vi.body.find("lang=\"vi\""), std::string::npos);
    auto en = Http(port_, "GET", "/login", "", {{"Cookie", "lang=en"}});
    EXPECT_NE(en.body.find("Sign in"), std::string::npos);
    EXPECT_NE(en.body.find("lang=\"en\""), std::string::npos);
}

// Two nodes on one PostgreSQL database: a revocation made on node A closes the person's live
// stream on node B within a second, and node B refuses the session at once. covers P-7, X-5
TEST(TwoNodes, RevocationReachesEveryNodeWithinASecond_P7) {
    std::string url;
    auto db = testing::OpenTestDatabase(core::db::Engine::kPostgres, &url);
    if (!db) {
        const char* ci = std::getenv("CI");
        if (ci && std::string(ci) == "true") FAIL() << "VANPHONG_TEST_PG_DSN is not set in CI";
        GTEST_SKIP() << "PostgreSQL not configured";
    }
    db.reset();
    auto make = [&](const std::string& name) {
        app::Config c;
        c.data_dir =
            (std::filesystem::temp_directory_path() / ("vp-node-" + name + std::to_string(::getpid()))).string();
        c.database = url;
        c.port = 0;
        c.demo = false;
        c.jobs = false;
        c.access_log = false;
        c.node_id = name;
        // Every node of one database shares the key that seals secrets at rest.
        c.secret_key_file =
            (std::filesystem::temp_directory_path() / ("vp-nodes-key-" + std::to_string(::getpid()))).string();
        return std::make_unique<app::App>(c);
    };
    auto a = make("a");
    auto b = make("b");
    auto port_a = a->StartInBackground();
    auto port_b = b->StartInBackground();
    auto& in = a->Internals();
    auto editor_unit = in.units->FindByCode("VPTW-TTCNTT")->id;
    auto secret = auth::Base32Encode(auth::GenerateTotpSecret());
    ASSERT_TRUE(in.auth
                    ->CreateActive(core::access::Principal::Operator(),
                                   {.username = "bientap",
                                    .full_name = "Biên Tập",
                                    .unit_id = editor_unit,
                                    .roles = {{"editor", editor_unit}}},
                                   kPassword, secret)
                    .ok());
    // The editor signs in on node B.
    auto login = Http(port_b, "POST", "/api/v1/session",
                      std::string("{\"username\":\"bientap\",\"password\":\"") + kPassword + "\"}");
    ASSERT_EQ(login.status, 200);
    auto cookie = login.Header("set-cookie").substr(0, login.Header("set-cookie").find(';'));
    auto csrf = std::string(json::parse(login.body).at("csrf_token").as_string());
    auto code = auth::TotpCode(auth::TryBase32Decode(secret).value(), std::time(nullptr));
    ASSERT_EQ(Http(port_b, "POST", "/api/v1/session/second-factor", "{\"code\":\"" + code + "\"}",
                   {{"Cookie", cookie}, {"X-CSRF-Token", csrf}})
                  .status,
              200);
    std::string stream_out;
    std::thread reader([&] {
        stream_out = testing::RawExchange(
            port_b, "GET /api/v1/events HTTP/1.1\r\nHost: x\r\nCookie: " + cookie + "\r\n\r\n", 6000);
    });
    std::this_thread::sleep_for(std::chrono::milliseconds(700));
    // An operator revokes the account through node A's services.
    auto uid = in.auth->FindUserByName("bientap")->id;
    const auto t0 = std::chrono::steady_clock::now();
    auto revoked = in.auth->Revoke(core::access::Principal::Operator(), uid, "vi phạm");
    EXPECT_TRUE(revoked.ok());
    EXPECT_EQ(Http(port_b, "GET", "/api/v1/me", "", {{"Cookie", cookie}}).status, 401)
        << "node B refuses the session at once";
    reader.join();
    EXPECT_NE(stream_out.find("event: session.ended"), std::string::npos) << stream_out;
    EXPECT_LT(std::chrono::steady_clock::now() - t0, std::chrono::milliseconds(1500));
    (void)port_a;
}

// The same server behind a trusted reverse proxy (127.0.0.1, where the tests connect from)
// with a tight per-address request limit.
class HttpBehindProxy : public HttpApi {
protected:
    void Configure(app::Config& c) override {
        c.rate_limit = 2;
        c.rate_burst = 20;
        c.trusted_proxies = "127.0.0.1/32, ::1";
    }
};

TEST_P(HttpBehindProxy, RequestsPerClientAreLimitedWith429AndRetryAfter_X3) {
    const std::map<std::string, std::string> client_a{{"X-Forwarded-For", "203.0.113.10"}};
    int served = 0;
    testing::HttpReply refused;
    for (int i = 0; i < 40; ++i) {
        auto r = Http(port_, "GET", "/api/v1/me", "", client_a);
        if (r.status == 429) {
            refused = r;
            break;
        }
        EXPECT_EQ(r.status, 401);
        ++served;
    }
    // The burst, plus at most the tokens refilled while the loop ran.
    EXPECT_GE(served, 20);
    EXPECT_LE(served, 24);
    ASSERT_EQ(refused.status, 429);
    auto err = json::parse(refused.body).at("error");
    EXPECT_EQ(err.at("code").as_string(), "too_many_requests");
    EXPECT_NE(std::string(err.at("message").as_string()).find("Quá nhiều yêu cầu"), std::string::npos);
    EXPECT_EQ(refused.Header("retry-after"), "1");
    // A page gets the Vietnamese error page, not JSON.
    auto page = Http(port_, "GET", "/login", "", client_a);
    EXPECT_EQ(page.status, 429);
    EXPECT_NE(page.body.find("Quá nhiều yêu cầu"), std::string::npos);
    // Another client behind the same proxy has its own allowance.
    EXPECT_EQ(Http(port_, "GET", "/api/v1/me", "", {{"X-Forwarded-For", "203.0.113.11"}}).status, 401);
    // Static files and the health probe stay reachable for the limited client.
    EXPECT_EQ(Http(port_, "GET", "/static/app.css", "", client_a).status, 200);
    EXPECT_EQ(Http(port_, "GET", "/healthz", "", client_a).status, 200);
    // A moment later the client may go on.
    std::this_thread::sleep_for(std::chrono::milliseconds(1100));
    EXPECT_EQ(Http(port_, "GET", "/api/v1/me", "", client_a).status, 401);
    // Refusals are counted under their route.
    auto m = Http(port_, "GET", "/metrics");
    EXPECT_NE(m.body.find("route=\"/api/v1/me\",method=\"GET\",status=\"429\"}"), std::string::npos) << m.body;
}

TEST_P(HttpBehindProxy, TheAuditLogRecordsTheClientTheProxySaw_X3_P9) {
    auto admin = Token("admin");
    auto unit = app_->Internals().units->FindByCode("BO-YT")->id;
    // The client claims 1.2.3.4 in a header line of its own; the proxy adds its own line (as
    // HAProxy does) with the address it saw. Both lines count, right-most last.
    const std::string body =
        "{\"name_vi\":\"Bộ Y tế (mới)\",\"name_en\":\"Ministry of Health\",\"effective\":\"2030-01-01\"}";
    auto r = testing::RawExchange(port_, "POST /api/v1/units/" + std::to_string(unit) +
                                             "/rename HTTP/1.1\r\nHost: x\r\n"
                                             "Authorization: Bearer " +
                                             admin +
                                             "\r\nContent-Type: application/json\r\n"
                                             "X-Forwarded-For: 1.2.3.4\r\nX-Forwarded-For: 198.51.100.23\r\n"
                                             "Content-Length: " +
                                             std::to_string(body.size()) + "\r\nConnection: close\r\n\r\n" + body);
    ASSERT_TRUE(r.starts_with("HTTP/1.1 200")) << r.substr(0, 300);
    auto recs = app_->Internals().audit.Find(*app_->Internals().db, {.action_prefix = "unit.rename"});
    ASSERT_EQ(recs.size(), 1u);
    EXPECT_EQ(recs[0].address, "198.51.100.23") << "the right-most hop, not the client's own claim";
}

TEST_P(HttpBehindProxy, MetricsAreForTheOperatorsNetworksOnly_X5) {
    // By default only loopback may read /metrics: a client behind the proxy may not, even
    // though the proxy itself is on loopback.
    auto outside = Http(port_, "GET", "/metrics", "", {{"X-Forwarded-For", "203.0.113.10"}});
    EXPECT_EQ(outside.status, 403);
    EXPECT_EQ(outside.body.find("vp_http_requests_total"), std::string::npos);
    EXPECT_EQ(Http(port_, "GET", "/metrics", "", {{"X-Forwarded-For", "127.0.0.1"}}).status, 200);
    EXPECT_EQ(Http(port_, "GET", "/metrics").status, 200);
}

// /metrics limited to the configured networks (none of which the tests connect from) or a
// bearer token. covers X-3, X-5
class HttpMetricsAccess : public HttpApi {
protected:
    void Configure(app::Config& c) override {
        c.metrics_allow = "192.0.2.0/24, 2001:db8::/32";
        c.metrics_token = "Bang-Do-Do-Luong-2026";
    }
};

TEST_P(HttpMetricsAccess, MetricsNeedAnAllowedNetworkOrTheToken_X5) {
    EXPECT_EQ(Http(port_, "GET", "/metrics").status, 403);
    for (const char* auth : {"Bearer wrong", "Bearer Bang-Do-Do-Luong-202", "Bearer Bang-Do-Do-Luong-20266",
                             "Basic Bang-Do-Do-Luong-2026", "Bang-Do-Do-Luong-2026", "Bearer "}) {
        EXPECT_EQ(Http(port_, "GET", "/metrics", "", {{"Authorization", auth}}).status, 403) << auth;
    }
    auto ok = Http(port_, "GET", "/metrics", "", {{"Authorization", "Bearer Bang-Do-Do-Luong-2026"}});
    ASSERT_EQ(ok.status, 200);
    EXPECT_NE(ok.body.find("vp_http_requests_total"), std::string::npos);
    EXPECT_EQ(Http(port_, "GET", "/metrics", "", {{"Authorization", "bearer Bang-Do-Do-Luong-2026"}}).status, 200);
    // Only /metrics: the health probe and pages stay open.
    EXPECT_EQ(Http(port_, "GET", "/healthz").status, 200);
    EXPECT_EQ(Http(port_, "GET", "/login").status, 200);
}

// ---------------------------------------------------------------------------------------------
// Portal back office over HTTP (src/portal)

// What a contributor sends with a submission (P-11).
constexpr const char* kContribution =
    R"({"contribution":{"full_name":"Nguyễn Văn An","title":"Phóng viên","unit":"Ban Tuyên giáo","phone":"0243 825 6789",
        "bank_account":"0011 0023 4567","bank_branch":"Vietcombank Hà Nội","head_name":"Trần Thị Bình",
        "head_title":"Trưởng ban","head_approved_on":"2026-03-06"}})";

class PortalHttp : public HttpApi {
protected:
    void SetUp() override {
        HttpApi::SetUp();
        if (IsSkipped() || HasFailure()) return;
        auto root = app_->Internals().units->FindByCode("DCSVN")->id;
        for (auto [name, role] : {std::pair{"ctv", "contributor"},
                                  {"bientap", "editor"},
                                  {"kiemduyet", "reviewer"},
                                  {"xuatban", "publisher"},
                                  {"lanhdaobbt", "portal_director"},
                                  {"nhuanbut", "royalty_officer"},
                                  {"quantricong", "portal_admin"}}) {
            MakeUser(name, role, root, "main");
        }
    }
    json::object Call(const std::string& token, const std::string& method, const std::string& path,
                      const std::string& body = "", int expect = 200, const std::string& lang = "") {
        std::map<std::string, std::string> h{{"Authorization", "Bearer " + token}};
        if (!lang.empty()) h["Cookie"] = "lang=" + lang;
        auto r = Http(port_, method, path, body, h);
        EXPECT_EQ(r.status, expect) << method << " " << path << ": " << r.body;
        auto v = json::parse(r.body.empty() ? "{}" : r.body);
        return v.is_object() ? v.as_object() : json::object{};
    }
};

// covers P-21, X-2, X-4, X-7: the public site shows what is published, answers 304 to its own
// validators, drops a page from its cache the moment the item leaves, and serves feeds, the
// sitemap, robots.txt and the search API.
TEST_P(PortalHttp, ThePublicSiteFollowsPublicationAndWithdrawal_P21_X7) {
    auto bt = Token("bientap"), kd = Token("kiemduyet"), xb = Token("xuatban");
    auto created = Call(bt, "POST", "/api/v1/portal/items",
                        R"({"portal":"main","kind":"news","language":"vi","title":"Đảng bộ tỉnh tổng kết nghị quyết",
                            "lead":"Hội nghị tổng kết","body_html":"<p>Đảng bộ tổng kết việc thực hiện nghị quyết.</p>",
                            "source":"TTXVN","sections":["thoi-su"]})",
                        201);
    const auto id = created.at("id").as_int64();
    const auto base = "/api/v1/portal/items/" + std::to_string(id);
    Call(bt, "POST", base + "/actions/submit");
    Call(bt, "POST", base + "/actions/take");
    Call(bt, "POST", base + "/actions/send_to_review");
    Call(kd, "POST", base + "/actions/approve");
    EXPECT_EQ(Http(port_, "GET", "/").body.find("Đảng bộ tỉnh tổng kết nghị quyết"), std::string::npos)
        << "not yet published";
    Call(xb, "POST", base + "/actions/publish");
    auto home = Http(port_, "GET", "/");
    ASSERT_EQ(home.status, 200);
    EXPECT_NE(home.body.find("Đảng bộ tỉnh tổng kết nghị quyết"), std::string::npos) << "the cache was emptied";
    EXPECT_NE(home.body.find("<html lang=\"vi\">"), std::string::npos);
    EXPECT_NE(home.body.find("application/rss+xml"), std::string::npos) << "feed discovery";
    const auto etag = home.headers["etag"];
    ASSERT_FALSE(etag.empty());
    EXPECT_EQ(home.headers["cache-control"], "public, max-age=60");
    auto again = Http(port_, "GET", "/", "", {{"If-None-Match", etag}});
    EXPECT_EQ(again.status, 304);
    EXPECT_TRUE(again.body.empty());
    EXPECT_EQ(Http(port_, "GET", "/", "", {{"If-Modified-Since", home.headers["last-modified"]}}).status, 304);
    // The article at its canonical address (a short one redirects there), with its JSON-LD.
    auto short_url = Http(port_, "GET", "/bai-viet/" + std::to_string(id));
    ASSERT_EQ(short_url.status, 303);
    const auto article_path = short_url.headers["location"];
    EXPECT_EQ(article_path, "/bai-viet/" + std::to_string(id) + "-dang-bo-tinh-tong-ket-nghi-quyet");
    auto article = Http(port_, "GET", article_path);
    ASSERT_EQ(article.status, 200);
    EXPECT_NE(article.body.find("\"@type\":\"NewsArticle\""), std::string::npos);
    EXPECT_NE(article.body.find("rel=\"canonical\""), std::string::npos);
    // Feeds, sitemap, robots, the search API.
    auto rss = Http(port_, "GET", "/rss.xml");
    EXPECT_EQ(rss.headers["content-type"], "application/rss+xml; charset=utf-8");
    EXPECT_NE(rss.body.find(article_path), std::string::npos);
    EXPECT_NE(Http(port_, "GET", "/chuyen-muc/thoi-su/atom.xml").body.find(article_path), std::string::npos);
    EXPECT_NE(Http(port_, "GET", "/sitemap.xml").body.find(article_path), std::string::npos);
    EXPECT_NE(Http(port_, "GET", "/robots.txt").body.find("Sitemap: "), std::string::npos);
    auto found = json::parse(Http(port_, "GET", "/api/v1/portal/search?q=nghi%20quyet").body).as_object();
    ASSERT_EQ(found.at("total").as_int64(), 1);
    EXPECT_EQ(found.at("results").as_array()[0].at("url").as_string(), article_path);
    EXPECT_NE(std::string(found.at("results").as_array()[0].at("snippet").as_string()).find("<mark>nghị</mark>"),
              std::string::npos);
    EXPECT_EQ(Http(port_, "GET", "/api/v1/portal/search?q=x&page=0").status, 400);
    EXPECT_EQ(Http(port_, "GET", "/api/v1/portal/search?q=x&from=2026-13-01").status, 400);
    EXPECT_NE(Http(port_, "GET", "/tim-kiem?q=%C4%91%E1%BA%A3ng").body.find("<mark>Đảng</mark>"), std::string::npos);
    // Withdrawn: gone from every page at once.
    auto dir = Token("lanhdaobbt");
    Call(dir, "POST", base + "/actions/withdraw", R"({"reason":"Thông tin sai lệch"})");
    EXPECT_EQ(Http(port_, "GET", "/").body.find("Đảng bộ tỉnh tổng kết nghị quyết"), std::string::npos);
    EXPECT_EQ(Http(port_, "GET", article_path).status, 404);
    EXPECT_EQ(Http(port_, "GET", "/rss.xml").body.find(article_path), std::string::npos) << "withdrawn items leave the feed";
    EXPECT_EQ(Http(port_, "GET", "/chuyen-muc/khong-co").status, 404);
    EXPECT_EQ(Http(port_, "GET", "/cong/khong-co").status, 404);
}

// covers X-6: a cached page is answered on the network thread from a prepared answer (sent
// from a file with sendfile from 4 KiB on: the home and section pages here; from memory when
// smaller: the feed); every way of asking gets
// the same bytes and validators: keep-alive (the prepared answer, no request id), Connection:
// close, HTTP/1.0, HEAD, and a conditional GET.
TEST_P(PortalHttp, ACachedPageIsTheSameAnswerEveryWayItIsAsked_X6) {
    for (const std::string path : {"/", "/rss.xml", "/chuyen-muc/thoi-su"}) {
        SCOPED_TRACE(path);
        const std::string get = "GET " + path + " HTTP/1.1\r\nHost: x\r\n\r\n";
        // The first renders and stores; the next three are hits.
        auto four = SplitResponses(testing::RawExchange(
            port_, get + get + get + "GET " + path + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"));
        ASSERT_EQ(four.size(), 4u);
        for (const auto& one : four) {
            EXPECT_TRUE(one.head.starts_with("HTTP/1.1 200 OK\r\n")) << one.head;
            EXPECT_EQ(one.body, four[0].body);
            EXPECT_NE(one.head.find("\r\nETag: \""), std::string::npos) << one.head;
            EXPECT_NE(one.head.find("\r\nLast-Modified: "), std::string::npos) << one.head;
            EXPECT_NE(one.head.find("\r\nCache-Control: public, max-age=60\r\n"), std::string::npos) << one.head;
            EXPECT_NE(one.head.find("\r\nX-Content-Type-Options: nosniff\r\n"), std::string::npos) << one.head;
            EXPECT_NE(one.head.find("frame-ancestors 'none'"), std::string::npos) << one.head;
        }
        EXPECT_GT(four[0].body.size(), 100u);
        EXPECT_EQ(four[1].head.find("X-Request-Id"), std::string::npos) << "the prepared answer: " << four[1].head;
        EXPECT_NE(four[3].head.find("Connection: close"), std::string::npos) << four[3].head;
        EXPECT_NE(four[3].head.find("X-Request-Id: "), std::string::npos) << four[3].head;
        auto old = SplitResponses(testing::RawExchange(port_, "GET " + path + " HTTP/1.0\r\nHost: x\r\n\r\n"));
        ASSERT_EQ(old.size(), 1u);
        EXPECT_TRUE(old[0].head.starts_with("HTTP/1.0 200 OK\r\n")) << old[0].head;
        EXPECT_EQ(old[0].body, four[0].body);
        auto head = testing::RawExchange(port_, "HEAD " + path + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
        auto heads = SplitResponses(head, false);
        ASSERT_EQ(heads.size(), 1u);
        EXPECT_NE(heads[0].head.find("Content-Length: " + std::to_string(four[0].body.size()) + "\r\n"),
                  std::string::npos);
        EXPECT_EQ(head.size(), heads[0].head.size()) << "no body after a HEAD answer";
        std::smatch etag;
        ASSERT_TRUE(std::regex_search(four[1].head, etag, std::regex("\r\nETag: (\"[0-9a-f]+\")\r\n")));
        auto cond = SplitResponses(testing::RawExchange(port_, "GET " + path + " HTTP/1.1\r\nHost: x\r\nIf-None-Match: " +
                                                                   etag[1].str() + "\r\nConnection: close\r\n\r\n"),
                                   false);
        ASSERT_EQ(cond.size(), 1u);
        EXPECT_TRUE(cond[0].head.starts_with("HTTP/1.1 304 Not Modified\r\n")) << cond[0].head;
    }
}

// covers X-7: a second node on the same database caches the page too, and a take-down on the
// first node leaves the second node's cache within a second (the event bus: PostgreSQL NOTIFY,
// SQLite's shared file).
TEST_P(PortalHttp, ATakeDownLeavesEveryNodesCacheWithinASecond_X7) {
    auto node2_config = config_;
    node2_config.data_dir = (dir_ / "node2").string();
    std::filesystem::create_directories(node2_config.data_dir);
    node2_config.secret_key_file = (dir_ / "secret.key").string();  // every node shares the keys
    auto node2 = std::make_unique<app::App>(node2_config);
    const auto port2 = node2->StartInBackground();
    auto bt = Token("bientap"), kd = Token("kiemduyet"), xb = Token("xuatban"), dir = Token("lanhdaobbt");
    auto created = Call(bt, "POST", "/api/v1/portal/items",
                        R"({"portal":"main","kind":"news","title":"Tin hai máy chủ","source":"TTXVN","sections":["thoi-su"]})", 201);
    const auto base = "/api/v1/portal/items/" + std::to_string(created.at("id").as_int64());
    EXPECT_EQ(Http(port2, "GET", "/").body.find("Tin hai máy chủ"), std::string::npos);  // cached on node 2
    for (const char* a : {"submit", "take", "send_to_review"}) Call(bt, "POST", base + "/actions/" + a);
    Call(kd, "POST", base + "/actions/approve");
    Call(xb, "POST", base + "/actions/publish");
    auto shows = [&](int port) { return Http(port, "GET", "/").body.find("Tin hai máy chủ") != std::string::npos; };
    EXPECT_TRUE(shows(port_)) << "the node that published: at once";
    auto within = [&](std::chrono::milliseconds limit, bool want) {
        const auto start = std::chrono::steady_clock::now();
        while (shows(port2) != want) {
            if (std::chrono::steady_clock::now() - start > limit) return false;
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
        }
        return true;
    };
    ASSERT_TRUE(within(std::chrono::milliseconds(1000), true)) << "node 2 emptied its cache for the publication";
    auto etag = Http(port2, "GET", "/").headers["etag"];
    EXPECT_EQ(Http(port2, "GET", "/", "", {{"If-None-Match", etag}}).status, 304) << "node 2 serves it from its cache";
    Call(dir, "POST", base + "/actions/withdraw", R"({"reason":"Thông tin chưa chính xác"})");
    EXPECT_FALSE(shows(port_));
    EXPECT_TRUE(within(std::chrono::milliseconds(1000), false)) << "gone from node 2 within a second";
    EXPECT_NE(Http(port2, "GET", "/", "", {{"If-None-Match", etag}}).status, 304);
    node2.reset();
}

// covers P-21: above the addresses one sitemap may hold (lowered to 3 here), /sitemap.xml is an
// index of parts per portal, each part a sitemap, every published item in exactly one.
class PortalHttpLargeSitemap : public PortalHttp {
protected:
    void Configure(app::Config& c) override { c.sitemap_max_urls = 3; }
};

TEST_P(PortalHttpLargeSitemap, ALargeSitemapIsAnIndexOfParts_P21) {
    auto bt = Token("bientap"), kd = Token("kiemduyet"), xb = Token("xuatban");
    std::vector<std::string> paths;
    for (const char* title : {"Tin thứ nhất", "Tin thứ hai", "Tin thứ ba"}) {
        auto created = Call(bt, "POST", "/api/v1/portal/items",
                            std::string(R"({"portal":"main","kind":"news","source":"TTXVN","sections":["thoi-su"],"title":")") +
                                title + "\"}",
                            201);
        const auto id = std::to_string(created.at("id").as_int64());
        const auto base = "/api/v1/portal/items/" + id;
        for (const char* a : {"submit", "take", "send_to_review"}) Call(bt, "POST", base + "/actions/" + a);
        Call(kd, "POST", base + "/actions/approve");
        Call(xb, "POST", base + "/actions/publish");
        paths.push_back(Http(port_, "GET", "/bai-viet/" + id).headers["location"]);
    }
    auto index = Http(port_, "GET", "/sitemap.xml");
    ASSERT_EQ(index.status, 200);
    EXPECT_NE(index.body.find("<sitemapindex"), std::string::npos) << index.body;
    EXPECT_NE(index.body.find("/sitemaps/main-1.xml</loc>"), std::string::npos);
    EXPECT_NE(index.body.find("/sitemaps/main-2.xml</loc>"), std::string::npos);
    EXPECT_EQ(index.body.find("/sitemaps/main-3.xml"), std::string::npos) << "home + 3 items: two parts of 3";
    const auto one = Http(port_, "GET", "/sitemaps/main-1.xml"), two = Http(port_, "GET", "/sitemaps/main-2.xml");
    ASSERT_EQ(one.status, 200);
    ASSERT_EQ(two.status, 200);
    EXPECT_NE(one.body.find("<urlset"), std::string::npos);
    for (const auto& path : paths) {
        const int seen = (one.body.find(path + "</loc>") != std::string::npos) + (two.body.find(path + "</loc>") != std::string::npos);
        EXPECT_EQ(seen, 1) << path << " in exactly one part";
    }
    for (const char* bad : {"/sitemaps/main-3.xml", "/sitemaps/main-01.xml", "/sitemaps/main-0.xml", "/sitemaps/khong-co-1.xml",
                            "/sitemaps/main-1.txt", "/sitemaps/main.xml"})
        EXPECT_EQ(Http(port_, "GET", bad).status, 404) << bad;
}

// covers P-10, P-13, P-14, P-16, X-4
TEST_P(PortalHttp, AnItemGoesFromDraftToPublicationOverTheApi_P10_P14) {
    auto ctv = Token("ctv"), bt = Token("bientap"), kd = Token("kiemduyet"), xb = Token("xuatban");
    auto created = Call(ctv, "POST", "/api/v1/portal/items",
                        R"({"portal":"main","kind":"news","language":"vi","title":"Khai mạc Hội nghị Trung ương",
                            "lead":"Sáng nay…","body_html":"<p>Nội dung<script>alert(1)</script></p>","source":"TTXVN",
                            "sections":["thoi-su"],"tags":["hội nghị"],"event_at":"2026-03-09T08:30:00+07:00"})",
                        201);
    const auto id = std::to_string(created.at("id").as_int64());
    EXPECT_EQ(created.at("state").as_string(), "draft");
    EXPECT_EQ(created.at("body_html").as_string(), "<p>Nội dung</p>") << "sanitised on the server";
    EXPECT_TRUE(created.at("live_revision").is_null());
    EXPECT_EQ(created.at("deadline").at("due_at").as_string(), "2026-03-10T08:30:00+07:00");
    const auto base = "/api/v1/portal/items/" + id;
    Call(ctv, "POST", base + "/actions/submit", kContribution);
    Call(ctv, "POST", base + "/actions/take", "", 403);
    Call(bt, "POST", base + "/actions/take");
    Call(
        bt, "PUT", base,
        R"({"title":"Khai mạc Hội nghị lần thứ nhất","body_html":"<p>Nội dung</p><p>Thêm</p>","source":"TTXVN","sections":["thoi-su"],"event_at":"2026-03-09T08:30:00+07:00"})");
    Call(bt, "POST", base + "/actions/send_to_review");
    auto back = Call(kd, "POST", base + "/actions/send_back", "{}", 400);
    EXPECT_EQ(back.at("error").at("field").as_string(), "comment");
    Call(kd, "POST", base + "/actions/approve");
    Call(kd, "POST", base + "/actions/approve", "", 409);
    auto live = Call(xb, "POST", base + "/actions/publish");
    EXPECT_EQ(live.at("state").as_string(), "published");
    EXPECT_EQ(live.at("live_revision").as_int64(), 2);
    EXPECT_EQ(live.at("post_check").at("state").as_string(), "pending");
    EXPECT_TRUE(live.at("pending_revision").is_null());
    // An edit of the published item is pending; the live revision stays.
    auto pending = Call(bt, "PUT", base,
                        R"({"title":"Tiêu đề mới","body_html":"<p>Sửa</p>","source":"TTXVN","sections":["thoi-su"]})");
    EXPECT_EQ(pending.at("live_revision").as_int64(), 2);
    EXPECT_EQ(pending.at("pending_revision").as_int64(), 3);
    auto revs = Call(bt, "GET", base + "/revisions");
    EXPECT_EQ(revs.at("revisions").as_array().size(), 3u);
    auto diff = Call(bt, "GET", base + "/revisions/1/diff/2");
    EXPECT_FALSE(diff.at("fields").as_array().empty());
    auto hist = Call(bt, "GET", base + "/history");
    EXPECT_GE(hist.at("history").as_array().size(), 7u);
    auto queue = Call(bt, "GET", "/api/v1/portal/items?pending=1");
    EXPECT_EQ(queue.at("items").as_array().size(), 1u);
    auto checks = Call(kd, "GET", "/api/v1/portal/post-checks?portal=main");
    ASSERT_EQ(checks.at("post_checks").as_array().size(), 1u);
    const auto check = std::to_string(checks.at("post_checks").as_array()[0].at("id").as_int64());
    Call(kd, "POST", "/api/v1/portal/post-checks/" + check + "/complete", R"({"outcome":"checked"})");
    Call(kd, "POST", "/api/v1/portal/post-checks/" + check + "/complete", R"({"outcome":"checked"})", 409);
}

// covers P-11, P-17, P-31 over the API: a contributor's details, the screening hold and its
// confirmation, the royalty table and the quarterly report as JSON and XLSX.
TEST_P(PortalHttp, ContributorsScreeningAndRoyaltiesOverTheApi_P11_P17_P31) {
    auto ctv = Token("ctv"), bt = Token("bientap"), kd = Token("kiemduyet"), xb = Token("xuatban"),
         nb = Token("nhuanbut"), qt = Token("quantricong");
    Call(bt, "POST", "/api/v1/portal/portals/main/prohibited-terms", R"({"term":"xuyên tạc"})", 403);
    auto term = Call(qt, "POST", "/api/v1/portal/portals/main/prohibited-terms",
                     R"({"term":"xuyên tạc","note":"Điều 5"})", 201);
    EXPECT_EQ(Call(qt, "GET", "/api/v1/portal/portals/main/prohibited-terms").at("terms").as_array().size(), 1u);
    Call(nb, "POST", "/api/v1/portal/portals/main/royalty-rates", R"({"kind":"news","grade":"B","amount":"200.000"})",
         201);
    Call(nb, "POST", "/api/v1/portal/portals/main/royalty-rates", R"({"kind":"news","grade":"B","amount":"abc"})", 400);
    auto created = Call(ctv, "POST", "/api/v1/portal/items",
                        R"({"portal":"main","kind":"news","title":"Phản bác luận điệu xuyen tac","source":"TTXVN",
                            "sections":["thoi-su"],"royalty_grade":"B"})",
                        201);
    const auto base = "/api/v1/portal/items/" + std::to_string(created.at("id").as_int64());
    auto refused = Call(ctv, "POST", base + "/actions/submit", "{}", 400);
    EXPECT_EQ(refused.at("error").at("field").as_string(), "contribution");
    auto missing = Call(ctv, "POST", base + "/actions/submit",
                        R"({"contribution":{"full_name":"Nguyễn Văn An","title":"PV","unit":"Ban","phone":"0243825678",
                            "bank_account":"001100234567","bank_branch":"VCB","head_name":"Bình","head_title":"Trưởng ban"}})",
                        400);
    EXPECT_EQ(missing.at("error").at("field").as_string(), "contribution.head_approved_on");
    EXPECT_EQ(Call(bt, "GET", base).at("state").as_string(), "draft") << "nothing moved";
    Call(ctv, "POST", base + "/actions/submit", kContribution);
    auto masked = Call(bt, "GET", base + "/contributions").at("contributions").as_array();
    ASSERT_EQ(masked.size(), 1u);
    EXPECT_EQ(masked[0].at("bank_account").as_string(), "•••• 4567");
    EXPECT_EQ(Call(nb, "GET", base + "/contributions").at("contributions").as_array()[0].at("bank_account").as_string(),
              "0011 0023 4567");
    Call(bt, "POST", base + "/actions/take");
    Call(bt, "POST", base + "/actions/send_to_review");
    Call(kd, "POST", base + "/actions/approve");
    auto item = Call(xb, "GET", base);
    EXPECT_TRUE(item.at("screening").at("held").as_bool());
    EXPECT_EQ(item.at("screening").at("matches").as_array()[0].at("form").as_string(), "folded");
    auto held = Call(xb, "POST", base + "/actions/publish", "", 409);
    EXPECT_NE(std::string(held.at("error").at("message").as_string()).find("xuyên tạc"), std::string::npos);
    Call(xb, "POST", base + "/screening/confirm", R"({"reason":""})", 400);
    Call(bt, "POST", base + "/screening/confirm", R"({"reason":"đã xem"})", 403);
    auto confirmed = Call(xb, "POST", base + "/screening/confirm", R"({"reason":"Bài phản bác, không tuyên truyền"})");
    EXPECT_TRUE(confirmed.at("screening").at("confirmed").as_bool());
    Call(xb, "POST", base + "/actions/publish");
    Call(qt, "POST", "/api/v1/portal/prohibited-terms/" + std::to_string(term.at("id").as_int64()) + "/retire");

    const auto quarter = vp::portal::QuarterOf(std::chrono::time_point_cast<std::chrono::milliseconds>(
                                                   std::chrono::system_clock::now()),
                                               "Asia/Ho_Chi_Minh");
    Call(bt, "GET", "/api/v1/portal/royalties?portal=main&quarter=" + quarter, "", 403);
    Call(nb, "GET", "/api/v1/portal/royalties?portal=main&quarter=2026-Q7", "", 400);
    auto rep = Call(nb, "GET", "/api/v1/portal/royalties?portal=main&quarter=" + quarter);
    EXPECT_EQ(rep.at("total").as_int64(), 200000);
    ASSERT_EQ(rep.at("payees").as_array().size(), 1u);
    EXPECT_EQ(rep.at("payees").as_array()[0].at("payee_name").as_string(), "Nguyễn Văn An");
    auto x = Http(port_, "GET", "/api/v1/portal/royalties.xlsx?portal=main&quarter=" + quarter, "",
                  {{"Authorization", "Bearer " + nb}});
    ASSERT_EQ(x.status, 200) << x.body;
    EXPECT_EQ(x.body.substr(0, 2), "PK");
    EXPECT_EQ(x.headers["content-disposition"], "attachment; filename=\"nhuan-but-main-" + quarter + ".xlsx\"");
}

// covers P-30: the files of a published official document are signed into the registry by the
// portal's key, and anyone can verify them.
TEST_P(PortalHttp, PublishedDocumentFilesAreSignedByThePortal_P30) {
    auto bt = Token("bientap"), kd = Token("kiemduyet"), xb = Token("xuatban");
    std::ifstream in(std::string(VP_SOURCE_DIR) + "/tests/data/pki/sample-signed.pdf", std::ios::binary);
    const std::string pdf((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    ASSERT_FALSE(pdf.empty());
    auto up = Http(port_, "POST", "/api/v1/media?portal=main&purpose=portal.document", pdf,
                   {{"Authorization", "Bearer " + bt}, {"Content-Type", "application/pdf"}, {"X-File-Name", "nghi-quyet-01.pdf"}});
    ASSERT_EQ(up.status, 201) << up.body;
    const std::string sha(json::parse(up.body).at("sha256").as_string());
    auto created = Call(bt, "POST", "/api/v1/portal/items",
                        R"({"portal":"main","kind":"official_document","title":"Nghị quyết số 01-NQ/TW","source":"Văn phòng Trung ương Đảng",
                            "sections":["van-ban"],"issued_at":"2026-03-06T08:00:00+07:00",
                            "document":{"doc_kind":"resolution","number":"01","symbol":"NQ/TW","issuer":"Bộ Chính trị","signer":"Tô Lâm"},
                            "media":[{"url":"/media/)" + sha + R"(","caption":"Toàn văn","credit":"VPTW"}]})",
                        201);
    const auto base = "/api/v1/portal/items/" + std::to_string(created.at("id").as_int64());
    auto before = Http(port_, "GET", "/api/v1/signatures/verify?sha256=" + sha);
    ASSERT_EQ(before.status, 200) << before.body;
    EXPECT_FALSE(json::parse(before.body).at("registered").as_bool()) << "not before publication";
    Call(bt, "POST", base + "/actions/submit");
    Call(bt, "POST", base + "/actions/take");
    Call(bt, "POST", base + "/actions/send_to_review");
    Call(kd, "POST", base + "/actions/approve");
    Call(xb, "POST", base + "/actions/publish");
    auto after = Http(port_, "GET", "/api/v1/signatures/verify?sha256=" + sha);
    ASSERT_EQ(after.status, 200) << after.body;
    auto v = json::parse(after.body).as_object();
    EXPECT_TRUE(v.at("registered").as_bool());
    ASSERT_EQ(v.at("entries").as_array().size(), 1u);
    const auto& e = v.at("entries").as_array()[0].as_object();
    EXPECT_EQ(e.at("signer").as_string(), "portal:main");
    EXPECT_EQ(e.at("owner_module").as_string(), "portal");
    EXPECT_EQ(e.at("filename").as_string(), "nghi-quyet-01.pdf");
    EXPECT_EQ(e.at("size").as_int64(), static_cast<std::int64_t>(pdf.size()));
    EXPECT_TRUE(e.at("signature_valid").as_bool());

    // The public document look-up (P-3) shows it with every filter, its file and the file's
    // registration, and links to the verification page; the article page too.
    auto page = Http(port_, "GET", "/van-ban?kind=resolution&number=01&symbol=nq%2Ftw&issuer=bo%20chinh%20tri");
    ASSERT_EQ(page.status, 200);
    EXPECT_NE(page.body.find("Nghị quyết số 01-NQ/TW"), std::string::npos);
    EXPECT_NE(page.body.find("nghi-quyet-01.pdf"), std::string::npos);
    EXPECT_NE(page.body.find("href=\"/verify?sha256=" + sha + "\""), std::string::npos);
    EXPECT_NE(page.body.find("class=\"registered\""), std::string::npos) << "registered by the portal's key";
    EXPECT_EQ(page.body.find("class=\"verified\""), std::string::npos) << "no trust anchor here: not claimed valid";
    auto other = Http(port_, "GET", "/van-ban?number=99");
    EXPECT_EQ(other.status, 200);
    EXPECT_EQ(other.body.find("Nghị quyết số 01-NQ/TW"), std::string::npos);
    EXPECT_NE(other.body.find("Không có văn bản phù hợp"), std::string::npos);
    EXPECT_EQ(Http(port_, "GET", "/van-ban?kind=edict").status, 400);
    EXPECT_EQ(Http(port_, "GET", "/van-ban?from=2026-02-30").status, 400);
    auto article = Http(port_, "GET", "/bai-viet/" + base.substr(base.rfind('/') + 1));
    ASSERT_EQ(article.status, 303);
    auto shown = Http(port_, "GET", article.headers["location"]);
    EXPECT_NE(shown.body.find("href=\"/verify?sha256=" + sha + "\""), std::string::npos);
}

// covers P-4, P-21: collections by volume and chapter on the public site, and the site's own
// Vietnamese 404 page for any address no module has (the API keeps its JSON answer).
TEST_P(PortalHttp, CollectionsAndTheSites404_P4_P21) {
    auto qt = Token("xuatban");
    auto col = Call(qt, "POST", "/api/v1/portal/collections",
                    R"({"code":"van-kien-thu-nghiem","kind":"party_documents","title_vi":"Văn kiện thử nghiệm","title_en":"Test documents"})",
                    201);
    auto vol = Call(qt, "POST", "/api/v1/portal/collections/van-kien-thu-nghiem/nodes",
                    R"({"level":"volume","label":"Tập 1","title":"1930 - 1945","sort_order":10})", 201);
    Call(qt, "POST", "/api/v1/portal/collections/van-kien-thu-nghiem/nodes",
         R"({"parent":)" + std::to_string(vol.at("id").as_int64()) +
             R"(,"level":"chapter","label":"Chương 1","title":"Cương lĩnh chính trị đầu tiên","sort_order":10})",
         201);
    auto list = Http(port_, "GET", "/tu-lieu");
    ASSERT_EQ(list.status, 200);
    EXPECT_NE(list.body.find("href=\"/tu-lieu/van-kien-thu-nghiem\""), std::string::npos);
    auto tree = Http(port_, "GET", "/tu-lieu/van-kien-thu-nghiem");
    ASSERT_EQ(tree.status, 200);
    const auto v = tree.body.find("1930 - 1945"), c = tree.body.find("Cương lĩnh chính trị đầu tiên");
    ASSERT_NE(v, std::string::npos);
    ASSERT_NE(c, std::string::npos);
    EXPECT_LT(v, c) << "the volume before its chapter";
    EXPECT_NE(tree.body.find("class=\"lvl-2\""), std::string::npos);
    EXPECT_NE(Http(port_, "GET", "/en/tu-lieu").body.find("Test documents"), std::string::npos);
    EXPECT_EQ(Http(port_, "GET", "/tu-lieu/khong-co").status, 404);

    for (const char* path : {"/khong-co-trang-nay", "/a/b/c", "/cong/tu-hue/khong-co"}) {
        auto r = Http(port_, "GET", path);
        EXPECT_EQ(r.status, 404) << path;
        EXPECT_NE(r.body.find("Không tìm thấy trang"), std::string::npos) << path;
        EXPECT_NE(r.body.find("<html lang=\"vi\">"), std::string::npos) << path << ": the site's page";
        EXPECT_NE(r.body.find("noindex"), std::string::npos) << path;
    }
    auto api = Http(port_, "GET", "/api/v1/khong-co");
    EXPECT_EQ(api.status, 404);
    EXPECT_NE(api.body.find("\"not_found\""), std::string::npos) << "the API answers JSON";
    EXPECT_EQ(Http(port_, "POST", "/khong-co", "{}").status, 404) << "only GETs meet the page";
}

// covers P-3, P-25: the register is looked up without an account, by every field.
TEST_P(PortalHttp, TheDocumentRegisterIsLookedUpByEveryField_P3_P25) {
    auto bt = Token("bientap"), kd = Token("kiemduyet"), xb = Token("xuatban");
    Call(bt, "POST", "/api/v1/portal/items",
         R"({"portal":"main","kind":"official_document","title":"Nghị quyết số 01-NQ/TW","source":"VPTW",
             "sections":["van-ban"],"issued_at":"2026-03-06T08:00:00+07:00","document":{"doc_kind":"edict"}})",
         400);
    auto created = Call(bt, "POST", "/api/v1/portal/items",
                        R"({"portal":"main","kind":"official_document","title":"Nghị quyết số 01-NQ/TW về công tác cán bộ",
                            "lead":"Tóm tắt nghị quyết","source":"Văn phòng Trung ương Đảng","sections":["van-ban"],
                            "issued_at":"2026-03-06T08:00:00+07:00",
                            "document":{"doc_kind":"resolution","number":"01","symbol":"NQ/TW","issuer":"Bộ Chính trị","signer":"Tô Lâm"}})",
                        201);
    const auto id = created.at("id").as_int64();
    const auto base = "/api/v1/portal/items/" + std::to_string(id);
    EXPECT_EQ(created.at("document").at("symbol").as_string(), "NQ/TW");
    auto none = Http(port_, "GET", "/api/v1/portal/documents");
    EXPECT_EQ(json::parse(none.body).at("total").as_int64(), 0) << "drafts are not public";
    for (const char* a : {"submit", "take", "send_to_review"}) Call(bt, "POST", base + "/actions/" + a);
    Call(kd, "POST", base + "/actions/approve");
    Call(xb, "POST", base + "/actions/publish");
    for (const char* q : {"?kind=resolution", "?number=01", "?symbol=nq%2Ftw", "?issuer=bo%20chinh%20tri",
                          "?signer=T%C3%B4%20L%C3%A2m", "?from=2026-03-06&to=2026-03-06", "?q=cong%20tac%20can%20bo",
                          "?portal=main"}) {
        auto r = Http(port_, "GET", std::string("/api/v1/portal/documents") + q);
        ASSERT_EQ(r.status, 200) << q << r.body;
        auto v = json::parse(r.body).as_object();
        EXPECT_EQ(v.at("total").as_int64(), 1) << q;
        ASSERT_EQ(v.at("results").as_array().size(), 1u) << q;
        EXPECT_EQ(v.at("results").as_array()[0].at("id").as_int64(), id);
        EXPECT_EQ(v.at("results").as_array()[0].at("issued_at").as_string(), "2026-03-06T08:00:00+07:00");
    }
    for (const char* q : {"?from=2026-03-07", "?to=2026-03-05", "?kind=directive", "?q=ke%20hoach", "?portal=tu-hue"}) {
        auto r = Http(port_, "GET", std::string("/api/v1/portal/documents") + q);
        EXPECT_EQ(json::parse(r.body).at("total").as_int64(), 0) << q;
    }
    EXPECT_EQ(Http(port_, "GET", "/api/v1/portal/documents?from=2026-02-30").status, 400);
    EXPECT_EQ(Http(port_, "GET", "/api/v1/portal/documents?kind=edict").status, 400);
    EXPECT_EQ(Http(port_, "GET", "/api/v1/portal/documents?q=%FF%FE").status, 400) << "not UTF-8";
    EXPECT_EQ(Http(port_, "GET", "/api/v1/portal/documents/" + std::to_string(id)).status, 200);
    EXPECT_EQ(Http(port_, "GET", "/api/v1/portal/documents/999999").status, 404);
    // Placing it on another portal needs that portal's publisher.
    Call(xb, "POST", "/api/v1/portal/portals/main/document-placements",
         R"({"section":"tai-lieu-hoc-tap","document":)" + std::to_string(id) + "}", 201);
    EXPECT_EQ(Http(port_, "POST", "/api/v1/portal/portals/main/document-placements",
                   R"({"section":"tai-lieu-hoc-tap","document":1})")
                  .status,
              401);
    auto placements = Http(port_, "GET", "/api/v1/portal/portals/main/document-placements");
    EXPECT_EQ(json::parse(placements.body).at("placements").as_array().size(), 1u);
}

// covers P-4: collections are built by the main portal's publishers and browsed by anyone.
TEST_P(PortalHttp, CollectionsOverTheApi_P4) {
    auto bt = Token("bientap"), xb = Token("xuatban");
    Call(bt, "POST", "/api/v1/portal/collections", R"({"code":"vkd","kind":"party_documents","title_vi":"Văn kiện Đảng"})",
         403);
    Call(xb, "POST", "/api/v1/portal/collections", R"({"code":"vkd","kind":"party_documents","title_vi":"Văn kiện Đảng"})",
         201);
    auto vol = Call(xb, "POST", "/api/v1/portal/collections/vkd/nodes", R"({"level":"volume","label":"Tập 1","title":"1924-1930"})",
                    201);
    const auto vid = std::to_string(vol.at("id").as_int64());
    Call(xb, "POST", "/api/v1/portal/collections/vkd/nodes",
         R"({"parent":)" + vid + R"(,"level":"chapter","label":"Chương 1","title":"Thanh niên"})", 201);
    Call(xb, "POST", "/api/v1/portal/collections/vkd/nodes", R"({"parent":"x","level":"chapter","title":"x"})", 400);
    auto tree = Http(port_, "GET", "/api/v1/portal/collections/vkd");
    ASSERT_EQ(tree.status, 200);
    auto t = json::parse(tree.body).as_object();
    ASSERT_EQ(t.at("nodes").as_array().size(), 1u);
    EXPECT_EQ(t.at("nodes").as_array()[0].at("children").as_array()[0].at("label").as_string(), "Chương 1");
    Call(xb, "PUT", "/api/v1/portal/collections/vkd/nodes/" + vid, R"({"level":"volume","label":"Tập I","title":"1924-1930"})");
    Call(xb, "POST", "/api/v1/portal/collections/vkd/nodes/" + vid + "/retire");
    t = json::parse(Http(port_, "GET", "/api/v1/portal/collections/vkd").body).as_object();
    EXPECT_TRUE(t.at("nodes").as_array().empty());
    EXPECT_EQ(Http(port_, "GET", "/api/v1/portal/collections/none").status, 404);
    EXPECT_EQ(json::parse(Http(port_, "GET", "/api/v1/portal/collections").body).at("collections").as_array().size(), 1u);
}

// covers P-6, X-3, X-7
TEST_P(PortalHttp, BadInputNamesTheFieldInTheReadersLanguageAndStoresNothing_P6_X7) {
    auto ctv = Token("ctv");
    auto count = [&] {
        return app_->Internals().db->Read(
            [](core::db::Connection& c) { return c.QueryOne("SELECT COUNT(*) FROM portal_items")->Int(0); });
    };
    const auto before = count();
    auto vi =
        Call(ctv, "POST", "/api/v1/portal/items", R"({"portal":"main","kind":"news","title":"Tin","source":""})", 400);
    EXPECT_EQ(vi.at("error").at("field").as_string(), "source");
    EXPECT_NE(std::string(vi.at("error").at("message").as_string()).find("nguồn"), std::string::npos);
    auto en = Call(ctv, "POST", "/api/v1/portal/items", R"({"portal":"main","kind":"news","title":"Tin","source":""})",
                   400, "en");
    EXPECT_NE(std::string(en.at("error").at("message").as_string()).find("source"), std::string::npos);
    Call(ctv, "POST", "/api/v1/portal/items", R"({"portal":"nowhere","kind":"news","title":"Tin","source":"x"})", 400);
    Call(ctv, "POST", "/api/v1/portal/items",
         R"({"portal":"main","kind":"news","title":"Tin","source":"x","event_at":"hôm qua"})", 400);
    Call(ctv, "POST", "/api/v1/portal/items", R"({"portal":"main","kind":"news","title":["x"],"source":"x"})", 400);
    EXPECT_EQ(count(), before);
    Call(ctv, "POST", "/api/v1/portal/items/999999/actions/submit", "", 404);
    Call(ctv, "POST", "/api/v1/portal/items/1/actions/destroy", "", 404);
    // Someone without a portal role sees nothing of the back office.
    auto admin = Token("kiemtra");
    auto q = Call(admin, "GET", "/api/v1/portal/items");
    EXPECT_TRUE(q.at("items").as_array().empty());
}

// covers X-3: a form field that reaches a Location header is encoded, never a header of its own.
TEST_P(PortalHttp, AFormFieldInARedirectIsEncoded_X3) {
    // The director approves and publishes here: the reviewer signs in through the form below, and
    // one person's one-time code is accepted once.
    auto ctv = Token("ctv"), bt = Token("bientap"), kd = Token("lanhdaobbt"), xb = kd;
    auto created =
        Call(ctv, "POST", "/api/v1/portal/items",
             R"({"portal":"main","kind":"news","title":"Tin","source":"TTXVN","sections":["thoi-su"]})", 201);
    const auto base = "/api/v1/portal/items/" + std::to_string(created.at("id").as_int64());
    Call(ctv, "POST", base + "/actions/submit", kContribution);
    Call(bt, "POST", base + "/actions/take");
    Call(bt, "POST", base + "/actions/send_to_review");
    Call(kd, "POST", base + "/actions/approve");
    Call(xb, "POST", base + "/actions/publish");
    const auto check =
        Call(kd, "GET", "/api/v1/portal/post-checks?portal=main").at("post_checks").as_array()[0].at("id").as_int64();
    auto b = SignIn("kiemduyet");
    auto r = b.Post("/admin/portal/post-checks/" + std::to_string(check),
                    "_csrf=" + Csrf(b) + "&outcome=checked&portal=" + UrlEncode("main\r\nSet-Cookie: x=1"));
    EXPECT_EQ(r.status, 303) << r.body;
    EXPECT_EQ(r.Header("set-cookie").find("x=1"), std::string::npos);
    EXPECT_EQ(r.Header("location"), "/admin/portal/post-checks?portal=main%0D%0ASet-Cookie%3A%20x%3D1");
}

// covers P-10, X-5: the board of a portal uploads images for it with its portal-scoped role.
TEST_P(PortalHttp, APortalsBoardUploadsImagesForItsPortal_P10) {
    auto bt = Token("bientap");
    const auto png = media::testing::MakeImage({.width = 40, .height = 30, .format = "png"});
    auto upload = [&](const std::string& query) {
        return Http(port_, "POST", "/api/v1/media" + query, png,
                    {{"Authorization", "Bearer " + bt}, {"Content-Type", "image/png"}, {"X-File-Name", "anh.png"}});
    };
    EXPECT_EQ(upload("?kind=image").status, 403) << "the editor's grant is the main portal's, not his unit's";
    EXPECT_EQ(upload("?kind=image&portal=tu-hue").status, 403) << "nor another portal's";
    EXPECT_EQ(upload("?kind=image&portal=Main%0D%0A").status, 400);
    auto ok = upload("?kind=image&portal=main");
    ASSERT_EQ(ok.status, 201) << ok.body;
    const auto id = json::parse(ok.body).at("id").as_int64();
    EXPECT_EQ(Http(port_, "GET", "/api/v1/media/" + std::to_string(id), "", {{"Authorization", "Bearer " + bt}}).status,
              200);
}

// covers T-1, T-4, T-5, T-7, T-8, T-10, T-17, T-23: the Tasks API contract, end to end.
class TasksHttp : public PortalHttp {
protected:
    void SetUp() override {
        PortalHttp::SetUp();
        if (IsSkipped() || HasFailure()) return;
        auto& in = app_->Internals();
        MakeUser("vpnhiemvu", "task_office", in.units->FindByCode("VPTW-VTH")->id);
        MakeUser("daumoi", "unit_focal_point", in.units->FindByCode("VP-HNI")->id);
        MakeUser("duyetdonvi", "unit_approver", in.units->FindByCode("VP-HNI")->id);
        MakeUser("theodoi", "monitoring_officer", in.units->FindByCode("VPTW-VTH")->id);
        MakeUser("daumoi2", "unit_focal_point", in.units->FindByCode("VP-HNI")->id);  // signs in with a cookie
    }
};

// covers T-5: Mật and Tối mật over the API: only the fields of Art. 5.2, clearance, the result.
TEST_P(TasksHttp, ASecretDocumentGoesToThePartitionWithOnlyTheFieldsOfArticle52_T5) {
    auto& in = app_->Internals();
    MakeUser("vpmat", "task_office", in.units->FindByCode("VPTW-VTH")->id, "", "secret_clearance_toi_mat");
    MakeUser("duyetmat", "unit_approver", in.units->FindByCode("VP-HNI")->id, "", "secret_clearance_mat");
    auto office = Token("vpmat"), plain_office = Token("vpnhiemvu"), approver = Token("duyetmat"),
         plain_approver = Token("duyetdonvi");
    const std::string fields = R"({"secrecy":"mat","kind":"directive","title":"Chỉ thị mật","number":"09",
        "symbol":"CT/TW","issued_on":"2026-03-02","signer":"Thường trực Ban Bí thư","issuing_unit":"Ban Bí thư",
        "lead_units":["VP-HNI"],"monitoring_unit":"VPTW-VTH","task_count":4,"deadline":"2030-06-28")";
    auto forbidden = Call(office, "POST", "/api/v1/tasks/documents", fields + R"(,"summary":"Nội dung"})", 422);
    EXPECT_EQ(forbidden.at("error").at("field").as_string(), "summary");
    EXPECT_EQ(Call(office, "POST", "/api/v1/tasks/documents", fields + R"(,"files":[]})", 422).at("error").at("field").as_string(),
              "files");
    EXPECT_TRUE(Call(office, "GET", "/api/v1/tasks/secret-documents").at("documents").as_array().empty()) << "nothing stored";
    Call(plain_office, "POST", "/api/v1/tasks/documents", fields + "}", 403);
    auto crlf = fields;
    crlf.replace(crlf.find("Chỉ thị mật"), std::string("Chỉ thị mật").size(), "Chỉ thị\\r\\nmật");
    EXPECT_EQ(Call(office, "POST", "/api/v1/tasks/documents", crlf + "}", 400).at("error").at("field").as_string(), "title");

    auto created = Http(port_, "POST", "/api/v1/tasks/documents", fields + "}",
                        {{"Authorization", "Bearer " + office}, {"Content-Type", "application/json"}});
    ASSERT_EQ(created.status, 201) << created.body;
    auto doc = json::parse(created.body).as_object();
    const auto id = doc.at("id").as_int64();
    EXPECT_EQ(created.headers["location"], "/api/v1/tasks/secret-documents/" + std::to_string(id));
    EXPECT_EQ(doc.at("partition").as_string(), "secret");
    EXPECT_EQ(doc.at("result").as_string(), "not_done_within_deadline");
    EXPECT_EQ(doc.at("deadline").as_string(), "2030-06-28T17:00:00+07:00");
    EXPECT_FALSE(doc.contains("summary"));
    EXPECT_EQ(Call(office, "GET", "/api/v1/tasks/documents").at("documents").as_array().size(), 0u)
        << "not in the ordinary record";

    const auto url = "/api/v1/tasks/secret-documents/" + std::to_string(id);
    EXPECT_EQ(Call(approver, "GET", url).at("title").as_string(), "Chỉ thị mật");
    Call(plain_approver, "GET", url, "", 404);
    EXPECT_TRUE(Call(plain_approver, "GET", "/api/v1/tasks/secret-documents").at("documents").as_array().empty());
    EXPECT_EQ(Call(approver, "POST", url + "/done", "{}").at("result").as_string(), "done_within_deadline");
    Call(approver, "POST", url + "/done", "{}", 409);
    Call(approver, "POST", url + "/evaluate", R"({"evaluation":"Tốt"})", 403);
    Call(office, "POST", url + "/archive", "{}", 404);
    auto reads = in.db->Read([](core::db::Connection& c) {
        return c.QueryOne("SELECT COUNT(*) FROM audit_log WHERE action = 'tasks.secret.read'")->Int(0);
    });
    EXPECT_EQ(reads, 1) << "the one successful read of one document is audited";
}

TEST_P(TasksHttp, ATaskOverTheApiWithItsScheduleStatusAndClocks_T1_T4_T5_T8_T17_T23) {
    // The schedule a task would get, without an account.
    auto plan = Http(port_, "GET", "/api/v1/tasks/schedule?start=2026-03-09&deadline=2026-06-09");
    ASSERT_EQ(plan.status, 200) << plan.body;
    auto cps = json::parse(plan.body).at("checkpoints").as_array();
    ASSERT_EQ(cps.size(), 3u);
    EXPECT_EQ(cps[0].at("kind").as_string(), "update");
    EXPECT_EQ(cps[0].at("due_at").as_string(), "2026-04-24T17:00:00+07:00");
    EXPECT_EQ(cps[2].at("kind").as_string(), "final");
    EXPECT_EQ(Http(port_, "GET", "/api/v1/tasks/schedule?start=2026-03-09").status, 400) << "open-ended needs a cadence";
    EXPECT_EQ(Http(port_, "GET", "/api/v1/tasks/schedule?start=2026-03-09&cadence=monthly").status, 200);
    EXPECT_EQ(Http(port_, "GET", "/api/v1/tasks/schedule?start=2026-13-09&deadline=2026-06-09").status, 400);

    auto office = Token("vpnhiemvu"), focal = Token("daumoi"), approver = Token("duyetdonvi"), monitor = Token("theodoi");
    std::ifstream in(std::string(VP_SOURCE_DIR) + "/tests/data/pki/sample-signed.pdf", std::ios::binary);
    const std::string pdf((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    auto up = Http(port_, "POST", "/api/v1/media?purpose=tasks.document", pdf,
                   {{"Authorization", "Bearer " + office}, {"Content-Type", "application/pdf"}, {"X-File-Name", "kl-125.pdf"}});
    ASSERT_EQ(up.status, 201) << up.body;
    const std::string file = "/media/" + std::string(json::parse(up.body).at("sha256").as_string());
    const std::string doc_json = R"({"kind":"conclusion","title":"Kết luận về chuyển đổi số","number":"125","symbol":"KL/TW",
        "summary":"Tóm tắt","issued_on":"2026-03-05","signer":"Trần Cẩm Tú","submitting_unit":"VPTW",
        "issuing_unit":"Bộ Chính trị","files":[")" + file + "\"]";
    // Tuyệt mật: refused citing Art. 5.3, naming the field; nothing stored.
    auto top = Call(office, "POST", "/api/v1/tasks/documents", doc_json + R"(,"secrecy":"tuyet_mat"})", 422);
    EXPECT_EQ(top.at("error").at("field").as_string(), "secrecy");
    Call(focal, "POST", "/api/v1/tasks/documents", doc_json + "}", 403);
    auto doc = Call(office, "POST", "/api/v1/tasks/documents", doc_json + R"(,"secrecy":"thuong"})", 201);
    EXPECT_TRUE(doc.at("files").as_array()[0].at("signature").at("present").as_bool()) << "the embedded signature is checked";
    EXPECT_EQ(Call(office, "GET", "/api/v1/tasks/documents").at("documents").as_array().size(), 1u);

    auto task = Call(office, "POST", "/api/v1/tasks",
                     R"({"document":)" + std::to_string(doc.at("id").as_int64()) +
                         R"(,"content":"Xây dựng kế hoạch","lead_units":["VP-HNI"],"monitoring_unit":"VPTW-VTH",
                            "start":"2027-03-08T08:00:00+07:00","deadline":"2027-06-08","priority":"key"})",
                     201);
    const auto base = "/api/v1/tasks/" + std::to_string(task.at("id").as_int64());
    EXPECT_EQ(task.at("status").as_string(), "not_started_within_deadline");
    EXPECT_EQ(task.at("deadline").as_string(), "2027-06-08T17:00:00+07:00") << "a date is the end of its working day";
    EXPECT_EQ(task.at("checkpoints").as_array().size(), 3u);
    EXPECT_FALSE(task.at("clocks").as_array().empty());
    Call(office, "POST", "/api/v1/tasks", R"({"document":1,"content":"x","lead_units":["XX-NONE"],"monitoring_unit":"VPTW-VTH"})", 400);

    // The document's file is the task's readers' only: not at /media/..., and not to others.
    const auto sha = file.substr(7);
    EXPECT_EQ(Http(port_, "GET", file).status, 404) << "a tasks file is never public";
    auto reader = SignIn("daumoi2");
    auto got = reader.Get("/admin/tasks/files/" + sha);
    EXPECT_EQ(got.status, 200);
    EXPECT_EQ(got.body.size(), pdf.size());
    EXPECT_EQ(got.Header("cache-control"), "private, no-cache");
    auto outsider = SignIn("ctv");
    EXPECT_EQ(outsider.Get("/admin/tasks/files/" + sha).status, 404);
    const auto traversal = reader.Get("/admin/tasks/files/..%2F..%2Fetc%2Fpasswd").status;
    EXPECT_TRUE(traversal == 400 || traversal == 404) << traversal;
    Call(focal, "POST", base + "/acknowledge");
    Call(focal, "POST", base + "/acknowledge", "", 409);
    auto u = Call(focal, "POST", base + "/updates", R"({"progress":40,"results":"Đã dự thảo"})", 201);
    const auto upath = base + "/updates/" + std::to_string(u.at("id").as_int64());
    Call(focal, "POST", base + "/updates", R"({"progress":"nhiều"})", 400);
    Call(focal, "POST", upath + "/approve", "", 403);
    Call(approver, "POST", upath + "/return", "{}", 400);
    auto approved = Call(approver, "POST", upath + "/approve", "{}");
    EXPECT_EQ(approved.at("state").as_string(), "approved");
    Call(monitor, "POST", upath + "/evaluate", R"({"evaluation":"Đúng tiến độ"})");
    auto read = Call(focal, "GET", base);
    EXPECT_EQ(read.at("progress").as_int64(), 40);
    EXPECT_NE(read.at("status").as_string(), "not_started_within_deadline");
    EXPECT_EQ(Call(focal, "GET", base + "/updates").at("updates").as_array().size(), 1u);
    EXPECT_FALSE(Call(focal, "GET", base + "/history").at("history").as_array().empty());
    Call(focal, "GET", base + "/nothing", "", 404);
    Call(focal, "POST", base + "/complete", R"({"results":"Kế hoạch đã ban hành"})", 201);
    auto list = Call(approver, "GET", "/api/v1/tasks?unit=VP-HNI");
    EXPECT_EQ(list.at("tasks").as_array().size(), 1u);
    Call(approver, "GET", "/api/v1/tasks?status=done", "", 400);
}

// covers T-20, T-21, T-12 over HTTP: a past quarter closed and exported for the emulation and rewards
// system (JSON and CSV as attachments, the period checked before it reaches a header), and a form
// with a file (multipart) refused without its CSRF token and accepted with it.
TEST_P(TasksHttp, AClosedQuarterIsExportedAndAFormWithAFileNeedsItsToken_T12_T20_T21) {
    auto office = Token("vpnhiemvu"), focal = Token("daumoi");
    std::ifstream in(std::string(VP_SOURCE_DIR) + "/tests/data/pki/sample-signed.pdf", std::ios::binary);
    const std::string pdf((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    auto up = Http(port_, "POST", "/api/v1/media?purpose=tasks.document", pdf,
                   {{"Authorization", "Bearer " + office}, {"Content-Type", "application/pdf"}, {"X-File-Name", "kl-7.pdf"}});
    ASSERT_EQ(up.status, 201) << up.body;
    auto doc = Call(office, "POST", "/api/v1/tasks/documents", R"({"kind":"conclusion","title":"Kết luận","number":"7",
        "symbol":"KL/TW","summary":"Tóm tắt","issued_on":"2026-06-20","signer":"Trần Cẩm Tú","submitting_unit":"VPTW",
        "issuing_unit":"Bộ Chính trị","files":["/media/)" + std::string(json::parse(up.body).at("sha256").as_string()) + R"("]})",
                    201);
    Call(office, "POST", "/api/v1/tasks",
         R"({"document":)" + std::to_string(doc.at("id").as_int64()) +
             R"(,"content":"Báo cáo sơ kết","lead_units":["VP-HNI"],"monitoring_unit":"VPTW-VTH",
                "start":"2026-07-01T08:00:00+07:00","deadline":"2026-08-14","priority":"key"})",
         201);
    Call(focal, "GET", "/api/v1/tasks/evaluations/2026-Q3", "", 403);  // not published yet
    Call(office, "GET", "/api/v1/tasks/evaluations/2026-Q3%0D%0ASet-Cookie:x=1/export.csv", "", 400);
    Call(office, "GET", "/api/v1/tasks/evaluations/2026-Q5/export.csv", "", 400);
    Call(office, "GET", "/api/v1/tasks/evaluations/2026-Q3/export.csv", "", 409);  // not closed
    auto closed = Call(office, "POST", "/api/v1/tasks/evaluations/2026-Q3/close");
    EXPECT_TRUE(closed.at("closed").as_bool());
    Call(office, "POST", "/api/v1/tasks/evaluations/2026-Q3/close", "", 409);
    auto ranking = Call(focal, "GET", "/api/v1/tasks/evaluations/2026-Q3");
    bool hni = false;
    for (const auto& u : ranking.at("units").as_array()) hni |= u.at("unit_code").as_string() == "VP-HNI";
    EXPECT_TRUE(hni);
    auto csv = Http(port_, "GET", "/api/v1/tasks/evaluations/2026-Q3/export.csv", "", {{"Authorization", "Bearer " + focal}});
    ASSERT_EQ(csv.status, 200) << csv.body;
    EXPECT_EQ(csv.headers["content-type"], "text/csv; charset=utf-8");
    EXPECT_EQ(csv.headers["content-disposition"], "attachment; filename=\"danh-gia-2026-Q3.csv\"");
    EXPECT_TRUE(csv.body.starts_with("\xEF\xBB\xBFperiod,indicator_set_version,unit_code,"));
    EXPECT_NE(csv.body.find("\r\n2026-Q3,1,VP-HNI,"), std::string::npos) << csv.body;
    auto js = Http(port_, "GET", "/api/v1/tasks/evaluations/2026-Q3/export.json", "", {{"Authorization", "Bearer " + focal}});
    ASSERT_EQ(js.status, 200);
    EXPECT_EQ(json::parse(js.body).at("format").as_string(), "vanphong.tasks.evaluation/1");
    Call(focal, "GET", "/api/v1/tasks/evaluations/2026-Q3/export.xml", "", 404);
    Call(focal, "GET", "/api/v1/tasks/evaluations/2026-Q3/recompute", "", 403);
    EXPECT_TRUE(Call(office, "GET", "/api/v1/tasks/evaluations/2026-Q3/recompute").at("same_scores").as_bool());

    // The reconciliation form carries a file: its CSRF token is a field of the multipart body.
    auto b = SignIn("daumoi2");
    const std::string boundary = "----vpboundary7MA4YWxk";
    auto form = [&](const std::string& csrf) {
        std::string body;
        if (!csrf.empty()) body += "--" + boundary + "\r\nContent-Disposition: form-data; name=\"_csrf\"\r\n\r\n" + csrf + "\r\n";
        body += "--" + boundary + "\r\nContent-Disposition: form-data; name=\"unit\"\r\n\r\nVP-HNI\r\n";
        body += "--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"bao-cao.csv\"\r\n"
                "Content-Type: text/csv\r\n\r\nSố;Tiến độ (%)\r\n1;50\r\n\r\n--" + boundary + "--\r\n";
        return body;
    };
    const std::map<std::string, std::string> type{{"Content-Type", "multipart/form-data; boundary=" + boundary}};
    const auto before = AuditCount();
    EXPECT_EQ(b.Post("/admin/tasks/reconcile", form(""), type).status, 403);
    EXPECT_EQ(b.Post("/admin/tasks/reconcile", form("forged-token"), type).status, 403);
    EXPECT_EQ(AuditCount(), before) << "nothing changed";
    auto sent = b.Post("/admin/tasks/reconcile", form(Csrf(b)), type);
    EXPECT_EQ(sent.status, 303) << sent.body.substr(0, 300);
    EXPECT_TRUE(sent.headers["location"].starts_with("/admin/tasks/reconcile/")) << sent.headers["location"];
    EXPECT_EQ(AuditCount(), before + 1);
}

INSTANTIATE_TEST_SUITE_P(Engines, HttpMetricsAccess, ::testing::Values(core::db::Engine::kSqlite), testing::EngineName);
INSTANTIATE_TEST_SUITE_P(Engines, HttpApi, ::testing::Values(core::db::Engine::kSqlite, core::db::Engine::kPostgres),
                         testing::EngineName);
INSTANTIATE_TEST_SUITE_P(Engines, HttpBehindProxy,
                         ::testing::Values(core::db::Engine::kSqlite, core::db::Engine::kPostgres),
                         testing::EngineName);
INSTANTIATE_TEST_SUITE_P(Engines, PortalHttp, ::testing::Values(core::db::Engine::kSqlite, core::db::Engine::kPostgres),
                         testing::EngineName);
INSTANTIATE_TEST_SUITE_P(Engines, PortalHttpLargeSitemap, ::testing::Values(core::db::Engine::kSqlite), testing::EngineName);
// covers C-1, C-2, C-8, C-9, C-10: the Conferences API contract: the one-day rule in the
// reader's language, a secret file refused by its name, a file only its readers get, header
// injection in the video settings, a Jitsi token, the budget workbook, news drafted in the
// Portal's workflow by its editor only.
class ConferenceHttp : public PortalHttp {
protected:
    void SetUp() override {
        PortalHttp::SetUp();
        if (IsSkipped() || HasFailure()) return;
        auto& in = app_->Internals();
        MakeUser("tccb", "conference_organiser", in.units->FindByCode("VPTW-VTCCB")->id);
        MakeUser("cntt", "conference_organiser", in.units->FindByCode("VPTW-TTCNTT")->id);
        MakeUser("diemcau", "site_operator", in.units->FindByCode("VP-DNG")->id);
        MakeUser("diemcauhue", "site_operator", in.units->FindByCode("VP-HUE")->id);
        // The same offices' people who sign in with the forms (their codes are not reused).
        MakeUser("vpdanang", "site_operator", in.units->FindByCode("VP-DNG")->id);
        MakeUser("vphue", "site_operator", in.units->FindByCode("VP-HUE")->id);
        // An IT-centre organiser who is also an editor of the main portal (both on the root unit).
        MakeUser("cnttbt", "editor", in.units->FindByCode("DCSVN")->id, "main", "conference_organiser");
    }
    static std::string In(int days, const char* hm) {
        const auto t = std::chrono::floor<std::chrono::days>(std::chrono::system_clock::now() + std::chrono::hours(7)) +
                       std::chrono::days(days);
        return calendar::FormatIsoDate(std::chrono::year_month_day{t}) + "T" + hm + ":00+07:00";
    }
};

TEST_P(ConferenceHttp, TheConferenceApiKeepsItsRulesAtTheBoundary_C1_C2_C8_C9_C10) {
    auto tccb = Token("tccb"), cntt = Token("cntt"), dng = Token("diemcau"), hue = Token("diemcauhue"), bt = Token("bientap");
    const std::string base = R"({"kind":"periodic","title":"Hội nghị trực tuyến 6 tháng cuối năm","chair":"Chánh Văn phòng",)";
    auto longer = Call(tccb, "POST", "/api/v1/conferences",
                       base + R"("starts_at":")" + In(20, "08:00") + R"(","ends_at":")" + In(21, "11:00") + R"("})", 422, "vi");
    EXPECT_EQ(longer.at("error").at("field").as_string(), "ends_at");
    EXPECT_NE(std::string(longer.at("error").at("message").as_string()).find("Điều 5"), std::string::npos);
    Call(dng, "POST", "/api/v1/conferences", base + R"("starts_at":")" + In(20, "08:00") + R"(","ends_at":")" + In(20, "17:00") + R"("})", 403);
    auto conf = Call(tccb, "POST", "/api/v1/conferences",
                     base + R"("starts_at":")" + In(20, "08:00") + R"(","ends_at":")" + In(20, "17:00") + R"("})", 201);
    const auto id = std::to_string(conf.at("id").as_int64());
    EXPECT_EQ(conf.at("sites").as_array().size(), 37u);
    std::int64_t dng_site = 0;
    for (const auto& s : conf.at("sites").as_array())
        if (s.at("unit").as_string() == "VP-DNG") dng_site = s.at("id").as_int64();
    // A file whose name carries a secrecy marking: refused at submission, nothing stored.
    auto up = Http(port_, "POST", "/api/v1/media?purpose=conference.document", std::string("%PDF-1.4\n%%EOF\n"),
                   {{"Authorization", "Bearer " + dng}, {"Content-Type", "application/pdf"},
                    {"X-File-Name", "T%E1%BB%90I%20M%E1%BA%ACT%20-%20bao-cao.pdf"}});
    ASSERT_EQ(up.status, 201) << up.body;
    const std::string file = "/media/" + std::string(json::parse(up.body).at("sha256").as_string());
    std::int64_t report = 0;
    const auto docs = Call(dng, "GET", "/api/v1/conferences/" + id + "/documents");
    for (const auto& d : docs.at("documents").as_array())
        if (d.at("kind").as_string() == "province_report") report = d.at("id").as_int64();
    ASSERT_GT(report, 0);
    const auto submit = "/api/v1/conferences/" + id + "/documents/" + std::to_string(report) + "/submit";
    auto refused = Call(dng, "POST", submit, R"({"body":"Báo cáo","files":[")" + file + R"("]})", 422, "vi");
    EXPECT_EQ(refused.at("error").at("field").as_string(), "classification");
    EXPECT_NE(std::string(refused.at("error").at("message").as_string()).find("tối mật"), std::string::npos);
    Call(hue, "POST", submit, R"({"body":"Báo cáo của Huế"})", 403);
    // An ordinary file: its page address serves only the document's readers.
    auto ok = Http(port_, "POST", "/api/v1/media?purpose=conference.document", std::string("%PDF-1.4\n%%EOF\n "),
                   {{"Authorization", "Bearer " + dng}, {"Content-Type", "application/pdf"}, {"X-File-Name", "bao-cao.pdf"}});
    ASSERT_EQ(ok.status, 201) << ok.body;
    const std::string sha(json::parse(ok.body).at("sha256").as_string());
    Call(dng, "POST", submit, R"({"body":"Báo cáo 6 tháng","files":["/media/)" + sha + R"("]})");
    // Another province cannot attach that file (by its address) to its own report to read it.
    std::int64_t hue_report = 0;
    const auto hue_docs = Call(hue, "GET", "/api/v1/conferences/" + id + "/documents");
    for (const auto& x : hue_docs.at("documents").as_array())
        if (x.at("kind").as_string() == "province_report" && x.at("owner").as_string() == "VP-HUE") hue_report = x.at("id").as_int64();
    auto stolen = Call(hue, "POST", "/api/v1/conferences/" + id + "/documents/" + std::to_string(hue_report) + "/submit",
                       R"({"body":"x","files":["/media/)" + sha + R"("]})", 400);
    EXPECT_EQ(stolen.at("error").at("field").as_string(), "files");
    EXPECT_EQ(Http(port_, "GET", "/media/" + sha).status, 404) << "private, never under /media/";
    auto d = SignIn("vpdanang");
    EXPECT_EQ(d.Get("/admin/conferences/files/" + sha).status, 200);
    auto h = SignIn("vphue");
    EXPECT_EQ(h.Get("/admin/conferences/files/" + sha).status, 404) << "another province's report";
    // Video: CR/LF in the server address is refused; the token names the site's room.
    Call(cntt, "POST", "/api/v1/conferences/" + id + "/video",
         R"({"provider":"jitsi","url":"https://meet.example.vn\r\nSet-Cookie: x=1","room":"hntt","app_id":"vp","secret":"0123456789abcdefgh"})", 400);
    Call(tccb, "POST", "/api/v1/conferences/" + id + "/video",
         R"({"provider":"jitsi","url":"https://meet.example.vn","room":"hntt","app_id":"vp","secret":"0123456789abcdefgh"})", 403);
    auto video = Call(cntt, "POST", "/api/v1/conferences/" + id + "/video",
                      R"({"provider":"jitsi","url":"https://meet.example.vn","room":"hntt","app_id":"vp","secret":"0123456789abcdefgh"})");
    EXPECT_TRUE(video.at("secret_set").as_bool());
    EXPECT_EQ(video.find("secret"), video.end()) << "never returned";
    auto join = Call(dng, "GET", "/api/v1/conferences/" + id + "/sites/" + std::to_string(dng_site) + "/join");
    EXPECT_EQ(std::string(join.at("url").as_string()).rfind("https://meet.example.vn/hntt?jwt=", 0), 0u);
    Call(hue, "GET", "/api/v1/conferences/" + id + "/sites/" + std::to_string(dng_site) + "/join", "", 403);
    // The budget workbook.
    Call(dng, "POST", "/api/v1/conferences/" + id + "/budget",
         R"({"site_id":)" + std::to_string(dng_site) + R"(,"category":"hall","item":"Phòng họp","quantity":1,"unit_price":3000000})", 201);
    auto xlsx = Http(port_, "GET", "/api/v1/conferences/" + id + "/budget.xlsx", "", {{"Authorization", "Bearer " + tccb}});
    EXPECT_EQ(xlsx.status, 200);
    EXPECT_EQ(xlsx.Header("content-type"), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
    EXPECT_EQ(xlsx.body.substr(0, 2), "PK");
    // News: a draft in the Portal's workflow, by one of its editors only.
    Call(dng, "POST", "/api/v1/conferences/" + id + "/news", "{}", 403);
    Call(bt, "POST", "/api/v1/conferences/" + id + "/news", "{}", 404);  // an editor alone does not see the conference
    Call(cntt, "POST", "/api/v1/conferences/" + id + "/news", "{}", 403);  // the IT centre without a portal role
    auto both = Token("cnttbt");
    auto news = Call(both, "POST", "/api/v1/conferences/" + id + "/news", "{}", 201);
    auto item = Call(both, "GET", "/api/v1/portal/items/" + std::to_string(news.at("item_id").as_int64()));
    EXPECT_EQ(item.at("state").as_string(), "draft");
    Call(both, "POST", "/api/v1/conferences/" + id + "/news", "{}", 409);  // once
}

INSTANTIATE_TEST_SUITE_P(Engines, TasksHttp, ::testing::Values(core::db::Engine::kSqlite, core::db::Engine::kPostgres),
                         testing::EngineName);
INSTANTIATE_TEST_SUITE_P(Engines, ConferenceHttp, ::testing::Values(core::db::Engine::kSqlite, core::db::Engine::kPostgres),
                         testing::EngineName);

}  // namespace
}  // namespace vp
