#pragma once
// The Portal back office (P-1, P-2, P-10, P-12, P-13, P-14, P-16, P-27, P-28): portals and their
// sections, items saved as whole-item revisions, the editorial workflow (workflow.hpp), deadlines
// and post-checks (deadlines.hpp). The public site reads only what this module publishes: the
// live revision of published items (PublishedItem, ListPublished).
//
// Every method takes the acting principal and checks permission and portal scope itself.

#include <cstdint>
#include <functional>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <boost/json/value.hpp>

#include "audit/audit.hpp"
#include "calendar/service.hpp"
#include "core/access.hpp"
#include "core/clock.hpp"
#include "core/db/database.hpp"
#include "core/events.hpp"
#include "core/result.hpp"
#include "core/secret_box.hpp"
#include "portal/library.hpp"
#include "portal/royalties.hpp"
#include "portal/screening.hpp"
#include "portal/takedowns.hpp"
#include "portal/workflow.hpp"
#include "units/units.hpp"

namespace vp::portal {

using core::access::Principal;

/// Item kinds (P-2): the editorial ones and the thematic kinds of 09-QC/TW Art. 9 as data.
const std::vector<std::string>& ItemKinds();
/// Language codes a portal may publish in (P-5): vi and en mandatory on the main portal.
const std::vector<std::string>& KnownLanguages();
/// The main portal's code.
inline constexpr std::string_view kMainPortal = "main";

struct Portal {
    std::int64_t id = 0;
    std::string code;
    std::int64_t unit_id = 0;
    std::string kind;  ///< main | agency | ministry | province | city
    std::string name_vi, name_en;
    std::string host;         ///< own host name, or ""
    std::string path_prefix;  ///< prefix on the main site ("/hau-giang"), or ""
    std::vector<std::string> languages;
    std::string time_zone = "Asia/Ho_Chi_Minh";
    std::string calendar_code;
    std::string status;
};

struct Section {
    std::int64_t id = 0;
    std::int64_t portal_id = 0;
    std::int64_t parent_id = 0;
    std::string code, name_vi, name_en;
    std::int64_t sort_order = 0;
    bool mandatory = false;
    std::string status;
    std::int64_t maps_to_section_id = 0;  ///< the main portal's section that integrates it (P-1)
};

struct MediaRef {
    std::string url;  ///< same-site path of the file (the media module's /media/...)
    std::string caption;
    std::string credit;
};

/// An official document's entry in the register (P-3): its kind (DocumentKinds()), number and
/// symbol ("18", "NQ/TW"), issuing body and signer; its issue date is ItemFields::issued_at,
/// its summary the lead, its files the media.
struct DocumentMeta {
    std::string doc_kind, number, symbol, issuer, signer;
    bool empty() const { return doc_kind.empty() && number.empty() && symbol.empty() && issuer.empty() && signer.empty(); }
};

/// Everything one revision holds besides the body: stored whole with every save.
struct ItemFields {
    std::string title;
    std::string lead;       ///< sapo
    std::string body_html;  ///< sanitised on the way in
    std::vector<std::string> authors;
    std::string source;           ///< required (P-6)
    std::string original_source;  ///< for quoted or collected items
    std::string original_url;
    std::vector<std::string> sections;  ///< section codes of the item's portal
    std::vector<std::string> tags;
    std::vector<MediaRef> media;
    std::optional<core::TimePoint> event_at;
    std::optional<core::TimePoint> issued_at;
    std::string royalty_grade;
    DocumentMeta document;            ///< official documents only (P-3)
    std::vector<std::int64_t> cites;  ///< documents of the shared register the item cites (P-25)
};

struct NewItem {
    std::string portal;  ///< the portal's code ("main")
    std::string kind;
    std::string language = "vi";
    std::int64_t translation_of = 0;
    ItemFields fields;
};

struct Revision {
    std::int64_t no = 0;
    core::TimePoint created_at{};
    std::int64_t created_by = 0;
    std::string created_by_name;
    std::string role;
    std::string comment;
    ItemFields fields;
    std::string body_text;
};

struct PostCheck {
    std::int64_t id = 0;
    std::int64_t item_id = 0;
    std::int64_t revision = 0;
    std::string reason;  ///< publication | update | integration
    core::TimePoint entered_at{}, due_at{};
    std::string state;  ///< pending | checked | finding
    std::int64_t checked_by = 0;
    std::optional<core::TimePoint> checked_at;
    std::string finding;
    std::string title;  ///< of the item (queues)
};

/// The screening of an item's newest revision against its portal's prohibited terms (P-31).
struct ScreeningState {
    std::int64_t revision = 0;
    std::vector<ScreeningMatch> matches;
    std::vector<std::string> terms;  ///< distinct matched terms
    bool confirmed = false;          ///< a publisher confirmed every matched term for this revision
    std::string confirmed_by_name, reason;
    /// Publication waits for a publisher's confirmation.
    bool held() const { return !terms.empty() && !confirmed; }
};

struct Item {
    std::int64_t id = 0;
    std::string portal;  ///< code
    std::int64_t portal_id = 0;
    std::int64_t portal_unit_id = 0;  ///< the portal's unit (the scope of every check on the item)
    std::string time_zone;            ///< the portal's zone (its post-check day, its times in JSON)
    std::string kind, language;
    std::int64_t translation_of = 0;
    State state = State::kDraft;
    std::int64_t version = 0;
    std::int64_t current_revision = 0;
    std::int64_t live_revision = 0;     ///< 0: never published
    std::int64_t pending_revision = 0;  ///< 0: none
    std::optional<State> pending_state;
    std::int64_t created_by = 0;
    std::int64_t providing_unit_id = 0;
    core::TimePoint created_at{}, updated_at{};
    std::optional<core::TimePoint> deadline_due_at, scheduled_at, first_published_at, published_at, lock_at;
    std::int64_t integrated_from = 0;      ///< the component portal's original shown here (P-1)
    std::int64_t integrated_revision = 0;  ///< the original's revision this item shows
    bool follows_original = false;         ///< taken down because its original left the site
    std::optional<PostCheck> post_check;  ///< the latest entry of the post-check queue
    Revision current;                     ///< the newest revision (the pending one when editing a published item)
    bool locked = false;                  ///< computed at read time from lock_at
    std::string correction_note;          ///< shown on the public page once corrected (P-15)
    std::optional<ScreeningState> screening;  ///< filled by GetItem(…, true) for the board (P-31)
    std::optional<core::TimePoint> corrected_at;
    /// Deadline met: published at or before the due time; nullopt while unpublished and not due.
    std::optional<bool> deadline_met;
};

/// What the workflow rules need to know of an item.
inline ItemFacts FactsOf(const Item& it) {
    return {.state = it.state, .pending = it.pending_state, .locked = it.locked};
}
/// The scope of every permission check on an item: its portal, and that portal's unit.
inline core::access::Scope ScopeOf(const Item& it) { return core::access::Scope::Portal(it.portal, it.portal_unit_id); }

struct HistoryEntry {
    std::int64_t id = 0;
    core::TimePoint at{};
    std::int64_t user_id = 0;
    std::string username, role, action, from_state, to_state, comment;
    std::int64_t revision = 0;
};

/// One line of a side-by-side comparison of two revisions' bodies.
struct DiffLine {
    char op = ' ';  ///< ' ' same, '-' only in a, '+' only in b
    std::string text;
};
struct FieldChange {
    std::string field;
    boost::json::value a, b;
};
struct RevisionDiff {
    std::int64_t a = 0, b = 0;
    std::vector<FieldChange> fields;
    std::vector<DiffLine> body;
};

struct ActionInput {
    std::string comment;                ///< sending back needs one (P-10)
    std::string reason;                 ///< taking down and withdrawing need one (P-15)
    std::optional<core::TimePoint> at;  ///< schedule: when (future, exact to the minute)
    std::int64_t expected_version = 0;  ///< > 0: refuse with Conflict when the item changed since
    /// submit by a contributor: who he is, how to pay him, his unit head's approval (P-11). Empty
    /// person fields are taken from his last submission on the portal.
    std::optional<Contribution> contribution;
};

struct ProhibitedTerm {
    std::int64_t id = 0;
    std::string portal;
    std::string term, note;
    core::TimePoint created_at{};
    std::optional<core::TimePoint> retired_at;
};

/// A contributor's submission as stored; the bank account is masked unless the reader is the
/// royalty officer (bank_visible).
struct ContributionRecord {
    std::int64_t id = 0;
    std::int64_t item_id = 0;
    std::int64_t revision = 0;
    std::int64_t user_id = 0;
    Contribution details;
    bool bank_visible = false;
    core::TimePoint submitted_at{};
};

struct RoyaltyRate {
    std::int64_t id = 0;
    std::string kind, grade;
    std::int64_t amount = 0;  ///< đồng
    core::TimePoint valid_from{};
};

struct RoyaltyLine {
    std::int64_t item_id = 0;
    std::string title, kind, grade;
    std::int64_t amount = 0;
    bool rated = false;  ///< false: no amount for this kind and grade in the table at publication
    core::TimePoint published_at{};
    std::int64_t payee_user_id = 0;
    std::string payee_name;
    std::string bank_account, bank_branch;  ///< the royalty officer's report only; masked otherwise
};

/// How one providing unit kept the publication deadlines (P-13; Hậu Giang Art. 10).
struct ComplianceRow {
    std::int64_t unit_id = 0;
    std::string unit_code, unit_name;
    int items = 0, met = 0, late = 0, open_overdue = 0, open_within = 0;
};

struct ComplianceReport {
    std::string portal;
    core::TimePoint from{}, to{};  ///< items whose deadline falls in [from, to)
    std::vector<ComplianceRow> rows;  ///< by unit name
};

struct RoyaltyReport {
    std::string portal, portal_name, quarter;
    std::vector<RoyaltyLine> lines;  ///< by payee, then publication time
    std::int64_t total = 0;
    bool bank_visible = false;
};

struct QueueFilter {
    std::string portal;  ///< code; "" = every portal the principal may read
    std::optional<State> state;
    bool pending_only = false;
    bool late_only = false;
    std::string query;  ///< folded match on the title
    int limit = 50;
    int offset = 0;
};

/// A take-down, deletion or correction case (P-15).
struct Takedown {
    std::int64_t id = 0;
    std::int64_t item_id = 0;
    std::string portal;
    CaseKind kind = CaseKind::kTakeDown;
    std::string reason;
    bool urgent = false;
    bool central = false;
    std::string status;  ///< awaiting_decision | awaiting_written_request | executed
    std::int64_t requested_by_unit_id = 0;
    std::string request_number, request_date, request_file;
    std::optional<core::TimePoint> request_recorded_at;
    std::string agreement_note;
    std::optional<core::TimePoint> agreement_recorded_at;
    std::string decided_by_name, decided_role;
    std::optional<core::TimePoint> decided_at, executed_at;
    std::string correction_note;
    boost::json::value responsibility;  ///< who provided, edited, reviewed, published (from the history)
    core::TimePoint responsibility_due_at{};
    std::optional<core::TimePoint> responsibility_confirmed_at;
    std::int64_t created_by = 0;
    core::TimePoint created_at{};
};

struct NewTakedown {
    CaseKind kind = CaseKind::kTakeDown;
    std::string reason;
    bool urgent = false;
    std::string requested_by_unit;  ///< the requesting unit's code, or ""
    std::string correction_note;    ///< for corrections: what changes (shown to readers)
};

struct WrittenRequest {
    std::string number;  ///< "125-CV/VPTW"
    std::string date;    ///< YYYY-MM-DD
    std::string file;    ///< same-site path of the scanned letter (/media/...)
};

/// A document of the shared register (P-3, P-25), as published.
struct DocumentEntry {
    std::int64_t item_id = 0;
    std::string portal;  ///< the publishing portal's code
    std::string language;
    std::int64_t revision = 0;
    DocumentMeta meta;
    core::TimePoint issued_at{}, published_at{};
    std::string title, summary;
    std::vector<MediaRef> files;
};

/// A look-up of the register: every filter is optional; text filters match the folded form.
struct DocumentQuery {
    std::string portal;  ///< published by, integrated into or placed on this portal; "" = all
    std::string doc_kind, number, symbol, issuer, signer, language;
    std::optional<core::TimePoint> issued_from, issued_to;  ///< [from, to)
    std::string text;                                      ///< full text: every word must occur
    int limit = 20, offset = 0;
};

struct DocumentPage {
    std::int64_t total = 0;
    std::vector<DocumentEntry> results;  ///< newest issue date first
};

/// A shared document listed in a portal's section (P-25).
struct Placement {
    std::int64_t id = 0;
    std::string portal, section;
    std::int64_t document_item_id = 0;
    std::string title;
    core::TimePoint placed_at{};
    std::optional<core::TimePoint> retired_at;
};

struct Collection {
    std::int64_t id = 0;
    std::string code, kind, title_vi, title_en, description, status;
    core::TimePoint created_at{};
};

struct CollectionNode {
    std::int64_t id = 0;
    std::int64_t collection_id = 0;
    std::int64_t parent_id = 0;
    std::string level, label, title;
    std::int64_t sort_order = 0;
    std::int64_t item_id = 0;   ///< the node's text: a published item, or 0
    std::string item_title;     ///< of the item's live revision ("" when not published)
    bool item_published = false;
    std::string status;
    std::vector<CollectionNode> children;  ///< filled by CollectionTree
};

struct NewCollection {
    std::string code, kind, title_vi, title_en, description;
};

struct NodeInput {
    std::int64_t parent_id = 0;
    std::string level, label, title;
    std::int64_t sort_order = 0;
    std::int64_t item_id = 0;
};

/// A component portal's published item in a mapped section, not yet on the main portal (P-1).
struct IntegrationCandidate {
    std::int64_t item_id = 0;
    std::string portal, title, main_section;
    core::TimePoint published_at{};
};

struct NewPortal {
    std::string code;
    std::int64_t unit_id = 0;
    std::string kind;
    std::string name_vi, name_en;
    std::string host, path_prefix;
    std::vector<std::string> languages;
    std::string time_zone = "Asia/Ho_Chi_Minh";
};

struct NewSection {
    std::string portal;
    std::string parent;  ///< parent section code, or ""
    std::string code, name_vi, name_en;
    std::int64_t sort_order = 0;
    bool mandatory = false;
};

/// Who the portal queues notify (set by the app to the notification service).
using NotifyFn = std::function<void(core::db::Connection&, std::int64_t user_id, const std::string& title,
                                    const std::string& body, const std::string& link)>;

struct ServiceSettings {
    /// Sanitises body HTML (allow-list); the module passes the core sanitiser.
    std::function<std::string(std::string_view)> sanitize;
    /// Plain text of sanitised HTML (diffs, search).
    std::function<std::string(std::string_view)> to_text;
    NotifyFn notify;
    /// Seals contributors' bank details (P-11); without it contributions are refused.
    const core::SecretBox* secrets = nullptr;
    /// The active accounts holding a permission over a scope (the accounts module's HoldersOf):
    /// whom to tell that an item came to their queue.
    std::function<std::vector<std::int64_t>(core::db::Connection&, core::access::Permission,
                                            const core::access::Scope&)>
        holders;
    /// Called in the transaction of every publication (first or update) with the item as it went
    /// live: the module registers an official document's files in the signature registry (P-30).
    std::function<void(core::db::Connection&, const Item& live, const audit::Actor&)> on_live;
};

/// The public site's lists (P-21): published items, newest first.
struct PublicQuery {
    std::string portal;  ///< code; "" = every portal
    std::int64_t portal_id = 0;  ///< the portal by id instead of by code (no look-up)
    std::string section, language, kind;
    std::optional<core::TimePoint> from, to;  ///< first publication in [from, to)
    int limit = 20, offset = 0;
    /// Count every match (PublicPage::total) for a pager; lists without one (the home page's
    /// blocks, related items, the banner) leave it off and get total 0.
    bool with_total = true;
};
struct PublicPage {
    std::int64_t total = 0;
    /// From the public read model alone: id, portal, portal_id, language, kind, state, the live
    /// revision's title, lead, sections and media, first_published_at and published_at (nothing
    /// else is filled: PublishedItem reads a whole item).
    std::vector<Item> items;
};
/// A light row of the read model (feeds, sitemaps).
struct PublicEntry {
    std::int64_t id = 0;
    std::string language, kind, title;
    core::TimePoint published_at{}, updated_at{};
    std::string sections;  ///< ",code,code,"
};
/// What an article page reads, in one snapshot (Service::PublishedArticle).
struct PublicArticle {
    Item item;  ///< the live revision; no post-check, no search text
    std::vector<PublicEntry> translations;  ///< its other published language versions
    std::vector<Item> related;  ///< the newest of its first section in its language, itself left out (as ListPublic)
};
/// The public search (P-21, X-2; portal/search.hpp for the rules).
struct SearchQuery {
    std::string q;
    std::string portal, section, kind, language;
    std::optional<core::TimePoint> from, to;
    int limit = 20, offset = 0;
};
struct SearchHit {
    /// From the public read model: id, portal, language, kind, state, title, lead, body_text,
    /// first_published_at and published_at (nothing else is filled).
    Item item;
    std::string snippet;  ///< safe HTML: the text escaped, matched words in <mark>
};
/// Matches are counted up to this many; beyond it `total` says "at least".
inline constexpr std::int64_t kSearchCountCap = 1000;
struct SearchPage {
    std::int64_t total = 0;     ///< matches, at most kSearchCountCap
    bool total_capped = false;  ///< there are more than `total`
    std::vector<SearchHit> results;  ///< in rank order: exact words first, then folded; newest first in each
};

class Service {
public:
    Service(core::db::Database& db, audit::Log& audit, const core::Clock& clock, const core::access::Policy& policy,
            const units::Service& units, const calendar::Service& calendars, core::EventBus& events,
            ServiceSettings settings);

