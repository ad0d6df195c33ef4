#include "auth/crypto/qr.hpp"

#include <gtest/gtest.h>
#include <qrencode.h>

#include <memory>
#include <regex>
#include <stdexcept>
#include <string>
#include <vector>

namespace vp::auth {
namespace {

std::size_t Count(const std::string& haystack, const std::string& needle) {
    std::size_t n = 0;
    for (auto pos = haystack.find(needle); pos != std::string::npos; pos = haystack.find(needle, pos + 1)) ++n;
    return n;
}

int ViewBoxSize(const std::string& svg) {
    std::smatch m;
    if (!std::regex_search(svg, m, std::regex(R"(viewBox="0 0 (\d+) (\d+)\")")) || m[1] != m[2]) return -1;
    return std::stoi(m[1]);
}

// Paints the path back onto a grid. The path grammar is ours ("M<x> <y>h<n>v1h-<n>z" repeated),
// so this is a renderer check, not an SVG parser.
std::vector<std::vector<bool>> Rasterize(const std::string& svg, int size) {
    std::smatch d;
    EXPECT_TRUE(std::regex_search(svg, d, std::regex(R"(<path fill="#000" d="([^"]*)\"/>)")));
    std::vector<std::vector<bool>> grid(static_cast<std::size_t>(size),
                                        std::vector<bool>(static_cast<std::size_t>(size)));
    const std::string path = d[1];
    const std::regex run(R"(M(\d+) (\d+)h(\d+)v1h-(\d+)z)");
    std::size_t covered = 0;
    for (auto it = std::sregex_iterator(path.begin(), path.end(), run); it != std::sregex_iterator(); ++it) {
        const int x = std::stoi((*it)[1]);
        const int y = std::stoi((*it)[2]);
        const int n = std::stoi((*it)[3]);
        EXPECT_EQ((*it)[3], (*it)[4]);
        for (int i = 0; i < n; ++i) grid.at(static_cast<std::size_t>(y)).at(static_cast<std::size_t>(x + i)) = true;
        covered += static_cast<std::size_t>(it->length());
    }
    EXPECT_EQ(covered, path.size()) << "path contains something other than runs";
    return grid;
}

// covers X-3
TEST(QrSvg, WellFormedCompactSvg_X3) {
    const std::string svg = QrSvg("otpauth://totp/VanPhong:alice?secret=JBSWY3DPEHPK3PXP&issuer=VanPhong");
    EXPECT_EQ(svg.rfind(R"(<svg xmlns="http://www.w3.org/2000/svg")", 0), 0u);
    EXPECT_TRUE(svg.ends_with("</svg>"));
    EXPECT_EQ(Count(svg, "<svg"), 1u);
    EXPECT_EQ(Count(svg, "<path"), 1u);
    EXPECT_EQ(Count(svg, "<rect"), 1u);
    EXPECT_NE(svg.find(R"(shape-rendering="crispEdges")"), std::string::npos);
    EXPECT_EQ(svg.find('\n'), std::string::npos);
    // The secret-bearing text must not leak into the page source.
    EXPECT_EQ(svg.find("JBSWY3DPEHPK3PXP"), std::string::npos);
    EXPECT_EQ(svg.find("otpauth"), std::string::npos);
    // Every '<' opens a tag we know, every tag is closed.
    EXPECT_EQ(Count(svg, "<"), 4u);  // <svg <rect <path </svg
    EXPECT_EQ(Count(svg, "/>"), 2u);
}

// covers X-3: the rendered modules are exactly libqrencode's, inside an empty 4-module quiet zone.
TEST(QrSvg, ModulesMatchLibqrencode_X3) {
    const std::string text = "otpauth://totp/V%C4%83n:an?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=V%C4%83n";
    const std::string svg = QrSvg(text);
    const std::unique_ptr<QRcode, void (*)(QRcode*)> qr(
        QRcode_encodeString(text.c_str(), 0, QR_ECLEVEL_M, QR_MODE_8, 1), QRcode_free);
    ASSERT_TRUE(qr);
    const int size = ViewBoxSize(svg);
    ASSERT_EQ(size, qr->width + 8);
    EXPECT_NE(svg.find("width=\"" + std::to_string(size * 4) + "\""), std::string::npos);
    const auto grid = Rasterize(svg, size);
    for (int y = 0; y < size; ++y) {
        for (int x = 0; x < size; ++x) {
            const bool in_symbol = x >= 4 && y >= 4 && x < size - 4 && y < size - 4;
            const bool expected = in_symbol && (qr->data[(y - 4) * qr->width + (x - 4)] & 1) != 0;
            ASSERT_EQ(grid[static_cast<std::size_t>(y)][static_cast<std::size_t>(x)], expected) << x << "," << y;
        }
    }
    // Top-left finder pattern: 7x7 ring, white ring, 3x3 core.
    for (int y = 0; y < 7; ++y) {
        for (int x = 0; x < 7; ++x) {
            const bool ring = x == 0 || y == 0 || x == 6 || y == 6;
            const bool core = x >= 2 && x <= 4 && y >= 2 && y <= 4;
            EXPECT_EQ(grid[static_cast<std::size_t>(y + 4)][static_cast<std::size_t>(x + 4)], ring || core);
        }
    }
}

// covers X-3
TEST(QrSvg, SizeGrowsWithInput_X3) {
    const int small = ViewBoxSize(QrSvg("hi"));
    const int medium = ViewBoxSize(QrSvg(std::string(100, 'x')));
    const int large = ViewBoxSize(QrSvg(std::string(1000, 'x')));
    EXPECT_EQ(small, 21 + 8);  // version 1
    EXPECT_LT(small, medium);
    EXPECT_LT(medium, large);
    EXPECT_EQ((large - 8 - 17) % 4, 0);  // a valid version: 17 + 4v modules
}

// covers X-3
TEST(QrSvg, RefusesWhatCannotBeEncoded_X3) {
    EXPECT_THROW(QrSvg(std::string(5000, 'x')), std::length_error);
    EXPECT_THROW(QrSvg(std::string("a\0b", 3)), std::invalid_argument);
}

}  // namespace
}  // namespace vp::auth
