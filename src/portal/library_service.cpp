// The shared library (P-3, P-4, P-25): the register of official documents, their placements on
// other portals, and the collections. Look-ups read only what is published.
#include <algorithm>
#include <functional>
#include <map>
#include <set>

#include <boost/json.hpp>

#include "core/message.hpp"
#include "core/text.hpp"
#include "portal/internal.hpp"
#include "portal/portal.hpp"

namespace vp::portal {
namespace {

namespace json = boost::json;
using core::Msg;
using core::db::Connection;
using core::db::Row;
using namespace detail;

// A LIKE pattern that finds `word` anywhere ('\' escapes the wildcards of the word itself).
std::string Contains(std::string_view word) {
    std::string out = "%";
    for (char ch : word) {
        if (ch == '%' || ch == '_' || ch == '\\') out += '\\';
        out += ch;
    }
    return out + "%";
}

std::string Folded(std::string_view s) { return core::Trim(core::FoldDiacritics(s)); }

constexpr std::string_view kSelectEntry =
    "SELECT r.item_id, p.code, r.language, r.revision, r.doc_kind, r.number, r.symbol, r.issuer, r.signer,"
    " r.issued_at, r.published_at, r.title, r.summary, r.files_json"
    " FROM portal_document_register r JOIN portal_portals p ON p.id = r.portal_id";

DocumentEntry EntryFromRow(const Row& r) {
    DocumentEntry d;
    d.item_id = r.Int(0);
    d.portal = r.Text(1);
    d.language = r.Text(2);
    d.revision = r.Int(3);
    d.meta = {r.Text(4), r.Text(5), r.Text(6), r.Text(7), r.Text(8)};
    d.issued_at = core::FromMillis(r.Int(9));
    d.published_at = core::FromMillis(r.Int(10));
    d.title = r.Text(11);
    d.summary = r.Text(12);
    auto files = json::parse(r.Text(13));
    if (files.is_array()) {
        for (const auto& f : files.get_array()) {
            if (!f.is_object()) continue;
            MediaRef m;
            if (auto* u = f.get_object().if_contains("url"); u && u->is_string()) m.url = u->get_string();
            if (auto* c = f.get_object().if_contains("caption"); c && c->is_string()) m.caption = c->get_string();
            d.files.push_back(std::move(m));
        }
    }
    return d;
}

constexpr std::string_view kSelectPlacement =
    "SELECT pl.id, p.code, s.code, pl.document_item_id, COALESCE(r.title, ''), pl.placed_at, pl.retired_at"
    " FROM portal_document_placements pl JOIN portal_portals p ON p.id = pl.portal_id"
    " JOIN portal_sections s ON s.id = pl.section_id"
    " LEFT JOIN portal_document_register r ON r.item_id = pl.document_item_id";

Placement PlacementFromRow(const Row& r) {
    return Placement{r.Int(0), r.Text(1), r.Text(2), r.Int(3), r.Text(4), core::FromMillis(r.Int(5)), OptTime(r, 6)};
}

constexpr std::string_view kSelectCollection =
    "SELECT id, code, kind, title_vi, title_en, description, status, created_at FROM portal_collections";

Collection CollectionFromRow(const Row& r) {
    return Collection{r.Int(0),  r.Text(1), r.Text(2), r.Text(3),
                      r.Text(4), r.Text(5), r.Text(6), core::FromMillis(r.Int(7))};
}

// A node with the title of its item's live revision, when the item is published.
constexpr std::string_view kSelectNode =
    "SELECT n.id, n.collection_id, COALESCE(n.parent_id, 0), n.level, n.label, n.title, n.sort_order,"
    " COALESCE(n.item_id, 0), COALESCE(rv.title, ''), COALESCE(i.state, ''), n.status"
    " FROM portal_collection_nodes n LEFT JOIN portal_items i ON i.id = n.item_id"
    " LEFT JOIN portal_revisions rv ON rv.item_id = i.id AND rv.no = i.live_revision";

CollectionNode NodeFromRow(const Row& r) {
    CollectionNode n;
    n.id = r.Int(0);
    n.collection_id = r.Int(1);
    n.parent_id = r.Int(2);
    n.level = r.Text(3);
    n.label = r.Text(4);
    n.title = r.Text(5);
    n.sort_order = r.Int(6);
    n.item_id = r.Int(7);
    n.item_published = r.Text(9) == "published";
    n.item_title = n.item_published ? r.Text(8) : "";
    n.status = r.Text(10);
    return n;
}

json::object NodeSnapshot(const CollectionNode& n) {
    json::object o{{"level", n.level}, {"label", n.label}, {"title", n.title}, {"sort_order", n.sort_order},
                   {"status", n.status}};
    o["parent_id"] = n.parent_id ? json::value(n.parent_id) : nullptr;
    o["item_id"] = n.item_id ? json::value(n.item_id) : nullptr;
    return o;
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// The register of documents (P-3)

core::Result<ItemFields> Service::CleanDocument(std::string_view kind, ItemFields f) const {
    if (kind != "official_document") {
        if (!f.document.empty()) return core::InvalidField("document", Msg("portal.document_fields_only_documents"));
    } else {
        auto& d = f.document;
        if (d.doc_kind.empty())
            return core::InvalidField("document.doc_kind", Msg("portal.field_required", {{"field", "document.doc_kind"}}));
        if (!IsDocumentKind(d.doc_kind))
            return core::InvalidField("document.doc_kind", Msg("portal.document_kind_unknown", {{"kind", d.doc_kind}}));
        for (auto [field, value, max] : {std::tuple{"document.number", &d.number, std::size_t{40}},
                                         {"document.symbol", &d.symbol, std::size_t{80}},
                                         {"document.issuer", &d.issuer, std::size_t{300}},
                                         {"document.signer", &d.signer, std::size_t{200}}}) {
            auto t = CleanText(field, *value, max);
            if (!t) return t.error();
            *value = std::move(t).value();
        }
        if (d.issuer.empty())
            return core::InvalidField("document.issuer", Msg("portal.field_required", {{"field", "document.issuer"}}));
    }
    // Cited documents come from the shared register, as published (P-25).
    if (f.cites.size() > 50) return core::InvalidField("cites", Msg("portal.cites_too_many"));
    std::set<std::int64_t> seen;
    for (auto id : f.cites) {
        if (!seen.insert(id).second) return core::InvalidField("cites", Msg("portal.cites_twice", {{"id", std::to_string(id)}}));
        auto doc = FindDocument(id);
        if (!doc) return core::InvalidField("cites", Msg("portal.cited_document_not_found", {{"id", std::to_string(id)}}));
    }
    return f;
}

void Service::SyncRegister(Connection& c, const Item& item) const {
    // The register holds originals: an integrated item is its original's document.
    if (item.kind != "official_document" || item.integrated_from != 0) return;
    if (item.state != State::kPublished || item.live_revision == 0) {
        c.Execute("UPDATE portal_document_register SET listed = 0 WHERE item_id = $1", {item.id});
        return;
    }
    auto live = LoadRevision(c, item.id, item.live_revision);
    if (!live || !live->fields.issued_at) return;
    const auto& f = live->fields;
    const auto& d = f.document;
    json::array files;
    for (const auto& m : f.media) files.push_back(json::object{{"url", m.url}, {"caption", m.caption}});
    const auto text = core::FoldDiacritics(f.title + "\n" + f.lead + "\n" + d.number + " " + d.symbol + "\n" +
                                           d.issuer + "\n" + d.signer + "\n" + live->body_text);
    c.Execute(
        "INSERT INTO portal_document_register (item_id, portal_id, language, revision, doc_kind, number, symbol,"
        " issuer, signer, issued_at, published_at, title, summary, files_json, folded_number, folded_symbol,"
        " folded_issuer, folded_signer, folded_text, listed)"
        " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, 1)"
        " ON CONFLICT (item_id) DO UPDATE SET revision = excluded.revision, doc_kind = excluded.doc_kind,"
        " number = excluded.number, symbol = excluded.symbol, issuer = excluded.issuer, signer = excluded.signer,"
        " issued_at = excluded.issued_at, published_at = excluded.published_at, title = excluded.title,"
        " summary = excluded.summary, files_json = excluded.files_json, folded_number = excluded.folded_number,"
        " folded_symbol = excluded.folded_symbol, folded_issuer = excluded.folded_issuer,"
        " folded_signer = excluded.folded_signer, folded_text = excluded.folded_text, listed = 1",
        {item.id, item.portal_id, item.language, live->no, d.doc_kind, d.number, d.symbol, d.issuer, d.signer,
         Ms(*f.issued_at), Ms(item.published_at.value_or(clock_.Now())), f.title, f.lead, json::serialize(files),
         Folded(d.number), Folded(d.symbol), Folded(d.issuer), Folded(d.signer), text});
}

int Service::RebuildRegister() {
    // Published originals missing from the register (published before it existed) or listed
    // while they are no longer published.
    auto ids = db_.Read([&](Connection& c) {
        std::vector<std::int64_t> out;
        for (const auto& r : c.Query(
                 "SELECT i.id FROM portal_items i LEFT JOIN portal_document_register r ON r.item_id = i.id"
                 " WHERE i.kind = 'official_document' AND i.integrated_from IS NULL AND"
                 " ((i.state = 'published' AND r.item_id IS NULL) OR (i.state <> 'published' AND r.listed = 1))")) {
            out.push_back(r.Int(0));
        }
        return out;
    });
    for (auto id : ids) {
        (void)db_.Transact([&](Connection& c) -> core::Status {
            if (auto item = Load(c, id)) SyncRegister(c, item.value());
            return core::Ok{};
        });
    }
    return static_cast<int>(ids.size());
}

DocumentPage Service::LookUpDocuments(const DocumentQuery& q) const {
    std::string where = " WHERE r.listed = 1";
    core::db::Params params;
    auto bind = [&](core::db::Value v) {
        params.push_back(std::move(v));
        return "$" + std::to_string(params.size());
    };
    if (!q.portal.empty()) {
        // Published by the portal, integrated into it, or placed in one of its sections (P-25).
        const auto p = bind(q.portal);
        where += " AND (p.code = " + p +
                 " OR EXISTS (SELECT 1 FROM portal_items x JOIN portal_portals xp ON xp.id = x.portal_id"
                 " WHERE x.integrated_from = r.item_id AND x.state = 'published' AND xp.code = " +
                 p +
                 ") OR EXISTS (SELECT 1 FROM portal_document_placements pl JOIN portal_portals pp ON pp.id ="
                 " pl.portal_id WHERE pl.document_item_id = r.item_id AND pl.retired_at IS NULL AND pp.code = " +
                 p + "))";
    }
    if (!q.doc_kind.empty()) where += " AND r.doc_kind = " + bind(q.doc_kind);
    if (!q.language.empty()) where += " AND r.language = " + bind(q.language);
    if (!q.number.empty()) where += " AND r.folded_number = " + bind(Folded(q.number));
    for (auto [column, value] : {std::pair{"r.folded_symbol", &q.symbol},
                                 {"r.folded_issuer", &q.issuer},
                                 {"r.folded_signer", &q.signer}}) {
        if (value->empty()) continue;
        where += std::string(" AND ") + column + " LIKE " + bind(Contains(Folded(*value))) + " ESCAPE '\\'";
    }
    if (q.issued_from) where += " AND r.issued_at >= " + bind(Ms(*q.issued_from));
    if (q.issued_to) where += " AND r.issued_at < " + bind(Ms(*q.issued_to));
    for (const auto& w : QueryWords(q.text)) {
        where += " AND r.folded_text LIKE " + bind(Contains(w)) + " ESCAPE '\\'";
    }
    return db_.Read([&](Connection& c) {
        DocumentPage page;
        page.total = c.QueryOne("SELECT COUNT(*) FROM portal_document_register r JOIN portal_portals p ON p.id ="
                                " r.portal_id" + where,
                                params)
                         ->Int(0);
        auto rows_params = params;
        rows_params.emplace_back(static_cast<std::int64_t>(std::clamp(q.limit, 1, 100)));
        rows_params.emplace_back(static_cast<std::int64_t>(std::clamp(q.offset, 0, 10000)));
        const auto n = rows_params.size();
        for (const auto& r : c.Query(std::string(kSelectEntry) + where + " ORDER BY r.issued_at DESC, r.item_id DESC"
                                         " LIMIT $" + std::to_string(n - 1) + " OFFSET $" + std::to_string(n),
                                     rows_params)) {
            page.results.push_back(EntryFromRow(r));
        }
        return page;
    });
}

std::optional<DocumentEntry> Service::FindDocument(std::int64_t item_id) const {
    return db_.Read([&](Connection& c) -> std::optional<DocumentEntry> {
        auto r = c.QueryOne(std::string(kSelectEntry) + " WHERE r.item_id = $1 AND r.listed = 1", {item_id});
        if (!r) return std::nullopt;
        return EntryFromRow(*r);
    });
}

core::Result<Placement> Service::PlaceDocument(const Principal& who, const std::string& portal_code,
                                               const std::string& section, std::int64_t document_item_id) {
    auto portal = PortalOrError(portal_code);
    if (!portal) return portal.error();
    // What appears on a portal is its publishers' decision.
    auto actor = AuthorizeOnPortal(who, kItemPublish, portal.value());
    if (!actor) return actor.error();
    auto doc = FindDocument(document_item_id);
    if (!doc) return core::InvalidField("document", Msg("portal.cited_document_not_found", {{"id", std::to_string(document_item_id)}}));
    try {
        return db_.Transact([&](Connection& c) -> core::Result<Placement> {
            // Checked again here: the document may have left the site since.
            if (!c.QueryOne("SELECT 1 FROM portal_document_register WHERE item_id = $1 AND listed = 1", {document_item_id}))
                return core::InvalidField("document", Msg("portal.cited_document_not_found",
                                                          {{"id", std::to_string(document_item_id)}}));
            auto sec = c.QueryOne("SELECT id FROM portal_sections WHERE portal_id = $1 AND code = $2 AND status = 'active'",
                                  {portal->id, section});
            if (!sec) return core::InvalidField("section", Msg("portal.section_not_found", {{"code", section}}));
            if (c.QueryOne("SELECT 1 FROM portal_document_placements WHERE portal_id = $1 AND section_id = $2 AND"
                           " document_item_id = $3 AND retired_at IS NULL",
                           {portal->id, sec->Int(0), document_item_id})) {
                return core::Conflict(Msg("portal.document_already_placed"));
            }
            auto id = c.QueryOne(
                           "INSERT INTO portal_document_placements (portal_id, section_id, document_item_id, placed_by,"
                           " placed_at) VALUES ($1, $2, $3, $4, $5) RETURNING id",
                           {portal->id, sec->Int(0), document_item_id, actor->user_id, Ms(clock_.Now())})
                          ->Int(0);
            auto pl = PlacementFromRow(*c.QueryOne(std::string(kSelectPlacement) + " WHERE pl.id = $1", {id}));
            audit_.Write(c, actor.value(),
                         {"portal.document.place", "portal_document_placement", std::to_string(id), nullptr,
                          json::object{{"portal", pl.portal}, {"section", pl.section}, {"document", document_item_id}}});
            return pl;
        });
    } catch (const core::db::UniqueViolation&) {
        return core::Conflict(Msg("portal.document_already_placed"));
    }
}

core::Result<Placement> Service::RetirePlacement(const Principal& who, std::int64_t placement_id) {
    auto row = db_.Read([&](Connection& c) {
        return c.QueryOne(std::string(kSelectPlacement) + " WHERE pl.id = $1", {placement_id});
    });
    if (!row) return core::NotFound(Msg("portal.placement_not_found"));
    auto before = PlacementFromRow(*row);
    auto portal = PortalOrError(before.portal);
    if (!portal) return portal.error();
    auto actor = AuthorizeOnPortal(who, kItemPublish, portal.value());
    if (!actor) return actor.error();
    return db_.Transact([&](Connection& c) -> core::Result<Placement> {
        if (c.Execute("UPDATE portal_document_placements SET retired_at = $1, retired_by = $2 WHERE id = $3 AND"
                      " retired_at IS NULL",
                      {Ms(clock_.Now()), actor->user_id, placement_id}) != 1) {
            return core::Conflict(Msg("portal.placement_retired"));
        }
        auto after = PlacementFromRow(*c.QueryOne(std::string(kSelectPlacement) + " WHERE pl.id = $1", {placement_id}));
        audit_.Write(c, actor.value(),
                     {"portal.document.unplace", "portal_document_placement", std::to_string(placement_id),
                      json::object{{"retired", false}}, json::object{{"retired", true}}});
        return after;
    });
}

std::vector<Placement> Service::Placements(const std::string& portal) const {
    return db_.Read([&](Connection& c) {
        std::vector<Placement> out;
        for (const auto& r : c.Query(std::string(kSelectPlacement) +
                                         " WHERE p.code = $1 AND pl.retired_at IS NULL AND r.listed = 1"
                                         " ORDER BY pl.placed_at DESC, pl.id DESC",
                                     {portal})) {
            out.push_back(PlacementFromRow(r));
        }
        return out;
    });
}

// ---------------------------------------------------------------------------------------------
// Collections (P-4)

core::Result<audit::Actor> Service::AuthorizeLibrary(const Principal& who) const {
    // The collections are shared by every portal: the main portal's board keeps them.
    auto main = PortalOrError(kMainPortal);
    if (!main) return main.error();
    return AuthorizeOnPortal(who, kLibraryManage, main.value());
}

std::vector<Collection> Service::Collections() const {
    return db_.Read([&](Connection& c) {
        std::vector<Collection> out;
        for (const auto& r : c.Query(std::string(kSelectCollection) + " WHERE status = 'active' ORDER BY title_vi"))
            out.push_back(CollectionFromRow(r));
        return out;
    });
}

core::Result<Collection> Service::CreateCollection(const Principal& who, NewCollection in) {
    auto actor = AuthorizeLibrary(who);
    if (!actor) return actor.error();
    if (in.code.empty() || in.code.size() > 60 ||
        !std::all_of(in.code.begin(), in.code.end(),
                     [](char ch) { return (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '-'; })) {
        return core::InvalidField("code", Msg("portal.collection_code_invalid"));
    }
    const auto& kinds = CollectionKinds();
    if (std::find(kinds.begin(), kinds.end(), in.kind) == kinds.end())
        return core::InvalidField("kind", Msg("portal.collection_kind_unknown", {{"kind", in.kind}}));
    auto vi = CleanText("title_vi", in.title_vi, 300);
    if (!vi) return vi.error();
    if (vi->empty()) return core::InvalidField("title_vi", Msg("portal.field_required", {{"field", "title_vi"}}));
    auto en = CleanText("title_en", in.title_en, 300);
    if (!en) return en.error();
    auto desc = CleanText("description", in.description, 4000, true);
    if (!desc) return desc.error();
    try {
        return db_.Transact([&](Connection& c) -> core::Result<Collection> {
            if (c.QueryOne("SELECT 1 FROM portal_collections WHERE code = $1", {in.code}))
                return core::Conflict(Msg("portal.collection_exists", {{"code", in.code}}));
            auto id = c.QueryOne(
                           "INSERT INTO portal_collections (code, kind, title_vi, title_en, description, created_by,"
                           " created_at) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
                           {in.code, in.kind, *vi, en->empty() ? *vi : *en, *desc, actor->user_id, Ms(clock_.Now())})
                          ->Int(0);
            auto col = CollectionFromRow(*c.QueryOne(std::string(kSelectCollection) + " WHERE id = $1", {id}));
            audit_.Write(c, actor.value(), {"portal.collection.create", "portal_collection", col.code, nullptr, ToJson(col)});
            return col;
        });
    } catch (const core::db::UniqueViolation&) {
        return core::Conflict(Msg("portal.collection_exists", {{"code", in.code}}));
    }
}

core::Result<std::pair<Collection, std::vector<CollectionNode>>> Service::CollectionTree(const std::string& code,
                                                                                       bool public_view) const {
    return db_.Read([&](Connection& c) -> core::Result<std::pair<Collection, std::vector<CollectionNode>>> {
        auto r = c.QueryOne(std::string(kSelectCollection) + " WHERE code = $1", {code});
        if (!r) return core::NotFound(Msg("portal.collection_not_found", {{"code", code}}));
        auto col = CollectionFromRow(*r);
        if (public_view && col.status != "active") return core::NotFound(Msg("portal.collection_not_found", {{"code", code}}));
        std::map<std::int64_t, std::vector<CollectionNode>> by_parent;
        for (const auto& row :
             c.Query(std::string(kSelectNode) + " WHERE n.collection_id = $1 ORDER BY n.sort_order, n.id", {col.id})) {
            auto n = NodeFromRow(row);
            if (public_view && n.status != "active") continue;  // its subtree goes with it
            if (public_view && !n.item_published) n.item_id = 0;
            by_parent[n.parent_id].push_back(std::move(n));
        }
        // Children are attached from the leaves up; a retired parent's children are unreachable.
        std::function<std::vector<CollectionNode>(std::int64_t, int)> build = [&](std::int64_t parent, int depth) {
            std::vector<CollectionNode> out;
            auto it = by_parent.find(parent);
            if (it == by_parent.end() || depth > 8) return out;
            for (auto& n : it->second) {
                n.children = build(n.id, depth + 1);
                out.push_back(std::move(n));
            }
            return out;
        };
        return std::pair{col, build(0, 0)};
    });
}

core::Result<CollectionNode> Service::CheckNode(Connection& c, std::int64_t collection_id, std::int64_t node_id,
                                                NodeInput& in) const {
    if (!MayContain("", in.level)) return core::InvalidField("level", Msg("portal.node_level_unknown", {{"level", in.level}}));
    auto label = CleanText("label", in.label, 100);
    if (!label) return label.error();
    in.label = std::move(label).value();
    auto title = CleanText("title", in.title, 500);
    if (!title) return title.error();
    in.title = std::move(title).value();
    if (in.title.empty()) return core::InvalidField("title", Msg("portal.field_required", {{"field", "title"}}));
    if (in.parent_id) {
        auto parent = c.QueryOne(std::string(kSelectNode) + " WHERE n.id = $1 AND n.collection_id = $2",
                                 {in.parent_id, collection_id});
        if (!parent || NodeFromRow(*parent).status != "active")
            return core::InvalidField("parent", Msg("portal.node_not_found"));
        const auto p = NodeFromRow(*parent);
        if (!MayContain(p.level, in.level))
            return core::InvalidField("level", Msg("portal.node_level_order", {{"parent", p.level}, {"level", in.level}}));
        // A node never moves under itself: walk up from the new parent (levels are at most four
        // deep, so a longer walk means the tree is already broken).
        int steps = 0;
        for (std::int64_t up = in.parent_id; up != 0 && node_id != 0;) {
            if (up == node_id || ++steps > 16) return core::InvalidField("parent", Msg("portal.node_cycle"));
            auto row = c.QueryOne("SELECT COALESCE(parent_id, 0) FROM portal_collection_nodes WHERE id = $1", {up});
            up = row ? row->Int(0) : 0;
        }
    }
    if (node_id) {
        // The node's children must stay deeper than it.
        for (const auto& ch : c.Query("SELECT level FROM portal_collection_nodes WHERE parent_id = $1 AND status = 'active'",
                                      {node_id})) {
            if (!MayContain(in.level, ch.Text(0)))
                return core::InvalidField("level", Msg("portal.node_level_order", {{"parent", in.level}, {"level", ch.Text(0)}}));
        }
    }
    if (in.item_id) {
        // A chapter's text is a published item of any portal, cited in place (P-25).
        auto item = c.QueryOne("SELECT state FROM portal_items WHERE id = $1", {in.item_id});
        if (!item || item->Text(0) != "published")
            return core::InvalidField("item", Msg("portal.node_item_not_published", {{"id", std::to_string(in.item_id)}}));
    }
    return CollectionNode{};
}

core::Result<CollectionNode> Service::AddNode(const Principal& who, const std::string& collection, NodeInput in) {
    auto actor = AuthorizeLibrary(who);
    if (!actor) return actor.error();
    return db_.Transact([&](Connection& c) -> core::Result<CollectionNode> {
        // Claim the collection: changes of one tree are serialised (the checks below stay true).
        if (c.Execute("UPDATE portal_collections SET status = status WHERE code = $1 AND status = 'active'", {collection}) != 1)
            return core::NotFound(Msg("portal.collection_not_found", {{"code", collection}}));
        auto col = c.QueryOne("SELECT id FROM portal_collections WHERE code = $1", {collection});
        auto ok = CheckNode(c, col->Int(0), 0, in);
        if (!ok) return ok.error();
        const auto now = Ms(clock_.Now());
        auto id = c.QueryOne(
                       "INSERT INTO portal_collection_nodes (collection_id, parent_id, level, label, title, sort_order,"
                       " item_id, created_by, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9)"
                       " RETURNING id",
                       {col->Int(0), in.parent_id ? core::db::Value{in.parent_id} : core::db::Value{}, in.level,
                        in.label, in.title, in.sort_order, in.item_id ? core::db::Value{in.item_id} : core::db::Value{},
                        actor->user_id, now})
                      ->Int(0);
        auto node = NodeFromRow(*c.QueryOne(std::string(kSelectNode) + " WHERE n.id = $1", {id}));
        audit_.Write(c, actor.value(),
                     {"portal.collection.node.add", "portal_collection_node", std::to_string(id), nullptr,
                      NodeSnapshot(node)});
        return node;
    });
}

core::Result<CollectionNode> Service::UpdateNode(const Principal& who, const std::string& collection,
                                                 std::int64_t node_id, NodeInput in) {
    auto actor = AuthorizeLibrary(who);
    if (!actor) return actor.error();
    return db_.Transact([&](Connection& c) -> core::Result<CollectionNode> {
        auto row = c.QueryOne(std::string(kSelectNode) +
                                  " JOIN portal_collections col ON col.id = n.collection_id WHERE n.id = $1 AND col.code = $2",
                              {node_id, collection});
        if (!row) return core::NotFound(Msg("portal.node_not_found"));
        auto before = NodeFromRow(*row);
        if (before.status != "active") return core::Conflict(Msg("portal.node_retired"));
        c.Execute("UPDATE portal_collections SET status = status WHERE id = $1", {before.collection_id});
        auto ok = CheckNode(c, before.collection_id, node_id, in);
        if (!ok) return ok.error();
        c.Execute(
            "UPDATE portal_collection_nodes SET parent_id = $1, level = $2, label = $3, title = $4, sort_order = $5,"
            " item_id = $6, updated_at = $7 WHERE id = $8",
            {in.parent_id ? core::db::Value{in.parent_id} : core::db::Value{}, in.level, in.label, in.title,
             in.sort_order, in.item_id ? core::db::Value{in.item_id} : core::db::Value{}, Ms(clock_.Now()), node_id});
        auto after = NodeFromRow(*c.QueryOne(std::string(kSelectNode) + " WHERE n.id = $1", {node_id}));
        audit_.Write(c, actor.value(),
                     {"portal.collection.node.update", "portal_collection_node", std::to_string(node_id),
                      NodeSnapshot(before), NodeSnapshot(after)});
        return after;
    });
}

core::Result<CollectionNode> Service::RetireNode(const Principal& who, const std::string& collection,
                                                 std::int64_t node_id) {
    auto actor = AuthorizeLibrary(who);
    if (!actor) return actor.error();
    return db_.Transact([&](Connection& c) -> core::Result<CollectionNode> {
        auto row = c.QueryOne(std::string(kSelectNode) +
                                  " JOIN portal_collections col ON col.id = n.collection_id WHERE n.id = $1 AND col.code = $2",
                              {node_id, collection});
        if (!row) return core::NotFound(Msg("portal.node_not_found"));
        auto before = NodeFromRow(*row);
        if (c.Execute("UPDATE portal_collection_nodes SET status = 'retired', updated_at = $1 WHERE id = $2 AND"
                      " status = 'active'",
                      {Ms(clock_.Now()), node_id}) != 1) {
            return core::Conflict(Msg("portal.node_retired"));
        }
        auto after = NodeFromRow(*c.QueryOne(std::string(kSelectNode) + " WHERE n.id = $1", {node_id}));
        audit_.Write(c, actor.value(),
                     {"portal.collection.node.retire", "portal_collection_node", std::to_string(node_id),
                      NodeSnapshot(before), NodeSnapshot(after)});
        return after;
    });
}

}  // namespace vp::portal
