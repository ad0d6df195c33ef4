#pragma once
#include <memory>

#include "platform/module.hpp"
#include "signatures/signatures.hpp"

namespace vp::site {
/// The public site's plug: the pages at / (the main portal) and /cong/<code> (component portals,
/// or their own host names), feeds, sitemaps and robots.txt, and the page cache emptied on every
/// "portal.public" or "portal.item" event of any node. Reads the built `portal` and `media`
/// modules and the signatures service (the verification of documents' files). `public_url`
/// makes absolute links. Any GET no module answers meets the site's 404 page.
std::unique_ptr<platform::Module> MakeModule(const platform::Module& portal, const platform::Module& media,
                                             const std::unique_ptr<signatures::Service>& signatures,
                                             std::string public_url);
}  // namespace vp::site
