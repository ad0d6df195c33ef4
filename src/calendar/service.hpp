#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "audit/audit.hpp"
#include "calendar/calendar.hpp"
#include "calendar/holidays.hpp"
#include "calendar/model.hpp"
#include "core/clock.hpp"
#include "core/db/database.hpp"
#include "core/result.hpp"

namespace vp::calendar {

/// Index 0 = Sunday ... 6 = Saturday, as CalendarSpec::weekly.
using WeeklyHours = std::array<std::vector<Interval>, 7>;

/// The calendar every deadline uses unless a caller names another one.
inline constexpr std::string_view kDefaultCalendarCode = "vn-office";

/// @brief A stored calendar: its weekly pattern in its zone (exceptions are listed separately).
struct CalendarRecord {
    std::int64_t id = 0;
    std::string code;
    std::string name;
    std::string time_zone;
    WeeklyHours weekly;
    std::int64_t created_at = 0;  ///< UTC ms
    std::int64_t updated_at = 0;  ///< UTC ms
};

/// @brief An administrator's exception as stored. Removed exceptions are kept (soft removal) and
/// no longer apply.
struct ExceptionRecord {
    std::int64_t id = 0;
    std::string calendar_code;
    std::chrono::year_month_day date;
    DayKind kind = DayKind::kDayOff;
    /// As entered; empty for a day off, and for a working day that takes Monday's hours.
    std::vector<Interval> hours;
    std::string note;
    std::int64_t created_at = 0;
    std::string created_by;
    std::optional<std::int64_t> removed_at;
    std::string removed_by;

    bool Active() const { return !removed_at.has_value(); }
};

enum class YearOrigin {
    kShipped,        ///< data/calendar/vn/YYYY.json, compiled into the binary
    kAdministrator,  ///< added through AddYear (a row of calendar_years)
};

/// @brief The schedule in force for one year and where it comes from.
struct YearRecord {
    int year = 0;
    YearOrigin origin = YearOrigin::kShipped;
    std::int64_t id = 0;            ///< calendar_years row; 0 for a shipped file
    std::int64_t added_at = 0;      ///< UTC ms; 0 for a shipped file
    std::string added_by;           ///< username; empty for a shipped file
    bool replaces_shipped = false;  ///< an administrator's schedule for a year that also has a file
    YearSchedule schedule;
};

/// @brief What a year will look like with a schedule that is not stored yet (Service::PreviewYear).
struct YearPreview {
    YearSchedule schedule;
    /// The schedule in force for that year now (shipped or an administrator's); none: computed only.
    std::optional<YearRecord> current;
    /// MergeYear(computed holidays of the year, schedule): every day, the replaced ones included.
    std::vector<MergedDay> days;
};

enum class ExceptionFilter { kActive, kRemoved, kAll };

/// @brief Working-time calendars kept in the database: weekly intervals in an IANA zone,
/// administrators' dated exceptions, and the government's yearly schedules (the files shipped
/// with the binary, overridden year by year by schedules an administrator adds).
///
/// Every change validates its input (message keys; InvalidInput / NotFound / Conflict),
/// checks that every affected calendar still builds, increments calendar_state.version and writes
/// the audit log, all in one transaction: a refused change leaves nothing behind.
///
/// Get() caches built calendars. The cache is dropped on this service's own changes, and also when
/// calendar_state.version differs from the version the cache was built from; that check costs one
/// primary-key read and runs at most once a second, so a change made on another node sharing the
/// PostgreSQL database is seen within about a second. Thread-safe.
class Service {
public:
    /// `shipped_years`: the repository's schedule files, already parsed (TryLoadYearSchedules or
    /// embedded copies). If two share a year, the later one is used.
    Service(core::db::Database& db, audit::Log& audit, const core::Clock& clock,
            std::vector<YearSchedule> shipped_years);

    /// Creates kDefaultCalendarCode ("Giờ hành chính Việt Nam", Asia/Ho_Chi_Minh, office hours of
    /// DefaultVietnamOffice) when it does not exist yet; audited only when created. Safe to call on
    /// every start of every node.
    core::Result<CalendarRecord> EnsureDefault(const audit::Actor& actor);

    /// All calendars, by code.
    std::vector<CalendarRecord> List() const;
    /// std::nullopt when no calendar has `code`.
    std::optional<CalendarRecord> Find(std::string_view code) const;

