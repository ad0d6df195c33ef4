#include "media/handlers.hpp"

#include <boost/json.hpp>
#include <spdlog/spdlog.h>

#include "core/http/file_response.hpp"
#include "core/http/multipart.hpp"

namespace vp::media {

namespace http = core::http;
using http::Request;
using http::Response;
using http::beast_http::status;

namespace {

constexpr std::size_t kFormOverhead = 64 * 1024;  // boundaries, part headers, the small fields

std::string LowerType(std::string_view content_type) {
    std::string t(content_type.substr(0, content_type.find(';')));
    while (!t.empty() && (t.back() == ' ' || t.back() == '\t')) t.pop_back();
    for (auto& c : t) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return t;
}

}  // namespace

std::size_t Handlers::UploadBodyLimit() const {
    return static_cast<std::size_t>(media_.GetLimits().Largest()) + kFormOverhead;
}

Response Handlers::Upload(Request& req) {
    // Signed in first (and CSRF for a cookie), before a byte of the body is looked at.
    auto g = web_.RequireApi(req);
    if (auto* res = std::get_if<Response>(&g)) return std::move(*res);
    const auto& who = std::get<auth::Principal>(g);
    UploadInput in;
    std::string unit_text = req.QueryParam("unit_id").value_or("");
    std::string kind_text = req.QueryParam("kind").value_or("");
    in.purpose = req.QueryParam("purpose").value_or("");
    in.portal = req.QueryParam("portal").value_or("");
    std::optional<http::Multipart> form;
    if (LowerType(req.Header("Content-Type")) == "multipart/form-data") {
        auto parsed =
            http::ParseMultipart(req, {.max_parts = 8,
                                       .max_header_bytes = 8 * 1024,
                                       .max_file_bytes = static_cast<std::size_t>(media_.GetLimits().Largest()),
                                       .max_field_bytes = 1024});
        if (!parsed) return http::JsonError(req, parsed.error());
        form = std::move(parsed.value());
        const auto* file = form->Find("file");
        if (!file || !file->filename)
            return http::JsonError(req, core::InvalidField("file", core::Msg("media.file_missing")));
        in.bytes = file->body;
        in.filename = *file->filename;
        in.content_type = file->content_type;
        if (auto v = form->Field("purpose")) in.purpose = *v;
        if (auto v = form->Field("portal")) in.portal = *v;
        if (auto v = form->Field("unit_id")) unit_text = *v;
        if (auto v = form->Field("kind")) kind_text = *v;
    } else {
        in.bytes = req.raw.body();
        if (in.bytes.empty()) return http::JsonError(req, core::InvalidField("file", core::Msg("media.file_missing")));
        in.content_type = std::string(req.Header("Content-Type"));
        // A header carries ASCII: a Vietnamese name comes percent-encoded (UTF-8).
        auto name = http::PercentDecode(req.Header("X-File-Name"), false);
        if (!name)
            return http::JsonError(req, core::InvalidField("X-File-Name", core::Msg("media.filename_header_invalid")));
        in.filename = std::move(*name);
    }
    if (in.purpose.empty()) in.purpose = "upload";
    if (!unit_text.empty()) {
        auto id = auth::ParseId(unit_text);
        if (!id || *id <= 0)
            return http::JsonError(req, core::InvalidField("unit_id", core::Msg("media.unit_invalid")));
        in.unit_id = *id;
    }
    for (std::string_view rest = kind_text; !rest.empty();) {
        const auto comma = rest.find(',');
        const auto name = rest.substr(0, comma);
        rest = comma == std::string_view::npos ? std::string_view{} : rest.substr(comma + 1);
        if (name.empty()) continue;
        auto kind = ParseKind(name);
        if (!kind) return http::JsonError(req, core::InvalidField("kind", core::Msg("media.kind_invalid")));
        in.accept.push_back(*kind);
    }
    auto r = media_.Upload(who, in);
    if (!r) {
        if (!r.error().detail.empty()) spdlog::info("request {}: upload refused: {}", req.request_id, r.error().detail);
        return http::JsonError(req, r.error());
    }
    auto res = http::Json(req, ToJson(r.value()), status::created);
    res.set(http::beast_http::field::location, "/api/v1/media/" + std::to_string(r->id));
    return res;
}

Response Handlers::Show(Request& req) {
    auto g = web_.RequireApi(req);
    if (auto* res = std::get_if<Response>(&g)) return std::move(*res);
    const auto& who = std::get<auth::Principal>(g);
    auto id = auth::ParseId(req.path_params["id"]);
    if (!id) return http::JsonError(req, core::NotFound(core::Msg("media.not_found")));
    auto r = media_.Get(who, *id);
    if (!r) return http::JsonError(req, r.error());
    return http::Json(req, ToJson(r.value()));
}

namespace {
Response ServeWith(const Request& req, const Service& media, const ServedFile& f, std::string cache_control) {
    auto file = http::MemoryFile::OpenReadOnly(media.Files().PathOf(f.sha256).string());
    if (!file) {
        // The record names it, so it was stored: the media folder was changed by hand.
        spdlog::error("media: file {} is recorded but missing from {}", f.sha256, media.Files().Root().string());
        return http::ErrorFor(req, core::NotFound(core::Msg("media.not_found")));
    }
    // Inline what a browser shows or plays; documents are saved, never opened in the site's
    // origin. The sandbox policy keeps even a file opened directly from running anything.
    return http::ServeFile(req, {.file = std::move(file),
                                 .content_type = f.mime,
                                 .etag = "\"" + f.sha256 + "\"",
                                 .cache_control = std::move(cache_control),
                                 .content_disposition = ContentDisposition(f.kind == Kind::kDocument, f.filename),
                                 .content_security_policy = "default-src 'none'; style-src 'unsafe-inline'; sandbox"});
}
}  // namespace

Response Handlers::ServeStored(const Request& req, const ServedFile& f) const {
    return ServeWith(req, media_, f, "public, max-age=31536000, immutable");
}

Response ServePrivately(const Request& req, const Service& media, const ServedFile& f) {
    // Never kept by shared caches; the browser asks again (a 304 when unchanged).
    return ServeWith(req, media, f, "private, no-cache");
}

Response Handlers::Serve(Request& req) {
    auto f = media_.FindServed(req.path_params["sha256"]);
    if (!f) return http::ErrorFor(req, core::NotFound(core::Msg("media.not_found")));
    return ServeStored(req, *f);
}

Response Handlers::ServeVariant(Request& req) {
    // "640.webp": a width of at most 5 digits and one of the two formats.
    const auto& v = req.path_params["variant"];
    const auto dot = v.find('.');
    const auto digits = v.substr(0, dot);
    const bool ok = dot != std::string::npos && !digits.empty() && digits.size() <= 5 &&
                    std::all_of(digits.begin(), digits.end(), [](char c) { return c >= '0' && c <= '9'; });
    auto f =
        ok ? media_.FindServedVariant(req.path_params["sha256"], std::stoi(digits), v.substr(dot + 1)) : std::nullopt;
    if (!f) return http::ErrorFor(req, core::NotFound(core::Msg("media.not_found")));
    return ServeStored(req, *f);
}

}  // namespace vp::media
