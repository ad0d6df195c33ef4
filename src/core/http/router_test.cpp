// The routing table: first match wins, HEAD falls back to GET, a catch-all segment takes the
// rest, and the not-found handler answers GETs to addresses nothing else has.
#include "core/http/router.hpp"

#include <gtest/gtest.h>

namespace vp::core::http {
namespace {

Handler Named(std::string name) {
    return [name](Request&) {
        Response r;
        r.body() = name;
        return r;
    };
}

std::string Resolve(const Router& r, beast_http::verb v, std::string_view path) {
    auto m = r.Find(v, path);
    if (!m.route) return m.path_matched_other_verb ? "405" : "404";
    Request req;
    return m.route->pattern + "=" + m.route->handler(req).body();
}

TEST(Router, FirstMatchWinsAndParametersAreTaken) {
    Router r;
    r.Add(beast_http::verb::get, "/a/{id}", Named("first"));
    r.Add(beast_http::verb::get, "/a/new", Named("second"));
    r.Add(beast_http::verb::get, "/files/{*rest}", Named("rest"));
    EXPECT_EQ(Resolve(r, beast_http::verb::get, "/a/new"), "/a/{id}=first");
    auto m = r.Find(beast_http::verb::get, "/files/x/y.txt");
    ASSERT_NE(m.route, nullptr);
    EXPECT_EQ(m.params["rest"], "x/y.txt");
    EXPECT_EQ(Resolve(r, beast_http::verb::head, "/a/1"), "/a/{id}=first");
}

// Routes are looked up by their first segment, but the order of Add still decides between a
// route that starts with a literal and one that starts with a parameter (either way round).
TEST(Router, OrderOfAddHoldsAcrossLiteralAndParameterFirstSegments) {
    Router r;
    r.Add(beast_http::verb::get, "/", Named("root"));
    r.Add(beast_http::verb::get, "/x/one", Named("literal first"));
    r.Add(beast_http::verb::get, "/{any}/one", Named("param after"));
    r.Add(beast_http::verb::get, "/{any}/two", Named("param first"));
    r.Add(beast_http::verb::get, "/x/two", Named("literal after"));
    r.Add(beast_http::verb::post, "/x/three", Named("post"));
    r.Add(beast_http::verb::get, "/{*rest}", Named("catch-all"));
    EXPECT_EQ(Resolve(r, beast_http::verb::get, "/"), "/=root");
    EXPECT_EQ(Resolve(r, beast_http::verb::get, "/x/one"), "/x/one=literal first");
    EXPECT_EQ(Resolve(r, beast_http::verb::get, "/y/one"), "/{any}/one=param after");
    EXPECT_EQ(Resolve(r, beast_http::verb::get, "/x/two"), "/{any}/two=param first");
    EXPECT_EQ(Resolve(r, beast_http::verb::get, "/x/three"), "/{*rest}=catch-all")
        << "the catch-all GET comes before 405";
    EXPECT_EQ(Resolve(r, beast_http::verb::post, "/x/three"), "/x/three=post");
    EXPECT_EQ(Resolve(r, beast_http::verb::get, "/z/q/r"), "/{*rest}=catch-all");
    Router only_literals;
    only_literals.Add(beast_http::verb::get, "/x/one", Named("a"));
    only_literals.Add(beast_http::verb::delete_, "/x/{id}", Named("d"));
    EXPECT_EQ(Resolve(only_literals, beast_http::verb::get, "/y/one"), "404");
    EXPECT_EQ(Resolve(only_literals, beast_http::verb::get, "/x/7"), "405");
}

// covers P-21: the public site's 404 page for any address no module has.
TEST(Router, TheNotFoundHandlerAnswersOnlyUnmatchedGets) {
    Router r;
    r.Add(beast_http::verb::get, "/a", Named("a"));
    r.Add(beast_http::verb::post, "/form", Named("form"));
    EXPECT_EQ(Resolve(r, beast_http::verb::get, "/nowhere"), "404") << "none set: no route";
    r.SetNotFound(Named("site 404"));
    EXPECT_EQ(Resolve(r, beast_http::verb::get, "/nowhere"), "(unmatched)=site 404");
    EXPECT_EQ(Resolve(r, beast_http::verb::head, "/nowhere/deeper"), "(unmatched)=site 404");
    EXPECT_EQ(Resolve(r, beast_http::verb::get, "/a"), "/a=a") << "a route's own address is its own";
    EXPECT_EQ(Resolve(r, beast_http::verb::get, "/form"), "405") << "another verb's address stays 405";
    EXPECT_EQ(Resolve(r, beast_http::verb::post, "/nowhere"), "404") << "only GET and HEAD";
}

}  // namespace
}  // namespace vp::core::http
