// covers X-5: modules are built in dependency order and their API parts merge into one document
#include "platform/module.hpp"

#include <gtest/gtest.h>

namespace vp::platform {
namespace {

class Fake : public Module {
public:
    Fake(std::string name, std::vector<std::string> deps, boost::json::object api = {})
        : name_(std::move(name)), deps_(std::move(deps)), api_(std::move(api)) {}
    std::string_view Name() const override { return name_; }
    std::vector<std::string> DependsOn() const override { return deps_; }
    boost::json::object OpenApi() const override { return api_; }

private:
    std::string name_;
    std::vector<std::string> deps_;
    boost::json::object api_;
};

std::vector<std::string> Names(const std::vector<Module*>& ms) {
    std::vector<std::string> out;
    for (auto* m : ms) out.emplace_back(m->Name());
    return out;
}

TEST(Modules, BuiltAfterTheirDependencies_X5) {
    std::vector<std::unique_ptr<Module>> ms;
    ms.push_back(std::make_unique<Fake>("conference", std::vector<std::string>{"tasks", "portal"}));
    ms.push_back(std::make_unique<Fake>("tasks", std::vector<std::string>{"units"}));
    ms.push_back(std::make_unique<Fake>("portal", std::vector<std::string>{"units"}));
    ms.push_back(std::make_unique<Fake>("units", std::vector<std::string>{}));
    EXPECT_EQ(Names(InDependencyOrder(ms)), (std::vector<std::string>{"units", "tasks", "portal", "conference"}));
}

TEST(Modules, UnknownOrCircularDependenciesAreRefused_X5) {
    std::vector<std::unique_ptr<Module>> unknown;
    unknown.push_back(std::make_unique<Fake>("a", std::vector<std::string>{"nope"}));
    EXPECT_THROW(InDependencyOrder(unknown), std::logic_error);
    std::vector<std::unique_ptr<Module>> circle;
    circle.push_back(std::make_unique<Fake>("a", std::vector<std::string>{"b"}));
    circle.push_back(std::make_unique<Fake>("b", std::vector<std::string>{"a"}));
    EXPECT_THROW(InDependencyOrder(circle), std::logic_error);
}

TEST(Modules, ApiPartsMergeAndCollisionsAreRefused_X5) {
    std::vector<std::unique_ptr<Module>> ms;
    ms.push_back(
        std::make_unique<Fake>("a", std::vector<std::string>{},
                               boost::json::object{{"paths", {{"/api/v1/a", boost::json::object{{"get", 1}}}}}}));
    ms.push_back(
        std::make_unique<Fake>("b", std::vector<std::string>{},
                               boost::json::object{{"paths", {{"/api/v1/b", boost::json::object{{"get", 1}}}}}}));
    auto doc = MergeOpenApi(
        boost::json::object{{"openapi", "3.0.3"}, {"paths", {{"/api/v1/base", boost::json::object{{"get", 1}}}}}},
        InDependencyOrder(ms));
    EXPECT_TRUE(doc.at("paths").as_object().contains("/api/v1/base")) << "the base document's own paths stay";
    EXPECT_TRUE(doc.at("paths").as_object().contains("/api/v1/a"));
    EXPECT_TRUE(doc.at("paths").as_object().contains("/api/v1/b"));
    ms.push_back(
        std::make_unique<Fake>("c", std::vector<std::string>{},
                               boost::json::object{{"paths", {{"/api/v1/a", boost::json::object{{"get", 1}}}}}}));
    EXPECT_THROW(MergeOpenApi({}, InDependencyOrder(ms)), std::logic_error);
}

}  // namespace
}  // namespace vp::platform
