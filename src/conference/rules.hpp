#pragma once
// The rules of the online-conference regulation (docs/conferences.md) that decide things, apart
// from storage and HTTP: the one-day rule (Art. 5), the half-yearly schedule (Art. 5), the
// consolidation deadline (Art. 7: at least 3 days before), documents kept out of the system
// (Art. 1, 3), a bridge point's connection health (Art. 12), the speaking queue's steps and the
// reminders of a due document.
#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "calendar/calendar.hpp"
#include "core/clock.hpp"
#include "core/result.hpp"

namespace vp::conference::rules {

/// periodic (every 6 months), extraordinary (convened by the office's leadership), thematic
/// (its own attendee list).
inline const std::vector<std::string> kKinds = {"periodic", "extraordinary", "thematic"};

/// The agenda items of Art. 4, in their usual order.
inline const std::vector<std::string> kAgendaKinds = {"leadership_directions", "office_results", "unit_reports",
                                                      "discussion",            "questions",      "proposals"};

/// Art. 5: "mỗi lần không quá 1 ngày": a conference ends after it starts, on the same local day.
/// Unprocessable on `ends_at`, citing the article, otherwise.
core::Status CheckOneDay(core::TimePoint starts, core::TimePoint ends, const calendar::Calendar& cal);

/// Art. 7: each regional department sends its consolidated report to Vụ Địa phương I at least
/// 3 days before the conference: 72 hours before it starts.
core::TimePoint ConsolidationDue(core::TimePoint starts);

/// The next periodic conference on or after `from`: day `day` of the first month of `months`
/// (the half-yearly schedule, by default June and December) not before `from`.
std::chrono::year_month_day NextPeriodicDate(std::chrono::year_month_day from, const std::vector<int>& months, int day);
/// The schedule text "6,12@15" (months, then the day): nullopt when malformed.
struct Schedule {
    std::vector<int> months{6, 12};
    int day = 15;
};
std::optional<Schedule> ParseSchedule(std::string_view text);

/// Art. 1, 3: documents of secret or sensitive content travel outside the system. A declared
/// classification other than `thuong` is refused; so is a title, text or file name that carries
/// a secrecy marking ("MẬT", "TỐI MẬT", "TUYỆT MẬT", "NHẠY CẢM", "CƠ MẬT"): the marking found, or
/// nullopt. Diacritics matter: "mặt" (face) is not "mật" (secret).
std::optional<std::string> SecrecyMarking(std::string_view text);
inline const std::vector<std::string> kClassifications = {"thuong", "mat", "toi_mat", "tuyet_mat", "nhay_cam"};

/// A bridge point's connection as the IT centre's board shows it (Art. 12).
enum class Health { kNotConnected, kGood, kDegraded, kLost };
std::string_view HealthCode(Health h);
struct Link {
    std::optional<core::TimePoint> last_seen;
    int rtt_ms = 0, jitter_ms = 0, loss_pct = 0;
};
/// Quiet for `quiet_after` (default 6 s: three missed beats of 2 s): lost. Otherwise degraded when
/// the round trip exceeds 400 ms, the jitter 50 ms or the loss 5 %; good else.
Health HealthOf(const Link& l, core::TimePoint now, std::chrono::milliseconds quiet_after = std::chrono::seconds(6));

/// The speaking queue (Art. 12: the IT centre takes the requests). States: waiting, granted,
/// speaking, done, declined, withdrawn. Actions: grant, start, done, decline (the IT centre),
/// withdraw (the site). The state an action leads to from `from`, or nullopt when not allowed.
std::optional<std::string> SpeakingStep(std::string_view from, std::string_view action);
/// Whether `action` is the site's own (withdraw) rather than the IT centre's.
bool IsSiteAction(std::string_view action);

/// Reminders of a document not yet handed in: "due_soon" within 24 hours before its due time,
/// "overdue" after it; nullopt before that.
std::optional<std::string> ReminderLevel(core::TimePoint due, core::TimePoint now);

}  // namespace vp::conference::rules
