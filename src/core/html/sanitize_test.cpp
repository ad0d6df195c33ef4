// covers P-12 (NFC), X-3 (untrusted input): the rich-text sanitiser
#include "core/html/sanitize.hpp"

#include <gtest/gtest.h>
#include <gumbo.h>

#include <set>
#include <string>
#include <vector>

namespace vp::core::html {
namespace {

// An independent check of the output: parse it again and walk the tree. Whatever went in, every
// element and attribute must be on the allow-list and every URL of an allowed kind.
void ExpectOnlyAllowed(const GumboNode* n, const std::string& where) {
    static const std::set<std::string> kElements = {
        "p",  "br", "h2", "h3", "h4",   "strong", "em",         "u",     "s",       "sub",   "sup",   "blockquote",
        "ul", "ol", "li", "a",  "img",  "figure", "figcaption", "table", "caption", "thead", "tbody", "tfoot",
        "tr", "th", "td", "hr", "code", "pre",    "span",       "html",  "head",    "body"};
    static const std::set<std::string> kAttrs = {"href",   "title",  "rel",     "class",   "src",   "alt",  "width",
                                                 "height", "srcset", "colspan", "rowspan", "scope", "start"};
    if (n->type == GUMBO_NODE_COMMENT) ADD_FAILURE() << "comment survived in " << where;
    if (n->type != GUMBO_NODE_ELEMENT) return;
    const GumboElement& e = n->v.element;
    ASSERT_EQ(e.tag_namespace, GUMBO_NAMESPACE_HTML) << where;
    const std::string name = gumbo_normalized_tagname(e.tag);
    EXPECT_TRUE(e.tag != GUMBO_TAG_UNKNOWN && kElements.count(name)) << "element " << name << " in " << where;
    for (unsigned i = 0; i < e.attributes.length; ++i) {
        const auto* a = static_cast<const GumboAttribute*>(e.attributes.data[i]);
        const std::string an = a->name;
        const std::string v = a->value;
        EXPECT_TRUE(kAttrs.count(an)) << "attribute " << an << " in " << where;
        if (an == "href") {
            const bool ok = v.starts_with("http://") || v.starts_with("https://") || v.starts_with("mailto:") ||
                            v.starts_with("/") || v.starts_with("#") || v.find(':') == std::string::npos;
            EXPECT_TRUE(ok) << "href " << v << " in " << where;
        }
        if (an == "src") {
            EXPECT_TRUE(v.starts_with("/media/")) << "src " << v << " in " << where;
        }
    }
    for (unsigned i = 0; i < e.children.length; ++i) {
        ExpectOnlyAllowed(static_cast<const GumboNode*>(e.children.data[i]), where);
    }
}

std::string Clean(std::string_view in, const SanitizePolicy& policy = {}) {
    std::string out = SanitizeHtml(in, policy);
    GumboOutput* parsed = gumbo_parse(out.c_str());
    ExpectOnlyAllowed(parsed->root, std::string(in));
    gumbo_destroy_output(&kGumboDefaultOptions, parsed);
    EXPECT_EQ(SanitizeHtml(out, policy), out) << "not idempotent for " << in;
    return out;
}

std::string LowerCopy(std::string s) {
    for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
}

// The main vectors of the OWASP XSS Filter Evasion Cheat Sheet (and a few from html5sec):
// script tags in every spelling, event handlers, javascript:/vbscript:/data: URLs obfuscated
// with entities, tabs, newlines, NULs, leading controls and case, style and expression(),
// embedded documents, base/meta/link tricks, and SVG/MathML.
TEST(Sanitize, OwaspFilterEvasionVectorsLeaveNothingActive_X3) {
    const std::vector<std::string> vectors = {
        R"v(<SCRIPT SRC=https://cdn.jsdelivr.net/gh/Moksh45/host-xss.rocks/index.js></SCRIPT>)v",
        R"v(javascript:/*--></title></style></textarea></script></xmp><svg/onload='+/"/+/onmouseover=1/+/[*/[]/+alert(1)//'>)v",
        R"v(<IMG SRC="javascript:alert('XSS');">)v",
        R"v(<IMG SRC=javascript:alert('XSS')>)v",
        R"v(<IMG SRC=JaVaScRiPt:alert('XSS')>)v",
        R"v(<IMG SRC=`javascript:alert("RSnake says, 'XSS'")`>)v",
        R"v(<a onmouseover="alert(document.cookie)">xxs link</a>)v",
        R"v(<a onmouseover=alert(document.cookie)>xxs link</a>)v",
        R"v(<IMG """><SCRIPT>alert("XSS")</SCRIPT>"\>)v",
        R"v(<IMG SRC=javascript:alert(String.fromCharCode(88,83,83))>)v",
        R"v(<IMG SRC=# onmouseover="alert('xxs')">)v",
        R"v(<IMG SRC= onmouseover="alert('xxs')">)v",
        R"v(<IMG onmouseover="alert('xxs')">)v",
        R"v(<IMG SRC=/ onerror="alert(String.fromCharCode(88,83,83))"></img>)v",
        R"v(<img src=x onerror="&#0000106&#0000097&#0000118&#0000097&#0000115&#0000099&#0000114&#0000105&#0000112&#0000116&#0000058&#0000097&#0000108&#0000101&#0000114&#0000116&#0000040&#0000039&#0000088&#0000083&#0000083&#0000039&#0000041">)v",
        R"v(<a href="&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;&#97;&#108;&#101;&#114;&#116;&#40;&#39;&#88;&#83;&#83;&#39;&#41;">Click Me!</a>)v",
        R"v(<a href="&#0000106&#0000097&#0000118&#0000097&#0000115&#0000099&#0000114&#0000105&#0000112&#0000116&#0000058&#0000097&#0000108&#0000101&#0000114&#0000116&#0000040&#0000039&#0000088&#0000083&#0000083&#0000039&#0000041">Click Me</a>)v",
        R"v(<a href="&#x6A&#x61&#x76&#x61&#x73&#x63&#x72&#x69&#x70&#x74&#x3A&#x61&#x6C&#x65&#x72&#x74&#x28&#x27&#x58&#x53&#x53&#x27&#x29">Click Me</a>)v",
        "<a href=\"jav\tascript:alert('XSS');\">Click Me</a>",
        R"v(<a href="jav&#x09;ascript:alert('XSS');">Click Me</a>)v",
        R"v(<a href="jav&#x0A;ascript:alert('XSS');">Click Me</a>)v",
        R"v(<a href="jav&#x0D;ascript:alert('XSS');">Click Me</a>)v",
        std::string("<a href=java") + '\0' + "script:alert(\"XSS\")>Click</a>",
        R"v(<a href=" &#14;  javascript:alert('XSS');">Click Me</a>)v",
        R"v(<a href="  JAVASCRIPT:alert(1)">x</a>)v",
        R"v(<a href="javas&#99;ript:alert(1)">x</a>)v",
        R"v(<a href="javascript&colon;alert(1)">x</a>)v",
        R"v(<a href="vbscript:msgbox(1)">x</a>)v",
        R"v(<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">x</a>)v",
        R"v(<a href="DaTa:text/html,<script>alert(1)</script>">x</a>)v",
        R"v(<SCRIPT/XSS SRC="http://xss.rocks/xss.js"></SCRIPT>)v",
        R"v(<BODY onload!#$%&()*~+-_.,:;?@[/|\]^`=alert("XSS")>)v",
        R"v(<SCRIPT/SRC="http://xss.rocks/xss.js"></SCRIPT>)v",
        R"v(<<SCRIPT>alert("XSS");//\<</SCRIPT>)v",
        R"v(<SCRIPT SRC=http://xss.rocks/xss.js?< B >)v",
        R"v(<SCRIPT SRC=//xss.rocks/.j>)v",
        R"v(<IMG SRC="`<javascript:alert>`')v",
        R"v(<iframe src=http://xss.rocks/scriptlet.html <)v",
        R"v(</TITLE><SCRIPT>alert("XSS");</SCRIPT>)v",
        R"v(<INPUT TYPE="IMAGE" SRC="javascript:alert('XSS');">)v",
        R"v(<BODY BACKGROUND="javascript:alert('XSS')">)v",
        R"v(<IMG DYNSRC="javascript:alert('XSS')">)v",
        R"v(<IMG LOWSRC="javascript:alert('XSS')">)v",
        R"v(<STYLE>li {list-style-image: url("javascript:alert('XSS')");}</STYLE><UL><LI>XSS</br>)v",
        R"v(<svg/onload=alert('XSS')>)v",
        R"v(<svg><script>alert(1)</script></svg>)v",
        R"v(<math><mtext><table><mglyph><style><img src=x onerror=alert(1)></style></mglyph></table></mtext></math>)v",
        R"v(<BGSOUND SRC="javascript:alert('XSS');">)v",
        R"v(<BR SIZE="&{alert('XSS')}">)v",
        R"v(<LINK REL="stylesheet" HREF="javascript:alert('XSS');">)v",
        R"v(<STYLE>@import'http://xss.rocks/xss.css';</STYLE>)v",
        R"v(<META HTTP-EQUIV="Link" Content="<http://xss.rocks/xss.css>; REL=stylesheet">)v",
        R"v(<STYLE>BODY{-moz-binding:url("http://xss.rocks/xssmoz.xml#xss")}</STYLE>)v",
        R"v(<STYLE>@im\port'\ja\vasc\ript:alert("XSS")';</STYLE>)v",
        R"v(<IMG STYLE="xss:expr/*XSS*/ession(alert('XSS'))">)v",
        R"v(<META HTTP-EQUIV="refresh" CONTENT="0;url=javascript:alert('XSS');">)v",
        R"v(<META HTTP-EQUIV="refresh" CONTENT="0;url=data:text/html base64,PHNjcmlwdD5hbGVydCgnWFNTJyk8L3NjcmlwdD4K">)v",
        R"v(<IFRAME SRC="javascript:alert('XSS');"></IFRAME>)v",
        R"v(<IFRAME SRC=# onmouseover="alert(document.cookie)"></IFRAME>)v",
        R"v(<FRAMESET><FRAME SRC="javascript:alert('XSS');"></FRAMESET>)v",
        R"v(<TABLE BACKGROUND="javascript:alert('XSS')"><TR><TD BACKGROUND="javascript:alert('XSS')">x</TD></TR></TABLE>)v",
        R"v(<DIV STYLE="background-image: url(javascript:alert('XSS'))">x</DIV>)v",
        R"v(<DIV STYLE="background-image:\0075\0072\006C\0028'\006a\0061\0076\0061\0073\0063\0072\0069\0070\0074\003a\0061\006c\0065\0072\0074\0028.1027\0058.1053\0053\0027\0029'\0029">)v",
        R"v(<DIV STYLE="width: expression(alert('XSS'));">)v",
        R"v(<BASE HREF="javascript:alert('XSS');//">)v",
        R"v(<OBJECT TYPE="text/x-scriptlet" DATA="http://xss.rocks/scriptlet.html"></OBJECT>)v",
        R"v(<EMBED SRC="data:image/svg+xml;base64,PHN2ZyB4bWxuczpzdmc9Imh0dH A6Ly93d3cudzMub3JnLzIwMDAvc3ZnIiB4bWxucz0iaHR0cDovL3d3dy53My5vcmcv MjAwMC9zdmciIHhtbG5zOnhsaW5rPSJodHRwOi8vd3d3LnczLm9yZy8xOTk5L3hs aW5rIiB2ZXJzaW9uPSIxLjAiIHg9IjAiIHk9IjAiIHdpZHRoPSIxOTQiIGhlaWdodD0iMjAw IiBpZD0ieHNzIj48c2NyaXB0IHR5cGU9InRleHQvZWNtYXNjcmlwdCI+YWxlcnQoIlh TUyIpOzwvc2NyaXB0Pjwvc3ZnPg==" type="image/svg+xml" AllowScriptAccess="always"></EMBED>)v",
        R"v(<XML ID="xss"><I><B><IMG SRC="javas<!-- -->cript:alert('XSS')"></B></I></XML>)v",
        R"v(<HTML><BODY><?xml:namespace prefix="t" ns="urn:schemas-microsoft-com:time"><?import namespace="t" implementation="#default#time2"><t:set attributeName="innerHTML" to="XSS<SCRIPT DEFER>alert("XSS")</SCRIPT>"></BODY></HTML>)v",
        R"v(<SCRIPT>document.write("<SCRI");</SCRIPT>PT SRC="httx://xss.rocks/xss.js"></SCRIPT>)v",
        R"v(<A HREF="javascript:document.location='http://www.google.com/'">XSS</A>)v",
        R"v(<IMG SRC="jav&#x0A;ascript:alert('XSS');">)v",
        R"v(<img src="/media/a.png" onerror="alert(1)" style="x">)v",
        R"v(<img src="/media/../admin/x.png">)v",
        R"v(<img src="/media/%2e%2e/admin">)v",
        R"v(<img src="//evil.example/media/a.png">)v",
        R"v(<img src="/media/a.png" srcset="/media/a.png 1x, javascript:alert(1) 2x">)v",
        R"v(<a href="/\evil.example">x</a>)v",
        R"v(<a href="\\evil.example">x</a>)v",
        R"v(<noscript><p title="</noscript><img src=x onerror=alert(1)>"></noscript>)v",
        R"v(<form><math><mtext></form><form><mglyph><style></math><img src onerror=alert(1)>)v",
        R"v(<template><script>alert(1)</script></template>)v",
        R"v(<details open ontoggle=alert(1)>x</details>)v",
        R"v(<p style="color:red" onclick="alert(1)" id="x" class="lead evil">ok</p>)v",
    };
    for (const auto& v : vectors) {
        const std::string out = LowerCopy(Clean(v));
        for (const char* bad :
             {"<script",  "javascript:", "vbscript:", "data:",       "onerror",      "onload", "onmouseover", "onclick",
              "ontoggle", "style=",      "<style",    "<iframe",     "<svg",         "<math",  "<object",     "<embed",
              "<meta",    "<link",       "<base",     "expression(", "<img src=\"x", "id="}) {
            // Text may mention these words (escaped, it is only text); markup may not.
            const auto pos = out.find(bad);
            if (pos != std::string::npos && bad[0] != '<') {
                const auto open = out.rfind('<', pos);
                const auto close = out.rfind('>', pos);
                EXPECT_FALSE(open != std::string::npos && (close == std::string::npos || close < open))
                    << bad << " inside a tag for " << v << " -> " << out;
            } else {
                EXPECT_EQ(pos, std::string::npos) << bad << " for " << v << " -> " << out;
            }
        }
    }
}

TEST(Sanitize, KeepsTheAllowList_X3) {
    EXPECT_EQ(Clean("<p>Một <strong>hai</strong> <b>ba</b> <em>bốn</em> <i>năm</i> <u>sáu</u> <s>bảy</s></p>"),
              "<p>Một <strong>hai</strong> <strong>ba</strong> <em>bốn</em> <em>năm</em> <u>sáu</u> <s>bảy</s></p>");
    EXPECT_EQ(Clean("<h1>A</h1><h3>B</h3><h6>C</h6>"), "<h2>A</h2><h3>B</h3><h4>C</h4>");
    EXPECT_EQ(Clean("<ol start=\"3\"><li>x<sub>2</sub><sup>3</sup></li></ol><hr><blockquote>q</blockquote>"),
              "<ol start=\"3\"><li>x<sub>2</sub><sup>3</sup></li></ol><hr><blockquote>q</blockquote>");
    EXPECT_EQ(Clean("<pre><code>int a = 1 &lt; 2;</code></pre>"), "<pre><code>int a = 1 &lt; 2;</code></pre>");
    EXPECT_EQ(Clean("<table><caption>Bảng</caption><thead><tr><th scope=col colspan=2>H</th></tr></thead>"
                    "<tbody><tr><td rowspan=\"2x\">1</td><td colspan=3>2</td></tr></tbody></table>"),
              "<table><caption>Bảng</caption><thead><tr><th colspan=\"2\" scope=\"col\">H</th></tr></thead>"
              "<tbody><tr><td>1</td><td colspan=\"3\">2</td></tr></tbody></table>");
    EXPECT_EQ(Clean("<figure class=\"align-center\"><img src=\"/media/2026/anh.jpg\" alt=\"Ảnh\" width=\"640\" "
                    "height=\"100%\" srcset=\"/media/2026/anh-2x.jpg 2x, /media/2026/anh-800.jpg 800w\">"
                    "<figcaption>Chú thích</figcaption></figure>"),
              "<figure class=\"align-center\"><img src=\"/media/2026/anh.jpg\" alt=\"Ảnh\" width=\"640\" "
              "srcset=\"/media/2026/anh-2x.jpg 2x, /media/2026/anh-800.jpg 800w\"><figcaption>Chú thích</figcaption>"
              "</figure>");
    EXPECT_EQ(Clean("<img src=\"/media/a.png\">"), "<img src=\"/media/a.png\" alt=\"\">");
    EXPECT_EQ(Clean("<p>a<br>b</p>"), "<p>a<br>b</p>");
    EXPECT_EQ(Clean("<span class=\"note\">n</span><span>plain</span><span style=\"color:red\">red</span>"),
              "<span class=\"note\">n</span>plainred");
}

TEST(Sanitize, Links_X3) {
    EXPECT_EQ(Clean("<a href=\"https://example.org/x?a=1&amp;b=2\" target=\"_blank\">x</a>"),
              "<a href=\"https://example.org/x?a=1&amp;b=2\" rel=\"noopener noreferrer\">x</a>");
    EXPECT_EQ(Clean("<a href=\"//example.org/\">x</a>"),
              "<a href=\"//example.org/\" rel=\"noopener noreferrer\">x</a>");
    EXPECT_EQ(Clean("<a href=\"/van-ban/123\">x</a>"), "<a href=\"/van-ban/123\">x</a>");
    EXPECT_EQ(Clean("<a href=\"van-ban/123\">x</a>"), "<a href=\"van-ban/123\">x</a>");
    EXPECT_EQ(Clean("<a href=\"#muc-2\">x</a>"), "<a href=\"#muc-2\">x</a>");
    EXPECT_EQ(Clean("<a href=\"mailto:vanphong@example.vn\">x</a>"), "<a href=\"mailto:vanphong@example.vn\">x</a>");
    EXPECT_EQ(Clean("<a href=\" https://example.org/\n\">x</a>"),
              "<a href=\"https://example.org/\" rel=\"noopener noreferrer\">x</a>");
    EXPECT_EQ(Clean("<a href=\"javascript:alert(1)\">chữ</a>"), "chữ");
    EXPECT_EQ(Clean("<a name=\"x\">anchor</a>"), "anchor");
    EXPECT_EQ(Clean("<a href=\"http:///x\">x</a>"), "x");
    EXPECT_EQ(Clean("<a href=\"ftp://example.org/\">x</a>"), "x");
    const SanitizePolicy site{.site_origins = {"https://dangcongsan.vn"}};
    EXPECT_EQ(Clean("<a href=\"https://dangcongsan.vn/tin\">x</a>", site),
              "<a href=\"https://dangcongsan.vn/tin\">x</a>");
    EXPECT_EQ(Clean("<a href=\"//dangcongsan.vn/tin\">x</a>", site), "<a href=\"//dangcongsan.vn/tin\">x</a>");
    EXPECT_EQ(Clean("<a href=\"https://dangcongsan.vn.evil.example/\">x</a>", site),
              "<a href=\"https://dangcongsan.vn.evil.example/\" rel=\"noopener noreferrer\">x</a>");
    // Nested links are not possible in HTML; the inner one is unwrapped.
    EXPECT_EQ(Clean("<a href=\"/a\">1<div><a href=\"/b\">2</a></div></a>").find("<a href=\"/a\"><a"),
              std::string::npos);
}

TEST(Sanitize, Images_X3) {
    EXPECT_EQ(Clean("<p>a<img src=\"https://evil.example/x.png\" alt=\"bad\">b</p>"), "<p>ab</p>");
    EXPECT_EQ(Clean("<img src=\"file:///C:/Users/x.png\">"), "");
    const SanitizePolicy cdn{.image_prefixes = {"/media/", "https://anh.example.vn/"}};
    EXPECT_EQ(Clean("<img src=\"https://anh.example.vn/a.png\">", SanitizePolicy{.image_prefixes = {"/media/"}}), "");
    EXPECT_EQ(SanitizeHtml("<img src=\"https://anh.example.vn/a.png\">", cdn),
              "<img src=\"https://anh.example.vn/a.png\" alt=\"\">");
    EXPECT_EQ(Clean("<p>x<img src=\"/media/a.png\">y</p>", SanitizePolicy{.allow_images = false}), "<p>xy</p>");
    EXPECT_EQ(Clean("<img src=\"/media/a.png\" srcset=\"/media/b.png 2x, //evil.example/c.png 3x\">"),
              "<img src=\"/media/a.png\" alt=\"\">");
}

TEST(Sanitize, DropsAndUnwraps_X3) {
    EXPECT_EQ(Clean("<p>a<script>alert(1)</script>b</p>"), "<p>ab</p>");
    EXPECT_EQ(Clean("<style>p{}</style><p>x</p>"), "<p>x</p>");
    EXPECT_EQ(Clean("<form action=/x><input name=a><button>Gửi</button><label>Tên</label></form>after"), "after");
    EXPECT_EQ(Clean("<p>a<!-- secret -->b</p>"), "<p>ab</p>");
    EXPECT_EQ(Clean("<font color=red>đỏ</font> <marquee>chạy</marquee>"), "đỏ chạy");
    EXPECT_EQ(Clean("<div>một</div><div>hai</div>"), "<p>một</p><p>hai</p>");
    EXPECT_EQ(Clean("<div><p>a</p><p>b</p></div>"), "<p>a</p><p>b</p>");
    EXPECT_EQ(Clean("<section>đầu<div>trong</div></section>"), "đầu<p>trong</p>");
    EXPECT_EQ(Clean("<table><tr><td>1</td></tr></table>", SanitizePolicy{.allow_tables = false}), "<p>1</p>");
    EXPECT_EQ(Clean("<iframe src=\"https://youtube.com/embed/x\">fallback</iframe>ok"), "ok");
    EXPECT_EQ(Clean("<object><param name=a><embed src=x></object>ok"), "ok");
}

TEST(Sanitize, NestingIsRepairedOnce_X3) {
    // Mis-nested and unclosed markup comes out well-formed, as a browser would build it.
    EXPECT_EQ(Clean("<p><b>đậm<i>nghiêng</b>thường</i></p>"),
              "<p><strong>đậm<em>nghiêng</em></strong><em>thường</em></p>");
    EXPECT_EQ(Clean("<ul><li>a<li>b</ul>"), "<ul><li>a</li><li>b</li></ul>");
    EXPECT_EQ(Clean("<p>a<p>b"), "<p>a</p><p>b</p>");
    EXPECT_EQ(Clean("<table><b>x</b><tr><td>1</table>"),
              "<strong>x</strong><table><tbody><tr><td>1</td></tr></tbody></table>");
    EXPECT_EQ(Clean("<h2><span><h5>x</h5></span></h2>"), "<h2>x</h2>");
    EXPECT_EQ(Clean("<li><section><li>x</li></section></li>"), "<li>x</li>");
    EXPECT_EQ(Clean("<pre>\n\nx</pre>"), "<pre>\n\nx</pre>");
    // Absurd depth is flattened to text, without running out of stack.
    std::string deep;
    for (int i = 0; i < 100000; ++i) deep += "<div><span>";
    deep += "đáy";
    const std::string out = Clean(deep);
    EXPECT_NE(out.find("đáy"), std::string::npos);
}

TEST(Sanitize, PathologicalMarkupStaysLinear_X3) {
    // Nesting and unclosed formatting elements make the HTML5 tree builder quadratic; the
    // bounds before parsing keep these at milliseconds (without them: minutes, gigabytes).
    std::string deep;
    for (int i = 0; i < 200000; ++i) deep += "<div>";
    EXPECT_EQ(SanitizeHtml(deep + "x"), "x");
    std::string formatting;
    for (int i = 0; i < 1000; ++i) formatting += "<b title=\"" + std::to_string(i) + "\">";
    for (int i = 0; i < 50000; ++i) formatting += "<p>x";
    const std::string out = SanitizeHtml(formatting);
    EXPECT_LT(out.size(), 50000u * 12 * 40);
    EXPECT_EQ(SanitizeHtml(out), out);
    // A '>' inside a quoted value does not end the tag for the bounds either.
    std::string quoted;
    for (int i = 0; i < 300; ++i) quoted += "<span title=\"a>b\">";
    EXPECT_EQ(SanitizeHtml(quoted + "z"), "z");
}

TEST(Sanitize, EntitiesAndEscaping_X3) {
    EXPECT_EQ(Clean("<p>&lt;script&gt; &amp; &quot;q&quot; &#39;s&#39; &eacute; &#x1EA1;</p>"),
              "<p>&lt;script&gt; &amp; \"q\" 's' é ạ</p>");
    EXPECT_EQ(Clean("a < b > c & d"), "a &lt; b &gt; c &amp; d");
    EXPECT_EQ(Clean("<a href=\"/x\" title='say \"hi\" &amp; <bye>'>t</a>"),
              "<a href=\"/x\" title=\"say &quot;hi&quot; &amp; &lt;bye&gt;\">t</a>");
    EXPECT_EQ(Clean("<p>a&nbsp;b</p>"),
              "<p>a\xC2\xA0"
              "b</p>");
    EXPECT_EQ(Clean(std::string("<p>a\x01\x08\x0b\x1f\x7f"
                                "b\tc</p>")),
              "<p>ab\tc</p>");
    EXPECT_EQ(Clean("<p>x\xC2\x85y</p>"), "<p>xy</p>") << "C1 controls go too";
    EXPECT_THROW(SanitizeHtml("<p>\xff</p>"), InvalidUtf8);
    EXPECT_THROW(SanitizeHtml("\xC0\xAF"), InvalidUtf8);
}

TEST(Sanitize, WordPaste_X3) {
    const std::string word =
        R"v(<html xmlns:o="urn:schemas-microsoft-com:office:office" xmlns:w="urn:schemas-microsoft-com:office:word">
<head><meta name=Generator content="Microsoft Word 15"><style><!-- p.MsoNormal {margin:0cm;} --></style>
<!--[if gte mso 9]><xml><w:WordDocument><w:View>Normal</w:View></w:WordDocument></xml><![endif]--></head>
<body lang=VI style='tab-interval:36.0pt'>
<!--StartFragment-->
<p class=MsoNormal style='mso-margin-top-alt:auto'><b><span style='font-size:14.0pt;mso-bidi-font-family:Arial'>Nghị quyết số 01<o:p></o:p></span></b></p>
<p class=MsoListParagraphCxSpFirst style='text-indent:-18.0pt;mso-list:l0 level1 lfo1'><![if !supportLists]><span style='font-family:Symbol'><span style='mso-list:Ignore'>·<span style='font:7.0pt "Times New Roman"'>&nbsp;&nbsp;</span></span></span><![endif]>Điểm thứ nhất<o:p></o:p></p>
<p class=MsoNormal><!--[if !supportLists]--><span style='mso-list:Ignore'>1.</span><!--[endif]-->Điểm thứ hai</p>
<p class="MsoNormal lead"><st1:place w:st="on">Hà Nội</st1:place><o:p>&nbsp;</o:p></p>
<!--EndFragment-->
</body></html>)v";
    const std::string out = Clean(word);
    EXPECT_EQ(out,
              "<p><strong>Nghị quyết số 01</strong></p>\n"
              "<p>Điểm thứ nhất</p>\n"
              "<p>Điểm thứ hai</p>\n"
              "<p class=\"lead\">Hà Nội</p>");
}

TEST(Sanitize, IdempotentOnVariedInput_X3) {
    for (const char* in :
         {"<p>a<div>b</div>c</p>", "<b><p>x</b>y</p>", "<table><tr><td><div>a</div>b</td></tr></table>",
          "<ul><li><div>a</div><div>b<ul><li>c</ul></div></ul>", "<p><table><tr><td>x</table>", "<h2><div>a</div></h2>",
          "<a href=/x><p>a</p></a>", "  <p> x </p>  ", "<pre>\nx</pre>", "<strong><div>a</div></strong>",
          "<dl><dt>t<dd>d</dl>", "<select><option>x</select>y"}) {
        Clean(in);
    }
}

TEST(Sanitize, VietnameseNfdBecomesNfc_P12) {
    // "Việt Nam" typed with combining marks (e + U+0323 + U+0302), in text and in an attribute.
    const std::string nfd = "Vie\xCC\xA3\xCC\x82t Nam";
    const std::string nfc = "Vi\xE1\xBB\x87t Nam";
    EXPECT_EQ(Clean("<p title=\"" + nfd + "\">" + nfd + "</p>"), "<p>" + nfc + "</p>");
    EXPECT_EQ(Clean("<a href=\"/x\" title=\"" + nfd + "\">" + nfd + "</a>"),
              "<a href=\"/x\" title=\"" + nfc + "\">" + nfc + "</a>");
    EXPECT_EQ(HtmlToText("<p>" + nfd + "</p>"), nfc);
}

TEST(HtmlToText, BlocksBecomeLines_X3) {
    EXPECT_EQ(HtmlToText("<h2>Tiêu đề</h2><p>Đoạn   một\n  tiếp</p><p>Hai<br>ba</p>"),
              "Tiêu đề\nĐoạn một tiếp\nHai\nba");
    EXPECT_EQ(HtmlToText("<ul><li>a</li><li>b <b>đậm</b></li></ul>"), "a\nb đậm");
    EXPECT_EQ(HtmlToText("<table><tr><th>A</th><th>B</th></tr><tr><td>1</td><td>2</td></tr></table>"), "A\tB\n1\t2");
    EXPECT_EQ(HtmlToText("<p>x<script>var a = 1;</script><style>p{}</style>y</p>"), "xy");
    EXPECT_EQ(HtmlToText("<pre>a\n  b</pre>"), "a\n  b");
    EXPECT_EQ(HtmlToText("<p>Ảnh <img src=\"/media/a.png\" alt=\"Lễ kỷ niệm\"> đây</p>"), "Ảnh [Lễ kỷ niệm] đây");
    EXPECT_EQ(HtmlToText("a &amp; b &lt;c&gt;"), "a & b <c>");
    EXPECT_EQ(HtmlToText("<div><div>x</div></div><p></p><p>y</p>"), "x\ny");
    EXPECT_THROW(HtmlToText("\xff"), InvalidUtf8);
}

}  // namespace
}  // namespace vp::core::html
