#pragma once
#include <memory>

#include "platform/module.hpp"
#include "signatures/signatures.hpp"

namespace vp::tasks {
/// The Tasks plug: permissions, the service, API and pages, the jobs that recompute statuses as
/// time passes and clocks after a calendar change, the "tasks.task" live-event topic and the
/// `vanphong tasks schedule` command. `signatures` (built by the signatures module) and the media
/// module `media` check the signed files of assignment documents (T-5).
/// What the operator tunes (T-13, T-4): "due soon" this many working hours before a clock's due
/// time, escalation to the unit's heads this many working hours after it, and how many percentage
/// points approved progress may trail the elapsed share of time.
struct Tuning {
    int remind_before_hours = 16;
    int escalate_after_hours = 8;
    int lag_margin = 20;
};
std::unique_ptr<platform::Module> MakeModule(const std::unique_ptr<signatures::Service>& signatures,
                                             const platform::Module& media, Tuning tuning = {});
/// The tracking service of the built tasks module `m`, for modules whose decisions assign tasks
/// (a conference's conclusions: Service::EnterAssigned). Throws std::logic_error before Build.
class Service;
Service& ServiceOf(const platform::Module& m);
}  // namespace vp::tasks
