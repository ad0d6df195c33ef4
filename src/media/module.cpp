#include "media/module.hpp"

#include <stdexcept>

#include "core/message.hpp"
#include "media/handlers.hpp"

namespace vp::embedded {
std::span<const vp::core::EmbeddedFile> MediaApi();
}

namespace vp::media {
namespace {

using core::http::beast_http::verb;
using platform::Bind;

class MediaModule final : public platform::Module {
public:
    MediaModule(std::filesystem::path directory, Limits limits) : directory_(std::move(directory)), limits_(limits) {}
    std::string_view Name() const override { return "media"; }
    void DeclareAccess(core::access::Policy& policy) const override { media::DeclareAccess(policy); }
    void Build(platform::Platform& p) override {
        service_ = std::make_unique<Service>(p.db, p.audit, p.clock, p.policy,
                                             ServiceSettings{.directory = directory_, .limits = limits_});
        h_ = std::make_unique<Handlers>(p.web, *service_);
    }
    void AddRoutes(core::http::Router& r) override {
        auto* h = h_.get();
        // Uploads: a body as large as the largest kind allows, with time to arrive, read as
        // bytes (not checked as text) by the handler itself.
        core::http::RouteOptions upload;
        upload.body_limit = h->UploadBodyLimit();
        upload.request_timeout = std::chrono::seconds(300);
        upload.binary_body = true;
        r.Add(verb::post, "/api/v1/media", Bind(h, &Handlers::Upload), upload);
        r.Add(verb::get, "/api/v1/media/{id}", Bind(h, &Handlers::Show));
        // The files: public by digest (the Portal publishes them); HEAD answers through GET.
        const auto files = platform::RouteKinds::Page();
        r.Add(verb::get, "/media/{sha256}", Bind(h, &Handlers::Serve), files);
        r.Add(verb::get, "/media/{sha256}/{variant}", Bind(h, &Handlers::ServeVariant), files);
    }
    boost::json::object OpenApi() const override {
        return platform::ParseOpenApiPart(embedded::MediaApi().front().content, Name());
    }
    Service* Built() const { return service_.get(); }

private:
    std::filesystem::path directory_;
    Limits limits_;
    std::unique_ptr<Service> service_;
    std::unique_ptr<Handlers> h_;
};

}  // namespace

std::unique_ptr<platform::Module> MakeModule(std::filesystem::path directory, std::string_view limits) {
    auto parsed = ParseLimits(limits);
    if (!parsed) throw std::invalid_argument("--media-limits: " + core::Text(parsed.error().message, "en"));
    return std::make_unique<MediaModule>(std::move(directory), parsed.value());
}

Service& ServiceOf(const platform::Module& m) {
    const auto* media = dynamic_cast<const MediaModule*>(&m);
    if (!media || !media->Built()) throw std::logic_error("media::ServiceOf: not the built media module");
    return *media->Built();
}

}  // namespace vp::media
