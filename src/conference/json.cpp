#include <boost/json.hpp>

#include "conference/conference.hpp"

namespace vp::conference {

boost::json::value ToJson(const Document& d) {
    boost::json::array files;
    for (const auto& f : d.files) files.emplace_back(f);
    auto opt = [](const std::optional<core::TimePoint>& t) {
        return t ? boost::json::value(core::ToMillis(*t)) : boost::json::value(nullptr);
    };
    return boost::json::object{{"id", d.id},
                               {"kind", d.kind},
                               {"owner", d.owner_code},
                               {"site_id", d.site_id},
                               {"state", d.state},
                               {"due_at", core::ToMillis(d.due_at)},
                               {"title", d.title},
                               {"version", d.version},
                               {"files", std::move(files)},
                               {"submitted_at", opt(d.submitted_at)},
                               {"approved_at", opt(d.approved_at)},
                               {"issued_at", opt(d.issued_at)}};
}

}  // namespace vp::conference
