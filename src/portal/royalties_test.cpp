// covers P-11, P-17: contributors' submissions and when royalties arise.
#include "portal/royalties.hpp"

#include <gtest/gtest.h>

#include "core/clock.hpp"

namespace vp::portal {
namespace {

Contribution Complete() {
    return {.full_name = "Nguyễn Văn An",
            .title = "Chuyên viên",
            .unit = "Ban Tuyên giáo Tỉnh ủy Hậu Giang",
            .phone = "0293 3878 123",
            .bank_account = "1234 5678 9012",
            .bank_branch = "Vietcombank chi nhánh Hậu Giang",
            .head_name = "Trần Thị Bình",
            .head_title = "Trưởng ban",
            .head_approved_on = "2026-11-30"};
}

TEST(Contributions, ACompleteSubmissionPasses_P11) {
    auto r = CheckContribution(Complete(), "2026-12-01");
    ASSERT_TRUE(r.ok()) << r.error().message.key;
    EXPECT_EQ(r->full_name, "Nguyễn Văn An");
}

TEST(Contributions, EachMissingFieldIsNamed_P11) {
    const std::pair<std::string, std::string Contribution::*> required[] = {
        {"contribution.full_name", &Contribution::full_name},     {"contribution.title", &Contribution::title},
        {"contribution.unit", &Contribution::unit},               {"contribution.phone", &Contribution::phone},
        {"contribution.bank_account", &Contribution::bank_account}, {"contribution.bank_branch", &Contribution::bank_branch},
        {"contribution.head_name", &Contribution::head_name},     {"contribution.head_title", &Contribution::head_title},
        {"contribution.head_approved_on", &Contribution::head_approved_on},
    };
    for (const auto& [name, member] : required) {
        auto c = Complete();
        c.*member = "  ";
        auto r = CheckContribution(c, "2026-12-01");
        ASSERT_FALSE(r.ok()) << name;
        EXPECT_EQ(r.error().field, name);
    }
}

TEST(Contributions, MalformedValuesAreRefused_P11) {
    auto c = Complete();
    c.phone = "call me";
    EXPECT_EQ(CheckContribution(c, "2026-12-01").error().field, "contribution.phone");
    c = Complete();
    c.bank_account = "12AB";
    EXPECT_EQ(CheckContribution(c, "2026-12-01").error().field, "contribution.bank_account");
    c = Complete();
    c.head_approved_on = "2026-12-02";
    EXPECT_EQ(CheckContribution(c, "2026-12-01").error().field, "contribution.head_approved_on") << "not after today";
    c = Complete();
    c.head_approved_on = "2026-02-30";
    EXPECT_EQ(CheckContribution(c, "2026-12-01").error().field, "contribution.head_approved_on");
    c = Complete();
    c.head_approval_file = "https://evil.example/x.pdf";
    EXPECT_EQ(CheckContribution(c, "2026-12-01").error().field, "contribution.head_approval_file");
    c = Complete();
    c.unit = "Ban\r\nSet-Cookie: x";
    EXPECT_EQ(CheckContribution(c, "2026-12-01").error().field, "contribution.unit");
}

TEST(Contributions, BankAccountsAreMasked_P11) {
    EXPECT_EQ(MaskBankAccount("1234 5678 9012"), "•••• 9012");
    EXPECT_EQ(MaskBankAccount("12"), "••••");
}

TEST(Royalties, FirstPublicationOnlyAndNeverForIntegratedItems_P17) {
    EXPECT_TRUE(RoyaltyArises({.first_publication = true}));
    EXPECT_FALSE(RoyaltyArises({.first_publication = false})) << "a republication or an update";
    EXPECT_FALSE(RoyaltyArises({.first_publication = true, .integrated = true})) << "integrated from a component portal";
}

TEST(Royalties, QuartersInThePortalsZone_P17) {
    using namespace std::chrono;
    // 31/12/2026 17:30 UTC is 1/1/2027 00:30 in Hà Nội.
    const auto t = core::TimePoint(sys_days{year{2026} / December / 31} + hours{17} + minutes{30});
    EXPECT_EQ(QuarterOf(t, "Asia/Ho_Chi_Minh"), "2027-Q1");
    EXPECT_EQ(QuarterOf(t, "UTC"), "2026-Q4");
    auto b = QuarterBounds("2026-Q4", "Asia/Ho_Chi_Minh");
    ASSERT_TRUE(b.ok());
    EXPECT_EQ(b->first, core::TimePoint(sys_days{year{2026} / September / 30} + hours{17}));
    EXPECT_EQ(b->second, core::TimePoint(sys_days{year{2026} / December / 31} + hours{17}));
    for (auto bad : {"2026-Q5", "2026Q1", "26-Q1-x", "", "2026-Q0", "abcd-Q1"}) EXPECT_FALSE(QuarterBounds(bad, "UTC").ok()) << bad;
}

}  // namespace
}  // namespace vp::portal
