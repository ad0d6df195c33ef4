#include "core/export/table_read.hpp"

#include <algorithm>
#include <chrono>
#include <map>
#include <memory>

#include <csv.h>
#include <expat.h>
#include <fmt/format.h>
#include <zip.h>

#include "core/message.hpp"
#include "core/text.hpp"

namespace vp::core::table {
namespace {

using Rows = std::vector<std::vector<std::string>>;

Error Bad(std::string_view why) { return InvalidField("file", Msg("core.table_unreadable", {{"reason", std::string(why)}})); }

std::string Trim(std::string s) {
    const auto a = s.find_first_not_of(" \t\r\n");
    if (a == std::string::npos) return {};
    const auto b = s.find_last_not_of(" \t\r\n");
    return s.substr(a, b - a + 1);
}

void DropEmptyTail(Rows& rows) {
    while (!rows.empty() && std::all_of(rows.back().begin(), rows.back().end(), [](const auto& c) { return c.empty(); }))
        rows.pop_back();
}

// ---------------------------------------------------------------------------------------------
// CSV (libcsv)

struct CsvState {
    Rows rows;
    std::vector<std::string> row;
    const Limits* limits;
    bool too_big = false;
};

Result<Rows> ReadCsv(std::string_view bytes, const Limits& limits) {
    if (bytes.starts_with("\xEF\xBB\xBF")) bytes.remove_prefix(3);
    if (!IsValidUtf8(bytes)) return Bad("not UTF-8");
    // The delimiter the first line uses most: Excel in Vietnamese settings writes ';'.
    const auto first = bytes.substr(0, bytes.find('\n'));
    char delim = ',';
    std::size_t best = std::count(first.begin(), first.end(), ',');
    for (char d : {';', '\t'}) {
        const auto n = static_cast<std::size_t>(std::count(first.begin(), first.end(), d));
        if (n > best) {
            best = n;
            delim = d;
        }
    }
    csv_parser p;
    if (csv_init(&p, CSV_APPEND_NULL) != 0) return Bad("csv");
    csv_set_delim(&p, static_cast<unsigned char>(delim));
    CsvState st{.limits = &limits};
    auto on_field = [](void* s, std::size_t n, void* data) {
        auto* state = static_cast<CsvState*>(data);
        if (state->row.size() >= state->limits->max_columns || n > state->limits->max_cell_chars * 4) {
            state->too_big = true;
            return;
        }
        state->row.push_back(Trim(std::string(static_cast<const char*>(s), n)));
    };
    auto on_row = [](int, void* data) {
        auto* state = static_cast<CsvState*>(data);
        if (state->rows.size() >= state->limits->max_rows) state->too_big = true;
        else state->rows.push_back(std::move(state->row));
        state->row.clear();
    };
    const auto parsed = csv_parse(&p, bytes.data(), bytes.size(), on_field, on_row, &st);
    csv_fini(&p, on_field, on_row, &st);
    const bool failed = parsed != bytes.size();
    const std::string why = failed ? csv_strerror(csv_error(&p)) : "";
    csv_free(&p);
    if (failed) return Bad(why);
    if (st.too_big) return Bad("too large");
    DropEmptyTail(st.rows);
    return st.rows;
}

// ---------------------------------------------------------------------------------------------
// XLSX (libzip + expat)

struct ZipFree {
    void operator()(zip_t* z) const { zip_discard(z); }
};

Result<std::string> Entry(zip_t* z, const std::string& name, std::size_t& budget) {
    zip_stat_t st;
    if (zip_stat(z, name.c_str(), 0, &st) != 0) return Bad("missing " + name);
    if (st.size > budget) return Bad("too large");
    budget -= st.size;
    std::unique_ptr<zip_file_t, int (*)(zip_file_t*)> f(zip_fopen(z, name.c_str(), 0), zip_fclose);
    if (!f) return Bad("unreadable " + name);
    std::string out(st.size, '\0');
    zip_int64_t got = 0;
    while (got < static_cast<zip_int64_t>(st.size)) {
        const auto n = zip_fread(f.get(), out.data() + got, st.size - got);
        if (n <= 0) return Bad("damaged " + name);
        got += n;
    }
    return out;
}

// A small SAX walk: expat calls back with element names (namespaces stripped) and text.
class Sax {
public:
    virtual ~Sax() = default;
    virtual void Start(std::string_view name, const char** attrs) = 0;
    virtual void End(std::string_view name) = 0;
    virtual void Text(std::string_view s) = 0;

