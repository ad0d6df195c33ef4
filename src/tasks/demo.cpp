// Demo data of Tasks (`vanphong serve --demo`): two documents with the TEST ONLY signed sample
// PDF, and tasks of Văn phòng Thành ủy Hà Nội (the demo's focal point and approver) monitored by
// Vụ Tổng hợp, in several states.
#include <spdlog/spdlog.h>

#include "core/message.hpp"
#include "media/media.hpp"
#include "tasks/secret.hpp"
#include "tasks/tasks.hpp"
#include "tasks/watch.hpp"

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
    // Tasks of the provincial committees for the dashboard, the map and this quarter's ranking:
    // some done on time, some due soon, some overdue (the pattern follows the province's place).
    const char* provinces[] = {"TU-HNI", "TU-HUE", "TU-HPG", "TU-DNG", "TU-HCM", "TU-CTO", "TU-LCI", "TU-TNN",
                               "TU-NAN", "TU-HTH", "TU-QTI", "TU-GLI", "TU-DLK", "TU-KHA", "TU-LDG", "TU-AGG",
                               "TU-SLA", "TU-QNH", "TU-THA", "TU-DNI", "TU-CMU", "TU-BNH"};
    const char* contents[] = {"Báo cáo sơ kết việc thực hiện Kết luận 125-KL/TW", "Hoàn thành số hóa hồ sơ đảng viên",
                              "Tổ chức hội nghị quán triệt Chỉ thị 48-CT/TW"};
    int n = 0;
    for (const char* code : provinces) {
        for (int k = 0; k < 3; ++k, ++n) {
            const int pattern = (n * 7 + k * 3) % 5;  // 0, 1: done on time; 2: due soon; 3, 4: overdue
            NewTask t{.document_id = k == 2 ? ct->id : kl->id,
                      .content = contents[k],
                      .lead_units = {code},
                      .monitoring_unit = "VPTW-VTH",
                      .start = clock.Now() - (40 + k) * day,
                      .deadline = clock.Now() + (pattern < 3 ? 10 + k : -(3 + n % 20)) * day,
                      .priority = k == 0 ? "key" : "regular"};
            auto r = svc.CreateTask(op, t);
            if (!r) continue;
            (void)svc.Acknowledge(op, r->id);
            if (pattern < 2) {
                auto u = svc.SubmitUpdate(op, r->id, {.results = "Đã hoàn thành", .products = "Báo cáo"}, true);
                if (u && svc.DecideUpdate(op, u->id, true, "Đồng ý")) (void)svc.Evaluate(op, u->id, "Đạt yêu cầu", false);
            } else if (pattern == 3) {
                auto u = svc.SubmitUpdate(op, r->id, {.progress = 50, .results = "Đang triển khai",
                                                      .difficulties = "Thiếu kinh phí", .causes = "Chưa bố trí ngân sách"},
                                          false);
                if (u) (void)svc.DecideUpdate(op, u->id, true, "Đồng ý");
            }
        }
    }
    // A task typed in twice (the second with a final full stop): what the data cleaning finds.
    (void)svc.CreateTask(op, {.document_id = kl->id,
                              .content = "Hoàn thành số hóa hồ sơ đảng viên.",
                              .lead_units = {"TU-HNI"},
                              .monitoring_unit = "VPTW-VTH",
                              .start = clock.Now() - 40 * day,
                              .deadline = clock.Now() + 30 * day});
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

// The inspection commission's warning on the demo's most overdue task (T-11).
void LoadWatchDemo(Service& svc, Watch& watch) {
    const auto op = core::access::Principal::Operator();
    if (!watch.Warnings(op).empty()) return;
    auto overdue = svc.ListTasks(op, {.status = Status::kNotStartedOverdue, .limit = 1});
    if (overdue.empty()) return;
    auto w = watch.RaiseWarning(op, {.task_id = overdue.front().id,
                                     .kind = "delay",
                                     .rule = "Điều 11.1.c Quy chế 08-QC/TW",
                                     .text = "Nhiệm vụ đã quá hạn nhưng chưa có báo cáo tiến độ. Đề nghị đơn vị báo cáo "
                                             "nguyên nhân và giải pháp khắc phục."});
    if (!w) spdlog::warn("tasks demo warning: {}", core::Text(w.error().message, "en"));
}

}  // namespace vp::tasks
