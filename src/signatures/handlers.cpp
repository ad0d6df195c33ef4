#include "signatures/handlers.hpp"

#include <spdlog/spdlog.h>

#include <boost/json.hpp>

#include "core/http/multipart.hpp"
#include "core/message.hpp"

namespace vp::signatures {
namespace {

namespace json = boost::json;
namespace http = core::http;
using core::Msg;
using http::Request;
using http::Response;
using status = http::beast_http::status;

constexpr std::size_t kMaxFileBytes = 32u << 20;
constexpr std::size_t kFormOverhead = 64 * 1024;

/// The text of a PdfSignatureCheck reason code. When adding a code in pdf_check.hpp ^, add it here
/// and to templates/signatures/i18n/{vi,en}.json.
core::Message ReasonMessage(std::string_view code) {
    if (code == "not_pdf") return Msg("signatures.reason_not_pdf");
    if (code == "no_signature") return Msg("signatures.reason_no_signature");
    if (code == "malformed_byte_range") return Msg("signatures.reason_malformed_byte_range");
    if (code == "contents_mismatch") return Msg("signatures.reason_contents_mismatch");
    if (code == "unsupported_sub_filter") return Msg("signatures.reason_unsupported_sub_filter");
    if (code == "bad_cms") return Msg("signatures.reason_bad_cms");
    if (code == "digest_mismatch") return Msg("signatures.reason_digest_mismatch");
    if (code == "untrusted") return Msg("signatures.reason_untrusted");
    if (code == "certificate_purpose") return Msg("signatures.reason_certificate_purpose");
    return Msg("signatures.reason_unknown");
}

std::string LowerType(std::string_view content_type) {
    std::string t(content_type.substr(0, content_type.find(';')));
    while (!t.empty() && (t.back() == ' ' || t.back() == '\t')) t.pop_back();
    for (char& c : t) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return t;
}

core::Error UnsupportedType(core::Message m) { return {core::ErrorCode::kUnsupportedMediaType, std::move(m), {}}; }

std::string SizeText(std::int64_t n) {
    // 1234567 -> "1.234.567" (Vietnamese digit grouping).
    std::string digits = std::to_string(n), out;
    for (std::size_t i = 0; i < digits.size(); ++i) {
        if (i > 0 && (digits.size() - i) % 3 == 0) out.push_back('.');
        out.push_back(digits[i]);
    }
    return out;
}

json::object PageResult(const Verification& v, std::string_view lang) {
    json::object r{{"sha256", v.sha256}, {"registered", v.Registered()}};
    if (v.size) r["size_text"] = SizeText(*v.size);
    json::array entries;
    for (const auto& c : v.entries) {
        const Entry& e = c.entry;
        json::object o{{"title", e.title},
                       {"filename", e.filename},
                       {"signer", e.signer},
                       {"owner_module", e.owner_module},
                       {"registered_at_text", auth::FormatLocalTime(e.registered_at, true)},
                       {"signature_valid", c.signature_valid},
                       {"signature_invalid", !c.signature_valid},
                       {"public_key", e.public_key}};
        if (e.withdrawn) {
            o["withdrawn"] =
                json::object{{"at_text", auth::FormatLocalTime(e.withdrawn->at)}, {"reason", e.withdrawn->reason}};
        }
        entries.push_back(std::move(o));
    }
    r["entries"] = std::move(entries);
    if (v.pdf) {
        const PdfSignatureCheck& p = v.pdf->check;
        json::object o{{"present", p.present},
                       {"valid_whole", p.valid && p.covers_whole_file},
                       {"valid_partial", p.valid && !p.covers_whole_file},
                       {"invalid", p.present && !p.valid},
                       {"signer_subject", p.signer_subject},
                       {"signer_issuer", p.signer_issuer},
                       {"sub_filter", p.sub_filter},
                       {"time_from_pdf", p.signing_time_source == "pdf"},
                       {"checked_at_text", auth::FormatLocalTime(v.pdf->checked_at)}};
        if (p.signing_time_ms) o["signing_time_text"] = auth::FormatLocalTime(*p.signing_time_ms, true);
        if (!p.reason.empty()) o["reason_text"] = core::Text(ReasonMessage(p.reason), lang);
        if (p.signature_count > 1) o["signature_count"] = p.signature_count;
        r["pdf"] = std::move(o);
    }
    return r;
}

}  // namespace

std::size_t Handlers::UploadBodyLimit() { return kMaxFileBytes + kFormOverhead; }

json::object ToJson(const Entry& e) {
    json::object o{{"id", e.id},
                   {"sha256", e.sha256},
                   {"size", e.size},
                   {"filename", e.filename},
                   {"title", e.title},
                   {"signer", e.signer},
                   {"owner_module", e.owner_module},
                   {"owner_id", e.owner_id},
                   {"registered_at", IsoUtc(e.registered_at)},
                   {"public_key", e.public_key},
                   {"signature", e.signature},
                   {"canonical_message", CanonicalMessage(e.sha256, e.size, e.signer, e.registered_at)}};
    o["withdrawn"] = e.withdrawn
                         ? json::value(json::object{{"at", IsoUtc(e.withdrawn->at)}, {"reason", e.withdrawn->reason}})
                         : json::value(nullptr);
    return o;
}

json::object ToJson(const SignerKey& k) {
    return {{"signer", k.signer},
            {"algorithm", "Ed25519"},
            {"public_key", k.public_key},
            {"public_key_pem", k.public_key_pem},
            {"created_at", IsoUtc(k.created_at)}};
}

json::object ToJson(const StoredPdfCheck& s, std::string_view lang) {
    const PdfSignatureCheck& p = s.check;
    json::object o{{"checked_at", IsoUtc(s.checked_at)},
                   {"is_pdf", p.is_pdf},
                   {"present", p.present},
                   {"valid", p.valid},
                   {"covers_whole_file", p.covers_whole_file},
                   {"sub_filter", p.sub_filter},
                   {"signer_subject", p.signer_subject},
                   {"signer_issuer", p.signer_issuer},
                   {"signing_time", p.signing_time_ms ? json::value(IsoUtc(*p.signing_time_ms)) : json::value(nullptr)},
                   {"signing_time_source", p.signing_time_source},
                   {"reason", p.reason},
                   {"signature_count", p.signature_count}};
    o["reason_text"] = p.reason.empty() ? json::value(nullptr) : json::value(core::Text(ReasonMessage(p.reason), lang));
    return o;
}

json::object ToJson(const Verification& v, std::string_view lang) {
    json::array entries;
    for (const auto& c : v.entries) {
        json::object e = ToJson(c.entry);
        e["signature_valid"] = c.signature_valid;
        entries.push_back(std::move(e));
    }
    json::object o{{"sha256", v.sha256}, {"registered", v.Registered()}, {"entries", std::move(entries)}};
    o["size"] = v.size ? json::value(*v.size) : json::value(nullptr);
    o["pdf"] = v.pdf ? json::value(ToJson(*v.pdf, lang)) : json::value(nullptr);
    return o;
}

Response Handlers::RenderPage(const Request& req, json::object data, status st) {
    const auto who = web_.Resolve(req);
    data["max_mib"] = static_cast<std::int64_t>(kMaxFileBytes >> 20);
    return web_.Page(req, who && who->Ready() ? &*who : nullptr, "signatures/verify", std::move(data),
                     "signatures_verify_title", st);
}

Response Handlers::VerifyPage(Request& req) {
    json::object data;
    if (auto sha = req.QueryParam("sha256"); sha && !sha->empty()) {
        data["sha256_input"] = *sha;
        auto v = service_.VerifyDigest(*sha);
        if (!v) {
            data["error"] = core::Text(v.error().message, req.Lang());
            return RenderPage(req, std::move(data), status::bad_request);
        }
        data["result"] = PageResult(v.value(), req.Lang());
    }
    return RenderPage(req, std::move(data));
}

Response Handlers::VerifyPagePost(Request& req) {
    if (LowerType(req.Header("Content-Type")) != "multipart/form-data") {
        return web_.Fail(req, nullptr, UnsupportedType(Msg("signatures.form_not_multipart")));
    }
    json::object data;
    auto form = http::ParseMultipart(
        req, {.max_parts = 4, .max_header_bytes = 8 * 1024, .max_file_bytes = kMaxFileBytes, .max_field_bytes = 1024});
    if (!form) {
        data["error"] = core::Text(form.error().message, req.Lang());
        return RenderPage(req, std::move(data), http::HttpStatusFor(form.error().code));
    }
    const auto* file = form->Find("file");
    if (file != nullptr && file->filename && !file->body.empty()) {
        data["filename"] = *file->filename;
        data["result"] = PageResult(service_.VerifyBytes(file->body), req.Lang());
        return RenderPage(req, std::move(data));
    }
    const std::string sha = form->Field("sha256").value_or("");
    data["sha256_input"] = sha;
    if (sha.empty()) {
        data["error"] = core::Text(Msg("signatures.nothing_to_verify"), req.Lang());
        return RenderPage(req, std::move(data), status::bad_request);
    }
    auto v = service_.VerifyDigest(sha);
    if (!v) {
        data["error"] = core::Text(v.error().message, req.Lang());
        return RenderPage(req, std::move(data), status::bad_request);
    }
    data["result"] = PageResult(v.value(), req.Lang());
    return RenderPage(req, std::move(data));
}

Response Handlers::VerifyDigestApi(Request& req) {
    auto v = service_.VerifyDigest(req.QueryParam("sha256").value_or(""));
    if (!v) return http::JsonError(req, v.error());
    return http::Json(req, ToJson(v.value(), req.Lang()));
}

Response Handlers::VerifyBytesApi(Request& req) {
    const std::string type = LowerType(req.Header("Content-Type"));
    if (type != "application/pdf" && type != "application/octet-stream") {
        return http::JsonError(req, UnsupportedType(Msg("signatures.body_type")));
    }
    const std::string_view body = req.raw.body();
    if (body.empty()) return http::JsonError(req, core::InvalidField("body", Msg("signatures.nothing_to_verify")));
    return http::Json(req, ToJson(service_.VerifyBytes(body), req.Lang()));
}

Response Handlers::KeysApi(Request& req) {
    json::array keys;
    for (const auto& k : service_.Keys()) keys.push_back(ToJson(k));
    return http::Json(req, json::object{{"keys", std::move(keys)}});
}

Response Handlers::KeyApi(Request& req) {
    auto k = service_.Key(req.path_params["signer"]);
    if (!k) return http::JsonError(req, k.error());
    return http::Json(req, ToJson(k.value()));
}

Response Handlers::EntryApi(Request& req) {
    const auto id = auth::ParseId(req.path_params["id"]);
    if (!id)
        return http::JsonError(req, core::NotFound(Msg("signatures.entry_not_found", {{"id", req.path_params["id"]}})));
    auto e = service_.Find(*id);
    if (!e) return http::JsonError(req, e.error());
    return http::Json(req, ToJson(e.value()));
}

Response Handlers::WithdrawApi(Request& req) {
    auto g = web_.RequireApi(req);
    if (auto* res = std::get_if<Response>(&g)) return std::move(*res);
    const auto& who = std::get<auth::Principal>(g);
    auto body = auth::JsonBody(req);
    if (!body) return http::JsonError(req, body.error());
    const auto id = auth::ParseId(req.path_params["id"]);
    if (!id)
        return http::JsonError(req, core::NotFound(Msg("signatures.entry_not_found", {{"id", req.path_params["id"]}})));
    auto e = service_.Withdraw(who, *id, auth::JsonText(body.value(), "reason"));
    if (!e) return http::JsonError(req, e.error());
    return http::Json(req, ToJson(e.value()));
}

}  // namespace vp::signatures
