#pragma once
#include <memory>

#include "calendar/service.hpp"
#include "platform/module.hpp"

namespace vp::calendar {
/// The calendar module's plug over the node's calendar service (built by src/app, since the
/// shipped yearly schedules come with the binary): permission, pages, API, menu entry.
std::unique_ptr<platform::Module> MakeModule(const std::unique_ptr<Service>& calendars);
}  // namespace vp::calendar
