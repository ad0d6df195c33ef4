#pragma once
#include <memory>

#include "core/secret_box.hpp"
#include "platform/module.hpp"

namespace vp::portal {
/// The Portal back office's plug: permissions, the service, pages, API, menu, the scheduled
/// publication job and the "portal.item" live-event topic.
/// `secrets` (built by src/app before the modules are) seals contributors' bank details.
std::unique_ptr<platform::Module> MakeModule(const std::unique_ptr<core::SecretBox>& secrets);
}  // namespace vp::portal
