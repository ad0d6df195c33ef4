// The media service over the database, on SQLite and PostgreSQL.
// covers P-2, P-3, P-12 (uploads checked by content, refused before anything is stored, stored once by
// digest, audited), P-7, X-5 (the one permission check), P-9 (audit in the same transaction)
#include <gtest/gtest.h>

#include <filesystem>

#include "audit/audit.hpp"
#include "core/db/migrate.hpp"
#include "core/embedded.hpp"
#include "core/testing/db_fixture.hpp"
#include "media/media.hpp"
#include "media/test_images.hpp"

namespace vp::embedded {
std::span<const vp::core::EmbeddedFile> Migrations();
}

namespace vp::media {
namespace {

using core::access::Principal;
using testing::MakeImage;
using testing::MetadataOf;
using testing::ReadFile;
using testing::Sample;

// 1 root (national), 3 a province under it, 4 an office under 3, 5 another province.
class FakeTree : public core::access::UnitTree {
public:
    bool IsWithin(std::int64_t a, std::int64_t u) const override {
        for (auto x = u; x != 0; x = parent.count(x) ? parent.at(x) : 0) {
            if (x == a) return true;
        }
        return false;
    }
    bool IsNational(std::int64_t u) const override { return u == 1; }
    std::map<std::int64_t, std::int64_t> parent{{3, 1}, {4, 3}, {5, 1}};
};

class MediaService : public vp::testing::DbTest {
protected:
    void SetUp() override {
        DbTest::SetUp();
        if (IsSkipped() || HasFatalFailure()) return;
        const std::vector<std::string> modules{"media"};
        core::db::Migrate(Db(), embedded::Migrations(), modules);
        for (const char* role : {"contributor", "editor", "reviewer", "publisher", "portal_director", "portal_admin",
                                 "translator", "task_office", "unit_focal_point", "unit_approver", "monitoring_officer",
                                 "conference_organiser", "site_operator", "inspector", "leader"}) {
            policy_.AddRole({.code = role});
        }
        DeclareAccess(policy_);
        policy_.SetUnitTree(&tree_);
        policy_.Validate();
        dir_ = std::filesystem::temp_directory_path() /
               ("vp-media-" + std::to_string(::getpid()) + "-" + std::to_string(n_++));
        std::filesystem::remove_all(dir_);
        service_ = std::make_unique<Service>(Db(), log_, clock_, policy_,
                                             ServiceSettings{.directory = dir_,
                                                             .limits = {.image = 2 << 20,
                                                                        .audio = 1 << 20,
                                                                        .video = 1 << 20,
                                                                        .document = 64 * 1024,
                                                                        .max_pixels = 20'000'000}});
    }
    void TearDown() override {
        service_.reset();
        std::filesystem::remove_all(dir_);
    }
    static Principal Who(std::string role, std::int64_t unit) {
        Principal p;
        p.user_id = 42;
        p.username = "lan";
        p.unit_id = unit;
        p.grants.push_back({1, std::move(role), unit, ""});
        return p;
    }
    UploadInput Input(std::string_view bytes, std::string filename, std::string declared = "application/octet-stream") {
        return {.bytes = bytes,
                .filename = std::move(filename),
                .content_type = std::move(declared),
                .purpose = "portal.article"};
    }
    std::int64_t Count(std::string_view table) {
        return Db().Read(
            [&](core::db::Connection& c) { return c.QueryOne("SELECT COUNT(*) FROM " + std::string(table))->Int(0); });
    }
    std::size_t FilesOnDisk() const {
        std::size_t n = 0;
        if (!std::filesystem::exists(dir_)) return 0;
        for (const auto& e : std::filesystem::recursive_directory_iterator(dir_)) n += e.is_regular_file();
        return n;
    }
    // Nothing was stored: no file, no row, no audit record.
    void ExpectNothingStored(std::int64_t audit_before) {
        EXPECT_EQ(FilesOnDisk(), 0u);
        EXPECT_EQ(Count("media_uploads"), 0);
        EXPECT_EQ(Count("media_files"), 0);
        EXPECT_EQ(Count("audit_log"), audit_before);
    }

