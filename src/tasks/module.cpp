#include "tasks/module.hpp"

#include <fstream>
#include <iostream>
#include <sstream>

#include <boost/json.hpp>
#include <spdlog/spdlog.h>

#include "core/message.hpp"
#include "media/module.hpp"
#include "tasks/handlers.hpp"
#include "tasks/watch_handlers.hpp"

namespace vp::embedded {
std::span<const vp::core::EmbeddedFile> TasksApi();
std::span<const vp::core::EmbeddedFile> TasksTiles();
}

namespace vp::tasks {
void LoadDemo(Service& svc, SecretRegister& secret, media::Service& files, const core::Clock& clock);  // demo.cpp
void LoadWatchDemo(Service& svc, Watch& watch);                                                         // demo.cpp
namespace {

using core::http::beast_http::verb;
using platform::Bind;
using platform::RouteKinds;

class TasksModule final : public platform::Module {
public:
    TasksModule(const std::unique_ptr<signatures::Service>& signatures, const platform::Module& media, Tuning tuning)
        : signatures_(signatures), media_(media), tuning_(tuning) {}
    std::string_view Name() const override { return "tasks"; }
    std::vector<std::string> DependsOn() const override {
        return {"units", "auth", "audit", "calendar", "media", "signatures"};
    }
    void DeclareAccess(core::access::Policy& policy) const override { tasks::DeclareAccess(policy); }

    void Build(platform::Platform& p) override {
        policy_ = &p.policy;
        ServiceSettings settings;
        settings.remind_before = std::chrono::hours(tuning_.remind_before_hours);
        settings.escalate_after = std::chrono::hours(tuning_.escalate_after_hours);
        settings.lag_margin = tuning_.lag_margin;
        settings.check_file = [this](const std::string& url) { return CheckFile(url); };
        auto* accounts = &p.auth;
        settings.holders = [accounts](core::db::Connection& c, core::access::Permission perm,
                                      const core::access::Scope& scope) { return accounts->HoldersOf(c, perm, scope); };
        auto* notify = &p.notify;
        // In the notification centre and by e-mail when SMTP is configured (T-13).
        settings.notify = [notify](core::db::Connection& c, std::int64_t user, const std::string& title,
                                   const std::string& body, const std::string& link) {
            notify->Create(c, user, "tasks", title, body, link, true);
        };
        settings_notify_ = settings.notify;
        settings_holders_ = settings.holders;
        service_ = std::make_unique<Service>(p.db, p.audit, p.clock, p.policy, p.units, p.calendars, p.events,
                                             std::move(settings));
        // Mật and Tối mật documents (Art. 5.2) live in their own partition, under its own key.
        auto partition = p.partition("tasks_secret");
        auto* service = service_.get();
        secret_ = std::make_unique<SecretRegister>(
            partition.db, partition.box, p.db, p.audit, p.clock, p.policy, p.units, [service](const std::string& kind) {
                for (const auto& e : service->Catalogue("kind")) {
                    if (e.code == kind && e.status == "active") return true;
                }
                return false;
            });
        handlers_ = std::make_unique<Handlers>(p.web, *service_, *secret_, p.calendars);
        // Watching and evaluating (T-11, T-19, T-20, T-21): reads what the service records.
        watch_ = std::make_unique<Watch>(p.db, p.audit, p.clock, p.policy, p.units, p.calendars, p.events,
                                         settings_notify_, settings_holders_, service_.get());
        watch_handlers_ = std::make_unique<WatchHandlers>(p.web, *watch_, *service_, p.calendars, p.clock,
                                                          std::string(embedded::TasksTiles().front().content));
        web_ = &p.web;
        // Documents' files and reports' attachments are the task's readers' only (never /media/...).
        media::ServiceOf(media_).DeclarePrivatePurpose("tasks.");
    }

