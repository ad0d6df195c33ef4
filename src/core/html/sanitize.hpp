#pragma once
// The one HTML sanitiser of the platform: rich text typed or pasted by editors (Portal articles,
// task notes, conference minutes) goes through SanitizeHtml before it is stored, and only its
// output may be rendered raw. See docs/html-sanitizer.md for the allow-list and the reasons.

#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace vp::core::html {

/// @brief What the sanitiser keeps beyond its fixed element allow-list. Designated initialisers:
/// `SanitizePolicy{.image_prefixes = {"/media/", "/portal/files/"}}`.
struct SanitizePolicy {
    /// Prefixes an <img src> (and each srcset candidate) must start with. Same-site paths by
    /// default; an absolute prefix ("https://anh.example.vn/") admits that host too. An image
    /// whose source matches none is dropped whole (its alt text is not kept).
    std::vector<std::string> image_prefixes{"/media/"};
    /// Origins ("https://dangcongsan.vn") whose links count as internal: no rel is added to them.
    /// Every other absolute or protocol-relative link gets rel="noopener noreferrer".
    std::vector<std::string> site_origins{};
    /// Class names kept (exact, case-sensitive match); every other class is dropped, and Word's
    /// Mso* classes always are. Default: the classes the portal's article style sheet defines.
    std::vector<std::string> allowed_classes{"lead",         "note",        "source",     "align-left",
                                             "align-center", "align-right", "float-left", "float-right"};
    /// Keeps <img> (false: every image is dropped, e.g. for comments or task notes).
    bool allow_images = true;
    /// Keeps tables (false: table elements are unwrapped, their text kept).
    bool allow_tables = true;
};

/// @brief Thrown when the input is not valid UTF-8. Request bodies are checked by the HTTP layer
/// before any handler runs (core/http/request.cpp), so reaching this is a caller's bug, not a
/// user's mistake: callers with other sources check core::IsValidUtf8 first.
class InvalidUtf8 : public std::invalid_argument {
public:
    InvalidUtf8() : std::invalid_argument("HTML input is not valid UTF-8") {}
};

/// @brief Parses `html` as an HTML5 body fragment (gumbo, the algorithm browsers use) and
/// re-serialises only the allow-list: p br h2-h4 (h1 becomes h2, h5/h6 become h4) strong b em i u
/// s sub sup blockquote ul ol li a img figure figcaption table caption thead tbody tfoot tr th td
/// hr code pre span; div-like containers holding only inline content become p, others are
/// unwrapped. Attributes: a[href title], img[src alt width height srcset title], th/td[colspan
/// rowspan], th[scope], ol[start], class from the policy; never style, on*, id or anything else.
/// Links: http, https, mailto, relative and fragment only (after the entity decoding, whitespace
/// and control-character stripping and case folding a browser would do; anything else drops the
/// href and keeps the text); external ones get rel="noopener noreferrer".
/// Dropped with their content: script style object embed applet iframe frame(set) form input
/// button select textarea svg math template noscript head-only elements, Word's o:p, xml and
/// mso-list:Ignore spans, and what conditional comments enclose; comments; unknown elements
/// are unwrapped, their text kept.
/// Output: escaped text, attributes double-quoted, every text and attribute value in NFC, C0/C1
/// control characters but tab and newline removed, no leading or trailing whitespace.
/// SanitizeHtml(SanitizeHtml(x)) == SanitizeHtml(x). Thread-safe. Throws InvalidUtf8.
std::string SanitizeHtml(std::string_view html, const SanitizePolicy& policy = {});

/// @brief Plain text of an HTML fragment, for search indexes and revision diffs: block elements
/// (p, headings, li, tr, blockquote, pre, div …) and br end a line, table cells are separated by
/// a tab, whitespace is collapsed outside pre, image alt texts are kept in brackets, and what
/// SanitizeHtml drops with its content (scripts, styles …) is left out. No blank lines, no
/// leading or trailing whitespace on a line; NFC. Thread-safe. Throws InvalidUtf8.
std::string HtmlToText(std::string_view html);

}  // namespace vp::core::html
