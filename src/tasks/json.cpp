// The API's JSON forms of the Tasks records (docs/tasks.md; src/tasks/openapi.json).
#include <boost/json.hpp>

#include "calendar/iso_time.hpp"
#include "tasks/tasks.hpp"

namespace vp::tasks {
namespace {

namespace json = boost::json;

json::value Iso(const std::optional<core::TimePoint>& t, std::string_view tz) {
    if (!t) return nullptr;
    return json::value(calendar::FormatIso(*t, tz));
}

}  // namespace

json::object ToJson(const Clock& k, const calendar::Calendar& cal) {
    const auto& tz = cal.TimeZone();
    json::object o{{"id", k.id},
                   {"kind", k.final ? "final" : std::string(ClockCode(k.kind))},
                   {"label", k.label},
                   {"subject", k.subject},
                   {"started_at", calendar::FormatIso(k.started_at, tz)},
                   {"due_at", calendar::FormatIso(k.due_at, tz)},
                   {"state", OutcomeCode(k.state.outcome)},
                   {"by_minutes", k.state.by.count()},
                   {"note", k.note}};
    o["done_at"] = Iso(k.done_at, tz);
    o["point"] = Iso(k.point, tz);
    return o;
}

json::object ToJson(const Task& t, const calendar::Calendar& cal) {
    const auto& tz = cal.TimeZone();
    json::array leads, coordinating, checkpoints, clocks, subtasks;
    for (const auto& u : t.units) {
        json::object o{{"id", u.unit_id}, {"code", u.code}, {"name", u.name}};
        if (u.role == "lead") {
            o["acknowledged_at"] = Iso(u.acknowledged_at, tz);
            leads.push_back(std::move(o));
        } else {
            coordinating.push_back(std::move(o));
        }
    }
    for (const auto& k : t.clocks) {
        auto o = ToJson(k, cal);
        if (k.kind == ClockKind::kUpdate) {
            checkpoints.push_back(o);
        } else {
            clocks.push_back(std::move(o));
        }
    }
    for (auto id : t.subtasks) subtasks.emplace_back(id);
    json::object o{{"id", t.id},
                   {"document_id", t.document_id},
                   {"document_title", t.document_title},
                   {"content", t.content},
                   {"lead_units", std::move(leads)},
                   {"coordinating_units", std::move(coordinating)},
                   {"monitoring_unit", json::object{{"id", t.monitoring_unit_id}, {"name", t.monitoring_unit_name}}},
                   {"start", calendar::FormatIso(t.start, tz)},
                   {"assigned_at", calendar::FormatIso(t.assigned_at, tz)},
                   {"cadence", CadenceCode(t.cadence)},
                   {"priority", t.priority},
                   {"scope", t.scope},
                   {"group", t.group},
                   {"progress", t.progress},
                   {"results", t.results},
                   {"products", t.products},
                   {"status", StatusCode(t.status)},
                   {"status_at", calendar::FormatIso(t.status_at, tz)},
                   {"version", t.version},
                   {"checkpoints", std::move(checkpoints)},
                   {"clocks", std::move(clocks)},
                   {"subtasks", std::move(subtasks)}};
    o["parent_id"] = t.parent_id ? json::value(t.parent_id) : nullptr;
    o["deadline"] = Iso(t.deadline, tz);
    o["completed_at"] = Iso(t.completed_at, tz);
    o["subtasks_progress"] = t.subtasks_progress ? json::value(*t.subtasks_progress) : nullptr;
    return o;
}

json::object ToJson(const Document& d) {
    json::array files;
    for (const auto& f : d.files)
        files.push_back(json::object{{"url", f.url}, {"filename", f.filename}, {"signature", f.signature}});
    return json::object{{"id", d.id},
                        {"kind", d.kind},
                        {"title", d.title},
                        {"number", d.number},
                        {"symbol", d.symbol},
                        {"summary", d.summary},
                        {"issued_on", d.issued_on},
                        {"signer", d.signer},
                        {"submitting_unit", d.submitting_unit},
                        {"issuing_unit", d.issuing_unit},
                        {"secrecy", d.secrecy},
                        {"files", std::move(files)},
                        {"tasks", d.tasks}};
}

json::object ToJson(const Update& u, std::string_view tz) {
    json::array att;
    for (const auto& a : u.attachments) att.emplace_back(a);
    json::object o{{"id", u.id},
                   {"task_id", u.task_id},
                   {"unit_id", u.unit_id},
                   {"progress", u.progress},
                   {"results", u.results},
                   {"products", u.products},
                   {"difficulties", u.difficulties},
                   {"causes", u.causes},
                   {"attachments", std::move(att)},
                   {"completion", u.completion},
                   {"state", u.state},
                   {"submitted_by", u.submitted_by},
                   {"submitted_at", calendar::FormatIso(u.submitted_at, tz)},
                   {"decision_comment", u.decision_comment},
                   {"evaluation", u.evaluation}};
    o["decided_at"] = Iso(u.decided_at, tz);
    o["evaluated_at"] = Iso(u.evaluated_at, tz);
    return o;
}

json::object ToJson(const Dispute& d, std::string_view tz) {
    json::object o{{"id", d.id},           {"task_id", d.task_id},
                   {"unit_id", d.unit_id}, {"reason", d.reason},
                   {"raised_at", calendar::FormatIso(d.raised_at, tz)},
                   {"outcome", d.outcome}, {"settlement", d.settlement}};
    o["settled_at"] = Iso(d.settled_at, tz);
    o["new_unit_id"] = d.new_unit_id ? json::value(d.new_unit_id) : nullptr;
    return o;
}

json::object ToJson(const Explanation& e, std::string_view tz) {
    json::object o{{"id", e.id},         {"task_id", e.task_id}, {"unit_id", e.unit_id}, {"cause", e.cause},
                   {"detail", e.detail}, {"required_at", calendar::FormatIso(e.required_at, tz)},
                   {"text", e.text}};
    o["submitted_at"] = Iso(e.submitted_at, tz);
    return o;
}

json::object ToJson(const CatalogueEntry& e) {
    return json::object{{"id", e.id},           {"category", e.category}, {"code", e.code},
                        {"name_vi", e.name_vi}, {"name_en", e.name_en},   {"sort_order", e.sort_order},
                        {"status", e.status}};
}

}  // namespace vp::tasks
