// Reconciliation (T-12; 08-QC/TW Art. 17.3.a: units answer for the accuracy of their data), part
// of Watch (watch.hpp): a unit uploads its own table of its tasks and results; each row is
// compared with the system field by field; the unit flags differences for the task office to
// correct. The columns are found by their headings, in Vietnamese or English, with or without
// diacritics (docs/tasks.md "Reconciliation").
#include <algorithm>
#include <map>
#include <set>

#include <boost/json.hpp>
#include <fmt/format.h>

#include "calendar/iso_time.hpp"
#include "core/export/table_read.hpp"
#include "core/export/xlsx.hpp"
#include "core/message.hpp"
#include "core/text.hpp"
#include "tasks/watch.hpp"

namespace vp::tasks {
namespace {

namespace json = boost::json;
using core::Msg;
using core::db::Connection;

std::int64_t Ms(core::TimePoint t) { return core::ToMillis(t); }

// A heading or a text compared as people mean it: folded, lower case, single spaces.
std::string Plain(std::string_view s) {
    std::string folded = core::FoldDiacritics(s), out;
    for (char c : folded) {
        const char l = (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
        if (l == ' ' || l == '\t' || l == '\r' || l == '\n') {
            if (!out.empty() && out.back() != ' ') out += ' ';
        } else {
            out += l;
        }
    }
    while (!out.empty() && out.back() == ' ') out.pop_back();
    return out;
}

enum class Col { kId, kProgress, kCompleted, kDeadline, kResults };

std::optional<Col> ColumnOf(const std::string& heading) {
    static const std::map<std::string, Col> kNames = {
        {"so", Col::kId},
        {"id", Col::kId},
        {"ma", Col::kId},
        {"ma nhiem vu", Col::kId},
        {"so nhiem vu", Col::kId},
        {"task", Col::kId},
        {"task id", Col::kId},
        {"tien do", Col::kProgress},
        {"tien do (%)", Col::kProgress},
        {"ty le hoan thanh", Col::kProgress},
        {"progress", Col::kProgress},
        {"progress (%)", Col::kProgress},
        {"ngay hoan thanh", Col::kCompleted},
        {"hoan thanh ngay", Col::kCompleted},
        {"completed", Col::kCompleted},
        {"completed on", Col::kCompleted},
        {"completed_on", Col::kCompleted},
        {"thoi han", Col::kDeadline},
        {"han hoan thanh", Col::kDeadline},
        {"thoi han hoan thanh", Col::kDeadline},
        {"deadline", Col::kDeadline},
        {"ket qua", Col::kResults},
        {"ket qua thuc hien", Col::kResults},
        {"results", Col::kResults},
    };
    auto it = kNames.find(Plain(heading));
    if (it == kNames.end()) return std::nullopt;
    return it->second;
}

// "80", "80%", "0.8" (a percentage cell) → 80; nullopt when it is not a percentage.
std::optional<int> PercentOf(std::string s) {
    if (s.ends_with("%")) s.pop_back();
    if (s.empty()) return std::nullopt;
    for (auto& c : s) {
        if (c == ',') c = '.';
    }
    char* end = nullptr;
    double v = std::strtod(s.c_str(), &end);
    if (end != s.c_str() + s.size()) return std::nullopt;
    if (s.find('.') != std::string::npos && v > 0 && v <= 1) v *= 100;  // a cell formatted as %
    if (v < 0 || v > 100) return std::nullopt;
    return static_cast<int>(v + 0.5);
}

// "18/03/2026", "2026-03-18", an Excel serial → "2026-03-18"; "" for empty; nullopt when unreadable.
std::optional<std::string> DateOf(const std::string& s) {
    if (s.empty()) return std::string();
    if (calendar::ParseIsoDate(s)) return s;
    if (auto serial = core::table::SerialToDate(s); !serial.empty()) return serial;
    unsigned d = 0, m = 0, y = 0;
    char a = 0, b = 0;
    if (std::sscanf(s.c_str(), "%u%c%u%c%u", &d, &a, &m, &b, &y) == 5 && (a == '/' || a == '.' || a == '-') && a == b) {
        const auto iso = fmt::format("{:04}-{:02}-{:02}", y, m, d);
        if (calendar::ParseIsoDate(iso)) return iso;
    }
    return std::nullopt;
}

struct Mine {
    std::string content, progress, completed, deadline, results;
};

}  // namespace

core::Result<Reconciliation> Watch::Reconcile(const Principal& who, const std::string& unit_code,
                                              std::string_view bytes, std::string filename) {
    auto unit = units_.FindByCode(unit_code);
    if (!unit) return core::InvalidField("unit", Msg("tasks.unit_not_found", {{"code", unit_code}}));
    // The unit's own people, or the task office on its behalf.
    auto actor = policy_.Authorize(who, kUpdateSubmit, core::access::Scope::Unit(unit->id));
    if (!actor) actor = policy_.Authorize(who, kUpdateApprove, core::access::Scope::Unit(unit->id));
    if (!actor) actor = policy_.Authorize(who, kTaskEnter, core::access::Scope::Global());
    if (!actor) return actor.error();
    auto name = core::CleanField("filename", filename.empty() ? std::string("bang.xlsx") : filename, 200, false);
    if (!name) return name.error();
    auto table = core::table::ReadTable(bytes);
    if (!table) return table.error();
    if (table->empty()) return core::InvalidField("file", Msg("tasks.reconcile_empty"));
    // The headings: the first row naming a task-number column.
    std::map<Col, std::size_t> cols;
    std::size_t header_row = 0;
    for (; header_row < std::min<std::size_t>(table->size(), 10); ++header_row) {
        cols.clear();
        const auto& row = (*table)[header_row];
        for (std::size_t i = 0; i < row.size(); ++i) {
            if (auto c = ColumnOf(row[i]); c && !cols.contains(*c)) cols[*c] = i;
        }
        if (cols.contains(Col::kId)) break;
    }
    if (!cols.contains(Col::kId)) return core::InvalidField("file", Msg("tasks.reconcile_no_id_column"));
    auto cal = calendars_.GetShared();
    if (!cal) return cal.error();
    // The unit's tasks as the system has them (it leads them).
    std::map<std::int64_t, Mine> system;
    db_.Read([&](Connection& c) {
        for (const auto& r : c.Query("SELECT t.id, t.content, t.progress, t.completed_at, t.deadline_at, t.results FROM"
                                     " tasks_tasks t JOIN tasks_task_units tu ON tu.task_id = t.id WHERE tu.unit_id = $1"
                                     " AND tu.role = 'lead' AND tu.active = 1",
                                     {unit->id})) {
            system[r.Int(0)] = {r.Text(1), std::to_string(r.Int(2)),
                                r.IsNull(3) ? "" : calendar::FormatIsoDate(cal.value()->LocalDate(core::FromMillis(r.Int(3)))),
                                r.IsNull(4) ? "" : calendar::FormatIsoDate(cal.value()->LocalDate(core::FromMillis(r.Int(4)))),
                                r.Text(5)};
        }
        return 0;
    });
    std::vector<Difference> diffs;
    std::vector<std::string> problems;
    std::set<std::int64_t> seen;
    std::int64_t rows = 0, matched = 0;
    auto cell = [&](const std::vector<std::string>& row, Col c) -> std::string {
        auto it = cols.find(c);
        return it != cols.end() && it->second < row.size() ? row[it->second] : std::string();
    };
    for (std::size_t i = header_row + 1; i < table->size(); ++i) {
        const auto& row = (*table)[i];
        if (std::all_of(row.begin(), row.end(), [](const auto& c) { return c.empty(); })) continue;
        ++rows;
        const auto line = std::to_string(i + 1);
        const auto id_text = cell(row, Col::kId);
        const auto id = [&]() -> std::optional<std::int64_t> {
                std::int64_t v = 0;
                if (id_text.empty() || id_text.size() > 15) return std::nullopt;
                for (char ch : id_text) {
                    if (ch < '0' || ch > '9') return std::nullopt;
                    v = v * 10 + (ch - '0');
                }
                return v;
            }();
        if (!id) {
            problems.push_back(fmt::format("dòng {}: số nhiệm vụ «{}» không hợp lệ", line, id_text));
            continue;
        }
        auto it = system.find(*id);
        if (it == system.end()) {
            problems.push_back(fmt::format("dòng {}: nhiệm vụ số {} không do đơn vị chủ trì", line, *id));
            continue;
        }
        if (!seen.insert(*id).second) {
            problems.push_back(fmt::format("dòng {}: nhiệm vụ số {} lặp lại", line, *id));
            continue;
        }
        ++matched;
        const auto& mine = it->second;
        auto differ = [&](const char* field, const std::string& sys, const std::string& theirs) {
            diffs.push_back({.task_id = *id, .task_content = mine.content, .field = field, .system_value = sys,
                             .unit_value = theirs});
        };
        if (cols.contains(Col::kProgress)) {
            const auto text = cell(row, Col::kProgress);
            if (auto p = PercentOf(text)) {
                if (std::to_string(*p) != mine.progress) differ("progress", mine.progress, std::to_string(*p));
            } else if (!text.empty()) {
                problems.push_back(fmt::format("dòng {}: tiến độ «{}» không phải phần trăm 0–100", line, text));
            }
        }
        for (auto [c, field, sys] : {std::tuple{Col::kCompleted, "completed_on", &mine.completed},
                                     std::tuple{Col::kDeadline, "deadline", &mine.deadline}}) {
            if (!cols.contains(c)) continue;
            const auto text = cell(row, c);
            auto d = DateOf(text);
            if (!d) {
                problems.push_back(fmt::format("dòng {}: ngày «{}» không đọc được (dd/mm/yyyy)", line, text));
            } else if (*d != *sys) {
                differ(field, *sys, *d);
            }
        }
        if (cols.contains(Col::kResults)) {
            const auto text = cell(row, Col::kResults);
            if (Plain(text) != Plain(mine.results)) differ("results", mine.results, text);
        }
    }
    // Tasks the unit leads that its table does not list.
    for (const auto& [id, mine] : system) {
        if (!seen.contains(id))
            diffs.push_back({.task_id = id, .task_content = mine.content, .field = "presence",
                             .system_value = "có", .unit_value = "không có"});
    }
    const auto now = clock_.Now();
    auto made = db_.Transact([&](Connection& c) -> core::Result<std::int64_t> {
        json::array list;
        for (const auto& p : problems) list.emplace_back(p);
        const auto id = c.QueryOne("INSERT INTO tasks_reconciliations (unit_id, filename, uploaded_by, uploaded_at, rows_read,"
                                   " matched, problems_json) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
                                   {unit->id, *name, who.user_id, Ms(now), rows, matched, json::serialize(list)})
                            ->Int(0);
        for (const auto& d : diffs) {
            c.Execute("INSERT INTO tasks_reconciliation_diffs (reconciliation_id, task_id, field, system_value, unit_value)"
                      " VALUES ($1, $2, $3, $4, $5)",
                      {id, d.task_id, d.field, d.system_value, d.unit_value});
        }
        audit_.Write(c, actor.value(),
                     {"tasks.reconciliation.upload", "tasks_reconciliation", std::to_string(id), nullptr,
                      json::object{{"unit", unit->code}, {"filename", *name}, {"rows", rows}, {"matched", matched},
                                   {"differences", diffs.size()}, {"problems", problems.size()}}});
        return id;
    });
    if (!made) return made.error();
    return GetReconciliation(who, made.value());
}

core::Result<std::string> Watch::ReconciliationTemplate(const Principal& who, const std::string& unit_code) const {
    auto unit = units_.FindByCode(unit_code);
    if (!unit) return core::InvalidField("unit", Msg("tasks.unit_not_found", {{"code", unit_code}}));
    if (!MayReadUnit(who, unit->id)) return core::Forbidden(Msg("tasks.not_allowed"));
    auto cal = calendars_.GetShared();
    if (!cal) return cal.error();
    namespace x = core::xlsx;
    x::Sheet s{.name = "Đối soát",
               .columns = {{"Số", x::ColumnType::kInteger}, {"Nội dung nhiệm vụ", x::ColumnType::kText, 60},
                           {"Tiến độ (%)", x::ColumnType::kInteger}, {"Ngày hoàn thành", x::ColumnType::kDate},
                           {"Thời hạn", x::ColumnType::kDate}, {"Kết quả", x::ColumnType::kText, 60}}};
    db_.Read([&](Connection& c) {
        for (const auto& r : c.Query("SELECT t.id, t.content, t.progress, t.completed_at, t.deadline_at, t.results FROM"
                                     " tasks_tasks t JOIN tasks_task_units tu ON tu.task_id = t.id WHERE tu.unit_id = $1"
                                     " AND tu.role = 'lead' AND tu.active = 1 ORDER BY t.id",
                                     {unit->id})) {
            auto day = [&](std::size_t i) -> x::Cell {
                if (r.IsNull(i)) return {};
                return calendar::FormatIsoDate(cal.value()->LocalDate(core::FromMillis(r.Int(i))));
            };
            s.rows.push_back({r.Int(0), r.Text(1), r.Int(2), day(3), day(4), r.Text(5)});
        }
        return 0;
    });
    return x::WriteXlsx({s}, {.title = "Đối soát nhiệm vụ — " + unit->name_vi, .author = "Văn phòng Trung ương Đảng"});
}

std::vector<Reconciliation> Watch::Reconciliations(const Principal& who) const {
    std::vector<Reconciliation> out;
    auto rows = db_.Read([&](Connection& c) {
        return c.Query("SELECT id, unit_id, filename, uploaded_by, uploaded_at, rows_read, matched FROM"
                       " tasks_reconciliations ORDER BY id DESC LIMIT 500");
    });
    for (const auto& r : rows) {
        if (!MayReadUnit(who, r.Int(1))) continue;
        Reconciliation x{.id = r.Int(0), .unit_id = r.Int(1), .filename = r.Text(2), .uploaded_by = r.Int(3),
                         .uploaded_at = core::FromMillis(r.Int(4)), .rows = r.Int(5), .matched = r.Int(6)};
        if (auto u = units_.Find(x.unit_id)) {
            x.unit_code = u->code;
            x.unit_name = u->name_vi;
        }
        out.push_back(std::move(x));
    }
    return out;
}

core::Result<Reconciliation> Watch::GetReconciliation(const Principal& who, std::int64_t id) const {
    auto head = db_.Read([&](Connection& c) {
        return c.QueryOne("SELECT id, unit_id, filename, uploaded_by, uploaded_at, rows_read, matched, problems_json FROM"
                          " tasks_reconciliations WHERE id = $1",
                          {id});
    });
    if (!head || !MayReadUnit(who, head->Int(1))) return core::NotFound(Msg("tasks.reconcile_not_found"));
    Reconciliation x{.id = head->Int(0), .unit_id = head->Int(1), .filename = head->Text(2),
                     .uploaded_by = head->Int(3), .uploaded_at = core::FromMillis(head->Int(4)), .rows = head->Int(5),
                     .matched = head->Int(6)};
    const auto problems = json::parse(head->Text(7));  // kept: the loop reads into it
    for (const auto& p : problems.as_array()) x.problems.emplace_back(p.as_string());
    if (auto u = units_.Find(x.unit_id)) {
        x.unit_code = u->code;
        x.unit_name = u->name_vi;
    }
    db_.Read([&](Connection& c) {
        for (const auto& r : c.Query("SELECT d.id, d.task_id, t.content, d.field, d.system_value, d.unit_value,"
                                     " d.flagged_at, d.note FROM tasks_reconciliation_diffs d JOIN tasks_tasks t ON"
                                     " t.id = d.task_id WHERE d.reconciliation_id = $1 ORDER BY d.task_id, d.id",
                                     {id})) {
            Difference d{.id = r.Int(0), .task_id = r.Int(1), .task_content = r.Text(2), .field = r.Text(3),
                         .system_value = r.Text(4), .unit_value = r.Text(5), .note = r.Text(7)};
            if (!r.IsNull(6)) d.flagged_at = core::FromMillis(r.Int(6));
            x.differences.push_back(std::move(d));
        }
        return 0;
    });
    return x;
}

core::Result<Difference> Watch::FlagDifference(const Principal& who, std::int64_t reconciliation_id,
                                               std::int64_t difference_id, std::string note) {
    auto clean = core::CleanField("note", note, 2000, true);
    if (!clean) return clean.error();
    auto rec = GetReconciliation(who, reconciliation_id);
    if (!rec) return rec.error();
    const Difference* diff = nullptr;
    for (const auto& d : rec->differences) {
        if (d.id == difference_id) diff = &d;
    }
    if (!diff) return core::NotFound(Msg("tasks.reconcile_not_found"));
    // The unit that reported flags its differences; the task office corrects them.
    auto actor = policy_.Authorize(who, kUpdateSubmit, core::access::Scope::Unit(rec->unit_id));
    if (!actor) actor = policy_.Authorize(who, kUpdateApprove, core::access::Scope::Unit(rec->unit_id));
    if (!actor) return actor.error();
    auto done = db_.Transact([&](Connection& c) -> core::Status {
        if (c.Execute("UPDATE tasks_reconciliation_diffs SET flagged_by = $1, flagged_at = $2, note = $3 WHERE id = $4 AND"
                      " reconciliation_id = $5 AND flagged_at IS NULL",
                      {who.user_id, Ms(clock_.Now()), *clean, difference_id, reconciliation_id}) != 1) {
            return core::Conflict(Msg("tasks.reconcile_flagged"));
        }
        audit_.Write(c, actor.value(),
                     {"tasks.reconciliation.flag", "tasks_reconciliation", std::to_string(reconciliation_id), nullptr,
                      json::object{{"difference", difference_id}, {"task", diff->task_id}, {"field", diff->field},
                                   {"note", *clean}}});
        if (notify_ && holders_) {
            for (auto user : holders_(c, kTaskEnter, core::access::Scope::Global())) {
                notify_(c, user, fmt::format("Đề nghị điều chỉnh dữ liệu nhiệm vụ số {} ({})", diff->task_id, rec->unit_name),
                        fmt::format("Trường {}: hệ thống «{}», đơn vị báo cáo «{}». {}", diff->field, diff->system_value,
                                    diff->unit_value, *clean),
                        "/admin/tasks/reconcile/" + std::to_string(reconciliation_id));
            }
        }
        return core::Ok{};
    });
    if (!done) return done.error();
    auto again = GetReconciliation(who, reconciliation_id);
    for (const auto& d : again->differences) {
        if (d.id == difference_id) return d;
    }
    return core::NotFound(Msg("tasks.reconcile_not_found"));
}

}  // namespace vp::tasks
