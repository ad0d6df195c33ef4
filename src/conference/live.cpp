// The day (C-8, Art. 12): the sites' check-in beats and health on the IT centre's board, the
// speaking queue, the running order, the video adapters and the portal's news.
#include <algorithm>
#include <map>

#include <boost/json.hpp>
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "conference/conference.hpp"
#include "conference/internal.hpp"
#include "conference/video.hpp"
#include "core/db/errors.hpp"
#include "core/message.hpp"
#include "core/text.hpp"

namespace vp::conference {

namespace json = boost::json;
using core::Msg;
using core::db::Connection;
using namespace detail;

namespace {
bool Open(const Conference& c) { return c.state == "proposed" || c.state == "preparing" || c.state == "live"; }
}  // namespace

core::Result<Site> Service::Beat(const Principal& who, std::int64_t conference, std::int64_t site_id,
                                 rules::Link measured) {
    auto at = Locate(who, conference, site_id);
    if (!at) return at.error();
    const auto* conf = &at->conf;
    const auto* site = &at->site;
    // The site's own operator; the IT centre may test any site's line.
    auto actor = AuthorizeSite(who, *site);
    if (!actor) actor = AuthorizeUnit(who, kRun, settings_.units.it_centre);
    if (!actor) return actor.error();
    if (!Open(*conf)) return core::Conflict(Msg("conference.state_wrong", {{"state", conf->state}}));
    measured.rtt_ms = std::clamp(measured.rtt_ms, 0, 60000);
    measured.jitter_ms = std::clamp(measured.jitter_ms, 0, 60000);
    measured.loss_pct = std::clamp(measured.loss_pct, 0, 100);
    const auto now = clock_.Now();
    measured.last_seen = now;
    const auto health = rules::HealthOf(measured, now);
    const auto code = std::string(rules::HealthCode(health));
    return db_.Transact([&](Connection& c) -> core::Result<Site> {
        auto before = c.QueryOne("SELECT health FROM conference_sites WHERE id = $1", {site_id});
        c.Execute("UPDATE conference_sites SET last_seen_at = $1, rtt_ms = $2, jitter_ms = $3, loss_pct = $4,"
                  " health = $5 WHERE id = $6",
                  {Ms(now), measured.rtt_ms, measured.jitter_ms, measured.loss_pct, code, site_id});
        // A good line before the day ticks the site's connection test (C-12).
        if (health == rules::Health::kGood && conf->state != "live") {
            auto items = site->checklist;
            for (auto& i : items) {
                if (i.code == "connection_test" && !i.done) {
                    i.done = true;
                    i.at = now;
                    i.note = fmt::format("RTT {} ms", measured.rtt_ms);
                    c.Execute("UPDATE conference_sites SET checklist_json = $1 WHERE id = $2", {ChecklistJson(items), site_id});
                }
            }
        }
        // Connections are audited when they change state, not at every beat.
        if (!before || before->Text(0) != code) {
            audit_.Write(c, actor.value(), {"conference.site.health", "conference_site", std::to_string(site_id),
                                            before ? json::value(before->Text(0)) : json::value(nullptr), json::value(code)});
        }
        events_.Publish(c, core::Event{.topic = "conference.live",
                                       .data_json = json::serialize(json::object{{"conference", conference},
                                                                                 {"what", "health"},
                                                                                 {"subject", site_id},
                                                                                 {"health", code},
                                                                                 {"rtt_ms", measured.rtt_ms},
                                                                                 {"jitter_ms", measured.jitter_ms},
                                                                                 {"loss_pct", measured.loss_pct},
                                                                                 {"seen_at", Ms(now)}})});
        auto s = SiteFromRow(*c.QueryOne(std::string(kSelectSite) + " WHERE id = $1", {site_id}));
        FillSite(s);
        return s;
    });
}

core::Result<std::vector<Site>> Service::LiveBoard(const Principal& who, std::int64_t conference) const {
    auto conf = Visible(who, conference);
    if (!conf) return conf.error();
    if (!AuthorizeOffice(who, kRead)) return core::Forbidden(Msg("conference.not_allowed"));
    std::vector<Site> out;
    for (const auto& s : conf->sites) {
        if (s.status == "active") out.push_back(s);
    }
    return out;
}

core::Result<SpeakingRequest> Service::AskToSpeak(const Principal& who, std::int64_t conference, std::int64_t site_id,
                                                  std::string topic) {
    auto at = Locate(who, conference, site_id);
    if (!at) return at.error();
    const auto* conf = &at->conf;
    const auto* site = &at->site;
    auto actor = AuthorizeSite(who, *site);
    if (!actor) return actor.error();
    if (conf->state != "live") return core::Conflict(Msg("conference.not_live"));
    auto text = Required("topic", topic, 500, false);
    if (!text) return text.error();
    if (auto ok = CheckNotSecret("thuong", {*text}); !ok) return ok.error();
    const auto now = clock_.Now();
    try {
        return db_.Transact([&](Connection& c) -> core::Result<SpeakingRequest> {
            auto id = c.QueryOne("INSERT INTO conference_speaking (conference_id, site_id, topic, requested_by,"
                                 " requested_at) VALUES ($1, $2, $3, $4, $5) RETURNING id",
                                 {conference, site_id, *text, who.user_id, Ms(now)})
                          ->Int(0);
            audit_.Write(c, actor.value(), {"conference.speaking.request", "conference_speaking", std::to_string(id),
                                            nullptr, json::object{{"site", site_id}, {"topic", *text}}});
            Publish(c, conference, "speaking", id);
            return SpeakingRequest{.id = id, .site_id = site_id, .site_name = site->name, .topic = *text,
                                   .state = "waiting", .requested_at = now};
        });
    } catch (const core::db::UniqueViolation&) {
        return core::Conflict(Msg("conference.speaking_open"));
    }
}

core::Result<SpeakingRequest> Service::Speaking(const Principal& who, std::int64_t conference, std::int64_t request,
                                                std::string_view action) {
    auto conf = Visible(who, conference);
    if (!conf) return conf.error();
    auto row = db_.Read([&](Connection& c) {
        return c.QueryOne("SELECT site_id, topic, state, requested_at FROM conference_speaking WHERE id = $1 AND"
                          " conference_id = $2",
                          {request, conference});
    });
    if (!row) return core::NotFound(Msg("conference.speaking_not_found"));
    auto site = SiteOf(*conf, row->Int(0));
    if (!site) return site.error();
    // The IT centre takes the requests and gives the floor (Art. 12); a site may withdraw its own.
    auto actor = rules::IsSiteAction(action) ? AuthorizeSite(who, *site)
                                             : AuthorizeUnit(who, kRun, settings_.units.it_centre);
    if (!actor) return actor.error();
    const auto from = row->Text(2);
    auto to = rules::SpeakingStep(from, action);
    if (!to) return core::Conflict(Msg("conference.speaking_step_wrong", {{"state", from}}));
    const auto now = clock_.Now();
    try {
    return db_.Transact([&](Connection& c) -> core::Result<SpeakingRequest> {
        // One site speaks at a time (and a unique index holds it under concurrent starts).
        if (*to == "speaking" &&
            c.QueryOne("SELECT 1 FROM conference_speaking WHERE conference_id = $1 AND state = 'speaking'", {conference}))
            return core::Conflict(Msg("conference.someone_speaking"));
        int position = 0;
        if (*to == "granted") {
            position = static_cast<int>(
                c.QueryOne("SELECT COALESCE(MAX(position), 0) + 1 FROM conference_speaking WHERE conference_id = $1",
                           {conference})
                    ->Int(0));
        }
        if (c.Execute("UPDATE conference_speaking SET state = $1, decided_by = $2, decided_at = $3,"
                      " position = CASE WHEN $4 > 0 THEN $4 ELSE position END WHERE id = $5 AND state = $6",
                      {*to, who.user_id, Ms(now), position, request, from}) != 1)
            return core::Conflict(Msg("conference.changed_meanwhile"));
        audit_.Write(c, actor.value(), {"conference.speaking." + std::string(action), "conference_speaking",
                                        std::to_string(request), json::value(from), json::value(*to)});
        Publish(c, conference, "speaking", request);
        return SpeakingRequest{.id = request, .site_id = site->id, .site_name = site->name, .topic = row->Text(1),
                               .state = *to, .position = position, .requested_at = core::FromMillis(row->Int(3)),
                               .decided_at = now};
    });
    } catch (const core::db::UniqueViolation&) {
        return core::Conflict(Msg("conference.someone_speaking"));
    }
}

core::Result<std::vector<SpeakingRequest>> Service::Queue(const Principal& who, std::int64_t conference) const {
    auto conf = Visible(who, conference);
    if (!conf) return conf.error();
    std::map<std::int64_t, std::string> names;
    for (const auto& s : conf->sites) names[s.id] = s.name;
    return db_.Read([&](Connection& c) {
        std::vector<SpeakingRequest> out;
        // Speaking first, then those granted in their order, then waiting by arrival, then the rest.
        for (const auto& r : c.Query(
                 "SELECT id, site_id, topic, state, position, requested_at, decided_at FROM conference_speaking WHERE"
                 " conference_id = $1 ORDER BY CASE state WHEN 'speaking' THEN 0 WHEN 'granted' THEN 1 WHEN 'waiting'"
                 " THEN 2 ELSE 3 END, CASE WHEN state = 'granted' THEN position ELSE 0 END, requested_at, id",
                 {conference})) {
            out.push_back({r.Int(0), r.Int(1), names[r.Int(1)], r.Text(2), r.Text(3), static_cast<int>(r.Int(4)),
                           core::FromMillis(r.Int(5)), OptTime(r, 6)});
        }
        return out;
    });
}

core::Result<Conference> Service::SetCurrentItem(const Principal& who, std::int64_t conference, std::int64_t item) {
    auto conf = Visible(who, conference);
    if (!conf) return conf;
    auto actor = AuthorizeUnit(who, kRun, settings_.units.it_centre);
    if (!actor) return actor.error();
    if (conf->state != "live") return core::Conflict(Msg("conference.not_live"));
    const auto found = std::find_if(conf->agenda.begin(), conf->agenda.end(), [&](const AgendaItem& a) { return a.id == item; });
    if (found == conf->agenda.end()) return core::NotFound(Msg("conference.agenda_item_not_found"));
    return Filled(db_.Transact([&](Connection& c) -> core::Result<Conference> {
        c.Execute("UPDATE conference_agenda SET state = 'done' WHERE conference_id = $1 AND state = 'current'", {conference});
        c.Execute("UPDATE conference_agenda SET state = 'current' WHERE id = $1", {item});
        audit_.Write(c, actor.value(), {"conference.agenda.current", "conference_agenda", std::to_string(item), nullptr,
                                        json::value(found->title)});
        Publish(c, conference, "agenda", item);
        return Load(c, conference);
    }));
}

core::Result<Join> Service::JoinVideo(const Principal& who, std::int64_t conference, std::int64_t site_id) const {
    auto conf = Visible(who, conference);
    if (!conf) return conf.error();
    const bool run = AuthorizeUnit(who, kRun, settings_.units.it_centre).ok();
    std::string name = "Trung tâm Công nghệ thông tin";
    if (site_id) {
        auto site = SiteOf(*conf, site_id);
        if (!site) return site.error();
        if (!run && !AuthorizeSite(who, *site)) return core::Forbidden(Msg("conference.not_allowed"));
        name = site->name;
    } else if (!run) {
        return core::Forbidden(Msg("conference.not_allowed"));
    }
    if (conf->video_provider == "none" || conf->video_provider.empty())
        return core::Conflict(Msg("conference.video_not_configured"));
    if (!Open(*conf)) return core::Conflict(Msg("conference.state_wrong", {{"state", conf->state}}));
    auto sealed = db_.Read([&](Connection& c) {
        return c.QueryOne("SELECT video_secret FROM conference_conferences WHERE id = $1", {conference})->Text(0);
    });
    auto secret = box_.Open(sealed);
    if (!secret) return core::Conflict(Msg("conference.video_not_configured"));
    const auto now = std::chrono::duration_cast<std::chrono::seconds>(clock_.Now().time_since_epoch()).count();
    const auto ends = std::chrono::duration_cast<std::chrono::seconds>(conf->ends_at.time_since_epoch()).count();
    Join j{.provider = conf->video_provider};
    if (conf->video_provider == "jitsi") {
        std::string domain = conf->video_url.substr(conf->video_url.find("://") + 3);
        domain = domain.substr(0, domain.find('/'));
        video::JitsiClaims claims{.iss = conf->video_app_id, .aud = "jitsi", .sub = domain, .room = conf->video_room,
                                  .iat = now, .nbf = now - 60, .exp = std::max(ends, now) + 3600, .name = name,
                                  .moderator = run && site_id == 0};
        j.token = video::JitsiToken(claims, *secret);
        j.url = video::JitsiUrl(conf->video_url, conf->video_room, j.token);
    } else {
        j.url = video::BbbUrl(conf->video_url, "join",
                              {{"fullName", name}, {"meetingID", conf->video_room},
                               {"role", run && site_id == 0 ? "MODERATOR" : "VIEWER"}, {"redirect", "true"}},
                              *secret);
        if (run)
            j.create_url = video::BbbUrl(conf->video_url, "create",
                                         {{"name", conf->title}, {"meetingID", conf->video_room}, {"record", "false"}},
                                         *secret);
    }
    return j;
}

core::Result<std::int64_t> Service::DraftNews(const Principal& who, std::int64_t conference) {
    auto conf = Visible(who, conference);
    if (!conf) return conf.error();
    // The IT centre reports the conference on the portal (Art. 12), as one of the portal's editors.
    if (auto run = AuthorizeUnit(who, kRun, settings_.units.it_centre); !run) return run.error();
    if (!settings_.news) return core::Conflict(Msg("conference.news_unavailable"));
    if (conf->news_item_id) return core::Conflict(Msg("conference.news_exists"));
    // The portal's own service decides whether this person may write on it (its editors).
    auto item = settings_.news(who, *conf);
    if (!item) return item.error();
    db_.Transact([&](Connection& c) {
        if (c.Execute("UPDATE conference_conferences SET news_item_id = $1 WHERE id = $2 AND news_item_id = 0",
                      {*item, conference}) != 1)
            spdlog::warn("conference {}: a second news draft {} was made concurrently", conference, *item);
        audit_.Write(c, who.ActorAs(), {"conference.news.draft", "conference", std::to_string(conference), nullptr,
                                        json::value(*item)});
    });
    return item;
}

}  // namespace vp::conference