    static inline int n_ = 0;
    FakeTree tree_;
    core::access::Policy policy_;
    audit::Log log_{clock_};
    std::filesystem::path dir_;
    std::unique_ptr<Service> service_;
};

TEST_P(MediaService, ImageUploadCleansResizesStoresAndAudits_P12) {
    const auto jpeg = MakeImage({.width = 1200, .height = 900, .exif_gps = true, .orientation = 6});
    const auto audit_before = Count("audit_log");
    auto r = service_->Upload(Who("editor", 3), Input(jpeg, "../../Ảnh hội nghị.jpg", "image/jpeg"));
    ASSERT_TRUE(r.ok()) << r.error().message << " " << r.error().detail;
    EXPECT_GT(r->id, 0);
    EXPECT_EQ(r->kind, Kind::kImage);
    EXPECT_EQ(r->mime, "image/jpeg");
    EXPECT_EQ(r->filename, "Ảnh hội nghị.jpg") << "no path parts";
    EXPECT_EQ(r->width, 900) << "turned upright by its EXIF orientation";
    EXPECT_EQ(r->height, 1200);
    EXPECT_EQ(r->unit_id, 3);
    EXPECT_EQ(r->uploaded_by, 42);
    EXPECT_EQ(r->purpose, "portal.article");
    EXPECT_EQ(r->uploaded_at, core::ToMillis(clock_.Now()));
    EXPECT_NE(r->sha256, Store::Sha256Hex(jpeg)) << "the stored original is the cleaned copy";
    // Stored on disk, never in the database; the stored bytes carry no EXIF or GPS position.
    const auto stored = ReadFile(service_->Files().PathOf(r->sha256));
    EXPECT_EQ(Store::Sha256Hex(stored), r->sha256);
    EXPECT_EQ(static_cast<std::int64_t>(stored.size()), r->size);
    for (const auto& f : MetadataOf(stored)) EXPECT_FALSE(f.starts_with("exif-")) << f;
    EXPECT_EQ(stored.find("CanonTest"), std::string::npos);
    // 320 and 640 wide (900 is less than 1024), each in WebP and JPEG, on disk too.
    ASSERT_EQ(r->variants.size(), 4u);
    EXPECT_EQ(r->variants[0].width, 320);
    EXPECT_EQ(r->variants[0].format, "webp");
    EXPECT_EQ(r->variants[1].format, "jpg");
    EXPECT_EQ(r->variants[3].width, 640);
    for (const auto& v : r->variants) {
        EXPECT_TRUE(service_->Files().Contains(v.sha256));
        EXPECT_LE(v.width, r->width) << "never enlarged";
        const auto bytes = ReadFile(service_->Files().PathOf(v.sha256));
        EXPECT_EQ(static_cast<std::int64_t>(bytes.size()), v.size);
        EXPECT_EQ(bytes.find("CanonTest"), std::string::npos);
    }
    EXPECT_EQ(FilesOnDisk(), 5u);
    EXPECT_EQ(Count("audit_log"), audit_before + 1) << "audited in the same transaction";
    auto records = log_.Find(Db(), {.action_prefix = "media."});
    ASSERT_EQ(records.size(), 1u);
    EXPECT_EQ(records[0].object_id, std::to_string(r->id));
    EXPECT_EQ(records[0].actor_role, "editor");
    EXPECT_NE(records[0].after_json.find(Store::Sha256Hex(jpeg)), std::string::npos) << "the uploaded bytes' digest";
    // The record reads back the same.
    auto again = service_->Find(r->id);
    ASSERT_TRUE(again);
    EXPECT_EQ(again->sha256, r->sha256);
    EXPECT_EQ(again->variants.size(), 4u);
}

TEST_P(MediaService, SameBytesAreStoredOnce_P12) {
    const auto png = MakeImage({.width = 700, .height = 400, .format = "png"});
    auto a = service_->Upload(Who("editor", 3), Input(png, "a.png"));
    ASSERT_TRUE(a.ok()) << a.error().message;
    const auto files = FilesOnDisk();
    auto b = service_->Upload(Who("task_office", 4), Input(png, "khác.png"));
    ASSERT_TRUE(b.ok()) << b.error().message;
    EXPECT_NE(a->id, b->id) << "two uploads";
    EXPECT_EQ(a->sha256, b->sha256) << "one file";
    EXPECT_EQ(b->filename, "khác.png");
    EXPECT_EQ(b->variants.size(), a->variants.size());
    EXPECT_EQ(FilesOnDisk(), files) << "nothing written again";
    EXPECT_EQ(Count("media_files"), 1);
    EXPECT_EQ(Count("media_uploads"), 2);
    // A document is stored as it came: its digest is that of the upload.
    const auto pdf = Sample("sample.pdf");
    auto d1 = service_->Upload(Who("editor", 3), Input(pdf, "báo cáo.pdf"));
    auto d2 = service_->Upload(Who("editor", 3), Input(pdf, "báo cáo (2).pdf"));
    ASSERT_TRUE(d1.ok() && d2.ok());
    EXPECT_EQ(d1->sha256, Store::Sha256Hex(pdf));
    EXPECT_EQ(d1->sha256, d2->sha256);
    EXPECT_EQ(ReadFile(service_->Files().PathOf(d1->sha256)), pdf);
    EXPECT_EQ(Count("media_files"), 2);
}

TEST_P(MediaService, TypeComesFromTheContentNotTheDeclaration_P12) {
    const auto audit_before = Count("audit_log");
    // A PNG named .pdf and declared application/pdf, where only documents are taken: refused.
    const auto png = MakeImage({.width = 50, .height = 50, .format = "png"});
    auto in = Input(png, "hop-dong.pdf", "application/pdf");
    in.accept = {Kind::kDocument};
    auto r = service_->Upload(Who("task_office", 3), in);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, core::ErrorCode::kUnsupportedMediaType);
    EXPECT_EQ(r.error().message.key, "media.kind_refused");
    EXPECT_NE(core::Text(r.error().message, "vi").find("hình ảnh"), std::string::npos)
        << core::Text(r.error().message, "vi");
    EXPECT_NE(core::Text(r.error().message, "en").find("a document"), std::string::npos)
        << core::Text(r.error().message, "en");
    ExpectNothingStored(audit_before);
    // An HTML page declared as image/png: refused whatever is accepted.
    auto html = service_->Upload(Who("editor", 3), Input(Sample("sample.html"), "anh.png", "image/png"));
    ASSERT_FALSE(html.ok());
    EXPECT_EQ(html.error().code, core::ErrorCode::kUnsupportedMediaType);
    EXPECT_EQ(html.error().message.key, "media.type_refused");
    EXPECT_NE(core::Text(html.error().message, "vi").find("text/html"), std::string::npos) << "names the reason";
    for (const char* f : {"sample.svg", "sample.zip"}) {
        auto refused = service_->Upload(Who("editor", 3), Input(Sample(f), f));
        EXPECT_FALSE(refused.ok()) << f;
    }
    ExpectNothingStored(audit_before);
    // Without a kind asked for, the PNG named .pdf is an image, and its name says so.
    auto image = service_->Upload(Who("editor", 3), Input(png, "hop-dong.pdf", "application/pdf"));
    ASSERT_TRUE(image.ok());
    EXPECT_EQ(image->mime, "image/png");
    EXPECT_EQ(image->filename, "hop-dong.png");
}

TEST_P(MediaService, EveryKindWithinItsLimit_P12) {
    const std::pair<const char*, Kind> ok[] = {
        {"sample.mp3", Kind::kAudio},     {"sample.m4a", Kind::kAudio},     {"sample.opus", Kind::kAudio},
        {"sample.wav", Kind::kAudio},     {"sample.mp4", Kind::kVideo},     {"sample.webm", Kind::kVideo},
        {"sample.docx", Kind::kDocument}, {"sample.xlsx", Kind::kDocument}, {"sample.odt", Kind::kDocument},
        {"sample.ods", Kind::kDocument},  {"sample.txt", Kind::kDocument}};
    for (const auto& [file, kind] : ok) {
        const auto bytes = Sample(file);
        auto r = service_->Upload(Who("editor", 3), Input(bytes, file));
        ASSERT_TRUE(r.ok()) << file << ": " << r.error().message;
        EXPECT_EQ(r->kind, kind) << file;
        EXPECT_EQ(r->filename, file);
        EXPECT_TRUE(r->variants.empty());
    }
    auto txt = service_->Upload(Who("editor", 3), Input(Sample("sample.txt"), "ghi chú.txt"));
    EXPECT_EQ(txt->mime, "text/plain; charset=utf-8");
    // Over the kind's limit: 413, nothing more stored.
    const auto files = FilesOnDisk();
    const auto rows = Count("media_uploads");
    std::string big = Sample("sample.txt");
    big.resize(64 * 1024 + 1, 'a');
    auto r = service_->Upload(Who("editor", 3), Input(big, "big.txt"));
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, core::ErrorCode::kPayloadTooLarge);
    EXPECT_EQ(r.error().message.key, "media.too_large");
    EXPECT_NE(core::Text(r.error().message, "vi").find("64 KB"), std::string::npos)
        << core::Text(r.error().message, "vi");
    EXPECT_EQ(FilesOnDisk(), files);
    EXPECT_EQ(Count("media_uploads"), rows);
    auto empty = service_->Upload(Who("editor", 3), Input("", "x.txt"));
    ASSERT_FALSE(empty.ok());
    EXPECT_EQ(empty.error().message.key, "media.empty");
    const auto pdf = Sample("sample.pdf");
    auto bad_purpose = Input(pdf, "x.pdf");
    bad_purpose.purpose = "Portal Article";
    EXPECT_EQ(service_->Upload(Who("editor", 3), bad_purpose).error().field, "purpose");
}

