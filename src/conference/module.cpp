#include "conference/module.hpp"

#include <boost/json.hpp>
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "conference/handlers.hpp"
#include "core/http/response.hpp"
#include "media/module.hpp"
#include "portal/module.hpp"
#include "portal/portal.hpp"
#include "tasks/module.hpp"
#include "tasks/tasks.hpp"

namespace vp::embedded {
std::span<const vp::core::EmbeddedFile> ConferenceApi();
std::span<const vp::core::EmbeddedFile> ConferenceRegions();
}  // namespace vp::embedded

namespace vp::conference {
void LoadDemo(Service& svc, const core::Clock& clock);  // demo.cpp
namespace {

class ConferenceModule final : public platform::Module {
public:
    ConferenceModule(const std::unique_ptr<core::SecretBox>& secrets, const platform::Module& tasks,
                     const platform::Module& portal, const platform::Module& media, std::string schedule)
        : secrets_(secrets), tasks_(tasks), portal_(portal), media_(media), schedule_(std::move(schedule)) {}
    std::string_view Name() const override { return "conference"; }
    std::vector<std::string> DependsOn() const override {
        return {"units", "auth", "audit", "calendar", "media", "portal", "tasks"};
    }
    void DeclareAccess(core::access::Policy& policy) const override { conference::DeclareAccess(policy); }

    void AddTopics(core::EventBus& events) override {
        // What changes on a conference (health, queue, agenda, documents) for those who follow
        // conferences; the payload carries ids and states, never document text.
        auto* policy_at = &policy_;
        // A site's line (health, round trip, loss) is for the office's people only: the IT centre's
        // board, the organisers and the leadership; the provinces get the queue and agenda changes.
        events.RegisterTopic("conference.live", [policy_at](const core::Subscriber& s, const core::Event& e) {
            const auto* who = std::any_cast<core::access::Principal>(&s.context);
            if (!who || !*policy_at || !(*policy_at)->HoldsAnywhere(*who, kRead)) return false;
            if (e.data_json.find("\"what\":\"health\"") == std::string::npos) return true;
            return (*policy_at)->HoldsAnywhere(*who, kOrganise) || (*policy_at)->HoldsAnywhere(*who, kLead);
        });
    }

    void Build(platform::Platform& p) override {
        policy_ = &p.policy;
        Settings settings;
        if (auto s = rules::ParseSchedule(schedule_)) settings.schedule = *s;
        else throw std::invalid_argument("conference schedule: expected months and a day, like 6,12@15");
        auto regions = boost::json::parse(embedded::ConferenceRegions().front().content).as_object();
        for (const auto& [dept, list] : regions) {
            if (!list.is_array()) continue;
            for (const auto& province : list.as_array())
                settings.default_regions.emplace_back(province.as_string().c_str(), std::string(dept));
        }
        auto* notify = &p.notify;
        settings.notify = [notify](core::db::Connection& c, std::int64_t user, const std::string& title,
                                   const std::string& body, const std::string& link) {
            notify->Create(c, user, "conference", title, body, link, true);
        };
        auto* accounts = &p.auth;
        settings.holders = [accounts](core::db::Connection& c, core::access::Permission perm,
                                      const core::access::Scope& scope) { return accounts->HoldersOf(c, perm, scope); };
        const auto* media = &media::ServiceOf(media_);
        settings.file_name = [media](const std::string& url, std::int64_t user) -> std::optional<std::string> {
            auto f = media->FindUploadOf(url.substr(std::string_view("/media/").size()), "conference.", user);
            if (!f) return std::nullopt;
            return f->filename;
        };
        auto* portal = &portal::DraftingServiceOf(portal_);
        settings.news = [portal](const core::access::Principal& who, const Conference& c) -> core::Result<std::int64_t> {
            // A draft for the editors (P-workflow): what, when, where, the agenda.
            std::string body = "<p>" + core::http::EscapeHtml(c.purpose) + "</p><p>Chương trình hội nghị:</p><ol>";
            for (const auto& a : c.agenda) body += "<li>" + core::http::EscapeHtml(a.title) + "</li>";
            body += "</ol>";
            int bridges = 0;
            for (const auto& s : c.sites) bridges += s.kind == "bridge" && s.status == "active" ? 1 : 0;
            portal::NewItem item{.portal = "main", .kind = "news"};
            item.fields.title = c.title;
            item.fields.lead = fmt::format("{} chủ trì hội nghị trực tuyến với {} điểm cầu văn phòng tỉnh ủy, thành ủy.",
                                           c.chair, bridges);
            item.fields.body_html = body;
            item.fields.source = "Trung tâm Công nghệ thông tin, Văn phòng Trung ương Đảng";
            item.fields.event_at = c.starts_at;
            auto r = portal->CreateItem(who, std::move(item));
            if (!r) return r.error();
            return r->id;
        };
        service_ = std::make_unique<Service>(p.db, p.audit, p.clock, p.policy, p.units, p.calendars, p.events, *secrets_,
                                             &tasks::ServiceOf(tasks_), std::move(settings));
        handlers_ = std::make_unique<Handlers>(p.web, *service_);
        auto* web = &p.web;
        handlers_->serve_file = [media, web](core::http::Request& req, const std::string& sha) {
            auto f = media->FindStored(sha);
            if (!f) return web->Fail(req, nullptr, core::NotFound(core::Msg("conference.document_not_found")));
            return media::ServePrivately(req, *media, *f);
        };
        // Reports and letters are their readers' only (never /media/...).
        media::ServiceOf(media_).DeclarePrivatePurpose("conference.");
    }

