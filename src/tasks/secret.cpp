// The secret partition of Tasks (secret.hpp, docs/tasks.md "Secrecy"). Writes go to the
// partition's own database; their audit record goes to the main chain in a transaction nested
// inside the partition's, so the record is committed first: a change never lands unaudited (at
// worst an audited change fails to commit, and the record says what was attempted).
#include "tasks/secret.hpp"
#include "tasks/document_fields.hpp"
#include "tasks/tasks.hpp"

#include <algorithm>
#include <set>

#include <boost/json.hpp>

#include "calendar/iso_time.hpp"
#include "core/message.hpp"
#include "core/text.hpp"

namespace vp::tasks {
namespace {

namespace json = boost::json;
using core::Msg;
using core::access::Principal;
using core::access::Scope;
using core::db::Connection;
using core::db::Row;
using core::db::Value;

std::optional<core::TimePoint> OptTime(const Row& r, std::size_t i) {
    if (r.IsNull(i)) return std::nullopt;
    return core::FromMillis(r.Int(i));
}
Value OptMs(const std::optional<core::TimePoint>& t) { return t ? Value{core::ToMillis(*t)} : Value{}; }

constexpr std::string_view kSelect =
    "SELECT id, secrecy, kind, issued_on, task_count, deadline, monitoring_unit_id, sealed, done_at, evaluation,"
    " evaluated_at, created_at, version FROM secret_documents";

// What the audit record may say of a secret document: its level, kind, units and counts, never
// its sealed text.
json::object AuditView(const SecretDocument& d) {
    json::array leads;
    for (const auto& u : d.lead_units) leads.push_back(u.id);
    return {{"secrecy", d.secrecy},
            {"kind", d.kind},
            {"task_count", d.task_count},
            {"lead_units", std::move(leads)},
            {"monitoring_unit", d.monitoring_unit.id},
            {"done", d.done_at.has_value()},
            {"evaluated", d.evaluated_at.has_value()},
            {"version", d.version}};
}

}  // namespace

SecretRegister::SecretRegister(core::db::Database& partition, const core::SecretBox& box, core::db::Database& main,
                               audit::Log& audit, const core::Clock& clock, const core::access::Policy& policy,
                               const units::Service& units, std::function<bool(const std::string&)> known_kind)
    : db_(partition),
      box_(box),
      main_(main),
      audit_(audit),
      clock_(clock),
      policy_(policy),
      units_(units),
      known_kind_(std::move(known_kind)) {}

core::Result<audit::Actor> SecretRegister::Cleared(const Principal& who, const std::string& secrecy,
                                                   const Scope& scope) const {
    auto toi_mat = policy_.Authorize(who, kSecretToiMat, scope);
    auto mat = policy_.Authorize(who, kSecretMat, scope);
    if (!Admits(secrecy, mat.ok(), toi_mat.ok())) return core::Forbidden(Msg("tasks.secret_not_cleared"));
    return toi_mat ? toi_mat : mat;
}

core::Result<audit::Actor> SecretRegister::AllowedOn(const Principal& who, core::access::Permission p,
                                                     const SecretDocument& d,
                                                     const std::vector<std::int64_t>& units) const {
    for (auto u : units) {
        auto allowed = policy_.Authorize(who, p, Scope::Unit(u));
        if (!allowed) continue;
        auto cleared = Cleared(who, d.secrecy, Scope::Unit(u));
        if (cleared) return allowed;
    }
    return core::Forbidden(Msg("tasks.secret_not_cleared"));
}

bool SecretRegister::MayUse(const Principal& who) const {
    return policy_.HoldsAnywhere(who, kSecretMat) || policy_.HoldsAnywhere(who, kSecretToiMat);
}

core::Result<SecretDocument> SecretRegister::Create(const Principal& who, NewSecretDocument in) {
    // Art. 5.3 first: nothing of a top-secret document is kept, whoever asks.
    if (in.secrecy == "tuyet_mat") return core::Unprocessable("secrecy", Msg("tasks.secrecy_top_secret"));
    if (!IsPartitionLevel(in.secrecy))
        return core::InvalidField("secrecy", Msg("tasks.secrecy_unknown", {{"secrecy", in.secrecy}}));
    if (auto f = FieldOutsideArticle52(in.fields))
        return core::Unprocessable(*f, Msg("tasks.secret_field_forbidden", {{"field", *f}}));
    auto actor = policy_.Authorize(who, kTaskEnter, Scope::Global());
    if (!actor) return actor.error();
    if (auto cleared = Cleared(who, in.secrecy, Scope::Global()); !cleared) return cleared.error();

    const auto& kinds = DocumentKinds();
    const bool known = known_kind_ ? known_kind_(in.kind) : std::find(kinds.begin(), kinds.end(), in.kind) != kinds.end();
    if (!known)
        return core::InvalidField("kind", Msg("tasks.document_kind_unknown", {{"kind", in.kind}}));
    if (auto ok = detail::CleanDocumentText({&in.title, &in.number, &in.symbol, &in.signer, &in.submitting_unit,
                                             &in.issuing_unit, &in.issued_on});
        !ok)
        return ok.error();
    auto notes = core::CleanField("notes", in.notes, 4000, true);
    if (!notes) return notes.error();
    in.notes = std::move(notes).value();
    if (in.task_count < 1 || in.task_count > 10000)
        return core::InvalidField("task_count", Msg("tasks.secret_task_count_invalid"));
    if (in.lead_units.empty()) return core::InvalidField("lead_units", Msg("tasks.lead_unit_required"));
    SecretDocument d;
    std::set<std::int64_t> seen;
    for (const auto& code : in.lead_units) {
        auto u = units_.FindByCode(code);
        if (!u || u->status != "active")
            return core::InvalidField("lead_units", Msg("tasks.unit_not_found", {{"code", code}}));
        if (!seen.insert(u->id).second) return core::InvalidField("lead_units", Msg("tasks.unit_twice", {{"code", code}}));
        d.lead_units.push_back({u->id, u->code, u->name_vi});
    }
    auto monitoring = units_.FindByCode(in.monitoring_unit);
    if (!monitoring || monitoring->status != "active")
        return core::InvalidField("monitoring_unit", Msg("tasks.unit_not_found", {{"code", in.monitoring_unit}}));

    const json::object sealed{{"title", in.title},         {"number", in.number},
                              {"symbol", in.symbol},       {"signer", in.signer},
                              {"submitting_unit", in.submitting_unit}, {"issuing_unit", in.issuing_unit},
                              {"notes", in.notes}};
    const auto now = clock_.Now();
    const auto id = db_.Transact([&](Connection& c) {
        const std::int64_t id = c.QueryOne(
                             "INSERT INTO secret_documents (secrecy, kind, issued_on, task_count, deadline,"
                             " monitoring_unit_id, sealed, created_at, created_by)"
                             " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
                             {in.secrecy, in.kind, in.issued_on, in.task_count, OptMs(in.deadline), monitoring->id,
                              box_.Seal(json::serialize(sealed)), core::ToMillis(now), who.user_id})
                            ->Int(0);
        for (const auto& u : d.lead_units)
            c.Execute("INSERT INTO secret_document_units (document_id, unit_id) VALUES ($1, $2)", {id, u.id});
        d.id = id;
        d.secrecy = in.secrecy;
        d.kind = in.kind;
        d.task_count = in.task_count;
        d.monitoring_unit = {monitoring->id, monitoring->code, monitoring->name_vi};
        d.version = 1;
        main_.Transact([&](Connection& m) {
            audit_.Write(m, actor.value(), {"tasks.secret.create", "tasks_secret_document", std::to_string(id), nullptr,
                                            AuditView(d)});
        });
        return id;
    });
    return *Load(id);
}

std::optional<SecretDocument> SecretRegister::Load(std::int64_t id) const {
    auto rows = db_.Read([&](Connection& c) {
        auto r = c.QueryOne(std::string(kSelect) + " WHERE id = $1", {id});
        std::vector<std::int64_t> units;
        if (r) {
            for (const auto& u : c.Query("SELECT unit_id FROM secret_document_units WHERE document_id = $1"
                                         " ORDER BY unit_id", {id}))
                units.push_back(u.Int(0));
        }
        return std::pair{r, units};
    });
    if (!rows.first) return std::nullopt;
    const Row& r = *rows.first;
    SecretDocument d;
    d.id = r.Int(0);
    d.secrecy = r.Text(1);
    d.kind = r.Text(2);
    d.issued_on = r.Text(3);
    d.task_count = r.Int(4);
    d.deadline = OptTime(r, 5);
    d.done_at = OptTime(r, 8);
    d.evaluated_at = OptTime(r, 10);
    d.created_at = core::FromMillis(r.Int(11));
    d.version = r.Int(12);
    // A value that does not open (altered, or another key) is an infrastructure fault, not data.
    auto plain = box_.Open(r.Text(7));
    if (!plain) throw std::runtime_error("secret document " + std::to_string(d.id) + ": sealed fields do not open");
    const auto fields = json::parse(plain.value()).as_object();
    auto text = [&](const char* k) {
        const auto* v = fields.if_contains(k);
        return v && v->is_string() ? std::string(v->as_string()) : std::string();
    };
    d.title = text("title");
    d.number = text("number");
    d.symbol = text("symbol");
    d.signer = text("signer");
    d.submitting_unit = text("submitting_unit");
    d.issuing_unit = text("issuing_unit");
    d.notes = text("notes");
    if (!r.IsNull(9)) {
        auto e = box_.Open(r.Text(9));
        if (!e) throw std::runtime_error("secret document " + std::to_string(d.id) + ": evaluation does not open");
        d.evaluation = e.value();
    }
    auto name = [&](std::int64_t unit) {
        auto u = units_.Find(unit);
        return SecretUnit{unit, u ? u->code : std::string(), u ? u->name_vi : std::string()};
    };
    for (auto u : rows.second) d.lead_units.push_back(name(u));
    d.monitoring_unit = name(r.Int(6));
    d.result = ComputeSecretResult(d.done_at, d.deadline, clock_.Now());
    return d;
}

void SecretRegister::AuditRead(const audit::Actor& actor, std::string_view action, const std::string& object_id,
                               json::value details) const {
    main_.Transact([&](Connection& m) {
        audit_.Write(m, actor, {std::string(action), "tasks_secret_document", object_id, nullptr, std::move(details)});
    });
}

namespace {
std::vector<std::int64_t> UnitsOf(const SecretDocument& d) {
    std::vector<std::int64_t> out;
    for (const auto& u : d.lead_units) out.push_back(u.id);
    out.push_back(d.monitoring_unit.id);
    return out;
}
}  // namespace

core::Result<SecretDocument> SecretRegister::Get(const Principal& who, std::int64_t id) const {
    auto d = Load(id);
    if (!d) return core::NotFound(Msg("tasks.document_not_found"));
    // Whoever is not cleared for it learns nothing, not even that it exists.
    auto actor = AllowedOn(who, kTaskRead, *d, UnitsOf(*d));
    if (!actor) return core::NotFound(Msg("tasks.document_not_found"));
    AuditRead(actor.value(), "tasks.secret.read", std::to_string(id), AuditView(*d));
    return *d;
}

std::vector<SecretDocument> SecretRegister::List(const Principal& who) const {
    std::vector<SecretDocument> out;
    if (!MayUse(who)) return out;
    auto ids = db_.Read([&](Connection& c) {
        std::vector<std::int64_t> v;
        for (const auto& r : c.Query("SELECT id FROM secret_documents ORDER BY issued_on DESC, id DESC LIMIT 500"))
            v.push_back(r.Int(0));
        return v;
    });
    std::optional<audit::Actor> actor;
    json::array shown;
    for (auto id : ids) {
        auto d = Load(id);
        if (!d) continue;
        auto a = AllowedOn(who, kTaskRead, *d, UnitsOf(*d));
        if (!a) continue;
        if (!actor) actor = a.value();
        shown.push_back(id);
        out.push_back(std::move(*d));
    }
    if (actor) AuditRead(*actor, "tasks.secret.list", "", json::object{{"documents", std::move(shown)}});
    return out;
}

core::Result<SecretDocument> SecretRegister::RecordDone(const Principal& who, std::int64_t id) {
    auto d = Load(id);
    if (!d) return core::NotFound(Msg("tasks.document_not_found"));
    if (!AllowedOn(who, kTaskRead, *d, UnitsOf(*d))) return core::NotFound(Msg("tasks.document_not_found"));
    std::vector<std::int64_t> leads;
    for (const auto& u : d->lead_units) leads.push_back(u.id);
    auto actor = AllowedOn(who, kUpdateApprove, *d, leads);
    if (!actor) return actor.error();
    const auto now = clock_.Now();
    auto r = db_.Transact([&](Connection& c) -> core::Result<bool> {
        // Once: the conditional update decides between concurrent requests.
        if (c.Execute("UPDATE secret_documents SET done_at = $1, done_by = $2, version = version + 1"
                      " WHERE id = $3 AND done_at IS NULL",
                      {core::ToMillis(now), who.user_id, id}) != 1)
            return core::Conflict(Msg("tasks.secret_already_done"));
        auto after = *d;
        after.done_at = now;
        after.version += 1;
        main_.Transact([&](Connection& m) {
            audit_.Write(m, actor.value(), {"tasks.secret.done", "tasks_secret_document", std::to_string(id),
                                            AuditView(*d), AuditView(after)});
        });
        return true;
    });
    if (!r) return r.error();
    return *Load(id);
}

core::Result<SecretDocument> SecretRegister::Evaluate(const Principal& who, std::int64_t id, std::string text) {
    auto clean = RequiredText("evaluation", text, 4000);
    if (!clean) return clean.error();
    auto d = Load(id);
    if (!d) return core::NotFound(Msg("tasks.document_not_found"));
    if (!AllowedOn(who, kTaskRead, *d, UnitsOf(*d))) return core::NotFound(Msg("tasks.document_not_found"));
    auto actor = AllowedOn(who, kTaskEvaluate, *d, {d->monitoring_unit.id});
    if (!actor) return actor.error();
    const auto now = clock_.Now();
    auto r = db_.Transact([&](Connection& c) -> core::Result<bool> {
        if (c.Execute("UPDATE secret_documents SET evaluation = $1, evaluated_at = $2, evaluated_by = $3,"
                      " version = version + 1 WHERE id = $4 AND version = $5",
                      {box_.Seal(clean.value()), core::ToMillis(now), who.user_id, id, d->version}) != 1)
            return core::Conflict(Msg("tasks.secret_changed"));
        auto after = *d;
        after.evaluated_at = now;
        after.version += 1;
        main_.Transact([&](Connection& m) {
            audit_.Write(m, actor.value(), {"tasks.secret.evaluate", "tasks_secret_document", std::to_string(id),
                                            AuditView(*d), AuditView(after)});
        });
        return true;
    });
    if (!r) return r.error();
    return *Load(id);
}

json::object ToJson(const SecretDocument& d, std::string_view tz) {
    auto time = [&](const std::optional<core::TimePoint>& t) -> json::value {
        return t ? json::value(calendar::FormatIso(*t, tz)) : json::value(nullptr);
    };
    auto unit = [](const SecretUnit& u) { return json::object{{"id", u.id}, {"code", u.code}, {"name", u.name}}; };
    json::array leads;
    for (const auto& u : d.lead_units) leads.push_back(unit(u));
    return {{"id", d.id},
            {"partition", "secret"},
            {"secrecy", d.secrecy},
            {"kind", d.kind},
            {"title", d.title},
            {"number", d.number},
            {"symbol", d.symbol},
            {"issued_on", d.issued_on},
            {"signer", d.signer},
            {"submitting_unit", d.submitting_unit},
            {"issuing_unit", d.issuing_unit},
            {"lead_units", std::move(leads)},
            {"monitoring_unit", unit(d.monitoring_unit)},
            {"task_count", d.task_count},
            {"deadline", time(d.deadline)},
            {"result", SecretResultCode(d.result)},
            {"done_at", time(d.done_at)},
            {"evaluation", d.evaluation.empty() ? json::value(nullptr) : json::value(d.evaluation)},
            {"evaluated_at", time(d.evaluated_at)},
            {"notes", d.notes},
            {"created_at", calendar::FormatIso(d.created_at, tz)},
            {"version", d.version},
            {"url", "/api/v1/tasks/secret-documents/" + std::to_string(d.id)}};
}

}  // namespace vp::tasks