    /// Code: 1–40 of a–z, 0–9, '-', '_'. Name: 1–200 characters. Conflict if the code exists.
    core::Result<CalendarRecord> Create(const audit::Actor& actor, std::string code, std::string name,
                                        std::string time_zone, WeeklyHours weekly);
    /// Replaces the zone and the weekly pattern. Intervals are sorted on the way in; they must lie
    /// within 00:00–24:00, not overlap, and at least one day must have hours. Refused if an active
    /// exception or a schedule would no longer fit (a make-up day needs Monday's hours).
    core::Result<CalendarRecord> UpdateWeekly(const audit::Actor& actor, std::string_view code, std::string time_zone,
                                              WeeklyHours weekly);

    /// Adds an exception for one local date (1900–2199). kDayOff takes no hours; kShortenedDay
    /// needs hours; kWorkingDay takes hours or none (then Monday's). Conflict if the calendar
    /// already has an active exception on that date; NotFound if the calendar does not exist.
    core::Result<ExceptionRecord> AddException(const audit::Actor& actor, std::string_view code,
                                               std::chrono::year_month_day date, DayKind kind,
                                               std::vector<Interval> hours, std::string note);
    /// Marks an exception removed (who, when); the row stays. NotFound if `id` is not an exception
    /// of `code`; Conflict if it was already removed.
    core::Result<ExceptionRecord> RemoveException(const audit::Actor& actor, std::string_view code, std::int64_t id);
    /// The exceptions of `code`, by date then id; empty when the calendar does not exist.
    std::vector<ExceptionRecord> Exceptions(std::string_view code,
                                            ExceptionFilter filter = ExceptionFilter::kAll) const;

    /// Stores an official schedule given as the JSON of a schedule file (TryParseYearSchedule).
    /// From then on it is the schedule of its year for every calendar, over the shipped file and
    /// over earlier administrators' schedules of that year (which stay as history). It is merged
    /// with the year's computed Labour Code holidays per holiday (MergeYear): an entry naming a
    /// holiday ("holiday": "tet") replaces only that holiday's computed days. Refused
    /// (InvalidInput) when malformed, invalid, larger than 256 KiB, or when a calendar could not
    /// apply it.
    core::Result<YearRecord> AddYear(const audit::Actor& actor, std::string_view json_text);
    /// What AddYear(json_text) would make of its year, without changing anything: the same checks
    /// (the same errors, also when a calendar could not apply it) and the year's days as merged
    /// with the computed holidays. Reads only; not audited.
    core::Result<YearPreview> PreviewYear(std::string_view json_text) const;
    /// The schedule in force for every year that has one, by year.
    std::vector<YearRecord> Years() const;

    /// The built calendar `code` (NotFound if unknown). Served from the cache when it is current;
    /// the copy is independent of later changes. Prefer GetShared on hot paths: it does not copy.
    core::Result<Calendar> Get(std::string_view code = kDefaultCalendarCode) const;
    /// Like Get, without copying: the calendar is immutable and stays valid while held, also after
    /// a change has replaced it in the cache.
    core::Result<std::shared_ptr<const Calendar>> GetShared(std::string_view code = kDefaultCalendarCode) const;

    /// "Today" as a local date in `time_zone` (a known zone), from the injected clock.
    std::chrono::year_month_day Today(std::string_view time_zone = "Asia/Ho_Chi_Minh") const;
    const core::Clock& Clock() const { return clock_; }

private:
    void Invalidate() const;

    core::db::Database& db_;
    audit::Log& audit_;
    const core::Clock& clock_;
    std::map<int, YearSchedule> shipped_;

    mutable std::mutex mutex_;
    // Guarded by mutex_.
    mutable std::map<std::string, std::shared_ptr<const Calendar>, std::less<>> cache_;
    mutable std::int64_t cached_version_ = -1;
    mutable std::optional<core::TimePoint> last_check_;
};

/// @brief Reads an instant typed by a person: RFC 3339 with an offset (TryParseIso), or a local
/// "YYYY-MM-DDTHH:MM[:SS]" (as sent by <input type="datetime-local">) taken in `time_zone`; with an
/// empty `time_zone` only RFC 3339 with an offset is accepted (the API's contract).
/// A space where the offset's '+' should be is read as '+', because an unencoded '+' in a query
/// string arrives as a space. Returns InvalidInput (Vietnamese) otherwise.
core::Result<core::TimePoint> TryParseInstant(std::string_view text, std::string_view time_zone);

}  // namespace vp::calendar
