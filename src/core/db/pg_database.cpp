#include <libpq-fe.h>

#include <filesystem>
#include <stdexcept>
#include <string>

#include "core/db/database.hpp"
#include "core/db/pool.hpp"

namespace vp::core::db {
namespace {

struct ResultDeleter {
    void operator()(PGresult* r) const { PQclear(r); }
};
using PgResult = std::unique_ptr<PGresult, ResultDeleter>;

class PgConnection final : public Connection {
public:
    explicit PgConnection(const std::string& dsn, const std::string& schema = {}) : conn_(PQconnectdb(dsn.c_str())) {
        if (PQstatus(conn_) != CONNECTION_OK) {
            std::string msg = PQerrorMessage(conn_);
            PQfinish(conn_);
            conn_ = nullptr;
            throw ConnectionError("postgres connect: " + msg);
        }
        PQsetNoticeProcessor(
            conn_, [](void*, const char*) {}, nullptr);
        Execute("SET client_min_messages = warning", {});
        // The schema name is checked by OpenPartition ([a-z][a-z0-9_]*): safe to quote as an identifier.
        if (!schema.empty()) Execute("SET search_path TO \"" + schema + "\"", {});
    }
    ~PgConnection() override {
        if (conn_) PQfinish(conn_);
    }

    Engine GetEngine() const override { return Engine::kPostgres; }

    Rows Query(std::string_view sql, const Params& params) override {
        auto res = Run(sql, params);
        Rows rows;
        const int nrow = PQntuples(res.get());
        const int ncol = PQnfields(res.get());
        rows.reserve(nrow);
        for (int r = 0; r < nrow; ++r) {
            std::vector<std::optional<std::string>> cells;
            cells.reserve(ncol);
            for (int c = 0; c < ncol; ++c) {
                if (PQgetisnull(res.get(), r, c)) {
                    cells.emplace_back(std::nullopt);
                } else {
                    cells.emplace_back(std::string(PQgetvalue(res.get(), r, c), PQgetlength(res.get(), r, c)));
                }
            }
            rows.emplace_back(std::move(cells));
        }
        return rows;
    }

    std::int64_t Execute(std::string_view sql, const Params& params) override {
        auto res = Run(sql, params);
        const char* n = PQcmdTuples(res.get());
        return (n && *n) ? std::stoll(n) : 0;
    }

    void ExecuteScript(std::string_view sql) override {
        PgResult res(PQexec(conn_, std::string(sql).c_str()));
        Check(res.get(), "script");
    }

    void Begin() override { ExecuteScript("BEGIN"); }
    void BeginSnapshot() override { ExecuteScript("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY"); }
    void Commit() override { ExecuteScript("COMMIT"); }
    void Rollback() noexcept override {
        if (conn_ && PQtransactionStatus(conn_) != PQTRANS_IDLE) {
            PQclear(PQexec(conn_, "ROLLBACK"));
        }
    }
    bool Broken() const override { return !conn_ || PQstatus(conn_) != CONNECTION_OK; }

private:
    PgResult Run(std::string_view sql, const Params& params) {
        std::vector<std::string> texts;
        std::vector<const char*> values;
        texts.reserve(params.size());
        values.reserve(params.size());
        for (const auto& p : params) {
            texts.push_back(p.ToText());
            values.push_back(p.IsNull() ? nullptr : texts.back().c_str());
        }
        PgResult res(PQexecParams(conn_, std::string(sql).c_str(), static_cast<int>(params.size()), nullptr,
                                  values.data(), nullptr, nullptr, 0));
        Check(res.get(), "query");
        return res;
    }

