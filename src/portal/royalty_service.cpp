// Contributors and royalties (P-11, P-17): what a contributor's submission carries, the royalty
// table, the royalties arising on first publication and the quarterly report. The rules are in
// royalties.cpp.
#include <boost/json.hpp>

#include <map>

#include "calendar/iso_time.hpp"
#include "core/export/xlsx.hpp"
#include "core/message.hpp"
#include "core/text.hpp"
#include "portal/internal.hpp"
#include "portal/portal.hpp"

namespace vp::portal {

namespace json = boost::json;
using core::Msg;
using core::db::Connection;
using namespace detail;

namespace {

// Bank details travel sealed as one JSON object: {"account", "branch"}.
std::string SealBank(const core::SecretBox& box, const Contribution& c) {
    return box.Seal(json::serialize(json::object{{"account", c.bank_account}, {"branch", c.bank_branch}}));
}

std::pair<std::string, std::string> OpenBank(const core::SecretBox* box, const std::string& sealed) {
    if (!box) return {};
    auto plain = box->Open(sealed);
    if (!plain) return {};
    boost::system::error_code ec;
    auto v = json::parse(plain.value(), ec);
    if (ec || !v.is_object()) return {};
    auto text = [&](std::string_view k) {
        const auto* x = v.as_object().if_contains(k);
        return x && x->is_string() ? std::string(x->as_string()) : std::string();
    };
    return {text("account"), text("branch")};
}

constexpr std::string_view kSelectContribution =
    "SELECT id, item_id, revision, user_id, full_name, title, unit_name, phone, bank_sealed, head_name, head_title,"
    " head_approved_on, head_approval_file, submitted_at FROM portal_contributions";

ContributionRecord ContributionFromRow(const core::db::Row& r, const core::SecretBox* box, bool bank_visible) {
    ContributionRecord c{.id = r.Int(0), .item_id = r.Int(1), .revision = r.Int(2), .user_id = r.Int(3)};
    c.details = {.full_name = r.Text(4),
                 .title = r.Text(5),
                 .unit = r.Text(6),
                 .phone = r.Text(7),
                 .head_name = r.Text(9),
                 .head_title = r.Text(10),
                 .head_approved_on = r.Text(11),
                 .head_approval_file = r.Text(12)};
    auto [account, branch] = OpenBank(box, r.Text(8));
    c.details.bank_account = bank_visible ? account : MaskBankAccount(account);
    c.details.bank_branch = bank_visible ? branch : std::string();
    c.bank_visible = bank_visible;
    c.submitted_at = core::FromMillis(r.Int(13));
    return c;
}

}  // namespace

core::Result<Contribution> Service::CompleteContribution(const Principal& who, const Item& item, Contribution c) const {
    if (!settings_.secrets) return core::Error{core::ErrorCode::kUnavailable, Msg("portal.contributions_unavailable"), {}};
    // What is left empty comes from the contributor's last submission on this portal.
    auto last = db_.Read([&](Connection& conn) {
        return conn.QueryOne("SELECT full_name, title, unit_name, phone, bank_sealed FROM portal_contributor_profiles"
                             " WHERE user_id = $1 AND portal_id = $2",
                             {who.user_id, item.portal_id});
    });
    if (last) {
        auto fill = [](std::string& field, const std::string& saved) {
            if (core::Trim(field).empty()) field = saved;
        };
        fill(c.full_name, last->Text(0));
        fill(c.title, last->Text(1));
        fill(c.unit, last->Text(2));
        fill(c.phone, last->Text(3));
        auto [account, branch] = OpenBank(settings_.secrets, last->Text(4));
        fill(c.bank_account, account);
        fill(c.bank_branch, branch);
    }
    return CheckContribution(std::move(c), LocalDate(clock_.Now(), item.time_zone));
}

void Service::StoreContribution(Connection& c, const Item& item, const Contribution& d, std::int64_t user_id) {
    const auto now = Ms(clock_.Now());
    const auto sealed = SealBank(*settings_.secrets, d);
    c.Execute(
        "INSERT INTO portal_contributions (item_id, revision, portal_id, user_id, full_name, title, unit_name, phone,"
        " bank_sealed, head_name, head_title, head_approved_on, head_approval_file, submitted_at)"
        " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)",
        {item.id, item.current_revision, item.portal_id, user_id, d.full_name, d.title, d.unit, d.phone, sealed,
         d.head_name, d.head_title, d.head_approved_on, d.head_approval_file, now});
    // One statement: two first submissions at once cannot both insert.
    c.Execute(
        "INSERT INTO portal_contributor_profiles (user_id, portal_id, full_name, title, unit_name, phone,"
        " bank_sealed, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)"
        " ON CONFLICT (user_id, portal_id) DO UPDATE SET full_name = excluded.full_name, title = excluded.title,"
        " unit_name = excluded.unit_name, phone = excluded.phone, bank_sealed = excluded.bank_sealed,"
        " updated_at = excluded.updated_at",
        {user_id, item.portal_id, d.full_name, d.title, d.unit, d.phone, sealed, now});
}

void Service::RecordRoyalty(Connection& c, const Item& before, const Item& after) {
    if (!RoyaltyArises({.first_publication = !before.first_published_at, .integrated = before.integrated_from != 0}))
        return;
    const auto published = after.first_published_at.value_or(clock_.Now());
    const auto& grade = after.current.fields.royalty_grade;
    // The payee: the contributor who submitted it, else the item's author (its first revision).
    std::int64_t payee = after.created_by;
    std::string payee_name;
    core::db::Value contribution;
    if (auto k = c.QueryOne("SELECT id, user_id, full_name FROM portal_contributions WHERE item_id = $1"
                            " ORDER BY id DESC LIMIT 1",
                            {after.id})) {
        contribution = k->Int(0);
        payee = k->Int(1);
        payee_name = k->Text(2);
    } else if (auto r = c.QueryOne("SELECT created_by_name FROM portal_revisions WHERE item_id = $1 AND no = 1",
                                   {after.id})) {
        payee_name = r->Text(0);
    }
    core::db::Value rate_id;
    std::int64_t amount = 0;
    if (auto rate = c.QueryOne("SELECT id, amount FROM portal_royalty_rates WHERE portal_id = $1 AND kind = $2"
                               " AND grade = $3 AND valid_from <= $4 ORDER BY valid_from DESC, id DESC LIMIT 1",
                               {after.portal_id, after.kind, grade, Ms(published)})) {
        rate_id = rate->Int(0);
        amount = rate->Int(1);
    }
    // At most one per item (the unique index), whatever happens to it later.
    if (c.QueryOne("SELECT 1 FROM portal_royalties WHERE item_id = $1", {after.id})) return;
    c.Execute(
        "INSERT INTO portal_royalties (item_id, portal_id, payee_user_id, payee_name, contribution_id, kind, grade,"
        " amount, rate_id, title, published_at, quarter) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
        {after.id, after.portal_id, payee, payee_name, contribution, after.kind, grade, amount, rate_id,
         after.current.fields.title, Ms(published), QuarterOf(published, after.time_zone)});
}

std::vector<Action> Service::AllowedActions(const Principal& who, const Item& item) const {
    std::vector<Action> out;
    for (auto a : {Action::kSubmit, Action::kTake, Action::kSendToReview, Action::kApprove, Action::kSendBack,
                   Action::kPublish, Action::kSchedule, Action::kTakeDown, Action::kWithdraw}) {
        auto step = PlanAction(FactsOf(item), a);
        if (!step) continue;
        // A take-down is a director's decision (OpenTakedown decides who; see takedown_service.cpp).
        const auto permission = a == Action::kTakeDown ? kItemDirect : step->permission;
        if (AuthorizeOn(who, permission, item, step->author_may)) out.push_back(a);
    }
    return out;
}

bool Service::SubmitsAsContributor(const Principal& who, const Item& item) const {
    auto step = PlanAction(FactsOf(item), Action::kSubmit);
    if (!step) return false;
    auto actor = AuthorizeOn(who, step->permission, item, step->author_may);
    return actor && actor->role == "contributor";
}

core::Result<std::vector<ContributionRecord>> Service::Contributions(const Principal& who, std::int64_t item_id) const {
    auto item = GetItem(who, item_id);
    if (!item) return item.error();
    const bool bank = static_cast<bool>(policy_.Authorize(who, kRoyaltyManage, ScopeOf(item.value())));
    if (!bank && !policy_.Authorize(who, kItemRead, ScopeOf(item.value())) && item->created_by != who.user_id)
        return core::Forbidden(Msg("portal.not_allowed"));
    auto out = db_.Read([&](Connection& c) {
        std::vector<ContributionRecord> list;
        for (const auto& r : c.Query(std::string(kSelectContribution) + " WHERE item_id = $1 ORDER BY id", {item_id})) {
            list.push_back(ContributionFromRow(r, settings_.secrets, bank));
        }
        return list;
    });
    // Bank details read in clear are recorded (P-9).
    if (bank && !out.empty()) {
        db_.Transact([&](Connection& c) {
            auto actor = policy_.Authorize(who, kRoyaltyManage, ScopeOf(item.value()));
            audit_.Write(c, actor.value(),
                         {"portal.contributions.read", "portal_item", std::to_string(item_id), nullptr,
                          json::object{{"contributions", static_cast<std::int64_t>(out.size())}}});
        });
    }
    return out;
}

core::Result<std::optional<ContributionRecord>> Service::OwnContributorProfile(const Principal& who,
                                                                               const std::string& portal_code) const {
    auto portal = PortalOrError(portal_code);
    if (!portal) return portal.error();
    if (auto a = AuthorizeOnPortal(who, kItemCreate, portal.value()); !a) return a.error();
    return db_.Read([&](Connection& c) -> std::optional<ContributionRecord> {
        auto r = c.QueryOne("SELECT full_name, title, unit_name, phone, bank_sealed, updated_at"
                            " FROM portal_contributor_profiles WHERE user_id = $1 AND portal_id = $2",
                            {who.user_id, portal->id});
        if (!r) return std::nullopt;
        ContributionRecord out{.user_id = who.user_id};
        out.details = {.full_name = r->Text(0), .title = r->Text(1), .unit = r->Text(2), .phone = r->Text(3)};
        auto [account, branch] = OpenBank(settings_.secrets, r->Text(4));
        out.details.bank_account = MaskBankAccount(account);
        out.submitted_at = core::FromMillis(r->Int(5));
        return out;
    });
}

core::Result<std::vector<RoyaltyRate>> Service::RoyaltyRates(const Principal& who, const std::string& portal_code) const {
    auto portal = PortalOrError(portal_code);
    if (!portal) return portal.error();
    if (auto a = AuthorizeOnPortal(who, kRoyaltyRead, portal.value()); !a) return a.error();
    return db_.Read([&](Connection& c) {
        // The rate in force now per kind and grade (later rows replace earlier ones).
        std::map<std::pair<std::string, std::string>, RoyaltyRate> latest;
        for (const auto& r : c.Query("SELECT id, kind, grade, amount, valid_from FROM portal_royalty_rates"
                                     " WHERE portal_id = $1 AND valid_from <= $2 ORDER BY valid_from, id",
                                     {portal->id, Ms(clock_.Now())})) {
            latest[{r.Text(1), r.Text(2)}] = {.id = r.Int(0), .kind = r.Text(1), .grade = r.Text(2), .amount = r.Int(3),
                                              .valid_from = core::FromMillis(r.Int(4))};
        }
        std::vector<RoyaltyRate> out;
        for (auto& [k, v] : latest) out.push_back(std::move(v));
        return out;
    });
}

core::Result<RoyaltyRate> Service::SetRoyaltyRate(const Principal& who, const std::string& portal_code, RoyaltyRate rate) {
    auto portal = PortalOrError(portal_code);
    if (!portal) return portal.error();
    auto actor = AuthorizeOnPortal(who, kRoyaltyManage, portal.value());
    if (!actor) return actor.error();
    const auto& kinds = ItemKinds();
    if (std::find(kinds.begin(), kinds.end(), rate.kind) == kinds.end())
        return core::InvalidField("kind", Msg("portal.kind_invalid"));
    auto grade = CleanText("grade", rate.grade, 40);
    if (!grade) return grade.error();
    if (grade->empty()) return core::InvalidField("grade", Msg("portal.grade_required"));
    rate.grade = grade.value();
    if (rate.amount < 0 || rate.amount > 1'000'000'000)
        return core::InvalidField("amount", Msg("portal.amount_invalid"));
    if (rate.valid_from == core::TimePoint{}) rate.valid_from = clock_.Now();
    return db_.Transact([&](Connection& c) -> core::Result<RoyaltyRate> {
        rate.id = c.QueryOne("INSERT INTO portal_royalty_rates (portal_id, kind, grade, amount, valid_from, created_by,"
                             " created_at) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
                             {portal->id, rate.kind, rate.grade, rate.amount, Ms(rate.valid_from), who.user_id,
                              Ms(clock_.Now())})
                      ->Int(0);
        audit_.Write(c, actor.value(),
                     {"portal.royalty_rate.set", "portal_royalty_rate", std::to_string(rate.id), nullptr,
                      json::object{{"portal", portal->code},
                                   {"kind", rate.kind},
                                   {"grade", rate.grade},
                                   {"amount", rate.amount},
                                   {"valid_from", calendar::FormatIso(rate.valid_from, portal->time_zone)}}});
        return rate;
    });
}

core::Result<RoyaltyReport> Service::Royalties(const Principal& who, const std::string& portal_code,
                                               const std::string& quarter) const {
    auto portal = PortalOrError(portal_code);
    if (!portal) return portal.error();
    auto actor = AuthorizeOnPortal(who, kRoyaltyRead, portal.value());
    if (!actor) return actor.error();
    if (auto b = QuarterBounds(quarter, portal->time_zone); !b) return b.error();
    const bool bank = static_cast<bool>(AuthorizeOnPortal(who, kRoyaltyManage, portal.value()));
    RoyaltyReport rep{.portal = portal->code, .portal_name = portal->name_vi, .quarter = quarter, .bank_visible = bank};
    db_.Read([&](Connection& c) {
        for (const auto& r : c.Query(
                 "SELECT y.item_id, y.title, y.kind, y.grade, y.amount, y.rate_id, y.published_at, y.payee_user_id,"
                 " y.payee_name, COALESCE(k.bank_sealed, p.bank_sealed, '')"
                 " FROM portal_royalties y LEFT JOIN portal_contributions k ON k.id = y.contribution_id"
                 " LEFT JOIN portal_contributor_profiles p ON p.user_id = y.payee_user_id AND p.portal_id = y.portal_id"
                 " WHERE y.portal_id = $1 AND y.quarter = $2 ORDER BY y.payee_name, y.payee_user_id, y.published_at",
                 {portal->id, quarter})) {
            RoyaltyLine l{.item_id = r.Int(0), .title = r.Text(1), .kind = r.Text(2), .grade = r.Text(3),
                          .amount = r.Int(4), .rated = !r.IsNull(5), .published_at = core::FromMillis(r.Int(6)),
                          .payee_user_id = r.Int(7), .payee_name = r.Text(8)};
            if (!r.Text(9).empty()) {
                auto [account, branch] = OpenBank(settings_.secrets, r.Text(9));
                l.bank_account = bank ? account : MaskBankAccount(account);
                l.bank_branch = bank ? branch : std::string();
            }
            rep.total += l.amount;
            rep.lines.push_back(std::move(l));
        }
        return 0;
    });
    // Reading contributors' bank details is itself recorded (P-9).
    if (bank) {
        db_.Transact([&](Connection& c) {
            audit_.Write(c, actor.value(),
                         {"portal.royalties.read", "portal_royalties", portal->code, nullptr,
                          json::object{{"quarter", quarter}, {"lines", static_cast<std::int64_t>(rep.lines.size())}}});
        });
    }
    return rep;
}

json::object ToJson(const ContributionRecord& c, std::string_view time_zone) {
    const auto& d = c.details;
    return {{"id", c.id},
            {"item_id", c.item_id},
            {"revision", c.revision},
            {"user_id", c.user_id},
            {"full_name", d.full_name},
            {"title", d.title},
            {"unit", d.unit},
            {"phone", d.phone},
            {"bank_account", d.bank_account},
            {"bank_branch", d.bank_branch},
            {"bank_visible", c.bank_visible},
            {"head_name", d.head_name},
            {"head_title", d.head_title},
            {"head_approved_on", d.head_approved_on},
            {"head_approval_file", d.head_approval_file},
            {"submitted_at", calendar::FormatIso(c.submitted_at, time_zone)}};
}

json::object ToJson(const RoyaltyRate& r, std::string_view time_zone) {
    return {{"id", r.id}, {"kind", r.kind}, {"grade", r.grade}, {"amount", r.amount},
            {"valid_from", calendar::FormatIso(r.valid_from, time_zone)}};
}

json::object ToJson(const RoyaltyReport& r, std::string_view time_zone) {
    json::array lines;
    std::map<std::int64_t, json::object> payees;
    std::vector<std::int64_t> order;
    for (const auto& l : r.lines) {
        lines.push_back(json::object{{"item_id", l.item_id},
                                     {"title", l.title},
                                     {"kind", l.kind},
                                     {"grade", l.grade},
                                     {"amount", l.amount},
                                     {"rated", l.rated},
                                     {"published_at", calendar::FormatIso(l.published_at, time_zone)},
                                     {"payee_user_id", l.payee_user_id},
                                     {"payee_name", l.payee_name}});
        auto [it, fresh] = payees.try_emplace(l.payee_user_id);
        if (fresh) {
            order.push_back(l.payee_user_id);
            it->second = {{"payee_user_id", l.payee_user_id}, {"payee_name", l.payee_name}, {"items", 0}, {"amount", 0},
                          {"bank_account", l.bank_account}, {"bank_branch", l.bank_branch}};
        }
        it->second["items"] = it->second["items"].as_int64() + 1;
        it->second["amount"] = it->second["amount"].as_int64() + l.amount;
    }
    json::array per_payee;
    for (auto id : order) per_payee.push_back(payees[id]);
    return {{"portal", r.portal}, {"quarter", r.quarter}, {"total", r.total}, {"bank_visible", r.bank_visible},
            {"payees", per_payee}, {"items", lines}};
}

std::string RoyaltiesXlsx(const RoyaltyReport& r, std::string_view time_zone) {
    using core::xlsx::Column;
    using core::xlsx::ColumnType;
    core::xlsx::Sheet items{.name = "Tin bài " + r.quarter,
                            .columns = {{"Mã tin", ColumnType::kInteger},
                                        {"Tiêu đề"},
                                        {"Loại"},
                                        {"Mức"},
                                        {"Xuất bản lần đầu", ColumnType::kDateTime},
                                        {"Người hưởng"},
                                        {"Nhuận bút", ColumnType::kMoneyVnd}},
                            .totals_label = "Tổng cộng"};
    struct Total {
        std::string name, account, branch;
        std::int64_t n = 0, amount = 0;
    };
    std::vector<std::int64_t> order;
    std::map<std::int64_t, Total> totals;
    for (const auto& l : r.lines) {
        items.rows.push_back({l.item_id, l.title, l.kind, l.grade.empty() ? std::string("(chưa xếp mức)") : l.grade,
                              core::ToMillis(l.published_at), l.payee_name, l.amount});
        auto [it, fresh] = totals.try_emplace(l.payee_user_id, Total{l.payee_name, l.bank_account, l.bank_branch});
        if (fresh) order.push_back(l.payee_user_id);
        ++it->second.n;
        it->second.amount += l.amount;
    }
    core::xlsx::Sheet payees{.name = "Người hưởng",
                             .columns = {{"Người hưởng"},
                                         {"Số tài khoản"},
                                         {"Chi nhánh ngân hàng"},
                                         {"Số tin bài", ColumnType::kInteger},
                                         {"Nhuận bút", ColumnType::kMoneyVnd}},
                             .totals_label = "Tổng cộng"};
    for (auto id : order) {
        const auto& t = totals[id];
        payees.rows.push_back({t.name, t.account, t.branch, t.n, t.amount});
    }
    (void)time_zone;  // date-times are shown in UTC+7 (WorkbookInfo), the portals' zone
    return core::xlsx::WriteXlsx({payees, items}, {.title = "Nhuận bút " + r.quarter + " — " + r.portal_name,
                                                   .subject = "Báo cáo nhuận bút theo quý (P-17)"});
}

}  // namespace vp::portal
