#pragma once

#include <chrono>
#include <cstdint>

namespace vp::core {

using TimePoint = std::chrono::sys_time<std::chrono::milliseconds>;

/// @brief Source of "now". The one seam for deadlines (P-13, P-14, T-4) and expiries; tests
/// pass a FakeClock with a fixed instant.
class Clock {
public:
    virtual ~Clock() = default;
    virtual TimePoint Now() const = 0;
};

class SystemClock final : public Clock {
public:
    TimePoint Now() const override {
        return std::chrono::time_point_cast<std::chrono::milliseconds>(std::chrono::system_clock::now());
    }
};

class FakeClock final : public Clock {
public:
    explicit FakeClock(TimePoint now) : now_(now) {}
    TimePoint Now() const override { return now_; }
    void Set(TimePoint now) { now_ = now; }
    void Advance(std::chrono::milliseconds d) { now_ += d; }

private:
    TimePoint now_;
};

inline std::int64_t ToMillis(TimePoint t) { return t.time_since_epoch().count(); }
inline TimePoint FromMillis(std::int64_t ms) { return TimePoint{std::chrono::milliseconds{ms}}; }

}  // namespace vp::core
