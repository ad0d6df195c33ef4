// HTTP integration of the signatures module: the real server on a free port, in process, on
// SQLite and PostgreSQL, with the TEST ONLY PKI of tests/data/pki as the trust anchors.
// covers P-31, X-3, X-4
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include <boost/json.hpp>

#include "app/app.hpp"
#include "app/impl.hpp"
#include "core/testing/db_fixture.hpp"
#include "signatures/module.hpp"
#include "signatures/signatures.hpp"
#include "support/http_client.hpp"

namespace vp {
namespace {

namespace json = boost::json;
using testing::Http;

const std::filesystem::path kPki = std::filesystem::path(VP_SOURCE_DIR) / "tests/data/pki";
constexpr const char* kBoundary = "vpSigBoundary7";

std::string Read(const std::string& name) {
    std::ifstream in(kPki / name, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

std::string FileForm(const std::string& filename, const std::string& bytes) {
    return std::string("--") + kBoundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"" + filename +
           "\"\r\nContent-Type: application/pdf\r\n\r\n" + bytes + "\r\n--" + kBoundary + "--\r\n";
}

class SignaturesHttp : public ::testing::TestWithParam<core::db::Engine> {
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
               ("vp-sig-http-" + std::to_string(::getpid()) + "-" + std::to_string(counter_++));
        std::filesystem::create_directories(dir_);
        app::Config c;
        c.data_dir = dir_.string();
        c.database = GetParam() == core::db::Engine::kSqlite ? "sqlite:" + url : url;
        c.port = 0;
        c.demo = false;
        c.jobs = false;
        c.access_log = false;
        c.rate_limit = 0;
        c.trust_anchors = (kPki / "anchors").string();
        app_ = std::make_unique<app::App>(c);
        port_ = app_->StartInBackground();
    }
    void TearDown() override {
        app_.reset();
        std::error_code ec;
        std::filesystem::remove_all(dir_, ec);
    }
    signatures::Service& Signatures() { return *app_->Internals().signature_service; }

    static inline int counter_ = 0;
    std::filesystem::path dir_;
    std::unique_ptr<app::App> app_;
    std::uint16_t port_ = 0;
};

TEST_P(SignaturesHttp, RegisteredSignedPdfVerifiesByUploadAndDigest_P31) {
    const std::string pdf = Read("sample-signed.pdf");
    const std::string sha = signatures::Sha256Hex(pdf);
    auto e = Signatures().Register(audit::Actor{.username = "portal"}, {.sha256 = sha,
                                                                        .size = static_cast<std::int64_t>(pdf.size()),
                                                                        .filename = "nghi-quyet-mau.pdf",
                                                                        .title = "Nghị quyết mẫu (TEST ONLY)",
                                                                        .signer = "portal:main",
                                                                        .owner_module = "portal",
                                                                        .owner_id = "1"});
    ASSERT_TRUE(e.ok()) << e.error().message;

    // The API, by upload: registry, Ed25519 and the embedded signature checked now.
    auto up = Http(port_, "POST", "/api/v1/signatures/verify", pdf, {{"Content-Type", "application/pdf"}});
    ASSERT_EQ(up.status, 200) << up.body;
    auto v = json::parse(up.body).as_object();
    EXPECT_TRUE(v.at("registered").as_bool());
    const auto& entry = v.at("entries").as_array().at(0).as_object();
    EXPECT_TRUE(entry.at("signature_valid").as_bool());
    EXPECT_EQ(entry.at("signer").as_string(), "portal:main");
    const auto& check = v.at("pdf").as_object();
    EXPECT_TRUE(check.at("valid").as_bool()) << up.body;
    EXPECT_TRUE(check.at("covers_whole_file").as_bool());
    EXPECT_NE(std::string(check.at("signer_subject").as_string()).find("Nguyễn Văn A"), std::string::npos);

    // By digest: the stored check comes back with the entry.
    auto by_digest = Http(port_, "GET", "/api/v1/signatures/verify?sha256=" + sha);
    ASSERT_EQ(by_digest.status, 200);
    auto d = json::parse(by_digest.body).as_object();
    EXPECT_TRUE(d.at("registered").as_bool());
    EXPECT_TRUE(d.at("pdf").as_object().at("valid").as_bool());
    // The published key verifies the entry's canonical message.
    auto keys = json::parse(Http(port_, "GET", "/api/v1/signatures/keys").body).as_object();
    const auto& key = keys.at("keys").as_array().at(0).as_object();
    EXPECT_EQ(key.at("signer").as_string(), "portal:main");
    EXPECT_TRUE(signatures::VerifyEd25519(std::string(entry.at("canonical_message").as_string()),
                                          std::string(entry.at("signature").as_string()),
                                          std::string(key.at("public_key").as_string())));
    EXPECT_EQ(Http(port_, "GET", "/api/v1/signatures/keys/portal:main").status, 200);
    EXPECT_EQ(Http(port_, "GET", "/api/v1/signatures/keys/portal:none").status, 404);
    EXPECT_EQ(Http(port_, "GET", "/api/v1/signatures/entries/" + std::to_string(e->id)).status, 200);

    // The page, Vietnamese first, then in English.
    auto page = Http(port_, "GET", "/verify?sha256=" + sha);
    ASSERT_EQ(page.status, 200);
    EXPECT_NE(page.body.find("Tệp này có trong sổ đăng ký"), std::string::npos) << page.body;
    EXPECT_NE(page.body.find("Chữ ký số hợp lệ và bao trọn toàn bộ tệp."), std::string::npos);
    EXPECT_NE(page.body.find("portal:main"), std::string::npos);
    auto en = Http(port_, "GET", "/verify?lang=en&sha256=" + sha);
    EXPECT_NE(en.body.find("This file is in the registry"), std::string::npos);
}

TEST_P(SignaturesHttp, PageUploadShowsTamperedAndUntrusted_P31) {
    auto form = Http(port_, "GET", "/verify");
    ASSERT_EQ(form.status, 200);
    EXPECT_NE(form.body.find("enctype=\"multipart/form-data\""), std::string::npos);
    const std::map<std::string, std::string> multipart{
        {"Content-Type", std::string("multipart/form-data; boundary=") + kBoundary}};
    auto tampered = Http(port_, "POST", "/verify", FileForm("ban-sua.pdf", Read("sample-tampered.pdf")), multipart);
    ASSERT_EQ(tampered.status, 200) << tampered.body;
    EXPECT_NE(tampered.body.find("Không tìm thấy tệp này trong sổ đăng ký"), std::string::npos);
    EXPECT_NE(tampered.body.find("nội dung tệp đã bị thay đổi sau khi ký"), std::string::npos) << tampered.body;
    EXPECT_NE(tampered.body.find("ban-sua.pdf"), std::string::npos);
    auto untrusted = Http(port_, "POST", "/verify", FileForm("x.pdf", Read("sample-untrusted.pdf")), multipart);
    EXPECT_NE(untrusted.body.find("không thuộc tổ chức cấp chứng thư tin cậy"), std::string::npos);
    auto appended = Http(port_, "POST", "/verify", FileForm("x.pdf", Read("sample-appended.pdf")), multipart);
    EXPECT_NE(appended.body.find("được bổ sung nội dung sau khi ký"), std::string::npos);
    // A bad digest is a 400 with the reason on the page; a form that is not multipart a 415.
    auto bad = Http(port_, "GET", "/verify?sha256=xyz");
    EXPECT_EQ(bad.status, 400);
    EXPECT_NE(bad.body.find("64 ký tự"), std::string::npos);
    EXPECT_EQ(
        Http(port_, "POST", "/verify", "sha256=x", {{"Content-Type", "application/x-www-form-urlencoded"}}).status,
        415);
}

TEST_P(SignaturesHttp, ApiRefusesWhatItDoesNotTake_P31) {
    EXPECT_EQ(Http(port_, "POST", "/api/v1/signatures/verify", "x", {{"Content-Type", "text/plain"}}).status, 415);
    EXPECT_EQ(Http(port_, "POST", "/api/v1/signatures/verify", "", {{"Content-Type", "application/pdf"}}).status, 400);
    EXPECT_EQ(Http(port_, "GET", "/api/v1/signatures/verify?sha256=12").status, 400);
    EXPECT_EQ(Http(port_, "GET", "/api/v1/signatures/entries/999").status, 404);
    EXPECT_EQ(Http(port_, "POST", "/api/v1/signatures/entries/1/withdraw", R"({"reason":"x"})",
                   {{"Content-Type", "application/json"}})
                  .status,
              401);
    // An unregistered file: not registered, no Ed25519 entry, the embedded signature still checked.
    auto r = Http(port_, "POST", "/api/v1/signatures/verify", Read("sample-signed-cades.pdf"),
                  {{"Content-Type", "application/octet-stream"}});
    ASSERT_EQ(r.status, 200);
    auto v = json::parse(r.body).as_object();
    EXPECT_FALSE(v.at("registered").as_bool());
    EXPECT_EQ(v.at("pdf").as_object().at("sub_filter").as_string(), "ETSI.CAdES.detached");
    EXPECT_TRUE(v.at("pdf").as_object().at("valid").as_bool());
}

TEST(SignaturesDemo, DemoTrustsTheTestCaOnly_P31) {
    EXPECT_EQ(signatures::SettingsFor("", true).anchors->Count(), 1u);
    EXPECT_EQ(signatures::SettingsFor("", false).anchors->Count(), 0u);
    EXPECT_TRUE(
        signatures::CheckPdfSignature(Read("sample-signed.pdf"), *signatures::SettingsFor("", true).anchors).valid);
    EXPECT_THROW(signatures::SettingsFor("/nonexistent-vp-anchors", false), std::runtime_error);
}

VP_INSTANTIATE_DB_TEST(SignaturesHttp);

}  // namespace
}  // namespace vp
