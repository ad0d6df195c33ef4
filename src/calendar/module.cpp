#include "calendar/module.hpp"

#include "calendar/handlers.hpp"

namespace vp::embedded {
std::span<const vp::core::EmbeddedFile> CalendarApi();
}

namespace vp::calendar {
namespace {

using core::http::beast_http::verb;
using platform::Bind;

class CalendarModule final : public platform::Module {
public:
    explicit CalendarModule(const std::unique_ptr<Service>& calendars) : calendars_(calendars) {}
    std::string_view Name() const override { return "calendar"; }
    void DeclareAccess(core::access::Policy& policy) const override { calendar::DeclareAccess(policy); }
    void Build(platform::Platform& p) override { h_ = std::make_unique<Handlers>(p.web, p.auth, *calendars_); }
    void AddRoutes(core::http::Router& r) override {
        auto* h = h_.get();
        const auto page = platform::RouteKinds::Page();
        r.Add(verb::get, "/admin/calendar", Bind(h, &Handlers::AdminPage), page);
        r.Add(verb::post, "/admin/calendar/exceptions", Bind(h, &Handlers::AdminAddException), page);
        r.Add(verb::post, "/admin/calendar/exceptions/{id}/remove", Bind(h, &Handlers::AdminRemoveException), page);
        r.Add(verb::post, "/admin/calendar/years", Bind(h, &Handlers::AdminAddYear), page);
        r.Add(verb::post, "/admin/calendar/years/preview", Bind(h, &Handlers::AdminPreviewYear), page);
        r.Add(verb::get, "/api/v1/calendar/is-working-time", Bind(h, &Handlers::IsWorkingTime));
        r.Add(verb::get, "/api/v1/calendar/add", Bind(h, &Handlers::Add));
        r.Add(verb::get, "/api/v1/calendar/between", Bind(h, &Handlers::Between));
        r.Add(verb::get, "/api/v1/calendar/next-working", Bind(h, &Handlers::NextWorking));
        r.Add(verb::get, "/api/v1/calendar/holidays", Bind(h, &Handlers::Holidays));
        r.Add(verb::get, "/api/v1/calendar/days", Bind(h, &Handlers::Days));
        r.Add(verb::get, "/api/v1/calendar/years", Bind(h, &Handlers::ListYears));
        r.Add(verb::post, "/api/v1/calendar/years", Bind(h, &Handlers::AddYear));
        r.Add(verb::post, "/api/v1/calendar/years/preview", Bind(h, &Handlers::PreviewYear));
        r.Add(verb::get, "/api/v1/calendars", Bind(h, &Handlers::ListCalendars));
        r.Add(verb::post, "/api/v1/calendars", Bind(h, &Handlers::CreateCalendar));
        r.Add(verb::get, "/api/v1/calendars/{code}", Bind(h, &Handlers::ShowCalendar));
        r.Add(verb::put, "/api/v1/calendars/{code}/weekly", Bind(h, &Handlers::UpdateWeekly));
        r.Add(verb::post, "/api/v1/calendars/{code}/exceptions", Bind(h, &Handlers::AddException));
        r.Add(verb::post, "/api/v1/calendars/{code}/exceptions/{id}/remove", Bind(h, &Handlers::RemoveException));
    }
    void AddNavigation(auth::Web& web) const override { web.AddNav({"/admin/calendar", "nav_calendar", std::nullopt, 40}); }
    boost::json::object OpenApi() const override {
        return platform::ParseOpenApiPart(embedded::CalendarApi().front().content, Name());
    }

private:
    const std::unique_ptr<Service>& calendars_;  // built by src/app before Build
    std::unique_ptr<Handlers> h_;
};

}  // namespace

std::unique_ptr<platform::Module> MakeModule(const std::unique_ptr<Service>& calendars) {
    return std::make_unique<CalendarModule>(calendars);
}

}  // namespace vp::calendar
