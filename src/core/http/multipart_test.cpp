// covers X-3 (hostile input never crashes and never reaches a handler unchecked), P-12 (uploads)
#include "core/http/multipart.hpp"

#include <gtest/gtest.h>

#include <random>

#include "core/text.hpp"

namespace vp::core::http {
namespace {

using namespace std::string_view_literals;

constexpr std::string_view kBoundary = "----vpBoundary7MA4YWxk";

std::string Part(std::string_view disposition, std::string_view body, std::string_view type = {}) {
    std::string s = "--" + std::string(kBoundary) + "\r\nContent-Disposition: " + std::string(disposition) + "\r\n";
    if (!type.empty()) s += "Content-Type: " + std::string(type) + "\r\n";
    return s + "\r\n" + std::string(body) + "\r\n";
}
std::string Close() { return "--" + std::string(kBoundary) + "--\r\n"; }

TEST(MultipartBoundary, FromContentType) {
    EXPECT_EQ(MultipartBoundary("multipart/form-data; boundary=abc").value(), "abc");
    EXPECT_EQ(MultipartBoundary("Multipart/Form-Data;boundary=\"a b:c\"").value(), "a b:c");
    EXPECT_EQ(MultipartBoundary("multipart/form-data; charset=utf-8; boundary=x-1").value(), "x-1");
}

TEST(MultipartBoundary, MissingOrMalformedIs400_X3) {
    for (std::string_view ct :
         {"multipart/form-data", "multipart/form-data; boundary=", "multipart/form-data; boundary=\"\"",
          "multipart/mixed; boundary=abc", "application/json", "", "multipart/form-data; boundary=\"unterminated",
          "multipart/form-data; boundary=a;boundary=b", "multipart/form-data; boundary=\"ends with space \""}) {
        auto r = MultipartBoundary(ct);
        ASSERT_FALSE(r.ok()) << ct;
        EXPECT_EQ(r.error().code, ErrorCode::kInvalidInput) << ct;
    }
    EXPECT_FALSE(MultipartBoundary("multipart/form-data; boundary=" + std::string(71, 'a')).ok()) << "at most 70";
    EXPECT_TRUE(MultipartBoundary("multipart/form-data; boundary=" + std::string(70, 'a')).ok());
}

TEST(Multipart, FieldsAndFiles_P12) {
    const std::string body = "preamble to ignore\r\n" + Part("form-data; name=\"purpose\"", "portal.article") +
                             Part("form-data; name=\"file\"; filename=\"ảnh.jpg\"",
                                  std::string("\xFF\xD8\xFF\0\r\n--x", 9), "Image/JPEG; foo=bar") +
                             Close() + "epilogue";
    auto r = ParseMultipart(body, kBoundary);
    ASSERT_TRUE(r.ok()) << r.error().detail;
    ASSERT_EQ(r->parts.size(), 2u);
    EXPECT_EQ(r->Field("purpose"), "portal.article");
    EXPECT_EQ(r->parts[0].content_type, "text/plain") << "RFC 7578 4.4 default";
    EXPECT_FALSE(r->parts[0].filename);
    const auto* f = r->Find("file");
    ASSERT_NE(f, nullptr);
    EXPECT_EQ(f->filename, "ảnh.jpg");
    EXPECT_EQ(f->content_type, "image/jpeg");
    EXPECT_EQ(f->body, std::string_view("\xFF\xD8\xFF\0\r\n--x", 9)) << "binary bytes, NUL and CRLF kept";
    EXPECT_EQ(r->Find("missing"), nullptr);
    EXPECT_FALSE(r->Field("file")) << "a file is not a text field";
}

TEST(Multipart, EmptyPartAndEmptyHeaderBlock) {
    std::string body =
        Part("form-data; name=\"a\"", "") + "--" + std::string(kBoundary) + "\r\n\r\nno headers\r\n" + Close();
    auto r = ParseMultipart(body, kBoundary);
    ASSERT_FALSE(r.ok()) << "a part without Content-Disposition is refused";
    auto ok = ParseMultipart(Part("form-data; name=\"a\"", "") + Close(), kBoundary);
    ASSERT_TRUE(ok.ok());
    EXPECT_EQ(ok->Field("a"), "");
}

TEST(Multipart, Rfc5987FilenameStarWins) {
    auto r = ParseMultipart(
        Part("form-data; name=\"file\"; filename=\"bao-cao.pdf\"; filename*=UTF-8''B%C3%A1o%20c%C3%A1o.pdf", "%PDF") +
            Close(),
        kBoundary);
    ASSERT_TRUE(r.ok()) << r.error().detail;
    EXPECT_EQ(r->parts[0].filename, "Báo cáo.pdf");
    auto latin1 =
        ParseMultipart(Part("form-data; name=\"file\"; filename*=iso-8859-1'en'caf%E9.txt", "x") + Close(), kBoundary);
    ASSERT_TRUE(latin1.ok());
    EXPECT_EQ(latin1->parts[0].filename, "café.txt");
    for (std::string_view bad :
         {"filename*=UTF-8''%ZZ.pdf", "filename*=koi8-r''x.pdf", "filename*=x.pdf", "filename*=UTF-8''%C3"}) {
        auto b = ParseMultipart(Part("form-data; name=\"file\"; " + std::string(bad), "x") + Close(), kBoundary);
        ASSERT_FALSE(b.ok()) << bad;
        EXPECT_EQ(b.error().message.key, "core.multipart_bad_filename") << bad;
    }
}

TEST(Multipart, FilenameNormalisedToNfc_P12) {
    // "Đảng" typed with combining marks (NFD) becomes the precomposed bytes.
    auto r = ParseMultipart(Part("form-data; name=\"f\"; filename=\"D\xCC\x9B"
                                 "a\xCC\x89ng.txt\"",
                                 "x") +
                                Close(),
                            kBoundary);
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(*r->parts[0].filename, core::ToNfc("D\xCC\x9B"
                                                 "a\xCC\x89ng.txt"));
    EXPECT_NE(*r->parts[0].filename,
              "D\xCC\x9B"
              "a\xCC\x89ng.txt");
}

TEST(Multipart, ControlCharactersInFilenamesAreRefused_X3) {
    // A raw CR or LF inside a header line, a NUL, or the same through filename*.
    for (std::string disposition :
         {std::string("form-data; name=\"f\"; filename=\"a\rSet-Cookie: x=1.pdf\""),
          std::string("form-data; name=\"f\"; filename=\"a\nb.pdf\""),
          std::string("form-data; name=\"f\"; filename=\"a\0b.pdf\""sv),
          std::string("form-data; name=\"f\"; filename*=UTF-8''a%0D%0ASet-Cookie%3A%20x%3D1.pdf"),
          std::string("form-data; name=\"f\"; filename*=UTF-8''a%00.pdf"),
          std::string("form-data; name=\"f\"; filename*=UTF-8''a%7F.pdf"),
          std::string("form-data; name=\"f\"; filename=\"\x01.pdf\"")}) {
        auto r = ParseMultipart(Part(disposition, "x") + Close(), kBoundary);
        EXPECT_FALSE(r.ok()) << disposition;
        if (!r.ok()) {
            EXPECT_EQ(r.error().code, ErrorCode::kInvalidInput);
        }
    }
    auto not_utf8 = ParseMultipart(Part("form-data; name=\"f\"; filename=\"\xC3(.pdf\"", "x") + Close(), kBoundary);
    EXPECT_FALSE(not_utf8.ok());
}

TEST(Multipart, PathTraversalNamesAreKeptAsTextNotPaths_X3) {
    // The parser reports what was sent; it is never used as a path (media sanitises it).
    auto r = ParseMultipart(Part("form-data; name=\"f\"; filename=\"../../etc/passwd\"", "x") +
                                Part("form-data; name=\"g\"; filename=\"C:\\Users\\lan\\a.pdf\"", "y") + Close(),
                            kBoundary);
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r->parts[0].filename, "../../etc/passwd");
    EXPECT_EQ(r->parts[1].filename, "C:\\Users\\lan\\a.pdf") << "backslashes of a Windows path are not escapes";
    auto escaped = ParseMultipart(Part(R"(form-data; name="f"; filename="say \"hi\".txt")", "x") + Close(), kBoundary);
    ASSERT_TRUE(escaped.ok());
    EXPECT_EQ(escaped->parts[0].filename, "say \"hi\".txt");
}

TEST(Multipart, TruncatedAndMisframedBodiesAre400_X3) {
    const std::string full = Part("form-data; name=\"file\"; filename=\"a.bin\"", "0123456789") + Close();
    for (std::size_t cut = 0; cut + 1 < full.size(); ++cut) {
        auto r = ParseMultipart(std::string_view(full).substr(0, cut), kBoundary);
        // Cutting inside the closing "--" may leave a complete form only when the final
        // delimiter's two dashes made it; everything shorter is refused.
        if (cut < full.size() - 4) {
            EXPECT_FALSE(r.ok()) << "cut at " << cut;
            if (!r.ok()) {
                EXPECT_EQ(r.error().code, ErrorCode::kInvalidInput) << "cut at " << cut;
            }
        }
    }
    EXPECT_FALSE(ParseMultipart("", kBoundary).ok()) << "empty body";
    EXPECT_FALSE(ParseMultipart("no boundary here at all", kBoundary).ok());
    EXPECT_FALSE(ParseMultipart(Part("form-data; name=\"a\"", "x") + Close(), "otherBoundary").ok());
    // The boundary followed by something other than CRLF or "--".
    EXPECT_FALSE(ParseMultipart("--" + std::string(kBoundary) + "X\r\n", kBoundary).ok());
    EXPECT_FALSE(ParseMultipart(Part("attachment; name=\"a\"", "x") + Close(), kBoundary).ok()) << "not form-data";
    EXPECT_FALSE(ParseMultipart(Part("form-data; filename=\"a\"", "x") + Close(), kBoundary).ok()) << "no name";
    EXPECT_FALSE(ParseMultipart(Part("form-data; name=\"a\"; name=\"b\"", "x") + Close(), kBoundary).ok())
        << "repeated";
    const std::string folded =
        "--" + std::string(kBoundary) + "\r\nContent-Disposition: form-data;\r\n name=\"a\"\r\n\r\nx\r\n" + Close();
    EXPECT_FALSE(ParseMultipart(folded, kBoundary).ok()) << "obsolete line folding";
    const std::string b64 =
        "--" + std::string(kBoundary) +
        "\r\nContent-Disposition: form-data; name=\"a\"\r\nContent-Transfer-Encoding: base64\r\n\r\neA==\r\n" + Close();
    EXPECT_FALSE(ParseMultipart(b64, kBoundary).ok()) << "transfer encodings are not decoded";
    EXPECT_FALSE(ParseMultipart(Part("form-data; name=\"a\"", "\xC3(") + Close(), kBoundary).ok())
        << "text field not UTF-8";
}

TEST(Multipart, Limits_X3) {
    std::string many;
    for (int i = 0; i < 5; ++i) many += Part("form-data; name=\"f" + std::to_string(i) + "\"", "x");
    many += Close();
    auto r = ParseMultipart(many, kBoundary, {.max_parts = 4});
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().message.key, "core.multipart_too_many_parts");
    EXPECT_TRUE(ParseMultipart(many, kBoundary, {.max_parts = 5}).ok());

