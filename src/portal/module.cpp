#include "portal/module.hpp"

#include <filesystem>
#include <iostream>

#include <boost/json.hpp>
#include <spdlog/spdlog.h>

#include "core/html/sanitize.hpp"
#include "media/module.hpp"
#include "portal/demo.hpp"
#include "core/message.hpp"
#include "portal/handlers.hpp"

namespace vp::embedded {
std::span<const vp::core::EmbeddedFile> PortalApi();
}

namespace vp::portal {
namespace {

using core::http::beast_http::verb;
using platform::Bind;
using platform::RouteKinds;

class PortalModule final : public platform::Module {
public:
    PortalModule(const std::unique_ptr<core::SecretBox>& secrets, const std::unique_ptr<signatures::Service>& signatures,
                 const platform::Module& media, bool demo_corpus)
        : secrets_(secrets), signatures_(signatures), media_(media), demo_corpus_(demo_corpus) {}
    std::string_view Name() const override { return "portal"; }
    std::vector<std::string> DependsOn() const override {
        return {"units", "auth", "audit", "calendar", "media", "signatures"};
    }
    void DeclareAccess(core::access::Policy& policy) const override { portal::DeclareAccess(policy); }

    void Build(platform::Platform& p) override {
        policy_ = &p.policy;
        service_ = MakeService(p, p.clock);
        // The main portal exists from the first start (the operator creates component portals).
        auto main = service_->EnsureMainPortal(core::access::Principal::Operator());
        if (!main)
            spdlog::warn("portal: the main portal could not be created: {}", core::Text(main.error().message, "en"));
        if (const int n = service_->RebuildRegister(); n > 0)
            spdlog::info("portal: {} document(s) brought into the register", n);
        if (const int n = service_->RebuildPublic(); n > 0)
            spdlog::info("portal: {} item(s) brought into the public site's index", n);
        handlers_ = std::make_unique<Handlers>(p.web, *service_);
    }

