#pragma once
#include <memory>

#include "core/secret_box.hpp"
#include "platform/module.hpp"

namespace vp::conference {
/// The Conferences plug: permissions, the service, API and pages, menu, the "conference.live"
/// live-event topic, and the jobs (reminders of due documents, the periodic proposal, sites
/// following the registry). `tasks` receives the issued conclusions as tracked tasks, `portal`
/// the conference's news drafts, `media` keeps the documents' files (private). `secrets` seals
/// the video systems' secrets. `schedule`: the periodic conferences, "6,12@15" (docs/conferences.md).
std::unique_ptr<platform::Module> MakeModule(const std::unique_ptr<core::SecretBox>& secrets,
                                             const platform::Module& tasks, const platform::Module& portal,
                                             const platform::Module& media, std::string schedule = "6,12@15");
}  // namespace vp::conference