TEST_P(MediaService, ImagesThatCannotBeDecodedAreRefused_P12) {
    const auto audit_before = Count("audit_log");
    const auto jpeg = MakeImage({.width = 800, .height = 600});
    auto cut = service_->Upload(Who("editor", 3), Input(std::string_view(jpeg).substr(0, jpeg.size() / 2), "cut.jpg"));
    ASSERT_FALSE(cut.ok());
    EXPECT_EQ(cut.error().message.key, "media.image_corrupt");
    // A bomb: 5000 × 5000 pixels of one colour in a small PNG, over the 20-megapixel cap.
    const auto bomb = MakeImage({.width = 5000, .height = 5000, .format = "png"});
    ASSERT_LT(bomb.size(), 2u << 20);
    auto b = service_->Upload(Who("editor", 3), Input(bomb, "bomb.png"));
    ASSERT_FALSE(b.ok());
    EXPECT_EQ(b.error().message.key, "media.image_too_many_pixels");
    ExpectNothingStored(audit_before);
}

TEST_P(MediaService, PermissionIsCheckedOverTheUnit_P7_X5) {
    const auto audit_before = Count("audit_log");
    const auto pdf = Sample("sample.pdf");
    // A role without media.upload.
    auto inspector = service_->Upload(Who("inspector", 3), Input(pdf, "a.pdf"));
    ASSERT_FALSE(inspector.ok());
    EXPECT_EQ(inspector.error().code, core::ErrorCode::kForbidden);
    // An editor of one province uploading for another.
    auto in = Input(pdf, "a.pdf");
    in.unit_id = 5;
    auto other = service_->Upload(Who("editor", 3), in);
    ASSERT_FALSE(other.ok());
    EXPECT_EQ(other.error().code, core::ErrorCode::kForbidden);
    // Nobody signed in (no grant at all).
    auto nobody = service_->Upload(Principal{}, Input(pdf, "a.pdf"));
    EXPECT_FALSE(nobody.ok());
    ExpectNothingStored(audit_before);
    // Below one's own unit is covered.
    in.unit_id = 4;
    auto below = service_->Upload(Who("editor", 3), in);
    ASSERT_TRUE(below.ok());
    EXPECT_EQ(below->unit_id, 4);
    // The record: for those who may upload over its unit.
    EXPECT_TRUE(service_->Get(Who("editor", 3), below->id).ok());
    EXPECT_EQ(service_->Get(Who("editor", 5), below->id).error().code, core::ErrorCode::kForbidden);
    EXPECT_EQ(service_->Get(Who("editor", 3), below->id + 1000).error().code, core::ErrorCode::kNotFound);
}

