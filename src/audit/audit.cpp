#include "audit/audit.hpp"

#include <fcntl.h>
#include <sodium.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <condition_variable>
#include <cstring>
#include <fstream>
#include <stdexcept>
#include <thread>

#include <boost/json/serialize.hpp>
#include <fmt/chrono.h>
#include <fmt/format.h>
#include <spdlog/spdlog.h>

namespace vp::audit {
namespace {

const std::string kZeroHash(64, '0');
constexpr char kKdfContext[crypto_kdf_CONTEXTBYTES + 1] = "vpaudit1";
constexpr std::string_view kCheckpointDomain = "vpaudit-checkpoint-v1 ";
constexpr std::size_t kSubkey = crypto_auth_hmacsha256_KEYBYTES;
static_assert(crypto_kdf_KEYBYTES == 32 && kSubkey == 32);

constexpr std::string_view kColumns =
    "seq, at, actor_user_id, actor_username, actor_unit_id, actor_role, action, object_type, object_id,"
    " before_json, after_json, address, request_id, prev_hash, hash";

Record FromRow(const core::db::Row& r) {
    return Record{r.Int(0),  r.Int(1),  r.Int(2),   r.Text(3),  r.Int(4),   r.Text(5),  r.Text(6), r.Text(7),
                  r.Text(8), r.Text(9), r.Text(10), r.Text(11), r.Text(12), r.Text(13), r.Text(14)};
}

std::string ToJsonOrEmpty(const boost::json::value& v) {
    return v.is_null() ? std::string() : boost::json::serialize(v);
}

std::string Csv(std::string_view s) {
    // Cells starting with = + - @ are prefixed so spreadsheet programs do not run them as formulas.
    std::string out = "\"";
    if (!s.empty() && (s[0] == '=' || s[0] == '+' || s[0] == '-' || s[0] == '@')) out += '\'';
    for (char c : s) {
        if (c == '"') out += '"';
        out += c;
    }
    return out + "\"";
}

std::string Hex(const unsigned char* p, std::size_t n) {
    std::string hex(n * 2 + 1, '\0');
    sodium_bin2hex(hex.data(), hex.size(), p, n);
    hex.pop_back();
    return hex;
}

// A JSON array is an unambiguous encoding of the fields (no separator can be forged).
std::string Canonical(const std::string& prev_hash, const Record& r) {
    boost::json::array fields{r.seq,        r.at,      r.actor_user_id, r.actor_username, r.actor_unit_id,
                              r.actor_role, r.action,  r.object_type,   r.object_id,      r.before_json,
                              r.after_json, r.address, r.request_id};
    return prev_hash + "\n" + boost::json::serialize(fields);
}

// Constant time for equal lengths, so the verify endpoint is no oracle for forging a MAC.
bool SameText(std::string_view a, std::string_view b) {
    return a.size() == b.size() && (a.empty() || sodium_memcmp(a.data(), b.data(), a.size()) == 0);
}

bool IsHex64(std::string_view s) {
    if (s.size() != 64) return false;
    for (char ch : s) {
        if (!((ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'f'))) return false;
    }
    return true;
}

std::optional<std::int64_t> ParseCount(std::string_view s) {
    std::int64_t v = 0;
    if (s.empty() || s.size() > 18) return std::nullopt;
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec != std::errc() || p != s.data() + s.size() || v < 0) return std::nullopt;
    return v;
}

std::string FormatUtc(std::int64_t ms) {
    return fmt::format("{:%Y-%m-%dT%H:%M:%S}Z", std::chrono::sys_seconds{std::chrono::seconds{ms / 1000}});
}

std::string CheckpointMessage(std::int64_t seq, std::string_view hash, std::int64_t at) {
    return fmt::format("{}{} {} {}", kCheckpointDomain, seq, hash, at);
}

struct Head {
    std::int64_t seq = 0;
    std::string hash;
    std::int64_t keyed_from = 1;
};

Head ReadHead(core::db::Connection& c) {
    auto row = c.QueryOne("SELECT seq, last_hash, keyed_from FROM audit_head WHERE id = 1");
    if (!row) throw core::db::DbError("audit_head row is missing");
    return {row->Int(0), row->Text(1), std::max<std::int64_t>(1, row->Int(2))};
}

struct Walk {
    bool ok = true;
    std::int64_t checked = 0;
    std::int64_t first_broken = 0;
    std::string problem;
    std::int64_t last_seq = 0;
    std::string last_hash;
    std::optional<std::string> hash_at_mark;  // the hash of record mark_seq, when reached
};

// Recomputes the chain from the record after from_seq, whose hash is from_hash. Records from
// keyed_from on must carry the keyed hash; before it the unkeyed SHA-256 of old versions is
// accepted too, but only until the first keyed record (nobody writes unkeyed after that).
Walk WalkChain(const Log& log, core::db::Connection& c, std::int64_t from_seq, std::string from_hash,
               std::int64_t keyed_from, std::int64_t mark_seq) {
    Walk w;
    w.last_seq = from_seq;
    w.last_hash = std::move(from_hash);
    if (mark_seq == from_seq) w.hash_at_mark = w.last_hash;
    bool seen_keyed = from_seq >= keyed_from;
    for (;;) {
        auto rows = c.Query(
            "SELECT " + std::string(kColumns) + " FROM audit_log WHERE seq > $1 ORDER BY seq LIMIT 5000", {w.last_seq});
        if (rows.empty()) break;
        for (const auto& row : rows) {
            Record r = FromRow(row);
            const std::int64_t expected = w.last_seq + 1;
            if (r.seq != expected) {
                w.ok = false;
                w.first_broken = expected;
                w.problem = "record " + std::to_string(expected) + " is missing";
                return w;
            }
            bool good = SameText(r.prev_hash, w.last_hash);
            if (good) {
                if (SameText(log.ChainHash(w.last_hash, r), r.hash)) {
                    seen_keyed = true;
                } else {
                    good = !seen_keyed && r.seq < keyed_from && SameText(Log::LegacyHash(w.last_hash, r), r.hash);
                }
            }
            if (!good) {
                w.ok = false;
                w.first_broken = r.seq;
                w.problem = "record " + std::to_string(r.seq) + " was altered";
                return w;
            }
            w.last_seq = r.seq;
            w.last_hash = r.hash;
            if (r.seq == mark_seq) w.hash_at_mark = r.hash;
            ++w.checked;
        }
    }
    return w;
}

struct Fd {
    int fd = -1;
    ~Fd() {
        if (fd >= 0) ::close(fd);
    }
};

void WriteAll(int fd, std::string_view text, const std::filesystem::path& file) {
    while (!text.empty()) {
        auto n = ::write(fd, text.data(), text.size());
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) throw std::runtime_error("cannot append to " + file.string() + ": " + std::strerror(errno));
        text.remove_prefix(static_cast<std::size_t>(n));
    }
    if (::fsync(fd) != 0) throw std::runtime_error("cannot sync " + file.string() + ": " + std::strerror(errno));
}

}  // namespace

