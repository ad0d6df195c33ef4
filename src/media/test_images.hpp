#pragma once
// Test helpers of the media module: images made with libvips, the sample files of tests/data/media.

#include <vips/vips.h>

#include <filesystem>
#include <fstream>
#include <set>
#include <string>

#include <gtest/gtest.h>

namespace vp::media::testing {

inline std::string ReadFile(const std::filesystem::path& p) {
    std::ifstream in(p, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), {}};
}

/// A sample file of tests/data/media (see make_samples.py there).
inline std::string Sample(const std::string& name) {
    return ReadFile(std::filesystem::path(VP_SOURCE_DIR) / "tests/data/media" / name);
}

// A test image made with libvips: a gradient of `width` × `height`, optionally with EXIF
// (camera, GPS position, orientation) and an alpha channel.
struct ImageSpec {
    int width = 800;
    int height = 600;
    std::string format = "jpg";  // jpg, png, webp, gif
    bool exif_gps = false;
    int orientation = 0;
    bool alpha = false;
};

inline std::string MakeImage(const ImageSpec& s) {
    VIPS_INIT("test");
    VipsImage* xyz = nullptr;
    EXPECT_EQ(vips_xyz(&xyz, s.width, s.height, nullptr), 0);
    VipsImage* u = nullptr;
    vips_cast_uchar(xyz, &u, nullptr);
    VipsImage* rgb = nullptr;
    vips_bandjoin_const1(u, &rgb, 128, nullptr);
    VipsImage* img = nullptr;
    if (s.alpha) {
        VipsImage* a = nullptr;
        vips_bandjoin_const1(rgb, &a, 200, nullptr);
        vips_copy(a, &img, "interpretation", VIPS_INTERPRETATION_sRGB, nullptr);
        g_object_unref(a);
    } else {
        vips_copy(rgb, &img, "interpretation", VIPS_INTERPRETATION_sRGB, nullptr);
    }
    if (s.orientation) vips_image_set_int(img, "orientation", s.orientation);
    if (s.exif_gps) {
        vips_image_set_string(img, "exif-ifd0-Make", "CanonTest");
        vips_image_set_string(img, "exif-ifd3-GPSLatitudeRef", "N");
        vips_image_set_string(img, "exif-ifd3-GPSLatitude", "21/1 1/1 30/1");
        vips_image_set_string(img, "exif-ifd3-GPSLongitudeRef", "E");
        vips_image_set_string(img, "exif-ifd3-GPSLongitude", "105/1 51/1 0/1");
    }
    void* buf = nullptr;
    std::size_t len = 0;
    int rc = -1;
    if (s.format == "jpg") rc = vips_jpegsave_buffer(img, &buf, &len, nullptr);
    if (s.format == "png") rc = vips_pngsave_buffer(img, &buf, &len, nullptr);
    if (s.format == "webp") rc = vips_webpsave_buffer(img, &buf, &len, nullptr);
    if (s.format == "gif") rc = vips_gifsave_buffer(img, &buf, &len, nullptr);
    EXPECT_EQ(rc, 0) << vips_error_buffer();
    std::string out(static_cast<char*>(buf), len);
    g_free(buf);
    for (auto* i : {xyz, u, rgb, img}) g_object_unref(i);
    return out;
}

// The metadata fields libvips reads back from encoded bytes.
inline std::set<std::string> MetadataOf(const std::string& bytes) {
    VipsImage* img = vips_image_new_from_buffer(bytes.data(), bytes.size(), "", nullptr);
    EXPECT_NE(img, nullptr) << vips_error_buffer();
    std::set<std::string> out;
    if (!img) return out;
    char** names = vips_image_get_fields(img);
    for (char** p = names; *p; ++p) out.insert(*p);
    g_strfreev(names);
    g_object_unref(img);
    return out;
}

}  // namespace vp::media::testing
