#include "tasks/handlers.hpp"

#include <boost/json.hpp>

#include "calendar/iso_time.hpp"
#include "core/message.hpp"
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
Response Guarded(auth::Web& web, Request& req, F f) {
    return auth::WithPrincipal(web, req, true, f);
}

std::optional<std::int64_t> PathId(Request& req, const char* name = "id") { return auth::ParseId(req.path_params[name]); }

core::Result<std::vector<std::string>> Strings(const json::object& o, std::string_view key) {
    std::vector<std::string> out;
    const auto* v = o.if_contains(key);
    if (!v || v->is_null()) return out;
    if (!v->is_array()) return core::InvalidField(std::string(key), Msg("tasks.field_list_expected", {{"field", std::string(key)}}));
    for (const auto& e : v->get_array()) {
        if (!e.is_string())
            return core::InvalidField(std::string(key), Msg("tasks.field_list_expected", {{"field", std::string(key)}}));
        out.emplace_back(e.get_string());
    }
    return out;
}

core::Result<int> Percent(const json::object& o, std::string_view key) {
    const auto* v = o.if_contains(key);
    if (!v || v->is_null()) return 0;
    if (v->is_int64()) return static_cast<int>(std::clamp<std::int64_t>(v->get_int64(), -1, 101));
    if (v->is_string()) {
        auto n = auth::ParseId(std::string(v->get_string()));
        if (n) return static_cast<int>(std::min<std::int64_t>(*n, 101));
        if (v->get_string() == "0") return 0;
    }
    return core::InvalidField(std::string(key), Msg("tasks.progress_range"));
}

core::Result<NewUpdate> UpdateFrom(const json::object& in) {
    auto progress = Percent(in, "progress");
    if (!progress) return progress.error();
    auto attachments = Strings(in, "attachments");
    if (!attachments) return attachments.error();
    return NewUpdate{.progress = progress.value(),
                     .results = auth::JsonText(in, "results"),
                     .products = auth::JsonText(in, "products"),
                     .difficulties = auth::JsonText(in, "difficulties"),
                     .causes = auth::JsonText(in, "causes"),
                     .attachments = std::move(attachments).value(),
                     .unit = auth::JsonText(in, "unit")};
}

json::object Body(Request& req, core::Result<json::object>& err) {
    if (req.raw.body().empty()) return {};
    auto b = auth::JsonBody(req);
    if (!b) {
        err = b.error();
        return {};
    }
    return std::move(b).value();
}

}  // namespace

core::Result<std::optional<core::TimePoint>> TimeParam(std::string_view text, std::string_view field, bool end_of_day,
                                                       const calendar::Calendar& cal) {
    using R = std::optional<core::TimePoint>;
    if (text.empty()) return R{};
    const std::string name(field);
    if (text.size() == 10) {
        if (!calendar::ParseIsoDate(text)) return core::InvalidField(name, Msg("tasks.time_invalid", {{"field", name}}));
        auto t = calendar::TryParseInstant(std::string(text) + "T00:00", cal.TimeZone());
        if (!t) return core::InvalidField(name, Msg("tasks.time_invalid", {{"field", name}}));
        if (!end_of_day) return R{t.value()};
        auto end = EndOfWorkingDay(t.value(), cal);
        if (!end) return end.error();
        return R{end.value()};
    }
    auto t = calendar::TryParseIso(text);
    if (!t) return core::InvalidField(name, Msg("tasks.time_invalid", {{"field", name}}));
    return R{t.value()};
}

