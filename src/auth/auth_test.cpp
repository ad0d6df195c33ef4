// covers ORG-3, P-7, P-8, X-3 on both engines
#include <gtest/gtest.h>

#include <sodium.h>

#include <fstream>
#include <mutex>
#include <thread>
#include <sstream>

#include "auth/auth.hpp"
#include "auth/crypto/totp.hpp"
#include "core/testing/db_fixture.hpp"
#include "units/units.hpp"

namespace vp {
namespace {

using auth::Stage;

std::string SeedJson() {
    std::ifstream in(std::string(VP_SOURCE_DIR) + "/data/units/seed.json");
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

class Auth : public testing::DbTest {
protected:
    void SetUp() override {
        DbTest::SetUp();
        if (IsSkipped() || HasFailure()) return;
        clock_.Set(core::FromMillis(1767225600000));
        auth::DeclareAccess(policy_);
        units::DeclareAccess(policy_);
        policy_.Allow(kAuditRead, {"inspector", "system_admin"});
        units_ = std::make_unique<units::Service>(Db(), log_, clock_, policy_);
        policy_.SetUnitTree(units_.get());
        ASSERT_TRUE(units_->SeedIfEmpty(cli_, SeedJson()).ok());
        svc_ = std::make_unique<auth::Service>(Db(), log_, clock_, *units_, policy_, hasher_, bus_, Settings());
        vptw_ = units_->FindByCode("VPTW")->id;
        vdp1_ = units_->FindByCode("VPTW-VDP1")->id;
        hni_ = units_->FindByCode("TU-HNI")->id;
        admin_ = MakeReady("admin", "system_admin", vptw_);
        leader_ = MakeReady("leader", "leader", vptw_);
    }

    // An active, enrolled, signed-in principal.
    auth::Principal MakeReady(const std::string& name, const std::string& role, std::int64_t unit,
                              std::vector<auth::RequestedRole> more = {}) {
        auto secret = auth::Base32Encode(auth::GenerateTotpSecret());
        secrets_[name] = secret;
        more.insert(more.begin(), {role, unit});
        auto u = svc_->CreateActive(cli_,
                                    {.username = name,
                                     .full_name = "Người " + name,
                                     .email = name + "@vptw.vn",
                                     .unit_id = unit,
                                     .roles = more},
                                    kPassword, secret);
        EXPECT_TRUE(u.ok()) << (u.ok() ? std::string() : core::Text(u.error().message, "vi"));
        auto login = svc_->Login(name, kPassword, "10.0.0.1", "test");
        EXPECT_TRUE(login.ok());
        auto p = *svc_->Authenticate(login->session_token, "10.0.0.1");
        EXPECT_EQ(p.stage, Stage::kSecondFactor);
        EXPECT_TRUE(svc_->VerifySecondFactor(p, Code(name)).ok());
        clock_.Advance(std::chrono::seconds(30));  // the next code is a new step
        return *svc_->Authenticate(login->session_token, "10.0.0.1");
    }

    std::string Code(const std::string& name) {
        auto secret = auth::TryBase32Decode(secrets_[name]).value();
        return auth::TotpCode(secret, core::ToMillis(clock_.Now()) / 1000);
    }

    static constexpr const char* kPassword = "Trung-Uong-2026!x";
    audit::Log log_{clock_};
    auth::AuthSettings Settings() {
        auth::AuthSettings s{.secret_box = box_.get()};
        s.queue_mail = [this](core::db::Connection&, const std::string& to, const std::string&,
                              const std::string& text) {
            std::lock_guard lock(mail_mu_);
            mail_[to] = text;
        };
        return s;
    }
    // The handover code in the last e-mail to `to`.
    std::string HandoverCode(const std::string& to) {
        std::lock_guard lock(mail_mu_);
        const auto& text = mail_[to];
        auto at = text.find("\n\n    ");
        return at == std::string::npos ? "" : text.substr(at + 6, text.find('\n', at + 6) - at - 6);
    }
    static constexpr core::access::Permission kAuditRead{"audit.read"};
    core::access::Policy policy_;
    std::unique_ptr<core::SecretBox> box_ = core::SecretBox::Random();
    std::mutex mail_mu_;
    std::map<std::string, std::string> mail_;
    auth::Principal cli_ = auth::Principal::Operator();
    auth::PasswordHasher hasher_{
        {.max_concurrent = 2, .opslimit = crypto_pwhash_OPSLIMIT_MIN, .memlimit = crypto_pwhash_MEMLIMIT_MIN}};
    core::EventBus bus_;
    std::unique_ptr<units::Service> units_;
    std::unique_ptr<auth::Service> svc_;
    std::map<std::string, std::string> secrets_;
    std::int64_t vptw_ = 0, vdp1_ = 0, hni_ = 0;
    auth::Principal admin_, leader_;
};

TEST_P(Auth, NewAccountIsApprovedChangesPasswordEnrolsAndSignsIn_P7_P8) {
    auto req = svc_->RequestAccount(admin_, {.username = "bientap1",
                                             .full_name = "Trần Thị Biên",
                                             .email = "bt1@example.org",
                                             .unit_id = vdp1_,
                                             .roles = {{"editor", 0}},
                                             .reason = "Biên tập viên mới"});
    ASSERT_TRUE(req.ok()) << req.error().message;
    EXPECT_EQ(svc_->FindUserByName("bientap1")->status, "pending");
    EXPECT_EQ(svc_->Login("bientap1", "anything-at-all-1A", "10.0.0.2", "t").error().code,
              core::ErrorCode::kUnauthorized);

    auto approved = svc_->Approve(leader_, req->id, "Đồng ý");
    ASSERT_TRUE(approved.ok()) << approved.error().message;
    const auto initial = approved->initial_password;

    auto login = svc_->Login("bientap1", initial, "10.0.0.2", "t");
    ASSERT_TRUE(login.ok());
    EXPECT_EQ(login->stage, Stage::kPasswordChange);
    auto p = *svc_->Authenticate(login->session_token, "10.0.0.2");
    EXPECT_FALSE(svc_->Authorize(p, units::kUnitView, vdp1_).ok()) << "nothing else before the steps are done";

    EXPECT_FALSE(svc_->ChangePassword(p, initial, "short").ok());
    EXPECT_FALSE(svc_->ChangePassword(p, initial, initial).ok()) << "the last passwords cannot be reused";
    auto changed = svc_->ChangePassword(p, initial, "Cong-Thong-Tin-2026#");
    ASSERT_TRUE(changed.ok()) << changed.error().message;
    EXPECT_EQ(changed.value(), Stage::kEnrol) << "an editorial role must enrol two factors";

    p = *svc_->Authenticate(login->session_token, "10.0.0.2");
    EXPECT_EQ(p.stage, Stage::kEnrol);
    EXPECT_FALSE(svc_->Authorize(p, units::kUnitView, vdp1_).ok());
    auto enrol = svc_->BeginEnrolment(p);
    ASSERT_TRUE(enrol.ok());
    EXPECT_NE(enrol->qr_svg.find("<svg"), std::string::npos);
    EXPECT_NE(enrol->otpauth_uri.find(enrol->secret_base32), std::string::npos);
    EXPECT_EQ(svc_->BeginEnrolment(p)->secret_base32, enrol->secret_base32) << "reloading keeps the same secret";
    EXPECT_FALSE(svc_->CompleteEnrolment(p, "000000").ok());
    secrets_["bientap1"] = enrol->secret_base32;
    auto codes = svc_->CompleteEnrolment(p, Code("bientap1"));
    ASSERT_TRUE(codes.ok());
    EXPECT_EQ(codes->size(), 10u);
    p = *svc_->Authenticate(login->session_token, "10.0.0.2");
    EXPECT_EQ(p.stage, Stage::kReady);
    EXPECT_TRUE(svc_->Authorize(p, units::kUnitView, vdp1_).ok());

    // A new sign-in now needs the one-time code; a recovery code works once.
    auto again = svc_->Login("bientap1", "Cong-Thong-Tin-2026#", "10.0.0.2", "t");
    ASSERT_TRUE(again.ok());
    EXPECT_EQ(again->stage, Stage::kSecondFactor);
    auto p2 = *svc_->Authenticate(again->session_token, "10.0.0.2");
    EXPECT_TRUE(svc_->VerifySecondFactor(p2, codes->at(0)).ok());
    auto third = svc_->Login("bientap1", "Cong-Thong-Tin-2026#", "10.0.0.2", "t");
    auto p3 = *svc_->Authenticate(third->session_token, "10.0.0.2");
    EXPECT_FALSE(svc_->VerifySecondFactor(p3, codes->at(0)).ok()) << "recovery codes are single-use";
    EXPECT_TRUE(log_.Verify(Db()).ok);
}

TEST_P(Auth, RequesterCannotApproveOwnRequest_P7) {
    auto mixed = MakeReady("both", "system_admin", vptw_, {{"leader", vptw_}});
    auto req = svc_->RequestAccount(
        mixed, {.username = "xuser1", .full_name = "X", .unit_id = vdp1_, .roles = {{"contributor", 0}}});
    ASSERT_TRUE(req.ok());
    auto self = svc_->Approve(mixed, req->id, "");
    ASSERT_FALSE(self.ok());
    EXPECT_EQ(self.error().code, core::ErrorCode::kForbidden);
    ASSERT_TRUE(svc_->Refuse(leader_, req->id, "Không đủ điều kiện").ok());
    EXPECT_EQ(svc_->FindUserByName("xuser1")->status, "refused");
    EXPECT_EQ(svc_->Approve(leader_, req->id, "").error().code, core::ErrorCode::kConflict);
}

TEST_P(Auth, RevokeEndsEverySessionAtOnce_P7) {
    auto ed = MakeReady("editor1", "editor", vdp1_);
    auto token = svc_->CreateApiToken(ed, "máy", {"unit.view"}, 30);
    ASSERT_TRUE(token.ok());
    ASSERT_TRUE(svc_->AuthenticateBearer(token->token, "x"));
    auto sub = bus_.Subscribe([](const core::Event&) { return true; });
    auto r = svc_->Revoke(leader_, ed.user_id, "Chuyển công tác");
    ASSERT_TRUE(r.ok());
    EXPECT_TRUE(svc_->ListSessions(ed).empty());
    EXPECT_FALSE(svc_->AuthenticateBearer(token->token, "x")) << "API tokens end with the account";
    EXPECT_EQ(svc_->Login("editor1", kPassword, "x", "t").error().code, core::ErrorCode::kForbidden);
    auto ev = sub->Next();
    ASSERT_TRUE(ev);
    EXPECT_NE(ev->find("session.ended"), std::string::npos);
    EXPECT_TRUE(svc_->FindUser(ed.user_id)->grants.empty());
    EXPECT_FALSE(svc_->Revoke(leader_, ed.user_id, "again").ok());
    EXPECT_EQ(svc_->Revoke(leader_, admin_.user_id, "  ").error().code, core::ErrorCode::kInvalidInput);
}

TEST_P(Auth, SlowDownThenLockOut_P8_X3) {
    MakeReady("target", "editor", vdp1_);
    for (int i = 0; i < 3; ++i) {
        EXPECT_EQ(svc_->Login("target", "wrong-password-1A", "10.9.9.9", "t").error().code,
                  core::ErrorCode::kUnauthorized);
        if (i < 2) clock_.Advance(std::chrono::milliseconds(10));
    }
    // The third failure imposes a wait: even the right password is not looked at yet.
    EXPECT_EQ(svc_->Login("target", kPassword, "10.9.9.9", "t").error().code, core::ErrorCode::kTooManyRequests);
    clock_.Advance(std::chrono::seconds(2));
    EXPECT_TRUE(svc_->Login("target", kPassword, "10.9.9.9", "t").ok()) << "success resets the counter";
    for (int i = 0; i < 10; ++i) {
        clock_.Advance(std::chrono::minutes(5));
        (void)svc_->Login("target", "wrong-password-1A", "10.9.9." + std::to_string(i), "t");
    }
    clock_.Advance(std::chrono::minutes(10));
    EXPECT_EQ(svc_->Login("target", kPassword, "10.1.1.1", "t").error().code, core::ErrorCode::kTooManyRequests)
        << "locked out for 30 minutes";
    clock_.Advance(std::chrono::minutes(21));
    EXPECT_TRUE(svc_->Login("target", kPassword, "10.1.1.1", "t").ok());
}

TEST_P(Auth, TooManyFailuresFromOneAddress_X3) {
    for (int i = 0; i < 30; ++i) (void)svc_->Login("nobody" + std::to_string(i), "x-Wrong-pass-1", "10.7.7.7", "t");
    EXPECT_EQ(svc_->Login("admin", kPassword, "10.7.7.7", "t").error().code, core::ErrorCode::kTooManyRequests);
    EXPECT_TRUE(svc_->Login("admin", kPassword, "10.7.7.8", "t").ok());
}

TEST_P(Auth, TotpCodeCannotBeReplayed_P8) {
    MakeReady("replayer", "editor", vdp1_);
    auto l1 = svc_->Login("replayer", kPassword, "a", "t");
    auto p1 = *svc_->Authenticate(l1->session_token, "a");
    auto code = Code("replayer");
    ASSERT_TRUE(svc_->VerifySecondFactor(p1, code).ok());
    auto l2 = svc_->Login("replayer", kPassword, "a", "t");
    auto p2 = *svc_->Authenticate(l2->session_token, "a");
    EXPECT_FALSE(svc_->VerifySecondFactor(p2, code).ok()) << "the same 30-second code is accepted once";
}

TEST_P(Auth, PasswordExpiresAfter90Days_P8) {
    auto p = MakeReady("old", "editor", vdp1_);
    clock_.Advance(std::chrono::hours(24 * 91));
    auto l = svc_->Login("old", kPassword, "a", "t");
    ASSERT_TRUE(l.ok());
    auto s = *svc_->Authenticate(l->session_token, "a");
    ASSERT_TRUE(svc_->VerifySecondFactor(s, Code("old")).ok());
    s = *svc_->Authenticate(l->session_token, "a");
    EXPECT_EQ(s.stage, Stage::kPasswordChange);
    EXPECT_FALSE(svc_->Authorize(s, units::kUnitView, vdp1_).ok());
}

TEST_P(Auth, PermissionsAreScopedToTheUnitSubtree_ORG3_X3) {
    auto hanoi_admin = MakeReady("hnadmin", "system_admin", hni_);
    EXPECT_TRUE(svc_->Authorize(hanoi_admin, units::kUnitManage, hni_).ok());
    EXPECT_TRUE(svc_->Authorize(hanoi_admin, units::kUnitManage, units_->FindByCode("VP-HNI")->id).ok());
    EXPECT_FALSE(svc_->Authorize(hanoi_admin, units::kUnitManage, vptw_).ok());
    EXPECT_FALSE(svc_->Authorize(hanoi_admin, auth::kAccountApprove, hni_).ok()) << "deny by default";
    auto a = svc_->Authorize(admin_, kAuditRead, vdp1_);
    ASSERT_TRUE(a.ok());
    EXPECT_EQ(a->role, "system_admin");
    auto tok = svc_->CreateApiToken(admin_, "đọc", {"unit.view"}, 7);
    auto machine = *svc_->AuthenticateBearer(tok->token, "x");
    EXPECT_TRUE(svc_->Authorize(machine, units::kUnitView, vdp1_).ok());
    EXPECT_FALSE(svc_->Authorize(machine, units::kUnitManage, vdp1_).ok()) << "tokens are limited to their scopes";
    clock_.Advance(std::chrono::hours(24 * 8));
    EXPECT_FALSE(svc_->AuthenticateBearer(tok->token, "x")) << "tokens expire";
}

TEST_P(Auth, SessionsEndOnIdleAndByTheUser_X3) {
    auto p = MakeReady("sess", "editor", vdp1_);
    auto second = svc_->Login("sess", kPassword, "b", "other browser");
    auto sessions = svc_->ListSessions(p);
    ASSERT_EQ(sessions.size(), 2u);
    auto other = std::find_if(sessions.begin(), sessions.end(), [](auto& s) { return !s.current; });
    ASSERT_TRUE(svc_->EndSession(p, other->id).ok());
    EXPECT_FALSE(svc_->Authenticate(second->session_token, "b"));
    EXPECT_EQ(svc_->EndSession(admin_, sessions[0].id).error().code, core::ErrorCode::kNotFound)
        << "nobody ends another person's session";
    clock_.Advance(std::chrono::minutes(31));
    auto l = svc_->Login("sess", kPassword, "c", "t");
    clock_.Advance(std::chrono::minutes(31));
    EXPECT_FALSE(svc_->Authenticate(l->session_token, "c")) << "idle sessions expire";
}

TEST_P(Auth, BadAccountRequestsChangeNothing_P7) {
    auto before = svc_->ListUsers(cli_).size();
    auto a = admin_;
    EXPECT_FALSE(
        svc_->RequestAccount(a, {.username = "AB", .full_name = "x", .unit_id = vdp1_, .roles = {{"editor", 0}}}).ok());
    EXPECT_FALSE(
        svc_->RequestAccount(a, {.username = "okname", .full_name = "", .unit_id = vdp1_, .roles = {{"editor", 0}}})
            .ok());
    EXPECT_FALSE(
        svc_->RequestAccount(a, {.username = "okname", .full_name = "x", .unit_id = vdp1_, .roles = {{"king", 0}}})
            .ok());
    EXPECT_FALSE(
        svc_->RequestAccount(a, {.username = "okname", .full_name = "x", .unit_id = 999999, .roles = {{"editor", 0}}})
            .ok());
    EXPECT_EQ(
        svc_->RequestAccount(a, {.username = "admin", .full_name = "x", .unit_id = vdp1_, .roles = {{"editor", 0}}})
            .error()
            .code,
        core::ErrorCode::kConflict);
    EXPECT_EQ(svc_->ListUsers(cli_).size(), before);
}

TEST_P(Auth, PasswordsAreComparedInNfc_P12) {
    // "Mật-khẩu-Việt-2026" set precomposed, typed with combining marks.
    const std::string nfc = "M\xE1\xBA\xADt-kh\xE1\xBA\xA9u-Vi\xE1\xBB\x87t-2026";
    const std::string nfd = "Ma\xCC\xA3\xCC\x82t-kha\xCC\x82\xCC\x89u-Vie\xCC\xA3\xCC\x82t-2026";
    auto unit = units_->FindByCode("VPTW-VDP1")->id;
    ASSERT_TRUE(svc_->CreateActive(cli_,
                                   {.username = "nfcuser",
                                    .full_name = "Ngu\xCC\x9Bo\xCC\x9B\xCC\x80i Du\xCC\x80ng",
                                    .unit_id = unit,
                                    .roles = {{"contributor", unit}}},
                                   nfc, std::nullopt)
                    .ok());
    EXPECT_TRUE(svc_->Login("nfcuser", nfd, "a", "t").ok());
    EXPECT_EQ(svc_->FindUserByName("nfcuser")->full_name, "Ng\xC6\xB0\xE1\xBB\x9Di D\xC3\xB9ng")
        << "names are stored in NFC";
}

TEST_P(Auth, TotpSecretsAreEncryptedAtRest_X3) {
    auto box = core::SecretBox::Random();
    auth::Service sealed(Db(), log_, clock_, *units_, policy_, hasher_, bus_, {.secret_box = box.get()});
    auto unit = units_->FindByCode("VPTW-VDP1")->id;
    const std::string secret = auth::Base32Encode(auth::GenerateTotpSecret());
    ASSERT_TRUE(
        sealed
            .CreateActive(
                cli_,
                {.username = "sealed1", .full_name = "Người Mã Hóa", .unit_id = unit, .roles = {{"editor", unit}}},
                kPassword, secret)
            .ok());
    auto stored = Db().Read([](core::db::Connection& c) {
        return c.QueryOne("SELECT totp_secret FROM users WHERE username = 'sealed1'")->Text(0);
    });
    EXPECT_TRUE(core::SecretBox::IsSealed(stored));
    EXPECT_EQ(stored.find(secret), std::string::npos) << "the database never holds the secret in clear";
    auto login = sealed.Login("sealed1", kPassword, "a", "t");
    auto p = *sealed.Authenticate(login->session_token, "a");
    EXPECT_TRUE(sealed
                    .VerifySecondFactor(
                        p, auth::TotpCode(auth::TryBase32Decode(secret).value(), core::ToMillis(clock_.Now()) / 1000))
                    .ok());
    // With another key the secret cannot be opened, so no code is accepted.
    auto other = core::SecretBox::Random();
    auth::Service wrong(Db(), log_, clock_, *units_, policy_, hasher_, bus_, {.secret_box = other.get()});
    EXPECT_FALSE(wrong.CheckSecretKey().ok()) << "a node with the wrong key refuses to start";
    clock_.Advance(std::chrono::seconds(60));
    auto l2 = wrong.Login("sealed1", kPassword, "a", "t");
    auto p2 = *wrong.Authenticate(l2->session_token, "a");
    EXPECT_FALSE(wrong
                     .VerifySecondFactor(
                         p2, auth::TotpCode(auth::TryBase32Decode(secret).value(), core::ToMillis(clock_.Now()) / 1000))
                     .ok());
}

// --- the second pass of the security review (each failed on the earlier code) ---

// covers P-8, X-3: a correct password must not reset the count of wrong one-time codes.
TEST_P(Auth, SecondFactorFailuresSurviveAFreshSignIn_P8_X3) {
    MakeReady("guesser", "editor", vdp1_);
    for (int round = 0; round < 3; ++round) {
        auto l = svc_->Login("guesser", kPassword, "10.3.3.3", "t");
        ASSERT_TRUE(l.ok()) << "the password is right: " << l.error().message;
        auto p = *svc_->Authenticate(l->session_token, "10.3.3.3");
        for (int i = 0; i < 2; ++i) {
            (void)svc_->VerifySecondFactor(p, "000000");
            clock_.Advance(std::chrono::seconds(300));
        }
    }
    // Six wrong codes over three sign-ins: the second factor is locked, whatever the password step did.
    auto l = svc_->Login("guesser", kPassword, "10.3.3.4", "t");
    ASSERT_TRUE(l.ok());
    auto p = *svc_->Authenticate(l->session_token, "10.3.3.4");
    auto r = svc_->VerifySecondFactor(p, Code("guesser"));
    ASSERT_FALSE(r.ok()) << "even the right code waits out the lock-out";
    EXPECT_EQ(r.error().code, core::ErrorCode::kTooManyRequests);
    clock_.Advance(std::chrono::minutes(31));
    l = svc_->Login("guesser", kPassword, "10.3.3.4", "t");
    p = *svc_->Authenticate(l->session_token, "10.3.3.4");
    EXPECT_TRUE(svc_->VerifySecondFactor(p, Code("guesser")).ok());
}

TEST_P(Auth, SecondFactorFailuresPerAddress_X3) {
    for (int u = 0; u < 5; ++u) {
        auto name = "addr" + std::to_string(u);
        MakeReady(name, "editor", vdp1_);
        auto l = svc_->Login(name, kPassword, "10.4.4.4", "t");
        auto p = *svc_->Authenticate(l->session_token, "10.4.4.4");
        for (int i = 0; i < 4; ++i) {
            (void)svc_->VerifySecondFactor(p, "000000");
            clock_.Advance(std::chrono::seconds(20));
        }
    }
    MakeReady("fresh", "editor", vdp1_);
    auto l = svc_->Login("fresh", kPassword, "10.4.4.4", "t");
    auto p = *svc_->Authenticate(l->session_token, "10.4.4.4");
    auto r = svc_->VerifySecondFactor(p, Code("fresh"));
    ASSERT_FALSE(r.ok()) << "twenty wrong codes from one address block it";
    EXPECT_EQ(r.error().code, core::ErrorCode::kTooManyRequests);
}

// covers P-8, X-3 (RFC 6238 §5.2): two concurrent submissions of one code: exactly one succeeds.
TEST_P(Auth, ConcurrentSubmissionsOfOneCodeSucceedOnce_P8) {
    MakeReady("racer", "editor", vdp1_);
    constexpr int kN = 6;
    std::vector<auth::Principal> sessions;
    for (int i = 0; i < kN; ++i) {
        auto l = svc_->Login("racer", kPassword, "10.5.5." + std::to_string(i), "t");
        ASSERT_TRUE(l.ok());
        sessions.push_back(*svc_->Authenticate(l->session_token, "10.5.5." + std::to_string(i)));
    }
    const auto code = Code("racer");
    std::atomic<int> ok{0};
    std::vector<std::thread> threads;
    for (int i = 0; i < kN; ++i) {
        threads.emplace_back([&, i] {
            if (svc_->VerifySecondFactor(sessions[i], code).ok()) ++ok;
        });
    }
    for (auto& t : threads) t.join();
    EXPECT_EQ(ok.load(), 1);
}

// covers P-8, X-3: parallel wrong passwords each count (read-increment-write counted them once).
TEST_P(Auth, ParallelPasswordGuessesAllCount_P8) {
    MakeReady("parallel", "editor", vdp1_);
    // No slow-down in this test, so that every guess reaches the counter.
    auto settings = Settings();
    settings.slow_down_after = 1000;
    settings.lock_out_after = 1000;
    auth::Service patient(Db(), log_, clock_, *units_, policy_, hasher_, bus_, settings);
    constexpr int kN = 8;
    std::vector<std::thread> threads;
    for (int i = 0; i < kN; ++i) {
        threads.emplace_back(
            [&, i] { (void)patient.Login("parallel", "Wrong-password-9x", "10.6.6." + std::to_string(i), "t"); });
    }
    for (auto& t : threads) t.join();
    auto failed = Db().Read([](core::db::Connection& c) {
        return c.QueryOne("SELECT failed_logins FROM users WHERE username = 'parallel'")->Int(0);
    });
    EXPECT_EQ(failed, kN);
}

// covers P-7: nobody requests, grants, resets or revokes a role stronger than his own or outside his scope.
TEST_P(Auth, NoEscalationThroughRequestsOrResets_P7) {
    auto hni_admin = MakeReady("hnadmin2", "system_admin", hni_);
    auto root = units_->FindByCode("DCSVN")->id;
    auto r1 = svc_->RequestAccount(
        hni_admin,
        {.username = "rootadm", .full_name = "Quản trị gốc", .unit_id = hni_, .roles = {{"system_admin", root}}});
    ASSERT_FALSE(r1.ok()) << "a role outside his unit";
    auto r2 = svc_->RequestAccount(
        hni_admin, {.username = "hnleader", .full_name = "Lãnh đạo", .unit_id = hni_, .roles = {{"leader", 0}}});
    ASSERT_FALSE(r2.ok()) << "a role stronger than his";
    auto portal_admin = MakeReady("padmin", "portal_admin", hni_);
    EXPECT_FALSE(
        svc_->RequestAccount(
                portal_admin,
                {.username = "padmin2", .full_name = "Quản trị", .unit_id = hni_, .roles = {{"system_admin", 0}}})
            .ok());
    EXPECT_TRUE(
        svc_->RequestAccount(portal_admin,
                             {.username = "bt2", .full_name = "Biên tập", .unit_id = hni_, .roles = {{"editor", 0}}})
            .ok());
    EXPECT_EQ(svc_->ListRequests(cli_, true).size(), 1u) << "refused requests stored nothing";
    // An administrator cannot reset a leader (stronger) nor anyone outside his unit.
    auto hni_leader = MakeReady("hnlead", "leader", hni_);
    EXPECT_FALSE(svc_->ResetPassword(hni_admin, hni_leader.user_id).ok());
    EXPECT_FALSE(svc_->ResetSecondFactor(hni_admin, hni_leader.user_id, "x").ok());
    EXPECT_FALSE(svc_->Revoke(hni_admin, leader_.user_id, "x").ok());
    auto far = MakeReady("vdp1ed", "editor", vdp1_);
    EXPECT_FALSE(svc_->ResetPassword(hni_admin, far.user_id).ok()) << "outside Hà Nội";
    EXPECT_FALSE(svc_->ResetPassword(hni_admin, hni_admin.user_id).ok()) << "not on his own account";
}

// covers P-7: a reset's new password reaches the owner (handover code), never the actor.
TEST_P(Auth, PasswordResetIsHandedToTheOwner_P7) {
    auto ed = MakeReady("hoten", "editor", hni_);
    auto hni_admin = MakeReady("hnadmin3", "system_admin", hni_);
    auto tok = svc_->CreateApiToken(ed, "script", {"unit.view"}, 7);
    auto r = svc_->ResetPassword(hni_admin, ed.user_id);
    ASSERT_TRUE(r.ok()) << r.error().message;
    EXPECT_TRUE(r->password.empty()) << "the actor never sees the new password";
    EXPECT_EQ(r->delivered_to, "h***@vptw.vn");
    EXPECT_FALSE(svc_->Login("hoten", kPassword, "a", "t").ok()) << "the old password is gone";
    EXPECT_FALSE(svc_->AuthenticateBearer(tok->token, "a")) << "API tokens end with a reset";
    const auto code = HandoverCode("hoten@vptw.vn");
    ASSERT_FALSE(code.empty());
    EXPECT_FALSE(svc_->RedeemHandover("hnadmin3", code, "a").ok()) << "the code is the owner's";
    auto pw = svc_->RedeemHandover("hoten", code, "a");
    ASSERT_TRUE(pw.ok()) << pw.error().message;
    EXPECT_FALSE(svc_->RedeemHandover("hoten", code, "a").ok()) << "once";
    auto l = svc_->Login("hoten", pw.value(), "a", "t");
    ASSERT_TRUE(l.ok());
    EXPECT_EQ(svc_->FindUser(ed.user_id)->status, "active");
    // The operator at the console gets it directly.
    auto op = svc_->ResetPassword(cli_, ed.user_id);
    ASSERT_TRUE(op.ok());
    EXPECT_FALSE(op->password.empty());
}

// covers P-10 (through the Portal's queue notices): the active holders of a permission over a scope.
TEST_P(Auth, HoldersOfAPermissionOverAScope_P10) {
    auto hni_admin = MakeReady("holder1", "system_admin", hni_);
    auto far = MakeReady("holder2", "system_admin", vdp1_);
    auto gone = MakeReady("holder3", "system_admin", hni_);
    ASSERT_TRUE(svc_->Revoke(cli_, gone.user_id, "nghỉ hưu").ok());
    auto ids = Db().Read([&](core::db::Connection& c) {
        return svc_->HoldersOf(c, auth::kAccountView, core::access::Scope::Unit(hni_));
    });
    EXPECT_NE(std::find(ids.begin(), ids.end(), hni_admin.user_id), ids.end());
    EXPECT_EQ(std::find(ids.begin(), ids.end(), far.user_id), ids.end()) << "another unit's";
    EXPECT_EQ(std::find(ids.begin(), ids.end(), gone.user_id), ids.end()) << "revoked";
}

// covers P-7, X-3: one handover code redeemed from several places at once gives one password.
TEST_P(Auth, ConcurrentRedemptionsOfOneHandoverSucceedOnce_P7) {
    auto ed = MakeReady("handrace", "editor", hni_);
    auto admin = MakeReady("handadmin", "system_admin", hni_);
    ASSERT_TRUE(svc_->ResetPassword(admin, ed.user_id).ok());
    const auto code = HandoverCode("handrace@vptw.vn");
    ASSERT_FALSE(code.empty());
    constexpr int kN = 6;
    std::vector<std::string> passwords(kN);
    std::vector<std::thread> threads;
    for (int i = 0; i < kN; ++i) {
        threads.emplace_back([&, i] {
            auto r = svc_->RedeemHandover("handrace", code, "10.7.7." + std::to_string(i));
            if (r) passwords[i] = r.value();
        });
    }
    for (auto& t : threads) t.join();
    int won = 0;
    std::string pw;
    for (const auto& p : passwords) {
        if (!p.empty()) {
            ++won;
            pw = p;
        }
    }
    ASSERT_EQ(won, 1);
    EXPECT_TRUE(svc_->Login("handrace", pw, "a", "t").ok()) << "the password handed out is the one stored";
}

// covers P-7, X-3: credential changes end API tokens and the other sessions.
TEST_P(Auth, CredentialChangesEndTokensAndSessions_X3) {
    auto p = MakeReady("changer", "editor", vdp1_);
    auto other = svc_->Login("changer", kPassword, "b", "t");
    auto tok = svc_->CreateApiToken(p, "script", {"unit.view"}, 7);
    ASSERT_TRUE(svc_->ChangePassword(p, kPassword, "Mat-Khau-Moi-2026#x").ok());
    EXPECT_FALSE(svc_->AuthenticateBearer(tok->token, "a")) << "password change ends API tokens";
    EXPECT_FALSE(svc_->Authenticate(other->session_token, "b"));
    auto p2 = MakeReady("changer2", "editor", vdp1_);
    auto tok2 = svc_->CreateApiToken(p2, "script", {"unit.view"}, 7);
    ASSERT_TRUE(svc_->ResetSecondFactor(leader_, p2.user_id, "mất điện thoại").ok());
    EXPECT_FALSE(svc_->AuthenticateBearer(tok2->token, "a")) << "second-factor reset ends API tokens";
}

// covers X-5, ORG-3: lists are scoped by the actor's grants.
TEST_P(Auth, AccountListsAreScoped_X5) {
    MakeReady("hnx", "editor", hni_);
    auto hni_admin = MakeReady("hnadmin4", "system_admin", hni_);
    for (const auto& u : svc_->ListUsers(hni_admin)) EXPECT_TRUE(units_->IsWithin(hni_, u.unit_id)) << u.username;
    EXPECT_GE(svc_->ListUsers(admin_).size(), svc_->ListUsers(hni_admin).size() + 2);
    auto ed = MakeReady("noview", "editor", vdp1_);
    EXPECT_TRUE(svc_->ListUsers(ed).empty()) << "deny by default";
}

// covers P-9: storing a pending second-factor secret is audited.
TEST_P(Auth, EnrolmentSecretIsAudited_P9) {
    auto who = cli_;
    auto u = svc_->CreateActive(
        cli_, {.username = "noenrol", .full_name = "Chưa Đăng Ký", .unit_id = vdp1_, .roles = {{"contributor", vdp1_}}},
        kPassword, std::nullopt);
    ASSERT_TRUE(u.ok());
    auto l = svc_->Login("noenrol", kPassword, "a", "t");
    auto p = *svc_->Authenticate(l->session_token, "a");
    ASSERT_TRUE(svc_->BeginEnrolment(p).ok());
    auto found = log_.Find(Db(), {.action_prefix = "auth.enrol_second_factor_begin"});
    ASSERT_EQ(found.size(), 1u);
    EXPECT_EQ(found[0].actor_username, "noenrol");
    (void)who;
}

// covers X-3: no plaintext fallback for a secret stored unsealed.
TEST_P(Auth, UnsealedSecretIsRefused_X3) {
    MakeReady("plain", "editor", vdp1_);
    Db().Transact([&](core::db::Connection& c) {
        c.Execute("UPDATE users SET totp_secret = $1 WHERE username = 'plain'", {secrets_["plain"]});
    });
    EXPECT_FALSE(svc_->CheckSecretKey().ok());
    auto l = svc_->Login("plain", kPassword, "a", "t");
    auto p = *svc_->Authenticate(l->session_token, "a");
    EXPECT_FALSE(svc_->VerifySecondFactor(p, Code("plain")).ok());
}

VP_INSTANTIATE_DB_TEST(Auth);

}  // namespace
}  // namespace vp
