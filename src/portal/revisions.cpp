#include "portal/revisions.hpp"

#include <boost/json.hpp>

#include "calendar/iso_time.hpp"

namespace vp::portal {
namespace {

std::vector<std::string_view> Lines(std::string_view s) {
    std::vector<std::string_view> out;
    while (!s.empty()) {
        auto nl = s.find('\n');
        out.push_back(s.substr(0, nl));
        if (nl == std::string_view::npos) break;
        s.remove_prefix(nl + 1);
    }
    return out;
}

boost::json::array Strings(const std::vector<std::string>& v) {
    boost::json::array a;
    for (const auto& s : v) a.emplace_back(s);
    return a;
}

boost::json::value Time(const std::optional<core::TimePoint>& t) {
    if (!t) return nullptr;
    return boost::json::value(calendar::FormatIso(*t, "Asia/Ho_Chi_Minh"));
}

}  // namespace

std::vector<DiffLine> DiffLines(std::string_view a, std::string_view b, std::size_t max_cells) {
    auto la = Lines(a), lb = Lines(b);
    // Common prefix and suffix first: most edits touch a few lines of a long text.
    std::size_t pre = 0;
    while (pre < la.size() && pre < lb.size() && la[pre] == lb[pre]) ++pre;
    std::size_t suf = 0;
    while (suf < la.size() - pre && suf < lb.size() - pre && la[la.size() - 1 - suf] == lb[lb.size() - 1 - suf]) ++suf;
    std::vector<DiffLine> out;
    for (std::size_t i = 0; i < pre; ++i) out.push_back({' ', std::string(la[i])});
    const std::size_t n = la.size() - pre - suf, m = lb.size() - pre - suf;
    if (n * m > max_cells) {
        for (std::size_t i = 0; i < n; ++i) out.push_back({'-', std::string(la[pre + i])});
        for (std::size_t j = 0; j < m; ++j) out.push_back({'+', std::string(lb[pre + j])});
    } else {
        // lcs[i][j]: length of the LCS of a[i..n) and b[j..m).
        std::vector<std::uint32_t> lcs((n + 1) * (m + 1), 0);
        auto at = [&](std::size_t i, std::size_t j) -> std::uint32_t& { return lcs[i * (m + 1) + j]; };
        for (std::size_t i = n; i-- > 0;) {
            for (std::size_t j = m; j-- > 0;) {
                at(i, j) = la[pre + i] == lb[pre + j] ? at(i + 1, j + 1) + 1 : std::max(at(i + 1, j), at(i, j + 1));
            }
        }
        std::size_t i = 0, j = 0;
        while (i < n || j < m) {
            if (i < n && j < m && la[pre + i] == lb[pre + j]) {
                out.push_back({' ', std::string(la[pre + i])});
                ++i, ++j;
            } else if (i < n && (j == m || at(i + 1, j) >= at(i, j + 1))) {
                out.push_back({'-', std::string(la[pre + i])});  // removals before additions
                ++i;
            } else {
                out.push_back({'+', std::string(lb[pre + j])});
                ++j;
            }
        }
    }
    for (std::size_t k = la.size() - suf; k < la.size(); ++k) out.push_back({' ', std::string(la[k])});
    return out;
}

boost::json::object FieldsToJson(const ItemFields& f) {
    boost::json::array media;
    for (const auto& m : f.media)
        media.push_back(boost::json::object{{"url", m.url}, {"caption", m.caption}, {"credit", m.credit}});
    boost::json::array cites;
    for (auto id : f.cites) cites.emplace_back(id);
    boost::json::value document = nullptr;
    if (!f.document.empty()) {
        document = boost::json::object{{"doc_kind", f.document.doc_kind},
                                       {"number", f.document.number},
                                       {"symbol", f.document.symbol},
                                       {"issuer", f.document.issuer},
                                       {"signer", f.document.signer}};
    }
    return boost::json::object{{"authors", Strings(f.authors)},
                               {"source", f.source},
                               {"original_source", f.original_source},
                               {"original_url", f.original_url},
                               {"sections", Strings(f.sections)},
                               {"tags", Strings(f.tags)},
                               {"media", std::move(media)},
                               {"event_at", Time(f.event_at)},
                               {"issued_at", Time(f.issued_at)},
                               {"royalty_grade", f.royalty_grade},
                               {"document", std::move(document)},
                               {"cites", std::move(cites)}};
}

std::vector<FieldChange> DiffFields(const ItemFields& a, const ItemFields& b) {
    std::vector<FieldChange> out;
    if (a.title != b.title) out.push_back({"title", boost::json::value(a.title), boost::json::value(b.title)});
    if (a.lead != b.lead) out.push_back({"lead", boost::json::value(a.lead), boost::json::value(b.lead)});
    auto ja = FieldsToJson(a), jb = FieldsToJson(b);
    for (const auto& [k, v] : ja) {
        if (jb[k] != v) out.push_back({std::string(k), v, jb[k]});
    }
    return out;
}

}  // namespace vp::portal
