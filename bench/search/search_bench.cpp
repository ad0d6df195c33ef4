// Search over a large generated corpus (issue: "Search over 100,000 generated Vietnamese items on
// SQLite and on PostgreSQL"), measured through portal::Service::Search, the code the public
// page and GET /api/v1/portal/search run. Not a test: bench/search/run.sh runs it and writes
// docs/performance.md. Built on the Portal's service fixture (a fresh database of the engine,
// migrated; PostgreSQL from VANPHONG_TEST_PG_DSN).
//
// The corpus: BENCH_ITEMS items (default 100000) whose titles, leads and bodies are sentences of
// the demo corpus written for the project (data/portal/demo-corpus.json), recombined at random
// with the provinces' names, so the words "Đảng", "đang", "dạng", "đường", "dương" occur as they
// do in real text. One item goes through the workflow as a template; the others are written as
// published rows in large transactions and indexed by Service::RebuildPublic (the same indexing
// every publication runs).
//
// Prints one line per query: "query<TAB>QUERY<TAB>p50_ms<TAB>p95_ms<TAB>max_ms<TAB>total" (a "+"
// after the total: more matches than counted), then
// "exact_top10<TAB>N<TAB>of<TAB>10", "index_s<TAB>S", "items<TAB>N", "db_bytes<TAB>B".
#include <boost/json.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <random>

#include "portal/search.hpp"
#include "portal/service_fixture.hpp"

