#include "core/web/templates.hpp"

#include <stdexcept>

#include <kainjow/mustache.hpp>

namespace vp::core::web {

namespace mustache = kainjow::mustache;

struct TemplateStore::Compiled {
    mustache::mustache tmpl;
    explicit Compiled(const std::string& text) : tmpl(text) {}
};

namespace {

mustache::data ToData(const boost::json::value& v) {
    switch (v.kind()) {
        case boost::json::kind::null: return mustache::data(false);
        case boost::json::kind::bool_: return mustache::data(v.get_bool());
        case boost::json::kind::int64: return mustache::data(std::to_string(v.get_int64()));
        case boost::json::kind::uint64: return mustache::data(std::to_string(v.get_uint64()));
        case boost::json::kind::double_: return mustache::data(std::to_string(v.get_double()));
        case boost::json::kind::string: return mustache::data(std::string(v.get_string()));
        case boost::json::kind::array: {
            mustache::data list{mustache::data::type::list};
            for (const auto& e : v.get_array()) list.push_back(ToData(e));
            return list;
        }
        case boost::json::kind::object: {
            mustache::data obj{mustache::data::type::object};
            for (const auto& [k, e] : v.get_object()) obj.set(std::string(k), ToData(e));
            return obj;
        }
    }
    return mustache::data(false);
}

}  // namespace

TemplateStore::TemplateStore(std::span<const EmbeddedFile> templates, std::span<const EmbeddedFile> strings)
    : TemplateStore(templates, MessageCatalog::FromFiles(strings)) {}

TemplateStore::TemplateStore(std::span<const EmbeddedFile> templates, const MessageCatalog& strings) {
    for (const auto& f : templates) {
        auto c = std::make_shared<Compiled>(std::string(f.content));
        if (!c->tmpl.is_valid()) {
            throw std::runtime_error("template " + std::string(f.path) + ": " + c->tmpl.error_message());
        }
        std::string name(f.path);
        if (name.ends_with(".html")) name.resize(name.size() - 5);
        const auto slash = name.rfind('/');
        if (name.compare(slash == std::string::npos ? 0 : slash + 1, 1, "_") == 0)
            partials_[name] = std::string(f.content);
        templates_[name] = std::move(c);
    }
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
}

std::string TemplateStore::Render(std::string_view name, const boost::json::value& data) const {
    auto it = templates_.find(name);
    if (it == templates_.end()) throw std::runtime_error("unknown template " + std::string(name));
    // kainjow's render is not const: render on a copy so concurrent requests never share state.
    mustache::mustache copy = it->second->tmpl;
    auto view = ToData(data);
    if (view.is_object()) {
        for (const auto& [partial, text] : partials_) {
            view.set(partial, mustache::partial([&text] { return text; }));
        }
    }
    return copy.render(view);
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
