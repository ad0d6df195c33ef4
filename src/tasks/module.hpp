#pragma once
#include <memory>

#include "platform/module.hpp"
#include "signatures/signatures.hpp"

namespace vp::tasks {
/// The Tasks plug: permissions, the service, API and pages, the jobs that recompute statuses as
/// time passes and clocks after a calendar change, the "tasks.task" live-event topic and the
/// `vanphong tasks schedule` command. `signatures` (built by the signatures module) and the media
/// module `media` check the signed files of assignment documents (T-5).
std::unique_ptr<platform::Module> MakeModule(const std::unique_ptr<signatures::Service>& signatures,
                                             const platform::Module& media);
}  // namespace vp::tasks
