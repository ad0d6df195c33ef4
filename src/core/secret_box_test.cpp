// covers X-3 (secrets encrypted at rest)
#include <gtest/gtest.h>

#include <filesystem>
#include <unistd.h>

#include "core/secret_box.hpp"

namespace vp {
namespace {

TEST(SecretBox, SealsAndOpens_X3) {
    auto box = core::SecretBox::Random();
    auto sealed = box->Seal("JBSWY3DPEHPK3PXP");
    EXPECT_TRUE(core::SecretBox::IsSealed(sealed));
    EXPECT_EQ(sealed.find("JBSWY3DPEHPK3PXP"), std::string::npos);
    EXPECT_NE(box->Seal("JBSWY3DPEHPK3PXP"), sealed) << "a fresh nonce each time";
    EXPECT_EQ(box->Open(sealed).value(), "JBSWY3DPEHPK3PXP");
}

TEST(SecretBox, RefusesAlteredValuesAndOtherKeys_X3) {
    auto box = core::SecretBox::Random();
    auto sealed = box->Seal("secret");
    auto altered = sealed;
    altered[altered.size() - 2] = altered[altered.size() - 2] == 'A' ? 'B' : 'A';
    EXPECT_FALSE(box->Open(altered).ok());
    EXPECT_FALSE(core::SecretBox::Random()->Open(sealed).ok());
    EXPECT_FALSE(box->Open("plain").ok());
}

TEST(SecretBox, KeyFileIsCreatedOnceAndReused_X3) {
    auto path = std::filesystem::temp_directory_path() / ("vp-key-" + std::to_string(::getpid()));
    std::filesystem::remove(path);
    auto a = core::SecretBox::FromKeyFile(path, true);
    EXPECT_EQ(std::filesystem::file_size(path), 32u);
    EXPECT_EQ(std::filesystem::status(path).permissions() & std::filesystem::perms::others_read,
              std::filesystem::perms::none);
    auto b = core::SecretBox::FromKeyFile(path, false);
    EXPECT_EQ(b->Open(a->Seal("x")).value(), "x");
    std::filesystem::remove(path);
    EXPECT_THROW(core::SecretBox::FromKeyFile(path, false), std::runtime_error);
}

}  // namespace
}  // namespace vp
