// The table writer's own rules; tests/xlsx/check_xlsx.py reads a workbook back with openpyxl.
#include "core/export/xlsx.hpp"

#include <gtest/gtest.h>

#include <unistd.h>

#include <cstdlib>

#include <filesystem>

#include "core/text.hpp"

namespace vp::core::xlsx {
namespace {

TEST(Xlsx, SheetNamesAreValidAndUnique) {
    EXPECT_EQ(SheetNames({"Báo cáo", "báo cáo", "BÁO CÁO"}),
              (std::vector<std::string>{"Báo cáo", "báo cáo (2)", "BÁO CÁO (3)"}));
    EXPECT_EQ(SheetNames({"a/b\\c[d]e:f*g?h", "", "'quoted'", "History"}),
              (std::vector<std::string>{"a-b-c-d-e-f-g-h", "Sheet 2", "quoted", "Sheet 4"}));
    const auto long_names = SheetNames(
        {"Kết quả thực hiện nhiệm vụ năm 2026 của các tỉnh", "Kết quả thực hiện nhiệm vụ năm 2026 của các tỉnh ủy"});
    EXPECT_EQ(long_names[0], "Kết quả thực hiện nhiệm vụ năm…");
    EXPECT_EQ(long_names[1], "Kết quả thực hiện nhiệm vụ… (2)");
    for (const auto& n : long_names) EXPECT_LE(core::Utf8Length(n), 31u) << n;
}

TEST(Xlsx, WritesAZipAndRemovesItsTemporaryFile) {
    namespace fs = std::filesystem;
    // A temporary folder of its own: other test programs running at once write workbooks too.
    const char* old_tmp = std::getenv("TMPDIR");
    const std::string saved = old_tmp ? old_tmp : "";
    const fs::path own = fs::temp_directory_path() / ("vp-xlsx-test-" + std::to_string(::getpid()));
    fs::create_directories(own);
    ::setenv("TMPDIR", own.c_str(), 1);
    auto count = [&] {
        int n = 0;
        for (const auto& e : fs::directory_iterator(own)) {
            n += e.path().filename().string().starts_with("vp-xlsx-") ? 1 : 0;
        }
        return n;
    };
    const int before = count();
    const std::string bytes =
        WriteXlsx({Sheet{.name = "A", .columns = {Column{"x", ColumnType::kInteger}}, .rows = {{1}, {2}}}});
    const int after = count();
    if (old_tmp) ::setenv("TMPDIR", saved.c_str(), 1);
    else ::unsetenv("TMPDIR");
    fs::remove_all(own);
    EXPECT_TRUE(bytes.starts_with("PK\x03\x04"));
    EXPECT_GT(bytes.size(), 1000u);
    EXPECT_EQ(after, before);
}

TEST(Xlsx, SameInputAndCreationTimeGiveTheSameBytes) {
    const std::vector<Sheet> sheets{Sheet{.name = "A", .columns = {Column{"Tên"}}, .rows = {{"Hà Nội"}}}};
    const WorkbookInfo info{.title = "t", .created = 1770969600};
    EXPECT_EQ(WriteXlsx(sheets, info), WriteXlsx(sheets, info));
}

TEST(Xlsx, RefusesWhatTheFormatCannotHold) {
    EXPECT_THROW(WriteXlsx({Sheet{.name = "A", .columns = {Column{"x"}}, .rows = {{"a", "b"}}}}), InvalidTable);
    EXPECT_THROW(WriteXlsx({Sheet{.name = "A", .columns = {}}}), InvalidTable);
    EXPECT_THROW(WriteXlsx({Sheet{.name = "A", .columns = {Column{"x"}}, .rows = {{"\xff"}}}}), InvalidTable);
}

}  // namespace
}  // namespace vp::core::xlsx
