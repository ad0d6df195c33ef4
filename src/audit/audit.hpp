#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json/value.hpp>

#include "core/access.hpp"
#include "core/clock.hpp"
#include "core/db/database.hpp"

namespace vp::audit {

/// Who acts, from where: filled by the HTTP layer (or "cli" for the command line).
using Actor = core::access::Actor;

/// What changed. before/after are JSON snapshots of the object (null when absent).
struct Change {
    std::string action;       ///< "unit.rename", "user.approve", ...
    std::string object_type;  ///< "unit", "user", ...
    std::string object_id;
    boost::json::value before;
    boost::json::value after;
};

struct Record {
    std::int64_t seq = 0;
    std::int64_t at = 0;
    std::int64_t actor_user_id = 0;
    std::string actor_username;
    std::int64_t actor_unit_id = 0;
    std::string actor_role;
    std::string action;
    std::string object_type;
    std::string object_id;
    std::string before_json;
    std::string after_json;
    std::string address;
    std::string request_id;
    std::string prev_hash;
    std::string hash;
};

struct Filter {
    std::optional<std::int64_t> from_ms, to_ms;
    std::optional<std::int64_t> actor_user_id;
    std::string action_prefix;
    std::string object_type;
    std::string object_id;
    int limit = 200;
    std::int64_t before_seq = 0;  ///< paging: records with seq < before_seq (0 = newest)
};

/// @brief The keys of the chain and of its checkpoints (HMAC-SHA256), kept outside the
/// database. Derived with crypto_kdf_derive_from_key (context "vpaudit1") from the node's
/// secret key file (`--secret-key-file`, the file core::SecretBox uses): subkey 1 chains the
/// records, subkey 2 signs checkpoints. Every node with the same file computes the same chain.
/// The keys sit in sodium_malloc'd memory and are never logged. Thread-safe.
class ChainKey {
public:
    /// Reads the 32-byte secret key file. Throws std::runtime_error when it is missing or has
    /// the wrong size.
    static std::shared_ptr<const ChainKey> FromSecretKeyFile(const std::filesystem::path& path);
    /// From a 32-byte master key (tests).
    static std::shared_ptr<const ChainKey> FromMasterKey(std::span<const unsigned char> master);
    /// A random key (tests, and a Log that was never configured).
    static std::shared_ptr<const ChainKey> Random();
    ~ChainKey();
    ChainKey(const ChainKey&) = delete;
    ChainKey& operator=(const ChainKey&) = delete;

    /// Hex HMAC-SHA256 of message under the chain subkey.
    std::string ChainMac(std::string_view message) const;
    /// Hex HMAC-SHA256 of message under the checkpoint subkey.
    std::string CheckpointMac(std::string_view message) const;

private:
    ChainKey();
    unsigned char* keys_;  // chain subkey, then checkpoint subkey (2 × 32 bytes)
};

/// @brief A signed statement "the chain had `hash` at record `seq`", written outside the
/// database. One line of the checkpoint file: `seq hash signature at` (at: UTC milliseconds;
/// signature: hex HMAC-SHA256 under the checkpoint subkey of "vpaudit-checkpoint-v1 seq hash at").
struct Checkpoint {
    std::int64_t seq = 0;
    std::string hash;
    std::string signature;
    std::int64_t at = 0;

    std::string Line() const;  ///< without the newline
};

struct CheckpointSettings {
    /// The append-only checkpoint file (mode 0600), normally <data-dir>/audit-checkpoints.log.
    /// Empty: no checkpoints are written and Verify compares with none.
    std::filesystem::path file;
    std::int64_t every_records = 100;                           ///< a checkpoint after this many writes
    std::chrono::milliseconds every{std::chrono::seconds(60)};  ///< and at most this long after a write
};

/// What the checkpoint file says: its latest line with a valid signature.
struct CheckpointFile {
    bool exists = false;
    std::optional<Checkpoint> latest;
    int bad_lines = 0;  ///< lines after `latest` that are not valid checkpoints (forged or corrupt)
};

struct CheckpointOutcome {
    enum class Status {
        kWritten,    ///< a new line was appended (and logged)
        kUnchanged,  ///< the latest checkpoint already names the head
        kRefused,    ///< the chain does not extend the latest checkpoint: possible tampering
        kDisabled,   ///< no checkpoint file configured
    };
    Status status = Status::kDisabled;
    std::optional<Checkpoint> checkpoint;  ///< the one written, or the latest one
    std::string problem;                   ///< why refused (English, for operators)
};

enum class CheckpointMode {
    kExtend,        ///< sign the head only when the chain extends the latest checkpoint
    kAfterRestore,  ///< a backup was restored on purpose: sign the (verified) head even if shorter
};

struct VerifyOptions {
    /// Compare the chain with the latest valid checkpoint: it must reach that record with that
    /// exact hash (detects a cut tail, and rewrites that recomputed the chain without the key).
    bool against_checkpoint = true;
    /// The checkpoint file to compare with; empty: the configured one (CheckpointSettings::file).
    /// An operator may point this at a copy shipped elsewhere.
    std::filesystem::path checkpoint_file;
};

struct VerifyReport {
    bool ok = true;
    std::int64_t checked = 0;
    std::int64_t first_broken_seq = 0;     ///< 0 when ok, or when only the checkpoint file is bad
    std::string problem;                   ///< English description for operators
    std::int64_t keyed_from = 1;           ///< records before this carry the unkeyed SHA-256 of old versions
    std::optional<Checkpoint> checkpoint;  ///< the checkpoint the chain was compared with
    int bad_checkpoint_lines = 0;          ///< checkpoint lines after it with a bad signature
};

/// @brief The append-only, hash-chained audit log (P-9, P-16). Every change in the product
/// calls Write inside the same transaction as the change, so both commit or neither does.
///
/// Each record's hash is HMAC-SHA256 (ChainKey) over the previous hash and the canonical
/// record, so someone who can only write to the database cannot recompute the chain after
/// altering, inserting or removing a record. The head also lives in the database, so cutting
/// the tail is caught by signed checkpoints of the head kept outside it (CheckpointSettings).
class Log {
public:
    /// A log under a random key. For tests of other modules: only this object verifies the
    /// records it wrote. The application calls Configure before the first Write.
    explicit Log(const core::Clock& clock);
    Log(const core::Clock& clock, std::shared_ptr<const ChainKey> key, CheckpointSettings checkpoints = {});
    /// Stops the background checkpoint writer (without a final checkpoint: see StopCheckpoints).
    ~Log();
    Log(const Log&) = delete;
    Log& operator=(const Log&) = delete;

