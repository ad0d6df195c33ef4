// covers P-9, P-16 (keyed hash-chained audit log, signed checkpoints, tamper detection) on both engines
#include <gtest/gtest.h>
#include <sodium.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <functional>
#include <thread>

#include "audit/audit.hpp"
#include "core/testing/db_fixture.hpp"

namespace vp {
namespace {

using core::db::Connection;
namespace fs = std::filesystem;

fs::path TempPath(const std::string& stem) {
    unsigned char b[6];
    randombytes_buf(b, sizeof b);
    char hex[13];
    sodium_bin2hex(hex, sizeof hex, b, sizeof b);
    auto dir = fs::temp_directory_path() / ("vp-audit-" + std::to_string(getpid()));
    fs::create_directories(dir);
    return dir / (stem + "-" + hex);
}

std::vector<std::string> Lines(const fs::path& file) {
    std::ifstream in(file);
    std::vector<std::string> out;
    for (std::string line; std::getline(in, line);) out.push_back(line);
    return out;
}

class AuditLog : public testing::DbTest {
protected:
    void SetUp() override {
        DbTest::SetUp();
        checkpoints_ = TempPath("checkpoints");
    }
    void TearDown() override { fs::remove(checkpoints_); }

    audit::Actor Tester(int i) {
        return {.user_id = 0,
                .username = "tester",
                .role = "system_admin",
                .address = "127.0.0.1",
                .request_id = "r" + std::to_string(i)};
    }

    void WriteN(int n) {
        for (int i = 1; i <= n; ++i) {
            Db().Transact([&](Connection& c) {
                log_.Write(c, Tester(i),
                           {.action = "unit.rename",
                            .object_type = "unit",
                            .object_id = std::to_string(i),
                            .before = boost::json::object{{"name", "A"}},
                            .after = boost::json::object{{"name", "B"}}});
            });
            clock_.Advance(std::chrono::seconds(1));
        }
    }

    std::vector<audit::Record> All() {
        auto rows = log_.Find(Db(), {.limit = 100000});
        std::reverse(rows.begin(), rows.end());
        return rows;
    }

    // What an attacker with write access to the database does: alters record k and recomputes
    // the chain from it with `hash` (any function but the keyed one), then moves the head.
    void RewriteFrom(std::int64_t k, const std::function<std::string(const std::string&, const audit::Record&)>& hash) {
        auto records = All();
        std::string prev = k == 1 ? std::string(64, '0') : records.at(k - 2).hash;
        Db().Transact([&](Connection& c) {
            for (auto r : records) {
                if (r.seq < k) continue;
                if (r.seq == k) r.actor_username = "mallory";
                r.prev_hash = prev;
                r.hash = hash(prev, r);
                c.Execute("UPDATE audit_log SET actor_username = $1, prev_hash = $2, hash = $3 WHERE seq = $4",
                          {r.actor_username, r.prev_hash, r.hash, r.seq});
                prev = r.hash;
            }
            c.Execute("UPDATE audit_head SET last_hash = $1 WHERE id = 1", {prev});
        });
    }

    // The reproduced attack: delete the newest records and set audit_head to the one before.
    void CutTailAndRewindHead(std::int64_t keep) {
        auto kept = All().at(keep - 1);
        Db().Transact([&](Connection& c) {
            c.Execute("DELETE FROM audit_log WHERE seq > $1", {keep});
            c.Execute("UPDATE audit_head SET seq = $1, last_hash = $2 WHERE id = 1", {keep, kept.hash});
        });
    }

    audit::CheckpointOutcome Checkpoint() { return log_.WriteCheckpoint(Db()); }

    fs::path checkpoints_;
    std::shared_ptr<const audit::ChainKey> key_ = audit::ChainKey::Random();
    audit::Log log_{clock_, key_};

