// The Tasks screens (Vietnamese first): the list with its filters, the task office's entry form
// with the schedule preview, and a task's page where the unit acknowledges, reports and approves
// and the monitoring unit evaluates.
#include <boost/json.hpp>

#include "calendar/iso_time.hpp"
#include "core/message.hpp"
#include "tasks/handlers.hpp"
#include "tasks/secrecy.hpp"

namespace vp::tasks {

namespace http = core::http;
namespace json = boost::json;
using auth::Principal;
using core::Msg;
using http::Request;
using http::Response;

namespace {

template <class F>
Response Page(auth::Web& web, Request& req, F f) {
    return auth::WithPrincipal(web, req, false, f);
}

// "2026-03-25T17:00:00+07:00" -> "25/03/2026 17:00".
std::string Local(const json::value& iso) {
    if (!iso.is_string() || iso.get_string().size() < 16) return "";
    const std::string s(iso.get_string());
    return s.substr(8, 2) + "/" + s.substr(5, 2) + "/" + s.substr(0, 4) + " " + s.substr(11, 5);
}

std::vector<std::string> Codes(const std::string& text) {
    std::vector<std::string> out;
    std::string cur;
    for (char ch : text + ",") {
        if (ch == ',' || ch == ' ' || ch == '\n' || ch == '\r' || ch == '\t') {
            if (!cur.empty()) out.push_back(cur);
            cur.clear();
        } else {
            cur += ch;
        }
    }
    return out;
}

std::string ByText(std::int64_t minutes) {
    if (minutes == 0) return "";
    const auto m = minutes < 0 ? -minutes : minutes;
    auto text = (m >= 60 ? std::to_string(m / 60) + " giờ " : std::string()) +
                (m % 60 ? std::to_string(m % 60) + " phút " : std::string());
    return text + (minutes > 0 ? "làm việc trễ" : "làm việc sớm");
}

// Empty texts become null, so that a section {{#x}} is left out (an empty string counts as set).
void DropEmpty(json::object& o, std::initializer_list<const char*> keys) {
    for (const char* k : keys) {
        if (auto* v = o.if_contains(k); v && v->is_string() && v->get_string().empty()) *v = nullptr;
    }
}

std::string CatalogueName(const Service& s, const char* category, const std::string& code) {
    for (const auto& e : s.Catalogue(category)) {
        if (e.code == code) return e.name_vi;
    }
    return code;
}

json::array CatalogueOptions(const Service& s, const char* category, const std::string& selected) {
    json::array out;
    for (const auto& e : s.Catalogue(category)) {
        if (e.status != "active") continue;
        auto o = ToJson(e);
        o["selected"] = e.code == selected;
        out.push_back(std::move(o));
    }
    return out;
}

json::array DocumentOptions(const Service& s, const Principal& p, std::int64_t selected) {
    json::array out;
    for (const auto& d : s.Documents(p)) {
        out.push_back(json::object{{"id", d.id},
                                   {"symbol_line", "Số " + d.number + "-" + d.symbol + " · " + d.title},
                                   {"selected", d.id == selected}});
    }
    return out;
}

}  // namespace

Response Handlers::TasksPage(Request& req) {
    return Page(web_, req, [&](const Principal& p) {
        auto cal = Calendar();
        if (!cal) return web_.Fail(req, &p, cal.error());
        TaskFilter f{.unit = req.QueryParam("unit").value_or(""), .priority = req.QueryParam("priority").value_or("")};
        const auto status = req.QueryParam("status").value_or("");
        if (!status.empty()) f.status = ParseStatus(status);
        f.document_id = auth::ParseId(req.QueryParam("document").value_or("")).value_or(0);
        for (auto [name, out] : {std::pair{"due_from", &f.due_from}, {"due_to", &f.due_to}}) {
            auto t = TimeParam(req.QueryParam(name).value_or(""), name, false, *cal.value());
            if (!t) return web_.Fail(req, &p, t.error());
            *out = t.value();
        }
        f.limit = 200;
        json::array tasks;
        for (const auto& t : tasks_.ListTasks(p, f)) {
            auto o = ToJson(t, *cal.value());
            std::string leads;
            for (const auto& u : t.units) {
                if (u.role == "lead") leads += (leads.empty() ? "" : ", ") + u.name;
            }
            o["leads_text"] = leads;
            o["deadline_day"] = Local(o["deadline"]).substr(0, 10);
            o["status_label"] = web_.Templates().T(req.Lang(), "tasks_status_" + std::string(StatusCode(t.status)));
            tasks.push_back(std::move(o));
        }
        json::array statuses;
        for (auto s : kAllStatuses) {
            const std::string code(StatusCode(s));
            statuses.push_back(json::object{{"code", code},
                                            {"label", web_.Templates().T(req.Lang(), "tasks_status_" + code)},
                                            {"selected", code == status}});
        }
        return web_.Page(req, &p, "tasks/list",
                         {{"tasks", std::move(tasks)},
                          {"statuses", std::move(statuses)},
                          {"priorities", CatalogueOptions(tasks_, "priority", f.priority)},
                          {"documents", DocumentOptions(tasks_, p, f.document_id)},
                          {"unit", f.unit},
                          {"due_from", req.QueryParam("due_from").value_or("")},
                          {"due_to", req.QueryParam("due_to").value_or("")},
                          {"can_enter", tasks_.MayEnter(p)}},
                         "tasks_list_title");
    });
}

// The entry form's data: what was typed (`form`), the chosen document and classification.
json::object Handlers::EntryForm(const Request& req, const Principal& p, json::object form, std::int64_t document,
                                 Cadence cadence, const std::string& priority, const std::string& scope,
                                 const std::string& group) const {
    json::array cadences;
    for (auto c : {Cadence::kNone, Cadence::kMonthly, Cadence::kQuarterly, Cadence::kYearly}) {
        const std::string code = c == Cadence::kNone ? "none" : std::string(CadenceCode(c));
        cadences.push_back(json::object{{"code", CadenceCode(c)},
                                        {"label", web_.Templates().T(req.Lang(), "tasks_cadence_" + code)},
                                        {"selected", c == cadence}});
    }
    return json::object{{"documents", DocumentOptions(tasks_, p, document)},
                        {"form", std::move(form)},
                        {"cadences", std::move(cadences)},
                        {"priorities", CatalogueOptions(tasks_, "priority", priority)},
                        {"scopes", CatalogueOptions(tasks_, "scope", scope)},
                        {"groups", CatalogueOptions(tasks_, "group", group)}};
}

Response Handlers::NewTaskPage(Request& req) {
    return Page(web_, req, [&](const Principal& p) {
        if (!tasks_.MayEnter(p)) return web_.Fail(req, &p, core::Forbidden(Msg("tasks.not_allowed")));
        json::object form{{"start", ""}, {"deadline", ""}, {"content", ""}, {"lead_units", ""},
                          {"coordinating_units", ""}, {"monitoring_unit", "VPTW-VTH"}};
        const auto chosen = auth::ParseId(req.QueryParam("document").value_or("")).value_or(0);
        return web_.Page(req, &p, "tasks/new", EntryForm(req, p, std::move(form), chosen, Cadence::kNone, "regular", "national", ""),
                         "tasks_new_title");
    });
}

Response Handlers::CreateFromPage(Request& req) {
    return Page(web_, req, [&](const Principal& p) {
        auto cal = Calendar();
        if (!cal) return web_.Fail(req, &p, cal.error());
        auto form = req.Form();
        auto field = [&](const char* k) { return auth::FormField(form, k); };
        auto cadence = ParseCadence(field("cadence"));
        if (!cadence) return web_.Fail(req, &p, core::InvalidField("cadence", Msg("tasks.cadence_unknown", {{"cadence", field("cadence")}})));
        if (field("preview") == "1") {
            // The schedule the task would get, shown before saving (T-8).
            json::object f;
            for (const char* k : {"start", "deadline", "content", "lead_units", "coordinating_units", "monitoring_unit"}) f[k] = field(k);
            auto data = EntryForm(req, p, std::move(f), auth::ParseId(field("document")).value_or(0), *cadence,
                                  field("priority"), field("scope"), field("group"));
            auto plan = ScheduleJson(field("start"), field("deadline"), field("cadence"), *cal.value());
            if (plan) {
                json::array rows;
                for (const auto& k : plan->at("checkpoints").as_array()) {
                    json::object o = k.as_object();
                    o["point_local"] = Local(o["point"]);
                    o["due_local"] = Local(o["due_at"]);
                    o["kind_label"] = web_.Templates().T(req.Lang(), "tasks_kind_" + std::string(o["kind"].as_string()));
                    if (o["kind"].as_string() == "final") o["label"] = "";
                    rows.push_back(std::move(o));
                }
                data["preview"] = true;
                data["checkpoints"] = std::move(rows);
            } else {
                data["preview_error"] = core::Text(plan.error().message, req.Lang());
            }
            return web_.Page(req, &p, "tasks/new", std::move(data), "tasks_new_title");
        }
        auto start = TimeParam(field("start"), "start", false, *cal.value());
        if (!start) return web_.Fail(req, &p, start.error());
        auto deadline = TimeParam(field("deadline"), "deadline", true, *cal.value());
        if (!deadline) return web_.Fail(req, &p, deadline.error());
        auto r = tasks_.CreateTask(p, {.document_id = auth::ParseId(field("document")).value_or(0),
                                       .content = field("content"),
                                       .lead_units = Codes(field("lead_units")),
                                       .coordinating_units = Codes(field("coordinating_units")),
                                       .monitoring_unit = field("monitoring_unit"),
                                       .start = start.value(),
                                       .deadline = deadline.value(),
                                       .cadence = *cadence,
                                       .priority = field("priority"),
                                       .scope = field("scope"),
                                       .group = field("group")});
        if (!r) return web_.Fail(req, &p, r.error());
        return http::Redirect(req, "/admin/tasks/" + std::to_string(r->id) + "?ok=1");
    });
}

Response Handlers::TaskPage(Request& req) {
    return Page(web_, req, [&](const Principal& p) {
        auto cal = Calendar();
        if (!cal) return web_.Fail(req, &p, cal.error());
        auto id = auth::ParseId(req.path_params["id"]);
        auto t = id ? tasks_.GetTask(p, *id) : core::Result<Task>(core::NotFound(Msg("tasks.task_not_found")));
        if (!t) return web_.Fail(req, &p, t.error());
        const auto can = tasks_.AbilitiesOn(p, t.value());
        auto task = ToJson(t.value(), *cal.value());
        task["priority"] = CatalogueName(tasks_, "priority", t->priority);
        const auto& T = web_.Templates();
        const auto lang = req.Lang();
        json::array clocks;
        for (const auto& k : t->clocks) {
            auto o = ToJson(k, *cal.value());
            std::string label = T.T(lang, "tasks_clock_" + std::string(o["kind"].as_string()));
            if (k.kind == ClockKind::kUpdate && !k.final) label += " " + k.label;
            if (k.kind == ClockKind::kAcknowledge || k.kind == ClockKind::kDispute) {
                for (const auto& u : t->units) {
                    if (u.unit_id == k.subject) label += " — " + u.name;
                }
            }
            o["label_text"] = label;
            o["due_local"] = Local(o["due_at"]);
            o["done_local"] = Local(o["done_at"]);
            o["state_label"] = T.T(lang, "tasks_clock_state_" + std::string(OutcomeCode(k.state.outcome)));
            o["by_text"] = k.state.outcome == ClockState::Outcome::kRunning ? "" : ByText(k.state.by.count());
            DropEmpty(o, {"by_text", "note", "done_local"});
            clocks.push_back(std::move(o));
        }
        json::array updates;
        for (const auto& u : tasks_.Updates(p, t->id)) {
            auto o = ToJson(u, cal.value()->TimeZone());
            o["submitted_local"] = Local(o["submitted_at"]);
            o["state_label"] = T.T(lang, "tasks_update_state_" + u.state);
            o["can_decide"] = can.approve && u.state == "submitted";
            o["can_evaluate"] = can.evaluate && u.state == "approved" && !u.evaluated_at;
            o["task_id"] = t->id;
            DropEmpty(o, {"difficulties", "causes", "evaluation", "decision_comment", "results"});
            updates.push_back(std::move(o));
        }
        json::array explanations;
        bool open = false;
        for (const auto& e : tasks_.Explanations(p, t->id)) {
            auto o = ToJson(e, cal.value()->TimeZone());
            open = open || !e.submitted_at;
            if (!can.update) o["submitted_at"] = "—";  // only the unit's focal point writes it
            explanations.push_back(std::move(o));
        }
        // The document's signed files, with what their signature check found (T-23).
        json::array files;
        if (auto d = tasks_.GetDocument(p, t->document_id)) {
            for (const auto& f : d->files) {
                const auto& sig = f.signature;
                const bool valid = sig.is_object() && sig.as_object().if_contains("valid") &&
                                   sig.as_object().at("valid").is_bool() && sig.as_object().at("valid").as_bool();
                std::string signer, reason;
                if (sig.is_object()) {
                    if (auto* s = sig.as_object().if_contains("signer_subject"); s && s->is_string()) signer = s->get_string();
                    if (auto* r = sig.as_object().if_contains("reason"); r && r->is_string()) reason = r->get_string();
                }
                json::object o{{"href", "/admin/tasks/files/" + f.url.substr(std::string_view("/media/").size())},
                               {"filename", f.filename.empty() ? std::string("tệp") : f.filename},
                               {"valid", valid},
                               {"signer", signer}};
                o["reason"] = reason.empty() ? json::value(nullptr) : json::value(reason);
                if (signer.empty()) o["signer"] = nullptr;
                files.push_back(std::move(o));
            }
            task["document_symbol"] = "Số " + d->number + "-" + d->symbol + ", " + d->issued_on;
        }
        return web_.Page(req, &p, "tasks/task",
                         {{"task", task},
                          {"files", std::move(files)},
                          {"status_label", T.T(lang, "tasks_status_" + std::string(StatusCode(t->status)))},
                          {"start_local", Local(task["start"])},
                          {"deadline_local", Local(task["deadline"])},
                          {"clocks", std::move(clocks)},
                          {"updates", std::move(updates)},
                          {"explanations", std::move(explanations)},
                          {"explanations_open", open},
                          {"can_acknowledge", can.acknowledge},
                          {"can_update", can.update},
                          {"ok", req.QueryParam("ok").has_value()}},
                         "tasks_task_title");
    });
}

Response Handlers::ActFromPage(Request& req) {
    return Page(web_, req, [&](const Principal& p) {
        auto id = auth::ParseId(req.path_params["id"]);
        if (!id) return web_.Fail(req, &p, core::NotFound(Msg("tasks.task_not_found")));
        auto form = req.Form();
        auto field = [&](const char* k) { return auth::FormField(form, k); };
        const auto action = req.path_params["action"];
        const auto update = auth::ParseId(field("update")).value_or(0);
        core::Status done = core::Ok{};
        auto keep = [&](const auto& r) {
            if (!r) done = r.error();
        };
        if (action == "acknowledge") {
            keep(tasks_.Acknowledge(p, *id));
        } else if (action == "dispute") {
            keep(tasks_.OpenDispute(p, *id, field("reason")));
        } else if (action == "update") {
            auto progress = auth::ParseId(field("progress"));
            const int value = field("progress") == "0" ? 0 : progress ? static_cast<int>(std::min<std::int64_t>(*progress, 101)) : -1;
            keep(tasks_.SubmitUpdate(p, *id,
                                     {.progress = value,
                                      .results = field("results"),
                                      .products = field("products"),
                                      .difficulties = field("difficulties"),
                                      .causes = field("causes")},
                                     field("completion") == "1"));
        } else if (action == "approve" || action == "return") {
            keep(tasks_.DecideUpdate(p, update, action == "approve", field("comment")));
        } else if (action == "evaluate") {
            keep(tasks_.Evaluate(p, update, field("evaluation"), field("wrong_report") == "1"));
        } else if (action == "explain") {
            keep(tasks_.Explain(p, auth::ParseId(field("explanation")).value_or(0), field("text")));
        } else {
            return web_.Fail(req, &p, core::NotFound(Msg("tasks.task_not_found")));
        }
        if (!done) return web_.Fail(req, &p, done.error());
        return http::Redirect(req, "/admin/tasks/" + std::to_string(*id) + "?ok=" + action);
    });
}

// ---------------------------------------------------------------------------------------------
// The task office's pages: documents, the catalogue, open disputes

Response Handlers::NewDocumentPage(Request& req) {
    return Page(web_, req, [&](const Principal& p) {
        if (!tasks_.MayEnter(p)) return web_.Fail(req, &p, core::Forbidden(Msg("tasks.not_allowed")));
        json::array kinds, levels;
        for (const auto& e : tasks_.Catalogue("kind")) {
            if (e.status == "active") kinds.push_back(ToJson(e));
        }
        for (const auto& l : SecrecyLevels()) {
            levels.push_back(json::object{{"code", l}, {"label", web_.Templates().T(req.Lang(), "tasks_secrecy_" + l)},
                                          {"selected", l == "thuong"}});
        }
        return web_.Page(req, &p, "tasks/document_new", {{"kinds", std::move(kinds)}, {"levels", std::move(levels)}},
                         "tasks_document_new_title");
    });
}

Response Handlers::CreateDocumentFromPage(Request& req) {
    return Page(web_, req, [&](const Principal& p) {
        auto form = req.Form();
        auto field = [&](const char* k) { return auth::FormField(form, k); };
        NewDocument d{.kind = field("kind"),
                      .title = field("title"),
                      .number = field("number"),
                      .symbol = field("symbol"),
                      .summary = field("summary"),
                      .issued_on = field("issued_on"),
                      .signer = field("signer"),
                      .submitting_unit = field("submitting_unit"),
                      .issuing_unit = field("issuing_unit"),
                      .secrecy = field("secrecy").empty() ? std::string("thuong") : field("secrecy"),
                      .files = Codes(field("files"))};
        auto r = tasks_.CreateDocument(p, std::move(d));
        if (!r) return web_.Fail(req, &p, r.error());
        return http::Redirect(req, "/admin/tasks/new?document=" + std::to_string(r->id));
    });
}

Response Handlers::CataloguePage(Request& req) {
    return Page(web_, req, [&](const Principal& p) {
        json::array entries;
        for (const auto& e : tasks_.Catalogue()) {
            auto o = ToJson(e);
            o["category_label"] = web_.Templates().T(req.Lang(), "tasks_category_" + e.category);
            o["retired"] = e.status != "active";
            entries.push_back(std::move(o));
        }
        return web_.Page(req, &p, "tasks/catalogue", {{"entries", std::move(entries)}, {"can_edit", tasks_.MayEnter(p)}},
                         "tasks_catalogue_title");
    });
}

Response Handlers::SetCatalogueFromPage(Request& req) {
    return Page(web_, req, [&](const Principal& p) {
        auto form = req.Form();
        auto field = [&](const char* k) { return auth::FormField(form, k); };
        auto order = auth::ParseId(field("sort_order"));
        auto r = tasks_.SetCatalogueEntry(p, {.category = field("category"),
                                              .code = field("code"),
                                              .name_vi = field("name_vi"),
                                              .name_en = field("name_en"),
                                              .sort_order = order.value_or(0),
                                              .status = field("status")});
        if (!r) return web_.Fail(req, &p, r.error());
        return http::Redirect(req, "/admin/tasks/catalogue");
    });
}

Response Handlers::DisputesPage(Request& req) {
    return Page(web_, req, [&](const Principal& p) {
        if (!tasks_.MayEnter(p)) return web_.Fail(req, &p, core::Forbidden(Msg("tasks.not_allowed")));
        auto cal = Calendar();
        if (!cal) return web_.Fail(req, &p, cal.error());
        json::array list;
        for (const auto& d : tasks_.OpenDisputes(p)) {
            auto o = ToJson(d, cal.value()->TimeZone());
            o["raised_local"] = Local(o["raised_at"]);
            if (auto t = tasks_.GetTask(p, d.task_id)) {
                o["content"] = t->content;
                for (const auto& u : t->units) {
                    if (u.unit_id == d.unit_id) o["unit"] = u.name;
                }
            }
            list.push_back(std::move(o));
        }
        return web_.Page(req, &p, "tasks/disputes", {{"disputes", std::move(list)}}, "tasks_disputes_title");
    });
}

Response Handlers::SettleFromPage(Request& req) {
    return Page(web_, req, [&](const Principal& p) {
        auto id = auth::ParseId(req.path_params["id"]);
        if (!id) return web_.Fail(req, &p, core::NotFound(Msg("tasks.dispute_not_found")));
        auto form = req.Form();
        auto r = tasks_.SettleDispute(p, *id, auth::FormField(form, "settlement"), auth::FormField(form, "new_unit"));
        if (!r) return web_.Fail(req, &p, r.error());
        return http::Redirect(req, "/admin/tasks/disputes");
    });
}

// The secret partition's page (Art. 5.2): the documents the person is cleared for, the task
// office's entry form, a lead unit's "done" and the monitoring unit's evaluation.
Response Handlers::SecretPage(Request& req) {
    return Page(web_, req, [&](const Principal& p) {
        if (!secret_.MayUse(p)) return web_.Fail(req, &p, core::Forbidden(Msg("tasks.secret_not_cleared")));
        auto cal = Calendar();
        if (!cal) return web_.Fail(req, &p, cal.error());
        json::array list;
        for (const auto& d : secret_.List(p)) {
            auto o = ToJson(d, cal.value()->TimeZone());
            o["deadline_local"] = Local(o["deadline"]);
            o["result_label"] = web_.Templates().T(req.Lang(), "tasks_secret_result_" + std::string(SecretResultCode(d.result)));
            o["secrecy_label"] = web_.Templates().T(req.Lang(), "tasks_secrecy_" + d.secrecy);
            std::string leads;
            for (const auto& u : d.lead_units) leads += (leads.empty() ? "" : ", ") + u.name;
            o["leads"] = leads;
            o["open"] = !d.done_at.has_value();
            DropEmpty(o, {"notes", "number", "symbol"});
            list.push_back(std::move(o));
        }
        json::array kinds;
        for (const auto& e : tasks_.Catalogue("kind")) {
            if (e.status == "active") kinds.push_back(ToJson(e));
        }
        return web_.Page(req, &p, "tasks/secret",
                         {{"documents", std::move(list)}, {"kinds", std::move(kinds)}, {"can_enter", tasks_.MayEnter(p)}},
                         "tasks_secret_title");
    });
}

Response Handlers::SecretFromPage(Request& req) {
    return Page(web_, req, [&](const Principal& p) {
        auto form = req.Form();
        auto field = [&](const char* k) { return auth::FormField(form, k); };
        core::Result<SecretDocument> r = core::NotFound(Msg("tasks.document_not_found"));
        const auto action = req.path_params["action"];
        if (action.empty()) {
            auto cal = Calendar();
            if (!cal) return web_.Fail(req, &p, cal.error());
            auto deadline = TimeParam(field("deadline"), "deadline", true, *cal.value());
            if (!deadline) return web_.Fail(req, &p, deadline.error());
            auto count = auth::ParseId(field("task_count"));
            r = secret_.Create(p, {.fields = {},  // the form carries only the fields of Art. 5.2
                                   .secrecy = field("secrecy"),
                                   .kind = field("kind"),
                                   .title = field("title"),
                                   .number = field("number"),
                                   .symbol = field("symbol"),
                                   .issued_on = field("issued_on"),
                                   .signer = field("signer"),
                                   .submitting_unit = field("submitting_unit"),
                                   .issuing_unit = field("issuing_unit"),
                                   .lead_units = Codes(field("lead_units")),
                                   .monitoring_unit = field("monitoring_unit"),
                                   .task_count = count.value_or(0),
                                   .deadline = deadline.value(),
                                   .notes = field("notes")});
        } else if (auto id = auth::ParseId(req.path_params["id"]); id && action == "done") {
            r = secret_.RecordDone(p, *id);
        } else if (id && action == "evaluate") {
            r = secret_.Evaluate(p, *id, field("evaluation"));
        }
        if (!r) return web_.Fail(req, &p, r.error());
        return http::Redirect(req, "/admin/tasks/secret");
    });
}

}  // namespace vp::tasks
