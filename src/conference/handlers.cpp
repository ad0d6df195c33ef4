#include "conference/handlers.hpp"

#include <algorithm>
#include <map>

#include <boost/json.hpp>
#include <fmt/format.h>

#include "calendar/iso_time.hpp"
#include "core/message.hpp"
#include "core/text.hpp"
#include "platform/module.hpp"

namespace vp::conference {

namespace http = core::http;
namespace json = boost::json;
using auth::Principal;
using core::Msg;
using http::beast_http::verb;
using Request = http::Request;
using Response = http::Response;

namespace {

template <class F>
Response Api(auth::Web& web, Request& req, F f) {
    return auth::WithPrincipal(web, req, true, f);
}
template <class F>
Response Page(auth::Web& web, Request& req, F f) {
    return auth::WithPrincipal(web, req, false, f);
}

// A list the service returned, as {key: [...]}, or its error.
template <class T, class F>
Response ListJson(const Request& req, const core::Result<std::vector<T>>& r, const char* key, F to_json) {
    if (!r) return http::JsonError(req, r.error());
    json::array out;
    for (const auto& x : r.value()) out.push_back(to_json(x));
    return http::Json(req, json::object{{key, std::move(out)}});
}

std::int64_t Id(Request& req, const char* name) { return auth::ParseId(req.path_params[name]).value_or(0); }

json::value Ms(const std::optional<core::TimePoint>& t) {
    return t ? json::value(core::ToMillis(*t)) : json::value(nullptr);
}
std::string Local(core::TimePoint t) { return auth::FormatLocalTime(core::ToMillis(t)); }
std::string Local(const std::optional<core::TimePoint>& t) { return t ? Local(*t) : ""; }

// ISO 8601 with an offset, or the form's local "YYYY-MM-DDTHH:MM" in the calendar's zone.
std::optional<core::TimePoint> ParseTime(const Service& svc, std::string_view s) {
    if (s.empty()) return std::nullopt;
    if (auto t = calendar::TryParseIso(s)) return t.value();
    auto cal = svc.Calendars().GetShared();
    if (!cal) return std::nullopt;
    if (auto t = calendar::TryParseInstant(s, cal.value()->TimeZone())) return t.value();
    return std::nullopt;
}

std::vector<std::string> Strings(const json::object& o, std::string_view key) {
    std::vector<std::string> out;
    if (const auto* v = o.if_contains(key); v && v->is_array()) {
        for (const auto& x : v->as_array()) {
            if (x.is_string()) out.emplace_back(x.as_string().c_str());
        }
    }
    return out;
}

// "a, b\nc" from a form field.
std::vector<std::string> Split(const std::string& s) {
    std::vector<std::string> out;
    std::string cur;
    for (char ch : s + ",") {
        if (ch == ',' || ch == '\n' || ch == '\r' || ch == ' ') {
            if (!cur.empty()) out.push_back(cur);
            cur.clear();
        } else {
            cur += ch;
        }
    }
    return out;
}

// Whole đồng with dots between thousands, as Vietnamese writes them: 8.100.000.
std::string Money(std::int64_t v) {
    auto s = std::to_string(v < 0 ? -v : v);
    for (int i = static_cast<int>(s.size()) - 3; i > 0; i -= 3) s.insert(static_cast<std::size_t>(i), ".");
    return (v < 0 ? "-" : "") + s;
}

core::Error BadTime(const std::string& field) {
    return core::InvalidField(field, Msg("conference.time_invalid", {{"field", field}}));
}

}  // namespace

// "has_<key>" beside every list of `o`, for the templates' sections shown only when there is something.
static void Flags(json::object& o) {
    std::vector<std::string> keys;
    for (const auto& [k, v] : o) {
        if (v.is_array()) keys.emplace_back(k);
    }
    for (const auto& k : keys) o["has_" + k] = !o[k].as_array().empty();
}

std::string Handlers::T(const std::string& lang, const std::string& key) const { return web_.Templates().T(lang, key); }

json::object Handlers::SiteJson(const Site& s, const std::string& lang) const {
    json::array checklist;
    int done = 0;
    for (const auto& i : s.checklist) {
        done += i.done ? 1 : 0;
        checklist.push_back(json::object{{"code", i.code}, {"label", T(lang, "conf_check_" + i.code)}, {"done", i.done},
                                         {"note", i.note}, {"at", Ms(i.at)}, {"at_local", Local(i.at)}});
    }
    const auto health = std::string(rules::HealthCode(s.health));
    return json::object{{"id", s.id},
                        {"unit", s.unit_code},
                        {"name", s.name},
                        {"kind", s.kind},
                        {"kind_label", T(lang, "conf_site_" + s.kind)},
                        {"region", s.region_code},
                        {"status", s.status},
                        {"note", s.note},
                        {"health", health},
                        {"health_label", T(lang, "conf_health_" + health)},
                        {"rtt_ms", s.link.rtt_ms},
                        {"jitter_ms", s.link.jitter_ms},
                        {"loss_pct", s.link.loss_pct},
                        {"seen_at", Ms(s.link.last_seen)},
                        {"checklist", std::move(checklist)},
                        {"checklist_done", done},
                        {"checklist_total", s.checklist.size()},
                        {"attendees", s.attendees},
                        {"present", s.present}};
}

json::object Handlers::DocumentJson(const Document& d, const std::string& lang) const {
    auto o = ToJson(d).as_object();
    o["owner_name"] = d.owner_name;
    o["kind_label"] = T(lang, "conf_doc_" + d.kind);
    o["state_label"] = T(lang, "conf_docstate_" + d.state);
    o["due_local"] = Local(d.due_at);
    o["submitted_local"] = Local(d.submitted_at);
    o["overdue"] = d.overdue;
    o["text"] = d.text;
    json::array links;
    for (const auto& f : d.files) links.push_back(json::object{{"url", "/admin/conferences/files/" + f.substr(7)}});
    o["links"] = std::move(links);
    return o;
}

json::object Handlers::ConferenceJson(const Conference& c, const std::string& lang) const {
    json::array agenda;
    for (const auto& a : c.agenda) {
        agenda.push_back(json::object{{"id", a.id},         {"position", a.position},
                                      {"kind", a.kind},     {"kind_label", T(lang, "conf_agenda_" + a.kind)},
                                      {"title", a.title},   {"presenter", a.presenter},
                                      {"minutes", a.minutes}, {"state", a.state},
                                      {"current", a.state == "current"}});
    }
    json::array sites;
    int hubs = 0, bridges = 0;
    for (const auto& s : c.sites) {
        if (s.status != "active") continue;
        (s.kind == "hub" ? hubs : bridges) += 1;
        sites.push_back(SiteJson(s, lang));
    }
    return json::object{{"id", c.id},
                        {"conference_id", c.id},
                        {"kind", c.kind},
                        {"kind_label", T(lang, "conf_kind_" + c.kind)},
                        {"title", c.title},
                        {"purpose", c.purpose},
                        {"starts_at", core::ToMillis(c.starts_at)},
                        {"ends_at", core::ToMillis(c.ends_at)},
                        {"starts_local", Local(c.starts_at)},
                        {"ends_local", Local(c.ends_at)},
                        {"chair", c.chair},
                        {"chair_is_deputy", c.chair_is_deputy},
                        {"state", c.state},
                        {"state_label", T(lang, "conf_state_" + c.state)},
                        {"reports_due_at", core::ToMillis(c.reports_due_at)},
                        {"consolidation_due_at", core::ToMillis(c.consolidation_due_at)},
                        {"reports_due_local", Local(c.reports_due_at)},
                        {"consolidation_due_local", Local(c.consolidation_due_at)},
                        {"video", json::object{{"provider", c.video_provider}, {"url", c.video_url},
                                               {"room", c.video_room}, {"app_id", c.video_app_id},
                                               {"secret_set", c.video_secret_set}}},
                        {"news_item_id", c.news_item_id ? json::value(c.news_item_id) : json::value(nullptr)},
                        {"tasks_document_id", c.tasks_document_id ? json::value(c.tasks_document_id) : json::value(nullptr)},
                        {"hubs", hubs},
                        {"bridges", bridges},
                        {"agenda", std::move(agenda)},
                        {"sites", std::move(sites)}};
}

void Handlers::AddRoutes(core::http::Router& r) {
    using platform::Bind;
    // First added, first matched: the fixed paths before /{id}/{action}.
    r.Add(verb::get, "/api/v1/conferences", Bind(this, &Handlers::ApiList));
    r.Add(verb::post, "/api/v1/conferences", Bind(this, &Handlers::ApiCreate));
    r.Add(verb::get, "/api/v1/conferences/regions", Bind(this, &Handlers::ApiRegions));
    r.Add(verb::post, "/api/v1/conferences/regions", Bind(this, &Handlers::ApiSetRegion));
    r.Add(verb::get, "/api/v1/conferences/{id}", Bind(this, &Handlers::ApiGet));
    r.Add(verb::post, "/api/v1/conferences/{id}/agenda", Bind(this, &Handlers::ApiAgenda));
    r.Add(verb::post, "/api/v1/conferences/{id}/agenda/{item}/current", Bind(this, &Handlers::ApiCurrent));
    r.Add(verb::post, "/api/v1/conferences/{id}/video", Bind(this, &Handlers::ApiVideo));
    r.Add(verb::get, "/api/v1/conferences/{id}/join", Bind(this, &Handlers::ApiJoin));
    r.Add(verb::get, "/api/v1/conferences/{id}/documents", Bind(this, &Handlers::ApiDocuments));
    r.Add(verb::post, "/api/v1/conferences/{id}/documents/{doc}/{action}", Bind(this, &Handlers::ApiDocument));
    r.Add(verb::get, "/api/v1/conferences/{id}/board", Bind(this, &Handlers::ApiBoard));
    r.Add(verb::get, "/api/v1/conferences/{id}/live", Bind(this, &Handlers::ApiLive));
    r.Add(verb::post, "/api/v1/conferences/{id}/sites/{site}/beat", Bind(this, &Handlers::ApiBeat));
    r.Add(verb::post, "/api/v1/conferences/{id}/sites/{site}/checklist", Bind(this, &Handlers::ApiChecklist));
    r.Add(verb::get, "/api/v1/conferences/{id}/sites/{site}/attendees", Bind(this, &Handlers::ApiAttendees));
    r.Add(verb::post, "/api/v1/conferences/{id}/sites/{site}/attendees", Bind(this, &Handlers::ApiAddAttendee));
    r.Add(verb::get, "/api/v1/conferences/{id}/sites/{site}/join", Bind(this, &Handlers::ApiJoin));
    r.Add(verb::post, "/api/v1/conferences/{id}/attendees/{a}/present", Bind(this, &Handlers::ApiPresent));
    r.Add(verb::get, "/api/v1/conferences/{id}/speaking", Bind(this, &Handlers::ApiQueue));
    r.Add(verb::post, "/api/v1/conferences/{id}/speaking", Bind(this, &Handlers::ApiAsk));
    r.Add(verb::post, "/api/v1/conferences/{id}/speaking/{r}/{action}", Bind(this, &Handlers::ApiSpeaking));
    r.Add(verb::get, "/api/v1/conferences/{id}/budget", Bind(this, &Handlers::ApiBudget));
    r.Add(verb::post, "/api/v1/conferences/{id}/budget", Bind(this, &Handlers::ApiAddBudget));
    r.Add(verb::get, "/api/v1/conferences/{id}/budget.xlsx", Bind(this, &Handlers::ApiBudgetXlsx));
    r.Add(verb::post, "/api/v1/conferences/{id}/budget/{line}/retire", Bind(this, &Handlers::ApiRetireBudget));
    r.Add(verb::get, "/api/v1/conferences/{id}/conclusions", Bind(this, &Handlers::ApiConclusions));
    r.Add(verb::post, "/api/v1/conferences/{id}/conclusions", Bind(this, &Handlers::ApiSetConclusions));
    r.Add(verb::get, "/api/v1/conferences/{id}/proposals", Bind(this, &Handlers::ApiProposals));
    r.Add(verb::post, "/api/v1/conferences/{id}/proposals", Bind(this, &Handlers::ApiPropose));
    r.Add(verb::post, "/api/v1/conferences/{id}/proposals/{p}/{action}", Bind(this, &Handlers::ApiProposal));
    r.Add(verb::post, "/api/v1/conferences/{id}/news", Bind(this, &Handlers::ApiNews));
    r.Add(verb::post, "/api/v1/conferences/{id}/{action}", Bind(this, &Handlers::ApiAct));
    const auto page = platform::RouteKinds::Page();
    r.Add(verb::get, "/admin/conferences", Bind(this, &Handlers::ListPage), page);
    r.Add(verb::post, "/admin/conferences", Bind(this, &Handlers::CreateFromPage), page);
    r.Add(verb::get, "/admin/conferences/files/{sha256}", Bind(this, &Handlers::ServeFile), page);
    r.Add(verb::get, "/admin/conferences/{id}", Bind(this, &Handlers::ConferencePage), page);
    r.Add(verb::get, "/admin/conferences/{id}/live", Bind(this, &Handlers::LivePage), page);
    r.Add(verb::get, "/admin/conferences/{id}/sites/{site}", Bind(this, &Handlers::SitePage), page);
    r.Add(verb::get, "/admin/conferences/{id}/sites/{site}/checkin", Bind(this, &Handlers::CheckInPage), page);
    r.Add(verb::post, "/admin/conferences/{id}/form/{action}", Bind(this, &Handlers::FormAction), page);
}

// ---------------------------------------------------------------------------------------------
// API

Response Handlers::ApiList(Request& req) {
    return Api(web_, req, [&](const Principal& p) {
        json::array out;
        for (const auto& c : svc_.List(p)) {
            auto o = ConferenceJson(c, req.Lang());
            o.erase("sites");
            o.erase("agenda");
            out.push_back(std::move(o));
        }
        return http::Json(req, json::object{{"conferences", std::move(out)}});
    });
}

Response Handlers::ApiCreate(Request& req) {
    return Api(web_, req, [&](const Principal& p) {
        auto body = auth::JsonBody(req);
        if (!body) return http::JsonError(req, body.error());
        const auto& b = *body;
        NewConference in{.kind = auth::JsonText(b, "kind"),
                         .title = auth::JsonText(b, "title"),
                         .purpose = auth::JsonText(b, "purpose"),
                         .starts_at = ParseTime(svc_, auth::JsonText(b, "starts_at")),
                         .ends_at = ParseTime(svc_, auth::JsonText(b, "ends_at")),
                         .chair = auth::JsonText(b, "chair"),
                         .site_units = Strings(b, "site_units")};
        if (in.kind.empty()) in.kind = "periodic";
        if (const auto* v = b.if_contains("chair_is_deputy"); v && v->is_bool()) in.chair_is_deputy = v->as_bool();
        if (auto t = auth::JsonText(b, "reports_due_at"); !t.empty()) {
            in.reports_due_at = ParseTime(svc_, t);
            if (!in.reports_due_at) return http::JsonError(req, BadTime("reports_due_at"));
        }
        auto r = svc_.Create(p, std::move(in));
        if (!r) return http::JsonError(req, r.error());
        auto res = http::Json(req, ConferenceJson(*r, req.Lang()), http::beast_http::status::created);
        res.set(http::beast_http::field::location, "/api/v1/conferences/" + std::to_string(r->id));
        return res;
    });
}

Response Handlers::ApiGet(Request& req) {
    return Api(web_, req, [&](const Principal& p) {
        auto r = svc_.Get(p, Id(req, "id"));
        if (!r) return http::JsonError(req, r.error());
        return http::Json(req, ConferenceJson(*r, req.Lang()));
    });
}

Response Handlers::ApiAct(Request& req) {
    return Api(web_, req, [&](const Principal& p) {
        auto r = svc_.Act(p, Id(req, "id"), req.path_params["action"]);
        if (!r) return http::JsonError(req, r.error());
        return http::Json(req, ConferenceJson(*r, req.Lang()));
    });
}

Response Handlers::ApiRegions(Request& req) {
    return Api(web_, req, [&](const Principal& p) {
        if (!svc_.MayOrganise(p)) return http::JsonError(req, core::Forbidden(Msg("conference.not_allowed")));
        json::array out;
        for (const auto& [province, dept] : svc_.Regions())
            out.push_back(json::object{{"province", province.code}, {"province_name", province.name_vi},
                                       {"department", dept.code}, {"department_name", dept.name_vi}});
        return http::Json(req, json::object{{"regions", std::move(out)}});
    });
}

Response Handlers::ApiSetRegion(Request& req) {
    return Api(web_, req, [&](const Principal& p) {
        auto body = auth::JsonBody(req);
        if (!body) return http::JsonError(req, body.error());
        auto r = svc_.SetRegion(p, auth::JsonText(*body, "province"), auth::JsonText(*body, "department"));
        if (!r) return http::JsonError(req, r.error());
        return http::Json(req, json::object{{"province", auth::JsonText(*body, "province")},
                                            {"department", auth::JsonText(*body, "department")}});
    });
}

Response Handlers::ApiAgenda(Request& req) {
    return Api(web_, req, [&](const Principal& p) {
        auto body = auth::JsonBody(req);
        if (!body) return http::JsonError(req, body.error());
        std::vector<AgendaItem> items;
        if (const auto* v = body->if_contains("items"); v && v->is_array()) {
            for (const auto& x : v->as_array()) {
                if (!x.is_object()) continue;
                const auto& o = x.as_object();
                items.push_back({.kind = auth::JsonText(o, "kind"), .title = auth::JsonText(o, "title"),
                                 .presenter = auth::JsonText(o, "presenter"),
                                 .minutes = static_cast<int>(auth::JsonInt(o, "minutes"))});
            }
        }
        auto r = svc_.SetAgenda(p, Id(req, "id"), std::move(items));
        if (!r) return http::JsonError(req, r.error());
        return http::Json(req, ConferenceJson(*r, req.Lang()));
    });
}

Response Handlers::ApiCurrent(Request& req) {
    return Api(web_, req, [&](const Principal& p) {
        auto r = svc_.SetCurrentItem(p, Id(req, "id"), Id(req, "item"));
        if (!r) return http::JsonError(req, r.error());
        return http::Json(req, ConferenceJson(*r, req.Lang()));
    });
}

Response Handlers::ApiVideo(Request& req) {
    return Api(web_, req, [&](const Principal& p) {
        auto body = auth::JsonBody(req);
        if (!body) return http::JsonError(req, body.error());
        const auto& b = *body;
        auto r = svc_.SetVideo(p, Id(req, "id"),
                               {.provider = auth::JsonText(b, "provider"), .url = auth::JsonText(b, "url"),
                                .room = auth::JsonText(b, "room"), .app_id = auth::JsonText(b, "app_id"),
                                .secret = auth::JsonText(b, "secret")});
        if (!r) return http::JsonError(req, r.error());
        return http::Json(req, ConferenceJson(*r, req.Lang())["video"]);
    });
}

Response Handlers::ApiJoin(Request& req) {
    return Api(web_, req, [&](const Principal& p) {
        auto r = svc_.JoinVideo(p, Id(req, "id"), Id(req, "site"));
        if (!r) return http::JsonError(req, r.error());
        json::object o{{"provider", r->provider}, {"url", r->url}};
        if (!r->token.empty()) o["token"] = r->token;
        if (!r->create_url.empty()) o["create_url"] = r->create_url;
        auto res = http::Json(req, o);
        res.set(http::beast_http::field::cache_control, "no-store");
        return res;
    });
}

Response Handlers::ApiDocuments(Request& req) {
    return Api(web_, req, [&](const Principal& p) {
        return ListJson(req, svc_.Documents(p, Id(req, "id")), "documents",
                        [&](const Document& d) { return DocumentJson(d, req.Lang()); });
    });
}

Response Handlers::ApiDocument(Request& req) {
    return Api(web_, req, [&](const Principal& p) {
        auto body = auth::JsonBody(req);
        if (!body) return http::JsonError(req, body.error());
        const auto& b = *body;
        const auto conf = Id(req, "id"), doc = Id(req, "doc");
        const auto action = req.path_params["action"];
        core::Result<Document> r = core::NotFound(Msg("conference.action_unknown"));
        if (action == "submit") {
            Submission s{.body = auth::JsonText(b, "body"), .title = auth::JsonText(b, "title"), .files = Strings(b, "files")};
            if (auto c = auth::JsonText(b, "classification"); !c.empty()) s.classification = c;
            r = svc_.Submit(p, conf, doc, std::move(s));
        } else if (action == "due") {
            auto t = ParseTime(svc_, auth::JsonText(b, "due_at"));
            if (!t) return http::JsonError(req, BadTime("due_at"));
            r = svc_.SetDue(p, conf, doc, *t);
        } else if (auto d = action == "issue" ? svc_.GetDocument(p, conf, doc) : core::Result<Document>(core::NotFound(Msg("conference.document_not_found")));
                   d && d->kind == "conclusions") {
            Issue in{.number = auth::JsonText(b, "number"), .symbol = auth::JsonText(b, "symbol"),
                     .signer = auth::JsonText(b, "signer"), .issued_on = auth::JsonText(b, "issued_on"),
                     .files = Strings(b, "files")};
            if (auto t = auth::JsonText(b, "reports_due_at"); !t.empty()) {
                in.reports_due_at = ParseTime(svc_, t);
                if (!in.reports_due_at) return http::JsonError(req, BadTime("reports_due_at"));
            }
            r = svc_.IssueConclusions(p, conf, std::move(in));
        } else {
            r = svc_.Decide(p, conf, doc, action, auth::JsonText(b, "comment"));
        }
        if (!r) return http::JsonError(req, r.error());
        return http::Json(req, DocumentJson(*r, req.Lang()));
    });
}

Response Handlers::ApiBoard(Request& req) {
    return Api(web_, req, [&](const Principal& p) {
        auto r = svc_.Board(p, Id(req, "id"));
        if (!r) return http::JsonError(req, r.error());
        json::array out;
        for (const auto& region : *r) {
            json::array provinces;
            for (const auto& d : region.provinces) provinces.push_back(DocumentJson(d, req.Lang()));
            out.push_back(json::object{
                {"region", region.region_code},
                {"region_name", region.region_name},
                {"submitted", region.submitted},
                {"total", region.provinces.size()},
                {"provinces", std::move(provinces)},
                {"consolidated", region.consolidated ? json::value(DocumentJson(*region.consolidated, req.Lang()))
                                                     : json::value(nullptr)}});
        }
        return http::Json(req, json::object{{"regions", std::move(out)}});
    });
}

Response Handlers::ApiLive(Request& req) {
    return Api(web_, req, [&](const Principal& p) {
        return ListJson(req, svc_.LiveBoard(p, Id(req, "id")), "sites",
                        [&](const Site& s) { return SiteJson(s, req.Lang()); });
    });
}

Response Handlers::ApiBeat(Request& req) {
    return Api(web_, req, [&](const Principal& p) {
        auto body = auth::JsonBody(req);
        if (!body) return http::JsonError(req, body.error());
        rules::Link l{.rtt_ms = static_cast<int>(std::clamp<std::int64_t>(auth::JsonInt(*body, "rtt_ms"), 0, 60000)),
                      .jitter_ms = static_cast<int>(std::clamp<std::int64_t>(auth::JsonInt(*body, "jitter_ms"), 0, 60000)),
                      .loss_pct = static_cast<int>(std::clamp<std::int64_t>(auth::JsonInt(*body, "loss_pct"), 0, 100))};
        auto r = svc_.Beat(p, Id(req, "id"), Id(req, "site"), l);
        if (!r) return http::JsonError(req, r.error());
        return http::Json(req, json::object{{"health", rules::HealthCode(r->health)},
                                            {"seq", auth::JsonInt(*body, "seq")}});
    });
}

Response Handlers::ApiChecklist(Request& req) {
    return Api(web_, req, [&](const Principal& p) {
        auto body = auth::JsonBody(req);
        if (!body) return http::JsonError(req, body.error());
        std::vector<ChecklistItem> items;
        if (const auto* v = body->if_contains("items"); v && v->is_array()) {
            for (const auto& x : v->as_array()) {
                if (!x.is_object()) continue;
                const auto& o = x.as_object();
                const auto* done = o.if_contains("done");
                items.push_back({.code = auth::JsonText(o, "code"), .done = done && done->is_bool() && done->as_bool(),
                                 .note = auth::JsonText(o, "note")});
            }
        }
        auto r = svc_.SetChecklist(p, Id(req, "id"), Id(req, "site"), std::move(items));
        if (!r) return http::JsonError(req, r.error());
        return http::Json(req, SiteJson(*r, req.Lang()));
    });
}

Response Handlers::ApiAttendees(Request& req) {
    return Api(web_, req, [&](const Principal& p) {
        if (auto c = svc_.Get(p, Id(req, "id")); !c) return http::JsonError(req, c.error());
        json::array out;
        for (const auto& a : svc_.Attendees(p, Id(req, "id"), Id(req, "site")))
            out.push_back(json::object{{"id", a.id}, {"site_id", a.site_id}, {"name", a.name}, {"position", a.position},
                                       {"category", a.category}, {"present", a.present}, {"recorded_at", Ms(a.recorded_at)}});
        return http::Json(req, json::object{{"attendees", std::move(out)}});
    });
}

Response Handlers::ApiAddAttendee(Request& req) {
    return Api(web_, req, [&](const Principal& p) {
        auto body = auth::JsonBody(req);
        if (!body) return http::JsonError(req, body.error());
        auto r = svc_.AddAttendee(p, Id(req, "id"), Id(req, "site"),
                                  {.name = auth::JsonText(*body, "name"), .position = auth::JsonText(*body, "position"),
                                   .category = auth::JsonText(*body, "category")});
        if (!r) return http::JsonError(req, r.error());
        return http::Json(req, json::object{{"id", r->id}, {"name", r->name}, {"category", r->category}},
                          http::beast_http::status::created);
    });
}

Response Handlers::ApiPresent(Request& req) {
    return Api(web_, req, [&](const Principal& p) {
        auto body = auth::JsonBody(req);
        if (!body) return http::JsonError(req, body.error());
        const auto* v = body->if_contains("present");
        auto r = svc_.MarkPresent(p, Id(req, "id"), Id(req, "a"), !v || !v->is_bool() || v->as_bool());
        if (!r) return http::JsonError(req, r.error());
        return http::Json(req, json::object{{"id", r->id}, {"present", r->present}});
    });
}

namespace {
json::object SpeakingJson(const SpeakingRequest& s) {
    return json::object{{"id", s.id},       {"site_id", s.site_id},           {"site_name", s.site_name},
                        {"topic", s.topic}, {"state", s.state},               {"position", s.position},
                        {"requested_at", core::ToMillis(s.requested_at)}, {"requested_local", Local(s.requested_at)}};
}
json::object ProposalJson(const Proposal& p) {
    return json::object{{"id", p.id},
                        {"site_id", p.site_id},
                        {"site_name", p.site_name},
                        {"text", p.text},
                        {"responsible", p.responsible_name},
                        {"due_at", Ms(p.due_at)},
                        {"due_local", Local(p.due_at)},
                        {"answer", p.answer},
                        {"answered_local", Local(p.answered_at)},
                        {"state", p.state},
                        {"overdue", p.overdue}};
}
}  // namespace

Response Handlers::ApiQueue(Request& req) {
    return Api(web_, req, [&](const Principal& p) {
        return ListJson(req, svc_.Queue(p, Id(req, "id")), "queue", SpeakingJson);
    });
}

Response Handlers::ApiAsk(Request& req) {
    return Api(web_, req, [&](const Principal& p) {
        auto body = auth::JsonBody(req);
        if (!body) return http::JsonError(req, body.error());
        auto r = svc_.AskToSpeak(p, Id(req, "id"), auth::JsonInt(*body, "site_id"), auth::JsonText(*body, "topic"));
        if (!r) return http::JsonError(req, r.error());
        return http::Json(req, SpeakingJson(*r), http::beast_http::status::created);
    });
}

Response Handlers::ApiSpeaking(Request& req) {
    return Api(web_, req, [&](const Principal& p) {
        auto r = svc_.Speaking(p, Id(req, "id"), Id(req, "r"), req.path_params["action"]);
        if (!r) return http::JsonError(req, r.error());
        return http::Json(req, SpeakingJson(*r));
    });
}

Response Handlers::ApiBudget(Request& req) {
    return Api(web_, req, [&](const Principal& p) {
        auto r = svc_.Budget(p, Id(req, "id"));
        if (!r) return http::JsonError(req, r.error());
        json::array out;
        std::int64_t total = 0;
        for (const auto& l : *r) {
            total += l.amount;
            out.push_back(json::object{{"id", l.id}, {"site_id", l.site_id}, {"category", l.category}, {"item", l.item},
                                       {"quantity", l.quantity}, {"unit_price", l.unit_price}, {"amount", l.amount},
                                       {"note", l.note}});
        }
        return http::Json(req, json::object{{"lines", std::move(out)}, {"total", total}});
    });
}

Response Handlers::ApiAddBudget(Request& req) {
    return Api(web_, req, [&](const Principal& p) {
        auto body = auth::JsonBody(req);
        if (!body) return http::JsonError(req, body.error());
        const auto& b = *body;
        double quantity = 0;
        if (const auto* v = b.if_contains("quantity")) {
            if (v->is_double()) quantity = v->as_double();
            else if (v->is_int64()) quantity = static_cast<double>(v->as_int64());
        }
        auto r = svc_.AddBudgetLine(p, Id(req, "id"),
                                    {.site_id = auth::JsonInt(b, "site_id"), .category = auth::JsonText(b, "category"),
                                     .item = auth::JsonText(b, "item"), .quantity = quantity,
                                     .unit_price = auth::JsonInt(b, "unit_price"), .note = auth::JsonText(b, "note")});
        if (!r) return http::JsonError(req, r.error());
        return http::Json(req, json::object{{"id", r->id}, {"amount", r->amount}}, http::beast_http::status::created);
    });
}

Response Handlers::ApiRetireBudget(Request& req) {
    return Api(web_, req, [&](const Principal& p) {
        auto r = svc_.RetireBudgetLine(p, Id(req, "id"), Id(req, "line"));
        if (!r) return http::JsonError(req, r.error());
        return http::Json(req, json::object{{"retired", Id(req, "line")}});
    });
}

Response Handlers::ApiBudgetXlsx(Request& req) {
    return Api(web_, req, [&](const Principal& p) {
        auto r = svc_.BudgetXlsx(p, Id(req, "id"), req.Lang());
        if (!r) return http::JsonError(req, r.error());
        auto res = http::MakeResponse(req, http::beast_http::status::ok, std::move(r).value(),
                                      "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
        res.set(http::beast_http::field::content_disposition,
                "attachment; filename=\"du-toan-hoi-nghi-" + std::to_string(Id(req, "id")) + ".xlsx\"");
        res.set(http::beast_http::field::cache_control, "private, no-store");
        return res;
    });
}

Response Handlers::ApiConclusions(Request& req) {
    return Api(web_, req, [&](const Principal& p) {
        auto r = svc_.Conclusions(p, Id(req, "id"));
        if (!r) return http::JsonError(req, r.error());
        json::array out;
        for (const auto& i : *r) {
            json::array leads;
            for (const auto& u : i.lead_units) leads.emplace_back(u);
            out.push_back(json::object{{"id", i.id}, {"position", i.position}, {"content", i.content},
                                       {"lead_units", std::move(leads)}, {"deadline", Ms(i.deadline)},
                                       {"task_id", i.task_id ? json::value(i.task_id) : json::value(nullptr)}});
        }
        return http::Json(req, json::object{{"items", std::move(out)}});
    });
}

Response Handlers::ApiSetConclusions(Request& req) {
    return Api(web_, req, [&](const Principal& p) {
        auto body = auth::JsonBody(req);
        if (!body) return http::JsonError(req, body.error());
        std::vector<ConclusionItem> items;
        if (const auto* v = body->if_contains("items"); v && v->is_array()) {
            for (const auto& x : v->as_array()) {
                if (!x.is_object()) continue;
                const auto& o = x.as_object();
                ConclusionItem i{.content = auth::JsonText(o, "content"), .lead_units = Strings(o, "lead_units")};
                i.deadline = ParseTime(svc_, auth::JsonText(o, "deadline"));
                items.push_back(std::move(i));
            }
        }
        auto r = svc_.SetConclusions(p, Id(req, "id"), std::move(items));
        if (!r) return http::JsonError(req, r.error());
        return http::Json(req, json::object{{"items", r->size()}});
    });
}

Response Handlers::ApiProposals(Request& req) {
    return Api(web_, req, [&](const Principal& p) {
        return ListJson(req, svc_.Proposals(p, Id(req, "id")), "proposals", ProposalJson);
    });
}

Response Handlers::ApiPropose(Request& req) {
    return Api(web_, req, [&](const Principal& p) {
        auto body = auth::JsonBody(req);
        if (!body) return http::JsonError(req, body.error());
        auto r = svc_.Propose(p, Id(req, "id"), auth::JsonInt(*body, "site_id"), auth::JsonText(*body, "text"));
        if (!r) return http::JsonError(req, r.error());
        return http::Json(req, ProposalJson(*r), http::beast_http::status::created);
    });
}

Response Handlers::ApiProposal(Request& req) {
    return Api(web_, req, [&](const Principal& p) {
        auto body = auth::JsonBody(req);
        if (!body) return http::JsonError(req, body.error());
        const auto action = req.path_params["action"];
        const auto conf = Id(req, "id"), id = Id(req, "p");
        core::Result<Proposal> r = core::NotFound(Msg("conference.action_unknown"));
        if (action == "assign") {
            auto due = ParseTime(svc_, auth::JsonText(*body, "due_at"));
            if (!due) return http::JsonError(req, BadTime("due_at"));
            r = svc_.AssignProposal(p, conf, id, auth::JsonText(*body, "unit"), *due);
        } else if (action == "answer") {
            r = svc_.AnswerProposal(p, conf, id, auth::JsonText(*body, "answer"));
        } else if (action == "close") {
            r = svc_.CloseProposal(p, conf, id);
        }
        if (!r) return http::JsonError(req, r.error());
        return http::Json(req, ProposalJson(*r));
    });
}

Response Handlers::ApiNews(Request& req) {
    return Api(web_, req, [&](const Principal& p) {
        auto r = svc_.DraftNews(p, Id(req, "id"));
        if (!r) return http::JsonError(req, r.error());
        return http::Json(req, json::object{{"item_id", *r}, {"url", "/admin/portal/items/" + std::to_string(*r)}},
                          http::beast_http::status::created);
    });
}

// ---------------------------------------------------------------------------------------------
// Pages

Response Handlers::ListPage(Request& req) {
    return Page(web_, req, [&](const Principal& p) {
        json::array list;
        for (const auto& c : svc_.List(p)) {
            auto o = ConferenceJson(c, req.Lang());
            o.erase("sites");
            o.erase("agenda");
            list.push_back(std::move(o));
        }
        json::array regions;
        if (svc_.MayOrganise(p)) {
            for (const auto& [province, dept] : svc_.Regions())
                regions.push_back(json::object{{"province", province.name_vi}, {"department", dept.short_name.empty() ? dept.name_vi : dept.short_name}});
        }
        json::object data{{"conferences", std::move(list)},
                          {"may_create", svc_.MayOrganise(p)},
                          {"may_convene", svc_.MayLead(p)},
                          {"regions", std::move(regions)}};
        Flags(data);
        return web_.Page(req, &p, "conference/list", std::move(data), "conf_list_title");
    });
}

Response Handlers::ConferencePage(Request& req) {
    return Page(web_, req, [&](const Principal& p) {
        const auto id = Id(req, "id");
        auto c = svc_.Get(p, id);
        if (!c) return web_.Fail(req, &p, c.error());
        auto data = ConferenceJson(*c, req.Lang());
        const bool office = svc_.MayOrganise(p) || svc_.MayLead(p);
        // Timeline of the documents with what this person may do on each.
        json::array timeline, mine;
        if (auto docs = svc_.Documents(p, id)) {
            for (const auto& d : *docs) {
                auto o = DocumentJson(d, req.Lang());
                const bool own = svc_.MayOwn(p, d) && (d.state == "pending" || d.state == "submitted");
                o["may_submit"] = own && (d.kind != "implementation_report" || c->state == "concluded");
                o["may_approve"] = svc_.MayLead(p) && d.state == "submitted" &&
                                   (d.kind == "plan" || d.kind == "conclusions");
                o["may_issue"] = svc_.MayIssue(p) &&
                                 ((d.state == "submitted" && (d.kind == "convening_letter" || d.kind == "conference_documents")) ||
                                  (d.state == "approved" && (d.kind == "plan" || d.kind == "conclusions")));
                o["is_conclusions"] = d.kind == "conclusions";
                if (d.kind == "province_report" || d.kind == "implementation_report") {
                    if (svc_.MayOwn(p, d)) mine.push_back(o);
                    if (!office) continue;
                    if (d.kind == "province_report") continue;  // on the board below
                }
                if (d.kind == "implementation_report") continue;
                timeline.push_back(std::move(o));
            }
        }
        data["timeline"] = std::move(timeline);
        data["mine"] = std::move(mine);
        if (auto board = svc_.Board(p, id)) {
            json::array regions;
            for (const auto& r : *board) {
                json::array provinces;
                for (const auto& d : r.provinces) provinces.push_back(DocumentJson(d, req.Lang()));
                regions.push_back(json::object{
                    {"code", r.region_code}, {"name", r.region_name}, {"submitted", r.submitted},
                    {"total", r.provinces.size()}, {"provinces", std::move(provinces)},
                    {"consolidated", r.consolidated ? json::value(DocumentJson(*r.consolidated, req.Lang())) : json::value(nullptr)}});
            }
            data["board"] = std::move(regions);
        }
        json::array my_sites;
        for (const auto& s : c->sites) {
            if (s.status == "active" && svc_.MayOperate(p, s)) my_sites.push_back(SiteJson(s, req.Lang()));
        }
        data["my_sites"] = std::move(my_sites);
        if (auto q = svc_.Queue(p, id)) {
            json::array queue;
            for (const auto& s : *q) {
                auto o = SpeakingJson(s);
                o["state_label"] = T(req.Lang(), "conf_speak_" + s.state);
                queue.push_back(std::move(o));
            }
            data["queue"] = std::move(queue);
        }
        if (auto props = svc_.Proposals(p, id)) {
            json::array list;
            for (const auto& x : *props) {
                auto o = ProposalJson(x);
                o["state_label"] = T(req.Lang(), "conf_prop_" + x.state);
                // What the page offers; the service decides again (Vụ Địa phương I assigns, the
                // responsible unit answers, the province closes).
                o["may_assign"] = svc_.MayOrganise(p) && (x.state == "open" || x.state == "assigned");
                o["may_answer"] = svc_.MayOrganise(p) && x.state == "assigned";
                o["may_close"] = x.state == "answered";
                list.push_back(std::move(o));
            }
            data["proposals"] = std::move(list);
        }
        if (auto items = svc_.Conclusions(p, id)) {
            json::array list;
            std::string text;
            for (const auto& i : *items) {
                std::string leads;
                for (const auto& u : i.lead_units) leads += (leads.empty() ? "" : ", ") + u;
                list.push_back(json::object{{"position", i.position}, {"content", i.content}, {"leads", leads},
                                            {"deadline_local", Local(i.deadline)},
                                            {"task_id", i.task_id ? json::value(i.task_id) : json::value(nullptr)}});
            }
            data["conclusions"] = std::move(list);
        }
        std::int64_t total = 0;
        if (auto lines = svc_.Budget(p, id)) {
            for (const auto& l : *lines) total += l.amount;
            data["budget_lines"] = lines->size();
        }
        data["budget_total"] = Money(total);
        data["budget_total_raw"] = total;
        data["may_organise"] = svc_.MayOrganise(p);
        data["may_run"] = svc_.MayRun(p);
        data["may_lead"] = svc_.MayLead(p);
        data["office"] = office;
        data["may_confirm"] = svc_.MayOrganise(p) && c->state == "proposed";
        data["may_start"] = svc_.MayRun(p) && c->state == "preparing";
        data["may_end"] = svc_.MayRun(p) && c->state == "live";
        data["may_cancel"] = svc_.MayLead(p) && (c->state == "proposed" || c->state == "preparing");
        data["may_conclude"] = svc_.MayOrganise(p) && !c->tasks_document_id;
        data["may_news"] = c->news_item_id == 0 && svc_.MayRun(p);
        std::string agenda_text;
        for (const auto& a : c->agenda) agenda_text += fmt::format("{} | {} | {}\n", a.kind, a.title, a.minutes);
        data["agenda_text"] = agenda_text;
        data["may_agenda"] = (svc_.MayOrganise(p) || svc_.MayRun(p)) && c->state != "ended" && c->state != "concluded" &&
                             c->state != "cancelled";
        Flags(data);
        return web_.Page(req, &p, "conference/conference", std::move(data), "conf_title");
    });
}

Response Handlers::SitePage(Request& req) {
    return Page(web_, req, [&](const Principal& p) {
        const auto id = Id(req, "id"), site_id = Id(req, "site");
        auto c = svc_.Get(p, id);
        if (!c) return web_.Fail(req, &p, c.error());
        const Site* site = nullptr;
        for (const auto& s : c->sites) {
            if (s.id == site_id) site = &s;
        }
        if (!site) return web_.Fail(req, &p, core::NotFound(Msg("conference.site_not_found")));
        auto data = ConferenceJson(*c, req.Lang());
        data.erase("sites");
        data["site"] = SiteJson(*site, req.Lang());
        data["may_operate"] = svc_.MayOperate(p, *site);
        json::array people;
        for (const auto& a : svc_.Attendees(p, id, site_id))
            people.push_back(json::object{{"id", a.id}, {"name", a.name}, {"position", a.position},
                                          {"category_label", T(req.Lang(), "conf_attendee_" + a.category)},
                                          {"present", a.present}, {"recorded_local", Local(a.recorded_at)}});
        data["attendees"] = std::move(people);
        json::array lines;
        std::int64_t total = 0;
        if (auto b = svc_.Budget(p, id)) {
            for (const auto& l : *b) {
                if (l.site_id != site_id) continue;
                total += l.amount;
                lines.push_back(json::object{{"id", l.id}, {"category_label", T(req.Lang(), "conf_budget_" + l.category)},
                                             {"item", l.item}, {"quantity", fmt::format("{:g}", l.quantity)},
                                             {"unit_price", Money(l.unit_price)},
                                             {"amount", Money(l.amount)}, {"note", l.note}});
            }
        }
        data["budget"] = std::move(lines);
        data["budget_total"] = Money(total);
        json::array cats;
        for (const auto& k : kBudgetCategories) cats.push_back(json::object{{"code", k}, {"label", T(req.Lang(), "conf_budget_" + k)}});
        data["budget_categories"] = std::move(cats);
        return web_.Page(req, &p, "conference/site", std::move(data), "conf_site_title");
    });
}

Response Handlers::CheckInPage(Request& req) {
    return Page(web_, req, [&](const Principal& p) {
        const auto id = Id(req, "id"), site_id = Id(req, "site");
        auto c = svc_.Get(p, id);
        if (!c) return web_.Fail(req, &p, c.error());
        for (const auto& s : c->sites) {
            if (s.id != site_id) continue;
            if (!svc_.MayOperate(p, s) && !svc_.MayRun(p)) return web_.Fail(req, &p, core::Forbidden(Msg("conference.not_allowed")));
            auto data = ConferenceJson(*c, req.Lang());
            data.erase("sites");
            data["site"] = SiteJson(s, req.Lang());
            return web_.Page(req, &p, "conference/checkin", std::move(data), "conf_checkin_title");
        }
        return web_.Fail(req, &p, core::NotFound(Msg("conference.site_not_found")));
    });
}

Response Handlers::LivePage(Request& req) {
    return Page(web_, req, [&](const Principal& p) {
        const auto id = Id(req, "id");
        auto c = svc_.Get(p, id);
        if (!c) return web_.Fail(req, &p, c.error());
        auto live = svc_.LiveBoard(p, id);
        if (!live) return web_.Fail(req, &p, live.error());
        auto data = ConferenceJson(*c, req.Lang());
        json::array sites;
        for (const auto& s : *live) sites.push_back(SiteJson(s, req.Lang()));
        data["sites"] = std::move(sites);
        data["may_run"] = svc_.MayRun(p);
        if (auto q = svc_.Queue(p, id)) {
            json::array queue;
            for (const auto& s : *q) queue.push_back(SpeakingJson(s));
            data["queue"] = std::move(queue);
        }
        return web_.Page(req, &p, "conference/live", std::move(data), "conf_live_title");
    });
}

Response Handlers::CreateFromPage(Request& req) {
    return Page(web_, req, [&](const Principal& p) {
        auto form = req.Form();
        auto f = [&](const char* k) { return auth::FormField(form, k); };
        NewConference in{.kind = f("kind"), .title = f("title"), .purpose = f("purpose"),
                         .starts_at = ParseTime(svc_, f("starts_at")), .ends_at = ParseTime(svc_, f("ends_at")),
                         .chair = f("chair"), .chair_is_deputy = f("chair_is_deputy") == "1",
                         .site_units = Split(f("site_units"))};
        auto r = svc_.Create(p, std::move(in));
        if (!r) return web_.Fail(req, &p, r.error());
        return http::Redirect(req, "/admin/conferences/" + std::to_string(r->id));
    });
}

Response Handlers::FormAction(Request& req) {
    return Page(web_, req, [&](const Principal& p) {
        auto form = req.Form();
        auto f = [&](const char* k) { return auth::FormField(form, k); };
        const auto id = Id(req, "id");
        const auto action = req.path_params["action"];
        const auto site = auth::ParseId(f("site")).value_or(0);
        const auto back = site ? fmt::format("/admin/conferences/{}/sites/{}", id, site) : fmt::format("/admin/conferences/{}", id);
        core::Status done = core::Ok{};
        auto keep = [&](auto r) {
            if (!r) done = r.error();
        };
        const auto doc = auth::ParseId(f("doc")).value_or(0);
        if (action == "confirm" || action == "start" || action == "end" || action == "cancel") {
            keep(svc_.Act(p, id, action));
        } else if (action == "submit") {
            Submission s{.body = f("body"), .title = f("title"), .files = Split(f("files"))};
            if (!f("classification").empty()) s.classification = f("classification");
            keep(svc_.Submit(p, id, doc, std::move(s)));
        } else if (action == "approve" || action == "return") {
            keep(svc_.Decide(p, id, doc, action, f("comment")));
        } else if (action == "issue") {
            auto d = svc_.GetDocument(p, id, doc);
            if (d && d->kind == "conclusions") {
                keep(svc_.IssueConclusions(p, id, {.number = f("number"), .symbol = f("symbol"), .signer = f("signer"),
                                                   .issued_on = f("issued_on"), .files = Split(f("files"))}));
            } else {
                keep(svc_.Decide(p, id, doc, action, f("comment")));
            }
        } else if (action == "conclusions") {
            // One item per line: "content | LEAD-1, LEAD-2 | YYYY-MM-DD".
            std::vector<ConclusionItem> items;
            std::string text = f("items");
            std::size_t from = 0;
            while (from < text.size()) {
                auto nl = text.find('\n', from);
                auto line = text.substr(from, nl == std::string::npos ? std::string::npos : nl - from);
                from = nl == std::string::npos ? text.size() : nl + 1;
                if (line.find_first_not_of(" \r\t") == std::string::npos) continue;
                auto a = line.find('|'), b = line.rfind('|');
                ConclusionItem i{.content = line.substr(0, a)};
                if (a != std::string::npos && b != a) {
                    i.lead_units = Split(line.substr(a + 1, b - a - 1));
                    auto day = core::Trim(line.substr(b + 1));
                    i.deadline = ParseTime(svc_, day.size() == 10 ? day + "T17:00" : day);
                }
                items.push_back(std::move(i));
            }
            keep(svc_.SetConclusions(p, id, std::move(items)));
        } else if (action == "agenda") {
            // One item per line: "kind | title | minutes".
            std::vector<AgendaItem> items;
            std::string text = f("items");
            std::size_t from = 0;
            while (from < text.size()) {
                auto nl = text.find('\n', from);
                auto line = text.substr(from, nl == std::string::npos ? std::string::npos : nl - from);
                from = nl == std::string::npos ? text.size() : nl + 1;
                if (line.find_first_not_of(" \r\t") == std::string::npos) continue;
                auto a = line.find('|'), b = line.rfind('|');
                AgendaItem i{.kind = core::Trim(line.substr(0, a))};
                if (a != std::string::npos) i.title = core::Trim(line.substr(a + 1, b == a ? std::string::npos : b - a - 1));
                if (b != a && b != std::string::npos) i.minutes = static_cast<int>(auth::ParseId(core::Trim(line.substr(b + 1))).value_or(-1));
                items.push_back(std::move(i));
            }
            keep(svc_.SetAgenda(p, id, std::move(items)));
        } else if (action == "checklist") {
            std::vector<ChecklistItem> items;
            for (const auto& code : {"room", "equipment", "connection_test", "staff"})
                items.push_back({.code = code, .done = f((std::string("done_") + code).c_str()) == "1",
                                 .note = f((std::string("note_") + code).c_str())});
            keep(svc_.SetChecklist(p, id, site, std::move(items)));
        } else if (action == "attendee") {
            keep(svc_.AddAttendee(p, id, site, {.name = f("name"), .position = f("position"), .category = f("category")}));
        } else if (action == "present") {
            keep(svc_.MarkPresent(p, id, auth::ParseId(f("attendee")).value_or(0), f("present") == "1"));
        } else if (action == "budget") {
            double q = 0;
            try {
                q = std::stod(f("quantity"));
            } catch (...) {
                q = 0;
            }
            keep(svc_.AddBudgetLine(p, id, {.site_id = site, .category = f("category"), .item = f("item"), .quantity = q,
                                            .unit_price = auth::ParseId(f("unit_price")).value_or(-1), .note = f("note")}));
        } else if (action == "propose") {
            keep(svc_.Propose(p, id, site, f("text")));
        } else if (action == "assign") {
            auto due = ParseTime(svc_, f("due_at").size() == 10 ? f("due_at") + "T17:00" : f("due_at"));
            if (!due) done = BadTime("due_at");
            else keep(svc_.AssignProposal(p, id, auth::ParseId(f("proposal")).value_or(0), f("unit"), *due));
        } else if (action == "answer") {
            keep(svc_.AnswerProposal(p, id, auth::ParseId(f("proposal")).value_or(0), f("answer")));
        } else if (action == "close") {
            keep(svc_.CloseProposal(p, id, auth::ParseId(f("proposal")).value_or(0)));
        } else if (action == "news") {
            auto r = svc_.DraftNews(p, id);
            if (!r) return web_.Fail(req, &p, r.error());
            return http::Redirect(req, "/admin/portal/items/" + std::to_string(*r));
        } else {
            done = core::NotFound(Msg("conference.action_unknown"));
        }
        if (!done) return web_.Fail(req, &p, done.error());
        return http::Redirect(req, back);
    });
}

Response Handlers::ServeFile(Request& req) {
    return Page(web_, req, [&](const Principal& p) {
        const auto sha = req.path_params["sha256"];
        const bool hex = sha.size() == 64 && std::all_of(sha.begin(), sha.end(), [](char ch) {
            return (ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'f');
        });
        if (!hex || !svc_.MayReadFile(p, sha) || !serve_file)
            return web_.Fail(req, &p, core::NotFound(Msg("conference.document_not_found")));
        return serve_file(req, sha);
    });
}

}  // namespace vp::conference
