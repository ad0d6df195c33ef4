// The template store: interface strings put into each language's templates once, escaped as
// {{…}} escapes; partials included; the language-neutral Render still reads "t" from the data.
#include "core/web/templates.hpp"

#include <gtest/gtest.h>

#include <boost/json.hpp>

namespace vp::core::web {
namespace {

MessageCatalog Strings() {
    MessageCatalog c;
    c.Add("vi", "hello", "Xin chào <bạn> & \"mọi người\"");
    c.Add("en", "hello", "Hello");
    c.Add("vi", "only_vi", "Chỉ tiếng Việt");
    return c;
}

TEST(Templates, StringsArePutIntoEachLanguagesTemplatesOnce) {
    const EmbeddedFile files[] = {
        {"m/page.html", "<h1>{{t.hello}}</h1><p>{{t.only_vi}}|{{t.missing}}|{{name}}</p>{{> m/_part}}"},
        {"m/_part.html", "<footer>{{t.hello}} {{name}}</footer>"},
    };
    TemplateStore store(files, Strings());
    const boost::json::object data{{"name", "<Lan>"}};
    EXPECT_EQ(store.Render("m/page", data, "vi"),
              "<h1>Xin chào &lt;bạn&gt; &amp; &quot;mọi người&quot;</h1><p>Chỉ tiếng Việt||&lt;Lan&gt;</p>"
              "<footer>Xin chào &lt;bạn&gt; &amp; &quot;mọi người&quot; &lt;Lan&gt;</footer>");
    EXPECT_EQ(store.Render("m/page", data, "en"),
              "<h1>Hello</h1><p>Chỉ tiếng Việt||&lt;Lan&gt;</p><footer>Hello &lt;Lan&gt;</footer>")
        << "English falls back to Vietnamese key by key";
    EXPECT_EQ(store.Render("m/page", data, "fr"), store.Render("m/page", data, "vi")) << "unknown: Vietnamese";
    // Without a language, "t" comes from the data as before.
    const boost::json::object with_t{{"name", "x"}, {"t", boost::json::object{{"hello", "Hi"}}}};
    EXPECT_EQ(store.Render("m/_part", with_t), "<footer>Hi x</footer>");
    EXPECT_THROW(store.Render("m/none", data, "vi"), std::runtime_error);
}

TEST(Templates, AStringThatWouldBeReadAsATagIsRefusedWhenTheStoreIsBuilt) {
    MessageCatalog c;
    c.Add("vi", "bad", "a {{name}} b");
    const EmbeddedFile files[] = {{"m/page.html", "{{t.bad}}"}};
    EXPECT_THROW(TemplateStore(files, c), std::runtime_error);
}

TEST(Templates, APartialThatDoesNotExistIsRefusedWhenTheStoreIsBuilt) {
    const EmbeddedFile missing[] = {{"m/page.html", "{{> m/_none}}"}};
    EXPECT_THROW(TemplateStore(missing, Strings()), std::runtime_error);
    const EmbeddedFile not_partial[] = {{"m/page.html", "{{> m/other}}"}, {"m/other.html", "x"}};
    EXPECT_THROW(TemplateStore(not_partial, Strings()), std::runtime_error) << "only _x.html files are partials";
    const EmbeddedFile fine[] = {{"m/page.html", "[{{> m/_x}}]"}, {"m/_x.html", "{{t.hello}}"}};
    EXPECT_EQ(TemplateStore(fine, Strings()).Render("m/page", boost::json::object{}, "en"), "[Hello]");
}

}  // namespace
}  // namespace vp::core::web
