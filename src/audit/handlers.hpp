#pragma once

#include "audit/audit.hpp"
#include "auth/web.hpp"

namespace vp::audit {

/// Reading the audit log: the whole installation's, so a national grant (inspectors and system
/// administrators of the Central Party Office).
inline constexpr core::access::Permission kAuditRead{"audit.read"};
inline void DeclareAccess(core::access::Policy& policy) { policy.Allow(kAuditRead, {"inspector", "system_admin"}); }

/// @brief HTTP adapter for reading the audit log: inspectors and administrators filter, read,
/// verify and export it (P-9).
class Handlers {
public:
    Handlers(auth::Web& web, auth::Service& auth, Log& log, core::db::Database& db)
        : web_(web), auth_(auth), log_(log), db_(db) {}

    core::http::Response Page(core::http::Request& req);
    core::http::Response ApiList(core::http::Request& req);
    core::http::Response ApiExportCsv(core::http::Request& req);
    core::http::Response ApiVerify(core::http::Request& req);

private:
    auth::Web& web_;
    auth::Service& auth_;
    Log& log_;
    core::db::Database& db_;
};

/// Parses the filter query (from, to as YYYY-MM-DD local dates; actor, action, object_type,
/// object_id, before, limit). An error for malformed values.
core::Result<Filter> ParseFilter(const core::http::Request& req);

}  // namespace vp::audit
