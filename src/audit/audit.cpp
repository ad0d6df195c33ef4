#include "audit/audit.hpp"

#include <sodium.h>

#include <boost/json/serialize.hpp>

namespace vp::audit {
namespace {

constexpr std::string_view kColumns =
    "seq, at, actor_user_id, actor_username, actor_unit_id, actor_role, action, object_type, object_id,"
    " before_json, after_json, address, request_id, prev_hash, hash";

Record FromRow(const core::db::Row& r) {
    return Record{r.Int(0),  r.Int(1),  r.Int(2),  r.Text(3),  r.Int(4),  r.Text(5),  r.Text(6), r.Text(7),
                  r.Text(8), r.Text(9), r.Text(10), r.Text(11), r.Text(12), r.Text(13), r.Text(14)};
}

std::string ToJsonOrEmpty(const boost::json::value& v) { return v.is_null() ? std::string() : boost::json::serialize(v); }

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

}  // namespace

std::string Log::ChainHash(const std::string& prev_hash, const Record& r) {
    // A JSON array is an unambiguous encoding of the fields (no separator can be forged).
    boost::json::array fields{r.seq,          r.at,          r.actor_user_id, r.actor_username, r.actor_unit_id,
                              r.actor_role,   r.action,      r.object_type,   r.object_id,      r.before_json,
                              r.after_json,   r.address,     r.request_id};
    std::string text = prev_hash + "\n" + boost::json::serialize(fields);
    unsigned char out[crypto_hash_sha256_BYTES];
    crypto_hash_sha256(out, reinterpret_cast<const unsigned char*>(text.data()), text.size());
    char hex[crypto_hash_sha256_BYTES * 2 + 1];
    sodium_bin2hex(hex, sizeof hex, out, sizeof out);
    return hex;
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
    return r.seq;
}

VerifyReport Log::Verify(core::db::Database& db) const {
    return db.Read([&](core::db::Connection& c) {
        VerifyReport rep;
        std::string prev(64, '0');
        std::int64_t expected = 1;
        std::int64_t after = 0;
        for (;;) {
            auto rows = c.Query("SELECT " + std::string(kColumns) + " FROM audit_log WHERE seq > $1 ORDER BY seq LIMIT 5000",
                                {after});
            if (rows.empty()) break;
            for (const auto& row : rows) {
                Record r = FromRow(row);
                // Empty JSON text and NULL are the same record content.
                if (r.seq != expected) {
                    rep.ok = false;
                    rep.first_broken_seq = expected;
                    rep.problem = "record " + std::to_string(expected) + " is missing";
                    return rep;
                }
                if (r.prev_hash != prev || ChainHash(prev, r) != r.hash) {
                    rep.ok = false;
                    rep.first_broken_seq = r.seq;
                    rep.problem = "record " + std::to_string(r.seq) + " was altered";
                    return rep;
                }
                prev = r.hash;
                ++expected;
                ++rep.checked;
                after = r.seq;
            }
        }
        auto head = c.QueryOne("SELECT seq, last_hash FROM audit_head WHERE id = 1");
        if (head && (head->Int(0) != expected - 1 || head->Text(1) != prev)) {
            rep.ok = false;
            rep.first_broken_seq = expected;
            rep.problem = "records after " + std::to_string(expected - 1) + " up to " + std::to_string(head->Int(0)) +
                          " were removed";
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
        for (const auto& row : c.Query(sql, {f.before_seq, f.from_ms.value_or(-1), f.to_ms.value_or(-1),
                                             f.actor_user_id.value_or(0), f.action_prefix, like, f.object_type,
                                             f.object_id, std::min(std::max(f.limit, 1), 100000)})) {
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
