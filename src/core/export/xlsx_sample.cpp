// Writes the workbook that tests/xlsx/check_xlsx.py reads back with an independent reader
// (openpyxl): `vp_xlsx_sample OUT.xlsx`.
#include <cstdio>
#include <fstream>

#include "core/export/xlsx.hpp"

int main(int argc, char** argv) {
    using vp::core::xlsx::Column;
    using vp::core::xlsx::ColumnType;
    if (argc != 2) {
        std::fprintf(stderr, "usage: vp_xlsx_sample OUT.xlsx\n");
        return 2;
    }
    vp::core::xlsx::Sheet royalties{
        .name = "Nhuận bút 2026",
        .columns = {Column{"Tác giả", ColumnType::kText}, Column{"Bài viết", ColumnType::kText, 40},
                    Column{"Ngày đăng", ColumnType::kDate}, Column{"Duyệt lúc", ColumnType::kDateTime},
                    Column{"Nhuận bút", ColumnType::kMoneyVnd}, Column{"Hệ số", ColumnType::kDecimal},
                    Column{"Lượt xem", ColumnType::kInteger}},
        .rows = {{"Nguye\xCC\x82\xCC\x83n Thị Lan", "=HYPERLINK(\"http://evil.example\",\"x\")", "2026-02-13",
                  std::int64_t{1770969600000}, 1500000, 1.5, 1200},
                 {"Trần Văn Bình", "+1", "2026-02-29", std::int64_t{1770973200000}, 2500000, 2.25, 34000},
                 {"Lê Thu Hà", "-2", "2026-12-31", vp::core::xlsx::Cell{}, 750000, 0.75},
                 {"@SUM(A1:A2)", "\tTab; dòng 1\ndòng 2"}},
        .totals_label = "Tổng cộng",
    };
    vp::core::xlsx::Sheet second{.name = "Báo/cáo:[quý]*?", .columns = {Column{"Mã"}}, .rows = {{"A"}}};
    vp::core::xlsx::Sheet third{.name = "BÁO-CÁO--QUÝ---",
                                .columns = {Column{"Trống", ColumnType::kInteger}},
                                .rows = {},
                                .totals_label = "Tổng"};
    const std::string bytes = vp::core::xlsx::WriteXlsx(
        {royalties, second, third},
        {.title = "Nhuận bút tháng 2", .author = "Ban Biên tập", .subject = "Báo cáo", .created = 1770969600});
    std::ofstream(argv[1], std::ios::binary) << bytes;
    return 0;
}
