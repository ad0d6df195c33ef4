#include "core/strings.hpp"

namespace vp::core {

MessageCatalog ShippedStrings() { return MessageCatalog::FromFiles(embedded::Strings()); }

}  // namespace vp::core
