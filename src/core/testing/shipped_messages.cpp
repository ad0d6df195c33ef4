// Linked as an object library into every test executable (cmake/VpModule.cmake): installs the
// shipped messages before the first test runs, as the app does at start-up, so tests can read
// errors in Vietnamese or English with core::Text. A gtest environment rather than a static
// initialiser: the embedded strings are themselves initialised at start-up, in an order between
// translation units that C++ leaves open.
#include <gtest/gtest.h>

#include "core/message.hpp"
#include "core/strings.hpp"

namespace {

class ShippedMessages : public ::testing::Environment {
public:
    void SetUp() override { vp::core::InstallMessages(vp::core::ShippedStrings()); }
};

[[maybe_unused]] ::testing::Environment* const kEnvironment =
    ::testing::AddGlobalTestEnvironment(new ShippedMessages);  // gtest owns it

}  // namespace
