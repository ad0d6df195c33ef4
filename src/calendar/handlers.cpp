#include "calendar/handlers.hpp"

#include <boost/json.hpp>
#include <set>
#include <variant>

#include "calendar/iso_time.hpp"
#include "calendar/json.hpp"
#include "core/text.hpp"

namespace vp::calendar {

namespace http = core::http;
namespace json = boost::json;
using auth::Principal;
using http::Request;
using http::Response;
using http::beast_http::status;

namespace {

constexpr int kFirstYear = 1900;
constexpr int kLastYear = 2199;
// Monday first, as the week is read (c_encoding: 0 = Sunday).
constexpr unsigned kWeekOrder[7] = {1, 2, 3, 4, 5, 6, 0};

// The calendar a form acts on: its "calendar" field, or the default.
std::string FormCalendar(const std::map<std::string, std::string>& form) {
    auto code = auth::FormField(form, "calendar");
    return code.empty() ? std::string(kDefaultCalendarCode) : code;
}

std::string CalendarParam(const Request& req) {
    auto code = req.QueryParam("calendar");
    return code && !code->empty() ? *code : std::string(kDefaultCalendarCode);
}

core::Result<int> ParseYear(std::string_view text) {
    const auto bad = core::InvalidField("year", core::Msg("calendar.year_invalid"));
    if (text.size() != 4) return bad;
    int year = 0;
    for (char c : text) {
        if (c < '0' || c > '9') return bad;
        year = year * 10 + (c - '0');
    }
    if (year < kFirstYear || year > kLastYear) return bad;
    return year;
}

core::Result<int> RequiredYear(const Request& req) {
    auto text = req.QueryParam("year");
    if (!text || text->empty()) return core::InvalidField("year", core::Msg("calendar.year_missing"));
    return ParseYear(*text);
}

core::Result<core::TimePoint> RequiredInstant(const Request& req, const char* name) {
    auto text = req.QueryParam(name);
    if (!text || text->empty()) {
        return core::InvalidField(name, core::Msg("calendar.instant_missing", {{"name", name}}));
    }
    // The API takes instants with an explicit offset only: an integration should never depend on
    // which zone the calendar happens to use.
    return TryParseInstant(*text, "");
}

// A non-negative decimal number of hours ("8", "1.5", "0,25") that is a whole number of minutes.
core::Result<std::chrono::minutes> ParseHoursAmount(std::string_view text) {
    const auto bad = core::InvalidField("working_hours", core::Msg("calendar.hours_amount_invalid"));
    std::int64_t whole = 0, frac = 0, scale = 1;
    std::size_t i = 0, int_digits = 0, frac_digits = 0;
    for (; i < text.size() && text[i] >= '0' && text[i] <= '9'; ++i, ++int_digits) {
        if (int_digits >= 6) return bad;  // beyond the 20-year search span anyway
        whole = whole * 10 + (text[i] - '0');
    }
    if (i < text.size() && (text[i] == '.' || text[i] == ',')) {
        for (++i; i < text.size() && text[i] >= '0' && text[i] <= '9'; ++i, ++frac_digits) {
            if (frac_digits >= 4) return bad;
            frac = frac * 10 + (text[i] - '0');
            scale *= 10;
        }
        if (frac_digits == 0) return bad;
    }
    if (int_digits == 0 || i != text.size()) return bad;
    if ((frac * 60) % scale != 0) return bad;
    return std::chrono::minutes{whole * 60 + frac * 60 / scale};
}

core::Result<int> ParseDaysAmount(std::string_view text) {
    const auto bad = core::InvalidField("working_days", core::Msg("calendar.days_amount_invalid"));
    if (text.empty() || text.size() > 5) return bad;
    int days = 0;
    for (char c : text) {
        if (c < '0' || c > '9') return bad;
        days = days * 10 + (c - '0');
    }
    if (days < 1) return bad;
    return days;
}

// The deadline after `amount` of working hours or `days` working days, exactly one of them given.
core::Result<core::TimePoint> AddAmount(const Calendar& cal, core::TimePoint from, const std::string& hours,
                                        const std::string& days) {
    if (!hours.empty() && !days.empty()) {
        return core::InvalidInput(core::Msg("calendar.amount_both"));
    }
    if (!hours.empty()) {
        auto amount = ParseHoursAmount(hours);
        if (!amount) return amount.error();
        return cal.TryAddWorkingHours(from, amount.value());
    }
    if (!days.empty()) {
        auto amount = ParseDaysAmount(days);
        if (!amount) return amount.error();
        return cal.TryAddWorkingDays(from, amount.value());
    }
    return core::InvalidInput(core::Msg("calendar.amount_missing"));
}

// Runs `f(calendar)` for a computing endpoint and answers its object, or the error as JSON.
template <class F>
Response Compute(const auth::Web& web, const Service& calendars, Request& req, F f) {
    auto g = web.RequireApi(req);
    if (auto* res = std::get_if<Response>(&g)) return std::move(*res);
    const std::string code = CalendarParam(req);
    auto cal = calendars.GetShared(code);
    if (!cal) return http::JsonError(req, cal.error());
    core::Result<json::object> out = f(*cal.value());
    if (!out) return http::JsonError(req, out.error());
    json::object body{{"calendar", code}};
    for (auto& [k, v] : out.value()) body[k] = std::move(v);
    return http::Json(req, body);
}

// For the management API: the audit actor, or the answer to send instead.
std::variant<audit::Actor, Response> RequireManager(const auth::Web& web, const auth::Service& auth, Request& req) {
    auto g = web.RequireApi(req);
    if (auto* res = std::get_if<Response>(&g)) return std::move(*res);
    auto actor = auth.Authorize(std::get<Principal>(g), kCalendarManage, core::access::Scope::Global());
    if (!actor) return http::JsonError(req, actor.error());
    return std::move(actor).value();
}

json::value MinutesAsHours(std::int64_t minutes) {
    if (minutes % 60 == 0) return json::value(minutes / 60);
    return json::value(static_cast<double>(minutes) / 60.0);
}

struct ExceptionInput {
    std::chrono::year_month_day date;
    DayKind kind = DayKind::kDayOff;
};

core::Result<ExceptionInput> ParseExceptionInput(std::string_view date_text, std::string_view kind_text) {
    const std::string date_trimmed = core::Trim(date_text);
    if (date_trimmed.empty()) return core::InvalidField("date", core::Msg("calendar.exception_date_missing"));
    auto date = ParseIsoDate(date_trimmed);
    if (!date) return core::InvalidField("date", core::Msg("calendar.date_invalid"));
    auto kind = ParseDayKind(core::Trim(kind_text));
    if (!kind) {
        return core::InvalidField("kind", core::Msg("calendar.exception_kind_invalid"));
    }
    return ExceptionInput{*date, *kind};
}

}  // namespace

// --- computing API ---

Response Handlers::IsWorkingTime(Request& req) {
    return Compute(web_, calendars_, req, [&](const Calendar& cal) -> core::Result<json::object> {
        auto at = RequiredInstant(req, "at");
        if (!at) return at.error();
        return json::object{{"at", cal.FormatIso(at.value())}, {"working", cal.IsWorkingTime(at.value())}};
    });
}

Response Handlers::Add(Request& req) {
    return Compute(web_, calendars_, req, [&](const Calendar& cal) -> core::Result<json::object> {
        auto from = RequiredInstant(req, "from");
        if (!from) return from.error();
        auto result = AddAmount(cal, from.value(), req.QueryParam("working_hours").value_or(""),
                                req.QueryParam("working_days").value_or(""));
        if (!result) return result.error();
        return json::object{{"from", cal.FormatIso(from.value())}, {"result", cal.FormatIso(result.value())}};
    });
}

Response Handlers::Between(Request& req) {
    return Compute(web_, calendars_, req, [&](const Calendar& cal) -> core::Result<json::object> {
        auto from = RequiredInstant(req, "from");
        if (!from) return from.error();
        auto to = RequiredInstant(req, "to");
        if (!to) return to.error();
        auto minutes = cal.TryWorkingTimeBetween(from.value(), to.value());
        if (!minutes) return minutes.error();
        return json::object{{"from", cal.FormatIso(from.value())},
                            {"to", cal.FormatIso(to.value())},
                            {"minutes", minutes->count()},
                            {"hours", MinutesAsHours(minutes->count())}};
    });
}

Response Handlers::NextWorking(Request& req) {
    return Compute(web_, calendars_, req, [&](const Calendar& cal) -> core::Result<json::object> {
        auto at = RequiredInstant(req, "at");
        if (!at) return at.error();
        auto next = cal.FindNextWorkingInstant(at.value());
        return json::object{{"at", cal.FormatIso(at.value())},
                            {"result", next ? json::value(cal.FormatIso(*next)) : json::value(nullptr)}};
    });
}

Response Handlers::Holidays(Request& req) {
    return Compute(web_, calendars_, req, [&](const Calendar& cal) -> core::Result<json::object> {
        auto year = RequiredYear(req);
        if (!year) return year.error();
        json::array days;
        for (const auto& d : cal.SpecialDays(year.value())) {
            if (d.kind != DayKind::kDayOff) continue;
            days.push_back(json::object{{"date", FormatIsoDate(d.date)},
                                        {"name_vi", d.name_vi},
                                        {"name_en", d.name_en},
                                        {"source", DaySourceName(d.source)}});
        }
        return json::object{{"year", year.value()}, {"days", std::move(days)}};
    });
}

Response Handlers::Days(Request& req) {
    return Compute(web_, calendars_, req, [&](const Calendar& cal) -> core::Result<json::object> {
        auto year = RequiredYear(req);
        if (!year) return year.error();
        json::array days;
        for (const auto& d : cal.SpecialDays(year.value())) days.push_back(ToJson(d));
        return json::object{{"year", year.value()}, {"days", std::move(days)}};
    });
}

// --- management API ---

Response Handlers::ListCalendars(Request& req) {
    auto m = RequireManager(web_, auth_, req);
    if (auto* res = std::get_if<Response>(&m)) return std::move(*res);
    json::array list;
    for (const auto& c : calendars_.List()) list.push_back(ToJson(c));
    return http::Json(req, json::object{{"calendars", std::move(list)}});
}

Response Handlers::ShowCalendar(Request& req) {
    auto m = RequireManager(web_, auth_, req);
    if (auto* res = std::get_if<Response>(&m)) return std::move(*res);
    const auto& code = req.path_params["code"];
    auto c = calendars_.Find(code);
    if (!c) return http::JsonError(req, core::NotFound(core::Msg("calendar.not_found")));
    auto body = ToJson(*c);
    json::array exceptions;
    for (const auto& e : calendars_.Exceptions(code)) exceptions.push_back(ToJson(e));
    body["exceptions"] = std::move(exceptions);
    return http::Json(req, body);
}

Response Handlers::CreateCalendar(Request& req) {
    auto m = RequireManager(web_, auth_, req);
    if (auto* res = std::get_if<Response>(&m)) return std::move(*res);
    auto body = auth::JsonBody(req);
    if (!body) return http::JsonError(req, body.error());
    const auto* weekly_json = body->if_contains("weekly");
    if (!weekly_json) return http::JsonError(req, core::InvalidField("weekly", core::Msg("calendar.weekly_missing")));
    auto weekly = TryParseWeekly(*weekly_json);
    if (!weekly) return http::JsonError(req, weekly.error());
    auto r = calendars_.Create(std::get<audit::Actor>(m), auth::JsonText(*body, "code"), auth::JsonText(*body, "name"),
                               auth::JsonText(*body, "time_zone"), std::move(weekly).value());
    if (!r) return http::JsonError(req, r.error());
    return http::Json(req, ToJson(r.value()), status::created);
}

Response Handlers::UpdateWeekly(Request& req) {
    auto m = RequireManager(web_, auth_, req);
    if (auto* res = std::get_if<Response>(&m)) return std::move(*res);
    const auto& code = req.path_params["code"];
    auto body = auth::JsonBody(req);
    if (!body) return http::JsonError(req, body.error());
    const auto* weekly_json = body->if_contains("weekly");
    if (!weekly_json) return http::JsonError(req, core::InvalidField("weekly", core::Msg("calendar.weekly_missing")));
    auto weekly = TryParseWeekly(*weekly_json);
    if (!weekly) return http::JsonError(req, weekly.error());
    std::string zone = auth::JsonText(*body, "time_zone");
    if (!body->contains("time_zone")) {
        // Omitted: keep the calendar's zone.
        auto current = calendars_.Find(code);
        if (!current) return http::JsonError(req, core::NotFound(core::Msg("calendar.not_found")));
        zone = current->time_zone;
    }
    auto r = calendars_.UpdateWeekly(std::get<audit::Actor>(m), code, zone, std::move(weekly).value());
    if (!r) return http::JsonError(req, r.error());
    return http::Json(req, ToJson(r.value()));
}

Response Handlers::AddException(Request& req) {
    auto m = RequireManager(web_, auth_, req);
    if (auto* res = std::get_if<Response>(&m)) return std::move(*res);
    auto body = auth::JsonBody(req);
    if (!body) return http::JsonError(req, body.error());
    auto input = ParseExceptionInput(auth::JsonText(*body, "date"), auth::JsonText(*body, "kind"));
    if (!input) return http::JsonError(req, input.error());
    std::vector<Interval> hours;
    if (const auto* h = body->if_contains("hours"); h && !h->is_null()) {
        auto parsed = TryParseHours(*h);
        if (!parsed) return http::JsonError(req, parsed.error());
        hours = std::move(parsed).value();
    }
    auto r = calendars_.AddException(std::get<audit::Actor>(m), req.path_params["code"], input->date, input->kind,
                                     std::move(hours), auth::JsonText(*body, "note"));
    if (!r) return http::JsonError(req, r.error());
    return http::Json(req, ToJson(r.value()), status::created);
}

Response Handlers::RemoveException(Request& req) {
    auto m = RequireManager(web_, auth_, req);
    if (auto* res = std::get_if<Response>(&m)) return std::move(*res);
    auto id = auth::ParseId(req.path_params["id"]);
    if (!id) return http::JsonError(req, core::NotFound(core::Msg("calendar.exception_not_found")));
    auto r = calendars_.RemoveException(std::get<audit::Actor>(m), req.path_params["code"], *id);
    if (!r) return http::JsonError(req, r.error());
    return http::Json(req, ToJson(r.value()));
}

Response Handlers::ListYears(Request& req) {
    auto m = RequireManager(web_, auth_, req);
    if (auto* res = std::get_if<Response>(&m)) return std::move(*res);
    json::array years;
    for (const auto& y : calendars_.Years()) years.push_back(ToJson(y, true));
    return http::Json(req, json::object{{"years", std::move(years)}});
}

Response Handlers::AddYear(Request& req) {
    auto m = RequireManager(web_, auth_, req);
    if (auto* res = std::get_if<Response>(&m)) return std::move(*res);
    auto r = calendars_.AddYear(std::get<audit::Actor>(m), req.raw.body());
    if (!r) return http::JsonError(req, r.error());
    return http::Json(req, ToJson(r.value(), true), status::created);
}

Response Handlers::PreviewYear(Request& req) {
    auto m = RequireManager(web_, auth_, req);
    if (auto* res = std::get_if<Response>(&m)) return std::move(*res);
    auto r = calendars_.PreviewYear(req.raw.body());
    if (!r) return http::JsonError(req, r.error());
    return http::Json(req, ToJson(r.value()));
}

// --- admin page ---

namespace {

// "23/02/2026 11:00" from "2026-02-23T11:00:00+07:00" (FormatIso's fixed layout), plus the
// offset when it is not Vietnam's.
std::string LocalText(const std::string& iso) {
    if (iso.size() < 22) return iso;
    std::string out = iso.substr(8, 2) + "/" + iso.substr(5, 2) + "/" + iso.substr(0, 4) + " " + iso.substr(11, 5);
    const std::string offset = iso.substr(iso.size() - 6);
    if (offset != "+07:00") out += " (" + offset + ")";
    return out;
}

std::string DateText(std::chrono::year_month_day d) {
    const std::string iso = FormatIsoDate(d);
    return iso.substr(8, 2) + "/" + iso.substr(5, 2) + "/" + iso.substr(0, 4);
}

std::string AdminUrl(const std::string& code, std::optional<int> year, std::string_view ok) {
    std::string url = "/admin/calendar?calendar=" + http::PercentEncode(code);
    if (year) url += "&year=" + std::to_string(*year);
    if (!ok.empty()) url += "&ok=" + std::string(ok);
    return url;
}

}  // namespace

Response Handlers::AdminPage(Request& req) {
    auto g = web_.RequirePage(req);
    if (auto* res = std::get_if<Response>(&g)) return std::move(*res);
    auto& p = std::get<Principal>(g);
    const auto lang = req.Lang();
    const auto& templates = web_.Templates();
    const auto t = [&](const std::string& key) { return templates.T(lang, key); };
    const bool can_manage = auth_.Authorize(p, kCalendarManage, core::access::Scope::Global()).ok();

    const std::string code = CalendarParam(req);
    auto record = calendars_.Find(code);
    if (!record) return web_.Fail(req, &p, core::NotFound(core::Msg("calendar.not_found")));
    auto cal = calendars_.GetShared(code);
    if (!cal) return web_.Fail(req, &p, cal.error());
    const Calendar& calendar = *cal.value();

    const auto today = calendars_.Today(record->time_zone);
    int year = static_cast<int>(today.year());
    if (auto y = req.QueryParam("year"); y && !y->empty()) {
        auto parsed = ParseYear(*y);
        if (!parsed) return web_.Fail(req, &p, parsed.error());
        year = parsed.value();
    }

    const auto all = calendars_.List();
    json::array calendars;
    for (const auto& c : all) {
        calendars.push_back(json::object{{"code", c.code}, {"name", c.name}, {"selected", c.code == code}});
    }
    json::array weekly;
    for (unsigned d : kWeekOrder) {
        weekly.push_back(json::object{{"day", t("calendar_weekday_" + std::string(WeekdayKey(d)))},
                                      {"hours", HoursText(record->weekly[d])},
                                      {"off", record->weekly[d].empty()}});
    }
    json::array days;
    for (const auto& d : calendar.SpecialDays(year)) {
        const auto wd = std::chrono::weekday{std::chrono::sys_days{d.date}}.c_encoding();
        days.push_back(json::object{{"date", DateText(d.date)},
                                    {"weekday", t("calendar_weekday_" + std::string(WeekdayKey(wd)))},
                                    {"kind", t("calendar_kind_" + std::string(DayKindName(d.kind)))},
                                    {"off", d.kind == DayKind::kDayOff},
                                    {"hours", HoursText(d.hours)},
                                    {"source", t("calendar_source_" + std::string(DaySourceName(d.source)))},
                                    {"name", lang == "en" && !d.name_en.empty() ? d.name_en : d.name_vi}});
    }
    json::array active, removed;
    for (const auto& e : calendars_.Exceptions(code)) {
        json::object row{{"id", e.id},
                         {"date", DateText(e.date)},
                         {"year", static_cast<int>(e.date.year())},
                         {"kind", t("calendar_kind_" + std::string(DayKindName(e.kind)))},
                         {"hours", HoursText(e.hours)},
                         // Mustache has no comparisons: say in a flag that empty hours mean Monday's.
                         {"monday_hours", e.kind == DayKind::kWorkingDay && e.hours.empty()},
                         {"note", e.note},
                         {"created_at", LocalText(FormatVietnamTime(e.created_at))},
                         {"created_by", e.created_by}};
        if (e.removed_at) {
            row["removed_at"] = LocalText(FormatVietnamTime(*e.removed_at));
            row["removed_by"] = e.removed_by;
            removed.push_back(std::move(row));
        } else {
            active.push_back(std::move(row));
        }
    }
    json::array years;
    for (const auto& y : calendars_.Years()) {
        json::object row{{"year", y.year},
                         {"origin", t("calendar_origin_" + std::string(YearOriginName(y.origin)))},
                         {"source", y.schedule.source},
                         {"days_off", y.schedule.days_off.size()},
                         {"working_days", y.schedule.working_days.size()},
                         {"replaces_shipped", y.replaces_shipped}};
        if (y.origin == YearOrigin::kAdministrator) {
            row["added_at"] = LocalText(FormatVietnamTime(y.added_at));
            row["added_by"] = y.added_by;
        }
        years.push_back(std::move(row));
    }
    json::array kinds;
    for (DayKind k : {DayKind::kDayOff, DayKind::kWorkingDay, DayKind::kShortenedDay}) {
        kinds.push_back(
            json::object{{"value", DayKindName(k)}, {"label", t("calendar_kind_" + std::string(DayKindName(k)))}});
    }

    json::object data{{"calendar", ToJson(*record)},
                      {"calendars", std::move(calendars)},
                      {"many_calendars", all.size() > 1},
                      {"weekly", std::move(weekly)},
                      {"year", year},
                      {"prev_year", year - 1},
                      {"next_year", year + 1},
                      {"days", std::move(days)},
                      {"active", std::move(active)},
                      {"has_removed", !removed.empty()},
                      {"removed", std::move(removed)},
                      {"years", std::move(years)},
                      {"kinds", std::move(kinds)},
                      {"today", FormatIsoDate(today)},
                      {"can_manage", can_manage}};

    // "Try it": the deadline after some working time, computed on the page (GET, no change).
    const std::string from = req.QueryParam("from").value_or("");
    const std::string hours = req.QueryParam("hours").value_or("");
    const std::string day_count = req.QueryParam("days").value_or("");
    data["try_from"] = from;
    data["try_hours"] = hours;
    data["try_days"] = day_count;
    if (!from.empty() || !hours.empty() || !day_count.empty()) {
        auto start = from.empty()
                         ? core::Result<core::TimePoint>(core::InvalidField("from", core::Msg("calendar.from_missing")))
                         : TryParseInstant(from, record->time_zone);
        core::Result<core::TimePoint> result =
            start ? AddAmount(calendar, start.value(), hours, day_count) : core::Result<core::TimePoint>(start.error());
        if (result) {
            const std::string iso = calendar.FormatIso(result.value());
            data["try_result"] = json::object{
                {"from", LocalText(calendar.FormatIso(start.value()))}, {"local", LocalText(iso)}, {"iso", iso}};
        } else {
            data["try_error"] = core::Text(result.error().message, lang);
        }
    }

    if (auto ok = req.QueryParam("ok")) {
        static const std::set<std::string, std::less<>> kOk = {"exception_added", "exception_removed", "year_added"};
        if (kOk.contains(*ok)) data["ok_" + *ok] = true;
    }
    return web_.Page(req, &p, "calendar/admin", std::move(data), "calendar_title");
}

namespace {
// A change from the admin page: kCalendarManage, the form and the calendar it names. The
// action returns the page to go back to, or the error to show.
template <class F>
Response AdminChange(auth::Web& web, Request& req, F action) {
    auto allowed = web.RequirePagePermission(req, kCalendarManage, core::access::Scope::Global());
    if (auto* res = std::get_if<Response>(&allowed)) return std::move(*res);
    auto& [p, actor] = std::get<auth::Web::Allowed>(allowed);
    const auto form = req.Form();
    core::Result<std::string> back = action(actor, form, FormCalendar(form));
    if (!back) return web.Fail(req, &p, back.error());
    return http::Redirect(req, back.value());
}
}  // namespace

Response Handlers::AdminAddException(Request& req) {
    return AdminChange(
        web_, req,
        [&](const audit::Actor& actor, const auto& form, const std::string& code) -> core::Result<std::string> {
            auto input = ParseExceptionInput(auth::FormField(form, "date"), auth::FormField(form, "kind"));
            if (!input) return input.error();
            auto hours = TryParseHoursText(auth::FormField(form, "hours"));
            if (!hours) return hours.error();
            auto r = calendars_.AddException(actor, code, input->date, input->kind, std::move(hours).value(),
                                             auth::FormField(form, "note"));
            if (!r) return r.error();
            return AdminUrl(code, static_cast<int>(input->date.year()), "exception_added");
        });
}

Response Handlers::AdminRemoveException(Request& req) {
    return AdminChange(
        web_, req, [&](const audit::Actor& actor, const auto&, const std::string& code) -> core::Result<std::string> {
            auto id = auth::ParseId(req.path_params["id"]);
            if (!id) return core::NotFound(core::Msg("calendar.exception_not_found"));
            auto r = calendars_.RemoveException(actor, code, *id);
            if (!r) return r.error();
            return AdminUrl(code, static_cast<int>(r->date.year()), "exception_removed");
        });
}

Response Handlers::AdminAddYear(Request& req) {
    return AdminChange(
        web_, req,
        [&](const audit::Actor& actor, const auto& form, const std::string& code) -> core::Result<std::string> {
            auto r = calendars_.AddYear(actor, auth::FormField(form, "schedule"));
            if (!r) return r.error();
            return AdminUrl(code, r->year, "year_added");
        });
}

Response Handlers::AdminPreviewYear(Request& req) {
    auto allowed = web_.RequirePagePermission(req, kCalendarManage, core::access::Scope::Global());
    if (auto* res = std::get_if<Response>(&allowed)) return std::move(*res);
    auto& p = std::get<auth::Web::Allowed>(allowed).who;
    const auto form = req.Form();
    const std::string code = FormCalendar(form);
    const std::string text = auth::FormField(form, "schedule");
    const auto lang = req.Lang();
    const auto t = [&](const std::string& key) { return web_.Templates().T(lang, key); };

    json::object data{{"calendar_code", code}, {"schedule", text}};
    auto preview = calendars_.PreviewYear(text);
    if (!preview) {
        // Shown with the text to correct, not as an error page: nothing was lost.
        data["error"] = core::Text(preview.error().message, lang);
        return web_.Page(req, &p, "calendar/year_preview", std::move(data), "calendar_preview_title",
                         status::bad_request);
    }
    auto body = ToJson(preview.value());
    json::array days;
    for (const auto& d : preview->days) {
        const auto wd = std::chrono::weekday{std::chrono::sys_days{d.date}}.c_encoding();
        const std::string origin(MergedOriginName(d.origin));
        std::string holiday = d.holiday;
        if (IsKnownHolidayKey(d.holiday)) holiday = t("calendar_holiday_" + d.holiday);
        days.push_back(json::object{{"date", DateText(d.date)},
                                    {"iso", FormatIsoDate(d.date)},
                                    {"weekday", t("calendar_weekday_" + std::string(WeekdayKey(wd)))},
                                    {"kind", t(d.working_day ? "calendar_kind_working_day" : "calendar_kind_day_off")},
                                    {"off", !d.working_day},
                                    {"replaced", d.origin == MergedOrigin::kReplaced},
                                    {"holiday", holiday},
                                    {"name", lang == "en" && !d.name_en.empty() ? d.name_en : d.name_vi},
                                    {"origin_key", origin},
                                    {"origin", t("calendar_merged_" + origin)}});
    }
    json::object shown{
        {"year", preview->schedule.year}, {"source", preview->schedule.source},   {"note", preview->schedule.note},
        {"days_off", body["days_off"]},   {"working_days", body["working_days"]}, {"replaced", body["replaced"]},
        {"days", std::move(days)}};
    if (const auto& current = preview->current) {
        json::object replaces{{"year", current->year},
                              {"origin", t("calendar_origin_" + std::string(YearOriginName(current->origin)))},
                              {"source", current->schedule.source}};
        if (current->origin == YearOrigin::kAdministrator) {
            replaces["added_at"] = LocalText(FormatVietnamTime(current->added_at));
            replaces["added_by"] = current->added_by;
        }
        shown["replaces"] = std::move(replaces);
    }
    data["preview"] = std::move(shown);
    return web_.Page(req, &p, "calendar/year_preview", std::move(data), "calendar_preview_title");
}

}  // namespace vp::calendar
