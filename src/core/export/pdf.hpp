#pragma once
// A report writer for PDF files people print and file: Tasks' periodic reports, Conference
// minutes and budgets, Portal royalty statements. Real text (selectable, searchable, extractable
// by pdftotext), laid out by Pango (line breaking, Vietnamese shaping) on a Cairo PDF surface:
// A4 portrait, a running header with the document's title, page numbers "Trang N/M" in the footer.
//
// The content is a list of blocks: headings, paragraphs, tables (repeating their header row on
// each page they continue on, rows kept whole) and spacers.

#include <string>
#include <variant>
#include <vector>

namespace vp::core::pdf {

struct Heading {
    std::string text;
    int level = 1;  ///< 1: the document's title size, 2: a section, 3: a sub-section
};
struct Paragraph {
    std::string text;  ///< plain text; "\n" breaks a line
    bool muted = false;
};
struct Table {
    std::vector<std::string> header;
    /// Relative widths of the columns (any positive numbers); empty: equal widths.
    std::vector<double> widths;
    /// Columns whose cells are numbers, right-aligned.
    std::vector<bool> numeric;
    std::vector<std::vector<std::string>> rows;
    /// When set, a bold last row (e.g. totals), its cells as given.
    std::vector<std::string> totals;
};
struct Spacer {
    double points = 12;
};
using Block = std::variant<Heading, Paragraph, Table, Spacer>;

struct DocumentInfo {
    std::string title;    ///< also the running header and the PDF's Title
    std::string author = "Văn phòng Trung ương Đảng";
    std::string subject;
    /// The line of small print at the bottom left of each page (e.g. "Hệ thống theo dõi, đánh giá").
    std::string footer;
    /// Font family as fontconfig knows it; a Vietnamese-capable one ships with the system
    /// (scripts/install-deps.sh installs fonts-dejavu-core).
    std::string font = "DejaVu Sans";
    bool landscape = false;
};

/// The PDF file's bytes. Text must be valid UTF-8 (invalid bytes are replaced). Thread-safe.
/// Throws std::runtime_error when Cairo cannot make the document.
std::string WritePdf(const std::vector<Block>& blocks, const DocumentInfo& info);

}  // namespace vp::core::pdf
