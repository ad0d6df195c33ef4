// The demo corpus (data/portal/demo-corpus.json, written for the project): sections of each
// demo portal, stories (some with English), official documents and collections, published
// by the operator at times spread over the past weeks so the public site reads as a portal
// in use. Stories marked for every province ("portal": "*") are told of the component portals'
// own places and, on the main portal's "Tin từ địa phương", of other provinces. Pictures are
// drawn locally (media::DemoImage), a few per theme, reused.
#include <spdlog/spdlog.h>

#include <boost/json.hpp>
#include <algorithm>
#include <map>
#include <cstdio>
#include <optional>
#include <random>

#include "core/message.hpp"
#include "portal/demo.hpp"

namespace vp::embedded {
std::span<const vp::core::EmbeddedFile> PortalDemoCorpus();
std::span<const vp::core::EmbeddedFile> PortalDemoFiles();
}  // namespace vp::embedded

namespace vp::portal {

namespace json = boost::json;

namespace {

std::string Str(const json::object& o, std::string_view key) {
    const auto* v = o.if_contains(key);
    return v && v->is_string() ? std::string(v->as_string()) : std::string();
}

std::string ReplaceAll(std::string s, std::string_view what, std::string_view with) {
    for (std::size_t at = 0; (at = s.find(what, at)) != std::string::npos; at += with.size()) s.replace(at, what.size(), with);
    return s;
}

// One story told of one place, published in one portal and section.
struct Instance {
    const json::object* story;
    std::string portal, section, place;
};

constexpr const char* kAuthors[] = {"Minh Anh", "Thu Hà", "Quang Huy", "Ngọc Lan", "Đức Thắng", "Phương Thảo",
                                    "Hoàng Nam", "Thanh Bình", "Khánh Linh", "Văn Toàn"};
constexpr const char* kMonthsEn[] = {"January", "February", "March",     "April",   "May",      "June",
                                     "July",    "August",   "September", "October", "November", "December"};
constexpr int kPicturesPerTheme = 3;

// Viet Nam keeps UTC+7 all year.
std::chrono::year_month_day LocalDate(core::TimePoint t) {
    return std::chrono::year_month_day{std::chrono::floor<std::chrono::days>(t + std::chrono::hours(7))};
}

// "YYYY-MM-DD" as midnight in Viet Nam.
std::optional<core::TimePoint> ParseDay(const std::string& s) {
    int y = 0;
    unsigned m = 0, d = 0;
    if (std::sscanf(s.c_str(), "%4d-%2u-%2u", &y, &m, &d) != 3) return std::nullopt;
    const std::chrono::year_month_day ymd{std::chrono::year{y}, std::chrono::month{m}, std::chrono::day{d}};
    if (!ymd.ok()) return std::nullopt;
    return core::TimePoint{std::chrono::sys_days{ymd}} - std::chrono::hours(7);
}

class CorpusLoader {
public:
    CorpusLoader(Service& svc, core::FakeClock& clock, media::Service& media, const core::Clock& real)
        : svc_(svc), clock_(clock), media_(media), now_(real.Now()) {}

