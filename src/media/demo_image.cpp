// Pictures for the demo content, drawn here rather than shipped: the demo corpus may carry no
// photographs from elsewhere, and a few dozen drawn scenes (sky, hills or sea, fields, a hall
// with rows of seats, a skyline) are enough for pages to show their layout as they will with
// real photographs. Pixels are computed directly (a scene is a few shapes); libvips encodes.
#include <vips/vips.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <random>
#include <vector>

#include "media/media.hpp"

namespace vp::media {

namespace {

struct Rgb {
    double r, g, b;
};

Rgb Mix(Rgb a, Rgb b, double t) {
    t = std::clamp(t, 0.0, 1.0);
    return {a.r + (b.r - a.r) * t, a.g + (b.g - a.g) * t, a.b + (b.b - a.b) * t};
}

struct Palette {
    Rgb sky_top, sky_bottom, ground, accent;
};

// Theme → colours of the scene and the shape drawn on the ground.
enum class Shape { kHills, kSea, kFields, kHall, kSkyline, kPeople };

struct Theme {
    std::string_view name;
    Palette palette;
    Shape shape;
};

constexpr std::array<Theme, 10> kThemes{{
    {"meeting", {{0.55, 0.12, 0.10}, {0.85, 0.55, 0.35}, {0.35, 0.08, 0.07}, {0.95, 0.80, 0.35}}, Shape::kHall},
    {"people", {{0.35, 0.55, 0.80}, {0.95, 0.85, 0.70}, {0.30, 0.35, 0.40}, {0.85, 0.20, 0.15}}, Shape::kPeople},
    {"landscape", {{0.30, 0.55, 0.85}, {0.90, 0.90, 0.85}, {0.20, 0.45, 0.25}, {0.10, 0.30, 0.15}}, Shape::kHills},
    {"sea", {{0.25, 0.50, 0.85}, {0.95, 0.85, 0.65}, {0.05, 0.35, 0.60}, {0.95, 0.95, 0.95}}, Shape::kSea},
    {"agriculture", {{0.45, 0.70, 0.90}, {0.98, 0.92, 0.70}, {0.45, 0.65, 0.15}, {0.85, 0.75, 0.20}}, Shape::kFields},
    {"industry", {{0.40, 0.45, 0.55}, {0.90, 0.70, 0.50}, {0.20, 0.22, 0.26}, {0.95, 0.55, 0.15}}, Shape::kSkyline},
    {"digital", {{0.05, 0.12, 0.30}, {0.10, 0.45, 0.70}, {0.03, 0.08, 0.20}, {0.30, 0.85, 0.95}}, Shape::kSkyline},
    {"culture", {{0.70, 0.25, 0.20}, {0.98, 0.80, 0.45}, {0.40, 0.15, 0.10}, {0.95, 0.70, 0.20}}, Shape::kHills},
    {"education", {{0.35, 0.60, 0.85}, {0.95, 0.95, 0.90}, {0.75, 0.60, 0.40}, {0.20, 0.45, 0.75}}, Shape::kPeople},
    {"health", {{0.40, 0.70, 0.80}, {0.95, 0.98, 0.98}, {0.25, 0.55, 0.55}, {0.90, 0.25, 0.25}}, Shape::kSkyline},
}};

const Theme& ThemeOf(std::string_view name) {
    for (const auto& t : kThemes)
        if (t.name == name) return t;
    return kThemes[2];
}

}  // namespace

std::vector<std::string_view> DemoImageThemes() {
    std::vector<std::string_view> out;
    for (const auto& t : kThemes) out.push_back(t.name);
    return out;
}

std::string DemoImage(std::string_view theme, unsigned variant, int width, int height) {
    const auto& t = ThemeOf(theme);
    std::mt19937 rng(variant * 7919u + static_cast<unsigned>(t.shape) * 104729u);
    std::uniform_real_distribution<double> u(0.0, 1.0);
    const double horizon = 0.52 + 0.16 * u(rng);
    const double sun_x = 0.15 + 0.7 * u(rng), sun_y = 0.12 + 0.25 * u(rng), sun_r = 0.05 + 0.05 * u(rng);
    // Ridge or skyline heights, drawn once per scene.
    std::array<double, 5> phase{};
    for (auto& p : phase) p = u(rng) * 6.283;
    std::vector<double> towers(24);
    for (auto& h : towers) h = 0.15 + 0.35 * u(rng);
    std::vector<std::uint8_t> px(static_cast<std::size_t>(width) * height * 3);
    std::normal_distribution<double> grain(0.0, 0.012);
    for (int y = 0; y < height; ++y) {
        const double fy = static_cast<double>(y) / height;
        for (int x = 0; x < width; ++x) {
            const double fx = static_cast<double>(x) / width;
            Rgb c = Mix(t.palette.sky_top, t.palette.sky_bottom, fy / horizon);
            // The sun (or a lamp), with a soft halo.
            const double d = std::hypot((fx - sun_x) * width / height, fy - sun_y);
            c = Mix(c, {1.0, 0.97, 0.85}, d < sun_r ? 0.9 : 0.9 * std::exp(-(d - sun_r) * 14));
            double ground = horizon;
            switch (t.shape) {
                case Shape::kHills:
                case Shape::kFields:
                    ground = horizon - 0.06 * std::sin(fx * 5 + phase[0]) - 0.04 * std::sin(fx * 11 + phase[1]);
                    break;
                case Shape::kSkyline: {
                    const auto i = static_cast<std::size_t>(fx * towers.size()) % towers.size();
                    ground = horizon - towers[i] * 0.5;
                    break;
                }
                case Shape::kSea:
                    ground = horizon + 0.004 * std::sin(fx * 90 + phase[2]);
                    break;
                case Shape::kHall:
                case Shape::kPeople:
                    ground = horizon + 0.02 * std::sin(fx * 3 + phase[3]);
                    break;
            }
            if (fy > ground) {
                const double depth = (fy - ground) / (1.0 - ground + 1e-9);
                Rgb g = Mix(t.palette.ground, Mix(t.palette.ground, {0, 0, 0}, 0.35), depth);
                switch (t.shape) {
                    case Shape::kFields:  // rows of a field converging to the horizon
                        if (std::fmod((fx - 0.5) / (0.1 + depth) * 18 + 100, 2.0) < 0.5) g = Mix(g, t.palette.accent, 0.5);
                        break;
                    case Shape::kSea:  // waves and glitter
                        if (std::sin(fy * 300 / (0.2 + depth) + std::sin(fx * 20) * 2) > 0.93)
                            g = Mix(g, t.palette.accent, 0.6);
                        break;
                    case Shape::kSkyline:  // lit windows
                        if (std::fmod(fx * 180, 3.0) < 1.0 && std::fmod(fy * 140, 3.0) < 1.2 && u(rng) < 0.35)
                            g = Mix(g, t.palette.accent, 0.8);
                        break;
                    case Shape::kHall:  // rows of seats in front of a red stage
                        if (std::fmod(depth * 14, 1.0) < 0.35) g = Mix(g, t.palette.accent, 0.25);
                        break;
                    case Shape::kPeople: {  // heads and shoulders of a crowd
                        const double row = std::floor(depth * 5), cx = std::fmod(fx * 16 + row * 0.5, 1.0) - 0.5;
                        const double cy = std::fmod(depth * 5, 1.0);
                        if (cx * cx + (cy - 0.3) * (cy - 0.3) < 0.05) g = Mix({0.15, 0.12, 0.10}, g, 0.3);
                        else if (cy > 0.55 && std::abs(cx) < 0.42) g = Mix(t.palette.accent, g, 0.4 + 0.1 * row);
                        break;
                    }
                    case Shape::kHills:
                        g = Mix(g, t.palette.accent, 0.5 * std::exp(-depth * 3));
                        break;
                }
                c = g;
            }
            // A light vignette and film grain, so flat areas do not band once compressed.
            const double v = 1.0 - 0.35 * std::pow(std::hypot(fx - 0.5, fy - 0.5), 2.2);
            auto* p = &px[(static_cast<std::size_t>(y) * width + x) * 3];
            p[0] = static_cast<std::uint8_t>(std::clamp((c.r * v + grain(rng)) * 255, 0.0, 255.0));
            p[1] = static_cast<std::uint8_t>(std::clamp((c.g * v + grain(rng)) * 255, 0.0, 255.0));
            p[2] = static_cast<std::uint8_t>(std::clamp((c.b * v + grain(rng)) * 255, 0.0, 255.0));
        }
    }
    VipsImage* img =
        vips_image_new_from_memory(px.data(), px.size(), width, height, 3, VIPS_FORMAT_UCHAR);
    if (!img) return {};
    void* buf = nullptr;
    std::size_t size = 0;
    std::string out;
    if (vips_jpegsave_buffer(img, &buf, &size, "Q", 85, "strip", TRUE, nullptr) == 0) {
        out.assign(static_cast<const char*>(buf), size);
        g_free(buf);
    }
    g_object_unref(img);
    return out;
}

}  // namespace vp::media
