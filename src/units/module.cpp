#include "units/module.hpp"

#include <iostream>

#include <fmt/format.h>

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

    // vanphong unit list|show|create|rename|merge|dissolve, as the operator.
    void AddCommands(CLI::App& cli, platform::Commands& commands) override {
        auto* unit = cli.add_subcommand("unit", "Units registry (ORG-1, ORG-2)");
        unit->require_subcommand(1);
        auto* list = unit->add_subcommand("list", "List units with names as of a date");
        list->add_option("--date", o_.date, "YYYY-MM-DD (default: today)");
        auto* show = unit->add_subcommand("show", "Show one unit and its name history");
        show->add_option("code", o_.code)->required();
        auto* create = unit->add_subcommand("create", "Create a unit");
        create->add_option("--code", o_.code)->required();
        create->add_option("--kind", o_.kind)->required();
        create->add_option("--name-vi", o_.vi)->required();
        create->add_option("--name-en", o_.en)->required();
        create->add_option("--short-name", o_.short_name);
        create->add_option("--parent", o_.parent, "Parent unit code");
        create->add_option("--from", o_.date, "Effective date YYYY-MM-DD");
        auto* rename = unit->add_subcommand("rename", "Rename a unit from a date (old records keep the old name)");
        rename->add_option("code", o_.code)->required();
        rename->add_option("--name-vi", o_.vi)->required();
        rename->add_option("--name-en", o_.en)->required();
        rename->add_option("--short-name", o_.short_name);
        rename->add_option("--effective", o_.date, "YYYY-MM-DD (default: today)");
        auto* merge = unit->add_subcommand("merge", "Merge a unit into another from a date");
        merge->add_option("code", o_.code)->required();
        merge->add_option("--into", o_.into)->required();
        merge->add_option("--effective", o_.date);
        auto* dissolve = unit->add_subcommand("dissolve", "Dissolve a unit from a date");
        dissolve->add_option("code", o_.code)->required();
        dissolve->add_option("--effective", o_.date);
        for (auto* c : {list, show, create, rename, merge, dissolve}) commands.common(c);

        const auto actor = core::access::Principal::Operator();
        auto by_code = [](Service& units, const std::string& code) -> core::Result<Unit> {
            auto u = units.FindByCode(code);
            if (!u) return core::NotFound(core::Msg("units.cli_unit_not_found", {{"code", code}}));
            return *u;
        };
        // Prints the unit a change left, or the refusal.
        auto print = [](const core::Result<Unit>& r) {
            if (r) platform::PrintJson(ToJson(r.value()));
            return platform::CommandResult(r);
        };
        commands.Add(list, [this](platform::Platform& p) {
            for (const auto& u : p.units.List(o_.date))
                std::cout << fmt::format("{}\t{}\t{}\t{}\n", u.code, u.kind, u.status, u.name_vi);
            return 0;
        });
        commands.Add(show, [this, by_code](platform::Platform& p) {
            auto u = by_code(p.units, o_.code);
            if (!u) return platform::CommandFailed(u.error());
            auto j = ToJson(u.value()).as_object();
            boost::json::array names;
            for (auto& n : p.units.NameHistory(u->id)) {
                names.push_back({{"name_vi", n.name_vi},
                                 {"name_en", n.name_en},
                                 {"valid_from", n.valid_from},
                                 {"valid_to", n.valid_to}});
            }
            j["names"] = names;
            platform::PrintJson(j);
            return 0;
        });
        commands.Add(create, [this, actor, by_code, print](platform::Platform& p) {
            std::int64_t parent = 0;
            if (!o_.parent.empty()) {
                auto pu = by_code(p.units, o_.parent);
                if (!pu) return platform::CommandFailed(pu.error());
                parent = pu->id;
            }
            return print(p.units.Create(actor, {.code = o_.code,
                                                .kind = o_.kind,
                                                .name_vi = o_.vi,
                                                .name_en = o_.en,
                                                .short_name = o_.short_name,
                                                .parent_id = parent,
                                                .valid_from = o_.date}));
        });
        commands.Add(rename, [this, actor, by_code, print](platform::Platform& p) {
            auto u = by_code(p.units, o_.code);
            if (!u) return platform::CommandFailed(u.error());
            return print(p.units.Rename(actor, u->id, o_.vi, o_.en, o_.short_name, o_.date));
        });
        commands.Add(merge, [this, actor, by_code, print](platform::Platform& p) {
            auto u = by_code(p.units, o_.code);
            if (!u) return platform::CommandFailed(u.error());
            auto into = by_code(p.units, o_.into);
            if (!into) return platform::CommandFailed(into.error());
            return print(p.units.Merge(actor, u->id, into->id, o_.date));
        });
        commands.Add(dissolve, [this, actor, by_code, print](platform::Platform& p) {
            auto u = by_code(p.units, o_.code);
            if (!u) return platform::CommandFailed(u.error());
            return print(p.units.Dissolve(actor, u->id, o_.date));
        });
    }

private:
    struct Options {
        std::string code, kind, vi, en, short_name, parent, into, date;
    } o_;  // the command line's options
    std::unique_ptr<Handlers> h_;
};

}  // namespace

std::unique_ptr<platform::Module> MakeModule() { return std::make_unique<UnitsModule>(); }

}  // namespace vp::units
