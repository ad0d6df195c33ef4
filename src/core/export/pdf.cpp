// PDF reports on Pango + Cairo (pdf.hpp). Two passes: the blocks are laid out into pages of
// positioned pieces of text and lines (measuring with Pango), then drawn, so that each footer can
// say "Trang N/M".
#include "core/export/pdf.hpp"

#include <algorithm>
#include <memory>
#include <numeric>
#include <stdexcept>

#include <cairo-pdf.h>
#include <cairo.h>
#include <glib.h>
#include <pango/pangocairo.h>

namespace vp::core::pdf {
namespace {

constexpr double kA4Width = 595.28, kA4Height = 841.89;
constexpr double kMargin = 50, kHeaderSpace = 28, kFooterSpace = 30, kPad = 4;

struct TextOp {
    std::string text;
    double x = 0, y = 0, width = 0;
    double size = 10;
    bool bold = false, muted = false;
    PangoAlignment align = PANGO_ALIGN_LEFT;
};
struct RectOp {
    double x = 0, y = 0, w = 0, h = 0;
    bool fill = false;  ///< a light grey box; else a thin line along its top edge (h = 0)
};
struct Page {
    std::vector<TextOp> texts;
    std::vector<RectOp> rects;
};

std::string Valid(const std::string& s) {
    if (g_utf8_validate(s.data(), static_cast<gssize>(s.size()), nullptr)) return s;
    gchar* fixed = g_utf8_make_valid(s.data(), static_cast<gssize>(s.size()));
    std::string out(fixed);
    g_free(fixed);
    return out;
}

class Writer {
public:
    Writer(cairo_t* cr, const DocumentInfo& info, double width, double height)
        : cr_(cr), info_(info), page_w_(width), page_h_(height) {
        layout_.reset(pango_cairo_create_layout(cr_));
        pages_.emplace_back();
        y_ = Top();
    }

    double Top() const { return kMargin + kHeaderSpace; }
    double Bottom() const { return page_h_ - kMargin - kFooterSpace; }
    double ContentWidth() const { return page_w_ - 2 * kMargin; }

    // The height `text` takes at `width`.
    double Measure(const TextOp& t) {
        Configure(layout_.get(), t);
        int w = 0, h = 0;
        pango_layout_get_size(layout_.get(), &w, &h);
        return static_cast<double>(h) / PANGO_SCALE;
    }

    void Configure(PangoLayout* layout, const TextOp& t) const {
        auto* desc = pango_font_description_from_string(info_.font.c_str());
        pango_font_description_set_absolute_size(desc, t.size * PANGO_SCALE);
        pango_font_description_set_weight(desc, t.bold ? PANGO_WEIGHT_BOLD : PANGO_WEIGHT_NORMAL);
        pango_layout_set_font_description(layout, desc);
        pango_font_description_free(desc);
        pango_layout_set_width(layout, static_cast<int>(t.width * PANGO_SCALE));
        pango_layout_set_wrap(layout, PANGO_WRAP_WORD_CHAR);
        pango_layout_set_alignment(layout, t.align);
        pango_layout_set_text(layout, t.text.c_str(), -1);
    }

    void NewPage() {
        pages_.emplace_back();
        y_ = Top();
    }

    void Add(const Heading& h) {
        const double size = h.level <= 1 ? 16 : h.level == 2 ? 13 : 11;
        TextOp t{.text = Valid(h.text), .x = kMargin, .width = ContentWidth(), .size = size, .bold = true};
        const double height = Measure(t);
        // A heading is not left alone at the bottom of a page.
        if (y_ + height + 40 > Bottom() && y_ > Top()) NewPage();
        if (y_ > Top()) y_ += size * 0.6;
        t.y = y_;
        pages_.back().texts.push_back(t);
        y_ += height + size * 0.4;
    }

    void Add(const Paragraph& p) {
        TextOp t{.text = Valid(p.text), .x = kMargin, .width = ContentWidth(), .size = 10, .muted = p.muted};
        const double height = Measure(t);
        if (y_ + height > Bottom() && y_ > Top()) NewPage();
        t.y = y_;
        pages_.back().texts.push_back(t);
        y_ += height + 6;
    }

    void Add(const Spacer& s) { y_ = std::min(y_ + s.points, Bottom()); }

