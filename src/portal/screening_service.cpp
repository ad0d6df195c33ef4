// Screening of prohibited content (P-31): the portals' lists of terms and the holds they put on
// publication. The rules (what matches) are in screening.cpp.
#include <boost/json.hpp>

#include <limits>

#include "calendar/iso_time.hpp"
#include "core/message.hpp"
#include "core/text.hpp"
#include "portal/internal.hpp"
#include "portal/portal.hpp"

namespace vp::portal {

namespace json = boost::json;
using core::Msg;
using core::db::Connection;
using namespace detail;

namespace {

constexpr std::string_view kSelectTerm =
    "SELECT t.id, p.code, t.term, t.note, t.created_at, t.retired_at, p.unit_id"
    " FROM portal_prohibited_terms t JOIN portal_portals p ON p.id = t.portal_id";

ProhibitedTerm TermFromRow(const core::db::Row& r) {
    return {.id = r.Int(0),
            .portal = r.Text(1),
            .term = r.Text(2),
            .note = r.Text(3),
            .created_at = core::FromMillis(r.Int(4)),
            .retired_at = OptTime(r, 5)};
}

}  // namespace

core::Result<audit::Actor> Service::AuthorizeOnPortal(const Principal& who, core::access::Permission p,
                                                      const Portal& portal) const {
    return policy_.Authorize(who, p, core::access::Scope::Portal(portal.code, portal.unit_id));
}

core::Result<std::vector<ProhibitedTerm>> Service::ProhibitedTerms(const Principal& who,
                                                                   const std::string& portal_code) const {
    auto portal = PortalOrError(portal_code);
    if (!portal) return portal.error();
    if (auto a = AuthorizeOnPortal(who, kTermsManage, portal.value()); !a) return a.error();
    return db_.Read([&](Connection& c) {
        std::vector<ProhibitedTerm> out;
        for (const auto& r : c.Query(std::string(kSelectTerm) +
                                         " WHERE t.portal_id = $1 AND t.retired_at IS NULL ORDER BY t.folded",
                                     {portal->id})) {
            out.push_back(TermFromRow(r));
        }
        return out;
    });
}

core::Result<ProhibitedTerm> Service::AddProhibitedTerm(const Principal& who, const std::string& portal_code,
                                                        std::string term_in, std::string note_in) {
    auto portal = PortalOrError(portal_code);
    if (!portal) return portal.error();
    auto actor = AuthorizeOnPortal(who, kTermsManage, portal.value());
    if (!actor) return actor.error();
    auto term = CleanText("term", term_in, 200);
    if (!term) return term.error();
    auto note = CleanText("note", note_in, 1000);
    if (!note) return note.error();
    // A term must hold a word: punctuation alone would match nothing.
    if (Screen({{"term", term.value()}}, {term.value()}).empty())
        return core::InvalidField("term", Msg("portal.term_no_word"));
    const auto folded = core::FoldDiacritics(term.value());
    const auto now = Ms(clock_.Now());
    // Two administrators adding one term at once meet at the unique index.
    try {
        return db_.Transact([&](Connection& c) -> core::Result<ProhibitedTerm> {
        if (c.QueryOne("SELECT 1 FROM portal_prohibited_terms WHERE portal_id = $1 AND folded = $2 AND retired_at IS NULL",
                       {portal->id, folded})) {
            return core::Conflict(Msg("portal.term_exists"));
        }
        auto id = c.QueryOne(
                       "INSERT INTO portal_prohibited_terms (portal_id, term, folded, note, created_by, created_at)"
                       " VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
                       {portal->id, term.value(), folded, note.value(), who.user_id, now})
                      ->Int(0);
        auto t = TermFromRow(*c.QueryOne(std::string(kSelectTerm) + " WHERE t.id = $1", {id}));
        audit_.Write(c, actor.value(),
                     {"portal.term.add", "portal_prohibited_term", std::to_string(id), nullptr,
                      json::object{{"portal", portal->code}, {"term", t.term}}});
        return t;
        });
    } catch (const core::db::UniqueViolation&) {
        return core::Conflict(Msg("portal.term_exists"));
    }
}

core::Result<ProhibitedTerm> Service::RetireProhibitedTerm(const Principal& who, std::int64_t term_id) {
    auto found = db_.Read([&](Connection& c) { return c.QueryOne(std::string(kSelectTerm) + " WHERE t.id = $1", {term_id}); });
    if (!found) return core::NotFound(Msg("portal.term_not_found"));
    auto term = TermFromRow(*found);
    auto actor = policy_.Authorize(who, kTermsManage, core::access::Scope::Portal(term.portal, found->Int(6)));
    if (!actor) return actor.error();
    return db_.Transact([&](Connection& c) -> core::Result<ProhibitedTerm> {
        const auto now = Ms(clock_.Now());
        if (c.Execute("UPDATE portal_prohibited_terms SET retired_at = $1, retired_by = $2 WHERE id = $3 AND retired_at IS NULL",
                      {now, who.user_id, term_id}) != 1) {
            return core::Conflict(Msg("portal.term_already_retired"));
        }
        auto after = TermFromRow(*c.QueryOne(std::string(kSelectTerm) + " WHERE t.id = $1", {term_id}));
        audit_.Write(c, actor.value(),
                     {"portal.term.retire", "portal_prohibited_term", std::to_string(term_id),
                      json::object{{"term", term.term}}, json::object{{"term", term.term}, {"retired", true}}});
        return after;
    });
}

ScreeningState Service::ScreenItem(Connection& c, const Item& item) const {
    ScreeningState s;
    s.revision = item.current_revision;
    std::vector<std::string> terms;
    for (const auto& r : c.Query("SELECT term FROM portal_prohibited_terms WHERE portal_id = $1 AND retired_at IS NULL",
                                 {item.portal_id})) {
        terms.push_back(r.Text(0));
    }
    if (terms.empty()) return s;
    const auto& f = item.current.fields;
    std::string tags, captions;
    for (const auto& t : f.tags) tags += (tags.empty() ? "" : " · ") + t;
    for (const auto& m : f.media) captions += (captions.empty() ? "" : "\n") + m.caption + " — " + m.credit;
    std::string authors;
    for (const auto& a : f.authors) authors += (authors.empty() ? "" : ", ") + a;
    s.matches = Screen({{"title", f.title},
                        {"lead", f.lead},
                        {"body", item.current.body_text},
                        {"tags", tags},
                        {"captions", captions},
                        {"authors", authors},
                        {"source", f.source},
                        {"original_source", f.original_source}},
                       terms, std::numeric_limits<std::size_t>::max());
    // Every matched term decides the hold; the page shows the first matches only.
    s.terms = MatchedTerms(s.matches);
    constexpr std::size_t kShown = 200;
    if (s.matches.size() > kShown) s.matches.resize(kShown);
    if (s.terms.empty()) return s;
    // Confirmed when every matched term was confirmed for this very revision.
    std::vector<std::string> confirmed;
    for (const auto& r : c.Query("SELECT terms_json, reason, confirmed_by_name FROM portal_screening_confirmations"
                                 " WHERE item_id = $1 AND revision = $2 ORDER BY id",
                                 {item.id, s.revision})) {
        boost::system::error_code ec;
        auto v = json::parse(r.Text(0), ec);
        if (!ec && v.is_array()) {
            for (const auto& t : v.as_array()) {
                if (t.is_string()) confirmed.emplace_back(t.as_string());
            }
        }
        s.reason = r.Text(1);
        s.confirmed_by_name = r.Text(2);
    }
    s.confirmed = std::all_of(s.terms.begin(), s.terms.end(), [&](const std::string& t) {
        return std::find(confirmed.begin(), confirmed.end(), t) != confirmed.end();
    });
    if (!s.confirmed) {
        s.reason.clear();
        s.confirmed_by_name.clear();
    }
    return s;
}

core::Result<Item> Service::ConfirmScreening(const Principal& who, std::int64_t item_id, std::string reason_in) {
    auto item = GetItem(who, item_id);
    if (!item) return item.error();
    auto actor = AuthorizeOn(who, kItemPublish, item.value(), false);
    if (!actor) return actor.error();
    auto reason = CleanText("reason", reason_in, 4000, true);
    if (!reason) return reason.error();
    if (reason->empty()) return core::InvalidField("reason", Msg("portal.reason_required"));
    auto done = db_.Transact([&](Connection& c) -> core::Result<std::monostate> {
        auto fresh = Load(c, item_id);
        if (!fresh) return fresh.error();
        if (fresh->version != item->version) return core::Conflict(Msg("portal.changed_meanwhile"));
        auto s = ScreenItem(c, fresh.value());
        if (s.terms.empty()) return core::Conflict(Msg("portal.screening_nothing_to_confirm"));
        json::array terms;
        for (const auto& t : s.terms) terms.emplace_back(t);
        c.Execute(
            "INSERT INTO portal_screening_confirmations (item_id, revision, terms_json, reason, confirmed_by,"
            " confirmed_by_name, role, confirmed_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
            {item_id, s.revision, json::serialize(terms), reason.value(), actor->user_id, actor->username, actor->role,
             Ms(clock_.Now())});
        Record(c, fresh.value(), actor.value(), "confirm_screening", fresh->state, fresh->state, s.revision,
               reason.value());
        audit_.Write(c, actor.value(),
                     {"portal.item.confirm_screening", "portal_item", std::to_string(item_id), nullptr,
                      json::object{{"revision", s.revision}, {"terms", terms}, {"reason", reason.value()}}});
        return std::monostate{};
    });
    if (!done) return done.error();
    return GetItem(who, item_id, true);
}

json::object ToJson(const ScreeningState& s) {
    json::array matches;
    for (const auto& m : s.matches) {
        matches.push_back(json::object{{"term", m.term},
                                       {"form", m.form},
                                       {"field", m.field},
                                       {"before", m.before},
                                       {"text", m.text},
                                       {"after", m.after}});
    }
    json::array terms;
    for (const auto& t : s.terms) terms.emplace_back(t);
    json::object o{{"revision", s.revision}, {"held", s.held()}, {"confirmed", s.confirmed}, {"terms", terms},
                   {"matches", matches}};
    if (s.confirmed) {
        o["confirmed_by"] = s.confirmed_by_name;
        o["reason"] = s.reason;
    }
    return o;
}

json::object ToJson(const ProhibitedTerm& t, std::string_view time_zone) {
    json::object o{{"id", t.id}, {"portal", t.portal}, {"term", t.term}, {"note", t.note},
                   {"created_at", calendar::FormatIso(t.created_at, time_zone)}};
    if (t.retired_at) o["retired_at"] = calendar::FormatIso(*t.retired_at, time_zone);
    return o;
}

}  // namespace vp::portal
