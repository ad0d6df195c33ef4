#include "audit/module.hpp"

#include <iostream>

#include <fmt/chrono.h>
#include <fmt/format.h>

#include "audit/handlers.hpp"

namespace vp::embedded {
std::span<const vp::core::EmbeddedFile> AuditApi();
}

namespace vp::audit {
namespace {

using core::http::beast_http::verb;
using platform::Bind;

class AuditModule final : public platform::Module {
public:
    std::string_view Name() const override { return "audit"; }
    void DeclareAccess(core::access::Policy& policy) const override { audit::DeclareAccess(policy); }
    void Build(platform::Platform& p) override { h_ = std::make_unique<Handlers>(p.web, p.auth, p.audit, p.db); }
    void AddRoutes(core::http::Router& r) override {
        auto* h = h_.get();
        r.Add(verb::get, "/admin/audit", Bind(h, &Handlers::Page), platform::RouteKinds::Page());
        r.Add(verb::get, "/api/v1/audit", Bind(h, &Handlers::ApiList));
        r.Add(verb::get, "/api/v1/audit/export.csv", Bind(h, &Handlers::ApiExportCsv));
        r.Add(verb::get, "/api/v1/audit/verify", Bind(h, &Handlers::ApiVerify));
    }
    void AddNavigation(auth::Web& web) const override { web.AddNav({"/admin/audit", "nav_audit", kAuditRead, 30}); }
    boost::json::object OpenApi() const override {
        return platform::ParseOpenApiPart(embedded::AuditApi().front().content, Name());
    }

    // vanphong audit verify|checkpoint|export.
    void AddCommands(CLI::App& cli, platform::Commands& commands) override {
        auto* audit = cli.add_subcommand("audit", "Audit log (P-9)");
        audit->require_subcommand(1);
        auto* verify = audit->add_subcommand("verify",
                                             "Verify the keyed hash chain and that it reaches the latest signed "
                                             "checkpoint; names the first broken record");
        verify
            ->add_option("--checkpoint-file", checkpoint_file_,
                         "Checkpoint file to compare with (default: <data-dir>/audit-checkpoints.log), e.g. a copy "
                         "kept elsewhere")
            ->check(CLI::ExistingFile);
        auto* checkpoint = audit->add_subcommand(
            "checkpoint", "Sign the head of the chain now and append it to <data-dir>/audit-checkpoints.log");
        auto* exp = audit->add_subcommand("export", "Export the audit log as CSV to standard output");
        for (auto* c : {verify, checkpoint, exp}) commands.common(c);

        commands.Add(verify, [this](platform::Platform& p) {
            auto rep = p.audit.Verify(p.db, {.against_checkpoint = true, .checkpoint_file = checkpoint_file_});
            const std::string against =
                rep.checkpoint
                    ? fmt::format("điểm kiểm / checkpoint: record {} of {:%Y-%m-%d %H:%M:%S} UTC", rep.checkpoint->seq,
                                  std::chrono::sys_seconds{std::chrono::seconds{rep.checkpoint->at / 1000}})
                    : std::string("chưa có điểm kiểm / no checkpoint yet");
            if (rep.ok) {
                std::cout << "Nhật ký kiểm tra nguyên vẹn / audit chain intact: " << rep.checked
                          << " records verified (" << against << ")\n";
                if (!rep.checkpoint) {
                    std::cout << "Cảnh báo / warning: without a signed checkpoint a cut tail cannot be detected; "
                                 "run `vanphong audit checkpoint`\n";
                }
                return 0;
            }
            std::cout << "Nhật ký kiểm tra bị sửa đổi / audit chain BROKEN"
                      << (rep.first_broken_seq > 0 ? fmt::format(" at record {}", rep.first_broken_seq) : std::string())
                      << ": " << rep.problem << "\n"
                      << "  " << against << "\n";
            return 1;
        });
        commands.Add(checkpoint, [](platform::Platform& p) {
            auto out = p.audit.WriteCheckpoint(p.db);
            using S = CheckpointOutcome::Status;
            if (out.status == S::kWritten || out.status == S::kUnchanged) {
                std::cout << (out.status == S::kWritten ? "Đã ghi điểm kiểm / checkpoint written: "
                                                        : "Điểm kiểm mới nhất vẫn đúng / latest checkpoint unchanged: ")
                          << out.checkpoint->Line() << "\n"
                          << "  " << p.audit.Checkpoints().file.string() << "\n";
                return 0;
            }
            std::cout << "Từ chối ghi điểm kiểm / checkpoint refused: " << out.problem << "\n";
            return 1;
        });
        commands.Add(exp, [](platform::Platform& p) {
            std::cout << p.audit.ExportCsv(p.db, {});
            return 0;
        });
    }

private:
    std::string checkpoint_file_;  // `audit verify --checkpoint-file`
    std::unique_ptr<Handlers> h_;
};

}  // namespace

std::unique_ptr<platform::Module> MakeModule() { return std::make_unique<AuditModule>(); }

}  // namespace vp::audit
