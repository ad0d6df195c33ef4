#pragma once

#include <span>
#include <string_view>

namespace vp::core {

/// A file compiled into the binary (migrations, templates, data), by cmake/EmbedFiles.cmake.
struct EmbeddedFile {
    std::string_view path;  ///< relative to its root folder, with '/' separators
    std::string_view content;
};

}  // namespace vp::core
