#include "app/demo.hpp"

#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include <fmt/format.h>

#include "auth/crypto/totp.hpp"

namespace vp::app {

namespace {
struct DemoAccount {
    const char* username;
    const char* full_name;
    const char* role;
    const char* unit;
    const char* portal = "";  ///< a portal's editorial board: the grant is on that portal (at the root unit)
    const char* clearance = "";  ///< a clearance for secret documents held beside the role, at the same unit
    const char* main_portal_role = "";  ///< a role on the main portal's editorial board beside it (at the root)
};
// One account per role, placed in a plausible unit.
constexpr DemoAccount kDemo[] = {
    {"admin", "Quản trị Hệ thống", "system_admin", "DCSVN"},
    {"lanhdao", "Lãnh đạo Văn phòng", "leader", "DCSVN"},
    {"lanhdaovp", "Lãnh đạo Văn phòng Trung ương Đảng", "office_leader", "VPTW"},
    {"bientap", "Biên tập viên Cổng", "editor", "VPTW-TTCNTT", "main"},
    {"kiemduyet", "Kiểm duyệt viên Cổng", "reviewer", "VPTW-TTCNTT", "main"},
    {"xuatban", "Người xuất bản Cổng", "publisher", "VPTW-TTCNTT", "main"},
    {"bbt", "Lãnh đạo Ban biên tập", "portal_director", "VPTW-TTCNTT", "main"},
    {"quantricong", "Quản trị Cổng", "portal_admin", "VPTW-TTCNTT", "main"},
    {"biendich", "Biên dịch viên", "translator", "VPTW-TTCNTT", "main"},
    {"nhuanbut", "Cán bộ nhuận bút", "royalty_officer", "VPTW-TTCNTT", "main"},
    {"congtacvien", "Cộng tác viên Hà Nội", "contributor", "VP-HNI", "main"},
    {"vpnhiemvu", "Chuyên viên theo dõi nhiệm vụ", "task_office", "VPTW-VTH", "", "secret_clearance_toi_mat"},
    {"daumoi", "Đầu mối Văn phòng Thành ủy Hà Nội", "unit_focal_point", "VP-HNI"},
    {"duyetdonvi", "Lãnh đạo Văn phòng Thành ủy Hà Nội", "unit_approver", "VP-HNI", "", "secret_clearance_mat"},
    {"theodoi", "Cán bộ theo dõi", "monitoring_officer", "VPTW-VTH", "", "secret_clearance_toi_mat"},
    {"kiemtra", "Cán bộ Ủy ban Kiểm tra Trung ương", "inspector", "UBKTTW"},
    {"hoinghi", "Chuyên viên Vụ Địa phương I", "conference_organiser", "VPTW-VDP1"},
    {"vudp2", "Chuyên viên Vụ Địa phương II", "conference_organiser", "VPTW-VDP2"},
    {"vudp3", "Chuyên viên Vụ Địa phương III", "conference_organiser", "VPTW-VDP3"},
    {"tccb", "Chuyên viên Vụ Tổ chức - Cán bộ", "conference_organiser", "VPTW-VTCCB"},
    {"hccy", "Chuyên viên Vụ Hành chính - Cơ yếu", "conference_organiser", "VPTW-VHCCY"},
    // The IT centre reports the conference on the portal (Art. 12): also an editor of the main portal.
    {"cntt", "Kỹ thuật viên Trung tâm Công nghệ thông tin", "conference_organiser", "VPTW-TTCNTT", "", "", "editor"},
    {"quantri", "Cục Quản trị - Tài vụ (điểm cầu Hà Nội)", "conference_organiser", "VPTW-CQTTV"},
    {"diemcau", "Vận hành điểm cầu Đà Nẵng", "site_operator", "VP-DNG"},
    {"diemcauhue", "Vận hành điểm cầu Huế", "site_operator", "VP-HUE"},
};
constexpr const char* kDemoPassword = "SaoMai@Demo2026";
}  // namespace

std::string EnsureDemoAccounts(auth::Service& auth, units::Service& units, const std::string& data_dir) {
    const auto path = std::filesystem::path(data_dir) / "demo-accounts.txt";
    if (!auth.AnyUsers()) {
        std::ostringstream out;
        out << "Demo accounts (password for all: " << kDemoPassword << ")\n"
            << "One-time codes: scan the secret into any authenticator app, or run: oathtool --totp -b SECRET\n\n"
            << fmt::format("{:<14} {:<22} {:<34} {}\n", "username", "role", "TOTP secret", "one-time code");
        for (const auto& d : kDemo) {
            auto unit = units.FindByCode(d.unit);
            if (!unit) continue;
            // A portal board's grant sits on the root unit, limited to that portal.
            const auto grant_unit = *d.portal ? units.FindByCode("DCSVN") : unit;
            if (!grant_unit) continue;
            auto secret = auth::Base32Encode(auth::GenerateTotpSecret());
            decltype(auth::NewAccount::roles) roles = {{d.role, grant_unit->id, d.portal}};
            if (*d.clearance) roles.push_back({d.clearance, unit->id, ""});
            if (*d.main_portal_role) {
                if (auto root = units.FindByCode("DCSVN")) roles.push_back({d.main_portal_role, root->id, "main"});
            }
            auto r = auth.CreateActive(core::access::Principal::Operator(),
                                       {.username = d.username,
                                        .full_name = d.full_name,
                                        .unit_id = unit->id,
                                        .roles = std::move(roles),
                                        .reason = "demo"},
                                       kDemoPassword, secret);
            if (!r)
                throw std::runtime_error(std::string("demo account ") + d.username + ": " +
                                         core::Text(r.error().message, "vi"));
            out << fmt::format("{:<14} {:<22} {:<34} oathtool --totp -b {}\n", d.username, d.role, secret, secret);
        }
        std::ofstream f(path);
        f << out.str();
        f.close();
        ::chmod(path.c_str(), 0600);
    }
    std::ifstream in(path);
    if (!in) return "";
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

}  // namespace vp::app