    // Portals and sections (P-1, P-27, P-28).
    core::Result<Portal> CreatePortal(const Principal& who, NewPortal p);
    /// A component portal for `unit_code` from the template: the mandatory sections of P-27, and
    /// for a province or city also those of P-28. Conflict when the unit has a portal already.
    core::Result<Portal> CreateComponentPortal(const Principal& who, const std::string& unit_code);
    /// Creates the main portal at the root unit when there is none (first start).
    core::Result<Portal> EnsureMainPortal(const Principal& who);
    std::vector<Portal> ListPortals() const;
    std::optional<Portal> FindPortal(std::string_view code) const;
    core::Result<Section> AddSection(const Principal& who, NewSection s);
    std::vector<Section> Sections(std::int64_t portal_id) const;
    /// Maps a component portal's section to the main portal's section that integrates it.
    core::Result<Section> MapSection(const Principal& who, const std::string& portal, const std::string& section,
                                     const std::string& main_section);

    // Items.
    core::Result<Item> CreateItem(const Principal& who, NewItem input);
    /// `with_screening`: also screen it against the portal's terms (for the board; P-31).
    core::Result<Item> GetItem(const Principal& who, std::int64_t id, bool with_screening = false) const;
    /// Saves a new whole-item revision; on a published item it is the pending revision (P-10).
    core::Result<Item> SaveRevision(const Principal& who, std::int64_t id, ItemFields fields, std::string comment,
                                    std::int64_t expected_version = 0);
    core::Result<Item> Act(const Principal& who, std::int64_t id, Action action, ActionInput input);
    core::Result<std::vector<Revision>> Revisions(const Principal& who, std::int64_t id) const;
    core::Result<RevisionDiff> Diff(const Principal& who, std::int64_t id, std::int64_t a, std::int64_t b) const;
    core::Result<std::vector<HistoryEntry>> History(const Principal& who, std::int64_t id) const;
    /// The editor's queue: items of the portals he may read, newest first.
    std::vector<Item> Queue(const Principal& who, const QueueFilter& filter) const;
    /// Originals of a portal that lack a translation into `language` (P-5).
    core::Result<std::vector<Item>> MissingTranslations(const Principal& who, const std::string& portal,
                                                        const std::string& language) const;