TEST_P(MediaService, CallerMayRefuseBeforeAnythingIsStored_P12) {
    const auto audit_before = Count("audit_log");
    const auto docx = Sample("sample.docx");
    auto in = Input(docx, "Mật - kế hoạch.docx");
    Inspection seen;
    in.before_store = [&](const Inspection& i) -> core::Status {
        seen = i;
        return core::Forbidden(core::Msg("media.not_found"));  // any error of the caller's
    };
    auto r = service_->Upload(Who("task_office", 3), in);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, core::ErrorCode::kForbidden);
    EXPECT_EQ(seen.kind, Kind::kDocument);
    EXPECT_EQ(seen.mime, "application/vnd.openxmlformats-officedocument.wordprocessingml.document");
    EXPECT_EQ(seen.filename, "Mật - kế hoạch.docx");
    EXPECT_EQ(seen.source_sha256, Store::Sha256Hex(in.bytes));
    ExpectNothingStored(audit_before);
    // Inspect alone: the same facts, nothing stored, no permission needed.
    const auto small = MakeImage({.width = 64, .height = 32});
    auto i = service_->Inspect(Input(small, "x"));
    ASSERT_TRUE(i.ok());
    EXPECT_EQ(i->width, 64);
    EXPECT_EQ(i->filename, "x.jpg");
    ExpectNothingStored(audit_before);
}