// ---- keys ----

ChainKey::ChainKey() {
    if (sodium_init() < 0) throw std::runtime_error("libsodium failed to initialise");
    keys_ = static_cast<unsigned char*>(sodium_malloc(2 * kSubkey));
    if (!keys_) throw std::runtime_error("sodium_malloc failed");
}

ChainKey::~ChainKey() { sodium_free(keys_); }

std::shared_ptr<const ChainKey> ChainKey::FromMasterKey(std::span<const unsigned char> master) {
    if (master.size() != crypto_kdf_KEYBYTES) throw std::invalid_argument("the audit master key must hold 32 bytes");
    std::shared_ptr<ChainKey> key(new ChainKey());
    crypto_kdf_derive_from_key(key->keys_, kSubkey, 1, kKdfContext, master.data());
    crypto_kdf_derive_from_key(key->keys_ + kSubkey, kSubkey, 2, kKdfContext, master.data());
    return key;
}

std::shared_ptr<const ChainKey> ChainKey::Random() {
    if (sodium_init() < 0) throw std::runtime_error("libsodium failed to initialise");
    unsigned char master[crypto_kdf_KEYBYTES];
    crypto_kdf_keygen(master);
    auto key = FromMasterKey(master);
    sodium_memzero(master, sizeof master);
    return key;
}

