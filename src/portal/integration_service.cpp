// Integration of component portals' items into the main portal (P-1; 09-QC/TW Art. 3.2).
//
// An integrated item is an item of the main portal whose revisions copy its original's live
// revisions (with the main portal's section): it keeps the original's id (integrated_from) and
// the original revision it shows (integrated_revision), which is what a later push between
// installations carries. It is never edited on the main portal: it is updated when the original
// goes live again, leaves the site with it and comes back with it; the main portal's board may
// still take it down or withdraw it on its own.
#include <algorithm>
#include <map>

#include <boost/json.hpp>
#include <fmt/format.h>

#include "core/message.hpp"
#include "portal/internal.hpp"
#include "portal/portal.hpp"
#include "portal/revisions.hpp"

namespace vp::portal {
namespace {

namespace json = boost::json;
using core::Msg;
using core::db::Connection;
using namespace detail;

// The main portal's sections that the original's sections map to, in the original's order.
std::vector<std::string> MappedSections(Connection& c, std::int64_t portal_id, const std::vector<std::string>& codes) {
    std::vector<std::string> out;
    for (const auto& code : codes) {
        auto r = c.QueryOne(
            "SELECT m.code FROM portal_sections s JOIN portal_sections m ON m.id = s.maps_to_section_id"
            " WHERE s.portal_id = $1 AND s.code = $2 AND m.status = 'active'",
            {portal_id, code});
        if (r && std::find(out.begin(), out.end(), r->Text(0)) == out.end()) out.push_back(r->Text(0));
    }
    return out;
}

void InsertRevision(Connection& c, std::int64_t item_id, std::int64_t no, core::TimePoint at, const audit::Actor& actor,
                    const std::string& comment, const Revision& from, const std::vector<std::string>& sections) {
    ItemFields f = from.fields;
    f.sections = sections;
    c.Execute(
        "INSERT INTO portal_revisions (item_id, no, created_at, created_by, created_by_name, role, comment, title, lead,"
        " body_html, body_text, fields_json) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
        {item_id, no, Ms(at), actor.user_id, actor.username, actor.role, comment, f.title, f.lead, f.body_html,
         from.body_text, json::serialize(FieldsToJson(f))});
}

}  // namespace

core::Result<std::vector<IntegrationCandidate>> Service::IntegrationCandidates(const Principal& who) const {
    auto main = PortalOrError(kMainPortal);
    if (!main) return main.error();
    auto actor = AuthorizeOnPortal(who, kItemPublish, main.value());
    if (!actor) return actor.error();
    return db_.Read([&](Connection& c) {
        std::vector<IntegrationCandidate> out;
        for (const auto& r :
             c.Query("SELECT i.id, p.code, i.portal_id, i.live_revision, i.published_at FROM portal_items i"
                     " JOIN portal_portals p ON p.id = i.portal_id WHERE i.portal_id <> $1 AND i.state = 'published'"
                     " AND i.integrated_from IS NULL AND NOT EXISTS (SELECT 1 FROM portal_items x WHERE"
                     " x.integrated_from = i.id AND x.state <> 'withdrawn') ORDER BY i.published_at DESC LIMIT 500",
                     {main->id})) {
            auto live = LoadRevision(c, r.Int(0), r.Int(3));
            if (!live) continue;
            auto mapped = MappedSections(c, r.Int(2), live->fields.sections);
            if (mapped.empty()) continue;
            out.push_back({r.Int(0), r.Text(1), live->fields.title, mapped.front(), core::FromMillis(r.Int(4))});
            if (out.size() >= 200) break;
        }
        return out;
    });
}

core::Result<Item> Service::Integrate(const Principal& who, std::int64_t original_id, const std::string& main_section) {
    auto main = PortalOrError(kMainPortal);
    if (!main) return main.error();
    // Integrating is publishing on the main portal: its publishers decide.
    auto actor = AuthorizeOnPortal(who, kItemPublish, main.value());
    if (!actor) return actor.error();
    const auto now = clock_.Now();
    try {
        return IntegrateIn(actor.value(), main.value(), original_id, main_section, now);
    } catch (const core::db::UniqueViolation&) {
        // Two integrations at once (one copy per original), or a translation already on the main portal.
        return core::Conflict(Msg("portal.integration_exists", {{"id", "?"}}));
    }
}

core::Result<Item> Service::IntegrateIn(const audit::Actor& actor, const Portal& main, std::int64_t original_id,
                                        const std::string& main_section, core::TimePoint now) {
    return db_.Transact([&](Connection& c) -> core::Result<Item> {
        auto original = Load(c, original_id);
        if (!original) return original.error();
        if (original->portal_id == main.id || original->integrated_from != 0)
            return core::InvalidField("item", Msg("portal.integration_not_component"));
        if (original->state != State::kPublished || original->live_revision == 0)
            return core::Conflict(Msg("portal.integration_not_published"));
        if (auto copy = c.QueryOne("SELECT id FROM portal_items WHERE integrated_from = $1 AND state <> 'withdrawn'",
                                   {original_id})) {
            return core::Conflict(Msg("portal.integration_exists", {{"id", std::to_string(copy->Int(0))}}));
        }
        // Claim the original as it is: a take-down or an update committing meanwhile makes this
        // fail (and then it finds the integrated item), never the other way round.
        if (c.Execute("UPDATE portal_items SET version = version + 1 WHERE id = $1 AND version = $2 AND state = 'published'",
                      {original_id, original->version}) != 1) {
            return core::Conflict(Msg("portal.changed_meanwhile"));
        }
        auto live = LoadRevision(c, original_id, original->live_revision);
        if (!live) return core::NotFound(Msg("portal.revision_not_found"));
        // Into a section of the main portal that one of the original's sections maps to.
        auto mapped = MappedSections(c, original->portal_id, live->fields.sections);
        if (mapped.empty()) return core::InvalidField("main_section", Msg("portal.integration_not_mapped"));
        std::string section = main_section.empty() ? mapped.front() : main_section;
        if (std::find(mapped.begin(), mapped.end(), section) == mapped.end())
            return core::InvalidField("main_section", Msg("portal.integration_section_not_mapped", {{"code", section}}));
        if (std::find(main.languages.begin(), main.languages.end(), original->language) == main.languages.end())
            return core::InvalidField("language", Msg("portal.language_not_in_portal", {{"language", original->language}}));
        // A translation follows its original's integrated copy, when there is one.
        core::db::Value translation_of;
        if (original->translation_of) {
            if (auto t = c.QueryOne("SELECT id FROM portal_items WHERE integrated_from = $1 AND state <> 'withdrawn'",
                                    {original->translation_of})) {
                translation_of = t->Int(0);
            }
        }
        auto id = c.QueryOne(
                       "INSERT INTO portal_items (portal_id, kind, language, translation_of, state, current_revision,"
                       " live_revision, created_by, providing_unit_id, created_at, updated_at, event_at, issued_at,"
                       " first_published_at, published_at, integrated_from, integrated_revision)"
                       " VALUES ($1, $2, $3, $4, 'published', 1, 1, $5, $6, $7, $7, $8, $9, $7, $7, $10, $11)"
                       " RETURNING id",
                       {main.id, original->kind, original->language, translation_of, actor.user_id,
                        original->providing_unit_id, Ms(now), OptMs(live->fields.event_at),
                        OptMs(live->fields.issued_at), original_id, original->live_revision})
                      ->Int(0);
        const auto comment = fmt::format("Tích hợp từ cổng {} (tin #{}, phiên bản {})", original->portal, original_id,
                                         original->live_revision);
        InsertRevision(c, id, 1, now, actor, comment, live.value(), {section});
        auto copy = Load(c, id);
        if (!copy) return copy.error();
        // The main portal's own screening applies to what it shows (P-31).
        auto screening = ScreenItem(c, copy.value());
        if (!screening.terms.empty()) {
            std::string terms;
            for (const auto& t : screening.terms) terms += (terms.empty() ? "" : ", ") + t;
            return core::Conflict(Msg("portal.screening_held", {{"terms", terms}}));
        }
        EnterPostCheck(c, copy.value(), 1, "integration", now);
        Record(c, copy.value(), actor, "integrate", State::kDraft, State::kPublished, 1, comment);
        Record(c, original.value(), actor, "integrated", original->state, original->state,
               original->live_revision, fmt::format("#{} ({})", id, section));
        auto after = Load(c, id);
        SyncPublic(c, after.value());  // shown on the main portal's public pages from now on
        if (settings_.on_live) settings_.on_live(c, after.value(), actor);
        audit_.Write(c, actor,
                     {"portal.item.integrate", "portal_item", std::to_string(id), nullptr, SnapshotOf(after.value())});
        events_.Publish(c, core::Event{.topic = "portal.item",
                                       .data_json = json::serialize(json::object{{"id", id},
                                                                                 {"portal", after->portal},
                                                                                 {"state", StateCode(after->state)},
                                                                                 {"action", "integrate"}})});
        return after;
    });
}

void Service::AfterLiveChange(Connection& c, std::int64_t item_id, const audit::Actor& actor) {
    auto item = Load(c, item_id);
    if (!item) return;
    SyncRegister(c, item.value());
    SyncPublic(c, item.value());
    if (item->integrated_from == 0) FollowOriginal(c, item.value(), actor);
}

void Service::FollowOriginal(Connection& c, const Item& original, const audit::Actor& actor) {
    std::vector<std::int64_t> copies;
    for (const auto& r :
         c.Query("SELECT id FROM portal_items WHERE integrated_from = $1 AND state <> 'withdrawn'", {original.id})) {
        copies.push_back(r.Int(0));
    }
    const auto now = clock_.Now();
    for (auto id : copies) {
        auto copy = Load(c, id);
        if (!copy) continue;
        const auto& before = copy.value();
        std::string action;
        if (original.state == State::kWithdrawn) {
            action = "follow_withdraw";
            c.Execute("UPDATE portal_items SET state = 'withdrawn', version = version + 1, updated_at = $1 WHERE id = $2",
                      {Ms(now), id});
        } else if (original.state == State::kPublished) {
            // Taken down on the main board's own decision: it stays down.
            if (before.state != State::kPublished && !(before.state == State::kTakenDown && before.follows_original))
                continue;
            if (before.integrated_revision != original.live_revision) {
                auto live = LoadRevision(c, original.id, original.live_revision);
                if (!live) continue;
                const auto no = before.current_revision + 1;
                InsertRevision(c, id, no, now, actor,
                               fmt::format("Cập nhật theo bản gốc #{} (phiên bản {})", original.id, original.live_revision),
                               live.value(), before.current.fields.sections);
                c.Execute(
                    "UPDATE portal_items SET state = 'published', current_revision = $1, live_revision = $1,"
                    " integrated_revision = $2, follows_original = 0, published_at = $3, correction_note = $4,"
                    " corrected_at = $5, version = version + 1, updated_at = $3 WHERE id = $6",
                    {no, original.live_revision, Ms(now),
                     original.corrected_at ? core::db::Value{original.correction_note} : core::db::Value{},
                     OptMs(original.corrected_at), id});
                action = "follow_update";
                if (auto updated = Load(c, id)) {
                    // The main portal's own screening applies to every revision it shows (P-31): a
                    // match takes the integrated item down until a clean revision of the original.
                    if (!ScreenItem(c, updated.value()).terms.empty()) {
                        c.Execute("UPDATE portal_items SET state = 'taken_down', follows_original = 1, live_revision = $1"
                                  " WHERE id = $2",
                                  {before.live_revision, id});
                        action = "follow_update_held";
                    } else {
                        // Every update enters the post-check queue of the portal that shows it (P-14).
                        EnterPostCheck(c, updated.value(), no, "update", now);
                        if (settings_.on_live) settings_.on_live(c, updated.value(), actor);
                    }
                }
            } else if (before.state == State::kTakenDown && before.live_revision == before.current_revision) {
                // Back with its original (unless its newest revision is held by screening).
                c.Execute("UPDATE portal_items SET state = 'published', follows_original = 0, version = version + 1,"
                          " updated_at = $1 WHERE id = $2",
                          {Ms(now), id});
                action = "follow_reinstate";
            } else {
                continue;
            }
        } else if (before.state == State::kPublished) {
            // The original left the site (taken down, or back in the workflow): so does the copy.
            action = "follow_take_down";
            c.Execute("UPDATE portal_items SET state = 'taken_down', follows_original = 1, version = version + 1,"
                      " updated_at = $1 WHERE id = $2",
                      {Ms(now), id});
        } else {
            continue;
        }
        auto after = Load(c, id);
        if (!after) continue;
        SyncPublic(c, after.value());  // the public site shows the copy as it now is
        Record(c, after.value(), actor, action, before.state, after->state, after->live_revision,
               fmt::format("#{} {}", original.id, StateCode(original.state)));
        audit_.Write(c, actor,
                     {"portal.item." + action, "portal_item", std::to_string(id), SnapshotOf(before),
                      SnapshotOf(after.value())});
        events_.Publish(c, core::Event{.topic = "portal.item",
                                       .data_json = json::serialize(json::object{{"id", id},
                                                                                 {"portal", after->portal},
                                                                                 {"state", StateCode(after->state)},
                                                                                 {"action", action}})});
    }
}

}  // namespace vp::portal
