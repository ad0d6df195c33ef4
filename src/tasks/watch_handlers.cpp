#include "tasks/watch_handlers.hpp"

#include <map>

#include <boost/json.hpp>
#include <fmt/format.h>

#include "calendar/iso_time.hpp"
#include "core/message.hpp"

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
Response Api(auth::Web& web, Request& req, F f) {
    return auth::WithPrincipal(web, req, true, f);
}
template <class F>
Response Page(auth::Web& web, Request& req, F f) {
    return auth::WithPrincipal(web, req, false, f);
}

json::value Opt(const std::optional<int>& v) { return v ? json::value(*v) : json::value(nullptr); }

std::string Percent(const std::optional<int>& bp) {
    return ev::PercentText(bp ? std::optional<std::int64_t>(*bp) : std::nullopt);
}

core::Result<ev::IndicatorSet> SetFrom(const json::object& in) {
    ev::IndicatorSet s = ev::DefaultSet();
    const auto from = auth::JsonText(in, "valid_from");
    auto day = calendar::ParseIsoDate(from);
    if (!day) return core::InvalidField("valid_from", Msg("tasks.time_invalid", {{"field", "valid_from"}}));
    s.valid_from = *day;
    const auto* w = in.if_contains("weights");
    if (!w || !w->is_object()) return core::InvalidField("weights", Msg("tasks.field_required", {{"field", "weights"}}));
    for (auto i : ev::kAllIndicators) {
        const std::string code(ev::IndicatorCode(i));
        const auto* v = w->get_object().if_contains(code);
        if (!v || !v->is_int64())
            return core::InvalidField("weights." + code, Msg("tasks.indicator_weight_invalid", {{"field", "weights." + code}}));
        s.weights[static_cast<std::size_t>(i)] = static_cast<int>(std::clamp<std::int64_t>(v->get_int64(), -1, 101));
    }
    for (auto [key, out] : {std::pair{"excellent_from", &s.excellent_from}, {"complete_from", &s.complete_from},
                            {"incomplete_from", &s.incomplete_from}}) {
        if (const auto* v = in.if_contains(key); v && v->is_int64())
            *out = static_cast<int>(std::clamp<std::int64_t>(v->get_int64(), -1, 10001));
    }
    if (const auto* v = in.if_contains("excellent_needs_no_overdue"); v && v->is_bool())
        s.excellent_needs_no_overdue = v->get_bool();
    return s;
}

json::object SetJson(const IssuedSet& s) {
    json::object weights;
    for (auto i : ev::kAllIndicators) weights[ev::IndicatorCode(i)] = s.set.Weight(i);
    return json::object{{"version", s.set.version},
                        {"valid_from", calendar::FormatIsoDate(s.set.valid_from)},
                        {"weights", std::move(weights)},
                        {"excellent_from", s.set.excellent_from},
                        {"complete_from", s.set.complete_from},
                        {"incomplete_from", s.set.incomplete_from},
                        {"excellent_needs_no_overdue", s.set.excellent_needs_no_overdue},
                        {"note", s.note},
                        {"issued_by", s.issued_by}};
}

}  // namespace

std::chrono::year_month_day WatchHandlers::Today() const {
    auto cal = calendars_.GetShared();
    if (cal) return cal.value()->LocalDate(clock_.Now());
    return std::chrono::year_month_day{std::chrono::floor<std::chrono::days>(clock_.Now() + std::chrono::hours(7))};
}

std::string WatchHandlers::Iso(core::TimePoint t) const {
    auto cal = calendars_.GetShared();
    return cal ? cal.value()->FormatIso(t) : calendar::FormatIso(t, "Asia/Ho_Chi_Minh");
}

