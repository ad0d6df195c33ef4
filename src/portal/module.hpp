#pragma once
#include <memory>

#include "platform/module.hpp"

namespace vp::portal {
/// The Portal back office's plug: permissions, the service, pages, API, menu, the scheduled
/// publication job and the "portal.item" live-event topic.
std::unique_ptr<platform::Module> MakeModule();
}  // namespace vp::portal