core::Result<json::object> ScheduleJson(const std::string& start, const std::string& deadline,
                                        const std::string& cadence, const calendar::Calendar& cal) {
    auto s = TimeParam(start, "start", false, cal);
    if (!s) return s.error();
    if (!s->has_value()) return core::InvalidField("start", Msg("tasks.field_required", {{"field", "start"}}));
    auto d = TimeParam(deadline, "deadline", true, cal);
    if (!d) return d.error();
    auto c = ParseCadence(cadence);
    if (!c) return core::InvalidField("cadence", Msg("tasks.cadence_unknown", {{"cadence", cadence}}));
    auto plan = Checkpoints({.start = **s, .deadline = *d, .cadence = *c}, cal);
    if (!plan) return plan.error();
    json::array out;
    for (const auto& k : plan.value()) {
        out.push_back(json::object{{"kind", CheckpointKindCode(k.kind)},
                                   {"label", k.label},
                                   {"point", cal.FormatIso(k.point)},
                                   {"due_at", cal.FormatIso(k.due_at)}});
    }
    static constexpr const char* kLengths[] = {"under_1_month", "1_to_3_months", "3_to_6_months", "6_months_or_more",
                                               "open_ended"};
    return json::object{{"length", kLengths[static_cast<int>(ClassifyLength(**s, *d, cal))]},
                        {"checkpoints", std::move(out)}};
}

Response Handlers::ApiSchedule(Request& req) {
    // A calculator over the public calendar: no account needed.
    auto cal = Calendar();
    if (!cal) return http::JsonError(req, cal.error());
    auto r = ScheduleJson(req.QueryParam("start").value_or(""), req.QueryParam("deadline").value_or(""),
                          req.QueryParam("cadence").value_or(""), *cal.value());
    if (!r) return http::JsonError(req, r.error());
    return http::Json(req, r.value());
}

Response Handlers::ApiCatalogue(Request& req) {
    return Guarded(web_, req, [&](const Principal&) {
        json::array list;
        for (const auto& e : tasks_.Catalogue(req.QueryParam("category").value_or(""))) list.push_back(ToJson(e));
        return http::Json(req, json::object{{"entries", std::move(list)}});
    });
}

Response Handlers::ApiSetCatalogue(Request& req) {
    return Guarded(web_, req, [&](const Principal& p) {
        auto body = auth::JsonBody(req);
        if (!body) return http::JsonError(req, body.error());
        auto r = tasks_.SetCatalogueEntry(p, {.category = auth::JsonText(*body, "category"),
                                              .code = auth::JsonText(*body, "code"),
                                              .name_vi = auth::JsonText(*body, "name_vi"),
                                              .name_en = auth::JsonText(*body, "name_en"),
                                              .sort_order = auth::JsonInt(*body, "sort_order"),
                                              .status = auth::JsonText(*body, "status")});
        if (!r) return http::JsonError(req, r.error());
        return http::Json(req, ToJson(r.value()));
    });
}

Response Handlers::ApiDocuments(Request& req) {
    return Guarded(web_, req, [&](const Principal& p) {
        json::array list;
        for (const auto& d : tasks_.Documents(p)) list.push_back(ToJson(d));
        return http::Json(req, json::object{{"documents", std::move(list)}});
    });
}

Response Handlers::ApiCreateDocument(Request& req) {
    return Guarded(web_, req, [&](const Principal& p) {
        auto body = auth::JsonBody(req);
        if (!body) return http::JsonError(req, body.error());
        auto files = Strings(*body, "files");
        if (!files) return http::JsonError(req, files.error());
        NewDocument d{.kind = auth::JsonText(*body, "kind"),
                      .title = auth::JsonText(*body, "title"),
                      .number = auth::JsonText(*body, "number"),
                      .symbol = auth::JsonText(*body, "symbol"),
                      .summary = auth::JsonText(*body, "summary"),
                      .issued_on = auth::JsonText(*body, "issued_on"),
                      .signer = auth::JsonText(*body, "signer"),
                      .submitting_unit = auth::JsonText(*body, "submitting_unit"),
                      .issuing_unit = auth::JsonText(*body, "issuing_unit"),
                      .secrecy = auth::JsonText(*body, "secrecy"),
                      .files = std::move(files).value()};
        if (d.secrecy.empty()) d.secrecy = "thuong";
        // Mật and Tối mật go to the secret partition, with only the fields of Art. 5.2.
        if (IsPartitionLevel(d.secrecy)) return CreateSecret(req, p, *body);
        auto r = tasks_.CreateDocument(p, std::move(d));
        if (!r) return http::JsonError(req, r.error());
        auto res = http::Json(req, ToJson(r.value()), http::beast_http::status::created);
        res.set(http::beast_http::field::location, "/api/v1/tasks/documents/" + std::to_string(r->id));
        return res;
    });
}

