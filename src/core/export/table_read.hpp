#pragma once
// Reading a table people upload: the first sheet of an .xlsx workbook or a CSV file, as rows of
// text cells. Used where a unit sends its own figures back (Tasks reconciliation, Conference
// reports). CSV is read by libcsv; XLSX by libzip and expat: Debian ships no library that reads
// .xlsx, so the few parts of the format needed for values (the workbook's first sheet, shared and
// inline strings, numbers, booleans) are read here, and nothing else (no formulas are evaluated:
// a formula cell gives its cached value).

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.hpp"

namespace vp::core::table {

struct Limits {
    std::size_t max_rows = 20000;
    std::size_t max_columns = 200;
    std::size_t max_cell_chars = 32767;
    std::size_t max_unpacked_bytes = 64u << 20;  ///< an .xlsx is a zip: a bomb is refused
};

/// The rows of `bytes`: XLSX when it is a zip file, else CSV (comma, semicolon or tab, as the
/// first line shows; UTF-8, a BOM ignored). Cells are trimmed text; numbers as written ("12",
/// "0.5"); empty trailing rows dropped. Errors name the field "file" (InvalidInput) for a file
/// that is neither, is damaged, or exceeds the limits.
Result<std::vector<std::vector<std::string>>> ReadTable(std::string_view bytes, const Limits& limits = {});

/// An Excel date serial number ("46101", "46101.5") as YYYY-MM-DD, or "" when it is not one.
std::string SerialToDate(std::string_view cell);

}  // namespace vp::core::table
