#pragma once
// HTTP for Conferences: /api/v1/conferences/... and the pages under /admin/conferences. Handlers
// only translate HTTP; every check is the service's.
#include <string>

#include <boost/json/object.hpp>

#include "auth/web.hpp"
#include "conference/conference.hpp"
#include "core/http/router.hpp"

namespace vp::conference {

class Handlers {
public:
    Handlers(auth::Web& web, Service& svc) : web_(web), svc_(svc) {}
    void AddRoutes(core::http::Router& r);

private:
    using Request = core::http::Request;
    using Response = core::http::Response;
    // API
    Response ApiList(Request& req);
    Response ApiCreate(Request& req);
    Response ApiGet(Request& req);
    Response ApiAct(Request& req);
    Response ApiRegions(Request& req);
    Response ApiSetRegion(Request& req);
    Response ApiAgenda(Request& req);
    Response ApiCurrent(Request& req);
    Response ApiVideo(Request& req);
    Response ApiJoin(Request& req);
    Response ApiDocuments(Request& req);
    Response ApiDocument(Request& req);
    Response ApiBoard(Request& req);
    Response ApiLive(Request& req);
    Response ApiBeat(Request& req);
    Response ApiChecklist(Request& req);
    Response ApiAttendees(Request& req);
    Response ApiAddAttendee(Request& req);
    Response ApiPresent(Request& req);
    Response ApiQueue(Request& req);
    Response ApiAsk(Request& req);
    Response ApiSpeaking(Request& req);
    Response ApiBudget(Request& req);
    Response ApiAddBudget(Request& req);
    Response ApiRetireBudget(Request& req);
    Response ApiBudgetXlsx(Request& req);
    Response ApiConclusions(Request& req);
    Response ApiSetConclusions(Request& req);
    Response ApiProposals(Request& req);
    Response ApiPropose(Request& req);
    Response ApiProposal(Request& req);
    Response ApiNews(Request& req);
    // Pages
    Response ListPage(Request& req);
    Response ConferencePage(Request& req);
    Response SitePage(Request& req);
    Response CheckInPage(Request& req);
    Response LivePage(Request& req);
    Response CreateFromPage(Request& req);
    Response FormAction(Request& req);
    Response ServeFile(Request& req);

    boost::json::object ConferenceJson(const Conference& c, const std::string& lang) const;
    boost::json::object SiteJson(const Site& s, const std::string& lang) const;
    boost::json::object DocumentJson(const Document& d, const std::string& lang) const;
    std::string T(const std::string& lang, const std::string& key) const;

    auth::Web& web_;
    Service& svc_;

public:
    /// Serves a conference document's stored file to its readers (the module wires the media store).
    std::function<Response(Request&, const std::string& sha256)> serve_file;
};

}  // namespace vp::conference
