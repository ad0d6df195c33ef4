// The video adapters against their documented forms (C-8). The browser suite checks the tokens
// the server hands out with an independent JWT library (jose, from npm).
#include <gtest/gtest.h>

#include <algorithm>

#include "conference/video.hpp"

namespace vp::conference::video {
namespace {

// covers C-8: BigBlueButton's documented checksum example (API reference, "Usage": the create
// call with this query and shared secret).
TEST(ConferenceVideo, BigBlueButtonChecksumMatchesTheDocumentedExample_C8) {
    EXPECT_EQ(BbbChecksum("create", "name=Test+Meeting&meetingID=abc123&attendeePW=111222&moderatorPW=333444",
                          "639259d4-9dd8-4b25-bf01-95f9567eaf4b"),
              "1fcbb0c4fc1f039f73aa6d697d2db9ba7f803f17");
    EXPECT_EQ(FormEncode({{"name", "Test Meeting"}, {"meetingID", "abc123"}, {"attendeePW", "111222"},
                          {"moderatorPW", "333444"}}),
              "name=Test+Meeting&meetingID=abc123&attendeePW=111222&moderatorPW=333444");
    EXPECT_EQ(BbbUrl("https://bbb.example.vn/bigbluebutton/", "create",
                     {{"name", "Test Meeting"}, {"meetingID", "abc123"}, {"attendeePW", "111222"},
                      {"moderatorPW", "333444"}},
                     "639259d4-9dd8-4b25-bf01-95f9567eaf4b"),
              "https://bbb.example.vn/bigbluebutton/api/create?name=Test+Meeting&meetingID=abc123&attendeePW=111222"
              "&moderatorPW=333444&checksum=1fcbb0c4fc1f039f73aa6d697d2db9ba7f803f17");
    // Vietnamese names are percent-encoded UTF-8; nothing can break out of the query.
    EXPECT_EQ(FormEncode({{"fullName", "Điểm cầu Huế&x=1"}}), "fullName=%C4%90i%E1%BB%83m+c%E1%BA%A7u+Hu%E1%BA%BF%26x%3D1");
}

// covers C-8: RFC 7519 §3.1's HS256 example key and header give a token of three base64url parts
// whose signature is HMAC-SHA-256 over the first two (checked independently in the browser suite).
TEST(ConferenceVideo, JitsiTokenIsACompactHs256Jws_C8) {
    auto t = JitsiToken({.iss = "vanphong", .aud = "jitsi", .sub = "meet.example.vn", .room = "hntt-2026-12",
                         .iat = 1765760000, .nbf = 1765760000, .exp = 1765800000, .name = "Điểm cầu Huế"},
                        "a-secret-of-at-least-sixteen");
    ASSERT_EQ(std::count(t.begin(), t.end(), '.'), 2);
    EXPECT_EQ(t.substr(0, t.find('.')), "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9");
    EXPECT_EQ(t.find_first_of("+/="), std::string::npos) << "base64url without padding";
    EXPECT_NE(JitsiToken({.room = "a"}, "k1"), JitsiToken({.room = "a"}, "k2"));
}

}  // namespace
}  // namespace vp::conference::video
