#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <variant>
#include <vector>

#include "core/db/errors.hpp"
#include "core/result.hpp"

namespace vp::core::db {

enum class Engine { kSqlite, kPostgres };

/// @brief A bound SQL parameter. SQL text uses `$1`, `$2`, ... on both engines (SQLite binds
/// them by name), so one query text serves both wherever the dialects agree.
class Value {
public:
    Value() = default;                                        // NULL
    Value(std::nullptr_t) {}                                  // NOLINT
    Value(std::int64_t v) : v_(v) {}                          // NOLINT
    Value(int v) : v_(static_cast<std::int64_t>(v)) {}        // NOLINT
    Value(long long v) : v_(static_cast<std::int64_t>(v)) {}  // NOLINT
    Value(bool v) : v_(static_cast<std::int64_t>(v)) {}       // NOLINT
    Value(double v) : v_(v) {}                                // NOLINT
    Value(std::string v) : v_(std::move(v)) {}                // NOLINT
    Value(std::string_view v) : v_(std::string(v)) {}         // NOLINT
    Value(const char* v) : v_(std::string(v)) {}              // NOLINT
    template <class T>
    Value(const std::optional<T>& v) {  // NOLINT
        if (v) *this = Value(*v);
    }

    bool IsNull() const { return std::holds_alternative<std::monostate>(v_); }
    /// Text form of the value (what PostgreSQL receives); empty for NULL.
    std::string ToText() const;
    const std::variant<std::monostate, std::int64_t, double, std::string>& Get() const { return v_; }

private:
    std::variant<std::monostate, std::int64_t, double, std::string> v_;
};

using Params = std::vector<Value>;

/// @brief One result row. Cells arrive as text on both engines and are converted on access.
class Row {
public:
    explicit Row(std::vector<std::optional<std::string>> cells) : cells_(std::move(cells)) {}
    std::size_t Size() const { return cells_.size(); }
    bool IsNull(std::size_t i) const { return !cells_.at(i).has_value(); }
    /// Text of cell i; "" for NULL.
    const std::string& Text(std::size_t i) const;
    std::int64_t Int(std::size_t i) const;  ///< 0 for NULL
    double Real(std::size_t i) const;
    bool Bool(std::size_t i) const { return Int(i) != 0; }
    std::optional<std::string> OptText(std::size_t i) const { return cells_.at(i); }
    std::optional<std::int64_t> OptInt(std::size_t i) const;

private:
    std::vector<std::optional<std::string>> cells_;
};

using Rows = std::vector<Row>;

/// @brief One database session. Not thread-safe: used by one thread at a time, through the
/// pool. Throws DbError (or a subclass) on infrastructure failures and constraint violations.
class Connection {
public:
    virtual ~Connection() = default;
    virtual Engine GetEngine() const = 0;
    /// Runs one statement and returns its rows (empty for statements without result).
    virtual Rows Query(std::string_view sql, const Params& params = {}) = 0;
    /// Runs one statement and returns the number of rows it changed.
    virtual std::int64_t Execute(std::string_view sql, const Params& params = {}) = 0;
    /// Runs several statements without parameters (migrations, pragmas).
    virtual void ExecuteScript(std::string_view sql) = 0;
    /// Starts a write transaction (SQLite: BEGIN IMMEDIATE, so writers queue at the start
    /// rather than fail at commit).
    virtual void Begin() = 0;
    /// Starts a read-only transaction that sees one snapshot of the database until Commit or
    /// Rollback (PostgreSQL: REPEATABLE READ READ ONLY; SQLite: a deferred read transaction,
    /// whose WAL snapshot is taken at its first read, with query_only on).
    virtual void BeginSnapshot() = 0;
    virtual void Commit() = 0;
    virtual void Rollback() noexcept = 0;
    /// True when the session is unusable and should be replaced by the pool.
    virtual bool Broken() const = 0;

    std::optional<Row> QueryOne(std::string_view sql, const Params& params = {}) {
        auto rows = Query(sql, params);
        if (rows.empty()) return std::nullopt;
        return std::move(rows.front());
    }

    /// Runs `fn` once the transaction Database::Transact holds open on this connection has
    /// committed, on the committing thread, before Transact returns; dropped when it rolls
    /// back. Outside Transact (each statement commits by itself) `fn` runs at once. What a
    /// callback throws is logged and swallowed: the change is committed already.
    void AfterCommit(std::function<void()> fn);

