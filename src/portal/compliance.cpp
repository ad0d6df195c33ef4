// Deadline compliance per providing unit (P-13; Hậu Giang Art. 10): how many items each unit
// provided were published within 8 working hours of the event, or 2 working days of the issue
// date. The rule (ClassifyDeadline) is in deadlines.cpp.
#include <boost/json.hpp>

#include <algorithm>
#include <map>

#include "calendar/iso_time.hpp"
#include "core/message.hpp"
#include "portal/deadlines.hpp"
#include "portal/internal.hpp"
#include "portal/portal.hpp"

namespace vp::portal {

namespace json = boost::json;
using core::Msg;
using core::db::Connection;
using namespace detail;

core::Result<ComplianceReport> Service::Compliance(const Principal& who, const std::string& portal_code,
                                                   core::TimePoint from, core::TimePoint to) const {
    auto portal = PortalOrError(portal_code);
    if (!portal) return portal.error();
    if (auto a = AuthorizeOnPortal(who, kItemRead, portal.value()); !a) return a.error();
    if (!(from < to)) return core::InvalidField("to", Msg("portal.period_invalid"));
    ComplianceReport rep{.portal = portal->code, .from = from, .to = to};
    std::map<std::int64_t, ComplianceRow> rows;
    const auto now = clock_.Now();
    db_.Read([&](Connection& c) {
        for (const auto& r : c.Query("SELECT providing_unit_id, deadline_due_at, first_published_at FROM portal_items"
                                     " WHERE portal_id = $1 AND deadline_due_at >= $2 AND deadline_due_at < $3"
                                     " AND state <> 'withdrawn'",
                                     {portal->id, Ms(from), Ms(to)})) {
            auto& row = rows[r.Int(0)];
            row.unit_id = r.Int(0);
            ++row.items;
            switch (ClassifyDeadline(core::FromMillis(r.Int(1)), OptTime(r, 2), now)) {
                case DeadlineOutcome::kMet: ++row.met; break;
                case DeadlineOutcome::kLate: ++row.late; break;
                case DeadlineOutcome::kOpenOverdue: ++row.open_overdue; break;
                case DeadlineOutcome::kOpenWithinDeadline: ++row.open_within; break;
            }
        }
        return 0;
    });
    for (auto& [id, row] : rows) {
        if (auto u = units_.Find(id)) {
            row.unit_code = u->code;
            row.unit_name = u->name_vi;
        }
        rep.rows.push_back(std::move(row));
    }
    std::sort(rep.rows.begin(), rep.rows.end(),
              [](const ComplianceRow& a, const ComplianceRow& b) { return a.unit_name < b.unit_name; });
    return rep;
}

json::object ToJson(const ComplianceReport& r, std::string_view time_zone) {
    json::array rows;
    for (const auto& x : r.rows) {
        const int decided = x.met + x.late + x.open_overdue;
        rows.push_back(json::object{{"unit_id", x.unit_id},
                                    {"unit_code", x.unit_code},
                                    {"unit_name", x.unit_name},
                                    {"items", x.items},
                                    {"met", x.met},
                                    {"late", x.late},
                                    {"open_overdue", x.open_overdue},
                                    {"open_within_deadline", x.open_within},
                                    // Share of the items whose outcome is known that met the deadline.
                                    {"met_share", decided ? json::value(static_cast<double>(x.met) / decided)
                                                          : json::value(nullptr)}});
    }
    return {{"portal", r.portal},
            {"from", calendar::FormatIso(r.from, time_zone)},
            {"to", calendar::FormatIso(r.to, time_zone)},
            {"units", std::move(rows)}};
}

}  // namespace vp::portal
