#pragma once
// The Portal's demo data (`vanphong serve --demo`), loaded once on the first start.

#include "core/clock.hpp"
#include "media/media.hpp"
#include "portal/portal.hpp"

namespace vp::portal {

/// The portals, a few items in every state, the library and collections (demo.cpp), then the
/// corpus (LoadDemoCorpus) published through `dated`, a second service over the same database
/// whose clock the loader moves back in time.
void LoadDemo(Service& svc, Service& dated, core::FakeClock& dated_clock, media::Service& media,
              const core::Clock& clock, bool corpus = true);

/// Creates an item as the operator and takes it through the workflow to publication; its id,
/// or 0 when something refused it (logged).
std::int64_t PublishDemo(Service& svc, NewItem n);

/// The demo corpus (data/portal/demo-corpus.json): 300 and more items across the demo portals,
/// English translations, pictures drawn locally, official documents with a signed PDF and
/// collections, published at times spread over the past weeks (demo_corpus.cpp).
void LoadDemoCorpus(Service& svc, core::FakeClock& clock, media::Service& media, const core::Clock& real);

}  // namespace vp::portal