TEST_P(MediaService, ServingIsPublicByDigestUnlessEveryUploadIsMarkedOtherwise_P12) {
    const auto png = MakeImage({.width = 700, .height = 350, .format = "png"});
    auto a = service_->Upload(Who("editor", 3), Input(png, "bản đồ.png"));
    ASSERT_TRUE(a.ok());
    auto served = service_->FindServed(a->sha256);
    ASSERT_TRUE(served);
    EXPECT_EQ(served->mime, "image/png");
    EXPECT_EQ(served->filename, "bản đồ.png");
    auto variant = service_->FindServedVariant(a->sha256, 640, "webp");
    ASSERT_TRUE(variant);
    EXPECT_EQ(variant->mime, "image/webp");
    EXPECT_EQ(variant->filename, "bản đồ-640.webp");
    EXPECT_TRUE(service_->Files().Contains(variant->sha256));
    EXPECT_FALSE(service_->FindServedVariant(a->sha256, 1024, "webp")) << "not made: the image is 700 wide";
    EXPECT_FALSE(service_->FindServedVariant(a->sha256, 640, "png"));
    EXPECT_FALSE(service_->FindServed(std::string(64, '0')));
    EXPECT_FALSE(service_->FindServed("../../etc/passwd"));
    // The owner module's hook, inside its own transaction.
    EXPECT_TRUE(Db().Transact([&](core::db::Connection& c) { return service_->SetPublic(c, a->id, false); }));
    EXPECT_FALSE(service_->FindServed(a->sha256));
    EXPECT_FALSE(service_->FindServedVariant(a->sha256, 640, "webp"));
    EXPECT_FALSE(service_->Find(a->id)->is_public);
    // Another upload of the same bytes that is public serves them again.
    auto b = service_->Upload(Who("editor", 3), Input(png, "công khai.png"));
    ASSERT_TRUE(b.ok());
    ASSERT_TRUE(service_->FindServed(a->sha256));
    EXPECT_EQ(service_->FindServed(a->sha256)->filename, "công khai.png");
    EXPECT_FALSE(Db().Transact([&](core::db::Connection& c) { return service_->SetPublic(c, 99999, false); }));
}

VP_INSTANTIATE_DB_TEST(MediaService);

}  // namespace
}  // namespace vp::media