    /// Sets the key and the checkpoint settings. Not thread-safe: call before the first Write.
    void Configure(std::shared_ptr<const ChainKey> key, CheckpointSettings checkpoints);

    /// Appends a record and returns its sequence number. Serialised through the audit_head row,
    /// so concurrent writers on any node form one chain. Throws DbError on failure.
    std::int64_t Write(core::db::Connection& c, const Actor& actor, const Change& change) const;

    /// Recomputes the whole chain inside one read-only snapshot; reports the first record that
    /// was altered, removed or inserted out of order, a head that disagrees with the records, and
    /// (options.against_checkpoint) a chain that does not reach the latest valid checkpoint with
    /// its exact hash. Concurrent writers never cause a false report.
    VerifyReport Verify(core::db::Database& db, const VerifyOptions& options = {}) const;

    /// Signs the current head and appends it to the checkpoint file (and logs it at info), when
    /// the records since the latest checkpoint chain correctly from it (mode kExtend), so a head
    /// rewound or rewritten in the database is never signed. Safe to call from several threads and
    /// processes (the file is locked while appending).
    CheckpointOutcome WriteCheckpoint(core::db::Database& db, CheckpointMode mode = CheckpointMode::kExtend) const;
    /// Starts a background thread that writes a checkpoint after every `every_records` writes
    /// and at most `every` after a write. No-op without a checkpoint file or when running.
    void StartCheckpoints(core::db::Database& db);
    /// Stops the background thread and writes a final checkpoint (clean shutdown). Idempotent.
    void StopCheckpoints(core::db::Database& db);

    /// The latest valid checkpoint of `file` (read from its end), and how many lines after it
    /// are invalid. A last line without its newline (an interrupted append) is ignored.
    static CheckpointFile ReadCheckpoints(const std::filesystem::path& file, const ChainKey& key);
    /// Parses and checks one checkpoint line; nullopt when malformed or the signature is wrong.
    static std::optional<Checkpoint> ParseCheckpoint(std::string_view line, const ChainKey& key);
    /// A signed checkpoint of (seq, hash) at `at`.
    static Checkpoint SignCheckpoint(const ChainKey& key, std::int64_t seq, std::string hash, std::int64_t at);

    /// True when the database holds records chained with a key (V003 and later): starting such
    /// an installation with a new key would leave every one of them unverifiable.
    static bool HoldsKeyedRecords(core::db::Database& db);

    /// HMAC-SHA256 (hex) under this log's key of the previous hash and the canonical record.
    std::string ChainHash(const std::string& prev_hash, const Record& r) const;
    /// The unkeyed SHA-256 (hex) of the same text: records written before keyed_from.
    static std::string LegacyHash(const std::string& prev_hash, const Record& r);

    std::vector<Record> Find(core::db::Database& db, const Filter& filter) const;
    /// RFC 4180 CSV of the records matching filter (limit ignored; up to 100000 rows).
    std::string ExportCsv(core::db::Database& db, Filter filter) const;

    const CheckpointSettings& Checkpoints() const { return checkpoints_; }

private:
    struct Worker;
    const core::Clock& clock_;
    std::shared_ptr<const ChainKey> key_;
    CheckpointSettings checkpoints_;
    mutable std::atomic<std::int64_t> since_checkpoint_{0};
    mutable std::mutex checkpoint_mu_;  // one checkpoint at a time in this process
    mutable std::mutex worker_mu_;      // guards worker_
    std::unique_ptr<Worker> worker_;
};

}  // namespace vp::audit