Response Handlers::ApiDocument(Request& req) {
    return Guarded(web_, req, [&](const Principal& p) {
        auto id = PathId(req);
        if (!id) return http::JsonError(req, core::NotFound(Msg("tasks.document_not_found")));
        auto r = tasks_.GetDocument(p, *id);
        if (!r) return http::JsonError(req, r.error());
        return http::Json(req, ToJson(r.value()));
    });
}

Response Handlers::ApiTasks(Request& req) {
    return Guarded(web_, req, [&](const Principal& p) {
        auto cal = Calendar();
        if (!cal) return http::JsonError(req, cal.error());
        TaskFilter f{.unit = req.QueryParam("unit").value_or(""), .priority = req.QueryParam("priority").value_or("")};
        if (auto s = req.QueryParam("status"); s && !s->empty()) {
            f.status = ParseStatus(*s);
            if (!f.status) return http::JsonError(req, core::InvalidField("status", Msg("tasks.status_unknown", {{"status", *s}})));
        }
        f.document_id = auth::ParseId(req.QueryParam("document").value_or("")).value_or(0);
        auto from = TimeParam(req.QueryParam("due_from").value_or(""), "due_from", false, *cal.value());
        if (!from) return http::JsonError(req, from.error());
        auto to = TimeParam(req.QueryParam("due_to").value_or(""), "due_to", false, *cal.value());
        if (!to) return http::JsonError(req, to.error());
        f.due_from = from.value();
        f.due_to = to.value();
        f.limit = static_cast<int>(auth::ParseId(req.QueryParam("limit").value_or("50")).value_or(50));
        f.offset = static_cast<int>(auth::ParseId(req.QueryParam("offset").value_or("0")).value_or(0));
        json::array list;
        for (auto& t : tasks_.ListTasks(p, f)) list.push_back(ToJson(t, *cal.value()));
        return http::Json(req, json::object{{"tasks", std::move(list)}});
    });
}

Response Handlers::ApiCreateTask(Request& req) {
    return Guarded(web_, req, [&](const Principal& p) {
        auto cal = Calendar();
        if (!cal) return http::JsonError(req, cal.error());
        auto body = auth::JsonBody(req);
        if (!body) return http::JsonError(req, body.error());
        auto leads = Strings(*body, "lead_units");
        if (!leads) return http::JsonError(req, leads.error());
        auto coord = Strings(*body, "coordinating_units");
        if (!coord) return http::JsonError(req, coord.error());
        auto start = TimeParam(auth::JsonText(*body, "start"), "start", false, *cal.value());
        if (!start) return http::JsonError(req, start.error());
        auto deadline = TimeParam(auth::JsonText(*body, "deadline"), "deadline", true, *cal.value());
        if (!deadline) return http::JsonError(req, deadline.error());
        auto cadence = ParseCadence(auth::JsonText(*body, "cadence"));
        if (!cadence)
            return http::JsonError(req, core::InvalidField("cadence", Msg("tasks.cadence_unknown", {{"cadence", auth::JsonText(*body, "cadence")}})));
        NewTask t{.document_id = auth::JsonInt(*body, "document"),
                  .parent_id = auth::JsonInt(*body, "parent"),
                  .content = auth::JsonText(*body, "content"),
                  .lead_units = std::move(leads).value(),
                  .coordinating_units = std::move(coord).value(),
                  .monitoring_unit = auth::JsonText(*body, "monitoring_unit"),
                  .start = start.value(),
                  .deadline = deadline.value(),
                  .cadence = *cadence,
                  .priority = auth::JsonText(*body, "priority"),
                  .scope = auth::JsonText(*body, "scope"),
                  .group = auth::JsonText(*body, "group")};
        if (t.priority.empty()) t.priority = "regular";
        if (t.scope.empty()) t.scope = "national";
        auto r = tasks_.CreateTask(p, std::move(t));
        if (!r) return http::JsonError(req, r.error());
        auto read = tasks_.GetTask(p, r->id);
        auto res = http::Json(req, ToJson(read ? read.value() : r.value(), *cal.value()), http::beast_http::status::created);
        res.set(http::beast_http::field::location, "/api/v1/tasks/" + std::to_string(r->id));
        return res;
    });
}

