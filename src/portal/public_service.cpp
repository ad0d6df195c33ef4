// What the public site reads (P-21, X-2; docs/site.md): the read model of published items kept
// in the transaction of every live change, newest-first lists and the Vietnamese search over it.
// The rules (words, folding, queries, snippets) are pure, in search.cpp.
#include <boost/json.hpp>

#include <algorithm>
#include <set>

#include "calendar/iso_time.hpp"
#include "core/message.hpp"
#include "core/text.hpp"
#include "portal/internal.hpp"
#include "portal/library.hpp"
#include "portal/portal.hpp"
#include "portal/search.hpp"

namespace vp::portal {

namespace json = boost::json;
using core::db::Connection;
using core::db::Engine;
using core::db::Value;
using namespace detail;

void Service::SyncPublic(Connection& c, const Item& item) const {
    const bool pg = c.GetEngine() == Engine::kPostgres;
    const bool live = item.state == State::kPublished && item.live_revision != 0;
    std::optional<Revision> rev;
    if (live) {
        rev = item.live_revision == item.current_revision ? std::optional<Revision>(item.current)
                                                          : LoadRevision(c, item.id, item.live_revision);
    }
    if (!pg) c.Execute("DELETE FROM portal_search WHERE rowid = $1", {item.id});
    c.Execute("DELETE FROM portal_public_sections WHERE item_id = $1", {item.id});
    if (!rev) {
        c.Execute("DELETE FROM portal_public_text WHERE item_id = $1", {item.id});
        c.Execute("DELETE FROM portal_public WHERE item_id = $1", {item.id});
    } else {
        const auto& f = rev->fields;
        std::string sections = ",";
        for (const auto& s : f.sections) sections += s + ",";
        const auto published = item.first_published_at.value_or(item.published_at.value_or(clock_.Now()));
        const auto updated = item.published_at.value_or(published);
        const std::string body = f.lead + "\n" + rev->body_text;
        const auto title_exact = search::IndexText(f.title, false), title_folded = search::IndexText(f.title, true);
        const auto body_exact = search::IndexText(body, false), body_folded = search::IndexText(body, true);
        const std::string upsert =
            "INSERT INTO portal_public (item_id, portal_id, language, kind, sections, title, lead,"
            " published_at, updated_at, media" +
            std::string(pg ? ", exact, folded" : "") +
            ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10" +
            std::string(pg ? ", setweight(to_tsvector('simple', $11), 'A') || to_tsvector('simple', $12),"
                             " setweight(to_tsvector('simple', $13), 'A') || to_tsvector('simple', $14)"
                           : "") +
            ") ON CONFLICT (item_id) DO UPDATE SET portal_id = excluded.portal_id, language = excluded.language,"
            " kind = excluded.kind, sections = excluded.sections, title = excluded.title, lead = excluded.lead,"
            " published_at = excluded.published_at, updated_at = excluded.updated_at,"
            " media = excluded.media" +
            std::string(pg ? ", exact = excluded.exact, folded = excluded.folded" : "");
        json::array media;
        for (const auto& m : f.media)
            media.push_back(json::object{{"url", m.url}, {"caption", m.caption}, {"credit", m.credit}});
        core::db::Params params{item.id, item.portal_id, item.language, item.kind,  sections,
                                f.title, f.lead,         Ms(published), Ms(updated), json::serialize(media)};
        if (pg) {
            for (const auto* v : {&title_exact, &body_exact, &title_folded, &body_folded}) params.emplace_back(*v);
        }
        c.Execute(upsert, params);
        c.Execute("INSERT INTO portal_public_text (item_id, body_text) VALUES ($1, $2)"
                  " ON CONFLICT (item_id) DO UPDATE SET body_text = excluded.body_text",
                  {item.id, rev->body_text});
        for (const auto& section : std::set<std::string>(f.sections.begin(), f.sections.end())) {
            c.Execute("INSERT INTO portal_public_sections (item_id, section, portal_id, language, published_at)"
                      " VALUES ($1, $2, $3, $4, $5)",
                      {item.id, section, item.portal_id, item.language, Ms(published)});
        }
        if (!pg) {
            c.Execute("INSERT INTO portal_search (rowid, title, body, ftitle, fbody) VALUES ($1, $2, $3, $4, $5)",
                      {item.id, title_exact, body_exact, title_folded, body_folded});
        }
    }
    // Pages that show it are cached on every node: they drop it (the site module listens).
    events_.Publish(c, core::Event{.topic = "portal.public",
                                   .data_json = json::serialize(json::object{
                                       {"id", item.id}, {"portal", item.portal}, {"live", rev.has_value()}})});
}

int Service::RebuildPublic() {
    // Published items missing from the read model (published before it existed) or whose row
    // lacks a column added since (media: V009), and rows of items no longer published.
    auto ids = db_.Read([&](Connection& c) {
        std::vector<std::int64_t> out;
        for (const auto& r : c.Query("SELECT i.id FROM portal_items i LEFT JOIN portal_public p ON p.item_id = i.id"
                                     " WHERE (i.state = 'published' AND (p.item_id IS NULL OR p.media IS NULL))"
                                     " OR (i.state <> 'published' AND p.item_id IS NOT NULL)")) {
            out.push_back(r.Int(0));
        }
        return out;
    });
    // A few hundred items per transaction: a large portal is indexed in minutes, not hours.
    constexpr std::size_t kBatch = 500;
    for (std::size_t at = 0; at < ids.size(); at += kBatch) {
        (void)db_.Transact([&](Connection& c) -> core::Status {
            for (std::size_t i = at; i < std::min(ids.size(), at + kBatch); ++i) {
                if (auto item = Load(c, ids[i])) SyncPublic(c, item.value());
            }
            return core::Ok{};
        });
    }
    return static_cast<int>(ids.size());
}

namespace {

// The read model's ",a,b," as {"a", "b"}.
std::vector<std::string> SectionList(std::string_view list) {
    std::vector<std::string> out;
    for (std::size_t at = 0; at < list.size();) {
        const auto end = list.find(',', at);
        if (end == std::string_view::npos) break;
        if (end > at) out.emplace_back(list.substr(at, end - at));
        at = end + 1;
    }
    return out;
}

std::optional<std::int64_t> ParsePositive(std::string_view s) {
    if (s.empty() || s.size() > 9) return std::nullopt;
    std::int64_t v = 0;
    for (char c : s) {
        if (c < '0' || c > '9') return std::nullopt;
        v = v * 10 + (c - '0');
    }
    return v;
}

// The filters both lists and the search share, as SQL over portal_public p.
struct Where {
    std::string sql;
    core::db::Params params;
    std::string Bind(Value v) {
        params.push_back(std::move(v));
        return "$" + std::to_string(params.size());
    }
};

void Filter(Where& w, std::int64_t portal_id, const std::string& section, const std::string& language,
            const std::string& kind, const std::optional<core::TimePoint>& from, const std::optional<core::TimePoint>& to) {
    if (portal_id) w.sql += " AND p.portal_id = " + w.Bind(portal_id);
    if (!section.empty()) {
        w.sql += " AND EXISTS (SELECT 1 FROM portal_public_sections ps WHERE ps.item_id = p.item_id AND ps.section = " +
                 w.Bind(section) + ")";
    }
    if (!language.empty()) w.sql += " AND p.language = " + w.Bind(language);
    if (!kind.empty()) w.sql += " AND p.kind = " + w.Bind(kind);
    if (from) w.sql += " AND p.published_at >= " + w.Bind(Ms(*from));
    if (to) w.sql += " AND p.published_at < " + w.Bind(Ms(*to));
}

}  // namespace

namespace {

// A list of the read model on `c` (ListPublic, PublishedArticle); `portal_id` 0: every portal.
void ListPublicOn(Connection& c, const PublicQuery& q, std::int64_t portal_id, PublicPage& out) {
    // A section's list walks the section's index newest first (portal_public_sections s), any
    // other list the portal's (portal_public_latest).
    Where w;
    std::string from = " FROM portal_public p", order = " ORDER BY p.published_at DESC, p.item_id DESC";
    if (!q.section.empty()) {
        from = " FROM portal_public_sections s JOIN portal_public p ON p.item_id = s.item_id";
        w.sql = " AND s.section = " + w.Bind(q.section);
        if (portal_id) w.sql += " AND s.portal_id = " + w.Bind(portal_id);
        if (!q.language.empty()) w.sql += " AND s.language = " + w.Bind(q.language);
        order = " ORDER BY s.published_at DESC, s.item_id DESC";
    }
    Filter(w, portal_id, "", q.language, q.kind, q.from, q.to);
    const int limit = std::clamp(q.limit, 1, 1000);
    const int offset = std::clamp(q.offset, 0, 1000000);
    if (q.with_total) out.total = c.QueryOne("SELECT COUNT(*)" + from + " WHERE 1 = 1" + w.sql, w.params)->Int(0);
    for (const auto& r : c.Query("SELECT p.item_id, p.title, p.lead, p.language, p.kind, p.published_at,"
                                 " p.updated_at, p.sections, p.media, pp.code, p.portal_id" +
                                     from + " JOIN portal_portals pp ON pp.id = p.portal_id WHERE 1 = 1" + w.sql +
                                     order + " LIMIT " + std::to_string(limit) + " OFFSET " + std::to_string(offset),
                                 w.params)) {
        Item it;
        it.id = r.Int(0);
        it.current.fields.title = r.Text(1);
        it.current.fields.lead = r.Text(2);
        it.language = r.Text(3);
        it.kind = r.Text(4);
        it.first_published_at = core::FromMillis(r.Int(5));
        it.published_at = core::FromMillis(r.Int(6));
        it.current.fields.sections = SectionList(r.Text(7));
        if (!r.IsNull(8)) {
            const auto media = json::parse(r.Text(8));
            it.current.fields.media = MediaFromJson(&media);
        }
        it.portal = r.Text(9);
        it.portal_id = r.Int(10);
        it.state = State::kPublished;
        out.items.push_back(std::move(it));
    }
}

std::vector<PublicEntry> TranslationsOn(Connection& c, const Item& item) {
    const std::int64_t root = item.translation_of ? item.translation_of : item.id;
    std::vector<PublicEntry> out;
    for (const auto& r : c.Query("SELECT p.item_id, p.language, p.kind, p.title, p.published_at, p.updated_at,"
                                 " p.sections FROM portal_public p JOIN portal_items i ON i.id = p.item_id"
                                 " WHERE (i.id = $1 OR i.translation_of = $1) AND i.id <> $2 ORDER BY p.language",
                                 {root, item.id})) {
        out.push_back({r.Int(0), r.Text(1), r.Text(2), r.Text(3), core::FromMillis(r.Int(4)),
                       core::FromMillis(r.Int(5)), r.Text(6)});
    }
    return out;
}

}  // namespace

PublicPage Service::ListPublic(const PublicQuery& q) const {
    PublicPage out;
    std::int64_t portal_id = q.portal_id;
    if (!portal_id && !q.portal.empty()) {
        auto p = FindPortal(q.portal);
        if (!p) return out;
        portal_id = p->id;
    }
    // One snapshot for the count and the page (a list without a count is one statement).
    if (q.with_total) db_.Snapshot([&](Connection& c) { ListPublicOn(c, q, portal_id, out); });
    else db_.Read([&](Connection& c) { ListPublicOn(c, q, portal_id, out); });
    return out;
}

std::optional<PublicArticle> Service::PublishedArticle(std::int64_t id, int related) const {
    return db_.Snapshot([&](Connection& c) -> std::optional<PublicArticle> {
        auto item = LoadPublished(c, id);
        if (!item) return std::nullopt;
        PublicArticle out{.item = std::move(*item)};
        out.translations = TranslationsOn(c, out.item);
        const auto& sections = out.item.current.fields.sections;
        if (related > 0 && !sections.empty()) {
            PublicPage page;
            ListPublicOn(c,
                         {.section = sections.front(), .language = out.item.language, .limit = related + 1,
                          .with_total = false},
                         out.item.portal_id, page);
            for (auto& r : page.items) {
                if (r.id != out.item.id && static_cast<int>(out.related.size()) < related)
                    out.related.push_back(std::move(r));
            }
        }
        return out;
    });
}

std::vector<PublicEntry> Service::PublicEntries(const std::string& portal, std::optional<core::TimePoint> since,
                                                int limit, int offset) const {
    std::vector<PublicEntry> out;
    std::int64_t portal_id = 0;
    if (!portal.empty()) {
        auto p = FindPortal(portal);
        if (!p) return out;
        portal_id = p->id;
    }
    Where w;
    Filter(w, portal_id, "", "", "", since, std::nullopt);
    return db_.Read([&](Connection& c) {
        for (const auto& r : c.Query("SELECT p.item_id, p.language, p.kind, p.title, p.published_at, p.updated_at,"
                                     " p.sections FROM portal_public p WHERE 1 = 1" +
                                         w.sql + " ORDER BY p.published_at DESC, p.item_id DESC LIMIT " +
                                         std::to_string(std::clamp(limit, 1, 50000)) + " OFFSET " +
                                         std::to_string(std::clamp(offset, 0, 10000000)),
                                     w.params)) {
            out.push_back({r.Int(0), r.Text(1), r.Text(2), r.Text(3), core::FromMillis(r.Int(4)),
                           core::FromMillis(r.Int(5)), r.Text(6)});
        }
        return out;
    });
}

std::set<std::string> Service::SectionsInUse(const std::string& portal, const std::string& language) const {
    std::set<std::string> out;
    auto p = FindPortal(portal);
    if (!p) return out;
    db_.Read([&](Connection& c) {
        for (const auto& r : c.Query("SELECT DISTINCT sections FROM portal_public WHERE portal_id = $1 AND language = $2",
                                     {p->id, language})) {
            for (auto& code : SectionList(r.Text(0))) out.insert(std::move(code));
        }
    });
    return out;
}

std::int64_t Service::CountPublic(const std::string& portal) const {
    auto p = portal.empty() ? std::nullopt : FindPortal(portal);
    if (!portal.empty() && !p) return 0;
    return db_.Read([&](Connection& c) {
        return p ? c.QueryOne("SELECT COUNT(*) FROM portal_public WHERE portal_id = $1", {p->id})->Int(0)
                 : c.QueryOne("SELECT COUNT(*) FROM portal_public")->Int(0);
    });
}

SearchPage Service::Search(const SearchQuery& in) const {
    SearchPage out;
    const auto q = search::Parse(in.q);
    if (q.empty()) return out;
    std::int64_t portal_id = 0;
    if (!in.portal.empty()) {
        auto p = FindPortal(in.portal);
        if (!p) return out;
        portal_id = p->id;
    }
    const auto engine = db_.GetEngine();
    const bool pg = engine == Engine::kPostgres;
    // Two tiers: items holding every word exactly as typed (tier 0), then those matching only
    // once folded (tier 1, the exact ones left out); within a tier the newest item first. Each
    // query walks the index newest first and stops at the page (FTS5 reads its doclists by
    // rowid, PostgreSQL the primary key backwards or a GIN bitmap, whichever its statistics
    // favour), so a word in most items costs no more than a rare one. No per-match score is
    // computed for every match: that is what made common words slow on large portals.
    enum class Set { kAll, kExact, kFoldedOnly };
    // `newest`: only the kNewestWindow newest items of the read model (PostgreSQL; see below).
    auto from = [&](Set set, Where& w, bool newest = false) {
        std::string sql;
        if (pg) {
            auto f = [&] { return "p.folded @@ to_tsquery('simple', " + w.Bind(search::TsFolded(q)) + ")"; };
            auto e = [&] { return "p.exact @@ to_tsquery('simple', " + w.Bind(search::TsExact(q)) + ")"; };
            std::string cond;
            if (set == Set::kAll) cond = f();
            else if (set == Set::kExact) cond = e();
            else cond = f(), cond += " AND NOT (" + e() + ")";
            sql = (newest ? " FROM (SELECT * FROM portal_public ORDER BY item_id DESC LIMIT " +
                                std::to_string(search::kNewestWindow) + ") p WHERE "
                          : std::string(" FROM portal_public p WHERE ")) +
                  cond;
        } else {
            const auto expr = set == Set::kAll     ? search::Fts5Folded(q)
                              : set == Set::kExact ? search::Fts5Exact(q)
                                                   : "(" + search::Fts5Folded(q) + ") NOT (" + search::Fts5Exact(q) + ")";
            sql = " FROM portal_search JOIN portal_public p ON p.item_id = portal_search.rowid"
                  " WHERE portal_search MATCH " +
                  w.Bind(expr);
        }
        Filter(w, portal_id, in.section, in.language, in.kind, in.from, in.to);
        return sql + w.sql;
    };
    // How many match, counting no further than `cap`.
    auto count = [&](Connection& c, Set set, std::int64_t cap) {
        Where w;
        const auto sql = from(set, w);
        return c.QueryOne("SELECT COUNT(*) FROM (SELECT 1" + sql + " LIMIT " + std::to_string(cap) + ") t",
                          w.params)
            ->Int(0);
    };
    // A hit is built from the read model alone (no item loaded per result).
    struct Row {
        Item item;
        std::string text;
    };
    auto page = [&](Connection& c, Set set, int n, std::int64_t skip, std::vector<Row>& rows, bool newest = false) {
        if (n <= 0) return;
        Where w;
        const auto sql = from(set, w, newest);
        // On SQLite the order is the FTS5 table's rowid (the same id), which FTS5 reads in order;
        // ordering by the joined column would sort every match first.
        const std::string order = pg ? " ORDER BY p.item_id DESC" : " ORDER BY portal_search.rowid DESC";
        for (const auto& r : c.Query("SELECT p.item_id, p.lead,"
                                     " (SELECT t.body_text FROM portal_public_text t WHERE t.item_id = p.item_id),"
                                     " p.title, p.language, p.kind, p.published_at,"
                                         " p.updated_at, (SELECT code FROM portal_portals WHERE id = p.portal_id)" +
                                         sql + order + " LIMIT " + std::to_string(n) + " OFFSET " + std::to_string(skip),
                                     w.params)) {
            Row row;
            auto& it = row.item;
            it.id = r.Int(0);
            it.current.fields.lead = r.Text(1);
            it.current.body_text = r.Text(2);
            it.current.fields.title = r.Text(3);
            it.language = r.Text(4);
            it.kind = r.Text(5);
            it.first_published_at = core::FromMillis(r.Int(6));
            it.published_at = core::FromMillis(r.Int(7));
            it.portal = r.Text(8);
            it.state = State::kPublished;
            row.text = it.current.fields.lead + "\n" + it.current.body_text;
            rows.push_back(std::move(row));
        }
    };
    const int limit = std::clamp(in.limit, 1, 100);
    const std::int64_t offset = std::clamp(in.offset, 0, 10000);
    // PostgreSQL's plan, chosen here from the counts (its estimates for a word it has no
    // statistics of made it read the whole table in search of 10 rows that were not there):
    // counts and rare sets through the GIN index (a bitmap: every match, then sorted), a set
    // of more than kSearchCountCap through the primary key backwards, stopping at the page.
    // SET LOCAL lasts until the end of the snapshot's transaction.
    auto plan = [&](Connection& c, bool through_gin) {
        if (!pg) return;
        c.ExecuteScript(through_gin ? "SET LOCAL enable_seqscan = off; SET LOCAL enable_indexscan = off;"
                                      " SET LOCAL enable_bitmapscan = on"
                                    : "SET LOCAL enable_seqscan = off; SET LOCAL enable_indexscan = on;"
                                      " SET LOCAL enable_bitmapscan = off");
    };
    // The exact tier is only probed, not counted to the cap: counting up to `probe` tells whether
    // it fills this page by itself (then the folded tier is not reached and its size does not
    // matter) and, when it does not, gives its exact size (the folded tier's offset); it also
    // chooses the exact page's plan (a set larger than kExactRare is read by the key backwards).
    constexpr std::int64_t kExactRare = 200;
    const std::int64_t probe = std::max<std::int64_t>(offset + limit, kExactRare) + 1;
    auto rows = db_.Snapshot([&](Connection& c) {
        plan(c, true);
        const auto total = count(c, Set::kAll, kSearchCountCap + 1);
        out.total = std::min(total, kSearchCountCap);
        out.total_capped = total > kSearchCountCap;
        std::vector<Row> v;
        // A common word on PostgreSQL: when the exact tier fills the page among the newest items,
        // that is the page (they are the newest exact matches of all: any other is older), and
        // neither the exact tier's size nor the folded tier is needed. Counting the exact tier
        // through the GIN index builds a bitmap of every match (6-7 ms for a word in a third of
        // 100 000 items), where reading the newest items stops at the page (about 0.5 ms).
        if (search::ReadNewestFirst(pg, total, kSearchCountCap, offset, limit)) {
            plan(c, false);
            page(c, Set::kExact, static_cast<int>(offset) + limit, 0, v, true);
            if (static_cast<std::int64_t>(v.size()) == offset + limit) {
                v.erase(v.begin(), v.begin() + offset);
                return v;
            }
            v.clear();
            plan(c, true);
        }
        const auto exact = total == 0 ? 0 : count(c, Set::kExact, probe);  // tier 0, up to `probe`
        if (offset < exact) {
            plan(c, exact <= kExactRare);
            page(c, Set::kExact, limit, offset, v);
        }
        if (static_cast<int>(v.size()) < limit && exact < probe) {
            plan(c, total <= kSearchCountCap);
            // No exact match: the folded-only tier is every match, read without the NOT that
            // would walk each match of the folded words (the common case of text typed without
            // diacritics).
            page(c, exact == 0 ? Set::kAll : Set::kFoldedOnly, limit - static_cast<int>(v.size()),
                 std::max<std::int64_t>(0, offset - exact), v);
        }
        return v;
    });
    for (auto& r : rows) out.results.push_back({std::move(r.item), search::Snippet(r.text, q)});
    return out;
}

namespace {

// `from` and `to` (YYYY-MM-DD in `tz`; `to` inclusive) as [from, to).
core::Status DayRange(const std::function<std::optional<std::string>(std::string_view)>& param, const std::string& tz,
                      std::optional<core::TimePoint>& from, std::optional<core::TimePoint>& to) {
    for (auto [name, at, end] : {std::tuple{"from", &from, false}, {"to", &to, true}}) {
        const auto day = param(name).value_or("");
        if (day.empty()) continue;
        const auto invalid = core::InvalidField(name, core::Msg("portal.day_invalid", {{"field", name}}));
        if (!calendar::ParseIsoDate(day)) return invalid;
        auto t = calendar::TryParseInstant(day + "T00:00", tz);
        if (!t) return invalid;
        *at = end ? t.value() + std::chrono::hours(24) : t.value();
    }
    return core::Ok{};
}

}  // namespace

core::Result<DocumentQuery> DocumentQueryFrom(const std::function<std::optional<std::string>(std::string_view)>& param,
                                              const std::string& tz) {
    auto text = [&](const char* k) { return param(k).value_or(""); };
    DocumentQuery q{.portal = text("portal"), .doc_kind = text("kind"), .number = text("number"),
                    .symbol = text("symbol"), .issuer = text("issuer"), .signer = text("signer"),
                    .language = text("language"), .text = text("q")};
    if (!q.doc_kind.empty() && !IsDocumentKind(q.doc_kind))
        return core::InvalidField("kind", core::Msg("portal.document_kind_unknown", {{"kind", q.doc_kind}}));
    for (auto [name, value] : {std::pair{"portal", &q.portal}, {"number", &q.number}, {"symbol", &q.symbol},
                               {"issuer", &q.issuer}, {"signer", &q.signer}, {"language", &q.language}, {"q", &q.text}}) {
        if (value->size() > 500 || !core::IsValidUtf8(*value))
            return core::InvalidField(name, core::Msg("portal.field_invalid_text", {{"field", name}}));
    }
    if (auto r = DayRange(param, tz, q.issued_from, q.issued_to); !r) return r.error();
    const auto limit = param("limit");
    q.limit = limit ? static_cast<int>(std::clamp<std::int64_t>(ParsePositive(*limit).value_or(20), 1, 100)) : 20;
    if (const auto page = param("page")) {
        const std::int64_t n = ParsePositive(*page).value_or(0);
        if (n < 1 || n > 500) return core::InvalidField("page", core::Msg("portal.page_invalid"));
        q.offset = static_cast<int>((n - 1) * q.limit);
    } else if (const auto offset = param("offset"); offset && *offset != "0") {
        const auto n = ParsePositive(*offset);
        if (!n || *n > 100000) return core::InvalidField("offset", core::Msg("portal.page_invalid"));
        q.offset = static_cast<int>(*n);
    }
    return q;
}

core::Result<SearchQuery> SearchQueryFrom(const std::function<std::optional<std::string>(std::string_view)>& param,
                                          const std::string& tz) {
    auto text = [&](const char* k) { return param(k).value_or(""); };
    SearchQuery q{.q = text("q"), .portal = text("portal"), .section = text("section"), .kind = text("kind"),
                  .language = text("lang")};
    for (auto [name, value] : {std::pair{"q", &q.q}, {"portal", &q.portal}, {"section", &q.section},
                               {"kind", &q.kind}, {"lang", &q.language}}) {
        if (value->size() > 300 || !core::IsValidUtf8(*value))
            return core::InvalidField(name, core::Msg("portal.field_invalid_text", {{"field", name}}));
    }
    if (auto r = DayRange(param, tz, q.from, q.to); !r) return r.error();
    const auto limit = param("limit");
    q.limit = limit ? static_cast<int>(std::clamp<std::int64_t>(ParsePositive(*limit).value_or(20), 1, 50)) : 20;
    const auto page = param("page");
    const std::int64_t n = page ? ParsePositive(*page).value_or(0) : 1;
    if (n < 1 || n > 500) return core::InvalidField("page", core::Msg("portal.page_invalid"));
    q.offset = static_cast<int>((n - 1) * q.limit);
    return q;
}

std::string PublicPath(const Portal& portal, std::int64_t item_id, std::string_view title) {
    const auto slug = search::Slug(title);
    return PortalHome(portal) + (portal.code == kMainPortal ? "" : "/") + "bai-viet/" + std::to_string(item_id) +
           (slug.empty() ? "" : "-" + slug);
}

std::string PortalHome(const Portal& portal) {
    return portal.code == kMainPortal ? "/" : "/cong/" + portal.code;
}

}  // namespace vp::portal
