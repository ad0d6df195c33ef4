#include "core/html/sanitize.hpp"

#include <gumbo.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <utility>

#include "core/text.hpp"

namespace vp::core::html {
namespace {

// Elements nested deeper than this are flattened to their text. The walkers below recurse, and
// a 2 MiB body of "<div>" could otherwise nest 400 000 levels deep; the text is kept, so nothing
// a reader could see is lost but the structure of absurdly deep markup.
constexpr int kMaxDepth = 128;

// Bounds applied before parsing (BoundMarkup). The HTML5 tree builder looks through the stack
// of open elements for most tags and rebuilds the open formatting elements (b, i, a, font …) in
// every new block, so nesting and unclosed formatting cost time and memory quadratic in the
// input: 100 000 nested <div> take gumbo minutes. Real content stays far below these.
constexpr std::size_t kMaxOpen = 256;           // nested elements
constexpr std::size_t kMaxOpenFormatting = 12;  // unclosed formatting elements at once
constexpr std::size_t kMaxStartTags = 100000;   // start tags in all

/// What becomes of an element.
enum class Action {
    kKeep,    // emitted under its (possibly normalised) name, with the allowed attributes
    kDrop,    // left out with everything inside it
    kUnwrap,  // left out, its content kept
    kBlock,   // a div-like container: a p when it holds only inline content, unwrapped otherwise
};

struct Decision {
    Action action = Action::kUnwrap;
    std::string_view name;  // the output element for kKeep
};

char AsciiLower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

std::string Lower(std::string_view s) {
    std::string out(s);
    for (char& c : out) c = AsciiLower(c);
    return out;
}

bool IsAsciiSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f'; }

std::string_view TrimSpace(std::string_view s) {
    while (!s.empty() && IsAsciiSpace(s.front())) s.remove_prefix(1);
    while (!s.empty() && IsAsciiSpace(s.back())) s.remove_suffix(1);
    return s;
}

bool IsAsciiAlpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

/// Where the tag that starts at s[i] ('<') ends (one past its '>'), reading attributes as the
/// HTML tokenizer does, so a '>' inside a quoted value does not end it; s.size() when unclosed.
std::size_t TagEnd(std::string_view s, std::size_t i, std::string& name) {
    std::size_t p = i + 1;
    if (p < s.size() && s[p] == '/') ++p;
    const std::size_t name_start = p;
    while (p < s.size() && !IsAsciiSpace(s[p]) && s[p] != '/' && s[p] != '>') ++p;
    name = Lower(s.substr(name_start, p - name_start));
    while (p < s.size()) {
        const char c = s[p];
        if (c == '>') return p + 1;
        if (c != '=') {
            ++p;
            continue;
        }
        ++p;
        while (p < s.size() && IsAsciiSpace(s[p])) ++p;
        if (p < s.size() && (s[p] == '"' || s[p] == '\'')) {
            const std::size_t close = s.find(s[p], p + 1);
            if (close == std::string_view::npos) return s.size();
            p = close + 1;
        }
    }
    return s.size();
}

/// The input with the start tags beyond kMaxOpen, kMaxOpenFormatting and kMaxStartTags (and the
/// end tags that close them) cut out, their text kept. A conservative tokenizer-level count:
/// elements the parser closes by itself (p, li, td …) and void ones do not nest here. Nothing
/// here is needed for safety, which comes from the allow-list on the parsed tree; this only
/// keeps the parser's work linear.
std::string BoundMarkup(std::string_view s) {
    static constexpr std::string_view kNoNest[] = {
        "p",     "li",     "dt",    "dd",    "tr",     "td",       "th",       "option", "optgroup", "thead",
        "tbody", "tfoot",  "rt",    "rp",    "rb",     "rtc",      "colgroup", "html",   "head",     "body",
        "br",    "img",    "hr",    "input", "meta",   "link",     "area",     "base",   "col",      "embed",
        "param", "source", "track", "wbr",   "keygen", "basefont", "bgsound",  "frame",  "image"};
    static constexpr std::string_view kFormatting[] = {"a",    "b", "big",   "code",   "em",     "font", "i",
                                                       "nobr", "s", "small", "strike", "strong", "tt",   "u"};
    static constexpr std::string_view kRawText[] = {"script",   "style",    "xmp",      "iframe", "noembed",
                                                    "noframes", "noscript", "textarea", "title"};
    const auto in = [](const auto& list, std::string_view n) {
        return std::find(std::begin(list), std::end(list), n) != std::end(list);
    };
    std::vector<std::string> open;  // kept, nesting start tags not yet closed
    std::vector<std::string> cut;   // names of cut start tags not yet closed
    std::size_t formatting = 0, start_tags = 0;
    std::string out, name;
    out.reserve(s.size());
    std::size_t i = 0;
    while (i < s.size()) {
        const std::size_t lt = s.find('<', i);
        if (lt == std::string_view::npos || lt + 1 >= s.size()) {
            out.append(s.substr(i));
            break;
        }
        out.append(s.substr(i, lt - i));
        const char next = s[lt + 1];
        if (s.substr(lt, 4) == "<!--") {
            const std::size_t end = s.find("-->", lt + 4);
            const std::size_t stop = end == std::string_view::npos ? s.size() : end + 3;
            out.append(s.substr(lt, stop - lt));
            i = stop;
            continue;
        }
        const bool end_tag = next == '/' && lt + 2 < s.size() && IsAsciiAlpha(s[lt + 2]);
        if (!end_tag && !IsAsciiAlpha(next)) {
            out.push_back('<');  // text, a bogus comment or a processing instruction: the parser's
            i = lt + 1;
            continue;
        }
        const std::size_t stop = TagEnd(s, lt, name);
        const std::string_view tag = s.substr(lt, stop - lt);
        i = stop;
        if (end_tag) {
            if (auto c = std::find(cut.rbegin(), cut.rend(), name); c != cut.rend()) {
                cut.erase(std::next(c).base());
                continue;  // closes a cut element: cut too
            }
            if (auto o = std::find(open.rbegin(), open.rend(), name); o != open.rend()) {
                const auto from = std::next(o).base();
                for (auto k = from; k != open.end(); ++k) formatting -= in(kFormatting, *k) ? 1 : 0;
                open.erase(from, open.end());
            }
            out.append(tag);
            continue;
        }
        if (in(kNoNest, name) || tag.ends_with("/>")) {
            if (++start_tags <= kMaxStartTags) out.append(tag);
            continue;
        }
        const bool fmt = in(kFormatting, name);
        if (++start_tags > kMaxStartTags || open.size() >= kMaxOpen || (fmt && formatting >= kMaxOpenFormatting)) {
            if (cut.size() < kMaxStartTags) cut.push_back(name);
            continue;
        }
        out.append(tag);
        open.push_back(name);
        formatting += fmt ? 1 : 0;
        if (in(kRawText, name)) {
            // Its content is text up to its end tag: copy it as it is.
            std::size_t end = i;
            while ((end = s.find("</", end)) != std::string_view::npos) {
                if (Lower(s.substr(end + 2, name.size())) == name) break;
                end += 2;
            }
            const std::size_t text_end = end == std::string_view::npos ? s.size() : end;
            out.append(s.substr(i, text_end - i));
            i = text_end;
        } else if (name == "plaintext") {
            out.append(s.substr(i));  // the rest of the input is text
            break;
        }
    }
    return out;
}

struct Parsed {
    explicit Parsed(std::string_view html) {
        GumboOptions options = kGumboDefaultOptions;
        // A body fragment, as an editor's content is: <head> elements are not moved away, <html>
        // and <body> tags are ignored, and leading whitespace is kept.
        options.fragment_context = GUMBO_TAG_BODY;
        options.fragment_namespace = GUMBO_NAMESPACE_HTML;
        options.max_errors = 0;  // the error list is not used: do not build it
        bounded = BoundMarkup(html);
        output = gumbo_parse_with_options(&options, bounded.data(), bounded.size());
    }
    ~Parsed() { gumbo_destroy_output(&kGumboDefaultOptions, output); }
    Parsed(const Parsed&) = delete;
    Parsed& operator=(const Parsed&) = delete;
    /// The fragment's nodes: children of the root <html> element gumbo builds around them.
    const GumboVector& Nodes() const { return output->root->v.element.children; }

