#pragma once
// A small table writer for spreadsheets people download: Portal royalties, Tasks reports,
// Conference budgets. Each sheet is one table: a bold, frozen header row with an autofilter, typed
// columns, an optional totals row. On libxlsxwriter.

#include <cstdint>
#include <ctime>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace vp::core::xlsx {

/// How a column's values are shown. The cell's own value decides what is stored (text or number).
enum class ColumnType {
    kText,      ///< as it is
    kInteger,   ///< #,##0
    kDecimal,   ///< #,##0.00
    kDate,      ///< a calendar date "YYYY-MM-DD" (text, as the database keeps them), shown dd/mm/yyyy
    kDateTime,  ///< UTC milliseconds (integer, as the database keeps them), shown dd/mm/yyyy hh:mm in
                ///< WorkbookInfo::utc_offset_minutes
    kMoneyVnd,  ///< whole đồng: #,##0 ₫
};

struct Column {
    std::string title;
    ColumnType type = ColumnType::kText;
    /// Width in Excel character units; 0: fitted to the title and the values (8 to 60).
    double width = 0;
};

/// One cell: empty, text, an integer or a decimal number. Text is always written as text, never
/// as a formula, whatever it starts with ("=HYPERLINK(…)", "+1", "-2", "@SUM" stay inert text).
struct Cell {
    std::variant<std::monostate, std::string, std::int64_t, double> value;

    Cell() = default;
    Cell(std::string s) : value(std::move(s)) {}                // NOLINT(google-explicit-constructor)
    Cell(std::string_view s) : value(std::string(s)) {}         // NOLINT(google-explicit-constructor)
    Cell(const char* s) : value(std::string(s)) {}              // NOLINT(google-explicit-constructor)
    Cell(std::int64_t n) : value(n) {}                          // NOLINT(google-explicit-constructor)
    Cell(int n) : value(static_cast<std::int64_t>(n)) {}        // NOLINT(google-explicit-constructor)
    Cell(long long n) : value(static_cast<std::int64_t>(n)) {}  // NOLINT(google-explicit-constructor)
    Cell(double d) : value(d) {}                                // NOLINT(google-explicit-constructor)
};

struct Sheet {
    /// Shown on the tab. Made valid for Excel: []:*?/\ become '-', at most 31 characters, unique
    /// within the workbook (" (2)" …), "Sheet N" when empty.
    std::string name;
    std::vector<Column> columns;
    /// Rows of at most columns.size() cells (shorter rows are padded with empty cells).
    std::vector<std::vector<Cell>> rows;
    /// When set, a bold last row: this label in the first column and, under every integer, decimal
    /// and money column, the SUM of the column (a formula the program writes, with its value
    /// cached so that readers that do not calculate see it too).
    std::optional<std::string> totals_label;
};

struct WorkbookInfo {
    std::string title;
    std::string author;
    std::string subject;
    std::string company = "Văn phòng Trung ương Đảng";
    /// Creation time in the document properties; 0: now. Set it for byte-identical output.
    std::time_t created = 0;
    /// Zone in which kDateTime values are shown (Vietnam: UTC+7).
    int utc_offset_minutes = 7 * 60;
};

/// @brief Thrown for tables the format cannot hold (more than 1 048 575 rows or 16 384 columns,
/// a row longer than its columns, text that is not UTF-8): the caller's bug, not the user's.
class InvalidTable : public std::invalid_argument {
public:
    using std::invalid_argument::invalid_argument;
};

/// @brief The .xlsx file's bytes. Text is stored in NFC without control characters other than
/// tab and newline; text longer than Excel's 32 767 characters is cut with "…". Writes a temporary
/// file in $TMPDIR (libxlsxwriter 1.1 writes files only) and removes it. Thread-safe.
/// Throws InvalidTable; std::runtime_error when the temporary file cannot be written.
std::string WriteXlsx(const std::vector<Sheet>& sheets, const WorkbookInfo& info = {});

/// The valid, unique tab names WriteXlsx gives these names (exposed for tests).
std::vector<std::string> SheetNames(const std::vector<std::string>& names);

}  // namespace vp::core::xlsx