json::object WatchHandlers::EvaluationJson(const PeriodEvaluation& e, const std::string& lang) const {
    json::array units;
    for (const auto& u : e.units) {
        json::object indicators;
        json::array cells;
        for (auto i : ev::kAllIndicators) {
            const auto rate = u.score.rates[static_cast<std::size_t>(i)];
            indicators[ev::IndicatorCode(i)] =
                json::object{{"met", u.facts.Of(i).met}, {"due", u.facts.Of(i).due}, {"rate_bp", Opt(rate)}};
            cells.push_back(json::object{{"text", Percent(rate)},
                                         {"detail", fmt::format("{}/{}", u.facts.Of(i).met, u.facts.Of(i).due)}});
        }
        const std::string klass = u.score.klass ? std::string(ev::ClassCode(*u.score.klass)) : "";
        units.push_back(json::object{
            {"unit_id", u.facts.unit_id},
            {"unit_code", u.facts.unit_code},
            {"unit_name", u.unit_name},
            {"score_bp", Opt(u.score.total)},
            {"score_text", Percent(u.score.total)},
            {"class", klass.empty() ? json::value(nullptr) : json::value(klass)},
            {"class_label", klass.empty() ? web_.Templates().T(lang, "tasks_eval_not_evaluated")
                                          : web_.Templates().T(lang, "tasks_class_" + klass)},
            {"rank", u.score.rank ? json::value(u.score.rank) : json::value(nullptr)},
            {"overdue_open", u.facts.overdue_open},
            {"indicators", std::move(indicators)},
            {"cells", std::move(cells)}});
    }
    return json::object{{"period", e.period},
                        {"closed", e.closed},
                        {"closed_at", e.closed_at ? json::value(Iso(*e.closed_at)) : json::value(nullptr)},
                        {"indicator_set_version", e.set_version},
                        {"units", std::move(units)}};
}

json::object WatchHandlers::WarningJson(const Warning& w, const std::string& lang) const {
    json::array answers;
    for (const auto& a : w.answers) {
        answers.push_back(json::object{{"id", a.id}, {"text", a.text}, {"answered_by", a.answered_by},
                                       {"answered_at", Iso(a.answered_at)},
                                       {"answered_local", auth::FormatLocalTime(core::ToMillis(a.answered_at))}});
    }
    return json::object{{"id", w.id},
                        {"task_id", w.task_id ? json::value(w.task_id) : json::value(nullptr)},
                        {"task_content", w.task_content},
                        {"unit", w.unit_code},
                        {"unit_name", w.unit_name},
                        {"kind", w.kind},
                        {"kind_label", web_.Templates().T(lang, "tasks_warning_" + w.kind)},
                        {"rule", w.rule},
                        {"text", w.text},
                        {"raised_by", w.raised_by},
                        {"raised_unit", w.raised_unit_name},
                        {"raised_at", Iso(w.raised_at)},
                        {"raised_local", auth::FormatLocalTime(core::ToMillis(w.raised_at))},
                        {"answered_at", w.answered_at ? json::value(Iso(*w.answered_at)) : json::value(nullptr)},
                        {"answers", std::move(answers)}};
}

