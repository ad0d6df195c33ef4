// covers P-7, P-8, X-3: lock-out arithmetic, four eyes, username and e-mail rules
#include "auth/rules.hpp"

#include <gtest/gtest.h>

namespace vp::auth::rules {
namespace {

TEST(AuthRules, SlowDownThenLockOut_P8) {
    LockoutPolicy p{.slow_down_after = 3, .lock_out_after = 5, .lock_out = std::chrono::minutes(30)};
    EXPECT_EQ(NextAttemptAt(2, 1000, p), 0);
    EXPECT_EQ(NextAttemptAt(3, 1000, p), 2000);
    EXPECT_EQ(NextAttemptAt(4, 1000, p), 3000);
    EXPECT_EQ(NextAttemptAt(5, 1000, p), 1000 + 30 * 60 * 1000);
    EXPECT_EQ(NextAttemptAt(500, 0, p), 30 * 60 * 1000);
    LockoutPolicy slow{.slow_down_after = 1, .lock_out_after = 1000};
    EXPECT_EQ(NextAttemptAt(100, 0, slow), 256000) << "the slow-down is capped";
}

TEST(AuthRules, FourEyes_P7) {
    EXPECT_TRUE(FourEyes(2, 1, 0).ok());
    EXPECT_FALSE(FourEyes(1, 1, 0).ok()) << "the requester approves his own request";
    EXPECT_FALSE(FourEyes(2, 1, 1).ok()) << "the requester reset the approver's credentials";
    EXPECT_TRUE(FourEyes(2, 1, 3).ok());
    EXPECT_TRUE(FourEyes(0, 0, 0).ok()) << "the operator";
}

TEST(AuthRules, UsernamesAndAddresses_P7) {
    EXPECT_TRUE(ValidUsername("nguyen.van-a_1"));
    EXPECT_FALSE(ValidUsername("ab"));
    EXPECT_FALSE(ValidUsername("Admin"));
    EXPECT_FALSE(ValidUsername("a\r\nb"));
    EXPECT_TRUE(ValidEmail(""));
    EXPECT_TRUE(ValidEmail("lan@vptw.vn"));
    EXPECT_FALSE(ValidEmail("lan@vptw.vn\r\nBcc: x@y.z"));
    EXPECT_FALSE(ValidEmail("a@b@c.d"));
    EXPECT_FALSE(ValidEmail("a b@c.d"));
    EXPECT_EQ(MaskEmail("lan@vptw.vn"), "l***@vptw.vn");
    EXPECT_TRUE(ValidPortalCode(""));
    EXPECT_TRUE(ValidPortalCode("tu-hue"));
    EXPECT_FALSE(ValidPortalCode("TU-HUE"));
    EXPECT_FALSE(ValidPortalCode("main\r\nx"));
}

}  // namespace
}  // namespace vp::auth::rules