Response Handlers::ApiTask(Request& req) {
    return Guarded(web_, req, [&](const Principal& p) {
        auto cal = Calendar();
        if (!cal) return http::JsonError(req, cal.error());
        auto id = PathId(req);
        if (!id) return http::JsonError(req, core::NotFound(Msg("tasks.task_not_found")));
        auto r = tasks_.GetTask(p, *id);
        if (!r) return http::JsonError(req, r.error());
        return http::Json(req, ToJson(r.value(), *cal.value()));
    });
}

Response Handlers::ApiAcknowledge(Request& req) {
    return Guarded(web_, req, [&](const Principal& p) {
        auto cal = Calendar();
        if (!cal) return http::JsonError(req, cal.error());
        auto id = PathId(req);
        if (!id) return http::JsonError(req, core::NotFound(Msg("tasks.task_not_found")));
        auto r = tasks_.Acknowledge(p, *id);
        if (!r) return http::JsonError(req, r.error());
        auto read = tasks_.GetTask(p, *id);
        return http::Json(req, ToJson(read ? read.value() : r.value(), *cal.value()));
    });
}

Response Handlers::ApiDispute(Request& req) {
    return Guarded(web_, req, [&](const Principal& p) {
        auto id = PathId(req);
        if (!id) return http::JsonError(req, core::NotFound(Msg("tasks.task_not_found")));
        core::Result<json::object> err = json::object{};
        auto body = Body(req, err);
        if (!err) return http::JsonError(req, err.error());
        auto r = tasks_.OpenDispute(p, *id, auth::JsonText(body, "reason"));
        if (!r) return http::JsonError(req, r.error());
        return http::Json(req, ToJson(r.value(), "Asia/Ho_Chi_Minh"), http::beast_http::status::created);
    });
}

Response Handlers::ApiSettle(Request& req) {
    return Guarded(web_, req, [&](const Principal& p) {
        auto id = PathId(req);
        if (!id) return http::JsonError(req, core::NotFound(Msg("tasks.dispute_not_found")));
        auto body = auth::JsonBody(req);
        if (!body) return http::JsonError(req, body.error());
        auto r = tasks_.SettleDispute(p, *id, auth::JsonText(*body, "settlement"), auth::JsonText(*body, "new_unit"));
        if (!r) return http::JsonError(req, r.error());
        return http::Json(req, ToJson(r.value(), "Asia/Ho_Chi_Minh"));
    });
}

// A report (`completion`: the completion report) from the request's JSON.
Response Handlers::Report(Request& req, bool completion) {
    return Guarded(web_, req, [&](const Principal& p) {
        auto id = PathId(req);
        if (!id) return http::JsonError(req, core::NotFound(Msg("tasks.task_not_found")));
        auto body = auth::JsonBody(req);
        if (!body) return http::JsonError(req, body.error());
        auto in = UpdateFrom(*body);
        if (!in) return http::JsonError(req, in.error());
        auto r = tasks_.SubmitUpdate(p, *id, std::move(in).value(), completion);
        if (!r) return http::JsonError(req, r.error());
        return http::Json(req, ToJson(r.value(), "Asia/Ho_Chi_Minh"), http::beast_http::status::created);
    });
}

