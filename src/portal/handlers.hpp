#pragma once

#include "auth/web.hpp"
#include "portal/portal.hpp"

namespace vp::portal {

/// @brief HTTP adapter of the back office: pages under /admin/portal and /api/v1/portal/...
/// Handlers only translate HTTP; the service decides and checks permissions.
class Handlers {
public:
    Handlers(auth::Web& web, Service& portal) : web_(web), portal_(portal) {}

    // Pages.
    core::http::Response Queue(core::http::Request& req);
    core::http::Response NewItemPage(core::http::Request& req);
    core::http::Response CreateItem(core::http::Request& req);
    core::http::Response ItemPage(core::http::Request& req);
    core::http::Response SaveItem(core::http::Request& req);
    core::http::Response ActOnItem(core::http::Request& req);
    core::http::Response DiffPage(core::http::Request& req);
    core::http::Response PostChecks(core::http::Request& req);
    core::http::Response CompletePostCheck(core::http::Request& req);
    core::http::Response OpenTakedown(core::http::Request& req);
    core::http::Response TakedownStep(core::http::Request& req);

    // API.
    core::http::Response ApiPortals(core::http::Request& req);
    core::http::Response ApiCreatePortal(core::http::Request& req);
    core::http::Response ApiSections(core::http::Request& req);
    core::http::Response ApiAddSection(core::http::Request& req);
    core::http::Response ApiItems(core::http::Request& req);
    core::http::Response ApiCreateItem(core::http::Request& req);
    core::http::Response ApiItem(core::http::Request& req);
    core::http::Response ApiSaveItem(core::http::Request& req);
    core::http::Response ApiAct(core::http::Request& req);
    core::http::Response ApiRevisions(core::http::Request& req);
    core::http::Response ApiDiff(core::http::Request& req);
    core::http::Response ApiHistory(core::http::Request& req);
    core::http::Response ApiPostChecks(core::http::Request& req);
    core::http::Response ApiCompletePostCheck(core::http::Request& req);
    core::http::Response ApiMissingTranslations(core::http::Request& req);
    core::http::Response ApiTakedowns(core::http::Request& req);
    core::http::Response ApiOpenTakedown(core::http::Request& req);
    core::http::Response ApiTakedownStep(core::http::Request& req);
    // Screening, contributors, royalties (P-11, P-17, P-31).
    core::http::Response TermsPage(core::http::Request& req);
    core::http::Response AddTerm(core::http::Request& req);
    core::http::Response RetireTerm(core::http::Request& req);
    core::http::Response ConfirmScreening(core::http::Request& req);
    core::http::Response RoyaltiesPage(core::http::Request& req);
    core::http::Response SetRoyaltyRate(core::http::Request& req);
    core::http::Response ApiTerms(core::http::Request& req);
    core::http::Response ApiAddTerm(core::http::Request& req);
    core::http::Response ApiRetireTerm(core::http::Request& req);
    core::http::Response ApiConfirmScreening(core::http::Request& req);
    core::http::Response ApiContributions(core::http::Request& req);
    core::http::Response ApiContributorProfile(core::http::Request& req);
    core::http::Response ApiRoyaltyRates(core::http::Request& req);
    core::http::Response ApiSetRoyaltyRate(core::http::Request& req);
    core::http::Response ApiRoyalties(core::http::Request& req);
    core::http::Response ApiRoyaltiesXlsx(core::http::Request& req);
    core::http::Response ApiCompliance(core::http::Request& req);
    // The shared library and integration (P-1, P-3, P-4, P-25): handlers_library.cpp.
    core::http::Response LibraryPage(core::http::Request& req);
    core::http::Response IntegrateFromPage(core::http::Request& req);
    core::http::Response PlaceFromPage(core::http::Request& req);
    core::http::Response AddNodeFromPage(core::http::Request& req);
    core::http::Response CreateCollectionFromPage(core::http::Request& req);
    core::http::Response ApiSearch(core::http::Request& req);
    core::http::Response ApiDocuments(core::http::Request& req);
    core::http::Response ApiDocument(core::http::Request& req);
    core::http::Response ApiPlacements(core::http::Request& req);
    core::http::Response ApiPlaceDocument(core::http::Request& req);
    core::http::Response ApiRetirePlacement(core::http::Request& req);
    core::http::Response ApiCollections(core::http::Request& req);
    core::http::Response ApiCreateCollection(core::http::Request& req);
    core::http::Response ApiCollection(core::http::Request& req);
    core::http::Response ApiAddNode(core::http::Request& req);
    core::http::Response ApiUpdateNode(core::http::Request& req);
    core::http::Response ApiRetireNode(core::http::Request& req);
    core::http::Response ApiIntegrationCandidates(core::http::Request& req);
    core::http::Response ApiIntegrate(core::http::Request& req);

private:
    std::string ZoneOf(const std::string& portal) const;
    /// The portal choices of a filter or form, `selected` chosen.
    boost::json::array PortalChoices(const std::string& selected) const;
    auth::Web& web_;
    Service& portal_;
};

}  // namespace vp::portal