    // Post-checks (P-14).
    std::vector<PostCheck> PostCheckQueue(const Principal& who, const std::string& portal, bool open_only) const;
    /// Marks an entry checked, or raises a finding (text required).
    core::Result<PostCheck> CompletePostCheck(const Principal& who, std::int64_t check_id, bool finding,
                                              std::string text);

    // Take-downs, deletions and corrections (P-15).
    /// Opens a case. Urgent take-downs and deletions are executed at once by the portal's
    /// directors; other cases wait for their decision (DecideTakedown).
    core::Result<Takedown> OpenTakedown(const Principal& who, std::int64_t item_id, NewTakedown input);
    core::Result<Takedown> RecordWrittenRequest(const Principal& who, std::int64_t case_id, WrittenRequest request);
    core::Result<Takedown> RecordAgreement(const Principal& who, std::int64_t case_id, std::string note);
    /// Decides and executes a waiting case: the office leadership for central content, the
    /// portal's directors for component content (after the providing unit's agreement).
    core::Result<Takedown> DecideTakedown(const Principal& who, std::int64_t case_id);
    /// A director confirms the responsibility record (due within 24 hours of the case).
    core::Result<Takedown> ConfirmResponsibility(const Principal& who, std::int64_t case_id);
    core::Result<std::vector<Takedown>> Takedowns(const Principal& who, std::int64_t item_id) const;
    /// Reminds the case's opener of a missing written request or responsibility record
    /// (at most once a day per case); returns how many reminders were sent.
    int RemindTakedowns();

