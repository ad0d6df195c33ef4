// The list of modules of this node: adding a module is its folder and one line here.
#include "app/impl.hpp"
#include "audit/module.hpp"
#include "auth/module.hpp"
#include "calendar/module.hpp"
#include "conference/module.hpp"
#include "signatures/module.hpp"
#include "media/module.hpp"
#include "portal/module.hpp"
#include "site/module.hpp"
#include "tasks/module.hpp"
#include "units/module.hpp"

namespace vp::app {

std::vector<std::unique_ptr<platform::Module>> App::Impl::ListModules() {
    std::vector<std::unique_ptr<platform::Module>> m;
    m.push_back(units::MakeModule());
    m.push_back(auth::MakeModule());
    m.push_back(audit::MakeModule());
    m.push_back(calendar::MakeModule(calendar));
    m.push_back(signatures::MakeModule(secret_box, signatures::SettingsFor(config.trust_anchors, config.demo),
                                       signature_service));
    auto media_module = media::MakeModule(config.MediaDir(), config.media_limits);
    const auto& media_ref = *media_module;
    m.push_back(std::move(media_module));
    auto portal_module = portal::MakeModule(secret_box, signature_service, media_ref, config.demo_corpus);
    const auto& portal_ref = *portal_module;
    m.push_back(std::move(portal_module));
    auto tasks_module = tasks::MakeModule(signature_service, media_ref,
                                          {.remind_before_hours = config.tasks_remind_before_hours,
                                           .escalate_after_hours = config.tasks_escalate_after_hours,
                                           .lag_margin = config.tasks_lag_margin});
    const auto& tasks_ref = *tasks_module;
    m.push_back(std::move(tasks_module));
    m.push_back(conference::MakeModule(secret_box, tasks_ref, portal_ref, media_ref, config.conference_schedule));
    m.push_back(site::MakeModule(portal_ref, media_ref, signature_service,
                                 {.public_url = config.public_url,
                                  .cache_bytes = static_cast<std::size_t>(config.site_cache_mb) << 20,
                                  .cache = config.site_cache_mb > 0,
                                  .sitemap_max_urls = config.sitemap_max_urls,
                                  .file_directory = config.data_dir}));
    return m;
}

}  // namespace vp::app