    void Check(PGresult* res, std::string_view what) {
        auto st = res ? PQresultStatus(res) : PGRES_FATAL_ERROR;
        if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK || st == PGRES_EMPTY_QUERY) return;
        std::string msg = std::string("postgres ") + std::string(what) + ": " + PQerrorMessage(conn_);
        const char* state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : nullptr;
        std::string sqlstate = state ? state : "";
        if (sqlstate == "23505") throw UniqueViolation(msg, sqlstate);
        if (sqlstate == "23503" || sqlstate == "23514" || sqlstate == "23502") throw ConstraintViolation(msg, sqlstate);
        if (PQstatus(conn_) != CONNECTION_OK) throw ConnectionError(msg, sqlstate);
        throw DbError(msg, sqlstate);
    }

    PGconn* conn_ = nullptr;
};

// Strips the password from a DSN for logs and /healthz.
std::string RedactDsn(const std::string& dsn) {
    std::string out = dsn;
    if (auto scheme = out.find("://"); scheme != std::string::npos) {
        auto at = out.find('@', scheme);
        auto colon = out.find(':', scheme + 3);
        if (at != std::string::npos && colon != std::string::npos && colon < at) {
            out.replace(colon + 1, at - colon - 1, "***");
        }
    }
    if (auto pw = out.find("password="); pw != std::string::npos) {
        auto end = out.find(' ', pw);
        out.replace(pw + 9, (end == std::string::npos ? out.size() : end) - pw - 9, "***");
    }
    return out;
}

}  // namespace

std::unique_ptr<Database> OpenPostgres(PostgresSettings settings) {
    auto dsn = settings.dsn;
    auto schema = settings.schema;
    return std::make_unique<PooledDatabase>(
        Engine::kPostgres, std::max(1, settings.pool_size),
        [dsn, schema] { return std::make_unique<PgConnection>(dsn, schema); },
        RedactDsn(dsn) + (schema.empty() ? "" : " schema " + schema));
}

std::unique_ptr<Database> OpenByUrl(const std::string& url, int pool_size) {
    if (url.rfind("postgresql://", 0) == 0 || url.rfind("postgres://", 0) == 0) {
        return OpenPostgres({.dsn = url, .pool_size = pool_size > 0 ? pool_size : 8});
    }
    std::string path = url.rfind("sqlite:", 0) == 0 ? url.substr(7) : url;
    return OpenSqlite({.path = path, .pool_size = pool_size > 0 ? pool_size : 4});
}

std::unique_ptr<Database> OpenPartition(const std::string& url, const std::string& name, int pool_size) {
    if (name.empty() || name.size() > 48 || !(name[0] >= 'a' && name[0] <= 'z') ||
        name.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789_") != std::string::npos) {
        throw std::invalid_argument("bad partition name: " + name);
    }
    if (url.rfind("postgresql://", 0) == 0 || url.rfind("postgres://", 0) == 0) {
        // The partition of an installation in schema S (other than public) is S_name, so that
        // installations sharing one database keep their partitions apart too.
        std::string schema = name;
        {
            auto admin = OpenPostgres({.dsn = url, .pool_size = 1});
            admin->Read([&](Connection& c) {
                const auto current = c.QueryOne("SELECT current_schema()");
                const std::string main = current && !current->IsNull(0) ? current->Text(0) : "public";
                if (main != "public") {
                    if (main.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789_") != std::string::npos)
                        throw std::invalid_argument("partition of a schema with an unusual name: " + main);
                    schema = main + "_" + name;
                }
                c.ExecuteScript("CREATE SCHEMA IF NOT EXISTS \"" + schema + "\"");
            });
        }
        return OpenPostgres({.dsn = url, .pool_size = pool_size > 0 ? pool_size : 4, .schema = schema});
    }
    std::string path = url.rfind("sqlite:", 0) == 0 ? url.substr(7) : url;
    if (path == ":memory:") return OpenSqlite({.path = path, .pool_size = 1});
    // Beside the main file, named after it: vanphong.db -> vanphong.<name>.db.
    const auto main = std::filesystem::path(path);
    const auto file = main.parent_path() / (main.stem().string() + "." + name + ".db");
    return OpenSqlite({.path = file.string(), .pool_size = pool_size > 0 ? pool_size : 4});
}

}  // namespace vp::core::db