    // Screening (P-31): the portal's prohibited terms; a match holds publication until a publisher
    // confirms it with a reason.
    core::Result<std::vector<ProhibitedTerm>> ProhibitedTerms(const Principal& who, const std::string& portal) const;
    core::Result<ProhibitedTerm> AddProhibitedTerm(const Principal& who, const std::string& portal, std::string term,
                                                   std::string note);
    core::Result<ProhibitedTerm> RetireProhibitedTerm(const Principal& who, std::int64_t term_id);
    core::Result<Item> ConfirmScreening(const Principal& who, std::int64_t item_id, std::string reason);

    // Contributors and royalties (P-11, P-17).
    core::Result<std::vector<ContributionRecord>> Contributions(const Principal& who, std::int64_t item_id) const;
    /// The actions the rules allow from the item's state and `who` may take (what a page offers;
    /// Act still decides).
    std::vector<Action> AllowedActions(const Principal& who, const Item& item) const;
    /// Whether `who` submits `item` as a contributor (so the submission carries a contribution).
    bool SubmitsAsContributor(const Principal& who, const Item& item) const;
    /// The principal's own last submission on a portal (bank account masked), to fill the form.
    core::Result<std::optional<ContributionRecord>> OwnContributorProfile(const Principal& who,
                                                                          const std::string& portal) const;
    core::Result<std::vector<RoyaltyRate>> RoyaltyRates(const Principal& who, const std::string& portal) const;
    core::Result<RoyaltyRate> SetRoyaltyRate(const Principal& who, const std::string& portal, RoyaltyRate rate);
    core::Result<RoyaltyReport> Royalties(const Principal& who, const std::string& portal,
                                          const std::string& quarter) const;

