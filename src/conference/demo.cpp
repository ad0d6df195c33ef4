// The demo's conference (`vanphong serve --demo`): the next half-yearly one, proposed from the
// schedule and confirmed, so that every screen has something to show.
#include "conference/conference.hpp"

namespace vp::conference {

void LoadDemo(Service& svc, const core::Clock&) {
    const auto op = core::access::Principal::Operator();
    if (!svc.List(op).empty()) return;
    if (auto id = svc.ProposePeriodic(400)) (void)svc.Act(op, id, "confirm");
}

}  // namespace vp::conference
