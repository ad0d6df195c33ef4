#pragma once

#include <map>
#include <memory>
#include <span>
#include <string>

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include "core/embedded.hpp"
#include "core/message.hpp"

namespace vp::core::web {

/// @brief Logic-less Mustache templates (mustache.hpp), compiled once at start-up, escaping by
/// default; plus the interface strings in Vietnamese and English. Thread-safe after
/// construction.
class TemplateStore {
public:
    /// `templates`: files "<module>/<name>.html"; `strings`: the interface strings, the same
    /// catalogue the messages render from (one source of text). Throws std::runtime_error when
    /// a template does not compile.
    TemplateStore(std::span<const EmbeddedFile> templates, const MessageCatalog& strings);
    /// The same, with the strings read from files "<folder>/<lang>.json" (flat objects, merged per
    /// language: see MessageCatalog::FromFiles, which also throws for a key defined twice).
    TemplateStore(std::span<const EmbeddedFile> templates, std::span<const EmbeddedFile> strings);

    /// Renders one template. `{{x}}` is HTML-escaped; `{{{x}}}` is used only for values the
    /// code produced as safe HTML (rendered templates, QR SVG). Throws when `name` is unknown.
    std::string Render(std::string_view name, const boost::json::value& data) const;
    /// The same in one language: `{{t.key}}` is that language's interface string, put into the
    /// template when the store was built (the data needs no "t").
    std::string Render(std::string_view name, const boost::json::value& data, std::string_view lang) const;
    /// Interface strings for "vi" or "en" (falls back to "vi" for missing keys).
    const boost::json::object& Strings(std::string_view lang) const;
    /// One string, for messages built in code.
    std::string T(std::string_view lang, std::string_view key) const;

    struct Compiled;

private:
    using Templates = std::map<std::string, std::shared_ptr<Compiled>, std::less<>>;
    /// Files named "_x.html" are also partials, included as {{> module/_x}} in any template
    /// (checked when the store is built).
    static std::string RenderWith(const Templates& templates, std::string_view name, const boost::json::value& data);
    Templates templates_;
    /// Per language, the templates with the language's strings put in.
    std::map<std::string, Templates, std::less<>> languages_;
    std::map<std::string, boost::json::object, std::less<>> strings_;
};

}  // namespace vp::core::web