    void AddRoutes(core::http::Router& r) override {
        auto* h = handlers_.get();
        auto* w = watch_handlers_.get();
        // Before /api/v1/tasks/{id}…: first added, first matched.
        r.Add(verb::get, "/api/v1/tasks/indicator-sets", Bind(w, &WatchHandlers::ApiIndicatorSets));
        r.Add(verb::post, "/api/v1/tasks/indicator-sets", Bind(w, &WatchHandlers::ApiIssueIndicatorSet));
        r.Add(verb::get, "/api/v1/tasks/evaluations", Bind(w, &WatchHandlers::ApiEvaluations));
        r.Add(verb::get, "/api/v1/tasks/evaluations/{period}", Bind(w, &WatchHandlers::ApiEvaluation));
        r.Add(verb::get, "/api/v1/tasks/evaluations/{period}/{view}", Bind(w, &WatchHandlers::ApiEvaluationView));
        r.Add(verb::post, "/api/v1/tasks/evaluations/{period}/close", Bind(w, &WatchHandlers::ApiClosePeriod));
        r.Add(verb::get, "/api/v1/tasks/unit-explanations", Bind(w, &WatchHandlers::ApiUnitExplanations));
        r.Add(verb::post, "/api/v1/tasks/unit-explanations/{id}", Bind(w, &WatchHandlers::ApiExplainUnit));
        r.Add(verb::get, "/api/v1/tasks/warnings", Bind(w, &WatchHandlers::ApiWarnings));
        r.Add(verb::post, "/api/v1/tasks/warnings", Bind(w, &WatchHandlers::ApiRaiseWarning));
        r.Add(verb::post, "/api/v1/tasks/warnings/{id}/answer", Bind(w, &WatchHandlers::ApiAnswerWarning));
        r.Add(verb::get, "/api/v1/tasks/dashboard", Bind(w, &WatchHandlers::ApiDashboard));
        r.Add(verb::get, "/api/v1/tasks/map", Bind(w, &WatchHandlers::ApiMap));
        r.Add(verb::get, "/api/v1/tasks/reports", Bind(w, &WatchHandlers::ApiReports));
        r.Add(verb::post, "/api/v1/tasks/reports", Bind(w, &WatchHandlers::ApiGenerateReport));
        r.Add(verb::get, "/api/v1/tasks/reports/{id}", Bind(w, &WatchHandlers::ApiReport));
        r.Add(verb::post, "/api/v1/tasks/reports/{id}/issue", Bind(w, &WatchHandlers::ApiIssueReport));
        r.Add(verb::get, "/api/v1/tasks/reports/{id}/{format}", Bind(w, &WatchHandlers::ApiReportFile));
        r.Add(verb::get, "/api/v1/tasks/reconciliations", Bind(w, &WatchHandlers::ApiReconciliations));
        r.Add(verb::post, "/api/v1/tasks/reconciliations", Bind(w, &WatchHandlers::ApiReconcile));
        r.Add(verb::get, "/api/v1/tasks/reconciliations/template", Bind(w, &WatchHandlers::ApiReconciliationTemplate));
        r.Add(verb::get, "/api/v1/tasks/reconciliations/{id}", Bind(w, &WatchHandlers::ApiReconciliation));
        r.Add(verb::post, "/api/v1/tasks/reconciliations/{id}/differences/{d}/flag",
              Bind(w, &WatchHandlers::ApiFlagDifference));
        r.Add(verb::post, "/api/v1/tasks/cleaning/run", Bind(w, &WatchHandlers::ApiRunCleaning));
        r.Add(verb::get, "/api/v1/tasks/findings", Bind(w, &WatchHandlers::ApiFindings));
        r.Add(verb::post, "/api/v1/tasks/findings/{id}", Bind(w, &WatchHandlers::ApiDecideFinding));
        r.Add(verb::get, "/api/v1/tasks/analysis", Bind(w, &WatchHandlers::ApiAnalysis));
        r.Add(verb::get, "/api/v1/tasks/schedule", Bind(h, &Handlers::ApiSchedule));
        r.Add(verb::get, "/api/v1/tasks/catalogue", Bind(h, &Handlers::ApiCatalogue));
        r.Add(verb::post, "/api/v1/tasks/catalogue", Bind(h, &Handlers::ApiSetCatalogue));
        r.Add(verb::get, "/api/v1/tasks/documents", Bind(h, &Handlers::ApiDocuments));
        r.Add(verb::post, "/api/v1/tasks/documents", Bind(h, &Handlers::ApiCreateDocument));
        r.Add(verb::get, "/api/v1/tasks/documents/{id}", Bind(h, &Handlers::ApiDocument));
        r.Add(verb::post, "/api/v1/tasks/disputes/{id}/settle", Bind(h, &Handlers::ApiSettle));
        r.Add(verb::post, "/api/v1/tasks/explanations/{id}", Bind(h, &Handlers::ApiExplain));
        r.Add(verb::get, "/api/v1/tasks/secret-documents", Bind(h, &Handlers::ApiSecretDocuments));
        r.Add(verb::get, "/api/v1/tasks/secret-documents/{id}", Bind(h, &Handlers::ApiSecretDocument));
        r.Add(verb::post, "/api/v1/tasks/secret-documents/{id}/{action}", Bind(h, &Handlers::ApiSecretDocument));
        r.Add(verb::get, "/api/v1/tasks", Bind(h, &Handlers::ApiTasks));
        r.Add(verb::post, "/api/v1/tasks", Bind(h, &Handlers::ApiCreateTask));
        r.Add(verb::get, "/api/v1/tasks/{id}", Bind(h, &Handlers::ApiTask));
        r.Add(verb::post, "/api/v1/tasks/{id}/acknowledge", Bind(h, &Handlers::ApiAcknowledge));
        r.Add(verb::post, "/api/v1/tasks/{id}/dispute", Bind(h, &Handlers::ApiDispute));
        r.Add(verb::get, "/api/v1/tasks/{id}/updates", Bind(h, &Handlers::ApiUpdates));
        r.Add(verb::post, "/api/v1/tasks/{id}/updates", Bind(h, &Handlers::ApiSubmitUpdate));
        r.Add(verb::post, "/api/v1/tasks/{id}/updates/{u}/evaluate", Bind(h, &Handlers::ApiEvaluate));
        r.Add(verb::post, "/api/v1/tasks/{id}/updates/{u}/{decision}", Bind(h, &Handlers::ApiDecide));
        r.Add(verb::post, "/api/v1/tasks/{id}/complete", Bind(h, &Handlers::ApiComplete));
        r.Add(verb::get, "/api/v1/tasks/{id}/{records}", Bind(h, &Handlers::ApiTaskRecords));
        const auto page = RouteKinds::Page();
        r.Add(verb::get, "/admin/tasks/evaluation", Bind(w, &WatchHandlers::EvaluationPage), page);
        r.Add(verb::post, "/admin/tasks/evaluation/{action}", Bind(w, &WatchHandlers::EvaluationFromPage), page);
        r.Add(verb::get, "/admin/tasks/warnings", Bind(w, &WatchHandlers::WarningsPage), page);
        r.Add(verb::post, "/admin/tasks/warnings", Bind(w, &WatchHandlers::WarningsFromPage), page);
        r.Add(verb::post, "/admin/tasks/warnings/{id}/answer", Bind(w, &WatchHandlers::WarningsFromPage), page);
        r.Add(verb::get, "/admin/tasks/dashboard", Bind(w, &WatchHandlers::DashboardPage), page);
        r.Add(verb::get, "/admin/tasks/map", Bind(w, &WatchHandlers::MapPage), page);
        r.Add(verb::get, "/admin/tasks/reports", Bind(w, &WatchHandlers::ReportsPage), page);
        r.Add(verb::post, "/admin/tasks/reports", Bind(w, &WatchHandlers::ReportsFromPage), page);
        r.Add(verb::get, "/admin/tasks/reports/{id}", Bind(w, &WatchHandlers::ReportPage), page);
        r.Add(verb::post, "/admin/tasks/reports/{id}/issue", Bind(w, &WatchHandlers::ReportsFromPage), page);
        r.Add(verb::get, "/admin/tasks/reconcile", Bind(w, &WatchHandlers::ReconcilePage), page);
        r.Add(verb::post, "/admin/tasks/reconcile", Bind(w, &WatchHandlers::ReconcileUpload), page);
        r.Add(verb::get, "/admin/tasks/reconcile/template", Bind(w, &WatchHandlers::TemplateFromPage), page);
        r.Add(verb::get, "/admin/tasks/reconcile/{id}", Bind(w, &WatchHandlers::ReconciliationPage), page);
        r.Add(verb::post, "/admin/tasks/reconcile/{id}/flag", Bind(w, &WatchHandlers::FlagFromPage), page);
        r.Add(verb::get, "/admin/tasks/cleaning", Bind(w, &WatchHandlers::CleaningPage), page);
        r.Add(verb::post, "/admin/tasks/cleaning", Bind(w, &WatchHandlers::CleaningFromPage), page);
        r.Add(verb::post, "/admin/tasks/cleaning/{id}", Bind(w, &WatchHandlers::CleaningFromPage), page);
        r.Add(verb::get, "/admin/tasks/analysis", Bind(w, &WatchHandlers::AnalysisPage), page);
        // Built-in help (T-24): the layout links it from every screen.
        r.Add(verb::get, "/admin/help", Bind(w, &WatchHandlers::HelpPage), page);
        r.Add(verb::get, "/admin/help/{role}", Bind(w, &WatchHandlers::HelpPage), page);
        r.Add(verb::get, "/admin/tasks", Bind(h, &Handlers::TasksPage), page);
        r.Add(verb::get, "/admin/tasks/new", Bind(h, &Handlers::NewTaskPage), page);
        r.Add(verb::get, "/admin/tasks/documents/new", Bind(h, &Handlers::NewDocumentPage), page);
        r.Add(verb::post, "/admin/tasks/documents/new", Bind(h, &Handlers::CreateDocumentFromPage), page);
        r.Add(verb::get, "/admin/tasks/catalogue", Bind(h, &Handlers::CataloguePage), page);
        r.Add(verb::post, "/admin/tasks/catalogue", Bind(h, &Handlers::SetCatalogueFromPage), page);
        r.Add(verb::get, "/admin/tasks/disputes", Bind(h, &Handlers::DisputesPage), page);
        r.Add(verb::post, "/admin/tasks/disputes/{id}/settle", Bind(h, &Handlers::SettleFromPage), page);
        r.Add(verb::post, "/admin/tasks/new", Bind(h, &Handlers::CreateFromPage), page);
        r.Add(verb::get, "/admin/tasks/secret", Bind(h, &Handlers::SecretPage), page);
        r.Add(verb::post, "/admin/tasks/secret", Bind(h, &Handlers::SecretFromPage), page);
        r.Add(verb::post, "/admin/tasks/secret/{id}/{action}", Bind(h, &Handlers::SecretFromPage), page);
        r.Add(verb::get, "/admin/tasks/{id}", Bind(h, &Handlers::TaskPage), page);
        r.Add(verb::post, "/admin/tasks/{id}/{action}", Bind(h, &Handlers::ActFromPage), page);
        r.Add(verb::get, "/admin/tasks/files/{sha256}", [this](core::http::Request& req) { return ServeFile(req); },
              page);
    }