Response Handlers::ApiSubmitUpdate(Request& req) { return Report(req, false); }
Response Handlers::ApiComplete(Request& req) { return Report(req, true); }

Response Handlers::ApiDecide(Request& req) {
    return Guarded(web_, req, [&](const Principal& p) {
        auto u = PathId(req, "u");
        if (!u) return http::JsonError(req, core::NotFound(Msg("tasks.update_not_found")));
        core::Result<json::object> err = json::object{};
        auto body = Body(req, err);
        if (!err) return http::JsonError(req, err.error());
        const bool approve = req.path_params["decision"] == "approve";
        if (!approve && req.path_params["decision"] != "return")
            return http::JsonError(req, core::NotFound(Msg("tasks.update_not_found")));
        auto r = tasks_.DecideUpdate(p, *u, approve, auth::JsonText(body, "comment"));
        if (!r) return http::JsonError(req, r.error());
        return http::Json(req, ToJson(r.value(), "Asia/Ho_Chi_Minh"));
    });
}

Response Handlers::ApiEvaluate(Request& req) {
    return Guarded(web_, req, [&](const Principal& p) {
        auto u = PathId(req, "u");
        if (!u) return http::JsonError(req, core::NotFound(Msg("tasks.update_not_found")));
        auto body = auth::JsonBody(req);
        if (!body) return http::JsonError(req, body.error());
        const auto* wrong = body->if_contains("wrong_report");
        auto r = tasks_.Evaluate(p, *u, auth::JsonText(*body, "evaluation"), wrong && wrong->is_bool() && wrong->get_bool());
        if (!r) return http::JsonError(req, r.error());
        return http::Json(req, ToJson(r.value(), "Asia/Ho_Chi_Minh"));
    });
}

Response Handlers::ApiExplain(Request& req) {
    return Guarded(web_, req, [&](const Principal& p) {
        auto id = PathId(req);
        if (!id) return http::JsonError(req, core::NotFound(Msg("tasks.explanation_not_found")));
        auto body = auth::JsonBody(req);
        if (!body) return http::JsonError(req, body.error());
        auto r = tasks_.Explain(p, *id, auth::JsonText(*body, "text"));
        if (!r) return http::JsonError(req, r.error());
        return http::Json(req, ToJson(r.value(), "Asia/Ho_Chi_Minh"));
    });
}

Response Handlers::ApiUpdates(Request& req) {
    return Guarded(web_, req, [&](const Principal& p) {
        auto id = PathId(req);
        if (!id) return http::JsonError(req, core::NotFound(Msg("tasks.task_not_found")));
        if (auto t = tasks_.GetTask(p, *id); !t) return http::JsonError(req, t.error());
        json::array list;
        for (const auto& u : tasks_.Updates(p, *id)) list.push_back(ToJson(u, "Asia/Ho_Chi_Minh"));
        return http::Json(req, json::object{{"updates", std::move(list)}});
    });
}

Response Handlers::ApiTaskRecords(Request& req) {
    // /api/v1/tasks/{id}/disputes, /explanations, /history
    return Guarded(web_, req, [&](const Principal& p) {
        auto id = PathId(req);
        if (!id) return http::JsonError(req, core::NotFound(Msg("tasks.task_not_found")));
        if (auto t = tasks_.GetTask(p, *id); !t) return http::JsonError(req, t.error());
        const auto what = req.path_params["records"];
        json::array list;
        if (what == "disputes") {
            for (const auto& d : tasks_.Disputes(p, *id)) list.push_back(ToJson(d, "Asia/Ho_Chi_Minh"));
        } else if (what == "explanations") {
            for (const auto& e : tasks_.Explanations(p, *id)) list.push_back(ToJson(e, "Asia/Ho_Chi_Minh"));
        } else if (what == "history") {
            for (const auto& s : tasks_.StatusHistory(p, *id)) {
                list.push_back(json::object{{"status", StatusCode(s.status)},
                                            {"at", calendar::FormatIso(s.at, "Asia/Ho_Chi_Minh")}});
            }
        } else {
            return http::JsonError(req, core::NotFound(Msg("tasks.task_not_found")));
        }
        return http::Json(req, json::object{{std::string(what), std::move(list)}});
    });
}

