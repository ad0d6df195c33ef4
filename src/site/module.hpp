#pragma once
#include <memory>

#include "platform/module.hpp"
#include "signatures/signatures.hpp"
#include "site/site.hpp"

namespace vp::site {
/// The public site's plug: the pages at / (the main portal) and /cong/<code> (component portals,
/// or their own host names), feeds, sitemaps and robots.txt, and the page cache emptied on every
/// "portal.public" or "portal.item" event of any node. Reads the built `portal` and `media`
/// modules and the signatures service (the verification of documents' files). `settings`:
/// the public address for absolute links and the page cache's bound. Any GET no module
/// answers meets the site's 404 page.
std::unique_ptr<platform::Module> MakeModule(const platform::Module& portal, const platform::Module& media,
                                             const std::unique_ptr<signatures::Service>& signatures,
                                             Settings settings);
}  // namespace vp::site
