// Conferences and their sites, agenda, attendees, checklists, budget and video settings
// (C-1 … C-4, C-9). Documents are in documents.cpp, the day in live.cpp.
#include <algorithm>
#include <map>
#include <set>

#include <boost/json.hpp>
#include <fmt/format.h>

#include "media/media.hpp"
#include "calendar/iso_time.hpp"
#include "conference/conference.hpp"
#include "conference/internal.hpp"
#include "core/db/errors.hpp"
#include "core/export/xlsx.hpp"
#include "core/message.hpp"
#include "core/text.hpp"

namespace vp::conference {

namespace json = boost::json;
using core::Msg;
using core::db::Connection;
using core::db::Value;
using namespace detail;

void DeclareAccess(core::access::Policy& policy) {
    // Art. 6–14: the office's departments prepare (Vụ Địa phương I, II, III, Vụ Tổ chức - Cán bộ,
    // Vụ Hành chính - Cơ yếu, the Cục Quản trị of each hub), the IT centre runs the day, the
    // office's leadership convenes and approves, each provincial office prepares its site.
    policy.Allow(kRead, {"conference_organiser", "site_operator", "office_leader", "task_office"});
    policy.Allow(kOrganise, {"conference_organiser"});
    policy.Allow(kRun, {"conference_organiser"});
    policy.Allow(kLead, {"office_leader"});
    policy.Allow(kSite, {"site_operator"});
}

namespace detail {

std::int64_t Ms(core::TimePoint t) { return core::ToMillis(t); }
Value OptMs(const std::optional<core::TimePoint>& t) { return t ? Value{Ms(*t)} : Value{}; }
std::optional<core::TimePoint> OptTime(const core::db::Row& r, std::size_t i) {
    if (r.IsNull(i)) return std::nullopt;
    return core::FromMillis(r.Int(i));
}

core::Result<std::string> Required(std::string_view field, std::string_view s, std::size_t max, bool multiline) {
    auto clean = core::CleanField(field, s, max, multiline);
    if (!clean) return clean.error();
    const std::string name(field);
    if (clean->empty()) return core::InvalidField(name, Msg("conference.field_required", {{"field", name}}));
    return clean;
}

bool IsMediaUrl(std::string_view url) { return media::IsFileUrl(url); }

core::Status CheckNotSecret(std::string_view classification, std::initializer_list<std::string_view> texts) {
    if (classification != "thuong") {
        if (std::find(rules::kClassifications.begin(), rules::kClassifications.end(), classification) ==
            rules::kClassifications.end())
            return core::InvalidField("classification", Msg("conference.classification_unknown"));
        return core::Unprocessable("classification", Msg("conference.secret_refused",
                                                         {{"marking", std::string(classification)}}));
    }
    for (auto t : texts) {
        if (auto m = rules::SecrecyMarking(t))
            return core::Unprocessable("classification", Msg("conference.secret_refused", {{"marking", *m}}));
    }
    return core::Ok{};
}

const char* const kSelectConference =
    "SELECT id, kind, title, purpose, starts_at, ends_at, chair, chair_is_deputy, state, reports_due_at,"
    " consolidation_due_at, video_provider, video_url, video_room, video_app_id, video_secret, news_item_id,"
    " tasks_document_id, created_by, created_at FROM conference_conferences";

const char* const kSelectSite =
    "SELECT id, unit_id, kind, region_unit_id, status, note, checklist_json, last_seen_at, rtt_ms, jitter_ms,"
    " loss_pct FROM conference_sites";

Site SiteFromRow(const core::db::Row& r) {
    Site s;
    s.id = r.Int(0);
    s.unit_id = r.Int(1);
    s.kind = r.Text(2);
    s.region_unit_id = r.Int(3);
    s.status = r.Text(4);
    s.note = r.Text(5);
    auto v = json::parse(r.Text(6));
    if (v.is_array()) {
        for (const auto& i : v.as_array()) {
            if (!i.is_object()) continue;
            const auto& o = i.as_object();
            ChecklistItem c;
            if (auto* x = o.if_contains("code"); x && x->is_string()) c.code = x->as_string().c_str();
            if (auto* x = o.if_contains("done"); x && x->is_bool()) c.done = x->as_bool();
            if (auto* x = o.if_contains("note"); x && x->is_string()) c.note = x->as_string().c_str();
            if (auto* x = o.if_contains("at"); x && x->is_int64()) c.at = core::FromMillis(x->as_int64());
            s.checklist.push_back(std::move(c));
        }
    }
    s.link.last_seen = OptTime(r, 7);
    s.link.rtt_ms = static_cast<int>(r.Int(8));
    s.link.jitter_ms = static_cast<int>(r.Int(9));
    s.link.loss_pct = static_cast<int>(r.Int(10));
    return s;
}

std::string ChecklistJson(const std::vector<ChecklistItem>& items) {
    json::array a;
    for (const auto& c : items) {
        json::object o{{"code", c.code}, {"done", c.done}, {"note", c.note}};
        if (c.at) o["at"] = Ms(*c.at);
        a.push_back(std::move(o));
    }
    return json::serialize(a);
}

const std::vector<std::string>& ChecklistCodes() {
    static const std::vector<std::string> k = {"room", "equipment", "connection_test", "staff"};
    return k;
}

json::value Snapshot(const Conference& c) {
    return json::object{{"id", c.id},           {"kind", c.kind},         {"title", c.title},
                        {"purpose", c.purpose}, {"starts_at", Ms(c.starts_at)}, {"ends_at", Ms(c.ends_at)},
                        {"chair", c.chair},     {"state", c.state},       {"video_provider", c.video_provider},
                        {"video_room", c.video_room}};
}

}  // namespace detail

// ---------------------------------------------------------------------------------------------

Service::Service(core::db::Database& db, audit::Log& audit, const core::Clock& clock, const core::access::Policy& policy,
                 const units::Service& units, const calendar::Service& calendars, core::EventBus& events,
                 const core::SecretBox& box, tasks::Service* tasks, Settings settings)
    : db_(db),
      audit_(audit),
      clock_(clock),
      policy_(policy),
      units_(units),
      calendars_(calendars),
      events_(events),
      box_(box),
      tasks_(tasks),
      settings_(std::move(settings)) {}

std::int64_t Service::UnitId(const std::string& code) const {
    auto u = units_.FindByCode(code);
    return u ? u->id : -1;
}

core::Result<audit::Actor> Service::AuthorizeUnit(const Principal& who, Permission p, const std::string& code) const {
    const auto id = UnitId(code);
    if (id <= 0) return core::Forbidden(Msg("conference.not_allowed"));
    auto a = policy_.Authorize(who, p, core::access::Scope::Unit(id));
    if (!a) return core::Forbidden(Msg("conference.not_allowed"));
    return a;
}

core::Result<audit::Actor> Service::AuthorizeOffice(const Principal& who, Permission p) const {
    // A grant on any unit of the Central Party Office (a department) or above it.
    const auto office = UnitId(settings_.units.office);
    if (auto a = policy_.Authorize(who, p, core::access::Scope::Unit(office))) return a;
    for (auto u : policy_.ReachOf(who, p).units) {
        if (office > 0 && units_.IsWithin(office, u)) return policy_.Authorize(who, p, core::access::Scope::Unit(u));
    }
    return core::Forbidden(Msg("conference.not_allowed"));
}

bool Service::MayOrganise(const Principal& who) const { return AuthorizeOffice(who, kOrganise).ok(); }
bool Service::MayRun(const Principal& who) const { return AuthorizeUnit(who, kRun, settings_.units.it_centre).ok(); }
bool Service::MayLead(const Principal& who) const { return AuthorizeOffice(who, kLead).ok(); }
bool Service::MayIssue(const Principal& who) const {
    return AuthorizeUnit(who, kOrganise, settings_.units.administration).ok();
}
bool Service::MayOperate(const Principal& who, const Site& s) const {
    return policy_.Authorize(who, s.kind == "hub" ? kOrganise : kSite, core::access::Scope::Unit(s.unit_id)).ok();
}

void Service::FillSite(Site& s) const {
    if (auto u = units_.Find(s.unit_id)) {
        s.unit_code = u->code;
        s.name = u->name_vi;
    }
    if (s.region_unit_id) {
        if (auto u = units_.Find(s.region_unit_id)) s.region_code = u->code;
    }
    s.health = rules::HealthOf(s.link, clock_.Now());
}

core::Result<Conference> Service::Load(Connection& c, std::int64_t id) const {
    auto r = c.QueryOne(std::string(kSelectConference) + " WHERE id = $1", {id});
    if (!r) return core::NotFound(Msg("conference.not_found"));
    Conference x;
    x.id = r->Int(0);
    x.kind = r->Text(1);
    x.title = r->Text(2);
    x.purpose = r->Text(3);
    x.starts_at = core::FromMillis(r->Int(4));
    x.ends_at = core::FromMillis(r->Int(5));
    x.chair = r->Text(6);
    x.chair_is_deputy = r->Bool(7);
    x.state = r->Text(8);
    x.reports_due_at = core::FromMillis(r->Int(9));
    x.consolidation_due_at = core::FromMillis(r->Int(10));
    x.video_provider = r->Text(11);
    x.video_url = r->Text(12);
    x.video_room = r->Text(13);
    x.video_app_id = r->Text(14);
    x.video_secret_set = !r->Text(15).empty();
    x.news_item_id = r->Int(16);
    x.tasks_document_id = r->Int(17);
    x.created_by = r->Int(18);
    x.created_at = core::FromMillis(r->Int(19));
    for (const auto& a : c.Query("SELECT id, position, kind, title, presenter, minutes, state FROM conference_agenda"
                                 " WHERE conference_id = $1 AND active = 1 ORDER BY position, id",
                                 {id})) {
        x.agenda.push_back({a.Int(0), static_cast<int>(a.Int(1)), a.Text(2), a.Text(3), a.Text(4),
                            static_cast<int>(a.Int(5)), a.Text(6)});
    }
    std::map<std::int64_t, std::pair<int, int>> people;
    for (const auto& a : c.Query("SELECT site_id, COUNT(*), SUM(present) FROM conference_attendees WHERE"
                                 " conference_id = $1 GROUP BY site_id",
                                 {id})) {
        people[a.Int(0)] = {static_cast<int>(a.Int(1)), static_cast<int>(a.Int(2))};
    }
    for (const auto& s : c.Query(std::string(kSelectSite) + " WHERE conference_id = $1 ORDER BY position, id", {id})) {
        auto site = SiteFromRow(s);
        site.attendees = people[site.id].first;
        site.present = people[site.id].second;
        x.sites.push_back(std::move(site));
    }
    return x;
}

core::Result<Conference> Service::Visible(const Principal& who, std::int64_t id) const {
    auto c = db_.Read([&](Connection& conn) { return Load(conn, id); });
    if (!c) return c;
    bool ok = AuthorizeOffice(who, kRead).ok();
    for (const auto& s : c->sites) {
        if (ok) break;
        ok = policy_.Authorize(who, kRead, core::access::Scope::Unit(s.unit_id)).ok();
    }
    if (!ok) return core::NotFound(Msg("conference.not_found"));
    for (auto& s : c->sites) FillSite(s);
    return c;
}

core::Result<Conference> Service::Filled(core::Result<Conference> c) const {
    if (c) {
        for (auto& s : c->sites) FillSite(s);
    }
    return c;
}

core::Result<Conference> Service::Get(const Principal& who, std::int64_t id) const { return Visible(who, id); }

std::vector<Conference> Service::List(const Principal& who) const {
    std::vector<Conference> out;
    if (!policy_.HoldsAnywhere(who, kRead)) return out;
    auto ids = db_.Read([&](Connection& c) {
        std::vector<std::int64_t> v;
        for (const auto& r : c.Query("SELECT id FROM conference_conferences ORDER BY starts_at DESC, id DESC LIMIT 200"))
            v.push_back(r.Int(0));
        return v;
    });
    for (auto id : ids) {
        if (auto c = Visible(who, id)) out.push_back(std::move(c).value());
    }
    return out;
}

core::Result<Site> Service::SiteOf(const Conference& c, std::int64_t site) const {
    for (const auto& s : c.sites) {
        if (s.id == site) return s;
    }
    return core::NotFound(Msg("conference.site_not_found"));
}

core::Result<Service::AtSite> Service::Locate(const Principal& who, std::int64_t conference, std::int64_t site) const {
    auto conf = Visible(who, conference);
    if (!conf) return conf.error();
    auto s = SiteOf(*conf, site);
    if (!s) return s.error();
    return AtSite{std::move(conf).value(), std::move(s).value()};
}

void Service::Publish(Connection& c, std::int64_t conference, std::string_view what, std::int64_t subject) const {
    events_.Publish(c, core::Event{.topic = "conference.live",
                                   .data_json = json::serialize(json::object{
                                       {"conference", conference}, {"what", what}, {"subject", subject}})});
}

void Service::NotifyHolders(Connection& c, Permission p, std::int64_t unit, const std::string& title,
                            const std::string& body, const std::string& link) const {
    if (!settings_.notify || !settings_.holders || unit <= 0) return;
    for (auto user : settings_.holders(c, p, core::access::Scope::Unit(unit))) settings_.notify(c, user, title, body, link);
}

// ---------------------------------------------------------------------------------------------
// Creating a conference

namespace {
struct AgendaDefault {
    const char* kind;
    const char* title;
    int minutes;
};
// Art. 4, in its order.
constexpr AgendaDefault kAgenda[] = {
    {"leadership_directions",
     "Sự lãnh đạo, chỉ đạo của Bộ Chính trị, Ban Bí thư, Thường trực Ban Bí thư; tình hình trong nước và quốc tế", 30},
    {"office_results", "Báo cáo kết quả hoạt động trọng tâm của Văn phòng Trung ương Đảng", 30},
    {"unit_reports", "Các đơn vị và văn phòng tỉnh ủy, thành ủy báo cáo, phản ánh thông tin", 90},
    {"discussion", "Thảo luận báo cáo, đề án và các nhiệm vụ liên quan", 60},
    {"questions", "Trao đổi, giải đáp về chuyên môn, nghiệp vụ văn phòng", 45},
    {"proposals", "Đề xuất, kiến nghị với lãnh đạo Văn phòng Trung ương Đảng", 30},
};
}  // namespace

core::Result<Conference> Service::Create(const Principal& who, NewConference in) {
    if (std::find(rules::kKinds.begin(), rules::kKinds.end(), in.kind) == rules::kKinds.end())
        return core::InvalidField("kind", Msg("conference.kind_unknown", {{"kind", in.kind}}));
    // Art. 5: periodic and thematic ones are planned by the office (Art. 9); an extraordinary one
    // is convened by its leadership.
    auto actor = in.kind == "extraordinary" ? AuthorizeOffice(who, kLead)
                                            : AuthorizeUnit(who, kOrganise, settings_.units.organisation);
    if (!actor) return actor.error();
    return CreateAs(actor.value(), who.user_id, std::move(in), "preparing");
}

core::Result<Conference> Service::CreateAs(const audit::Actor& actor, std::int64_t user, NewConference in,
                                           const std::string& state) {
    auto title = Required("title", in.title, 300, false);
    if (!title) return title.error();
    auto purpose = core::CleanField("purpose", in.purpose, 4000, true);
    if (!purpose) return purpose.error();
    auto chair = Required("chair", in.chair, 200, false);
    if (!chair) return chair.error();
    if (auto ok = CheckNotSecret("thuong", {*title, *purpose}); !ok) return ok.error();
    if (!in.starts_at) return core::InvalidField("starts_at", Msg("conference.time_invalid", {{"field", "starts_at"}}));
    if (!in.ends_at) return core::InvalidField("ends_at", Msg("conference.time_invalid", {{"field", "ends_at"}}));
    auto cal = calendars_.GetShared();
    if (!cal) return cal.error();
    if (auto ok = rules::CheckOneDay(*in.starts_at, *in.ends_at, *cal.value()); !ok) return ok.error();
    const auto now = clock_.Now();
    if (*in.starts_at <= now) return core::InvalidField("starts_at", Msg("conference.starts_in_past"));
    const auto consolidation = rules::ConsolidationDue(*in.starts_at);
    const auto reports_due = in.reports_due_at.value_or(consolidation - std::chrono::hours(24 * 4));
    if (reports_due > consolidation)
        return core::InvalidField("reports_due_at", Msg("conference.reports_after_consolidation"));
    // The sites (Art. 5): the three hubs and one bridge point per provincial office, from the
    // registry as it stands; a thematic conference names its own.
    std::vector<std::pair<units::Unit, std::string>> sites;
    if (in.kind == "thematic" && !in.site_units.empty()) {
        std::set<std::int64_t> seen;
        for (const auto& code : in.site_units) {
            auto u = units_.FindByCode(code);
            if (!u || u->status != "active")
                return core::InvalidField("site_units", Msg("conference.unit_not_found", {{"code", code}}));
            if (!seen.insert(u->id).second) continue;
            const bool hub = std::find(settings_.units.hubs.begin(), settings_.units.hubs.end(), code) !=
                             settings_.units.hubs.end();
            sites.emplace_back(*u, hub ? "hub" : "bridge");
        }
    } else {
        for (const auto& code : settings_.units.hubs) {
            if (auto u = units_.FindByCode(code); u && u->status == "active") sites.emplace_back(*u, "hub");
        }
        for (const auto& u : units_.List()) {
            if (u.kind == "provincial_office" && u.status == "active") sites.emplace_back(u, "bridge");
        }
    }
    const auto local_date = calendar::FormatIsoDate(cal.value()->LocalDate(*in.starts_at));
    try {
        return Filled(db_.Transact([&](Connection& c) -> core::Result<Conference> {
            auto id = c.QueryOne(
                           "INSERT INTO conference_conferences (kind, title, purpose, starts_at, ends_at, local_date,"
                           " chair, chair_is_deputy, state, reports_due_at, consolidation_due_at, created_by,"
                           " created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13,"
                           " $13) RETURNING id",
                           {in.kind, *title, *purpose, Ms(*in.starts_at), Ms(*in.ends_at), local_date, *chair,
                            in.chair_is_deputy ? 1 : 0, state, Ms(reports_due), Ms(consolidation), user, Ms(now)})
                          ->Int(0);
            int pos = 0;
            for (const auto& a : kAgenda) {
                c.Execute("INSERT INTO conference_agenda (conference_id, position, kind, title, minutes) VALUES ($1,"
                          " $2, $3, $4, $5)",
                          {id, ++pos, std::string(a.kind), std::string(a.title), a.minutes});
            }
            auto regions = RegionMap(c);
            pos = 0;
            for (const auto& [u, kind] : sites) {
                const auto region = kind == "bridge" ? regions[u.id] : 0;
                c.Execute("INSERT INTO conference_sites (conference_id, unit_id, kind, region_unit_id, position,"
                          " checklist_json) VALUES ($1, $2, $3, $4, $5, $6)",
                          {id, u.id, kind, region, ++pos, DefaultChecklist()});
            }
            auto conf = Load(c, id);
            if (!conf) return conf;
            CreateDocuments(c, conf.value());
            audit_.Write(c, actor, {"conference.create", "conference", std::to_string(id), nullptr, Snapshot(*conf)});
            Publish(c, id, "conference", id);
            return conf;
        }));
    } catch (const core::db::UniqueViolation&) {
        return core::Conflict(Msg("conference.periodic_exists", {{"date", local_date}}));
    }
}

std::string Service::DefaultChecklist() const {
    std::vector<ChecklistItem> items;
    for (const auto& code : ChecklistCodes()) items.push_back({.code = code});
    return ChecklistJson(items);
}

std::map<std::int64_t, std::int64_t> Service::RegionMap(Connection& c) const {
    std::map<std::int64_t, std::int64_t> m;
    for (const auto& [province, department] : settings_.default_regions) {
        const auto p = UnitId(province), d = UnitId(department);
        if (p > 0 && d > 0) m[p] = d;
    }
    for (const auto& r : c.Query("SELECT province_unit_id, department_unit_id FROM conference_regions"))
        m[r.Int(0)] = r.Int(1);
    // A province nobody follows yet: Vụ Địa phương I, which compiles everything (Art. 7).
    const auto first = UnitId(settings_.units.local1);
    for (const auto& u : units_.List()) {
        if (u.kind == "provincial_office" && !m.count(u.id)) m[u.id] = first;
    }
    return m;
}

std::vector<std::pair<units::Unit, units::Unit>> Service::Regions() const {
    auto m = db_.Read([&](Connection& c) { return RegionMap(c); });
    std::vector<std::pair<units::Unit, units::Unit>> out;
    for (const auto& u : units_.List()) {
        if (u.kind != "provincial_office" || u.status != "active") continue;
        if (auto d = units_.Find(m[u.id])) out.emplace_back(u, *d);
    }
    return out;
}

core::Status Service::SetRegion(const Principal& who, const std::string& province, const std::string& department) {
    auto actor = AuthorizeUnit(who, kOrganise, settings_.units.local1);
    if (!actor) return actor.error();
    auto p = units_.FindByCode(province);
    if (!p || p->kind != "provincial_office")
        return core::InvalidField("province", Msg("conference.unit_not_found", {{"code", province}}));
    if (std::find(settings_.units.regions.begin(), settings_.units.regions.end(), department) ==
        settings_.units.regions.end())
        return core::InvalidField("department", Msg("conference.region_unknown", {{"code", department}}));
    const auto d = UnitId(department);
    return db_.Transact([&](Connection& c) -> core::Status {
        auto before = c.QueryOne("SELECT department_unit_id FROM conference_regions WHERE province_unit_id = $1", {p->id});
        if (before) {
            c.Execute("UPDATE conference_regions SET department_unit_id = $1, updated_at = $2 WHERE province_unit_id = $3",
                      {d, Ms(clock_.Now()), p->id});
        } else {
            c.Execute("INSERT INTO conference_regions (province_unit_id, department_unit_id, updated_at) VALUES ($1,"
                      " $2, $3)",
                      {p->id, d, Ms(clock_.Now())});
        }
        // Sites of conferences still in preparation follow the new mapping.
        c.Execute("UPDATE conference_sites SET region_unit_id = $1 WHERE unit_id = $2 AND kind = 'bridge' AND"
                  " conference_id IN (SELECT id FROM conference_conferences WHERE state IN ('proposed', 'preparing'))",
                  {d, p->id});
        audit_.Write(c, actor.value(),
                     {"conference.region.set", "conference_region", province,
                      before ? json::value(before->Int(0)) : json::value(nullptr), json::value(department)});
        return core::Ok{};
    });
}

int Service::SyncSites(std::int64_t conference_id) {
    // Merges and renames (ORG-2): a bridge point whose office merged is retired (kept, with its
    // documents) and the office it merged into gets one; a new office gets one.
    return db_.Transact([&](Connection& c) -> int {
        auto conf = Load(c, conference_id);
        if (!conf || (conf->state != "proposed" && conf->state != "preparing") || conf->kind == "thematic") return 0;
        int changed = 0;
        std::set<std::int64_t> present;
        for (const auto& s : conf->sites) {
            if (s.status != "active") continue;
            auto u = units_.Find(s.unit_id);
            if (u && u->status == "active") {
                present.insert(s.unit_id);
                continue;
            }
            std::string note = "retired";
            if (u && u->merged_into_id) {
                if (auto into = units_.Find(u->merged_into_id)) note = "merged_into:" + into->code;
            }
            c.Execute("UPDATE conference_sites SET status = 'retired', note = $1 WHERE id = $2", {note, s.id});
            ++changed;
        }
        auto regions = RegionMap(c);
        int pos = static_cast<int>(conf->sites.size());
        for (const auto& u : units_.List()) {
            if (u.kind != "provincial_office" || u.status != "active" || present.count(u.id)) continue;
            auto existing = c.QueryOne("SELECT id FROM conference_sites WHERE conference_id = $1 AND unit_id = $2",
                                       {conference_id, u.id});
            if (existing) {
                c.Execute("UPDATE conference_sites SET status = 'active', note = '' WHERE id = $1", {existing->Int(0)});
            } else {
                c.Execute("INSERT INTO conference_sites (conference_id, unit_id, kind, region_unit_id, position,"
                          " checklist_json) VALUES ($1, $2, 'bridge', $3, $4, $5)",
                          {conference_id, u.id, regions[u.id], ++pos, DefaultChecklist()});
            }
            ++changed;
        }
        if (changed) {
            auto after = Load(c, conference_id);
            CreateDocuments(c, after.value());  // the new sites' reports (existing ones are kept)
            audit_.Write(c, audit::Actor{}, {"conference.sites.sync", "conference", std::to_string(conference_id),
                                             nullptr, json::value(changed)});
            Publish(c, conference_id, "sites", 0);
        }
        return changed;
    });
}

std::int64_t Service::ProposePeriodic(int ahead_days) {
    auto cal = calendars_.GetShared();
    if (!cal) return 0;
    const auto today = cal.value()->LocalDate(clock_.Now());
    const auto date = rules::NextPeriodicDate(today, settings_.schedule.months, settings_.schedule.day);
    if (std::chrono::sys_days(date) - std::chrono::sys_days(today) > std::chrono::days(ahead_days)) return 0;
    const auto iso = calendar::FormatIsoDate(date);
    if (db_.Read([&](Connection& c) {
            return c.QueryOne("SELECT 1 FROM conference_conferences WHERE kind = 'periodic' AND local_date = $1 AND"
                              " state <> 'cancelled'",
                              {iso})
                .has_value();
        }))
        return 0;
    auto starts = calendar::TryParseInstant(iso + "T08:00", cal.value()->TimeZone());
    auto ends = calendar::TryParseInstant(iso + "T17:00", cal.value()->TimeZone());
    if (!starts || !ends) return 0;
    const int half = static_cast<unsigned>(date.month()) <= 6 ? 1 : 2;
    NewConference in{.kind = "periodic",
                     .title = fmt::format("Hội nghị trực tuyến Văn phòng Trung ương Đảng với các văn phòng tỉnh ủy, "
                                          "thành ủy 6 tháng {} năm {}",
                                          half == 1 ? "đầu" : "cuối", int(date.year())),
                     .purpose = "Thông tin sự lãnh đạo, chỉ đạo; trao đổi chuyên môn, nghiệp vụ công tác văn phòng "
                                "(Điều 1, Điều 4 Quy chế).",
                     .starts_at = starts.value(),
                     .ends_at = ends.value(),
                     .chair = "Chánh Văn phòng Trung ương Đảng"};
    auto made = CreateAs(audit::Actor{}, 0, std::move(in), "proposed");
    if (!made) return 0;
    db_.Transact([&](Connection& c) {
        NotifyHolders(c, kOrganise, UnitId(settings_.units.organisation), "Đề xuất hội nghị trực tuyến định kỳ",
                      made->title, "/admin/conferences/" + std::to_string(made->id));
    });
    return made->id;
}

core::Result<Conference> Service::Act(const Principal& who, std::int64_t id, std::string_view action) {
    struct Step {
        std::string_view action, from, to;
    };
    static constexpr Step kSteps[] = {{"confirm", "proposed", "preparing"}, {"start", "preparing", "live"},
                                      {"end", "live", "ended"},             {"cancel", "proposed", "cancelled"},
                                      {"cancel", "preparing", "cancelled"}};
    auto conf = Visible(who, id);
    if (!conf) return conf;
    core::Result<audit::Actor> actor = core::Forbidden(Msg("conference.not_allowed"));
    if (action == "confirm") actor = AuthorizeUnit(who, kOrganise, settings_.units.organisation);
    else if (action == "start" || action == "end") actor = AuthorizeUnit(who, kRun, settings_.units.it_centre);
    else if (action == "cancel") actor = AuthorizeOffice(who, kLead);
    else return core::NotFound(Msg("conference.action_unknown"));
    if (!actor) return actor.error();
    std::string to;
    for (const auto& s : kSteps) {
        if (s.action == action && s.from == conf->state) to = s.to;
    }
    if (to.empty()) return core::Conflict(Msg("conference.state_wrong", {{"state", conf->state}}));
    return Filled(db_.Transact([&](Connection& c) -> core::Result<Conference> {
        if (c.Execute("UPDATE conference_conferences SET state = $1, updated_at = $2 WHERE id = $3 AND state = $4",
                      {to, Ms(clock_.Now()), id, conf->state}) != 1)
            return core::Conflict(Msg("conference.changed_meanwhile"));
        auto after = Load(c, id);
        audit_.Write(c, actor.value(), {"conference." + std::string(action), "conference", std::to_string(id),
                                        Snapshot(*conf), Snapshot(*after)});
        Publish(c, id, "conference", id);
        return after;
    }));
}

core::Result<Conference> Service::SetAgenda(const Principal& who, std::int64_t id, std::vector<AgendaItem> items) {
    auto conf = Visible(who, id);
    if (!conf) return conf;
    // Vụ Tổ chức - Cán bộ plans it (Art. 9); the IT centre writes the running order (Art. 12).
    auto actor = AuthorizeUnit(who, kOrganise, settings_.units.organisation);
    if (!actor) actor = AuthorizeUnit(who, kRun, settings_.units.it_centre);
    if (!actor) return actor.error();
    if (conf->state == "ended" || conf->state == "concluded" || conf->state == "cancelled")
        return core::Conflict(Msg("conference.state_wrong", {{"state", conf->state}}));
    if (items.empty() || items.size() > 40) return core::InvalidField("agenda", Msg("conference.agenda_invalid"));
    for (auto& i : items) {
        if (std::find(rules::kAgendaKinds.begin(), rules::kAgendaKinds.end(), i.kind) == rules::kAgendaKinds.end())
            return core::InvalidField("agenda.kind", Msg("conference.agenda_kind_unknown", {{"kind", i.kind}}));
        auto t = Required("agenda.title", i.title, 400, false);
        if (!t) return t.error();
        i.title = *t;
        auto p = core::CleanField("agenda.presenter", i.presenter, 200, false);
        if (!p) return p.error();
        i.presenter = *p;
        if (auto ok = CheckNotSecret("thuong", {i.title}); !ok) return ok.error();
        if (i.minutes < 0 || i.minutes > 600) return core::InvalidField("agenda.minutes", Msg("conference.agenda_invalid"));
    }
    return Filled(db_.Transact([&](Connection& c) -> core::Result<Conference> {
        c.Execute("UPDATE conference_agenda SET active = 0 WHERE conference_id = $1", {id});
        int pos = 0;
        for (const auto& i : items) {
            c.Execute("INSERT INTO conference_agenda (conference_id, position, kind, title, presenter, minutes) VALUES"
                      " ($1, $2, $3, $4, $5, $6)",
                      {id, ++pos, i.kind, i.title, i.presenter, i.minutes});
        }
        auto after = Load(c, id);
        json::array a;
        for (const auto& i : items) a.push_back(json::object{{"kind", i.kind}, {"title", i.title}, {"minutes", i.minutes}});
        audit_.Write(c, actor.value(), {"conference.agenda.set", "conference", std::to_string(id), nullptr, a});
        Publish(c, id, "agenda", 0);
        return after;
    }));
}

core::Result<Conference> Service::SetVideo(const Principal& who, std::int64_t id, VideoSettings v) {
    auto conf = Visible(who, id);
    if (!conf) return conf;
    auto actor = AuthorizeUnit(who, kRun, settings_.units.it_centre);
    if (!actor) return actor.error();
    if (v.provider != "none" && v.provider != "jitsi" && v.provider != "bbb")
        return core::InvalidField("provider", Msg("conference.video_provider_unknown"));
    std::string sealed;
    if (v.provider != "none") {
        // https, or plain http to this machine only (a test server): "http://localhost.evil" is not.
        auto local = [&](std::string_view host) {
            const std::string prefix = "http://" + std::string(host);
            return v.url.starts_with(prefix) &&
                   (v.url.size() == prefix.size() || v.url[prefix.size()] == ':' || v.url[prefix.size()] == '/');
        };
        const bool https = (v.url.starts_with("https://") || local("127.0.0.1") || local("localhost")) &&
                           v.url.find('@') == std::string::npos;
        auto url = core::CleanField("url", v.url, 300, false);
        if (!url || !https || v.url.find_first_of(" \"'<>\\?#") != std::string::npos)
            return core::InvalidField("url", Msg("conference.video_url_invalid"));
        if (v.room.empty() || v.room.size() > 64 ||
            !std::all_of(v.room.begin(), v.room.end(), [](char ch) {
                return (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '-';
            }))
            return core::InvalidField("room", Msg("conference.video_room_invalid"));
        auto app = core::CleanField("app_id", v.app_id, 100, false);
        if (!app) return app.error();
        v.app_id = *app;
        if (v.provider == "jitsi" && v.app_id.empty())
            return core::InvalidField("app_id", Msg("conference.field_required", {{"field", "app_id"}}));
        if (v.secret.empty() && !conf->video_secret_set)
            return core::InvalidField("secret", Msg("conference.field_required", {{"field", "secret"}}));
        if (!v.secret.empty()) {
            if (v.secret.size() < 16 || v.secret.size() > 256)
                return core::InvalidField("secret", Msg("conference.video_secret_invalid"));
            sealed = box_.Seal(v.secret);
        }
    } else {
        v = VideoSettings{.provider = "none"};
    }
    return Filled(db_.Transact([&](Connection& c) -> core::Result<Conference> {
        c.Execute("UPDATE conference_conferences SET video_provider = $1, video_url = $2, video_room = $3,"
                  " video_app_id = $4, video_secret = CASE WHEN $5 = '' AND $1 <> 'none' THEN video_secret ELSE $5 END,"
                  " updated_at = $6 WHERE id = $7",
                  {v.provider, v.url, v.room, v.app_id, sealed, Ms(clock_.Now()), id});
        auto after = Load(c, id);
        // The secret itself is never written to the audit log.
        audit_.Write(c, actor.value(), {"conference.video.set", "conference", std::to_string(id), nullptr,
                                        json::object{{"provider", v.provider}, {"url", v.url}, {"room", v.room},
                                                     {"app_id", v.app_id}, {"secret_changed", !sealed.empty()}}});
        return after;
    }));
}

// ---------------------------------------------------------------------------------------------
// Attendees, checklist, budget

core::Result<audit::Actor> Service::AuthorizeSite(const Principal& who, const Site& s) const {
    // A bridge point is the provincial office's (Art. 14); a hub its Cục Quản trị's (Art. 10).
    auto a = policy_.Authorize(who, s.kind == "hub" ? kOrganise : kSite, core::access::Scope::Unit(s.unit_id));
    if (a) return a;
    return core::Forbidden(Msg("conference.not_allowed"));
}

core::Result<Attendee> Service::AddAttendee(const Principal& who, std::int64_t conference, std::int64_t site_id,
                                            Attendee a) {
    auto at = Locate(who, conference, site_id);
    if (!at) return at.error();
    const auto* conf = &at->conf;
    const auto* site = &at->site;
    auto actor = AuthorizeSite(who, *site);
    if (!actor) actor = AuthorizeOffice(who, kOrganise);
    if (!actor) return actor.error();
    static const std::vector<std::string> kCategories = {"chair", "deputy_chair", "delegation", "provincial", "guest"};
    if (std::find(kCategories.begin(), kCategories.end(), a.category) == kCategories.end())
        return core::InvalidField("category", Msg("conference.attendee_category_unknown"));
    auto name = Required("name", a.name, 200, false);
    if (!name) return name.error();
    auto position = core::CleanField("position", a.position, 200, false);
    if (!position) return position.error();
    if (conf->state == "concluded" || conf->state == "cancelled")
        return core::Conflict(Msg("conference.state_wrong", {{"state", conf->state}}));
    return db_.Transact([&](Connection& c) -> core::Result<Attendee> {
        auto id = c.QueryOne("INSERT INTO conference_attendees (conference_id, site_id, name, position, category,"
                             " added_by, added_at) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
                             {conference, site_id, *name, *position, a.category, who.user_id, Ms(clock_.Now())})
                      ->Int(0);
        Attendee out{.id = id, .site_id = site_id, .name = *name, .position = *position, .category = a.category};
        audit_.Write(c, actor.value(), {"conference.attendee.add", "conference_attendee", std::to_string(id), nullptr,
                                        json::object{{"site", site_id}, {"name", *name}, {"category", a.category}}});
        return out;
    });
}

core::Result<Attendee> Service::MarkPresent(const Principal& who, std::int64_t conference, std::int64_t attendee,
                                            bool present) {
    auto conf = Visible(who, conference);
    if (!conf) return conf.error();
    auto row = db_.Read([&](Connection& c) {
        return c.QueryOne("SELECT site_id, name, position, category FROM conference_attendees WHERE id = $1 AND"
                          " conference_id = $2",
                          {attendee, conference});
    });
    if (!row) return core::NotFound(Msg("conference.attendee_not_found"));
    auto site = SiteOf(*conf, row->Int(0));
    if (!site) return site.error();
    auto actor = AuthorizeSite(who, *site);
    if (!actor) actor = AuthorizeOffice(who, kOrganise);
    if (!actor) return actor.error();
    const auto now = clock_.Now();
    return db_.Transact([&](Connection& c) -> core::Result<Attendee> {
        c.Execute("UPDATE conference_attendees SET present = $1, recorded_at = $2, recorded_by = $3 WHERE id = $4",
                  {present ? 1 : 0, Ms(now), who.user_id, attendee});
        audit_.Write(c, actor.value(), {"conference.attendee.attendance", "conference_attendee",
                                        std::to_string(attendee), nullptr, json::value(present)});
        Publish(c, conference, "attendance", site->id);
        return Attendee{.id = attendee, .site_id = row->Int(0), .name = row->Text(1), .position = row->Text(2),
                        .category = row->Text(3), .present = present, .recorded_at = now};
    });
}

bool Service::MaySeeSite(const Principal& who, const Site& s) const {
    return AuthorizeOffice(who, kRead).ok() || policy_.Authorize(who, kRead, core::access::Scope::Unit(s.unit_id)).ok();
}

std::vector<Attendee> Service::Attendees(const Principal& who, std::int64_t conference, std::int64_t site) const {
    std::vector<Attendee> out;
    auto conf = Visible(who, conference);
    if (!conf) return out;
    // A province sees its own site's people; the office every site's.
    std::set<std::int64_t> visible;
    for (const auto& s : conf->sites) {
        if (MaySeeSite(who, s)) visible.insert(s.id);
    }
    out = db_.Read([&](Connection& c) {
        std::string sql = "SELECT id, site_id, name, position, category, present, recorded_at FROM conference_attendees"
                          " WHERE conference_id = $1";
        core::db::Params params{conference};
        if (site) {
            sql += " AND site_id = $2";
            params.push_back(site);
        }
        for (const auto& r : c.Query(sql + " ORDER BY site_id, id", params)) {
            if (visible.count(r.Int(1)))
                out.push_back({r.Int(0), r.Int(1), r.Text(2), r.Text(3), r.Text(4), r.Bool(5), OptTime(r, 6)});
        }
        return out;
    });
    return out;
}

core::Result<Site> Service::SetChecklist(const Principal& who, std::int64_t conference, std::int64_t site_id,
                                         std::vector<ChecklistItem> items) {
    auto at = Locate(who, conference, site_id);
    if (!at) return at.error();
    const auto* site = &at->site;
    auto actor = AuthorizeSite(who, *site);
    if (!actor) return actor.error();
    const auto now = clock_.Now();
    auto merged = site->checklist;
    for (auto& i : items) {
        if (std::find(ChecklistCodes().begin(), ChecklistCodes().end(), i.code) == ChecklistCodes().end())
            return core::InvalidField("checklist", Msg("conference.checklist_item_unknown", {{"code", i.code}}));
        auto note = core::CleanField("note", i.note, 500, false);
        if (!note) return note.error();
        bool found = false;
        for (auto& m : merged) {
            if (m.code != i.code) continue;
            found = true;
            if (m.done != i.done || m.note != *note) m.at = now;
            m.done = i.done;
            m.note = *note;
        }
        if (!found) merged.push_back({.code = i.code, .done = i.done, .note = *note, .at = now});
    }
    return db_.Transact([&](Connection& c) -> core::Result<Site> {
        c.Execute("UPDATE conference_sites SET checklist_json = $1 WHERE id = $2", {ChecklistJson(merged), site_id});
        audit_.Write(c, actor.value(), {"conference.site.checklist", "conference_site", std::to_string(site_id), nullptr,
                                        json::parse(ChecklistJson(merged))});
        Publish(c, conference, "checklist", site_id);
        auto s = SiteFromRow(*c.QueryOne(std::string(kSelectSite) + " WHERE id = $1", {site_id}));
        FillSite(s);
        return s;
    });
}

core::Result<BudgetLine> Service::AddBudgetLine(const Principal& who, std::int64_t conference, BudgetLine l) {
    auto at = Locate(who, conference, l.site_id);
    if (!at) return at.error();
    const auto* site = &at->site;
    // Art. 10: the Cục Quản trị of each hub estimates with the IT centre; Art. 14: each
    // provincial office bears its own site's costs.
    auto actor = AuthorizeSite(who, *site);
    if (!actor && site->kind == "hub") actor = AuthorizeUnit(who, kRun, settings_.units.it_centre);
    if (!actor) return actor.error();
    if (std::find(kBudgetCategories.begin(), kBudgetCategories.end(), l.category) == kBudgetCategories.end())
        return core::InvalidField("category", Msg("conference.budget_category_unknown"));
    auto item = Required("item", l.item, 300, false);
    if (!item) return item.error();
    auto note = core::CleanField("note", l.note, 500, false);
    if (!note) return note.error();
    if (auto ok = CheckNotSecret("thuong", {*item, *note}); !ok) return ok.error();
    if (!(l.quantity > 0 && l.quantity <= 1e6)) return core::InvalidField("quantity", Msg("conference.budget_quantity_invalid"));
    if (l.unit_price < 0 || l.unit_price > 1'000'000'000'000)
        return core::InvalidField("unit_price", Msg("conference.budget_price_invalid"));
    const auto milli = static_cast<std::int64_t>(l.quantity * 1000 + 0.5);
    return db_.Transact([&](Connection& c) -> core::Result<BudgetLine> {
        auto id = c.QueryOne("INSERT INTO conference_budget (conference_id, site_id, category, item, quantity_milli,"
                             " unit_price, note, entered_by, entered_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)"
                             " RETURNING id",
                             {conference, l.site_id, l.category, *item, milli, l.unit_price, *note, who.user_id,
                              Ms(clock_.Now())})
                      ->Int(0);
        BudgetLine out{.id = id, .site_id = l.site_id, .category = l.category, .item = *item,
                       .quantity = static_cast<double>(milli) / 1000, .unit_price = l.unit_price,
                       .amount = (milli * l.unit_price + 500) / 1000, .note = *note};
        audit_.Write(c, actor.value(), {"conference.budget.add", "conference_budget", std::to_string(id), nullptr,
                                        json::object{{"site", l.site_id}, {"item", *item}, {"amount", out.amount}}});
        return out;
    });
}

core::Status Service::RetireBudgetLine(const Principal& who, std::int64_t conference, std::int64_t line) {
    auto conf = Visible(who, conference);
    if (!conf) return conf.error();
    auto row = db_.Read([&](Connection& c) {
        return c.QueryOne("SELECT site_id FROM conference_budget WHERE id = $1 AND conference_id = $2 AND active = 1",
                          {line, conference});
    });
    if (!row) return core::NotFound(Msg("conference.budget_line_not_found"));
    auto site = SiteOf(*conf, row->Int(0));
    if (!site) return site.error();
    auto actor = AuthorizeSite(who, *site);
    if (!actor && site->kind == "hub") actor = AuthorizeUnit(who, kRun, settings_.units.it_centre);
    if (!actor) return actor.error();
    return db_.Transact([&](Connection& c) -> core::Status {
        if (c.Execute("UPDATE conference_budget SET active = 0 WHERE id = $1 AND active = 1", {line}) != 1)
            return core::Conflict(Msg("conference.changed_meanwhile"));
        audit_.Write(c, actor.value(), {"conference.budget.retire", "conference_budget", std::to_string(line), nullptr, nullptr});
        return core::Ok{};
    });
}

core::Result<std::vector<BudgetLine>> Service::Budget(const Principal& who, std::int64_t conference) const {
    auto conf = Visible(who, conference);
    if (!conf) return conf.error();
    std::set<std::int64_t> visible;
    for (const auto& s : conf->sites) {
        if (MaySeeSite(who, s)) visible.insert(s.id);
    }
    return db_.Read([&](Connection& c) {
        std::vector<BudgetLine> out;
        for (const auto& r : c.Query("SELECT b.id, b.site_id, b.category, b.item, b.quantity_milli, b.unit_price,"
                                     " b.note FROM conference_budget b JOIN conference_sites s ON s.id = b.site_id"
                                     " WHERE b.conference_id = $1 AND b.active = 1 ORDER BY s.position, b.id",
                                     {conference})) {
            const auto milli = r.Int(4);
            if (!visible.count(r.Int(1))) continue;
            out.push_back({r.Int(0), r.Int(1), r.Text(2), r.Text(3), static_cast<double>(milli) / 1000, r.Int(5),
                           (milli * r.Int(5) + 500) / 1000, r.Text(6)});
        }
        return out;
    });
}

core::Result<std::string> Service::BudgetXlsx(const Principal& who, std::int64_t conference,
                                              const std::string& lang) const {
    auto conf = Visible(who, conference);
    if (!conf) return conf.error();
    if (!AuthorizeOffice(who, kRead)) return core::Forbidden(Msg("conference.not_allowed"));  // the whole estimate
    auto lines = Budget(who, conference);
    if (!lines) return lines.error();
    const bool vi = lang != "en";
    std::map<std::int64_t, const Site*> sites;
    for (const auto& s : conf->sites) sites[s.id] = &s;
    namespace x = core::xlsx;
    x::Sheet summary{.name = vi ? "Tổng hợp" : "Summary",
                     .columns = {{vi ? "Điểm cầu" : "Site"}, {vi ? "Loại" : "Kind"},
                                 {vi ? "Số khoản" : "Lines", x::ColumnType::kInteger},
                                 {vi ? "Thành tiền" : "Amount", x::ColumnType::kMoneyVnd}},
                     .totals_label = vi ? "Tổng cộng" : "Total"};
    x::Sheet detail{.name = vi ? "Chi tiết" : "Details",
                    .columns = {{vi ? "Điểm cầu" : "Site"}, {vi ? "Hạng mục" : "Category"}, {vi ? "Nội dung" : "Item"},
                                {vi ? "Số lượng" : "Quantity", x::ColumnType::kDecimal},
                                {vi ? "Đơn giá" : "Unit price", x::ColumnType::kMoneyVnd},
                                {vi ? "Thành tiền" : "Amount", x::ColumnType::kMoneyVnd},
                                {vi ? "Ghi chú" : "Note"}},
                    .totals_label = vi ? "Tổng cộng" : "Total"};
    static const std::map<std::string, std::pair<const char*, const char*>> kCategory = {
        {"hall", {"Hội trường", "Hall"}},           {"equipment", {"Thiết bị", "Equipment"}},
        {"connection", {"Đường truyền", "Connection"}}, {"service", {"Phục vụ", "Service"}},
        {"other", {"Khác", "Other"}}};
    std::map<std::int64_t, std::pair<std::int64_t, std::int64_t>> per_site;  // lines, amount
    for (const auto& l : *lines) {
        const auto* s = sites[l.site_id];
        const auto cat = kCategory.count(l.category) ? kCategory.at(l.category) : std::pair{"", ""};
        detail.rows.push_back({s ? s->name : "", vi ? cat.first : cat.second, l.item, l.quantity, l.unit_price,
                               l.amount, l.note});
        per_site[l.site_id].first += 1;
        per_site[l.site_id].second += l.amount;
    }
    for (const auto& s : conf->sites) {
        if (!per_site.count(s.id)) continue;
        summary.rows.push_back({s.name, s.kind == "hub" ? (vi ? "Điểm cầu trung tâm" : "Hub") : (vi ? "Điểm cầu tỉnh" : "Bridge point"),
                                per_site[s.id].first, per_site[s.id].second});
    }
    return x::WriteXlsx({summary, detail}, {.title = (vi ? "Dự toán kinh phí - " : "Budget estimate - ") + conf->title,
                                            .author = "vanphong"});
}

}  // namespace vp::conference
