#include "core/web/templates.hpp"

#include <stdexcept>

#include "core/web/mustache.hpp"

namespace vp::core::web {

struct TemplateStore::Compiled {
    mustache::Template tmpl;
    Compiled(std::string_view text, std::string_view path) : tmpl(text, path) {}
};

TemplateStore::TemplateStore(std::span<const EmbeddedFile> templates, std::span<const EmbeddedFile> strings)
    : TemplateStore(templates, MessageCatalog::FromFiles(strings)) {}

namespace {

// `text` with every {{t.key}} replaced by the language's string, HTML-escaped as {{…}} would
// escape it (empty for a key the catalogue lacks, as before). Done once per template and
// language when the store is built: a page then carries no string table in its data, where
// converting the ~1100 strings into the renderer's data on every render cost more than the
// rendering itself.
std::string WithStrings(std::string_view text, const boost::json::object& strings, std::string_view name) {
    constexpr std::string_view kOpen = "{{t.";
    std::string out;
    out.reserve(text.size() + text.size() / 2);
    std::size_t at = 0;
    for (;;) {
        const auto open = text.find(kOpen, at);
        if (open == std::string_view::npos) break;
        const auto close = text.find("}}", open);
        if (close == std::string_view::npos) break;
        // {{{t.key}}} (unescaped) is not used; leave anything but a plain key to the renderer.
        const auto key = text.substr(open + kOpen.size(), close - open - kOpen.size());
        if ((open > 0 && text[open - 1] == '{') ||
            key.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789_") != std::string_view::npos) {
            out.append(text.substr(at, close + 2 - at));
            at = close + 2;
            continue;
        }
        out.append(text.substr(at, open - at));
        if (const auto* v = strings.if_contains(key); v && v->is_string()) {
            const std::string value(v->get_string());
            if (value.find("{{") != std::string::npos || value.find("}}") != std::string::npos)
                throw std::runtime_error("template " + std::string(name) + ": string " + std::string(key) +
                                         " contains {{ or }}");
            mustache::EscapeHtml(value, out);
        }
        at = close + 2;
    }
    out.append(text.substr(at));
    return out;
}

std::shared_ptr<TemplateStore::Compiled> Compile(const std::string& text, std::string_view path) {
    return std::make_shared<TemplateStore::Compiled>(text, path);
}

}  // namespace

namespace {

bool IsPartial(std::string_view name) {
    const auto slash = name.rfind('/');
    return name.substr(slash == std::string_view::npos ? 0 : slash + 1).starts_with('_');
}

}  // namespace

TemplateStore::TemplateStore(std::span<const EmbeddedFile> templates, const MessageCatalog& strings) {
    for (const auto& lang : strings.Languages()) {
        auto& object = strings_[lang];
        for (const auto& [key, text] : strings.TextsOf(lang)) object[key] = text;
    }
    // English falls back to Vietnamese key by key.
    if (strings_.count("vi") && strings_.count("en")) {
        for (const auto& [k, v] : strings_["vi"]) {
            if (!strings_["en"].contains(k)) strings_["en"][k] = v;
        }
    }
    for (const auto& f : templates) {
        std::string name(f.path);
        if (name.ends_with(".html")) name.resize(name.size() - 5);
        const std::string text(f.content);
        templates_[name] = Compile(text, f.path);
        for (const auto& [lang, object] : strings_) languages_[lang][name] = Compile(WithStrings(text, object, f.path), f.path);
    }
    // Every {{> partial}} names a partial ("_x.html") that exists.
    for (const auto& [name, compiled] : templates_) {
        for (const auto& partial : compiled->tmpl.PartialNames()) {
            if (!IsPartial(partial) || !templates_.count(partial))
                throw std::runtime_error("template " + name + ": no partial " + partial);
        }
    }
}

std::string TemplateStore::Render(std::string_view name, const boost::json::value& data) const {
    return RenderWith(templates_, name, data);
}

std::string TemplateStore::Render(std::string_view name, const boost::json::value& data, std::string_view lang) const {
    auto it = languages_.find(lang);
    if (it == languages_.end()) it = languages_.find("vi");
    if (it == languages_.end()) return Render(name, data);
    return RenderWith(it->second, name, data);
}

std::string TemplateStore::RenderWith(const Templates& templates, std::string_view name, const boost::json::value& data) {
    auto it = templates.find(name);
    if (it == templates.end()) throw std::runtime_error("unknown template " + std::string(name));
    const mustache::PartialLookup partials = [&templates](std::string_view partial) -> const mustache::Template* {
        const auto p = templates.find(partial);
        return p == templates.end() ? nullptr : &p->second->tmpl;
    };
    return it->second->tmpl.Render(data, partials);
}

const boost::json::object& TemplateStore::Strings(std::string_view lang) const {
    static const boost::json::object kEmpty;
    if (auto it = strings_.find(lang); it != strings_.end()) return it->second;
    if (auto it = strings_.find("vi"); it != strings_.end()) return it->second;
    return kEmpty;
}

std::string TemplateStore::T(std::string_view lang, std::string_view key) const {
    const auto& s = Strings(lang);
    if (auto* v = s.if_contains(key); v && v->is_string()) return std::string(v->get_string());
    return std::string(key);
}

}  // namespace vp::core::web