    void AddNavigation(auth::Web& web) const override {
        web.AddNav({"/admin/tasks", "nav_tasks", kTaskRead, 20});
        web.AddNav({"/admin/tasks/dashboard", "nav_tasks_dashboard", kTaskRead, 22});
        web.AddNav({"/admin/tasks/evaluation", "nav_tasks_evaluation", kTaskRead, 23});
        web.AddNav({"/admin/tasks/reports", "nav_tasks_reports", kTaskReadAll, 24});
        web.AddNav({"/admin/tasks/secret", "nav_tasks_secret", kSecretMat, 21});  // Tối mật grants it too
    }

    void AddJobs(core::JobQueue& jobs) override {
        // Statuses follow time (T-4): a deadline or a checkpoint passing changes them.
        jobs.Register("tasks.refresh_statuses", [this](const core::Job&) -> core::Status {
            if (int n = service_->RefreshStatuses(); n > 0) spdlog::info("tasks: {} status(es) changed", n);
            return core::Ok{};
        });
        jobs.Schedule("tasks.refresh_statuses", "tasks.refresh_statuses",
                      core::ScheduleSpec::Every(std::chrono::minutes(1)).value());
        // A newly announced day off moves the clocks still running (T-25).
        jobs.Register("tasks.recompute_clocks", [this](const core::Job&) -> core::Status {
            if (int n = service_->RecomputeClocks(); n > 0) spdlog::info("tasks: {} clock(s) recomputed", n);
            return core::Ok{};
        });
        jobs.Schedule("tasks.recompute_clocks", "tasks.recompute_clocks",
                      core::ScheduleSpec::Every(std::chrono::minutes(10)).value());
        // Reminders once per clock and level (T-13), and the daily digest at 07:30.
        jobs.Register("tasks.remind", [this](const core::Job&) -> core::Status {
            if (int n = service_->Remind(); n > 0) spdlog::info("tasks: {} reminder(s) sent", n);
            return core::Ok{};
        });
        jobs.Schedule("tasks.remind", "tasks.remind", core::ScheduleSpec::Every(std::chrono::minutes(5)).value());
        jobs.Register("tasks.digest", [this](const core::Job&) -> core::Status {
            service_->SendDigests();
            return core::Ok{};
        });
        jobs.Schedule("tasks.digest", "tasks.digest", core::ScheduleSpec::DailyAt(7, 30).value());
        // The periodic reports' drafts and the compilation deadlines' reminders (T-15, Art. 16.2).
        jobs.Register("tasks.reports", [this](const core::Job&) -> core::Status {
            if (int n = watch_->RunReportSchedule(); n > 0) spdlog::info("tasks: {} report(s) or reminder(s)", n);
            return core::Ok{};
        });
        jobs.Schedule("tasks.reports", "tasks.reports", core::ScheduleSpec::Every(std::chrono::minutes(30)).value());
        // The periodic data cleaning (T-14): once after each quarter, its half-year and its year.
        jobs.Register("tasks.cleaning", [this](const core::Job&) -> core::Status {
            if (int n = watch_->RunCleaningSchedule(); n > 0) spdlog::info("tasks: data cleaning found {}", n);
            return core::Ok{};
        });
        jobs.Schedule("tasks.cleaning", "tasks.cleaning", core::ScheduleSpec::DailyAt(6, 0).value());
    }