    void AddRoutes(core::http::Router& r) override {
        auto* h = handlers_.get();
        const auto page = RouteKinds::Page();
        r.Add(verb::get, "/admin/portal", Bind(h, &Handlers::Queue), page);
        r.Add(verb::get, "/admin/portal/items/new", Bind(h, &Handlers::NewItemPage), page);
        r.Add(verb::post, "/admin/portal/items", Bind(h, &Handlers::CreateItem), page);
        r.Add(verb::get, "/admin/portal/items/{id}", Bind(h, &Handlers::ItemPage), page);
        r.Add(verb::post, "/admin/portal/items/{id}", Bind(h, &Handlers::SaveItem), page);
        r.Add(verb::post, "/admin/portal/items/{id}/actions/{action}", Bind(h, &Handlers::ActOnItem), page);
        r.Add(verb::get, "/admin/portal/items/{id}/diff", Bind(h, &Handlers::DiffPage), page);
        r.Add(verb::get, "/admin/portal/post-checks", Bind(h, &Handlers::PostChecks), page);
        r.Add(verb::post, "/admin/portal/post-checks/{id}", Bind(h, &Handlers::CompletePostCheck), page);
        r.Add(verb::post, "/admin/portal/items/{id}/takedowns", Bind(h, &Handlers::OpenTakedown), page);
        r.Add(verb::post, "/admin/portal/takedowns/{id}/{step}", Bind(h, &Handlers::TakedownStep), page);
        r.Add(verb::get, "/admin/portal/terms", Bind(h, &Handlers::TermsPage), page);
        r.Add(verb::post, "/admin/portal/terms", Bind(h, &Handlers::AddTerm), page);
        r.Add(verb::post, "/admin/portal/terms/{id}/retire", Bind(h, &Handlers::RetireTerm), page);
        r.Add(verb::post, "/admin/portal/items/{id}/screening/confirm", Bind(h, &Handlers::ConfirmScreening), page);
        r.Add(verb::get, "/admin/portal/royalties", Bind(h, &Handlers::RoyaltiesPage), page);
        r.Add(verb::post, "/admin/portal/royalties/rates", Bind(h, &Handlers::SetRoyaltyRate), page);
        r.Add(verb::get, "/admin/portal/library", Bind(h, &Handlers::LibraryPage), page);
        r.Add(verb::post, "/admin/portal/items/{id}/integrate", Bind(h, &Handlers::IntegrateFromPage), page);
        r.Add(verb::post, "/admin/portal/library/placements", Bind(h, &Handlers::PlaceFromPage), page);
        r.Add(verb::post, "/admin/portal/library/nodes", Bind(h, &Handlers::AddNodeFromPage), page);
        r.Add(verb::post, "/admin/portal/library/collections", Bind(h, &Handlers::CreateCollectionFromPage), page);

        r.Add(verb::get, "/api/v1/portal/portals", Bind(h, &Handlers::ApiPortals));
        r.Add(verb::post, "/api/v1/portal/portals", Bind(h, &Handlers::ApiCreatePortal));
        r.Add(verb::get, "/api/v1/portal/portals/{code}/sections", Bind(h, &Handlers::ApiSections));
        r.Add(verb::post, "/api/v1/portal/portals/{code}/sections", Bind(h, &Handlers::ApiAddSection));
        r.Add(verb::get, "/api/v1/portal/portals/{code}/missing-translations",
              Bind(h, &Handlers::ApiMissingTranslations));
        r.Add(verb::get, "/api/v1/portal/items", Bind(h, &Handlers::ApiItems));
        r.Add(verb::post, "/api/v1/portal/items", Bind(h, &Handlers::ApiCreateItem));
        r.Add(verb::get, "/api/v1/portal/items/{id}", Bind(h, &Handlers::ApiItem));
        r.Add(verb::put, "/api/v1/portal/items/{id}", Bind(h, &Handlers::ApiSaveItem));
        r.Add(verb::post, "/api/v1/portal/items/{id}/actions/{action}", Bind(h, &Handlers::ApiAct));
        r.Add(verb::get, "/api/v1/portal/items/{id}/revisions", Bind(h, &Handlers::ApiRevisions));
        r.Add(verb::get, "/api/v1/portal/items/{id}/revisions/{a}/diff/{b}", Bind(h, &Handlers::ApiDiff));
        r.Add(verb::get, "/api/v1/portal/items/{id}/history", Bind(h, &Handlers::ApiHistory));
        r.Add(verb::get, "/api/v1/portal/post-checks", Bind(h, &Handlers::ApiPostChecks));
        r.Add(verb::post, "/api/v1/portal/post-checks/{id}/complete", Bind(h, &Handlers::ApiCompletePostCheck));
        r.Add(verb::get, "/api/v1/portal/items/{id}/takedowns", Bind(h, &Handlers::ApiTakedowns));
        r.Add(verb::post, "/api/v1/portal/items/{id}/takedowns", Bind(h, &Handlers::ApiOpenTakedown));
        r.Add(verb::post, "/api/v1/portal/takedowns/{id}/{step}", Bind(h, &Handlers::ApiTakedownStep));
        r.Add(verb::get, "/api/v1/portal/portals/{code}/prohibited-terms", Bind(h, &Handlers::ApiTerms));
        r.Add(verb::post, "/api/v1/portal/portals/{code}/prohibited-terms", Bind(h, &Handlers::ApiAddTerm));
        r.Add(verb::post, "/api/v1/portal/prohibited-terms/{id}/retire", Bind(h, &Handlers::ApiRetireTerm));
        r.Add(verb::post, "/api/v1/portal/items/{id}/screening/confirm", Bind(h, &Handlers::ApiConfirmScreening));
        r.Add(verb::get, "/api/v1/portal/items/{id}/contributions", Bind(h, &Handlers::ApiContributions));
        r.Add(verb::get, "/api/v1/portal/portals/{code}/contributor-profile", Bind(h, &Handlers::ApiContributorProfile));
        r.Add(verb::get, "/api/v1/portal/portals/{code}/royalty-rates", Bind(h, &Handlers::ApiRoyaltyRates));
        r.Add(verb::post, "/api/v1/portal/portals/{code}/royalty-rates", Bind(h, &Handlers::ApiSetRoyaltyRate));
        r.Add(verb::get, "/api/v1/portal/royalties", Bind(h, &Handlers::ApiRoyalties));
        r.Add(verb::get, "/api/v1/portal/royalties.xlsx", Bind(h, &Handlers::ApiRoyaltiesXlsx));
        r.Add(verb::get, "/api/v1/portal/compliance", Bind(h, &Handlers::ApiCompliance));
        // The shared library (P-3, P-4, P-25) and integration (P-1).
        r.Add(verb::get, "/api/v1/portal/search", Bind(h, &Handlers::ApiSearch));
        r.Add(verb::get, "/api/v1/portal/documents", Bind(h, &Handlers::ApiDocuments));
        r.Add(verb::get, "/api/v1/portal/documents/{id}", Bind(h, &Handlers::ApiDocument));
        r.Add(verb::get, "/api/v1/portal/portals/{code}/document-placements", Bind(h, &Handlers::ApiPlacements));
        r.Add(verb::post, "/api/v1/portal/portals/{code}/document-placements", Bind(h, &Handlers::ApiPlaceDocument));
        r.Add(verb::post, "/api/v1/portal/document-placements/{id}/retire", Bind(h, &Handlers::ApiRetirePlacement));
        r.Add(verb::get, "/api/v1/portal/collections", Bind(h, &Handlers::ApiCollections));
        r.Add(verb::post, "/api/v1/portal/collections", Bind(h, &Handlers::ApiCreateCollection));
        r.Add(verb::get, "/api/v1/portal/collections/{code}", Bind(h, &Handlers::ApiCollection));
        r.Add(verb::post, "/api/v1/portal/collections/{code}/nodes", Bind(h, &Handlers::ApiAddNode));
        r.Add(verb::put, "/api/v1/portal/collections/{code}/nodes/{id}", Bind(h, &Handlers::ApiUpdateNode));
        r.Add(verb::post, "/api/v1/portal/collections/{code}/nodes/{id}/retire", Bind(h, &Handlers::ApiRetireNode));
        r.Add(verb::get, "/api/v1/portal/integration/candidates", Bind(h, &Handlers::ApiIntegrationCandidates));
        r.Add(verb::post, "/api/v1/portal/items/{id}/integrate", Bind(h, &Handlers::ApiIntegrate));
    }

