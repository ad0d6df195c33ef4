#include "auth/roles.hpp"

#include <algorithm>
#include <map>
#include <set>

namespace vp::auth {
namespace {

constexpr std::pair<Permission, std::string_view> kPermissionNames[] = {
    {Permission::kUnitView, "unit.view"},           {Permission::kUnitManage, "unit.manage"},
    {Permission::kAccountView, "account.view"},     {Permission::kAccountRequest, "account.request"},
    {Permission::kAccountApprove, "account.approve"}, {Permission::kAccountRevoke, "account.revoke"},
    {Permission::kAuditRead, "audit.read"},         {Permission::kCalendarManage, "calendar.manage"},
    {Permission::kJobsView, "jobs.view"},
};

using P = Permission;
const std::map<std::string_view, std::set<Permission>>& Table() {
    // Every role can look at the unit registry; the rest is granted explicitly.
    static const std::map<std::string_view, std::set<Permission>> kTable = {
        {"contributor", {P::kUnitView}},
        {"editor", {P::kUnitView}},
        {"reviewer", {P::kUnitView}},
        {"publisher", {P::kUnitView}},
        {"portal_director", {P::kUnitView, P::kAccountView}},
        {"portal_admin", {P::kUnitView, P::kAccountView, P::kAccountRequest}},
        {"translator", {P::kUnitView}},
        {"task_office", {P::kUnitView, P::kCalendarManage}},
        {"unit_focal_point", {P::kUnitView}},
        {"unit_approver", {P::kUnitView}},
        {"monitoring_officer", {P::kUnitView}},
        {"inspector", {P::kUnitView, P::kAccountView, P::kAuditRead}},
        {"conference_organiser", {P::kUnitView}},
        {"site_operator", {P::kUnitView}},
        {"leader", {P::kUnitView, P::kAccountView, P::kAccountApprove, P::kAccountRevoke}},
        {"system_admin",
         {P::kUnitView, P::kUnitManage, P::kAccountView, P::kAccountRequest, P::kAccountRevoke, P::kAuditRead,
          P::kCalendarManage, P::kJobsView}},
    };
    return kTable;
}

}  // namespace

const std::vector<RoleInfo>& Roles() {
    static const std::vector<RoleInfo> kRoles = {
        {"contributor", "Cộng tác viên", "Contributor", false},
        {"editor", "Biên tập viên", "Editor", true},
        {"reviewer", "Kiểm duyệt viên", "Reviewer", true},
        {"publisher", "Người xuất bản", "Publisher", true},
        {"portal_director", "Lãnh đạo Ban biên tập", "Portal director", true},
        {"portal_admin", "Quản trị Cổng", "Portal administrator", true},
        {"translator", "Biên dịch, hiệu đính", "Translator / proof-reader", true},
        {"task_office", "Văn phòng theo dõi nhiệm vụ", "Task office", true},
        {"unit_focal_point", "Đầu mối cập nhật của đơn vị", "Unit focal point", false},
        {"unit_approver", "Lãnh đạo duyệt của đơn vị", "Unit approver", false},
        {"monitoring_officer", "Cán bộ theo dõi", "Monitoring officer", false},
        {"inspector", "Cán bộ kiểm tra", "Inspector", true},
        {"conference_organiser", "Tổ chức hội nghị", "Conference organiser", false},
        {"site_operator", "Vận hành điểm cầu", "Site operator", false},
        {"leader", "Lãnh đạo phê duyệt tài khoản", "Leadership (account approval)", true},
        {"system_admin", "Quản trị hệ thống", "System administrator", true},
    };
    return kRoles;
}

std::optional<RoleInfo> FindRole(std::string_view code) {
    for (const auto& r : Roles()) {
        if (r.code == code) return r;
    }
    return std::nullopt;
}

bool RoleGrants(std::string_view role, Permission p) {
    auto it = Table().find(role);
    return it != Table().end() && it->second.count(p) > 0;
}

std::string_view PermissionName(Permission p) {
    for (const auto& [perm, name] : kPermissionNames) {
        if (perm == p) return name;
    }
    return "unknown";
}

std::optional<Permission> FindPermission(std::string_view name) {
    for (const auto& [perm, n] : kPermissionNames) {
        if (n == name) return perm;
    }
    return std::nullopt;
}

}  // namespace vp::auth
