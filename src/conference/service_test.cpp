// The conference service on SQLite and PostgreSQL (docs/conferences.md): the one-day rule, the
// sites from the registry, the regional consolidation clock, the board of submissions, refused
// secret documents, the speaking queue, the video adapters, and conclusions turned into tasks.
#include <gtest/gtest.h>

#include <algorithm>
#include <future>
#include <thread>
#include <fstream>
#include <sstream>

#include "calendar/holidays.hpp"
#include "calendar/iso_time.hpp"
#include "conference/conference.hpp"
#include "conference/video.hpp"
#include "core/db/migrate.hpp"
#include "core/embedded.hpp"
#include "core/export/table_read.hpp"
#include "core/message.hpp"
#include "core/testing/db_fixture.hpp"
#include "tasks/tasks.hpp"
#include "tasks/tasks_fixture.hpp"

namespace vp::embedded {
std::span<const vp::core::EmbeddedFile> Migrations();
}

namespace vp::conference {
namespace {

using core::access::Principal;

using tasks::fixture::At;
using tasks::fixture::Slurp;

constexpr std::string_view kFile = "/media/0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
constexpr std::string_view kSecretFile = "/media/fedcba9876543210fedcba9876543210fedcba9876543210fedcba9876543210";

class ConferenceTest : public vp::testing::DbTest {
protected:
    void SetUp() override {
        vp::testing::DbTest::SetUp();
        if (IsSkipped() || HasFailure()) return;
        core::db::Migrate(Db(), embedded::Migrations(), std::vector<std::string>{"tasks", "conference"});
        for (const char* r : {"task_office", "unit_focal_point", "unit_approver", "monitoring_officer", "inspector",
                              "conference_organiser", "site_operator", "office_leader"})
            policy_.AddRole({.code = r, .rank = 1});
        units::DeclareAccess(policy_);
        tasks::DeclareAccess(policy_);
        DeclareAccess(policy_);
        units_ = std::make_unique<units::Service>(Db(), log_, clock_, policy_);
        policy_.SetUnitTree(units_.get());
        ASSERT_TRUE(units_->SeedIfEmpty(op_, Slurp(std::string(VP_SOURCE_DIR) + "/data/units/seed.json")).ok());
        auto years = calendar::TryLoadYearSchedules(std::filesystem::path(VP_SOURCE_DIR) / "data/calendar/vn");
        ASSERT_TRUE(years.ok());
        calendars_ = std::make_unique<calendar::Service>(Db(), log_, clock_, years.value());
        ASSERT_TRUE(calendars_->EnsureDefault(op_.ActorAs()).ok());
        clock_.Set(At("2026-11-16T09:00:00+07:00"));  // a Monday
        events_.RegisterTopic("tasks.task", [](const core::Subscriber&, const core::Event&) { return true; });
        events_.RegisterTopic("conference.live", [](const core::Subscriber&, const core::Event&) { return true; });
        tasks_ = std::make_unique<tasks::Service>(Db(), log_, clock_, policy_, *units_, *calendars_, events_,
                                                  tasks::ServiceSettings{});
        Settings settings;
        settings.default_regions = {{"VP-DNG", "VPTW-VDP2"}, {"VP-HUE", "VPTW-VDP2"}, {"VP-HCM", "VPTW-VDP3"}};
        settings.file_name = [](const std::string& url, std::int64_t) -> std::optional<std::string> {
            if (url == kSecretFile) return "TỐI MẬT - danh sách.pdf";
            if (url == kFile) return "bao-cao.pdf";
            return std::nullopt;
        };
        settings.notify = [this](core::db::Connection&, std::int64_t user, const std::string& title, const std::string&,
                                 const std::string&) { notified_.emplace_back(user, title); };
        settings.holders = [this](core::db::Connection&, core::access::Permission p, const core::access::Scope& s) {
            std::vector<std::int64_t> out;
            for (const auto* who : {&vdp1_, &vdp2_, &tccb_, &hcccy_, &cntt_, &dng_, &hue_, &leader_}) {
                if (policy_.Authorize(*who, p, s)) out.push_back(who->user_id);
            }
            return out;
        };
        box_ = core::SecretBox::Random();
        svc_ = std::make_unique<Service>(Db(), log_, clock_, policy_, *units_, *calendars_, events_, *box_, tasks_.get(),
                                         std::move(settings));
        vdp1_ = As("conference_organiser", "VPTW-VDP1", 1);
        vdp2_ = As("conference_organiser", "VPTW-VDP2", 2);
        tccb_ = As("conference_organiser", "VPTW-VTCCB", 3);
        hcccy_ = As("conference_organiser", "VPTW-VHCCY", 4);
        cntt_ = As("conference_organiser", "VPTW-TTCNTT", 5);
        dng_ = As("site_operator", "VP-DNG", 6);
        hue_ = As("site_operator", "VP-HUE", 7);
        leader_ = As("office_leader", "VPTW", 8);
        vth_ = As("conference_organiser", "VPTW-VTH", 9);
    }

