#include "portal/library.hpp"

#include <algorithm>

#include "core/text.hpp"

namespace vp::portal {

const std::vector<std::string>& DocumentKinds() {
    static const std::vector<std::string> kKinds = {
        "resolution",  // nghị quyết
        "directive",   // chỉ thị
        "conclusion",  // kết luận
        "regulation",  // quy định
        "rules",       // quy chế
        "decision",    // quyết định
        "programme",   // chương trình
        "plan",        // kế hoạch
        "report",      // báo cáo
        "notice",      // thông báo
        "guidance",    // hướng dẫn
        "official_letter",  // công văn
        "other"};
    return kKinds;
}

bool IsDocumentKind(std::string_view code) {
    const auto& k = DocumentKinds();
    return std::find(k.begin(), k.end(), code) != k.end();
}

std::vector<std::string> QueryWords(std::string_view query, std::size_t max_words) {
    const auto folded = core::FoldDiacritics(query);
    std::vector<std::string> out;
    std::string word;
    auto flush = [&] {
        // A lone separator is not a word ("-" between two words).
        while (!word.empty() && (word.back() == '/' || word.back() == '-' || word.back() == '.')) word.pop_back();
        while (!word.empty() && (word.front() == '/' || word.front() == '-' || word.front() == '.')) word.erase(0, 1);
        if (!word.empty() && out.size() < max_words && std::find(out.begin(), out.end(), word) == out.end())
            out.push_back(word);
        word.clear();
    };
    for (unsigned char ch : folded) {
        const bool part = ch >= 0x80 || (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '/' ||
                          ch == '-' || ch == '.';
        if (part) {
            word += static_cast<char>(ch);
        } else {
            flush();
        }
    }
    flush();
    return out;
}

bool HoldsAllWords(std::string_view folded_text, const std::vector<std::string>& words) {
    return std::all_of(words.begin(), words.end(),
                       [&](const std::string& w) { return folded_text.find(w) != std::string_view::npos; });
}

const std::vector<std::string>& CollectionKinds() {
    static const std::vector<std::string> kKinds = {"party_documents", "classic_works", "ho_chi_minh", "other"};
    return kKinds;
}

const std::vector<std::string>& CollectionLevels() {
    static const std::vector<std::string> kLevels = {"volume", "part", "chapter", "section"};
    return kLevels;
}

bool MayContain(std::string_view parent, std::string_view child) {
    const auto& l = CollectionLevels();
    auto c = std::find(l.begin(), l.end(), child);
    if (c == l.end()) return false;
    if (parent.empty()) return true;
    auto p = std::find(l.begin(), l.end(), parent);
    return p != l.end() && c > p;
}

}  // namespace vp::portal
