#pragma once

#include "auth/web.hpp"
#include "tasks/watch.hpp"

namespace vp::tasks {

/// @brief HTTP adapter of Watch (watch.hpp): evaluation, indicator sets, explanations of units,
/// the export (T-21), warnings (T-11), the dashboard and the map (T-19). Handlers only
/// translate HTTP; Watch decides and checks permissions.
class WatchHandlers {
public:
    /// `tiles_json`: data/tasks/province-tiles.json, the map's layout.
    WatchHandlers(auth::Web& web, Watch& watch, const Service& tasks, const calendar::Service& calendars,
                  const core::Clock& clock, std::string tiles_json)
        : web_(web), watch_(watch), tasks_(tasks), calendars_(calendars), clock_(clock), tiles_json_(std::move(tiles_json)) {}

    // /api/v1/tasks/...
    core::http::Response ApiIndicatorSets(core::http::Request& req);
    core::http::Response ApiIssueIndicatorSet(core::http::Request& req);
    core::http::Response ApiEvaluations(core::http::Request& req);
    core::http::Response ApiEvaluation(core::http::Request& req);
    /// GET …/evaluations/{period}/{view}: recompute | export.json | export.csv
    core::http::Response ApiEvaluationView(core::http::Request& req);
    core::http::Response ApiClosePeriod(core::http::Request& req);
    core::http::Response ApiUnitExplanations(core::http::Request& req);
    core::http::Response ApiExplainUnit(core::http::Request& req);
    core::http::Response ApiWarnings(core::http::Request& req);
    core::http::Response ApiRaiseWarning(core::http::Request& req);
    core::http::Response ApiAnswerWarning(core::http::Request& req);
    core::http::Response ApiDashboard(core::http::Request& req);
    core::http::Response ApiMap(core::http::Request& req);
    core::http::Response ApiReports(core::http::Request& req);
    core::http::Response ApiGenerateReport(core::http::Request& req);
    core::http::Response ApiReport(core::http::Request& req);
    core::http::Response ApiIssueReport(core::http::Request& req);
    /// GET …/reports/{id}/{format}: xlsx | pdf
    core::http::Response ApiReportFile(core::http::Request& req);
    core::http::Response ApiReconciliations(core::http::Request& req);
    /// POST …/reconciliations?unit=CODE with the file as the body (X-File-Name: its name).
    core::http::Response ApiReconcile(core::http::Request& req);
    core::http::Response ApiReconciliation(core::http::Request& req);
    core::http::Response ApiReconciliationTemplate(core::http::Request& req);
    core::http::Response ApiFlagDifference(core::http::Request& req);
    core::http::Response ApiRunCleaning(core::http::Request& req);
    core::http::Response ApiFindings(core::http::Request& req);
    core::http::Response ApiDecideFinding(core::http::Request& req);
    core::http::Response ApiAnalysis(core::http::Request& req);

    // Pages under /admin/tasks/.
    core::http::Response EvaluationPage(core::http::Request& req);
    core::http::Response EvaluationFromPage(core::http::Request& req);  ///< POST …/evaluation/{action}
    core::http::Response WarningsPage(core::http::Request& req);
    core::http::Response WarningsFromPage(core::http::Request& req);  ///< POST …/warnings[/{id}/answer]
    core::http::Response DashboardPage(core::http::Request& req);
    core::http::Response MapPage(core::http::Request& req);
    core::http::Response ReportsPage(core::http::Request& req);
    core::http::Response ReportPage(core::http::Request& req);
    core::http::Response ReportsFromPage(core::http::Request& req);  ///< POST …/reports[/{id}/issue]
    core::http::Response HelpPage(core::http::Request& req);         ///< GET /admin/help[/{role}]
    core::http::Response ReconcilePage(core::http::Request& req);
    core::http::Response ReconcileUpload(core::http::Request& req);  ///< POST …/reconcile (multipart)
    core::http::Response ReconciliationPage(core::http::Request& req);
    core::http::Response FlagFromPage(core::http::Request& req);
    core::http::Response TemplateFromPage(core::http::Request& req);
    core::http::Response CleaningPage(core::http::Request& req);
    core::http::Response CleaningFromPage(core::http::Request& req);  ///< POST …/cleaning[/{id}]
    core::http::Response AnalysisPage(core::http::Request& req);

private:
    boost::json::object EvaluationJson(const PeriodEvaluation& e, const std::string& lang) const;
    boost::json::object DashboardJson(const Dashboard& d, const std::string& lang) const;
    boost::json::object WarningJson(const Warning& w, const std::string& lang) const;
    boost::json::array MapJson(const auth::Principal& p) const;
    boost::json::object ReportJson(const Report& r, const std::string& lang) const;
    boost::json::array DeadlinesJson(const auth::Principal& p, const std::string& lang) const;
    boost::json::object ReconciliationJson(const Reconciliation& r, const std::string& lang) const;
    boost::json::object FindingJson(const Finding& f, const std::string& lang) const;
    boost::json::object AnalysisJson(const Analysis& a, const std::string& lang) const;
    core::http::Response Xlsx(const core::http::Request& req, std::string bytes, const std::string& name) const;
    std::string Iso(core::TimePoint t) const;
    /// Today in the calendar's zone.
    std::chrono::year_month_day Today() const;

    auth::Web& web_;
    Watch& watch_;
    const Service& tasks_;
    const calendar::Service& calendars_;
    const core::Clock& clock_;
    std::string tiles_json_;
};

}  // namespace vp::tasks
