#include "auth/roles.hpp"

namespace vp::auth {

void DeclareAccess(core::access::Policy& policy) {
    // rank: 1 ordinary, 2 administers a portal's or unit's accounts, 3 system administration,
    // 4 the leadership that approves accounts. Nobody acts on a role stronger than his own.
    const RoleInfo roles[] = {
        {"contributor", "Cộng tác viên", "Contributor", false, 1},
        {"editor", "Biên tập viên", "Editor", true, 1},
        {"reviewer", "Kiểm duyệt viên", "Reviewer", true, 1},
        {"publisher", "Người xuất bản", "Publisher", true, 1},
        {"portal_director", "Lãnh đạo Ban biên tập", "Portal director", true, 2},
        {"portal_admin", "Quản trị Cổng", "Portal administrator", true, 2},
        {"translator", "Biên dịch, hiệu đính", "Translator / proof-reader", true, 1},
        {"royalty_officer", "Cán bộ nhuận bút", "Royalty officer", true, 1},
        {"task_office", "Văn phòng theo dõi nhiệm vụ", "Task office", true, 1},
        {"unit_focal_point", "Đầu mối cập nhật của đơn vị", "Unit focal point", false, 1},
        {"unit_approver", "Lãnh đạo duyệt của đơn vị", "Unit approver", false, 1},
        {"monitoring_officer", "Cán bộ theo dõi", "Monitoring officer", false, 1},
        {"inspector", "Cán bộ kiểm tra", "Inspector", true, 1},
        {"secret_clearance_mat", "Được tiếp cận thông tin Mật", "Cleared for Mật (secret)", true, 1},
        {"secret_clearance_toi_mat", "Được tiếp cận thông tin Tối mật", "Cleared for Tối mật (top secret)", true, 1},
        {"conference_organiser", "Tổ chức hội nghị", "Conference organiser", false, 1},
        {"site_operator", "Vận hành điểm cầu", "Site operator", false, 1},
        {"leader", "Lãnh đạo phê duyệt tài khoản", "Leadership (account approval)", true, 4},
        {"office_leader", "Lãnh đạo Văn phòng Trung ương", "Central Party Office leadership", true, 4},
        {"system_admin", "Quản trị hệ thống", "System administrator", true, 3},
    };
    for (const auto& r : roles) policy.AddRole(r);
    policy.Allow(kAccountView, {"portal_director", "portal_admin", "inspector", "leader", "system_admin"});
    policy.Allow(kAccountRequest, {"portal_admin", "system_admin"});
    policy.Allow(kAccountApprove, {"leader"});
    policy.Allow(kAccountRevoke, {"leader", "system_admin"});
}

}  // namespace vp::auth