    Principal SiteOp(std::string_view unit, std::int64_t id) { return As("site_operator", unit, id); }

    Principal As(std::string role, std::string_view unit, std::int64_t id) {
        auto u = units_->FindByCode(unit);
        EXPECT_TRUE(u) << unit;
        Principal p;
        p.user_id = id;
        p.username = role + std::to_string(id);
        p.unit_id = u ? u->id : 0;
        p.grants.push_back({id, std::move(role), p.unit_id, ""});
        return p;
    }

    NewConference Periodic() {
        return {.kind = "periodic",
                .title = "Hội nghị trực tuyến 6 tháng cuối năm 2026",
                .purpose = "Thông tin sự lãnh đạo, chỉ đạo; trao đổi nghiệp vụ.",
                .starts_at = At("2026-12-15T08:00:00+07:00"),
                .ends_at = At("2026-12-15T17:00:00+07:00"),
                .chair = "Chánh Văn phòng Trung ương Đảng"};
    }

    Conference Make() {
        auto c = svc_->Create(tccb_, Periodic());
        EXPECT_TRUE(c.ok()) << (c.ok() ? "" : core::Text(c.error().message, "en"));
        return c.ok() ? c.value() : Conference{};
    }

    const Site& SiteFor(const Conference& c, std::string_view code) {
        for (const auto& s : c.sites) {
            if (s.unit_code == code) return s;
        }
        static Site none;
        ADD_FAILURE() << "no site " << code;
        return none;
    }

    Document DocOf(std::int64_t conf, std::string_view kind, std::string_view owner) {
        const auto all = svc_->Documents(vdp1_, conf).value();
        for (const auto& d : all) {
            if (d.kind == kind && d.owner_code == owner) return d;
        }
        ADD_FAILURE() << "no document " << kind << " of " << owner;
        return {};
    }

    std::int64_t Count(const char* table) {
        return Db().Read([&](core::db::Connection& c) {
            return c.QueryOne(std::string("SELECT COUNT(*) FROM ") + table)->Int(0);
        });
    }

