#include "conference/video.hpp"

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/sha.h>

#include <boost/json.hpp>
#include <fmt/format.h>

namespace vp::conference::video {
namespace {

std::string Base64Url(std::string_view bytes) {
    std::string out(4 * ((bytes.size() + 2) / 3) + 1, '\0');
    const int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                  reinterpret_cast<const unsigned char*>(bytes.data()), static_cast<int>(bytes.size()));
    out.resize(static_cast<std::size_t>(n));
    while (!out.empty() && out.back() == '=') out.pop_back();
    for (auto& c : out) {
        if (c == '+') c = '-';
        else if (c == '/') c = '_';
    }
    return out;
}

std::string Hex(const unsigned char* p, std::size_t n) {
    std::string s;
    for (std::size_t i = 0; i < n; ++i) s += fmt::format("{:02x}", p[i]);
    return s;
}

}  // namespace

std::string JitsiToken(const JitsiClaims& c, std::string_view secret) {
    const std::string header = R"({"alg":"HS256","typ":"JWT"})";
    boost::json::object claims{{"iss", c.iss}, {"aud", c.aud}, {"sub", c.sub}, {"room", c.room},
                               {"iat", c.iat}, {"nbf", c.nbf}, {"exp", c.exp}};
    claims["context"] = boost::json::object{
        {"user", boost::json::object{{"name", c.name}, {"moderator", c.moderator}}}};
    const auto signing_input = Base64Url(header) + "." + Base64Url(boost::json::serialize(claims));
    unsigned char mac[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    HMAC(EVP_sha256(), secret.data(), static_cast<int>(secret.size()),
         reinterpret_cast<const unsigned char*>(signing_input.data()), signing_input.size(), mac, &len);
    return signing_input + "." + Base64Url(std::string_view(reinterpret_cast<const char*>(mac), len));
}

std::string JitsiUrl(std::string_view base, std::string_view room, std::string_view token) {
    std::string b(base);
    while (!b.empty() && b.back() == '/') b.pop_back();
    return b + "/" + FormEncode({{"", std::string(room)}}).substr(1) + "?jwt=" + std::string(token);
}

std::string FormEncode(const Params& params) {
    std::string out;
    auto enc = [&](std::string_view s) {
        for (unsigned char ch : s) {
            if (std::isalnum(ch) || ch == '-' || ch == '_' || ch == '.' || ch == '~') out += static_cast<char>(ch);
            else if (ch == ' ') out += '+';
            else out += fmt::format("%{:02X}", ch);
        }
    };
    for (std::size_t i = 0; i < params.size(); ++i) {
        if (i) out += '&';
        enc(params[i].first);
        out += '=';
        enc(params[i].second);
    }
    return out;
}

std::string BbbChecksum(std::string_view call, std::string_view query, std::string_view secret) {
    std::string input;
    input.append(call).append(query).append(secret);
    unsigned char digest[SHA_DIGEST_LENGTH];
    SHA1(reinterpret_cast<const unsigned char*>(input.data()), input.size(), digest);
    return Hex(digest, sizeof digest);
}

std::string BbbUrl(std::string_view base, std::string_view call, const Params& params, std::string_view secret) {
    std::string b(base);
    while (!b.empty() && b.back() == '/') b.pop_back();
    const auto query = FormEncode(params);
    return b + "/api/" + std::string(call) + "?" + query + "&checksum=" + BbbChecksum(call, query, secret);
}

}  // namespace vp::conference::video
