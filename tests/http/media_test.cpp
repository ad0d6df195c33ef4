// HTTP integration of the media module: the real server on a free port, in process, on SQLite and
// PostgreSQL. Uploads (multipart and raw), the permission and CSRF checks, and the serving of
// files: types, caching, Content-Disposition, HTTP Range, HEAD.
// covers P-2, P-3, P-12, P-7, X-3, X-4, X-5
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include <boost/json.hpp>

#include "app/app.hpp"
#include "app/impl.hpp"
#include "auth/crypto/totp.hpp"
#include "core/testing/db_fixture.hpp"
#include "media/media.hpp"
#include "media/test_images.hpp"
#include "support/http_client.hpp"

namespace vp {
namespace {

namespace json = boost::json;
using testing::Browser;
using testing::Http;
using testing::HttpReply;
using testing::UrlEncode;

constexpr const char* kPassword = "Kiem-Thu-Mat-Khau-2026!";
constexpr const char* kBoundary = "vpTestBoundary42";

using media::testing::ReadFile;
using media::testing::Sample;

// A multipart/form-data body with one file and the given text fields.
std::string Form(const std::string& disposition_tail, const std::string& bytes, const std::string& type,
                 const std::map<std::string, std::string>& fields = {}) {
    std::string b;
    for (const auto& [k, v] : fields) {
        b += std::string("--") + kBoundary + "\r\nContent-Disposition: form-data; name=\"" + k + "\"\r\n\r\n" + v +
             "\r\n";
    }
    b += std::string("--") + kBoundary + "\r\nContent-Disposition: form-data; name=\"file\"; " + disposition_tail +
         "\r\nContent-Type: " + type + "\r\n\r\n" + bytes + "\r\n--" + kBoundary + "--\r\n";
    return b;
}

class MediaHttp : public ::testing::TestWithParam<core::db::Engine> {
protected:
    void SetUp() override {
        std::string url;
        auto db = vp::testing::OpenTestDatabase(GetParam(), &url);
        if (!db) {
            const char* ci = std::getenv("CI");
            if (ci && std::string(ci) == "true") FAIL() << "VANPHONG_TEST_PG_DSN is not set in CI";
            GTEST_SKIP() << "PostgreSQL not configured";
        }
        db.reset();
        dir_ = std::filesystem::temp_directory_path() /
               ("vp-media-http-" + std::to_string(::getpid()) + "-" + std::to_string(counter_++));
        std::filesystem::create_directories(dir_);
        app::Config c;
        c.data_dir = dir_.string();
        c.database = GetParam() == core::db::Engine::kSqlite ? "sqlite:" + url : url;
        c.port = 0;
        c.demo = false;
        c.jobs = false;
        c.access_log = false;
        c.request_timeout_s = 5;
        c.body_limit = 64 * 1024;  // other routes: 64 KiB; the upload route takes its own limit
        c.max_password_hashes = 2;
        c.rate_limit = 0;
        c.media_limits = "image=2,audio=1,video=1,document=1";
        app_ = std::make_unique<app::App>(c);
        port_ = app_->StartInBackground();
        auto& in = app_->Internals();
        const auto root = in.units->FindByCode("DCSVN")->id;
        MakeUser("bientap", "editor", root);
        MakeUser("kiemtra", "inspector", root);
    }
    void TearDown() override {
        app_.reset();
        std::error_code ec;
        std::filesystem::remove_all(dir_, ec);
    }
    void MakeUser(const std::string& name, const std::string& role, std::int64_t unit) {
        auto secret = auth::Base32Encode(auth::GenerateTotpSecret());
        secrets_[name] = secret;
        auto r = app_->Internals().auth->CreateActive(
            core::access::Principal::Operator(),
            {.username = name, .full_name = "Người " + name, .unit_id = unit, .roles = {{role, unit}}}, kPassword,
            secret);
        ASSERT_TRUE(r.ok()) << r.error().message;
    }
    Browser SignIn(const std::string& name) {
        Browser b(port_);
        auto form = b.Get("/login");
        auto csrf = vp::testing::FormValue(form.body, "_csrf");
        auto r =
            b.Post("/login", "_csrf=" + csrf + "&username=" + name + "&password=" + UrlEncode(kPassword) + "&next=/");
        EXPECT_EQ(r.status, 303);
        auto otp = b.Get("/login/otp");
        auto csrf2 = vp::testing::FormValue(otp.body, "_csrf");
        auto s = auth::TryBase32Decode(secrets_[name]).value();
        auto v = b.Post("/login/otp", "_csrf=" + csrf2 + "&code=" + auth::TotpCode(s, std::time(nullptr)));
        EXPECT_EQ(v.status, 303) << v.body;
        return b;
    }
    std::string Csrf(Browser& b) {
        auto me = b.Get("/api/v1/me");
        return std::string(json::parse(me.body).at("csrf_token").as_string());
    }
    std::string Token(const std::string& name) {
        auto b = SignIn(name);
        auto r = b.PostJson("/api/v1/tokens", R"({"name":"t","scopes":["*"],"days":1})", {{"X-CSRF-Token", Csrf(b)}});
        EXPECT_EQ(r.status, 201) << r.body;
        return std::string(json::parse(r.body).at("token").as_string());
    }
    HttpReply UploadForm(const std::string& token, const std::string& body,
                         std::map<std::string, std::string> headers = {}) {
        headers["Content-Type"] = std::string("multipart/form-data; boundary=") + kBoundary;
        if (!token.empty()) headers["Authorization"] = "Bearer " + token;
        return Http(port_, "POST", "/api/v1/media", body, headers);
    }
    json::object Uploaded(const HttpReply& r) {
        EXPECT_EQ(r.status, 201) << r.body;
        return r.status == 201 ? json::parse(r.body).as_object() : json::object{};
    }
    std::int64_t Uploads() {
        return app_->Internals().db->Read(
            [](core::db::Connection& c) { return c.QueryOne("SELECT COUNT(*) FROM media_uploads")->Int(0); });
    }
    std::size_t FilesOnDisk() {
        std::size_t n = 0;
        const auto root = dir_ / "media";
        if (!std::filesystem::exists(root)) return 0;
        for (const auto& e : std::filesystem::recursive_directory_iterator(root)) n += e.is_regular_file();
        return n;
    }
    // A PNG of 700 × 350 pixels: variants 320 and 640 wide exist, 1024 does not.
    static std::string Png() { return media::testing::MakeImage({.width = 700, .height = 350, .format = "png"}); }