    audit::Log log_{clock_};
    core::EventBus events_;
    core::access::Policy policy_;
    Principal op_ = Principal::Operator();
    std::unique_ptr<units::Service> units_;
    std::unique_ptr<calendar::Service> calendars_;
    std::unique_ptr<tasks::Service> tasks_;
    std::unique_ptr<core::SecretBox> box_;
    std::unique_ptr<Service> svc_;
    std::vector<std::pair<std::int64_t, std::string>> notified_;
    Principal vdp1_, vdp2_, tccb_, hcccy_, cntt_, dng_, hue_, leader_, vth_;
};

// covers C-1, C-2: a conference lasts at most one day; the agenda of Art. 4; who convenes.
TEST_P(ConferenceTest, ALongerConferenceIsRefusedWithTheRuleAndStoresNothing_C1_C2) {
    auto in = Periodic();
    in.ends_at = At("2026-12-16T12:00:00+07:00");
    auto r = svc_->Create(tccb_, in);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, core::ErrorCode::kUnprocessable);
    EXPECT_NE(core::Text(r.error().message, "vi").find("Điều 5"), std::string::npos);
    EXPECT_EQ(Count("conference_conferences"), 0);
    // An extraordinary conference is convened by the office's leadership only (Art. 5).
    auto extra = Periodic();
    extra.kind = "extraordinary";
    EXPECT_EQ(svc_->Create(tccb_, extra).error().code, core::ErrorCode::kForbidden);
    EXPECT_TRUE(svc_->Create(leader_, extra).ok());
    // A provincial office cannot plan one.
    EXPECT_EQ(svc_->Create(dng_, Periodic()).error().code, core::ErrorCode::kForbidden);
    auto c = svc_->Get(vdp1_, 1).value();
    ASSERT_EQ(c.agenda.size(), 6u);
    EXPECT_EQ(c.agenda.front().kind, "leadership_directions");
    EXPECT_EQ(c.agenda.back().kind, "proposals");
}

// covers C-3: the three hubs and one bridge point per provincial office, from the registry; they
// follow merges and renames.
TEST_P(ConferenceTest, SitesComeFromTheRegistryAndFollowMergesAndRenames_C3) {
    auto c = Make();
    int hubs = 0, bridges = 0;
    for (const auto& s : c.sites) (s.kind == "hub" ? hubs : bridges) += 1;
    EXPECT_EQ(hubs, 3);
    EXPECT_EQ(bridges, 34);
    EXPECT_EQ(SiteFor(c, "VPTW-T26").kind, "hub");
    EXPECT_EQ(SiteFor(c, "VP-DNG").region_code, "VPTW-VDP2");
    EXPECT_EQ(SiteFor(c, "VP-LCU").region_code, "VPTW-VDP1") << "a province nobody follows: Vụ Địa phương I";
    // A rename shows at once; a merge retires the site (kept) while the conference is prepared.
    const auto hue = units_->FindByCode("VP-HUE").value();
    ASSERT_TRUE(units_->Rename(op_, hue.id, "Văn phòng Thành ủy Huế (mới)", "Hue Office", "VP Huế", "2026-11-16").ok());
    const auto tth = units_->FindByCode("VP-QTI").value();
    ASSERT_TRUE(units_->Merge(op_, tth.id, hue.id, "2026-11-16").ok());
    EXPECT_EQ(svc_->SyncSites(c.id), 1);
    auto after = svc_->Get(vdp1_, c.id).value();
    EXPECT_EQ(SiteFor(after, "VP-HUE").name, "Văn phòng Thành ủy Huế (mới)");
    EXPECT_EQ(SiteFor(after, "VP-QTI").status, "retired");
    EXPECT_EQ(SiteFor(after, "VP-QTI").note, "merged_into:VP-HUE");
    EXPECT_EQ(svc_->SyncSites(c.id), 0) << "idempotent";
}

// covers C-5: province reports, the regional consolidation clock (3 days before), the board of
// who has and has not submitted, and the reminders.
TEST_P(ConferenceTest, RegionsConsolidateThreeDaysBeforeAndTheBoardShowsWhoSubmitted_C5) {
    auto c = Make();
    EXPECT_EQ(c.consolidation_due_at, At("2026-12-12T08:00:00+07:00"));
    auto regional = DocOf(c.id, "regional_report", "VPTW-VDP2");
    EXPECT_EQ(regional.due_at, c.consolidation_due_at);
    auto dng = DocOf(c.id, "province_report", "VP-DNG");
    EXPECT_LE(dng.due_at, c.consolidation_due_at);
    // The clock cannot be moved closer than 3 days before.
    auto late = svc_->SetDue(vdp1_, c.id, regional.id, At("2026-12-13T08:00:00+07:00"));
    EXPECT_EQ(late.error().code, core::ErrorCode::kUnprocessable);
    // The request letter reaches every provincial office.
    notified_.clear();
    auto letter = DocOf(c.id, "request_letter", "VPTW-VDP1");
    ASSERT_TRUE(svc_->Submit(vdp1_, c.id, letter.id, {.body = "Đề nghị các văn phòng tỉnh ủy gửi báo cáo."}).ok());
    EXPECT_TRUE(std::any_of(notified_.begin(), notified_.end(), [&](auto& n) { return n.first == dng_.user_id; }));
    // Đà Nẵng submits its own report, not Huế's.
    auto hue = DocOf(c.id, "province_report", "VP-HUE");
    EXPECT_EQ(svc_->Submit(dng_, c.id, hue.id, {.body = "x"}).error().code, core::ErrorCode::kForbidden);
    ASSERT_TRUE(svc_->Submit(dng_, c.id, dng.id, {.body = "Báo cáo 6 tháng cuối năm của Văn phòng Thành ủy Đà Nẵng."}).ok());
    auto board = svc_->Board(vdp1_, c.id).value();
    ASSERT_EQ(board.size(), 3u);
    const auto& r2 = board[1];
    EXPECT_EQ(r2.region_code, "VPTW-VDP2");
    EXPECT_EQ(r2.submitted, 1);
    EXPECT_EQ(r2.provinces.size(), 2u) << "Đà Nẵng and Huế are followed by Vụ Địa phương II here";
    ASSERT_TRUE(r2.consolidated);
    EXPECT_EQ(r2.consolidated->state, "pending");
    ASSERT_TRUE(svc_->Submit(hue_, c.id, hue.id, {.body = "Báo cáo của Huế", .files = {std::string(kFile)}}).ok());
    EXPECT_EQ(svc_->Board(vdp1_, c.id).value()[1].submitted, 2);
    // Vụ Địa phương II consolidates its region; Vụ Địa phương I is told.
    notified_.clear();
    EXPECT_EQ(svc_->Submit(vdp1_, c.id, regional.id, {.body = "x"}).error().code, core::ErrorCode::kForbidden);
    ASSERT_TRUE(svc_->Submit(vdp2_, c.id, regional.id, {.body = "Tổng hợp khu vực II"}).ok());
    EXPECT_TRUE(std::any_of(notified_.begin(), notified_.end(), [&](auto& n) { return n.first == vdp1_.user_id; }));
    EXPECT_EQ(svc_->Board(vdp1_, c.id).value()[1].consolidated->state, "submitted");
    // A province office does not see the board.
    EXPECT_FALSE(svc_->Board(dng_, c.id).ok());
    // Reminders: a day before and after the due time, once per level, whichever node runs them.
    clock_.Set(c.consolidation_due_at - std::chrono::hours(20));
    const int first = svc_->Remind();
    EXPECT_GT(first, 0);
    EXPECT_EQ(svc_->Remind(), 0);
    clock_.Set(c.consolidation_due_at + std::chrono::hours(1));
    EXPECT_GT(svc_->Remind(), 0);
    auto overdue = DocOf(c.id, "regional_report", "VPTW-VDP3");
    EXPECT_TRUE(overdue.overdue);
}

// covers C-10: secret or sensitive documents are refused with a clear message; nothing stored.
TEST_P(ConferenceTest, SecretOrSensitiveDocumentsAreRefused_C10) {
    auto c = Make();
    auto dng = DocOf(c.id, "province_report", "VP-DNG");
    auto declared = svc_->Submit(dng_, c.id, dng.id, {.body = "Báo cáo", .classification = "mat"});
    ASSERT_FALSE(declared.ok());
    EXPECT_EQ(declared.error().code, core::ErrorCode::kUnprocessable);
    EXPECT_EQ(declared.error().field, "classification");
    EXPECT_NE(core::Text(declared.error().message, "vi").find("Điều 1"), std::string::npos);
    auto marked = svc_->Submit(dng_, c.id, dng.id, {.body = "Nội dung TUYỆT MẬT về nhân sự"});
    EXPECT_EQ(marked.error().code, core::ErrorCode::kUnprocessable);
    auto file = svc_->Submit(dng_, c.id, dng.id, {.body = "Báo cáo", .files = {std::string(kSecretFile)}});
    EXPECT_EQ(file.error().code, core::ErrorCode::kUnprocessable);
    EXPECT_NE(core::Text(file.error().message, "vi").find("tối mật"), std::string::npos);
    EXPECT_EQ(Count("conference_document_versions"), 0);
    EXPECT_EQ(DocOf(c.id, "province_report", "VP-DNG").state, "pending");
    // A file that was never uploaded is refused too.
    auto unknown = svc_->Submit(dng_, c.id, dng.id,
                                {.body = "x", .files = {"/media/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"}});
    EXPECT_EQ(unknown.error().code, core::ErrorCode::kInvalidInput);
}

// covers C-8: the speaking queue: a site asks, the IT centre grants and gives the floor, one at a
// time; concurrent requests from one site make one.
TEST_P(ConferenceTest, TheSpeakingQueueIsOrderedByTheItCentre_C8) {
    auto c = Make();
    const auto& dng = SiteFor(c, "VP-DNG");
    const auto& hue = SiteFor(c, "VP-HUE");
    EXPECT_EQ(svc_->AskToSpeak(dng_, c.id, dng.id, "Kiến nghị về lưu trữ").error().code, core::ErrorCode::kConflict)
        << "not live yet";
    EXPECT_EQ(svc_->Act(tccb_, c.id, "start").error().code, core::ErrorCode::kForbidden) << "the IT centre starts it";
    ASSERT_TRUE(svc_->Act(cntt_, c.id, "start").ok());
    std::vector<std::future<bool>> asks;
    for (int i = 0; i < 4; ++i)
        asks.push_back(std::async(std::launch::async, [&] { return svc_->AskToSpeak(dng_, c.id, dng.id, "Kiến nghị").ok(); }));
    int ok = 0;
    for (auto& f : asks) ok += f.get() ? 1 : 0;
    EXPECT_EQ(ok, 1) << "one open request per site";
    EXPECT_EQ(svc_->AskToSpeak(dng_, c.id, hue.id, "x").error().code, core::ErrorCode::kForbidden) << "another site's";
    auto h = svc_->AskToSpeak(hue_, c.id, hue.id, "Trao đổi về văn thư");
    ASSERT_TRUE(h.ok());
    auto queue = svc_->Queue(hue_, c.id).value();
    ASSERT_EQ(queue.size(), 2u);
    const auto d = queue[0].id;
    EXPECT_EQ(svc_->Speaking(dng_, c.id, d, "grant").error().code, core::ErrorCode::kForbidden);
    ASSERT_TRUE(svc_->Speaking(cntt_, c.id, h->id, "grant").ok());
    ASSERT_TRUE(svc_->Speaking(cntt_, c.id, d, "grant").ok());
    queue = svc_->Queue(dng_, c.id).value();
    EXPECT_EQ(queue[0].id, h->id) << "granted first, first in line";
    ASSERT_TRUE(svc_->Speaking(cntt_, c.id, h->id, "start").ok());
    EXPECT_EQ(svc_->Speaking(cntt_, c.id, d, "start").error().code, core::ErrorCode::kConflict) << "one at a time";
    EXPECT_EQ(svc_->Speaking(cntt_, c.id, h->id, "grant").error().code, core::ErrorCode::kConflict);
    // Two concurrent starts of different granted requests: one speaks.
    auto other = svc_->AskToSpeak(SiteOp("VP-HCM", 40), c.id, SiteFor(c, "VP-HCM").id, "Ý kiến");
    ASSERT_TRUE(other.ok());
    ASSERT_TRUE(svc_->Speaking(cntt_, c.id, other->id, "grant").ok());
    ASSERT_TRUE(svc_->Speaking(cntt_, c.id, h->id, "done").ok());
    {
        auto s1 = std::async(std::launch::async, [&] { return svc_->Speaking(cntt_, c.id, other->id, "start").ok(); });
        auto s2 = std::async(std::launch::async, [&] { return svc_->Speaking(cntt_, c.id, d, "start").ok(); });
        const int started = (s1.get() ? 1 : 0) + (s2.get() ? 1 : 0);
        EXPECT_EQ(started, 1) << "one site speaks at a time";
    }
    (void)svc_->Speaking(dng_, c.id, d, "withdraw");
    // The running order: the IT centre moves the current item.
    ASSERT_TRUE(svc_->SetCurrentItem(cntt_, c.id, c.agenda[1].id).ok());
    auto now = svc_->SetCurrentItem(cntt_, c.id, c.agenda[2].id).value();
    EXPECT_EQ(now.agenda[1].state, "done");
    EXPECT_EQ(now.agenda[2].state, "current");
}

// covers C-8: check-in beats and the live board: a quiet site turns red within seconds.
TEST_P(ConferenceTest, CheckInBeatsShowOnTheBoardAndASilentSiteIsLost_C8) {
    auto c = Make();
    const auto& dng = SiteFor(c, "VP-DNG");
    EXPECT_EQ(svc_->Beat(hue_, c.id, dng.id, {.rtt_ms = 30}).error().code, core::ErrorCode::kForbidden);
    auto s = svc_->Beat(dng_, c.id, dng.id, {.rtt_ms = 30, .jitter_ms = 4, .loss_pct = 0});
    ASSERT_TRUE(s.ok());
    EXPECT_EQ(s->health, rules::Health::kGood);
    // A good line before the day ticks the connection test.
    auto checklist = s->checklist;
    EXPECT_TRUE(std::any_of(checklist.begin(), checklist.end(), [](auto& i) { return i.code == "connection_test" && i.done; }));
    auto board = svc_->LiveBoard(cntt_, c.id).value();
    auto it = std::find_if(board.begin(), board.end(), [&](auto& x) { return x.id == dng.id; });
    ASSERT_NE(it, board.end());
    EXPECT_EQ(it->health, rules::Health::kGood);
    clock_.Advance(std::chrono::seconds(7));
    board = svc_->LiveBoard(cntt_, c.id).value();
    it = std::find_if(board.begin(), board.end(), [&](auto& x) { return x.id == dng.id; });
    EXPECT_EQ(it->health, rules::Health::kLost);
    EXPECT_FALSE(svc_->LiveBoard(dng_, c.id).ok()) << "the board is the office's";
}

// covers C-8: Jitsi tokens per site (HS256 under the configured secret) and BigBlueButton calls.
TEST_P(ConferenceTest, VideoAdaptersSignPerSiteWithTheConfiguredSecret_C8) {
    auto c = Make();
    const auto& dng = SiteFor(c, "VP-DNG");
    EXPECT_EQ(svc_->JoinVideo(dng_, c.id, dng.id).error().code, core::ErrorCode::kConflict) << "not configured";
    EXPECT_EQ(svc_->SetVideo(tccb_, c.id, {.provider = "jitsi"}).error().code, core::ErrorCode::kForbidden);
    EXPECT_FALSE(svc_->SetVideo(cntt_, c.id, {.provider = "jitsi", .url = "https://meet.example.vn\r\nX: y",
                                              .room = "hntt", .app_id = "vanphong", .secret = "0123456789abcdef0123"})
                     .ok());
    ASSERT_TRUE(svc_->SetVideo(cntt_, c.id, {.provider = "jitsi", .url = "https://meet.example.vn", .room = "hntt-2026-12",
                                             .app_id = "vanphong", .secret = "0123456789abcdef0123"})
                    .ok());
    auto j = svc_->JoinVideo(dng_, c.id, dng.id);
    ASSERT_TRUE(j.ok());
    EXPECT_TRUE(j->url.starts_with("https://meet.example.vn/hntt-2026-12?jwt="));
    EXPECT_EQ(std::count(j->token.begin(), j->token.end(), '.'), 2);
    EXPECT_TRUE(j->url.ends_with(j->token));
    EXPECT_EQ(svc_->JoinVideo(hue_, c.id, dng.id).error().code, core::ErrorCode::kForbidden);
    ASSERT_TRUE(svc_->SetVideo(cntt_, c.id, {.provider = "bbb", .url = "https://bbb.example.vn/bigbluebutton",
                                             .room = "hntt-2026-12", .secret = "639259d4-9dd8-4b25-bf01-95f9567eaf4b"})
                    .ok());
    auto b = svc_->JoinVideo(cntt_, c.id, 0).value();
    const auto query = b.url.substr(b.url.find('?') + 1, b.url.find("&checksum=") - b.url.find('?') - 1);
    EXPECT_EQ(b.url.substr(b.url.find("&checksum=") + 10),
              video::BbbChecksum("join", query, "639259d4-9dd8-4b25-bf01-95f9567eaf4b"));
    EXPECT_NE(b.create_url.find("/api/create?"), std::string::npos);
    // The secret is sealed in the database and never in the audit log.
    EXPECT_EQ(Db().Read([](core::db::Connection& cn) {
                  return cn.QueryOne("SELECT COUNT(*) FROM audit_log WHERE after_json LIKE '%639259d4%'")->Int(0);
              }),
              0);
}

// covers C-6, C-7, C-11, C-12: conclusions drafted, approved, issued; each item a tracked task
// with its clocks; proposals answered and tracked to the end; budget estimates with totals.
TEST_P(ConferenceTest, ConclusionsBecomeTrackedTasksWithTheirClocks_C6_C7_C11) {
    auto c = Make();
    auto conclusions = DocOf(c.id, "conclusions", "VPTW-VTCCB");
    std::vector<ConclusionItem> items = {
        {.content = "Các văn phòng tỉnh ủy hoàn thành số hóa hồ sơ lưu trữ năm 2026", .lead_units = {"VP-DNG", "VP-HUE"},
         .deadline = At("2027-03-31T17:00:00+07:00")},
        {.content = "Trung tâm Công nghệ thông tin nâng cấp đường truyền các điểm cầu", .lead_units = {"VPTW-TTCNTT"},
         .deadline = At("2027-02-15T17:00:00+07:00")}};
    EXPECT_EQ(svc_->SetConclusions(vdp1_, c.id, items).error().code, core::ErrorCode::kForbidden);
    auto bad = items;
    bad[0].lead_units = {"NOPE"};
    EXPECT_EQ(svc_->SetConclusions(tccb_, c.id, bad).error().code, core::ErrorCode::kInvalidInput);
    auto secret = items;
    secret[0].content = "Triển khai nội dung \u201cTỐI MẬT\u201d của kết luận";
    EXPECT_EQ(svc_->SetConclusions(tccb_, c.id, secret).error().code, core::ErrorCode::kUnprocessable);
    ASSERT_TRUE(svc_->SetConclusions(tccb_, c.id, items).ok());
    ASSERT_TRUE(svc_->Submit(tccb_, c.id, conclusions.id, {.body = "Dự thảo kết luận"}).ok());
    EXPECT_EQ(svc_->Decide(tccb_, c.id, conclusions.id, "approve", "").error().code, core::ErrorCode::kForbidden);
    EXPECT_EQ(svc_->IssueConclusions(hcccy_, c.id, {.number = "15", .symbol = "KL/VPTW", .signer = "Lê Minh Hưng",
                                                     .issued_on = "2026-12-20", .files = {std::string(kFile)}})
                  .error()
                  .code,
              core::ErrorCode::kConflict)
        << "not approved yet";
    EXPECT_TRUE(svc_->Conclusions(dng_, c.id)->empty()) << "the draft is the office's until issued";
    EXPECT_EQ(svc_->SetConclusions(tccb_, c.id, items).error().code, core::ErrorCode::kConflict) << "frozen once handed in";
    ASSERT_TRUE(svc_->Decide(leader_, c.id, conclusions.id, "approve", "").ok());
    EXPECT_EQ(svc_->IssueConclusions(hcccy_, c.id, {.number = "15", .symbol = "KL/VPTW", .signer = "Lê Minh Hưng",
                                                     .issued_on = "2026-12-20", .files = {std::string(kFile)}})
                  .error()
                  .code,
              core::ErrorCode::kConflict)
        << "issued after the conference";
    ASSERT_TRUE(svc_->Act(cntt_, c.id, "start").ok());
    ASSERT_TRUE(svc_->Act(cntt_, c.id, "end").ok());
    EXPECT_EQ(svc_->SetConclusions(tccb_, c.id, items).error().code, core::ErrorCode::kConflict) << "approved: frozen";
    EXPECT_EQ(svc_->IssueConclusions(tccb_, c.id, {.number = "15", .symbol = "KL/VPTW", .signer = "x",
                                                    .issued_on = "2026-12-20", .files = {std::string(kFile)}})
                  .error()
                  .code,
              core::ErrorCode::kForbidden)
        << "Vụ Hành chính - Cơ yếu issues";
    auto issued = svc_->IssueConclusions(hcccy_, c.id, {.number = "15", .symbol = "KL/VPTW", .signer = "Lê Minh Hưng",
                                                        .issued_on = "2026-12-20", .files = {std::string(kFile)}});
    ASSERT_TRUE(issued.ok()) << core::Text(issued.error().message, "en");
    EXPECT_EQ(issued->state, "issued");
    auto after = svc_->Conclusions(tccb_, c.id).value();
    ASSERT_EQ(after.size(), 2u);
    auto office = As("task_office", "VPTW-VTH", 20);
    for (const auto& i : after) {
        ASSERT_GT(i.task_id, 0);
        auto t = tasks_->GetTask(office, i.task_id);
        ASSERT_TRUE(t.ok());
        EXPECT_EQ(t->content, i.content);
        EXPECT_EQ(t->deadline, i.deadline);
        EXPECT_EQ(units_->Find(t->monitoring_unit_id)->code, "VPTW-VTCCB");
        // Its clocks: receipt by each lead unit and the update checkpoints up to the final report.
        EXPECT_TRUE(std::any_of(t->clocks.begin(), t->clocks.end(), [](auto& k) { return k.kind == tasks::ClockKind::kAcknowledge; }));
        EXPECT_TRUE(std::any_of(t->clocks.begin(), t->clocks.end(), [](auto& k) { return k.final; }));
    }
    auto doc = tasks_->GetDocument(office, svc_->Get(tccb_, c.id)->tasks_document_id);
    ASSERT_TRUE(doc.ok());
    EXPECT_EQ(doc->kind, "meeting_conclusion");
    EXPECT_EQ(svc_->Get(tccb_, c.id)->state, "concluded");
    // Issued once: a second issue changes nothing.
    EXPECT_EQ(svc_->IssueConclusions(hcccy_, c.id, {.number = "15", .symbol = "KL/VPTW", .signer = "x",
                                                     .issued_on = "2026-12-20", .files = {std::string(kFile)}})
                  .error()
                  .code,
              core::ErrorCode::kConflict);
    // The provinces now report how they carry them out (C-12).
    auto impl = DocOf(c.id, "implementation_report", "VP-DNG");
    EXPECT_EQ(impl.due_at, At("2027-03-31T17:00:00+07:00"));
    ASSERT_TRUE(svc_->Submit(dng_, c.id, impl.id, {.body = "Đã triển khai số hóa 60% hồ sơ."}).ok());
}

TEST_P(ConferenceTest, ProposalsAreAnsweredByTheResponsibleUnitAndClosed_C11) {
    auto c = Make();
    const auto& dng = SiteFor(c, "VP-DNG");
    auto p = svc_->Propose(dng_, c.id, dng.id, "Đề nghị hướng dẫn lập danh mục hồ sơ điện tử");
    ASSERT_TRUE(p.ok());
    EXPECT_EQ(svc_->AssignProposal(dng_, c.id, p->id, "VPTW-VTH", At("2026-12-30T17:00:00+07:00")).error().code,
              core::ErrorCode::kForbidden);
    EXPECT_EQ(svc_->AssignProposal(vdp1_, c.id, p->id, "VP-HUE", At("2026-12-30T17:00:00+07:00")).error().code,
              core::ErrorCode::kInvalidInput)
        << "answered by a unit of the office";
    ASSERT_TRUE(svc_->AssignProposal(vdp1_, c.id, p->id, "VPTW-VTH", At("2026-12-30T17:00:00+07:00")).ok());
    EXPECT_EQ(svc_->AnswerProposal(vdp2_, c.id, p->id, "x").error().code, core::ErrorCode::kForbidden);
    clock_.Set(At("2026-12-31T09:00:00+07:00"));
    EXPECT_TRUE(svc_->Proposals(vdp1_, c.id).value()[0].overdue);
    ASSERT_TRUE(svc_->AnswerProposal(vth_, c.id, p->id, "Vụ Tổng hợp sẽ ban hành hướng dẫn trong quý I/2027.").ok());
    EXPECT_EQ(svc_->CloseProposal(hue_, c.id, p->id).error().code, core::ErrorCode::kNotFound) << "not its own";
    ASSERT_TRUE(svc_->CloseProposal(dng_, c.id, p->id).ok());
    EXPECT_EQ(svc_->Proposals(dng_, c.id).value()[0].state, "closed");
    EXPECT_TRUE(svc_->Proposals(hue_, c.id).value().empty()) << "another province's proposal";
}

// covers C-9, C-4, C-12: hall and budget estimates per site with totals, as XLSX; attendance.
TEST_P(ConferenceTest, BudgetEstimatesPerSiteAddUpInTheWorkbook_C9_C4) {
    auto c = Make();
    const auto& hn = SiteFor(c, "VPTW-CQTTV");
    const auto& dng = SiteFor(c, "VP-DNG");
    auto hall_officer = As("conference_organiser", "VPTW-CQTTV", 30);
    ASSERT_TRUE(svc_->AddBudgetLine(hall_officer, c.id, {.site_id = hn.id, .category = "hall", .item = "Hội trường A",
                                                         .quantity = 1, .unit_price = 5'000'000}).ok());
    ASSERT_TRUE(svc_->AddBudgetLine(cntt_, c.id, {.site_id = hn.id, .category = "connection", .item = "Đường truyền",
                                                  .quantity = 2.5, .unit_price = 1'000'000}).ok());
    EXPECT_EQ(svc_->AddBudgetLine(hue_, c.id, {.site_id = dng.id, .category = "hall", .item = "x", .quantity = 1,
                                               .unit_price = 1}).error().code,
              core::ErrorCode::kForbidden);
    ASSERT_TRUE(svc_->AddBudgetLine(dng_, c.id, {.site_id = dng.id, .category = "equipment", .item = "=SUM(A1)",
                                                 .quantity = 3, .unit_price = 200'000}).ok());
    auto lines = svc_->Budget(tccb_, c.id).value();
    std::int64_t total = 0;
    for (const auto& l : lines) total += l.amount;
    EXPECT_EQ(total, 5'000'000 + 2'500'000 + 600'000);
    auto book = svc_->BudgetXlsx(tccb_, c.id, "vi");
    ASSERT_TRUE(book.ok());
    // Read back by an independent reader too (tests/xlsx/check_conference_budget.py, openpyxl).
    if (const char* out = std::getenv("VP_CONFERENCE_XLSX_OUT")) std::ofstream(out, std::ios::binary) << *book;
    auto rows = core::table::ReadTable(*book);
    ASSERT_TRUE(rows.ok()) << core::Text(rows.error().message, "en");
    ASSERT_GE(rows->size(), 4u);
    EXPECT_EQ(rows->back()[0], "Tổng cộng");
    EXPECT_EQ(rows->back()[3], "8100000");
    // Attendance per site.
    auto a = svc_->AddAttendee(dng_, c.id, dng.id, {.name = "Nguyễn Văn A", .position = "Chánh Văn phòng",
                                                   .category = "provincial"});
    ASSERT_TRUE(a.ok());
    EXPECT_EQ(svc_->MarkPresent(hue_, c.id, a->id, true).error().code, core::ErrorCode::kForbidden);
    ASSERT_TRUE(svc_->MarkPresent(dng_, c.id, a->id, true).ok());
    EXPECT_EQ(SiteFor(svc_->Get(vdp1_, c.id).value(), "VP-DNG").present, 1);
    // A province sees its own site's people and estimates, not another's; the workbook is the office's.
    EXPECT_TRUE(svc_->Attendees(hue_, c.id, dng.id).empty());
    EXPECT_TRUE(svc_->Attendees(hue_, c.id, 0).empty());
    EXPECT_EQ(svc_->Attendees(dng_, c.id, 0).size(), 1u);
    EXPECT_TRUE(svc_->Budget(hue_, c.id)->empty());
    EXPECT_EQ(svc_->Budget(dng_, c.id)->size(), 1u);
    EXPECT_EQ(svc_->BudgetXlsx(dng_, c.id, "vi").error().code, core::ErrorCode::kForbidden);
    // Hubs are their Cục Quản trị's: another department of the office cannot change one.
    EXPECT_EQ(svc_->AddBudgetLine(vdp1_, c.id, {.site_id = hn.id, .category = "hall", .item = "x", .quantity = 1,
                                                .unit_price = 1}).error().code,
              core::ErrorCode::kForbidden);
}

// covers C-2: the next periodic conference is proposed from the schedule, once.
TEST_P(ConferenceTest, ThePeriodicConferenceIsProposedFromTheScheduleOnce_C2) {
    EXPECT_GT(svc_->ProposePeriodic(60), 0);
    EXPECT_EQ(svc_->ProposePeriodic(60), 0);
    auto list = svc_->List(tccb_);
    ASSERT_EQ(list.size(), 1u);
    EXPECT_EQ(list[0].state, "proposed");
    EXPECT_EQ(list[0].sites.size(), 37u);
    ASSERT_TRUE(svc_->Act(tccb_, list[0].id, "confirm").ok());
    EXPECT_EQ(svc_->Act(tccb_, list[0].id, "confirm").error().code, core::ErrorCode::kConflict);
}

VP_INSTANTIATE_DB_TEST(ConferenceTest);

}  // namespace
}  // namespace vp::conference
