#include "core/message.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>

#include "core/error.hpp"

namespace vp::core {
namespace {

namespace fs = std::filesystem;

const fs::path kSourceDir = VP_SOURCE_DIR;

std::string ReadFile(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

// The shipped strings, read from the source tree the way vp::strings embeds them: every
// templates/**/i18n/<lang>.json, paths relative to templates/.
struct StringFiles {
    std::vector<std::string> paths;
    std::vector<std::string> contents;
    std::vector<EmbeddedFile> files;
};

StringFiles ReadStringFiles() {
    StringFiles out;
    const fs::path root = kSourceDir / "templates";
    for (const auto& e : fs::recursive_directory_iterator(root)) {
        if (!e.is_regular_file() || e.path().extension() != ".json") continue;
        if (e.path().parent_path().filename() != "i18n") continue;
        out.paths.push_back(fs::relative(e.path(), root).generic_string());
        out.contents.push_back(ReadFile(e.path()));
    }
    for (std::size_t i = 0; i < out.paths.size(); ++i) out.files.push_back({out.paths[i], out.contents[i]});
    return out;
}

MessageCatalog Shipped() {
    auto files = ReadStringFiles();
    return MessageCatalog::FromFiles(files.files);
}

struct Use {
    std::string key;
    std::string where;  // file:line
};

// Every `Msg("key"` in src/**/*.{cpp,hpp}, comment lines left out (they show examples). A Msg
// whose first argument is not a string literal is reported with an empty key.
std::vector<Use> KeysUsedInCode() {
    // `Msg(`, not preceded by a name character, then the literal (clang-format may break the line).
    static const std::regex kCall(R"re((^|[^A-Za-z0-9_])Msg\(\s*("([^"\\]*)"|[^\s)]))re");
    std::vector<Use> uses;
    for (const auto& e : fs::recursive_directory_iterator(kSourceDir / "src")) {
        const auto ext = e.path().extension();
        if (!e.is_regular_file() || (ext != ".cpp" && ext != ".hpp")) continue;
        std::string text = ReadFile(e.path());
        // Blank out comment lines, keeping offsets so that line numbers stay right.
        std::size_t start = 0;
        while (start < text.size()) {
            auto end = text.find('\n', start);
            if (end == std::string::npos) end = text.size();
            auto first = text.find_first_not_of(" \t", start);
            if (first < end && (text.compare(first, 2, "//") == 0 || text.compare(first, 1, "*") == 0 ||
                                text.compare(first, 2, "/*") == 0)) {
                std::fill(text.begin() + static_cast<long>(start), text.begin() + static_cast<long>(end), ' ');
            }
            start = end + 1;
        }
        const auto rel = fs::relative(e.path(), kSourceDir).generic_string();
        for (auto it = std::sregex_iterator(text.begin(), text.end(), kCall); it != std::sregex_iterator(); ++it) {
            const auto& m = *it;
            const auto at = static_cast<std::size_t>(m.position(0));
            const auto line = 1 + std::count(text.begin(), text.begin() + static_cast<long>(at), '\n');
            // The declaration and definition of Msg itself take a std::string.
            if (rel == "src/core/message.hpp" || rel == "src/core/message.cpp") {
                if (!m[3].matched) continue;
            }
            uses.push_back({m[3].matched ? m[3].str() : std::string(), rel + ":" + std::to_string(line)});
        }
    }
    return uses;
}

TEST(MessagesTest, EveryKeyUsedInCodeExistsInViAndEn) {
    const auto catalog = Shipped();
    const auto uses = KeysUsedInCode();
    EXPECT_GT(uses.size(), 100u) << "the scan of src/ found too few message keys";
    static const std::regex kKeyShape(R"re([a-z][a-z0-9_]*(\.[a-z0-9_]+)+)re");
    for (const auto& u : uses) {
        if (u.key.empty()) {
            ADD_FAILURE() << u.where << ": a message key must be a string literal at the call";
            continue;
        }
        EXPECT_TRUE(std::regex_match(u.key, kKeyShape))
            << u.where << ": message key \"" << u.key << "\" is not lower-case dotted <module>.<name>";
        for (const char* lang : {"vi", "en"}) {
            EXPECT_TRUE(catalog.Has(lang, u.key))
                << u.where << ": message key \"" << u.key << "\" has no text in " << lang
                << " (templates/<module>/i18n/" << lang << ".json, or templates/i18n for core.*)";
        }
    }
}

TEST(MessagesTest, ViAndEnHaveTheSameKeys) {
    const auto catalog = Shipped();
    const auto& vi = catalog.TextsOf("vi");
    const auto& en = catalog.TextsOf("en");
    EXPECT_GT(vi.size(), 100u);
    for (const auto& [key, text] : vi) EXPECT_TRUE(en.contains(key)) << "\"" << key << "\" has no English text";
    for (const auto& [key, text] : en) EXPECT_TRUE(vi.contains(key)) << "\"" << key << "\" has no Vietnamese text";
    EXPECT_EQ(catalog.Languages(), (std::vector<std::string>{"en", "vi"}));
}

std::set<std::string> Placeholders(const std::string& text) {
    static const std::regex kPlaceholder(R"re(\{([a-z_][a-z0-9_]*)\})re");
    std::set<std::string> out;
    for (auto it = std::sregex_iterator(text.begin(), text.end(), kPlaceholder); it != std::sregex_iterator(); ++it) {
        out.insert((*it)[1].str());
    }
    return out;
}

TEST(MessagesTest, ViAndEnTextsHaveTheSamePlaceholders) {
    const auto catalog = Shipped();
    const auto& en = catalog.TextsOf("en");
    for (const auto& [key, vi_text] : catalog.TextsOf("vi")) {
        auto it = en.find(key);
        if (it == en.end()) continue;  // ViAndEnHaveTheSameKeys reports it
        EXPECT_EQ(Placeholders(vi_text), Placeholders(it->second)) << "\"" << key << "\": vi and en differ in {params}";
    }
}

TEST(MessagesTest, EachStringsFileIsFlatAndEachKeyDefinedOnce) {
    const auto files = ReadStringFiles();
    EXPECT_NO_THROW(MessageCatalog::FromFiles(files.files));
    // A module's file names keys of its own, or interface strings; core.* stay in templates/i18n.
    for (std::size_t i = 0; i < files.paths.size(); ++i) {
        const auto& path = files.paths[i];
        if (path.starts_with("i18n/")) continue;
        const std::string module = path.substr(0, path.find('/'));
        MessageCatalog one = MessageCatalog::FromFiles(std::span(&files.files[i], 1));
        for (const auto& lang : one.Languages()) {
            for (const auto& [key, text] : one.TextsOf(lang)) {
                if (key.find('.') == std::string::npos) continue;
                EXPECT_TRUE(key.starts_with(module + "."))
                    << path << ": message key \"" << key << "\" belongs elsewhere";
            }
        }
    }
}

TEST(MessagesTest, DuplicateKeyAcrossFilesNamesBothFiles) {
    const std::vector<EmbeddedFile> files = {{"i18n/vi.json", R"({"a.b": "x"})"},
                                             {"units/i18n/vi.json", R"({"a.b": "y"})"}};
    try {
        (void)MessageCatalog::FromFiles(files);
        ADD_FAILURE() << "a key defined twice must be refused";
    } catch (const std::runtime_error& e) {
        const std::string what = e.what();
        EXPECT_NE(what.find("i18n/vi.json"), std::string::npos) << what;
        EXPECT_NE(what.find("units/i18n/vi.json"), std::string::npos) << what;
        EXPECT_NE(what.find("a.b"), std::string::npos) << what;
    }
    MessageCatalog c;
    c.Add("vi", "a.b", "x");
    EXPECT_THROW(c.Add("vi", "a.b", "y"), std::invalid_argument);
    EXPECT_NO_THROW(c.Add("en", "a.b", "y"));
    const std::vector<EmbeddedFile> not_string = {{"i18n/vi.json", R"({"a.b": 1})"}};
    EXPECT_THROW((void)MessageCatalog::FromFiles(not_string), std::runtime_error);
}

MessageCatalog TestCatalog() {
    MessageCatalog c;
    c.Add("vi", "t.greet", "Xin chào {name}, bạn có {count} thông báo.");
    c.Add("en", "t.greet", "Hello {name}, you have {count} notifications.");
    c.Add("vi", "t.only_vi", "Chỉ tiếng Việt");
    c.Add("vi", "t.context", "Không áp dụng được cho lịch '{code}': {reason}");
    c.Add("en", "t.context", "Cannot apply to calendar '{code}': {reason}");
    c.Add("vi", "t.reason", "ngày {day} trùng");
    c.Add("en", "t.reason", "day {day} repeated");
    c.Add("vi", "t.braces", "Dạng {\"mon\": [...]} hoặc {unknown}");
    return c;
}

TEST(MessagesTest, RenderSubstitutesParamsAndFallsBack) {
    const auto c = TestCatalog();
    const Message m{"t.greet", {{"name", "Lan"}, {"count", "3"}}, {}};
    EXPECT_EQ(c.Render("vi", m), "Xin chào Lan, bạn có 3 thông báo.");
    EXPECT_EQ(c.Render("en", m), "Hello Lan, you have 3 notifications.");
    EXPECT_EQ(c.Render("fr", m), "Xin chào Lan, bạn có 3 thông báo.") << "an unknown language reads as vi";
    EXPECT_EQ(c.Render("en", Message{"t.only_vi", {}, {}}), "Chỉ tiếng Việt") << "missing in en: the vi text";
    EXPECT_EQ(c.Render("en", Message{"t.nowhere", {}, {}}), "t.nowhere") << "missing everywhere: the key";
    EXPECT_EQ(c.Render("vi", Message{"t.nowhere", {}, {}}), "t.nowhere") << "logged once, still rendered";
    // Values go in as they are (escaping is the caller's), and are never expanded again.
    EXPECT_EQ(c.Render("en", Message{"t.greet", {{"name", "<b>{count}</b>"}, {"count", "1"}}, {}}),
              "Hello <b>{count}</b>, you have 1 notifications.");
    // Braces that are not this message's placeholders stay as written.
    EXPECT_EQ(c.Render("vi", Message{"t.braces", {}, {}}), "Dạng {\"mon\": [...]} hoặc {unknown}");
    // A missing param leaves its placeholder visible rather than silently empty.
    EXPECT_EQ(c.Render("en", Message{"t.greet", {{"name", "Lan"}}, {}}), "Hello Lan, you have {count} notifications.");
}

TEST(MessagesTest, PartsRenderInTheSameLanguage) {
    const auto c = TestCatalog();
    Message reason{"t.reason", {{"day", "2026-02-17"}}, {}};
    Message m = WithPart(Message{"t.context", {{"code", "vn"}}, {}}, "reason", reason);
    EXPECT_EQ(c.Render("vi", m), "Không áp dụng được cho lịch 'vn': ngày 2026-02-17 trùng");
    EXPECT_EQ(c.Render("en", m), "Cannot apply to calendar 'vn': day 2026-02-17 repeated");
    EXPECT_EQ(m, WithPart(Message{"t.context", {{"code", "vn"}}, {}}, "reason", reason));
    EXPECT_FALSE(m == reason);
}

TEST(MessagesTest, ShippedCoreMessagesRenderInBothLanguages) {
    // vp::test_messages installed the shipped strings before main.
    EXPECT_EQ(Text(Forbidden().message, "vi"), "Bạn không có quyền thực hiện thao tác này.");
    EXPECT_EQ(Text(Forbidden().message, "en"), "You are not allowed to do this.");
    EXPECT_EQ(Text(Msg("core.too_many_requests", {{"seconds", "7"}}), "en"),
              "Too many requests from this address. Please try again in 7 seconds.");
    const Error e = InvalidField("code", Msg("core.path_invalid"));
    EXPECT_EQ(e.code, ErrorCode::kInvalidInput);
    EXPECT_EQ(e.field, "code");
    std::ostringstream os;
    os << Unauthorized().message;
    EXPECT_EQ(os.str(), "Cần đăng nhập.");
}

}  // namespace
}  // namespace vp::core
