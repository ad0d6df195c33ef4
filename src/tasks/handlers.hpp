#pragma once

#include "auth/web.hpp"
#include "tasks/secret.hpp"
#include "tasks/tasks.hpp"

namespace vp::tasks {

/// @brief HTTP adapter of Tasks: /api/v1/tasks/... and the pages under /admin/tasks. Handlers only
/// translate HTTP; the service decides and checks permissions.
class Handlers {
public:
    Handlers(auth::Web& web, Service& tasks, SecretRegister& secret, const calendar::Service& calendars)
        : web_(web), tasks_(tasks), secret_(secret), calendars_(calendars) {}

    core::http::Response ApiSchedule(core::http::Request& req);
    core::http::Response ApiCatalogue(core::http::Request& req);
    core::http::Response ApiSetCatalogue(core::http::Request& req);
    core::http::Response ApiDocuments(core::http::Request& req);
    core::http::Response ApiCreateDocument(core::http::Request& req);
    core::http::Response ApiDocument(core::http::Request& req);
    core::http::Response ApiTasks(core::http::Request& req);
    core::http::Response ApiCreateTask(core::http::Request& req);
    core::http::Response ApiTask(core::http::Request& req);
    core::http::Response ApiAcknowledge(core::http::Request& req);
    core::http::Response ApiDispute(core::http::Request& req);
    core::http::Response ApiSettle(core::http::Request& req);
    core::http::Response ApiSubmitUpdate(core::http::Request& req);
    core::http::Response ApiComplete(core::http::Request& req);
    core::http::Response ApiDecide(core::http::Request& req);
    core::http::Response ApiEvaluate(core::http::Request& req);
    core::http::Response ApiExplain(core::http::Request& req);
    core::http::Response ApiUpdates(core::http::Request& req);
    core::http::Response ApiTaskRecords(core::http::Request& req);
    core::http::Response ApiSecretDocuments(core::http::Request& req);
    /// GET …/secret-documents/{id}; POST …/{id}/{action}: done | evaluate.
    core::http::Response ApiSecretDocument(core::http::Request& req);

    // Pages (pages.cpp).
    core::http::Response TasksPage(core::http::Request& req);
    core::http::Response TaskPage(core::http::Request& req);
    core::http::Response NewTaskPage(core::http::Request& req);
    core::http::Response CreateFromPage(core::http::Request& req);
    core::http::Response ActFromPage(core::http::Request& req);
    core::http::Response NewDocumentPage(core::http::Request& req);
    core::http::Response CreateDocumentFromPage(core::http::Request& req);
    core::http::Response CataloguePage(core::http::Request& req);
    core::http::Response SetCatalogueFromPage(core::http::Request& req);
    core::http::Response DisputesPage(core::http::Request& req);
    core::http::Response SettleFromPage(core::http::Request& req);
    core::http::Response SecretPage(core::http::Request& req);
    core::http::Response SecretFromPage(core::http::Request& req);

private:
    core::http::Response CreateSecret(core::http::Request& req, const auth::Principal& p,
                                      const boost::json::object& body);
    core::http::Response Report(core::http::Request& req, bool completion);
    boost::json::object EntryForm(const core::http::Request& req, const auth::Principal& p, boost::json::object form,
                                  std::int64_t document, Cadence cadence, const std::string& priority,
                                  const std::string& scope, const std::string& group) const;
    core::Result<std::shared_ptr<const calendar::Calendar>> Calendar() const { return calendars_.GetShared(); }
    auth::Web& web_;
    Service& tasks_;
    SecretRegister& secret_;
    const calendar::Service& calendars_;
};

/// A time parameter: ISO 8601 with offset, or a date YYYY-MM-DD (its start for `start`, the end of
/// its working day for `deadline`, in the calendar's zone). nullopt when empty.
core::Result<std::optional<core::TimePoint>> TimeParam(std::string_view text, std::string_view field, bool end_of_day,
                                                       const calendar::Calendar& cal);
/// The checkpoints a task with these dates would get, as the API's JSON.
core::Result<boost::json::object> ScheduleJson(const std::string& start, const std::string& deadline,
                                               const std::string& cadence, const calendar::Calendar& cal);

}  // namespace vp::tasks
