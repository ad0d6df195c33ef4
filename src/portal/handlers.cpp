#include "portal/handlers.hpp"

#include <boost/json.hpp>

#include "calendar/iso_time.hpp"
#include "core/message.hpp"
#include "portal/http_util.hpp"

namespace vp::portal {

namespace http = core::http;
namespace json = boost::json;
using auth::Principal;
using http::Request;
using http::Response;

namespace {

using http_util::Guarded;
using http_util::PathId;

std::vector<std::string> Lines(const std::string& s) {
    std::vector<std::string> out;
    std::size_t pos = 0;
    while (pos <= s.size()) {
        auto nl = s.find_first_of(",\n", pos);
        if (nl == std::string::npos) nl = s.size();
        auto part = s.substr(pos, nl - pos);
        while (!part.empty() && (part.back() == '\r' || part.back() == ' ')) part.pop_back();
        while (!part.empty() && part.front() == ' ') part.erase(0, 1);
        if (!part.empty()) out.push_back(part);
        pos = nl + 1;
    }
    return out;
}

// The item fields of the editor's form (the same names as the API's JSON).
core::Result<ItemFields> FieldsFromForm(const Request& req) {
    auto form = req.Form();
    json::object o;
    for (const char* k : {"title", "lead", "body_html", "source", "original_source", "original_url", "royalty_grade",
                          "event_at", "issued_at"}) {
        o[k] = auth::FormField(form, k);
    }
    // datetime-local inputs carry no offset: they are the portal's local time (UTC+7).
    for (const char* k : {"event_at", "issued_at"}) {
        auto v = auth::FormField(form, k);
        if (v.size() == 16) o[k] = v + ":00+07:00";
    }
    json::array authors, tags, sections;
    for (auto& a : Lines(auth::FormField(form, "authors"))) authors.emplace_back(a);
    for (auto& t : Lines(auth::FormField(form, "tags"))) tags.emplace_back(t);
    for (auto& s : req.FormValues("sections")) sections.emplace_back(s);
    o["authors"] = std::move(authors);
    o["tags"] = std::move(tags);
    o["sections"] = std::move(sections);
    // An official document's register entry (P-3), and the documents the item cites (P-25).
    json::object document;
    for (const char* k : {"doc_kind", "number", "symbol", "issuer", "signer"})
        document[k] = auth::FormField(form, "document." + std::string(k));
    if (std::any_of(document.begin(), document.end(), [](const auto& kv) { return !kv.value().as_string().empty(); }))
        o["document"] = std::move(document);
    json::array cites;
    for (auto& c : Lines(auth::FormField(form, "cites"))) {
        auto id = auth::ParseId(c);
        if (!id) return core::InvalidField("cites", core::Msg("portal.field_list_expected", {{"field", "cites"}}));
        cites.emplace_back(*id);
    }
    o["cites"] = std::move(cites);
    return FieldsFromJson(o);
}

core::Result<ActionInput> ParseActionInput(const json::object& in) {
    ActionInput a{.comment = auth::JsonText(in, "comment"),
                  .reason = auth::JsonText(in, "reason"),
                  .expected_version = auth::JsonInt(in, "version")};
    auto at = auth::JsonText(in, "at");
    if (!at.empty()) {
        if (at.size() == 16) at += ":00+07:00";
        auto t = calendar::TryParseIso(at);
        if (!t) return core::InvalidField("at", core::Msg("portal.field_time_invalid", {{"field", "at"}}));
        a.at = t.value();
    }
    // The contribution (P-11): a JSON object "contribution", or the form's "contribution.<field>".
    const auto* nested = in.if_contains("contribution");
    if (nested && !nested->is_object() && !nested->is_null())
        return core::InvalidField("contribution", core::Msg("portal.contribution_required"));
    auto part = [&](std::string_view key) {
        if (nested && nested->is_object()) return auth::JsonText(nested->as_object(), key);
        return auth::JsonText(in, "contribution." + std::string(key));
    };
    bool any = nested && nested->is_object();
    for (const auto& [k, v] : in) any = any || std::string_view(k).starts_with("contribution.");
    if (any) {
        a.contribution = Contribution{.full_name = part("full_name"),
                                      .title = part("title"),
                                      .unit = part("unit"),
                                      .phone = part("phone"),
                                      .bank_account = part("bank_account"),
                                      .bank_branch = part("bank_branch"),
                                      .head_name = part("head_name"),
                                      .head_title = part("head_title"),
                                      .head_approved_on = part("head_approved_on"),
                                      .head_approval_file = part("head_approval_file")};
    }
    return a;
}

json::array StateOptions(const std::optional<State>& selected) {
    json::array out;
    for (auto s : {State::kDraft, State::kSubmitted, State::kEditing, State::kInReview, State::kApproved,
                   State::kScheduled, State::kPublished, State::kTakenDown, State::kWithdrawn}) {
        out.push_back(json::object{{"code", StateCode(s)},
                                   {"selected", selected == s},
                                   {"label_key", "portal_state_" + std::string(StateCode(s))}});
    }
    return out;
}

// The portal choices of a filter or form, `selected` chosen.
json::array PortalOptions(const std::vector<Portal>& portals, const std::string& selected) {
    json::array out;
    for (const auto& pt : portals) {
        out.push_back(json::object{{"code", pt.code}, {"name", pt.name_vi}, {"selected", pt.code == selected}});
    }
    return out;
}

std::string LocalInput(const json::value& iso) {
    // "2026-03-09T08:30:00+07:00" -> "2026-03-09T08:30" for datetime-local inputs.
    if (!iso.is_string() || iso.get_string().size() < 16) return "";
    return std::string(iso.get_string().subview(0, 16));
}

core::Result<NewTakedown> TakedownFrom(const json::object& in) {
    auto kind = ParseCaseKind(auth::JsonText(in, "kind").empty() ? "take_down" : auth::JsonText(in, "kind"));
    if (!kind) return core::InvalidField("kind", core::Msg("portal.takedown_kind_invalid"));
    const auto urgent = in.if_contains("urgent");
    return NewTakedown{.kind = *kind,
                       .reason = auth::JsonText(in, "reason"),
                       .urgent = urgent && ((urgent->is_bool() && urgent->get_bool()) ||
                                            (urgent->is_string() && urgent->get_string() == "1")),
                       .requested_by_unit = auth::JsonText(in, "requested_by_unit"),
                       .correction_note = auth::JsonText(in, "correction_note")};
}

// One step of a case: written-request, agreement, decide, responsibility.
core::Result<Takedown> CaseStep(Service& portal, const Principal& p, std::int64_t id, const std::string& step,
                                const json::object& in) {
    if (step == "written-request") {
        return portal.RecordWrittenRequest(p, id,
                                           {.number = auth::JsonText(in, "number"),
                                            .date = auth::JsonText(in, "date"),
                                            .file = auth::JsonText(in, "file")});
    }
    if (step == "agreement") return portal.RecordAgreement(p, id, auth::JsonText(in, "note"));
    if (step == "decide") return portal.DecideTakedown(p, id);
    if (step == "responsibility") return portal.ConfirmResponsibility(p, id);
    return core::NotFound(core::Msg("portal.takedown_step_unknown", {{"step", step}}));
}

json::object FormObject(const Request& req) {
    json::object in;
    for (auto& [k, v] : req.Form()) in[k] = v;
    return in;
}

}  // namespace

json::array Handlers::PortalChoices(const std::string& selected) const {
    return PortalOptions(portal_.ListPortals(), selected);
}

std::string Handlers::ZoneOf(const std::string& portal) const {
    auto p = portal_.FindPortal(portal);
    return p ? p->time_zone : "Asia/Ho_Chi_Minh";
}

// ---------------------------------------------------------------------------------------------
// Pages

Response Handlers::Queue(Request& req) {
    return Guarded(web_, req, false, [&](const Principal& p) {
        QueueFilter f{.portal = req.QueryParam("portal").value_or("")};
        if (auto s = req.QueryParam("state"); s && !s->empty()) f.state = ParseState(*s);
        f.pending_only = req.QueryParam("pending").value_or("") == "1";
        f.late_only = req.QueryParam("late").value_or("") == "1";
        f.query = req.QueryParam("q").value_or("");
        json::array items;
        for (const auto& it : portal_.Queue(p, f)) {
            auto j = ToJson(it, it.time_zone);
            j["state_" + std::string(StateCode(it.state))] = true;
            j["state_label"] = web_.Templates().T(req.Lang(), "portal_state_" + std::string(StateCode(it.state)));
            j["late"] = it.deadline_met == false;
            j["updated"] = auth::FormatLocalTime(core::ToMillis(it.updated_at));
            items.push_back(std::move(j));
        }
        auto portals = PortalOptions(portal_.ListPortals(), f.portal);
        return web_.Page(req, &p, "portal/queue",
                         {{"items", std::move(items)},
                          {"portals", std::move(portals)},
                          {"states", StateOptions(f.state)},
                          {"q", f.query},
                          {"late", f.late_only},
                          {"pending", f.pending_only},
                          {"can_create", web_.Auth().HoldsAnywhere(p, kItemCreate)}},
                         "portal_queue_title");
    });
}

Response Handlers::NewItemPage(Request& req) {
    return Guarded(web_, req, false, [&](const Principal& p) {
        const auto code = req.QueryParam("portal").value_or(std::string(kMainPortal));
        auto portal = portal_.FindPortal(code);
        if (!portal) return web_.Fail(req, &p, core::NotFound(core::Msg("portal.portal_not_found", {{"code", code}})));
        json::array kinds, sections, portals, languages;
        for (const auto& k : ItemKinds()) kinds.push_back(json::object{{"code", k}, {"selected", k == "news"}});
        for (const auto& s : portal_.Sections(portal->id))
            sections.push_back(json::object{{"code", s.code}, {"name", s.name_vi}});
        portals = PortalOptions(portal_.ListPortals(), code);
        for (const auto& l : portal->languages) languages.push_back(json::object{{"code", l}, {"selected", l == "vi"}});
        return web_.Page(req, &p, "portal/new",
                         {{"portal", code},
                          {"kinds", std::move(kinds)},
                          {"section_choices", std::move(sections)},
                          {"portals", std::move(portals)},
                          {"languages", std::move(languages)},
                          {"doc_kinds", http_util::CodeOptions(web_, req, DocumentKinds(), "portal_doc_kind_")},
                          {"translation_of", req.QueryParam("translation_of").value_or("")}},
                         "portal_new_title");
    });
}

Response Handlers::CreateItem(Request& req) {
    return Guarded(web_, req, false, [&](const Principal& p) {
        auto fields = FieldsFromForm(req);
        if (!fields) return web_.Fail(req, &p, fields.error());
        auto form = req.Form();
        NewItem n{.portal = auth::FormField(form, "portal"),
                  .kind = auth::FormField(form, "kind"),
                  .language = auth::FormField(form, "language"),
                  .translation_of = auth::ParseId(auth::FormField(form, "translation_of")).value_or(0),
                  .fields = std::move(fields).value()};
        auto r = portal_.CreateItem(p, std::move(n));
        if (!r) return web_.Fail(req, &p, r.error());
        return http::Redirect(req, "/admin/portal/items/" + std::to_string(r->id) + "?ok=created");
    });
}

Response Handlers::ItemPage(Request& req) {
    return Guarded(web_, req, false, [&](const Principal& p) {
        auto id = PathId(req);
        auto it = id ? portal_.GetItem(p, *id, true) : core::Result<Item>(core::NotFound(core::Msg("portal.item_not_found")));
        if (!it) return web_.Fail(req, &p, it.error());
        const auto& tz = it->time_zone;
        auto j = ToJson(it.value(), tz);
        j["state_label"] = web_.Templates().T(req.Lang(), "portal_state_" + std::string(StateCode(it->state)));
        j["event_at_local"] = LocalInput(j["event_at"]);
        j["issued_at_local"] = LocalInput(j["issued_at"]);
        std::string authors, tags;
        for (const auto& a : it->current.fields.authors) authors += (authors.empty() ? "" : ", ") + a;
        for (const auto& t : it->current.fields.tags) tags += (tags.empty() ? "" : ", ") + t;
        j["authors_text"] = authors;
        j["tags_text"] = tags;
        std::string cites;
        for (auto c : it->current.fields.cites) cites += (cites.empty() ? "" : ", ") + std::to_string(c);
        j["cites_text"] = cites;
        j["doc_kinds"] = http_util::CodeOptions(web_, req, DocumentKinds(), "portal_doc_kind_", it->current.fields.document.doc_kind);
        json::array sections;
        for (const auto& s : portal_.Sections(it->portal_id)) {
            const auto& chosen = it->current.fields.sections;
            sections.push_back(
                json::object{{"code", s.code},
                             {"name", s.name_vi},
                             {"checked", std::find(chosen.begin(), chosen.end(), s.code) != chosen.end()}});
        }
        // The actions this person may take from this state (Act decides again).
        json::array actions;
        const auto facts = FactsOf(it.value());
        for (auto a : portal_.AllowedActions(p, it.value())) {
            auto step = PlanAction(facts, a);
            json::object o{{"code", ActionCode(a)},
                           {"label", web_.Templates().T(req.Lang(), "portal_action_" + std::string(ActionCode(a)))},
                           {"needs_comment", step->needs_comment},
                           {"needs_reason", step->needs_reason},
                           {"needs_time", a == Action::kSchedule},
                           {"danger", a == Action::kTakeDown || a == Action::kWithdraw}};
            // A contributor's submission carries who he is and his unit head's approval (P-11);
            // the form is filled from his last one (the bank account is kept if left empty).
            if (a == Action::kSubmit && portal_.SubmitsAsContributor(p, it.value())) {
                json::object c{{"has_profile", false}};
                if (auto prof = portal_.OwnContributorProfile(p, it->portal); prof && prof->has_value()) {
                    c = ToJson(**prof, tz);
                    c["has_profile"] = true;
                }
                o["contribution"] = std::move(c);
            }
            actions.push_back(std::move(o));
        }
        json::array history;
        if (auto h = portal_.History(p, it->id)) {
            for (const auto& e : h.value()) {
                auto o = ToJson(e, tz);
                o["when"] = auth::FormatLocalTime(core::ToMillis(e.at));
                o["has_comment"] = !e.comment.empty();
                o["moved"] = e.from_state != e.to_state;
                history.push_back(std::move(o));
            }
        }
        json::array revisions;
        if (auto rs = portal_.Revisions(p, it->id)) {
            for (const auto& r : rs.value()) {
                revisions.push_back(json::object{{"no", r.no},
                                                 {"by", r.created_by_name},
                                                 {"role", r.role},
                                                 {"when", auth::FormatLocalTime(core::ToMillis(r.created_at))},
                                                 {"live", r.no == it->live_revision},
                                                 {"prev", r.no - 1},
                                                 {"has_prev", r.no > 1}});
            }
        }
        json::array cases;
        if (auto ts = portal_.Takedowns(p, it->id)) {
            for (const auto& t : ts.value()) {
                auto o = ToJson(t, tz);
                o["awaiting_decision"] = t.status == kAwaitingDecision;
                o["awaiting_request"] = t.requested_by_unit_id != 0 && !t.request_recorded_at;
                o["needs_agreement"] = !t.central && !t.agreement_recorded_at && t.status == kAwaitingDecision;
                o["needs_confirmation"] = t.executed_at && !t.responsibility_confirmed_at;
                if (t.correction_note.empty()) o.erase("correction_note");  // logic-less templates: absent, not ""
                cases.push_back(std::move(o));
            }
        }
        json::array contributions;
        if (auto cs = portal_.Contributions(p, it->id)) {
            for (const auto& c : cs.value()) contributions.push_back(ToJson(c, tz));
        }
        const bool held = it->screening && it->screening->held();
        auto can_save = PlanSave(facts);
        const bool has_contributions = !contributions.empty();
        json::object data{{"item", std::move(j)},
                          {"contributions", std::move(contributions)},
                          {"has_contributions", has_contributions},
                          {"screening_found", it->screening && !it->screening->terms.empty()},
                          {"screening_held", held},
                          {"screening_confirmed", it->screening && it->screening->confirmed},
                          {"section_choices", std::move(sections)},
                          {"actions", std::move(actions)},
                          {"history", std::move(history)},
                          {"revisions", std::move(revisions)},
                          {"takedowns", std::move(cases)},
                          {"can_open_case", it->state == State::kPublished || it->state == State::kTakenDown},
                          {"editable", can_save.ok()},
                          {"editing_published", can_save.ok() && can_save->creates_pending},
                          {"state_" + std::string(StateCode(it->state)), true}};
        if (auto ok = req.QueryParam("ok")) data["ok_" + *ok] = true;
        return web_.Page(req, &p, "portal/item", std::move(data), "portal_item_title");
    });
}

Response Handlers::SaveItem(Request& req) {
    return Guarded(web_, req, false, [&](const Principal& p) {
        auto id = PathId(req);
        if (!id) return web_.Fail(req, &p, core::NotFound(core::Msg("portal.item_not_found")));
        auto fields = FieldsFromForm(req);
        if (!fields) return web_.Fail(req, &p, fields.error());
        auto form = req.Form();
        auto r = portal_.SaveRevision(p, *id, std::move(fields).value(), auth::FormField(form, "comment"),
                                      auth::ParseId(auth::FormField(form, "version")).value_or(0));
        if (!r) return web_.Fail(req, &p, r.error());
        return http::Redirect(req, "/admin/portal/items/" + std::to_string(*id) + "?ok=saved");
    });
}

Response Handlers::ActOnItem(Request& req) {
    return Guarded(web_, req, false, [&](const Principal& p) {
        auto id = PathId(req);
        auto action = ParseAction(req.path_params["action"]);
        if (!id || !action) return web_.Fail(req, &p, core::NotFound(core::Msg("portal.item_not_found")));
        json::object in;
        for (auto& [k, v] : req.Form()) in[k] = v;
        auto input = ParseActionInput(in);
        if (!input) return web_.Fail(req, &p, input.error());
        auto r = portal_.Act(p, *id, *action, std::move(input).value());
        if (!r) return web_.Fail(req, &p, r.error());
        return http::Redirect(req,
                              "/admin/portal/items/" + std::to_string(*id) + "?ok=" + std::string(ActionCode(*action)));
    });
}

Response Handlers::DiffPage(Request& req) {
    return Guarded(web_, req, false, [&](const Principal& p) {
        auto id = PathId(req);
        auto a = auth::ParseId(req.QueryParam("a").value_or(""));
        auto b = auth::ParseId(req.QueryParam("b").value_or(""));
        if (!id || !a || !b) return web_.Fail(req, &p, core::NotFound(core::Msg("portal.revision_not_found")));
        auto d = portal_.Diff(p, *id, *a, *b);
        if (!d) return web_.Fail(req, &p, d.error());
        json::array fields, body;
        for (const auto& f : d->fields) {
            fields.push_back(
                json::object{{"field", f.field},
                             {"a", f.a.is_string() ? json::value(f.a) : json::value(json::serialize(f.a))},
                             {"b", f.b.is_string() ? json::value(f.b) : json::value(json::serialize(f.b))}});
        }
        for (const auto& l : d->body) {
            body.push_back(json::object{{"text", l.text}, {"added", l.op == '+'}, {"removed", l.op == '-'}});
        }
        return web_.Page(req, &p, "portal/diff",
                         {{"id", *id}, {"a", *a}, {"b", *b}, {"fields", std::move(fields)}, {"body", std::move(body)}},
                         "portal_diff_title");
    });
}

Response Handlers::PostChecks(Request& req) {
    return Guarded(web_, req, false, [&](const Principal& p) {
        const auto code = req.QueryParam("portal").value_or(std::string(kMainPortal));
        const auto tz = ZoneOf(code);
        const auto now = std::chrono::system_clock::now();
        json::array checks;
        for (const auto& c : portal_.PostCheckQueue(p, code, req.QueryParam("all").value_or("") != "1")) {
            auto o = ToJson(c, tz);
            o["due"] = auth::FormatLocalTime(core::ToMillis(c.due_at));
            o["overdue"] = c.state == "pending" && now >= c.due_at;
            o["pending"] = c.state == "pending";
            checks.push_back(std::move(o));
        }
        auto portals = PortalOptions(portal_.ListPortals(), code);
        return web_.Page(req, &p, "portal/post_checks",
                         {{"checks", std::move(checks)}, {"portals", std::move(portals)}, {"portal", code}},
                         "portal_post_checks_title");
    });
}

Response Handlers::CompletePostCheck(Request& req) {
    return Guarded(web_, req, false, [&](const Principal& p) {
        auto id = PathId(req);
        if (!id) return web_.Fail(req, &p, core::NotFound(core::Msg("portal.post_check_not_found")));
        auto form = req.Form();
        auto r = portal_.CompletePostCheck(p, *id, auth::FormField(form, "outcome") == "finding",
                                           auth::FormField(form, "finding"));
        if (!r) return web_.Fail(req, &p, r.error());
        // A form field in a Location header: encoded, whatever the form sent.
        return http::Redirect(
            req, "/admin/portal/post-checks?portal=" + http::PercentEncode(auth::FormField(form, "portal")));
    });
}

Response Handlers::OpenTakedown(Request& req) {
    return Guarded(web_, req, false, [&](const Principal& p) {
        auto id = PathId(req);
        if (!id) return web_.Fail(req, &p, core::NotFound(core::Msg("portal.item_not_found")));
        auto in = TakedownFrom(FormObject(req));
        if (!in) return web_.Fail(req, &p, in.error());
        auto r = portal_.OpenTakedown(p, *id, std::move(in).value());
        if (!r) return web_.Fail(req, &p, r.error());
        return http::Redirect(req, "/admin/portal/items/" + std::to_string(*id) + "?ok=takedown");
    });
}

Response Handlers::TakedownStep(Request& req) {
    return Guarded(web_, req, false, [&](const Principal& p) {
        auto id = PathId(req);
        if (!id) return web_.Fail(req, &p, core::NotFound(core::Msg("portal.takedown_not_found")));
        auto r = CaseStep(portal_, p, *id, req.path_params["step"], FormObject(req));
        if (!r) return web_.Fail(req, &p, r.error());
        return http::Redirect(req, "/admin/portal/items/" + std::to_string(r->item_id) + "?ok=takedown");
    });
}

// ---------------------------------------------------------------------------------------------
// API

Response Handlers::ApiTakedowns(Request& req) {
    return Guarded(web_, req, true, [&](const Principal& p) {
        auto id = PathId(req);
        if (!id) return http::JsonError(req, core::NotFound(core::Msg("portal.item_not_found")));
        auto r = portal_.Takedowns(p, *id);
        if (!r) return http::JsonError(req, r.error());
        json::array list;
        const auto tz =
            r->empty() ? std::string("Asia/Ho_Chi_Minh") : ZoneOf(r->front().portal);  // one item, one portal
        for (const auto& t : r.value()) list.push_back(ToJson(t, tz));
        return http::Json(req, json::object{{"takedowns", std::move(list)}});
    });
}

Response Handlers::ApiOpenTakedown(Request& req) {
    return Guarded(web_, req, true, [&](const Principal& p) {
        auto id = PathId(req);
        if (!id) return http::JsonError(req, core::NotFound(core::Msg("portal.item_not_found")));
        auto body = auth::JsonBody(req);
        if (!body) return http::JsonError(req, body.error());
        auto in = TakedownFrom(body.value());
        if (!in) return http::JsonError(req, in.error());
        auto r = portal_.OpenTakedown(p, *id, std::move(in).value());
        if (!r) return http::JsonError(req, r.error());
        return http::Json(req, ToJson(r.value(), ZoneOf(r->portal)), http::beast_http::status::created);
    });
}

Response Handlers::ApiTakedownStep(Request& req) {
    return Guarded(web_, req, true, [&](const Principal& p) {
        auto id = PathId(req);
        if (!id) return http::JsonError(req, core::NotFound(core::Msg("portal.takedown_not_found")));
        json::object in;
        if (!req.raw.body().empty()) {
            auto body = auth::JsonBody(req);
            if (!body) return http::JsonError(req, body.error());
            in = std::move(body).value();
        }
        auto r = CaseStep(portal_, p, *id, req.path_params["step"], in);
        if (!r) return http::JsonError(req, r.error());
        return http::Json(req, ToJson(r.value(), ZoneOf(r->portal)));
    });
}

Response Handlers::ApiPortals(Request& req) {
    return Guarded(web_, req, true, [&](const Principal&) {
        json::array list;
        for (const auto& p : portal_.ListPortals()) list.push_back(ToJson(p));
        return http::Json(req, json::object{{"portals", std::move(list)}});
    });
}

Response Handlers::ApiCreatePortal(Request& req) {
    return Guarded(web_, req, true, [&](const Principal& p) {
        auto body = auth::JsonBody(req);
        if (!body) return http::JsonError(req, body.error());
        core::Result<Portal> r = core::InvalidInput(core::Msg("portal.portal_unit_required"));
        if (auto unit = auth::JsonText(*body, "unit"); !unit.empty()) r = portal_.CreateComponentPortal(p, unit);
        if (!r) return http::JsonError(req, r.error());
        return http::Json(req, ToJson(r.value()), http::beast_http::status::created);
    });
}

Response Handlers::ApiSections(Request& req) {
    return Guarded(web_, req, true, [&](const Principal&) {
        auto portal = portal_.FindPortal(req.path_params["code"]);
        if (!portal)
            return http::JsonError(
                req, core::NotFound(core::Msg("portal.portal_not_found", {{"code", req.path_params["code"]}})));
        json::array list;
        for (const auto& s : portal_.Sections(portal->id)) list.push_back(ToJson(s));
        return http::Json(req, json::object{{"sections", std::move(list)}});
    });
}

Response Handlers::ApiAddSection(Request& req) {
    return Guarded(web_, req, true, [&](const Principal& p) {
        auto body = auth::JsonBody(req);
        if (!body) return http::JsonError(req, body.error());
        auto r = portal_.AddSection(p, {.portal = req.path_params["code"],
                                        .parent = auth::JsonText(*body, "parent"),
                                        .code = auth::JsonText(*body, "code"),
                                        .name_vi = auth::JsonText(*body, "name_vi"),
                                        .name_en = auth::JsonText(*body, "name_en"),
                                        .sort_order = auth::JsonInt(*body, "sort_order")});
        if (!r) return http::JsonError(req, r.error());
        return http::Json(req, ToJson(r.value()), http::beast_http::status::created);
    });
}

Response Handlers::ApiItems(Request& req) {
    return Guarded(web_, req, true, [&](const Principal& p) {
        QueueFilter f{.portal = req.QueryParam("portal").value_or("")};
        if (auto s = req.QueryParam("state"); s && !s->empty()) {
            f.state = ParseState(*s);
            if (!f.state) return http::JsonError(req, core::InvalidField("state", core::Msg("portal.state_unknown")));
        }
        f.pending_only = req.QueryParam("pending").value_or("") == "1";
        f.late_only = req.QueryParam("late").value_or("") == "1";
        f.query = req.QueryParam("q").value_or("");
        f.limit = static_cast<int>(auth::ParseId(req.QueryParam("limit").value_or("50")).value_or(50));
        f.offset = static_cast<int>(auth::ParseId(req.QueryParam("offset").value_or("0")).value_or(0));
        json::array list;
        for (const auto& it : portal_.Queue(p, f)) list.push_back(ToJson(it, it.time_zone));
        return http::Json(req, json::object{{"items", std::move(list)}});
    });
}

Response Handlers::ApiCreateItem(Request& req) {
    return Guarded(web_, req, true, [&](const Principal& p) {
        auto body = auth::JsonBody(req);
        if (!body) return http::JsonError(req, body.error());
        auto fields = FieldsFromJson(*body);
        if (!fields) return http::JsonError(req, fields.error());
        NewItem n{.portal = auth::JsonText(*body, "portal"),
                  .kind = auth::JsonText(*body, "kind"),
                  .language = auth::JsonText(*body, "language"),
                  .translation_of = auth::JsonInt(*body, "translation_of"),
                  .fields = std::move(fields).value()};
        if (n.language.empty()) n.language = "vi";
        auto r = portal_.CreateItem(p, std::move(n));
        if (!r) return http::JsonError(req, r.error());
        auto res = http::Json(req, ToJson(r.value(), r->time_zone), http::beast_http::status::created);
        res.set(http::beast_http::field::location, "/api/v1/portal/items/" + std::to_string(r->id));
        return res;
    });
}

Response Handlers::ApiItem(Request& req) {
    return Guarded(web_, req, true, [&](const Principal& p) {
        auto id = PathId(req);
        if (!id) return http::JsonError(req, core::NotFound(core::Msg("portal.item_not_found")));
        auto r = portal_.GetItem(p, *id, true);
        if (!r) return http::JsonError(req, r.error());
        return http::Json(req, ToJson(r.value(), r->time_zone));
    });
}

Response Handlers::ApiSaveItem(Request& req) {
    return Guarded(web_, req, true, [&](const Principal& p) {
        auto id = PathId(req);
        if (!id) return http::JsonError(req, core::NotFound(core::Msg("portal.item_not_found")));
        auto body = auth::JsonBody(req);
        if (!body) return http::JsonError(req, body.error());
        auto fields = FieldsFromJson(*body);
        if (!fields) return http::JsonError(req, fields.error());
        auto r = portal_.SaveRevision(p, *id, std::move(fields).value(), auth::JsonText(*body, "comment"),
                                      auth::JsonInt(*body, "version"));
        if (!r) return http::JsonError(req, r.error());
        return http::Json(req, ToJson(r.value(), r->time_zone));
    });
}

Response Handlers::ApiAct(Request& req) {
    return Guarded(web_, req, true, [&](const Principal& p) {
        auto id = PathId(req);
        if (!id) return http::JsonError(req, core::NotFound(core::Msg("portal.item_not_found")));
        auto action = ParseAction(req.path_params["action"]);
        if (!action) {
            return http::JsonError(
                req, core::NotFound(core::Msg("portal.action_unknown", {{"action", req.path_params["action"]}})));
        }
        json::object in;
        if (!req.raw.body().empty()) {
            auto body = auth::JsonBody(req);
            if (!body) return http::JsonError(req, body.error());
            in = std::move(body).value();
        }
        auto input = ParseActionInput(in);
        if (!input) return http::JsonError(req, input.error());
        auto r = portal_.Act(p, *id, *action, std::move(input).value());
        if (!r) return http::JsonError(req, r.error());
        return http::Json(req, ToJson(r.value(), r->time_zone));
    });
}

Response Handlers::ApiRevisions(Request& req) {
    return Guarded(web_, req, true, [&](const Principal& p) {
        auto id = PathId(req);
        if (!id) return http::JsonError(req, core::NotFound(core::Msg("portal.item_not_found")));
        auto r = portal_.Revisions(p, *id);
        if (!r) return http::JsonError(req, r.error());
        auto item = portal_.GetItem(p, *id);
        const auto tz = item ? item->time_zone : std::string("Asia/Ho_Chi_Minh");
        json::array list;
        for (const auto& rev : r.value()) list.push_back(ToJson(rev, tz));
        return http::Json(req, json::object{{"revisions", std::move(list)}});
    });
}

Response Handlers::ApiDiff(Request& req) {
    return Guarded(web_, req, true, [&](const Principal& p) {
        auto id = PathId(req);
        auto a = PathId(req, "a");
        auto b = PathId(req, "b");
        if (!id || !a || !b) return http::JsonError(req, core::NotFound(core::Msg("portal.revision_not_found")));
        auto d = portal_.Diff(p, *id, *a, *b);
        if (!d) return http::JsonError(req, d.error());
        return http::Json(req, ToJson(d.value()));
    });
}

Response Handlers::ApiHistory(Request& req) {
    return Guarded(web_, req, true, [&](const Principal& p) {
        auto id = PathId(req);
        if (!id) return http::JsonError(req, core::NotFound(core::Msg("portal.item_not_found")));
        auto h = portal_.History(p, *id);
        if (!h) return http::JsonError(req, h.error());
        json::array list;
        for (const auto& e : h.value()) list.push_back(ToJson(e, "Asia/Ho_Chi_Minh"));
        return http::Json(req, json::object{{"history", std::move(list)}});
    });
}

Response Handlers::ApiPostChecks(Request& req) {
    return Guarded(web_, req, true, [&](const Principal& p) {
        const auto code = req.QueryParam("portal").value_or(std::string(kMainPortal));
        json::array list;
        const auto tz = ZoneOf(code);
        for (const auto& c : portal_.PostCheckQueue(p, code, req.QueryParam("all").value_or("") != "1"))
            list.push_back(ToJson(c, tz));
        return http::Json(req, json::object{{"post_checks", std::move(list)}});
    });
}

Response Handlers::ApiCompletePostCheck(Request& req) {
    return Guarded(web_, req, true, [&](const Principal& p) {
        auto id = PathId(req);
        if (!id) return http::JsonError(req, core::NotFound(core::Msg("portal.post_check_not_found")));
        auto body = auth::JsonBody(req);
        if (!body) return http::JsonError(req, body.error());
        const auto outcome = auth::JsonText(*body, "outcome");
        if (outcome != "checked" && outcome != "finding") {
            return http::JsonError(req, core::InvalidField("outcome", core::Msg("portal.post_check_outcome_invalid")));
        }
        auto r = portal_.CompletePostCheck(p, *id, outcome == "finding", auth::JsonText(*body, "finding"));
        if (!r) return http::JsonError(req, r.error());
        return http::Json(req, ToJson(r.value(), "Asia/Ho_Chi_Minh"));
    });
}

Response Handlers::ApiMissingTranslations(Request& req) {
    return Guarded(web_, req, true, [&](const Principal& p) {
        auto r = portal_.MissingTranslations(p, req.path_params["code"], req.QueryParam("language").value_or("en"));
        if (!r) return http::JsonError(req, r.error());
        json::array list;
        for (const auto& it : r.value()) list.push_back(ToJson(it, it.time_zone));
        return http::Json(req, json::object{{"items", std::move(list)}});
    });
}

// --- Screening, contributors, royalties (P-11, P-17, P-31) -------------------------------------

namespace {

// "1.500.000": đồng grouped the Vietnamese way.
std::string Dong(std::int64_t amount) {
    std::string digits = std::to_string(amount < 0 ? -amount : amount), out;
    for (std::size_t i = 0; i < digits.size(); ++i) {
        if (i > 0 && (digits.size() - i) % 3 == 0) out += '.';
        out += digits[i];
    }
    return amount < 0 ? "-" + out : out;
}

// The current quarter in Vietnam, for forms that do not name one.
std::string QuarterParam(const Request& req) {
    auto q = req.QueryParam("quarter").value_or("");
    return q.empty() ? QuarterOf(std::chrono::time_point_cast<std::chrono::milliseconds>(std::chrono::system_clock::now()), "Asia/Ho_Chi_Minh") : q;
}

core::Result<RoyaltyRate> RateFrom(const json::object& in) {
    RoyaltyRate r{.kind = auth::JsonText(in, "kind"), .grade = auth::JsonText(in, "grade")};
    const auto* amount = in.if_contains("amount");
    if (amount && amount->is_int64()) {
        r.amount = amount->as_int64();
    } else if (amount && amount->is_string()) {
        const auto text = std::string(amount->as_string());
        std::string digits;
        for (char c : text) {
            if (c >= '0' && c <= '9') {
                digits += c;
            } else if (c != '.' && c != ',' && c != ' ') {
                return core::InvalidField("amount", core::Msg("portal.amount_invalid"));
            }
        }
        if (digits.empty() || digits.size() > 10) return core::InvalidField("amount", core::Msg("portal.amount_invalid"));
        r.amount = std::stoll(digits);
    } else {
        return core::InvalidField("amount", core::Msg("portal.amount_invalid"));
    }
    auto from = auth::JsonText(in, "valid_from");
    if (!from.empty()) {
        if (from.size() == 10) from += "T00:00:00+07:00";
        auto t = calendar::TryParseIso(from);
        if (!t) return core::InvalidField("valid_from", core::Msg("portal.field_time_invalid", {{"field", "valid_from"}}));
        r.valid_from = t.value();
    }
    return r;
}

}  // namespace

Response Handlers::TermsPage(Request& req) {
    return Guarded(web_, req, false, [&](const Principal& p) {
        const auto code = req.QueryParam("portal").value_or(std::string(kMainPortal));
        auto terms = portal_.ProhibitedTerms(p, code);
        if (!terms) return web_.Fail(req, &p, terms.error());
        json::array list;
        for (const auto& t : terms.value()) {
            auto o = ToJson(t, ZoneOf(code));
            o["created"] = auth::FormatLocalTime(core::ToMillis(t.created_at));
            list.push_back(std::move(o));
        }
        return web_.Page(req, &p, "portal/terms",
                         {{"terms", std::move(list)}, {"portals", PortalOptions(portal_.ListPortals(), code)}, {"portal", code}},
                         "portal_terms_title");
    });
}

Response Handlers::AddTerm(Request& req) {
    return Guarded(web_, req, false, [&](const Principal& p) {
        auto form = req.Form();
        const auto code = auth::FormField(form, "portal");
        auto r = portal_.AddProhibitedTerm(p, code, auth::FormField(form, "term"), auth::FormField(form, "note"));
        if (!r) return web_.Fail(req, &p, r.error());
        return http::Redirect(req, "/admin/portal/terms?portal=" + http::PercentEncode(code));
    });
}

Response Handlers::RetireTerm(Request& req) {
    return Guarded(web_, req, false, [&](const Principal& p) {
        auto id = PathId(req);
        if (!id) return web_.Fail(req, &p, core::NotFound(core::Msg("portal.term_not_found")));
        auto r = portal_.RetireProhibitedTerm(p, *id);
        if (!r) return web_.Fail(req, &p, r.error());
        return http::Redirect(req, "/admin/portal/terms?portal=" + http::PercentEncode(r->portal));
    });
}

Response Handlers::ConfirmScreening(Request& req) {
    return Guarded(web_, req, false, [&](const Principal& p) {
        auto id = PathId(req);
        if (!id) return web_.Fail(req, &p, core::NotFound(core::Msg("portal.item_not_found")));
        auto form = req.Form();
        auto r = portal_.ConfirmScreening(p, *id, auth::FormField(form, "reason"));
        if (!r) return web_.Fail(req, &p, r.error());
        return http::Redirect(req, "/admin/portal/items/" + std::to_string(*id) + "?ok=confirm_screening");
    });
}

Response Handlers::RoyaltiesPage(Request& req) {
    return Guarded(web_, req, false, [&](const Principal& p) {
        const auto code = req.QueryParam("portal").value_or(std::string(kMainPortal));
        const auto quarter = QuarterParam(req);
        const auto tz = ZoneOf(code);
        auto rep = portal_.Royalties(p, code, quarter);
        if (!rep) return web_.Fail(req, &p, rep.error());
        auto o = ToJson(rep.value(), tz);
        for (std::size_t i = 0; i < rep->lines.size(); ++i) {
            auto& l = o["items"].as_array()[i].as_object();
            l["published"] = auth::FormatLocalTime(core::ToMillis(rep->lines[i].published_at));
            l["amount"] = Dong(rep->lines[i].amount);
        }
        for (auto& payee : o["payees"].as_array()) {
            auto& x = payee.as_object();
            x["amount"] = Dong(x["amount"].as_int64());
        }
        o["total"] = Dong(rep->total);
        json::array rates;
        if (auto r = portal_.RoyaltyRates(p, code)) {
            for (const auto& x : r.value()) {
                auto j = ToJson(x, tz);
                j["amount"] = Dong(x.amount);
                j["valid_from"] = auth::FormatLocalTime(core::ToMillis(x.valid_from));
                rates.push_back(std::move(j));
            }
        }
        json::array kinds;
        for (const auto& k : ItemKinds()) kinds.emplace_back(k);
        return web_.Page(req, &p, "portal/royalties",
                         {{"report", std::move(o)},
                          {"rates", std::move(rates)},
                          {"kinds", std::move(kinds)},
                          {"portals", PortalOptions(portal_.ListPortals(), code)},
                          {"portal", code},
                          {"quarter", quarter}},
                         "portal_royalties_title");
    });
}

Response Handlers::SetRoyaltyRate(Request& req) {
    return Guarded(web_, req, false, [&](const Principal& p) {
        auto form = req.Form();
        json::object in;
        for (const auto* k : {"kind", "grade", "amount", "valid_from"}) in[k] = auth::FormField(form, k);
        auto rate = RateFrom(in);
        if (!rate) return web_.Fail(req, &p, rate.error());
        const auto code = auth::FormField(form, "portal");
        auto r = portal_.SetRoyaltyRate(p, code, rate.value());
        if (!r) return web_.Fail(req, &p, r.error());
        return http::Redirect(req, "/admin/portal/royalties?portal=" + http::PercentEncode(code));
    });
}

Response Handlers::ApiTerms(Request& req) {
    return Guarded(web_, req, true, [&](const Principal& p) {
        const auto code = req.path_params["code"];
        auto r = portal_.ProhibitedTerms(p, code);
        if (!r) return http::JsonError(req, r.error());
        json::array list;
        for (const auto& t : r.value()) list.push_back(ToJson(t, ZoneOf(code)));
        return http::Json(req, json::object{{"terms", std::move(list)}});
    });
}

Response Handlers::ApiAddTerm(Request& req) {
    return Guarded(web_, req, true, [&](const Principal& p) {
        auto body = auth::JsonBody(req);
        if (!body) return http::JsonError(req, body.error());
        const auto code = req.path_params["code"];
        auto r = portal_.AddProhibitedTerm(p, code, auth::JsonText(*body, "term"), auth::JsonText(*body, "note"));
        if (!r) return http::JsonError(req, r.error());
        return http::Json(req, ToJson(r.value(), ZoneOf(code)), http::beast_http::status::created);
    });
}

Response Handlers::ApiRetireTerm(Request& req) {
    return Guarded(web_, req, true, [&](const Principal& p) {
        auto id = PathId(req);
        if (!id) return http::JsonError(req, core::NotFound(core::Msg("portal.term_not_found")));
        auto r = portal_.RetireProhibitedTerm(p, *id);
        if (!r) return http::JsonError(req, r.error());
        return http::Json(req, ToJson(r.value(), ZoneOf(r->portal)));
    });
}

Response Handlers::ApiConfirmScreening(Request& req) {
    return Guarded(web_, req, true, [&](const Principal& p) {
        auto id = PathId(req);
        if (!id) return http::JsonError(req, core::NotFound(core::Msg("portal.item_not_found")));
        auto body = auth::JsonBody(req);
        if (!body) return http::JsonError(req, body.error());
        auto r = portal_.ConfirmScreening(p, *id, auth::JsonText(*body, "reason"));
        if (!r) return http::JsonError(req, r.error());
        return http::Json(req, ToJson(r.value(), r->time_zone));
    });
}

Response Handlers::ApiContributions(Request& req) {
    return Guarded(web_, req, true, [&](const Principal& p) {
        auto id = PathId(req);
        if (!id) return http::JsonError(req, core::NotFound(core::Msg("portal.item_not_found")));
        auto r = portal_.Contributions(p, *id);
        if (!r) return http::JsonError(req, r.error());
        json::array list;
        for (const auto& c : r.value()) list.push_back(ToJson(c, "Asia/Ho_Chi_Minh"));
        return http::Json(req, json::object{{"contributions", std::move(list)}});
    });
}

Response Handlers::ApiContributorProfile(Request& req) {
    return Guarded(web_, req, true, [&](const Principal& p) {
        const auto code = req.path_params["code"];
        auto r = portal_.OwnContributorProfile(p, code);
        if (!r) return http::JsonError(req, r.error());
        if (!r->has_value()) return http::JsonError(req, core::NotFound(core::Msg("portal.contributor_profile_none")));
        return http::Json(req, ToJson(**r, ZoneOf(code)));
    });
}

Response Handlers::ApiRoyaltyRates(Request& req) {
    return Guarded(web_, req, true, [&](const Principal& p) {
        const auto code = req.path_params["code"];
        auto r = portal_.RoyaltyRates(p, code);
        if (!r) return http::JsonError(req, r.error());
        json::array list;
        for (const auto& x : r.value()) list.push_back(ToJson(x, ZoneOf(code)));
        return http::Json(req, json::object{{"rates", std::move(list)}});
    });
}

Response Handlers::ApiSetRoyaltyRate(Request& req) {
    return Guarded(web_, req, true, [&](const Principal& p) {
        auto body = auth::JsonBody(req);
        if (!body) return http::JsonError(req, body.error());
        auto rate = RateFrom(*body);
        if (!rate) return http::JsonError(req, rate.error());
        const auto code = req.path_params["code"];
        auto r = portal_.SetRoyaltyRate(p, code, rate.value());
        if (!r) return http::JsonError(req, r.error());
        return http::Json(req, ToJson(r.value(), ZoneOf(code)), http::beast_http::status::created);
    });
}

Response Handlers::ApiRoyalties(Request& req) {
    return Guarded(web_, req, true, [&](const Principal& p) {
        const auto code = req.QueryParam("portal").value_or(std::string(kMainPortal));
        auto r = portal_.Royalties(p, code, QuarterParam(req));
        if (!r) return http::JsonError(req, r.error());
        return http::Json(req, ToJson(r.value(), ZoneOf(code)));
    });
}

Response Handlers::ApiRoyaltiesXlsx(Request& req) {
    // A GET: reachable from the page with the session cookie, or with a token.
    return Guarded(web_, req, true, [&](const Principal& p) {
        const auto code = req.QueryParam("portal").value_or(std::string(kMainPortal));
        auto r = portal_.Royalties(p, code, QuarterParam(req));
        if (!r) return http::JsonError(req, r.error());
        auto res = http::MakeResponse(req, http::beast_http::status::ok, RoyaltiesXlsx(r.value(), ZoneOf(code)),
                                      "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
        // The portal's code and the quarter are checked ([a-z0-9-], YYYY-Qn) before they get here.
        res.set(http::beast_http::field::content_disposition,
                "attachment; filename=\"nhuan-but-" + r->portal + "-" + r->quarter + ".xlsx\"");
        res.set(http::beast_http::field::cache_control, "no-store");
        return res;
    });
}

Response Handlers::ApiCompliance(Request& req) {
    return Guarded(web_, req, true, [&](const Principal& p) {
        const auto code = req.QueryParam("portal").value_or(std::string(kMainPortal));
        const auto tz = ZoneOf(code);
        // Calendar dates in the portal's zone (both required); "to" is inclusive.
        auto day = [&](const char* name) -> core::Result<core::TimePoint> {
            auto t = http_util::DayParam(req, name, tz);
            if (!t) return t.error();
            if (!t->has_value()) return core::InvalidField(name, core::Msg("portal.field_time_invalid", {{"field", name}}));
            return **t;
        };
        auto from = day("from");
        if (!from) return http::JsonError(req, from.error());
        auto to = day("to");
        if (!to) return http::JsonError(req, to.error());
        auto r = portal_.Compliance(p, code, from.value(), to.value() + std::chrono::hours(24));
        if (!r) return http::JsonError(req, r.error());
        return http::Json(req, ToJson(r.value(), tz));
    });
}

}  // namespace vp::portal