namespace vp::portal::testing_support {
namespace {

namespace json = boost::json;

std::vector<std::string> Sentences(const json::value& corpus) {
    std::vector<std::string> out;
    auto add = [&](std::string_view text) {
        std::size_t at = 0;
        while (at < text.size()) {
            auto end = text.find(". ", at);
            if (end == std::string_view::npos) end = text.size();
            auto s = std::string(text.substr(at, end - at));
            if (s.size() > 20) out.push_back(s + ".");
            at = end + 2;
        }
    };
    for (const auto& st : corpus.at("stories").as_array()) {
        const auto& o = st.as_object();
        add(o.at("title").as_string());
        add(o.at("lead").as_string());
        for (const auto& p : o.at("paragraphs").as_array()) add(p.as_string());
    }
    return out;
}

std::string Fill(std::string s, const std::string& place) {
    for (const char* key : {"{place}", "{date}"}) {
        for (std::size_t at; (at = s.find(key)) != std::string::npos;)
            s.replace(at, std::string_view(key).size(), std::string_view(key) == "{place}" ? place : "ngày 15/3");
    }
    return s;
}

double Percentile(std::vector<double> v, double p) {
    std::sort(v.begin(), v.end());
    if (v.empty()) return 0;
    const auto i = static_cast<std::size_t>(std::min<double>(v.size() - 1, p * (v.size() - 1) + 0.5));
    return v[i];
}

class SearchBench : public PortalService {};

TEST_P(SearchBench, Run) {
    const char* env = std::getenv("BENCH_ITEMS");
    const std::int64_t items = env ? std::max<std::int64_t>(100, std::atoll(env)) : 100000;
    const auto corpus = json::parse(Slurp(std::string(VP_SOURCE_DIR) + "/data/portal/demo-corpus.json"));
    const auto sentences = Sentences(corpus);
    std::vector<std::string> places;
    for (const auto& p : corpus.at("places").as_array()) places.emplace_back(p.at("name").as_string());
    ASSERT_GT(sentences.size(), 200u);

    // The template: a real item through the workflow (its row and revision are copied).
    const auto op = Principal::Operator();
    auto first = svc_->CreateItem(op, News("Mẫu"));
    ASSERT_TRUE(first.ok());
    for (auto a : {Action::kSubmit, Action::kTake, Action::kSendToReview, Action::kApprove, Action::kPublish})
        ASSERT_TRUE(svc_->Act(op, first->id, a, {}).ok());
    const auto tmpl = Db().Read([&](core::db::Connection& c) {
        return *c.QueryOne(
            "SELECT i.portal_id, i.providing_unit_id, r.fields_json FROM portal_items i JOIN portal_revisions r"
            " ON r.item_id = i.id AND r.no = i.live_revision WHERE i.id = $1",
            {first->id});
    });
    const auto portal_id = tmpl.Int(0), unit_id = tmpl.Int(1);
    const auto fields_json = tmpl.Text(2);

    std::mt19937 rng(2026);
    auto pick = [&](const auto& v) -> const auto& { return v[std::uniform_int_distribution<std::size_t>(0, v.size() - 1)(rng)]; };
    const auto t0 = std::chrono::steady_clock::now();
    const std::int64_t base_id = first->id + 1, base_ms = core::ToMillis(clock_.Now()) - items * 60000;
    constexpr std::int64_t kBatch = 5000;
    for (std::int64_t at = 0; at < items - 1; at += kBatch) {
        Db().Transact([&](core::db::Connection& c) {
            for (std::int64_t i = at; i < std::min(items - 1, at + kBatch); ++i) {
                const auto& place = pick(places);
                std::string title = Fill(pick(sentences), place);
                if (title.size() > 180) title.resize(title.rfind(' ', 180));
                if (!title.empty() && title.back() == '.') title.pop_back();
                const auto lead = Fill(pick(sentences), place);
                std::string body;
                for (int k = 0; k < 6; ++k) body += Fill(pick(sentences), place) + (k % 2 ? "\n" : " ");
                const auto id = base_id + i, ms = base_ms + i * 60000;
                c.Execute(
                    "INSERT INTO portal_items (id, portal_id, kind, language, state, version, current_revision,"
                    " live_revision, created_by, providing_unit_id, created_at, updated_at, first_published_at,"
                    " published_at) VALUES ($1, $2, 'news', 'vi', 'published', 1, 1, 1, 0, $3, $4, $4, $4, $4)",
                    {id, portal_id, unit_id, ms});
                c.Execute(
                    "INSERT INTO portal_revisions (item_id, no, created_at, created_by, created_by_name, role, title, lead,"
                    " body_html, body_text, fields_json) VALUES ($1, 1, $2, 0, 'bench', 'editor', $3, $4, $5, $6, $7)",
                    {id, ms, title, lead, "<p>" + body + "</p>", body, fields_json});
            }
        });
    }
    const auto t1 = std::chrono::steady_clock::now();
    const int indexed = svc_->RebuildPublic();
    const auto t2 = std::chrono::steady_clock::now();
    ASSERT_EQ(indexed, items - 1);
    std::printf("items\t%lld\n", static_cast<long long>(items));
    std::printf("generate_s\t%.1f\n", std::chrono::duration<double>(t1 - t0).count());
    std::printf("index_s\t%.1f\n", std::chrono::duration<double>(t2 - t1).count());
    if (GetParam() == core::db::Engine::kPostgres) {
        // What the planner knows after a bulk load (autovacuum would do the same a little later).
        Db().Read([](core::db::Connection& c) { c.Execute("ANALYZE portal_public"); });
    }

    // BENCH_EXPLAIN=word: PostgreSQL's plans of the count and the first page for one word.
    if (const char* word = std::getenv("BENCH_EXPLAIN"); word && GetParam() == core::db::Engine::kPostgres) {
        const auto folded = search::IndexText(word, true), exact = search::IndexText(word, false);
        for (const std::string sql :
             {"SELECT COUNT(*) FROM (SELECT p.item_id FROM portal_public p WHERE p.folded @@ to_tsquery('simple', $1) AND p.portal_id = $2 LIMIT 1001) t",
              "SELECT COUNT(*) FROM (SELECT p.item_id FROM portal_public p WHERE p.exact @@ to_tsquery('simple', $1) AND p.portal_id = $2 LIMIT 10) t",
              "SELECT p.item_id, p.lead FROM portal_public p WHERE p.exact @@ to_tsquery('simple', $1) AND p.portal_id = $2 ORDER BY p.item_id DESC LIMIT 10",
              "SELECT p.item_id, p.lead FROM portal_public p WHERE p.folded @@ to_tsquery('simple', $1) AND NOT (p.exact @@ to_tsquery('simple', $3)) AND p.portal_id = $2 ORDER BY p.item_id DESC LIMIT 10"}) {
            Db().Read([&](core::db::Connection& c) {
                std::printf("-- %s\n", sql.c_str());
                core::db::Params params{folded, portal_id};
                if (sql.find("$3") != std::string::npos) params.emplace_back(exact);
                if (sql.find("p.exact @@ to_tsquery('simple', $1)") != std::string::npos) params[0] = exact;
                for (const auto& r : c.Query("EXPLAIN (ANALYZE, BUFFERS) " + sql, params))
                    std::printf("%s\n", r.Text(0).c_str());
            });
        }
    }

    // One- to three-word queries, with and without diacritics, each run `rounds` times.
    const char* queries[] = {"Đảng", "dang", "nghị quyết", "nghi quyet", "chuyển đổi số", "chuyen doi so",
                             "kinh tế", "kinh te", "an sinh xã hội", "an sinh xa hoi", "cán bộ", "can bo",
                             "đường", "duong", "Hà Nội", "ha noi", "\"vấn đề\"", "ngư dân"};
    const int rounds = 30;
    std::vector<double> all;
    for (const char* q : queries) {
        std::vector<double> ms;
        std::int64_t total = 0;
        bool capped = false;
        for (int r = 0; r < rounds + 3; ++r) {
            const auto a = std::chrono::steady_clock::now();
            auto page = svc_->Search({.q = q, .limit = std::getenv("BENCH_LIMIT") ? std::atoi(std::getenv("BENCH_LIMIT")) : 10});
            const auto b = std::chrono::steady_clock::now();
            total = page.total;
            capped = page.total_capped;
            if (r >= 3) ms.push_back(std::chrono::duration<double, std::milli>(b - a).count());  // 3 warm-ups
        }
        all.insert(all.end(), ms.begin(), ms.end());
        std::printf("query\t%s\t%.2f\t%.2f\t%.2f\t%lld%s\n", q, Percentile(ms, 0.5), Percentile(ms, 0.95),
                    *std::max_element(ms.begin(), ms.end()), static_cast<long long>(total), capped ? "+" : "");
    }
    std::printf("all\t%.2f\t%.2f\n", Percentile(all, 0.5), Percentile(all, 0.95));

    // "Đảng": how many of the top 10 hold that exact word (title, lead or body).
    auto top = svc_->Search({.q = "Đảng", .limit = 10});
    int exact = 0;
    for (const auto& hit : top.results) {
        const auto& f = hit.item.current.fields;
        const auto words = search::Words(f.title + " " + f.lead + " " + hit.item.current.body_text);
        if (std::find(words.begin(), words.end(), "đảng") != words.end()) ++exact;
    }
    std::printf("exact_top10\t%d\tof\t%zu\n", exact, top.results.size());
    std::fflush(stdout);
}

VP_INSTANTIATE_DB_TEST(SearchBench);

}  // namespace
}  // namespace vp::portal::testing_support
