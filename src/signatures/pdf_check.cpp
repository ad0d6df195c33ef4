#include "signatures/pdf_check.hpp"

#include <openssl/bio.h>
#include <openssl/cms.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <qpdf/QPDF.hh>
#include <qpdf/QPDFAcroFormDocumentHelper.hh>
#include <qpdf/QPDFFormFieldObjectHelper.hh>
#include <qpdf/QPDFObjectHandle.hh>

#include <algorithm>
#include <ctime>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <vector>

namespace vp::signatures {
namespace {

// Why qpdf (libqpdf-dev) and not a scanner of our own: finding the signature dictionaries means
// resolving the document catalog, the AcroForm field tree, indirect objects, cross-reference
// streams, object streams and incremental updates, which qpdf does as Adobe Reader does (with
// its recovery of damaged files). What qpdf does not give is where /Contents lies in the file;
// that needs no parsing: the ByteRange says where the hole is, and the hole must be exactly the
// hex string that qpdf read as /Contents (ContentsHoleMatches), so the signed bytes are the whole
// file but the signature itself. Poppler (libpoppler-cpp-dev) exposes no signature dictionaries
// in its C++ API.

struct BioFree {
    void operator()(BIO* b) const { BIO_free(b); }
};
struct CmsFree {
    void operator()(CMS_ContentInfo* c) const { CMS_ContentInfo_free(c); }
};
using Bio = std::unique_ptr<BIO, BioFree>;
using Cms = std::unique_ptr<CMS_ContentInfo, CmsFree>;

/// OpenSSL's queued errors as one line (and the queue cleared).
std::string OpenSslErrors() {
    std::string out;
    unsigned long e = 0;
    while ((e = ERR_get_error()) != 0) {
        char buf[256];
        ERR_error_string_n(e, buf, sizeof buf);
        if (!out.empty()) out += "; ";
        out += buf;
    }
    return out;
}

std::string NameText(const X509_NAME* name) {
    Bio bio(BIO_new(BIO_s_mem()));
    // RFC 2253, with UTF-8 left as UTF-8 instead of \XX escapes.
    X509_NAME_print_ex(bio.get(), name, 0, XN_FLAG_RFC2253 & ~ASN1_STRFLGS_ESC_MSB);
    char* data = nullptr;
    const long n = BIO_get_mem_data(bio.get(), &data);
    return n > 0 ? std::string(data, static_cast<std::size_t>(n)) : std::string{};
}

std::optional<std::int64_t> AsnTimeMs(const ASN1_TIME* t) {
    std::tm tm{};
    if (t == nullptr || ASN1_TIME_to_tm(t, &tm) != 1) return std::nullopt;
    return static_cast<std::int64_t>(timegm(&tm)) * 1000;
}

/// A PDF date "D:YYYYMMDDHHmmSS+07'00'" (every part after the year optional) in UTC ms.
std::optional<std::int64_t> PdfDateMs(std::string s) {
    if (s.starts_with("D:")) s.erase(0, 2);
    auto digits = [&](std::size_t at, std::size_t n, int fallback) -> std::optional<int> {
        if (s.size() < at + n) return fallback;
        int v = 0;
        for (std::size_t i = at; i < at + n; ++i) {
            if (s[i] < '0' || s[i] > '9') return std::nullopt;
            v = v * 10 + (s[i] - '0');
        }
        return v;
    };
    if (s.size() < 4) return std::nullopt;
    const auto y = digits(0, 4, 0), mo = digits(4, 2, 1), d = digits(6, 2, 1), h = digits(8, 2, 0),
               mi = digits(10, 2, 0), se = digits(12, 2, 0);
    if (!y || !mo || !d || !h || !mi || !se || *mo < 1 || *mo > 12 || *d < 1 || *d > 31 || *h > 23 || *mi > 59 ||
        *se > 60) {
        return std::nullopt;
    }
    std::tm tm{};
    tm.tm_year = *y - 1900;
    tm.tm_mon = *mo - 1;
    tm.tm_mday = *d;
    tm.tm_hour = *h;
    tm.tm_min = *mi;
    tm.tm_sec = *se;
    std::int64_t ms = static_cast<std::int64_t>(timegm(&tm)) * 1000;
    if (s.size() > 14 && (s[14] == '+' || s[14] == '-')) {
        const auto oh = digits(15, 2, 0);
        const auto om = s.size() >= 20 && s[17] == '\'' ? digits(18, 2, 0) : std::optional<int>(0);
        if (!oh || !om) return std::nullopt;
        const std::int64_t offset = (*oh * 60 + *om) * 60000LL;
        ms += s[14] == '+' ? -offset : offset;
    }
    return ms;
}

int HexValue(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

/// The hole [from, to) must be "<hex…>" and decode to exactly the /Contents qpdf read: then the
/// signature dictionary that qpdf resolved is the one whose value sits in the hole, and nothing
/// else (no object, no comment) hides there unsigned.
bool ContentsHoleMatches(std::string_view file, std::size_t from, std::size_t to, const std::string& contents) {
    if (to < from + 2 || file[from] != '<' || file[to - 1] != '>') return false;
    const std::string_view hex = file.substr(from + 1, to - from - 2);
    if (hex.size() % 2 != 0 || hex.size() / 2 != contents.size()) return false;
    for (std::size_t i = 0; i < contents.size(); ++i) {
        const int hi = HexValue(hex[2 * i]), lo = HexValue(hex[2 * i + 1]);
        if (hi < 0 || lo < 0 || static_cast<unsigned char>(contents[i]) != (hi << 4 | lo)) return false;
    }
    return true;
}

struct SignatureDict {
    std::vector<long long> byte_range;
    std::string contents;
    std::string sub_filter;
    std::string m;
};

/// The signature dictionaries (/V of /FT /Sig fields) of the document.
std::vector<SignatureDict> FindSignatures(QPDF& pdf) {
    std::vector<SignatureDict> out;
    QPDFAcroFormDocumentHelper forms(pdf);
    for (auto& field : forms.getFormFields()) {
        if (field.getFieldType() != "/Sig") continue;
        QPDFObjectHandle v = field.getValue();
        if (!v.isDictionary()) continue;
        SignatureDict d;
        QPDFObjectHandle br = v.getKey("/ByteRange");
        if (br.isArray()) {
            for (int i = 0; i < br.getArrayNItems(); ++i) {
                QPDFObjectHandle n = br.getArrayItem(i);
                d.byte_range.push_back(n.isInteger() ? n.getIntValue() : -1);
            }
        }
        if (QPDFObjectHandle c = v.getKey("/Contents"); c.isString()) d.contents = c.getStringValue();
        if (QPDFObjectHandle sf = v.getKey("/SubFilter"); sf.isName()) d.sub_filter = sf.getName().substr(1);
        if (QPDFObjectHandle m = v.getKey("/M"); m.isString()) d.m = m.getUTF8Value();
        out.push_back(std::move(d));
    }
    return out;
}

/// If the signer certificate states its uses, they must allow signing documents: key usage
/// digitalSignature or nonRepudiation; extended key usage (when present) emailProtection,
/// documentSigning (RFC 9336), Microsoft's or Adobe's document signing, or any.
bool MaySignDocuments(X509* cert) {
    const uint32_t flags = X509_get_extension_flags(cert);
    if ((flags & EXFLAG_KUSAGE) != 0 && (X509_get_key_usage(cert) & (KU_DIGITAL_SIGNATURE | KU_NON_REPUDIATION)) == 0) {
        return false;
    }
    if ((flags & EXFLAG_XKUSAGE) == 0) return true;
    auto* eku = static_cast<EXTENDED_KEY_USAGE*>(X509_get_ext_d2i(cert, NID_ext_key_usage, nullptr, nullptr));
    if (eku == nullptr) return false;
    bool ok = false;
    for (int i = 0; i < sk_ASN1_OBJECT_num(eku) && !ok; ++i) {
        const ASN1_OBJECT* o = sk_ASN1_OBJECT_value(eku, i);
        char oid[80];
        OBJ_obj2txt(oid, sizeof oid, o, 1);
        const std::string_view s = oid;
        ok = OBJ_obj2nid(o) == NID_email_protect || OBJ_obj2nid(o) == NID_anyExtendedKeyUsage ||
             s == "1.3.6.1.5.5.7.3.36" || s == "1.3.6.1.4.1.311.10.3.12" || s == "1.2.840.113583.1.1.5";
    }
    EXTENDED_KEY_USAGE_free(eku);
    return ok;
}

/// Verifies one signature dictionary over `file` into `r`.
void CheckOne(std::string_view file, const SignatureDict& d, const TrustAnchors& anchors, PdfSignatureCheck& r) {
    r.sub_filter = d.sub_filter;
    if (!d.m.empty()) {
        if (auto t = PdfDateMs(d.m)) {
            r.signing_time_ms = t;
            r.signing_time_source = "pdf";
        }
    }
    const auto& br = d.byte_range;
    const auto size = static_cast<long long>(file.size());
    if (br.size() != 4 || br[0] != 0 || br[1] <= 0 || br[2] <= br[1] || br[3] < 0 || br[2] + br[3] > size) {
        r.reason = "malformed_byte_range";
        return;
    }
    if (!ContentsHoleMatches(file, static_cast<std::size_t>(br[1]), static_cast<std::size_t>(br[2]), d.contents)) {
        r.reason = "contents_mismatch";
        return;
    }
    r.covers_whole_file = br[2] + br[3] == size;
    if (d.sub_filter != "adbe.pkcs7.detached" && d.sub_filter != "ETSI.CAdES.detached") {
        r.reason = "unsupported_sub_filter";
        return;
    }

    ERR_clear_error();
    const auto* der = reinterpret_cast<const unsigned char*>(d.contents.data());
    // The hole is padded with zeros after the DER value: d2i reads one object and stops there.
    Cms cms(d2i_CMS_ContentInfo(nullptr, &der, static_cast<long>(d.contents.size())));
    if (!cms || OBJ_obj2nid(CMS_get0_type(cms.get())) != NID_pkcs7_signed) {
        r.reason = "bad_cms";
        r.detail = OpenSslErrors();
        return;
    }
    STACK_OF(CMS_SignerInfo)* infos = CMS_get0_SignerInfos(cms.get());
    if (infos == nullptr || sk_CMS_SignerInfo_num(infos) != 1) {
        r.reason = "bad_cms";
        r.detail = "expected exactly one SignerInfo";
        return;
    }
    CMS_SignerInfo* si = sk_CMS_SignerInfo_value(infos, 0);
    // signingTime is a UTCTime before 2050 and a GeneralizedTime after (RFC 5652 11.3); -3: there
    // must be exactly one such attribute.
    for (int type : {V_ASN1_UTCTIME, V_ASN1_GENERALIZEDTIME}) {
        const auto* t = static_cast<const ASN1_TIME*>(
            CMS_signed_get0_data_by_OBJ(si, OBJ_nid2obj(NID_pkcs9_signingTime), -3, type));
        if (auto ms = AsnTimeMs(t)) {
            r.signing_time_ms = ms;
            r.signing_time_source = "cms";
            break;
        }
    }
    ERR_clear_error();

    std::string signed_bytes;
    signed_bytes.reserve(static_cast<std::size_t>(br[1] + br[3]));
    signed_bytes.append(file.substr(0, static_cast<std::size_t>(br[1])));
    signed_bytes.append(file.substr(static_cast<std::size_t>(br[2]), static_cast<std::size_t>(br[3])));

    // First the signature over the bytes alone (which also finds the signer certificate), then the
    // chain: so that a changed byte and an unknown signer are told apart.
    auto* store = static_cast<X509_STORE*>(anchors.Store());
    {
        Bio content(BIO_new_mem_buf(signed_bytes.data(), static_cast<int>(signed_bytes.size())));
        if (CMS_verify(cms.get(), nullptr, nullptr, content.get(), nullptr,
                       CMS_BINARY | CMS_NO_SIGNER_CERT_VERIFY | CMS_NOCRL) != 1) {
            const std::string errors = OpenSslErrors();
            r.reason = errors.find("no signer certificate") != std::string::npos ||
                               errors.find("signer certificate not found") != std::string::npos
                           ? "bad_cms"
                           : "digest_mismatch";
            r.detail = errors;
            return;
        }
    }
    STACK_OF(X509)* signers = CMS_get0_signers(cms.get());
    if (signers == nullptr || sk_X509_num(signers) != 1) {
        sk_X509_free(signers);
        r.reason = "bad_cms";
        r.detail = "no signer certificate";
        return;
    }
    X509* signer = sk_X509_value(signers, 0);
    r.signer_subject = NameText(X509_get_subject_name(signer));
    r.signer_issuer = NameText(X509_get_issuer_name(signer));
    const bool purpose_ok = MaySignDocuments(signer);
    sk_X509_free(signers);

    {
        // The chain: intermediates from the CMS, anchors from the store; checked at the current
        // time. Purpose "any" here, since PDF signing certificates carry various extended key
        // uses; MaySignDocuments applies the rule that matters for documents.
        X509_STORE_CTX* ctx = X509_STORE_CTX_new();
        STACK_OF(X509)* certs = CMS_get1_certs(cms.get());
        STACK_OF(X509)* again = CMS_get0_signers(cms.get());
        X509* leaf = again != nullptr && sk_X509_num(again) == 1 ? sk_X509_value(again, 0) : nullptr;
        bool chain_ok = false;
        if (ctx != nullptr && leaf != nullptr && store != nullptr &&
            X509_STORE_CTX_init(ctx, store, leaf, certs) == 1) {
            X509_STORE_CTX_set_purpose(ctx, X509_PURPOSE_ANY);
            chain_ok = X509_verify_cert(ctx) == 1;
            if (!chain_ok) r.detail = X509_verify_cert_error_string(X509_STORE_CTX_get_error(ctx));
        } else {
            r.detail = "no trust anchor or no signer";
        }
        sk_X509_free(again);
        sk_X509_pop_free(certs, X509_free);
        X509_STORE_CTX_free(ctx);
        ERR_clear_error();
        if (!chain_ok) {
            r.reason = "untrusted";
            return;
        }
    }
    if (!purpose_ok) {
        r.reason = "certificate_purpose";
        return;
    }
    r.valid = true;
}

}  // namespace

TrustAnchors::TrustAnchors() : store_(X509_STORE_new()) {
    if (store_ == nullptr) throw std::runtime_error("X509_STORE_new failed");
}
TrustAnchors::~TrustAnchors() { X509_STORE_free(static_cast<X509_STORE*>(store_)); }

std::shared_ptr<const TrustAnchors> TrustAnchors::None() { return std::shared_ptr<TrustAnchors>(new TrustAnchors()); }

std::shared_ptr<const TrustAnchors> TrustAnchors::FromPem(std::string_view pem) {
    std::shared_ptr<TrustAnchors> a(new TrustAnchors());
    Bio bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
    while (X509* cert = PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr)) {
        X509_STORE_add_cert(static_cast<X509_STORE*>(a->store_), cert);
        X509_free(cert);
        ++a->count_;
    }
    ERR_clear_error();  // the end of the text reads as an error
    if (a->count_ == 0) throw std::runtime_error("trust anchors: no certificate in the PEM text");
    return a;
}

std::shared_ptr<const TrustAnchors> TrustAnchors::FromDirectory(const std::filesystem::path& dir) {
    std::error_code ec;
    std::filesystem::directory_iterator it(dir, ec);
    if (ec) throw std::runtime_error("trust anchors: cannot read " + dir.string() + ": " + ec.message());
    std::string all;
    std::vector<std::filesystem::path> files;
    for (const auto& e : it) {
        const auto ext = e.path().extension().string();
        if (e.is_regular_file() && (ext == ".pem" || ext == ".crt" || ext == ".cer")) files.push_back(e.path());
    }
    std::sort(files.begin(), files.end());
    if (files.empty()) throw std::runtime_error("trust anchors: no .pem, .crt or .cer file in " + dir.string());
    for (const auto& f : files) {
        std::ifstream in(f, std::ios::binary);
        std::ostringstream text;
        text << in.rdbuf();
        if (text.str().find("-----BEGIN CERTIFICATE-----") == std::string::npos) {
            throw std::runtime_error("trust anchors: no PEM certificate in " + f.string());
        }
        all += text.str();
        all += "\n";
    }
    return FromPem(all);
}

PdfSignatureCheck CheckPdfSignature(std::string_view bytes, const TrustAnchors& anchors) {
    PdfSignatureCheck r;
    if (bytes.substr(0, 1024).find("%PDF-") == std::string_view::npos) {
        r.reason = "not_pdf";
        return r;
    }
    std::vector<SignatureDict> dicts;
    try {
        QPDF pdf;
        pdf.setSuppressWarnings(true);
        pdf.processMemoryFile("upload", bytes.data(), bytes.size());
        dicts = FindSignatures(pdf);
    } catch (const std::exception& e) {
        r.reason = "not_pdf";
        r.detail = e.what();
        return r;
    }
    r.is_pdf = true;
    r.signature_count = static_cast<int>(dicts.size());
    if (dicts.empty()) {
        r.reason = "no_signature";
        return r;
    }
    r.present = true;
    // The signature that ends last covers the latest signed revision.
    const auto end_of = [](const SignatureDict& d) {
        return d.byte_range.size() == 4 ? d.byte_range[2] + d.byte_range[3] : -1;
    };
    const auto latest = std::max_element(dicts.begin(), dicts.end(),
                                         [&](const auto& a, const auto& b) { return end_of(a) < end_of(b); });
    CheckOne(bytes, *latest, anchors, r);
    return r;
}

}  // namespace vp::signatures
