// Demo data of Tasks (`vanphong serve --demo`): two documents with the TEST ONLY signed sample
// PDF, and tasks of Văn phòng Thành ủy Hà Nội (the demo's focal point and approver) monitored by
// Vụ Tổng hợp, in several states.
#include <spdlog/spdlog.h>

#include "core/message.hpp"
#include "media/media.hpp"
#include "tasks/secret.hpp"
#include "tasks/tasks.hpp"

namespace vp::embedded {
std::span<const vp::core::EmbeddedFile> TasksDemoFiles();
}

namespace vp::tasks {

void LoadDemo(Service& svc, SecretRegister& secret, media::Service& files, const core::Clock& clock) {
    const auto op = core::access::Principal::Operator();
    if (!svc.Documents(op).empty()) return;  // loaded before
    const auto& pdf = embedded::TasksDemoFiles().front();
    auto upload = files.Upload(op, {.bytes = pdf.content,
                                    .filename = "ket-luan-125-KL-TW.pdf",
                                    .content_type = "application/pdf",
                                    .purpose = "tasks.document"});
    if (!upload) {
        spdlog::warn("tasks demo: the sample document was not stored: {}", core::Text(upload.error().message, "en"));
        return;
    }
    const std::string file = "/media/" + upload->sha256;
    const auto day = std::chrono::hours(24);
    auto date = [&](int days_ago) {
        const auto t = clock.Now() - days_ago * day;
        const auto d = std::chrono::year_month_day{std::chrono::floor<std::chrono::days>(t + std::chrono::hours(7))};
        char buf[16];
        std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", static_cast<int>(d.year()), static_cast<unsigned>(d.month()),
                      static_cast<unsigned>(d.day()));
        return std::string(buf);
    };
    auto kl = svc.CreateDocument(op, {.kind = "conclusion",
                                      .title = "Kết luận của Bộ Chính trị về đẩy mạnh chuyển đổi số trong các cơ quan đảng",
                                      .number = "125",
                                      .symbol = "KL/TW",
                                      .summary = "Tiếp tục đẩy mạnh chuyển đổi số, xây dựng hệ thống theo dõi nhiệm vụ.",
                                      .issued_on = date(40),
                                      .signer = "Trần Cẩm Tú",
                                      .submitting_unit = "Văn phòng Trung ương Đảng",
                                      .issuing_unit = "Bộ Chính trị",
                                      .files = {file}});
    auto ct = svc.CreateDocument(op, {.kind = "directive",
                                      .title = "Chỉ thị của Ban Bí thư về tăng cường công tác kiểm tra, giám sát",
                                      .number = "48",
                                      .symbol = "CT/TW",
                                      .summary = "Tăng cường kiểm tra, giám sát việc thực hiện nhiệm vụ được giao.",
                                      .issued_on = date(10),
                                      .signer = "Trần Cẩm Tú",
                                      .submitting_unit = "Ủy ban Kiểm tra Trung ương",
                                      .issuing_unit = "Ban Bí thư",
                                      .files = {file}});
    if (!kl || !ct) {
        spdlog::warn("tasks demo: documents not created: {}",
                     core::Text((!kl ? kl.error() : ct.error()).message, "en"));
        return;
    }
    struct Sample {
        std::int64_t document;
        const char* content;
        int start_days_ago, deadline_in_days;  ///< deadline_in_days 0: open-ended (quarterly)
        const char* priority;
        int progress;  ///< -1: nothing reported yet
    };
    const Sample samples[] = {
        {kl->id, "Xây dựng kế hoạch chuyển đổi số của Đảng bộ Thành phố giai đoạn 2026-2030", 35, 60, "key", 40},
        {kl->id, "Số hóa hồ sơ, tài liệu lưu trữ của Văn phòng Thành ủy", 35, 20, "regular", -1},
        {kl->id, "Kết nối hệ thống theo dõi nhiệm vụ của Thành ủy với hệ thống của Trung ương", 30, -2, "urgent", 60},
        {ct->id, "Kiểm tra việc thực hiện quy chế làm việc của các đảng ủy trực thuộc", 5, 0, "regular", -1},
    };
    for (const auto& s : samples) {
        NewTask t{.document_id = s.document,
                  .content = s.content,
                  .lead_units = {"VP-HNI"},
                  .coordinating_units = {"UBKT-HNI"},
                  .monitoring_unit = "VPTW-VTH",
                  .start = clock.Now() - s.start_days_ago * day,
                  .priority = s.priority};
        if (s.deadline_in_days != 0) {
            t.deadline = clock.Now() + s.deadline_in_days * day;
        } else {
            t.cadence = Cadence::kQuarterly;
        }
        auto r = svc.CreateTask(op, t);
        if (!r) {
            spdlog::warn("tasks demo task: {}", core::Text(r.error().message, "en"));
            continue;
        }
        if (s.progress < 0) continue;
        (void)svc.Acknowledge(op, r->id);
        auto u = svc.SubmitUpdate(op, r->id, {.progress = s.progress, .results = "Đã triển khai theo kế hoạch."}, false);
        if (u) (void)svc.DecideUpdate(op, u->id, true, "Đồng ý");
    }
    svc.RefreshStatuses();
    // A Mật document in the secret partition: only the fields of Art. 5.2 (fictitious).
    auto m = secret.Create(op, {.secrecy = "mat",
                                .kind = "directive",
                                .title = "Chỉ thị về công tác bảo vệ bí mật nhà nước trong cơ quan đảng (mẫu thử)",
                                .number = "09",
                                .symbol = "CT/TW",
                                .issued_on = date(20),
                                .signer = "Thường trực Ban Bí thư",
                                .submitting_unit = "VPTW",
                                .issuing_unit = "Ban Bí thư",
                                .lead_units = {"VP-HNI"},
                                .monitoring_unit = "VPTW-VTH",
                                .task_count = 4,
                                .deadline = clock.Now() + 60 * day});
    if (!m) spdlog::warn("tasks demo secret document: {}", core::Text(m.error().message, "en"));
}

}  // namespace vp::tasks
