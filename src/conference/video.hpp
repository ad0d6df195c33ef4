#pragma once
// Adapters for the video systems a conference runs on (Art. 12: the IT centre keeps the bridge
// points connected). The video itself is not ours: a self-hosted Jitsi Meet admits a site with
// a JSON Web Token (RFC 7519, HS256 under the configured secret, as its token authentication
// documents), BigBlueButton with API calls carrying its documented checksum.
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace vp::conference::video {

struct JitsiClaims {
    std::string iss;   ///< the application id configured in Jitsi (app_id)
    std::string aud;   ///< "jitsi"
    std::string sub;   ///< the Jitsi domain (or tenant)
    std::string room;  ///< the conference's room
    std::int64_t iat = 0, nbf = 0, exp = 0;  ///< seconds since the epoch
    std::string name;  ///< shown in the room: the site's name
    bool moderator = false;
};
/// A compact JWS: base64url(header).base64url(claims).base64url(HMAC-SHA-256).
std::string JitsiToken(const JitsiClaims& c, std::string_view secret);
/// The meeting address with the token: <base>/<room>?jwt=<token>.
std::string JitsiUrl(std::string_view base, std::string_view room, std::string_view token);

using Params = std::vector<std::pair<std::string, std::string>>;
/// application/x-www-form-urlencoded, in the order given (space as "+").
std::string FormEncode(const Params& params);
/// The BigBlueButton checksum: SHA-1 (hex) of call name + query string + shared secret.
std::string BbbChecksum(std::string_view call, std::string_view query, std::string_view secret);
/// <base>/api/<call>?<query>&checksum=<checksum>.
std::string BbbUrl(std::string_view base, std::string_view call, const Params& params, std::string_view secret);

}  // namespace vp::conference::video
