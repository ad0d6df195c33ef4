#pragma once

#include "auth/web.hpp"
#include "calendar/service.hpp"

namespace vp::calendar {

/// Changing the working-time calendar: national (a grant on the Central Party Office).
inline constexpr core::access::Permission kCalendarManage{"calendar.manage"};
inline void DeclareAccess(core::access::Policy& policy) {
    policy.Allow(kCalendarManage, {"task_office", "system_admin"});
}

/// @brief HTTP adapter for working-time calendars: the computing API for every signed-in
/// caller, the management API (calendar.manage) and the admin page.
///
/// Instants in query strings are RFC 3339 with an offset ("2026-02-23T11:00:00+07:00"; an
/// unencoded '+' that arrives as a space is accepted). Every endpoint takes `calendar=<code>`
/// (default "vn-office"). Bad or missing parameters give a 400 JSON error with a message in the reader's language.
class Handlers {
public:
    Handlers(auth::Web& web, auth::Service& auth, Service& calendars) : web_(web), auth_(auth), calendars_(calendars) {}

    // --- computing API, any signed-in user or API token ---
    /// GET /api/v1/calendar/is-working-time?at=ISO → {"calendar","at","working"}
    core::http::Response IsWorkingTime(core::http::Request& req);
    /// GET /api/v1/calendar/add?from=ISO&working_hours=N (decimal, whole minutes) or &working_days=N
    /// → {"calendar","from","result"}
    core::http::Response Add(core::http::Request& req);
    /// GET /api/v1/calendar/between?from=ISO&to=ISO → {"calendar","minutes","hours"}
    core::http::Response Between(core::http::Request& req);
    /// GET /api/v1/calendar/next-working?at=ISO → {"calendar","at","result"} (null when none within 20 years)
    core::http::Response NextWorking(core::http::Request& req);
    /// GET /api/v1/calendar/holidays?year=YYYY → {"calendar","year","days":[{"date","name_vi","name_en","source"}]}
    core::http::Response Holidays(core::http::Request& req);
    /// GET /api/v1/calendar/days?year=YYYY → every day that differs from the weekly pattern, with
    /// its kind and hours.
    core::http::Response Days(core::http::Request& req);

    // --- management API, calendar.manage ---
    core::http::Response ListCalendars(core::http::Request& req);    ///< GET /api/v1/calendars
    core::http::Response ShowCalendar(core::http::Request& req);     ///< GET /api/v1/calendars/{code}
    core::http::Response CreateCalendar(core::http::Request& req);   ///< POST /api/v1/calendars
    core::http::Response UpdateWeekly(core::http::Request& req);     ///< PUT /api/v1/calendars/{code}/weekly
    core::http::Response AddException(core::http::Request& req);     ///< POST /api/v1/calendars/{code}/exceptions
    core::http::Response RemoveException(core::http::Request& req);  ///< POST .../exceptions/{id}/remove
    core::http::Response ListYears(core::http::Request& req);        ///< GET /api/v1/calendar/years
    core::http::Response AddYear(core::http::Request& req);          ///< POST /api/v1/calendar/years
    /// POST /api/v1/calendar/years/preview: the body of POST /api/v1/calendar/years; changes
    /// nothing; answers the year as it would be (ToJson(YearPreview): every day marked computed,
    /// official or replaced). Same permission and the same 400s as saving.
    core::http::Response PreviewYear(core::http::Request& req);

    // --- admin page (viewing: any signed-in user; changes: kCalendarManage) ---
    /// GET /admin/calendar[?calendar=code][&year=YYYY][&from=...&hours=N|&days=N]
    core::http::Response AdminPage(core::http::Request& req);
    core::http::Response AdminAddException(core::http::Request& req);  ///< POST /admin/calendar/exceptions
    core::http::Response AdminRemoveException(
        core::http::Request& req);                                ///< POST /admin/calendar/exceptions/{id}/remove
    core::http::Response AdminAddYear(core::http::Request& req);  ///< POST /admin/calendar/years
    /// POST /admin/calendar/years/preview (form: calendar, schedule): the year as it will be, with a
    /// save form carrying the same fields (to /admin/calendar/years) and the text to edit again.
    /// Server-rendered; changes nothing. kCalendarManage, as saving.
    core::http::Response AdminPreviewYear(core::http::Request& req);

private:
    auth::Web& web_;
    auth::Service& auth_;
    Service& calendars_;
};

}  // namespace vp::calendar
