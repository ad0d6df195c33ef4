#pragma once

#include <string>
#include <string_view>

namespace vp::core {

/// True when s is well-formed UTF-8 (no overlongs, no surrogates, nothing above U+10FFFF).
bool IsValidUtf8(std::string_view s);
/// Number of code points in valid UTF-8.
std::size_t Utf8Length(std::string_view s);
/// Trims ASCII whitespace at both ends.
std::string Trim(std::string_view s);

}  // namespace vp::core
