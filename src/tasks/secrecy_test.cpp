// covers T-5: the fields a secret document may carry, its result, the clearances that admit it.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "calendar/iso_time.hpp"
#include "tasks/secrecy.hpp"

namespace vp::tasks {
namespace {

core::TimePoint At(std::string_view iso) { return calendar::TryParseIso(iso).value(); }

TEST(Secrecy, OnlyTheFieldsOfArticle52_T5) {
    std::vector<std::string> ok = {"secrecy", "kind", "title", "number", "symbol", "issued_on", "signer",
                                   "submitting_unit", "issuing_unit", "lead_units", "monitoring_unit",
                                   "task_count", "deadline", "notes"};
    EXPECT_EQ(FieldOutsideArticle52(ok), std::nullopt);
    for (const char* forbidden : {"summary", "files", "content", "tasks", "results", "products", "progress",
                                  "coordinating_units", "difficulties"}) {
        auto with = ok;
        with.insert(with.begin() + 3, forbidden);
        EXPECT_EQ(FieldOutsideArticle52(with), std::string(forbidden));
    }
}

TEST(Secrecy, ResultOnlyDoneOrNotWithinOrPastTheDeadline_T5) {
    const auto deadline = At("2026-06-30T17:00:00+07:00");
    const auto before = At("2026-06-30T16:59:00+07:00"), after = At("2026-07-01T08:00:00+07:00");
    EXPECT_EQ(ComputeSecretResult(std::nullopt, deadline, before), SecretResult::kNotDoneWithinDeadline);
    EXPECT_EQ(ComputeSecretResult(std::nullopt, deadline, deadline), SecretResult::kNotDoneWithinDeadline);
    EXPECT_EQ(ComputeSecretResult(std::nullopt, deadline, after), SecretResult::kNotDonePastDeadline);
    EXPECT_EQ(ComputeSecretResult(before, deadline, after), SecretResult::kDoneWithinDeadline);
    EXPECT_EQ(ComputeSecretResult(deadline, deadline, after), SecretResult::kDoneWithinDeadline);
    EXPECT_EQ(ComputeSecretResult(after, deadline, after), SecretResult::kDonePastDeadline);
    EXPECT_EQ(ComputeSecretResult(std::nullopt, std::nullopt, after), SecretResult::kNotDoneWithinDeadline)
        << "open-ended";
    EXPECT_EQ(SecretResultCode(SecretResult::kNotDonePastDeadline), "not_done_past_deadline");
    EXPECT_EQ(SecretResultCode(SecretResult::kDoneWithinDeadline), "done_within_deadline");
}

TEST(Secrecy, ClearanceAdmitsItsLevelAndBelow_T5) {
    EXPECT_TRUE(Admits("mat", true, false));
    EXPECT_TRUE(Admits("mat", false, true));
    EXPECT_FALSE(Admits("toi_mat", true, false));
    EXPECT_TRUE(Admits("toi_mat", false, true));
    EXPECT_FALSE(Admits("mat", false, false));
    EXPECT_FALSE(Admits("tuyet_mat", true, true));
    EXPECT_FALSE(Admits("thuong", true, true)) << "not a partition level";
    EXPECT_TRUE(IsPartitionLevel("mat"));
    EXPECT_TRUE(IsPartitionLevel("toi_mat"));
    EXPECT_FALSE(IsPartitionLevel("tuyet_mat"));
    EXPECT_FALSE(IsPartitionLevel("thuong"));
}

}  // namespace
}  // namespace vp::tasks
