// The PDF writer read back by an independent implementation: poppler's pdftotext and pdfinfo
// (Debian poppler-utils). Vietnamese text comes out as text, tables repeat their header on each
// page they continue on, and every page says which it is of how many.
#include "core/export/pdf.hpp"

#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <unistd.h>

namespace vp::core::pdf {
namespace {

std::string Capture(const std::string& command) {
    std::string out;
    FILE* p = popen(command.c_str(), "r");
    if (!p) return out;
    char buf[4096];
    while (auto n = fread(buf, 1, sizeof buf, p)) out.append(buf, n);
    pclose(p);
    return out;
}

class PdfReadBack : public testing::Test {
protected:
    void SetUp() override {
        if (!std::filesystem::exists("/usr/bin/pdftotext")) {
            if (std::getenv("CI")) FAIL() << "pdftotext (poppler-utils) is missing";
            GTEST_SKIP() << "pdftotext (poppler-utils) is not installed";
        }
    }
    std::string Text(const std::string& pdf, const char* tool = "pdftotext -layout", const char* to = " -") {
        const auto path = std::filesystem::temp_directory_path() / ("vp-pdf-" + std::to_string(::getpid()) + ".pdf");
        std::ofstream(path, std::ios::binary) << pdf;
        auto out = Capture(std::string(tool) + " '" + path.string() + "'" + to);
        std::filesystem::remove(path);
        return out;
    }
    static int Count(const std::string& text, const std::string& what) {
        int n = 0;
        for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + what.size())) ++n;
        return n;
    }
};

TEST_F(PdfReadBack, VietnameseTextTablesAcrossPagesAndPageNumbers_T15) {  // covers T-15
    Table t{.header = {"Đơn vị", "Nhiệm vụ", "Quá hạn"}, .widths = {3, 1, 1}, .numeric = {false, true, true}};
    for (int i = 1; i <= 120; ++i)
        t.rows.push_back({"Tỉnh ủy Đắk Lắk " + std::to_string(i), std::to_string(i * 3), std::to_string(i % 4)});
    t.totals = {"Tổng cộng", "21780", "180"};
    const std::string bad = std::string("Sai mã \xff\xfe hóa");
    auto pdf = WritePdf({Heading{"Báo cáo tình hình thực hiện nhiệm vụ quý I năm 2026"},
                         Paragraph{"Số liệu tính đến 17 giờ 00 ngày 24/3/2026.\nĐơn vị: Văn phòng Trung ương Đảng."},
                         Heading{"1. Theo đơn vị chủ trì", 2}, t, Paragraph{bad, true}},
                        {.title = "Báo cáo quý I/2026", .footer = "Hệ thống theo dõi, đánh giá"});
    ASSERT_TRUE(pdf.starts_with("%PDF-"));
    const auto text = Text(pdf);
    EXPECT_NE(text.find("Báo cáo tình hình thực hiện nhiệm vụ quý I năm 2026"), std::string::npos) << text.substr(0, 400);
    EXPECT_NE(text.find("Đơn vị: Văn phòng Trung ương Đảng."), std::string::npos);
    EXPECT_NE(text.find("Tỉnh ủy Đắk Lắk 120"), std::string::npos);
    EXPECT_NE(text.find("Tổng cộng"), std::string::npos);
    EXPECT_NE(text.find("Sai mã"), std::string::npos) << "invalid UTF-8 is replaced, not fatal";
    const auto info = Text(pdf, "pdfinfo", "");
    const auto pages_at = info.find("Pages:");
    ASSERT_NE(pages_at, std::string::npos);
    const int pages = std::atoi(info.c_str() + pages_at + 6);
    EXPECT_GE(pages, 3);
    EXPECT_NE(info.find("Báo cáo quý I/2026"), std::string::npos) << "the title in the document's properties";
    EXPECT_EQ(Count(text, "Trang "), pages);
    EXPECT_NE(text.find("Trang " + std::to_string(pages) + "/" + std::to_string(pages)), std::string::npos);
    EXPECT_EQ(Count(text, "Quá hạn"), pages) << "the table's header on every page it continues on";
}

TEST_F(PdfReadBack, AnEmptyDocumentIsOnePage) {
    auto pdf = WritePdf({}, {.title = "Trống"});
    EXPECT_NE(Text(pdf).find("Trang 1/1"), std::string::npos);
}

}  // namespace
}  // namespace vp::core::pdf
