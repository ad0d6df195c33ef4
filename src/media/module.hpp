#pragma once
#include <filesystem>
#include <memory>
#include <string_view>

#include "media/media.hpp"
#include "platform/module.hpp"

namespace vp::media {

/// The media module's plug: permission, upload API, file serving, API part. Files go under
/// `directory` (`--media-dir`, by default <data-dir>/media); `limits` is the `--media-limits`
/// text (ParseLimits; "" keeps the defaults). Throws std::invalid_argument for bad limits.
std::unique_ptr<platform::Module> MakeModule(std::filesystem::path directory, std::string_view limits = {});

/// The service of the media module `m` (built), for the composition root to hand to modules that
/// store files (Portal, Tasks, Conferences). Throws std::logic_error when `m` is not the media
/// module or was not built yet.
Service& ServiceOf(const platform::Module& m);

/// Serves a stored private file (FindStored) as /media/... would, but never to shared caches: for
/// owner modules' routes, after their own permission check.
core::http::Response ServePrivately(const core::http::Request& req, const Service& media, const ServedFile& f);

}  // namespace vp::media