    std::string bounded;  // gumbo points into it: it lives as long as the tree
    GumboOutput* output = nullptr;
};

/// The element's name, lower case: gumbo's for known tags, the source's ("o:p", "st1:place") for
/// unknown ones; empty when gumbo made the element up and it has no source text.
std::string TagName(const GumboElement& e) {
    if (e.tag != GUMBO_TAG_UNKNOWN) return gumbo_normalized_tagname(e.tag);
    GumboStringPiece piece = e.original_tag;
    if (piece.data == nullptr || piece.length == 0) return {};
    gumbo_tag_from_original_text(&piece);
    return Lower(std::string_view(piece.data, piece.length));
}

const char* Attr(const GumboElement& e, const char* name) {
    const GumboAttribute* a = gumbo_get_attribute(&e.attributes, name);
    return a != nullptr ? a->value : nullptr;
}

/// Word marks the fake bullets and numbers of its list paragraphs with style="mso-list:Ignore";
/// the list text itself follows them.
bool IsWordListMarker(const GumboElement& e) {
    const char* style = Attr(e, "style");
    if (style == nullptr) return false;
    std::string compact;
    for (const char* p = style; *p != '\0'; ++p) {
        if (!IsAsciiSpace(*p)) compact.push_back(AsciiLower(*p));
    }
    return compact.find("mso-list:ignore") != std::string::npos;
}

Decision Decide(const GumboNode& node, const SanitizePolicy& policy) {
    const GumboElement& e = node.v.element;
    if (e.tag_namespace != GUMBO_NAMESPACE_HTML) return {Action::kDrop, {}};  // svg, math and all inside
    const std::string name = TagName(e);
    // Word's office namespaces: o:p paragraph marks, v: VML shapes, w: and m: settings.
    if (name.starts_with("o:") || name.starts_with("v:") || name.starts_with("w:") || name.starts_with("m:")) {
        return {Action::kDrop, {}};
    }
    if (IsWordListMarker(e)) return {Action::kDrop, {}};

    struct Entry {
        std::string_view in;
        Action action;
        std::string_view out;
    };
    // When adding an element here ^, check IsBlockName and the attributes in EmitStartTag.
    static constexpr std::array kTable = {
        Entry{"p", Action::kKeep, "p"},
        Entry{"br", Action::kKeep, "br"},
        Entry{"h1", Action::kKeep, "h2"},
        Entry{"h2", Action::kKeep, "h2"},
        Entry{"h3", Action::kKeep, "h3"},
        Entry{"h4", Action::kKeep, "h4"},
        Entry{"h5", Action::kKeep, "h4"},
        Entry{"h6", Action::kKeep, "h4"},
        Entry{"strong", Action::kKeep, "strong"},
        Entry{"b", Action::kKeep, "strong"},
        Entry{"em", Action::kKeep, "em"},
        Entry{"i", Action::kKeep, "em"},
        Entry{"u", Action::kKeep, "u"},
        Entry{"s", Action::kKeep, "s"},
        Entry{"strike", Action::kKeep, "s"},
        Entry{"del", Action::kKeep, "s"},
        Entry{"sub", Action::kKeep, "sub"},
        Entry{"sup", Action::kKeep, "sup"},
        Entry{"blockquote", Action::kKeep, "blockquote"},
        Entry{"ul", Action::kKeep, "ul"},
        Entry{"ol", Action::kKeep, "ol"},
        Entry{"menu", Action::kKeep, "ul"},
        Entry{"dir", Action::kKeep, "ul"},
        Entry{"li", Action::kKeep, "li"},
        Entry{"a", Action::kKeep, "a"},
        Entry{"img", Action::kKeep, "img"},
        Entry{"figure", Action::kKeep, "figure"},
        Entry{"figcaption", Action::kKeep, "figcaption"},
        Entry{"table", Action::kKeep, "table"},
        Entry{"caption", Action::kKeep, "caption"},
        Entry{"thead", Action::kKeep, "thead"},
        Entry{"tbody", Action::kKeep, "tbody"},
        Entry{"tfoot", Action::kKeep, "tfoot"},
        Entry{"tr", Action::kKeep, "tr"},
        Entry{"th", Action::kKeep, "th"},
        Entry{"td", Action::kKeep, "td"},
        Entry{"hr", Action::kKeep, "hr"},
        Entry{"code", Action::kKeep, "code"},
        Entry{"pre", Action::kKeep, "pre"},
        Entry{"span", Action::kKeep, "span"},
        // Active content, forms, embedded documents and what belongs in <head>.
        Entry{"script", Action::kDrop, {}},
        Entry{"style", Action::kDrop, {}},
        Entry{"object", Action::kDrop, {}},
        Entry{"embed", Action::kDrop, {}},
        Entry{"applet", Action::kDrop, {}},
        Entry{"iframe", Action::kDrop, {}},
        Entry{"frame", Action::kDrop, {}},
        Entry{"frameset", Action::kDrop, {}},
        Entry{"noframes", Action::kDrop, {}},
        Entry{"noembed", Action::kDrop, {}},
        Entry{"noscript", Action::kDrop, {}},
        Entry{"form", Action::kDrop, {}},
        Entry{"input", Action::kDrop, {}},
        Entry{"button", Action::kDrop, {}},
        Entry{"select", Action::kDrop, {}},
        Entry{"option", Action::kDrop, {}},
        Entry{"optgroup", Action::kDrop, {}},
        Entry{"datalist", Action::kDrop, {}},
        Entry{"textarea", Action::kDrop, {}},
        Entry{"keygen", Action::kDrop, {}},
        Entry{"output", Action::kDrop, {}},
        Entry{"template", Action::kDrop, {}},
        Entry{"title", Action::kDrop, {}},
        Entry{"meta", Action::kDrop, {}},
        Entry{"link", Action::kDrop, {}},
        Entry{"base", Action::kDrop, {}},
        Entry{"basefont", Action::kDrop, {}},
        Entry{"bgsound", Action::kDrop, {}},
        Entry{"head", Action::kDrop, {}},
        Entry{"param", Action::kDrop, {}},
        Entry{"source", Action::kDrop, {}},
        Entry{"track", Action::kDrop, {}},
        Entry{"audio", Action::kDrop, {}},
        Entry{"video", Action::kDrop, {}},
        Entry{"canvas", Action::kDrop, {}},
        Entry{"map", Action::kDrop, {}},
        Entry{"area", Action::kDrop, {}},
        Entry{"dialog", Action::kDrop, {}},
        Entry{"svg", Action::kDrop, {}},
        Entry{"math", Action::kDrop, {}},
        Entry{"xml", Action::kDrop, {}},
        Entry{"colgroup", Action::kDrop, {}},
        Entry{"col", Action::kDrop, {}},
        Entry{"portal", Action::kDrop, {}},
        Entry{"slot", Action::kDrop, {}},
        // Containers whose line breaks matter.
        Entry{"div", Action::kBlock, {}},
        Entry{"section", Action::kBlock, {}},
        Entry{"article", Action::kBlock, {}},
        Entry{"header", Action::kBlock, {}},
        Entry{"footer", Action::kBlock, {}},
        Entry{"main", Action::kBlock, {}},
        Entry{"aside", Action::kBlock, {}},
        Entry{"address", Action::kBlock, {}},
        Entry{"center", Action::kBlock, {}},
        Entry{"nav", Action::kBlock, {}},
        Entry{"dd", Action::kBlock, {}},
        Entry{"dt", Action::kBlock, {}},
        Entry{"details", Action::kBlock, {}},
        Entry{"summary", Action::kBlock, {}},
        Entry{"fieldset", Action::kBlock, {}},
        Entry{"legend", Action::kBlock, {}},
        Entry{"hgroup", Action::kBlock, {}},
    };
    const auto it = std::find_if(kTable.begin(), kTable.end(), [&](const Entry& x) { return x.in == name; });
    if (it == kTable.end()) return {Action::kUnwrap, {}};
    Decision d{it->action, it->out};
    if (d.action == Action::kKeep) {
        if (d.name == "img" && !policy.allow_images) return {Action::kDrop, {}};
        if (!policy.allow_tables) {
            if (d.name == "td" || d.name == "th" || d.name == "caption") return {Action::kBlock, {}};
            if (d.name == "table" || d.name == "thead" || d.name == "tbody" || d.name == "tfoot" || d.name == "tr") {
                return {Action::kUnwrap, {}};
            }
        }
    }
    return d;
}

bool IsBlockName(std::string_view n) {
    static constexpr std::string_view kBlocks[] = {
        "p",     "h2",      "h3",    "h4",    "blockquote", "ul", "ol", "li", "figure", "figcaption",
        "table", "caption", "thead", "tbody", "tfoot",      "tr", "th", "td", "hr",     "pre"};
    return std::find(std::begin(kBlocks), std::end(kBlocks), n) != std::end(kBlocks);
}

/// Downlevel-revealed conditional comments (Word: `<![if !supportLists]>…<![endif]>`, also
/// written `<!--[if …]-->`) enclose content meant for old Word only: the opener is a comment
/// "[if …]" without '>' (a downlevel-hidden comment "[if …]>…<![endif]" is one comment and just
/// dropped), the closer "[endif]".
bool IsConditionalOpener(const GumboNode& n) {
    if (n.type != GUMBO_NODE_COMMENT) return false;
    const std::string_view t = TrimSpace(n.v.text.text);
    return t.starts_with("[if") && t.ends_with("]") && t.find('>') == std::string_view::npos;
}
bool IsConditionalCloser(const GumboNode& n) {
    return n.type == GUMBO_NODE_COMMENT && TrimSpace(n.v.text.text) == "[endif]";
}

/// Calls f(node) for each child that is not inside a conditional-comment section.
template <class F>
void ForEachChild(const GumboVector& children, F&& f) {
    for (unsigned i = 0; i < children.length; ++i) {
        const auto* n = static_cast<const GumboNode*>(children.data[i]);
        if (IsConditionalOpener(*n)) {
            unsigned j = i + 1;
            while (j < children.length && !IsConditionalCloser(*static_cast<const GumboNode*>(children.data[j]))) ++j;
            if (j < children.length) {
                i = j;  // skip the whole section, closer included
                continue;
            }
        }
        f(*n);
    }
}

/// Decodes one UTF-8 sequence of valid input at s[i]; returns the code point and advances i.
char32_t NextCodePoint(std::string_view s, std::size_t& i) {
    const auto b0 = static_cast<unsigned char>(s[i]);
    if (b0 < 0x80) return s[i++];
    const int len = b0 >= 0xF0 ? 4 : b0 >= 0xE0 ? 3 : 2;
    char32_t cp = b0 & (0x3F >> (len - 1));
    for (int k = 1; k < len; ++k) cp = (cp << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3F);
    i += len;
    return cp;
}

/// C0 and C1 controls but tab and newline, and U+FFFD, which the parser puts where the input
/// had NUL or other characters HTML does not allow: it only ever marks broken input.
bool IsDroppedControl(char32_t cp) {
    return (cp < 0x20 && cp != '\t' && cp != '\n') || (cp >= 0x7F && cp <= 0x9F) || cp == 0xFFFD;
}

/// Text as it is stored: without control characters but tab and newline, in NFC.
std::string CleanText(std::string_view s) {
    std::string out;
    out.reserve(s.size());
    for (std::size_t i = 0; i < s.size();) {
        const std::size_t start = i;
        const char32_t cp = NextCodePoint(s, i);
        if (!IsDroppedControl(cp)) out.append(s.substr(start, i - start));
    }
    return ToNfc(out);
}

void AppendEscaped(std::string& out, std::string_view s, bool attribute) {
    for (char c : s) {
        switch (c) {
            case '&': out += "&amp;"; break;
            case '<': out += "&lt;"; break;
            case '>': out += "&gt;"; break;
            case '"':
                if (attribute) {
                    out += "&quot;";
                    break;
                }
                [[fallthrough]];
            default: out.push_back(c);
        }
    }
}

void AppendAttr(std::string& out, std::string_view name, std::string_view value) {
    out.push_back(' ');
    out += name;
    out += "=\"";
    AppendEscaped(out, value, true);
    out.push_back('"');
}

/// A URL as a browser reads it: leading and trailing C0 controls and spaces stripped, tabs and
/// newlines anywhere removed (WHATWG URL parsing). nullopt when other control characters remain.
std::optional<std::string> CleanUrl(std::string_view raw) {
    while (!raw.empty() && static_cast<unsigned char>(raw.front()) <= 0x20) raw.remove_prefix(1);
    while (!raw.empty() && static_cast<unsigned char>(raw.back()) <= 0x20) raw.remove_suffix(1);
    std::string out;
    for (std::size_t i = 0; i < raw.size();) {
        const std::size_t start = i;
        const char32_t cp = NextCodePoint(raw, i);
        if (cp == '\t' || cp == '\n' || cp == '\r') continue;
        if (cp < 0x20 || (cp >= 0x7F && cp <= 0x9F)) return std::nullopt;
        out.append(raw.substr(start, i - start));
    }
    if (out.empty()) return std::nullopt;
    return ToNfc(out);
}

/// The URL's scheme in lower case ("" when it has none). A ':' before the first '/', '?' or
/// '#' that does not end a well-formed scheme makes the URL unusable (nullopt): browsers differ
/// on such strings, so none is guessed at.
std::optional<std::string> SchemeOf(std::string_view url) {
    const std::size_t colon = url.find(':');
    const std::size_t stop = url.find_first_of("/?#");
    if (colon == std::string_view::npos || (stop != std::string_view::npos && stop < colon)) return std::string{};
    const std::string_view scheme = url.substr(0, colon);
    if (scheme.empty() || !((scheme[0] >= 'a' && scheme[0] <= 'z') || (scheme[0] >= 'A' && scheme[0] <= 'Z'))) {
        return std::nullopt;
    }
    for (char c : scheme) {
        const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '+' ||
                        c == '-' || c == '.';
        if (!ok) return std::nullopt;
    }
    return Lower(scheme);
}

struct Link {
    std::string href;
    bool external = false;
};

bool StartsWithOrigin(std::string_view url, std::string_view origin) {
    if (origin.empty() || url.size() < origin.size() || Lower(url.substr(0, origin.size())) != Lower(origin)) {
        return false;
    }
    return url.size() == origin.size() || url[origin.size()] == '/' || url[origin.size()] == '?' ||
           url[origin.size()] == '#';
}

/// href values kept: http(s) with a host, protocol-relative, mailto, relative paths, fragments.
std::optional<Link> CheckHref(std::string_view raw, const SanitizePolicy& policy) {
    auto url = CleanUrl(raw);
    // Browsers read '\' as '/' in http URLs ("/\evil.example" is another host): none is kept.
    if (!url || url->find('\\') != std::string::npos) return std::nullopt;
    const auto scheme = SchemeOf(*url);
    if (!scheme) return std::nullopt;
    bool absolute = false;
    if (*scheme == "http" || *scheme == "https") {
        const std::string_view rest = std::string_view(*url).substr(scheme->size() + 1);
        if (!rest.starts_with("//") || rest.size() == 2 || rest[2] == '/') return std::nullopt;
        absolute = true;
    } else if (*scheme == "mailto") {
        if (url->size() == 7) return std::nullopt;
    } else if (!scheme->empty()) {
        return std::nullopt;  // javascript:, data:, vbscript:, file: … whatever the spelling
    } else if (url->starts_with("//")) {
        absolute = true;
    }
    bool external = absolute;
    for (const auto& origin : policy.site_origins) {
        if (!absolute) break;
        // "//dangcongsan.vn/x" is on the site "https://dangcongsan.vn" too.
        const std::size_t slashes = origin.find("//");
        const std::string_view without_scheme =
            slashes == std::string::npos ? std::string_view{} : std::string_view(origin).substr(slashes);
        if (StartsWithOrigin(*url, origin) || (url->starts_with("//") && StartsWithOrigin(*url, without_scheme))) {
            external = false;
        }
    }
    return Link{std::move(*url), external};
}

/// Image sources: only under the policy's prefixes, with no way out of them.
std::optional<std::string> CheckImageUrl(std::string_view raw, const SanitizePolicy& policy) {
    auto url = CleanUrl(raw);
    if (!url || url->find('\\') != std::string::npos || url->find("..") != std::string::npos ||
        url->find(' ') != std::string::npos || url->find(',') != std::string::npos ||
        Lower(*url).find("%2e") != std::string::npos || Lower(*url).find("%5c") != std::string::npos) {
        return std::nullopt;
    }
    const auto scheme = SchemeOf(*url);
    if (!scheme || !(scheme->empty() || *scheme == "http" || *scheme == "https")) return std::nullopt;
    for (const auto& prefix : policy.image_prefixes) {
        if (prefix.empty() || url->size() <= prefix.size()) continue;
        const bool absolute_prefix = SchemeOf(prefix).value_or("").size() > 0;
        const bool match = absolute_prefix ? Lower(url->substr(0, prefix.size())) == Lower(prefix)
                                           : url->compare(0, prefix.size(), prefix) == 0;
        if (match && (absolute_prefix || !url->starts_with("//"))) return std::move(*url);
    }
    return std::nullopt;
}

/// srcset: every candidate must pass CheckImageUrl, each descriptor be "<n>w" or "<n>[.<n>]x";
/// one bad candidate drops the attribute.
std::optional<std::string> CheckSrcset(std::string_view raw, const SanitizePolicy& policy) {
    std::string out;
    std::size_t pos = 0;
    while (pos <= raw.size()) {
        std::size_t comma = raw.find(',', pos);
        if (comma == std::string_view::npos) comma = raw.size();
        const std::string_view candidate = TrimSpace(raw.substr(pos, comma - pos));
        pos = comma + 1;
        if (candidate.empty()) return std::nullopt;
        std::size_t sp = 0;
        while (sp < candidate.size() && !IsAsciiSpace(candidate[sp])) ++sp;
        auto url = CheckImageUrl(candidate.substr(0, sp), policy);
        if (!url) return std::nullopt;
        const std::string_view desc = TrimSpace(candidate.substr(sp));
        if (!desc.empty()) {
            const char unit = desc.back();
            const std::string_view number = desc.substr(0, desc.size() - 1);
            bool ok = !number.empty() && (unit == 'w' || unit == 'x');
            bool dot = false;
            for (char c : number) {
                if (c == '.' && unit == 'x' && !dot) {
                    dot = true;
                } else if (c < '0' || c > '9') {
                    ok = false;
                }
            }
            if (!ok || number.front() == '.' || number.back() == '.') return std::nullopt;
        }
        if (!out.empty()) out += ", ";
        out += *url;
        if (!desc.empty()) {
            out.push_back(' ');
            out += desc;
        }
        if (comma == raw.size()) break;
    }
    if (out.empty()) return std::nullopt;
    return out;
}

/// A positive integer from 1 to max, written as digits only; nullopt otherwise.
std::optional<std::string> CheckNumber(const char* raw, long max) {
    if (raw == nullptr) return std::nullopt;
    const std::string_view v = TrimSpace(raw);
    if (v.empty() || v.size() > 9) return std::nullopt;
    long n = 0;
    for (char c : v) {
        if (c < '0' || c > '9') return std::nullopt;
        n = n * 10 + (c - '0');
    }
    if (n < 1 || n > max) return std::nullopt;
    return std::to_string(n);
}

std::string AllowedClasses(const GumboElement& e, const SanitizePolicy& policy) {
    const char* raw = Attr(e, "class");
    if (raw == nullptr) return {};
    std::string out;
    std::vector<std::string_view> seen;
    std::string_view rest = raw;
    while (!rest.empty()) {
        while (!rest.empty() && IsAsciiSpace(rest.front())) rest.remove_prefix(1);
        std::size_t n = 0;
        while (n < rest.size() && !IsAsciiSpace(rest[n])) ++n;
        const std::string_view cls = rest.substr(0, n);
        rest.remove_prefix(n);
        if (cls.empty() || Lower(cls).starts_with("mso")) continue;
        if (std::find(policy.allowed_classes.begin(), policy.allowed_classes.end(), cls) ==
                policy.allowed_classes.end() ||
            std::find(seen.begin(), seen.end(), cls) != seen.end()) {
            continue;
        }
        seen.push_back(cls);
        if (!out.empty()) out.push_back(' ');
        out += cls;
    }
    return out;
}

/// Context the HTML parser would use to restructure our output if we let it: elements that may
/// not nest are unwrapped instead, so that sanitising the output again changes nothing.
struct Context {
    int depth = 0;
    bool in_p = false;        // a p may not hold another p
    bool in_a = false;        // nor a link another link
    bool in_heading = false;  // nor a heading another heading
    bool in_li = false;       // a li directly inside a li (no list between) would close it
    bool in_pre = false;
};

class Serializer {
public:
    explicit Serializer(const SanitizePolicy& policy) : policy_(policy) {}

