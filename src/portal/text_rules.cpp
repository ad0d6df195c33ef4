// Text as the portal accepts it in every field (P-12): shared by the service and the rules.
#include "core/message.hpp"
#include "core/text.hpp"
#include "portal/internal.hpp"

namespace vp::portal::detail {

using core::Msg;

core::Result<std::string> CleanText(std::string_view field, std::string_view s, std::size_t max_chars, bool multiline) {
    if (!core::IsValidUtf8(s))
        return core::InvalidField(std::string(field),
                                  Msg("portal.field_invalid_text", {{"field", std::string(field)}}));
    for (unsigned char c : s) {
        if ((c < 0x20 && !(multiline && (c == '\n' || c == '\t'))) || c == 0x7f) {
            return core::InvalidField(std::string(field),
                                      Msg("portal.field_control_chars", {{"field", std::string(field)}}));
        }
    }
    auto out = core::ToNfc(core::Trim(s));
    if (core::Utf8Length(out) > max_chars) {
        return core::InvalidField(
            std::string(field),
            Msg("portal.field_too_long", {{"field", std::string(field)}, {"max", std::to_string(max_chars)}}));
    }
    return out;
}

}  // namespace vp::portal::detail