std::shared_ptr<const ChainKey> ChainKey::FromSecretKeyFile(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw std::runtime_error("secret key file " + path.string() + " cannot be read");
    std::vector<char> bytes((std::istreambuf_iterator<char>(in)), {});
    if (bytes.size() != crypto_kdf_KEYBYTES) {
        sodium_memzero(bytes.data(), bytes.size());
        throw std::runtime_error("secret key file " + path.string() + " must hold exactly 32 bytes");
    }
    auto key = FromMasterKey({reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size()});
    sodium_memzero(bytes.data(), bytes.size());
    return key;
}

std::string ChainKey::ChainMac(std::string_view message) const {
    unsigned char out[crypto_auth_hmacsha256_BYTES];
    crypto_auth_hmacsha256(out, reinterpret_cast<const unsigned char*>(message.data()), message.size(), keys_);
    return Hex(out, sizeof out);
}

std::string ChainKey::CheckpointMac(std::string_view message) const {
    unsigned char out[crypto_auth_hmacsha256_BYTES];
    crypto_auth_hmacsha256(out, reinterpret_cast<const unsigned char*>(message.data()), message.size(),
                           keys_ + kSubkey);
    return Hex(out, sizeof out);
}

// ---- checkpoints ----

std::string Checkpoint::Line() const { return fmt::format("{} {} {} {}", seq, hash, signature, at); }

Checkpoint Log::SignCheckpoint(const ChainKey& key, std::int64_t seq, std::string hash, std::int64_t at) {
    Checkpoint cp{.seq = seq, .hash = std::move(hash), .signature = {}, .at = at};
    cp.signature = key.CheckpointMac(CheckpointMessage(cp.seq, cp.hash, cp.at));
    return cp;
}

std::optional<Checkpoint> Log::ParseCheckpoint(std::string_view line, const ChainKey& key) {
    std::string_view parts[4];
    for (int i = 0; i < 4; ++i) {
        auto sp = line.find(' ');
        if (i < 3 && sp == std::string_view::npos) return std::nullopt;
        parts[i] = i < 3 ? line.substr(0, sp) : line;
        if (i < 3) line.remove_prefix(sp + 1);
    }
    auto seq = ParseCount(parts[0]);
    auto at = ParseCount(parts[3]);
    if (!seq || !at || !IsHex64(parts[1]) || !IsHex64(parts[2])) return std::nullopt;
    Checkpoint cp{.seq = *seq, .hash = std::string(parts[1]), .signature = std::string(parts[2]), .at = *at};
    if (!SameText(key.CheckpointMac(CheckpointMessage(cp.seq, cp.hash, cp.at)), cp.signature)) return std::nullopt;
    return cp;
}

