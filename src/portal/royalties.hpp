#pragma once
// Contributors and royalties (P-11, P-17; 09-QC/TW Art. 7.3, Hậu Giang Art. 7, 9.1, 12.5): what
// a contributor's submission must carry, when a royalty arises and in which quarter it is paid.
// Pure: no storage, no HTTP.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/access.hpp"
#include "core/clock.hpp"
#include "core/result.hpp"

namespace vp::portal {

/// See the royalties of a portal (the quarterly report without bank details).
inline constexpr core::access::Permission kRoyaltyRead{"portal.royalty.read"};
/// Keep the royalty table and see contributors' bank details (the royalty officer).
inline constexpr core::access::Permission kRoyaltyManage{"portal.royalty.manage"};

/// What a contributor sends with a submission (Hậu Giang Art. 9.1): who he is, how to pay him, and
/// his unit head's approval of the content (Art. 12.3).
struct Contribution {
    std::string full_name;
    std::string title;  ///< chức danh
    std::string unit;   ///< đơn vị công tác
    std::string phone;
    std::string bank_account;
    std::string bank_branch;  ///< tên chi nhánh ngân hàng
    std::string head_name;    ///< the unit head who approved the content
    std::string head_title;
    std::string head_approved_on;    ///< YYYY-MM-DD, not after today
    std::string head_approval_file;  ///< optional: same-site path of the signed approval (/media/...)
};

/// Checks a contribution field by field; the first missing or malformed field is named (its JSON
/// name under "contribution."). Text is trimmed and NFC; `today` is YYYY-MM-DD in the portal's
/// zone. Returns the cleaned contribution.
core::Result<Contribution> CheckContribution(Contribution c, std::string_view today);

/// "•••• 6789": enough to tell accounts apart, for everyone but the royalty officer.
std::string MaskBankAccount(std::string_view account);

/// Facts about a publication that decide whether it earns a royalty.
struct PublicationFacts {
    bool first_publication = false;  ///< the item had never been live
    bool integrated = false;         ///< brought in from a component portal (P-1)
};

/// P-17: a royalty arises on the first publication only (never for a republication or an update),
/// and never for an item integrated from a component portal.
bool RoyaltyArises(const PublicationFacts& f);

/// "2026-12-01": the calendar date of an instant in a time zone.
std::string LocalDate(core::TimePoint at, std::string_view time_zone);

/// "2026-Q4": the calendar quarter of an instant in a time zone (payments are quarterly).
std::string QuarterOf(core::TimePoint at, std::string_view time_zone);

/// The instants [from, to) of a quarter "YYYY-Qn" in a time zone; an error for anything else.
core::Result<std::pair<core::TimePoint, core::TimePoint>> QuarterBounds(std::string_view quarter, std::string_view time_zone);

}  // namespace vp::portal
