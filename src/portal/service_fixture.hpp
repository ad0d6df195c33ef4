#pragma once
// The Portal service over a fresh database (both engines): the fixture of the service tests.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "calendar/holidays.hpp"
#include "calendar/iso_time.hpp"
#include "core/db/migrate.hpp"
#include "core/embedded.hpp"
#include "core/message.hpp"
#include "core/testing/db_fixture.hpp"
#include "portal/portal.hpp"

namespace vp::embedded {
std::span<const vp::core::EmbeddedFile> Migrations();
}

namespace vp::portal::testing_support {

using core::access::Principal;

inline std::string Slurp(const std::string& path) {
    std::ifstream in(path);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

inline core::TimePoint At(std::string_view iso) { return calendar::TryParseIso(iso).value(); }

class PortalService : public testing::DbTest {
protected:
    void SetUp() override {
        DbTest::SetUp();
        if (IsSkipped() || HasFailure()) return;
        core::db::Migrate(Db(), embedded::Migrations(), std::vector<std::string>{"portal"});
        for (const char* r : {"contributor", "editor", "reviewer", "publisher", "portal_director", "portal_admin",
                              "translator", "office_leader", "system_admin", "royalty_officer"}) {
            policy_.AddRole({.code = r, .rank = 1});
        }
        units::DeclareAccess(policy_);
        DeclareAccess(policy_);
        units_ = std::make_unique<units::Service>(Db(), log_, clock_, policy_);
        policy_.SetUnitTree(units_.get());
        ASSERT_TRUE(units_->SeedIfEmpty(op_, Slurp(std::string(VP_SOURCE_DIR) + "/data/units/seed.json")).ok());
        auto years = calendar::TryLoadYearSchedules(std::filesystem::path(VP_SOURCE_DIR) / "data/calendar/vn");
        ASSERT_TRUE(years.ok());
        calendars_ = std::make_unique<calendar::Service>(Db(), log_, clock_, years.value());
        ASSERT_TRUE(calendars_->EnsureDefault(op_.ActorAs()).ok());
        svc_ = std::make_unique<Service>(
            Db(), log_, clock_, policy_, *units_, *calendars_, events_,
            ServiceSettings{.notify = [this](core::db::Connection&, std::int64_t user, const std::string&,
                                             const std::string&, const std::string&) { notified_.push_back(user); },
                            .secrets = secrets_.get()});
        ASSERT_TRUE(svc_->EnsureMainPortal(op_).ok());
        auto hue = svc_->CreateComponentPortal(op_, "TU-HUE");
        ASSERT_TRUE(hue.ok()) << (hue.ok() ? "" : core::Text(hue.error().message, "en"));
        clock_.Set(At("2026-03-09T09:00:00+07:00"));  // a Monday
    }

    // A signed-in person holding `role` on a portal.
    Principal On(std::string_view portal, std::string role, std::int64_t user_id) {
        Principal p;
        p.user_id = user_id;
        p.username = role + std::to_string(user_id);
        auto pt = svc_->FindPortal(portal);
        p.unit_id = pt->unit_id;
        p.grants.push_back({user_id, role, pt->unit_id, std::string(portal)});
        return p;
    }

    NewItem News(std::string title = "Hội nghị Ban Chấp hành Đảng bộ") {
        NewItem n{.portal = "main", .kind = "news", .language = "vi"};
        n.fields.title = title;
        n.fields.lead = "Sáng nay, hội nghị khai mạc.";
        n.fields.body_html = "<p>Đoạn một.</p>\n<p>Đoạn hai.</p>";
        n.fields.source = "Báo Nhân Dân";
        n.fields.sections = {"thoi-su"};
        n.fields.event_at = At("2026-03-09T08:30:00+07:00");
        return n;
    }

    // What a contributor sends with a submission (P-11).
    static Contribution Details() {
        return {.full_name = "Nguyễn Văn An",
                .title = "Phóng viên",
                .unit = "Ban Tuyên giáo Thành ủy Hà Nội",
                .phone = "0243 825 6789",
                .bank_account = "0011 0023 4567",
                .bank_branch = "Vietcombank Hà Nội",
                .head_name = "Trần Thị Bình",
                .head_title = "Trưởng ban",
                .head_approved_on = "2026-03-06"};
    }
    static ActionInput Submission() { return {.contribution = Details()}; }

    // Contributor -> editor -> reviewer -> publisher.
    Item Publish(Item it) {
        EXPECT_TRUE(svc_->Act(contributor_, it.id, Action::kSubmit, Submission()).ok());
        EXPECT_TRUE(svc_->Act(editor_, it.id, Action::kTake, {}).ok());
        EXPECT_TRUE(svc_->Act(editor_, it.id, Action::kSendToReview, {}).ok());
        EXPECT_TRUE(svc_->Act(reviewer_, it.id, Action::kApprove, {}).ok());
        auto p = svc_->Act(publisher_, it.id, Action::kPublish, {});
        EXPECT_TRUE(p.ok());
        return p.ok() ? p.value() : it;
    }

    std::int64_t CountItems() {
        return Db().Read(
            [](core::db::Connection& c) { return c.QueryOne("SELECT COUNT(*) FROM portal_items")->Int(0); });
    }

    audit::Log log_{clock_};
    std::unique_ptr<core::SecretBox> secrets_ = core::SecretBox::Random();
    core::EventBus events_;
    core::access::Policy policy_;
    Principal op_ = Principal::Operator();
    std::unique_ptr<units::Service> units_;
    std::unique_ptr<calendar::Service> calendars_;
    std::unique_ptr<Service> svc_;
    std::vector<std::int64_t> notified_;
    Principal contributor_, editor_, reviewer_, publisher_, director_;
    void Cast() {
        contributor_ = On("main", "contributor", 101);
        editor_ = On("main", "editor", 102);
        reviewer_ = On("main", "reviewer", 103);
        publisher_ = On("main", "publisher", 104);
        director_ = On("main", "portal_director", 105);
    }
};

}  // namespace vp::portal::testing_support
