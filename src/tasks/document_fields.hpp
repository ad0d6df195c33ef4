#pragma once
// Internal to src/tasks: the checks every assignment document's Art. 5 fields get, in the open
// record (service.cpp) and in the secret partition (secret.cpp).

#include <string>

#include "core/result.hpp"

namespace vp::tasks::detail {

struct DocumentText {
    std::string *title, *number, *symbol, *signer, *submitting_unit, *issuing_unit;
    const std::string* issued_on;
};

/// Cleans the text fields in place (valid UTF-8, NFC, no control characters, bounded), requires
/// the title, the signer and the issuing body, and checks the issue date (YYYY-MM-DD); errors
/// name the field.
core::Status CleanDocumentText(const DocumentText& d);

}  // namespace vp::tasks::detail