    // Log with the checkpoint file: built after SetUp has chosen the file.
    void UseCheckpoints(std::int64_t every_records = 100, std::chrono::milliseconds every = std::chrono::seconds(60)) {
        log_.Configure(key_, {.file = checkpoints_, .every_records = every_records, .every = every});
    }
};

TEST_P(AuditLog, IntactChainVerifies_P9) {
    EXPECT_FALSE(audit::Log::HoldsKeyedRecords(Db()));
    WriteN(5);
    EXPECT_TRUE(audit::Log::HoldsKeyedRecords(Db())) << "a new key would leave these unverifiable";
    auto rep = log_.Verify(Db());
    EXPECT_TRUE(rep.ok) << rep.problem;
    EXPECT_EQ(rep.checked, 5);
    EXPECT_EQ(rep.keyed_from, 1) << "a new database chains every record with the key";
}

TEST_P(AuditLog, AlteredRecordIsNamed_P9) {
    WriteN(5);
    Db().Transact(
        [](Connection& c) { c.Execute("UPDATE audit_log SET after_json = '{\"name\":\"X\"}' WHERE seq = 3"); });
    auto rep = log_.Verify(Db());
    EXPECT_FALSE(rep.ok);
    EXPECT_EQ(rep.first_broken_seq, 3);
}

TEST_P(AuditLog, RemovedRecordIsNamed_P16) {
    WriteN(5);
    Db().Transact([](Connection& c) { c.Execute("DELETE FROM audit_log WHERE seq = 2"); });
    auto rep = log_.Verify(Db());
    EXPECT_FALSE(rep.ok);
    EXPECT_EQ(rep.first_broken_seq, 2);
}

TEST_P(AuditLog, RemovedTailIsDetected_P16) {
    WriteN(5);
    Db().Transact([](Connection& c) { c.Execute("DELETE FROM audit_log WHERE seq >= 4"); });
    auto rep = log_.Verify(Db());
    EXPECT_FALSE(rep.ok);
    EXPECT_EQ(rep.first_broken_seq, 4);
}

TEST_P(AuditLog, RecomputedHashStillBreaksTheNextLink_P9) {
    WriteN(4);
    // Even with the key, altering record 2 and recomputing only its hash breaks record 3's link.
    auto r2 = log_.Find(Db(), {.object_id = "2"}).at(0);
    r2.actor_username = "someone-else";
    auto forged = log_.ChainHash(r2.prev_hash, r2);
    Db().Transact([&](Connection& c) {
        c.Execute("UPDATE audit_log SET actor_username = $1, hash = $2 WHERE seq = 2", {r2.actor_username, forged});
    });
    auto rep = log_.Verify(Db());
    EXPECT_FALSE(rep.ok);
    EXPECT_EQ(rep.first_broken_seq, 3);
}

// covers P-9, P-16
TEST_P(AuditLog, CutTailWithRewoundHeadIsCaughtByTheCheckpoint_P16) {
    UseCheckpoints();
    WriteN(5);
    ASSERT_EQ(Checkpoint().status, audit::CheckpointOutcome::Status::kWritten);
    CutTailAndRewindHead(4);
    // What the old verification saw: a consistent chain and head. Only the checkpoint outside
    // the database still knows record 5.
    EXPECT_TRUE(log_.Verify(Db(), {.against_checkpoint = false}).ok);
    auto rep = log_.Verify(Db());
    EXPECT_FALSE(rep.ok) << "a cut tail must not verify";
    EXPECT_EQ(rep.first_broken_seq, 5);
    ASSERT_TRUE(rep.checkpoint);
    EXPECT_EQ(rep.checkpoint->seq, 5);
    EXPECT_NE(rep.problem.find("removed"), std::string::npos) << rep.problem;
    // Nor is the shortened head ever signed.
    auto again = Checkpoint();
    EXPECT_EQ(again.status, audit::CheckpointOutcome::Status::kRefused);
    EXPECT_FALSE(log_.Verify(Db()).ok);
}

// covers P-9, P-16
TEST_P(AuditLog, CutTailAndNewRecordsAfterItAreCaught_P16) {
    UseCheckpoints();
    WriteN(5);
    ASSERT_EQ(Checkpoint().status, audit::CheckpointOutcome::Status::kWritten);
    // Cutting two records and letting the application write two new ones restores the count.
    CutTailAndRewindHead(3);
    WriteN(2);
    auto rep = log_.Verify(Db());
    EXPECT_FALSE(rep.ok);
    EXPECT_EQ(rep.first_broken_seq, 5);
    EXPECT_EQ(Checkpoint().status, audit::CheckpointOutcome::Status::kRefused);
}

// covers P-9, P-16
TEST_P(AuditLog, RewriteFromKWithoutTheKeyIsDetected_P9) {
    UseCheckpoints();
    WriteN(6);
    ASSERT_EQ(Checkpoint().status, audit::CheckpointOutcome::Status::kWritten);
    // The attacker recomputes from record 3 on under a key of their own (they lack the real one).
    audit::Log guess(clock_, audit::ChainKey::Random());
    RewriteFrom(3, [&](const std::string& prev, const audit::Record& r) { return guess.ChainHash(prev, r); });
    auto rep = log_.Verify(Db());
    EXPECT_FALSE(rep.ok);
    EXPECT_EQ(rep.first_broken_seq, 3);
    // Also without a checkpoint: the key alone catches a recomputed chain.
    auto bare = log_.Verify(Db(), {.against_checkpoint = false});
    EXPECT_FALSE(bare.ok);
    EXPECT_EQ(bare.first_broken_seq, 3);
    EXPECT_EQ(Checkpoint().status, audit::CheckpointOutcome::Status::kRefused);
}

// covers P-9, P-16
TEST_P(AuditLog, RecomputedWithUnkeyedSha256IsDetected_P9) {
    UseCheckpoints();
    WriteN(6);
    ASSERT_EQ(Checkpoint().status, audit::CheckpointOutcome::Status::kWritten);
    // The old chain's own function: it passed the old verification.
    RewriteFrom(4, &audit::Log::LegacyHash);
    auto rep = log_.Verify(Db());
    EXPECT_FALSE(rep.ok);
    EXPECT_EQ(rep.first_broken_seq, 4);
    // Moving the start of the keyed chain past the end does not help: after a keyed record no
    // unkeyed one is accepted.
    Db().Transact([](Connection& c) { c.Execute("UPDATE audit_head SET keyed_from = 1000 WHERE id = 1"); });
    rep = log_.Verify(Db());
    EXPECT_FALSE(rep.ok);
    EXPECT_EQ(rep.first_broken_seq, 4);
}

// covers P-9, P-16
TEST_P(AuditLog, WholeChainRecomputedUnkeyedIsCaughtByTheCheckpoint_P9) {
    UseCheckpoints();
    WriteN(4);
    ASSERT_EQ(Checkpoint().status, audit::CheckpointOutcome::Status::kWritten);
    WriteN(2);
    // Every record recomputed with SHA-256 and keyed_from moved past the end: every record
    // looks like one of an old version. The signed checkpoint of record 4 still disagrees.
    RewriteFrom(1, &audit::Log::LegacyHash);
    Db().Transact([](Connection& c) { c.Execute("UPDATE audit_head SET keyed_from = 1000 WHERE id = 1"); });
    auto rep = log_.Verify(Db());
    EXPECT_FALSE(rep.ok);
    EXPECT_GE(rep.first_broken_seq, 1);
    EXPECT_LE(rep.first_broken_seq, 5);
    EXPECT_EQ(Checkpoint().status, audit::CheckpointOutcome::Status::kRefused);
}

// covers P-9, P-16
TEST_P(AuditLog, IntactChainWithCheckpointsVerifies_P9) {
    UseCheckpoints();
    auto empty = Checkpoint();  // a checkpoint of the empty log is valid too
    ASSERT_EQ(empty.status, audit::CheckpointOutcome::Status::kWritten);
    EXPECT_EQ(empty.checkpoint->seq, 0);
    WriteN(3);
    EXPECT_EQ(Checkpoint().status, audit::CheckpointOutcome::Status::kWritten);
    WriteN(3);
    auto last = Checkpoint();
    ASSERT_EQ(last.status, audit::CheckpointOutcome::Status::kWritten);
    EXPECT_EQ(last.checkpoint->seq, 6);
    EXPECT_EQ(Checkpoint().status, audit::CheckpointOutcome::Status::kUnchanged);
    WriteN(2);  // records after the latest checkpoint are fine
    auto rep = log_.Verify(Db());
    EXPECT_TRUE(rep.ok) << rep.problem;
    EXPECT_EQ(rep.checked, 8);
    ASSERT_TRUE(rep.checkpoint);
    EXPECT_EQ(rep.checkpoint->seq, 6);
    EXPECT_EQ(rep.bad_checkpoint_lines, 0);

    auto lines = Lines(checkpoints_);
    ASSERT_EQ(lines.size(), 3u);
    EXPECT_EQ(lines.back(), last.checkpoint->Line());
    EXPECT_EQ(lines.back().substr(0, 2), "6 ");
    struct stat st {};
    ASSERT_EQ(::stat(checkpoints_.c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, 0600u);
    // An append cut short (no newline) is not a checkpoint and not an alarm.
    {
        std::ofstream out(checkpoints_, std::ios::app);
        out << "8 " << std::string(30, 'a');
    }
    rep = log_.Verify(Db());
    EXPECT_TRUE(rep.ok) << rep.problem;
    EXPECT_EQ(rep.checkpoint->seq, 6);
}

// covers P-9, P-16
TEST_P(AuditLog, BadCheckpointSignatureIsRejected_P16) {
    UseCheckpoints();
    WriteN(5);
    auto real = Checkpoint().checkpoint.value();
    CutTailAndRewindHead(3);
    auto head3 = All().back().hash;
    // The attacker appends checkpoints of the shortened chain: signed with a key of their own,
    // with the unkeyed SHA-256 of the line, or with a real signature over other values.
    auto forged_key = audit::ChainKey::Random();
    auto forged = audit::Log::SignCheckpoint(*forged_key, 3, head3, real.at + 1000);
    unsigned char digest[crypto_hash_sha256_BYTES];
    std::string msg = "3 " + head3 + " " + std::to_string(real.at + 1000);
    crypto_hash_sha256(digest, reinterpret_cast<const unsigned char*>(msg.data()), msg.size());
    char digest_hex[crypto_hash_sha256_BYTES * 2 + 1];
    sodium_bin2hex(digest_hex, sizeof digest_hex, digest, sizeof digest);
    audit::Checkpoint unkeyed{.seq = 3, .hash = head3, .signature = digest_hex, .at = real.at + 1000};
    audit::Checkpoint moved = real;
    moved.seq = 3;
    moved.hash = head3;  // real signature, other values
    for (const auto& cp : {forged, unkeyed, moved}) {
        EXPECT_FALSE(audit::Log::ParseCheckpoint(cp.Line(), *key_)) << cp.Line();
        std::ofstream(checkpoints_, std::ios::app) << cp.Line() << "\n";
    }
    EXPECT_TRUE(audit::Log::ParseCheckpoint(real.Line(), *key_));
    auto file = audit::Log::ReadCheckpoints(checkpoints_, *key_);
    ASSERT_TRUE(file.latest);
    EXPECT_EQ(file.latest->seq, 5) << "forged lines are never the latest checkpoint";
    EXPECT_EQ(file.bad_lines, 3);
    auto rep = log_.Verify(Db());
    EXPECT_FALSE(rep.ok);
    EXPECT_EQ(rep.first_broken_seq, 4);
    EXPECT_EQ(rep.bad_checkpoint_lines, 3);
    EXPECT_EQ(Checkpoint().status, audit::CheckpointOutcome::Status::kRefused);
}

// covers P-9, P-16
TEST_P(AuditLog, BadCheckpointLineAloneIsReported_P16) {
    UseCheckpoints();
    WriteN(2);
    ASSERT_EQ(Checkpoint().status, audit::CheckpointOutcome::Status::kWritten);
    std::ofstream(checkpoints_, std::ios::app) << "2 " << std::string(64, 'a') << " " << std::string(64, 'b') << " 1\n";
    auto rep = log_.Verify(Db());
    EXPECT_FALSE(rep.ok);
    EXPECT_EQ(rep.first_broken_seq, 0);
    EXPECT_EQ(rep.bad_checkpoint_lines, 1);
    EXPECT_NE(rep.problem.find("bad signature"), std::string::npos) << rep.problem;
    // A checkpoint file signed under another key proves nothing either.
    audit::Log other(clock_, audit::ChainKey::Random(), {.file = checkpoints_});
    EXPECT_FALSE(other.Verify(Db()).checkpoint);
}

// covers P-9, P-16
TEST_P(AuditLog, VerifyConcurrentWithWritersNeverReportsAFalseGap_P16) {
    UseCheckpoints(/*every_records=*/7, /*every=*/std::chrono::milliseconds(5));
    log_.StartCheckpoints(Db());
    std::atomic<int> writers_done{0};
    std::atomic<int> verified{0};
    std::vector<std::string> problems;
    std::mutex mu;
    std::vector<std::thread> writers;
    const int kWriters = 3, kEach = 40;
    for (int w = 0; w < kWriters; ++w) {
        writers.emplace_back([&, w] {
            for (int i = 0; i < kEach; ++i) {
                Db().Transact([&](Connection& c) {
                    log_.Write(c, Tester(w * 1000 + i),
                               {.action = "unit.rename", .object_type = "unit", .object_id = std::to_string(i)});
                });
            }
            ++writers_done;
        });
    }
    std::thread verifier([&] {
        while (writers_done < kWriters || verified == 0) {
            auto rep = log_.Verify(Db());
            ++verified;
            if (!rep.ok) {
                std::lock_guard lock(mu);
                problems.push_back(rep.problem);
            }
        }
    });
    for (auto& t : writers) t.join();
    verifier.join();
    log_.StopCheckpoints(Db());
    EXPECT_TRUE(problems.empty()) << problems.size() << " false report(s) in " << verified
                                  << ", first: " << problems.front();
    EXPECT_GT(verified, 1);
    auto rep = log_.Verify(Db());
    EXPECT_TRUE(rep.ok) << rep.problem;
    EXPECT_EQ(rep.checked, kWriters * kEach);
    ASSERT_TRUE(rep.checkpoint) << "the final checkpoint of a clean stop";
    EXPECT_EQ(rep.checkpoint->seq, kWriters * kEach);
    EXPECT_EQ(rep.bad_checkpoint_lines, 0);
}

// covers P-9, P-16
TEST_P(AuditLog, BackgroundWriterCheckpointsAfterNRecords_P16) {
    UseCheckpoints(/*every_records=*/3, /*every=*/std::chrono::hours(1));
    log_.StartCheckpoints(Db());
    // The third write wakes the writer thread; it signs what is committed by then (2 or 3).
    WriteN(3);
    std::optional<audit::Checkpoint> latest;
    for (int i = 0; i < 300 && !latest; ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
        latest = audit::Log::ReadCheckpoints(checkpoints_, *key_).latest;
    }
    ASSERT_TRUE(latest) << "no checkpoint after 3 records";
    EXPECT_GE(latest->seq, 2);
    WriteN(1);
    log_.StopCheckpoints(Db());
    EXPECT_EQ(audit::Log::ReadCheckpoints(checkpoints_, *key_).latest->seq, 4) << "final checkpoint at a clean stop";
    EXPECT_TRUE(log_.Verify(Db()).ok);
}

// covers P-9, P-16
TEST_P(AuditLog, RecordsOfOldVersionsStayVerifiable_P9) {
    // An upgraded database: three records chained with the unkeyed SHA-256 of old versions,
    // then V003 set keyed_from after them.
    Db().Transact([&](Connection& c) {
        std::string prev(64, '0');
        for (int i = 1; i <= 3; ++i) {
            audit::Record r{.seq = i,
                            .at = 1000 * i,
                            .actor_username = "old",
                            .action = "unit.create",
                            .object_type = "unit",
                            .object_id = std::to_string(i),
                            .prev_hash = prev};
            r.hash = audit::Log::LegacyHash(prev, r);
            c.Execute(
                "INSERT INTO audit_log (seq, at, actor_username, action, object_type, object_id, before_json, "
                "after_json,"
                " prev_hash, hash) VALUES ($1, $2, $3, $4, $5, $6, '', '', $7, $8)",
                {r.seq, r.at, r.actor_username, r.action, r.object_type, r.object_id, r.prev_hash, r.hash});
            prev = r.hash;
        }
        c.Execute("UPDATE audit_head SET seq = 3, last_hash = $1, keyed_from = 4 WHERE id = 1", {prev});
    });
    EXPECT_FALSE(audit::Log::HoldsKeyedRecords(Db()));
    UseCheckpoints();
    ASSERT_EQ(Checkpoint().status, audit::CheckpointOutcome::Status::kWritten);
    WriteN(3);
    EXPECT_TRUE(audit::Log::HoldsKeyedRecords(Db()));
    ASSERT_EQ(Checkpoint().status, audit::CheckpointOutcome::Status::kWritten);
    auto rep = log_.Verify(Db());
    EXPECT_TRUE(rep.ok) << rep.problem;
    EXPECT_EQ(rep.checked, 6);
    EXPECT_EQ(rep.keyed_from, 4);
    // An unkeyed record after keyed_from is refused.
    RewriteFrom(5, &audit::Log::LegacyHash);
    rep = log_.Verify(Db());
    EXPECT_FALSE(rep.ok);
    EXPECT_EQ(rep.first_broken_seq, 5);
}

// covers P-9, P-16
TEST_P(AuditLog, CheckpointAfterRestoreAcceptsAShorterChain_P16) {
    UseCheckpoints();
    WriteN(5);
    ASSERT_EQ(Checkpoint().status, audit::CheckpointOutcome::Status::kWritten);
    CutTailAndRewindHead(3);  // what restoring an older backup looks like
    EXPECT_FALSE(log_.Verify(Db()).ok);
    auto restored = log_.WriteCheckpoint(Db(), audit::CheckpointMode::kAfterRestore);
    ASSERT_EQ(restored.status, audit::CheckpointOutcome::Status::kWritten);
    EXPECT_EQ(restored.checkpoint->seq, 3);
    EXPECT_TRUE(log_.Verify(Db()).ok);
    auto lines = Lines(checkpoints_);
    ASSERT_EQ(lines.size(), 3u);
    EXPECT_EQ(lines[1].substr(0, 1), "#") << "the restore is noted in the file";
    // A restore does not whitewash a broken chain.
    RewriteFrom(2, &audit::Log::LegacyHash);
    EXPECT_EQ(log_.WriteCheckpoint(Db(), audit::CheckpointMode::kAfterRestore).status,
              audit::CheckpointOutcome::Status::kRefused);
}

TEST_P(AuditLog, WriteRollsBackWithTheChange_P9) {
    EXPECT_THROW(Db().Transact([&](Connection& c) {
        log_.Write(c, {}, {.action = "x", .object_type = "y"});
        throw std::runtime_error("change failed");
    }),
                 std::runtime_error);
    EXPECT_TRUE(log_.Find(Db(), {}).empty());
    EXPECT_TRUE(log_.Verify(Db()).ok);
}

TEST_P(AuditLog, FilterAndCsv_P9) {
    WriteN(3);
    auto only2 = log_.Find(Db(), {.object_type = "unit", .object_id = "2"});
    ASSERT_EQ(only2.size(), 1u);
    EXPECT_EQ(only2[0].request_id, "r2");
    auto by_action = log_.Find(Db(), {.action_prefix = "unit."});
    EXPECT_EQ(by_action.size(), 3u);
    EXPECT_TRUE(log_.Find(Db(), {.action_prefix = "user."}).empty());
    auto csv = log_.ExportCsv(Db(), {});
    EXPECT_NE(csv.find("\"unit.rename\""), std::string::npos);
    EXPECT_EQ(std::count(csv.begin(), csv.end(), '\n'), 4);
}

VP_INSTANTIATE_DB_TEST(AuditLog);

// covers P-9, P-16
TEST(AuditKey, DerivedFromTheSecretKeyFile_P9) {
    auto file = TempPath("secret.key");
    unsigned char master[32];
    randombytes_buf(master, sizeof master);
    std::ofstream(file, std::ios::binary).write(reinterpret_cast<const char*>(master), sizeof master);
    auto from_file = audit::ChainKey::FromSecretKeyFile(file);
    auto same = audit::ChainKey::FromMasterKey(master);
    EXPECT_EQ(from_file->ChainMac("x"), same->ChainMac("x"));
    EXPECT_EQ(from_file->CheckpointMac("x"), same->CheckpointMac("x"));
    EXPECT_NE(from_file->ChainMac("x"), from_file->CheckpointMac("x")) << "separate subkeys";
    EXPECT_NE(from_file->ChainMac("x"), audit::ChainKey::Random()->ChainMac("x"));
    // The key is not the master key itself: HMAC under the raw file bytes differs.
    unsigned char raw[32];
    crypto_auth_hmacsha256(raw, reinterpret_cast<const unsigned char*>("x"), 1, master);
    char raw_hex[65];
    sodium_bin2hex(raw_hex, sizeof raw_hex, raw, sizeof raw);
    EXPECT_NE(from_file->ChainMac("x"), raw_hex);
    std::ofstream(file, std::ios::binary | std::ios::trunc) << "short";
    EXPECT_THROW(audit::ChainKey::FromSecretKeyFile(file), std::runtime_error);
    fs::remove(file);
    EXPECT_THROW(audit::ChainKey::FromSecretKeyFile(file), std::runtime_error);
}

}  // namespace
}  // namespace vp