    bool Parse(const std::string& xml) {
        std::unique_ptr<XML_ParserStruct, void (*)(XML_Parser)> p(XML_ParserCreate("UTF-8"), XML_ParserFree);
        XML_SetUserData(p.get(), this);
        XML_SetElementHandler(
            p.get(), [](void* self, const char* n, const char** a) { static_cast<Sax*>(self)->Start(Local(n), a); },
            [](void* self, const char* n) { static_cast<Sax*>(self)->End(Local(n)); });
        XML_SetCharacterDataHandler(p.get(), [](void* self, const char* s, int len) {
            static_cast<Sax*>(self)->Text(std::string_view(s, static_cast<std::size_t>(len)));
        });
        // No DTDs and no external entities in a workbook: expat expands none we did not ask for.
        return XML_Parse(p.get(), xml.data(), static_cast<int>(xml.size()), 1) == XML_STATUS_OK;
    }

    static std::string_view Attr(const char** attrs, std::string_view name) {
        for (int i = 0; attrs[i]; i += 2) {
            if (Local(attrs[i]) == name) return attrs[i + 1];
        }
        return {};
    }

private:
    static std::string_view Local(const char* n) {
        std::string_view s(n);
        const auto colon = s.rfind(':');
        return colon == std::string_view::npos ? s : s.substr(colon + 1);
    }
};

// xl/sharedStrings.xml: <si><t>…</t></si> or rich text <si><r><t>…</t></r>…</si>.
class SharedStrings : public Sax {
public:
    std::vector<std::string> strings;
    void Start(std::string_view n, const char**) override {
        if (n == "si") strings.emplace_back();
        if (n == "t") in_t_ = true;
        if (n == "rPh") in_phonetic_ = true;
    }
    void End(std::string_view n) override {
        if (n == "t") in_t_ = false;
        if (n == "rPh") in_phonetic_ = false;
    }
    void Text(std::string_view s) override {
        if (in_t_ && !in_phonetic_ && !strings.empty()) strings.back() += s;
    }

private:
    bool in_t_ = false, in_phonetic_ = false;
};

// "B12" -> column 1 (0-based).
std::size_t ColumnOf(std::string_view ref) {
    std::size_t col = 0;
    for (char c : ref) {
        if (c < 'A' || c > 'Z') break;
        col = col * 26 + static_cast<std::size_t>(c - 'A' + 1);
    }
    return col == 0 ? 0 : col - 1;
}

class SheetCells : public Sax {
public:
    SheetCells(const std::vector<std::string>& shared, const Limits& limits) : shared_(shared), limits_(limits) {}
    Rows rows;
    bool too_big = false;