CheckpointFile Log::ReadCheckpoints(const std::filesystem::path& file, const ChainKey& key) {
    CheckpointFile out;
    std::ifstream in(file, std::ios::binary);
    if (!in) return out;
    out.exists = true;
    in.seekg(0, std::ios::end);
    const std::int64_t size = in.tellg();
    // Read from the end, widening the window until a valid line is found or the file is read.
    for (std::int64_t window = 64 * 1024;; window *= 8) {
        const std::int64_t start = std::max<std::int64_t>(0, size - window);
        std::string text(static_cast<std::size_t>(size - start), '\0');
        in.clear();
        in.seekg(start);
        in.read(text.data(), static_cast<std::streamsize>(text.size()));
        std::string_view rest(text);
        if (start > 0) {  // the window may begin inside a line
            auto nl = rest.find('\n');
            rest = nl == std::string_view::npos ? std::string_view() : rest.substr(nl + 1);
        }
        // A last line without its newline is an append that did not finish: not a checkpoint.
        if (auto nl = rest.rfind('\n'); nl != std::string_view::npos) {
            rest = rest.substr(0, nl + 1);
        } else {
            rest = {};
        }
        out.bad_lines = 0;
        while (!rest.empty()) {
            rest.remove_suffix(1);  // the newline
            auto nl = rest.rfind('\n');
            auto line = nl == std::string_view::npos ? rest : rest.substr(nl + 1);
            rest = nl == std::string_view::npos ? std::string_view() : rest.substr(0, nl + 1);
            if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
            if (line.empty() || line.front() == '#') continue;
            if (auto cp = ParseCheckpoint(line, key)) {
                out.latest = std::move(cp);
                return out;
            }
            ++out.bad_lines;
        }
        if (start == 0) return out;
    }
}

CheckpointOutcome Log::WriteCheckpoint(core::db::Database& db, CheckpointMode mode) const {
    CheckpointOutcome outcome;
    const auto& file = checkpoints_.file;
    if (file.empty()) return outcome;
    std::lock_guard lock(checkpoint_mu_);
    since_checkpoint_ = 0;
    Fd fd{::open(file.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600)};
    if (fd.fd < 0) throw std::runtime_error("cannot open " + file.string() + ": " + std::strerror(errno));
    ::fchmod(fd.fd, 0600);
    // Other processes (the command line next to a server) append to the same file.
    while (::flock(fd.fd, LOCK_EX) != 0 && errno == EINTR) {
    }
    // The file is read before the snapshot is taken, so the snapshot is never older than it.
    const auto latest = ReadCheckpoints(file, *key_).latest;
    outcome.checkpoint = latest;
    struct Target {
        std::string problem;
        bool unchanged = false;
        std::int64_t seq = 0;
        std::string hash;
    };
    auto target = db.Snapshot([&](core::db::Connection& c) -> Target {
        const Head head = ReadHead(c);
        auto consistent = [&](const Walk& w) -> Target {
            if (!w.ok) return {.problem = w.problem};
            if (w.last_seq != head.seq || !SameText(w.last_hash, head.hash)) {
                return {.problem = fmt::format("audit_head (record {}) does not match the last record ({})", head.seq,
                                               w.last_seq)};
            }
            return {.seq = w.last_seq, .hash = w.last_hash};
        };
        if (latest && head.seq == latest->seq && SameText(head.hash, latest->hash)) return {.unchanged = true};
        if (!latest || mode == CheckpointMode::kAfterRestore) {
            return consistent(WalkChain(*this, c, 0, kZeroHash, head.keyed_from, -1));
        }
        if (head.seq < latest->seq) {
            return {.problem =
                        fmt::format("the chain ends at record {}, before the latest checkpoint (record {} of {})",
                                    head.seq, latest->seq, FormatUtc(latest->at))};
        }
        if (latest->seq > 0) {
            auto row = c.QueryOne("SELECT hash FROM audit_log WHERE seq = $1", {latest->seq});
            if (!row || !SameText(row->Text(0), latest->hash)) {
                return {.problem = fmt::format("record {} no longer matches the latest checkpoint", latest->seq)};
            }
        }
        // Everything after a checkpoint is keyed, whatever audit_head.keyed_from says now.
        return consistent(
            WalkChain(*this, c, latest->seq, latest->hash, std::min(head.keyed_from, latest->seq + 1), -1));
    });
    if (target.unchanged) {
        outcome.status = CheckpointOutcome::Status::kUnchanged;
        return outcome;
    }
    if (!target.problem.empty()) {
        outcome.status = CheckpointOutcome::Status::kRefused;
        outcome.problem = target.problem;
        spdlog::error(
            "audit checkpoint refused, the chain may have been tampered with: {} (run `vanphong audit verify`)",
            target.problem);
        return outcome;
    }
    auto cp = SignCheckpoint(*key_, target.seq, target.hash, core::ToMillis(clock_.Now()));
    std::string text;
    if (mode == CheckpointMode::kAfterRestore) {
        text = fmt::format("# {} restore: the chain now ends at record {}{}\n", FormatUtc(cp.at), cp.seq,
                           latest ? fmt::format(" (the checkpoint before named record {})", latest->seq) : "");
    }
    text += cp.Line() + "\n";
    WriteAll(fd.fd, text, file);
    if (mode == CheckpointMode::kAfterRestore) {
        spdlog::warn("audit checkpoint after a restore: {}", cp.Line());
    } else {
        spdlog::info("audit checkpoint: {}", cp.Line());
    }
    outcome.status = CheckpointOutcome::Status::kWritten;
    outcome.checkpoint = std::move(cp);
    return outcome;
}