    void AddNavigation(auth::Web& web) const override {
        web.AddNav({"/admin/portal", "nav_portal", kItemCreate, 5});
        web.AddNav({"/admin/portal/post-checks", "nav_portal_post_checks", kPostCheck, 6});
        web.AddNav({"/admin/portal/royalties", "nav_portal_royalties", kRoyaltyRead, 7});
        web.AddNav({"/admin/portal/terms", "nav_portal_terms", kTermsManage, 8});
        web.AddNav({"/admin/portal/library", "nav_portal_library", kItemCreate, 9});
    }

    void AddJobs(core::JobQueue& jobs) override {
        // Scheduled publication, exact to the minute (P-10).
        jobs.Register("portal.publish_due", [this](const core::Job&) -> core::Status {
            const int n = service_->PublishDue();
            if (n > 0) spdlog::info("portal: published {} scheduled item(s)", n);
            return core::Ok{};
        });
        jobs.Schedule("portal.publish_due", "portal.publish_due",
                      core::ScheduleSpec::Every(std::chrono::minutes(1)).value());
        // Reminders of missing written requests and responsibility records (09-QC/TW Art. 10).
        jobs.Register("portal.takedown_reminders", [this](const core::Job&) -> core::Status {
            service_->RemindTakedowns();
            return core::Ok{};
        });
        jobs.Schedule("portal.takedown_reminders", "portal.takedown_reminders",
                      core::ScheduleSpec::Every(std::chrono::minutes(60)).value());
    }

