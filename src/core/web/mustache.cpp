#include "core/web/mustache.hpp"

#include <array>
#include <charconv>
#include <stdexcept>

#include <boost/json.hpp>

namespace vp::core::web::mustache {

namespace json = boost::json;

namespace {
// The five characters EscapeHtml replaces, as a table: most text holds none, and a table look-up
// per byte skips it faster than the switch below.
constexpr auto kHtmlSpecial = [] {
    std::array<bool, 256> t{};
    for (unsigned char c : std::string_view("&<>\"'")) t[c] = true;
    return t;
}();
}  // namespace

void EscapeHtml(std::string_view s, std::string& out) {
    std::size_t from = 0;
    for (std::size_t i = 0; i < s.size(); ++i) {
        if (!kHtmlSpecial[static_cast<unsigned char>(s[i])]) continue;
        std::string_view entity;
        switch (s[i]) {
            case '&': entity = "&amp;"; break;
            case '<': entity = "&lt;"; break;
            case '>': entity = "&gt;"; break;
            case '"': entity = "&quot;"; break;
            case '\'': entity = "&apos;"; break;
            default: continue;
        }
        out.append(s.substr(from, i - from));
        out.append(entity);
        from = i + 1;
    }
    out.append(s.substr(from));
}

std::string EscapeHtml(std::string_view s) {
    std::string out;
    out.reserve(s.size() + s.size() / 8);
    EscapeHtml(s, out);
    return out;
}

struct Template::Node {
    enum class Kind { text, newline, variable, raw, section, inverted, partial };
    Kind kind = Kind::text;
    std::string text;               ///< text, the newline's characters, or the partial's name
    std::vector<std::string> path;  ///< a name split at its dots; empty for {{.}}
    std::vector<Node> children;     ///< of a section
};

struct Template::State {
    std::string& out;
    const PartialLookup& partials;
    std::vector<const json::value*> stack;  ///< the context, innermost last
    /// The current line starts here in `out`; whether it held a rendered section's tag.
    std::size_t line_start = 0;
    bool section_tag = false;
};

namespace {

using Node = Template::Node;
using Kind = Node::Kind;

std::string_view Trim(std::string_view s) {
    constexpr std::string_view kSpace = " \t\r\n\f\v";
    const auto b = s.find_first_not_of(kSpace);
    if (b == std::string_view::npos) return {};
    return s.substr(b, s.find_last_not_of(kSpace) - b + 1);
}

std::vector<std::string> SplitName(std::string_view name) {
    std::vector<std::string> parts;
    if (name == ".") return parts;
    std::size_t at = 0;
    for (;;) {
        const auto dot = name.find('.', at);
        parts.emplace_back(name.substr(at, dot == std::string_view::npos ? std::string_view::npos : dot - at));
        if (dot == std::string_view::npos) break;
        at = dot + 1;
    }
    return parts;
}

// Text as kainjow splits it: runs of characters, and each "\r\n", "\n" or "\r" a node of its own.
void AddText(std::vector<Node>& nodes, std::string_view text) {
    std::size_t at = 0;
    while (at < text.size()) {
        const auto nl = text.find_first_of("\r\n", at);
        if (nl != at) {
            const auto end = nl == std::string_view::npos ? text.size() : nl;
            if (!nodes.empty() && nodes.back().kind == Kind::text) {
                nodes.back().text.append(text.substr(at, end - at));
            } else {
                nodes.push_back(Node{.kind = Kind::text, .text = std::string(text.substr(at, end - at))});
            }
            at = end;
            continue;
        }
        const std::size_t len = text.compare(nl, 2, "\r\n") == 0 ? 2 : 1;
        nodes.push_back(Node{.kind = Kind::newline, .text = std::string(text.substr(nl, len))});
        at = nl + len;
    }
}

// The value `path` names: looked up in each context from the innermost out, the whole dotted
// path in one context before the next (kainjow's rule). {{.}} is the innermost context.
const json::value* Lookup(const std::vector<const json::value*>& stack, const std::vector<std::string>& path) {
    if (path.empty()) return stack.empty() ? nullptr : stack.back();
    for (auto it = stack.rbegin(); it != stack.rend(); ++it) {
        const json::value* v = *it;
        for (const auto& name : path) {
            const auto* obj = v->if_object();
            v = obj ? obj->if_contains(name) : nullptr;
            if (!v) break;
        }
        if (v) return v;
    }
    return nullptr;
}

bool IsFalsy(const json::value& v) {
    return v.is_null() || (v.is_bool() && !v.get_bool()) || (v.is_array() && v.get_array().empty());
}

void AppendNumber(const json::value& v, std::string& out) {
    char buf[32];
    if (v.is_int64()) {
        const auto r = std::to_chars(buf, buf + sizeof buf, v.get_int64());
        out.append(buf, r.ptr);
    } else if (v.is_uint64()) {
        const auto r = std::to_chars(buf, buf + sizeof buf, v.get_uint64());
        out.append(buf, r.ptr);
    } else {
        out += std::to_string(v.get_double());  // as std::to_string writes it ("1.500000"), as before
    }
}

void RenderNodes(const std::vector<Node>& nodes, Template::State& s);

void RenderSection(const Node& node, const json::value* value, Template::State& s) {
    const auto once = [&](const json::value* context) {
        s.section_tag = true;  // the section's opening tag
        if (context) s.stack.push_back(context);
        RenderNodes(node.children, s);
        if (context) s.stack.pop_back();
        s.section_tag = true;  // its closing tag
    };
    if (value && value->is_array() && !value->get_array().empty()) {
        for (const auto& item : value->get_array()) once(&item);
    } else {
        once(value);
    }
}

void EndLine(Template::State& s, std::string_view newline) {
    // A line that held a rendered section's tag and is otherwise blank is left out, newline too.
    if (s.section_tag && s.out.find_first_not_of(" \t", s.line_start) == std::string::npos) {
        s.out.resize(s.line_start);
    } else {
        s.out.append(newline);
    }
    s.line_start = s.out.size();
    s.section_tag = false;
}

void RenderNodes(const std::vector<Node>& nodes, Template::State& s) {
    for (const auto& node : nodes) {
        switch (node.kind) {
            case Kind::text: s.out.append(node.text); break;
            case Kind::newline: EndLine(s, node.text); break;
            case Kind::variable:
            case Kind::raw: {
                const auto* v = Lookup(s.stack, node.path);
                if (!v) break;
                if (v->is_string()) {
                    const std::string_view text = v->get_string();
                    if (node.kind == Kind::raw) {
                        s.out.append(text);
                    } else {
                        EscapeHtml(text, s.out);
                    }
                } else if (v->is_number()) {
                    AppendNumber(*v, s.out);
                }
                break;
            }
            case Kind::section: {
                const auto* v = Lookup(s.stack, node.path);
                if (v && !IsFalsy(*v)) RenderSection(node, v, s);
                break;
            }
            case Kind::inverted: {
                const auto* v = Lookup(s.stack, node.path);
                if (!v || IsFalsy(*v)) RenderSection(node, v, s);
                break;
            }
            case Kind::partial:
                if (const auto* p = s.partials(node.text)) p->RenderInto(s);
                break;
        }
    }
}

void CollectPartials(const std::vector<Node>& nodes, std::vector<std::string>& names) {
    for (const auto& n : nodes) {
        if (n.kind == Kind::partial) names.push_back(n.text);
        CollectPartials(n.children, names);
    }
}

}  // namespace

Template::Template(std::string_view text, std::string_view where) : nodes_(std::make_unique<std::vector<Node>>()) {
    const auto fail = [&](const std::string& what, std::size_t at) {
        throw std::runtime_error("template " + std::string(where) + ": " + what + " at " + std::to_string(at));
    };
    std::vector<std::vector<Node>*> open{nodes_.get()};
    std::vector<std::string> open_names;
    std::size_t at = 0;
    while (at < text.size()) {
        const auto tag = text.find("{{", at);
        AddText(*open.back(), text.substr(at, tag == std::string_view::npos ? std::string_view::npos : tag - at));
        if (tag == std::string_view::npos) break;
        const bool triple = tag + 2 < text.size() && text[tag + 2] == '{';
        const auto content_at = tag + (triple ? 3 : 2);
        const auto close = text.find(triple ? "}}}" : "}}", content_at);
        if (close == std::string_view::npos) fail("unclosed tag", tag);
        at = close + (triple ? 3 : 2);
        const auto contents = Trim(text.substr(content_at, close - content_at));
        Node node;
        if (triple) {
            node.kind = Kind::raw;
            node.path = SplitName(contents);
            open.back()->push_back(std::move(node));
            continue;
        }
        const char sigil = contents.empty() ? '\0' : contents.front();
        const auto name = Trim(contents.empty() ? contents : contents.substr(1));
        switch (sigil) {
            case '!': continue;  // a comment
            case '=': fail("changing delimiters is not supported", tag); break;
            case '#':
            case '^':
                node.kind = sigil == '#' ? Kind::section : Kind::inverted;
                node.path = SplitName(name);
                open.back()->push_back(std::move(node));
                open.push_back(&open.back()->back().children);
                open_names.emplace_back(name);
                continue;
            case '/':
                if (open_names.empty() || open_names.back() != name)
                    fail("section \"" + std::string(name) + "\" closed but not open", tag);
                open.pop_back();
                open_names.pop_back();
                continue;
            case '>':
                node.kind = Kind::partial;
                node.text = std::string(name);
                break;
            case '&':
                node.kind = Kind::raw;
                node.path = SplitName(name);
                break;
            default:
                node.kind = Kind::variable;
                node.path = SplitName(contents);
                break;
        }
        open.back()->push_back(std::move(node));
    }
    if (!open_names.empty()) fail("section \"" + open_names.back() + "\" not closed", text.size());
    size_hint_ = text.size();
}

Template::~Template() = default;
Template::Template(Template&&) noexcept = default;
Template& Template::operator=(Template&&) noexcept = default;

void Template::RenderInto(State& state) const { RenderNodes(*nodes_, state); }

std::string Template::Render(const json::value& data, const PartialLookup& partials) const {
    std::string out;
    out.reserve(size_hint_ * 2);
    State state{.out = out, .partials = partials, .stack = {&data}};
    RenderInto(state);
    // The last line, when the text does not end with a newline.
    if (state.section_tag && out.find_first_not_of(" \t", state.line_start) == std::string::npos)
        out.resize(state.line_start);
    return out;
}

std::vector<std::string> Template::PartialNames() const {
    std::vector<std::string> names;
    CollectPartials(*nodes_, names);
    return names;
}

}  // namespace vp::core::web::mustache