struct Log::Worker {
    std::mutex mu;
    std::condition_variable cv;
    bool stop = false;
    bool wake = false;
    std::thread thread;
};

void Log::StartCheckpoints(core::db::Database& db) {
    std::lock_guard lock(worker_mu_);
    if (checkpoints_.file.empty() || worker_) return;
    worker_ = std::make_unique<Worker>();
    Worker* w = worker_.get();
    w->thread = std::thread([this, w, &db] {
        std::unique_lock lk(w->mu);
        while (!w->stop) {
            w->cv.wait_for(lk, checkpoints_.every, [w] { return w->stop || w->wake; });
            if (w->stop) break;
            w->wake = false;
            lk.unlock();
            try {
                // Cheap when nothing changed: one primary-key read and the end of the file.
                WriteCheckpoint(db);
            } catch (const std::exception& e) {
                spdlog::warn("audit checkpoint failed: {}", e.what());
            }
            lk.lock();
        }
    });
}

void Log::StopCheckpoints(core::db::Database& db) {
    std::unique_ptr<Worker> w;
    {
        std::lock_guard lock(worker_mu_);
        w = std::move(worker_);
    }
    if (w) {
        {
            std::lock_guard lk(w->mu);
            w->stop = true;
        }
        w->cv.notify_all();
        w->thread.join();
    }
    if (checkpoints_.file.empty()) return;
    try {
        WriteCheckpoint(db);
    } catch (const std::exception& e) {
        spdlog::error("final audit checkpoint failed: {}", e.what());
    }
}

// ---- the log ----

Log::Log(const core::Clock& clock) : Log(clock, ChainKey::Random()) {}

Log::Log(const core::Clock& clock, std::shared_ptr<const ChainKey> key, CheckpointSettings checkpoints)
    : clock_(clock), key_(std::move(key)), checkpoints_(std::move(checkpoints)) {
    if (!key_) throw std::invalid_argument("audit::Log needs a key");
}

Log::~Log() {
    std::unique_ptr<Worker> w;
    {
        std::lock_guard lock(worker_mu_);
        w = std::move(worker_);
    }
    if (!w) return;
    {
        std::lock_guard lk(w->mu);
        w->stop = true;
    }
    w->cv.notify_all();
    w->thread.join();
}

void Log::Configure(std::shared_ptr<const ChainKey> key, CheckpointSettings checkpoints) {
    if (!key) throw std::invalid_argument("audit::Log needs a key");
    key_ = std::move(key);
    checkpoints_ = std::move(checkpoints);
}

bool Log::HoldsKeyedRecords(core::db::Database& db) {
    return db.Read([](core::db::Connection& c) {
        auto row =
            c.QueryOne("SELECT COUNT(*) FROM audit_log WHERE seq >= (SELECT keyed_from FROM audit_head WHERE id = 1)");
        return row && row->Int(0) > 0;
    });
}

std::string Log::ChainHash(const std::string& prev_hash, const Record& r) const {
    return key_->ChainMac(Canonical(prev_hash, r));
}

