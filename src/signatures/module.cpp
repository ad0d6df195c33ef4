#include "signatures/module.hpp"

#include "signatures/handlers.hpp"

#include <stdexcept>

namespace vp::embedded {
std::span<const vp::core::EmbeddedFile> SignaturesApi();
std::span<const vp::core::EmbeddedFile> SignaturesDemoAnchors();
}  // namespace vp::embedded

namespace vp::signatures {
namespace {

using core::http::beast_http::verb;
using platform::Bind;

class SignaturesModule final : public platform::Module {
public:
    SignaturesModule(const std::unique_ptr<core::SecretBox>& box, ServiceSettings settings,
                     std::unique_ptr<Service>& service)
        : box_(box), settings_(std::move(settings)), service_(service) {}
    std::string_view Name() const override { return "signatures"; }
    void DeclareAccess(core::access::Policy& policy) const override { signatures::DeclareAccess(policy); }
    void Build(platform::Platform& p) override {
        if (!box_) throw std::logic_error("signatures: the secret box is built before the modules");
        service_ = std::make_unique<Service>(p.db, p.audit, p.clock, *box_, p.policy, settings_);
        h_ = std::make_unique<Handlers>(p.web, *service_);
    }
    void AddRoutes(core::http::Router& r) override {
        auto* h = h_.get();
        auto page = platform::RouteKinds::Page();
        r.Add(verb::get, "/verify", Bind(h, &Handlers::VerifyPage), page);
        // Uploads: a file of up to 32 MiB, read as bytes, with time to arrive over a slow line.
        auto upload_page = page;
        upload_page.body_limit = Handlers::UploadBodyLimit();
        upload_page.binary_body = true;
        upload_page.request_timeout = std::chrono::seconds(120);
        r.Add(verb::post, "/verify", Bind(h, &Handlers::VerifyPagePost), upload_page);
        auto upload_api = platform::RouteKinds::Api();
        upload_api.body_limit = Handlers::UploadBodyLimit();
        upload_api.binary_body = true;
        upload_api.request_timeout = std::chrono::seconds(120);
        r.Add(verb::get, "/api/v1/signatures/verify", Bind(h, &Handlers::VerifyDigestApi));
        r.Add(verb::post, "/api/v1/signatures/verify", Bind(h, &Handlers::VerifyBytesApi), upload_api);
        r.Add(verb::get, "/api/v1/signatures/keys", Bind(h, &Handlers::KeysApi));
        r.Add(verb::get, "/api/v1/signatures/keys/{signer}", Bind(h, &Handlers::KeyApi));
        r.Add(verb::get, "/api/v1/signatures/entries/{id}", Bind(h, &Handlers::EntryApi));
        r.Add(verb::post, "/api/v1/signatures/entries/{id}/withdraw", Bind(h, &Handlers::WithdrawApi));
    }
    boost::json::object OpenApi() const override {
        return platform::ParseOpenApiPart(embedded::SignaturesApi().front().content, Name());
    }

private:
    const std::unique_ptr<core::SecretBox>& box_;
    ServiceSettings settings_;
    std::unique_ptr<Service>& service_;
    std::unique_ptr<Handlers> h_;
};

}  // namespace

std::unique_ptr<platform::Module> MakeModule(const std::unique_ptr<core::SecretBox>& box, ServiceSettings settings,
                                             std::unique_ptr<Service>& service) {
    return std::make_unique<SignaturesModule>(box, std::move(settings), service);
}

ServiceSettings SettingsFor(const std::string& trust_anchors_dir, bool demo) {
    if (!trust_anchors_dir.empty()) return {.anchors = TrustAnchors::FromDirectory(trust_anchors_dir)};
    if (demo) return {.anchors = TrustAnchors::FromPem(embedded::SignaturesDemoAnchors().front().content)};
    return {};
}

}  // namespace vp::signatures