    void AddTopics(core::EventBus& events) override {
        // A task's page and lists refresh when it changes, for those who may read it.
        // Read when an event is filtered: the topics are registered before Build sets policy_.
        const auto* const* policy_at = &policy_;
        events.RegisterTopic("tasks.task", [policy_at](const core::Subscriber& s, const core::Event& e) {
            const auto* policy = *policy_at;
            const auto* who = std::any_cast<core::access::Principal>(&s.context);
            if (!who || !policy->HoldsAnywhere(*who, kTaskRead)) return false;
            if (who->is_operator || policy->Authorize(*who, kTaskReadAll, core::access::Scope::Global())) return true;
            boost::system::error_code ec;
            auto v = boost::json::parse(e.data_json, ec);
            if (ec || !v.is_object()) return false;
            const auto* units = v.as_object().if_contains("units");
            if (!units || !units->is_array()) return false;
            for (const auto& u : units->get_array()) {
                if (u.is_int64() && policy->Authorize(*who, kTaskRead, core::access::Scope::Unit(u.get_int64())))
                    return true;
            }
            return false;
        });
    }

    void AddCommands(CLI::App& cli, platform::Commands& commands) override {
        auto* group = cli.add_subcommand("tasks", "Tasks of Party documents (08-QC/TW)");
        group->require_subcommand(1);
        auto* schedule = group->add_subcommand("schedule", "Print the checkpoints a task with these dates gets (T-7)");
        schedule->add_option("--start", start_, "Start: YYYY-MM-DD or ISO 8601 with offset")->required();
        schedule->add_option("--deadline", deadline_, "Deadline: YYYY-MM-DD or ISO 8601 (none: open-ended)");
        schedule->add_option("--cadence", cadence_, "monthly | quarterly | yearly (6 months or more, or open-ended)");
        commands.common(schedule);
        commands.Add(schedule, [this](platform::Platform& p) {
            auto cal = p.calendars.GetShared();
            if (!cal) return platform::CommandFailed(cal.error());
            auto r = ScheduleJson(start_, deadline_, cadence_, *cal.value());
            if (!r) return platform::CommandFailed(r.error());
            for (const auto& k : r->at("checkpoints").as_array()) {
                std::cout << std::string_view(k.at("kind").as_string()) << " "
                          << std::string_view(k.at("due_at").as_string()) << "\n";
            }
            return 0;
        });
    }