// ---------------------------------------------------------------------------------------------
// The secret partition (secret.hpp)

Response Handlers::CreateSecret(Request& req, const Principal& p, const json::object& body) {
    auto cal = Calendar();
    if (!cal) return http::JsonError(req, cal.error());
    NewSecretDocument d{.secrecy = auth::JsonText(body, "secrecy"),
                        .kind = auth::JsonText(body, "kind"),
                        .title = auth::JsonText(body, "title"),
                        .number = auth::JsonText(body, "number"),
                        .symbol = auth::JsonText(body, "symbol"),
                        .issued_on = auth::JsonText(body, "issued_on"),
                        .signer = auth::JsonText(body, "signer"),
                        .submitting_unit = auth::JsonText(body, "submitting_unit"),
                        .issuing_unit = auth::JsonText(body, "issuing_unit"),
                        .monitoring_unit = auth::JsonText(body, "monitoring_unit"),
                        .notes = auth::JsonText(body, "notes")};
    // Every field the request carries is named to the register, which refuses any outside Art. 5.2.
    for (const auto& kv : body) d.fields.emplace_back(kv.key());
    auto leads = Strings(body, "lead_units");
    if (!leads) return http::JsonError(req, leads.error());
    d.lead_units = std::move(leads).value();
    if (const auto* n = body.if_contains("task_count"); n && !n->is_null()) {
        if (!n->is_int64()) return http::JsonError(req, core::InvalidField("task_count", Msg("tasks.secret_task_count_invalid")));
        d.task_count = n->get_int64();
    }
    auto deadline = TimeParam(auth::JsonText(body, "deadline"), "deadline", true, *cal.value());
    if (!deadline) return http::JsonError(req, deadline.error());
    d.deadline = deadline.value();
    auto r = secret_.Create(p, std::move(d));
    if (!r) return http::JsonError(req, r.error());
    auto res = http::Json(req, ToJson(r.value(), cal.value()->TimeZone()), http::beast_http::status::created);
    res.set(http::beast_http::field::location, "/api/v1/tasks/secret-documents/" + std::to_string(r->id));
    return res;
}

Response Handlers::ApiSecretDocuments(Request& req) {
    return Guarded(web_, req, [&](const Principal& p) {
        auto cal = Calendar();
        if (!cal) return http::JsonError(req, cal.error());
        json::array list;
        for (const auto& d : secret_.List(p)) list.push_back(ToJson(d, cal.value()->TimeZone()));
        return http::Json(req, json::object{{"documents", std::move(list)}});
    });
}

Response Handlers::ApiSecretDocument(Request& req) {
    return Guarded(web_, req, [&](const Principal& p) {
        auto cal = Calendar();
        if (!cal) return http::JsonError(req, cal.error());
        auto id = PathId(req);
        if (!id) return http::JsonError(req, core::NotFound(Msg("tasks.document_not_found")));
        core::Result<SecretDocument> r = core::NotFound(Msg("tasks.document_not_found"));
        const auto action = req.path_params["action"];
        if (req.raw.method() == http::beast_http::verb::get) {
            r = secret_.Get(p, *id);
        } else if (action == "done") {
            r = secret_.RecordDone(p, *id);
        } else if (action == "evaluate") {
            auto body = auth::JsonBody(req);
            if (!body) return http::JsonError(req, body.error());
            r = secret_.Evaluate(p, *id, auth::JsonText(*body, "evaluation"));
        }
        if (!r) return http::JsonError(req, r.error());
        return http::Json(req, ToJson(r.value(), cal.value()->TimeZone()));
    });
}

}  // namespace vp::tasks