    /// Deadline compliance per providing unit over the items whose deadline falls in [from, to)
    /// (withdrawn items aside) (P-13).
    core::Result<ComplianceReport> Compliance(const Principal& who, const std::string& portal, core::TimePoint from,
                                              core::TimePoint to) const;

    // The shared library (P-3, P-4, P-25). Look-ups and browsing read only what is published
    // and need no account; changes are checked and audited.
    DocumentPage LookUpDocuments(const DocumentQuery& q) const;
    /// Brings the register in line with the items (documents published before it existed); at
    /// start. Returns how many documents it wrote.
    int RebuildRegister();
    std::optional<DocumentEntry> FindDocument(std::int64_t item_id) const;
    /// Lists a shared document in a section of `portal` (its publishers), without copying it.
    core::Result<Placement> PlaceDocument(const Principal& who, const std::string& portal, const std::string& section,
                                          std::int64_t document_item_id);
    core::Result<Placement> RetirePlacement(const Principal& who, std::int64_t placement_id);
    std::vector<Placement> Placements(const std::string& portal) const;
    std::vector<Collection> Collections() const;
    core::Result<Collection> CreateCollection(const Principal& who, NewCollection in);
    /// Whether `who` keeps the collections (what the page offers; each change checks again).
    bool MayManageLibrary(const Principal& who) const { return AuthorizeLibrary(who).ok(); }
    /// The collection's tree; `public_view` leaves out retired nodes and items not published.
    core::Result<std::pair<Collection, std::vector<CollectionNode>>> CollectionTree(const std::string& code,
                                                                                  bool public_view) const;
    core::Result<CollectionNode> AddNode(const Principal& who, const std::string& collection, NodeInput in);
    core::Result<CollectionNode> UpdateNode(const Principal& who, const std::string& collection, std::int64_t node_id,
                                            NodeInput in);
    core::Result<CollectionNode> RetireNode(const Principal& who, const std::string& collection, std::int64_t node_id);

