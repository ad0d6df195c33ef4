// Demo data of the Portal (`vanphong serve --demo`): two provincial portals and one agency portal
// beside the main one, and a few items in several states so every queue has something in it.
#include <spdlog/spdlog.h>

#include <tuple>

#include "core/message.hpp"
#include "portal/demo.hpp"

namespace vp::portal {

// Creates and publishes an item as the operator; 0 when something refused it (logged).
std::int64_t PublishDemo(Service& svc, NewItem n) {
    const auto op = core::access::Principal::Operator();
    auto item = svc.CreateItem(op, std::move(n));
    if (!item) {
        spdlog::warn("portal demo item: {}", core::Text(item.error().message, "en"));
        return 0;
    }
    for (auto a : {Action::kSubmit, Action::kTake, Action::kSendToReview, Action::kApprove, Action::kPublish}) {
        if (auto r = svc.Act(op, item->id, a, {}); !r) {
            spdlog::warn("portal demo item {}: {}", item->id, core::Text(r.error().message, "en"));
            return 0;
        }
    }
    return item->id;
}

namespace {

// The shared library (P-3, P-4, P-25) and an integrated item (P-1).
void LoadLibraryDemo(Service& svc, const core::Clock& clock) {
    const auto op = core::access::Principal::Operator();
    const auto day = std::chrono::hours(24);
    struct Doc {
        const char* title;
        const char* summary;
        const char* kind;
        const char* number;
        const char* symbol;
        const char* issuer;
        const char* signer;
        int days_ago;
    };
    const Doc docs[] = {
        {"Nghị quyết số 18-NQ/TW về tiếp tục đổi mới, sắp xếp tổ chức bộ máy của hệ thống chính trị tinh gọn, hoạt "
         "động hiệu lực, hiệu quả",
         "Một số vấn đề về tiếp tục đổi mới, sắp xếp tổ chức bộ máy của hệ thống chính trị.", "resolution", "18",
         "NQ/TW", "Ban Chấp hành Trung ương", "Nguyễn Phú Trọng", 400},
        {"Chỉ thị số 35-CT/TW về đại hội đảng bộ các cấp tiến tới Đại hội đại biểu toàn quốc lần thứ XIV của Đảng",
         "Lãnh đạo, chỉ đạo tổ chức đại hội đảng bộ các cấp.", "directive", "35", "CT/TW", "Bộ Chính trị",
         "Trương Thị Mai", 300},
        {"Quy định số 144-QĐ/TW về chuẩn mực đạo đức cách mạng của cán bộ, đảng viên trong giai đoạn mới",
         "Chuẩn mực đạo đức cách mạng của cán bộ, đảng viên.", "regulation", "144", "QĐ/TW", "Bộ Chính trị",
         "Võ Văn Thưởng", 200},
        {"Kết luận số 123-KL/TW về Đề án bổ sung về phát triển kinh tế - xã hội năm 2025",
         "Kết luận của Ban Chấp hành Trung ương về mục tiêu tăng trưởng.", "conclusion", "123", "KL/TW",
         "Ban Chấp hành Trung ương", "Tô Lâm", 20},
    };
    std::int64_t first_doc = 0;
    for (const auto& d : docs) {
        NewItem n{.portal = std::string(kMainPortal), .kind = "official_document", .language = "vi"};
        n.fields.title = d.title;
        n.fields.lead = d.summary;
        n.fields.body_html = std::string("<p>") + d.summary + "</p><p>Toàn văn văn bản được đăng kèm theo.</p>";
        n.fields.source = "Văn phòng Trung ương Đảng";
        n.fields.sections = {"van-ban"};
        n.fields.issued_at = std::chrono::floor<std::chrono::days>(clock.Now() - d.days_ago * day) + std::chrono::hours(1);
        n.fields.document = {.doc_kind = d.kind, .number = d.number, .symbol = d.symbol, .issuer = d.issuer,
                             .signer = d.signer};
        const auto id = PublishDemo(svc, std::move(n));
        if (!first_doc) first_doc = id;
    }
    // A provincial portal lists a central document in its own section, without copying it.
    if (first_doc) (void)svc.PlaceDocument(op, "tu-hue", "van-ban", first_doc);

    // Thừa Thiên Huế's news is mapped to "Tin từ địa phương" and one item integrated (P-1).
    (void)svc.MapSection(op, "tu-hue", "tin-tuc", "dia-phuong");
    NewItem hue{.portal = "tu-hue", .kind = "news", .language = "vi"};
    hue.fields.title = "Thừa Thiên Huế ra mắt Trung tâm giám sát, điều hành đô thị thông minh cấp tỉnh";
    hue.fields.lead = "Trung tâm kết nối dữ liệu của các sở, ngành và địa phương trong tỉnh.";
    hue.fields.body_html = "<p>Trung tâm phục vụ công tác chỉ đạo, điều hành của Tỉnh ủy và Ủy ban nhân dân tỉnh.</p>";
    hue.fields.source = "Cổng thông tin điện tử Tỉnh ủy Thừa Thiên Huế";
    hue.fields.sections = {"tin-tuc"};
    hue.fields.event_at = clock.Now() - std::chrono::hours(4);
    if (auto id = PublishDemo(svc, hue)) {
        if (auto r = svc.Integrate(op, id, ""); !r)
            spdlog::warn("portal demo integration: {}", core::Text(r.error().message, "en"));
    }
    // A second one waits for the main portal's publishers to integrate it.
    hue.fields.title = "Tỉnh ủy Thừa Thiên Huế sơ kết 5 năm thực hiện Kết luận số 48-KL/TW";
    hue.fields.lead = "Hội nghị đánh giá kết quả xây dựng, phát triển tỉnh và đô thị Huế.";
    (void)PublishDemo(svc, std::move(hue));

    // Collections by volume and chapter (P-4).
    NewItem text{.portal = std::string(kMainPortal), .kind = "article", .language = "vi"};
    text.fields.title = "Tuyên ngôn Độc lập";
    text.fields.lead = "Tuyên ngôn Độc lập do Chủ tịch Hồ Chí Minh đọc ngày 2 tháng 9 năm 1945 tại Quảng trường Ba Đình.";
    text.fields.body_html =
        "<p>Hỡi đồng bào cả nước,</p><p>\"Tất cả mọi người đều sinh ra có quyền bình đẳng. Tạo hóa cho họ những quyền "
        "không ai có thể xâm phạm được; trong những quyền ấy, có quyền được sống, quyền tự do và quyền mưu cầu hạnh "
        "phúc.\"</p>";
    text.fields.source = "Hồ Chí Minh Toàn tập, Nhà xuất bản Chính trị quốc gia Sự thật";
    text.fields.sections = {"hoc-tap-lam-theo-bac"};
    const auto text_id = PublishDemo(svc, std::move(text));
    auto hcm = svc.CreateCollection(op, {.code = "ho-chi-minh-toan-tap",
                                         .kind = "ho_chi_minh",
                                         .title_vi = "Hồ Chí Minh Toàn tập",
                                         .title_en = "Ho Chi Minh: Complete Works",
                                         .description = "Bộ sách 15 tập, xuất bản lần thứ ba."});
    if (hcm) {
        auto v4 = svc.AddNode(op, hcm->code, {.level = "volume", .label = "Tập 4", .title = "1945 - 1946", .sort_order = 40});
        if (v4) {
            (void)svc.AddNode(op, hcm->code,
                              {.parent_id = v4->id, .level = "chapter", .label = "Bài 1", .title = "Tuyên ngôn Độc lập",
                               .sort_order = 10, .item_id = text_id});
            (void)svc.AddNode(op, hcm->code,
                              {.parent_id = v4->id, .level = "chapter", .label = "Bài 2",
                               .title = "Những nhiệm vụ cấp bách của Nhà nước Việt Nam Dân chủ Cộng hòa", .sort_order = 20});
        }
        (void)svc.AddNode(op, hcm->code, {.level = "volume", .label = "Tập 1", .title = "1912 - 1924", .sort_order = 10});
    }
    auto vk = svc.CreateCollection(op, {.code = "van-kien-dang-toan-tap",
                                        .kind = "party_documents",
                                        .title_vi = "Văn kiện Đảng Toàn tập",
                                        .title_en = "Complete Party Documents"});
    if (vk) {
        auto v1 = svc.AddNode(op, vk->code, {.level = "volume", .label = "Tập 1", .title = "1924 - 1930", .sort_order = 10});
        if (v1) {
            auto p1 = svc.AddNode(op, vk->code, {.parent_id = v1->id, .level = "part", .label = "Phần I",
                                                 .title = "Văn kiện trước khi thành lập Đảng", .sort_order = 10});
            if (p1)
                (void)svc.AddNode(op, vk->code, {.parent_id = p1->id, .level = "chapter", .label = "Chương 1",
                                                 .title = "Hội Việt Nam Cách mạng Thanh niên", .sort_order = 10});
        }
    }
}

}  // namespace

void LoadDemo(Service& svc, Service& dated, core::FakeClock& dated_clock, media::Service& media,
              const core::Clock& clock, bool corpus) {
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
    // The library's items a few days old, so the corpus' latest news lead the public pages.
    dated_clock.Set(clock.Now() - std::chrono::hours(24 * 3));
    LoadLibraryDemo(dated, dated_clock);
    if (corpus) LoadDemoCorpus(dated, dated_clock, media, clock);
}

}  // namespace vp::portal
