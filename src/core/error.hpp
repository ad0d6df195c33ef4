#pragma once

#include <stdexcept>
#include <string>

namespace vp::core {

/// @brief What kind of expected failure happened. Mapped to an HTTP status in exactly one place:
/// core/http/response.cpp `HttpStatusFor`.
/// When adding enumerators here ^, also update HttpStatusFor and ErrorCodeName.
enum class ErrorCode {
    kInvalidInput,
    kUnauthorized,
    kForbidden,
    kNotFound,
    kConflict,
    kLocked,
    kTooManyRequests,
    kPayloadTooLarge,
    kUnsupportedMediaType,
    kUnavailable,
    kInternal,
};

/// Stable machine-readable name, used as `error.code` in JSON ("invalid_input", ...).
const char* ErrorCodeName(ErrorCode code);

/// @brief An expected failure. `message` is the Vietnamese text shown to the user;
/// `detail` is for the log only and is never sent to a client.
struct Error {
    ErrorCode code = ErrorCode::kInternal;
    std::string message;
    std::string detail;
    int retry_after_s = 0;  ///< > 0: the answer carries Retry-After (429, 503)
};

inline Error InvalidInput(std::string message, std::string detail = {}) {
    return {ErrorCode::kInvalidInput, std::move(message), std::move(detail)};
}
inline Error NotFound(std::string message) { return {ErrorCode::kNotFound, std::move(message), {}}; }
inline Error Forbidden(std::string message = "Bạn không có quyền thực hiện thao tác này.") {
    return {ErrorCode::kForbidden, std::move(message), {}};
}
inline Error Conflict(std::string message) { return {ErrorCode::kConflict, std::move(message), {}}; }
inline Error Unauthorized(std::string message = "Cần đăng nhập.") {
    return {ErrorCode::kUnauthorized, std::move(message), {}};
}

/// @brief Thrown when a bounded resource is full (the password hashing queue, say): the HTTP
/// server answers 503 with `Retry-After: retry_after_s` instead of waiting.
class Overloaded : public std::runtime_error {
public:
    Overloaded(const std::string& what, int retry_after_s) : std::runtime_error(what), retry_after_s_(retry_after_s) {}
    int RetryAfterSeconds() const { return retry_after_s_; }

private:
    int retry_after_s_;
};

}  // namespace vp::core
