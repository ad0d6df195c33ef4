#pragma once

#include <span>

#include "core/embedded.hpp"
#include "core/message.hpp"

namespace vp::embedded {
/// Every templates/i18n/<lang>.json and templates/<module>/i18n/<lang>.json, compiled in (library
/// vp::strings); paths relative to templates/ ("i18n/vi.json", "auth/i18n/en.json").
std::span<const vp::core::EmbeddedFile> Strings();
}  // namespace vp::embedded

namespace vp::core {

/// The shipped interface strings and message texts of every module, merged per language (what
/// the app installs with InstallMessages and gives its TemplateStore). Throws std::runtime_error
/// for a malformed file or a key defined twice in one language (naming both files).
MessageCatalog ShippedStrings();

}  // namespace vp::core