    void AddTopics(core::EventBus& events) override {
        // What the public site shows changed (its caches listen): public facts only.
        events.RegisterTopic("portal.public", [](const core::Subscriber&, const core::Event&) { return true; });
        // Queue pages refresh when an item of a portal they may read moves.
        // Read when an event is filtered: the topics are registered before Build sets policy_.
        const auto* const* policy_at = &policy_;
        events.RegisterTopic("portal.item", [policy_at](const core::Subscriber& s, const core::Event& e) {
            const auto* policy = *policy_at;
            const auto* who = std::any_cast<core::access::Principal>(&s.context);
            if (!who || !policy->HoldsAnywhere(*who, kItemRead)) return false;
            if (who->is_operator) return true;
            boost::system::error_code ec;
            auto v = boost::json::parse(e.data_json, ec);
            if (ec || !v.is_object()) return false;
            const auto* portal = v.as_object().if_contains("portal");
            if (!portal || !portal->is_string()) return false;
            for (const auto& g : who->grants) {
                if (policy->RoleGrants(g.role, kItemRead) && (g.portal.empty() || g.portal == portal->get_string()))
                    return true;
            }
            return false;
        });
    }

    void AddCommands(CLI::App& cli, platform::Commands& commands) override {
        auto* group = cli.add_subcommand("portal", "Portals of the e-portal (P-1, P-27, P-28)");
        group->require_subcommand(1);
        auto* create = group->add_subcommand(
            "create", "Create a unit's component portal from the template (mandatory sections ready)");
        create->add_option("--unit", unit_code_, "The unit's code, e.g. TU-HUE")->required();
        auto* list = group->add_subcommand("list", "List portals");
        for (auto* c : {create, list}) commands.common(c);
        commands.Add(create, [this](platform::Platform& p) {
            Service svc(p.db, p.audit, p.clock, p.policy, p.units, p.calendars, p.events, {});
            auto r = svc.CreateComponentPortal(core::access::Principal::Operator(), unit_code_);
            if (!r) return platform::CommandFailed(r.error());
            platform::PrintJson(ToJson(r.value()));
            for (const auto& s : svc.Sections(r->id))
                std::cout << "  " << s.code << "\t" << s.name_vi << (s.mandatory ? "\t(bắt buộc)" : "") << "\n";
            return 0;
        });
        commands.Add(list, [](platform::Platform& p) {
            Service svc(p.db, p.audit, p.clock, p.policy, p.units, p.calendars, p.events, {});
            for (const auto& pt : svc.ListPortals()) {
                std::cout << pt.code << "\t" << pt.kind << "\t" << (pt.host.empty() ? pt.path_prefix : pt.host) << "\t"
                          << pt.name_vi << "\n";
            }
            return 0;
        });
    }

    void LoadDemo(platform::Platform& p) override {
        core::FakeClock past(p.clock.Now());
        auto dated = MakeService(p, past, false);
        portal::LoadDemo(*service_, *dated, past, media::ServiceOf(media_), p.clock, demo_corpus_);
    }

    boost::json::object OpenApi() const override {
        return platform::ParseOpenApiPart(embedded::PortalApi().front().content, Name());
    }