    // Integration into the main portal (P-1).
    /// Published items of component portals in sections mapped to the main portal, not yet
    /// integrated (for the main portal's publishers).
    core::Result<std::vector<IntegrationCandidate>> IntegrationCandidates(const Principal& who) const;
    /// Shows a component portal's published item on the main portal, in `main_section` (""
    /// = the section its own section maps to): a published item linked to its original, entering
    /// the main portal's post-check queue. Updated when the original is, withdrawn with it.
    core::Result<Item> Integrate(const Principal& who, std::int64_t original_id, const std::string& main_section);

    // Jobs.
    /// Publishes scheduled items whose time has come; returns how many (the "portal.publish_due"
    /// job, every minute).
    int PublishDue();

    // What the public site reads.
    std::optional<Item> PublishedItem(std::int64_t id) const;
    PublicPage ListPublic(const PublicQuery& q) const;
    std::vector<PublicEntry> PublicEntries(const std::string& portal, std::optional<core::TimePoint> since, int limit,
                                           int offset = 0) const;
    std::int64_t CountPublic(const std::string& portal) const;
    /// The codes of a portal's sections that hold a published item in `language`.
    std::set<std::string> SectionsInUse(const std::string& portal, const std::string& language) const;
    /// The published item, its other published language versions (its original and the
    /// original's other translations, for the language switch and hreflang, P-5) and up to
    /// `related` related items, read in one snapshot (the article page).
    std::optional<PublicArticle> PublishedArticle(std::int64_t id, int related = 5) const;
    /// Results with every query word exactly first, then those matching folded only; each tier by
    /// relevance. An empty query finds nothing.
    SearchPage Search(const SearchQuery& q) const;
    /// Brings published items into the read model (those published before it existed); at start.
    int RebuildPublic();

private:
    /// The published item with its live revision, read on `c` (PublishedItem, ListPublic).
    std::optional<Item> LoadPublished(core::db::Connection& c, std::int64_t id) const;
    struct Loaded;
    core::Result<Portal> PortalOrError(std::string_view code) const;
    core::Result<Portal> InsertPortal(const audit::Actor& actor, const NewPortal& in, const std::string& vi,
                                      const std::string& en, const std::string& langs, std::int64_t created_by);
    core::Result<Item> InsertItem(const audit::Actor& actor, const Portal& portal, const NewItem& in,
                                  const ItemFields& f, const std::optional<core::TimePoint>& due, const Principal& who);
    core::Result<Item> Load(core::db::Connection& c, std::int64_t id) const;
    core::Result<ItemFields> Clean(const Portal& portal, std::string_view kind, ItemFields f) const;
    core::Result<Item> ApplyStep(core::db::Connection& c, const Item& item, const Step& step, Action action,
                                 const audit::Actor& actor, const ActionInput& input);
    core::Result<audit::Actor> AuthorizeOn(const Principal& who, core::access::Permission p, const Item& item,
                                           bool author_may) const;
    void Record(core::db::Connection& c, const Item& item, const audit::Actor& actor, std::string_view action,
                State from, State to, std::int64_t revision, const std::string& comment) const;
    void EnterPostCheck(core::db::Connection& c, const Item& item, std::int64_t revision, std::string_view reason,
                        core::TimePoint at) const;
    core::Result<Takedown> LoadTakedown(core::db::Connection& c, std::int64_t id) const;
    core::Result<std::pair<Takedown, audit::Actor>> CaseForDirector(const Principal& who, std::int64_t case_id) const;
    core::Result<Takedown> ExecuteTakedown(core::db::Connection& c, Takedown t, const audit::Actor& actor);
    boost::json::value ResponsibilityOf(core::db::Connection& c, const Item& item) const;
    core::Result<std::optional<core::TimePoint>> DueFor(const Portal& portal, std::string_view kind,
                                                        const ItemFields& f) const;
    core::Result<audit::Actor> AuthorizeOnPortal(const Principal& who, core::access::Permission p,
                                                 const Portal& portal) const;
    ScreeningState ScreenItem(core::db::Connection& c, const Item& item) const;
    core::Result<Contribution> CompleteContribution(const Principal& who, const Item& item, Contribution c) const;
    void StoreContribution(core::db::Connection& c, const Item& item, const Contribution& details, std::int64_t user_id);
    void RecordRoyalty(core::db::Connection& c, const Item& before, const Item& after);
    /// In the transaction of every change of an item's state or live revision: the register of
    /// documents and the integrated copies follow it.
    void AfterLiveChange(core::db::Connection& c, std::int64_t item_id, const audit::Actor& actor);
    core::Result<Item> IntegrateIn(const audit::Actor& actor, const Portal& main, std::int64_t original_id,
                                   const std::string& main_section, core::TimePoint now);
    void SyncRegister(core::db::Connection& c, const Item& item) const;
    /// The read model and search index of the public site follow the item (its live revision,
    /// or nothing when not published); announces "portal.public" for the pages' caches.
    void SyncPublic(core::db::Connection& c, const Item& item) const;
    void AnnounceSections(core::db::Connection& c, const std::string& portal) const;
    void FollowOriginal(core::db::Connection& c, const Item& original, const audit::Actor& actor);
    core::Result<ItemFields> CleanDocument(std::string_view kind, ItemFields f) const;
    core::Result<audit::Actor> AuthorizeLibrary(const Principal& who) const;
    core::Result<CollectionNode> CheckNode(core::db::Connection& c, std::int64_t collection_id, std::int64_t node_id,
                                           NodeInput& in) const;

