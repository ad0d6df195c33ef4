// Reading uploaded tables back: workbooks written by two other libraries (libxlsxwriter through
// core::xlsx, and openpyxl, an independent writer) and CSV files as spreadsheets save them.
#include "core/export/table_read.hpp"

#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <unistd.h>

#include "core/export/xlsx.hpp"

namespace vp::core::table {
namespace {

TEST(TableRead, AWorkbookFromLibxlsxwriterReadsBackCellByCell) {
    xlsx::Sheet s{.name = "Nhiệm vụ",
                  .columns = {{"Số", xlsx::ColumnType::kInteger}, {"Nội dung"}, {"Tiến độ (%)", xlsx::ColumnType::kInteger}},
                  .rows = {{12, "Số hóa hồ sơ, tài liệu", 80}, {13, "=SUM(A1:A2)", xlsx::Cell()}, {14, "Đắk Lắk", 100}}};
    xlsx::Sheet other{.name = "Khác", .columns = {{"x"}}, .rows = {{"không đọc"}}};
    auto rows = ReadTable(xlsx::WriteXlsx({s, other}));
    ASSERT_TRUE(rows.ok()) << rows.error().detail;
    ASSERT_EQ(rows->size(), 4u) << "the header and three rows of the first sheet";
    EXPECT_EQ((*rows)[0], (std::vector<std::string>{"Số", "Nội dung", "Tiến độ (%)"}));
    EXPECT_EQ((*rows)[1], (std::vector<std::string>{"12", "Số hóa hồ sơ, tài liệu", "80"}));
    EXPECT_EQ((*rows)[2][1], "=SUM(A1:A2)") << "text that looks like a formula stays text";
    EXPECT_EQ((*rows)[2].size(), 2u) << "an empty cell at the end of a row is not there";
    EXPECT_EQ((*rows)[3][1], "Đắk Lắk");
}

TEST(TableRead, AWorkbookFromOpenpyxlReadsBack) {
    const auto dir = std::filesystem::temp_directory_path() / ("vp-table-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir);
    const auto path = dir / "openpyxl.xlsx";
    const std::string script =
        "import openpyxl,datetime,sys\n"
        "wb=openpyxl.Workbook();ws=wb.active;ws.title='Báo cáo'\n"
        "ws.append(['Số','Tiến độ','Ngày hoàn thành','Kết quả'])\n"
        "ws.append([7,55.5,datetime.date(2026,3,18),'Đã ban hành kế hoạch'])\n"
        "ws['A3']=8;ws['D3']=True;ws['E3']='=1+1'\n"
        "wb.save(sys.argv[1])\n";
    std::ofstream(dir / "make.py") << script;
    const auto cmd = "/usr/bin/python3 '" + (dir / "make.py").string() + "' '" + path.string() + "' 2>/dev/null";
    if (std::system(cmd.c_str()) != 0) {
        std::filesystem::remove_all(dir);
        if (std::getenv("CI")) FAIL() << "python3-openpyxl is missing";
        GTEST_SKIP() << "python3-openpyxl is not installed";
    }
    std::ifstream in(path, std::ios::binary);
    std::stringstream bytes;
    bytes << in.rdbuf();
    std::filesystem::remove_all(dir);
    auto rows = ReadTable(bytes.str());
    ASSERT_TRUE(rows.ok()) << rows.error().detail;
    ASSERT_EQ(rows->size(), 3u);
    EXPECT_EQ((*rows)[0][0], "Số");
    EXPECT_EQ((*rows)[1][0], "7");
    EXPECT_EQ((*rows)[1][1], "55.5");
    EXPECT_EQ(SerialToDate((*rows)[1][2]), "2026-03-18") << (*rows)[1][2];
    EXPECT_EQ((*rows)[1][3], "Đã ban hành kế hoạch");
    EXPECT_EQ((*rows)[2][3], "TRUE");
    EXPECT_TRUE((*rows)[2].size() < 5 || (*rows)[2][4].empty())
        << "a formula without a cached value is read as empty: formulas are never run";
}

TEST(TableRead, CsvAsSpreadsheetsSaveIt) {
    auto rows = ReadTable("\xEF\xBB\xBFSố;Kết quả;Tiến độ\r\n12;\"Đã họp; đã ban hành\r\nkế hoạch\";80\r\n13;\"nói \"\"có\"\"\";\r\n\r\n");
    ASSERT_TRUE(rows.ok());
    ASSERT_EQ(rows->size(), 3u);
    EXPECT_EQ((*rows)[0][0], "Số") << "the BOM is not part of the first cell";
    EXPECT_EQ((*rows)[1][1], "Đã họp; đã ban hành\r\nkế hoạch");
    EXPECT_EQ((*rows)[2][1], "nói \"có\"");
    auto commas = ReadTable("a,b\n1,2\n");
    ASSERT_TRUE(commas.ok());
    EXPECT_EQ((*commas)[1], (std::vector<std::string>{"1", "2"}));
}

TEST(TableRead, BadFilesAreRefusedNamingTheFile) {
    EXPECT_EQ(ReadTable("").error().field, "file");
    EXPECT_EQ(ReadTable("a,b\n\xff\xfe,1\n").error().field, "file");
    EXPECT_EQ(ReadTable(std::string("PK\x03\x04garbage", 11)).error().field, "file");
    xlsx::Sheet s{.name = "x", .columns = {{"a"}}};
    for (int i = 0; i < 2000; ++i) s.rows.push_back({std::string(200, 'x')});
    const auto book = xlsx::WriteXlsx({s});
    EXPECT_EQ(ReadTable(book, {.max_unpacked_bytes = 100000}).error().field, "file") << "unpacks to too much";
    EXPECT_EQ(ReadTable(book, {.max_rows = 100}).error().field, "file");
    EXPECT_TRUE(ReadTable(book).ok());
}

TEST(TableRead, SerialDates) {
    EXPECT_EQ(SerialToDate("46099"), "2026-03-18");
    EXPECT_EQ(SerialToDate("46099.75"), "2026-03-18");
    EXPECT_EQ(SerialToDate("61"), "1900-03-01") << "after Excel's 29 February 1900";
    EXPECT_EQ(SerialToDate("18/03/2026"), "");
    EXPECT_EQ(SerialToDate(""), "");
}

}  // namespace
}  // namespace vp::core::table
