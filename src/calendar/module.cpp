#include "calendar/module.hpp"

#include <iostream>

#include <fmt/format.h>

#include "calendar/calendar.hpp"
#include "calendar/handlers.hpp"
#include "calendar/iso_time.hpp"

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
    void AddNavigation(auth::Web& web) const override {
        web.AddNav({"/admin/calendar", "nav_calendar", std::nullopt, 40});
    }
    boost::json::object OpenApi() const override {
        return platform::ParseOpenApiPart(embedded::CalendarApi().front().content, Name());
    }

    // vanphong calendar add|is-working|between|next|holidays.
    void AddCommands(CLI::App& cli, platform::Commands& commands) override {
        auto* cal = cli.add_subcommand("calendar", "Vietnamese working-time calendar (X-1)");
        cal->require_subcommand(1);
        auto* add = cal->add_subcommand("add", "Add working hours or days to an instant");
        add->add_option("--from", o_.from, "ISO-8601 instant with offset")->required();
        auto* o_hours = add->add_option("--working-hours", o_.hours, "Working hours to add (decimals allowed)");
        auto* o_days = add->add_option("--working-days", o_.days, "Working days to add");
        o_hours->excludes(o_days);
        auto* is = cal->add_subcommand("is-working", "Is the instant inside working time? (exit 0 yes, 1 no)");
        is->add_option("--at", o_.at)->required();
        auto* between = cal->add_subcommand("between", "Working time between two instants");
        between->add_option("--from", o_.from)->required();
        between->add_option("--to", o_.to)->required();
        auto* next = cal->add_subcommand("next", "Next working instant");
        next->add_option("--at", o_.at)->required();
        auto* holidays = cal->add_subcommand("holidays", "Days off of a year, one per line (YYYY-MM-DD)");
        holidays->add_option("year", o_.year)->required()->check(CLI::Range(1971, 2199));
        for (auto* c : {add, is, between, next, holidays}) {
            commands.common(c);
            c->add_option("--calendar", o_.code, "Calendar code")->capture_default_str();
        }

        // Each command runs on the calendar named by --calendar.
        auto on_calendar = [this](std::function<int(const Calendar&)> run) {
            return [this, run](platform::Platform& p) {
                auto c = p.calendars.Get(o_.code);
                return c ? run(c.value()) : platform::CommandFailed(c.error());
            };
        };
        commands.Add(holidays, on_calendar([this](const Calendar& calendar) {
                         for (auto d : DaysOff(calendar, o_.year)) std::cout << FormatIsoDate(d) << "\n";
                         return 0;
                     }));
        commands.Add(add, on_calendar([this](const Calendar& calendar) {
                         auto from = TryParseIso(o_.from);
                         if (!from) return platform::CommandFailed(from.error());
                         core::Result<core::TimePoint> r =
                             core::InvalidInput(core::Msg("calendar.cli_working_amount_missing"));
                         if (o_.hours >= 0) {
                             r = calendar.TryAddWorkingHours(
                                 from.value(), std::chrono::minutes(static_cast<long>(o_.hours * 60 + 0.5)));
                         } else if (o_.days >= 0) {
                             r = calendar.TryAddWorkingDays(from.value(), o_.days);
                         }
                         if (!r) return platform::CommandFailed(r.error());
                         std::cout << calendar.FormatIso(r.value()) << "\n";
                         return 0;
                     }));
        commands.Add(is, on_calendar([this](const Calendar& calendar) {
                         auto at = TryParseIso(o_.at);
                         if (!at) return platform::CommandFailed(at.error());
                         const bool w = calendar.IsWorkingTime(at.value());
                         std::cout << (w ? "yes" : "no") << "\n";
                         return w ? 0 : 1;
                     }));
        commands.Add(between, on_calendar([this](const Calendar& calendar) {
                         auto f = TryParseIso(o_.from), t = TryParseIso(o_.to);
                         if (!f) return platform::CommandFailed(f.error());
                         if (!t) return platform::CommandFailed(t.error());
                         auto r = calendar.TryWorkingTimeBetween(f.value(), t.value());
                         if (!r) return platform::CommandFailed(r.error());
                         std::cout << fmt::format("{}h{:02}m ({} minutes)\n", r->count() / 60,
                                                  std::abs(r->count() % 60), r->count());
                         return 0;
                     }));
        commands.Add(
            next, on_calendar([this](const Calendar& calendar) {
                auto at = TryParseIso(o_.at);
                if (!at) return platform::CommandFailed(at.error());
                auto r = calendar.FindNextWorkingInstant(at.value());
                if (!r) return platform::CommandFailed(core::InvalidInput(core::Msg("calendar.cli_no_working_time")));
                std::cout << calendar.FormatIso(*r) << "\n";
                return 0;
            }));
    }

private:
    struct Options {
        std::string from, to, at, code = "vn-office";
        double hours = -1;
        int days = -1, year = 0;
    } o_;                                        // the command line's options
    const std::unique_ptr<Service>& calendars_;  // built by src/app before Build
    std::unique_ptr<Handlers> h_;
};

}  // namespace

std::unique_ptr<platform::Module> MakeModule(const std::unique_ptr<Service>& calendars) {
    return std::make_unique<CalendarModule>(calendars);
}

}  // namespace vp::calendar
