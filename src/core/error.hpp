#pragma once

#include <stdexcept>
#include <string>

#include "core/message.hpp"

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
    kUnprocessable,  ///< well-formed, but the rules refuse what it carries (a forbidden field, say)
    kUnavailable,
    kInternal,
};

/// Stable machine-readable name, used as `error.code` in JSON ("invalid_input", ...).
const char* ErrorCodeName(ErrorCode code);

/// @brief An expected failure. `message` is what the person is told, rendered in their language
/// at the edge (core/message.hpp); `detail` is for the log only and is never sent to a client.
struct Error {
    ErrorCode code = ErrorCode::kInternal;
    Message message;
    std::string detail;
    int retry_after_s = 0;  ///< > 0: the answer carries Retry-After (429, 503)
    std::string field;      ///< the input field a validation error names ("" when none); JSON "field"
};

inline Error InvalidInput(Message message, std::string detail = {}) {
    return {ErrorCode::kInvalidInput, std::move(message), std::move(detail)};
}
/// A validation error about one input field (a form shows it next to the field).
inline Error InvalidField(std::string field, Message message) {
    return {ErrorCode::kInvalidInput, std::move(message), {}, 0, std::move(field)};
}
/// Input that is well-formed but that a rule refuses as such, naming the field (HTTP 422).
inline Error Unprocessable(std::string field, Message message) {
    return {ErrorCode::kUnprocessable, std::move(message), {}, 0, std::move(field)};
}
inline Error NotFound(Message message) { return {ErrorCode::kNotFound, std::move(message), {}}; }
inline Error Forbidden(Message message = Msg("core.forbidden")) {
    return {ErrorCode::kForbidden, std::move(message), {}};
}
inline Error Conflict(Message message) { return {ErrorCode::kConflict, std::move(message), {}}; }
inline Error Unauthorized(Message message = Msg("core.sign_in_required")) {
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