    void AddRoutes(core::http::Router& r) override { handlers_->AddRoutes(r); }

    void AddNavigation(auth::Web& web) const override {
        web.AddNav({"/admin/conferences", "nav_conferences", kRead, 30});
    }

    void AddJobs(core::JobQueue& jobs) override {
        jobs.Register("conference.remind", [this](const core::Job&) -> core::Status {
            if (int n = service_->Remind(); n > 0) spdlog::info("conference: {} reminder(s) sent", n);
            return core::Ok{};
        });
        jobs.Schedule("conference.remind", "conference.remind", core::ScheduleSpec::Every(std::chrono::minutes(10)).value());
        // The next half-yearly conference, proposed 60 days ahead (Art. 5), and the sites of
        // conferences in preparation following the registry's merges (ORG-2).
        jobs.Register("conference.schedule", [this](const core::Job&) -> core::Status {
            if (auto id = service_->ProposePeriodic(60)) spdlog::info("conference: periodic conference {} proposed", id);
            for (const auto& c : service_->List(core::access::Principal::Operator())) {
                if (c.state == "proposed" || c.state == "preparing") service_->SyncSites(c.id);
            }
            return core::Ok{};
        });
        jobs.Schedule("conference.schedule", "conference.schedule", core::ScheduleSpec::Every(std::chrono::hours(1)).value());
    }

    void LoadDemo(platform::Platform& p) override { conference::LoadDemo(*service_, p.clock); }

    boost::json::object OpenApi() const override {
        return platform::ParseOpenApiPart(embedded::ConferenceApi().front().content, Name());
    }

private:
    const std::unique_ptr<core::SecretBox>& secrets_;
    const platform::Module& tasks_;
    const platform::Module& portal_;
    const platform::Module& media_;
    std::string schedule_;
    const core::access::Policy* policy_ = nullptr;
    std::unique_ptr<Service> service_;
    std::unique_ptr<Handlers> handlers_;
};

}  // namespace

std::unique_ptr<platform::Module> MakeModule(const std::unique_ptr<core::SecretBox>& secrets,
                                             const platform::Module& tasks, const platform::Module& portal,
                                             const platform::Module& media, std::string schedule) {
    return std::make_unique<ConferenceModule>(secrets, tasks, portal, media, std::move(schedule));
}

}  // namespace vp::conference
