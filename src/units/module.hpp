#pragma once
#include <memory>

#include "platform/module.hpp"

namespace vp::units {
/// The units module's plug: permissions, routes, menu entry and API part.
std::unique_ptr<platform::Module> MakeModule();
}  // namespace vp::units
