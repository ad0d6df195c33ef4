#include <algorithm>
#include <set>

#include <boost/json.hpp>
#include <fmt/format.h>

#include "calendar/iso_time.hpp"
#include "core/message.hpp"
#include "core/text.hpp"
#include "portal/deadlines.hpp"
#include "portal/portal.hpp"

#include <spdlog/spdlog.h>
#include "portal/revisions.hpp"
#include "portal/internal.hpp"
#include "portal/sections.hpp"

namespace vp::portal {
namespace detail {

std::optional<core::TimePoint> OptTime(const core::db::Row& r, std::size_t i) {
    if (r.IsNull(i)) return std::nullopt;
    return core::FromMillis(r.Int(i));
}
core::db::Value OptMs(const std::optional<core::TimePoint>& t) {
    if (!t) return core::db::Value{};
    return core::db::Value{Ms(*t)};
}

namespace json = boost::json;
using core::Msg;

// Text fields: valid UTF-8, NFC (TCVN 6909:2011, P-12), no control characters, trimmed.
boost::json::value SnapshotOf(const Item& it) {
    json::object o{{"id", it.id},
                   {"portal", it.portal},
                   {"state", StateCode(it.state)},
                   {"version", it.version},
                   {"current_revision", it.current_revision},
                   {"live_revision", it.live_revision},
                   {"pending_revision", it.pending_revision}};
    if (it.pending_state) o["pending_state"] = StateCode(*it.pending_state);
    o["title"] = it.current.fields.title;
    return o;
}

}  // namespace detail

namespace {

namespace json = boost::json;
using core::Msg;
using core::db::Connection;
using core::db::Row;
using namespace detail;

std::vector<std::string> StringList(const json::value* v) {
    std::vector<std::string> out;
    if (!v || !v->is_array()) return out;
    for (const auto& e : v->get_array()) {
        if (e.is_string()) out.emplace_back(e.get_string());
    }
    return out;
}

std::optional<core::TimePoint> TimeField(const json::object& o, std::string_view key) {
    auto* v = o.if_contains(key);
    if (!v || !v->is_string()) return std::nullopt;
    auto t = calendar::TryParseIso(v->get_string());
    if (!t) return std::nullopt;
    return t.value();
}

ItemFields FieldsFromStored(const Row& r, std::size_t title) {
    ItemFields f;
    f.title = r.Text(title);
    f.lead = r.Text(title + 1);
    f.body_html = r.Text(title + 2);
    auto j = json::parse(r.Text(title + 4)).as_object();
    f.authors = StringList(j.if_contains("authors"));
    if (auto* s = j.if_contains("source"); s && s->is_string()) f.source = s->get_string();
    if (auto* s = j.if_contains("original_source"); s && s->is_string()) f.original_source = s->get_string();
    if (auto* s = j.if_contains("original_url"); s && s->is_string()) f.original_url = s->get_string();
    if (auto* s = j.if_contains("royalty_grade"); s && s->is_string()) f.royalty_grade = s->get_string();
    f.sections = StringList(j.if_contains("sections"));
    f.tags = StringList(j.if_contains("tags"));
    f.media = detail::MediaFromJson(j.if_contains("media"));
    f.event_at = TimeField(j, "event_at");
    f.issued_at = TimeField(j, "issued_at");
    if (auto* d = j.if_contains("document"); d && d->is_object()) {
        const auto& o = d->get_object();
        for (auto [key, out] : {std::pair{"doc_kind", &f.document.doc_kind},
                                {"number", &f.document.number},
                                {"symbol", &f.document.symbol},
                                {"issuer", &f.document.issuer},
                                {"signer", &f.document.signer}}) {
            if (auto* v = o.if_contains(key); v && v->is_string()) *out = v->get_string();
        }
    }
    if (auto* c = j.if_contains("cites"); c && c->is_array()) {
        for (const auto& e : c->get_array()) {
            if (e.is_int64()) f.cites.push_back(e.get_int64());
        }
    }
    return f;
}

}  // namespace

namespace detail {
std::vector<MediaRef> MediaFromJson(const json::value* list) {
    std::vector<MediaRef> out;
    if (!list || !list->is_array()) return out;
    for (const auto& e : list->get_array()) {
        if (!e.is_object()) continue;
        const auto& o = e.get_object();
        MediaRef ref;
        if (auto* u = o.if_contains("url"); u && u->is_string()) ref.url = u->get_string();
        if (auto* c = o.if_contains("caption"); c && c->is_string()) ref.caption = c->get_string();
        if (auto* c = o.if_contains("credit"); c && c->is_string()) ref.credit = c->get_string();
        out.push_back(std::move(ref));
    }
    return out;
}

std::optional<Revision> LoadRevision(Connection& c, std::int64_t item_id, std::int64_t no) {
    auto r = c.QueryOne(
        "SELECT no, created_at, created_by, created_by_name, role, comment, title, lead, body_html, body_text,"
        " fields_json FROM portal_revisions WHERE item_id = $1 AND no = $2",
        {item_id, no});
    if (!r) return std::nullopt;
    Revision rev;
    rev.no = r->Int(0);
    rev.created_at = core::FromMillis(r->Int(1));
    rev.created_by = r->Int(2);
    rev.created_by_name = r->Text(3);
    rev.role = r->Text(4);
    rev.comment = r->Text(5);
    rev.fields = FieldsFromStored(*r, 6);
    rev.body_text = r->Text(9);
    return rev;
}
}  // namespace detail

namespace {

// The item, its current revision and its latest post-check entry, in one query; the public
// site's variant (kSelectPublicItem) leaves out the post-check and the revision's search text,
// which a reader's page never shows (ItemFromRow reads the same column numbers from both).
constexpr std::string_view kItemColumns =
    "SELECT i.id, p.code, i.portal_id, i.kind, i.language, COALESCE(i.translation_of, 0), i.state, i.version,"
    " i.current_revision, COALESCE(i.live_revision, 0), COALESCE(i.pending_revision, 0), COALESCE(i.pending_state, ''),"
    " i.created_by, i.providing_unit_id, i.created_at, i.updated_at, i.deadline_due_at, i.scheduled_at,"
    " i.first_published_at, i.published_at, i.lock_at, COALESCE(i.integrated_from, 0),"
    " r.no, r.created_at, r.created_by, r.created_by_name, r.role, r.comment, r.title, r.lead, r.body_html,";
constexpr std::string_view kItemTail =
    " COALESCE(i.correction_note, ''), i.corrected_at, p.unit_id, p.time_zone, COALESCE(i.integrated_revision, 0),"
    " i.follows_original"
    " FROM portal_items i JOIN portal_portals p ON p.id = i.portal_id"
    " JOIN portal_revisions r ON r.item_id = i.id AND r.no = i.current_revision";
const std::string kSelectItem =
    std::string(kItemColumns) + " r.body_text, r.fields_json," +
    " pc.id, pc.revision, pc.reason, pc.entered_at, pc.due_at, pc.state, pc.checked_by, pc.checked_at, pc.finding," +
    std::string(kItemTail) +
    " LEFT JOIN portal_post_checks pc ON pc.id = (SELECT MAX(x.id) FROM portal_post_checks x WHERE x.item_id = i.id)";
const std::string kSelectPublicItem = std::string(kItemColumns) + " '', r.fields_json," +
                                      " NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL," + std::string(kItemTail);

Item ItemFromRow(const Row& r, core::TimePoint now) {
    Item it;
    it.id = r.Int(0);
    it.portal = r.Text(1);
    it.portal_id = r.Int(2);
    it.kind = r.Text(3);
    it.language = r.Text(4);
    it.translation_of = r.Int(5);
    it.state = ParseState(r.Text(6)).value_or(State::kDraft);
    it.version = r.Int(7);
    it.current_revision = r.Int(8);
    it.live_revision = r.Int(9);
    it.pending_revision = r.Int(10);
    if (!r.Text(11).empty()) it.pending_state = ParseState(r.Text(11));
    it.created_by = r.Int(12);
    it.providing_unit_id = r.Int(13);
    it.created_at = core::FromMillis(r.Int(14));
    it.updated_at = core::FromMillis(r.Int(15));
    it.deadline_due_at = OptTime(r, 16);
    it.scheduled_at = OptTime(r, 17);
    it.first_published_at = OptTime(r, 18);
    it.published_at = OptTime(r, 19);
    it.lock_at = OptTime(r, 20);
    it.integrated_from = r.Int(21);
    it.current.no = r.Int(22);
    it.current.created_at = core::FromMillis(r.Int(23));
    it.current.created_by = r.Int(24);
    it.current.created_by_name = r.Text(25);
    it.current.role = r.Text(26);
    it.current.comment = r.Text(27);
    it.current.fields = FieldsFromStored(r, 28);
    it.current.body_text = r.Text(31);
    if (!r.IsNull(33)) {
        PostCheck pc;
        pc.id = r.Int(33);
        pc.item_id = it.id;
        pc.revision = r.Int(34);
        pc.reason = r.Text(35);
        pc.entered_at = core::FromMillis(r.Int(36));
        pc.due_at = core::FromMillis(r.Int(37));
        pc.state = r.Text(38);
        pc.checked_by = r.Int(39);
        pc.checked_at = OptTime(r, 40);
        pc.finding = r.Text(41);
        pc.title = it.current.fields.title;
        it.post_check = std::move(pc);
    }
    it.correction_note = r.Text(42);
    it.corrected_at = OptTime(r, 43);
    it.portal_unit_id = r.Int(44);
    it.time_zone = r.Text(45);
    it.integrated_revision = r.Int(46);
    it.follows_original = r.Bool(47);
    it.locked = it.lock_at && now >= *it.lock_at && it.state != State::kWithdrawn;
    if (it.deadline_due_at) {
        if (it.first_published_at) {
            it.deadline_met = DeadlineMet(*it.deadline_due_at, *it.first_published_at);
        } else if (now > *it.deadline_due_at) {
            it.deadline_met = false;
        }
    }
    return it;
}

Portal PortalFromRow(const Row& r) {
    Portal p;
    p.id = r.Int(0);
    p.code = r.Text(1);
    p.unit_id = r.Int(2);
    p.kind = r.Text(3);
    p.name_vi = r.Text(4);
    p.name_en = r.Text(5);
    p.host = r.Text(6);
    p.path_prefix = r.Text(7);
    std::string langs = r.Text(8);
    for (std::size_t pos = 0; pos <= langs.size();) {
        auto comma = langs.find(',', pos);
        if (comma == std::string::npos) comma = langs.size();
        if (comma > pos) p.languages.push_back(langs.substr(pos, comma - pos));
        pos = comma + 1;
    }
    p.time_zone = r.Text(9);
    p.calendar_code = r.Text(10);
    p.status = r.Text(11);
    return p;
}

constexpr std::string_view kSelectPortal =
    "SELECT id, code, unit_id, kind, name_vi, name_en, COALESCE(host, ''), COALESCE(path_prefix, ''), languages,"
    " time_zone, calendar_code, status FROM portal_portals";

Section SectionFromRow(const Row& r) {
    return Section{r.Int(0),  r.Int(1), r.Int(2),  r.Text(3), r.Text(4),
                   r.Text(5), r.Int(6), r.Bool(7), r.Text(8), r.Int(9)};
}

// A post-check entry with the title of the revision it is about.
constexpr std::string_view kSelectPostCheck =
    "SELECT pc.id, pc.item_id, pc.revision, pc.reason, pc.entered_at, pc.due_at, pc.state, COALESCE(pc.checked_by, 0),"
    " pc.checked_at, pc.finding, rv.title FROM portal_post_checks pc"
    " JOIN portal_revisions rv ON rv.item_id = pc.item_id AND rv.no = pc.revision";

PostCheck PostCheckFromRow(const Row& r) {
    return PostCheck{r.Int(0),
                     r.Int(1),
                     r.Int(2),
                     r.Text(3),
                     core::FromMillis(r.Int(4)),
                     core::FromMillis(r.Int(5)),
                     r.Text(6),
                     r.Int(7),
                     OptTime(r, 8),
                     r.Text(9),
                     r.Text(10)};
}

constexpr std::string_view kSelectSection =
    "SELECT id, portal_id, COALESCE(parent_id, 0), code, name_vi, name_en, sort_order, mandatory, status,"
    " COALESCE(maps_to_section_id, 0) FROM portal_sections";

bool IsCode(std::string_view s, std::size_t max) {
    if (s.empty() || s.size() > max) return false;
    return std::all_of(s.begin(), s.end(),
                       [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-'; });
}

}  // namespace

const std::vector<std::string>& ItemKinds() {
    static const std::vector<std::string> kKinds = {
        "news", "article", "photo_story", "video", "audio", "official_document", "page",
        // The thematic kinds of 09-QC/TW Art. 9 (P-2).
        "propaganda", "thematic_information", "organisational_structure", "administrative_procedure"};
    return kKinds;
}

const std::vector<std::string>& KnownLanguages() {
    static const std::vector<std::string> kLangs = {"vi", "en", "zh", "lo", "fr", "ru", "es"};
    return kLangs;
}

Service::Service(core::db::Database& db, audit::Log& audit, const core::Clock& clock,
                 const core::access::Policy& policy, const units::Service& units, const calendar::Service& calendars,
                 core::EventBus& events, ServiceSettings settings)
    : db_(db),
      audit_(audit),
      clock_(clock),
      policy_(policy),
      units_(units),
      calendars_(calendars),
      events_(events),
      settings_(std::move(settings)) {
    if (!settings_.sanitize) settings_.sanitize = [](std::string_view s) { return std::string(s); };
    if (!settings_.to_text) settings_.to_text = [](std::string_view s) { return std::string(s); };
}

// ---------------------------------------------------------------------------------------------
// Portals and sections

std::vector<Portal> Service::ListPortals() const {
    return db_.Read([&](Connection& c) {
        std::vector<Portal> out;
        for (const auto& r :
             c.Query(std::string(kSelectPortal) + " ORDER BY CASE WHEN code = 'main' THEN 0 ELSE 1 END, name_vi")) {
            out.push_back(PortalFromRow(r));
        }
        return out;
    });
}

std::optional<Portal> Service::FindPortal(std::string_view code) const {
    return db_.Read([&](Connection& c) -> std::optional<Portal> {
        auto r = c.QueryOne(std::string(kSelectPortal) + " WHERE code = $1", {std::string(code)});
        if (!r) return std::nullopt;
        return PortalFromRow(*r);
    });
}

core::Result<Portal> Service::PortalOrError(std::string_view code) const {
    auto p = FindPortal(code);
    if (!p) return core::InvalidField("portal", Msg("portal.portal_not_found", {{"code", std::string(code)}}));
    return *p;
}

core::Result<Portal> Service::CreatePortal(const Principal& who, NewPortal in) {
    if (!IsCode(in.code, 40)) return core::InvalidField("code", Msg("portal.portal_code_invalid"));
    auto unit = units_.Find(in.unit_id);
    if (!unit) return core::InvalidField("unit", Msg("portal.unit_not_found"));
    // Portals are installation-wide: a national administrator (or the operator) creates them.
    auto actor = policy_.Authorize(who, kPortalManage, core::access::Scope::Global());
    if (!actor) return actor.error();
    static const std::set<std::string, std::less<>> kPortalKinds = {"main", "agency", "ministry", "province", "city"};
    if (!kPortalKinds.contains(in.kind)) return core::InvalidField("kind", Msg("portal.portal_kind_invalid"));
    auto vi = CleanText("name_vi", in.name_vi, 300);
    if (!vi) return vi.error();
    auto en = CleanText("name_en", in.name_en, 300);
    if (!en) return en.error();
    if (vi->empty()) return core::InvalidField("name_vi", Msg("portal.field_required", {{"field", "name_vi"}}));
    if (en->empty()) en = *vi;
    if (in.languages.empty()) in.languages = {"vi", "en"};
    for (const auto& l : in.languages) {
        if (std::find(KnownLanguages().begin(), KnownLanguages().end(), l) == KnownLanguages().end()) {
            return core::InvalidField("languages", Msg("portal.language_unknown", {{"language", l}}));
        }
    }
    if (std::find(in.languages.begin(), in.languages.end(), "vi") == in.languages.end())
        in.languages.insert(in.languages.begin(), "vi");
    if (in.kind == "main" && std::find(in.languages.begin(), in.languages.end(), "en") == in.languages.end()) {
        in.languages.push_back("en");  // 09-QC/TW Art. 8.2: Vietnamese and English on the main portal
    }
    if (!IsKnownTimeZone(in.time_zone)) return core::InvalidField("time_zone", Msg("portal.time_zone_unknown"));
    if (!in.path_prefix.empty() && (!in.path_prefix.starts_with('/') || !IsCode(in.path_prefix.substr(1), 40))) {
        return core::InvalidField("path_prefix", Msg("portal.path_prefix_invalid"));
    }
    if (!in.host.empty()) {
        for (char ch : in.host) {
            if (!((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '-' || ch == '.')) {
                return core::InvalidField("host", Msg("portal.host_invalid"));
            }
        }
    }
    std::string langs;
    for (const auto& l : in.languages) langs += (langs.empty() ? "" : ",") + l;
    // The checks below name what is taken; two creations at once meet at the unique indexes.
    try {
        return InsertPortal(actor.value(), in, vi.value(), en.value(), langs, who.user_id);
    } catch (const core::db::UniqueViolation&) {
        return core::Conflict(Msg("portal.portal_exists", {{"code", in.code}}));
    }
}

core::Result<Portal> Service::InsertPortal(const audit::Actor& actor, const NewPortal& in, const std::string& vi,
                                           const std::string& en, const std::string& langs, std::int64_t created_by) {
    return db_.Transact([&](Connection& c) -> core::Result<Portal> {
        if (c.QueryOne("SELECT 1 FROM portal_portals WHERE code = $1", {in.code})) {
            return core::Conflict(Msg("portal.portal_exists", {{"code", in.code}}));
        }
        if (c.QueryOne("SELECT 1 FROM portal_portals WHERE unit_id = $1", {in.unit_id})) {
            return core::Conflict(Msg("portal.unit_has_portal"));
        }
        if (!in.host.empty() && c.QueryOne("SELECT 1 FROM portal_portals WHERE host = $1", {in.host})) {
            return core::Conflict(Msg("portal.host_taken"));
        }
        if (!in.path_prefix.empty() &&
            c.QueryOne("SELECT 1 FROM portal_portals WHERE path_prefix = $1", {in.path_prefix})) {
            return core::Conflict(Msg("portal.path_prefix_taken"));
        }
        auto id =
            c.QueryOne(
                 "INSERT INTO portal_portals (code, unit_id, kind, name_vi, name_en, host, path_prefix, languages,"
                 " time_zone, calendar_code, created_at, created_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, "
                 "$11, $12)"
                 " RETURNING id",
                 {in.code, in.unit_id, in.kind, vi, en, in.host.empty() ? core::db::Value{} : core::db::Value{in.host},
                  in.path_prefix.empty() ? core::db::Value{} : core::db::Value{in.path_prefix}, langs, in.time_zone,
                  std::string(calendar::kDefaultCalendarCode), Ms(clock_.Now()), created_by})
                ->Int(0);
        auto p = PortalFromRow(*c.QueryOne(std::string(kSelectPortal) + " WHERE id = $1", {id}));
        audit_.Write(c, actor, {"portal.create", "portal", p.code, nullptr, ToJson(p)});
        // The template's sections (P-27 for every portal, P-28 for provinces and cities).
        std::int64_t order = 0;
        for (const auto& t : TemplateSections(p.kind)) {
            c.Execute(
                "INSERT INTO portal_sections (portal_id, code, name_vi, name_en, sort_order, mandatory, created_at)"
                " VALUES ($1, $2, $3, $4, $5, $6, $7)",
                {p.id, std::string(t.code), std::string(t.name_vi), std::string(t.name_en), order += 10, t.mandatory,
                 Ms(clock_.Now())});
        }
        // Every portal's pages list the others (and a host name may now belong to this one).
        AnnounceSections(c, p.code);
        return p;
    });
}

core::Result<Portal> Service::CreateComponentPortal(const Principal& who, const std::string& unit_code) {
    auto unit = units_.FindByCode(unit_code);
    if (!unit) return core::InvalidField("unit", Msg("portal.unit_not_found"));
    std::string kind = "agency";
    if (unit->kind == "provincial_committee") kind = unit->name_vi.starts_with("Thành ủy") ? "city" : "province";
    if (unit->kind == "ministry") kind = "ministry";
    // Portal codes are lower-case slugs of the unit's code ("TU-HNI" -> "tu-hni").
    std::string code;
    for (char ch : unit->code) code += (ch >= 'A' && ch <= 'Z') ? static_cast<char>(ch - 'A' + 'a') : ch;
    NewPortal p{.code = code,
                .unit_id = unit->id,
                .kind = kind,
                .name_vi = "Cổng thông tin điện tử " + unit->name_vi,
                .name_en = "E-portal of " + (unit->name_en.empty() ? unit->name_vi : unit->name_en),
                .path_prefix = "/" + code,
                .languages = {"vi"}};
    return CreatePortal(who, std::move(p));
}

core::Result<Portal> Service::EnsureMainPortal(const Principal& who) {
    if (auto p = FindPortal(kMainPortal)) return *p;
    auto roots = units_.List({});
    std::int64_t root = 0;
    for (const auto& u : roots) {
        if (u.parent_id == 0) {
            root = u.id;
            break;
        }
    }
    if (root == 0) return core::Conflict(Msg("portal.no_root_unit"));
    auto created = CreatePortal(who, NewPortal{.code = std::string(kMainPortal),
                                               .unit_id = root,
                                               .kind = "main",
                                               .name_vi = "Cổng Thông tin điện tử Đảng Cộng sản Việt Nam",
                                               .name_en = "Online Newspaper of the Communist Party of Vietnam",
                                               .languages = {"vi", "en"}});
    // Several nodes starting at once: the one that lost the race finds the winner's portal.
    if (!created && created.error().code == core::ErrorCode::kConflict) {
        if (auto p = FindPortal(kMainPortal)) return *p;
    }
    return created;
}

std::vector<Section> Service::Sections(std::int64_t portal_id) const {
    return db_.Read([&](Connection& c) {
        std::vector<Section> out;
        for (const auto& r :
             c.Query(std::string(kSelectSection) + " WHERE portal_id = $1 ORDER BY sort_order, id", {portal_id})) {
            out.push_back(SectionFromRow(r));
        }
        return out;
    });
}

// The public pages show a portal's sections (menu, blocks): their caches drop them.
void Service::AnnounceSections(Connection& c, const std::string& portal) const {
    events_.Publish(c, core::Event{.topic = "portal.public",
                                   .data_json = boost::json::serialize(boost::json::object{{"portal", portal}, {"sections", true}})});
}

core::Result<Section> Service::AddSection(const Principal& who, NewSection s) {
    auto portal = PortalOrError(s.portal);
    if (!portal) return portal.error();
    auto actor = policy_.Authorize(who, kPortalManage, core::access::Scope::Portal(portal->code, portal->unit_id));
    if (!actor) return actor.error();
    if (!IsCode(s.code, 60)) return core::InvalidField("code", Msg("portal.section_code_invalid"));
    auto vi = CleanText("name_vi", s.name_vi, 200);
    if (!vi) return vi.error();
    if (vi->empty()) return core::InvalidField("name_vi", Msg("portal.field_required", {{"field", "name_vi"}}));
    auto en = CleanText("name_en", s.name_en, 200);
    if (!en) return en.error();
    return db_.Transact([&](Connection& c) -> core::Result<Section> {
        core::db::Value parent;
        if (!s.parent.empty()) {
            auto pr =
                c.QueryOne("SELECT id FROM portal_sections WHERE portal_id = $1 AND code = $2", {portal->id, s.parent});
            if (!pr) return core::InvalidField("parent", Msg("portal.section_not_found", {{"code", s.parent}}));
            parent = pr->Int(0);
        }
        if (c.QueryOne("SELECT 1 FROM portal_sections WHERE portal_id = $1 AND code = $2", {portal->id, s.code})) {
            return core::Conflict(Msg("portal.section_exists", {{"code", s.code}}));
        }
        auto id =
            c.QueryOne(
                 "INSERT INTO portal_sections (portal_id, parent_id, code, name_vi, name_en, sort_order, mandatory,"
                 " created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
                 {portal->id, parent, s.code, *vi, en->empty() ? *vi : *en, s.sort_order, s.mandatory,
                  Ms(clock_.Now())})
                ->Int(0);
        auto sec = SectionFromRow(*c.QueryOne(std::string(kSelectSection) + " WHERE id = $1", {id}));
        audit_.Write(c, actor.value(),
                     {"portal.section.create", "portal_section", std::to_string(id), nullptr, ToJson(sec)});
        AnnounceSections(c, portal->code);
        return sec;
    });
}

core::Result<Section> Service::MapSection(const Principal& who, const std::string& portal_code,
                                          const std::string& section, const std::string& main_section) {
    auto portal = PortalOrError(portal_code);
    if (!portal) return portal.error();
    auto main = PortalOrError(kMainPortal);
    if (!main) return main.error();
    // The mapping decides what appears on the main portal: the main portal's administrators.
    auto actor = policy_.Authorize(who, kPortalManage, core::access::Scope::Portal(main->code, main->unit_id));
    if (!actor) return actor.error();
    return db_.Transact([&](Connection& c) -> core::Result<Section> {
        auto from =
            c.QueryOne(std::string(kSelectSection) + " WHERE portal_id = $1 AND code = $2", {portal->id, section});
        if (!from) return core::InvalidField("section", Msg("portal.section_not_found", {{"code", section}}));
        auto to =
            c.QueryOne("SELECT id FROM portal_sections WHERE portal_id = $1 AND code = $2", {main->id, main_section});
        if (!to) return core::InvalidField("main_section", Msg("portal.section_not_found", {{"code", main_section}}));
        auto before = SectionFromRow(*from);
        c.Execute("UPDATE portal_sections SET maps_to_section_id = $1 WHERE id = $2", {to->Int(0), before.id});
        auto after = SectionFromRow(*c.QueryOne(std::string(kSelectSection) + " WHERE id = $1", {before.id}));
        audit_.Write(
            c, actor.value(),
            {"portal.section.map", "portal_section", std::to_string(before.id), ToJson(before), ToJson(after)});
        return after;
    });
}

// ---------------------------------------------------------------------------------------------
// Items

core::Result<ItemFields> Service::Clean(const Portal& portal, std::string_view kind, ItemFields f) const {
    auto title = CleanText("title", f.title, 500);
    if (!title) return title.error();
    if (title->empty()) return core::InvalidField("title", Msg("portal.field_required", {{"field", "title"}}));
    f.title = std::move(title).value();
    auto lead = CleanText("lead", f.lead, 2000, true);
    if (!lead) return lead.error();
    f.lead = std::move(lead).value();
    if (!core::IsValidUtf8(f.body_html))
        return core::InvalidField("body_html", Msg("portal.field_invalid_text", {{"field", "body_html"}}));
    if (f.body_html.size() > 2'000'000) {
        return core::InvalidField("body_html",
                                  Msg("portal.field_too_long", {{"field", "body_html"}, {"max", "2000000"}}));
    }
    f.body_html = settings_.sanitize(f.body_html);  // allow-list, NFC
    auto source = CleanText("source", f.source, 500);
    if (!source) return source.error();
    // Every item names its source (09-QC/TW Art. 8.1, P-6).
    if (source->empty()) return core::InvalidField("source", Msg("portal.source_required"));
    f.source = std::move(source).value();
    auto orig = CleanText("original_source", f.original_source, 500);
    if (!orig) return orig.error();
    f.original_source = std::move(orig).value();
    auto url = CleanText("original_url", f.original_url, 2000);
    if (!url) return url.error();
    f.original_url = std::move(url).value();
    if (!f.original_url.empty() && !f.original_url.starts_with("https://") && !f.original_url.starts_with("http://")) {
        return core::InvalidField("original_url", Msg("portal.url_invalid"));
    }
    if (!f.original_url.empty() && f.original_source.empty()) {
        return core::InvalidField("original_source", Msg("portal.original_source_required"));
    }
    for (auto* list : {&f.authors, &f.tags}) {
        for (auto& s : *list) {
            auto t = CleanText(list == &f.authors ? "authors" : "tags", s, 200);
            if (!t) return t.error();
            s = std::move(t).value();
        }
        std::erase_if(*list, [](const std::string& s) { return s.empty(); });
    }
    for (auto& m : f.media) {
        if (!m.url.starts_with('/') || m.url.starts_with("//") ||
            m.url.find_first_of("\"'<> \r\n\\") != std::string::npos) {
            return core::InvalidField("media", Msg("portal.media_url_invalid"));
        }
        auto cap = CleanText("media", m.caption, 1000);
        if (!cap) return cap.error();
        m.caption = std::move(cap).value();
        auto cr = CleanText("media", m.credit, 300);
        if (!cr) return cr.error();
        m.credit = std::move(cr).value();
    }
    auto grade = CleanText("royalty_grade", f.royalty_grade, 40);
    if (!grade) return grade.error();
    f.royalty_grade = std::move(grade).value();
    if (kind == "official_document" && !f.issued_at) {
        return core::InvalidField("issued_at", Msg("portal.issued_at_required"));
    }
    auto doc = CleanDocument(kind, std::move(f));
    if (!doc) return doc.error();
    f = std::move(doc).value();
    // Sections must be the portal's own.
    std::set<std::string> known;
    for (const auto& s : Sections(portal.id)) {
        if (s.status == "active") known.insert(s.code);
    }
    std::set<std::string> seen;
    for (const auto& s : f.sections) {
        if (!known.contains(s)) return core::InvalidField("sections", Msg("portal.section_not_found", {{"code", s}}));
        if (!seen.insert(s).second) return core::InvalidField("sections", Msg("portal.section_twice", {{"code", s}}));
    }
    return f;
}

core::Result<std::optional<core::TimePoint>> Service::DueFor(const Portal& portal, std::string_view kind,
                                                             const ItemFields& f) const {
    auto cal = calendars_.GetShared(portal.calendar_code);
    if (!cal) return cal.error();
    return PublicationDue({.kind = kind, .event_at = f.event_at, .issued_at = f.issued_at}, *cal.value());
}

core::Result<audit::Actor> Service::AuthorizeOn(const Principal& who, core::access::Permission p, const Item& item,
                                                bool author_may) const {
    const auto scope = ScopeOf(item);
    if (author_may && who.user_id != 0 && item.created_by == who.user_id) {
        auto own = policy_.Authorize(who, item.translation_of ? kItemTranslate : kItemCreate, scope);
        if (own) return own;
    }
    auto a = policy_.Authorize(who, p, scope);
    // Translators edit translations as editors edit originals (P-5).
    if (!a && p == kItemEdit && item.translation_of) return policy_.Authorize(who, kItemTranslate, scope);
    return a;
}

core::Result<Item> Service::Load(Connection& c, std::int64_t id) const {
    auto r = c.QueryOne(std::string(kSelectItem) + " WHERE i.id = $1", {id});
    if (!r) return core::NotFound(Msg("portal.item_not_found"));
    return ItemFromRow(*r, clock_.Now());
}

void Service::Record(Connection& c, const Item& item, const audit::Actor& actor, std::string_view action, State from,
                     State to, std::int64_t revision, const std::string& comment) const {
    c.Execute(
        "INSERT INTO portal_item_events (item_id, at, user_id, username, role, action, from_state, to_state, revision, "
        "comment)"
        " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
        {item.id, Ms(clock_.Now()), actor.user_id, actor.username, actor.role, std::string(action),
         std::string(StateCode(from)), std::string(StateCode(to)), revision, comment});
}

void Service::EnterPostCheck(Connection& c, const Item& item, std::int64_t revision, std::string_view reason,
                             core::TimePoint at) const {
    const auto due = PostCheckDue(at, item.time_zone);
    c.Execute(
        "INSERT INTO portal_post_checks (item_id, portal_id, revision, reason, entered_at, due_at) VALUES ($1, $2, $3, "
        "$4, $5, $6)",
        {item.id, item.portal_id, revision, std::string(reason), Ms(at), Ms(due)});
    // After the deadline the item is locked (Hậu Giang Art. 10.3).
    c.Execute("UPDATE portal_items SET lock_at = $1 WHERE id = $2", {Ms(due), item.id});
}

core::Result<Item> Service::CreateItem(const Principal& who, NewItem in) {
    auto portal = PortalOrError(in.portal);
    if (!portal) return portal.error();
    const auto scope = core::access::Scope::Portal(portal->code, portal->unit_id);
    auto actor = policy_.Authorize(who, in.translation_of ? kItemTranslate : kItemCreate, scope);
    if (!actor && in.translation_of) actor = policy_.Authorize(who, kItemEdit, scope);
    if (!actor) return actor.error();
    if (std::find(ItemKinds().begin(), ItemKinds().end(), in.kind) == ItemKinds().end()) {
        return core::InvalidField("kind", Msg("portal.kind_unknown", {{"kind", in.kind}}));
    }
    if (std::find(portal->languages.begin(), portal->languages.end(), in.language) == portal->languages.end()) {
        return core::InvalidField("language", Msg("portal.language_not_in_portal", {{"language", in.language}}));
    }
    auto fields = Clean(*portal, in.kind, std::move(in.fields));
    if (!fields) return fields.error();
    auto due = DueFor(*portal, in.kind, fields.value());
    if (!due) return due.error();
    try {
        return InsertItem(actor.value(), *portal, in, fields.value(), due.value(), who);
    } catch (const core::db::UniqueViolation&) {
        // Two translations into one language at once: the index keeps one (V003).
        return core::Conflict(Msg("portal.translation_exists", {{"language", in.language}}));
    }
}

core::Result<Item> Service::InsertItem(const audit::Actor& actor, const Portal& portal, const NewItem& in,
                                       const ItemFields& f, const std::optional<core::TimePoint>& due,
                                       const Principal& who) {
    const auto now = clock_.Now();
    return db_.Transact([&](Connection& c) -> core::Result<Item> {
        if (in.translation_of) {
            auto orig =
                c.QueryOne("SELECT portal_id, language, COALESCE(translation_of, 0) FROM portal_items WHERE id = $1",
                           {in.translation_of});
            if (!orig || orig->Int(0) != portal.id) {
                return core::InvalidField("translation_of", Msg("portal.original_not_found"));
            }
            if (orig->Int(2) != 0)
                return core::InvalidField("translation_of", Msg("portal.translation_of_translation"));
            if (orig->Text(1) == in.language)
                return core::InvalidField("language", Msg("portal.translation_same_language"));
            if (c.QueryOne(
                    "SELECT 1 FROM portal_items WHERE translation_of = $1 AND language = $2 AND state <> 'withdrawn'",
                    {in.translation_of, in.language})) {
                return core::Conflict(Msg("portal.translation_exists", {{"language", in.language}}));
            }
        }
        auto id = c.QueryOne(
                       "INSERT INTO portal_items (portal_id, kind, language, translation_of, state, current_revision,"
                       " created_by, providing_unit_id, created_at, updated_at, event_at, issued_at, deadline_due_at)"
                       " VALUES ($1, $2, $3, $4, 'draft', 1, $5, $6, $7, $7, $8, $9, $10) RETURNING id",
                       {portal.id, in.kind, in.language,
                        in.translation_of ? core::db::Value{in.translation_of} : core::db::Value{}, who.user_id,
                        who.unit_id > 0 ? who.unit_id : portal.unit_id, Ms(now), OptMs(f.event_at), OptMs(f.issued_at),
                        OptMs(due)})
                      ->Int(0);
        c.Execute(
            "INSERT INTO portal_revisions (item_id, no, created_at, created_by, created_by_name, role, comment, title, "
            "lead,"
            " body_html, body_text, fields_json) VALUES ($1, 1, $2, $3, $4, $5, '', $6, $7, $8, $9, $10)",
            {id, Ms(now), actor.user_id, actor.username, actor.role, f.title, f.lead, f.body_html,
             settings_.to_text(f.body_html), json::serialize(FieldsToJson(f))});
        auto item = Load(c, id);
        Record(c, item.value(), actor, "create", State::kDraft, State::kDraft, 1, "");
        audit_.Write(c, actor,
                     {"portal.item.create", "portal_item", std::to_string(id), nullptr, SnapshotOf(item.value())});
        return item;
    });
}

core::Result<Item> Service::GetItem(const Principal& who, std::int64_t id, bool with_screening) const {
    auto item = db_.Read([&](Connection& c) { return Load(c, id); });
    if (!item) return item;
    const auto scope = ScopeOf(item.value());
    if (policy_.Authorize(who, kItemRead, scope)) {
        // The board sees what screening found (P-31); the list itself stays the board's.
        if (with_screening) item->screening = db_.Read([&](Connection& c) { return ScreenItem(c, item.value()); });
        return item;
    }
    // Contributors see their own items.
    if (who.user_id != 0 && item->created_by == who.user_id && policy_.Authorize(who, kItemCreate, scope)) return item;
    return core::NotFound(Msg("portal.item_not_found"));
}

core::Result<Item> Service::SaveRevision(const Principal& who, std::int64_t id, ItemFields fields, std::string comment,
                                         std::int64_t expected_version) {
    auto current = GetItem(who, id);
    if (!current) return current.error();
    // An integrated item shows its original: it changes when the original does (P-1).
    if (current->integrated_from) return core::Conflict(Msg("portal.integrated_edit_original"));
    auto plan = PlanSave(FactsOf(current.value()));
    if (!plan) return plan.error();
    auto actor = AuthorizeOn(who, plan->permission, current.value(), plan->author_may);
    if (!actor) return actor.error();
    auto portal = PortalOrError(current->portal);
    if (!portal) return portal.error();
    auto f = Clean(*portal, current->kind, std::move(fields));
    if (!f) return f.error();
    auto note = CleanText("comment", comment, 2000, true);
    if (!note) return note.error();
    auto due = DueFor(*portal, current->kind, f.value());
    if (!due) return due.error();
    const auto now = clock_.Now();
    return db_.Transact([&](Connection& c) -> core::Result<Item> {
        auto before = Load(c, id);
        if (!before) return before.error();
        if (expected_version > 0 && before->version != expected_version)
            return core::Conflict(Msg("portal.changed_meanwhile"));
        // The state may have moved since the check above: decide again inside the transaction.
        auto again = PlanSave(FactsOf(before.value()));
        if (!again) return again.error();
        if (again->permission != plan->permission || again->creates_pending != plan->creates_pending) {
            return core::Conflict(Msg("portal.changed_meanwhile"));
        }
        const std::int64_t no = before->current_revision + 1;
        c.Execute(
            "INSERT INTO portal_revisions (item_id, no, created_at, created_by, created_by_name, role, comment, title, "
            "lead,"
            " body_html, body_text, fields_json) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
            {id, no, Ms(now), actor->user_id, actor->username, actor->role, note.value(), f->title, f->lead,
             f->body_html, settings_.to_text(f->body_html), json::serialize(FieldsToJson(f.value()))});
        std::int64_t changed = 0;
        if (plan->creates_pending) {
            // The live revision stays online; this one waits for review (P-10).
            changed = c.Execute(
                "UPDATE portal_items SET current_revision = $1, pending_revision = $1, pending_state = 'editing',"
                " version = version + 1, updated_at = $2 WHERE id = $3 AND version = $4",
                {no, Ms(now), id, before->version});
        } else {
            // The publication deadline follows the event and issue times of the newest revision.
            changed = c.Execute(
                "UPDATE portal_items SET current_revision = $1, version = version + 1, updated_at = $2,"
                " event_at = $3, issued_at = $4, deadline_due_at = $5 WHERE id = $6 AND version = $7",
                {no, Ms(now), OptMs(f->event_at), OptMs(f->issued_at), OptMs(due.value()), id, before->version});
        }
        if (changed != 1) return core::Conflict(Msg("portal.changed_meanwhile"));
        auto after = Load(c, id);
        Record(c, after.value(), actor.value(), plan->creates_pending ? "edit_published" : "edit", before->state,
               after->state, no, note.value());
        audit_.Write(c, actor.value(),
                     {"portal.item.save", "portal_item", std::to_string(id), SnapshotOf(before.value()),
                      SnapshotOf(after.value())});
        return after;
    });
}

core::Result<Item> Service::ApplyStep(Connection& c, const Item& item, const Step& step, Action action,
                                      const audit::Actor& actor, const ActionInput& input) {
    const auto now = clock_.Now();
    const std::string text = step.needs_reason ? input.reason : input.comment;
    // Nothing goes live, nor is scheduled to, while screening holds it (P-31): a publisher must
    // first confirm the matches with a reason (ConfirmScreening).
    if (step.goes_live || action == Action::kSchedule) {
        auto screening = ScreenItem(c, item);
        if (screening.held()) {
            std::string terms;
            for (const auto& t : screening.terms) terms += (terms.empty() ? "" : ", ") + t;
            return core::Conflict(Msg("portal.screening_held", {{"terms", terms}}));
        }
    }
    std::int64_t changed = 0;
    std::string pending_state = step.pending_to ? std::string(StateCode(*step.pending_to)) : std::string();
    if (step.on_pending) {
        if (step.goes_live) {
            changed = c.Execute(
                "UPDATE portal_items SET live_revision = pending_revision, pending_revision = NULL,"
                " pending_state = NULL, published_at = $1, version = version + 1, updated_at = $1"
                " WHERE id = $2 AND version = $3",
                {Ms(now), item.id, item.version});
        } else {
            changed = c.Execute(
                "UPDATE portal_items SET pending_state = $1, version = version + 1, updated_at = $2"
                " WHERE id = $3 AND version = $4",
                {pending_state, Ms(now), item.id, item.version});
        }
    } else if (step.goes_live) {
        changed = c.Execute(
            "UPDATE portal_items SET state = 'published', live_revision = current_revision,"
            " pending_revision = NULL, pending_state = NULL, scheduled_at = NULL, published_at = $1,"
            " first_published_at = COALESCE(first_published_at, $1), version = version + 1, updated_at = $1"
            " WHERE id = $2 AND version = $3",
            {Ms(now), item.id, item.version});
    } else {
        core::db::Value scheduled;
        if (action == Action::kSchedule) scheduled = Ms(*input.at);
        changed = c.Execute(
            "UPDATE portal_items SET state = $1, pending_state = $2, scheduled_at = $3, version = version + 1,"
            " updated_at = $4 WHERE id = $5 AND version = $6",
            {std::string(StateCode(step.to)),
             pending_state.empty() ? core::db::Value{} : core::db::Value{pending_state}, scheduled, Ms(now), item.id,
             item.version});
    }
    // Another request changed the item between our read and this write: nothing happened.
    if (changed != 1) return core::Conflict(Msg("portal.changed_meanwhile"));
    if (step.goes_live) {
        const bool first = !item.first_published_at;
        const auto revision = step.on_pending ? item.pending_revision : item.current_revision;
        EnterPostCheck(c, item, revision, first ? "publication" : "update", now);
        if (auto live = Load(c, item.id)) {
            // A royalty arises on the first publication only (P-17).
            if (first) RecordRoyalty(c, item, live.value());
            // Published document files are signed into the registry (P-30).
            if (settings_.on_live) settings_.on_live(c, live.value(), actor);
        }
        // A decided correction: the corrected revision's public page says so (P-15).
        if (auto corr =
                c.QueryOne("SELECT id, correction_note FROM portal_takedowns WHERE item_id = $1 AND kind = 'correction'"
                           " AND executed_at IS NOT NULL AND correction_applied_at IS NULL ORDER BY id DESC LIMIT 1",
                           {item.id})) {
            c.Execute("UPDATE portal_items SET correction_note = $1, corrected_at = $2 WHERE id = $3",
                      {corr->Text(1), Ms(now), item.id});
            c.Execute("UPDATE portal_takedowns SET correction_applied_at = $1 WHERE id = $2", {Ms(now), corr->Int(0)});
        }
    }
    AfterLiveChange(c, item.id, actor);
    auto after = Load(c, item.id);
    if (!after) return after;
    Record(c, after.value(), actor, ActionCode(action), item.state, after->state,
           step.on_pending ? item.pending_revision : item.current_revision, text);
    audit_.Write(c, actor,
                 {"portal.item." + std::string(ActionCode(action)), "portal_item", std::to_string(item.id),
                  SnapshotOf(item), SnapshotOf(after.value())});
    // Tell the author when his item moves on or comes back (P-10), and the queues' pages.
    if (settings_.notify && after->created_by != 0 && after->created_by != actor.user_id) {
        settings_.notify(c, after->created_by,
                         fmt::format("{} — {}", after->current.fields.title, StateCode(after->state)), text,
                         "/admin/portal/items/" + std::to_string(after->id));
    }
    // Tell the people whose queue it comes to (P-10): editors, reviewers or publishers of the portal.
    const auto waiting = step.on_pending && after->pending_state ? *after->pending_state : after->state;
    if (settings_.notify && settings_.holders && waiting != item.state) {
        if (auto permission = WaitsFor(waiting)) {
            for (auto user : settings_.holders(c, *permission, ScopeOf(after.value()))) {
                if (user == actor.user_id || user == after->created_by) continue;
                settings_.notify(c, user, fmt::format("{} — {}", after->current.fields.title, StateCode(waiting)),
                                 text, "/admin/portal/items/" + std::to_string(after->id));
            }
        }
    }
    events_.Publish(c, core::Event{
                           .topic = "portal.item",
                           .data_json = json::serialize(json::object{{"id", after->id},
                                                                     {"portal", after->portal},
                                                                     {"state", StateCode(after->state)},
                                                                     {"action", ActionCode(action)}})});
    return after;
}

core::Result<Item> Service::Act(const Principal& who, std::int64_t id, Action action, ActionInput input) {
    if (action == Action::kTakeDown) {
        // The directors act at once on an item outside the allowed scope; the case keeps the
        // reason and the responsibility record due within 24 hours (09-QC/TW Art. 10.1).
        auto t = OpenTakedown(who, id, {.kind = CaseKind::kTakeDown, .reason = input.reason, .urgent = true});
        if (!t) return t.error();
        return GetItem(who, id);
    }
    auto item = GetItem(who, id);
    if (!item) return item.error();
    // An integrated item follows its original (P-1): the main board may only withdraw it (or take
    // it down, above); reopening it for the workflow would bring back what the source removed.
    if (item->integrated_from && action != Action::kWithdraw)
        return core::Conflict(Msg("portal.integrated_edit_original"));
    auto step = PlanAction(FactsOf(item.value()), action);
    if (!step) return step.error();
    auto actor = AuthorizeOn(who, step->permission, item.value(), step->author_may);
    if (!actor) return actor.error();
    auto comment = CleanText("comment", input.comment, 4000, true);
    if (!comment) return comment.error();
    input.comment = std::move(comment).value();
    auto reason = CleanText("reason", input.reason, 4000, true);
    if (!reason) return reason.error();
    input.reason = std::move(reason).value();
    if (step->needs_comment && input.comment.empty())
        return core::InvalidField("comment", Msg("portal.comment_required"));
    if (step->needs_reason && input.reason.empty()) return core::InvalidField("reason", Msg("portal.reason_required"));
    // A contributor's submission carries who he is, how to pay him and his unit head's approval
    // (P-11; Hậu Giang Art. 9.1): without them it is refused and nothing is stored.
    std::optional<Contribution> contribution;
    if (action == Action::kSubmit && actor->role == "contributor") {
        if (!input.contribution) return core::InvalidField("contribution", Msg("portal.contribution_required"));
        auto complete = CompleteContribution(who, item.value(), *input.contribution);
        if (!complete) return complete.error();
        contribution = std::move(complete).value();
    }
    if (action == Action::kSchedule) {
        if (!input.at) return core::InvalidField("at", Msg("portal.schedule_time_required"));
        // Exact to the minute: the job runs every minute and publishes what is due.
        input.at = std::chrono::floor<std::chrono::minutes>(*input.at);
        if (*input.at <= clock_.Now()) return core::InvalidField("at", Msg("portal.schedule_in_past"));
    }
    return db_.Transact([&](Connection& c) -> core::Result<Item> {
        auto fresh = Load(c, id);
        if (!fresh) return fresh.error();
        if (input.expected_version > 0 && fresh->version != input.expected_version) {
            return core::Conflict(Msg("portal.changed_meanwhile"));
        }
        // Decide again on what the transaction sees: a concurrent request may have moved it.
        auto again = PlanAction(FactsOf(fresh.value()), action);
        if (!again) return again.error();
        if (!(again->permission == step->permission)) return core::Conflict(Msg("portal.changed_meanwhile"));
        auto after = ApplyStep(c, fresh.value(), again.value(), action, actor.value(), input);
        if (!after || action != Action::kSubmit) return after;
        if (contribution) StoreContribution(c, after.value(), *contribution, who.user_id);
        // A match on submission holds the item for review with the matches shown (P-31).
        auto screening = ScreenItem(c, after.value());
        if (screening.held()) {
            // The terms stay off the history: its author reads it, and the list is the board's.
            audit::Actor system{.username = "system", .role = "screening", .address = actor->address};
            Record(c, after.value(), system, "screening_held", after->state, after->state, screening.revision,
                   std::to_string(screening.terms.size()));
        }
        return after;
    });
}

int Service::PublishDue() {
    const auto now = clock_.Now();
    auto due = db_.Read([&](Connection& c) {
        std::vector<std::int64_t> ids;
        for (const auto& r : c.Query(
                 "SELECT id FROM portal_items WHERE state = 'scheduled' AND scheduled_at <= $1 ORDER BY scheduled_at",
                 {Ms(now)})) {
            ids.push_back(r.Int(0));
        }
        return ids;
    });
    int published = 0;
    for (auto id : due) {
        auto done = db_.Transact([&](Connection& c) -> core::Result<Item> {
            auto item = Load(c, id);
            if (!item) return item;
            if (item->state != State::kScheduled) return core::Conflict(Msg("portal.changed_meanwhile"));
            auto step = PlanAction(FactsOf(item.value()), Action::kPublish);
            if (!step) return step.error();
            audit::Actor system{.username = "system", .role = "scheduler", .address = "job"};
            return ApplyStep(c, item.value(), step.value(), Action::kPublish, system, {});
        });
        if (done) {
            ++published;
        } else if (done.error().code == core::ErrorCode::kConflict) {
            // Held by screening (or moved meanwhile): it stays scheduled; the item page says why.
            spdlog::warn("portal: scheduled item {} not published: {}", id, core::Text(done.error().message, "en"));
        }
    }
    return published;
}

core::Result<std::vector<Revision>> Service::Revisions(const Principal& who, std::int64_t id) const {
    auto item = GetItem(who, id);
    if (!item) return item.error();
    return db_.Read([&](Connection& c) {
        std::vector<Revision> out;
        for (const auto& r :
             c.Query("SELECT no, created_at, created_by, created_by_name, role, comment, title, lead, body_html,"
                     " body_text, fields_json FROM portal_revisions WHERE item_id = $1 ORDER BY no",
                     {id})) {
            Revision rev;
            rev.no = r.Int(0);
            rev.created_at = core::FromMillis(r.Int(1));
            rev.created_by = r.Int(2);
            rev.created_by_name = r.Text(3);
            rev.role = r.Text(4);
            rev.comment = r.Text(5);
            rev.fields = FieldsFromStored(r, 6);
            rev.body_text = r.Text(9);
            out.push_back(std::move(rev));
        }
        return out;
    });
}

core::Result<RevisionDiff> Service::Diff(const Principal& who, std::int64_t id, std::int64_t a, std::int64_t b) const {
    auto revs = Revisions(who, id);
    if (!revs) return revs.error();
    const Revision* ra = nullptr;
    const Revision* rb = nullptr;
    for (const auto& r : revs.value()) {
        if (r.no == a) ra = &r;
        if (r.no == b) rb = &r;
    }
    if (!ra || !rb) return core::NotFound(Msg("portal.revision_not_found"));
    return RevisionDiff{a, b, DiffFields(ra->fields, rb->fields), DiffLines(ra->body_text, rb->body_text)};
}

core::Result<std::vector<HistoryEntry>> Service::History(const Principal& who, std::int64_t id) const {
    auto item = GetItem(who, id);
    if (!item) return item.error();
    return db_.Read([&](Connection& c) {
        std::vector<HistoryEntry> out;
        for (const auto& r : c.Query("SELECT id, at, user_id, username, role, action, from_state, to_state, comment,"
                                     " COALESCE(revision, 0) FROM portal_item_events WHERE item_id = $1 ORDER BY id",
                                     {id})) {
            out.push_back(HistoryEntry{r.Int(0), core::FromMillis(r.Int(1)), r.Int(2), r.Text(3), r.Text(4), r.Text(5),
                                       r.Text(6), r.Text(7), r.Text(8), r.Int(9)});
        }
        return out;
    });
}

std::vector<Item> Service::Queue(const Principal& who, const QueueFilter& f) const {
    // The portals whose back office this person may read.
    std::vector<Portal> readable;
    for (const auto& p : ListPortals()) {
        if (!f.portal.empty() && p.code != f.portal) continue;
        if (policy_.Authorize(who, kItemRead, core::access::Scope::Portal(p.code, p.unit_id))) readable.push_back(p);
    }
    std::vector<Item> out;
    if (readable.empty()) return out;
    std::string sql = std::string(kSelectItem) + " WHERE i.portal_id IN (";
    core::db::Params params;
    for (std::size_t k = 0; k < readable.size(); ++k) {
        params.emplace_back(readable[k].id);
        sql += (k ? ", $" : "$") + std::to_string(params.size());
    }
    sql += ")";
    if (f.state) {
        params.emplace_back(std::string(StateCode(*f.state)));
        sql += " AND i.state = $" + std::to_string(params.size());
    }
    if (f.pending_only) sql += " AND i.pending_revision IS NOT NULL";
    if (f.late_only) {
        params.emplace_back(Ms(clock_.Now()));
        sql +=
            " AND i.deadline_due_at IS NOT NULL AND (i.first_published_at > i.deadline_due_at OR"
            " (i.first_published_at IS NULL AND i.deadline_due_at < $" +
            std::to_string(params.size()) + "))";
    }
    sql += " ORDER BY i.updated_at DESC, i.id DESC";
    const auto query = core::FoldDiacritics(f.query);
    const int limit = std::clamp(f.limit, 1, 500);
    const int offset = std::max(f.offset, 0);
    // Without a title filter the database pages; with one (folded, so not in SQL) the rows are
    // read until the page is full.
    if (query.empty()) {
        params.emplace_back(static_cast<std::int64_t>(limit));
        params.emplace_back(static_cast<std::int64_t>(offset));
        sql += " LIMIT $" + std::to_string(params.size() - 1) + " OFFSET $" + std::to_string(params.size());
    }
    return db_.Read([&](Connection& c) {
        int skipped = 0;
        for (const auto& r : c.Query(sql, params)) {
            auto it = ItemFromRow(r, clock_.Now());
            if (!query.empty() && core::FoldDiacritics(it.current.fields.title).find(query) == std::string::npos)
                continue;
            if (!query.empty() && skipped++ < offset) continue;
            out.push_back(std::move(it));
            if (static_cast<int>(out.size()) >= limit) break;
        }
        return out;
    });
}

core::Result<std::vector<Item>> Service::MissingTranslations(const Principal& who, const std::string& portal_code,
                                                             const std::string& language) const {
    auto portal = PortalOrError(portal_code);
    if (!portal) return portal.error();
    auto actor = policy_.Authorize(who, kItemRead, core::access::Scope::Portal(portal->code, portal->unit_id));
    if (!actor) return actor.error();
    return db_.Read([&](Connection& c) {
        std::vector<Item> out;
        for (const auto& r :
             c.Query(std::string(kSelectItem) +
                         " WHERE i.portal_id = $1 AND i.state = 'published' AND i.translation_of IS NULL"
                         " AND i.language <> $2 AND NOT EXISTS (SELECT 1 FROM portal_items t WHERE"
                         " t.translation_of = i.id AND t.language = $2 AND t.state <> 'withdrawn')"
                         " ORDER BY i.published_at DESC LIMIT 200",
                     {portal->id, language})) {
            out.push_back(ItemFromRow(r, clock_.Now()));
        }
        return out;
    });
}

// ---------------------------------------------------------------------------------------------
// Post-checks

std::vector<PostCheck> Service::PostCheckQueue(const Principal& who, const std::string& portal_code,
                                               bool open_only) const {
    std::vector<PostCheck> out;
    auto portal = FindPortal(portal_code);
    if (!portal || !policy_.Authorize(who, kPostCheck, core::access::Scope::Portal(portal->code, portal->unit_id)))
        return out;
    return db_.Read([&](Connection& c) {
        for (const auto& r : c.Query(std::string(kSelectPostCheck) + " WHERE pc.portal_id = $1" +
                                         std::string(open_only ? " AND pc.state = 'pending'" : "") +
                                         " ORDER BY pc.due_at, pc.id LIMIT 500",
                                     {portal->id})) {
            out.push_back(PostCheckFromRow(r));
        }
        return out;
    });
}

core::Result<PostCheck> Service::CompletePostCheck(const Principal& who, std::int64_t check_id, bool finding,
                                                   std::string text) {
    auto note = CleanText("finding", text, 4000, true);
    if (!note) return note.error();
    if (finding && note->empty()) return core::InvalidField("finding", Msg("portal.finding_required"));
    auto row = db_.Read([&](Connection& c) {
        return c.QueryOne(
            "SELECT pc.item_id, p.code, p.unit_id FROM portal_post_checks pc JOIN portal_portals p ON p.id = "
            "pc.portal_id"
            " WHERE pc.id = $1",
            {check_id});
    });
    if (!row) return core::NotFound(Msg("portal.post_check_not_found"));
    auto actor = policy_.Authorize(who, kPostCheck, core::access::Scope::Portal(row->Text(1), row->Int(2)));
    if (!actor) return actor.error();
    const auto now = clock_.Now();
    return db_.Transact([&](Connection& c) -> core::Result<PostCheck> {
        auto changed = c.Execute(
            "UPDATE portal_post_checks SET state = $1, checked_by = $2, checked_at = $3, finding = $4"
            " WHERE id = $5 AND state = 'pending'",
            {finding ? "finding" : "checked", actor->user_id, Ms(now), note.value(), check_id});
        if (changed != 1) return core::Conflict(Msg("portal.post_check_done"));
        auto item = Load(c, row->Int(0));
        if (!item) return item.error();
        Record(c, item.value(), actor.value(), finding ? "post_check_finding" : "post_check", item->state, item->state,
               item->live_revision, note.value());
        audit_.Write(c, actor.value(),
                     {finding ? "portal.post_check.finding" : "portal.post_check.checked", "portal_post_check",
                      std::to_string(check_id), nullptr, json::object{{"item", item->id}, {"finding", note.value()}}});
        return PostCheckFromRow(*c.QueryOne(std::string(kSelectPostCheck) + " WHERE pc.id = $1", {check_id}));
    });
}

std::optional<Item> Service::PublishedItem(std::int64_t id) const {
    return db_.Read([&](Connection& c) { return LoadPublished(c, id); });
}

std::optional<Item> Service::LoadPublished(Connection& c, std::int64_t id) const {
    // The live revision, not the newest one: a pending edit stays in the back office. What a
    // reader's page shows: no post-check, no search text.
    auto r = c.QueryOne(kSelectPublicItem + " WHERE i.id = $1", {id});
    if (!r) return std::nullopt;
    auto it = ItemFromRow(*r, clock_.Now());
    if (it.state != State::kPublished || it.live_revision == 0) return std::nullopt;
    if (it.live_revision != it.current_revision) {
        auto live = LoadRevision(c, id, it.live_revision);
        if (!live) return std::nullopt;
        it.current = std::move(*live);
    }
    return it;
}

}  // namespace vp::portal
