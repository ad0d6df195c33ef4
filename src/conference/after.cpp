// After the conference (C-6, C-11, C-12): the conclusions drafted by Vụ Tổ chức - Cán bộ,
// approved by the leadership, issued by Vụ Hành chính - Cơ yếu, each item a tracked task in
// Tasks; the provinces' proposals answered by the responsible units; implementation reports.
#include <algorithm>
#include <map>
#include <set>

#include <boost/json.hpp>
#include <fmt/format.h>

#include "calendar/iso_time.hpp"
#include "conference/conference.hpp"
#include "conference/internal.hpp"
#include "core/message.hpp"
#include "core/text.hpp"
#include "tasks/tasks.hpp"

namespace vp::conference {

namespace json = boost::json;
using core::Msg;
using core::db::Connection;
using core::db::Value;
using namespace detail;

namespace {

std::vector<std::string> SplitCodes(const std::string& s) {
    std::vector<std::string> out;
    std::size_t from = 0;
    while (from <= s.size()) {
        auto comma = s.find(',', from);
        auto part = core::Trim(s.substr(from, comma == std::string::npos ? std::string::npos : comma - from));
        if (!part.empty()) out.push_back(part);
        if (comma == std::string::npos) break;
        from = comma + 1;
    }
    return out;
}

std::string JoinCodes(const std::vector<std::string>& v) {
    std::string s;
    for (const auto& c : v) s += (s.empty() ? "" : ",") + c;
    return s;
}

std::vector<ConclusionItem> LoadItems(Connection& c, std::int64_t conference) {
    std::vector<ConclusionItem> out;
    for (const auto& r : c.Query("SELECT id, position, content, lead_units, deadline_at, task_id FROM"
                                 " conference_conclusions WHERE conference_id = $1 AND active = 1 ORDER BY position, id",
                                 {conference})) {
        out.push_back({r.Int(0), static_cast<int>(r.Int(1)), r.Text(2), SplitCodes(r.Text(3)), OptTime(r, 4), r.Int(5)});
    }
    return out;
}

std::optional<Document> ConclusionsDoc(const std::vector<Document>& docs) {
    for (const auto& d : docs) {
        if (d.kind == "conclusions") return d;
    }
    return std::nullopt;
}

}  // namespace

core::Result<std::vector<ConclusionItem>> Service::Conclusions(const Principal& who, std::int64_t conference) const {
    auto conf = Visible(who, conference);
    if (!conf) return conf.error();
    // The draft is the office's until the conclusions are issued.
    if (!AuthorizeOffice(who, kRead) && conf->state != "concluded") return std::vector<ConclusionItem>{};
    return db_.Read([&](Connection& c) { return LoadItems(c, conference); });
}

core::Result<std::vector<ConclusionItem>> Service::SetConclusions(const Principal& who, std::int64_t conference,
                                                                  std::vector<ConclusionItem> items) {
    auto conf = Visible(who, conference);
    if (!conf) return conf.error();
    // Vụ Tổ chức - Cán bộ drafts the conclusions for signature (Art. 9).
    auto actor = AuthorizeUnit(who, kOrganise, settings_.units.organisation);
    if (!actor) return actor.error();
    auto docs = Documents(who, conference);
    if (!docs) return docs.error();
    auto doc = ConclusionsDoc(*docs);
    if (!doc) return core::NotFound(Msg("conference.document_not_found"));
    // Frozen once handed in: the leadership approves what it read (a return reopens it).
    if (doc->state != "pending") return core::Conflict(Msg("conference.document_closed", {{"state", doc->state}}));
    if (items.empty() || items.size() > 100) return core::InvalidField("items", Msg("conference.conclusions_empty"));
    const auto now = clock_.Now();
    for (auto& i : items) {
        auto content = Required("content", i.content, 4000, true);
        if (!content) return content.error();
        i.content = *content;
        if (auto ok = CheckNotSecret("thuong", {i.content}); !ok) return ok.error();
        if (i.lead_units.empty())
            return core::InvalidField("lead_units", Msg("conference.field_required", {{"field", "lead_units"}}));
        std::sort(i.lead_units.begin(), i.lead_units.end());
        i.lead_units.erase(std::unique(i.lead_units.begin(), i.lead_units.end()), i.lead_units.end());
        for (const auto& code : i.lead_units) {
            auto u = units_.FindByCode(code);
            if (!u || u->status != "active")
                return core::InvalidField("lead_units", Msg("conference.unit_not_found", {{"code", code}}));
        }
        if (!i.deadline || *i.deadline <= now)
            return core::InvalidField("deadline", Msg("conference.conclusion_deadline_invalid"));
    }
    return db_.Transact([&](Connection& c) -> core::Result<std::vector<ConclusionItem>> {
        if (c.Execute("UPDATE conference_documents SET updated_at = $1 WHERE id = $2 AND state = 'pending'",
                      {Ms(clock_.Now()), doc->id}) != 1)
            return core::Conflict(Msg("conference.changed_meanwhile"));
        c.Execute("UPDATE conference_conclusions SET active = 0 WHERE conference_id = $1", {conference});
        int pos = 0;
        json::array snapshot;
        for (const auto& i : items) {
            c.Execute("INSERT INTO conference_conclusions (conference_id, position, content, lead_units, deadline_at)"
                      " VALUES ($1, $2, $3, $4, $5)",
                      {conference, ++pos, i.content, JoinCodes(i.lead_units), OptMs(i.deadline)});
            snapshot.push_back(json::object{{"content", i.content}, {"lead_units", JoinCodes(i.lead_units)},
                                            {"deadline", i.deadline ? json::value(Ms(*i.deadline)) : json::value(nullptr)}});
        }
        audit_.Write(c, actor.value(), {"conference.conclusions.set", "conference", std::to_string(conference), nullptr,
                                        snapshot});
        return LoadItems(c, conference);
    });
}

core::Result<Document> Service::IssueConclusions(const Principal& who, std::int64_t conference, Issue in) {
    auto conf = Visible(who, conference);
    if (!conf) return conf.error();
    // Vụ Hành chính - Cơ yếu issues them to every recipient (Art. 11).
    auto actor = AuthorizeUnit(who, kOrganise, settings_.units.administration);
    if (!actor) return actor.error();
    if (!tasks_) return core::Conflict(Msg("conference.tasks_unavailable"));
    auto docs = Documents(who, conference);
    if (!docs) return docs.error();
    auto doc = ConclusionsDoc(*docs);
    if (!doc) return core::NotFound(Msg("conference.document_not_found"));
    if (doc->state != "approved") return core::Conflict(Msg("conference.document_state_wrong", {{"state", doc->state}}));
    if (conf->state != "ended") return core::Conflict(Msg("conference.state_wrong", {{"state", conf->state}}));
    auto items = db_.Read([&](Connection& c) { return LoadItems(c, conference); });
    if (items.empty()) return core::Conflict(Msg("conference.conclusions_empty"));
    // Everything Tasks will check, checked before anything is written (units still active, the
    // deadline still ahead), so that Tasks does not refuse half-way.
    for (const auto& i : items) {
        for (const auto& code : i.lead_units) {
            auto u = units_.FindByCode(code);
            if (!u || u->status != "active")
                return core::InvalidField("lead_units", Msg("conference.unit_not_found", {{"code", code}}));
        }
        if (!i.deadline || *i.deadline <= clock_.Now())
            return core::InvalidField("deadline", Msg("conference.conclusion_deadline_invalid"));
    }
    auto number = Required("number", in.number, 30, false);
    if (!number) return number.error();
    auto symbol = Required("symbol", in.symbol, 30, false);
    if (!symbol) return symbol.error();
    auto signer = Required("signer", in.signer, 200, false);
    if (!signer) return signer.error();
    if (!calendar::ParseIsoDate(in.issued_on))
        return core::InvalidField("issued_on", Msg("conference.time_invalid", {{"field", "issued_on"}}));
    if (in.files.empty()) return core::InvalidField("files", Msg("conference.field_required", {{"field", "files"}}));
    std::string names;
    for (const auto& f : in.files) {
        if (!IsMediaUrl(f)) return core::InvalidField("files", Msg("conference.file_invalid"));
        auto name = settings_.file_name ? settings_.file_name(f, who.user_id) : std::optional<std::string>{};
        if (settings_.file_name && !name) return core::InvalidField("files", Msg("conference.file_invalid"));
        names += name.value_or("") + "\n";
    }
    if (auto ok = CheckNotSecret("thuong", {*number, *symbol, *signer, names}); !ok) return ok.error();
    const auto now = clock_.Now();
    // Claimed first, so that two concurrent issues cannot both assign the tasks.
    auto claimed = db_.Transact([&](Connection& c) -> core::Status {
        if (c.Execute("UPDATE conference_documents SET state = 'issued', issued_at = $1, issued_by = $2, updated_at = $1"
                      " WHERE id = $3 AND state = 'approved'",
                      {Ms(now), who.user_id, doc->id}) != 1)
            return core::Conflict(Msg("conference.changed_meanwhile"));
        return core::Ok{};
    });
    if (!claimed) return claimed.error();
    // Each item a tracked task (C-6): the conclusions document in the Tasks register, the lead
    // units, the deadline, Vụ Tổ chức - Cán bộ as the monitoring unit (it follows them, Art. 9).
    tasks::NewDocument td{.kind = "meeting_conclusion",
                          .title = "Kết luận " + conf->title,
                          .number = *number,
                          .symbol = *symbol,
                          .summary = conf->purpose,
                          .issued_on = in.issued_on,
                          .signer = *signer,
                          .submitting_unit = settings_.units.organisation,
                          .issuing_unit = settings_.units.office,
                          .secrecy = "thuong",
                          .files = in.files};
    std::vector<tasks::NewTask> tt;
    for (const auto& i : items) {
        tt.push_back(tasks::NewTask{.content = i.content,
                                    .lead_units = i.lead_units,
                                    .monitoring_unit = settings_.units.organisation,
                                    .start = now,
                                    .deadline = i.deadline,
                                    .priority = "regular",
                                    .scope = "national"});
    }
    auto entered = tasks_->EnterAssigned(actor.value(), std::move(td), std::move(tt));
    if (!entered) {
        db_.Transact([&](Connection& c) {
            c.Execute("UPDATE conference_documents SET state = 'approved', issued_at = NULL, issued_by = 0 WHERE id = $1",
                      {doc->id});
        });
        return entered.error();
    }
    const auto& [tdoc, made] = entered.value();
    json::array files;
    for (const auto& f : in.files) files.emplace_back(f);
    auto latest = now;
    for (const auto& i : items) latest = std::max(latest, *i.deadline);
    const auto reports_due = in.reports_due_at.value_or(latest);
    return db_.Transact([&](Connection& c) -> core::Result<Document> {
        c.Execute("UPDATE conference_documents SET files_json = $1, title = $2 WHERE id = $3",
                  {json::serialize(files), fmt::format("Kết luận số {}-{}", *number, *symbol), doc->id});
        for (std::size_t k = 0; k < items.size() && k < made.size(); ++k)
            c.Execute("UPDATE conference_conclusions SET task_id = $1 WHERE id = $2", {made[k].id, items[k].id});
        c.Execute("UPDATE conference_conferences SET state = 'concluded', tasks_document_id = $1, updated_at = $2 WHERE"
                  " id = $3 AND state = 'ended'",
                  {tdoc.id, Ms(now), conference});
        // The provinces carry the conclusions out and report how (Art. 14, C-12).
        for (const auto& s : conf->sites) {
            if (s.kind != "bridge" || s.status != "active") continue;
            c.Execute("INSERT INTO conference_documents (conference_id, kind, owner_unit_id, site_id, due_at, updated_at)"
                      " VALUES ($1, 'implementation_report', $2, $3, $4, $5) ON CONFLICT DO NOTHING",
                      {conference, s.unit_id, s.id, Ms(reports_due), Ms(now)});
            NotifyHolders(c, kSite, s.unit_id, "Kết luận hội nghị trực tuyến đã ban hành", conf->title,
                          "/admin/conferences/" + std::to_string(conference));
        }
        json::array task_ids;
        for (const auto& t : made) task_ids.emplace_back(t.id);
        auto after = LoadDocument(c, conference, doc->id);
        audit_.Write(c, actor.value(), {"conference.conclusions.issue", "conference_document", std::to_string(doc->id),
                                        ToJson(*doc), json::object{{"tasks_document", tdoc.id}, {"tasks", task_ids}}});
        Publish(c, conference, "documents", doc->id);
        return after;
    });
}

// ---------------------------------------------------------------------------------------------
// Proposals (Art. 4, 7, 13)

namespace {
const char* const kSelectProposal =
    "SELECT id, site_id, text, responsible_unit_id, due_at, answer, answered_at, state FROM conference_proposals";
}

core::Result<std::vector<Proposal>> Service::Proposals(const Principal& who, std::int64_t conference) const {
    auto conf = Visible(who, conference);
    if (!conf) return conf.error();
    const bool office = AuthorizeOffice(who, kRead).ok();
    std::map<std::int64_t, const Site*> sites;
    for (const auto& s : conf->sites) sites[s.id] = &s;
    const auto now = clock_.Now();
    return db_.Read([&](Connection& c) {
        std::vector<Proposal> out;
        for (const auto& r : c.Query(std::string(kSelectProposal) + " WHERE conference_id = $1 ORDER BY id", {conference})) {
            Proposal p{.id = r.Int(0), .site_id = r.Int(1), .text = r.Text(2), .responsible_unit_id = r.Int(3),
                       .due_at = OptTime(r, 4), .answer = r.Text(5), .answered_at = OptTime(r, 6), .state = r.Text(7)};
            const auto* s = sites[p.site_id];
            if (!office && !(s && policy_.Authorize(who, kRead, core::access::Scope::Unit(s->unit_id)))) continue;
            p.site_name = s ? s->name : "";
            if (auto u = units_.Find(p.responsible_unit_id)) p.responsible_name = u->name_vi;
            p.overdue = p.state == "assigned" && p.due_at && now > *p.due_at;
            out.push_back(std::move(p));
        }
        return out;
    });
}

core::Result<Proposal> Service::Propose(const Principal& who, std::int64_t conference, std::int64_t site_id,
                                        std::string text) {
    auto at = Locate(who, conference, site_id);
    if (!at) return at.error();
    const auto* conf = &at->conf;
    const auto* site = &at->site;
    auto actor = AuthorizeSite(who, *site);
    if (!actor) return actor.error();
    if (conf->state == "cancelled" || conf->state == "concluded")
        return core::Conflict(Msg("conference.state_wrong", {{"state", conf->state}}));
    auto t = Required("text", text, 4000, true);
    if (!t) return t.error();
    if (auto ok = CheckNotSecret("thuong", {*t}); !ok) return ok.error();
    return db_.Transact([&](Connection& c) -> core::Result<Proposal> {
        auto id = c.QueryOne("INSERT INTO conference_proposals (conference_id, site_id, text, raised_by, raised_at)"
                             " VALUES ($1, $2, $3, $4, $5) RETURNING id",
                             {conference, site_id, *t, who.user_id, Ms(clock_.Now())})
                      ->Int(0);
        audit_.Write(c, actor.value(), {"conference.proposal.raise", "conference_proposal", std::to_string(id), nullptr,
                                        json::object{{"site", site_id}, {"text", *t}}});
        NotifyHolders(c, kOrganise, UnitId(settings_.units.local1), "Kiến nghị của " + site->name, *t,
                      "/admin/conferences/" + std::to_string(conference));
        Publish(c, conference, "proposals", id);
        return Proposal{.id = id, .site_id = site_id, .site_name = site->name, .text = *t, .state = "open"};
    });
}

namespace {
core::Result<Proposal> FindProposal(const std::vector<Proposal>& all, std::int64_t id) {
    for (const auto& p : all) {
        if (p.id == id) return p;
    }
    return core::NotFound(Msg("conference.proposal_not_found"));
}
}  // namespace

core::Result<Proposal> Service::AssignProposal(const Principal& who, std::int64_t conference, std::int64_t id,
                                               const std::string& unit, core::TimePoint due) {
    auto all = Proposals(who, conference);
    if (!all) return all.error();
    auto p = FindProposal(*all, id);
    if (!p) return p;
    // Vụ Địa phương I compiles the answers (Art. 7): it sends each proposal to the unit that answers.
    auto actor = AuthorizeUnit(who, kOrganise, settings_.units.local1);
    if (!actor) return actor.error();
    auto u = units_.FindByCode(unit);
    const auto office = UnitId(settings_.units.office);
    if (!u || u->status != "active" || !units_.IsWithin(office, u->id))
        return core::InvalidField("unit", Msg("conference.unit_not_found", {{"code", unit}}));
    if (due <= clock_.Now()) return core::InvalidField("due_at", Msg("conference.due_in_past"));
    if (p->state != "open" && p->state != "assigned")
        return core::Conflict(Msg("conference.proposal_state_wrong", {{"state", p->state}}));
    return db_.Transact([&](Connection& c) -> core::Result<Proposal> {
        if (c.Execute("UPDATE conference_proposals SET responsible_unit_id = $1, due_at = $2, state = 'assigned' WHERE"
                      " id = $3 AND state IN ('open', 'assigned')",
                      {u->id, Ms(due), id}) != 1)
            return core::Conflict(Msg("conference.changed_meanwhile"));
        audit_.Write(c, actor.value(), {"conference.proposal.assign", "conference_proposal", std::to_string(id), nullptr,
                                        json::object{{"unit", unit}, {"due_at", Ms(due)}}});
        NotifyHolders(c, kOrganise, u->id, "Kiến nghị cần trả lời", p->text,
                      "/admin/conferences/" + std::to_string(conference));
        auto out = *p;
        out.responsible_unit_id = u->id;
        out.responsible_name = u->name_vi;
        out.due_at = due;
        out.state = "assigned";
        Publish(c, conference, "proposals", id);
        return out;
    });
}

core::Result<Proposal> Service::AnswerProposal(const Principal& who, std::int64_t conference, std::int64_t id,
                                               std::string answer) {
    auto all = Proposals(who, conference);
    if (!all) return all.error();
    auto p = FindProposal(*all, id);
    if (!p) return p;
    // The unit it was sent to answers (Art. 13).
    auto actor = policy_.Authorize(who, kOrganise, core::access::Scope::Unit(p->responsible_unit_id));
    if (!p->responsible_unit_id || !actor) return core::Forbidden(Msg("conference.not_owner"));
    auto text = Required("answer", answer, 8000, true);
    if (!text) return text.error();
    if (auto ok = CheckNotSecret("thuong", {*text}); !ok) return ok.error();
    if (p->state != "assigned") return core::Conflict(Msg("conference.proposal_state_wrong", {{"state", p->state}}));
    const auto now = clock_.Now();
    return db_.Transact([&](Connection& c) -> core::Result<Proposal> {
        if (c.Execute("UPDATE conference_proposals SET answer = $1, answered_at = $2, answered_by = $3, state ="
                      " 'answered' WHERE id = $4 AND state = 'assigned'",
                      {*text, Ms(now), who.user_id, id}) != 1)
            return core::Conflict(Msg("conference.changed_meanwhile"));
        audit_.Write(c, actor.value(), {"conference.proposal.answer", "conference_proposal", std::to_string(id), nullptr,
                                        json::value(*text)});
        auto out = *p;
        out.answer = *text;
        out.answered_at = now;
        out.state = "answered";
        out.overdue = false;
        Publish(c, conference, "proposals", id);
        return out;
    });
}

core::Result<Proposal> Service::CloseProposal(const Principal& who, std::int64_t conference, std::int64_t id) {
    auto conf = Visible(who, conference);
    if (!conf) return conf.error();
    auto all = Proposals(who, conference);
    if (!all) return all.error();
    auto p = FindProposal(*all, id);
    if (!p) return p;
    auto site = SiteOf(*conf, p->site_id);
    if (!site) return site.error();
    // The province that raised it accepts the answer, or Vụ Địa phương I closes it.
    auto actor = AuthorizeSite(who, *site);
    if (!actor) actor = AuthorizeUnit(who, kOrganise, settings_.units.local1);
    if (!actor) return actor.error();
    if (p->state != "answered") return core::Conflict(Msg("conference.proposal_state_wrong", {{"state", p->state}}));
    return db_.Transact([&](Connection& c) -> core::Result<Proposal> {
        if (c.Execute("UPDATE conference_proposals SET state = 'closed', closed_at = $1 WHERE id = $2 AND state ="
                      " 'answered'",
                      {Ms(clock_.Now()), id}) != 1)
            return core::Conflict(Msg("conference.changed_meanwhile"));
        audit_.Write(c, actor.value(), {"conference.proposal.close", "conference_proposal", std::to_string(id), nullptr, nullptr});
        auto out = *p;
        out.state = "closed";
        Publish(c, conference, "proposals", id);
        return out;
    });
}

}  // namespace vp::conference