std::string Log::LegacyHash(const std::string& prev_hash, const Record& r) {
    std::string text = Canonical(prev_hash, r);
    unsigned char out[crypto_hash_sha256_BYTES];
    crypto_hash_sha256(out, reinterpret_cast<const unsigned char*>(text.data()), text.size());
    return Hex(out, sizeof out);
}

std::int64_t Log::Write(core::db::Connection& c, const Actor& actor, const Change& change) const {
    // Taking the row lock first (UPDATE) serialises writers on PostgreSQL; SQLite already has
    // one writer per transaction (BEGIN IMMEDIATE).
    c.Execute("UPDATE audit_head SET seq = seq + 1 WHERE id = 1");
    auto head = c.QueryOne("SELECT seq, last_hash FROM audit_head WHERE id = 1");
    Record r;
    r.seq = head->Int(0);
    r.prev_hash = head->Text(1);
    r.at = core::ToMillis(clock_.Now());
    r.actor_user_id = actor.user_id;
    r.actor_username = actor.username;
    r.actor_unit_id = actor.unit_id;
    r.actor_role = actor.role;
    r.action = change.action;
    r.object_type = change.object_type;
    r.object_id = change.object_id;
    r.before_json = ToJsonOrEmpty(change.before);
    r.after_json = ToJsonOrEmpty(change.after);
    r.address = actor.address;
    r.request_id = actor.request_id;
    r.hash = ChainHash(r.prev_hash, r);
    c.Execute(
        "INSERT INTO audit_log (seq, at, actor_user_id, actor_username, actor_unit_id, actor_role, action,"
        " object_type, object_id, before_json, after_json, address, request_id, prev_hash, hash)"
        " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)",
        {r.seq, r.at, r.actor_user_id == 0 ? core::db::Value() : core::db::Value(r.actor_user_id), r.actor_username,
         r.actor_unit_id == 0 ? core::db::Value() : core::db::Value(r.actor_unit_id), r.actor_role, r.action,
         r.object_type, r.object_id, r.before_json, r.after_json, r.address, r.request_id, r.prev_hash, r.hash});
    c.Execute("UPDATE audit_head SET last_hash = $1 WHERE id = 1", {r.hash});
    // The checkpoint itself is written by the background thread, after the commit, outside the
    // transaction: the write path only counts.
    if (checkpoints_.every_records > 0 && since_checkpoint_.fetch_add(1) + 1 == checkpoints_.every_records) {
        std::lock_guard lock(worker_mu_);
        if (worker_) {
            std::lock_guard lk(worker_->mu);
            worker_->wake = true;
            worker_->cv.notify_one();
        }
    }
    return r.seq;
}

VerifyReport Log::Verify(core::db::Database& db, const VerifyOptions& options) const {
    VerifyReport rep;
    if (options.against_checkpoint) {
        // Read before the snapshot is taken, so the snapshot is never older than the checkpoint.
        const auto& file = options.checkpoint_file.empty() ? checkpoints_.file : options.checkpoint_file;
        if (!file.empty()) {
            auto f = ReadCheckpoints(file, *key_);
            rep.checkpoint = std::move(f.latest);
            rep.bad_checkpoint_lines = f.bad_lines;
        }
    }
    auto fail = [&](std::int64_t seq, std::string problem) {
        rep.ok = false;
        rep.first_broken_seq = seq;
        rep.problem = std::move(problem);
        return rep;
    };
    return db.Snapshot([&](core::db::Connection& c) {
        const Head head = ReadHead(c);
        rep.keyed_from = head.keyed_from;
        const auto& cp = rep.checkpoint;
        // Records after a signed checkpoint are keyed, whatever audit_head.keyed_from says now:
        // moving it cannot make recomputed unkeyed hashes pass.
        const std::int64_t keyed_from = cp ? std::min(head.keyed_from, cp->seq + 1) : head.keyed_from;
        auto w = WalkChain(*this, c, 0, kZeroHash, keyed_from, cp ? cp->seq : -1);
        rep.checked = w.checked;
        if (!w.ok) return fail(w.first_broken, w.problem);
        const std::int64_t last = w.last_seq;
        if (head.seq > last) {
            return fail(last + 1, fmt::format("records after {} up to {} were removed", last, head.seq));
        }
        if (head.seq < last || !SameText(head.hash, w.last_hash)) {
            return fail(std::min(head.seq, last) + 1,
                        fmt::format("audit_head (record {}) does not match the last record ({})", head.seq, last));
        }
        if (cp) {
            if (last < cp->seq) {
                return fail(last + 1, fmt::format("records after {} up to at least {} were removed (checkpoint of {})",
                                                  last, cp->seq, FormatUtc(cp->at)));
            }
            if (!w.hash_at_mark || !SameText(*w.hash_at_mark, cp->hash)) {
                return fail(cp->seq,
                            fmt::format("record {} does not match the checkpoint of {}: the chain up to it was "
                                        "rewritten",
                                        cp->seq, FormatUtc(cp->at)));
            }
        }
        if (rep.bad_checkpoint_lines > 0) {
            return fail(
                0, fmt::format("the checkpoint file has {} line(s) with a bad signature after the latest valid one",
                               rep.bad_checkpoint_lines));
        }
        return rep;
    });
}