    /// Used by Database::Transact: a transaction starts; it ended (committed or not).
    void OpenCallbacks() {
        in_transact_ = true;
        after_commit_.clear();
    }
    void CloseCallbacks(bool committed);

private:
    bool in_transact_ = false;
    std::vector<std::function<void()>> after_commit_;
};

struct PoolStats {
    int size = 0;
    int in_use = 0;
    std::int64_t waits = 0;  ///< acquisitions that had to wait for a free connection
    std::int64_t acquisitions = 0;
};

template <class T>
struct IsResult : std::false_type {};
template <class T>
struct IsResult<Result<T>> : std::true_type {};

/// @brief A pool of connections to one database. Thread-safe.
class Database {
public:
    class Lease;
    virtual ~Database() = default;
    virtual Engine GetEngine() const = 0;
    /// Borrows a connection; blocks while all are in use. The lease returns it on destruction.
    virtual Lease Acquire() = 0;
    virtual PoolStats Stats() const = 0;
    /// Human-readable location without secrets (file path or host/dbname).
    virtual std::string Describe() const = 0;

    /// Runs fn(Connection&) in a transaction. Commits when fn returns (and, when fn returns a
    /// Result, only when it is ok); rolls back on an error Result or an exception, which is
    /// rethrown.
    template <class F>
    auto Transact(F&& fn) -> std::invoke_result_t<F, Connection&>;
    /// Runs fn(Connection&) outside an explicit transaction (reads).
    template <class F>
    auto Read(F&& fn) -> std::invoke_result_t<F, Connection&>;
    /// Runs fn(Connection&) in one read-only snapshot transaction (Connection::BeginSnapshot):
    /// every statement sees the same committed state, however many writers commit meanwhile.
    /// For reads that must agree with each other (audit verification, consistent reports).
    template <class F>
    auto Snapshot(F&& fn) -> std::invoke_result_t<F, Connection&>;

protected:
    virtual void Release(std::unique_ptr<Connection> conn) = 0;
    friend class Lease;
};

class Database::Lease {
public:
    Lease(Database& db, std::unique_ptr<Connection> conn) : db_(&db), conn_(std::move(conn)) {}
    Lease(Lease&& o) noexcept : db_(o.db_), conn_(std::move(o.conn_)) {}
    Lease& operator=(Lease&&) = delete;
    ~Lease() {
        if (conn_) db_->Release(std::move(conn_));
    }
    Connection& operator*() { return *conn_; }
    Connection* operator->() { return conn_.get(); }

private:
    Database* db_;
    std::unique_ptr<Connection> conn_;
};

template <class F>
auto Database::Transact(F&& fn) -> std::invoke_result_t<F, Connection&> {
    using R = std::invoke_result_t<F, Connection&>;
    auto lease = Acquire();
    lease->Begin();
    lease->OpenCallbacks();
    try {
        if constexpr (std::is_void_v<R>) {
            fn(*lease);
            lease->Commit();
            lease->CloseCallbacks(true);
        } else {
            R r = fn(*lease);
            if constexpr (IsResult<R>::value) {
                if (!r.ok()) {
                    lease->Rollback();
                    lease->CloseCallbacks(false);
                    return r;
                }
            }
            lease->Commit();
            lease->CloseCallbacks(true);
            return r;
        }
    } catch (...) {
        lease->Rollback();
        lease->CloseCallbacks(false);
        throw;
    }
}

template <class F>
auto Database::Read(F&& fn) -> std::invoke_result_t<F, Connection&> {
    auto lease = Acquire();
    return fn(*lease);
}

template <class F>
auto Database::Snapshot(F&& fn) -> std::invoke_result_t<F, Connection&> {
    using R = std::invoke_result_t<F, Connection&>;
    auto lease = Acquire();
    lease->BeginSnapshot();
    try {
        if constexpr (std::is_void_v<R>) {
            fn(*lease);
            lease->Commit();
        } else {
            R r = fn(*lease);
            lease->Commit();
            return r;
        }
    } catch (...) {
        lease->Rollback();
        throw;
    }
}

struct SqliteSettings {
    std::string path;  ///< file path, or ":memory:" (then the pool has one connection)
    int pool_size = 4;
    int busy_timeout_ms = 10000;
};

struct PostgresSettings {
    std::string dsn;  ///< libpq connection string or postgresql:// URI
    int pool_size = 8;
    /// When set, every session works in this schema only (`SET search_path`): a partition of
    /// the installation kept apart from the main schema (it must exist; see OpenPartition).
    std::string schema;
};

std::unique_ptr<Database> OpenSqlite(SqliteSettings settings);
std::unique_ptr<Database> OpenPostgres(PostgresSettings settings);
/// Opens by URL: "postgresql://..." or "postgres://..." selects PostgreSQL, "sqlite:PATH" or a
/// plain path selects SQLite.
std::unique_ptr<Database> OpenByUrl(const std::string& url, int pool_size = 0);

/// Opens a separate partition `name` ([a-z][a-z0-9_]*) of the database at `url`: on SQLite its own file
/// beside the main one (vanphong.db -> vanphong.<name>.db; in memory when the main one is), on
/// PostgreSQL its own schema of the same database — `name`, or `<schema>_<name>` for an
/// installation in a schema other than public — created when missing, every session confined to it.
/// Throws std::invalid_argument for a bad name.
std::unique_ptr<Database> OpenPartition(const std::string& url, const std::string& name, int pool_size = 0);

}  // namespace vp::core::db