    void Children(const GumboVector& children, const Context& ctx) {
        ForEachChild(children, [&](const GumboNode& n) { Node(n, ctx); });
    }

    std::string Take() && { return std::move(out_); }

private:
    void Node(const GumboNode& n, const Context& ctx) {
        switch (n.type) {
            case GUMBO_NODE_TEXT:
            case GUMBO_NODE_WHITESPACE:
            case GUMBO_NODE_CDATA: AppendEscaped(out_, CleanText(n.v.text.text), false); return;
            case GUMBO_NODE_ELEMENT: Element(n, ctx); return;
            default: return;  // comments, templates, the document
        }
    }

    void Element(const GumboNode& n, const Context& ctx) {
        const Decision d = Decide(n, policy_);
        if (d.action == Action::kDrop) return;
        if (ctx.depth >= kMaxDepth) {
            FlatText(n);
            return;
        }
        Context inner = ctx;
        inner.depth++;
        const GumboElement& e = n.v.element;
        std::string_view name = d.name;
        Action action = d.action;
        if (action == Action::kBlock) {
            if (ctx.in_p || HasBlock(e.children, 0)) {
                action = Action::kUnwrap;
            } else {
                action = Action::kKeep;
                name = "p";
            }
        }
        if (action == Action::kKeep) {
            const bool heading = name == "h2" || name == "h3" || name == "h4";
            if ((name == "p" && ctx.in_p) || (name == "a" && ctx.in_a) || (heading && ctx.in_heading) ||
                (name == "li" && ctx.in_li)) {
                action = Action::kUnwrap;
            }
        }
        if (action == Action::kUnwrap) {
            Children(e.children, inner);
            return;
        }
        std::string start;
        if (!StartTag(e, name, start)) {  // a link without a usable href, an image without a source
            if (name != "img") Children(e.children, inner);
            return;
        }
        out_ += start;
        if (name == "br" || name == "hr" || name == "img") return;  // void elements
        if (name == "p") inner.in_p = true;
        if (name == "a") inner.in_a = true;
        if (name == "h2" || name == "h3" || name == "h4") inner.in_heading = true;
        if (name == "li") inner.in_li = true;
        if (name == "ul" || name == "ol") inner.in_li = false;
        if (name == "pre") {
            inner.in_pre = true;
            // The parser drops a newline right after <pre>: write one more when the text starts
            // with one, so that it survives the next parse.
            if (e.children.length > 0) {
                const auto* first = static_cast<const GumboNode*>(e.children.data[0]);
                if ((first->type == GUMBO_NODE_TEXT || first->type == GUMBO_NODE_WHITESPACE) &&
                    first->v.text.text[0] == '\n') {
                    out_.push_back('\n');
                }
            }
        }
        Children(e.children, inner);
        out_ += "</";
        out_ += name;
        out_.push_back('>');
    }