    void Load() {
        auto parsed = json::parse(embedded::PortalDemoCorpus().front().content);
        const auto& corpus = parsed.as_object();
        clock_.Set(now_ - std::chrono::hours(24 * 40));
        for (const auto& p : corpus.at("portals").as_array()) AddSections(p.as_object());
        (void)svc_.MapSection(op_, "tu-hni", "tin-dia-phuong", "dia-phuong");
        (void)svc_.MapSection(op_, "tu-hue", "tin-dia-phuong", "dia-phuong");
        std::vector<std::string> places;
        for (const auto& p : corpus.at("places").as_array()) places.push_back(Str(p.as_object(), "name"));
        const std::map<std::string, std::string> own_place{{"tu-hni", "Hà Nội"}, {"tu-hue", "Huế"}};

        std::vector<Instance> all;
        std::size_t next_place = 2;  // the first two are the component portals' own
        auto other_place = [&] { return places.empty() ? std::string() : places[next_place++ % places.size()]; };
        for (const auto& s : corpus.at("stories").as_array()) {
            const auto& o = s.as_object();
            const auto portal = Str(o, "portal"), section = Str(o, "section");
            if (portal != "*") {
                all.push_back({&o, portal, section, other_place()});
                continue;
            }
            for (const auto& [code, place] : own_place) all.push_back({&o, code, section, place});
            for (int i = 0; i < 5; ++i) all.push_back({&o, "main", "dia-phuong", other_place()});
        }
        // Newest first after a shuffle, so every page mixes sections and portals.
        std::mt19937 rng(2026);
        std::shuffle(all.begin(), all.end(), rng);
        int published = 0, translated = 0;
        for (std::size_t i = 0; i < all.size(); ++i) {
            // Oldest first: the i-th from the end is published about 2 h 20 min × i ago.
            const auto& in = all[all.size() - 1 - i];
            clock_.Set(now_ - std::chrono::minutes(140) * static_cast<int>(all.size() - i) - std::chrono::hours(3));
            const auto [vi, en] = Publish(in, i);
            published += vi != 0;
            translated += en != 0;
        }
        LoadBanners();
        clock_.Set(now_ - std::chrono::hours(24 * 30));
        const int documents = LoadDocuments(corpus.at("documents").as_array());
        const int nodes = LoadCollections(corpus.at("collections").as_array());
        spdlog::info("portal demo: {} stories published ({} with English), {} documents, {} collection entries",
                     published, translated, documents, nodes);
    }

private:
    void AddSections(const json::object& p) {
        const auto portal = Str(p, "code");
        int order = 100;
        for (const auto& s : p.at("sections").as_array()) {
            const auto& o = s.as_object();
            auto r = svc_.AddSection(op_, {.portal = portal, .code = Str(o, "code"), .name_vi = Str(o, "name_vi"),
                                           .name_en = Str(o, "name_en"), .sort_order = order += 10});
            if (!r && r.error().code != core::ErrorCode::kConflict)
                spdlog::warn("portal demo section {}/{}: {}", portal, Str(o, "code"), core::Text(r.error().message, "en"));
        }
    }

    // The picture `variant` of `theme`, uploaded once.
    std::string Picture(const std::string& theme, unsigned variant) {
        const auto key = theme + "/" + std::to_string(variant % kPicturesPerTheme);
        if (auto it = pictures_.find(key); it != pictures_.end()) return it->second;
        const auto bytes = media::DemoImage(theme, variant % kPicturesPerTheme);
        auto up = media_.Upload(op_, {.bytes = bytes,
                                      .filename = "anh-minh-hoa-" + theme + "-" + std::to_string(variant % 3) + ".jpg",
                                      .content_type = "image/jpeg",
                                      .purpose = "portal.item"});
        std::string url;
        if (up) url = "/media/" + up->sha256;
        else spdlog::warn("portal demo picture: {}", core::Text(up.error().message, "en"));
        return pictures_[key] = url;
    }

