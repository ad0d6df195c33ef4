#include "core/message.hpp"

#include <atomic>
#include <deque>
#include <mutex>
#include <ostream>
#include <set>
#include <stdexcept>

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>
#include <spdlog/spdlog.h>

namespace vp::core {

namespace {

constexpr std::string_view kDefaultLang = "vi";

// A key without a text anywhere is a bug (the coverage test should have caught it): said once
// per key, so a busy page does not flood the log.
void WarnMissingOnce(std::string_view key) {
    static std::mutex mu;
    static std::set<std::string, std::less<>> warned;
    std::lock_guard lock(mu);
    if (warned.contains(key)) return;
    warned.emplace(key);
    spdlog::warn("message key '{}' has no text in any language", key);
}

// "vi" for "i18n/vi.json", "auth/i18n/vi.json" or "vi.json".
std::string LangOfFile(std::string_view path) {
    if (auto slash = path.rfind('/'); slash != std::string_view::npos) path.remove_prefix(slash + 1);
    if (path.ends_with(".json")) path.remove_suffix(5);
    return std::string(path);
}

}  // namespace

bool operator==(const Message& a, const Message& b) {
    return a.key == b.key && a.params == b.params && a.parts == b.parts;
}

Message Msg(std::string key, std::vector<std::pair<std::string, std::string>> params) {
    return Message{std::move(key), std::move(params), {}};
}

Message WithPart(Message m, std::string name, Message part) {
    m.parts.emplace_back(std::move(name), std::move(part));
    return m;
}

void MessageCatalog::Add(std::string lang, std::string key, std::string text) {
    auto& texts = texts_[std::move(lang)];
    if (texts.contains(key)) throw std::invalid_argument("message key '" + key + "' is defined twice");
    texts.emplace(std::move(key), std::move(text));
}

bool MessageCatalog::Has(std::string_view lang, std::string_view key) const {
    auto it = texts_.find(lang);
    return it != texts_.end() && it->second.contains(key);
}

std::vector<std::string> MessageCatalog::Languages() const {
    std::vector<std::string> out;
    for (const auto& [lang, texts] : texts_) out.push_back(lang);
    return out;
}

const MessageCatalog::Texts& MessageCatalog::TextsOf(std::string_view lang) const {
    static const Texts kNone;
    auto it = texts_.find(lang);
    return it == texts_.end() ? kNone : it->second;
}

std::string MessageCatalog::Render(std::string_view lang, const Message& m) const {
    auto texts = texts_.find(lang);
    if (texts == texts_.end()) texts = texts_.find(kDefaultLang);
    const std::string* text = nullptr;
    if (texts != texts_.end()) {
        if (auto it = texts->second.find(m.key); it != texts->second.end()) text = &it->second;
    }
    if (!text && lang != kDefaultLang) {
        if (auto vi = texts_.find(kDefaultLang); vi != texts_.end()) {
            if (auto it = vi->second.find(m.key); it != vi->second.end()) text = &it->second;
        }
    }
    if (!text) {
        WarnMissingOnce(m.key);
        return m.key;
    }
    if (m.params.empty() && m.parts.empty()) return *text;
    // One pass: a value that itself holds "{x}" is inserted as it is, never expanded again.
    std::string out;
    out.reserve(text->size() + 32);
    std::size_t i = 0;
    while (i < text->size()) {
        const auto open = text->find('{', i);
        if (open == std::string::npos) break;
        const auto close = text->find('}', open + 1);
        if (close == std::string::npos) break;
        out.append(*text, i, open - i);
        const std::string_view name(text->data() + open + 1, close - open - 1);
        bool filled = false;
        for (const auto& [k, v] : m.params) {
            if (k == name) {
                out += v;
                filled = true;
                break;
            }
        }
        if (!filled) {
            for (const auto& [k, part] : m.parts) {
                if (k == name) {
                    out += Render(lang, part);
                    filled = true;
                    break;
                }
            }
        }
        if (filled) {
            i = close + 1;
        } else {
            out += '{';  // not a placeholder of this message: kept, and the scan goes on after '{'
            i = open + 1;
        }
    }
    out.append(*text, i);
    return out;
}

MessageCatalog MessageCatalog::FromFiles(std::span<const EmbeddedFile> files) {
    MessageCatalog catalog;
    std::map<std::pair<std::string, std::string>, std::string> origin;  // (lang, key) -> file
    for (const auto& f : files) {
        const std::string lang = LangOfFile(f.path);
        boost::system::error_code ec;
        auto v = boost::json::parse(f.content, ec);
        if (ec || !v.is_object()) {
            throw std::runtime_error("strings file " + std::string(f.path) + ": not a JSON object");
        }
        for (const auto& [k, text] : v.get_object()) {
            const std::string key(k);
            if (!text.is_string()) {
                throw std::runtime_error("strings file " + std::string(f.path) + ": '" + key + "' is not a string");
            }
            auto [at, fresh] = origin.emplace(std::pair{lang, key}, std::string(f.path));
            if (!fresh) {
                throw std::runtime_error("string '" + key + "' is defined twice for '" + lang + "': in " + at->second +
                                         " and in " + std::string(f.path));
            }
            catalog.Add(lang, key, std::string(text.get_string()));
        }
    }
    return catalog;
}

namespace {

// Installed catalogues are kept for the life of the process, so a reference from Messages()
// never dangles (only tests install more than one).
struct Installed {
    std::mutex mu;
    std::deque<MessageCatalog> all;
    std::atomic<const MessageCatalog*> current{nullptr};
};

Installed& TheInstalled() {
    static Installed installed;
    return installed;
}

}  // namespace

const MessageCatalog& Messages() {
    static const MessageCatalog kEmpty;
    const MessageCatalog* c = TheInstalled().current.load(std::memory_order_acquire);
    return c ? *c : kEmpty;
}

void InstallMessages(MessageCatalog catalog) {
    auto& installed = TheInstalled();
    std::lock_guard lock(installed.mu);
    installed.all.push_back(std::move(catalog));
    installed.current.store(&installed.all.back(), std::memory_order_release);
}

std::string Text(const Message& m, std::string_view lang) { return Messages().Render(lang, m); }

std::ostream& operator<<(std::ostream& os, const Message& m) { return os << Text(m, kDefaultLang); }

}  // namespace vp::core
