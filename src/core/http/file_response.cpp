#include "core/http/file_response.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <limits>
#include <system_error>

namespace vp::core::http {

std::shared_ptr<const MemoryFile> MemoryFile::OpenReadOnly(const std::string& path) {
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0) return nullptr;
    struct stat st {};
    if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        ::close(fd);
        return nullptr;
    }
    return std::shared_ptr<const MemoryFile>(new MemoryFile(fd, static_cast<std::size_t>(st.st_size)));
}

namespace {

constexpr std::uint64_t kHuge = std::numeric_limits<std::uint64_t>::max();

// Decimal digits, saturating at kHuge (a position past any file); nullopt when empty or not digits.
std::optional<std::uint64_t> Digits(std::string_view s) {
    if (s.empty()) return std::nullopt;
    std::uint64_t v = 0;
    for (char c : s) {
        if (c < '0' || c > '9') return std::nullopt;
        const auto d = static_cast<std::uint64_t>(c - '0');
        v = v > (kHuge - d) / 10 ? kHuge : v * 10 + d;
    }
    return v;
}

std::string_view Trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
    return s;
}

// If-None-Match (weak comparison, RFC 9110 13.1.2): "*" or a list naming the tag.
bool NoneMatchHits(std::string_view header, std::string_view etag) {
    header = Trim(header);
    if (header == "*") return true;
    while (!header.empty()) {
        const auto comma = header.find(',');
        auto item = Trim(header.substr(0, comma));
        header = comma == std::string_view::npos ? std::string_view{} : header.substr(comma + 1);
        if (item.starts_with("W/")) item.remove_prefix(2);
        if (item == etag) return true;
    }
    return false;
}

}  // namespace

RangeDecision DecideRange(std::string_view header, std::uint64_t size) {
    RangeDecision whole;
    header = Trim(header);
    if (header.size() < 6) return whole;
    std::string unit(header.substr(0, 6));
    for (auto& c : unit) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (unit != "bytes=") return whole;
    const auto spec = Trim(header.substr(6));
    if (spec.find(',') != std::string_view::npos) return whole;  // several ranges: ignored
    const auto dash = spec.find('-');
    if (dash == std::string_view::npos) return whole;
    const auto first_text = Trim(spec.substr(0, dash));
    const auto last_text = Trim(spec.substr(dash + 1));
    RangeDecision out{RangeDecision::Kind::kPartial, {}};
    if (first_text.empty()) {
        const auto suffix = Digits(last_text);
        if (!suffix) return whole;
        if (*suffix == 0 || size == 0) return {RangeDecision::Kind::kUnsatisfiable, {}};
        out.range = {*suffix >= size ? 0 : size - *suffix, size - 1};
        return out;
    }
    const auto first = Digits(first_text);
    if (!first) return whole;
    std::uint64_t last = kHuge;
    if (!last_text.empty()) {
        const auto l = Digits(last_text);
        if (!l || *l < *first) return whole;  // invalid: ignored
        last = *l;
    }
    if (*first >= size) return {RangeDecision::Kind::kUnsatisfiable, {}};
    out.range = {*first, std::min(last, size - 1)};
    return out;
}

Response ServeFile(const Request& req, const FileServing& f) {
    namespace bh = beast_http;
    const std::uint64_t size = f.file ? f.file->Size() : 0;
    Response res{bh::status::ok, req.raw.version()};
    res.keep_alive(req.raw.keep_alive());
    res.set(bh::field::etag, f.etag);
    res.set(bh::field::cache_control, f.cache_control);
    if (auto inm = req.Header("If-None-Match"); !inm.empty() && NoneMatchHits(inm, f.etag)) {
        res.result(bh::status::not_modified);
        return res;
    }
    res.set(bh::field::content_type, f.content_type);
    res.set(bh::field::accept_ranges, "bytes");
    res.set("X-Content-Type-Options", "nosniff");
    if (!f.content_disposition.empty()) res.set(bh::field::content_disposition, f.content_disposition);
    if (!f.content_security_policy.empty()) res.set("Content-Security-Policy", f.content_security_policy);
    RangeDecision decision;
    if (auto range = req.Header("Range"); !range.empty()) {
        // If-Range names the representation the client already holds a part of: only then is
        // a part of this one what it wants (a date never matches: files carry no Last-Modified).
        const auto if_range = req.Header("If-Range");
        if (if_range.empty() || Trim(if_range) == f.etag) decision = DecideRange(range, size);
    }
    if (decision.kind == RangeDecision::Kind::kUnsatisfiable) {
        res.result(bh::status::range_not_satisfiable);
        res.erase(bh::field::content_disposition);
        res.set(bh::field::content_range, "bytes */" + std::to_string(size));
        res.set(bh::field::content_type, "text/plain; charset=utf-8");
        res.body() = std::string{};
        res.set(bh::field::content_length, "0");
        return res;
    }
    ByteRange r{0, size == 0 ? 0 : size - 1};
    if (decision.kind == RangeDecision::Kind::kPartial) {
        r = decision.range;
        res.result(bh::status::partial_content);
        res.set(bh::field::content_range,
                "bytes " + std::to_string(r.first) + "-" + std::to_string(r.last) + "/" + std::to_string(size));
    }
    const std::uint64_t length = size == 0 ? 0 : r.Length();
    res.set(bh::field::content_length, std::to_string(length));
    if (length > 0) {
        auto& body = res.body();
        body.file = f.file;
        body.file_head = static_cast<std::size_t>(r.first);
        body.file_end = static_cast<std::size_t>(r.last + 1);
    }
    return res;
}

std::string BodyBytes(const Response& res) {
    const auto& body = res.body();
    if (!body.file || !body.Bytes().empty()) return body.Bytes();
    const std::size_t end = body.file_end == 0 ? body.file->Size() : body.file_end;
    std::string out(end > body.file_head ? end - body.file_head : 0, '\0');
    std::size_t done = 0;
    while (done < out.size()) {
        const auto n =
            ::pread(body.file->Fd(), out.data() + done, out.size() - done, static_cast<off_t>(body.file_head + done));
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) throw std::system_error(n < 0 ? errno : EIO, std::generic_category(), "reading a response's file");
        done += static_cast<std::size_t>(n);
    }
    return out;
}

}  // namespace vp::core::http
