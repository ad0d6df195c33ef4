#include "portal/sections.hpp"

namespace vp::portal {

std::vector<SectionTemplate> TemplateSections(std::string_view kind) {
    std::vector<SectionTemplate> out = {
        {"tin-tuc", "Tin tức - Sự kiện", "News and events", false},
        // P-27: Party documents, leadership activities, study materials, and the three thematic sections.
        {"van-kien-dang", "Tư liệu - Văn kiện Đảng", "Party documents", true},
        {"van-ban", "Văn bản", "Official documents", true},
        {"hoat-dong-lanh-dao", "Hoạt động lãnh đạo Đảng, Nhà nước", "Activities of Party and State leaders", true},
        {"tai-lieu-hoc-tap", "Tài liệu học tập", "Study materials", true},
        {"bao-ve-nen-tang-tu-tuong", "Bảo vệ nền tảng tư tưởng của Đảng",
         "Protecting the Party's ideological foundation", true},
        {"hoc-tap-lam-theo-bac", "Học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh",
         "Studying and following Hồ Chí Minh's thought, morality and style", true},
    };
    if (kind == "province" || kind == "city") {
        // P-28: a provincial site's own sections.
        const SectionTemplate provincial[] = {
            {"gioi-thieu", "Giới thiệu Đảng bộ", "About the provincial Party organisation", true},
            {"ban-chap-hanh", "Ban Chấp hành Đảng bộ", "Executive committee", true},
            {"co-cau-to-chuc", "Cơ cấu tổ chức", "Organisational structure", true},
            {"pano-khau-hieu", "Pa-nô, khẩu hiệu", "Banners and slogans", true},
            {"phim-tu-lieu", "Phim tư liệu", "Documentary video", true},
            {"lien-ket", "Liên kết", "Links", true},
        };
        out.insert(out.end(), std::begin(provincial), std::end(provincial));
    }
    if (kind == "main") {
        const SectionTemplate main[] = {
            {"thoi-su", "Thời sự", "Current affairs", false},
            {"xay-dung-dang", "Xây dựng Đảng", "Party building", false},
            {"dia-phuong", "Tin từ địa phương", "From the provinces", false},
            {"quoc-te", "Quốc tế", "International", false},
        };
        out.insert(out.end(), std::begin(main), std::end(main));
    }
    return out;
}

}  // namespace vp::portal
