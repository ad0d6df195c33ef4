#pragma once

#include <string>
#include <string_view>

#include "core/result.hpp"

namespace vp::core {

/// True when s is well-formed UTF-8 (no overlongs, no surrogates, nothing above U+10FFFF).
bool IsValidUtf8(std::string_view s);
/// Number of code points in valid UTF-8.
std::size_t Utf8Length(std::string_view s);
/// Unicode NFC (TCVN 6909:2011 requires precomposed Vietnamese text, P-12): the same word
/// typed with combining marks or precomposed letters becomes the same bytes. Input must be
/// valid UTF-8 (invalid input is returned unchanged).
std::string ToNfc(std::string_view s);
/// The one loose form of Vietnamese text: lower-cased, without diacritics, with "đ" as "d"
/// ("Nguyễn" -> "nguyen", "ĐẢNG" -> "dang"), in NFC. ICU decomposes and drops the non-spacing
/// marks; đ/Đ have no decomposition, so they are mapped explicitly. Invalid UTF-8 is returned
/// unchanged.
std::string FoldDiacritics(std::string_view s);
/// Trims ASCII whitespace at both ends.
std::string Trim(std::string_view s);

/// A text field as every form and API accepts it (P-12): valid UTF-8, no control characters (tab
/// and newline only when `multiline`), trimmed, NFC, at most `max_chars` code points. Errors name
/// the field (core.field_invalid_text, core.field_control_chars, core.field_too_long).
Result<std::string> CleanField(std::string_view field, std::string_view s, std::size_t max_chars,
                               bool multiline = false);

}  // namespace vp::core