    core::db::Database& db_;
    audit::Log& audit_;
    const core::Clock& clock_;
    const core::access::Policy& policy_;
    const units::Service& units_;
    const calendar::Service& calendars_;
    core::EventBus& events_;
    ServiceSettings settings_;
};

/// Reads a search from request parameters (`q`, `portal`, `section`, `kind`, `lang`, `from`,
/// `to` as YYYY-MM-DD in `tz`, `to` inclusive, `page` from 1, `limit` up to 50): the API and the
/// site's page share it. Errors name the parameter.
core::Result<SearchQuery> SearchQueryFrom(const std::function<std::optional<std::string>(std::string_view)>& param,
                                          const std::string& tz);

/// Reads a look-up of the register from request parameters (`q`, `portal`, `kind`, `number`,
/// `symbol`, `issuer`, `signer`, `language`, `from`, `to` as YYYY-MM-DD in `tz`, `to` inclusive,
/// `limit` up to 100 with `offset`, or `page` from 1): the API, the back office and the site's
/// page share it. Errors name the parameter.
core::Result<DocumentQuery> DocumentQueryFrom(const std::function<std::optional<std::string>(std::string_view)>& param,
                                              const std::string& tz);

/// The public address of a portal's home ("/" for the main portal, "/cong/<code>" for the others)
/// and of a published item ("/bai-viet/<id>-<slug>", under the portal's home).
std::string PortalHome(const Portal& portal);
std::string PublicPath(const Portal& portal, std::int64_t item_id, std::string_view title);

/// JSON of the API (`id`, `state`, `live_revision`, `pending_revision`, `deadline` {due_at, met},
/// `post_check` {due_at, state}, times ISO 8601 with offset in the portal's zone).
boost::json::object ToJson(const Item& item, std::string_view time_zone);
boost::json::object ToJson(const Revision& r, std::string_view time_zone);
boost::json::object ToJson(const Portal& p);
boost::json::object ToJson(const Section& s);
boost::json::object ToJson(const PostCheck& p, std::string_view time_zone);
boost::json::object ToJson(const HistoryEntry& h, std::string_view time_zone);
boost::json::object ToJson(const RevisionDiff& d);
boost::json::object ToJson(const Takedown& t, std::string_view time_zone);
boost::json::object ToJson(const ScreeningState& s);
boost::json::object ToJson(const ComplianceReport& r, std::string_view time_zone);
boost::json::object ToJson(const ProhibitedTerm& t, std::string_view time_zone);
boost::json::object ToJson(const ContributionRecord& c, std::string_view time_zone);
boost::json::object ToJson(const RoyaltyRate& r, std::string_view time_zone);
boost::json::object ToJson(const RoyaltyReport& r, std::string_view time_zone);
boost::json::object ToJson(const DocumentEntry& d, std::string_view time_zone);
boost::json::object ToJson(const Placement& p, std::string_view time_zone);
boost::json::object ToJson(const Collection& c);
boost::json::object ToJson(const CollectionNode& n);
boost::json::object ToJson(const IntegrationCandidate& c, std::string_view time_zone);
/// The quarterly report as a workbook: one sheet of items, one of totals per payee (P-17).
std::string RoyaltiesXlsx(const RoyaltyReport& r, std::string_view time_zone);
/// Reads the fields of an item from the API's JSON (`title`, `lead`, `body_html`, `authors`,
/// `source`, `original_source`, `original_url`, `sections`, `tags`, `media`, `event_at`,
/// `issued_at`, `royalty_grade`, `document` {doc_kind, number, symbol, issuer, signer}, `cites`); a
/// wrong type or time is an error naming the field.
core::Result<ItemFields> FieldsFromJson(const boost::json::object& o);

}  // namespace vp::portal
