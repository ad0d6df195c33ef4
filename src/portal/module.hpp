#pragma once
#include <memory>

#include "core/secret_box.hpp"
#include "platform/module.hpp"
#include "signatures/signatures.hpp"

namespace vp::portal {
/// The Portal back office's plug: permissions, the service, pages, API, menu, the scheduled
/// publication job and the "portal.item" live-event topic.
/// `secrets` (built by src/app before the modules are) seals contributors' bank details;
/// `signatures` (built by the signatures module) and the media module `media` sign the files of
/// published official documents (P-30). `demo_corpus`: with --demo, the public site's stories too.
std::unique_ptr<platform::Module> MakeModule(const std::unique_ptr<core::SecretBox>& secrets,
                                             const std::unique_ptr<signatures::Service>& signatures,
                                             const platform::Module& media, bool demo_corpus = true);
/// The service of the built portal module `m` (for the modules that read what it publishes: the
/// public site). Throws std::logic_error for another module or before Build.
class Service;
const Service& ServiceOf(const platform::Module& m);
/// The same service for modules that draft items on a portal (a conference's news), each draft
/// under the portal's own permission check of the person who asks.
Service& DraftingServiceOf(const platform::Module& m);
}  // namespace vp::portal
