#include "units/module.hpp"

#include "units/handlers.hpp"

namespace vp::embedded {
std::span<const vp::core::EmbeddedFile> UnitsApi();
}

namespace vp::units {
namespace {

using core::http::beast_http::verb;
using platform::Bind;
using platform::RouteKinds;

class UnitsModule final : public platform::Module {
public:
    std::string_view Name() const override { return "units"; }
    void DeclareAccess(core::access::Policy& policy) const override { units::DeclareAccess(policy); }
    void Build(platform::Platform& p) override { h_ = std::make_unique<Handlers>(p.web, p.auth, p.units); }
    void AddRoutes(core::http::Router& r) override {
        auto* h = h_.get();
        const auto page = RouteKinds::Page();
        r.Add(verb::get, "/admin/units", Bind(h, &Handlers::Tree), page);
        r.Add(verb::post, "/admin/units", Bind(h, &Handlers::Create), page);
        r.Add(verb::get, "/admin/units/{id}", Bind(h, &Handlers::Show), page);
        r.Add(verb::post, "/admin/units/{id}/rename", Bind(h, &Handlers::Rename), page);
        r.Add(verb::post, "/admin/units/{id}/merge", Bind(h, &Handlers::Merge), page);
        r.Add(verb::post, "/admin/units/{id}/dissolve", Bind(h, &Handlers::Dissolve), page);
        r.Add(verb::get, "/api/v1/units", Bind(h, &Handlers::ApiList));
        r.Add(verb::post, "/api/v1/units", Bind(h, &Handlers::ApiCreate));
        r.Add(verb::get, "/api/v1/units/{id}", Bind(h, &Handlers::ApiShow));
        r.Add(verb::post, "/api/v1/units/{id}/rename", Bind(h, &Handlers::ApiRename));
        r.Add(verb::post, "/api/v1/units/{id}/merge", Bind(h, &Handlers::ApiMerge));
        r.Add(verb::post, "/api/v1/units/{id}/dissolve", Bind(h, &Handlers::ApiDissolve));
    }
    void AddNavigation(auth::Web& web) const override { web.AddNav({"/admin/units", "nav_units", kUnitView, 10}); }
    boost::json::object OpenApi() const override {
        return platform::ParseOpenApiPart(embedded::UnitsApi().front().content, Name());
    }

private:
    std::unique_ptr<Handlers> h_;
};

}  // namespace

std::unique_ptr<platform::Module> MakeModule() { return std::make_unique<UnitsModule>(); }

}  // namespace vp::units