std::vector<Record> Log::Find(core::db::Database& db, const Filter& f) const {
    // Optional filters are written as "($n IS NULL OR col = $n)" so the statement stays
    // fully parameterised.
    std::string sql = "SELECT " + std::string(kColumns) +
                      " FROM audit_log WHERE (CAST($1 AS BIGINT) = 0 OR seq < $1)"
                      " AND (CAST($2 AS BIGINT) = -1 OR at >= $2) AND (CAST($3 AS BIGINT) = -1 OR at < $3)"
                      " AND (CAST($4 AS BIGINT) = 0 OR actor_user_id = $4)"
                      " AND (CAST($5 AS TEXT) = '' OR action LIKE $6)"
                      " AND (CAST($7 AS TEXT) = '' OR object_type = $7) AND (CAST($8 AS TEXT) = '' OR object_id = $8)"
                      " ORDER BY seq DESC LIMIT $9";
    std::string like;
    for (char ch : f.action_prefix) {
        if (ch == '%' || ch == '_' || ch == '\\') like += '\\';
        like += ch;
    }
    like += '%';
    if (!f.action_prefix.empty()) sql.replace(sql.find("LIKE $6"), 7, "LIKE $6 ESCAPE '\\'");
    return db.Read([&](core::db::Connection& c) {
        std::vector<Record> out;
        for (const auto& row : c.Query(
                 sql, {f.before_seq, f.from_ms.value_or(-1), f.to_ms.value_or(-1), f.actor_user_id.value_or(0),
                       f.action_prefix, like, f.object_type, f.object_id, std::min(std::max(f.limit, 1), 100000)})) {
            out.push_back(FromRow(row));
        }
        return out;
    });
}

std::string Log::ExportCsv(core::db::Database& db, Filter filter) const {
    filter.limit = 100000;
    std::string out =
        "seq,at_utc_ms,actor_user_id,actor_username,actor_unit_id,actor_role,action,object_type,object_id,"
        "before,after,address,request_id,hash\r\n";
    for (const auto& r : Find(db, filter)) {
        out += std::to_string(r.seq) + "," + std::to_string(r.at) + "," + std::to_string(r.actor_user_id) + "," +
               Csv(r.actor_username) + "," + std::to_string(r.actor_unit_id) + "," + Csv(r.actor_role) + "," +
               Csv(r.action) + "," + Csv(r.object_type) + "," + Csv(r.object_id) + "," + Csv(r.before_json) + "," +
               Csv(r.after_json) + "," + Csv(r.address) + "," + Csv(r.request_id) + "," + Csv(r.hash) + "\r\n";
    }
    return out;
}

}  // namespace vp::audit
