#pragma once
// The Tasks tests' fixture (test only): the tracking service over the unit registry and the
// working-time calendar on either engine, with one account per role.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "calendar/holidays.hpp"
#include "calendar/iso_time.hpp"
#include "core/db/migrate.hpp"
#include "core/embedded.hpp"
#include "core/message.hpp"
#include "core/testing/db_fixture.hpp"
#include "tasks/tasks.hpp"

namespace vp::embedded {
std::span<const vp::core::EmbeddedFile> Migrations();
}

namespace vp::tasks::fixture {

using core::access::Principal;

inline core::TimePoint At(std::string_view iso) { return calendar::TryParseIso(iso).value(); }

inline std::string Slurp(const std::string& path) {
    std::ifstream in(path);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

inline constexpr std::string_view kFile = "/media/0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

class TasksFixture : public vp::testing::DbTest {
protected:
    void SetUp() override {
        vp::testing::DbTest::SetUp();
        if (IsSkipped() || HasFailure()) return;
        core::db::Migrate(Db(), embedded::Migrations(), std::vector<std::string>{"tasks"});
        for (const char* r : {"task_office", "unit_focal_point", "unit_approver", "monitoring_officer", "inspector"})
            policy_.AddRole({.code = r, .rank = 1});
        units::DeclareAccess(policy_);
        DeclareAccess(policy_);
        units_ = std::make_unique<units::Service>(Db(), log_, clock_, policy_);
        policy_.SetUnitTree(units_.get());
        ASSERT_TRUE(units_->SeedIfEmpty(op_, Slurp(std::string(VP_SOURCE_DIR) + "/data/units/seed.json")).ok());
        auto years = calendar::TryLoadYearSchedules(std::filesystem::path(VP_SOURCE_DIR) / "data/calendar/vn");
        ASSERT_TRUE(years.ok());
        calendars_ = std::make_unique<calendar::Service>(Db(), log_, clock_, years.value());
        ASSERT_TRUE(calendars_->EnsureDefault(op_.ActorAs()).ok());
        clock_.Set(At("2026-03-09T09:00:00+07:00"));  // a Monday
        events_.RegisterTopic("tasks.task", [](const core::Subscriber&, const core::Event&) { return true; });
        svc_ = std::make_unique<Service>(Db(), log_, clock_, policy_, *units_, *calendars_, events_,
                                         ServiceSettings{.check_file = [](const std::string& url) {
                                             return boost::json::value(boost::json::object{
                                                 {"valid", true}, {"signer_subject", "CN=Văn phòng Trung ương Đảng"},
                                                 {"filename", url.substr(7, 8) + ".pdf"}});
                                         }});
        office_ = As("task_office", "VPTW-VTH", 1);
        focal_ = As("unit_focal_point", "TU-HNI", 2);
        approver_ = As("unit_approver", "TU-HNI", 3);
        monitor_ = As("monitoring_officer", "VPTW-VTH", 4);
        hue_focal_ = As("unit_focal_point", "TU-HUE", 5);
        vp_focal_ = As("unit_focal_point", "VP-HNI", 6);
        vp_approver_ = As("unit_approver", "VP-HNI", 7);
        inspector_ = As("inspector", "UBKTTW", 8);
    }

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

    NewDocument Doc(std::string secrecy = "thuong") {
        return {.kind = "conclusion",
                .title = "Kết luận của Bộ Chính trị về chuyển đổi số trong các cơ quan đảng",
                .number = "125",
                .symbol = "KL/TW",
                .summary = "Tiếp tục đẩy mạnh chuyển đổi số.",
                .issued_on = "2026-03-05",
                .signer = "Trần Cẩm Tú",
                .submitting_unit = "VPTW",
                .issuing_unit = "Bộ Chính trị",
                .secrecy = std::move(secrecy),
                .files = {std::string(kFile)}};
    }

    Task NewTaskFor(std::string deadline = "2026-04-09T17:00:00+07:00", std::vector<std::string> leads = {"TU-HNI"}) {
        auto doc = svc_->CreateDocument(office_, Doc());
        EXPECT_TRUE(doc.ok());
        NewTask t{.document_id = doc->id,
                  .content = "Xây dựng kế hoạch chuyển đổi số của Đảng bộ",
                  .lead_units = std::move(leads),
                  .coordinating_units = {"VP-HNI"},
                  .monitoring_unit = "VPTW-VTH",
                  .start = At("2026-03-09T08:00:00+07:00"),
                  .priority = "key"};
        if (!deadline.empty()) t.deadline = At(deadline);
        auto r = svc_->CreateTask(office_, t);
        EXPECT_TRUE(r.ok()) << (r.ok() ? "" : core::Text(r.error().message, "en"));
        return r.ok() ? r.value() : Task{};
    }

    std::int64_t Count(const char* table) {
        return Db().Read([&](core::db::Connection& c) {
            return c.QueryOne(std::string("SELECT COUNT(*) FROM ") + table)->Int(0);
        });
    }

    std::string Iso(core::TimePoint t) { return calendar::FormatIso(t, "Asia/Ho_Chi_Minh"); }

    const Clock* Find(const Task& t, ClockKind k, std::string_view label = {}) {
        for (const auto& c : t.clocks) {
            if (c.kind == k && (label.empty() || c.label == label)) return &c;
        }
        return nullptr;
    }

    audit::Log log_{clock_};
    core::EventBus events_;
    core::access::Policy policy_;
    Principal op_ = Principal::Operator();
    std::unique_ptr<units::Service> units_;
    std::unique_ptr<calendar::Service> calendars_;
    std::unique_ptr<Service> svc_;
    Principal office_, focal_, approver_, monitor_, hue_focal_, vp_focal_, vp_approver_, inspector_;
};

}  // namespace vp::tasks::fixture
