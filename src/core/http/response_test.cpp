// The wire header written for every response.
#include "core/http/response.hpp"

#include <gtest/gtest.h>

#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/parser.hpp>

namespace vp::core::http {
namespace {

// Parses a header block back with Beast's own parser: what a client would see.
beast_http::response<beast_http::empty_body> Parse(const std::string& head) {
    beast_http::response_parser<beast_http::empty_body> p;
    p.skip(true);  // header only: the body is not part of `head`
    boost::system::error_code ec;
    p.put(boost::asio::buffer(head), ec);
    EXPECT_FALSE(ec) << ec.message() << "\n" << head;
    EXPECT_TRUE(p.is_header_done()) << head;
    return p.release();
}

Request MakeRequest(unsigned version = 11) {
    Request req;
    req.raw.version(version);
    req.path = "/";
    return req;
}

TEST(SerializeHead, StatusFieldsSecurityHeadersRequestIdAndLength) {
    auto res = Html(MakeRequest(), "<p>xin chào</p>");
    std::string head;
    ASSERT_TRUE(SerializeHead(res, false, "abc-1", head));
    EXPECT_TRUE(head.starts_with("HTTP/1.1 200 OK\r\n")) << head;
    EXPECT_TRUE(head.ends_with("\r\n\r\n"));
    auto parsed = Parse(head);
    EXPECT_EQ(parsed.result_int(), 200u);
    EXPECT_EQ(parsed[beast_http::field::content_type], "text/html; charset=utf-8");
    EXPECT_EQ(parsed[beast_http::field::content_length], std::to_string(res.body().size()));
    EXPECT_NE(parsed["Content-Security-Policy"].find("frame-ancestors 'none'"), std::string::npos);
    EXPECT_EQ(parsed["X-Content-Type-Options"], "nosniff");
    EXPECT_EQ(parsed["X-Frame-Options"], "DENY");
    EXPECT_EQ(parsed["Referrer-Policy"], "same-origin");
    EXPECT_EQ(parsed["X-Request-Id"], "abc-1");
    EXPECT_EQ(parsed.count("Strict-Transport-Security"), 0u) << "HSTS only with TLS";
    // Exactly one Content-Length, even though the handler's fields carry one.
    EXPECT_EQ(parsed.count(beast_http::field::content_length), 1u);
}

TEST(SerializeHead, HstsWithTlsAndAHandlersOwnPolicyWins) {
    auto res = Html(MakeRequest(), "x");
    res.set("Content-Security-Policy", "default-src 'none'");
    std::string head;
    ASSERT_TRUE(SerializeHead(res, true, "", head));
    auto parsed = Parse(head);
    EXPECT_EQ(parsed.count("Content-Security-Policy"), 1u);
    EXPECT_EQ(parsed["Content-Security-Policy"], "default-src 'none'");
    EXPECT_EQ(parsed["Strict-Transport-Security"], "max-age=31536000; includeSubDomains");
    EXPECT_EQ(parsed.count("X-Request-Id"), 0u);
}

TEST(SerializeHead, LengthFromTheBodyWhenAHandlerSetNoneButNeverOn304) {
    Response res{beast_http::status::ok, 11};
    res.body() = std::string(1234, 'a');
    std::string head;
    ASSERT_TRUE(SerializeHead(res, false, "", head));
    EXPECT_EQ(Parse(head)[beast_http::field::content_length], "1234");

    Response not_modified{beast_http::status::not_modified, 11};
    head.clear();
    ASSERT_TRUE(SerializeHead(not_modified, false, "", head));
    EXPECT_TRUE(head.starts_with("HTTP/1.1 304 Not Modified\r\n")) << head;
    EXPECT_EQ(Parse(head).count(beast_http::field::content_length), 0u);
}

TEST(SerializeHead, PreparedAssetFieldsAndAStreamWithoutLength) {
    Response res{beast_http::status::ok, 10};
    res.keep_alive(true);
    res.body().shared = std::make_shared<const std::string>("body");
    res.body().head_fields = std::make_shared<const std::string>("Content-Type: text/css\r\nContent-Length: 4\r\n");
    std::string head;
    ASSERT_TRUE(SerializeHead(res, false, "r", head));
    EXPECT_TRUE(head.starts_with("HTTP/1.0 200 OK\r\n")) << head;
    auto parsed = Parse(head);
    EXPECT_EQ(parsed[beast_http::field::content_length], "4");
    EXPECT_EQ(parsed.count(beast_http::field::content_length), 1u);
    EXPECT_TRUE(parsed.keep_alive()) << "HTTP/1.0 keep-alive is stated";

    auto stream = Html(MakeRequest(), "");
    head.clear();
    ASSERT_TRUE(SerializeHead(stream, false, "r", head, BodyLength::kNone));
    EXPECT_EQ(Parse(head).count(beast_http::field::content_length), 0u);
}

// Response splitting: a field value that came from the request (here a redirect target) with
// CR/LF would let the client add header lines of its own. SerializeHead refuses the response
// and writes nothing; the server then sends a generic 500 instead.
TEST(SerializeHead, RefusesAFieldWithCrLfNulOrAnotherControlCharacter) {
    const auto req = MakeRequest();
    for (std::string bad :
         {std::string("/\r\nSet-Cookie: x=1"), std::string("/\nSet-Cookie: x=1"), std::string("/\rx"),
          std::string("/a\0b", 4), std::string("/\x01"), std::string("/\x7f"), std::string("/\x1b[31m")}) {
        auto res = Redirect(req, bad);
        std::string head = "kept";
        EXPECT_FALSE(SerializeHead(res, false, "r-1", head)) << ::testing::PrintToString(bad);
        EXPECT_EQ(head, "kept") << "nothing appended";
        EXPECT_EQ(InvalidFieldName(res), "Location");
    }
    // A bad name, and a bad value in a field Beast does not know.
    Response named{beast_http::status::ok, 11};
    named.set("X-Bad Name", "v");
    std::string head;
    EXPECT_FALSE(SerializeHead(named, false, "", head));
    EXPECT_TRUE(head.empty());
    Response custom{beast_http::status::ok, 11};
    custom.set("X-Next", "a\r\n\r\n<script>");
    EXPECT_FALSE(SerializeHead(custom, false, "", head));
    EXPECT_EQ(InvalidFieldName(custom), "X-Next");
    Response name_with_crlf{beast_http::status::ok, 11};
    name_with_crlf.set("X-A\r\nSet-Cookie", "v");
    EXPECT_FALSE(SerializeHead(name_with_crlf, false, "", head));
    EXPECT_EQ(InvalidFieldName(name_with_crlf), "X-A\\x0d\\x0aSet-Cookie") << "safe to log";
    // A reason phrase is a field of the status line.
    Response reason{beast_http::status::ok, 11};
    reason.reason("OK\r\nSet-Cookie: x=1");
    EXPECT_FALSE(SerializeHead(reason, false, "", head));
    EXPECT_EQ(InvalidFieldName(reason), "(reason)");
    EXPECT_TRUE(head.empty());
}

TEST(SerializeHead, AcceptsTabsAndNonAsciiBytesInValues) {
    const auto req = MakeRequest();
    auto res = Html(req, "x");
    res.set("Content-Disposition", "attachment; filename*=UTF-8''b%C3%A1o-c%C3%A1o.csv");
    res.set("X-Note", "a\tb \xc3\xa1");  // HTAB and obs-text are allowed
    std::string head;
    ASSERT_TRUE(SerializeHead(res, false, "r", head));
    EXPECT_EQ(Parse(head)["X-Note"], "a\tb \xc3\xa1");
    EXPECT_TRUE(InvalidFieldName(res).empty());
}

TEST(SerializeHead, PreparedHeaderBlocksAreCheckedOnce) {
    EXPECT_TRUE(IsValidHeaderBlock(""));
    EXPECT_TRUE(IsValidHeaderBlock("Content-Type: text/css\r\nContent-Length: 4\r\n"));
    EXPECT_FALSE(IsValidHeaderBlock("Content-Type: text/css\r\nX: a\nb\r\n"));
    EXPECT_FALSE(IsValidHeaderBlock("Content-Type: text/css"));
    EXPECT_FALSE(IsValidHeaderBlock("No colon\r\n"));
    EXPECT_FALSE(IsValidHeaderBlock("Bad Name: x\r\n"));
}

}  // namespace
}  // namespace vp::core::http
