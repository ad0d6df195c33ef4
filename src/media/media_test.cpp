// The media module's pure rules, type detection, image processing and the file store.
// covers P-2, P-3, P-12 (uploads checked by content, size limits, images cleaned and resized,
// content-addressed storage), X-3 (hostile names and headers)
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>
#include <vips/vips.h>

#include <filesystem>
#include <fstream>
#include <set>
#include <thread>

#include "media/internal.hpp"
#include "media/media.hpp"
#include "media/test_images.hpp"

namespace vp::media {
namespace {

using testing::MakeImage;
using testing::MetadataOf;
using testing::ReadFile;
using testing::Sample;

bool HasExifOrXmp(const std::set<std::string>& fields) {
    for (const auto& f : fields) {
        if (f.starts_with("exif-") || f == "xmp-data" || f == "iptc-data" || f == "icc-profile-data") return true;
    }
    return false;
}

// --- type detection: the content decides --------------------------------------------------

TEST(DetectMime, EveryAcceptedTypeFromItsBytes_P12) {
    const std::pair<const char*, const char*> cases[] = {
        {"sample.pdf", "application/pdf"},
        {"sample.docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"},
        {"sample.xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"},
        {"sample.odt", "application/vnd.oasis.opendocument.text"},
        {"sample.ods", "application/vnd.oasis.opendocument.spreadsheet"},
        {"sample.txt", "text/plain"},
        {"sample.mp3", "audio/mpeg"},
        {"sample.m4a", "audio/mp4"},
        {"sample.aac", "audio/aac"},
        {"sample.ogg", "audio/ogg"},
        {"sample.opus", "audio/ogg"},
        {"sample.wav", "audio/wav"},
        {"sample.mp4", "video/mp4"},
        {"sample.webm", "video/webm"},
    };
    for (const auto& [file, mime] : cases) {
        const auto bytes = Sample(file);
        ASSERT_FALSE(bytes.empty()) << file;
        EXPECT_EQ(DetectMime(bytes), mime) << file;
        EXPECT_TRUE(KindOfMime(mime)) << mime;
    }
    EXPECT_EQ(DetectMime(MakeImage({.format = "jpg"})), "image/jpeg");
    EXPECT_EQ(DetectMime(MakeImage({.format = "png"})), "image/png");
    EXPECT_EQ(DetectMime(MakeImage({.format = "webp"})), "image/webp");
    EXPECT_EQ(DetectMime(MakeImage({.format = "gif"})), "image/gif");
    EXPECT_EQ(KindOfMime("audio/mp4"), Kind::kAudio);
    EXPECT_EQ(KindOfMime("video/webm"), Kind::kVideo);
    EXPECT_EQ(KindOfMime("image/gif"), Kind::kImage);
    EXPECT_EQ(KindOfMime("text/plain; charset=utf-8"), Kind::kDocument);
}

TEST(DetectMime, RefusedTypesAreNotOnTheAllowList_P12) {
    for (const char* file : {"sample.html", "sample.svg", "sample.zip"}) {
        const auto mime = DetectMime(Sample(file));
        EXPECT_FALSE(KindOfMime(mime)) << file << " detected as " << mime;
    }
    EXPECT_EQ(DetectMime(Sample("sample.html")), "text/html");
    EXPECT_EQ(DetectMime(Sample("sample.svg")), "image/svg+xml");
    EXPECT_EQ(DetectMime(Sample("sample.zip")), "application/zip");
    EXPECT_FALSE(KindOfMime(DetectMime(std::string("\x7f"
                                                   "ELF\x02\x01\x01",
                                                   7) +
                                       std::string(200, '\0'))));
    EXPECT_FALSE(KindOfMime(DetectMime("")));
}

TEST(DetectMime, ThreadSafe) {
    const auto pdf = Sample("sample.pdf");
    const auto png = MakeImage({.width = 40, .height = 30, .format = "png"});
    std::vector<std::thread> threads;
    std::atomic<int> wrong{0};
    for (int t = 0; t < 4; ++t) {
        threads.emplace_back([&] {
            for (int i = 0; i < 50; ++i) {
                if (DetectMime(pdf) != "application/pdf" || DetectMime(png) != "image/png") ++wrong;
            }
        });
    }
    for (auto& t : threads) t.join();
    EXPECT_EQ(wrong, 0);
}

// --- names and headers --------------------------------------------------------------------

TEST(SanitizeFilename, PathPartsControlsAndSpoofing_X3) {
    EXPECT_EQ(SanitizeFilename("../../etc/passwd"), "passwd");
    EXPECT_EQ(SanitizeFilename("C:\\Users\\lan\\Báo cáo.pdf"), "Báo cáo.pdf");
    EXPECT_EQ(SanitizeFilename("a\r\nSet-Cookie: x=1.pdf"), "aSet-Cookie: x=1.pdf");
    EXPECT_EQ(SanitizeFilename(std::string("a\0b.pdf", 7)), "ab.pdf");
    EXPECT_EQ(SanitizeFilename("photo\xE2\x80\xAEgpj.exe"), "photogpj.exe") << "U+202E right-to-left override removed";
    EXPECT_EQ(SanitizeFilename("..."), "");
    EXPECT_EQ(SanitizeFilename(".htaccess"), "htaccess");
    EXPECT_EQ(SanitizeFilename("  tệp   cách  .docx  "), "tệp cách .docx");
    EXPECT_EQ(SanitizeFilename("x/"), "");
    EXPECT_EQ(SanitizeFilename("\xC3("), "") << "not UTF-8";
    EXPECT_EQ(SanitizeFilename("tab\there.txt"), "tab here.txt");
    // NFD Vietnamese becomes NFC (P-12).
    EXPECT_EQ(SanitizeFilename("Tha\xCC\x89o.txt"), "Thảo.txt");
    const auto long_name = SanitizeFilename(std::string(300, 'a') + ".pdf");
    EXPECT_LE(long_name.size(), 200u);
    EXPECT_TRUE(long_name.ends_with(".pdf")) << "the extension is kept";
    const auto long_vi = SanitizeFilename(std::string(150, 'a') + "ệệệệệệệệệệệệệệệệệệệệệệệệệệ.pdf");
    EXPECT_LE(long_vi.size(), 200u);
    EXPECT_TRUE(long_vi.ends_with(".pdf"));
}

TEST(NameForType, ExtensionFollowsTheContent_P12) {
    EXPECT_EQ(detail::NameForType("x.pdf", "image/png"), "x.png");
    EXPECT_EQ(detail::NameForType("ảnh.JPEG", "image/jpeg"), "ảnh.JPEG");
    EXPECT_EQ(detail::NameForType("Báo cáo quý 1. 2026", "application/pdf"), "Báo cáo quý 1. 2026.pdf");
    EXPECT_EQ(detail::NameForType("", "audio/mpeg"), "file.mp3");
    EXPECT_EQ(detail::NameForType("notes", "text/plain"), "notes.txt");
}

TEST(ContentDisposition, VietnameseName_P12) {
    EXPECT_EQ(ContentDisposition(true, "Báo cáo quý 1.pdf"),
              "attachment; filename=\"Bao cao quy 1.pdf\"; filename*=UTF-8''B%C3%A1o%20c%C3%A1o%20qu%C3%BD%201.pdf");
    EXPECT_EQ(ContentDisposition(false, "Đảng.jpg"),
              "inline; filename=\"Dang.jpg\"; filename*=UTF-8''%C4%90%E1%BA%A3ng.jpg");
}

TEST(ContentDisposition, HostileNamesCannotEscapeTheHeader_X3) {
    for (std::string name : {std::string("a\r\nSet-Cookie: x=1.pdf"), std::string("q\"uote\\d%22.pdf"),
                             std::string("a\0b\n.pdf", 9), std::string("中文\x7f.pdf"), std::string("\xC3(")}) {
        const auto h = ContentDisposition(true, name);
        for (char c : h) {
            const auto u = static_cast<unsigned char>(c);
            EXPECT_TRUE(u >= 0x20 && u < 0x7f) << "printable ASCII only: " << h;
        }
        // One quoted fallback, no quote or backslash inside it, the encoded form without quotes.
        const auto open = h.find("filename=\"");
        ASSERT_NE(open, std::string::npos) << h;
        const auto close = h.find('"', open + 10);
        ASSERT_NE(close, std::string::npos) << h;
        EXPECT_EQ(h.substr(close + 1, 2), "; ") << h;
        EXPECT_EQ(h.find('\\'), std::string::npos) << h;
        EXPECT_EQ(h.find('"', close + 1), std::string::npos) << h;
    }
    EXPECT_EQ(ContentDisposition(true, "a\r\nSet-Cookie: x=1.pdf"),
              "attachment; filename=\"aSet-Cookie: x=1.pdf\"; filename*=UTF-8''aSet-Cookie%3A%20x%3D1.pdf");
    EXPECT_EQ(ContentDisposition(true, ""), "attachment; filename=\"file\"; filename*=UTF-8''file");
}

TEST(Limits, ParseAndDefaults) {
    auto d = ParseLimits("");
    ASSERT_TRUE(d.ok());
    EXPECT_EQ(d->For(Kind::kImage), 20ll << 20);
    auto l = ParseLimits(" image=5, video=1000 ,pixels=1000000");
    ASSERT_TRUE(l.ok());
    EXPECT_EQ(l->image, 5ll << 20);
    EXPECT_EQ(l->video, 1000ll << 20);
    EXPECT_EQ(l->audio, 100ll << 20) << "not named: default";
    EXPECT_EQ(l->max_pixels, 1000000);
    EXPECT_EQ(l->Largest(), 1000ll << 20);
    for (std::string_view bad : {"image", "image=", "image=-1", "image=0", "photo=5", "image=5MB", "image=99999"}) {
        auto r = ParseLimits(bad);
        EXPECT_FALSE(r.ok()) << bad;
        if (!r.ok()) {
            EXPECT_EQ(r.error().message.key, "media.limits_invalid");
        }
    }
}

TEST(Kinds, NamesRoundTrip) {
    for (auto k : {Kind::kImage, Kind::kAudio, Kind::kVideo, Kind::kDocument}) EXPECT_EQ(ParseKind(KindName(k)), k);
    EXPECT_FALSE(ParseKind("archive"));
}

TEST(Json, RecordShape_P12) {
    MediaFile f{.id = 7,
                .sha256 = std::string(64, 'a'),
                .mime = "image/jpeg",
                .size = 10,
                .filename = "ảnh.jpg",
                .kind = Kind::kImage,
                .width = 800,
                .height = 600};
    f.variants.push_back({320, 240, "webp", "image/webp", std::string(64, 'b'), 5});
    auto j = ToJson(f).as_object();
    EXPECT_EQ(j.at("url").as_string(), "/media/" + std::string(64, 'a'));
    EXPECT_EQ(j.at("width").as_int64(), 800);
    const auto& v = j.at("variants").as_array().at(0).as_object();
    EXPECT_EQ(v.at("url").as_string(), "/media/" + std::string(64, 'a') + "/320.webp");
    EXPECT_EQ(v.at("format").as_string(), "webp");
    EXPECT_EQ(v.at("size").as_int64(), 5);
    f.kind = Kind::kDocument;
    EXPECT_TRUE(ToJson(f).as_object().at("width").is_null()) << "no dimensions for documents";
}

// --- images ---------------------------------------------------------------------------------

TEST(Image, ExifAndGpsStrippedAndTurnedUpright_P12) {
    const auto jpeg = MakeImage({.width = 800, .height = 600, .exif_gps = true, .orientation = 6});
    const auto before = MetadataOf(jpeg);
    ASSERT_TRUE(before.count("exif-ifd3-GPSLatitude")) << "the test image does carry a GPS position";
    ASSERT_NE(jpeg.find("CanonTest"), std::string::npos);
    auto r = detail::ProcessImage(jpeg, "image/jpeg", 50'000'000);
    ASSERT_TRUE(r.ok()) << r.error().detail;
    // Orientation 6 (rotate 90°): the stored image is upright, 600 × 800.
    EXPECT_EQ(r->original.width, 600);
    EXPECT_EQ(r->original.height, 800);
    EXPECT_EQ(r->original.mime, "image/jpeg");
    EXPECT_FALSE(HasExifOrXmp(MetadataOf(r->original.bytes)));
    EXPECT_EQ(r->original.bytes.find("CanonTest"), std::string::npos);
    EXPECT_EQ(r->original.bytes.find("Exif"), std::string::npos);
    ASSERT_FALSE(r->variants.empty());
    for (const auto& v : r->variants) {
        for (const auto& f : MetadataOf(v.bytes))
            EXPECT_FALSE(f.starts_with("exif-") || f == "xmp-data") << f << " in " << v.width << "." << v.format;
        EXPECT_EQ(v.bytes.find("Exif"), std::string::npos);
    }
}

TEST(Image, VariantsNeverUpscale_P12) {
    auto big = detail::ProcessImage(MakeImage({.width = 2000, .height = 1000}), "image/jpeg", 50'000'000);
    ASSERT_TRUE(big.ok());
    std::vector<std::pair<int, std::string>> got;
    for (const auto& v : big->variants) {
        got.emplace_back(v.width, v.format);
        EXPECT_EQ(v.height, v.width / 2) << "aspect ratio kept";
        EXPECT_EQ(DetectMime(v.bytes), v.mime);
    }
    const std::vector<std::pair<int, std::string>> all = {{320, "webp"},  {320, "jpg"},  {640, "webp"},  {640, "jpg"},
                                                          {1024, "webp"}, {1024, "jpg"}, {1600, "webp"}, {1600, "jpg"}};
    EXPECT_EQ(got, all);
    auto mid = detail::ProcessImage(MakeImage({.width = 700, .height = 700, .format = "png"}), "image/png", 50'000'000);
    ASSERT_TRUE(mid.ok());
    ASSERT_EQ(mid->variants.size(), 4u) << "320 and 640 only";
    for (const auto& v : mid->variants) EXPECT_LT(v.width, 700);
    auto small =
        detail::ProcessImage(MakeImage({.width = 320, .height = 100, .format = "webp"}), "image/webp", 50'000'000);
    ASSERT_TRUE(small.ok());
    EXPECT_TRUE(small->variants.empty()) << "an image 320 wide gets no variant (none would be narrower)";
    EXPECT_EQ(small->original.width, 320);
    EXPECT_EQ(small->original.mime, "image/webp");
}

TEST(Image, TransparentImagesGetWhiteJpegVariants) {
    auto r = detail::ProcessImage(MakeImage({.width = 700, .height = 100, .format = "png", .alpha = true}), "image/png",
                                  50'000'000);
    ASSERT_TRUE(r.ok()) << r.error().detail;
    for (const auto& v : r->variants) EXPECT_EQ(DetectMime(v.bytes), v.mime);
    EXPECT_EQ(DetectMime(r->original.bytes), "image/png");
}

TEST(Image, GifKeepsItsFormat) {
    auto r = detail::ProcessImage(MakeImage({.width = 400, .height = 200, .format = "gif"}), "image/gif", 50'000'000);
    ASSERT_TRUE(r.ok()) << r.error().detail;
    EXPECT_EQ(DetectMime(r->original.bytes), "image/gif");
    ASSERT_EQ(r->variants.size(), 2u);
    EXPECT_EQ(r->variants[0].width, 320);
}

TEST(Image, CorruptAndTruncatedImagesAreRefused_P12) {
    const auto jpeg = MakeImage({.width = 800, .height = 600});
    auto cut = detail::ProcessImage(std::string_view(jpeg).substr(0, jpeg.size() / 2), "image/jpeg", 50'000'000);
    ASSERT_FALSE(cut.ok());
    EXPECT_EQ(cut.error().message.key, "media.image_corrupt");
    std::string garbage = jpeg.substr(0, 20) + std::string(500, '\x55');
    auto bad = detail::ProcessImage(garbage, "image/jpeg", 50'000'000);
    ASSERT_FALSE(bad.ok());
    EXPECT_EQ(bad.error().message.key, "media.image_corrupt");
    // The decoder follows the detected type only: PNG bytes are never read as a JPEG.
    auto wrong = detail::ProcessImage(MakeImage({.format = "png"}), "image/jpeg", 50'000'000);
    EXPECT_FALSE(wrong.ok());
    auto none = detail::ProcessImage(MakeImage({}), "image/svg+xml", 50'000'000);
    EXPECT_FALSE(none.ok()) << "no decoder outside the allow-list";
}

TEST(Image, DecompressionBombRefusedFromTheHeader_P12) {
    // A PNG declaring 30000 × 30000 pixels of one colour compresses to a few kilobytes.
    const auto png = MakeImage({.width = 3000, .height = 3000, .format = "png"});
    auto r = detail::ProbeImage(png, "image/png", 1'000'000);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().message.key, "media.image_too_many_pixels");
    auto p = detail::ProcessImage(png, "image/png", 1'000'000);
    ASSERT_FALSE(p.ok());
    EXPECT_EQ(p.error().message.key, "media.image_too_many_pixels");
    auto ok = detail::ProbeImage(png, "image/png", 9'000'000);
    ASSERT_TRUE(ok.ok());
    EXPECT_EQ(ok->width, 3000);
}

// --- the store ------------------------------------------------------------------------------

class StoreTest : public ::testing::Test {
protected:
    void SetUp() override {
        root_ = std::filesystem::temp_directory_path() /
                ("vp-store-" + std::to_string(::getpid()) + "-" + std::to_string(n_++));
        std::filesystem::remove_all(root_);
    }
    void TearDown() override { std::filesystem::remove_all(root_); }
    std::vector<std::filesystem::path> Files() const {
        std::vector<std::filesystem::path> out;
        if (!std::filesystem::exists(root_)) return out;
        for (const auto& e : std::filesystem::recursive_directory_iterator(root_)) {
            if (e.is_regular_file()) out.push_back(e.path());
        }
        return out;
    }
    static inline int n_ = 0;
    std::filesystem::path root_;
};

TEST_F(StoreTest, ContentAddressedLayoutAndMode_P12) {
    Store store(root_);
    const auto digest = store.Put("hello");
    EXPECT_EQ(digest, "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824");
    const auto path = root_ / "sha256" / "2c" / "f2" / digest;
    EXPECT_EQ(store.PathOf(digest), path);
    EXPECT_EQ(ReadFile(path), "hello");
    struct stat st {};
    ASSERT_EQ(::stat(path.c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, 0640u);
    EXPECT_TRUE(store.Contains(digest));
    EXPECT_FALSE(store.Contains(std::string(64, '0')));
    EXPECT_FALSE(store.Contains("../../etc/passwd"));
    EXPECT_TRUE(Store::IsDigest(digest));
    EXPECT_FALSE(Store::IsDigest(std::string(63, 'a')));
    EXPECT_FALSE(Store::IsDigest(std::string(64, 'A')));
}

TEST_F(StoreTest, SameBytesStoredOnce_P12) {
    Store store(root_);
    const std::string bytes(100000, 'x');
    const auto a = store.Put(bytes);
    const auto b = store.Put(bytes);
    EXPECT_EQ(a, b);
    EXPECT_EQ(Files().size(), 1u);
    std::vector<std::thread> threads;
    for (int i = 0; i < 6; ++i)
        threads.emplace_back([&] { EXPECT_EQ(store.Put("concurrent"), Store::Sha256Hex("concurrent")); });
    for (auto& t : threads) t.join();
    EXPECT_EQ(Files().size(), 2u) << "concurrent writers of the same bytes leave one file and no temporary";
}

TEST_F(StoreTest, AtomicWrite_P12) {
    // Just before the rename, the complete bytes are in a temporary file of the same folder and
    // nothing is at the final name: a reader (or a crash) never sees a partial file.
    const std::string bytes(50000, 'z');
    const auto digest = Store::Sha256Hex(bytes);
    bool checked = false;
    Store store(root_, {.before_rename = [&](const std::filesystem::path& temporary) {
                    checked = true;
                    EXPECT_EQ(temporary.parent_path(), Store(root_).PathOf(digest).parent_path());
                    EXPECT_EQ(ReadFile(temporary), bytes);
                    EXPECT_FALSE(std::filesystem::exists(Store(root_).PathOf(digest)));
                    EXPECT_NE(temporary.filename().string().find(".tmp-"), std::string::npos);
                }});
    store.Put(bytes);
    EXPECT_TRUE(checked);
    EXPECT_EQ(Files().size(), 1u) << "the temporary file is gone";
    // A failure before the rename leaves nothing at the final name and no temporary file.
    const std::string other = "other bytes";
    Store failing(root_,
                  {.before_rename = [](const std::filesystem::path&) { throw std::runtime_error("disk gone"); }});
    EXPECT_THROW(failing.Put(other), std::runtime_error);
    EXPECT_FALSE(store.Contains(Store::Sha256Hex(other)));
    EXPECT_EQ(Files().size(), 1u);
    // A left-over temporary (a crash mid-write) is never taken for the file.
    const auto path = store.PathOf(Store::Sha256Hex(other));
    std::filesystem::create_directories(path.parent_path());
    std::ofstream(path.parent_path() / ("." + Store::Sha256Hex(other) + ".tmp-dead")) << "partial";
    Store plain(root_);
    EXPECT_FALSE(plain.Contains(Store::Sha256Hex(other)));
    EXPECT_EQ(plain.Put(other), Store::Sha256Hex(other));
    EXPECT_EQ(ReadFile(path), other);
}

TEST_F(StoreTest, UnwritableRootThrows) {
    std::filesystem::create_directories(root_.parent_path());
    std::ofstream(root_) << "a file where the folder should be";
    Store store(root_);
    EXPECT_THROW(store.Put("x"), std::system_error);
    std::filesystem::remove(root_);
}

}  // namespace
}  // namespace vp::media