    /// Writes the start tag into `out`; false when the element must not be kept at all.
    bool StartTag(const GumboElement& e, std::string_view name, std::string& out) const {
        out = "<";
        out += name;
        if (name == "a") {
            const char* href = Attr(e, "href");
            const auto link = href != nullptr ? CheckHref(href, policy_) : std::nullopt;
            if (!link) return false;
            AppendAttr(out, "href", link->href);
            if (const char* title = Attr(e, "title")) AppendAttr(out, "title", CleanText(title));
            Classes(e, out);
            if (link->external) AppendAttr(out, "rel", "noopener noreferrer");
        } else if (name == "img") {
            const char* src = Attr(e, "src");
            const auto url = src != nullptr ? CheckImageUrl(src, policy_) : std::nullopt;
            if (!url) return false;
            AppendAttr(out, "src", *url);
            const char* alt = Attr(e, "alt");
            AppendAttr(out, "alt", alt != nullptr ? CleanText(alt) : std::string{});
            if (auto w = CheckNumber(Attr(e, "width"), 10000)) AppendAttr(out, "width", *w);
            if (auto h = CheckNumber(Attr(e, "height"), 10000)) AppendAttr(out, "height", *h);
            if (const char* srcset = Attr(e, "srcset")) {
                if (auto s = CheckSrcset(srcset, policy_)) AppendAttr(out, "srcset", *s);
            }
            if (const char* title = Attr(e, "title")) AppendAttr(out, "title", CleanText(title));
            Classes(e, out);
        } else if (name == "td" || name == "th") {
            if (auto c = CheckNumber(Attr(e, "colspan"), 1000)) AppendAttr(out, "colspan", *c);
            if (auto r = CheckNumber(Attr(e, "rowspan"), 1000)) AppendAttr(out, "rowspan", *r);
            if (const char* scope = Attr(e, "scope"); scope != nullptr && name == "th") {
                const std::string s = Lower(TrimSpace(scope));
                if (s == "row" || s == "col" || s == "rowgroup" || s == "colgroup") AppendAttr(out, "scope", s);
            }
            Classes(e, out);
        } else if (name == "ol") {
            if (auto s = CheckNumber(Attr(e, "start"), 999999999)) AppendAttr(out, "start", *s);
            Classes(e, out);
        } else if (name == "span") {
            // A span is only worth keeping for an allowed class.
            const std::string cls = AllowedClasses(e, policy_);
            if (cls.empty()) return false;
            AppendAttr(out, "class", cls);
        } else {
            Classes(e, out);
        }
        out.push_back('>');
        return true;
    }