    auto big_file = ParseMultipart(Part("form-data; name=\"f\"; filename=\"a\"", std::string(2049, 'x')) + Close(),
                                   kBoundary, {.max_file_bytes = 2048});
    ASSERT_FALSE(big_file.ok());
    EXPECT_EQ(big_file.error().code, ErrorCode::kPayloadTooLarge);
    auto big_field = ParseMultipart(Part("form-data; name=\"f\"", std::string(65, 'x')) + Close(), kBoundary,
                                    {.max_field_bytes = 64});
    ASSERT_FALSE(big_field.ok());
    EXPECT_EQ(big_field.error().code, ErrorCode::kPayloadTooLarge);

    // A huge header block (no blank line within the limit) is refused without scanning on.
    std::string huge = "--" + std::string(kBoundary) + "\r\nContent-Disposition: form-data; name=\"a\"\r\n";
    for (int i = 0; i < 2000; ++i) huge += "X-Padding-" + std::to_string(i) + ": " + std::string(20, 'p') + "\r\n";
    huge += "\r\nx\r\n" + Close();
    auto h = ParseMultipart(huge, kBoundary);
    ASSERT_FALSE(h.ok());
    EXPECT_EQ(h.error().message.key, "core.multipart_header_too_large");
}

TEST(Multipart, RandomGarbageNeverCrashes_X3) {
    // Mutations of a valid form: every answer is a value or an error, never a crash.
    const std::string valid =
        Part("form-data; name=\"purpose\"", "x") +
        Part("form-data; name=\"file\"; filename*=UTF-8''%C3%A1.png", std::string(300, 'b'), "image/png") + Close();
    std::mt19937 rng(7);
    const std::string alphabet = std::string("\r\n-\"';=*%\\ ab\0", 14) + std::string(kBoundary);
    for (int i = 0; i < 5000; ++i) {
        std::string s = valid;
        const int edits = 1 + static_cast<int>(rng() % 6);
        for (int e = 0; e < edits; ++e) {
            const auto at = rng() % (s.size() + 1);
            switch (rng() % 3) {
                case 0: s.insert(at, 1, alphabet[rng() % alphabet.size()]); break;
                case 1:
                    if (at < s.size()) s.erase(at, 1 + rng() % 8);
                    break;
                default:
                    if (at < s.size()) s[at] = alphabet[rng() % alphabet.size()];
                    break;
            }
        }
        auto r = ParseMultipart(s, kBoundary, {.max_parts = 3});
        if (r.ok()) {
            for (const auto& p : r->parts) {
                EXPECT_LE(p.body.size(), s.size());
                if (p.filename) {
                    EXPECT_EQ(p.filename->find('\r'), std::string::npos);
                }
            }
        }
    }
}

}  // namespace
}  // namespace vp::core::http
