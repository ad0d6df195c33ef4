#include "calendar/service.hpp"

#include <date/tz.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <boost/json.hpp>
#include <cstdio>
#include <set>

#include "calendar/iso_time.hpp"
#include "calendar/json.hpp"
#include "core/text.hpp"

namespace vp::calendar {
namespace {

namespace json = boost::json;
using core::db::Connection;
using core::db::Value;

constexpr std::string_view kDefaultName = "Giờ hành chính Việt Nam";
constexpr std::string_view kDefaultZone = "Asia/Ho_Chi_Minh";
constexpr std::size_t kMaxYearJson = 256 * 1024;
constexpr int kFirstExceptionYear = 1900;
constexpr int kLastExceptionYear = 2199;
// How stale a cached calendar may be when another node changed the data.
constexpr std::chrono::seconds kVersionCheckInterval{1};

// Every change increments the version first: on PostgreSQL the row lock queues calendar writers,
// so each one validates against the data the previous one committed.
constexpr std::string_view kBumpVersion = "UPDATE calendar_state SET version = version + 1 WHERE id = 1";
constexpr std::string_view kSelectVersion = "SELECT version FROM calendar_state WHERE id = 1";
constexpr std::string_view kSelectCalendars =
    "SELECT id, code, name, time_zone, weekly_json, created_at, updated_at FROM calendars";
constexpr std::string_view kSelectExceptions =
    "SELECT e.id, c.code, e.day, e.kind, e.hours_json, e.note, e.created_at, e.created_by_name, e.removed_at,"
    " e.removed_by_name FROM calendar_exceptions e JOIN calendars c ON c.id = e.calendar_id";
// Newest row first within a year: the first one that parses is the year's schedule.
constexpr std::string_view kSelectYears =
    "SELECT id, year, schedule_json, created_at, created_by_name FROM calendar_years ORDER BY year, id DESC";

std::string DateVi(std::chrono::year_month_day d) {
    char buf[16];
    std::snprintf(buf, sizeof buf, "%02u/%02u/%04d", static_cast<unsigned>(d.day()), static_cast<unsigned>(d.month()),
                  static_cast<int>(d.year()));
    return buf;
}

Value UserId(const audit::Actor& actor) { return actor.user_id ? Value(actor.user_id) : Value(); }

// --- reading rows (stored data was validated on the way in; a row that no longer parses was
// edited by hand, which is an infrastructure fault rather than a user's mistake) ---

CalendarRecord CalendarFromRow(const core::db::Row& r) {
    CalendarRecord c{.id = r.Int(0),
                     .code = r.Text(1),
                     .name = r.Text(2),
                     .time_zone = r.Text(3),
                     .created_at = r.Int(5),
                     .updated_at = r.Int(6)};
    boost::system::error_code ec;
    auto v = json::parse(r.Text(4), ec);
    auto weekly = ec ? core::Result<WeeklyHours>(core::InvalidInput(core::Msg("calendar.stored_json_invalid")))
                     : TryParseWeekly(v);
    if (!weekly) throw core::db::DbError("calendars.weekly_json of '" + c.code + "' is not valid");
    c.weekly = std::move(weekly).value();
    return c;
}

ExceptionRecord ExceptionFromRow(const core::db::Row& r) {
    ExceptionRecord e{.id = r.Int(0),
                      .calendar_code = r.Text(1),
                      .note = r.Text(5),
                      .created_at = r.Int(6),
                      .created_by = r.Text(7),
                      .removed_at = r.OptInt(8),
                      .removed_by = r.Text(9)};
    auto date = ParseIsoDate(r.Text(2));
    auto kind = ParseDayKind(r.Text(3));
    boost::system::error_code ec;
    auto v = json::parse(r.Text(4), ec);
    auto hours = ec ? core::Result<std::vector<Interval>>(core::InvalidInput(core::Msg("calendar.stored_json_invalid")))
                    : TryParseHours(v);
    if (!date || !kind || !hours) {
        throw core::db::DbError("calendar_exceptions row " + std::to_string(e.id) + " is not valid");
    }
    e.date = *date;
    e.kind = *kind;
    e.hours = std::move(hours).value();
    return e;
}

std::optional<CalendarRecord> LoadCalendar(Connection& c, std::string_view code) {
    auto row = c.QueryOne(std::string(kSelectCalendars) + " WHERE code = $1", {code});
    if (!row) return std::nullopt;
    return CalendarFromRow(*row);
}

std::vector<ExceptionRecord> LoadExceptions(Connection& c, std::string_view code, ExceptionFilter filter) {
    std::string sql = std::string(kSelectExceptions) + " WHERE c.code = $1";
    if (filter == ExceptionFilter::kActive) sql += " AND e.removed_at IS NULL";
    if (filter == ExceptionFilter::kRemoved) sql += " AND e.removed_at IS NOT NULL";
    sql += " ORDER BY e.day, e.id";
    std::vector<ExceptionRecord> out;
    for (const auto& row : c.Query(sql, {code})) out.push_back(ExceptionFromRow(row));
    return out;
}

// The schedule of every year: the newest administrator's row that parses, else the shipped file.
std::vector<YearRecord> EffectiveYears(Connection& c, const std::map<int, YearSchedule>& shipped) {
    std::map<int, YearRecord> years;
    for (const auto& [year, schedule] : shipped) {
        years[year] = YearRecord{.year = year, .origin = YearOrigin::kShipped, .schedule = schedule};
    }
    std::set<int> decided;
    for (const auto& row : c.Query(kSelectYears)) {
        const int year = static_cast<int>(row.Int(1));
        if (decided.contains(year)) continue;
        auto schedule = TryParseYearSchedule(row.Text(2));
        if (!schedule || schedule->year != year) {
            // Accepted once, refused now: a later release validates more strictly. Fall back to the
            // previous schedule of that year rather than stop computing deadlines.
            spdlog::warn("calendar_years row {} ({}) no longer parses; using an older schedule", row.Int(0), year);
            continue;
        }
        decided.insert(year);
        years[year] = YearRecord{.year = year,
                                 .origin = YearOrigin::kAdministrator,
                                 .id = row.Int(0),
                                 .added_at = row.Int(3),
                                 .added_by = row.Text(4),
                                 .replaces_shipped = shipped.contains(year),
                                 .schedule = std::move(schedule).value()};
    }
    std::vector<YearRecord> out;
    for (auto& [year, record] : years) out.push_back(std::move(record));
    return out;
}

core::Result<Calendar> Build(const CalendarRecord& record, const std::vector<ExceptionRecord>& active,
                             const std::vector<YearRecord>& years) {
    CalendarSpec spec{.time_zone = record.time_zone, .weekly = record.weekly};
    for (const auto& e : active) spec.exceptions.push_back({e.date, e.kind, e.hours, e.note});
    HolidaySettings holidays{.computed_holidays = true};
    for (const auto& y : years) holidays.schedules.push_back(y.schedule);
    return Calendar::TryCreate(std::move(spec), std::move(holidays));
}

// --- input checks: each returns InvalidInput with a message naming the problem ---

core::Status CheckCode(const std::string& code) {
    if (code.empty() || code.size() > 40) return core::InvalidField("code", core::Msg("calendar.code_length"));
    for (char ch : code) {
        const bool ok = (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '-' || ch == '_';
        if (!ok) return core::InvalidField("code", core::Msg("calendar.code_chars"));
    }
    return core::Ok{};
}

core::Status CheckName(const std::string& name) {
    if (name.empty()) return core::InvalidField("name", core::Msg("calendar.name_missing"));
    if (!core::IsValidUtf8(name)) return core::InvalidField("name", core::Msg("calendar.name_invalid_chars"));
    if (core::Utf8Length(name) > 200) return core::InvalidField("name", core::Msg("calendar.name_too_long"));
    return core::Ok{};
}

core::Status CheckZone(const std::string& zone) {
    if (zone.empty()) return core::InvalidField("time_zone", core::Msg("calendar.zone_missing"));
    if (zone.size() > 64 || !IsKnownTimeZone(zone)) {
        core::Error e = core::InvalidField("time_zone", core::Msg("calendar.zone_invalid"));
        e.detail = zone.substr(0, 64);
        return e;
    }
    return core::Ok{};
}

// Sorts `hours`, then checks each lies within 00:00–24:00 with start before end and none overlap.
// `where` names the day the hours are for ("Giờ làm việc Thứ Hai", "Ngoại lệ ngày 02/01/2026").
core::Status CheckHours(std::vector<Interval>& hours, const core::Message& where) {
    if (hours.size() > 24)
        return core::InvalidInput(core::WithPart(core::Msg("calendar.check_too_many"), "where", where));
    std::sort(hours.begin(), hours.end(), [](const Interval& a, const Interval& b) {
        return a.start_minute < b.start_minute || (a.start_minute == b.start_minute && a.end_minute < b.end_minute);
    });
    for (std::size_t i = 0; i < hours.size(); ++i) {
        const Interval& iv = hours[i];
        if (iv.start_minute < 0 || iv.end_minute > kMinutesPerDay || iv.start_minute >= iv.end_minute) {
            return core::InvalidInput(core::WithPart(
                core::Msg("calendar.check_interval_invalid",
                          {{"start", FormatMinute(iv.start_minute)}, {"end", FormatMinute(iv.end_minute)}}),
                "where", where));
        }
        if (i > 0 && hours[i - 1].end_minute > iv.start_minute) {
            return core::InvalidInput(
                core::WithPart(core::Msg("calendar.check_intervals_overlap",
                                         {{"first", HoursText({hours[i - 1]})}, {"second", HoursText({iv})}}),
                               "where", where));
        }
    }
    return core::Ok{};
}

core::Status CheckWeekly(WeeklyHours& weekly) {
    bool any = false;
    for (std::size_t d = 0; d < 7; ++d) {
        const auto where =
            core::WithPart(core::Msg("calendar.where_weekday"), "day", WeekdayName(static_cast<unsigned>(d)));
        if (auto st = CheckHours(weekly[d], where); !st) return st;
        any = any || !weekly[d].empty();
    }
    if (!any) return core::InvalidInput(core::Msg("calendar.weekly_no_working_day"));
    return core::Ok{};
}

core::Status CheckNote(const std::string& note) {
    if (!core::IsValidUtf8(note)) return core::InvalidField("note", core::Msg("calendar.note_invalid_chars"));
    if (core::Utf8Length(note) > 500) return core::InvalidField("note", core::Msg("calendar.note_too_long"));
    return core::Ok{};
}

core::Error CalendarNotFound(std::string_view code) {
    // The code may come straight from a URL: quote only what could be a real code.
    if (code.size() > 40) return core::NotFound(core::Msg("calendar.not_found"));
    return core::NotFound(core::Msg("calendar.not_found_code", {{"code", std::string(code)}}));
}

core::Error CannotApply(const std::string& code, const core::Error& why) {
    return core::InvalidInput(
        core::WithPart(core::Msg("calendar.cannot_apply", {{"code", code}}), "reason", why.message), why.detail);
}

}  // namespace

Service::Service(core::db::Database& db, audit::Log& audit, const core::Clock& clock,
                 std::vector<YearSchedule> shipped_years)
    : db_(db), audit_(audit), clock_(clock) {
    for (auto& s : shipped_years) shipped_[s.year] = std::move(s);
}

void Service::Invalidate() const {
    std::lock_guard lock(mutex_);
    cache_.clear();
    last_check_.reset();  // the next Get reads the version again
}

core::Result<CalendarRecord> Service::EnsureDefault(const audit::Actor& actor) {
    if (auto existing = Find(kDefaultCalendarCode)) return *existing;
    auto created = Create(actor, std::string(kDefaultCalendarCode), std::string(kDefaultName),
                          std::string(kDefaultZone), DefaultVietnamOffice().weekly);
    if (!created && created.error().code == core::ErrorCode::kConflict) {
        // Another node starting at the same moment created it first.
        if (auto existing = Find(kDefaultCalendarCode)) return *existing;
    }
    return created;
}

std::vector<CalendarRecord> Service::List() const {
    return db_.Read([&](Connection& c) {
        std::vector<CalendarRecord> out;
        for (const auto& row : c.Query(std::string(kSelectCalendars) + " ORDER BY code"))
            out.push_back(CalendarFromRow(row));
        return out;
    });
}

std::optional<CalendarRecord> Service::Find(std::string_view code) const {
    return db_.Read([&](Connection& c) { return LoadCalendar(c, code); });
}

core::Result<CalendarRecord> Service::Create(const audit::Actor& actor, std::string code, std::string name,
                                             std::string time_zone, WeeklyHours weekly) {
    code = core::Trim(code);
    name = core::Trim(name);
    time_zone = core::Trim(time_zone);
    if (auto st = CheckCode(code); !st) return st.error();
    if (auto st = CheckName(name); !st) return st.error();
    if (auto st = CheckZone(time_zone); !st) return st.error();
    if (auto st = CheckWeekly(weekly); !st) return st.error();
    const auto now = core::ToMillis(clock_.Now());
    CalendarRecord record{
        .code = code, .name = name, .time_zone = time_zone, .weekly = weekly, .created_at = now, .updated_at = now};
    try {
        auto r = db_.Transact([&](Connection& c) -> core::Result<CalendarRecord> {
            c.Execute(kBumpVersion);
            if (LoadCalendar(c, code)) return core::Conflict(core::Msg("calendar.code_taken", {{"code", code}}));
            if (auto built = Build(record, {}, EffectiveYears(c, shipped_)); !built)
                return CannotApply(code, built.error());
            record.id = c.QueryOne(
                             "INSERT INTO calendars (code, name, time_zone, weekly_json, created_at, updated_at)"
                             " VALUES ($1, $2, $3, $4, $5, $5) RETURNING id",
                             {code, name, time_zone, json::serialize(WeeklyToJson(weekly)), now})
                            ->Int(0);
            audit_.Write(c, actor, {"calendar.create", "calendar", code, nullptr, ToJson(record)});
            return record;
        });
        if (r) Invalidate();
        return r;
    } catch (const core::db::UniqueViolation&) {
        return core::Conflict(core::Msg("calendar.code_taken", {{"code", code}}));
    }
}

core::Result<CalendarRecord> Service::UpdateWeekly(const audit::Actor& actor, std::string_view code,
                                                   std::string time_zone, WeeklyHours weekly) {
    time_zone = core::Trim(time_zone);
    if (auto st = CheckZone(time_zone); !st) return st.error();
    if (auto st = CheckWeekly(weekly); !st) return st.error();
    const auto now = core::ToMillis(clock_.Now());
    auto r = db_.Transact([&](Connection& c) -> core::Result<CalendarRecord> {
        c.Execute(kBumpVersion);
        auto before = LoadCalendar(c, code);
        if (!before) return CalendarNotFound(code);
        CalendarRecord after = *before;
        after.time_zone = time_zone;
        after.weekly = weekly;
        after.updated_at = now;
        // Active exceptions and make-up days (which take Monday's hours) must still fit.
        if (auto built = Build(after, LoadExceptions(c, code, ExceptionFilter::kActive), EffectiveYears(c, shipped_));
            !built) {
            return CannotApply(after.code, built.error());
        }
        c.Execute("UPDATE calendars SET time_zone = $2, weekly_json = $3, updated_at = $4 WHERE id = $1",
                  {before->id, time_zone, json::serialize(WeeklyToJson(weekly)), now});
        audit_.Write(c, actor, {"calendar.update_weekly", "calendar", after.code, ToJson(*before), ToJson(after)});
        return after;
    });
    if (r) Invalidate();
    return r;
}

core::Result<ExceptionRecord> Service::AddException(const audit::Actor& actor, std::string_view code,
                                                    std::chrono::year_month_day date, DayKind kind,
                                                    std::vector<Interval> hours, std::string note) {
    if (!date.ok() || static_cast<int>(date.year()) < kFirstExceptionYear ||
        static_cast<int>(date.year()) > kLastExceptionYear) {
        return core::InvalidField("date", core::Msg("calendar.exception_date_range"));
    }
    const auto where = core::Msg("calendar.where_exception", {{"date", DateVi(date)}});
    if (auto st = CheckHours(hours, where); !st) return st.error();
    switch (kind) {
        case DayKind::kDayOff:
            if (!hours.empty()) {
                return core::InvalidInput(
                    core::WithPart(core::Msg("calendar.check_day_off_with_hours"), "where", where));
            }
            break;
        case DayKind::kShortenedDay:
            if (hours.empty()) {
                return core::InvalidInput(
                    core::WithPart(core::Msg("calendar.check_shortened_without_hours"), "where", where));
            }
            break;
        case DayKind::kWorkingDay: break;  // no hours: Monday's
    }
    note = core::Trim(note);
    if (auto st = CheckNote(note); !st) return st.error();
    const auto now = core::ToMillis(clock_.Now());
    ExceptionRecord record{.calendar_code = std::string(code),
                           .date = date,
                           .kind = kind,
                           .hours = hours,
                           .note = note,
                           .created_at = now,
                           .created_by = actor.username};
    const std::string day = FormatIsoDate(date);
    const auto conflict = [&] {
        return core::Conflict(core::Msg("calendar.exception_exists", {{"date", DateVi(date)}}));
    };
    try {
        auto r = db_.Transact([&](Connection& c) -> core::Result<ExceptionRecord> {
            c.Execute(kBumpVersion);
            auto cal = LoadCalendar(c, code);
            if (!cal) return CalendarNotFound(code);
            if (c.QueryOne(
                    "SELECT id FROM calendar_exceptions WHERE calendar_id = $1 AND day = $2 AND removed_at IS NULL",
                    {cal->id, day})) {
                return conflict();
            }
            auto active = LoadExceptions(c, code, ExceptionFilter::kActive);
            active.push_back(record);
            if (auto built = Build(*cal, active, EffectiveYears(c, shipped_)); !built)
                return core::InvalidInput(built.error().message, built.error().detail);
            record.id = c.QueryOne(
                             "INSERT INTO calendar_exceptions (calendar_id, day, kind, hours_json, note, created_by,"
                             " created_by_name, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
                             {cal->id, day, DayKindName(kind), json::serialize(HoursToJson(hours)), note, UserId(actor),
                              actor.username, now})
                            ->Int(0);
            audit_.Write(
                c, actor,
                {"calendar.exception.add", "calendar_exception", std::to_string(record.id), nullptr, ToJson(record)});
            return record;
        });
        if (r) Invalidate();
        return r;
    } catch (const core::db::UniqueViolation&) {
        return conflict();  // the partial unique index caught a concurrent insert
    }
}

core::Result<ExceptionRecord> Service::RemoveException(const audit::Actor& actor, std::string_view code,
                                                       std::int64_t id) {
    const auto now = core::ToMillis(clock_.Now());
    auto r = db_.Transact([&](Connection& c) -> core::Result<ExceptionRecord> {
        c.Execute(kBumpVersion);
        auto row = c.QueryOne(std::string(kSelectExceptions) + " WHERE e.id = $1 AND c.code = $2", {id, code});
        if (!row) return core::NotFound(core::Msg("calendar.exception_not_found"));
        auto before = ExceptionFromRow(*row);
        if (!before.Active()) return core::Conflict(core::Msg("calendar.exception_removed_already"));
        // Removing never makes a calendar invalid: an exception only narrows the weekly pattern.
        c.Execute("UPDATE calendar_exceptions SET removed_at = $2, removed_by = $3, removed_by_name = $4 WHERE id = $1",
                  {id, now, UserId(actor), actor.username});
        ExceptionRecord after = before;
        after.removed_at = now;
        after.removed_by = actor.username;
        audit_.Write(
            c, actor,
            {"calendar.exception.remove", "calendar_exception", std::to_string(id), ToJson(before), ToJson(after)});
        return after;
    });
    if (r) Invalidate();
    return r;
}

std::vector<ExceptionRecord> Service::Exceptions(std::string_view code, ExceptionFilter filter) const {
    return db_.Read([&](Connection& c) { return LoadExceptions(c, code, filter); });
}

namespace {

// The checks AddYear and PreviewYear share before the database: size, UTF-8, the file format.
core::Result<YearSchedule> ParseYearInput(std::string_view json_text) {
    if (json_text.size() > kMaxYearJson) return core::InvalidInput(core::Msg("calendar.year_json_too_large"));
    if (!core::IsValidUtf8(json_text)) return core::InvalidInput(core::Msg("calendar.year_json_not_utf8"));
    return TryParseYearSchedule(json_text);
}

// `years` with `record` in force for its year; returns the record it displaces, if any.
std::optional<YearRecord> PutYear(std::vector<YearRecord>& years, const YearRecord& record) {
    auto it = std::find_if(years.begin(), years.end(), [&](const YearRecord& y) { return y.year == record.year; });
    if (it == years.end()) {
        years.push_back(record);
        return std::nullopt;
    }
    std::optional<YearRecord> before = *it;
    *it = record;
    return before;
}

// Every calendar must still build with `years` in force (a schedule applies to all of them).
core::Status CheckEveryCalendarBuilds(Connection& c, const std::vector<YearRecord>& years) {
    for (const auto& row : c.Query(std::string(kSelectCalendars) + " ORDER BY code")) {
        auto cal = CalendarFromRow(row);
        if (auto built = Build(cal, LoadExceptions(c, cal.code, ExceptionFilter::kActive), years); !built) {
            return CannotApply(cal.code, built.error());
        }
    }
    return core::Ok{};
}

}  // namespace

core::Result<YearPreview> Service::PreviewYear(std::string_view json_text) const {
    auto parsed = ParseYearInput(json_text);
    if (!parsed) return parsed.error();
    const YearRecord record{.year = parsed->year, .origin = YearOrigin::kAdministrator, .schedule = *parsed};
    return db_.Read([&](Connection& c) -> core::Result<YearPreview> {
        auto years = EffectiveYears(c, shipped_);
        YearPreview preview{.schedule = record.schedule, .current = PutYear(years, record)};
        if (auto st = CheckEveryCalendarBuilds(c, years); !st) return st.error();
        const int year = record.year;
        const bool computed = year >= kFirstComputedHolidayYear && year <= kLastComputedHolidayYear;
        preview.days = MergeYear(computed ? ComputedHolidays(year) : std::vector<Holiday>{}, record.schedule);
        return preview;
    });
}

core::Result<YearRecord> Service::AddYear(const audit::Actor& actor, std::string_view json_text) {
    auto parsed = ParseYearInput(json_text);
    if (!parsed) return parsed.error();
    const auto now = core::ToMillis(clock_.Now());
    YearRecord record{.year = parsed->year,
                      .origin = YearOrigin::kAdministrator,
                      .added_at = now,
                      .added_by = actor.username,
                      .replaces_shipped = shipped_.contains(parsed->year),
                      .schedule = std::move(parsed).value()};
    auto r = db_.Transact([&](Connection& c) -> core::Result<YearRecord> {
        c.Execute(kBumpVersion);
        auto years = EffectiveYears(c, shipped_);
        const std::optional<YearRecord> before = PutYear(years, record);
        if (auto st = CheckEveryCalendarBuilds(c, years); !st) return st.error();
        record.id = c.QueryOne(
                         "INSERT INTO calendar_years (year, schedule_json, created_by, created_by_name, created_at)"
                         " VALUES ($1, $2, $3, $4, $5) RETURNING id",
                         {record.year, json_text, UserId(actor), actor.username, now})
                        ->Int(0);
        audit_.Write(c, actor,
                     {"calendar.year.add", "calendar_year", std::to_string(record.year),
                      before ? json::value(ToJson(*before, false)) : json::value(nullptr), ToJson(record, true)});
        return record;
    });
    if (r) Invalidate();
    return r;
}

std::vector<YearRecord> Service::Years() const {
    return db_.Read([&](Connection& c) { return EffectiveYears(c, shipped_); });
}

core::Result<std::shared_ptr<const Calendar>> Service::GetShared(std::string_view code) const {
    // Building under the lock makes concurrent callers wait for one build after a change instead
    // of all building the same calendar; it costs milliseconds and happens only after changes.
    std::lock_guard lock(mutex_);
    const auto now = clock_.Now();
    if (!last_check_ || now - *last_check_ >= kVersionCheckInterval || now < *last_check_) {
        // Read the version before the data: a change committed in between then shows up as a newer
        // version at the next check, never as stale data cached under the new version.
        const auto version = db_.Read([](Connection& c) {
            auto row = c.QueryOne(kSelectVersion);
            return row ? row->Int(0) : 0;
        });
        last_check_ = now;
        if (version != cached_version_) {
            cache_.clear();
            cached_version_ = version;
        }
    }
    if (auto it = cache_.find(code); it != cache_.end()) return it->second;
    auto built = db_.Read([&](Connection& c) -> core::Result<std::shared_ptr<const Calendar>> {
        auto record = LoadCalendar(c, code);
        if (!record) return CalendarNotFound(code);
        auto cal = Build(*record, LoadExceptions(c, code, ExceptionFilter::kActive), EffectiveYears(c, shipped_));
        if (!cal) {
            // Stored data is validated on every change; reaching this means it was edited by hand.
            return core::Error{core::ErrorCode::kInternal, core::Msg("calendar.misconfigured"),
                               "calendar '" + std::string(code) + "': " + core::Text(cal.error().message, "vi")};
        }
        return std::make_shared<const Calendar>(std::move(cal).value());
    });
    if (built) cache_.emplace(std::string(code), built.value());
    return built;
}

core::Result<Calendar> Service::Get(std::string_view code) const {
    auto shared = GetShared(code);
    if (!shared) return shared.error();
    return Calendar(*shared.value());
}

std::chrono::year_month_day Service::Today(std::string_view time_zone) const {
    const auto local = date::locate_zone(time_zone)->to_local(clock_.Now());
    return std::chrono::year_month_day{
        std::chrono::sys_days{std::chrono::floor<std::chrono::days>(local.time_since_epoch())}};
}

core::Result<core::TimePoint> TryParseInstant(std::string_view text, std::string_view time_zone) {
    std::string s = core::Trim(text);
    for (std::size_t i = 11; i < s.size(); ++i) {
        if (s[i] == ' ') s[i] = '+';
    }
    auto iso = TryParseIso(s);
    if (iso || time_zone.empty()) return iso;
    // Local time without an offset: "YYYY-MM-DDTHH:MM" or "...:SS".
    if ((s.size() != 16 && s.size() != 19) || (s[10] != 'T' && s[10] != 't' && s[10] != ' ')) return iso.error();
    auto day = ParseIsoDate(s.substr(0, 10));
    const auto num = [&](std::size_t pos) -> int {
        if (pos + 2 > s.size() || s[pos] < '0' || s[pos] > '9' || s[pos + 1] < '0' || s[pos + 1] > '9') return -1;
        return (s[pos] - '0') * 10 + (s[pos + 1] - '0');
    };
    const int h = num(11), m = num(14), sec = s.size() == 19 ? num(17) : 0;
    if (!day || s[13] != ':' || (s.size() == 19 && s[16] != ':') || h < 0 || h > 23 || m < 0 || m > 59 || sec < 0 ||
        sec > 59) {
        return iso.error();
    }
    if (!IsKnownTimeZone(time_zone)) return core::InvalidInput(core::Msg("calendar.zone_invalid_short"));
    const date::local_seconds local{std::chrono::sys_days{*day}.time_since_epoch() + std::chrono::hours{h} +
                                    std::chrono::minutes{m} + std::chrono::seconds{sec}};
    // As Calendar does: a time skipped by DST maps to the transition, an ambiguous one to its first occurrence.
    return std::chrono::time_point_cast<std::chrono::milliseconds>(
        date::locate_zone(time_zone)->to_sys(local, date::choose::earliest));
}

}  // namespace vp::calendar
