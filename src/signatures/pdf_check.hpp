#pragma once
// Embedded signatures of PDF files (PAdES baseline: adbe.pkcs7.detached, ETSI.CAdES.detached),
// checked with OpenSSL against configured trust anchors. Pure: no database, no HTTP.

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace vp::signatures {

/// @brief The certificates a PDF signature must chain to (X509_STORE). Immutable once built;
/// thread-safe to share.
class TrustAnchors {
public:
    /// Every certificate in the *.pem, *.crt and *.cer files (PEM) of `dir`. Throws
    /// std::runtime_error when the folder cannot be read or a file holds no certificate.
    static std::shared_ptr<const TrustAnchors> FromDirectory(const std::filesystem::path& dir);
    /// The certificates of a PEM text (the demo's embedded test CA). Throws like FromDirectory.
    static std::shared_ptr<const TrustAnchors> FromPem(std::string_view pem);
    /// No anchor: every embedded signature is reported "untrusted".
    static std::shared_ptr<const TrustAnchors> None();
    ~TrustAnchors();
    TrustAnchors(const TrustAnchors&) = delete;
    TrustAnchors& operator=(const TrustAnchors&) = delete;

    std::size_t Count() const { return count_; }
    /// The X509_STORE* (opaque here so that OpenSSL stays out of this header).
    void* Store() const { return store_; }

private:
    TrustAnchors();
    void* store_ = nullptr;
    std::size_t count_ = 0;
};

/// @brief What a PDF's embedded signature says. When the file has several, the one that covers
/// the most (the latest revision signed) is described; `signature_count` says how many there are.
struct PdfSignatureCheck {
    bool is_pdf = false;   ///< qpdf could read the file as a PDF
    bool present = false;  ///< it has a signature field with a signature dictionary
    /// The CMS signature is intact over its byte ranges and its signer chains to an anchor.
    bool valid = false;
    /// The byte ranges cover the whole file but the /Contents hole. False with `valid` true: the
    /// signature is sound for the revision that was signed, and bytes were appended after it (an
    /// incremental update: new content, form filling or annotations someone added later).
    bool covers_whole_file = false;
    std::string sub_filter;      ///< "adbe.pkcs7.detached", "ETSI.CAdES.detached", …
    std::string signer_subject;  ///< RFC 2253, UTF-8 ("CN=Nguyễn Văn A,O=…")
    std::string signer_issuer;
    std::optional<std::int64_t> signing_time_ms;  ///< UTC milliseconds
    /// "cms": the CMS signed attribute signingTime (covered by the signature, yet stated by the
    /// signer's own clock); "pdf": the dictionary's /M (the signer's claim, not covered by a
    /// timestamp either); "" when neither is there.
    std::string signing_time_source;
    /// Why not valid, a stable code (documented in docs/signatures.md): not_pdf, no_signature,
    /// malformed_byte_range, contents_mismatch, unsupported_sub_filter, bad_cms, digest_mismatch,
    /// untrusted, certificate_purpose; "" when valid.
    std::string reason;
    std::string detail;  ///< English, for the log (OpenSSL's error), never shown to a client
    int signature_count = 0;
};

/// Checks the embedded signature of `bytes` (see PdfSignatureCheck). Never throws on any input;
/// certificates are checked at the current time. Thread-safe.
PdfSignatureCheck CheckPdfSignature(std::string_view bytes, const TrustAnchors& anchors);

}  // namespace vp::signatures
