// Take-down, deletion and correction cases (P-15; 09-QC/TW Art. 10): storage and checks over the
// pure rules of takedowns.hpp.
#include <boost/json.hpp>
#include <fmt/format.h>

#include "calendar/iso_time.hpp"
#include "core/message.hpp"
#include "portal/internal.hpp"
#include "portal/portal.hpp"

namespace vp::portal {
namespace {

namespace json = boost::json;
using core::Msg;
using core::db::Connection;
using namespace detail;

constexpr std::string_view kSelectCase =
    "SELECT t.id, t.item_id, p.code, t.kind, t.reason, t.urgent, t.central, t.status, COALESCE(t.requested_by_unit_id, "
    "0),"
    " COALESCE(t.request_number, ''), COALESCE(t.request_date, ''), COALESCE(t.request_file, ''), "
    "t.request_recorded_at,"
    " COALESCE(t.agreement_note, ''), t.agreement_recorded_at, COALESCE(t.decided_by_name, ''), "
    "COALESCE(t.decided_role, ''),"
    " t.decided_at, t.executed_at, t.correction_note, COALESCE(t.responsibility_json, 'null'), t.responsibility_due_at,"
    " t.responsibility_confirmed_at, t.created_by, t.created_at"
    " FROM portal_takedowns t JOIN portal_portals p ON p.id = t.portal_id";

Takedown CaseFromRow(const core::db::Row& r) {
    Takedown t;
    t.id = r.Int(0);
    t.item_id = r.Int(1);
    t.portal = r.Text(2);
    t.kind = ParseCaseKind(r.Text(3)).value_or(CaseKind::kTakeDown);
    t.reason = r.Text(4);
    t.urgent = r.Bool(5);
    t.central = r.Bool(6);
    t.status = r.Text(7);
    t.requested_by_unit_id = r.Int(8);
    t.request_number = r.Text(9);
    t.request_date = r.Text(10);
    t.request_file = r.Text(11);
    t.request_recorded_at = OptTime(r, 12);
    t.agreement_note = r.Text(13);
    t.agreement_recorded_at = OptTime(r, 14);
    t.decided_by_name = r.Text(15);
    t.decided_role = r.Text(16);
    t.decided_at = OptTime(r, 17);
    t.executed_at = OptTime(r, 18);
    t.correction_note = r.Text(19);
    t.responsibility = json::parse(r.Text(20));
    t.responsibility_due_at = core::FromMillis(r.Int(21));
    t.responsibility_confirmed_at = OptTime(r, 22);
    t.created_by = r.Int(23);
    t.created_at = core::FromMillis(r.Int(24));
    return t;
}

CaseFacts FactsOf(const Takedown& t) {
    return CaseFacts{.kind = t.kind,
                     .central = t.central,
                     .urgent = t.urgent,
                     .unit_requested = t.requested_by_unit_id != 0,
                     .request_recorded = t.request_recorded_at.has_value(),
                     .agreement_recorded = t.agreement_recorded_at.has_value()};
}

bool IsIsoDay(std::string_view s) {
    if (s.size() != 10 || s[4] != '-' || s[7] != '-') return false;
    for (int i : {0, 1, 2, 3, 5, 6, 8, 9}) {
        if (s[i] < '0' || s[i] > '9') return false;
    }
    return calendar::TryParseIso(std::string(s) + "T00:00:00+07:00").ok();
}

}  // namespace

core::Result<Takedown> Service::LoadTakedown(Connection& c, std::int64_t id) const {
    auto r = c.QueryOne(std::string(kSelectCase) + " WHERE t.id = $1", {id});
    if (!r) return core::NotFound(Msg("portal.takedown_not_found"));
    return CaseFromRow(*r);
}

json::value Service::ResponsibilityOf(Connection& c, const Item& item) const {
    // Who provided, edited, reviewed and published, from the item's history (Art. 10.4).
    json::array provided, edited, reviewed, published;
    auto add = [](json::array& to, const std::string& user, const std::string& role) {
        for (const auto& e : to) {
            if (e.at("username").as_string() == user) return;
        }
        to.push_back(json::object{{"username", user}, {"role", role}});
    };
    for (const auto& r :
         c.Query("SELECT username, role, action FROM portal_item_events WHERE item_id = $1 ORDER BY id", {item.id})) {
        const auto& action = r.Text(2);
        if (action == "create" || action == "submit") add(provided, r.Text(0), r.Text(1));
        if (action == "take" || action == "edit" || action == "edit_published" || action == "send_to_review")
            add(edited, r.Text(0), r.Text(1));
        if (action == "approve") add(reviewed, r.Text(0), r.Text(1));
        if (action == "publish") add(published, r.Text(0), r.Text(1));
    }
    return json::object{{"providing_unit_id", item.providing_unit_id},
                        {"provided_by", std::move(provided)},
                        {"edited_by", std::move(edited)},
                        {"reviewed_by", std::move(reviewed)},
                        {"published_by", std::move(published)}};
}

core::Result<Takedown> Service::ExecuteTakedown(Connection& c, Takedown t, const audit::Actor& actor) {
    auto item = Load(c, t.item_id);
    if (!item) return item.error();
    const auto now = clock_.Now();
    const auto to = StateAfterExecution(t.kind);
    std::int64_t changed = 0;
    if (to) {
        // The live revision leaves the public site; every revision stays.
        changed = c.Execute(
            "UPDATE portal_items SET state = $1, version = version + 1, updated_at = $2 WHERE id = $3 AND version = $4",
            {std::string(StateCode(*to)), Ms(now), item->id, item->version});
    } else {
        // A decided correction reopens the item for one edit through the workflow, even after the
        // post-check lock; the corrected revision carries the notice when it goes live.
        changed = c.Execute(
            "UPDATE portal_items SET lock_at = NULL, version = version + 1, updated_at = $1 WHERE id = $2 AND version "
            "= $3",
            {Ms(now), item->id, item->version});
    }
    if (changed != 1) return core::Conflict(Msg("portal.changed_meanwhile"));
    AfterLiveChange(c, item->id, actor);
    const auto status = StatusAfterExecution(FactsOf(t));
    c.Execute(
        "UPDATE portal_takedowns SET status = $1, executed_at = $2, decided_by = $3, decided_by_name = $4, "
        "decided_role = $5,"
        " decided_at = $2, responsibility_json = $6 WHERE id = $7",
        {std::string(status), Ms(now), actor.user_id, actor.username, actor.role,
         json::serialize(ResponsibilityOf(c, *item)), t.id});
    auto after = Load(c, t.item_id);
    Record(c, after.value(), actor, std::string(CaseKindCode(t.kind)), item->state, after->state, item->live_revision,
           t.reason);
    audit_.Write(c, actor,
                 {"portal.takedown.execute", "portal_takedown", std::to_string(t.id), SnapshotOf(*item),
                  SnapshotOf(after.value())});
    events_.Publish(c, core::Event{
                           .topic = "portal.item",
                           .data_json = json::serialize(json::object{{"id", after->id},
                                                                     {"portal", after->portal},
                                                                     {"state", StateCode(after->state)},
                                                                     {"action", CaseKindCode(t.kind)}})});
    return LoadTakedown(c, t.id);
}

core::Result<Takedown> Service::OpenTakedown(const Principal& who, std::int64_t item_id, NewTakedown in) {
    auto item = GetItem(who, item_id);
    if (!item) return item.error();
    // Opening a case is the portal's directors' (they act at once on items outside the scope).
    auto actor = AuthorizeOn(who, kItemDirect, item.value(), false);
    if (!actor) return actor.error();
    auto reason = CleanText("reason", in.reason, 4000, true);
    if (!reason) return reason.error();
    if (reason->empty()) return core::InvalidField("reason", Msg("portal.reason_required"));
    auto note = CleanText("correction_note", in.correction_note, 2000, true);
    if (!note) return note.error();
    if (in.kind == CaseKind::kCorrection && note->empty()) {
        return core::InvalidField("correction_note", Msg("portal.correction_note_required"));
    }
    // An integrated item is corrected at its original (P-1); it may only be taken down or deleted here.
    if (in.kind == CaseKind::kCorrection && item->integrated_from)
        return core::Conflict(Msg("portal.integrated_edit_original"));
    if (item->state != State::kPublished && !(in.kind != CaseKind::kTakeDown && item->state == State::kTakenDown)) {
        return core::Conflict(Msg("portal.takedown_not_published"));
    }
    std::optional<units::Unit> unit;
    if (!in.requested_by_unit.empty()) {
        unit = units_.FindByCode(in.requested_by_unit);
        if (!unit) return core::InvalidField("requested_by_unit", Msg("portal.unit_not_found"));
    }
    const bool central = item->portal == kMainPortal && item->integrated_from == 0;
    CaseFacts facts{.kind = in.kind, .central = central, .urgent = in.urgent, .unit_requested = unit.has_value()};
    if (in.urgent) {
        if (auto st = MayActUrgently(facts); !st) return st.error();
    }
    const auto now = clock_.Now();
    return db_.Transact([&](Connection& c) -> core::Result<Takedown> {
        auto id = c.QueryOne(
                       "INSERT INTO portal_takedowns (item_id, portal_id, kind, reason, urgent, central, status,"
                       " requested_by_unit_id, correction_note, responsibility_due_at, created_by, created_at)"
                       " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING id",
                       {item->id, item->portal_id, std::string(CaseKindCode(in.kind)), reason.value(), in.urgent,
                        central, std::string(kAwaitingDecision), unit ? core::db::Value{unit->id} : core::db::Value{},
                        note.value(), Ms(now + std::chrono::hours(24)), actor->user_id, Ms(now)})
                      ->Int(0);
        auto t = LoadTakedown(c, id);
        audit_.Write(c, actor.value(),
                     {"portal.takedown.open", "portal_takedown", std::to_string(id), nullptr,
                      ToJson(t.value(), "Asia/Ho_Chi_Minh")});
        if (!in.urgent) return t;
        return ExecuteTakedown(c, t.value(), actor.value());
    });
}

core::Result<std::pair<Takedown, audit::Actor>> Service::CaseForDirector(const Principal& who,
                                                                         std::int64_t case_id) const {
    // The steps of a case are the portal's directors': the case, and the actor allowed on its item.
    auto t = db_.Read([&](Connection& c) { return LoadTakedown(c, case_id); });
    if (!t) return t.error();
    auto item = GetItem(who, t->item_id);
    if (!item) return item.error();
    auto actor = AuthorizeOn(who, kItemDirect, item.value(), false);
    if (!actor) return actor.error();
    return std::pair{std::move(t).value(), std::move(actor).value()};
}

core::Result<Takedown> Service::RecordWrittenRequest(const Principal& who, std::int64_t case_id, WrittenRequest rq) {
    auto held = CaseForDirector(who, case_id);
    if (!held) return held.error();
    auto& [t, actor] = held.value();
    if (!t.requested_by_unit_id) return core::Conflict(Msg("portal.takedown_no_unit_request"));
    auto number = CleanText("number", rq.number, 100);
    if (!number) return number.error();
    if (number->empty()) return core::InvalidField("number", Msg("portal.field_required", {{"field", "number"}}));
    if (!IsIsoDay(rq.date)) return core::InvalidField("date", Msg("portal.date_invalid"));
    if (!rq.file.empty() && (!rq.file.starts_with('/') || rq.file.starts_with("//") ||
                             rq.file.find_first_of("\"'<> \r\n\\") != std::string::npos)) {
        return core::InvalidField("file", Msg("portal.media_url_invalid"));
    }
    const auto now = clock_.Now();
    return db_.Transact([&](Connection& c) -> core::Result<Takedown> {
        auto changed = c.Execute(
            "UPDATE portal_takedowns SET request_number = $1, request_date = $2, request_file = $3,"
            " request_recorded_by = $4, request_recorded_at = $5,"
            " status = CASE WHEN status = 'awaiting_written_request' THEN 'executed' ELSE status END"
            " WHERE id = $6 AND request_recorded_at IS NULL",
            {number.value(), rq.date, rq.file, actor.user_id, Ms(now), case_id});
        if (changed != 1) return core::Conflict(Msg("portal.takedown_request_recorded"));
        auto after = LoadTakedown(c, case_id);
        audit_.Write(c, actor,
                     {"portal.takedown.written_request", "portal_takedown", std::to_string(case_id),
                      ToJson(t, "Asia/Ho_Chi_Minh"), ToJson(after.value(), "Asia/Ho_Chi_Minh")});
        return after;
    });
}

core::Result<Takedown> Service::RecordAgreement(const Principal& who, std::int64_t case_id, std::string note) {
    auto held = CaseForDirector(who, case_id);
    if (!held) return held.error();
    auto& [t, actor] = held.value();
    auto text = CleanText("note", note, 2000, true);
    if (!text) return text.error();
    if (text->empty()) return core::InvalidField("note", Msg("portal.field_required", {{"field", "note"}}));
    const auto now = clock_.Now();
    return db_.Transact([&](Connection& c) -> core::Result<Takedown> {
        auto changed = c.Execute(
            "UPDATE portal_takedowns SET agreement_note = $1, agreement_recorded_by = $2, agreement_recorded_at = $3"
            " WHERE id = $4 AND agreement_recorded_at IS NULL",
            {text.value(), actor.user_id, Ms(now), case_id});
        if (changed != 1) return core::Conflict(Msg("portal.takedown_agreement_recorded"));
        auto after = LoadTakedown(c, case_id);
        audit_.Write(c, actor,
                     {"portal.takedown.agreement", "portal_takedown", std::to_string(case_id), nullptr,
                      json::object{{"note", text.value()}}});
        return after;
    });
}

core::Result<Takedown> Service::DecideTakedown(const Principal& who, std::int64_t case_id) {
    auto t = db_.Read([&](Connection& c) { return LoadTakedown(c, case_id); });
    if (!t) return t.error();
    auto portal = FindPortal(t->portal);
    if (!portal) return core::NotFound(Msg("portal.takedown_not_found"));
    const auto facts = FactsOf(t.value());
    auto actor = policy_.Authorize(who, DeciderOf(facts), core::access::Scope::Portal(portal->code, portal->unit_id));
    if (!actor) return actor.error();
    if (t->status != kAwaitingDecision) return core::Conflict(Msg("portal.takedown_decided"));
    if (auto st = MayDecide(facts); !st) return st.error();
    return db_.Transact([&](Connection& c) -> core::Result<Takedown> {
        auto fresh = LoadTakedown(c, case_id);
        if (!fresh) return fresh.error();
        // Claim the decision: of two concurrent decisions one executes.
        if (c.Execute("UPDATE portal_takedowns SET status = 'deciding' WHERE id = $1 AND status = 'awaiting_decision'",
                      {case_id}) != 1) {
            return core::Conflict(Msg("portal.takedown_decided"));
        }
        return ExecuteTakedown(c, fresh.value(), actor.value());
    });
}

core::Result<Takedown> Service::ConfirmResponsibility(const Principal& who, std::int64_t case_id) {
    auto held = CaseForDirector(who, case_id);
    if (!held) return held.error();
    auto& [t, actor] = held.value();
    if (!t.executed_at) return core::Conflict(Msg("portal.takedown_not_executed"));
    return db_.Transact([&](Connection& c) -> core::Result<Takedown> {
        auto changed = c.Execute(
            "UPDATE portal_takedowns SET responsibility_confirmed_by = $1, responsibility_confirmed_at = $2"
            " WHERE id = $3 AND responsibility_confirmed_at IS NULL",
            {actor.user_id, Ms(clock_.Now()), case_id});
        if (changed != 1) return core::Conflict(Msg("portal.takedown_responsibility_confirmed"));
        auto after = LoadTakedown(c, case_id);
        audit_.Write(c, actor,
                     {"portal.takedown.responsibility", "portal_takedown", std::to_string(case_id), nullptr,
                      after->responsibility});
        return after;
    });
}

core::Result<std::vector<Takedown>> Service::Takedowns(const Principal& who, std::int64_t item_id) const {
    auto item = GetItem(who, item_id);
    if (!item) return item.error();
    return db_.Read([&](Connection& c) {
        std::vector<Takedown> out;
        for (const auto& r : c.Query(std::string(kSelectCase) + " WHERE t.item_id = $1 ORDER BY t.id", {item_id}))
            out.push_back(CaseFromRow(r));
        return out;
    });
}

int Service::RemindTakedowns() {
    const auto now = clock_.Now();
    const auto day_ago = now - std::chrono::hours(24);
    return db_.Transact([&](Connection& c) {
        int sent = 0;
        for (const auto& r : c.Query("SELECT t.id, t.created_by, t.status, t.item_id FROM portal_takedowns t"
                                     " WHERE (t.status = 'awaiting_written_request' OR (t.executed_at IS NOT NULL AND"
                                     " t.responsibility_confirmed_at IS NULL AND t.responsibility_due_at <= $1))"
                                     " AND (t.reminded_at IS NULL OR t.reminded_at <= $2)",
                                     {Ms(now + std::chrono::hours(1)), Ms(day_ago)})) {
            if (settings_.notify) {
                const bool request = r.Text(2) == kAwaitingWrittenRequest;
                settings_.notify(
                    c, r.Int(1),
                    core::Text(request ? Msg("portal.reminder_written_request", {{"id", std::to_string(r.Int(0))}})
                                       : Msg("portal.reminder_responsibility", {{"id", std::to_string(r.Int(0))}}),
                               "vi"),
                    "", "/admin/portal/items/" + std::to_string(r.Int(3)));
            }
            c.Execute("UPDATE portal_takedowns SET reminded_at = $1 WHERE id = $2", {Ms(now), r.Int(0)});
            ++sent;
        }
        return sent;
    });
}

json::object ToJson(const Takedown& t, std::string_view tz) {
    auto iso = [&](const std::optional<core::TimePoint>& x) -> json::value {
        if (!x) return nullptr;
        return json::value(calendar::FormatIso(*x, tz));
    };
    json::object o{{"id", t.id},
                   {"item_id", t.item_id},
                   {"portal", t.portal},
                   {"kind", CaseKindCode(t.kind)},
                   {"reason", t.reason},
                   {"urgent", t.urgent},
                   {"central", t.central},
                   {"status", t.status},
                   {"decided_by", t.decided_by_name},
                   {"decided_role", t.decided_role},
                   {"decided_at", iso(t.decided_at)},
                   {"executed_at", iso(t.executed_at)},
                   {"correction_note", t.correction_note},
                   {"responsibility", json::object{{"due_at", calendar::FormatIso(t.responsibility_due_at, tz)},
                                                   {"confirmed_at", iso(t.responsibility_confirmed_at)},
                                                   {"record", t.responsibility}}},
                   {"created_at", calendar::FormatIso(t.created_at, tz)}};
    o["written_request"] = t.requested_by_unit_id
                               ? json::value(json::object{{"unit_id", t.requested_by_unit_id},
                                                          {"number", t.request_number},
                                                          {"date", t.request_date},
                                                          {"file", t.request_file},
                                                          {"recorded_at", iso(t.request_recorded_at)}})
                               : json::value(nullptr);
    o["agreement"] =
        t.agreement_recorded_at
            ? json::value(json::object{{"note", t.agreement_note}, {"recorded_at", iso(t.agreement_recorded_at)}})
            : json::value(nullptr);
    return o;
}

}  // namespace vp::portal
