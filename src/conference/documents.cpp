// Preparation and follow-up documents (C-5, C-6, C-7, C-10, C-12): each with its owner unit,
// state and due time; province reports, the regional consolidation 3 days before (Art. 7), the
// board of submissions and the reminders.
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

namespace vp::conference {

namespace json = boost::json;
using core::Msg;
using core::db::Connection;
using core::db::Value;
using namespace detail;

const std::vector<DocumentKind>& DocumentKinds() {
    // Art. 7 (Vụ Địa phương I; the regions), Art. 9 (Vụ Tổ chức - Cán bộ), Art. 11 (Vụ Hành
    // chính - Cơ yếu), Art. 14 (the provincial offices). Due days before the start; negative:
    // days after the end.
    static const std::vector<DocumentKind> k = {
        {"content_proposal", "local1", false, false, 30},
        {"request_letter", "local1", false, false, 25},
        {"outline", "local1", false, false, 25},
        {"plan", "organisation", true, true, 20},
        {"convening_letter", "administration", false, true, 10},
        {"province_report", "province", false, false, 0},
        {"regional_report", "region", false, false, 0},
        {"half_year_report", "organisation", false, false, 5},
        {"conference_documents", "administration", false, true, 2},
        {"summary_report", "local1", false, false, 1},
        {"proposal_answers", "local1", false, false, 1},
        {"minutes", "organisation", false, false, -1},
        {"conclusions", "organisation", true, true, -10},
        {"implementation_report", "province", false, false, 0},
    };
    return k;
}

namespace {

const DocumentKind* KindOf(std::string_view code) {
    for (const auto& k : DocumentKinds()) {
        if (k.code == code) return &k;
    }
    return nullptr;
}

const char* const kSelectDocument =
    "SELECT id, conference_id, kind, owner_unit_id, site_id, state, due_at, title, body, files_json, version,"
    " submitted_at, submitted_by, approved_at, issued_at FROM conference_documents";

Document DocumentFromRow(const core::db::Row& r, core::TimePoint now) {
    Document d;
    d.id = r.Int(0);
    d.conference_id = r.Int(1);
    d.kind = r.Text(2);
    d.owner_unit_id = r.Int(3);
    d.site_id = r.Int(4);
    d.state = r.Text(5);
    d.due_at = core::FromMillis(r.Int(6));
    d.title = r.Text(7);
    d.text = r.Text(8);
    auto files = json::parse(r.Text(9));
    if (files.is_array()) {
        for (const auto& f : files.as_array()) {
            if (f.is_string()) d.files.emplace_back(f.as_string().c_str());
        }
    }
    d.version = static_cast<int>(r.Int(10));
    d.submitted_at = OptTime(r, 11);
    d.submitted_by = r.Int(12);
    d.approved_at = OptTime(r, 13);
    d.issued_at = OptTime(r, 14);
    d.overdue = d.state == "pending" && now > d.due_at;
    return d;
}

}  // namespace

void Service::CreateDocuments(Connection& c, const Conference& conf) const {
    const auto now = Ms(clock_.Now());
    auto insert = [&](const std::string& kind, std::int64_t owner, std::int64_t site, core::TimePoint due) {
        if (owner <= 0) return;
        if (c.QueryOne("SELECT 1 FROM conference_documents WHERE conference_id = $1 AND kind = $2 AND owner_unit_id = $3"
                       " AND site_id = $4",
                       {conf.id, kind, owner, site}))
            return;
        c.Execute("INSERT INTO conference_documents (conference_id, kind, owner_unit_id, site_id, due_at, updated_at)"
                  " VALUES ($1, $2, $3, $4, $5, $6)",
                  {conf.id, kind, owner, site, Ms(due), now});
    };
    const auto& u = settings_.units;
    for (const auto& k : DocumentKinds()) {
        if (k.code == "implementation_report") continue;  // asked for when the conclusions are issued
        const auto due = k.due_days >= 0 ? conf.starts_at - std::chrono::hours(24 * k.due_days)
                                         : conf.ends_at + std::chrono::hours(24 * -k.due_days);
        if (k.owner == "province") {
            for (const auto& s : conf.sites) {
                if (s.kind == "bridge" && s.status == "active") insert(k.code, s.unit_id, s.id, conf.reports_due_at);
            }
        } else if (k.owner == "region") {
            std::set<std::int64_t> regions;
            for (const auto& s : conf.sites) {
                if (s.kind == "bridge" && s.status == "active" && s.region_unit_id) regions.insert(s.region_unit_id);
            }
            for (auto r : regions) insert(k.code, r, 0, conf.consolidation_due_at);
        } else {
            const auto& code = k.owner == "local1" ? u.local1 : k.owner == "organisation" ? u.organisation : u.administration;
            insert(k.code, UnitId(code), 0, due);
        }
    }
}

void Service::FillOwner(Document& d) const {
    if (auto u = units_.Find(d.owner_unit_id)) {
        d.owner_code = u->code;
        d.owner_name = u->name_vi;
    }
}

core::Result<Document> Service::LoadDocument(Connection& c, std::int64_t conference, std::int64_t doc) const {
    auto r = c.QueryOne(std::string(kSelectDocument) + " WHERE id = $1 AND conference_id = $2", {doc, conference});
    if (!r) return core::NotFound(Msg("conference.document_not_found"));
    auto d = DocumentFromRow(*r, clock_.Now());
    FillOwner(d);
    return d;
}

core::Result<audit::Actor> Service::AuthorizeOwner(const Principal& who, const Document& d) const {
    // A province's reports are its office's (the site operator); the others their department's.
    const auto* k = KindOf(d.kind);
    const auto p = k && k->owner == "province" ? kSite : kOrganise;
    auto a = policy_.Authorize(who, p, core::access::Scope::Unit(d.owner_unit_id));
    if (!a) return core::Forbidden(Msg("conference.not_owner"));
    return a;
}

bool Service::MayOwn(const Principal& who, const Document& d) const { return AuthorizeOwner(who, d).ok(); }

core::Result<std::vector<Document>> Service::Documents(const Principal& who, std::int64_t conference) const {
    auto conf = Visible(who, conference);
    if (!conf) return conf.error();
    // The office sees every document; a provincial office its own and what was sent to it.
    const bool office = AuthorizeOffice(who, kRead).ok();
    const auto now = clock_.Now();
    return db_.Read([&](Connection& c) {
        std::vector<Document> out;
        for (const auto& r : c.Query(std::string(kSelectDocument) + " WHERE conference_id = $1 ORDER BY due_at, id",
                                     {conference})) {
            auto d = DocumentFromRow(r, now);
            const bool sent = d.state == "issued" || (d.kind == "request_letter" && d.state == "submitted") ||
                              (d.kind == "outline" && d.state == "submitted");
            if (!office && !sent && !policy_.Authorize(who, kRead, core::access::Scope::Unit(d.owner_unit_id))) continue;
            FillOwner(d);
            out.push_back(std::move(d));
        }
        return out;
    });
}

core::Result<Document> Service::GetDocument(const Principal& who, std::int64_t conference, std::int64_t doc) const {
    auto all = Documents(who, conference);
    if (!all) return all.error();
    for (auto& d : *all) {
        if (d.id == doc) return d;
    }
    return core::NotFound(Msg("conference.document_not_found"));
}

core::Result<Document> Service::Submit(const Principal& who, std::int64_t conference, std::int64_t doc, Submission s) {
    auto conf = Visible(who, conference);
    if (!conf) return conf.error();
    auto d = db_.Read([&](Connection& c) { return LoadDocument(c, conference, doc); });
    if (!d) return d;
    auto actor = AuthorizeOwner(who, *d);
    if (!actor) return actor.error();
    if (conf->state == "cancelled") return core::Conflict(Msg("conference.state_wrong", {{"state", conf->state}}));
    if (d->state != "pending" && d->state != "submitted")
        return core::Conflict(Msg("conference.document_closed", {{"state", d->state}}));
    if (d->kind == "conclusions" || d->kind == "implementation_report") {
        if (d->kind == "implementation_report" && conf->state != "concluded")
            return core::Conflict(Msg("conference.state_wrong", {{"state", conf->state}}));
    }
    auto title = core::CleanField("title", s.title, 300, false);
    if (!title) return title.error();
    auto body = core::CleanField("body", s.body, 100000, true);
    if (!body) return body.error();
    if (body->empty() && s.files.empty()) return core::InvalidField("body", Msg("conference.document_empty"));
    if (s.files.size() > 20) return core::InvalidField("files", Msg("conference.file_invalid"));
    std::vector<std::string> names;
    for (const auto& f : s.files) {
        if (!IsMediaUrl(f)) return core::InvalidField("files", Msg("conference.file_invalid"));
        auto name = settings_.file_name ? settings_.file_name(f, who.user_id) : std::optional<std::string>{};
        if (settings_.file_name && !name) return core::InvalidField("files", Msg("conference.file_invalid"));
        names.push_back(name.value_or(""));
    }
    // Art. 1, 3: secret or sensitive content stays out of the system; nothing is stored.
    std::string all_names;
    for (const auto& n : names) all_names += n + "\n";
    if (auto ok = CheckNotSecret(s.classification, {*title, *body, all_names}); !ok) return ok.error();
    json::array files;
    for (const auto& f : s.files) files.emplace_back(f);
    const auto now = clock_.Now();
    return db_.Transact([&](Connection& c) -> core::Result<Document> {
        // One version at a time: a concurrent submission of the same version loses.
        if (c.Execute("UPDATE conference_documents SET state = 'submitted', title = $1, body = $2, files_json = $3,"
                      " version = version + 1, submitted_at = $4, submitted_by = $5, updated_at = $4 WHERE id = $6 AND"
                      " version = $7 AND state IN ('pending', 'submitted')",
                      {*title, *body, json::serialize(files), Ms(now), who.user_id, doc, d->version}) != 1)
            return core::Conflict(Msg("conference.changed_meanwhile"));
        c.Execute("INSERT INTO conference_document_versions (document_id, version, title, body, files_json,"
                  " submitted_by, submitted_at) VALUES ($1, $2, $3, $4, $5, $6, $7)",
                  {doc, d->version + 1, *title, *body, json::serialize(files), who.user_id, Ms(now)});
        auto after = LoadDocument(c, conference, doc);
        audit_.Write(c, actor.value(), {"conference.document.submit", "conference_document", std::to_string(doc),
                                        ToJson(*d), ToJson(*after)});
        const auto link = "/admin/conferences/" + std::to_string(conference);
        // Who is told (Art. 7): the request letter and outline reach every provincial office; a
        // province's report its regional department; a regional report Vụ Địa phương I.
        if (d->kind == "request_letter" || d->kind == "outline") {
            for (const auto& site : conf->sites) {
                if (site.kind == "bridge" && site.status == "active")
                    NotifyHolders(c, kSite, site.unit_id, "Yêu cầu xây dựng báo cáo hội nghị trực tuyến",
                                  conf->title + " — hạn gửi báo cáo: " + calendar::FormatIsoDate(
                                                     calendars_.GetShared().value()->LocalDate(conf->reports_due_at)),
                                  link);
            }
        } else if (d->kind == "province_report") {
            for (const auto& site : conf->sites) {
                if (site.id == d->site_id)
                    NotifyHolders(c, kOrganise, site.region_unit_id, "Báo cáo của " + d->owner_name, conf->title, link);
            }
        } else if (d->kind == "regional_report") {
            NotifyHolders(c, kOrganise, UnitId(settings_.units.local1), "Báo cáo tổng hợp khu vực của " + d->owner_name,
                          conf->title, link);
        } else if (const auto* k = KindOf(d->kind); k && k->approval) {
            NotifyHolders(c, kLead, UnitId(settings_.units.office), "Trình duyệt: " + (title->empty() ? d->kind : *title),
                          conf->title, link);
        }
        Publish(c, conference, "documents", doc);
        return after;
    });
}

core::Result<Document> Service::Decide(const Principal& who, std::int64_t conference, std::int64_t doc,
                                       std::string_view action, std::string comment) {
    auto conf = Visible(who, conference);
    if (!conf) return conf.error();
    auto d = db_.Read([&](Connection& c) { return LoadDocument(c, conference, doc); });
    if (!d) return d;
    const auto* k = KindOf(d->kind);
    if (!k) return core::NotFound(Msg("conference.document_not_found"));
    auto note = core::CleanField("comment", comment, 2000, true);
    if (!note) return note.error();
    if (auto ok = CheckNotSecret("thuong", {*note}); !ok) return ok.error();
    core::Result<audit::Actor> actor = core::Forbidden(Msg("conference.not_allowed"));
    std::string from, to, stamp;
    if (action == "approve") {
        // The office's leadership approves the plan and the conclusions (Art. 9).
        if (!k->approval) return core::Conflict(Msg("conference.no_approval_step"));
        actor = AuthorizeOffice(who, kLead);
        from = "submitted";
        to = "approved";
        stamp = "approved";
    } else if (action == "issue") {
        // Vụ Hành chính - Cơ yếu issues (Art. 11); the conclusions go through IssueConclusions.
        if (!k->issue) return core::Conflict(Msg("conference.no_issue_step"));
        if (d->kind == "conclusions") return core::Conflict(Msg("conference.conclusions_issue_with_tasks"));
        actor = AuthorizeUnit(who, kOrganise, settings_.units.administration);
        from = k->approval ? "approved" : "submitted";
        to = "issued";
        stamp = "issued";
    } else if (action == "return") {
        actor = AuthorizeOffice(who, kLead);
        if (!actor && k->issue) actor = AuthorizeUnit(who, kOrganise, settings_.units.administration);
        if (!actor && (d->kind == "province_report" || d->kind == "regional_report"))
            actor = AuthorizeUnit(who, kOrganise, settings_.units.local1);
        from = d->state == "approved" ? "approved" : "submitted";
        to = "pending";
        if (note->empty()) return core::InvalidField("comment", Msg("conference.field_required", {{"field", "comment"}}));
    } else {
        return core::NotFound(Msg("conference.action_unknown"));
    }
    if (!actor) return actor.error();
    if (d->state != from) return core::Conflict(Msg("conference.document_state_wrong", {{"state", d->state}}));
    const auto now = clock_.Now();
    return db_.Transact([&](Connection& c) -> core::Result<Document> {
        std::string sql = "UPDATE conference_documents SET state = $1, updated_at = $2";
        if (!stamp.empty()) sql += ", " + stamp + "_at = $2, " + stamp + "_by = $5";
        sql += " WHERE id = $3 AND state = $4";
        if (c.Execute(sql, {to, Ms(now), doc, from, who.user_id}) != 1)
            return core::Conflict(Msg("conference.changed_meanwhile"));
        auto after = LoadDocument(c, conference, doc);
        auto snapshot = ToJson(*after);
        if (!note->empty()) snapshot.as_object()["comment"] = *note;
        audit_.Write(c, actor.value(), {"conference.document." + std::string(action), "conference_document",
                                        std::to_string(doc), ToJson(*d), snapshot});
        NotifyHolders(c, k->owner == "province" ? kSite : kOrganise,
                      d->owner_unit_id, fmt::format("{}: {}", d->title.empty() ? d->kind : d->title, to),
                      note->empty() ? conf->title : *note, "/admin/conferences/" + std::to_string(conference));
        Publish(c, conference, "documents", doc);
        return after;
    });
}

core::Result<Document> Service::SetDue(const Principal& who, std::int64_t conference, std::int64_t doc,
                                       core::TimePoint due) {
    auto conf = Visible(who, conference);
    if (!conf) return conf.error();
    auto d = db_.Read([&](Connection& c) { return LoadDocument(c, conference, doc); });
    if (!d) return d;
    // Vụ Tổ chức - Cán bộ keeps the plan (Art. 9); the regional consolidation stays at least 3
    // days before the conference (Art. 7), and no province report falls after it.
    auto actor = AuthorizeUnit(who, kOrganise, settings_.units.organisation);
    if (!actor) actor = AuthorizeUnit(who, kOrganise, settings_.units.local1);
    if (!actor) return actor.error();
    if ((d->kind == "regional_report" && due > conf->consolidation_due_at) ||
        (d->kind == "province_report" && due > conf->consolidation_due_at))
        return core::Unprocessable("due_at", Msg("conference.due_after_consolidation"));
    if (d->state != "pending") return core::Conflict(Msg("conference.document_state_wrong", {{"state", d->state}}));
    return db_.Transact([&](Connection& c) -> core::Result<Document> {
        if (c.Execute("UPDATE conference_documents SET due_at = $1, updated_at = $2 WHERE id = $3 AND state = 'pending'",
                      {Ms(due), Ms(clock_.Now()), doc}) != 1)
            return core::Conflict(Msg("conference.changed_meanwhile"));
        c.Execute("DELETE FROM conference_reminders WHERE document_id = $1", {doc});  // the clock starts again
        auto after = LoadDocument(c, conference, doc);
        audit_.Write(c, actor.value(), {"conference.document.due", "conference_document", std::to_string(doc),
                                        json::value(Ms(d->due_at)), json::value(Ms(due))});
        Publish(c, conference, "documents", doc);
        return after;
    });
}

core::Result<std::vector<BoardRegion>> Service::Board(const Principal& who, std::int64_t conference) const {
    auto conf = Visible(who, conference);
    if (!conf) return conf.error();
    if (!AuthorizeOffice(who, kRead)) return core::Forbidden(Msg("conference.not_allowed"));
    auto docs = Documents(who, conference);
    if (!docs) return docs.error();
    std::map<std::int64_t, const Site*> sites;
    for (const auto& s : conf->sites) sites[s.id] = &s;
    std::vector<BoardRegion> out;
    for (const auto& code : settings_.units.regions) {
        auto unit = units_.FindByCode(code);
        if (!unit) continue;
        BoardRegion r{.region_code = code, .region_name = unit->name_vi};
        for (const auto& d : *docs) {
            if (d.kind == "regional_report" && d.owner_unit_id == unit->id) r.consolidated = d;
            if (d.kind != "province_report") continue;
            const auto* s = sites[d.site_id];
            if (!s || s->region_unit_id != unit->id || s->status != "active") continue;
            if (d.state != "pending") ++r.submitted;
            r.provinces.push_back(d);
        }
        std::sort(r.provinces.begin(), r.provinces.end(),
                  [](const Document& a, const Document& b) { return a.owner_name < b.owner_name; });
        out.push_back(std::move(r));
    }
    return out;
}

int Service::Remind() {
    const auto now = clock_.Now();
    struct Due {
        std::int64_t id, conference, owner, site;
        std::string kind, title;
        core::TimePoint due;
    };
    auto due = db_.Read([&](Connection& c) {
        std::vector<Due> v;
        for (const auto& r : c.Query("SELECT d.id, d.conference_id, d.owner_unit_id, d.site_id, d.kind, c.title, d.due_at"
                                     " FROM conference_documents d JOIN conference_conferences c ON c.id ="
                                     " d.conference_id WHERE d.state = 'pending' AND d.due_at <= $1 AND c.state IN"
                                     " ('preparing', 'live', 'ended', 'concluded')",
                                     {Ms(now + std::chrono::hours(24))})) {
            v.push_back({r.Int(0), r.Int(1), r.Int(2), r.Int(3), r.Text(4), r.Text(5), core::FromMillis(r.Int(6))});
        }
        return v;
    });
    int sent = 0;
    for (const auto& d : due) {
        auto level = rules::ReminderLevel(d.due, now);
        if (!level) continue;
        db_.Transact([&](Connection& c) {
            // Once per document and level, whichever node runs the job.
            if (c.Execute("INSERT INTO conference_reminders (document_id, level, sent_at) VALUES ($1, $2, $3) ON"
                          " CONFLICT DO NOTHING",
                          {d.id, *level, Ms(now)}) != 1)
                return;
            const auto* k = KindOf(d.kind);
            const auto perm = k && k->owner == "province" ? kSite : kOrganise;
            const auto title = fmt::format("{} — {}", *level == "overdue" ? "Quá hạn" : "Sắp đến hạn", d.title);
            const auto link = "/admin/conferences/" + std::to_string(d.conference);
            NotifyHolders(c, perm, d.owner, title, d.kind, link);
            // A province late with its report: its regional department follows it up (Art. 7).
            if (*level == "overdue" && d.kind == "province_report") {
                if (auto s = c.QueryOne("SELECT region_unit_id FROM conference_sites WHERE id = $1", {d.site}))
                    NotifyHolders(c, kOrganise, s->Int(0), title, d.kind, link);
            }
            ++sent;
        });
    }
    return sent;
}

bool Service::MayReadFile(const Principal& who, std::string_view sha256) const {
    if (!IsMediaUrl("/media/" + std::string(sha256))) return false;  // also keeps LIKE's wildcards out
    const auto pattern = "%" + std::string(sha256) + "%";
    auto rows = db_.Read([&](Connection& c) {
        std::vector<std::pair<std::int64_t, std::int64_t>> v;
        for (const auto& r : c.Query("SELECT conference_id, id FROM conference_documents WHERE files_json LIKE $1 LIMIT 20",
                                     {pattern}))
            v.emplace_back(r.Int(0), r.Int(1));
        return v;
    });
    for (const auto& [conf, doc] : rows) {
        if (GetDocument(who, conf, doc)) return true;
    }
    return false;
}

}  // namespace vp::conference
