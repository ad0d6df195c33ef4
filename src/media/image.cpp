// Images through libvips (C API): decoded with the one loader the detected type names, turned
// upright, converted to sRGB, re-encoded without metadata, and resized.
#include <vips/vips.h>
#include <webp/mux.h>

#include <memory>
#include <mutex>
#include <stdexcept>

#include <spdlog/spdlog.h>

#include "media/internal.hpp"

namespace vp::media::detail {
namespace {

struct Unref {
    void operator()(VipsImage* image) const {
        if (image) g_object_unref(image);
    }
};
using Image = std::unique_ptr<VipsImage, Unref>;

void InitOnce() {
    static std::once_flag once;
    std::call_once(once, [] {
        if (VIPS_INIT("vanphong") != 0) throw std::runtime_error("libvips failed to initialise");
        // Only the loaders called by name below ever run: never ImageMagick, PDF, SVG or the
        // other "untrusted" loaders libvips would otherwise pick from the bytes themselves.
        vips_block_untrusted_set(TRUE);
        // No operation cache: every upload is new, and the cache would keep its pixels.
        vips_cache_set_max(0);
        vips_cache_set_max_mem(0);
    });
}

std::string TakeVipsError() {
    std::string e = vips_error_buffer();
    vips_error_clear();
    while (!e.empty() && e.back() == '\n') e.pop_back();
    return e;
}

core::Error Corrupt(std::string detail) {
    return core::InvalidInput(core::Msg("media.image_corrupt"), "libvips: " + std::move(detail));
}

// `frames`: 1 for the first frame, -1 for all (animated GIF). fail_on=error: a truncated or
// damaged file is refused rather than shown half grey.
Image Load(std::string_view bytes, std::string_view mime, int frames) {
    VipsImage* out = nullptr;
    void* data = const_cast<char*>(bytes.data());  // libvips reads, never writes, the buffer
    const std::size_t size = bytes.size();
    int rc = -1;
    if (mime == "image/jpeg") {
        rc = vips_jpegload_buffer(data, size, &out, "fail_on", VIPS_FAIL_ON_ERROR, nullptr);
    } else if (mime == "image/png") {
        rc = vips_pngload_buffer(data, size, &out, "fail_on", VIPS_FAIL_ON_ERROR, nullptr);
    } else if (mime == "image/webp") {
        rc = vips_webpload_buffer(data, size, &out, "fail_on", VIPS_FAIL_ON_ERROR, nullptr);
    } else if (mime == "image/gif") {
        rc = vips_gifload_buffer(data, size, &out, "n", frames, "fail_on", VIPS_FAIL_ON_ERROR, nullptr);
    } else {
        vips_error("vanphong", "no decoder for %s", std::string(mime).c_str());
    }
    if (rc != 0) {
        if (out) g_object_unref(out);
        return nullptr;
    }
    return Image(out);
}

// Replaces `image` by f(image, &out); false (and the vips error kept) when f fails.
template <class F>
bool Step(Image& image, F f) {
    VipsImage* out = nullptr;
    if (f(image.get(), &out) != 0) {
        if (out) g_object_unref(out);
        return false;
    }
    image.reset(out);
    return true;
}

std::string TakeBuffer(void* buffer, std::size_t size) {
    std::string out(static_cast<const char*>(buffer), size);
    g_free(buffer);
    return out;
}

enum class Format { kJpeg, kPng, kWebp, kGif };

// libvips 8.14's WebP writer adds an EXIF block of its own (orientation, resolution) even when
// told to strip: the chunks are taken out again with libwebpmux (EXIF, XMP, ICC profile).
std::optional<std::string> DropWebpMetadata(std::string bytes) {
    WebPData in{reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size()};
    WebPMux* mux = WebPMuxCreate(&in, 0);
    if (!mux) return std::nullopt;
    for (const char* chunk : {"EXIF", "XMP ", "ICCP"}) WebPMuxDeleteChunk(mux, chunk);
    WebPData out;
    WebPDataInit(&out);
    const bool ok = WebPMuxAssemble(mux, &out) == WEBP_MUX_OK;
    WebPMuxDelete(mux);
    if (!ok) return std::nullopt;
    std::string clean(reinterpret_cast<const char*>(out.bytes), out.size);
    WebPDataClear(&out);
    return clean;
}

// Encodes without any metadata ("strip": EXIF with GPS, XMP, IPTC, ICC, comments).
std::optional<std::string> Encode(VipsImage* image, Format format, int quality) {
    void* buffer = nullptr;
    std::size_t size = 0;
    int rc = -1;
    switch (format) {
        case Format::kJpeg:
            rc = vips_jpegsave_buffer(image, &buffer, &size, "Q", quality, "strip", TRUE, "optimize_coding", TRUE,
                                      "interlace", TRUE, nullptr);
            break;
        case Format::kPng:
            rc = vips_pngsave_buffer(image, &buffer, &size, "strip", TRUE, "compression", 6, nullptr);
            break;
        case Format::kWebp:
            rc = vips_webpsave_buffer(image, &buffer, &size, "Q", quality, "strip", TRUE, nullptr);
            break;
        case Format::kGif: rc = vips_gifsave_buffer(image, &buffer, &size, "strip", TRUE, nullptr); break;
    }
    if (rc != 0) {
        if (buffer) g_free(buffer);
        return std::nullopt;
    }
    if (format == Format::kWebp) {
        auto clean = DropWebpMetadata(TakeBuffer(buffer, size));
        if (!clean) vips_error("vanphong", "WebP metadata could not be removed");
        return clean;
    }
    return TakeBuffer(buffer, size);
}

// JPEG has no alpha: transparent pixels become white.
bool Flatten(Image& image) {
    if (!vips_image_hasalpha(image.get())) return true;
    return Step(image, [](VipsImage* in, VipsImage** out) {
        VipsArrayDouble* white = vips_array_double_newv(1, 255.0);
        const int rc = vips_flatten(in, out, "background", white, nullptr);
        vips_area_unref(VIPS_AREA(white));
        return rc;
    });
}

// Removes every metadata field from an image this code owns (a copy in memory): EXIF (camera,
// GPS position), XMP, IPTC, ICC, comments, the orientation. The encoders are also asked to
// strip, but one left over (a saver that ignores "strip") would put them back in the file.
void RemoveMetadata(VipsImage* image) {
    char** names = vips_image_get_fields(image);
    for (char** p = names; p && *p; ++p) {
        const std::string_view n(*p);
        if (n.starts_with("exif-") || n.starts_with("xmp-") || n.starts_with("iptc-") || n.starts_with("icc-") ||
            n.find("comment") != std::string_view::npos || n == "orientation" || n.starts_with("png-")) {
            vips_image_remove(image, *p);
        }
    }
    g_strfreev(names);
}

}  // namespace

core::Result<ImageHeader> ProbeImage(std::string_view bytes, std::string_view mime, std::int64_t max_pixels) {
    InitOnce();
    auto image = Load(bytes, mime, 1);
    if (!image) return Corrupt(TakeVipsError());
    ImageHeader h{vips_image_get_width(image.get()), vips_image_get_height(image.get()), 1};
    if (mime == "image/gif") h.pages = std::max(1, vips_image_get_n_pages(image.get()));
    if (h.width <= 0 || h.height <= 0) return Corrupt("empty image");
    // Checked from the header, before a single pixel is decoded: a few bytes can declare a
    // canvas of gigapixels (a decompression bomb).
    const std::int64_t pixels = std::int64_t{h.width} * h.height * h.pages;
    if (pixels > max_pixels) {
        return core::InvalidInput(
            core::Msg("media.image_too_many_pixels", {{"width", std::to_string(h.width)},
                                                      {"height", std::to_string(h.height)},
                                                      {"max", std::to_string(max_pixels / 1'000'000) + " MP"}}),
            "pixels " + std::to_string(pixels));
    }
    return h;
}

core::Result<ProcessedImage> ProcessImage(std::string_view bytes, std::string_view mime, std::int64_t max_pixels) {
    auto header = ProbeImage(bytes, mime, max_pixels);
    if (!header) return header.error();
    const bool gif = mime == "image/gif";
    const bool animated = gif && header->pages > 1;
    auto image = Load(bytes, mime, animated ? -1 : 1);
    if (!image) return Corrupt(TakeVipsError());
    if (!animated) {
        // Upright by the EXIF orientation (which goes with the rest of the metadata).
        if (!Step(image, [](VipsImage* in, VipsImage** out) { return vips_autorot(in, out, nullptr); })) {
            return Corrupt(TakeVipsError());
        }
        // Colours: into sRGB from an embedded profile (else the stripped profile would change
        // them), and from CMYK, 16-bit or other spaces.
        if (vips_image_get_typeof(image.get(), VIPS_META_ICC_NAME)) {
            if (!Step(image, [](VipsImage* in, VipsImage** out) {
                    return vips_icc_transform(in, out, "srgb", "embedded", TRUE, "intent", VIPS_INTENT_PERCEPTUAL,
                                              nullptr);
                })) {
                spdlog::debug("media: embedded ICC profile not usable: {}", TakeVipsError());
            }
        }
        const auto space = vips_image_get_interpretation(image.get());
        if (space != VIPS_INTERPRETATION_sRGB && space != VIPS_INTERPRETATION_B_W) {
            if (!Step(image, [](VipsImage* in, VipsImage** out) {
                    return vips_colourspace(in, out, VIPS_INTERPRETATION_sRGB, nullptr);
                })) {
                return Corrupt(TakeVipsError());
            }
        }
        if (vips_image_get_format(image.get()) != VIPS_FORMAT_UCHAR) {
            if (!Step(image, [](VipsImage* in, VipsImage** out) { return vips_cast_uchar(in, out, nullptr); })) {
                return Corrupt(TakeVipsError());
            }
        }
    }
    // Decode every pixel now: damaged data is found here, and the variants read memory.
    Image decoded(vips_image_copy_memory(image.get()));
    if (!decoded) return Corrupt(TakeVipsError());
    image.reset();
    RemoveMetadata(decoded.get());

    ProcessedImage out;
    const int width = vips_image_get_width(decoded.get());
    const int height = animated ? header->height : vips_image_get_height(decoded.get());
    Format format = Format::kJpeg;
    std::string ext = "jpg";
    int quality = 90;
    if (mime == "image/png") {
        format = Format::kPng;
        ext = "png";
    } else if (mime == "image/webp") {
        format = Format::kWebp;
        ext = "webp";
    } else if (gif) {
        format = Format::kGif;
        ext = "gif";
    }
    auto original = Encode(decoded.get(), format, quality);
    if (!original) return Corrupt(TakeVipsError());
    out.original = {width, height, ext, std::string(mime), std::move(*original)};

    // Variants of the first frame, only narrower than the image (never enlarged).
    Image first;
    if (animated) {
        VipsImage* crop = nullptr;
        if (vips_crop(decoded.get(), &crop, 0, 0, width, height, nullptr) != 0) return Corrupt(TakeVipsError());
        first.reset(crop);
    } else {
        first.reset(decoded.release());
    }
    for (const int target : kVariantWidths) {
        if (target >= width) break;
        VipsImage* scaled = nullptr;
        if (vips_thumbnail_image(first.get(), &scaled, target, "height", VIPS_MAX_COORD, "size", VIPS_SIZE_DOWN,
                                 nullptr) != 0) {
            return Corrupt(TakeVipsError());
        }
        Image variant(scaled);
        const int vw = vips_image_get_width(variant.get());
        const int vh = vips_image_get_height(variant.get());
        auto webp = Encode(variant.get(), Format::kWebp, 80);
        if (!webp) return Corrupt(TakeVipsError());
        out.variants.push_back({vw, vh, "webp", "image/webp", std::move(*webp)});
        if (!Flatten(variant)) return Corrupt(TakeVipsError());
        auto jpeg = Encode(variant.get(), Format::kJpeg, 82);
        if (!jpeg) return Corrupt(TakeVipsError());
        out.variants.push_back({vw, vh, "jpg", "image/jpeg", std::move(*jpeg)});
    }
    return out;
}

}  // namespace vp::media::detail
