#pragma once
// The signatures module's public header (P-31). Used by the Portal (published document files)
// and by Tasks (signed assignment documents):
//  - a registry of files: each gets its SHA-256 digest and an Ed25519 signature by its signer's
//    key (libsodium), over a documented canonical message, so anyone can check a copy offline
//    with the published public key;
//  - the check of signatures embedded in PDF files against the configured trust anchors
//    (pdf_check.hpp), with the result stored by digest.
// See docs/signatures.md.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "audit/audit.hpp"
#include "core/access.hpp"
#include "core/clock.hpp"
#include "core/db/database.hpp"
#include "core/result.hpp"
#include "core/secret_box.hpp"
#include "signatures/pdf_check.hpp"

namespace vp::signatures {

/// Withdrawing a registry entry (the entry stays, marked withdrawn with its reason).
inline constexpr core::access::Permission kSignaturesWithdraw{"signatures.withdraw"};
void DeclareAccess(core::access::Policy& policy);

/// @brief A signer identity's Ed25519 key: "portal:main", "portal:hau-giang", "tasks:vptw".
struct SignerKey {
    std::string signer;
    std::string public_key;      ///< base64 (standard, padded) of the 32-byte key
    std::string public_key_pem;  ///< the same as a PEM SubjectPublicKeyInfo (openssl pkeyutl -pubin)
    std::int64_t created_at = 0;
};

/// What a module registers: a file it published or signed off.
struct RegisterInput {
    std::string sha256;  ///< 64 hex digits (either case; stored lower case)
    std::int64_t size = 0;
    std::string filename;      ///< shown on the verification page
    std::string title;         ///< the document's title
    std::string signer;        ///< [a-z0-9._-]+ ':' [a-z0-9._-]+, at most 64 characters
    std::string owner_module;  ///< "portal", "tasks"
    std::string owner_id;      ///< the owner's id of the document
};

struct Withdrawal {
    std::int64_t at = 0;
    std::string reason;
    std::string by;  ///< user name
};

/// @brief A registry entry. `signature` is Ed25519 (base64) by `signer`'s key over
/// CanonicalMessage(sha256, size, signer, registered_at).
struct Entry {
    std::int64_t id = 0;
    std::string sha256;
    std::int64_t size = 0;
    std::string filename;
    std::string title;
    std::string signer;
    std::string owner_module;
    std::string owner_id;
    std::int64_t registered_at = 0;
    std::string public_key;
    std::string signature;
    std::optional<Withdrawal> withdrawn;
};

/// @brief The message an entry's signature covers, byte for byte (docs/signatures.md):
/// "vanphong-file-v1\n<sha256, lower-case hex>\n<size, decimal>\n<signer>\n<registered_at as
/// YYYY-MM-DDTHH:MM:SS.mmmZ>" with no newline at the end.
std::string CanonicalMessage(std::string_view sha256, std::int64_t size, std::string_view signer,
                             std::int64_t registered_at_ms);
/// UTC milliseconds as "YYYY-MM-DDTHH:MM:SS.mmmZ".
std::string IsoUtc(std::int64_t ms);
/// True when `signature_b64` is a valid Ed25519 signature of `message` by `public_key_b64`.
bool VerifyEd25519(std::string_view message, std::string_view signature_b64, std::string_view public_key_b64);
/// Lower-case hex SHA-256 of bytes.
std::string Sha256Hex(std::string_view bytes);
/// A well-formed digest in lower case, or nullopt.
std::optional<std::string> NormaliseSha256(std::string_view hex);

/// An entry with the outcome of checking its signature now against the signer's published key.
struct EntryCheck {
    Entry entry;
    bool signature_valid = false;
};

/// A stored PdfSignatureCheck with when it was made.
struct StoredPdfCheck {
    PdfSignatureCheck check;
    std::int64_t checked_at = 0;
};

/// What the registry says about a file (or a digest).
struct Verification {
    std::string sha256;
    std::optional<std::int64_t> size;  ///< known when bytes were given
    std::vector<EntryCheck> entries;   ///< every registration of the digest, oldest first
    /// The embedded-signature check: run now for uploaded PDF bytes, else the stored one.
    std::optional<StoredPdfCheck> pdf;
    bool Registered() const { return !entries.empty(); }
};

struct ServiceSettings {
    /// Anchors embedded PDF signatures must chain to (`--trust-anchors DIR`; the test CA with
    /// --demo). Never null: TrustAnchors::None() when none is configured.
    std::shared_ptr<const TrustAnchors> anchors = TrustAnchors::None();
};

/// @brief The registry and the PDF check. Thread-safe (state lives in the database).
class Service {
public:
    Service(core::db::Database& db, audit::Log& audit, const core::Clock& clock, const core::SecretBox& box,
            const core::access::Policy& policy, ServiceSettings settings);

    /// Registers a file inside the caller's transaction `c` (so the entry exists iff the caller's
    /// change commits), audited as `actor`. Internal: modules call it from their own services
    /// after their own permission checks. Creates the signer's key on first use. Registering the
    /// same (digest, signer, owner) again returns the existing entry; a Conflict when that entry
    /// was withdrawn. InvalidField for a malformed digest, size, signer, owner or text.
    core::Result<Entry> Register(core::db::Connection& c, const audit::Actor& actor, const RegisterInput& in) const;
    /// The same in a transaction of its own.
    core::Result<Entry> Register(const audit::Actor& actor, const RegisterInput& in) const;

    /// Every entry of a digest, oldest first; empty for an unknown or malformed digest.
    std::vector<Entry> Lookup(std::string_view sha256) const;
    /// An entry by id; NotFound otherwise.
    core::Result<Entry> Find(std::int64_t id) const;
    /// The registry's word on a digest (InvalidField "sha256" when malformed), with the stored
    /// PDF check of that digest if any.
    core::Result<Verification> VerifyDigest(std::string_view sha256) const;
    /// Digest of the bytes, then as VerifyDigest; for a PDF the embedded signature is checked now
    /// and the result stored with the digest.
    Verification VerifyBytes(std::string_view bytes) const;
    /// Checks the embedded signature of a PDF (pdf_check.hpp) and stores the result with the
    /// file's digest (replacing an earlier one).
    PdfSignatureCheck CheckPdfSignature(std::string_view bytes) const;
    /// The stored check of a digest, if any.
    std::optional<StoredPdfCheck> FindPdfCheck(std::string_view sha256) const;

    /// Marks an entry withdrawn with a reason (1–500 characters; kept for ever, shown on the
    /// verification page). Needs kSignaturesWithdraw nationally. NotFound, Conflict when already
    /// withdrawn.
    core::Result<Entry> Withdraw(const core::access::Principal& who, std::int64_t id, std::string_view reason) const;

    /// The published keys, by signer.
    std::vector<SignerKey> Keys() const;
    /// One published key; NotFound when that signer has none yet.
    core::Result<SignerKey> Key(std::string_view signer) const;

    const TrustAnchors& Anchors() const { return *settings_.anchors; }

private:
    core::Result<SignerKey> EnsureKey(core::db::Connection& c, const audit::Actor& actor,
                                      const std::string& signer) const;

    core::db::Database& db_;
    audit::Log& audit_;
    const core::Clock& clock_;
    const core::SecretBox& box_;
    const core::access::Policy& policy_;
    ServiceSettings settings_;
};

}  // namespace vp::signatures