    void Add(const Table& table) {
        const std::size_t n = table.header.size();
        if (n == 0) return;
        std::vector<double> rel = table.widths;
        rel.resize(n, rel.empty() ? 1.0 : 0.0);
        for (auto& r : rel) r = r > 0 ? r : 1.0;
        const double sum = std::accumulate(rel.begin(), rel.end(), 0.0);
        std::vector<double> widths(n), xs(n);
        double x = kMargin;
        for (std::size_t i = 0; i < n; ++i) {
            widths[i] = ContentWidth() * rel[i] / sum;
            xs[i] = x;
            x += widths[i];
        }
        auto row_ops = [&](const std::vector<std::string>& cells, bool bold) {
            std::vector<TextOp> ops;
            double height = 0;
            for (std::size_t i = 0; i < n; ++i) {
                TextOp t{.text = Valid(i < cells.size() ? cells[i] : std::string()),
                         .x = xs[i] + kPad,
                         .width = widths[i] - 2 * kPad,
                         .size = 9,
                         .bold = bold,
                         .align = i < table.numeric.size() && table.numeric[i] ? PANGO_ALIGN_RIGHT : PANGO_ALIGN_LEFT};
                height = std::max(height, Measure(t));
                ops.push_back(std::move(t));
            }
            return std::pair{std::move(ops), height + 2 * kPad};
        };
        auto place = [&](std::vector<TextOp> ops, double height, bool shaded) {
            auto& page = pages_.back();
            if (shaded) page.rects.push_back({kMargin, y_, ContentWidth(), height, true});
            for (auto& t : ops) {
                t.y = y_ + kPad;
                page.texts.push_back(std::move(t));
            }
            y_ += height;
            page.rects.push_back({kMargin, y_, ContentWidth(), 0, false});
        };
        auto header = row_ops(table.header, true);
        auto put_header = [&] {
            pages_.back().rects.push_back({kMargin, y_, ContentWidth(), 0, false});
            place(header.first, header.second, true);
        };
        if (y_ + header.second * 2 > Bottom() && y_ > Top()) NewPage();
        put_header();
        auto put_row = [&](const std::vector<std::string>& cells, bool bold) {
            auto row = row_ops(cells, bold);
            if (y_ + row.second > Bottom()) {
                NewPage();
                put_header();  // the header again on each page the table continues on
            }
            place(std::move(row.first), row.second, false);
        };
        for (const auto& r : table.rows) put_row(r, false);
        if (!table.totals.empty()) put_row(table.totals, true);
        y_ += 8;
    }

    void Draw() {
        const int total = static_cast<int>(pages_.size());
        PangoLayout* layout = pango_cairo_create_layout(cr_);
        auto draw_text = [&](const TextOp& t) {
            Configure(layout, t);
            const double grey = t.muted ? 0.38 : 0.1;
            cairo_set_source_rgb(cr_, grey, grey, grey);
            cairo_move_to(cr_, t.x, t.y);
            pango_cairo_show_layout(cr_, layout);
        };
        for (int i = 0; i < total; ++i) {
            const auto& page = pages_[i];
            for (const auto& r : page.rects) {
                if (r.fill) {
                    cairo_set_source_rgb(cr_, 0.94, 0.94, 0.93);
                    cairo_rectangle(cr_, r.x, r.y, r.w, r.h);
                    cairo_fill(cr_);
                } else {
                    cairo_set_source_rgb(cr_, 0.75, 0.75, 0.75);
                    cairo_set_line_width(cr_, 0.5);
                    cairo_move_to(cr_, r.x, r.y);
                    cairo_line_to(cr_, r.x + r.w, r.y);
                    cairo_stroke(cr_);
                }
            }
            for (const auto& t : page.texts) draw_text(t);
            // The running header (from the second page) and the footer of every page.
            if (i > 0) {
                draw_text({.text = Valid(info_.title), .x = kMargin, .y = kMargin - 6, .width = ContentWidth(),
                           .size = 8, .muted = true});
            }
            const double fy = page_h_ - kMargin - 10;
            draw_text({.text = Valid(info_.footer), .x = kMargin, .y = fy, .width = ContentWidth() * 0.7, .size = 8,
                       .muted = true});
            draw_text({.text = "Trang " + std::to_string(i + 1) + "/" + std::to_string(total),
                       .x = kMargin + ContentWidth() * 0.7, .y = fy, .width = ContentWidth() * 0.3, .size = 8,
                       .muted = true, .align = PANGO_ALIGN_RIGHT});
            cairo_show_page(cr_);
        }
        g_object_unref(layout);
    }

private:
    struct LayoutFree {
        void operator()(PangoLayout* l) const { g_object_unref(l); }
    };
    cairo_t* cr_;
    const DocumentInfo& info_;
    double page_w_, page_h_;
    std::unique_ptr<PangoLayout, LayoutFree> layout_;
    std::vector<Page> pages_;
    double y_ = 0;
};

cairo_status_t Append(void* closure, const unsigned char* data, unsigned int length) {
    static_cast<std::string*>(closure)->append(reinterpret_cast<const char*>(data), length);
    return CAIRO_STATUS_SUCCESS;
}

}  // namespace

std::string WritePdf(const std::vector<Block>& blocks, const DocumentInfo& info) {
    std::string out;
    const double w = info.landscape ? kA4Height : kA4Width, h = info.landscape ? kA4Width : kA4Height;
    cairo_surface_t* surface = cairo_pdf_surface_create_for_stream(Append, &out, w, h);
    if (cairo_surface_status(surface) != CAIRO_STATUS_SUCCESS) {
        cairo_surface_destroy(surface);
        throw std::runtime_error("pdf: cairo cannot create the document");
    }
    cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_TITLE, Valid(info.title).c_str());
    cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_AUTHOR, Valid(info.author).c_str());
    cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_SUBJECT, Valid(info.subject).c_str());
    cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_CREATOR, "vanphong");
    cairo_t* cr = cairo_create(surface);
    {
        Writer writer(cr, info, w, h);
        for (const auto& b : blocks) std::visit([&](const auto& block) { writer.Add(block); }, b);
        writer.Draw();
    }
    const auto status = cairo_status(cr);
    cairo_destroy(cr);
    cairo_surface_finish(surface);
    cairo_surface_destroy(surface);
    if (status != CAIRO_STATUS_SUCCESS) throw std::runtime_error(std::string("pdf: ") + cairo_status_to_string(status));
    return out;
}

}  // namespace vp::core::pdf
