#include "portal/royalties.hpp"

#include <date/tz.h>

#include <charconv>

#include "calendar/iso_time.hpp"
#include "core/message.hpp"
#include "portal/internal.hpp"

namespace vp::portal {
namespace {

using core::Msg;

// Digits, spaces, dots and dashes, with an optional leading '+': 8 to 15 digits in all.
bool IsPhone(std::string_view s) {
    int digits = 0;
    for (std::size_t i = 0; i < s.size(); ++i) {
        const char c = s[i];
        if (c >= '0' && c <= '9') {
            ++digits;
        } else if (!(c == ' ' || c == '.' || c == '-' || (c == '+' && i == 0))) {
            return false;
        }
    }
    return digits >= 8 && digits <= 15;
}

// Bank account numbers in Vietnam: 6 to 20 digits (spaces allowed between groups).
bool IsBankAccount(std::string_view s) {
    int digits = 0;
    for (char c : s) {
        if (c >= '0' && c <= '9') {
            ++digits;
        } else if (c != ' ') {
            return false;
        }
    }
    return digits >= 6 && digits <= 20;
}

}  // namespace

core::Result<Contribution> CheckContribution(Contribution c, std::string_view today) {
    struct Field {
        const char* name;
        std::string* value;
        std::size_t max;
        bool required;
        core::Message label;  // names the field in the reader's language
    };
    const Field fields[] = {
        {"contribution.full_name", &c.full_name, 200, true, Msg("portal.field.full_name")},
        {"contribution.title", &c.title, 200, true, Msg("portal.field.title")},
        {"contribution.unit", &c.unit, 300, true, Msg("portal.field.unit")},
        {"contribution.phone", &c.phone, 30, true, Msg("portal.field.phone")},
        {"contribution.bank_account", &c.bank_account, 40, true, Msg("portal.field.bank_account")},
        {"contribution.bank_branch", &c.bank_branch, 300, true, Msg("portal.field.bank_branch")},
        {"contribution.head_name", &c.head_name, 200, true, Msg("portal.field.head_name")},
        {"contribution.head_title", &c.head_title, 200, true, Msg("portal.field.head_title")},
        {"contribution.head_approved_on", &c.head_approved_on, 10, true, Msg("portal.field.head_approved_on")},
        {"contribution.head_approval_file", &c.head_approval_file, 500, false, Msg("portal.field.head_approval_file")},
    };
    for (const auto& f : fields) {
        auto clean = detail::CleanText(f.name, *f.value, f.max);
        if (!clean) return clean.error();
        *f.value = std::move(clean).value();
        if (f.required && f.value->empty()) {
            auto m = Msg("portal.contribution_missing");
            m.parts.push_back({"field", f.label});
            return core::InvalidField(f.name, std::move(m));
        }
    }
    if (!IsPhone(c.phone)) return core::InvalidField("contribution.phone", Msg("portal.contribution_phone_invalid"));
    if (!IsBankAccount(c.bank_account))
        return core::InvalidField("contribution.bank_account", Msg("portal.contribution_bank_account_invalid"));
    if (!calendar::ParseIsoDate(c.head_approved_on))
        return core::InvalidField("contribution.head_approved_on", Msg("portal.contribution_date_invalid"));
    if (c.head_approved_on > today)
        return core::InvalidField("contribution.head_approved_on", Msg("portal.contribution_date_future"));
    if (!c.head_approval_file.empty() &&
        (!c.head_approval_file.starts_with("/media/") || c.head_approval_file.find("..") != std::string::npos)) {
        return core::InvalidField("contribution.head_approval_file", Msg("portal.contribution_file_invalid"));
    }
    return c;
}

std::string MaskBankAccount(std::string_view account) {
    std::string digits;
    for (char c : account) {
        if (c >= '0' && c <= '9') digits += c;
    }
    if (digits.size() <= 4) return "••••";
    return "•••• " + digits.substr(digits.size() - 4);
}

bool RoyaltyArises(const PublicationFacts& f) { return f.first_publication && !f.integrated; }

namespace {
date::year_month_day LocalDay(core::TimePoint at, std::string_view time_zone) {
    const auto* zone = date::locate_zone(std::string(time_zone));
    const auto local = zone->to_local(std::chrono::time_point_cast<std::chrono::seconds>(at));
    return date::year_month_day{date::floor<date::days>(local)};
}
}  // namespace

std::string LocalDate(core::TimePoint at, std::string_view time_zone) {
    const auto ymd = LocalDay(at, time_zone);
    return calendar::FormatIsoDate(std::chrono::year_month_day{std::chrono::year{static_cast<int>(ymd.year())},
                                                               std::chrono::month{static_cast<unsigned>(ymd.month())},
                                                               std::chrono::day{static_cast<unsigned>(ymd.day())}});
}

std::string QuarterOf(core::TimePoint at, std::string_view time_zone) {
    const auto ymd = LocalDay(at, time_zone);
    const unsigned q = (static_cast<unsigned>(ymd.month()) - 1) / 3 + 1;
    return std::to_string(static_cast<int>(ymd.year())) + "-Q" + std::to_string(q);
}

core::Result<std::pair<core::TimePoint, core::TimePoint>> QuarterBounds(std::string_view quarter,
                                                                        std::string_view time_zone) {
    const auto bad = core::InvalidField("quarter", Msg("portal.quarter_invalid"));
    if (quarter.size() != 7 || quarter[4] != '-' || quarter[5] != 'Q') return bad;
    int year = 0;
    if (std::from_chars(quarter.data(), quarter.data() + 4, year).ec != std::errc{} || year < 2000 || year > 2199) return bad;
    const int q = quarter[6] - '0';
    if (q < 1 || q > 4) return bad;
    const auto* zone = date::locate_zone(std::string(time_zone));
    auto at = [&](int y, int m) {
        const date::local_days d{date::year{y} / date::month(static_cast<unsigned>(m)) / date::day{1}};
        return core::TimePoint(zone->to_sys(d, date::choose::earliest));
    };
    const int m = (q - 1) * 3 + 1;
    return std::pair{at(year, m), q == 4 ? at(year + 1, 1) : at(year, m + 3)};
}

}  // namespace vp::portal
