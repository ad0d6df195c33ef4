// Decoding a request's query, form and body once, before any handler. covers X-3, P-8, P-12
#include <gtest/gtest.h>

#include "core/http/types.hpp"

namespace vp::core::http {
namespace {

constexpr const char* kNotUtf8 = "Yêu cầu chứa ký tự không hợp lệ (không phải UTF-8).";

Request MakeRequest(std::string query, std::string body = {}, std::string content_type = {}) {
    Request req;
    req.raw.version(11);
    req.raw.method(beast_http::verb::post);
    req.path = "/login";
    req.query = std::move(query);
    if (!content_type.empty()) req.raw.set(beast_http::field::content_type, content_type);
    req.raw.body() = std::move(body);
    return req;
}

// "Nguyễn" typed with combining marks (e + U+0302 + U+0303) and precomposed (U+1EC5).
const std::string kDecomposed = "Nguye\xcc\x82\xcc\x83n";
const std::string kPrecomposed = "Nguy\xe1\xbb\x85n";

TEST(DecodeFields, QueryAndFormAreDecodedOnceIntoNfc) {
    auto req = MakeRequest("next=%2Fadmin&name=Nguye%CC%82%CC%83n&a+b=c+d&empty=&flag",
                           "username=" + std::string("Nguye%CC%82%CC%83n") + "&role=a&role=b&x=1&x=2",
                           "application/x-www-form-urlencoded; charset=UTF-8");
    ASSERT_FALSE(DecodeFields(req).has_value());
    ASSERT_TRUE(req.query_fields && req.form_fields) << "parsed once, by the server";
    EXPECT_EQ(req.QueryParam("next"), "/admin");
    EXPECT_EQ(req.QueryParam("name"), kPrecomposed);
    EXPECT_EQ(req.QueryParam("a b"), "c d");
    EXPECT_EQ(req.QueryParam("empty"), "");
    EXPECT_EQ(req.QueryParam("flag"), "");
    EXPECT_FALSE(req.QueryParam("missing"));
    EXPECT_EQ(req.Form().at("username"), kPrecomposed);
    EXPECT_EQ(req.Form().at("x"), "2") << "later duplicates win";
    EXPECT_EQ(req.FormValues("role"), (std::vector<std::string>{"a", "b"}));
    // Raw (unescaped) UTF-8 is normalised too.
    auto raw = MakeRequest("q=" + kDecomposed);
    ASSERT_FALSE(DecodeFields(raw).has_value());
    EXPECT_EQ(raw.QueryParam("q"), kPrecomposed);
}

TEST(DecodeFields, InvalidUtf8AnywhereIsA400BeforeTheHandler) {
    for (const char* query : {"next=/%ff", "action=%ff%fe", "a=%c0%af", "a=%ed%a0%80", "%ff=x", "a=\xff"}) {
        auto req = MakeRequest(query);
        auto error = DecodeFields(req);
        ASSERT_TRUE(error.has_value()) << query;
        EXPECT_EQ(error->code, ErrorCode::kInvalidInput);
        EXPECT_EQ(core::Text(error->message, "vi"), kNotUtf8);
    }
    // The sign-in form of the review: username=ab%ff%fe. covers P-8
    auto form = MakeRequest("", "username=ab%ff%fe&password=x", "application/x-www-form-urlencoded");
    auto error = DecodeFields(form);
    ASSERT_TRUE(error.has_value());
    EXPECT_EQ(core::Text(error->message, "vi"), kNotUtf8);
    // JSON, text and untyped bodies must be UTF-8; binary ones are their handler's.
    for (const char* type : {"application/json", "application/json; charset=utf-8", "text/csv", ""}) {
        auto json = MakeRequest("", "{\"name\":\"\xff\xfe\"}", type);
        EXPECT_TRUE(DecodeFields(json).has_value()) << type;
    }
    auto upload = MakeRequest("", "\xff\xd8\xff\xe0", "image/jpeg");
    EXPECT_FALSE(DecodeFields(upload).has_value());
    auto multipart = MakeRequest("", "--b\r\n\xff\r\n--b--", "multipart/form-data; boundary=b");
    EXPECT_FALSE(DecodeFields(multipart).has_value());
    auto good_json = MakeRequest("", "{\"name\":\"Đảng\"}", "application/json");
    EXPECT_FALSE(DecodeFields(good_json).has_value());
}

TEST(DecodeFields, MalformedPercentEscapesAreA400) {
    for (const char* query : {"a=%zz", "a=%f", "a=%", "a=1&b=%4", "%g0=1"}) {
        auto req = MakeRequest(query);
        auto error = DecodeFields(req);
        ASSERT_TRUE(error.has_value()) << query;
        EXPECT_EQ(error->code, ErrorCode::kInvalidInput);
        EXPECT_NE(core::Text(error->message, "vi").find("%XX"), std::string::npos) << error->message;
    }
    auto form = MakeRequest("", "username=ab%zz", "application/x-www-form-urlencoded");
    EXPECT_TRUE(DecodeFields(form).has_value());
    // An untyped body is not a form: a '%' in JSON text is fine.
    auto json = MakeRequest("", "{\"rate\":\"50%\"}");
    EXPECT_FALSE(DecodeFields(json).has_value());
}

TEST(DecodeFields, ARequestBuiltByHandParsesOnFirstUseAndSkipsWhatIsInvalid) {
    auto req = MakeRequest("a=1&b=%ff&c=%zz&d=" + std::string("Nguye%CC%82%CC%83n"), "x=%fe&y=2");
    EXPECT_EQ(req.QueryParam("a"), "1");
    EXPECT_FALSE(req.QueryParam("b")) << "never a string that is not UTF-8";
    EXPECT_FALSE(req.QueryParam("c"));
    EXPECT_EQ(req.QueryParam("d"), kPrecomposed);
    EXPECT_EQ(req.Form().count("x"), 0u);
    EXPECT_EQ(req.Form().at("y"), "2");
    auto pairs = ParseQuery("k=%ff&l=ok");
    EXPECT_EQ(pairs.size(), 1u);
    FieldError error = FieldError::kNone;
    DecodeUrlEncoded("k=ok&l=%ff", error);
    EXPECT_EQ(error, FieldError::kNotUtf8);
    DecodeUrlEncoded("k=%f", error);
    EXPECT_EQ(error, FieldError::kBadEscape);
}

TEST(DecodeFields, NothingToDoForARequestWithoutQueryOrBody) {
    auto req = MakeRequest("");
    EXPECT_FALSE(DecodeFields(req).has_value());
    EXPECT_FALSE(req.query_fields.has_value());
    EXPECT_FALSE(req.form_fields.has_value());
}

}  // namespace
}  // namespace vp::core::http
