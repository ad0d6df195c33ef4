#include "auth/crypto/qr.hpp"

#include <qrencode.h>

#include <cerrno>
#include <memory>
#include <new>
#include <stdexcept>

namespace vp::auth {
namespace {

constexpr int kQuietZoneModules = 4;  // ISO/IEC 18004 minimum; scanners fail more often with less
constexpr int kPixelsPerModule = 4;

struct QrFree {
    void operator()(QRcode* qr) const { QRcode_free(qr); }
};

}  // namespace

std::string QrSvg(std::string_view text) {
    // QRcode_encodeString takes a C string; a NUL would silently truncate the payload.
    if (text.find('\0') != std::string_view::npos) {
        throw std::invalid_argument("QrSvg: text contains NUL");
    }
    const std::string c_text(text);
    errno = 0;
    // version 0 = smallest that fits; hint QR_MODE_8 lets libqrencode split into numeric /
    // alphanumeric / byte segments; case-sensitive so the URI is reproduced exactly.
    const std::unique_ptr<QRcode, QrFree> qr(QRcode_encodeString(c_text.c_str(), 0, QR_ECLEVEL_M, QR_MODE_8, 1));
    if (!qr) {
        if (errno == ERANGE) throw std::length_error("QrSvg: text too long for a QR code");
        if (errno == ENOMEM) throw std::bad_alloc();
        throw std::runtime_error("QrSvg: QRcode_encodeString failed");
    }

    const int width = qr->width;
    const int size = width + 2 * kQuietZoneModules;
    const std::string size_str = std::to_string(size);
    const std::string pixels_str = std::to_string(size * kPixelsPerModule);

    // One subpath per horizontal run of dark modules keeps the path short (far fewer nodes than
    // one square per module) while remaining exact.
    std::string path;
    for (int y = 0; y < width; ++y) {
        const unsigned char* row = qr->data + static_cast<std::ptrdiff_t>(y) * width;
        int x = 0;
        while (x < width) {
            if ((row[x] & 1) == 0) {
                ++x;
                continue;
            }
            const int start = x;
            while (x < width && (row[x] & 1) != 0) ++x;
            const std::string run = std::to_string(x - start);
            path += 'M';
            path += std::to_string(start + kQuietZoneModules);
            path += ' ';
            path += std::to_string(y + kQuietZoneModules);
            path += 'h';
            path += run;
            path += "v1h-";
            path += run;
            path += 'z';
        }
    }

    std::string svg;
    svg.reserve(path.size() + 256);
    svg += R"(<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 )";
    svg += size_str + ' ' + size_str;
    svg += R"(" width=")" + pixels_str + R"(" height=")" + pixels_str;
    svg += R"(" shape-rendering="crispEdges" role="img" aria-label="QR">)";
    // The white background keeps the code scannable on dark page themes.
    svg += R"(<rect width="100%" height="100%" fill="#fff"/>)";
    svg += R"(<path fill="#000" d=")" + path + R"("/>)";
    svg += "</svg>";
    return svg;
}

}  // namespace vp::auth
