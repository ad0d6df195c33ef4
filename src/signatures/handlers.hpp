#pragma once

#include "auth/web.hpp"
#include "signatures/signatures.hpp"

namespace vp::signatures {

/// @brief HTTP adapter of the signatures module. Verification is public (anyone holding a copy
/// of a published file may check it); registration is internal (other modules' services call
/// Service::Register), and withdrawing needs kSignaturesWithdraw.
class Handlers {
public:
    Handlers(auth::Web& web, Service& service) : web_(web), service_(service) {}

    /// The largest file the verification routes take (32 MiB plus the form's overhead).
    static std::size_t UploadBodyLimit();

    /// GET /verify[?sha256=hex]: the public page (upload a file or paste a digest).
    core::http::Response VerifyPage(core::http::Request& req);
    /// POST /verify (multipart/form-data: `file`, or `sha256`): the page with the result; 415
    /// for another content type.
    core::http::Response VerifyPagePost(core::http::Request& req);
    /// GET /api/v1/signatures/verify?sha256=hex → VerificationJson.
    core::http::Response VerifyDigestApi(core::http::Request& req);
    /// POST /api/v1/signatures/verify, the file as the body (application/pdf or
    /// application/octet-stream; 415 otherwise) → VerificationJson, the PDF check run now.
    core::http::Response VerifyBytesApi(core::http::Request& req);
    /// GET /api/v1/signatures/keys → {"keys": [SignerKey…]}.
    core::http::Response KeysApi(core::http::Request& req);
    /// GET /api/v1/signatures/keys/{signer} → SignerKey, 404 when the signer has no key.
    core::http::Response KeyApi(core::http::Request& req);
    /// GET /api/v1/signatures/entries/{id} → Entry (public, as on the verification page).
    core::http::Response EntryApi(core::http::Request& req);
    /// POST /api/v1/signatures/entries/{id}/withdraw {"reason": "..."} → Entry (kSignaturesWithdraw).
    core::http::Response WithdrawApi(core::http::Request& req);

private:
    core::http::Response RenderPage(const core::http::Request& req, boost::json::object data,
                                    core::http::beast_http::status st = core::http::beast_http::status::ok);
    auth::Web& web_;
    Service& service_;
};

/// JSON forms (the API's answers; docs in openapi.json).
boost::json::object ToJson(const Entry& e);
boost::json::object ToJson(const SignerKey& k);
boost::json::object ToJson(const StoredPdfCheck& c, std::string_view lang);
boost::json::object ToJson(const Verification& v, std::string_view lang);

}  // namespace vp::signatures