json::object WatchHandlers::DashboardJson(const Dashboard& d, const std::string& lang) const {
    // Priorities and groups are named by the catalogue (Art. 4), statuses by the strings.
    auto names = [&](const char* category) {
        std::map<std::string, std::string> out;
        for (const auto& e : tasks_.Catalogue(category)) out[e.code] = lang == "en" ? e.name_en : e.name_vi;
        return out;
    };
    const auto priorities = names("priority"), groups = names("group");
    auto buckets = [&](const std::vector<Bucket>& v, const char* param, const char* label_prefix,
                       const std::map<std::string, std::string>* named = nullptr) {
        json::array out;
        for (const auto& b : v) {
            std::string label = b.label;
            if (label.empty() && named && named->contains(b.key)) label = named->at(b.key);
            if (label.empty() && label_prefix) label = web_.Templates().T(lang, std::string(label_prefix) + b.key);
            if (label.empty() && b.key == "none") label = web_.Templates().T(lang, "tasks_open_ended");
            if (label.empty())
                label = b.key.empty() ? web_.Templates().T(lang, "tasks_dashboard_no_group") : b.key;
            std::string link = "/admin/tasks";
            if (param && !b.key.empty() && b.key != "none") link += std::string("?") + param + "=" + b.key;
            if (std::string_view(param ? param : "") == "period") {
                // A quarter drills down to the tasks due in it.
                auto p = ev::ParsePeriod(b.key);
                link = "/admin/tasks";
                if (p) {
                    const auto days = ev::DaysOf(*p);
                    link += "?due_from=" + calendar::FormatIsoDate(days.first) + "&due_to=" + calendar::FormatIsoDate(days.end);
                }
            }
            out.push_back(json::object{{"key", b.key}, {"label", label}, {"count", b.count}, {"overdue", b.overdue},
                                       {"link", link}});
        }
        return out;
    };
    json::array trend, most;
    for (const auto& t : d.trend)
        trend.push_back(json::object{{"month", t.month}, {"completed", t.completed}, {"became_overdue", t.became_overdue}});
    for (const auto& t : d.most_overdue) {
        most.push_back(json::object{{"id", t.id},
                                    {"content", t.content},
                                    {"leads", t.leads},
                                    {"deadline", Iso(t.deadline)},
                                    {"deadline_local", auth::FormatLocalTime(core::ToMillis(t.deadline)).substr(0, 10)},
                                    {"days_overdue", t.days_overdue},
                                    {"status", StatusCode(t.status)},
                                    {"status_label", web_.Templates().T(lang, "tasks_status_" + std::string(StatusCode(t.status)))},
                                    {"link", "/admin/tasks/" + std::to_string(t.id)}});
    }
    return json::object{{"total", d.total},
                        {"overdue", d.overdue},
                        {"completed", d.completed},
                        {"by_status", buckets(d.by_status, "status", "tasks_status_")},
                        {"by_unit", buckets(d.by_unit, "unit", nullptr)},
                        {"by_priority", buckets(d.by_priority, "priority", nullptr, &priorities)},
                        {"by_group", buckets(d.by_group, nullptr, nullptr, &groups)},
                        {"by_period", buckets(d.by_period, "period", nullptr)},
                        {"trend", std::move(trend)},
                        {"most_overdue", std::move(most)},
                        {"at", Iso(d.at)},
                        {"at_local", auth::FormatLocalTime(core::ToMillis(d.at), true)}};
}

json::array WatchHandlers::MapJson(const Principal& p) const {
    json::array out;
    for (const auto& f : watch_.Provinces(p)) {
        out.push_back(json::object{{"unit", f.code},
                                   {"name", f.name},
                                   {"tasks", f.tasks},
                                   {"overdue", f.overdue},
                                   {"overdue_share_bp", f.tasks ? json::value(f.overdue * 10000 / f.tasks) : nullptr},
                                   {"score_bp", Opt(f.score)},
                                   {"period", f.period.empty() ? json::value(nullptr) : json::value(f.period)},
                                   {"class", f.klass ? json::value(ev::ClassCode(*f.klass)) : nullptr},
                                   {"link", "/admin/tasks?unit=" + f.code}});
    }
    return out;
}

json::object WatchHandlers::ReportJson(const Report& r, const std::string& lang) const {
    json::object o{{"id", r.id},
                   {"kind", r.kind},
                   {"kind_label", web_.Templates().T(lang, "tasks_report_kind_" + r.kind)},
                   {"period", r.period},
                   {"title", r.title},
                   {"from", Iso(r.from_at)},
                   {"to", Iso(r.to_at)},
                   {"generated_by", r.generated_by},
                   {"by_system", r.generated_by == 0},
                   {"generated_at", Iso(r.generated_at)},
                   {"generated_local", auth::FormatLocalTime(core::ToMillis(r.generated_at))},
                   {"issued_at", r.issued_at ? json::value(Iso(*r.issued_at)) : json::value(nullptr)},
                   {"issued_local", r.issued_at ? json::value(auth::FormatLocalTime(core::ToMillis(*r.issued_at))) : nullptr},
                   {"xlsx", "/api/v1/tasks/reports/" + std::to_string(r.id) + "/xlsx"},
                   {"pdf", "/api/v1/tasks/reports/" + std::to_string(r.id) + "/pdf"}};
    if (!r.stats.empty()) o["stats"] = r.stats;
    return o;
}

