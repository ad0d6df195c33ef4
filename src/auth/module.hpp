#pragma once
#include <memory>

#include "platform/module.hpp"

namespace vp::auth {
/// The accounts module's plug: the roles and account permissions, sign-in and account pages,
/// the accounts admin, the API and its part of the API document. Its service is built by the
/// platform (every module needs the caller).
std::unique_ptr<platform::Module> MakeModule();
}  // namespace vp::auth
