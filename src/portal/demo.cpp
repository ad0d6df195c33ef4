// Demo data of the Portal (`vanphong serve --demo`): two provincial portals and one agency portal
// beside the main one, and a few items in several states so every queue has something in it.
#include <spdlog/spdlog.h>

#include <tuple>

#include "core/message.hpp"
#include "portal/portal.hpp"

namespace vp::portal {

void LoadDemo(Service& svc, const core::Clock& clock) {
    const auto op = core::access::Principal::Operator();
    for (const char* unit : {"TU-HNI", "TU-HUE", "BTCTW"}) {
        auto p = svc.CreateComponentPortal(op, unit);
        if (!p && p.error().code != core::ErrorCode::kConflict) {
            spdlog::warn("portal demo: {}: {}", unit, core::Text(p.error().message, "en"));
        }
    }
    if (!svc.Queue(op, {.portal = std::string(kMainPortal), .limit = 1}).empty()) return;  // loaded before
    // The main portal's royalty table (đồng per item) and a short list of prohibited terms.
    const std::string main(kMainPortal);
    for (auto [kind, grade, amount] : {std::tuple{"news", "A", 500000}, {"news", "B", 300000}, {"news", "C", 150000},
                                       {"article", "A", 1500000}, {"article", "B", 1000000}, {"photo_story", "A", 800000}}) {
        (void)svc.SetRoyaltyRate(op, main, {.kind = kind, .grade = grade, .amount = amount,
                                            .valid_from = clock.Now() - std::chrono::hours(24 * 365)});
    }
    for (const char* term : {"phản động", "xuyên tạc", "bạo loạn", "lật đổ"}) {
        (void)svc.AddProhibitedTerm(op, main, term, "Quy chế Điều 5 (nội dung bị cấm)");
    }
    struct Sample {
        const char* title;
        const char* lead;
        const char* body;
        const char* section;
        const char* source;
        int hours_ago;
        Action up_to;
    };
    const Sample samples[] = {
        {"Khai mạc Hội nghị lần thứ nhất Ban Chấp hành Trung ương Đảng",
         "Sáng nay, tại Thủ đô Hà Nội, Hội nghị lần thứ nhất Ban Chấp hành Trung ương Đảng khóa XIV khai mạc.",
         "<p>Hội nghị thảo luận, cho ý kiến về các nội dung quan trọng.</p><p>Phát biểu khai mạc nêu rõ yêu cầu đổi "
         "mới phương thức lãnh đạo.</p>",
         "thoi-su", "Thông tấn xã Việt Nam", 3, Action::kPublish},
        {"Văn phòng Trung ương Đảng triển khai nhiệm vụ chuyển đổi số năm 2027",
         "Hội nghị trực tuyến với văn phòng các tỉnh ủy, thành ủy.",
         "<p>Các đại biểu thống nhất kế hoạch triển khai trong toàn hệ thống.</p>", "xay-dung-dang",
         "Văn phòng Trung ương Đảng", 5, Action::kPublish},
        {"Đà Nẵng tổng kết công tác xây dựng Đảng năm 2026", "Thành ủy Đà Nẵng tổ chức hội nghị tổng kết.",
         "<p>Hội nghị đánh giá kết quả và đề ra phương hướng năm 2027.</p>", "dia-phuong", "Báo Đà Nẵng", 2,
         Action::kApprove},
        {"Học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh ở cơ sở", "Nhiều mô hình hay được nhân rộng.",
         "<p>Bài viết giới thiệu các điển hình tiên tiến.</p>", "hoc-tap-lam-theo-bac", "Tạp chí Xây dựng Đảng", 1,
         Action::kSendToReview},
        {"Tin cộng tác viên gửi về từ Hà Nội", "Bản nháp đang chờ gửi.", "<p>Nội dung bản nháp.</p>", "tin-tuc",
         "Cộng tác viên", 1, Action::kSubmit},
    };
    for (const auto& s : samples) {
        NewItem n{.portal = std::string(kMainPortal), .kind = "news", .language = "vi"};
        n.fields.title = s.title;
        n.fields.lead = s.lead;
        n.fields.body_html = s.body;
        n.fields.source = s.source;
        n.fields.sections = {s.section};
        n.fields.authors = {"Ban Biên tập"};
        n.fields.royalty_grade = "B";
        n.fields.event_at = clock.Now() - std::chrono::hours(s.hours_ago);
        auto item = svc.CreateItem(op, n);
        if (!item) {
            spdlog::warn("portal demo item: {}", core::Text(item.error().message, "en"));
            continue;
        }
        for (auto a : {Action::kSubmit, Action::kTake, Action::kSendToReview, Action::kApprove, Action::kPublish}) {
            if (!svc.Act(op, item->id, a, {})) break;
            if (a == s.up_to) break;
        }
    }
}

}  // namespace vp::portal
