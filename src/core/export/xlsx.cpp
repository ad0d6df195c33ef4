#include "core/export/xlsx.hpp"

#include <unistd.h>
#include <xlsxwriter.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>

#include <unicode/unistr.h>

#include "core/text.hpp"

namespace vp::core::xlsx {
namespace {

constexpr std::size_t kMaxRows = 1048576 - 2;  // header and totals rows included in Excel's limit
constexpr std::size_t kMaxColumns = 16384;
constexpr std::size_t kMaxCellChars = 32767;
constexpr std::size_t kMaxSheetNameChars = 31;

/// Code points of valid UTF-8 text, cut after `max` (the last kept one replaced by "…").
std::string CutToChars(const std::string& s, std::size_t max) {
    std::size_t count = 0;
    for (std::size_t i = 0; i < s.size(); ++i) {
        if ((static_cast<unsigned char>(s[i]) & 0xC0) == 0x80) continue;
        if (++count == max) return s.substr(0, i) + "\xE2\x80\xA6";  // …
    }
    return s;
}

/// Text as stored in a cell: NFC, without control characters but tab and newline (XML 1.0
/// cannot carry most of them), cut to Excel's limit.
std::string CleanText(std::string_view s) {
    if (!IsValidUtf8(s)) throw InvalidTable("xlsx: text that is not UTF-8");
    std::string out;
    out.reserve(s.size());
    for (char c : s) {
        const auto u = static_cast<unsigned char>(c);
        if ((u < 0x20 && c != '\t' && c != '\n') || u == 0x7F) continue;
        out.push_back(c);
    }
    // C1 controls (U+0080..U+009F, two bytes C2 80..C2 9F) are not allowed either.
    std::string clean;
    clean.reserve(out.size());
    for (std::size_t i = 0; i < out.size(); ++i) {
        if (static_cast<unsigned char>(out[i]) == 0xC2 && i + 1 < out.size() &&
            static_cast<unsigned char>(out[i + 1]) >= 0x80 && static_cast<unsigned char>(out[i + 1]) <= 0x9F) {
            ++i;
            continue;
        }
        clean.push_back(out[i]);
    }
    return CutToChars(ToNfc(clean), kMaxCellChars);
}

/// Lower case as Excel compares sheet names (Unicode, not only ASCII: "ĐẢNG" and "đảng" clash).
std::string Lower(std::string_view s) {
    std::string out;
    icu::UnicodeString::fromUTF8(icu::StringPiece(s.data(), static_cast<int32_t>(s.size())))
        .toLower()
        .toUTF8String(out);
    return out;
}

/// "YYYY-MM-DD" as lxw_datetime; nullopt when it is not a real date from 1900 to 9999.
std::optional<lxw_datetime> ParseDate(std::string_view s) {
    if (s.size() != 10 || s[4] != '-' || s[7] != '-') return std::nullopt;
    int v[3] = {0, 0, 0};
    const std::size_t starts[3] = {0, 5, 8}, lens[3] = {4, 2, 2};
    for (int k = 0; k < 3; ++k) {
        for (std::size_t i = starts[k]; i < starts[k] + lens[k]; ++i) {
            if (s[i] < '0' || s[i] > '9') return std::nullopt;
            v[k] = v[k] * 10 + (s[i] - '0');
        }
    }
    static constexpr int kDays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (v[0] < 1900 || v[1] < 1 || v[1] > 12 || v[2] < 1 || v[2] > kDays[v[1] - 1]) return std::nullopt;
    const bool leap = (v[0] % 4 == 0 && v[0] % 100 != 0) || v[0] % 400 == 0;
    if (v[1] == 2 && v[2] == 29 && !leap) return std::nullopt;
    return lxw_datetime{v[0], v[1], v[2], 0, 0, 0};
}

/// UTC milliseconds as local lxw_datetime in the given offset.
lxw_datetime FromUtcMillis(std::int64_t ms, int offset_minutes) {
    const std::int64_t local_s = ms / 1000 - (ms % 1000 < 0 ? 1 : 0) + offset_minutes * 60LL;
    std::int64_t days = local_s / 86400;
    std::int64_t secs = local_s % 86400;
    if (secs < 0) {
        secs += 86400;
        --days;
    }
    // civil_from_days
    const std::int64_t z = days + 719468;
    const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    const auto doe = static_cast<unsigned>(z - era * 146097);
    const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const unsigned mp = (5 * doy + 2) / 153;
    const unsigned d = doy - (153 * mp + 2) / 5 + 1;
    const unsigned m = mp < 10 ? mp + 3 : mp - 9;
    const std::int64_t y = static_cast<std::int64_t>(yoe) + era * 400 + (m <= 2);
    return lxw_datetime{static_cast<int>(y),
                        static_cast<int>(m),
                        static_cast<int>(d),
                        static_cast<int>(secs / 3600),
                        static_cast<int>(secs % 3600 / 60),
                        static_cast<double>(secs % 60)};
}

/// "A", "B", … "AA" for a zero-based column.
std::string ColumnLetters(std::size_t col) {
    std::string s;
    ++col;
    while (col > 0) {
        s.insert(s.begin(), static_cast<char>('A' + (col - 1) % 26));
        col = (col - 1) / 26;
    }
    return s;
}

bool IsNumeric(ColumnType t) {
    return t == ColumnType::kInteger || t == ColumnType::kDecimal || t == ColumnType::kMoneyVnd;
}

std::size_t DisplayChars(const Cell& c, ColumnType type) {
    if (const auto* s = std::get_if<std::string>(&c.value)) {
        // The longest line of the text, in code points.
        std::size_t best = 0, cur = 0;
        for (char ch : *s) {
            if (ch == '\n') {
                best = std::max(best, cur);
                cur = 0;
            } else if ((static_cast<unsigned char>(ch) & 0xC0) != 0x80) {
                ++cur;
            }
        }
        return std::max(best, cur);
    }
    if (type == ColumnType::kDateTime) return 16;
    if (type == ColumnType::kDate) return 10;
    if (const auto* n = std::get_if<std::int64_t>(&c.value)) return std::to_string(*n).size() * 4 / 3 + 2;
    if (const auto* d = std::get_if<double>(&c.value)) {
        char buf[64];
        const int n = std::snprintf(buf, sizeof buf, "%.0f", std::isfinite(*d) ? *d : 0.0);
        return static_cast<std::size_t>(std::max(n, 1)) * 4 / 3 + 4;
    }
    return 0;
}

struct WorkbookDeleter {
    void operator()(lxw_workbook* wb) const {
        if (wb != nullptr) workbook_close(wb);  // also frees it
    }
};

void Check(lxw_error e, const char* what) {
    if (e != LXW_NO_ERROR) throw std::runtime_error(std::string("xlsx: ") + what + ": " + lxw_strerror(e));
}

}  // namespace

std::vector<std::string> SheetNames(const std::vector<std::string>& names) {
    std::vector<std::string> out;
    for (std::size_t i = 0; i < names.size(); ++i) {
        std::string n = CleanText(names[i]);
        for (char& c : n) {
            if (c == '[' || c == ']' || c == ':' || c == '*' || c == '?' || c == '/' || c == '\\' || c == '\t' ||
                c == '\n') {
                c = '-';
            }
        }
        // Excel refuses an apostrophe at either end, and the reserved name "History".
        while (!n.empty() && n.front() == '\'') n.erase(n.begin());
        while (!n.empty() && n.back() == '\'') n.pop_back();
        n = std::string(Trim(n));
        if (n.empty() || Lower(n) == "history") n = "Sheet " + std::to_string(i + 1);
        auto taken = [&](const std::string& candidate) {
            return std::any_of(out.begin(), out.end(),
                               [&](const std::string& o) { return Lower(o) == Lower(candidate); });
        };
        std::string candidate = CutToChars(n, kMaxSheetNameChars + 1);
        if (Utf8Length(candidate) > kMaxSheetNameChars) candidate = CutToChars(n, kMaxSheetNameChars);
        for (int k = 2; taken(candidate); ++k) {
            const std::string suffix = " (" + std::to_string(k) + ")";
            candidate = CutToChars(n, kMaxSheetNameChars - suffix.size() + 1);
            if (Utf8Length(candidate) + suffix.size() > kMaxSheetNameChars) {
                candidate = CutToChars(n, kMaxSheetNameChars - suffix.size());
            }
            candidate += suffix;
        }
        out.push_back(candidate);
    }
    return out;
}

std::string WriteXlsx(const std::vector<Sheet>& sheets, const WorkbookInfo& info) {
    for (const auto& sheet : sheets) {
        if (sheet.columns.size() > kMaxColumns || sheet.columns.empty()) throw InvalidTable("xlsx: column count");
        if (sheet.rows.size() > kMaxRows) throw InvalidTable("xlsx: too many rows");
        for (const auto& row : sheet.rows) {
            if (row.size() > sheet.columns.size()) throw InvalidTable("xlsx: a row longer than its columns");
        }
    }
    std::vector<std::string> raw_names;
    for (const auto& sheet : sheets) raw_names.push_back(sheet.name);
    const std::vector<std::string> names = SheetNames(raw_names);

    // libxlsxwriter 1.1 writes to a file only: a private temporary one, removed on every path.
    std::string path = (std::filesystem::temp_directory_path() / "vp-xlsx-XXXXXX").string();
    const int fd = mkstemp(path.data());
    if (fd < 0) throw std::runtime_error("xlsx: cannot create a temporary file");
    close(fd);
    struct Remove {
        std::string p;
        ~Remove() { std::remove(p.c_str()); }
    } remove{path};

    {
        lxw_workbook_options options{.constant_memory = LXW_FALSE, .tmpdir = nullptr, .use_zip64 = LXW_FALSE};
        std::unique_ptr<lxw_workbook, WorkbookDeleter> wb(workbook_new_opt(path.c_str(), &options));
        if (!wb) throw std::runtime_error("xlsx: cannot start the workbook");
        const std::string title = CleanText(info.title), author = CleanText(info.author),
                          subject = CleanText(info.subject), company = CleanText(info.company);
        lxw_doc_properties props{};
        props.title = const_cast<char*>(title.c_str());
        props.author = const_cast<char*>(author.c_str());
        props.subject = const_cast<char*>(subject.c_str());
        props.company = const_cast<char*>(company.c_str());
        props.created = info.created;
        Check(workbook_set_properties(wb.get(), &props), "properties");

        lxw_format* header = workbook_add_format(wb.get());
        format_set_bold(header);
        format_set_bg_color(header, 0xE7EEF7);
        format_set_bottom(header, LXW_BORDER_THIN);
        format_set_text_wrap(header);
        format_set_align(header, LXW_ALIGN_VERTICAL_CENTER);
        auto number_format = [&](const char* code, bool bold) {
            lxw_format* f = workbook_add_format(wb.get());
            if (code != nullptr) format_set_num_format(f, code);
            if (bold) {
                format_set_bold(f);
                format_set_top(f, LXW_BORDER_THIN);
            }
            return f;
        };
        struct Formats {
            lxw_format* text;
            lxw_format* integer;
            lxw_format* decimal;
            lxw_format* date;
            lxw_format* datetime;
            lxw_format* money;
        };
        const Formats plain{number_format(nullptr, false),
                            number_format("#,##0", false),
                            number_format("#,##0.00", false),
                            number_format("dd/mm/yyyy", false),
                            number_format("dd/mm/yyyy hh:mm", false),
                            number_format("#,##0 \"₫\"", false)};
        const Formats bold{number_format(nullptr, true),
                           number_format("#,##0", true),
                           number_format("#,##0.00", true),
                           number_format("dd/mm/yyyy", true),
                           number_format("dd/mm/yyyy hh:mm", true),
                           number_format("#,##0 \"₫\"", true)};
        auto format_of = [](const Formats& f, ColumnType t) {
            switch (t) {
                case ColumnType::kText: return f.text;
                case ColumnType::kInteger: return f.integer;
                case ColumnType::kDecimal: return f.decimal;
                case ColumnType::kDate: return f.date;
                case ColumnType::kDateTime: return f.datetime;
                case ColumnType::kMoneyVnd: return f.money;
            }
            return f.text;
        };

        for (std::size_t si = 0; si < sheets.size(); ++si) {
            const Sheet& sheet = sheets[si];
            lxw_worksheet* ws = workbook_add_worksheet(wb.get(), names[si].c_str());
            if (ws == nullptr) throw std::runtime_error("xlsx: cannot add a worksheet");
            const auto ncols = static_cast<lxw_col_t>(sheet.columns.size());

            for (lxw_col_t c = 0; c < ncols; ++c) {
                const Column& col = sheet.columns[c];
                Check(worksheet_write_string(ws, 0, c, CleanText(col.title).c_str(), header), "header");
                double width = col.width;
                if (width <= 0) {
                    std::size_t chars = Utf8Length(CleanText(col.title));
                    for (const auto& row : sheet.rows) {
                        if (c < row.size()) chars = std::max(chars, DisplayChars(row[c], col.type));
                    }
                    width = std::clamp(static_cast<double>(chars) + 2, 8.0, 60.0);
                }
                Check(worksheet_set_column(ws, c, c, width, nullptr), "column");
            }

            auto write = [&](lxw_row_t r, lxw_col_t c, const Cell& cell, ColumnType type, lxw_format* f) {
                if (const auto* s = std::get_if<std::string>(&cell.value)) {
                    if (type == ColumnType::kDate) {
                        if (auto d = ParseDate(*s)) {
                            Check(worksheet_write_datetime(ws, r, c, &*d, f), "date");
                            return;
                        }
                    }
                    // Always a string cell: text that looks like a formula stays text.
                    Check(worksheet_write_string(ws, r, c, CleanText(*s).c_str(), nullptr), "text");
                } else if (const auto* n = std::get_if<std::int64_t>(&cell.value)) {
                    if (type == ColumnType::kDateTime) {
                        lxw_datetime dt = FromUtcMillis(*n, info.utc_offset_minutes);
                        Check(worksheet_write_datetime(ws, r, c, &dt, f), "datetime");
                    } else {
                        Check(worksheet_write_number(ws, r, c, static_cast<double>(*n), f), "number");
                    }
                } else if (const auto* d = std::get_if<double>(&cell.value)) {
                    if (!std::isfinite(*d)) return;  // NaN and infinities: an empty cell
                    Check(worksheet_write_number(ws, r, c, *d, f), "number");
                }
            };

            lxw_row_t r = 1;
            for (const auto& row : sheet.rows) {
                for (lxw_col_t c = 0; c < row.size(); ++c) {
                    write(r, c, row[c], sheet.columns[c].type, format_of(plain, sheet.columns[c].type));
                }
                ++r;
            }
            const lxw_row_t last_data = r - 1;
            worksheet_freeze_panes(ws, 1, 0);
            Check(worksheet_autofilter(ws, 0, 0, last_data, ncols - 1), "autofilter");

            if (sheet.totals_label) {
                Check(worksheet_write_string(ws, r, 0, CleanText(*sheet.totals_label).c_str(), bold.text), "totals");
                for (lxw_col_t c = 0; c < ncols; ++c) {
                    const ColumnType t = sheet.columns[c].type;
                    if (!IsNumeric(t) || (c == 0)) {
                        if (c != 0) Check(worksheet_write_blank(ws, r, c, bold.text), "totals");
                        continue;
                    }
                    double sum = 0;
                    for (const auto& row : sheet.rows) {
                        if (c >= row.size()) continue;
                        if (const auto* n = std::get_if<std::int64_t>(&row[c].value)) sum += static_cast<double>(*n);
                        if (const auto* d = std::get_if<double>(&row[c].value); d != nullptr && std::isfinite(*d)) {
                            sum += *d;
                        }
                    }
                    if (sheet.rows.empty()) {
                        Check(worksheet_write_number(ws, r, c, 0, format_of(bold, t)), "totals");
                        continue;
                    }
                    // Only column letters and row numbers of our own: no user text in a formula.
                    const std::string formula =
                        "=SUM(" + ColumnLetters(c) + "2:" + ColumnLetters(c) + std::to_string(last_data + 1) + ")";
                    Check(worksheet_write_formula_num(ws, r, c, formula.c_str(), format_of(bold, t), sum), "totals");
                }
            }
        }
        lxw_error e = workbook_close(wb.release());
        Check(e, "close");
    }

    std::ifstream in(path, std::ios::binary);
    std::ostringstream bytes;
    bytes << in.rdbuf();
    if (!in && !in.eof()) throw std::runtime_error("xlsx: cannot read the workbook back");
    return std::move(bytes).str();
}

}  // namespace vp::core::xlsx
