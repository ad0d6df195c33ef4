#include "portal/library.hpp"
#include "portal/royalties.hpp"
#include "portal/screening.hpp"
#include "portal/takedowns.hpp"
#include "portal/workflow.hpp"

namespace vp::portal {

void DeclareAccess(core::access::Policy& policy) {
    // 09-QC/TW Art. 5 and Hậu Giang Art. 12: contributors provide, editors edit, reviewers check
    // (kiểm duyệt), publishers publish, the board's directors decide take-downs and withdrawals,
    // translators write and proof-read translations (Art. 8.2).
    // The royalty officer reads the items whose royalties he pays (P-17).
    policy.Allow(kItemRead, {"editor", "reviewer", "publisher", "portal_director", "portal_admin", "translator",
                             "royalty_officer"});
    policy.Allow(kItemCreate, {"contributor", "editor", "reviewer", "publisher", "portal_director", "translator"});
    policy.Allow(kItemEdit, {"editor", "publisher", "portal_director"});
    policy.Allow(kItemTranslate, {"translator", "portal_director"});
    policy.Allow(kItemReview, {"reviewer", "portal_director"});
    policy.Allow(kItemPublish, {"publisher", "portal_director"});
    policy.Allow(kItemDirect, {"portal_director"});
    policy.Allow(kPostCheck, {"reviewer", "portal_director"});
    policy.Allow(kPortalManage, {"portal_admin", "system_admin"});
    // 09-QC/TW Art. 10.2: changes of substance to central content are the office leadership's.
    policy.Allow(kTakedownDecide, {"office_leader"});
    // P-31: the administrators keep the lists of prohibited terms (Hậu Giang Art. 5).
    policy.Allow(kTermsManage, {"portal_admin", "portal_director"});
    // P-11, P-17: bank details are the royalty officer's only; directors see the report.
    policy.Allow(kRoyaltyRead, {"royalty_officer", "portal_director"});
    policy.Allow(kRoyaltyManage, {"royalty_officer"});
    // P-4, P-25: the shared collections are kept by the main portal's publishers and directors.
    policy.Allow(kLibraryManage, {"publisher", "portal_director", "portal_admin"});
}

}  // namespace vp::portal
