// covers P-12 (audio and video served with HTTP Range), X-3 (hostile Range headers)
#include "core/http/file_response.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

namespace vp::core::http {
namespace {

using Kind = RangeDecision::Kind;

TEST(DecideRange, SingleRanges_P12) {
    auto r = DecideRange("bytes=0-99", 1000);
    EXPECT_EQ(r.kind, Kind::kPartial);
    EXPECT_EQ(r.range.first, 0u);
    EXPECT_EQ(r.range.last, 99u);
    r = DecideRange("bytes=500-", 1000);  // open range
    EXPECT_EQ(r.kind, Kind::kPartial);
    EXPECT_EQ(r.range.first, 500u);
    EXPECT_EQ(r.range.last, 999u);
    r = DecideRange("bytes=-100", 1000);  // suffix: the last 100 bytes
    EXPECT_EQ(r.kind, Kind::kPartial);
    EXPECT_EQ(r.range.first, 900u);
    EXPECT_EQ(r.range.last, 999u);
    r = DecideRange("bytes=-5000", 1000);  // a suffix longer than the file: all of it
    EXPECT_EQ(r.range.first, 0u);
    EXPECT_EQ(r.range.last, 999u);
    r = DecideRange("bytes=990-2000", 1000);  // clamped to the end
    EXPECT_EQ(r.range.last, 999u);
    r = DecideRange("Bytes = 5-5 ", 1000);
    EXPECT_EQ(r.kind, Kind::kWhole) << "'bytes =' is not the unit";
    r = DecideRange("BYTES=5-5", 1000);
    EXPECT_EQ(r.kind, Kind::kPartial);
    EXPECT_EQ(r.range.Length(), 1u);
}

TEST(DecideRange, Unsatisfiable_P12) {
    EXPECT_EQ(DecideRange("bytes=1000-", 1000).kind, Kind::kUnsatisfiable);
    EXPECT_EQ(DecideRange("bytes=1000-2000", 1000).kind, Kind::kUnsatisfiable);
    EXPECT_EQ(DecideRange("bytes=-0", 1000).kind, Kind::kUnsatisfiable);
    EXPECT_EQ(DecideRange("bytes=0-", 0).kind, Kind::kUnsatisfiable);
    EXPECT_EQ(DecideRange("bytes=99999999999999999999999-", 1000).kind, Kind::kUnsatisfiable)
        << "saturates, no overflow";
}

TEST(DecideRange, IgnoredHeadersServeTheWholeFile_X3) {
    for (std::string_view h : {"", "bytes=0-1,5-6", "bytes=0-0,0-0,0-0", "items=0-5", "bytes=5-1", "bytes=x-",
                               "bytes=-", "bytes=", "bytes=1-2-3", "bytes=--5", "bytes=0x10-", "bytes=+5-"}) {
        EXPECT_EQ(DecideRange(h, 1000).kind, Kind::kWhole) << h;
    }
    EXPECT_EQ(DecideRange("bytes=0-18446744073709551615999", 10).range.last, 9u) << "huge last position is clamped";
}

class ServeFileTest : public ::testing::Test {
protected:
    void SetUp() override {
        path_ = std::filesystem::temp_directory_path() / ("vp-serve-" + std::to_string(::getpid()) + ".bin");
        for (int i = 0; i < 1000; ++i) bytes_.push_back(static_cast<char>('a' + i % 26));
        std::ofstream(path_, std::ios::binary) << bytes_;
        serving_.file = MemoryFile::OpenReadOnly(path_.string());
        ASSERT_NE(serving_.file, nullptr);
        serving_.content_type = "audio/mpeg";
        serving_.etag = "\"abc123\"";
        serving_.cache_control = "public, max-age=31536000, immutable";
        serving_.content_disposition = "inline; filename=\"a.mp3\"";
    }
    void TearDown() override { std::filesystem::remove(path_); }
    Response Get(std::map<std::string, std::string> headers) {
        Request req;
        req.raw.method(beast_http::verb::get);
        req.raw.version(11);
        for (const auto& [k, v] : headers) req.raw.set(k, v);
        return ServeFile(req, serving_);
    }
    std::filesystem::path path_;
    std::string bytes_;
    FileServing serving_;
};

TEST_F(ServeFileTest, WholeFile_P12) {
    auto res = Get({});
    EXPECT_EQ(res.result(), beast_http::status::ok);
    EXPECT_EQ(res[beast_http::field::content_length], "1000");
    EXPECT_EQ(res[beast_http::field::accept_ranges], "bytes");
    EXPECT_EQ(res[beast_http::field::etag], "\"abc123\"");
    EXPECT_EQ(res[beast_http::field::content_type], "audio/mpeg");
    EXPECT_EQ(res["X-Content-Type-Options"], "nosniff");
    EXPECT_EQ(BodyBytes(res), bytes_);
}

TEST_F(ServeFileTest, FirstBytesSuffixAndOpenRanges_P12) {
    auto first = Get({{"Range", "bytes=0-9"}});
    EXPECT_EQ(first.result(), beast_http::status::partial_content);
    EXPECT_EQ(first[beast_http::field::content_range], "bytes 0-9/1000");
    EXPECT_EQ(first[beast_http::field::content_length], "10");
    EXPECT_EQ(BodyBytes(first), bytes_.substr(0, 10));
    auto suffix = Get({{"Range", "bytes=-26"}});
    EXPECT_EQ(suffix[beast_http::field::content_range], "bytes 974-999/1000");
    EXPECT_EQ(BodyBytes(suffix), bytes_.substr(974));
    auto open = Get({{"Range", "bytes=990-"}});
    EXPECT_EQ(open[beast_http::field::content_range], "bytes 990-999/1000");
    EXPECT_EQ(BodyBytes(open), bytes_.substr(990));
}

TEST_F(ServeFileTest, UnsatisfiableAndMultiple_P12) {
    auto bad = Get({{"Range", "bytes=1000-"}});
    EXPECT_EQ(bad.result(), beast_http::status::range_not_satisfiable);
    EXPECT_EQ(bad[beast_http::field::content_range], "bytes */1000");
    EXPECT_EQ(BodyBytes(bad), "");
    auto multi = Get({{"Range", "bytes=0-1,3-4"}});
    EXPECT_EQ(multi.result(), beast_http::status::ok) << "several ranges: the whole file";
    EXPECT_EQ(BodyBytes(multi), bytes_);
}

TEST_F(ServeFileTest, ConditionalRequests_P12) {
    EXPECT_EQ(Get({{"If-None-Match", "\"abc123\""}}).result(), beast_http::status::not_modified);
    EXPECT_EQ(Get({{"If-None-Match", "\"x\", W/\"abc123\""}}).result(), beast_http::status::not_modified);
    EXPECT_EQ(Get({{"If-None-Match", "\"other\""}}).result(), beast_http::status::ok);
    auto same = Get({{"Range", "bytes=0-0"}, {"If-Range", "\"abc123\""}});
    EXPECT_EQ(same.result(), beast_http::status::partial_content);
    auto changed = Get({{"Range", "bytes=0-0"}, {"If-Range", "\"older\""}});
    EXPECT_EQ(changed.result(), beast_http::status::ok) << "If-Range that does not match: the whole file";
    auto dated = Get({{"Range", "bytes=0-0"}, {"If-Range", "Wed, 21 Oct 2015 07:28:00 GMT"}});
    EXPECT_EQ(dated.result(), beast_http::status::ok);
}

TEST(MemoryFile, OpenReadOnlyRefusesWhatIsNotARegularFile) {
    EXPECT_EQ(MemoryFile::OpenReadOnly("/nonexistent/x"), nullptr);
    EXPECT_EQ(MemoryFile::OpenReadOnly(std::filesystem::temp_directory_path().string()), nullptr);
}

}  // namespace
}  // namespace vp::core::http