    ItemFields Fields(const json::object& text, const Instance& in, std::size_t n, bool english) {
        const auto ymd = LocalDate(clock_.Now());
        const auto day = static_cast<unsigned>(ymd.day()), month = static_cast<unsigned>(ymd.month());
        const auto when = english ? std::to_string(day) + " " + kMonthsEn[month - 1]
                                  : "ngày " + std::to_string(day) + "/" + std::to_string(month);
        auto fill = [&](std::string s) { return ReplaceAll(ReplaceAll(std::move(s), "{place}", in.place), "{date}", when); };
        ItemFields f;
        f.title = fill(Str(text, "title"));
        f.lead = fill(Str(text, "lead"));
        for (const auto& p : text.at("paragraphs").as_array()) f.body_html += "<p>" + fill(std::string(p.as_string())) + "</p>";
        f.authors = {kAuthors[n % std::size(kAuthors)]};
        f.source = in.portal == "main" ? "Báo điện tử Đảng Cộng sản Việt Nam" : "Cổng thông tin điện tử " + in.place;
        f.sections = {in.section};
        if (const auto* tags = in.story->if_contains("tags"))
            for (const auto& t : tags->as_array()) f.tags.push_back(fill(std::string(t.as_string())));
        f.royalty_grade = "B";
        f.event_at = clock_.Now() - std::chrono::hours(2);
        if (const auto* img = in.story->if_contains("image")) {
            const auto& io = img->as_object();
            const auto theme = Str(io, "theme");
            const auto caption = fill(english && text.contains("caption") ? Str(text, "caption") : Str(io, "caption"));
            const int count = Str(*in.story, "kind") == "photo_story" ? 3 : 1;
            for (int k = 0; k < count; ++k) {
                const auto url = Picture(theme, static_cast<unsigned>(n + k));
                if (url.empty()) continue;
                f.media.push_back({.url = url,
                                   .caption = count > 1 ? caption + " (" + std::to_string(k + 1) + "/3)" : caption,
                                   .credit = english ? "Illustration" : "Ảnh minh họa"});
            }
        }
        return f;
    }

    // Publishes (demo.cpp); the post-check is done an hour later.
    std::int64_t PublishItem(NewItem n) {
        const auto portal = n.portal;
        const auto id = PublishDemo(svc_, std::move(n));
        if (!id) return 0;
        const auto at = clock_.Now();
        clock_.Set(at + std::chrono::hours(1));
        for (const auto& c : svc_.PostCheckQueue(op_, portal, true))
            if (c.item_id == id) (void)svc_.CompletePostCheck(op_, c.id, false, "");
        clock_.Set(at);
        return id;
    }

    std::pair<std::int64_t, std::int64_t> Publish(const Instance& in, std::size_t n) {
        const auto& s = *in.story;
        const auto kind = Str(s, "kind");
        const auto vi = PublishItem({.portal = in.portal, .kind = kind, .language = "vi", .fields = Fields(s, in, n, false)});
        std::int64_t en = 0;
        const auto portal = svc_.FindPortal(in.portal);
        const bool english = portal && std::find(portal->languages.begin(), portal->languages.end(), "en") !=
                                           portal->languages.end();
        if (const auto* t = s.if_contains("en"); vi && english && t && t->is_object()) {
            clock_.Set(clock_.Now() + std::chrono::minutes(30));
            en = PublishItem({.portal = in.portal, .kind = kind, .language = "en", .translation_of = vi,
                              .fields = Fields(t->as_object(), in, n, true)});
        }
        return {vi, en};
    }

    // The banners and slogans section of each demo portal (P-27; the main portal's is added here)
    // with one slogan each: the newest is the home page's banner.
    void LoadBanners() {
        (void)svc_.AddSection(op_, {.portal = std::string(kMainPortal), .code = "pano-khau-hieu",
                                    .name_vi = "Pa-nô, khẩu hiệu", .name_en = "Banners and slogans", .sort_order = 900});
        clock_.Set(now_ - std::chrono::hours(30));
        for (const char* portal : {"main", "tu-hni", "tu-hue"}) {
            NewItem n{.portal = portal, .kind = "news", .language = "vi"};
            n.fields.title = "Nhiệt liệt chào mừng kỷ niệm 97 năm Ngày thành lập Đảng Cộng sản Việt Nam (3/2/1930 - 3/2/2027)";
            n.fields.lead = "Tài liệu tuyên truyền, pa-nô, khẩu hiệu và hướng dẫn trang trí kỷ niệm ngày thành lập Đảng.";
            n.fields.body_html =
                "<p>Cơ quan, đơn vị sử dụng mẫu pa-nô, khẩu hiệu thống nhất, bảo đảm trang trọng, tiết kiệm.</p>"
                "<p>Các khẩu hiệu: Đảng Cộng sản Việt Nam quang vinh muôn năm! Nước Cộng hòa xã hội chủ nghĩa Việt Nam "
                "muôn năm! Chủ tịch Hồ Chí Minh vĩ đại sống mãi trong sự nghiệp của chúng ta!</p>";
            n.fields.source = "Ban Tuyên giáo và Dân vận Trung ương";
            n.fields.sections = {"pano-khau-hieu"};
            (void)PublishItem(std::move(n));
        }
    }

