#include <sqlite3.h>

#include <charconv>
#include <memory>
#include <string>
#include <unordered_map>

#include "core/db/database.hpp"
#include "core/db/pool.hpp"

namespace vp::core::db {
namespace {

[[noreturn]] void Throw(sqlite3* db, int rc, std::string_view what) {
    std::string msg = std::string(what) + ": " + (db ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
    int ext = db ? sqlite3_extended_errcode(db) : rc;
    if (ext == SQLITE_CONSTRAINT_UNIQUE || ext == SQLITE_CONSTRAINT_PRIMARYKEY) throw UniqueViolation(msg, "23505");
    if (ext == SQLITE_CONSTRAINT_FOREIGNKEY) throw ConstraintViolation(msg, "23503");
    if ((ext & 0xff) == SQLITE_CONSTRAINT) throw ConstraintViolation(msg, "23514");
    throw DbError(msg);
}

class SqliteConnection final : public Connection {
public:
    SqliteConnection(const std::string& path, int busy_timeout_ms) {
        int rc = sqlite3_open_v2(path.c_str(), &db_, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                                 nullptr);
        if (rc != SQLITE_OK) {
            std::string msg = db_ ? sqlite3_errmsg(db_) : sqlite3_errstr(rc);
            sqlite3_close(db_);
            db_ = nullptr;
            throw ConnectionError("sqlite open " + path + ": " + msg);
        }
        sqlite3_busy_timeout(db_, busy_timeout_ms);
        // WAL: readers never block the writer; synchronous=FULL: a committed transaction
        // survives power loss too, not only a killed process. Reads through a memory map
        // (up to 1 GiB of the file: the kernel's page cache, shared by every connection, no
        // copy per page read) and 16 MiB of private cache per connection (the default 2 MiB
        // made a search over a large portal re-read its index pages with a system call each).
        ExecuteScript(
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON;"
            " PRAGMA temp_store=MEMORY; PRAGMA mmap_size=1073741824; PRAGMA cache_size=-16384;");
    }
    ~SqliteConnection() override {
        for (auto& [sql, stmt] : statements_) sqlite3_finalize(stmt);
        sqlite3_close_v2(db_);
    }

    Engine GetEngine() const override { return Engine::kSqlite; }

    Rows Query(std::string_view sql, const Params& params) override {
        Rows rows;
        Run(sql, params, &rows);
        return rows;
    }
    std::int64_t Execute(std::string_view sql, const Params& params) override {
        Run(sql, params, nullptr);
        return sqlite3_changes64(db_);
    }
    void ExecuteScript(std::string_view sql) override {
        // Statement by statement, as sqlite3_exec would run them, so that inside a snapshot each
        // is checked as Run checks it.
        const char* tail = sql.data();
        const char* const end = sql.data() + sql.size();
        while (tail < end) {
            sqlite3_stmt* raw = nullptr;
            int rc = sqlite3_prepare_v2(db_, tail, static_cast<int>(end - tail), &raw, &tail);
            if (rc != SQLITE_OK) Throw(db_, rc, "sqlite script");
            if (!raw) continue;  // white space or a comment
            const std::unique_ptr<sqlite3_stmt, int (*)(sqlite3_stmt*)> stmt(raw, sqlite3_finalize);
            if (snapshot_ && !sqlite3_stmt_readonly(raw)) throw DbError("sqlite script: a write inside a read-only snapshot");
            while ((rc = sqlite3_step(raw)) == SQLITE_ROW) {
            }
            if (rc != SQLITE_DONE) Throw(db_, rc, "sqlite script");
        }
    }
    // Transaction control runs as prepared statements kept with the others (sqlite3_exec would
    // compile each one again).
    void Begin() override { Run("BEGIN IMMEDIATE", {}, nullptr); }
    void BeginSnapshot() override {
        // A deferred transaction takes its WAL read snapshot at the first SELECT and keeps it
        // until COMMIT; while it lasts Run refuses any statement that would write (a write
        // would otherwise upgrade it). Not PRAGMA query_only: changing it expires every prepared
        // statement of the connection, which made each snapshot compile them all again.
        Run("BEGIN DEFERRED", {}, nullptr);
        snapshot_ = true;
    }
    void Commit() override {
        snapshot_ = false;
        Run("COMMIT", {}, nullptr);
    }
    void Rollback() noexcept override {
        snapshot_ = false;
        if (!sqlite3_get_autocommit(db_)) sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
    }
    bool Broken() const override { return false; }
    sqlite3* Handle() { return db_; }

private:
    // The connection's prepared statements, by their text: preparing was the largest single
    // cost of a page rendered from the database (about a third of its time). Bounded; when full
    // the whole set is dropped and refilled by what is used.
    sqlite3_stmt* Prepared(std::string_view sql) {
        if (auto it = statements_.find(sql); it != statements_.end()) return it->second;
        sqlite3_stmt* stmt = nullptr;
        int rc = sqlite3_prepare_v3(db_, sql.data(), static_cast<int>(sql.size()), SQLITE_PREPARE_PERSISTENT, &stmt,
                                    nullptr);
        if (rc != SQLITE_OK) Throw(db_, rc, "prepare");
        if (statements_.size() >= kMaxStatements) {
            for (auto& [text, old] : statements_) sqlite3_finalize(old);
            statements_.clear();
        }
        statements_.emplace(std::string(sql), stmt);
        return stmt;
    }

    void Run(std::string_view sql, const Params& params, Rows* out) {
        sqlite3_stmt* stmt = Prepared(sql);
        if (snapshot_ && !sqlite3_stmt_readonly(stmt)) throw DbError("sqlite: a write inside a read-only snapshot");
        int rc = SQLITE_OK;
        // Reset at once after use (also when a step throws): a statement left open would keep
        // its read snapshot.
        struct Reset {
            sqlite3_stmt* s;
            ~Reset() {
                sqlite3_reset(s);
                sqlite3_clear_bindings(s);
            }
        } reset{stmt};
        // Parameters are written $1..$n as for PostgreSQL; SQLite treats them as names.
        for (std::size_t i = 0; i < params.size(); ++i) {
            std::string name = "$" + std::to_string(i + 1);
            int idx = sqlite3_bind_parameter_index(stmt, name.c_str());
            if (idx == 0) continue;  // parameter not used by this dialect's text
            const auto& v = params[i].Get();
            if (std::holds_alternative<std::monostate>(v)) {
                rc = sqlite3_bind_null(stmt, idx);
            } else if (auto* n = std::get_if<std::int64_t>(&v)) {
                rc = sqlite3_bind_int64(stmt, idx, *n);
            } else if (auto* d = std::get_if<double>(&v)) {
                rc = sqlite3_bind_double(stmt, idx, *d);
            } else {
                const auto& s = std::get<std::string>(v);
                rc = sqlite3_bind_text(stmt, idx, s.data(), static_cast<int>(s.size()), SQLITE_TRANSIENT);
            }
            if (rc != SQLITE_OK) Throw(db_, rc, "bind");
        }
        const int ncol = sqlite3_column_count(stmt);
        while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
            if (!out) continue;
            std::vector<std::optional<std::string>> cells;
            cells.reserve(ncol);
            for (int c = 0; c < ncol; ++c) {
                const int type = sqlite3_column_type(stmt, c);
                if (type == SQLITE_NULL) {
                    cells.emplace_back(std::nullopt);
                } else if (type == SQLITE_INTEGER) {
                    // The same decimal text as sqlite3_column_text, without SQLite converting
                    // the value in a buffer it allocates (most cells are integers).
                    char digits[24];
                    const auto end = std::to_chars(digits, digits + sizeof digits, sqlite3_column_int64(stmt, c)).ptr;
                    cells.emplace_back(std::string(digits, end));
                } else {
                    auto* p = reinterpret_cast<const char*>(sqlite3_column_text(stmt, c));
                    cells.emplace_back(std::string(p, sqlite3_column_bytes(stmt, c)));
                }
            }
            out->emplace_back(std::move(cells));
        }
        if (rc != SQLITE_DONE) Throw(db_, rc, "step");
    }

    struct StringHash {
        using is_transparent = void;
        std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
    };
    static constexpr std::size_t kMaxStatements = 512;
    sqlite3* db_ = nullptr;
    bool snapshot_ = false;
    std::unordered_map<std::string, sqlite3_stmt*, StringHash, std::equal_to<>> statements_;
};

}  // namespace

std::unique_ptr<Database> OpenSqlite(SqliteSettings settings) {
    int size = settings.path == ":memory:" ? 1 : std::max(1, settings.pool_size);
    auto path = settings.path;
    int timeout = settings.busy_timeout_ms;
    return std::make_unique<PooledDatabase>(
        Engine::kSqlite, size, [path, timeout] { return std::make_unique<SqliteConnection>(path, timeout); },
        "sqlite:" + path);
}

}  // namespace vp::core::db