    void Start(std::string_view n, const char** a) override {
        if (n == "row") {
            const auto r = std::string(Attr(a, "r"));
            std::size_t index = r.empty() ? rows.size() : static_cast<std::size_t>(std::max(1L, std::atol(r.c_str()))) - 1;
            if (index >= limits_.max_rows) {
                too_big = true;
                index = limits_.max_rows - 1;
            }
            if (rows.size() <= index) rows.resize(index + 1);
            row_ = index;
            next_col_ = 0;
        } else if (n == "c") {
            type_ = std::string(Attr(a, "t"));
            const auto ref = Attr(a, "r");
            col_ = ref.empty() ? next_col_ : ColumnOf(ref);
            next_col_ = col_ + 1;
            value_.clear();
            in_cell_ = true;
        } else if (n == "v" || (n == "t" && in_cell_)) {
            in_value_ = true;
        }
    }
    void End(std::string_view n) override {
        if (n == "v" || n == "t") in_value_ = false;
        if (n != "c") return;
        in_cell_ = false;
        if (col_ >= limits_.max_columns) {
            too_big = true;
            return;
        }
        std::string text = value_;
        if (type_ == "s") {
            const auto i = static_cast<std::size_t>(std::atol(value_.c_str()));
            text = i < shared_.size() ? shared_[i] : std::string();
        } else if (type_ == "b") {
            text = value_ == "1" ? "TRUE" : "FALSE";
        }
        if (text.size() > limits_.max_cell_chars * 4) text.resize(limits_.max_cell_chars * 4);
        auto& row = rows[row_];
        if (row.size() <= col_) row.resize(col_ + 1);
        row[col_] = Trim(std::move(text));
    }
    void Text(std::string_view s) override {
        if (in_value_) value_ += s;
    }

private:
    const std::vector<std::string>& shared_;
    const Limits& limits_;
    std::size_t row_ = 0, col_ = 0, next_col_ = 0;
    std::string type_, value_;
    bool in_cell_ = false, in_value_ = false;
};

// The first sheet's part name, from the workbook and its relationships.
class FirstSheet : public Sax {
public:
    std::string rel_id;
    void Start(std::string_view n, const char** a) override {
        if (n == "sheet" && rel_id.empty()) rel_id = std::string(Attr(a, "id"));
    }
    void End(std::string_view) override {}
    void Text(std::string_view) override {}
};
class Relations : public Sax {
public:
    std::map<std::string, std::string> targets;
    void Start(std::string_view n, const char** a) override {
        if (n == "Relationship") targets[std::string(Attr(a, "Id"))] = std::string(Attr(a, "Target"));
    }
    void End(std::string_view) override {}
    void Text(std::string_view) override {}
};

Result<Rows> ReadXlsx(std::string_view bytes, const Limits& limits) {
    zip_error_t err;
    zip_error_init(&err);
    zip_source_t* src = zip_source_buffer_create(bytes.data(), bytes.size(), 0, &err);
    if (!src) return Bad("zip");
    std::unique_ptr<zip_t, ZipFree> z(zip_open_from_source(src, ZIP_RDONLY, &err));
    if (!z) {
        zip_source_free(src);
        return Bad("not a workbook");
    }
    std::size_t budget = limits.max_unpacked_bytes;
    auto workbook = Entry(z.get(), "xl/workbook.xml", budget);
    if (!workbook) return workbook.error();
    FirstSheet first;
    if (!first.Parse(workbook.value()) || first.rel_id.empty()) return Bad("no sheet");
    std::string part = "xl/worksheets/sheet1.xml";
    if (auto rels = Entry(z.get(), "xl/_rels/workbook.xml.rels", budget)) {
        Relations r;
        if (r.Parse(rels.value()) && r.targets.contains(first.rel_id)) {
            const auto& t = r.targets[first.rel_id];
            part = t.starts_with("/") ? t.substr(1) : "xl/" + t;
        }
    }
    SharedStrings shared;
    if (zip_name_locate(z.get(), "xl/sharedStrings.xml", 0) >= 0) {
        auto xml = Entry(z.get(), "xl/sharedStrings.xml", budget);
        if (!xml) return xml.error();
        if (!shared.Parse(xml.value())) return Bad("damaged shared strings");
    }
    auto sheet = Entry(z.get(), part, budget);
    if (!sheet) return sheet.error();
    SheetCells cells(shared.strings, limits);
    if (!cells.Parse(sheet.value())) return Bad("damaged sheet");
    if (cells.too_big) return Bad("too large");
    for (auto& row : cells.rows) {
        for (auto& c : row) {
            if (!IsValidUtf8(c)) return Bad("not UTF-8");
        }
    }
    DropEmptyTail(cells.rows);
    return cells.rows;
}

}  // namespace

Result<std::vector<std::vector<std::string>>> ReadTable(std::string_view bytes, const Limits& limits) {
    if (bytes.empty()) return Bad("empty");
    if (bytes.starts_with("PK\x03\x04")) return ReadXlsx(bytes, limits);
    return ReadCsv(bytes, limits);
}

std::string SerialToDate(std::string_view cell) {
    if (cell.empty() || cell.size() > 12) return {};
    char* end = nullptr;
    const std::string s(cell);
    const double v = std::strtod(s.c_str(), &end);
    if (end != s.c_str() + s.size() || v < 1 || v > 2958465) return {};
    // Excel's day 0 is 1899-12-30 (its 1900 leap-year bug folded in from 1 March 1900 on).
    using namespace std::chrono;
    const year_month_day d{sys_days(year{1899} / 12 / 30) + days(static_cast<long>(v))};
    return fmt::format("{:04}-{:02}-{:02}", static_cast<int>(d.year()), static_cast<unsigned>(d.month()),
                       static_cast<unsigned>(d.day()));
}

}  // namespace vp::core::table
