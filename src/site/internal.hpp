#pragma once
// What the public pages share (pages.cpp, library_pages.cpp): the request's portal and language,
// the layout, cards, pictures, pagers and the site's 404 page.

#include <boost/json.hpp>

#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "core/http/types.hpp"
#include "site/site.hpp"

namespace vp::site {

struct Site::Context {
    portal::Portal portal;
    /// Every portal (remembered until the next change: Site::Portals).
    std::shared_ptr<const std::vector<portal::Portal>> portals;
    /// Where the pages' shared look-ups are remembered, and for which generation.
    Memo* memo = nullptr;
    std::uint64_t generation = 0;
    std::string lang = "vi";
    std::string base;  ///< "" | "/en" | "/cong/<code>" | "/cong/<code>/en"
    /// The portal's sections, and those with a published item in `lang` (the menu shows these);
    /// shared with the memo, not copied per page (Site::AddSections).
    std::shared_ptr<const std::vector<portal::Section>> sections = Empty<std::vector<portal::Section>>();
    std::shared_ptr<const std::set<std::string>> sections_in_use = Empty<std::set<std::string>>();
    template <class T>
    static std::shared_ptr<const T> Empty() {
        static const auto empty = std::make_shared<const T>();
        return empty;
    }
    const boost::json::object* t = nullptr;
    /// A portal by its code, from `portals` (no look-up).
    const portal::Portal* FindPortal(std::string_view code) const {
        for (const auto& p : *portals) {
            if (p.code == code) return &p;
        }
        return nullptr;
    }
    std::string Home() const { return base.empty() ? "/" : base; }
    std::string SectionHref(const std::string& code) const { return base + "/chuyen-muc/" + code; }
    std::string DocumentsHref() const { return base + "/van-ban"; }
    std::string CollectionsHref() const { return base + "/tu-lieu"; }
    const portal::Section* FindSection(std::string_view code) const {
        for (const auto& s : *sections) {
            if (s.code == code && s.status == "active") return &s;
        }
        return nullptr;
    }
    std::string SectionName(const portal::Section& s) const {
        return lang == "en" && !s.name_en.empty() ? s.name_en : s.name_vi;
    }
    std::string PortalName() const {
        return lang == "en" && !portal.name_en.empty() ? portal.name_en : portal.name_vi;
    }
    std::string T(std::string_view key) const {
        const auto* v = t ? t->if_contains(key) : nullptr;
        return v && v->is_string() ? std::string(v->get_string()) : std::string(key);
    }
};

namespace internal {

namespace json = boost::json;

struct Frame {
    std::string title, description, canonical, og_type = "website", og_image;
    json::array alternates, feeds;
    std::string jsonld, robots, search_q;
    json::value other_lang = nullptr;
    core::TimePoint last_modified{};
};


// "2026-03-25T17:00:00+07:00" -> "25/03/2026 17:00".
std::string Display(const std::string& iso);
json::value OrNull(const std::string& s);
/// A JSON text safe inside <script>: "</" never closes the element.
std::string ScriptJson(const json::value& v);
/// The id at the start of an article's path segment ("123-slug"), or nullopt.
std::optional<std::int64_t> LeadingId(std::string_view s);
/// A time in the portal's zone as ISO 8601 with offset.
std::string LocalIso(core::TimePoint t, const portal::Portal& p);
/// The day of an instant in the portal's zone, as readers write it ("25/03/2026").
std::string Day(core::TimePoint t, const portal::Portal& p);
/// The layout around a page's inner HTML (templates/site/<name>.html).
core::http::Response Layout(const core::http::Request& req, const core::web::TemplateStore& templates,
                            const Site::Context& ctx, std::string_view name, json::object data, Frame frame,
                            const std::vector<portal::Portal>& portals, const std::string& public_url);
/// The pager of a list, or null when it fits one page.
json::value Pager(int page, std::int64_t total, int per_page, const std::string& base_href);
/// The `page` parameter: 1..500, or 0 when invalid.
int PageParam(const core::http::Request& req);
/// The files of a document (its media other than pictures): name, size, address and what the
/// registry of signatures says (the portal's own registration, the PDF's embedded signature).
json::array DocumentFiles(const media::Service& media, const signatures::Service* signatures,
                          const std::vector<portal::MediaRef>& refs, const Site::Context& ctx);
core::http::Response NotFoundPage(const core::http::Request& req, const core::web::TemplateStore& templates,
                                  const Site::Context& ctx, const std::vector<portal::Portal>& portals,
                                  const std::string& public_url);

}  // namespace internal
}  // namespace vp::site