    int LoadDocuments(const json::array& docs) {
        const auto& pdf = embedded::PortalDemoFiles().front();
        auto up = media_.Upload(op_, {.bytes = pdf.content,
                                      .filename = "van-ban-mau-co-chu-ky-so.pdf",
                                      .content_type = "application/pdf",
                                      .purpose = "portal.document"});
        int n = 0;
        for (const auto& d : docs) {
            const auto& o = d.as_object();
            const auto issued = ParseDay(Str(o, "issued_on"));
            if (!issued) continue;
            clock_.Set(std::max(clock_.Now(), *issued + std::chrono::hours(3)));
            NewItem item{.portal = std::string(kMainPortal), .kind = "official_document", .language = "vi"};
            auto& f = item.fields;
            f.title = Str(o, "title");
            f.lead = Str(o, "lead");
            f.body_html = "<p>" + f.lead + "</p><p>Toàn văn văn bản được đăng kèm theo (tệp PDF có chữ ký số).</p>";
            f.source = "Văn phòng Trung ương Đảng";
            f.sections = {"van-ban"};
            f.issued_at = *issued + std::chrono::hours(1);
            f.document = {.doc_kind = Str(o, "doc_kind"), .number = Str(o, "number"), .symbol = Str(o, "symbol"),
                          .issuer = Str(o, "issuer"), .signer = Str(o, "signer")};
            if (up) f.media.push_back({.url = "/media/" + up->sha256, .caption = "Toàn văn " + f.title, .credit = ""});
            if (const auto id = PublishItem(std::move(item))) {
                ++n;
                if (n % 3 == 0) (void)svc_.PlaceDocument(op_, n % 2 ? "tu-hni" : "tu-hue", "van-ban", id);
            }
        }
        return n;
    }

    int LoadCollections(const json::array& collections) {
        int n = 0;
        for (const auto& c : collections) {
            const auto& o = c.as_object();
            auto col = svc_.CreateCollection(op_, {.code = Str(o, "code"), .kind = Str(o, "kind"), .title_vi = Str(o, "title"),
                                                   .title_en = Str(o, "title_en")});
            if (!col) {
                spdlog::warn("portal demo collection: {}", core::Text(col.error().message, "en"));
                continue;
            }
            std::map<std::int64_t, std::int64_t> parent_at;  // level → last node id
            std::int64_t order = 0;
            for (const auto& nd : o.at("nodes").as_array()) {
                const auto& no = nd.as_object();
                const auto level = no.at("level").to_number<std::int64_t>();
                auto node = svc_.AddNode(op_, col->code, {.parent_id = level > 1 ? parent_at[level - 1] : 0,
                                                          .level = Str(no, "kind"), .label = Str(no, "label"),
                                                          .title = Str(no, "title"), .sort_order = order += 10});
                if (!node) {
                    spdlog::warn("portal demo node: {}", core::Text(node.error().message, "en"));
                    continue;
                }
                parent_at[level] = node->id;
                ++n;
            }
        }
        return n;
    }

    Service& svc_;
    core::FakeClock& clock_;
    media::Service& media_;
    const core::TimePoint now_;
    const core::access::Principal op_ = core::access::Principal::Operator();
    std::map<std::string, std::string> pictures_;
};

}  // namespace

void LoadDemoCorpus(Service& svc, core::FakeClock& clock, media::Service& media, const core::Clock& real) {
    CorpusLoader(svc, clock, media, real).Load();
}

}  // namespace vp::portal
