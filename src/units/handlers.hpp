#pragma once

#include "auth/web.hpp"
#include "units/units.hpp"

namespace vp::units {

/// @brief HTTP adapter for the unit registry: admin pages and /api/v1/units.
class Handlers {
public:
    Handlers(auth::Web& web, auth::Service& auth, Service& units) : web_(web), auth_(auth), units_(units) {}

    core::http::Response Tree(core::http::Request& req);
    core::http::Response Show(core::http::Request& req);
    core::http::Response Create(core::http::Request& req);
    core::http::Response Rename(core::http::Request& req);
    core::http::Response Merge(core::http::Request& req);
    core::http::Response Dissolve(core::http::Request& req);

    core::http::Response ApiList(core::http::Request& req);
    core::http::Response ApiShow(core::http::Request& req);
    core::http::Response ApiCreate(core::http::Request& req);
    core::http::Response ApiRename(core::http::Request& req);
    core::http::Response ApiMerge(core::http::Request& req);
    core::http::Response ApiDissolve(core::http::Request& req);

private:
    auth::Web& web_;
    auth::Service& auth_;
    Service& units_;
};

}  // namespace vp::units
