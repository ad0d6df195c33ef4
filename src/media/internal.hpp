#pragma once
// Internal to src/media: image processing (libvips) and naming rules shared by its files.

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.hpp"
#include "media/media.hpp"

namespace vp::media::detail {

/// Widths of the resized copies of an image; only those narrower than the image are made.
inline constexpr std::array<int, 4> kVariantWidths = {320, 640, 1024, 1600};

struct ImageHeader {
    int width = 0;
    int height = 0;  ///< of one frame
    int pages = 1;
};

/// Reads an image's header with the decoder for `mime` only (never one libvips would pick by
/// itself): its size, refused (media.image_too_many_pixels) above `max_pixels` in all frames
/// together, or (media.image_corrupt) when the header cannot be read.
core::Result<ImageHeader> ProbeImage(std::string_view bytes, std::string_view mime, std::int64_t max_pixels);

struct EncodedImage {
    int width = 0;
    int height = 0;
    std::string format;  ///< "jpg", "png", "webp", "gif"
    std::string mime;
    std::string bytes;
};

struct ProcessedImage {
    EncodedImage original;               ///< upright, sRGB, no metadata, same format as the upload
    std::vector<EncodedImage> variants;  ///< by width, WebP then JPEG for each
};

/// Decodes the image completely (a corrupt or truncated one is refused: media.image_corrupt),
/// turns it upright by its EXIF orientation, converts it to sRGB, and encodes it again without
/// any metadata (EXIF with GPS, XMP, IPTC, ICC, comments), plus the variants of kVariantWidths
/// narrower than it. Animated GIFs keep their frames; animated WebP and PNG keep the first.
core::Result<ProcessedImage> ProcessImage(std::string_view bytes, std::string_view mime, std::int64_t max_pixels);

/// Extensions a file of `mime` may already carry ("jpeg" for image/jpeg …); the first is the one
/// given to names that carry none of them.
std::vector<std::string_view> ExtensionsFor(std::string_view mime);
/// The sanitised name with an extension that matches `mime` ("x.pdf" of a PNG → "x.png"), or
/// "file.<ext>" when the name is empty.
std::string NameForType(std::string name, std::string_view mime);

}  // namespace vp::media::detail
