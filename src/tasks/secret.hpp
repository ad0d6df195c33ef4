#pragma once
// The secret partition of Tasks (T-5; 08-QC/TW Art. 5.2, 5.3): assignment documents classified
// Mật or Tối mật, kept in their own database (platform::Partition) with their text sealed under
// the partition's key. Only the fields of Art. 5.2 (secrecy.hpp); only accounts cleared for the
// level see them; every read is audited (in the main audit chain, without the sealed text).

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include <boost/json/object.hpp>

#include "audit/audit.hpp"
#include "calendar/service.hpp"
#include "core/access.hpp"
#include "core/clock.hpp"
#include "core/db/database.hpp"
#include "core/result.hpp"
#include "core/secret_box.hpp"
#include "tasks/secrecy.hpp"
#include "units/units.hpp"

namespace vp::tasks {

// Clearances (roles secret_clearance_mat, secret_clearance_toi_mat, held over a unit's subtree).
inline constexpr core::access::Permission kSecretMat{"tasks.secret_mat"};
inline constexpr core::access::Permission kSecretToiMat{"tasks.secret_toi_mat"};

struct NewSecretDocument {
    /// The names of the fields the request carried: any outside Art. 5.2 refuses it (422).
    std::vector<std::string> fields;
    std::string secrecy, kind, title, number, symbol, issued_on, signer, submitting_unit, issuing_unit;
    std::vector<std::string> lead_units;  ///< the bodies assigned (codes)
    std::string monitoring_unit;          ///< code
    std::int64_t task_count = 0;          ///< how many tasks it assigns (never their content)
    std::optional<core::TimePoint> deadline;
    std::string notes;  ///< other necessary information (Art. 5.2.i)
};

struct SecretUnit {
    std::int64_t id = 0;
    std::string code, name;
};

struct SecretDocument {
    std::int64_t id = 0;
    std::string secrecy, kind, title, number, symbol, issued_on, signer, submitting_unit, issuing_unit, notes;
    std::vector<SecretUnit> lead_units;
    SecretUnit monitoring_unit;
    std::int64_t task_count = 0;
    std::optional<core::TimePoint> deadline, done_at, evaluated_at;
    SecretResult result = SecretResult::kNotDoneWithinDeadline;
    std::string evaluation;
    core::TimePoint created_at{};
    std::int64_t version = 0;
};

class SecretRegister {
public:
    /// `partition` and `box` are the partition's own; `main` holds the audit chain.
    SecretRegister(core::db::Database& partition, const core::SecretBox& box, core::db::Database& main,
                   audit::Log& audit, const core::Clock& clock, const core::access::Policy& policy,
                   const units::Service& units, std::function<bool(const std::string&)> known_kind = {});

    /// The task office enters a secret document (cleared for its level over the whole system).
    core::Result<SecretDocument> Create(const core::access::Principal& who, NewSecretDocument in);
    /// One document (audited); "not found" when absent or not for `who`.
    core::Result<SecretDocument> Get(const core::access::Principal& who, std::int64_t id) const;
    /// The documents `who` is cleared for (one audit record naming them).
    std::vector<SecretDocument> List(const core::access::Principal& who) const;
    /// A lead unit's approver records the tasks done (Art. 5.2.g): once.
    core::Result<SecretDocument> RecordDone(const core::access::Principal& who, std::int64_t id);
    /// The monitoring unit's evaluation (Art. 5.2.h).
    core::Result<SecretDocument> Evaluate(const core::access::Principal& who, std::int64_t id, std::string text);
    /// Whether `who` holds some clearance (navigation, the page).
    bool MayUse(const core::access::Principal& who) const;

private:
    core::Result<audit::Actor> Cleared(const core::access::Principal& who, const std::string& secrecy,
                                       const core::access::Scope& scope) const;
    /// The actor allowed `p` and cleared for `d`'s level over one of `units`.
    core::Result<audit::Actor> AllowedOn(const core::access::Principal& who, core::access::Permission p,
                                         const SecretDocument& d, const std::vector<std::int64_t>& units) const;
    std::optional<SecretDocument> Load(std::int64_t id) const;
    void AuditRead(const audit::Actor& actor, std::string_view action, const std::string& object_id,
                   boost::json::value details) const;

    core::db::Database& db_;
    const core::SecretBox& box_;
    core::db::Database& main_;
    audit::Log& audit_;
    const core::Clock& clock_;
    const core::access::Policy& policy_;
    const units::Service& units_;
    std::function<bool(const std::string&)> known_kind_;  ///< the catalogue's active kinds
};

boost::json::object ToJson(const SecretDocument& d, std::string_view tz);

}  // namespace vp::tasks
