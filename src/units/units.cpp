#include "units/units.hpp"

#include <chrono>
#include <map>

#include <boost/json.hpp>
#include <fmt/format.h>

#include "core/text.hpp"

namespace vp::units {
namespace {

using core::db::Connection;

// Names in force on $1: valid_from <= D < valid_to (or open).
constexpr std::string_view kSelectUnits =
    "SELECT u.id, u.code, u.kind, u.parent_id, n.name_vi, n.name_en, n.short_name, u.status, u.ended_on,"
    " u.merged_into_id, u.sort_order FROM units u"
    " LEFT JOIN unit_names n ON n.unit_id = u.id AND n.valid_from <= $1 AND (n.valid_to IS NULL OR n.valid_to > $1)";

Unit FromRow(const core::db::Row& r) {
    return Unit{r.Int(0),  r.Text(1), r.Text(2), r.Int(3), r.Text(4), r.Text(5),
                r.Text(6), r.Text(7), r.Text(8), r.Int(9), r.Int(10)};
}

std::optional<Unit> LoadOne(Connection& c, std::string_view where, const core::db::Params& p) {
    auto rows = c.Query(std::string(kSelectUnits) + " WHERE " + std::string(where), p);
    if (rows.empty()) return std::nullopt;
    auto u = FromRow(rows.front());
    if (u.name_vi.empty()) {
        // Before the first recorded name: show the earliest one rather than nothing.
        if (auto n = c.QueryOne(
                "SELECT name_vi, name_en, short_name FROM unit_names WHERE unit_id = $1 ORDER BY valid_from LIMIT 1",
                {u.id})) {
            u.name_vi = n->Text(0);
            u.name_en = n->Text(1);
            u.short_name = n->Text(2);
        }
    }
    return u;
}

core::Status CheckNames(const std::string& vi, const std::string& en) {
    if (vi.empty()) return core::InvalidField("name_vi", core::Msg("units.name_vi_missing"));
    if (en.empty()) return core::InvalidField("name_en", core::Msg("units.name_en_missing"));
    if (!core::IsValidUtf8(vi) || !core::IsValidUtf8(en))
        return core::InvalidInput(core::Msg("units.name_invalid_chars"));
    if (core::Utf8Length(vi) > 300 || core::Utf8Length(en) > 300)
        return core::InvalidInput(core::Msg("units.name_too_long"));
    return core::Ok{};
}

}  // namespace

bool IsIsoDate(std::string_view s) {
    if (s.size() != 10 || s[4] != '-' || s[7] != '-') return false;
    for (int i : {0, 1, 2, 3, 5, 6, 8, 9}) {
        if (s[i] < '0' || s[i] > '9') return false;
    }
    int y = std::stoi(std::string(s.substr(0, 4))), m = std::stoi(std::string(s.substr(5, 2))),
        d = std::stoi(std::string(s.substr(8, 2)));
    return std::chrono::year_month_day{std::chrono::year{y}, std::chrono::month(m), std::chrono::day(d)}.ok();
}

boost::json::value ToJson(const Unit& u) {
    boost::json::object o{{"id", u.id},           {"code", u.code},       {"kind", u.kind},
                          {"name_vi", u.name_vi}, {"name_en", u.name_en}, {"short_name", u.short_name},
                          {"status", u.status}};
    o["parent_id"] = u.parent_id ? boost::json::value(u.parent_id) : nullptr;
    if (!u.ended_on.empty()) o["ended_on"] = u.ended_on;
    if (u.merged_into_id) o["merged_into_id"] = u.merged_into_id;
    return o;
}

std::string Service::Today() const {
    // Dates are Vietnamese calendar days (UTC+7, no daylight saving).
    auto t = clock_.Now() + std::chrono::hours(7);
    std::chrono::year_month_day ymd{std::chrono::floor<std::chrono::days>(t)};
    return fmt::format("{:04}-{:02}-{:02}", static_cast<int>(ymd.year()), static_cast<unsigned>(ymd.month()),
                       static_cast<unsigned>(ymd.day()));
}

std::vector<Unit> Service::List(std::string date) const {
    if (date.empty()) date = Today();
    auto rows = db_.Read(
        [&](Connection& c) { return c.Query(std::string(kSelectUnits) + " ORDER BY u.sort_order, u.id", {date}); });
    std::map<std::int64_t, std::vector<Unit>> by_parent;
    for (const auto& r : rows) {
        auto u = FromRow(r);
        by_parent[u.parent_id].push_back(std::move(u));
    }
    std::vector<Unit> out;
    // Depth-first so a parent always precedes its children.
    std::vector<std::int64_t> stack{0};
    std::function<void(std::int64_t)> walk = [&](std::int64_t parent) {
        auto it = by_parent.find(parent);
        if (it == by_parent.end()) return;
        for (auto& u : it->second) {
            auto id = u.id;
            out.push_back(u);
            walk(id);
        }
    };
    walk(0);
    return out;
}

std::optional<Unit> Service::Find(std::int64_t id, std::string date) const {
    if (date.empty()) date = Today();
    return db_.Read([&](Connection& c) { return LoadOne(c, "u.id = $2", {date, id}); });
}

std::optional<Unit> Service::FindByCode(std::string_view code, std::string date) const {
    if (date.empty()) date = Today();
    return db_.Read([&](Connection& c) { return LoadOne(c, "u.code = $2", {date, code}); });
}

std::vector<NameRecord> Service::NameHistory(std::int64_t id) const {
    return db_.Read([&](Connection& c) {
        std::vector<NameRecord> out;
        for (const auto& r : c.Query("SELECT name_vi, name_en, short_name, valid_from, valid_to FROM unit_names"
                                     " WHERE unit_id = $1 ORDER BY valid_from",
                                     {id})) {
            out.push_back({r.Text(0), r.Text(1), r.Text(2), r.Text(3), r.Text(4)});
        }
        return out;
    });
}

bool Service::FindNode(std::int64_t id, Node& out) const {
    if (id <= 0) return false;
    {
        std::shared_lock lock(tree_mu_);
        if (auto it = tree_.find(id); it != tree_.end()) {
            out = it->second;
            return true;
        }
    }
    // Every permission check asks this: one read of the whole (small) tree instead of a recursive
    // query per check.
    auto rows = db_.Read([](Connection& c) { return c.Query("SELECT id, COALESCE(parent_id, 0), kind FROM units"); });
    std::unique_lock lock(tree_mu_);
    for (const auto& r : rows) tree_[r.Int(0)] = Node{r.Int(1), r.Text(2)};
    if (auto it = tree_.find(id); it != tree_.end()) {
        out = it->second;
        return true;
    }
    return false;
}

bool Service::IsWithin(std::int64_t ancestor, std::int64_t unit) const {
    if (ancestor == unit) return true;
    Node n;
    for (int depth = 0; depth < 64 && FindNode(unit, n); ++depth) {
        if (n.parent == 0) return false;
        if (n.parent == ancestor) return true;
        unit = n.parent;
    }
    return false;
}

void DeclareAccess(core::access::Policy& policy) {
    policy.AllowEveryRole(kUnitView);
    policy.Allow(kUnitManage, {"system_admin"});
}

bool Service::IsNational(std::int64_t unit) const {
    // National: the root; the Central Party Office and its departments; a central inspection
    // commission (one not under a provincial committee).
    Node self;
    if (!FindNode(unit, self)) return false;
    if (self.parent == 0) return true;  // the root
    bool under_province = false, central_office = false;
    Node n = self;
    for (int depth = 0; depth < 64; ++depth) {
        if (n.kind == "central_office") central_office = true;
        if (n.kind == "provincial_committee") under_province = true;
        if (n.parent == 0 || !FindNode(n.parent, n)) break;
    }
    return central_office || (self.kind == "inspection_commission" && !under_province);
}

core::Result<Unit> Service::Create(const core::access::Principal& who, NewUnit n) {
    // No "any unit": a unit without a parent is a new top of the tree, which needs a national grant.
    if (n.parent_id < 0) return core::NotFound(core::Msg("units.parent_missing"));
    auto allowed = policy_.Authorize(
        who, kUnitManage, n.parent_id ? core::access::Scope::Unit(n.parent_id) : core::access::Scope::Global());
    if (!allowed) return allowed.error();
    const auto actor = allowed.value();
    n.code = core::Trim(n.code);
    n.name_vi = core::ToNfc(core::Trim(n.name_vi));
    n.name_en = core::ToNfc(core::Trim(n.name_en));
    if (n.code.empty() || n.code.size() > 40) return core::InvalidField("code", core::Msg("units.code_length"));
    for (char ch : n.code) {
        if (!std::isalnum(static_cast<unsigned char>(ch)) && ch != '-' && ch != '_' && ch != '.') {
            return core::InvalidField("code", core::Msg("units.code_chars"));
        }
    }
    if (std::find(kKinds.begin(), kKinds.end(), n.kind) == kKinds.end())
        return core::InvalidField("kind", core::Msg("units.kind_invalid"));
    if (auto st = CheckNames(n.name_vi, n.name_en); !st) return st.error();
    if (n.valid_from.empty()) n.valid_from = Today();
    if (!IsIsoDate(n.valid_from)) return core::InvalidField("valid_from", core::Msg("units.date_invalid"));
    const auto now = core::ToMillis(clock_.Now());
    return db_.Transact([&](Connection& c) -> core::Result<Unit> {
        if (n.parent_id) {
            auto parent = c.QueryOne("SELECT status FROM units WHERE id = $1", {n.parent_id});
            if (!parent) return core::NotFound(core::Msg("units.parent_missing"));
            if (parent->Text(0) != "active") return core::Conflict(core::Msg("units.parent_inactive"));
        }
        if (c.QueryOne("SELECT id FROM units WHERE code = $1", {n.code}))
            return core::Conflict(core::Msg("units.code_taken"));
        auto sort =
            c.QueryOne("SELECT COALESCE(MAX(sort_order), 0) + 1 FROM units WHERE parent_id IS NOT DISTINCT FROM $1",
                       {n.parent_id ? core::db::Value(n.parent_id) : core::db::Value()})
                ->Int(0);
        auto id = c.QueryOne(
                       "INSERT INTO units (code, kind, parent_id, sort_order, status, created_at)"
                       " VALUES ($1, $2, $3, $4, 'active', $5) RETURNING id",
                       {n.code, n.kind, n.parent_id ? core::db::Value(n.parent_id) : core::db::Value(), sort, now})
                      ->Int(0);
        c.Execute(
            "INSERT INTO unit_names (unit_id, name_vi, name_en, short_name, valid_from, created_at)"
            " VALUES ($1, $2, $3, $4, $5, $6)",
            {id, n.name_vi, n.name_en, n.short_name, n.valid_from, now});
        auto u = *LoadOne(c, "u.id = $2", {n.valid_from, id});
        audit_.Write(c, actor, {"unit.create", "unit", std::to_string(id), nullptr, ToJson(u)});
        return u;
    });
}

core::Result<Unit> Service::Rename(const core::access::Principal& who, std::int64_t id, std::string name_vi,
                                   std::string name_en, std::string short_name, std::string effective) {
    auto allowed = policy_.Authorize(who, kUnitManage, core::access::Scope::Unit(id));
    if (!allowed) return allowed.error();
    const auto actor = allowed.value();
    name_vi = core::ToNfc(core::Trim(name_vi));
    name_en = core::ToNfc(core::Trim(name_en));
    if (auto st = CheckNames(name_vi, name_en); !st) return st.error();
    if (effective.empty()) effective = Today();
    if (!IsIsoDate(effective)) return core::InvalidField("effective", core::Msg("units.date_invalid"));
    const auto now = core::ToMillis(clock_.Now());
    return db_.Transact([&](Connection& c) -> core::Result<Unit> {
        auto before = LoadOne(c, "u.id = $2", {effective, id});
        if (!before) return core::NotFound(core::Msg("units.not_found"));
        if (before->status != "active") return core::Conflict(core::Msg("units.rename_inactive"));
        auto current =
            c.QueryOne("SELECT id, valid_from FROM unit_names WHERE unit_id = $1 AND valid_to IS NULL", {id});
        if (current && current->Text(1) >= effective) {
            return core::Conflict(core::Msg("units.effective_before_current", {{"date", current->Text(1)}}));
        }
        if (current) c.Execute("UPDATE unit_names SET valid_to = $2 WHERE id = $1", {current->Int(0), effective});
        c.Execute(
            "INSERT INTO unit_names (unit_id, name_vi, name_en, short_name, valid_from, created_at)"
            " VALUES ($1, $2, $3, $4, $5, $6)",
            {id, name_vi, name_en, short_name, effective, now});
        auto after = *LoadOne(c, "u.id = $2", {effective, id});
        auto b = ToJson(*before);
        auto a = ToJson(after);
        a.as_object()["effective"] = effective;
        audit_.Write(c, actor, {"unit.rename", "unit", std::to_string(id), b, a});
        return after;
    });
}

core::Result<Unit> Service::Merge(const core::access::Principal& who, std::int64_t from, std::int64_t into,
                                  std::string effective) {
    if (into <= 0) return core::NotFound(core::Msg("units.merge_target_missing"));
    // Both sides: a merge moves the unit's history into `into`.
    auto allowed = policy_.Authorize(who, kUnitManage, core::access::Scope::Unit(from));
    if (!allowed) return allowed.error();
    if (auto other = policy_.Authorize(who, kUnitManage, core::access::Scope::Unit(into)); !other) return other.error();
    const auto actor = allowed.value();
    if (from == into) return core::InvalidInput(core::Msg("units.merge_into_itself"));
    if (effective.empty()) effective = Today();
    if (!IsIsoDate(effective)) return core::InvalidField("effective", core::Msg("units.date_invalid"));
    return db_.Transact([&](Connection& c) -> core::Result<Unit> {
        auto src = LoadOne(c, "u.id = $2", {effective, from});
        auto dst = LoadOne(c, "u.id = $2", {effective, into});
        if (!src || !dst) return core::NotFound(core::Msg("units.not_found"));
        if (src->status != "active") return core::Conflict(core::Msg("units.merge_source_inactive"));
        if (dst->status != "active") return core::Conflict(core::Msg("units.merge_target_inactive"));
        if (c.QueryOne("SELECT id FROM units WHERE parent_id = $1 AND status = 'active' LIMIT 1", {from})) {
            return core::Conflict(core::Msg("units.has_active_children"));
        }
        c.Execute("UPDATE units SET status = 'merged', ended_on = $2, merged_into_id = $3 WHERE id = $1",
                  {from, effective, into});
        // Names stay open: the last name is how records after the merge still refer to it.
        auto after = *LoadOne(c, "u.id = $2", {effective, from});
        audit_.Write(c, actor, {"unit.merge", "unit", std::to_string(from), ToJson(*src), ToJson(after)});
        return after;
    });
}

core::Result<Unit> Service::Dissolve(const core::access::Principal& who, std::int64_t id, std::string effective) {
    auto allowed = policy_.Authorize(who, kUnitManage, core::access::Scope::Unit(id));
    if (!allowed) return allowed.error();
    const auto actor = allowed.value();
    if (effective.empty()) effective = Today();
    if (!IsIsoDate(effective)) return core::InvalidField("effective", core::Msg("units.date_invalid"));
    return db_.Transact([&](Connection& c) -> core::Result<Unit> {
        auto before = LoadOne(c, "u.id = $2", {effective, id});
        if (!before) return core::NotFound(core::Msg("units.not_found"));
        if (before->status != "active") return core::Conflict(core::Msg("units.inactive"));
        if (c.QueryOne("SELECT id FROM units WHERE parent_id = $1 AND status = 'active' LIMIT 1", {id})) {
            return core::Conflict(core::Msg("units.has_active_children"));
        }
        c.Execute("UPDATE units SET status = 'dissolved', ended_on = $2 WHERE id = $1", {id, effective});
        auto after = *LoadOne(c, "u.id = $2", {effective, id});
        audit_.Write(c, actor, {"unit.dissolve", "unit", std::to_string(id), ToJson(*before), ToJson(after)});
        return after;
    });
}

core::Result<int> Service::SeedIfEmpty(const core::access::Principal& who, std::string_view seed_json) {
    if (!who.is_operator) return core::Forbidden();
    const auto actor = who.ActorAs();
    boost::system::error_code ec;
    auto doc = boost::json::parse(seed_json, ec);
    if (ec || !doc.is_object() || !doc.as_object().contains("root"))
        return core::InvalidInput(core::Msg("units.seed_invalid"));
    const std::string from =
        doc.as_object().contains("effective_from") ? std::string(doc.at("effective_from").as_string()) : Today();
    const auto now = core::ToMillis(clock_.Now());
    return db_.Transact([&](Connection& c) -> core::Result<int> {
        if (c.QueryOne("SELECT COUNT(*) FROM units")->Int(0) > 0) return 0;
        int created = 0;
        std::function<void(const boost::json::object&, std::int64_t, int)> add = [&](const boost::json::object& n,
                                                                                     std::int64_t parent, int order) {
            auto str = [&](const char* k) { return n.contains(k) ? std::string(n.at(k).as_string()) : std::string(); };
            auto id = c.QueryOne(
                           "INSERT INTO units (code, kind, parent_id, sort_order, status, created_at)"
                           " VALUES ($1, $2, $3, $4, 'active', $5) RETURNING id",
                           {str("code"), str("kind"), parent ? core::db::Value(parent) : core::db::Value(), order, now})
                          ->Int(0);
            c.Execute(
                "INSERT INTO unit_names (unit_id, name_vi, name_en, short_name, valid_from, created_at)"
                " VALUES ($1, $2, $3, $4, $5, $6)",
                {id, str("name_vi"), str("name_en"), str("short_name"), from, now});
            ++created;
            if (n.contains("children")) {
                int i = 0;
                for (const auto& ch : n.at("children").as_array()) add(ch.as_object(), id, ++i);
            }
        };
        add(doc.at("root").as_object(), 0, 1);
        audit_.Write(
            c, actor,
            {"unit.seed", "unit", "", nullptr, boost::json::object{{"created", created}, {"effective_from", from}}});
        return created;
    });
}

}  // namespace vp::units
