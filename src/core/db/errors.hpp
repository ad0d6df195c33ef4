#pragma once

#include <stdexcept>
#include <string>

namespace vp::core::db {

/// Infrastructure failure in the database layer. `what()` is for logs only.
class DbError : public std::runtime_error {
public:
    explicit DbError(const std::string& what, std::string sqlstate = {})
        : std::runtime_error(what), sqlstate_(std::move(sqlstate)) {}
    const std::string& SqlState() const { return sqlstate_; }

private:
    std::string sqlstate_;
};

/// A UNIQUE or PRIMARY KEY constraint failed (SQLSTATE 23505; SQLITE_CONSTRAINT_UNIQUE).
class UniqueViolation : public DbError {
public:
    using DbError::DbError;
};

/// A FOREIGN KEY or CHECK constraint failed (SQLSTATE 23503/23514).
class ConstraintViolation : public DbError {
public:
    using DbError::DbError;
};

/// The connection was lost or could not be made.
class ConnectionError : public DbError {
public:
    using DbError::DbError;
};

}  // namespace vp::core::db