json::array WatchHandlers::DeadlinesJson(const Principal& p, const std::string& lang) const {
    json::array out;
    for (const auto& d : watch_.ReportDeadlineStates(p, static_cast<int>(Today().year()))) {
        out.push_back(json::object{{"kind", d.kind},
                                   {"kind_label", web_.Templates().T(lang, "tasks_report_kind_" + d.kind)},
                                   {"period", d.period},
                                   {"due_on", d.due_on},
                                   {"due_local", d.due_on.substr(8, 2) + "/" + d.due_on.substr(5, 2) + "/" + d.due_on.substr(0, 4)},
                                   {"state", d.state},
                                   {"state_label", web_.Templates().T(lang, "tasks_report_state_" + d.state)},
                                   {"draft_id", d.draft_id > 0 ? json::value(d.draft_id) : nullptr},
                                   {"report_id", d.report_id ? json::value(d.report_id) : nullptr}});
    }
    return out;
}

json::object WatchHandlers::ReconciliationJson(const Reconciliation& r, const std::string& lang) const {
    json::array diffs, problems;
    for (const auto& d : r.differences) {
        diffs.push_back(json::object{{"id", d.id},
                                     {"task_id", d.task_id},
                                     {"task_content", d.task_content},
                                     {"field", d.field},
                                     {"field_label", web_.Templates().T(lang, "tasks_reconcile_field_" + d.field)},
                                     {"system_value", d.system_value},
                                     {"unit_value", d.unit_value},
                                     {"flagged_at", d.flagged_at ? json::value(Iso(*d.flagged_at)) : nullptr},
                                     {"note", d.note}});
    }
    for (const auto& p : r.problems) problems.emplace_back(p);
    return json::object{{"id", r.id},
                        {"rec_id", r.id},
                        {"unit", r.unit_code},
                        {"unit_name", r.unit_name},
                        {"filename", r.filename},
                        {"uploaded_by", r.uploaded_by},
                        {"uploaded_at", Iso(r.uploaded_at)},
                        {"uploaded_local", auth::FormatLocalTime(core::ToMillis(r.uploaded_at))},
                        {"rows", r.rows},
                        {"matched", r.matched},
                        {"problems", std::move(problems)},
                        {"differences", std::move(diffs)}};
}

json::object WatchHandlers::FindingJson(const Finding& f, const std::string& lang) const {
    return json::object{{"id", f.id},
                        {"code", f.code},
                        {"code_label", web_.Templates().T(lang, "tasks_finding_" + f.code)},
                        {"task_id", f.task_id},
                        {"task_content", f.task_content},
                        {"other_task_id", f.other_task_id ? json::value(f.other_task_id) : nullptr},
                        {"other_content", f.other_content},
                        {"similarity_bp", f.similarity},
                        {"similarity_text", fmt::format("{}%", f.similarity / 100)},
                        {"is_duplicate", f.code == "likely_duplicate"},
                        {"found_at", Iso(f.found_at)},
                        {"state", f.state},
                        {"state_label", web_.Templates().T(lang, "tasks_finding_state_" + f.state)},
                        {"open", f.state == "open"},
                        {"note", f.note}};
}

json::object WatchHandlers::AnalysisJson(const Analysis& a, const std::string& lang) const {
    std::map<std::string, std::string> groups, priorities;
    for (const auto& e : tasks_.Catalogue("group")) groups[e.code] = lang == "en" ? e.name_en : e.name_vi;
    for (const auto& e : tasks_.Catalogue("priority")) priorities[e.code] = lang == "en" ? e.name_en : e.name_vi;
    auto rows = [&](const std::vector<AnalysisRow>& v, const std::map<std::string, std::string>* names,
                    const char* param) {
        json::array out;
        for (const auto& r : v) {
            std::string label = r.label;
            if (label.empty() && names && names->contains(r.key)) label = names->at(r.key);
            if (label.empty()) label = r.key.empty() ? web_.Templates().T(lang, "tasks_dashboard_no_group") : r.key;
            out.push_back(json::object{{"key", r.key},
                                       {"label", label},
                                       {"tasks", r.tasks},
                                       {"completed", r.completed},
                                       {"on_time", r.on_time},
                                       {"overdue", r.overdue},
                                       {"on_time_share", r.completed ? json::value(r.on_time * 100 / r.completed) : nullptr},
                                       {"avg_progress", r.avg_progress},
                                       {"avg_delay_days", r.avg_delay_days},
                                       {"link", param && !r.key.empty() ? std::string("/admin/tasks?") + param + "=" + r.key
                                                                        : std::string("/admin/tasks")}});
        }
        return out;
    };
    json::array causes;
    for (const auto& c : a.causes) causes.push_back(json::object{{"cause", c.cause}, {"tasks", c.tasks}});
    return json::object{{"period", a.period},
                        {"by_unit", rows(a.by_unit, nullptr, "unit")},
                        {"by_group", rows(a.by_group, &groups, nullptr)},
                        {"by_priority", rows(a.by_priority, &priorities, "priority")},
                        {"causes", std::move(causes)},
                        {"evaluated", a.evaluated},
                        {"wrong_reports", a.wrong_reports},
                        {"wrong_share", a.evaluated ? json::value(a.wrong_reports * 100 / a.evaluated) : nullptr}};
}

