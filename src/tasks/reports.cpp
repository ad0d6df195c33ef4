// Periodic reports of the task office (T-15; 08-QC/TW Art. 16.2), part of Watch (watch.hpp): the
// statistics of a period computed from the tracking records when the report is generated, kept
// with it, shown on screen and exported as XLSX (core/export/xlsx) and PDF (core/export/pdf); the
// office's compilation deadlines (analysis.hpp ReportDeadlines) as clocks with reminders.
#include <algorithm>
#include <cstdlib>
#include <map>
#include <set>

#include <boost/json.hpp>
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "calendar/iso_time.hpp"
#include "core/export/pdf.hpp"
#include "core/export/xlsx.hpp"
#include "core/message.hpp"
#include "tasks/analysis.hpp"
#include "tasks/watch.hpp"
#include "tasks/watch_internal.hpp"

namespace vp::tasks {
namespace {

namespace json = boost::json;
namespace ev = evaluation;
using core::Msg;
using core::db::Connection;
using core::db::Row;
using std::chrono::year_month_day;

std::int64_t Ms(core::TimePoint t) { return core::ToMillis(t); }

const std::set<std::string, std::less<>> kKinds = {"month", "quarter", "half_year", "year", "on_demand"};

struct Range {
    year_month_day first, end;  ///< local days [first, end)
    std::string period, title;
};

std::string Dmy(year_month_day d) {
    return fmt::format("{:02}/{:02}/{:04}", static_cast<unsigned>(d.day()), static_cast<unsigned>(d.month()),
                       static_cast<int>(d.year()));
}

// The local days and the title of a report (the period's code checked against its kind).
core::Result<Range> RangeOf(const ReportRequest& in) {
    auto bad = [&] { return core::InvalidField("period", Msg("tasks.report_period_invalid", {{"period", in.period}})); };
    using namespace std::chrono;
    if (in.kind == "on_demand") {
        auto a = calendar::ParseIsoDate(in.from);
        if (!a) return core::InvalidField("from", Msg("tasks.time_invalid", {{"field", "from"}}));
        auto b = calendar::ParseIsoDate(in.to);
        if (!b) return core::InvalidField("to", Msg("tasks.time_invalid", {{"field", "to"}}));
        if (sys_days(*b) < sys_days(*a)) return core::InvalidField("to", Msg("tasks.report_to_before_from"));
        if (sys_days(*b) - sys_days(*a) > days(3660)) return core::InvalidField("to", Msg("tasks.report_too_long"));
        return Range{*a, year_month_day{sys_days(*b) + days(1)}, calendar::FormatIsoDate(*a) + ".." + calendar::FormatIsoDate(*b),
                     "Báo cáo tình hình thực hiện nhiệm vụ từ ngày " + Dmy(*a) + " đến ngày " + Dmy(*b)};
    }
    if (in.kind == "month") {
        if (in.period.size() != 7 || in.period[4] != '-') return bad();
        auto first = calendar::ParseIsoDate(in.period + "-01");
        if (!first) return bad();
        const auto ym = year_month{first->year(), first->month()} + months(1);
        return Range{*first, year_month_day{ym / 1}, in.period,
                     fmt::format("Báo cáo tình hình thực hiện nhiệm vụ tháng {:02}/{:04}",
                                 static_cast<unsigned>(first->month()), static_cast<int>(first->year()))};
    }
    auto p = ev::ParsePeriod(in.period);
    const auto want = in.kind == "quarter" ? ev::PeriodKind::kQuarter
                      : in.kind == "half_year" ? ev::PeriodKind::kHalf
                                               : ev::PeriodKind::kYear;
    if (!p || p->kind != want) return bad();
    const auto d = ev::DaysOf(*p);
    static constexpr const char* kRoman[] = {"", "I", "II", "III", "IV"};
    std::string title = want == ev::PeriodKind::kQuarter ? fmt::format("quý {}/{}", kRoman[p->number], p->year)
                        : want == ev::PeriodKind::kHalf  ? fmt::format("{} năm {}", p->number == 1 ? "6 tháng đầu" : "6 tháng cuối", p->year)
                                                         : fmt::format("năm {}", p->year);
    return Range{d.first, d.end, ev::PeriodCode(*p), "Báo cáo tình hình thực hiện nhiệm vụ " + title};
}


constexpr std::string_view kSelectReport =
    "SELECT id, kind, period, from_at, to_at, title, stats_json, generated_by, generated_at, issued_by, issued_at"
    " FROM tasks_reports";

Report ReportFromRow(const Row& r, bool with_stats) {
    Report out{.id = r.Int(0), .kind = r.Text(1), .period = r.Text(2), .title = r.Text(5),
               .from_at = core::FromMillis(r.Int(3)), .to_at = core::FromMillis(r.Int(4)),
               .generated_by = r.Int(7), .generated_at = core::FromMillis(r.Int(8)), .issued_by = r.Int(9)};
    if (with_stats) out.stats = json::parse(r.Text(6)).as_object();
    if (!r.IsNull(10)) out.issued_at = core::FromMillis(r.Int(10));
    return out;
}

std::int64_t Int(const json::object& o, std::string_view k) {
    const auto* v = o.if_contains(k);
    return v && v->is_int64() ? v->get_int64() : 0;
}
std::string Str(const json::object& o, std::string_view k) {
    const auto* v = o.if_contains(k);
    return v && v->is_string() ? std::string(v->get_string()) : std::string();
}

// The labels of the statuses and classes in the reports (official documents: Vietnamese).
std::string StatusVi(std::string_view code) {
    static const std::map<std::string, std::string, std::less<>> kNames = {
        {"completed_on_time", "Hoàn thành đúng hạn"},
        {"completed_late", "Hoàn thành quá hạn"},
        {"not_completed_overdue", "Đã triển khai nhưng không hoàn thành (quá hạn)"},
        {"not_started_overdue", "Không triển khai (quá hạn)"},
        {"not_started_within_deadline", "Chưa triển khai (trong hạn)"},
        {"in_progress_late", "Đang triển khai (chậm tiến độ)"},
        {"in_progress_on_time", "Đang triển khai (đúng tiến độ)"}};
    auto it = kNames.find(code);
    return it != kNames.end() ? it->second : std::string(code);
}
std::string ClassVi(std::string_view code) {
    if (code == "excellent") return "Hoàn thành xuất sắc";
    if (code == "complete") return "Hoàn thành";
    if (code == "incomplete") return "Hoàn thành chưa đầy đủ";
    if (code == "not_complete") return "Không hoàn thành";
    return "Chưa đánh giá";
}

}  // namespace

static const std::map<analysis::ReportKind, std::string>& ReportKindCodes();
static void EnsureDeadlines(Connection& c, const calendar::Calendar& calendar,
                            const std::vector<analysis::ReportDeadline>& deadlines, core::TimePoint now);

bool Watch::MayReport(const Principal& who) const {
    return who.is_operator || policy_.Authorize(who, kTaskEnter, core::access::Scope::Global()) ||
           policy_.Authorize(who, kTaskReadAll, core::access::Scope::Global());
}

core::Result<Report> Watch::GenerateReport(const Principal& who, ReportRequest in) {
    auto actor = policy_.Authorize(who, kTaskEnter, core::access::Scope::Global());
    if (!actor) return actor.error();
    if (!kKinds.contains(in.kind)) return core::InvalidField("kind", Msg("tasks.report_kind_unknown", {{"kind", in.kind}}));
    auto range = RangeOf(in);
    if (!range) return range.error();
    auto cal = calendars_.GetShared();
    if (!cal) return cal.error();
    const auto& calendar = *cal.value();
    auto from = internal::StartOfDay(range->first, calendar), end = internal::StartOfDay(range->end, calendar);
    if (!from || !end) return core::InvalidField("period", Msg("tasks.report_period_invalid", {{"period", in.period}}));
    const auto now = clock_.Now();
    if (from.value() >= now) return core::Conflict(Msg("tasks.report_not_started", {{"period", range->period}}));
    const auto to = std::min(end.value(), now);
    // The evaluation of a quarter, half-year or year (kept when closed, else as it stands now).
    json::value evaluation = nullptr;
    if (in.kind == "quarter" || in.kind == "half_year" || in.kind == "year") {
        auto e = Evaluation(Principal::Operator(), range->period);
        if (e) {
            json::array units;
            for (const auto& u : e->units) {
                units.push_back(json::object{{"unit", u.facts.unit_code},
                                             {"name", u.unit_name},
                                             {"score_bp", u.score.total ? json::value(*u.score.total) : nullptr},
                                             {"class", u.score.klass ? std::string(ev::ClassCode(*u.score.klass)) : ""},
                                             {"rank", u.score.rank}});
            }
            evaluation = json::object{{"period", e->period},
                                      {"closed", e->closed},
                                      {"set_version", e->set_version},
                                      {"units", std::move(units)}};
        }
    }
    std::map<std::int64_t, std::string> names, codes;
    for (const auto& u : units_.List()) {
        names[u.id] = u.name_vi;
        codes[u.id] = u.code;
    }
    auto made = db_.Transact([&](Connection& c) -> core::Result<std::int64_t> {
        const auto tasks = internal::LoadLight(c);
        std::int64_t open = 0, assigned = 0, completed = 0, on_time = 0, late = 0, overdue = 0;
        std::map<std::string, std::int64_t> by_status;
        struct UnitRow {
            std::int64_t tasks = 0, on_time = 0, late = 0, overdue = 0;
        };
        std::map<std::int64_t, UnitRow> by_unit;
        std::map<std::string, std::pair<std::int64_t, std::int64_t>> by_priority;
        std::vector<const internal::Light*> late_tasks;
        for (const auto& t : tasks) {
            if (t.assigned >= to) continue;  // not assigned yet at the report's time
            const bool done_before = t.completed && *t.completed < from.value();
            if (done_before) continue;  // finished before the period: not its business
            ++open;
            if (t.assigned >= from.value()) ++assigned;
            const bool done = t.completed && *t.completed < to;
            const bool in_time = done && t.deadline && *t.completed <= *t.deadline;
            const bool over = internal::IsOverdue(t.status) && !done;
            if (done) {
                ++completed;
                (in_time || !t.deadline ? on_time : late)++;
            }
            if (over) {
                ++overdue;
                late_tasks.push_back(&t);
            }
            ++by_status[std::string(StatusCode(t.status))];
            auto& p = by_priority[t.priority];
            ++p.first;
            if (over) ++p.second;
            for (auto u : t.leads) {
                auto& row = by_unit[u];
                ++row.tasks;
                if (done) ++(in_time || !t.deadline ? row.on_time : row.late);
                if (over) ++row.overdue;
            }
        }
        const auto became = c.QueryOne("SELECT COUNT(DISTINCT task_id) FROM tasks_status_history WHERE at >= $1 AND"
                                       " at < $2 AND status IN ('not_completed_overdue', 'not_started_overdue')",
                                       {Ms(from.value()), Ms(to)})
                                ->Int(0);
        json::array statuses, units, priorities, late_list;
        for (auto s : kAllStatuses) {
            const std::string code(StatusCode(s));
            statuses.push_back(json::object{{"status", code}, {"count", by_status[code]}});
        }
        std::vector<std::pair<std::int64_t, UnitRow>> unit_rows(by_unit.begin(), by_unit.end());
        std::sort(unit_rows.begin(), unit_rows.end(), [&](const auto& a, const auto& b) {
            return a.second.overdue != b.second.overdue ? a.second.overdue > b.second.overdue : codes[a.first] < codes[b.first];
        });
        for (const auto& [id, r] : unit_rows) {
            units.push_back(json::object{{"unit", codes[id]}, {"name", names[id]}, {"tasks", r.tasks},
                                         {"completed_on_time", r.on_time}, {"completed_late", r.late},
                                         {"overdue", r.overdue}});
        }
        for (const auto& [code, n] : by_priority)
            priorities.push_back(json::object{{"priority", code}, {"count", n.first}, {"overdue", n.second}});
        std::sort(late_tasks.begin(), late_tasks.end(), [](const auto* a, const auto* b) {
            return a->deadline != b->deadline ? a->deadline < b->deadline : a->id < b->id;
        });
        for (const auto* t : late_tasks) {
            if (late_list.size() >= 100) break;
            std::string leads;
            for (auto u : t->leads) leads += (leads.empty() ? "" : ", ") + names[u];
            const auto deadline = t->deadline.value_or(to);
            late_list.push_back(json::object{
                {"id", t->id}, {"content", t->content}, {"units", leads}, {"deadline", calendar.FormatIso(deadline)},
                {"days_overdue", std::chrono::duration_cast<std::chrono::hours>(to - deadline).count() / 24}});
        }
        json::object stats{{"figures", json::object{{"tasks", open},
                                                    {"assigned_in_period", assigned},
                                                    {"completed_in_period", completed},
                                                    {"completed_on_time", on_time},
                                                    {"completed_late", late},
                                                    {"overdue", overdue},
                                                    {"became_overdue_in_period", became}}},
                           {"by_status", std::move(statuses)},
                           {"by_unit", std::move(units)},
                           {"by_priority", std::move(priorities)},
                           {"overdue", std::move(late_list)},
                           {"evaluation", evaluation}};
        auto row = c.QueryOne("INSERT INTO tasks_reports (kind, period, from_at, to_at, title, stats_json, generated_by,"
                              " generated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
                              {in.kind, range->period, Ms(from.value()), Ms(to), range->title, json::serialize(stats),
                               who.is_operator ? std::int64_t{0} : who.user_id, Ms(now)});
        const auto id = row->Int(0);
        audit_.Write(c, actor.value(),
                     {"tasks.report.generate", "tasks_report", std::to_string(id), nullptr,
                      json::object{{"kind", in.kind}, {"period", range->period}}});
        return id;
    });
    if (!made) return made.error();
    return GetReport(Principal::Operator(), made.value());
}

std::vector<Report> Watch::Reports(const Principal& who) const {
    std::vector<Report> out;
    if (!MayReport(who)) return out;
    return db_.Read([&](Connection& c) {
        for (const auto& r : c.Query(std::string(kSelectReport) + " ORDER BY id DESC LIMIT 500"))
            out.push_back(ReportFromRow(r, false));
        return out;
    });
}

core::Result<Report> Watch::GetReport(const Principal& who, std::int64_t id) const {
    if (!MayReport(who)) return core::Forbidden(Msg("tasks.not_allowed"));
    auto row = db_.Read([&](Connection& c) { return c.QueryOne(std::string(kSelectReport) + " WHERE id = $1", {id}); });
    if (!row) return core::NotFound(Msg("tasks.report_not_found"));
    return ReportFromRow(*row, true);
}

core::Result<Report> Watch::IssueReport(const Principal& who, std::int64_t id) {
    auto actor = policy_.Authorize(who, kTaskEnter, core::access::Scope::Global());
    if (!actor) return actor.error();
    auto r = GetReport(who, id);
    if (!r) return r.error();
    auto cal = calendars_.GetShared();  // outside the transaction: it may read
    auto done = db_.Transact([&](Connection& c) -> core::Status {
        const auto now = clock_.Now();
        if (c.Execute("UPDATE tasks_reports SET issued_by = $1, issued_at = $2 WHERE id = $3 AND issued_at IS NULL",
                      {who.user_id, Ms(now), id}) != 1) {
            return core::Conflict(Msg("tasks.report_issued"));
        }
        // The first report issued for a period meets its compilation deadline.
        if (cal && r->kind != "on_demand") {
            const int year = std::atoi(r->period.substr(0, 4).c_str());
            for (int y : {year, year + 1}) EnsureDeadlines(c, *cal.value(), analysis::ReportDeadlines(y), now);
        }
        c.Execute("UPDATE tasks_report_deadlines SET done_at = $1, report_id = $2 WHERE kind = $3 AND period = $4 AND"
                  " done_at IS NULL",
                  {Ms(now), id, r->kind, r->period});
        audit_.Write(c, actor.value(),
                     {"tasks.report.issue", "tasks_report", std::to_string(id), nullptr,
                      json::object{{"kind", r->kind}, {"period", r->period}}});
        return core::Ok{};
    });
    if (!done) return done.error();
    return GetReport(who, id);
}

// ---------------------------------------------------------------------------------------------
// Exports: the same tables as the screen

core::Result<std::string> Watch::ReportXlsx(const Principal& who, std::int64_t id) const {
    auto r = GetReport(who, id);
    if (!r) return r.error();
    namespace x = core::xlsx;
    const auto& s = r->stats;
    const auto& f = s.at("figures").as_object();
    x::Sheet summary{.name = "Tổng hợp",
                     .columns = {{"Chỉ tiêu", x::ColumnType::kText, 48}, {"Số lượng", x::ColumnType::kInteger}}};
    for (auto [label, key] : {std::pair{"Nhiệm vụ trong kỳ", "tasks"}, {"Giao mới trong kỳ", "assigned_in_period"},
                              {"Hoàn thành trong kỳ", "completed_in_period"}, {"- đúng hạn", "completed_on_time"},
                              {"- quá hạn", "completed_late"}, {"Đang quá hạn", "overdue"},
                              {"Chuyển quá hạn trong kỳ", "became_overdue_in_period"}})
        summary.rows.push_back({label, Int(f, key)});
    x::Sheet status{.name = "Theo trạng thái",
                    .columns = {{"Trạng thái", x::ColumnType::kText, 44}, {"Số nhiệm vụ", x::ColumnType::kInteger}},
                    .totals_label = "Tổng cộng"};
    for (const auto& v : s.at("by_status").as_array())
        status.rows.push_back({StatusVi(Str(v.as_object(), "status")), Int(v.as_object(), "count")});
    x::Sheet units{.name = "Theo đơn vị",
                   .columns = {{"Mã", x::ColumnType::kText}, {"Đơn vị chủ trì", x::ColumnType::kText, 44},
                               {"Nhiệm vụ", x::ColumnType::kInteger}, {"Hoàn thành đúng hạn", x::ColumnType::kInteger},
                               {"Hoàn thành quá hạn", x::ColumnType::kInteger}, {"Quá hạn", x::ColumnType::kInteger}},
                   .totals_label = "Tổng cộng"};
    for (const auto& v : s.at("by_unit").as_array()) {
        const auto& o = v.as_object();
        units.rows.push_back({Str(o, "unit"), Str(o, "name"), Int(o, "tasks"), Int(o, "completed_on_time"),
                              Int(o, "completed_late"), Int(o, "overdue")});
    }
    x::Sheet late{.name = "Nhiệm vụ quá hạn",
                  .columns = {{"Số", x::ColumnType::kInteger}, {"Nội dung", x::ColumnType::kText, 60},
                              {"Đơn vị chủ trì", x::ColumnType::kText, 36}, {"Thời hạn", x::ColumnType::kText},
                              {"Số ngày quá hạn", x::ColumnType::kInteger}}};
    for (const auto& v : s.at("overdue").as_array()) {
        const auto& o = v.as_object();
        late.rows.push_back({Int(o, "id"), Str(o, "content"), Str(o, "units"), Str(o, "deadline").substr(0, 10),
                             Int(o, "days_overdue")});
    }
    std::vector<x::Sheet> sheets{std::move(summary), std::move(status), std::move(units), std::move(late)};
    if (const auto& e = s.at("evaluation"); e.is_object()) {
        x::Sheet rank{.name = "Xếp hạng " + Str(e.as_object(), "period"),
                      .columns = {{"Hạng", x::ColumnType::kInteger}, {"Mã", x::ColumnType::kText},
                                  {"Đơn vị", x::ColumnType::kText, 44}, {"Điểm (%)", x::ColumnType::kDecimal},
                                  {"Xếp loại", x::ColumnType::kText, 24}}};
        for (const auto& v : e.at("units").as_array()) {
            const auto& o = v.as_object();
            const auto* score = o.if_contains("score_bp");
            rank.rows.push_back({Int(o, "rank") ? x::Cell(Int(o, "rank")) : x::Cell(),
                                 Str(o, "unit"), Str(o, "name"),
                                 score && score->is_int64() ? x::Cell(static_cast<double>(score->get_int64()) / 100.0) : x::Cell(),
                                 ClassVi(Str(o, "class"))});
        }
        sheets.push_back(std::move(rank));
    }
    return x::WriteXlsx(sheets, {.title = r->title, .author = "Văn phòng Trung ương Đảng", .subject = r->period});
}

core::Result<std::string> Watch::ReportPdf(const Principal& who, std::int64_t id) const {
    auto r = GetReport(who, id);
    if (!r) return r.error();
    namespace p = core::pdf;
    auto cal = calendars_.GetShared();
    const auto local = [&](core::TimePoint t) {
        const auto iso = cal ? cal.value()->FormatIso(t) : calendar::FormatIso(t, "Asia/Ho_Chi_Minh");
        return iso.substr(8, 2) + "/" + iso.substr(5, 2) + "/" + iso.substr(0, 4) + " " + iso.substr(11, 5);
    };
    const auto& s = r->stats;
    const auto& f = s.at("figures").as_object();
    std::vector<p::Block> blocks;
    blocks.push_back(p::Paragraph{"VĂN PHÒNG TRUNG ƯƠNG ĐẢNG\nHệ thống theo dõi, đánh giá việc thực hiện nhiệm vụ", true});
    blocks.push_back(p::Heading{r->title, 1});
    blocks.push_back(p::Paragraph{"Số liệu từ " + local(r->from_at) + " đến " + local(r->to_at) + "; lập lúc " +
                                  local(r->generated_at) +
                                  (r->issued_at ? "; ban hành lúc " + local(*r->issued_at) : std::string("; dự thảo")) + ".",
                                  true});
    blocks.push_back(p::Heading{"1. Số liệu tổng hợp", 2});
    p::Table figures{.header = {"Chỉ tiêu", "Số lượng"}, .widths = {4, 1}, .numeric = {false, true}};
    for (auto [label, key] : {std::pair{"Nhiệm vụ trong kỳ", "tasks"}, {"Giao mới trong kỳ", "assigned_in_period"},
                              {"Hoàn thành trong kỳ", "completed_in_period"}, {"  - đúng hạn", "completed_on_time"},
                              {"  - quá hạn", "completed_late"}, {"Đang quá hạn", "overdue"},
                              {"Chuyển quá hạn trong kỳ", "became_overdue_in_period"}})
        figures.rows.push_back({label, std::to_string(Int(f, key))});
    blocks.push_back(std::move(figures));
    p::Table status{.header = {"Trạng thái", "Số nhiệm vụ"}, .widths = {4, 1}, .numeric = {false, true}};
    for (const auto& v : s.at("by_status").as_array())
        status.rows.push_back({StatusVi(Str(v.as_object(), "status")), std::to_string(Int(v.as_object(), "count"))});
    blocks.push_back(p::Heading{"2. Theo trạng thái", 2});
    blocks.push_back(std::move(status));
    p::Table units{.header = {"Đơn vị chủ trì", "Nhiệm vụ", "Đúng hạn", "Quá hạn (HT)", "Đang quá hạn"},
                   .widths = {4, 1, 1, 1.2, 1.2},
                   .numeric = {false, true, true, true, true}};
    for (const auto& v : s.at("by_unit").as_array()) {
        const auto& o = v.as_object();
        units.rows.push_back({Str(o, "name"), std::to_string(Int(o, "tasks")), std::to_string(Int(o, "completed_on_time")),
                              std::to_string(Int(o, "completed_late")), std::to_string(Int(o, "overdue"))});
    }
    blocks.push_back(p::Heading{"3. Theo đơn vị chủ trì", 2});
    blocks.push_back(std::move(units));
    p::Table late{.header = {"Nội dung nhiệm vụ", "Đơn vị chủ trì", "Thời hạn", "Số ngày"},
                  .widths = {5, 3, 1.4, 1},
                  .numeric = {false, false, false, true}};
    for (const auto& v : s.at("overdue").as_array()) {
        const auto& o = v.as_object();
        const auto d = Str(o, "deadline");
        late.rows.push_back({Str(o, "content"), Str(o, "units"),
                             d.size() >= 10 ? d.substr(8, 2) + "/" + d.substr(5, 2) + "/" + d.substr(0, 4) : d,
                             std::to_string(Int(o, "days_overdue"))});
    }
    blocks.push_back(p::Heading{"4. Nhiệm vụ quá hạn", 2});
    if (late.rows.empty()) blocks.push_back(p::Paragraph{"Không có nhiệm vụ quá hạn."});
    else blocks.push_back(std::move(late));
    if (const auto& e = s.at("evaluation"); e.is_object()) {
        const auto& eo = e.as_object();
        blocks.push_back(p::Heading{"5. Đánh giá, xếp hạng kỳ " + Str(eo, "period"), 2});
        blocks.push_back(p::Paragraph{eo.at("closed").as_bool() ? "Kết quả đã chốt và công bố." : "Kết quả tạm tính, chưa công bố.",
                                      true});
        p::Table rank{.header = {"Hạng", "Đơn vị", "Điểm (%)", "Xếp loại"}, .widths = {0.7, 4, 1, 2},
                      .numeric = {true, false, true, false}};
        for (const auto& v : eo.at("units").as_array()) {
            const auto& o = v.as_object();
            const auto* score = o.if_contains("score_bp");
            rank.rows.push_back({Int(o, "rank") ? std::to_string(Int(o, "rank")) : "—", Str(o, "name"),
                                 ev::PercentText(score && score->is_int64() ? std::optional(score->get_int64()) : std::nullopt),
                                 ClassVi(Str(o, "class"))});
        }
        blocks.push_back(std::move(rank));
    }
    return p::WritePdf(blocks, {.title = r->title, .subject = r->period, .footer = "Hệ thống theo dõi, đánh giá — " + r->period});
}

// ---------------------------------------------------------------------------------------------
// The compilation deadlines

static const std::map<analysis::ReportKind, std::string>& ReportKindCodes() {
    static const std::map<analysis::ReportKind, std::string> kKind = {{analysis::ReportKind::kMonth, "month"},
                                                                      {analysis::ReportKind::kQuarter, "quarter"},
                                                                      {analysis::ReportKind::kHalf, "half_year"},
                                                                      {analysis::ReportKind::kYear, "year"}};
    return kKind;
}

// The rows of these deadlines, made once (the job keeps the year's; issuing a report its own).
static void EnsureDeadlines(Connection& c, const calendar::Calendar& calendar,
                            const std::vector<analysis::ReportDeadline>& deadlines, core::TimePoint now) {
    for (const auto& d : deadlines) {
        auto due_at = internal::StartOfDay(d.due, calendar);
        if (!due_at) continue;
        c.Execute("INSERT INTO tasks_report_deadlines (kind, period, due_on, due_at, created_at) VALUES ($1, $2, $3,"
                  " $4, $5) ON CONFLICT DO NOTHING",
                  {ReportKindCodes().at(d.kind), d.period, calendar::FormatIsoDate(d.due), Ms(due_at.value()), Ms(now)});
    }
}

// The year's deadlines as the rule gives them, with what the job and the office recorded of each.
std::vector<ReportDeadlineState> Watch::ReportDeadlineStates(const Principal& who, int year) const {
    std::vector<ReportDeadlineState> out;
    if (!MayReport(who)) return out;
    auto cal = calendars_.GetShared();
    if (!cal) return out;
    const auto now = clock_.Now();
    std::map<std::pair<std::string, std::string>, Row> stored;
    for (auto& r : db_.Read([&](Connection& c) {
             return c.Query("SELECT kind, period, COALESCE(draft_id, 0), COALESCE(report_id, 0), done_at FROM"
                            " tasks_report_deadlines WHERE due_on >= $1 AND due_on < $2",
                            {fmt::format("{:04}-01-01", year), fmt::format("{:04}-01-01", year + 1)});
         })) {
        stored.emplace(std::pair{r.Text(0), r.Text(1)}, std::move(r));
    }
    for (const auto& d : analysis::ReportDeadlines(year)) {
        auto due_at = internal::StartOfDay(d.due, *cal.value());
        if (!due_at) continue;
        ReportDeadlineState s{.kind = ReportKindCodes().at(d.kind), .period = d.period,
                              .due_on = calendar::FormatIsoDate(d.due), .due_at = due_at.value()};
        if (auto it = stored.find({s.kind, s.period}); it != stored.end()) {
            s.draft_id = it->second.Int(2);
            s.report_id = it->second.Int(3);
            if (!it->second.IsNull(4)) s.done_at = core::FromMillis(it->second.Int(4));
        }
        s.state = s.done_at ? (*s.done_at <= s.due_at ? "done" : "done_late")
                  : now >= s.due_at ? "overdue"
                  : now + std::chrono::hours(24 * 3) >= s.due_at ? "due_soon"
                                                                  : "waiting";
        out.push_back(std::move(s));
    }
    return out;
}

int Watch::RunReportSchedule() {
    auto cal = calendars_.GetShared();
    if (!cal) return 0;
    const auto& calendar = *cal.value();
    const auto now = clock_.Now();
    const auto today = calendar.LocalDate(now);
    int made = 0;
    // This year's deadlines (and next year's from December, for the January report).
    std::vector<analysis::ReportDeadline> deadlines = analysis::ReportDeadlines(static_cast<int>(today.year()));
    if (today.month() == std::chrono::December) {
        auto next = analysis::ReportDeadlines(static_cast<int>(today.year()) + 1);
        deadlines.insert(deadlines.end(), next.begin(), next.end());
    }
    if (auto done = db_.Transact([&](Connection& c) {
        EnsureDeadlines(c, calendar, deadlines, now);
        return core::Status(core::Ok{});
    }); !done) {
        spdlog::warn("tasks: the report schedule failed: {}", core::Text(done.error().message, "en"));
    }
    auto open = db_.Read([&](Connection& c) {
        return c.Query("SELECT kind, period, due_at, COALESCE(draft_id, 0) FROM tasks_report_deadlines WHERE done_at IS NULL"
                       " AND due_at <= $1 AND due_at > $2 AND due_at > created_at ORDER BY due_at",
                       {Ms(now + std::chrono::hours(24 * 5)), Ms(now - std::chrono::hours(24 * 30))});
    });
    const auto op = Principal::Operator();
    for (const auto& r : open) {
        const std::string kind = r.Text(0), period = r.Text(1);
        const auto due_at = core::FromMillis(r.Int(2));
        // The statistics ready 5 days ahead: one draft per deadline, whichever node makes it.
        if (r.Int(3) == 0 && now < due_at) {
            const bool claimed = db_.Transact([&](Connection& c) {
                return c.Execute("UPDATE tasks_report_deadlines SET draft_id = -1 WHERE kind = $1 AND period = $2 AND"
                                 " draft_id IS NULL",
                                 {kind, period}) == 1;
            });
            if (claimed) {
                auto rep = GenerateReport(op, {.kind = kind, .period = period});
                if (rep) ++made;
                // The draft's id, or the claim given back for the next run when it failed.
                db_.Transact([&](Connection& c) {
                    return c.Execute("UPDATE tasks_report_deadlines SET draft_id = $1 WHERE kind = $2 AND period = $3",
                                     {rep ? core::db::Value(rep->id) : core::db::Value(), kind, period});
                });
            }
        }
        // Reminders to the task office: 3 days before, on its last day, after it; each once.
        const char* level = now >= due_at                                   ? "overdue"
                            : now + std::chrono::hours(24) >= due_at       ? "due"
                            : now + std::chrono::hours(24 * 3) >= due_at   ? "due_soon"
                                                                           : nullptr;
        if (!level || !notify_ || !holders_) continue;
        db_.Transact([&](Connection& c) {
            if (c.Execute("INSERT INTO tasks_report_reminders (kind, period, level, sent_at) VALUES ($1, $2, $3, $4)"
                          " ON CONFLICT DO NOTHING",
                          {kind, period, std::string(level), Ms(now)}) != 1)
                return 0;
            const auto due_day = Dmy(calendar.LocalDate(due_at));
            const std::string title =
                std::string(level) == "overdue"
                    ? fmt::format("Quá hạn tổng hợp báo cáo {} (hạn trước ngày {})", period, due_day)
                    : fmt::format("Nhắc tổng hợp báo cáo {}: hạn trước ngày {}", period, due_day);
            for (auto user : holders_(c, kTaskEnter, core::access::Scope::Global()))
                notify_(c, user, title, "Điều 16.2 Quy chế 08-QC/TW: Văn phòng Trung ương Đảng tổng hợp, báo cáo định kỳ.",
                        "/admin/tasks/reports");
            ++made;
            return 1;
        });
    }
    return made;
}

}  // namespace vp::tasks
