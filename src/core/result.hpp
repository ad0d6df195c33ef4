#pragma once

#include <cassert>
#include <utility>
#include <variant>

#include "core/error.hpp"

namespace vp::core {

/// @brief A value or an expected Error (modelled on userver's utils::expected; C++20 has no
/// std::expected). Infrastructure failures are exceptions, not Results.
template <class T>
class [[nodiscard]] Result {
public:
    Result(T value) : v_(std::move(value)) {}      // NOLINT(google-explicit-constructor)
    Result(Error error) : v_(std::move(error)) {}  // NOLINT(google-explicit-constructor)

    bool ok() const { return std::holds_alternative<T>(v_); }
    explicit operator bool() const { return ok(); }

    T& value() & {
        assert(ok());
        return std::get<T>(v_);
    }
    const T& value() const& {
        assert(ok());
        return std::get<T>(v_);
    }
    T&& value() && {
        assert(ok());
        return std::get<T>(std::move(v_));
    }
    const Error& error() const {
        assert(!ok());
        return std::get<Error>(v_);
    }
    T* operator->() { return &value(); }
    const T* operator->() const { return &value(); }
    T& operator*() { return value(); }

private:
    std::variant<T, Error> v_;
};

/// Result of an operation that has no value.
struct Ok {};
using Status = Result<Ok>;

}  // namespace vp::core
