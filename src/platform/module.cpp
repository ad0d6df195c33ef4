#include "platform/module.hpp"

#include <map>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <iostream>
#include <set>
#include <stdexcept>

#include "core/message.hpp"

namespace vp::platform {

int CommandFailed(const core::Error& e) {
    std::cerr << "Lỗi / Error: " << core::Text(e.message, "vi") << "\n";
    return e.code == core::ErrorCode::kNotFound ? 3 : 2;
}

void PrintJson(const boost::json::value& v) { std::cout << boost::json::serialize(v) << "\n"; }

std::vector<Module*> InDependencyOrder(const std::vector<std::unique_ptr<Module>>& modules) {
    std::map<std::string, Module*, std::less<>> by_name;
    for (const auto& m : modules) {
        if (!by_name.emplace(std::string(m->Name()), m.get()).second) {
            throw std::logic_error("module listed twice: " + std::string(m->Name()));
        }
    }
    std::vector<Module*> out;
    std::set<std::string, std::less<>> done, visiting;
    std::function<void(Module*)> visit = [&](Module* m) {
        const std::string name(m->Name());
        if (done.count(name)) return;
        if (!visiting.insert(name).second) throw std::logic_error("circular module dependency at " + name);
        for (const auto& d : m->DependsOn()) {
            auto it = by_name.find(d);
            if (it == by_name.end()) throw std::logic_error("module " + name + " depends on unknown module " + d);
            visit(it->second);
        }
        visiting.erase(name);
        done.insert(name);
        out.push_back(m);
    };
    for (const auto& m : modules) visit(m.get());
    return out;
}

boost::json::object ParseOpenApiPart(std::string_view json_text, std::string_view module) {
    boost::system::error_code ec;
    auto v = boost::json::parse(json_text, ec);
    if (ec || !v.is_object())
        throw std::runtime_error("module " + std::string(module) + ": its openapi.json is not a JSON object");
    return std::move(v.as_object());
}

boost::json::object MergeOpenApi(boost::json::object base, const std::vector<Module*>& modules) {
    if (!base["paths"].is_object()) base["paths"].emplace_object();
    auto& paths = base["paths"].as_object();
    boost::json::array tags;
    if (auto* t = base.if_contains("tags"); t && t->is_array()) tags = t->get_array();
    for (const auto* m : modules) {
        auto part = m->OpenApi();
        if (auto* p = part.if_contains("paths"); p && p->is_object()) {
            for (const auto& [path, ops] : p->get_object()) {
                if (paths.contains(path)) throw std::logic_error("two modules document " + std::string(path));
                paths[path] = ops;
            }
        }
        if (auto* t = part.if_contains("tags"); t && t->is_array()) {
            for (const auto& tag : t->get_array()) tags.push_back(tag);
        }
    }
    if (!tags.empty()) base["tags"] = std::move(tags);
    return base;
}

}  // namespace vp::platform
