#pragma once
#include <memory>

#include "platform/module.hpp"

namespace vp::site {
/// The public site's plug: the pages at / (the main portal) and /cong/<code> (component portals,
/// or their own host names), feeds, sitemaps and robots.txt, and the page cache emptied on every
/// "portal.public" or "portal.item" event of any node. Reads the built `portal` and `media`
/// modules. `public_url` makes absolute links.
std::unique_ptr<platform::Module> MakeModule(const platform::Module& portal, const platform::Module& media,
                                             std::string public_url);
}  // namespace vp::site