    static inline int counter_ = 0;
    std::filesystem::path dir_;
    std::unique_ptr<app::App> app_;
    std::uint16_t port_ = 0;
    std::map<std::string, std::string> secrets_;
};

TEST_P(MediaHttp, MultipartUploadAnswersTheRecord_P12) {
    const auto token = Token("bientap");
    const auto pdf = Sample("sample.pdf");
    auto r = UploadForm(token, Form("filename*=UTF-8''B%C3%A1o%20c%C3%A1o%20qu%C3%BD%201.pdf", pdf, "application/pdf",
                                    {{"purpose", "tasks.document"}}));
    auto j = Uploaded(r);
    ASSERT_FALSE(j.empty());
    EXPECT_EQ(j.at("mime").as_string(), "application/pdf");
    EXPECT_EQ(j.at("kind").as_string(), "document");
    EXPECT_EQ(j.at("filename").as_string(), "Báo cáo quý 1.pdf");
    EXPECT_EQ(j.at("size").as_int64(), static_cast<std::int64_t>(pdf.size()));
    EXPECT_EQ(j.at("sha256").as_string(), media::Store::Sha256Hex(pdf));
    EXPECT_EQ(j.at("purpose").as_string(), "tasks.document");
    EXPECT_TRUE(j.at("width").is_null());
    EXPECT_TRUE(j.at("variants").as_array().empty());
    EXPECT_EQ(j.at("url").as_string(), "/media/" + media::Store::Sha256Hex(pdf));
    const auto id = j.at("id").as_int64();
    EXPECT_EQ(r.Header("location"), "/api/v1/media/" + std::to_string(id));
    // Stored in the media folder of the data folder, by digest.
    const auto sha = std::string(j.at("sha256").as_string());
    EXPECT_EQ(ReadFile(dir_ / "media" / "sha256" / sha.substr(0, 2) / sha.substr(2, 2) / sha), pdf);
    auto show = Http(port_, "GET", "/api/v1/media/" + std::to_string(id), "", {{"Authorization", "Bearer " + token}});
    ASSERT_EQ(show.status, 200) << show.body;
    EXPECT_EQ(json::parse(show.body).at("sha256").as_string(), sha);
    EXPECT_EQ(Http(port_, "GET", "/api/v1/media/999999", "", {{"Authorization", "Bearer " + token}}).status, 404);
    EXPECT_EQ(Http(port_, "GET", "/api/v1/media/" + std::to_string(id)).status, 401);
}

TEST_P(MediaHttp, RawUploadWithFileNameHeader_P12) {
    const auto token = Token("bientap");
    const auto mp3 = Sample("sample.mp3");
    auto r = Http(port_, "POST", "/api/v1/media?purpose=portal.audio", mp3,
                  {{"Authorization", "Bearer " + token},
                   {"Content-Type", "audio/mpeg"},
                   {"X-File-Name", UrlEncode("Bản tin sáng.mp3")}});
    auto j = Uploaded(r);
    ASSERT_FALSE(j.empty());
    EXPECT_EQ(j.at("kind").as_string(), "audio");
    EXPECT_EQ(j.at("filename").as_string(), "Bản tin sáng.mp3");
    EXPECT_EQ(j.at("purpose").as_string(), "portal.audio");
    // A text file as the raw body is bytes, not a field to check as text: Latin-1, not UTF-8.
    auto txt =
        Http(port_, "POST", "/api/v1/media", "B\xe1o c\xe1o qu\xfd 1\nN\xf4i dung v\xe0 ghi ch\xfa.\n",
             {{"Authorization", "Bearer " + token}, {"Content-Type", "text/plain"}, {"X-File-Name", "ghi-chu.txt"}});
    EXPECT_EQ(txt.status, 201) << txt.body;
    if (txt.status == 201)
        EXPECT_EQ(json::parse(txt.body).at("mime").as_string(), "text/plain") << "no charset claimed";
    auto bad_name =
        Http(port_, "POST", "/api/v1/media", mp3,
             {{"Authorization", "Bearer " + token}, {"Content-Type", "audio/mpeg"}, {"X-File-Name", "%ZZ.mp3"}});
    EXPECT_EQ(bad_name.status, 400);
    auto empty = Http(port_, "POST", "/api/v1/media", "", {{"Authorization", "Bearer " + token}});
    EXPECT_EQ(empty.status, 400);
}

TEST_P(MediaHttp, ImageUploadMakesVariantsServedByWidth_P12) {
    const auto token = Token("bientap");
    auto j = Uploaded(UploadForm(token, Form("filename=\"ảnh.png\"", Png(), "image/png", {{"kind", "image"}})));
    ASSERT_FALSE(j.empty());
    EXPECT_EQ(j.at("kind").as_string(), "image");
    EXPECT_EQ(j.at("width").as_int64(), 700);
    EXPECT_EQ(j.at("height").as_int64(), 350);
    const auto& variants = j.at("variants").as_array();
    ASSERT_EQ(variants.size(), 4u);
    for (const auto& v : variants) {
        const auto url = std::string(v.at("url").as_string());
        auto got = Http(port_, "GET", url);
        ASSERT_EQ(got.status, 200) << url;
        EXPECT_EQ(got.Header("content-type"), std::string(v.at("mime").as_string())) << url;
        EXPECT_EQ(static_cast<std::int64_t>(got.body.size()), v.at("size").as_int64());
        EXPECT_EQ(media::Store::Sha256Hex(got.body), std::string(v.at("sha256").as_string()));
        EXPECT_TRUE(got.Header("content-disposition").starts_with("inline; ")) << got.Header("content-disposition");
    }
    const std::string base(j.at("url").as_string());
    EXPECT_EQ(Http(port_, "GET", base + "/1024.webp").status, 404) << "never enlarged";
    EXPECT_EQ(Http(port_, "GET", base + "/640.png").status, 404);
    EXPECT_EQ(Http(port_, "GET", base + "/x.webp").status, 404);
    EXPECT_EQ(Http(port_, "GET", base + "/99999999.webp").status, 404);
    EXPECT_EQ(Http(port_, "GET", "/media/" + std::string(64, '0')).status, 404);
    EXPECT_EQ(Http(port_, "GET", "/media/not-a-digest").status, 404);
}

TEST_P(MediaHttp, RefusedByContentWithAClearMessage_P12) {
    const auto token = Token("bientap");
    const auto files = FilesOnDisk();
    auto html = UploadForm(token, Form("filename=\"anh.png\"", Sample("sample.html"), "image/png"));
    EXPECT_EQ(html.status, 415) << html.body;
    auto e = json::parse(html.body).at("error").as_object();
    EXPECT_EQ(e.at("key").as_string(), "media.type_refused");
    EXPECT_NE(std::string(e.at("message").as_string()).find("text/html"), std::string::npos);
    // A PNG named .pdf where only documents are taken.
    auto png_as_pdf =
        UploadForm(token, Form("filename=\"hop-dong.pdf\"", Png(), "application/pdf", {{"kind", "document"}}));
    EXPECT_EQ(png_as_pdf.status, 415) << png_as_pdf.body;
    EXPECT_EQ(json::parse(png_as_pdf.body).at("error").at("key").as_string(), "media.kind_refused");
    auto en =
        Http(port_, "POST", "/api/v1/media?lang=en&kind=document", Png(),
             {{"Authorization", "Bearer " + token}, {"Content-Type", "application/pdf"}, {"X-File-Name", "a.pdf"}});
    EXPECT_NE(std::string(json::parse(en.body).at("error").at("message").as_string()).find("only a document"),
              std::string::npos)
        << en.body;
    auto bad_kind =
        UploadForm(token, Form("filename=\"a.pdf\"", Sample("sample.pdf"), "application/pdf", {{"kind", "archive"}}));
    EXPECT_EQ(bad_kind.status, 400);
    EXPECT_EQ(Uploads(), 0);
    EXPECT_EQ(FilesOnDisk(), files);
}

TEST_P(MediaHttp, SizeLimitsPerKindAndPerRoute_P12_X3) {
    const auto token = Token("bientap");
    // 200 KB of text: over the server's 64 KiB body limit, within the upload route's.
    std::string text(200 * 1024, 'a');
    auto ok = Http(port_, "POST", "/api/v1/media", text,
                   {{"Authorization", "Bearer " + token}, {"Content-Type", "text/plain"}, {"X-File-Name", "dai.txt"}});
    EXPECT_EQ(ok.status, 201) << ok.body;
    // Other routes keep the server's limit, refused from the header alone.
    auto other =
        vp::testing::RawExchange(port_, "POST /api/v1/tokens HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + token +
                                            "\r\nContent-Type: application/json\r\nContent-Length: 204800\r\n\r\n");
    EXPECT_NE(other.find("HTTP/1.1 413"), std::string::npos) << other.substr(0, 80);
    // Over the document limit (1 MiB): refused by the service, nothing stored.
    const auto files = FilesOnDisk();
    std::string big(1024 * 1024 + 10, 'b');
    auto too_big =
        Http(port_, "POST", "/api/v1/media", big,
             {{"Authorization", "Bearer " + token}, {"Content-Type", "text/plain"}, {"X-File-Name", "to.txt"}});
    EXPECT_EQ(too_big.status, 413) << too_big.body;
    EXPECT_EQ(json::parse(too_big.body).at("error").at("key").as_string(), "media.too_large");
    // Over the route's limit (the largest kind, 2 MiB, and room for the form): refused from the
    // header, before a byte of the body is sent.
    auto route = vp::testing::RawExchange(
        port_, "POST /api/v1/media HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + token +
                   "\r\nContent-Type: text/plain\r\nContent-Length: " + std::to_string(3 * 1024 * 1024) + "\r\n\r\n");
    EXPECT_NE(route.find("HTTP/1.1 413"), std::string::npos) << route.substr(0, 80);
    // Chunked: the same limit holds as the chunks arrive (the client then stops sending).
    std::string chunked = "POST /api/v1/media HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + token +
                          "\r\nContent-Type: text/plain\r\nTransfer-Encoding: chunked\r\n\r\n";
    const std::string piece(512 * 1024, 'd');
    char size_line[32];
    std::snprintf(size_line, sizeof size_line, "%zx\r\n", piece.size());
    for (int i = 0; i < 4; ++i) chunked += size_line + piece + "\r\n";
    chunked += "100000\r\n";  // 2 MiB sent; a chunk of 1 MiB more is announced, and refused
    auto chunked_reply = vp::testing::RawExchange(port_, chunked);
    EXPECT_NE(chunked_reply.find("HTTP/1.1 413"), std::string::npos) << chunked_reply.substr(0, 80);
    EXPECT_EQ(FilesOnDisk(), files);
}

TEST_P(MediaHttp, PermissionAndCsrf_P7_X3) {
    const auto pdf = Sample("sample.pdf");
    // A role without media.upload.
    auto inspector = UploadForm(Token("kiemtra"), Form("filename=\"a.pdf\"", pdf, "application/pdf"));
    EXPECT_EQ(inspector.status, 403) << inspector.body;
    // Nobody signed in.
    EXPECT_EQ(UploadForm("", Form("filename=\"a.pdf\"", pdf, "application/pdf")).status, 401);
    // A signed-in browser without the CSRF token (a forged cross-site form): refused.
    auto b = SignIn("bientap");
    const std::map<std::string, std::string> cookie{{"Cookie", "vp_session=" + b.Cookie("vp_session")}};
    auto forged = UploadForm("", Form("filename=\"a.pdf\"", pdf, "application/pdf"), cookie);
    EXPECT_EQ(forged.status, 403) << forged.body;
    EXPECT_EQ(Uploads(), 0);
    EXPECT_EQ(FilesOnDisk(), 0u);
    auto with_token = cookie;
    with_token["X-CSRF-Token"] = Csrf(b);
    EXPECT_EQ(UploadForm("", Form("filename=\"a.pdf\"", pdf, "application/pdf"), with_token).status, 201);
    EXPECT_EQ(Uploads(), 1);
}

TEST_P(MediaHttp, HostileMultipartIs400_X3) {
    const auto token = Token("bientap");
    const auto pdf = Sample("sample.pdf");
    for (const std::string& tail :
         {std::string("filename*=UTF-8''a%0D%0ASet-Cookie%3A%20x%3D1.pdf"), std::string("filename*=UTF-8''a%00.pdf")}) {
        auto r = UploadForm(token, Form(tail, pdf, "application/pdf"));
        EXPECT_EQ(r.status, 400) << tail << ": " << r.body;
        EXPECT_TRUE(r.Header("set-cookie").empty());
    }
    auto truncated = Form("filename=\"a.pdf\"", pdf, "application/pdf");
    truncated.resize(truncated.size() - 20);
    EXPECT_EQ(UploadForm(token, truncated).status, 400);
    auto no_boundary = Http(port_, "POST", "/api/v1/media", Form("filename=\"a.pdf\"", pdf, "application/pdf"),
                            {{"Authorization", "Bearer " + token}, {"Content-Type", "multipart/form-data"}});
    EXPECT_EQ(no_boundary.status, 400);
    auto no_file = UploadForm(token, std::string("--") + kBoundary +
                                         "\r\nContent-Disposition: form-data; name=\"purpose\"\r\n\r\nx\r\n--" +
                                         kBoundary + "--\r\n");
    EXPECT_EQ(no_file.status, 400);
    EXPECT_EQ(json::parse(no_file.body).at("error").at("field").as_string(), "file");
    // Path traversal in the name: only its last segment is kept, as text.
    auto traversal = Uploaded(UploadForm(token, Form("filename=\"../../../etc/passwd.pdf\"", pdf, "application/pdf")));
    EXPECT_EQ(traversal.at("filename").as_string(), "passwd.pdf");
    EXPECT_FALSE(std::filesystem::exists(dir_ / "etc"));
    EXPECT_EQ(Uploads(), 1);
}

TEST_P(MediaHttp, ServingHeadersAndDisposition_P12_X3) {
    const auto token = Token("bientap");
    const auto pdf = Sample("sample.pdf");
    auto j = Uploaded(
        UploadForm(token, Form("filename*=UTF-8''B%C3%A1o%20c%C3%A1o%20%22qu%C3%BD%22.pdf", pdf, "application/pdf")));
    const std::string url(j.at("url").as_string());
    const std::string sha(j.at("sha256").as_string());
    auto r = Http(port_, "GET", url);
    ASSERT_EQ(r.status, 200);
    EXPECT_EQ(r.body, pdf);
    EXPECT_EQ(r.Header("content-type"), "application/pdf");
    EXPECT_EQ(r.Header("x-content-type-options"), "nosniff");
    EXPECT_EQ(r.Header("etag"), "\"" + sha + "\"");
    EXPECT_EQ(r.Header("cache-control"), "public, max-age=31536000, immutable");
    EXPECT_EQ(r.Header("accept-ranges"), "bytes");
    EXPECT_NE(r.Header("content-security-policy").find("sandbox"), std::string::npos);
    EXPECT_EQ(r.Header("content-disposition"),
              "attachment; filename=\"Bao cao _quy_.pdf\"; filename*=UTF-8''B%C3%A1o%20c%C3%A1o%20%22qu%C3%BD%22.pdf");
    EXPECT_EQ(Http(port_, "GET", url, "", {{"If-None-Match", "\"" + sha + "\""}}).status, 304);
    auto head = Http(port_, "HEAD", url);
    EXPECT_EQ(head.status, 200);
    EXPECT_EQ(head.Header("content-length"), std::to_string(pdf.size()));
    EXPECT_TRUE(head.body.empty());
    // A hostile name given through X-File-Name (CR LF percent-encoded): the header stays one line.
    auto hostile = Uploaded(Http(port_, "POST", "/api/v1/media", Sample("sample.txt"),
                                 {{"Authorization", "Bearer " + token},
                                  {"Content-Type", "text/plain"},
                                  {"X-File-Name", "a%0D%0ASet-Cookie%3A%20x%3D1%22.txt"}}));
    EXPECT_EQ(hostile.at("filename").as_string(), "aSet-Cookie: x=1\".txt");
    auto served = Http(port_, "GET", std::string(hostile.at("url").as_string()));
    ASSERT_EQ(served.status, 200);
    EXPECT_TRUE(served.Header("set-cookie").empty());
    EXPECT_EQ(served.Header("content-disposition"),
              "attachment; filename=\"aSet-Cookie: x=1_.txt\"; filename*=UTF-8''aSet-Cookie%3A%20x%3D1%22.txt");
    EXPECT_EQ(served.Header("content-type"), "text/plain; charset=utf-8");
}

TEST_P(MediaHttp, RangeRequests_P12) {
    const auto token = Token("bientap");
    // An "audio" file large enough to leave by sendfile in several writes.
    std::string mp3 = Sample("sample.mp3");
    std::string frame = mp3.substr(10, 417);
    while (mp3.size() < 600 * 1024) mp3 += frame;
    auto j = Uploaded(
        Http(port_, "POST", "/api/v1/media", mp3,
             {{"Authorization", "Bearer " + token}, {"Content-Type", "audio/mpeg"}, {"X-File-Name", "tin.mp3"}}));
    ASSERT_FALSE(j.empty());
    const std::string url(j.at("url").as_string());
    const auto size = mp3.size();
    auto whole = Http(port_, "GET", url);
    EXPECT_EQ(whole.status, 200);
    EXPECT_EQ(whole.body, mp3);
    EXPECT_EQ(whole.Header("content-type"), "audio/mpeg");
    EXPECT_TRUE(whole.Header("content-disposition").starts_with("inline; "));
    auto first = Http(port_, "GET", url, "", {{"Range", "bytes=0-99"}});
    EXPECT_EQ(first.status, 206);
    EXPECT_EQ(first.Header("content-range"), "bytes 0-99/" + std::to_string(size));
    EXPECT_EQ(first.body, mp3.substr(0, 100));
    auto suffix = Http(port_, "GET", url, "", {{"Range", "bytes=-500"}});
    EXPECT_EQ(suffix.status, 206);
    EXPECT_EQ(suffix.body, mp3.substr(size - 500));
    auto open = Http(port_, "GET", url, "", {{"Range", "bytes=300000-"}});
    EXPECT_EQ(open.status, 206);
    EXPECT_EQ(open.Header("content-range"), "bytes 300000-" + std::to_string(size - 1) + "/" + std::to_string(size));
    EXPECT_EQ(open.body, mp3.substr(300000));
    auto middle = Http(port_, "GET", url, "", {{"Range", "bytes=123456-234567"}});
    EXPECT_EQ(middle.body, mp3.substr(123456, 234567 - 123456 + 1));
    auto unsatisfiable = Http(port_, "GET", url, "", {{"Range", "bytes=" + std::to_string(size) + "-"}});
    EXPECT_EQ(unsatisfiable.status, 416);
    EXPECT_EQ(unsatisfiable.Header("content-range"), "bytes */" + std::to_string(size));
    auto multiple = Http(port_, "GET", url, "", {{"Range", "bytes=0-9,20-29"}});
    EXPECT_EQ(multiple.status, 200) << "several ranges: the whole file";
    EXPECT_EQ(multiple.body.size(), size);
    auto head = Http(port_, "HEAD", url, "", {{"Range", "bytes=0-9"}});
    EXPECT_EQ(head.status, 206);
    EXPECT_EQ(head.Header("content-length"), "10");
    auto stale = Http(port_, "GET", url, "", {{"Range", "bytes=0-9"}, {"If-Range", "\"other\""}});
    EXPECT_EQ(stale.status, 200);
}

TEST_P(MediaHttp, DocumentedInTheApi_X4) {
    auto r = Http(port_, "GET", "/api/v1/openapi.json");
    auto doc = json::parse(r.body).as_object();
    const auto& paths = doc.at("paths").as_object();
    EXPECT_TRUE(paths.contains("/api/v1/media"));
    EXPECT_TRUE(paths.at("/api/v1/media").as_object().contains("post"));
    EXPECT_TRUE(paths.contains("/api/v1/media/{id}"));
}

INSTANTIATE_TEST_SUITE_P(Engines, MediaHttp, ::testing::Values(core::db::Engine::kSqlite, core::db::Engine::kPostgres),
                         vp::testing::EngineName);

}  // namespace
}  // namespace vp