    Service* service() { return service_.get(); }

private:
    // The service with the module's settings, on `clock` (the demo loader's own moves back;
    // its items notify nobody).
    std::unique_ptr<Service> MakeService(platform::Platform& p, const core::Clock& clock, bool notify = true) {
        ServiceSettings settings;
        settings.sanitize = [](std::string_view html) { return core::html::SanitizeHtml(html); };
        settings.to_text = [](std::string_view html) { return core::html::HtmlToText(html); };
        settings.secrets = secrets_.get();
        auto* accounts = &p.auth;
        settings.holders = [accounts](core::db::Connection& c, core::access::Permission perm,
                                      const core::access::Scope& scope) { return accounts->HoldersOf(c, perm, scope); };
        settings.on_live = [this](core::db::Connection& c, const Item& it, const audit::Actor& actor) {
            SignDocumentFiles(c, it, actor);
        };
        if (notify) {
            settings.notify = [n = &p.notify](core::db::Connection& c, std::int64_t user, const std::string& title,
                                              const std::string& body, const std::string& link) {
                n->Create(c, user, "portal", title, body, link, false);
            };
        }
        return std::make_unique<Service>(p.db, p.audit, clock, p.policy, p.units, p.calendars, p.events,
                                         std::move(settings));
    }

    // P-30: every file of a published official document gets a SHA-256 digest and an Ed25519
    // signature by the portal's key ("portal:<code>") in the registry that /verify checks.
    // Registering again is a no-op, so updates only add files that are new.
    void SignDocumentFiles(core::db::Connection& c, const Item& it, const audit::Actor& actor) const {
        if (it.kind != "official_document" || !signatures_) return;
        const auto& files = media::ServiceOf(media_);
        for (const auto& ref : it.current.fields.media) {
            // A stored file's address: /media/<64 hex digits>.
            constexpr std::string_view kPrefix = "/media/";
            if (!ref.url.starts_with(kPrefix) || ref.url.size() != kPrefix.size() + 64) continue;
            const auto sha = ref.url.substr(kPrefix.size());
            if (!media::Store::IsDigest(sha)) continue;
            auto served = files.FindServed(sha);
            if (!served) continue;
            std::error_code ec;
            const auto size = std::filesystem::file_size(files.Files().PathOf(sha), ec);
            if (ec) continue;
            auto r = signatures_->Register(c, actor,
                                           {.sha256 = sha,
                                            .size = static_cast<std::int64_t>(size),
                                            .filename = served->filename,
                                            .title = it.current.fields.title,
                                            .signer = "portal:" + it.portal,
                                            .owner_module = "portal",
                                            .owner_id = std::to_string(it.id)});
            if (!r) spdlog::warn("portal: file {} of item {} not signed: {}", sha, it.id, core::Text(r.error().message, "en"));
        }
    }

    const std::unique_ptr<core::SecretBox>& secrets_;  // built by src/app before Build
    const std::unique_ptr<signatures::Service>& signatures_;  // built by the signatures module
    const platform::Module& media_;
    bool demo_corpus_;
    const core::access::Policy* policy_ = nullptr;
    std::string unit_code_;  // `portal create --unit`
    std::unique_ptr<Service> service_;
    std::unique_ptr<Handlers> handlers_;

public:
    const Service* Built() const { return service_.get(); }
    Service* Writable() const { return service_.get(); }
};

}  // namespace

const Service& ServiceOf(const platform::Module& m) {
    const auto* portal = dynamic_cast<const PortalModule*>(&m);
    if (!portal || !portal->Built()) throw std::logic_error("portal::ServiceOf: not the built portal module");
    return *portal->Built();
}

Service& DraftingServiceOf(const platform::Module& m) {
    const auto* portal = dynamic_cast<const PortalModule*>(&m);
    if (!portal || !portal->Writable()) throw std::logic_error("portal::DraftingServiceOf: not the built portal module");
    return *portal->Writable();
}

std::unique_ptr<platform::Module> MakeModule(const std::unique_ptr<core::SecretBox>& secrets,
                                             const std::unique_ptr<signatures::Service>& signatures,
                                             const platform::Module& media, bool demo_corpus) {
    return std::make_unique<PortalModule>(secrets, signatures, media, demo_corpus);
}

}  // namespace vp::portal
