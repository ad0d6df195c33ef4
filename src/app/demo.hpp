#pragma once

#include <string>

#include "auth/auth.hpp"

namespace vp::app {

/// Creates one demo account per role on an installation without accounts, each with its own
/// TOTP secret, and writes their list to <data_dir>/demo-accounts.txt (mode 0600). Returns the
/// text to print (the file's content whenever it exists), or "" when there is none.
std::string EnsureDemoAccounts(auth::Service& auth, units::Service& units, const std::string& data_dir);

}  // namespace vp::app
