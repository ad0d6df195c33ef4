#include "audit/module.hpp"

#include "audit/handlers.hpp"

namespace vp::embedded {
std::span<const vp::core::EmbeddedFile> AuditApi();
}

namespace vp::audit {
namespace {

using core::http::beast_http::verb;
using platform::Bind;

class AuditModule final : public platform::Module {
public:
    std::string_view Name() const override { return "audit"; }
    void DeclareAccess(core::access::Policy& policy) const override { audit::DeclareAccess(policy); }
    void Build(platform::Platform& p) override { h_ = std::make_unique<Handlers>(p.web, p.auth, p.audit, p.db); }
    void AddRoutes(core::http::Router& r) override {
        auto* h = h_.get();
        r.Add(verb::get, "/admin/audit", Bind(h, &Handlers::Page), platform::RouteKinds::Page());
        r.Add(verb::get, "/api/v1/audit", Bind(h, &Handlers::ApiList));
        r.Add(verb::get, "/api/v1/audit/export.csv", Bind(h, &Handlers::ApiExportCsv));
        r.Add(verb::get, "/api/v1/audit/verify", Bind(h, &Handlers::ApiVerify));
    }
    void AddNavigation(auth::Web& web) const override { web.AddNav({"/admin/audit", "nav_audit", kAuditRead, 30}); }
    boost::json::object OpenApi() const override {
        return platform::ParseOpenApiPart(embedded::AuditApi().front().content, Name());
    }

private:
    std::unique_ptr<Handlers> h_;
};

}  // namespace

std::unique_ptr<platform::Module> MakeModule() { return std::make_unique<AuditModule>(); }

}  // namespace vp::audit
