#include <sodium.h>

#include <algorithm>
#include <boost/json.hpp>
#include <cstdio>
#include <ctime>
#include <stdexcept>

#include "core/text.hpp"
#include "signatures/signatures.hpp"

namespace vp::signatures {
namespace {

namespace json = boost::json;
using core::Msg;
using core::db::Connection;
using core::db::Row;
using core::db::Value;

constexpr std::string_view kEntryColumns =
    "id, sha256, size, filename, title, signer, owner_module, owner_id, registered_at, public_key, signature,"
    " withdrawn_at, withdrawn_reason, withdrawn_by";
constexpr std::size_t kMaxFilenameChars = 255;
constexpr std::size_t kMaxTitleChars = 500;
constexpr std::size_t kMaxReasonChars = 500;

// An Ed25519 SubjectPublicKeyInfo is this fixed DER prefix (RFC 8410: SEQUENCE { SEQUENCE { OID
// 1.3.101.112 }, BIT STRING }) followed by the 32 key bytes.
constexpr unsigned char kEd25519SpkiPrefix[] = {0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00};

std::string Base64(const unsigned char* data, std::size_t n) {
    std::string out(sodium_base64_ENCODED_LEN(n, sodium_base64_VARIANT_ORIGINAL), '\0');
    sodium_bin2base64(out.data(), out.size(), data, n, sodium_base64_VARIANT_ORIGINAL);
    out.resize(out.size() - 1);  // the terminating NUL
    return out;
}

std::optional<std::string> FromBase64(std::string_view b64, std::size_t expected) {
    std::string out(b64.size(), '\0');
    std::size_t len = 0;
    if (sodium_base642bin(reinterpret_cast<unsigned char*>(out.data()), out.size(), b64.data(), b64.size(), nullptr,
                          &len, nullptr, sodium_base64_VARIANT_ORIGINAL) != 0 ||
        len != expected) {
        return std::nullopt;
    }
    out.resize(len);
    return out;
}

std::string PublicKeyPem(std::string_view public_key_b64) {
    const auto raw = FromBase64(public_key_b64, crypto_sign_PUBLICKEYBYTES);
    if (!raw) return {};
    std::string der(reinterpret_cast<const char*>(kEd25519SpkiPrefix), sizeof kEd25519SpkiPrefix);
    der += *raw;
    return "-----BEGIN PUBLIC KEY-----\n" + Base64(reinterpret_cast<const unsigned char*>(der.data()), der.size()) +
           "\n-----END PUBLIC KEY-----\n";
}

bool IsNameChar(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-'; }

/// "portal:main": two non-empty [a-z0-9._-] parts around one ':', at most 64 characters.
bool IsSignerName(std::string_view s) {
    const std::size_t colon = s.find(':');
    if (s.size() > 64 || colon == std::string_view::npos || colon == 0 || colon + 1 == s.size()) return false;
    for (std::size_t i = 0; i < s.size(); ++i) {
        if (i != colon && !IsNameChar(s[i])) return false;
    }
    return true;
}

/// Valid UTF-8 of 1..max code points without control characters, in NFC; nullopt otherwise.
std::optional<std::string> CleanLine(std::string_view s, std::size_t max, bool allow_empty) {
    if (!core::IsValidUtf8(s)) return std::nullopt;
    for (char c : s) {
        if (static_cast<unsigned char>(c) < 0x20 || c == 0x7F) return std::nullopt;
    }
    std::string out = core::ToNfc(core::Trim(s));
    const std::size_t n = core::Utf8Length(out);
    if ((n == 0 && !allow_empty) || n > max) return std::nullopt;
    return out;
}

Entry EntryFromRow(const Row& r) {
    Entry e{.id = r.Int(0),
            .sha256 = r.Text(1),
            .size = r.Int(2),
            .filename = r.Text(3),
            .title = r.Text(4),
            .signer = r.Text(5),
            .owner_module = r.Text(6),
            .owner_id = r.Text(7),
            .registered_at = r.Int(8),
            .public_key = r.Text(9),
            .signature = r.Text(10)};
    if (!r.IsNull(11)) e.withdrawn = Withdrawal{.at = r.Int(11), .reason = r.Text(12), .by = r.Text(13)};
    return e;
}

json::object EntryJson(const Entry& e) {
    json::object o{{"id", e.id},
                   {"sha256", e.sha256},
                   {"size", e.size},
                   {"filename", e.filename},
                   {"title", e.title},
                   {"signer", e.signer},
                   {"owner_module", e.owner_module},
                   {"owner_id", e.owner_id},
                   {"registered_at", e.registered_at}};
    if (e.withdrawn) o["withdrawn_reason"] = e.withdrawn->reason;
    return o;
}

std::string Hex(const unsigned char* p, std::size_t n) {
    std::string out(n * 2 + 1, '\0');
    sodium_bin2hex(out.data(), out.size(), p, n);
    out.pop_back();
    return out;
}

}  // namespace

void DeclareAccess(core::access::Policy& policy) {
    policy.Allow(kSignaturesWithdraw, {"portal_director", "system_admin"});
}

std::string IsoUtc(std::int64_t ms) {
    std::int64_t secs = ms / 1000;
    int milli = static_cast<int>(ms % 1000);
    if (milli < 0) {
        milli += 1000;
        --secs;
    }
    const auto t = static_cast<std::time_t>(secs);
    std::tm tm{};
    gmtime_r(&t, &tm);
    char buf[96];
    std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                  tm.tm_hour, tm.tm_min, tm.tm_sec, milli);
    return buf;
}

std::string CanonicalMessage(std::string_view sha256, std::int64_t size, std::string_view signer,
                             std::int64_t registered_at_ms) {
    std::string m = "vanphong-file-v1\n";
    m += sha256;
    m += '\n';
    m += std::to_string(size);
    m += '\n';
    m += signer;
    m += '\n';
    m += IsoUtc(registered_at_ms);
    return m;
}

bool VerifyEd25519(std::string_view message, std::string_view signature_b64, std::string_view public_key_b64) {
    const auto sig = FromBase64(signature_b64, crypto_sign_BYTES);
    const auto pk = FromBase64(public_key_b64, crypto_sign_PUBLICKEYBYTES);
    if (!sig || !pk) return false;
    return crypto_sign_verify_detached(reinterpret_cast<const unsigned char*>(sig->data()),
                                       reinterpret_cast<const unsigned char*>(message.data()), message.size(),
                                       reinterpret_cast<const unsigned char*>(pk->data())) == 0;
}

std::string Sha256Hex(std::string_view bytes) {
    unsigned char h[crypto_hash_sha256_BYTES];
    crypto_hash_sha256(h, reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size());
    return Hex(h, sizeof h);
}

std::optional<std::string> NormaliseSha256(std::string_view hex) {
    while (!hex.empty() && (hex.front() == ' ' || hex.front() == '\t')) hex.remove_prefix(1);
    while (!hex.empty() && (hex.back() == ' ' || hex.back() == '\t' || hex.back() == '\n' || hex.back() == '\r')) {
        hex.remove_suffix(1);
    }
    if (hex.size() != 64) return std::nullopt;
    std::string out(hex);
    for (char& c : out) {
        if (c >= 'A' && c <= 'F') c = static_cast<char>(c - 'A' + 'a');
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return std::nullopt;
    }
    return out;
}

Service::Service(core::db::Database& db, audit::Log& audit, const core::Clock& clock, const core::SecretBox& box,
                 const core::access::Policy& policy, ServiceSettings settings)
    : db_(db), audit_(audit), clock_(clock), box_(box), policy_(policy), settings_(std::move(settings)) {
    if (sodium_init() < 0) throw std::runtime_error("libsodium could not be initialised");
    if (!settings_.anchors) settings_.anchors = TrustAnchors::None();
}

core::Result<SignerKey> Service::EnsureKey(Connection& c, const audit::Actor& actor, const std::string& signer) const {
    if (auto row =
            c.QueryOne("SELECT signer, public_key, created_at FROM signature_keys WHERE signer = $1", {signer})) {
        return SignerKey{row->Text(0), row->Text(1), PublicKeyPem(row->Text(1)), row->Int(2)};
    }
    // A new key: the 32-byte seed is all that is kept, sealed; the key pair is derived from it.
    unsigned char seed[crypto_sign_SEEDBYTES];
    unsigned char pk[crypto_sign_PUBLICKEYBYTES];
    unsigned char sk[crypto_sign_SECRETKEYBYTES];
    randombytes_buf(seed, sizeof seed);
    crypto_sign_seed_keypair(pk, sk, seed);
    const std::string sealed = box_.Seal(std::string_view(reinterpret_cast<const char*>(seed), sizeof seed));
    sodium_memzero(seed, sizeof seed);
    sodium_memzero(sk, sizeof sk);
    const std::string public_b64 = Base64(pk, sizeof pk);
    const std::int64_t now = core::ToMillis(clock_.Now());
    // Another transaction may create the same signer's key at once: the first one wins, and
    // everyone signs with the key that is in the table.
    const auto created = c.Query(
        "INSERT INTO signature_keys (signer, public_key, secret_sealed, created_at) VALUES ($1, $2, $3, $4)"
        " ON CONFLICT (signer) DO NOTHING RETURNING signer",
        {signer, public_b64, sealed, now});
    if (!created.empty()) {
        audit_.Write(c, actor,
                     {.action = "signatures.key_create",
                      .object_type = "signature_key",
                      .object_id = signer,
                      .before = nullptr,
                      .after = json::object{{"signer", signer}, {"public_key", public_b64}}});
    }
    auto row = c.QueryOne("SELECT signer, public_key, created_at FROM signature_keys WHERE signer = $1", {signer});
    if (!row) throw core::db::DbError("signature_keys: the key of " + signer + " vanished");
    return SignerKey{row->Text(0), row->Text(1), PublicKeyPem(row->Text(1)), row->Int(2)};
}

core::Result<Entry> Service::Register(Connection& c, const audit::Actor& actor, const RegisterInput& in) const {
    const auto sha = NormaliseSha256(in.sha256);
    if (!sha) return core::InvalidField("sha256", Msg("signatures.sha256_invalid"));
    if (in.size < 0) return core::InvalidField("size", Msg("signatures.size_invalid"));
    if (!IsSignerName(in.signer)) return core::InvalidField("signer", Msg("signatures.signer_invalid"));
    if (in.owner_module.empty() || in.owner_module.size() > 32 ||
        !std::all_of(in.owner_module.begin(), in.owner_module.end(), IsNameChar)) {
        return core::InvalidField("owner_module", Msg("signatures.owner_invalid"));
    }
    const auto owner_id = CleanLine(in.owner_id, 128, false);
    if (!owner_id) return core::InvalidField("owner_id", Msg("signatures.owner_invalid"));
    const auto filename = CleanLine(in.filename, kMaxFilenameChars, false);
    if (!filename) return core::InvalidField("filename", Msg("signatures.filename_invalid"));
    const auto title = CleanLine(in.title, kMaxTitleChars, true);
    if (!title) return core::InvalidField("title", Msg("signatures.title_invalid"));

    const std::string select_existing =
        std::string("SELECT ") + std::string(kEntryColumns) +
        " FROM signature_entries WHERE sha256 = $1 AND signer = $2 AND owner_module = $3"
        " AND owner_id = $4";
    if (auto row = c.QueryOne(select_existing, {*sha, in.signer, in.owner_module, *owner_id})) {
        Entry e = EntryFromRow(*row);
        if (e.withdrawn) return core::Conflict(Msg("signatures.entry_withdrawn", {{"id", std::to_string(e.id)}}));
        return e;  // registering again changes nothing
    }

    auto key = EnsureKey(c, actor, in.signer);
    if (!key) return key.error();
    auto sealed = c.QueryOne("SELECT secret_sealed FROM signature_keys WHERE signer = $1", {in.signer});
    auto seed = box_.Open(sealed->Text(0));
    if (!seed || seed->size() != crypto_sign_SEEDBYTES) {
        // Sealed under another secret key file: an operator's mistake, not the caller's.
        throw std::runtime_error("signature key of " + in.signer + " cannot be opened with this node's secret key");
    }
    unsigned char pk[crypto_sign_PUBLICKEYBYTES];
    unsigned char sk[crypto_sign_SECRETKEYBYTES];
    crypto_sign_seed_keypair(pk, sk, reinterpret_cast<const unsigned char*>(seed->data()));
    sodium_memzero(seed->data(), seed->size());

    const std::int64_t now = core::ToMillis(clock_.Now());
    const std::string message = CanonicalMessage(*sha, in.size, in.signer, now);
    unsigned char sig[crypto_sign_BYTES];
    crypto_sign_detached(sig, nullptr, reinterpret_cast<const unsigned char*>(message.data()), message.size(), sk);
    sodium_memzero(sk, sizeof sk);
    const std::string sig_b64 = Base64(sig, sizeof sig);
    const std::string public_b64 = Base64(pk, sizeof pk);

    const auto inserted = c.Query(
        "INSERT INTO signature_entries (sha256, size, filename, title, signer, owner_module, owner_id, registered_at,"
        " public_key, signature) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)"
        " ON CONFLICT (sha256, signer, owner_module, owner_id) DO NOTHING RETURNING id",
        {*sha, in.size, *filename, *title, in.signer, in.owner_module, *owner_id, now, public_b64, sig_b64});
    if (inserted.empty()) {
        // Registered meanwhile by another transaction: that entry stands.
        auto row = c.QueryOne(select_existing, {*sha, in.signer, in.owner_module, *owner_id});
        if (!row) throw core::db::DbError("signature_entries: conflicting entry not found");
        return EntryFromRow(*row);
    }
    Entry e{.id = inserted.front().Int(0),
            .sha256 = *sha,
            .size = in.size,
            .filename = *filename,
            .title = *title,
            .signer = in.signer,
            .owner_module = in.owner_module,
            .owner_id = *owner_id,
            .registered_at = now,
            .public_key = public_b64,
            .signature = sig_b64};
    audit_.Write(c, actor,
                 {.action = "signatures.register",
                  .object_type = "signature_entry",
                  .object_id = std::to_string(e.id),
                  .before = nullptr,
                  .after = EntryJson(e)});
    return e;
}

core::Result<Entry> Service::Register(const audit::Actor& actor, const RegisterInput& in) const {
    return db_.Transact([&](Connection& c) { return Register(c, actor, in); });
}

std::vector<Entry> Service::Lookup(std::string_view sha256) const {
    const auto sha = NormaliseSha256(sha256);
    if (!sha) return {};
    return db_.Read([&](Connection& c) {
        std::vector<Entry> out;
        for (const auto& r : c.Query(std::string("SELECT ") + std::string(kEntryColumns) +
                                         " FROM signature_entries WHERE sha256 = $1 ORDER BY id",
                                     {*sha})) {
            out.push_back(EntryFromRow(r));
        }
        return out;
    });
}

core::Result<Entry> Service::Find(std::int64_t id) const {
    auto row = db_.Read([&](Connection& c) {
        return c.QueryOne(std::string("SELECT ") + std::string(kEntryColumns) + " FROM signature_entries WHERE id = $1",
                          {id});
    });
    if (!row) return core::NotFound(Msg("signatures.entry_not_found", {{"id", std::to_string(id)}}));
    return EntryFromRow(*row);
}

core::Result<Verification> Service::VerifyDigest(std::string_view sha256) const {
    const auto sha = NormaliseSha256(sha256);
    if (!sha) return core::InvalidField("sha256", Msg("signatures.sha256_invalid"));
    Verification v{.sha256 = *sha};
    const auto keys = Keys();
    for (auto& e : Lookup(*sha)) {
        // Checked against the signer's published key (not only the copy in the entry), so a row
        // written into the table with another key does not pass.
        const auto key =
            std::find_if(keys.begin(), keys.end(), [&](const SignerKey& k) { return k.signer == e.signer; });
        const bool ok =
            key != keys.end() && key->public_key == e.public_key && e.sha256 == *sha &&
            VerifyEd25519(CanonicalMessage(e.sha256, e.size, e.signer, e.registered_at), e.signature, key->public_key);
        v.entries.push_back({std::move(e), ok});
    }
    v.pdf = FindPdfCheck(*sha);
    return v;
}

Verification Service::VerifyBytes(std::string_view bytes) const {
    const std::string sha = Sha256Hex(bytes);
    Verification v = VerifyDigest(sha).value();
    v.size = static_cast<std::int64_t>(bytes.size());
    // A copy whose digest matches an entry but whose size does not cannot happen; entries of a
    // digest always describe these bytes.
    if (bytes.substr(0, 1024).find("%PDF-") != std::string_view::npos) {
        PdfSignatureCheck check = CheckPdfSignature(bytes);
        v.pdf = StoredPdfCheck{std::move(check), core::ToMillis(clock_.Now())};
    }
    return v;
}

PdfSignatureCheck Service::CheckPdfSignature(std::string_view bytes) const {
    PdfSignatureCheck r = signatures::CheckPdfSignature(bytes, *settings_.anchors);
    const std::string sha = Sha256Hex(bytes);
    const std::int64_t now = core::ToMillis(clock_.Now());
    db_.Transact([&](Connection& c) {
        c.Execute(
            "INSERT INTO signature_pdf_checks (sha256, checked_at, is_pdf, present, valid, covers_whole_file, "
            "sub_filter,"
            " signer_subject, signer_issuer, signing_time, signing_time_source, reason, signature_count)"
            " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)"
            " ON CONFLICT (sha256) DO UPDATE SET checked_at = excluded.checked_at, is_pdf = excluded.is_pdf,"
            " present = excluded.present, valid = excluded.valid, covers_whole_file = excluded.covers_whole_file,"
            " sub_filter = excluded.sub_filter, signer_subject = excluded.signer_subject,"
            " signer_issuer = excluded.signer_issuer, signing_time = excluded.signing_time,"
            " signing_time_source = excluded.signing_time_source, reason = excluded.reason,"
            " signature_count = excluded.signature_count",
            {sha, now, r.is_pdf, r.present, r.valid, r.covers_whole_file, r.sub_filter, r.signer_subject,
             r.signer_issuer, r.signing_time_ms, r.signing_time_source, r.reason, r.signature_count});
    });
    return r;
}

std::optional<StoredPdfCheck> Service::FindPdfCheck(std::string_view sha256) const {
    const auto sha = NormaliseSha256(sha256);
    if (!sha) return std::nullopt;
    auto row = db_.Read([&](Connection& c) {
        return c.QueryOne(
            "SELECT checked_at, is_pdf, present, valid, covers_whole_file, sub_filter, signer_subject, signer_issuer,"
            " signing_time, signing_time_source, reason, signature_count FROM signature_pdf_checks WHERE sha256 = $1",
            {*sha});
    });
    if (!row) return std::nullopt;
    StoredPdfCheck s;
    s.checked_at = row->Int(0);
    s.check.is_pdf = row->Bool(1);
    s.check.present = row->Bool(2);
    s.check.valid = row->Bool(3);
    s.check.covers_whole_file = row->Bool(4);
    s.check.sub_filter = row->Text(5);
    s.check.signer_subject = row->Text(6);
    s.check.signer_issuer = row->Text(7);
    s.check.signing_time_ms = row->OptInt(8);
    s.check.signing_time_source = row->Text(9);
    s.check.reason = row->Text(10);
    s.check.signature_count = static_cast<int>(row->Int(11));
    return s;
}

core::Result<Entry> Service::Withdraw(const core::access::Principal& who, std::int64_t id,
                                      std::string_view reason) const {
    auto actor = policy_.Authorize(who, kSignaturesWithdraw, core::access::Scope::Global());
    if (!actor) return actor.error();
    const auto clean = CleanLine(reason, kMaxReasonChars, false);
    if (!clean) return core::InvalidField("reason", Msg("signatures.reason_invalid"));
    return db_.Transact([&](Connection& c) -> core::Result<Entry> {
        auto row = c.QueryOne(
            std::string("SELECT ") + std::string(kEntryColumns) + " FROM signature_entries WHERE id = $1", {id});
        if (!row) return core::NotFound(Msg("signatures.entry_not_found", {{"id", std::to_string(id)}}));
        Entry before = EntryFromRow(*row);
        if (before.withdrawn) {
            return core::Conflict(Msg("signatures.entry_withdrawn", {{"id", std::to_string(id)}}));
        }
        const std::int64_t now = core::ToMillis(clock_.Now());
        // Only a row not yet withdrawn changes: two withdrawals at once leave the first reason.
        if (c.Execute("UPDATE signature_entries SET withdrawn_at = $2, withdrawn_reason = $3, withdrawn_by = $4"
                      " WHERE id = $1 AND withdrawn_at IS NULL",
                      {id, now, *clean, actor->username}) != 1) {
            return core::Conflict(Msg("signatures.entry_withdrawn", {{"id", std::to_string(id)}}));
        }
        Entry after = before;
        after.withdrawn = Withdrawal{.at = now, .reason = *clean, .by = actor->username};
        audit_.Write(c, *actor,
                     {.action = "signatures.withdraw",
                      .object_type = "signature_entry",
                      .object_id = std::to_string(id),
                      .before = EntryJson(before),
                      .after = EntryJson(after)});
        return after;
    });
}

std::vector<SignerKey> Service::Keys() const {
    return db_.Read([&](Connection& c) {
        std::vector<SignerKey> out;
        for (const auto& r : c.Query("SELECT signer, public_key, created_at FROM signature_keys ORDER BY signer")) {
            out.push_back(SignerKey{r.Text(0), r.Text(1), PublicKeyPem(r.Text(1)), r.Int(2)});
        }
        return out;
    });
}

core::Result<SignerKey> Service::Key(std::string_view signer) const {
    auto row = db_.Read([&](Connection& c) {
        return c.QueryOne("SELECT signer, public_key, created_at FROM signature_keys WHERE signer = $1",
                          {std::string(signer)});
    });
    if (!row) return core::NotFound(Msg("signatures.key_not_found", {{"signer", std::string(signer)}}));
    return SignerKey{row->Text(0), row->Text(1), PublicKeyPem(row->Text(1)), row->Int(2)};
}

}  // namespace vp::signatures
