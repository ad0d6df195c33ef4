// covers P-31: the registry of signed files, on SQLite and PostgreSQL
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "core/db/migrate.hpp"
#include "core/embedded.hpp"
#include "core/testing/db_fixture.hpp"
#include "signatures/signatures.hpp"

namespace vp::embedded {
std::span<const vp::core::EmbeddedFile> Migrations();
}

namespace vp::signatures {
namespace {

using core::access::Principal;

const std::filesystem::path kPki = std::filesystem::path(VP_SOURCE_DIR) / "tests/data/pki";

std::string Read(const std::filesystem::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

class FlatTree : public core::access::UnitTree {
public:
    bool IsWithin(std::int64_t a, std::int64_t u) const override { return a == u || a == 1; }
    bool IsNational(std::int64_t u) const override { return u == 1; }
};

class SignaturesTest : public testing::DbTest {
protected:
    void SetUp() override {
        DbTest::SetUp();
        if (!db_) return;
        const std::vector<std::string> modules{"signatures"};
        core::db::Migrate(*db_, embedded::Migrations(), modules);
        policy_.AddRole({.code = "editor", .rank = 1});
        policy_.AddRole({.code = "portal_director", .rank = 2});
        policy_.AddRole({.code = "system_admin", .rank = 3});
        DeclareAccess(policy_);
        policy_.SetUnitTree(&tree_);
        policy_.Validate();
        service_ = std::make_unique<Service>(*db_, log_, clock_, *box_, policy_,
                                             ServiceSettings{.anchors = TrustAnchors::FromDirectory(kPki / "anchors")});
    }
    Principal Who(std::string role) {
        Principal p;
        p.user_id = 7;
        p.username = "bbt";
        p.grants.push_back({1, std::move(role), 1, ""});
        return p;
    }
    RegisterInput Input(std::string_view bytes, std::string signer = "portal:main") {
        return {.sha256 = Sha256Hex(bytes),
                .size = static_cast<std::int64_t>(bytes.size()),
                .filename = "nghi-quyet-01.pdf",
                .title = "Nghị quyết số 01-NQ/TW",
                .signer = std::move(signer),
                .owner_module = "portal",
                .owner_id = "item-42"};
    }
    std::int64_t AuditCount(std::string_view action) {
        return db_->Read([&](core::db::Connection& c) {
            return c.QueryOne("SELECT COUNT(*) FROM audit_log WHERE action = $1", {std::string(action)})->Int(0);
        });
    }

    audit::Log log_{clock_};
    std::unique_ptr<core::SecretBox> box_ = core::SecretBox::Random();
    FlatTree tree_;
    core::access::Policy policy_;
    std::unique_ptr<Service> service_;
    const audit::Actor actor_{.user_id = 7, .username = "bbt", .unit_id = 1, .role = "publisher"};
};

TEST_P(SignaturesTest, RegistryRoundTripAndEd25519_P31) {
    const std::string file = "%PDF-1.7 một văn bản\n";
    auto e = service_->Register(actor_, Input(file));
    ASSERT_TRUE(e.ok()) << e.error().message;
    EXPECT_EQ(e->sha256, Sha256Hex(file));
    EXPECT_EQ(e->registered_at, core::ToMillis(clock_.Now()));
    EXPECT_EQ(e->title, "Nghị quyết số 01-NQ/TW");

    // Published key, and the signature over the documented canonical message.
    auto key = service_->Key("portal:main");
    ASSERT_TRUE(key.ok());
    EXPECT_EQ(key->public_key, e->public_key);
    EXPECT_TRUE(key->public_key_pem.starts_with("-----BEGIN PUBLIC KEY-----\n"));
    const std::string message = CanonicalMessage(e->sha256, e->size, "portal:main", e->registered_at);
    EXPECT_EQ(message, "vanphong-file-v1\n" + Sha256Hex(file) + "\n" + std::to_string(file.size()) +
                           "\nportal:main\n2026-01-01T00:00:00.000Z");
    EXPECT_TRUE(VerifyEd25519(message, e->signature, key->public_key));
    std::string changed = message;
    changed[20] ^= 1;
    EXPECT_FALSE(VerifyEd25519(changed, e->signature, key->public_key)) << "one byte changed";

    // Lookup and verification by bytes and by digest.
    ASSERT_EQ(service_->Lookup(e->sha256).size(), 1u);
    EXPECT_EQ(service_->Lookup(" " + e->sha256 + "\n").front().id, e->id) << "surrounding spaces are ignored";
    auto v = service_->VerifyBytes(file);
    ASSERT_TRUE(v.Registered());
    EXPECT_TRUE(v.entries.front().signature_valid);
    EXPECT_EQ(v.size, static_cast<std::int64_t>(file.size()));
    std::string other = file;
    other.back() = ' ';
    EXPECT_FALSE(service_->VerifyBytes(other).Registered()) << "a changed byte is another file";
    std::string upper = e->sha256;
    for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    EXPECT_TRUE(service_->VerifyDigest(upper)->Registered());
    EXPECT_FALSE(service_->VerifyDigest("xyz").ok());
    EXPECT_EQ(service_->VerifyDigest("xyz").error().field, "sha256");

    // Registering again is idempotent; another owner is another entry with the same key.
    auto again = service_->Register(actor_, Input(file));
    ASSERT_TRUE(again.ok());
    EXPECT_EQ(again->id, e->id);
    auto tasks = Input(file);
    tasks.owner_module = "tasks";
    ASSERT_TRUE(service_->Register(actor_, tasks).ok());
    EXPECT_EQ(service_->Lookup(e->sha256).size(), 2u);
    EXPECT_EQ(service_->Keys().size(), 1u) << "one key per signer, created on first use";
    EXPECT_EQ(AuditCount("signatures.register"), 2);
    EXPECT_EQ(AuditCount("signatures.key_create"), 1);

    // The secret is sealed, never stored plain.
    const auto sealed = db_->Read([](core::db::Connection& c) {
        return c.QueryOne("SELECT secret_sealed FROM signature_keys WHERE signer = 'portal:main'")->Text(0);
    });
    EXPECT_TRUE(core::SecretBox::IsSealed(sealed));
}

TEST_P(SignaturesTest, AlteredRowsFailVerification_P31) {
    const std::string file = "tệp A";
    auto e = service_->Register(actor_, Input(file));
    ASSERT_TRUE(e.ok());
    // Someone with write access to the table changes the size: the signature no longer matches.
    db_->Transact([&](core::db::Connection& c) { c.Execute("UPDATE signature_entries SET size = size + 1"); });
    EXPECT_FALSE(service_->VerifyBytes(file).entries.front().signature_valid);
    // Or inserts an entry signed with a key of their own: refused against the published key.
    db_->Transact([&](core::db::Connection& c) { c.Execute("UPDATE signature_entries SET size = size - 1"); });
    EXPECT_TRUE(service_->VerifyBytes(file).entries.front().signature_valid);
    db_->Transact([&](core::db::Connection& c) {
        c.Execute("UPDATE signature_entries SET public_key = 'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA='");
    });
    EXPECT_FALSE(service_->VerifyBytes(file).entries.front().signature_valid);
}

TEST_P(SignaturesTest, InputIsValidated_P31) {
    auto bad = Input("x");
    bad.sha256 = "abc";
    EXPECT_EQ(service_->Register(actor_, bad).error().field, "sha256");
    bad = Input("x", "Portal Main");
    EXPECT_EQ(service_->Register(actor_, bad).error().field, "signer");
    bad = Input("x", "portal:");
    EXPECT_EQ(service_->Register(actor_, bad).error().field, "signer");
    bad = Input("x");
    bad.filename = "a\nb.pdf";
    EXPECT_EQ(service_->Register(actor_, bad).error().field, "filename");
    bad = Input("x");
    bad.size = -1;
    EXPECT_EQ(service_->Register(actor_, bad).error().field, "size");
    EXPECT_TRUE(service_->Keys().empty()) << "nothing was created";
}

TEST_P(SignaturesTest, WithdrawnEntryStaysAndIsShownWithdrawn_P31) {
    const std::string file = "quyết định";
    auto e = service_->Register(actor_, Input(file));
    ASSERT_TRUE(e.ok());
    EXPECT_EQ(service_->Withdraw(Who("editor"), e->id, "nhầm").error().code, core::ErrorCode::kForbidden);
    EXPECT_EQ(service_->Withdraw(Who("portal_director"), e->id, "").error().field, "reason");
    auto w = service_->Withdraw(Who("portal_director"), e->id, "Ban hành nhầm phiên bản");
    ASSERT_TRUE(w.ok()) << w.error().message;
    ASSERT_TRUE(w->withdrawn);
    EXPECT_EQ(w->withdrawn->reason, "Ban hành nhầm phiên bản");
    EXPECT_EQ(w->withdrawn->by, "bbt");
    EXPECT_EQ(service_->Withdraw(Who("system_admin"), e->id, "lại").error().code, core::ErrorCode::kConflict);
    EXPECT_EQ(service_->Withdraw(Who("system_admin"), 999999, "x").error().code, core::ErrorCode::kNotFound);
    auto v = service_->VerifyBytes(file);
    ASSERT_EQ(v.entries.size(), 1u) << "never deleted";
    ASSERT_TRUE(v.entries.front().entry.withdrawn);
    EXPECT_TRUE(v.entries.front().signature_valid) << "the signature itself still verifies";
    EXPECT_EQ(service_->Register(actor_, Input(file)).error().code, core::ErrorCode::kConflict);
    EXPECT_EQ(AuditCount("signatures.withdraw"), 1);
}

TEST_P(SignaturesTest, PdfCheckIsStoredWithTheDigest_P31) {
    const std::string pdf = Read(kPki / "sample-signed.pdf");
    auto v = service_->VerifyBytes(pdf);
    EXPECT_FALSE(v.Registered());
    ASSERT_TRUE(v.pdf);
    EXPECT_TRUE(v.pdf->check.valid) << v.pdf->check.reason;
    auto stored = service_->VerifyDigest(Sha256Hex(pdf));
    ASSERT_TRUE(stored.ok() && stored->pdf);
    EXPECT_TRUE(stored->pdf->check.valid);
    EXPECT_TRUE(stored->pdf->check.covers_whole_file);
    EXPECT_EQ(stored->pdf->check.signer_subject, v.pdf->check.signer_subject);
    EXPECT_EQ(stored->pdf->check.signing_time_ms, v.pdf->check.signing_time_ms);
    EXPECT_EQ(stored->pdf->check.sub_filter, "adbe.pkcs7.detached");
    const std::string tampered = Read(kPki / "sample-tampered.pdf");
    service_->CheckPdfSignature(tampered);
    auto t = service_->FindPdfCheck(Sha256Hex(tampered));
    ASSERT_TRUE(t);
    EXPECT_FALSE(t->check.valid);
    EXPECT_EQ(t->check.reason, "digest_mismatch");
    // Checked again (other anchors, say): the newer result replaces the older.
    service_->CheckPdfSignature(tampered);
    EXPECT_TRUE(service_->FindPdfCheck(Sha256Hex(tampered)));
}

// An independent implementation checks the canonical-message signature: OpenSSL's Ed25519
// (openssl pkeyutl -verify -rawin) with the published PEM key.
TEST_P(SignaturesTest, OpenSslVerifiesTheRegistrySignature_P31) {
    if (std::system("openssl version >/dev/null 2>&1") != 0) {
        if (std::getenv("CI")) FAIL() << "openssl is required in CI";
        GTEST_SKIP() << "openssl not installed";
    }
    const std::string file = "Công văn số 15";
    auto e = service_->Register(actor_, Input(file, "tasks:vptw"));
    ASSERT_TRUE(e.ok());
    auto key = service_->Key("tasks:vptw");
    ASSERT_TRUE(key.ok());
    const auto dir = std::filesystem::temp_directory_path() / ("vp-sig-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir);
    std::ofstream(dir / "pub.pem") << key->public_key_pem;
    std::ofstream(dir / "msg", std::ios::binary) << CanonicalMessage(e->sha256, e->size, e->signer, e->registered_at);
    std::ofstream(dir / "sig.b64") << e->signature << "\n";
    const std::string d = dir.string();
    ASSERT_EQ(std::system(("openssl base64 -d -in " + d + "/sig.b64 -out " + d + "/sig").c_str()), 0);
    const std::string verify = "openssl pkeyutl -verify -pubin -inkey " + d + "/pub.pem -rawin -in " + d +
                               "/msg -sigfile " + d + "/sig >/dev/null 2>&1";
    EXPECT_EQ(std::system(verify.c_str()), 0) << "OpenSSL accepts the signature";
    std::ofstream(dir / "msg", std::ios::binary)
        << CanonicalMessage(e->sha256, e->size + 1, e->signer, e->registered_at);
    EXPECT_NE(std::system(verify.c_str()), 0) << "and refuses it over a changed message";
    std::filesystem::remove_all(dir);
}

VP_INSTANTIATE_DB_TEST(SignaturesTest);

}  // namespace
}  // namespace vp::signatures
