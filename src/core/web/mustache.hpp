#pragma once
// A Mustache renderer that reads boost::json values directly (templates.hpp is its only user).
//
// Written here rather than taken from a library because the one Debian packages
// (kainjow/mustache) renders only from its own data type: every render converted the page's
// JSON into that type, copied the compiled template, and parsed every partial again, which
// together cost more than the rest of a public page. This one parses a template once into a
// tree, includes partials by reference, and walks the JSON as it is. It renders exactly what
// kainjow renders for the tags the templates use (variables, {{{raw}}} and {{&raw}}, sections,
// inverted sections, partials, comments, dotted names, {{.}}), including kainjow's rule for
// lines that hold only section tags and whitespace; templates_test.cpp checks both against
// each other.
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json/value.hpp>

namespace vp::core::web::mustache {

/// Appends `s` with & < > " ' escaped as HTML entities.
void EscapeHtml(std::string_view s, std::string& out);
std::string EscapeHtml(std::string_view s);

class Template;
/// Finds a partial by name when a template is rendered (nullptr: renders nothing).
using PartialLookup = std::function<const Template*(std::string_view)>;

class Template {
public:
    /// Throws std::runtime_error naming `where` for an unclosed tag or section, a section closed
    /// by another name, or a change of delimiters (not supported).
    Template(std::string_view text, std::string_view where);
    ~Template();
    Template(Template&&) noexcept;
    Template& operator=(Template&&) noexcept;

    /// Renders with `data` as the root of the context. Thread-safe: rendering changes nothing.
    std::string Render(const boost::json::value& data, const PartialLookup& partials) const;
    /// The names of the partials this template includes ({{> name}}), for checking them.
    std::vector<std::string> PartialNames() const;

    struct Node;
    struct State;
    void RenderInto(State& state) const;

private:
    std::unique_ptr<std::vector<Node>> nodes_;
    std::size_t size_hint_ = 0;
};

}  // namespace vp::core::web::mustache
