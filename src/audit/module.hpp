#pragma once
#include <memory>

#include "platform/module.hpp"

namespace vp::audit {
/// The audit module's plug: permission, pages and API, menu entry, API part.
std::unique_ptr<platform::Module> MakeModule();
}  // namespace vp::audit