Response WatchHandlers::Xlsx(const Request& req, std::string bytes, const std::string& name) const {
    auto res = http::MakeResponse(req, http::beast_http::status::ok, std::move(bytes),
                                  "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
    res.set(http::beast_http::field::content_disposition, "attachment; filename=\"" + name + "\"");
    return res;
}

// ---------------------------------------------------------------------------------------------
// API

Response WatchHandlers::ApiIndicatorSets(Request& req) {
    return Api(web_, req, [&](const Principal& p) {
        if (!watch_.MayFollow(p)) return http::JsonError(req, core::Forbidden());
        json::array list;
        for (const auto& s : watch_.IndicatorSets()) list.push_back(SetJson(s));
        return http::Json(req, json::object{{"sets", std::move(list)}});
    });
}

Response WatchHandlers::ApiIssueIndicatorSet(Request& req) {
    return Api(web_, req, [&](const Principal& p) {
        auto body = auth::JsonBody(req);
        if (!body) return http::JsonError(req, body.error());
        auto set = SetFrom(*body);
        if (!set) return http::JsonError(req, set.error());
        auto r = watch_.IssueIndicatorSet(p, set.value(), auth::JsonText(*body, "note"));
        if (!r) return http::JsonError(req, r.error());
        return http::Json(req, SetJson(r.value()), http::beast_http::status::created);
    });
}

Response WatchHandlers::ApiEvaluations(Request& req) {
    return Api(web_, req, [&](const Principal&) {
        json::array closed;
        for (const auto& c : watch_.ClosedPeriods()) closed.emplace_back(c);
        return http::Json(req, json::object{{"closed", std::move(closed)}});
    });
}

Response WatchHandlers::ApiEvaluation(Request& req) {
    return Api(web_, req, [&](const Principal& p) {
        auto r = watch_.Evaluation(p, req.path_params["period"]);
        if (!r) return http::JsonError(req, r.error());
        return http::Json(req, EvaluationJson(r.value(), req.Lang()));
    });
}

Response WatchHandlers::ApiEvaluationView(Request& req) {
    return Api(web_, req, [&](const Principal& p) {
        const std::string period = req.path_params["period"];
        const std::string view = req.path_params["view"];
        if (view == "recompute") {
            auto r = watch_.Recompute(p, period);
            if (!r) return http::JsonError(req, r.error());
            json::array changed;
            for (const auto& c : r->changed) changed.emplace_back(c);
            return http::Json(req, json::object{{"same_scores", r->same_scores}, {"changed_units", std::move(changed)}});
        }
        if (view == "export.json") {
            auto r = watch_.ExportJson(p, period);
            if (!r) return http::JsonError(req, r.error());
            auto res = http::Json(req, r.value());
            // The period was checked by the service: only [0-9QH-] reach the file name.
            res.set(http::beast_http::field::content_disposition,
                    "attachment; filename=\"danh-gia-" + std::string(r->at("period").as_string()) + ".json\"");
            return res;
        }
        if (view == "export.csv") {
            auto r = watch_.ExportCsv(p, period);
            if (!r) return http::JsonError(req, r.error());
            auto res = http::MakeResponse(req, http::beast_http::status::ok, "\xEF\xBB\xBF" + r.value(),
                                          "text/csv; charset=utf-8");
            res.set(http::beast_http::field::content_disposition,
                    "attachment; filename=\"danh-gia-" + ev::PeriodCode(*ev::ParsePeriod(period)) + ".csv\"");
            return res;
        }
        return http::JsonError(req, core::NotFound(Msg("core.page_not_found")));
    });
}

Response WatchHandlers::ApiClosePeriod(Request& req) {
    return Api(web_, req, [&](const Principal& p) {
        auto r = watch_.ClosePeriod(p, req.path_params["period"]);
        if (!r) return http::JsonError(req, r.error());
        return http::Json(req, EvaluationJson(r.value(), req.Lang()));
    });
}

Response WatchHandlers::ApiUnitExplanations(Request& req) {
    return Api(web_, req, [&](const Principal& p) {
        json::array list;
        for (const auto& e : watch_.UnitExplanations(p)) {
            list.push_back(json::object{{"id", e.id},
                                        {"period", e.period},
                                        {"unit", e.unit_code},
                                        {"unit_name", e.unit_name},
                                        {"required_at", Iso(e.required_at)},
                                        {"due_at", Iso(e.due_at)},
                                        {"text", e.text},
                                        {"submitted_at", e.submitted_at ? json::value(Iso(*e.submitted_at)) : nullptr}});
        }
        return http::Json(req, json::object{{"explanations", std::move(list)}});
    });
}

Response WatchHandlers::ApiExplainUnit(Request& req) {
    return Api(web_, req, [&](const Principal& p) {
        auto id = auth::ParseId(req.path_params["id"]);
        if (!id) return http::JsonError(req, core::NotFound(Msg("tasks.explanation_not_found")));
        auto body = auth::JsonBody(req);
        if (!body) return http::JsonError(req, body.error());
        auto r = watch_.ExplainUnit(p, *id, auth::JsonText(*body, "text"));
        if (!r) return http::JsonError(req, r.error());
        return http::Json(req, json::object{{"id", r->id}, {"submitted_at", Iso(*r->submitted_at)}});
    });
}

Response WatchHandlers::ApiWarnings(Request& req) {
    return Api(web_, req, [&](const Principal& p) {
        const auto task = auth::ParseId(req.QueryParam("task").value_or("")).value_or(0);
        json::array list;
        for (const auto& w : watch_.Warnings(p, task)) list.push_back(WarningJson(w, req.Lang()));
        return http::Json(req, json::object{{"warnings", std::move(list)}});
    });
}

Response WatchHandlers::ApiRaiseWarning(Request& req) {
    return Api(web_, req, [&](const Principal& p) {
        auto body = auth::JsonBody(req);
        if (!body) return http::JsonError(req, body.error());
        auto r = watch_.RaiseWarning(p, {.task_id = auth::JsonInt(*body, "task_id"),
                                         .unit = auth::JsonText(*body, "unit"),
                                         .kind = auth::JsonText(*body, "kind"),
                                         .rule = auth::JsonText(*body, "rule"),
                                         .text = auth::JsonText(*body, "text")});
        if (!r) return http::JsonError(req, r.error());
        return http::Json(req, WarningJson(r.value(), req.Lang()), http::beast_http::status::created);
    });
}

Response WatchHandlers::ApiAnswerWarning(Request& req) {
    return Api(web_, req, [&](const Principal& p) {
        auto id = auth::ParseId(req.path_params["id"]);
        if (!id) return http::JsonError(req, core::NotFound(Msg("tasks.warning_not_found")));
        auto body = auth::JsonBody(req);
        if (!body) return http::JsonError(req, body.error());
        auto r = watch_.AnswerWarning(p, *id, auth::JsonText(*body, "text"));
        if (!r) return http::JsonError(req, r.error());
        return http::Json(req, WarningJson(r.value(), req.Lang()));
    });
}

Response WatchHandlers::ApiDashboard(Request& req) {
    return Api(web_, req, [&](const Principal& p) {
        const DashboardFilter f{.unit = req.QueryParam("unit").value_or(""),
                                .priority = req.QueryParam("priority").value_or(""),
                                .group = req.QueryParam("group").value_or("")};
        return http::Json(req, DashboardJson(watch_.DashboardFor(p, f), req.Lang()));
    });
}

Response WatchHandlers::ApiMap(Request& req) {
    return Api(web_, req, [&](const Principal& p) {
        return http::Json(req, json::object{{"provinces", MapJson(p)}});
    });
}

Response WatchHandlers::ApiReports(Request& req) {
    return Api(web_, req, [&](const Principal& p) {
        if (!watch_.MayReport(p)) return http::JsonError(req, core::Forbidden(Msg("tasks.not_allowed")));
        json::array list;
        for (const auto& r : watch_.Reports(p)) list.push_back(ReportJson(r, req.Lang()));
        return http::Json(req, json::object{{"reports", std::move(list)}, {"deadlines", DeadlinesJson(p, req.Lang())}});
    });
}

Response WatchHandlers::ApiGenerateReport(Request& req) {
    return Api(web_, req, [&](const Principal& p) {
        auto body = auth::JsonBody(req);
        if (!body) return http::JsonError(req, body.error());
        auto r = watch_.GenerateReport(p, {.kind = auth::JsonText(*body, "kind"),
                                           .period = auth::JsonText(*body, "period"),
                                           .from = auth::JsonText(*body, "from"),
                                           .to = auth::JsonText(*body, "to")});
        if (!r) return http::JsonError(req, r.error());
        auto res = http::Json(req, ReportJson(r.value(), req.Lang()), http::beast_http::status::created);
        res.set(http::beast_http::field::location, "/api/v1/tasks/reports/" + std::to_string(r->id));
        return res;
    });
}

Response WatchHandlers::ApiReport(Request& req) {
    return Api(web_, req, [&](const Principal& p) {
        auto id = auth::ParseId(req.path_params["id"]);
        if (!id) return http::JsonError(req, core::NotFound(Msg("tasks.report_not_found")));
        auto r = watch_.GetReport(p, *id);
        if (!r) return http::JsonError(req, r.error());
        return http::Json(req, ReportJson(r.value(), req.Lang()));
    });
}

Response WatchHandlers::ApiIssueReport(Request& req) {
    return Api(web_, req, [&](const Principal& p) {
        auto id = auth::ParseId(req.path_params["id"]);
        if (!id) return http::JsonError(req, core::NotFound(Msg("tasks.report_not_found")));
        auto r = watch_.IssueReport(p, *id);
        if (!r) return http::JsonError(req, r.error());
        return http::Json(req, ReportJson(r.value(), req.Lang()));
    });
}

Response WatchHandlers::ApiReportFile(Request& req) {
    return Api(web_, req, [&](const Principal& p) {
        auto id = auth::ParseId(req.path_params["id"]);
        const std::string format = req.path_params["format"];
        if (!id || (format != "xlsx" && format != "pdf"))
            return http::JsonError(req, core::NotFound(Msg("tasks.report_not_found")));
        auto bytes = format == "xlsx" ? watch_.ReportXlsx(p, *id) : watch_.ReportPdf(p, *id);
        if (!bytes) return http::JsonError(req, bytes.error());
        auto res = http::MakeResponse(req, http::beast_http::status::ok, std::move(bytes).value(),
                                      format == "xlsx" ? "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
                                                       : "application/pdf");
        // The file name is made of digits only: nothing a request sends reaches the header.
        res.set(http::beast_http::field::content_disposition,
                "attachment; filename=\"bao-cao-" + std::to_string(*id) + "." + format + "\"");
        return res;
    });
}

Response WatchHandlers::ApiReconciliations(Request& req) {
    return Api(web_, req, [&](const Principal& p) {
        json::array list;
        for (const auto& r : watch_.Reconciliations(p)) list.push_back(ReconciliationJson(r, req.Lang()));
        return http::Json(req, json::object{{"reconciliations", std::move(list)}});
    });
}

Response WatchHandlers::ApiReconcile(Request& req) {
    return Api(web_, req, [&](const Principal& p) {
        const auto name = http::PercentDecode(req.Header("X-File-Name"), false).value_or("");
        auto r = watch_.Reconcile(p, req.QueryParam("unit").value_or(""), req.raw.body(), name);
        if (!r) return http::JsonError(req, r.error());
        auto res = http::Json(req, ReconciliationJson(r.value(), req.Lang()), http::beast_http::status::created);
        res.set(http::beast_http::field::location, "/api/v1/tasks/reconciliations/" + std::to_string(r->id));
        return res;
    });
}

Response WatchHandlers::ApiReconciliation(Request& req) {
    return Api(web_, req, [&](const Principal& p) {
        auto id = auth::ParseId(req.path_params["id"]);
        if (!id) return http::JsonError(req, core::NotFound(Msg("tasks.reconcile_not_found")));
        auto r = watch_.GetReconciliation(p, *id);
        if (!r) return http::JsonError(req, r.error());
        return http::Json(req, ReconciliationJson(r.value(), req.Lang()));
    });
}

Response WatchHandlers::ApiReconciliationTemplate(Request& req) {
    return Api(web_, req, [&](const Principal& p) {
        auto r = watch_.ReconciliationTemplate(p, req.QueryParam("unit").value_or(""));
        if (!r) return http::JsonError(req, r.error());
        return Xlsx(req, std::move(r).value(), "doi-soat.xlsx");
    });
}

Response WatchHandlers::ApiFlagDifference(Request& req) {
    return Api(web_, req, [&](const Principal& p) {
        auto id = auth::ParseId(req.path_params["id"]);
        auto d = auth::ParseId(req.path_params["d"]);
        if (!id || !d) return http::JsonError(req, core::NotFound(Msg("tasks.reconcile_not_found")));
        json::object body;
        if (!req.raw.body().empty()) {
            auto b = auth::JsonBody(req);
            if (!b) return http::JsonError(req, b.error());
            body = std::move(b).value();
        }
        auto r = watch_.FlagDifference(p, *id, *d, auth::JsonText(body, "note"));
        if (!r) return http::JsonError(req, r.error());
        return http::Json(req, json::object{{"id", r->id}, {"flagged_at", Iso(*r->flagged_at)}, {"note", r->note}});
    });
}

Response WatchHandlers::ApiRunCleaning(Request& req) {
    return Api(web_, req, [&](const Principal& p) {
        auto n = watch_.RunCleaning(p);
        if (!n) return http::JsonError(req, n.error());
        return http::Json(req, json::object{{"new_findings", n.value()}});
    });
}

Response WatchHandlers::ApiFindings(Request& req) {
    return Api(web_, req, [&](const Principal& p) {
        if (!watch_.MayReport(p)) return http::JsonError(req, core::Forbidden(Msg("tasks.not_allowed")));
        json::array list;
        for (const auto& f : watch_.Findings(p, req.QueryParam("state").value_or("open")))
            list.push_back(FindingJson(f, req.Lang()));
        return http::Json(req, json::object{{"findings", std::move(list)}});
    });
}

Response WatchHandlers::ApiDecideFinding(Request& req) {
    return Api(web_, req, [&](const Principal& p) {
        auto id = auth::ParseId(req.path_params["id"]);
        if (!id) return http::JsonError(req, core::NotFound(Msg("tasks.finding_not_found")));
        auto body = auth::JsonBody(req);
        if (!body) return http::JsonError(req, body.error());
        auto r = watch_.DecideFinding(p, *id, auth::JsonText(*body, "decision"), auth::JsonText(*body, "note"));
        if (!r) return http::JsonError(req, r.error());
        return http::Json(req, FindingJson(r.value(), req.Lang()));
    });
}

Response WatchHandlers::ApiAnalysis(Request& req) {
    return Api(web_, req, [&](const Principal& p) {
        auto a = watch_.Analyse(p, req.QueryParam("period").value_or(""));
        if (!a) return http::JsonError(req, a.error());
        return http::Json(req, AnalysisJson(a.value(), req.Lang()));
    });
}

}  // namespace vp::tasks
