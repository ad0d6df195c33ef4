// The renderer against kainjow/mustache, the library it replaced: for each case both render the
// same template from the same data and must give the same bytes (and the bytes written here).
#include "core/web/mustache.hpp"

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <kainjow/mustache.hpp>

#include <map>

namespace vp::core::web::mustache {
namespace {

namespace json = boost::json;
namespace km = kainjow::mustache;

// The conversion the template store used to make before every kainjow render.
km::data ToKainjow(const json::value& v) {
    switch (v.kind()) {
        case json::kind::null: return km::data(false);
        case json::kind::bool_: return km::data(v.get_bool());
        case json::kind::int64: return km::data(std::to_string(v.get_int64()));
        case json::kind::uint64: return km::data(std::to_string(v.get_uint64()));
        case json::kind::double_: return km::data(std::to_string(v.get_double()));
        case json::kind::string: return km::data(std::string(v.get_string()));
        case json::kind::array: {
            km::data list{km::data::type::list};
            for (const auto& e : v.get_array()) list.push_back(ToKainjow(e));
            return list;
        }
        case json::kind::object: {
            km::data obj{km::data::type::object};
            for (const auto& [k, e] : v.get_object()) obj.set(std::string(k), ToKainjow(e));
            return obj;
        }
    }
    return km::data(false);
}

using Partials = std::map<std::string, std::string, std::less<>>;

std::string WithKainjow(const std::string& text, const json::value& data, const Partials& partials) {
    km::mustache tmpl(text);
    EXPECT_TRUE(tmpl.is_valid()) << tmpl.error_message();
    auto view = ToKainjow(data);
    for (const auto& [name, partial] : partials) view.set(name, km::partial([&partial] { return partial; }));
    return tmpl.render(view);
}

std::string WithOurs(const std::string& text, const json::value& data, const Partials& partials) {
    std::map<std::string, Template, std::less<>> compiled;
    for (const auto& [name, partial] : partials) compiled.emplace(name, Template(partial, name));
    const PartialLookup lookup = [&](std::string_view name) -> const Template* {
        const auto it = compiled.find(name);
        return it == compiled.end() ? nullptr : &it->second;
    };
    return Template(text, "test").Render(data, lookup);
}

struct Case {
    const char* what;
    std::string text;
    json::value data;
    std::string expected;
    Partials partials = {};
};

TEST(Mustache, RendersWhatKainjowRenders) {
    const json::value page = json::parse(R"({
        "title": "Nghị quyết <số 18> & \"Đảng\" 'x'", "html": "<b>đậm</b>", "n": 42, "u": 18446744073709551615,
        "d": 1.5, "yes": true, "no": false, "none": null, "empty": [], "blank": "",
        "items": [{"name": "Hà Nội", "href": "/a?b=1&c=2"}, {"name": "Huế", "current": true}],
        "words": ["một", "hai"], "card": {"title": "Trong", "pic": {"src": "/m/1.jpg"}}, "obj": {}
    })");
    const std::vector<Case> cases = {
        {"escaped and raw variables", "<h1>{{title}}</h1>{{{html}}}{{& html}}{{ title }}", page,
         "<h1>Nghị quyết &lt;số 18&gt; &amp; &quot;Đảng&quot; &apos;x&apos;</h1><b>đậm</b><b>đậm</b>"
         "Nghị quyết &lt;số 18&gt; &amp; &quot;Đảng&quot; &apos;x&apos;"},
        {"numbers, booleans, null, missing", "[{{n}}|{{u}}|{{d}}|{{yes}}|{{no}}|{{none}}|{{missing}}|{{items}}]", page,
         "[42|18446744073709551615|1.500000|||||]"},
        {"a list, its items' names and the outer context",
         "<ul>{{#items}}<li{{#current}} aria-current=\"page\"{{/current}}><a href=\"{{href}}\">{{name}}</a> {{n}}</li>{{/items}}</ul>",
         page,
         "<ul><li><a href=\"/a?b=1&amp;c=2\">Hà Nội</a> 42</li><li aria-current=\"page\"><a href=\"\">Huế</a> 42</li></ul>"},
        {"{{.}} in a list of strings", "{{#words}}<i>{{.}}</i>{{/words}}", page, "<i>một</i><i>hai</i>"},
        {"falsy and truthy sections", "{{#no}}a{{/no}}{{#none}}b{{/none}}{{#empty}}c{{/empty}}{{#missing}}d{{/missing}}"
         "{{#blank}}e{{/blank}}{{#obj}}f{{/obj}}{{#yes}}g{{/yes}}{{#n}}h{{n}}{{/n}}", page, "efgh42"},
        {"inverted sections", "{{^no}}a{{/no}}{{^none}}b{{/none}}{{^empty}}c{{/empty}}{{^missing}}d{{/missing}}"
         "{{^blank}}e{{/blank}}{{^items}}f{{/items}}", page, "abcd"},
        {"dotted names, resolved whole in each context", "{{card.title}} {{card.pic.src}} {{#items}}{{card.title}}{{/items}} {{card.none.x}}",
         page, "Trong /m/1.jpg TrongTrong "},
        {"an object section", "{{#card}}{{title}} {{#pic}}{{src}} {{title}}{{/pic}}{{/card}}", page, "Trong /m/1.jpg Trong"},
        {"comments", "a{{! nothing here }}b", page, "ab"},
        {"lines holding only rendered section tags are left out",
         "<ul>\n  {{#items}}\n  <li>{{name}}</li>\n  {{/items}}\n</ul>\n", page, "<ul>\n  <li>Hà Nội</li>\n  <li>Huế</li>\n</ul>\n"},
        {"a skipped section's line stays (kainjow's rule)", "a\n  {{#no}}\nx\n  {{/no}}\nb\n", page, "a\n  \nb\n"},
        {"an inverted section's lines", "a\n{{^no}}\nshown\n{{/no}}\nb", page, "a\nshown\nb"},
        {"a comment's line stays", "a\n  {{! c }}\nb", page, "a\n  \nb"},
        {"CR LF and CR", "a\r\n{{#yes}}\r\nb\r{{/yes}}\rc", page, "a\r\nb\rc"},
        {"the last line without a newline", "x\n {{#yes}} {{/yes}} ", page, "x\n"},
        {"a variable's text counts on its line", "{{#yes}}{{blank}}\n{{/yes}}{{#yes}}{{n}}\n{{/yes}}", page, "42\n"},
        {"partials, with their lines, in the including context (a skipped section's line stays)",
         "<main>\n  {{> m/_card}}\n{{#items}}{{> m/_item}}{{/items}}</main>", page,
         "<main>\n  <h2>Nghị quyết &lt;số 18&gt; &amp; &quot;Đảng&quot; &apos;x&apos;</h2>\n\n<p>Hà Nội</p><p>Huế</p></main>",
         Partials{{"m/_card", "<h2>{{title}}</h2>\n{{#no}}\n{{/no}}"}, {"m/_item", "<p>{{name}}</p>"}}},
        {"a partial that is missing renders nothing", "a{{> m/_none}}b", page, "ab"},
        {"a lone brace and an unknown sigil", "{ }} {{#yes}}{{/yes}}", page, "{ }} "},
        {"a list at the root", "{{#.}}{{.}},{{/.}}", json::parse(R"(["a","b"])"), "a,b,"},
    };
    for (const auto& c : cases) {
        const auto ours = WithOurs(c.text, c.data, c.partials);
        EXPECT_EQ(ours, WithKainjow(c.text, c.data, c.partials)) << c.what;
        EXPECT_EQ(ours, c.expected) << c.what;
    }
}

TEST(Mustache, BrokenTemplatesAreRefusedWithWhereTheyBreak) {
    const auto refused = [](const std::string& text) {
        try {
            Template(text, "m/page.html");
        } catch (const std::runtime_error& e) {
            return std::string(e.what());
        }
        return std::string();
    };
    EXPECT_NE(refused("a {{b").find("m/page.html: unclosed tag at 2"), std::string::npos) << refused("a {{b");
    EXPECT_NE(refused("{{{b}}").find("unclosed tag"), std::string::npos);
    EXPECT_NE(refused("{{#a}}x").find("section \"a\" not closed"), std::string::npos);
    EXPECT_NE(refused("{{#a}}{{/b}}").find("section \"b\" closed but not open"), std::string::npos);
    EXPECT_NE(refused("{{/a}}").find("closed but not open"), std::string::npos);
    EXPECT_NE(refused("{{=<% %>=}}").find("delimiters"), std::string::npos);
    EXPECT_EQ(refused("{{#a}}{{#b}}{{/b}}{{/a}}"), "");
}

TEST(Mustache, PartialNamesAreListedForChecking) {
    const Template t("{{> a/_x}}{{#s}}{{> b/_y}}{{/s}}", "t");
    EXPECT_EQ(t.PartialNames(), (std::vector<std::string>{"a/_x", "b/_y"}));
}

TEST(Mustache, EscapesTheFiveCharacters) {
    EXPECT_EQ(EscapeHtml("a&b<c>d\"e'f"), "a&amp;b&lt;c&gt;d&quot;e&apos;f");
    EXPECT_EQ(EscapeHtml("đường"), "đường");
    EXPECT_EQ(EscapeHtml(""), "");
}

}  // namespace
}  // namespace vp::core::web::mustache