    void Classes(const GumboElement& e, std::string& out) const {
        const std::string cls = AllowedClasses(e, policy_);
        if (!cls.empty()) AppendAttr(out, "class", cls);
    }

    /// True when some element under `children` would come out as a block.
    bool HasBlock(const GumboVector& children, int depth) const {
        if (depth > kMaxDepth) return false;
        bool found = false;
        ForEachChild(children, [&](const GumboNode& n) {
            if (found || n.type != GUMBO_NODE_ELEMENT) return;
            const Decision d = Decide(n, policy_);
            if (d.action == Action::kDrop) return;
            if (d.action == Action::kBlock || (d.action == Action::kKeep && IsBlockName(d.name)) ||
                HasBlock(n.v.element.children, depth + 1)) {
                found = true;
            }
        });
        return found;
    }

    /// The escaped text under n, without recursion (for markup nested beyond kMaxDepth).
    void FlatText(const GumboNode& root) {
        std::vector<const GumboNode*> stack{&root};
        while (!stack.empty()) {
            const GumboNode* n = stack.back();
            stack.pop_back();
            if (n->type == GUMBO_NODE_TEXT || n->type == GUMBO_NODE_WHITESPACE || n->type == GUMBO_NODE_CDATA) {
                AppendEscaped(out_, CleanText(n->v.text.text), false);
            } else if (n->type == GUMBO_NODE_ELEMENT && Decide(*n, policy_).action != Action::kDrop) {
                const GumboVector& c = n->v.element.children;
                for (unsigned i = c.length; i > 0; --i) stack.push_back(static_cast<const GumboNode*>(c.data[i - 1]));
            }
        }
    }

