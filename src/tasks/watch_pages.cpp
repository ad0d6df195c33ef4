// The watching-and-evaluating screens (Vietnamese first): the ranking of a period with its
// indicator set, the explanations asked of units, the inspection commissions' warnings, the live
// dashboard and the map of the provinces. Complete without JavaScript; the dashboard's charts and
// live refresh are added by /static/dashboard.js when it runs.
#include <algorithm>
#include <map>

#include <boost/json.hpp>
#include <fmt/format.h>

#include "calendar/iso_time.hpp"
#include "core/http/multipart.hpp"
#include "core/message.hpp"
#include "core/text.hpp"
#include "tasks/watch_handlers.hpp"

namespace vp::tasks {

namespace http = core::http;
namespace json = boost::json;
namespace ev = evaluation;
using auth::Principal;
using core::Msg;
using http::Request;
using http::Response;

namespace {

template <class F>
Response Page(auth::Web& web, Request& req, F f) {
    return auth::WithPrincipal(web, req, false, f);
}

// The period a page opens on: the latest closed one, else the current quarter (provisional).
std::string LatestOrCurrent(const Watch& w, std::chrono::year_month_day day) {
    auto closed = w.ClosedPeriods();
    if (!closed.empty()) return closed.front();
    return ev::PeriodCode({ev::PeriodKind::kQuarter, static_cast<int>(day.year()),
                           static_cast<int>((static_cast<unsigned>(day.month()) + 2) / 3)});
}

// "2026-03-25T17:00:00+07:00" -> "25/03/2026".
std::string Local(const json::value& iso) {
    if (!iso.is_string() || iso.get_string().size() < 10) return "";
    const std::string s(iso.get_string());
    return s.substr(8, 2) + "/" + s.substr(5, 2) + "/" + s.substr(0, 4);
}

// A colour step of a share in basis points, for the map: 0 (none) … 4 (most).
int Step(std::int64_t bp, std::initializer_list<std::int64_t> bounds) {
    int s = 0;
    for (auto b : bounds) {
        if (bp >= b) ++s;
    }
    return s;
}

}  // namespace

Response WatchHandlers::EvaluationPage(Request& req) {
    return Page(web_, req, [&](const Principal& p) {
        if (!watch_.MayFollow(p)) return web_.Fail(req, &p, core::Forbidden(Msg("tasks.not_allowed")));
        std::string period = req.QueryParam("period").value_or("");
        if (period.empty()) period = LatestOrCurrent(watch_, Today());
        json::object data{{"period", period}};
        auto e = watch_.Evaluation(p, period);
        if (e) {
            data["evaluation"] = EvaluationJson(e.value(), req.Lang());
            data["closed"] = e->closed;
            data["can_close"] = !e->closed && tasks_.MayEnter(p);
            data["set_version"] = e->set_version;
        } else {
            data["problem"] = core::Text(e.error().message, req.Lang());
        }
        json::array closed;
        for (const auto& c : watch_.ClosedPeriods())
            closed.push_back(json::object{{"code", c}, {"selected", c == period}});
        data["has_closed"] = !closed.empty();
        data["closed_periods"] = std::move(closed);
        json::array headers;
        for (auto i : ev::kAllIndicators)
            headers.push_back(json::object{{"label", web_.Templates().T(req.Lang(), "tasks_indicator_" + std::string(ev::IndicatorCode(i)))}});
        data["indicators"] = std::move(headers);
        json::array sets;
        for (const auto& s : watch_.IndicatorSets()) {
            json::array weights;
            for (auto i : ev::kAllIndicators) weights.push_back(json::object{{"weight", s.set.Weight(i)}});
            sets.push_back(json::object{{"version", s.set.version},
                                        {"valid_from", calendar::FormatIsoDate(s.set.valid_from)},
                                        {"weights", std::move(weights)},
                                        {"excellent", s.set.excellent_from / 100},
                                        {"complete", s.set.complete_from / 100},
                                        {"incomplete", s.set.incomplete_from / 100},
                                        {"note", s.note}});
        }
        data["sets"] = std::move(sets);
        json::array asked;
        for (const auto& x : watch_.UnitExplanations(p)) {
            asked.push_back(json::object{{"id", x.id},
                                         {"period", x.period},
                                         {"unit_name", x.unit_name},
                                         {"due_local", auth::FormatLocalTime(core::ToMillis(x.due_at)).substr(0, 10)},
                                         {"text", x.text},
                                         {"given", x.submitted_at.has_value()},
                                         {"may_answer", !x.submitted_at && watch_.MayExplain(p, x.unit_id)}});
        }
        data["explanations"] = std::move(asked);
        data["export_json"] = "/api/v1/tasks/evaluations/" + period + "/export.json";
        data["export_csv"] = "/api/v1/tasks/evaluations/" + period + "/export.csv";
        return web_.Page(req, &p, "tasks/evaluation", std::move(data), "tasks_eval_title");
    });
}

Response WatchHandlers::EvaluationFromPage(Request& req) {
    return Page(web_, req, [&](const Principal& p) {
        auto form = req.Form();
        const std::string action = req.path_params["action"];
        if (action == "close") {
            const auto period = auth::FormField(form, "period");
            auto r = watch_.ClosePeriod(p, period);
            if (!r) return web_.Fail(req, &p, r.error());
            return http::Redirect(req, "/admin/tasks/evaluation?period=" + r->period);
        }
        if (action == "explain") {
            auto id = auth::ParseId(auth::FormField(form, "id"));
            if (!id) return web_.Fail(req, &p, core::NotFound(Msg("tasks.explanation_not_found")));
            auto r = watch_.ExplainUnit(p, *id, auth::FormField(form, "text"));
            if (!r) return web_.Fail(req, &p, r.error());
            return http::Redirect(req, "/admin/tasks/evaluation?period=" + r->period);
        }
        return web_.Fail(req, &p, core::NotFound(Msg("core.page_not_found")));
    });
}

Response WatchHandlers::WarningsPage(Request& req) {
    return Page(web_, req, [&](const Principal& p) {
        if (!watch_.MayFollow(p)) return web_.Fail(req, &p, core::Forbidden(Msg("tasks.not_allowed")));
        const auto task = auth::ParseId(req.QueryParam("task").value_or("")).value_or(0);
        json::array list;
        for (const auto& w : watch_.Warnings(p, task)) {
            auto o = WarningJson(w, req.Lang());
            o["may_answer"] = watch_.MayAnswer(p, w.unit_id);
            list.push_back(std::move(o));
        }
        json::array kinds;
        for (const auto& k : WarningKinds())
            kinds.push_back(json::object{{"code", k}, {"label", web_.Templates().T(req.Lang(), "tasks_warning_" + k)}});
        return web_.Page(req, &p, "tasks/warnings",
                         {{"warnings", std::move(list)},
                          {"kinds", std::move(kinds)},
                          {"may_raise", watch_.MayInspect(p)},
                          {"task", task ? json::value(task) : json::value(nullptr)}},
                         "tasks_warnings_title");
    });
}

Response WatchHandlers::WarningsFromPage(Request& req) {
    return Page(web_, req, [&](const Principal& p) {
        auto form = req.Form();
        auto field = [&](const char* k) { return auth::FormField(form, k); };
        const auto id = auth::ParseId(req.path_params["id"]);
        core::Result<Warning> r = core::NotFound(Msg("tasks.warning_not_found"));
        if (id) {
            r = watch_.AnswerWarning(p, *id, field("text"));
        } else {
            r = watch_.RaiseWarning(p, {.task_id = auth::ParseId(field("task_id")).value_or(0),
                                        .unit = field("unit"),
                                        .kind = field("kind"),
                                        .rule = field("rule"),
                                        .text = field("text")});
        }
        if (!r) return web_.Fail(req, &p, r.error());
        return http::Redirect(req, r->task_id && field("back") == "task" ? "/admin/tasks/" + std::to_string(r->task_id)
                                                                          : "/admin/tasks/warnings");
    });
}

Response WatchHandlers::DashboardPage(Request& req) {
    return Page(web_, req, [&](const Principal& p) {
        if (!watch_.MayFollow(p)) return web_.Fail(req, &p, core::Forbidden(Msg("tasks.not_allowed")));
        const DashboardFilter f{.unit = req.QueryParam("unit").value_or(""),
                                .priority = req.QueryParam("priority").value_or(""),
                                .group = req.QueryParam("group").value_or("")};
        auto d = DashboardJson(watch_.DashboardFor(p, f), req.Lang());
        // The same figures the page shows, for the charts and the live refresh to start from.
        d["json"] = json::serialize(d);
        std::string query;
        for (auto [k, v] : {std::pair{"unit", &f.unit}, {"priority", &f.priority}, {"group", &f.group}}) {
            if (!v->empty()) query += (query.empty() ? "?" : "&") + std::string(k) + "=" + *v;
        }
        d["api"] = "/api/v1/tasks/dashboard" + query;
        d["unit"] = f.unit;
        d["priority"] = f.priority;
        d["group"] = f.group;
        return web_.Page(req, &p, "tasks/dashboard", std::move(d), "tasks_dashboard_title");
    });
}

Response WatchHandlers::MapPage(Request& req) {
    return Page(web_, req, [&](const Principal& p) {
        if (!watch_.MayFollow(p)) return web_.Fail(req, &p, core::Forbidden(Msg("tasks.not_allowed")));
        const bool by_score = req.QueryParam("by").value_or("") == "score";
        auto figures = MapJson(p);
        std::map<std::string, json::object> by_code;
        for (auto& f : figures) by_code[std::string(f.as_object().at("unit").as_string())] = f.as_object();
        json::array tiles, rows;
        auto layout = json::parse(tiles_json_);
        for (const auto& t : layout.at("tiles").as_array()) {
            const std::string code(t.at("unit").as_string());
            auto it = by_code.find(code);
            if (it == by_code.end()) continue;
            auto o = it->second;
            o["label"] = t.at("label");
            o["row"] = t.at("row").as_int64() + 1;
            o["col"] = t.at("col").as_int64() + 1;
            int step = 0;
            std::string value = "—";
            if (by_score) {
                if (const auto& s = o["score_bp"]; s.is_int64()) {
                    step = 1 + Step(s.as_int64(), {5000, 7000, 9000});
                    value = fmt::format("{}%", s.as_int64() / 100);
                }
            } else if (const auto& s = o["overdue_share_bp"]; s.is_int64()) {
                step = 1 + Step(s.as_int64(), {1, 1000, 2500, 5000});
                value = fmt::format("{}%", s.as_int64() / 100);
            }
            o["step"] = step;
            o["score_text"] = o["score_bp"].is_int64() ? fmt::format("{}%", o["score_bp"].as_int64() / 100) : std::string("—");
            o["value"] = value;
            o["class_label"] = o["class"].is_string()
                                   ? web_.Templates().T(req.Lang(), "tasks_class_" + std::string(o["class"].as_string()))
                                   : std::string("—");
            tiles.push_back(o);
            rows.push_back(o);
        }
        // Alphabetical as a reader looks one up: "Hà Nội" before "Huế", "Đà Nẵng" among the D.
        std::sort(rows.begin(), rows.end(), [](const json::value& a, const json::value& b) {
            return core::FoldDiacritics(a.at("label").as_string()) < core::FoldDiacritics(b.at("label").as_string());
        });
        return web_.Page(req, &p, "tasks/map",
                         {{"tiles", std::move(tiles)},
                          {"rows", std::move(rows)},
                          {"by_score", by_score}},
                         "tasks_map_title");
    });
}

Response WatchHandlers::ReportsPage(Request& req) {
    return Page(web_, req, [&](const Principal& p) {
        if (!watch_.MayReport(p)) return web_.Fail(req, &p, core::Forbidden(Msg("tasks.not_allowed")));
        json::array list;
        for (const auto& r : watch_.Reports(p)) list.push_back(ReportJson(r, req.Lang()));
        json::array kinds;
        for (const char* k : {"month", "quarter", "half_year", "year", "on_demand"})
            kinds.push_back(json::object{{"code", k}, {"label", web_.Templates().T(req.Lang(), std::string("tasks_report_kind_") + k)}});
        return web_.Page(req, &p, "tasks/reports",
                         {{"reports", std::move(list)},
                          {"deadlines", DeadlinesJson(p, req.Lang())},
                          {"kinds", std::move(kinds)},
                          {"can_generate", tasks_.MayEnter(p)}},
                         "tasks_reports_title");
    });
}

Response WatchHandlers::ReportPage(Request& req) {
    return Page(web_, req, [&](const Principal& p) {
        auto id = auth::ParseId(req.path_params["id"]);
        if (!id) return web_.Fail(req, &p, core::NotFound(Msg("tasks.report_not_found")));
        auto r = watch_.GetReport(p, *id);
        if (!r) return web_.Fail(req, &p, r.error());
        auto o = ReportJson(r.value(), req.Lang());
        // Labels for the screen (the stored statistics keep codes).
        auto& stats = o["stats"].as_object();
        for (auto& v : stats["by_status"].as_array())
            v.as_object()["label"] = web_.Templates().T(req.Lang(), "tasks_status_" + std::string(v.at("status").as_string()));
        for (auto& v : stats["overdue"].as_array())
            v.as_object()["deadline_local"] = Local(v.at("deadline"));
        std::map<std::string, std::string> priorities;
        for (const auto& e : tasks_.Catalogue("priority")) priorities[e.code] = req.Lang() == "en" ? e.name_en : e.name_vi;
        for (auto& v : stats["by_priority"].as_array()) {
            const std::string code(v.at("priority").as_string());
            v.as_object()["label"] = priorities.contains(code) ? priorities[code] : code;
        }
        if (stats["evaluation"].is_object()) {
            for (auto& v : stats["evaluation"].as_object()["units"].as_array()) {
                auto& u = v.as_object();
                const std::string klass(u["class"].as_string());
                u["class_label"] = web_.Templates().T(req.Lang(), klass.empty() ? "tasks_eval_not_evaluated" : "tasks_class_" + klass);
                u["score_text"] = ev::PercentText(u["score_bp"].is_int64() ? std::optional(u["score_bp"].as_int64())
                                                                            : std::nullopt);
            }
        }
        o["can_issue"] = !r->issued_at && tasks_.MayEnter(p);
        return web_.Page(req, &p, "tasks/report", {{"report", std::move(o)}}, "tasks_reports_title");
    });
}

Response WatchHandlers::ReportsFromPage(Request& req) {
    return Page(web_, req, [&](const Principal& p) {
        auto form = req.Form();
        auto field = [&](const char* k) { return auth::FormField(form, k); };
        core::Result<Report> r = core::NotFound(Msg("tasks.report_not_found"));
        if (auto id = auth::ParseId(req.path_params["id"])) {
            r = watch_.IssueReport(p, *id);
        } else {
            r = watch_.GenerateReport(p, {.kind = field("kind"), .period = field("period"), .from = field("from"), .to = field("to")});
        }
        if (!r) return web_.Fail(req, &p, r.error());
        return http::Redirect(req, "/admin/tasks/reports/" + std::to_string(r->id));
    });
}

// Built-in help (T-24): one guide per role, its steps from the strings (tasks_help_<role>_<n>).
Response WatchHandlers::HelpPage(Request& req) {
    return Page(web_, req, [&](const Principal& p) {
        static const std::vector<std::string> kRoles = {"task_office", "unit_focal_point", "unit_approver",
                                                         "monitoring_officer", "inspector"};
        std::string role = req.path_params["role"];
        json::array roles;
        for (const auto& r : kRoles) {
            bool held = false;
            for (const auto& g : p.grants) held |= g.role == r;
            roles.push_back(json::object{{"code", r},
                                         {"name", web_.Templates().T(req.Lang(), "tasks_help_role_" + r)},
                                         {"summary", web_.Templates().T(req.Lang(), "tasks_help_" + r + "_summary")},
                                         {"held", held},
                                         {"current", r == role}});
        }
        json::object data{{"roles", std::move(roles)}};
        if (!role.empty()) {
            if (std::find(kRoles.begin(), kRoles.end(), role) == kRoles.end())
                return web_.Fail(req, &p, core::NotFound(Msg("core.page_not_found")));
            json::array steps;
            for (int i = 1; i <= 12; ++i) {
                const auto key = "tasks_help_" + role + "_" + std::to_string(i);
                const auto text = web_.Templates().T(req.Lang(), key);
                if (text.empty() || text == key) break;
                steps.push_back(json::object{{"text", text}});
            }
            data["guide"] = json::object{{"name", web_.Templates().T(req.Lang(), "tasks_help_role_" + role)},
                                         {"summary", web_.Templates().T(req.Lang(), "tasks_help_" + role + "_summary")},
                                         {"steps", std::move(steps)}};
        }
        return web_.Page(req, &p, "tasks/help", std::move(data), "tasks_help_title");
    });
}

Response WatchHandlers::ReconcilePage(Request& req) {
    return Page(web_, req, [&](const Principal& p) {
        if (!watch_.MayFollow(p)) return web_.Fail(req, &p, core::Forbidden(Msg("tasks.not_allowed")));
        json::array list;
        for (const auto& r : watch_.Reconciliations(p)) list.push_back(ReconciliationJson(r, req.Lang()));
        std::string unit = req.QueryParam("unit").value_or("");
        if (unit.empty() && p.unit_id) {
            // The actor's own unit by default (its code).
            for (const auto& r : watch_.Reconciliations(p)) {
                if (r.unit_id == p.unit_id) unit = r.unit_code;
            }
        }
        return web_.Page(req, &p, "tasks/reconcile", {{"reconciliations", std::move(list)}, {"unit", unit}},
                         "tasks_reconcile_title");
    });
}

Response WatchHandlers::ReconcileUpload(Request& req) {
    return Page(web_, req, [&](const Principal& p) {
        auto form = http::ParseMultipart(req, {.max_parts = 6, .max_file_bytes = 16u << 20, .max_field_bytes = 4096});
        if (!form) return web_.Fail(req, &p, form.error());
        const auto* file = form->Find("file");
        if (!file || !file->filename || file->body.empty())
            return web_.Fail(req, &p, core::InvalidField("file", Msg("tasks.reconcile_empty")));
        auto r = watch_.Reconcile(p, form->Field("unit").value_or(""), file->body, *file->filename);
        if (!r) return web_.Fail(req, &p, r.error());
        return http::Redirect(req, "/admin/tasks/reconcile/" + std::to_string(r->id));
    });
}

Response WatchHandlers::ReconciliationPage(Request& req) {
    return Page(web_, req, [&](const Principal& p) {
        auto id = auth::ParseId(req.path_params["id"]);
        if (!id) return web_.Fail(req, &p, core::NotFound(Msg("tasks.reconcile_not_found")));
        auto r = watch_.GetReconciliation(p, *id);
        if (!r) return web_.Fail(req, &p, r.error());
        auto o = ReconciliationJson(r.value(), req.Lang());
        o["may_flag"] = watch_.MayExplain(p, r->unit_id);
        return web_.Page(req, &p, "tasks/reconciliation", {{"r", std::move(o)}}, "tasks_reconcile_title");
    });
}

Response WatchHandlers::FlagFromPage(Request& req) {
    return Page(web_, req, [&](const Principal& p) {
        auto id = auth::ParseId(req.path_params["id"]);
        auto form = req.Form();
        auto d = auth::ParseId(auth::FormField(form, "difference"));
        if (!id || !d) return web_.Fail(req, &p, core::NotFound(Msg("tasks.reconcile_not_found")));
        auto r = watch_.FlagDifference(p, *id, *d, auth::FormField(form, "note"));
        if (!r) return web_.Fail(req, &p, r.error());
        return http::Redirect(req, "/admin/tasks/reconcile/" + std::to_string(*id));
    });
}

Response WatchHandlers::TemplateFromPage(Request& req) {
    return Page(web_, req, [&](const Principal& p) {
        auto r = watch_.ReconciliationTemplate(p, req.QueryParam("unit").value_or(""));
        if (!r) return web_.Fail(req, &p, r.error());
        return Xlsx(req, std::move(r).value(), "doi-soat.xlsx");
    });
}

Response WatchHandlers::CleaningPage(Request& req) {
    return Page(web_, req, [&](const Principal& p) {
        if (!watch_.MayReport(p)) return web_.Fail(req, &p, core::Forbidden(Msg("tasks.not_allowed")));
        const std::string state = req.QueryParam("state").value_or("open");
        json::array list;
        for (const auto& f : watch_.Findings(p, state)) list.push_back(FindingJson(f, req.Lang()));
        json::array states;
        for (const char* s : {"open", "merged", "dismissed", "corrected", ""})
            states.push_back(json::object{{"code", s},
                                          {"label", web_.Templates().T(req.Lang(), std::string("tasks_finding_state_") + (*s ? s : "all"))},
                                          {"current", state == s}});
        return web_.Page(req, &p, "tasks/cleaning",
                         {{"findings", std::move(list)}, {"states", std::move(states)}, {"can_decide", tasks_.MayEnter(p)}},
                         "tasks_cleaning_title");
    });
}

Response WatchHandlers::CleaningFromPage(Request& req) {
    return Page(web_, req, [&](const Principal& p) {
        auto form = req.Form();
        if (auto id = auth::ParseId(req.path_params["id"])) {
            auto r = watch_.DecideFinding(p, *id, auth::FormField(form, "decision"), auth::FormField(form, "note"));
            if (!r) return web_.Fail(req, &p, r.error());
        } else {
            auto n = watch_.RunCleaning(p);
            if (!n) return web_.Fail(req, &p, n.error());
        }
        return http::Redirect(req, "/admin/tasks/cleaning");
    });
}

Response WatchHandlers::AnalysisPage(Request& req) {
    return Page(web_, req, [&](const Principal& p) {
        const std::string period = req.QueryParam("period").value_or("");
        auto a = watch_.Analyse(p, period);
        if (!a) return web_.Fail(req, &p, a.error());
        auto o = AnalysisJson(a.value(), req.Lang());
        return web_.Page(req, &p, "tasks/analysis", {{"a", std::move(o)}, {"period", period}}, "tasks_analysis_title");
    });
}

}  // namespace vp::tasks