    void LoadDemo(platform::Platform& p) override {
        tasks::LoadDemo(*service_, *secret_, media::ServiceOf(media_), p.clock);
        tasks::LoadWatchDemo(*service_, *watch_);
    }

    boost::json::object OpenApi() const override {
        return platform::ParseOpenApiPart(embedded::TasksApi().front().content, Name());
    }

    Service* Built() const { return service_.get(); }

private:
    // A document's file or a report's attachment, for those who may read one that names it.
    core::http::Response ServeFile(core::http::Request& req) const {
        return auth::WithPrincipal(*web_, req, false, [&](const auth::Principal& who) {
            const auto sha = req.path_params["sha256"];
            const auto& files = media::ServiceOf(media_);
            auto f = service_->MayReadFile(who, sha) ? files.FindStored(sha) : std::nullopt;
            if (!f) return web_->Fail(req, &who, core::NotFound(core::Msg("tasks.file_not_found")));
            return media::ServePrivately(req, files, *f);
        });
    }

    // The embedded-signature check of an uploaded file (T-5), stored with the document.
    boost::json::value CheckFile(const std::string& url) const {
        if (!signatures_) return nullptr;
        const auto sha = url.substr(std::string_view("/media/").size());
        const auto& files = media::ServiceOf(media_);
        auto served = files.FindStored(sha);
        if (!served) return nullptr;
        std::ifstream in(files.Files().PathOf(sha), std::ios::binary);
        std::stringstream bytes;
        bytes << in.rdbuf();
        const auto check = signatures_->CheckPdfSignature(bytes.str());
        boost::json::object o{{"filename", served->filename},
                              {"is_pdf", check.is_pdf},
                              {"present", check.present},
                              {"valid", check.valid},
                              {"covers_whole_file", check.covers_whole_file},
                              {"signer_subject", check.signer_subject},
                              {"signer_issuer", check.signer_issuer},
                              {"reason", check.reason}};
        o["signing_time_ms"] = check.signing_time_ms ? boost::json::value(*check.signing_time_ms) : nullptr;
        return o;
    }

    const std::unique_ptr<signatures::Service>& signatures_;
    const platform::Module& media_;
    const core::access::Policy* policy_ = nullptr;
    auth::Web* web_ = nullptr;
    std::string start_, deadline_, cadence_;
    std::unique_ptr<Service> service_;
    Tuning tuning_;
    std::unique_ptr<SecretRegister> secret_;
    std::unique_ptr<Handlers> handlers_;
    NotifyFn settings_notify_;
    HoldersFn settings_holders_;
    std::unique_ptr<Watch> watch_;
    std::unique_ptr<WatchHandlers> watch_handlers_;
};

}  // namespace

Service& ServiceOf(const platform::Module& m) {
    const auto* tasks = dynamic_cast<const TasksModule*>(&m);
    if (!tasks || !tasks->Built()) throw std::logic_error("tasks::ServiceOf: not the built tasks module");
    return *tasks->Built();
}

std::unique_ptr<platform::Module> MakeModule(const std::unique_ptr<signatures::Service>& signatures,
                                             const platform::Module& media, Tuning tuning) {
    return std::make_unique<TasksModule>(signatures, media, tuning);
}

}  // namespace vp::tasks