    const SanitizePolicy& policy_;
    std::string out_;
};

/// Builds HtmlToText's lines.
class TextBuilder {
public:
    void Text(std::string_view s, bool pre) {
        for (std::size_t i = 0; i < s.size();) {
            const std::size_t start = i;
            const char32_t cp = NextCodePoint(s, i);
            if (pre && cp == '\n') {
                Break();
            } else if (cp == ' ' || cp == '\t' || cp == '\n' || cp == '\r' || cp == '\f' || cp == 0xA0) {
                if (pre) {
                    line_.push_back(cp == '\t' ? '\t' : ' ');
                } else {
                    space_ = true;
                }
            } else if (!IsDroppedControl(cp)) {
                if (space_ && !line_.empty() && line_.back() != '\t') line_.push_back(' ');
                space_ = false;
                line_.append(s.substr(start, i - start));
            }
        }
    }
    void Break() {
        while (!line_.empty() && (line_.back() == ' ' || line_.back() == '\t')) line_.pop_back();
        if (!line_.empty()) {
            if (!out_.empty()) out_.push_back('\n');
            out_ += line_;
        }
        line_.clear();
        space_ = false;
    }
    void Cell() {
        if (!line_.empty()) line_.push_back('\t');
        space_ = false;
    }
    std::string Take() && {
        Break();
        return ToNfc(out_);
    }

private:
    std::string out_, line_;
    bool space_ = false;
};

bool IsTextBlock(std::string_view n) {
    static constexpr std::string_view kBlocks[] = {
        "p",        "div",    "h1",     "h2",      "h3",     "h4",         "h5",      "h6",      "li",
        "ul",       "ol",     "dl",     "dt",      "dd",     "blockquote", "pre",     "table",   "thead",
        "tbody",    "tfoot",  "tr",     "caption", "figure", "figcaption", "section", "article", "header",
        "footer",   "main",   "aside",  "address", "nav",    "hr",         "center",  "details", "summary",
        "fieldset", "legend", "hgroup", "menu",    "dir"};
    return std::find(std::begin(kBlocks), std::end(kBlocks), n) != std::end(kBlocks);
}

void TextOf(const GumboVector& children, TextBuilder& b, bool pre, int depth) {
    ForEachChild(children, [&](const GumboNode& n) {
        if (n.type == GUMBO_NODE_TEXT || n.type == GUMBO_NODE_WHITESPACE || n.type == GUMBO_NODE_CDATA) {
            b.Text(n.v.text.text, pre);
            return;
        }
        if (n.type != GUMBO_NODE_ELEMENT) return;
        static const SanitizePolicy kAll{};
        if (Decide(n, kAll).action == Action::kDrop && n.v.element.tag != GUMBO_TAG_IMG) return;
        const GumboElement& e = n.v.element;
        const std::string name = TagName(e);
        if (name == "br") {
            b.Break();
            return;
        }
        if (name == "img") {
            const char* alt = Attr(e, "alt");
            const std::string_view a = alt != nullptr ? TrimSpace(alt) : std::string_view{};
            if (!a.empty()) {
                b.Text(" [", false);
                b.Text(a, false);
                b.Text("] ", false);
            }
            return;
        }
        if (name == "td" || name == "th") b.Cell();
        const bool block = IsTextBlock(name);
        if (block) b.Break();
        if (depth < kMaxDepth) {
            TextOf(e.children, b, pre || name == "pre", depth + 1);
        } else {
            // Too deep to recurse: the text alone, without line structure.
            std::vector<const GumboNode*> stack;
            for (unsigned i = e.children.length; i > 0; --i)
                stack.push_back(static_cast<const GumboNode*>(e.children.data[i - 1]));
            while (!stack.empty()) {
                const GumboNode* x = stack.back();
                stack.pop_back();
                if (x->type == GUMBO_NODE_TEXT || x->type == GUMBO_NODE_WHITESPACE) {
                    b.Text(x->v.text.text, false);
                } else if (x->type == GUMBO_NODE_ELEMENT && Decide(*x, kAll).action != Action::kDrop) {
                    const GumboVector& c = x->v.element.children;
                    for (unsigned i = c.length; i > 0; --i)
                        stack.push_back(static_cast<const GumboNode*>(c.data[i - 1]));
                }
            }
        }
        if (block) b.Break();
    });
}

}  // namespace

std::string SanitizeHtml(std::string_view html, const SanitizePolicy& policy) {
    if (!IsValidUtf8(html)) throw InvalidUtf8();
    Parsed parsed(html);
    Serializer s(policy);
    s.Children(parsed.Nodes(), Context{});
    std::string out = std::move(s).Take();
    return std::string(TrimSpace(out));
}

std::string HtmlToText(std::string_view html) {
    if (!IsValidUtf8(html)) throw InvalidUtf8();
    Parsed parsed(html);
    TextBuilder b;
    TextOf(parsed.Nodes(), b, false, 0);
    return std::move(b).Take();
}

}  // namespace vp::core::html
