#pragma once
#include <memory>

#include "platform/module.hpp"
#include "signatures/signatures.hpp"

namespace vp::signatures {
/// The signatures module's plug: builds the Service over the platform with the node's secret
/// box (which seals the signing keys; built by src/app before Build) and trust anchors, its
/// public verification page and API. `service` receives the built Service, for the modules that
/// register files (Portal, Tasks) and for the composition root.
std::unique_ptr<platform::Module> MakeModule(const std::unique_ptr<core::SecretBox>& box, ServiceSettings settings,
                                             std::unique_ptr<Service>& service);

/// The settings for `--trust-anchors DIR`: the certificates in DIR; with none given and `demo`,
/// the TEST ONLY root CA of tests/data/pki (compiled in), so the shipped samples verify on the
/// demo; otherwise no anchor. Throws std::runtime_error for an unreadable DIR.
ServiceSettings SettingsFor(const std::string& trust_anchors_dir, bool demo);
}  // namespace vp::signatures
