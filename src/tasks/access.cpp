#include "core/message.hpp"
#include "core/text.hpp"
#include "tasks/secret.hpp"
#include "tasks/tasks.hpp"
#include "tasks/watch.hpp"

namespace vp::tasks {

void DeclareAccess(core::access::Policy& policy) {
    // 08-QC/TW Art. 6: the Central Party Office's task office classifies and enters tasks,
    // settles disputes and keeps the catalogue; the assignee's focal point acknowledges and
    // reports; its approver approves the reports; the monitoring unit evaluates; the inspection
    // commissions read (Art. 6.3, 7.3).
    policy.Allow(kTaskRead, {"task_office", "unit_focal_point", "unit_approver", "monitoring_officer", "inspector"});
    // Every task: the task office, the Office's monitoring officers and the Central Inspection
    // Commission (grants on national units); a unit's own people see their units' tasks only.
    policy.Allow(kTaskReadAll, {"task_office", "monitoring_officer", "inspector"});
    policy.Allow(kTaskEnter, {"task_office"});
    policy.Allow(kCatalogueManage, {"task_office"});
    policy.Allow(kTaskAcknowledge, {"unit_focal_point", "unit_approver"});
    policy.Allow(kUpdateSubmit, {"unit_focal_point"});
    policy.Allow(kUpdateApprove, {"unit_approver"});
    policy.Allow(kTaskDelegate, {"unit_focal_point", "unit_approver"});
    policy.Allow(kTaskEvaluate, {"monitoring_officer"});
    // Watching and evaluating (Art. 11, 17): the task office issues indicator sets and closes
    // periods; inspection commissions warn and record results within the subtree they cover.
    policy.Allow(kEvaluationManage, {"task_office"});
    policy.Allow(kInspect, {"inspector"});
    // Clearances for the secret partition (Art. 5.2), held beside a role above over a unit's
    // subtree: Tối mật admits Mật as well.
    policy.Allow(kSecretMat, {"secret_clearance_mat", "secret_clearance_toi_mat"});
    policy.Allow(kSecretToiMat, {"secret_clearance_toi_mat"});
}

core::Result<std::string> RequiredText(std::string_view field, std::string_view s, std::size_t max_chars,
                                       bool multiline) {
    auto clean = core::CleanField(field, s, max_chars, multiline);
    if (!clean) return clean.error();
    const std::string name(field);
    if (clean->empty()) return core::InvalidField(name, core::Msg("tasks.field_required", {{"field", name}}));
    return clean;
}

const std::vector<std::string>& SecrecyLevels() {
    static const std::vector<std::string> kLevels = {"thuong", "mat", "toi_mat", "tuyet_mat"};
    return kLevels;
}

const std::vector<std::string>& DocumentKinds() {
    static const std::vector<std::string> kKinds = {"resolution", "directive", "notice",   "conclusion",
                                                    "programme",  "plan",      "project",  "decision",
                                                    "regulation", "meeting_conclusion", "direction"};
    return kKinds;
}

}  // namespace vp::tasks
