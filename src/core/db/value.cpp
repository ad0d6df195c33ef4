#include <charconv>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "core/db/database.hpp"

namespace vp::core::db {

std::string Value::ToText() const {
    return std::visit(
        [](const auto& v) -> std::string {
            using T = std::decay_t<decltype(v)>;
            if constexpr (std::is_same_v<T, std::monostate>) {
                return {};
            } else if constexpr (std::is_same_v<T, std::string>) {
                return v;
            } else if constexpr (std::is_same_v<T, double>) {
                return fmt::format("{}", v);
            } else {
                return std::to_string(v);
            }
        },
        v_);
}

const std::string& Row::Text(std::size_t i) const {
    static const std::string kEmpty;
    const auto& c = cells_.at(i);
    return c ? *c : kEmpty;
}

std::int64_t Row::Int(std::size_t i) const {
    const auto& c = cells_.at(i);
    if (!c || c->empty()) return 0;
    // PostgreSQL sends booleans as "t"/"f".
    if (*c == "t") return 1;
    if (*c == "f") return 0;
    std::int64_t v = 0;
    auto [p, ec] = std::from_chars(c->data(), c->data() + c->size(), v);
    if (ec != std::errc{}) throw DbError("column " + std::to_string(i) + " is not an integer");
    return v;
}

std::optional<std::int64_t> Row::OptInt(std::size_t i) const {
    if (IsNull(i)) return std::nullopt;
    return Int(i);
}

double Row::Real(std::size_t i) const {
    const auto& c = cells_.at(i);
    if (!c || c->empty()) return 0;
    return std::stod(*c);
}

void Connection::AfterCommit(std::function<void()> fn) {
    if (in_transact_) {
        after_commit_.push_back(std::move(fn));
        return;
    }
    try {
        fn();
    } catch (const std::exception& e) {
        spdlog::error("db: an after-commit callback failed: {}", e.what());
    }
}

void Connection::CloseCallbacks(bool committed) {
    in_transact_ = false;
    auto callbacks = std::move(after_commit_);
    after_commit_.clear();
    if (!committed) return;
    for (auto& fn : callbacks) {
        try {
            fn();
        } catch (const std::exception& e) {
            spdlog::error("db: an after-commit callback failed: {}", e.what());
        }
    }
}

}  // namespace vp::core::db
