// covers P-31: embedded PDF signatures against the trust anchors (samples: tests/data/pki)
#include "signatures/pdf_check.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <iomanip>
#include <map>
#include <sstream>

namespace vp::signatures {
namespace {

const std::filesystem::path kPki = std::filesystem::path(VP_SOURCE_DIR) / "tests/data/pki";

std::string Read(const std::string& name) {
    std::ifstream in(kPki / name, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    EXPECT_FALSE(s.str().empty()) << name;
    return s.str();
}

/// samples.txt: "file signing_time=Dec  2 00:28:39 2026 GMT" lines and "signer_subject=...".
std::map<std::string, std::string> Samples() {
    std::map<std::string, std::string> m;
    std::istringstream in(Read("samples.txt"));
    for (std::string line; std::getline(in, line);) {
        if (line.starts_with("signer_subject=")) {
            m["signer_subject"] = line.substr(15);
        } else if (auto at = line.find(" signing_time="); at != std::string::npos) {
            m[line.substr(0, at)] = line.substr(at + 14);
        }
    }
    return m;
}

std::int64_t OpenSslTimeMs(const std::string& text) {
    std::tm tm{};
    std::istringstream in(text);
    in >> std::get_time(&tm, "%b %d %H:%M:%S %Y");
    return static_cast<std::int64_t>(timegm(&tm)) * 1000;
}

class PdfCheck : public ::testing::Test {
protected:
    std::shared_ptr<const TrustAnchors> anchors_ = TrustAnchors::FromDirectory(kPki / "anchors");
};

TEST_F(PdfCheck, ValidSampleIsValidWithSignerAndTime_P31) {
    const auto samples = Samples();
    for (const std::string name : {"sample-signed.pdf", "sample-signed-cades.pdf"}) {
        const auto r = CheckPdfSignature(Read(name), *anchors_);
        EXPECT_TRUE(r.is_pdf && r.present) << name;
        EXPECT_TRUE(r.valid) << name << ": " << r.reason << " " << r.detail;
        EXPECT_TRUE(r.covers_whole_file) << name;
        EXPECT_EQ(r.reason, "") << name;
        EXPECT_EQ(r.signer_subject, samples.at("signer_subject")) << name;
        EXPECT_NE(r.signer_subject.find("Nguyễn Văn A"), std::string::npos);
        EXPECT_NE(r.signer_issuer.find("Vanphong TEST Signing CA"), std::string::npos);
        EXPECT_EQ(r.signing_time_source, "cms");
        ASSERT_TRUE(r.signing_time_ms);
        EXPECT_EQ(*r.signing_time_ms, OpenSslTimeMs(samples.at(name))) << name;
        EXPECT_EQ(r.signature_count, 1);
    }
    EXPECT_EQ(CheckPdfSignature(Read("sample-signed.pdf"), *anchors_).sub_filter, "adbe.pkcs7.detached");
    EXPECT_EQ(CheckPdfSignature(Read("sample-signed-cades.pdf"), *anchors_).sub_filter, "ETSI.CAdES.detached");
}

TEST_F(PdfCheck, TamperedByteIsInvalid_P31) {
    const auto r = CheckPdfSignature(Read("sample-tampered.pdf"), *anchors_);
    EXPECT_TRUE(r.present);
    EXPECT_FALSE(r.valid);
    EXPECT_EQ(r.reason, "digest_mismatch") << r.detail;
    // Any single byte inside the signed ranges, not only the page text.
    std::string bytes = Read("sample-signed.pdf");
    bytes[20] = bytes[20] == 'x' ? 'y' : 'x';
    EXPECT_FALSE(CheckPdfSignature(bytes, *anchors_).valid);
}

TEST_F(PdfCheck, SignerNotUnderTheAnchorsIsUntrusted_P31) {
    const auto r = CheckPdfSignature(Read("sample-untrusted.pdf"), *anchors_);
    EXPECT_TRUE(r.present);
    EXPECT_FALSE(r.valid);
    EXPECT_EQ(r.reason, "untrusted") << r.detail;
    EXPECT_NE(r.signer_subject.find("Mallory"), std::string::npos);
    // And the good sample with no anchors at all.
    EXPECT_EQ(CheckPdfSignature(Read("sample-signed.pdf"), *TrustAnchors::None()).reason, "untrusted");
    // Trusting the other root instead makes it valid: the anchors decide.
    auto other = TrustAnchors::FromPem(Read("untrusted-root-ca.pem"));
    EXPECT_TRUE(CheckPdfSignature(Read("sample-untrusted.pdf"), *other).valid);
}

TEST_F(PdfCheck, AppendedUpdateIsReported_P31) {
    const auto r = CheckPdfSignature(Read("sample-appended.pdf"), *anchors_);
    EXPECT_TRUE(r.present);
    EXPECT_TRUE(r.valid) << "the signed revision itself is intact: " << r.reason;
    EXPECT_FALSE(r.covers_whole_file);
}

TEST_F(PdfCheck, UnsignedAndNonPdfAndGarbage_P31) {
    const auto unsigned_pdf = CheckPdfSignature(Read("sample-unsigned.pdf"), *anchors_);
    EXPECT_TRUE(unsigned_pdf.is_pdf);
    EXPECT_FALSE(unsigned_pdf.present);
    EXPECT_EQ(unsigned_pdf.reason, "no_signature");
    EXPECT_EQ(CheckPdfSignature("hello", *anchors_).reason, "not_pdf");
    EXPECT_EQ(CheckPdfSignature("%PDF-1.7\n garbage \x01\x02", *anchors_).is_pdf, false);
    // Truncated or mangled signed files never crash and are never valid.
    const std::string good = Read("sample-signed.pdf");
    for (std::size_t cut : {good.size() / 2, good.size() - 10, std::size_t{100}}) {
        EXPECT_FALSE(CheckPdfSignature(good.substr(0, cut), *anchors_).valid) << cut;
    }
    // A hole that does not hold exactly /Contents: a byte of the hex string changed.
    std::string mangled = good;
    const auto hole = mangled.find("/Contents <") + 11;
    mangled[hole + 4] = mangled[hole + 4] == 'a' ? 'b' : 'a';
    const auto m = CheckPdfSignature(mangled, *anchors_);
    EXPECT_FALSE(m.valid);
}

TEST(TrustAnchorsLoading, RefusesEmptyOrMissing) {
    EXPECT_THROW(TrustAnchors::FromDirectory("/nonexistent-vp-anchors"), std::runtime_error);
    EXPECT_THROW(TrustAnchors::FromPem("not a certificate"), std::runtime_error);
    EXPECT_EQ(TrustAnchors::FromDirectory(kPki / "anchors")->Count(), 1u);
}

}  // namespace
}  // namespace vp::signatures
