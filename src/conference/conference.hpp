#pragma once
// Conferences (C-1 … C-12; the regulation of the online conferences of the Central Party Office
// with the provincial offices, docs/conferences.md): the conference and its agenda, the sites
// from the unit registry with their attendees, checklists and hall and budget estimates, the
// preparation documents each with its owner, state and due time (province reports, the regional
// consolidation 3 days before, the convening documents), the day (site health, speaking queue,
// running order, video), and afterwards the minutes, the conclusions that become tracked tasks,
// and the answers to the provinces' proposals.
//
// Every method takes the acting principal and checks permission and unit scope itself.
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <boost/json/value.hpp>

#include "audit/audit.hpp"
#include "calendar/service.hpp"
#include "conference/rules.hpp"
#include "core/access.hpp"
#include "core/clock.hpp"
#include "core/db/database.hpp"
#include "core/events.hpp"
#include "core/result.hpp"
#include "core/secret_box.hpp"
#include "units/units.hpp"

namespace vp::tasks {
class Service;
}

namespace vp::conference {

using core::access::Permission;
using core::access::Principal;

// Permissions (roles in service.cpp, DeclareAccess).
inline constexpr Permission kRead{"conference.read"};          ///< see conferences (a site: those it takes part in)
inline constexpr Permission kOrganise{"conference.organise"};  ///< the office's departments: their documents, the conference
inline constexpr Permission kRun{"conference.run"};            ///< the IT centre: script, speaking queue, board, video
inline constexpr Permission kLead{"conference.lead"};          ///< the office's leadership: convene, approve
inline constexpr Permission kSite{"conference.site"};          ///< a bridge point: reports, checklist, check-in, speaking
void DeclareAccess(core::access::Policy& policy);

/// The units the regulation names, by their codes in the registry (data/units/seed.json).
struct Units {
    std::string office = "VPTW";               ///< Văn phòng Trung ương Đảng
    std::string local1 = "VPTW-VDP1";          ///< Vụ Địa phương I (Art. 7)
    std::vector<std::string> regions = {"VPTW-VDP1", "VPTW-VDP2", "VPTW-VDP3"};
    std::string organisation = "VPTW-VTCCB";   ///< Vụ Tổ chức - Cán bộ (Art. 9)
    std::string administration = "VPTW-VHCCY"; ///< Vụ Hành chính - Cơ yếu (Art. 11)
    std::string it_centre = "VPTW-TTCNTT";     ///< Trung tâm Công nghệ thông tin (Art. 12)
    /// The hubs (Art. 5, 10): Hà Nội (Cục Quản trị - Tài vụ), Đà Nẵng (T.26), TP. Hồ Chí Minh (T.78).
    std::vector<std::string> hubs = {"VPTW-CQTTV", "VPTW-T26", "VPTW-T78"};
};

struct AgendaItem {
    std::int64_t id = 0;
    int position = 0;
    std::string kind;  ///< rules::kAgendaKinds
    std::string title;
    std::string presenter;
    int minutes = 0;
    std::string state;  ///< pending | current | done
};

struct Attendee {
    std::int64_t id = 0;
    std::int64_t site_id = 0;
    std::string name, position;
    std::string category;  ///< chair | deputy_chair | delegation | provincial | guest
    bool present = false;
    std::optional<core::TimePoint> recorded_at;
};

struct ChecklistItem {
    std::string code;  ///< room | equipment | connection_test | staff
    bool done = false;
    std::string note;
    std::optional<core::TimePoint> at;
};

struct Site {
    std::int64_t id = 0;
    std::int64_t unit_id = 0;
    std::string unit_code, name;  ///< the registry's name today (follows renames)
    std::string kind;             ///< hub | bridge
    std::int64_t region_unit_id = 0;  ///< bridge points: the Vụ Địa phương that follows the province
    std::string region_code;
    std::string status;  ///< active | retired (its unit merged or dissolved; kept with its history)
    std::string note;
    std::vector<ChecklistItem> checklist;
    rules::Link link;
    rules::Health health = rules::Health::kNotConnected;
    int attendees = 0, present = 0;
};

struct Conference {
    std::int64_t id = 0;
    std::string kind;  ///< rules::kKinds
    std::string title, purpose;
    core::TimePoint starts_at{}, ends_at{};
    std::string chair;           ///< the Chief of the Office, or the deputy he authorises
    bool chair_is_deputy = false;
    std::string state;  ///< proposed | preparing | live | ended | concluded | cancelled
    core::TimePoint reports_due_at{}, consolidation_due_at{};
    std::string video_provider;  ///< none | jitsi | bbb
    std::string video_url, video_room, video_app_id;
    bool video_secret_set = false;
    std::int64_t news_item_id = 0;
    std::int64_t tasks_document_id = 0;
    std::int64_t created_by = 0;
    core::TimePoint created_at{};
    std::vector<AgendaItem> agenda;
    std::vector<Site> sites;
};

struct NewConference {
    std::string kind = "periodic";
    std::string title, purpose;
    std::optional<core::TimePoint> starts_at, ends_at;
    std::string chair;
    bool chair_is_deputy = false;
    std::optional<core::TimePoint> reports_due_at;  ///< default: 4 days before the consolidation
    /// Thematic conferences: the units whose sites take part (codes); others: every provincial
    /// office and the three hubs.
    std::vector<std::string> site_units;
};

struct VideoSettings {
    std::string provider;  ///< none | jitsi | bbb
    std::string url;       ///< https://meet.example.vn, https://bbb.example.vn/bigbluebutton
    std::string room;      ///< [a-z0-9-], the meeting's id
    std::string app_id;    ///< Jitsi: the token's iss
    std::string secret;    ///< Jitsi's app secret or BigBlueButton's shared secret; sealed; never shown
};

/// What a site (or the organiser) gets to join the video.
struct Join {
    std::string provider;
    std::string url;
    std::string token;       ///< Jitsi: the JWT
    std::string create_url;  ///< BigBlueButton, for the IT centre: the create call that opens the meeting
};

/// A preparation or follow-up document (Art. 7, 9, 11, 14), each with its owner and due time.
struct Document {
    std::int64_t id = 0;
    std::int64_t conference_id = 0;
    std::string kind;  ///< DocumentKinds()
    std::int64_t owner_unit_id = 0;
    std::string owner_code, owner_name;
    std::int64_t site_id = 0;  ///< province reports and implementation reports
    std::string state;         ///< pending | submitted | approved | issued
    core::TimePoint due_at{};
    std::string title, text;
    std::vector<std::string> files;  ///< /media/<sha256>
    int version = 0;
    std::optional<core::TimePoint> submitted_at;
    std::int64_t submitted_by = 0;
    std::optional<core::TimePoint> approved_at, issued_at;
    bool overdue = false;  ///< still expected and past its due time
};

/// Kinds of documents, their owners and steps.
struct DocumentKind {
    std::string code;
    std::string owner;  ///< "province", "region", or a key of Units ("local1", "organisation", "administration")
    bool approval = false;  ///< the leadership approves it before it is issued
    bool issue = false;     ///< Vụ Hành chính - Cơ yếu issues it (after approval when needed)
    int due_days = 0;       ///< days before the start (negative: after the end)
};
const std::vector<DocumentKind>& DocumentKinds();

struct Submission {
    std::string body;  ///< the text
    std::string title;
    std::vector<std::string> files;
    std::string classification = "thuong";
};

/// The board of submissions (Art. 7): each region with its provinces.
struct BoardRegion {
    std::string region_code, region_name;
    std::vector<Document> provinces;
    std::optional<Document> consolidated;
    int submitted = 0;
};

struct BudgetLine {
    std::int64_t id = 0;
    std::int64_t site_id = 0;
    std::string category;  ///< hall | equipment | connection | service | other
    std::string item;
    double quantity = 0;
    std::int64_t unit_price = 0;  ///< VND
    std::int64_t amount = 0;      ///< quantity × unit price, rounded
    std::string note;
};
inline const std::vector<std::string> kBudgetCategories = {"hall", "equipment", "connection", "service", "other"};

struct SpeakingRequest {
    std::int64_t id = 0;
    std::int64_t site_id = 0;
    std::string site_name;
    std::string topic;
    std::string state;  ///< rules::SpeakingStep
    int position = 0;   ///< order in the queue (granted requests by their grant)
    core::TimePoint requested_at{};
    std::optional<core::TimePoint> decided_at;
};

struct ConclusionItem {
    std::int64_t id = 0;
    int position = 0;
    std::string content;
    std::vector<std::string> lead_units;  ///< codes
    std::optional<core::TimePoint> deadline;
    std::int64_t task_id = 0;  ///< once issued: the tracked task (Tasks)
};

/// A province's proposal (Art. 4, 13): answered by the responsible unit, tracked to the end.
struct Proposal {
    std::int64_t id = 0;
    std::int64_t site_id = 0;
    std::string site_name;
    std::string text;
    std::int64_t responsible_unit_id = 0;
    std::string responsible_name;
    std::optional<core::TimePoint> due_at;
    std::string answer;
    std::optional<core::TimePoint> answered_at;
    std::string state;  ///< open | assigned | answered | closed
    bool overdue = false;
};

/// Issuing the conclusions (Art. 9, 11): the signed document for the Tasks register.
struct Issue {
    std::string number, symbol, signer;
    std::string issued_on;  ///< YYYY-MM-DD
    std::vector<std::string> files;
    std::optional<core::TimePoint> reports_due_at;  ///< the provinces' implementation reports (C-12)
};

/// A draft news item for the portal (the portal's own service checks its permission).
using NewsFn = std::function<core::Result<std::int64_t>(const Principal& who, const Conference& c)>;

struct Settings {
    Units units;
    rules::Schedule schedule;
    /// Who to tell (the notification centre, and e-mail when configured).
    std::function<void(core::db::Connection&, std::int64_t user, const std::string& title, const std::string& body,
                       const std::string& link)>
        notify;
    std::function<std::vector<std::int64_t>(core::db::Connection&, Permission, const core::access::Scope&)> holders;
    /// The provinces' default regional departments (province office code → Vụ Địa phương code).
    std::vector<std::pair<std::string, std::string>> default_regions;
    NewsFn news;
    /// The name `user` gave the file at `url` (/media/<sha256>) when he uploaded it for a
    /// conference; nullopt when he did not (another module's file, or someone else's).
    std::function<std::optional<std::string>(const std::string& url, std::int64_t user)> file_name;
};

class Service {
public:
    Service(core::db::Database& db, audit::Log& audit, const core::Clock& clock, const core::access::Policy& policy,
            const units::Service& units, const calendar::Service& calendars, core::EventBus& events,
            const core::SecretBox& box, tasks::Service* tasks, Settings settings);

    // Conferences and sites (C-1 … C-4).
    core::Result<Conference> Create(const Principal& who, NewConference in);
    core::Result<Conference> Get(const Principal& who, std::int64_t id) const;
    std::vector<Conference> List(const Principal& who) const;
    /// confirm (a proposed periodic one) | start | end | cancel.
    core::Result<Conference> Act(const Principal& who, std::int64_t id, std::string_view action);
    core::Result<Conference> SetAgenda(const Principal& who, std::int64_t id, std::vector<AgendaItem> items);
    core::Result<Conference> SetVideo(const Principal& who, std::int64_t id, VideoSettings v);
    /// Brings the sites in line with the registry (merges, new offices) while not yet held.
    int SyncSites(std::int64_t conference_id);
    /// Proposes the next periodic conference from the schedule when none is planned within
    /// `ahead` days; returns its id or 0.
    std::int64_t ProposePeriodic(int ahead_days = 60);

    // The regional mapping (Art. 7).
    std::vector<std::pair<units::Unit, units::Unit>> Regions() const;  ///< province office → department
    core::Status SetRegion(const Principal& who, const std::string& province, const std::string& department);

    // Attendees, checklist, budget (C-4, C-9, C-12).
    core::Result<Attendee> AddAttendee(const Principal& who, std::int64_t conference, std::int64_t site, Attendee a);
    core::Result<Attendee> MarkPresent(const Principal& who, std::int64_t conference, std::int64_t attendee, bool present);
    std::vector<Attendee> Attendees(const Principal& who, std::int64_t conference, std::int64_t site) const;
    core::Result<Site> SetChecklist(const Principal& who, std::int64_t conference, std::int64_t site,
                                    std::vector<ChecklistItem> items);
    core::Result<BudgetLine> AddBudgetLine(const Principal& who, std::int64_t conference, BudgetLine l);
    core::Status RetireBudgetLine(const Principal& who, std::int64_t conference, std::int64_t line);
    core::Result<std::vector<BudgetLine>> Budget(const Principal& who, std::int64_t conference) const;
    /// The estimates as a workbook: one sheet per site and a summary with the totals.
    core::Result<std::string> BudgetXlsx(const Principal& who, std::int64_t conference, const std::string& lang) const;

    // Preparation (C-5, C-6, C-7, C-10).
    core::Result<std::vector<Document>> Documents(const Principal& who, std::int64_t conference) const;
    core::Result<Document> GetDocument(const Principal& who, std::int64_t conference, std::int64_t doc) const;
    /// submit (the owner; again for a new version while not issued) | approve (leadership) |
    /// issue (Vụ Hành chính - Cơ yếu; conclusions: use IssueConclusions) | return (to the owner).
    core::Result<Document> Submit(const Principal& who, std::int64_t conference, std::int64_t doc, Submission s);
    core::Result<Document> Decide(const Principal& who, std::int64_t conference, std::int64_t doc,
                                  std::string_view action, std::string comment);
    core::Result<Document> SetDue(const Principal& who, std::int64_t conference, std::int64_t doc, core::TimePoint due);
    core::Result<std::vector<BoardRegion>> Board(const Principal& who, std::int64_t conference) const;
    /// Reminders of documents due soon or overdue, once per document and level; returns how many.
    int Remind();
    bool MayReadFile(const Principal& who, std::string_view sha256) const;

    // The day (C-8).
    /// A beat of a site's check-in page with what the page measured; returns the site's health.
    core::Result<Site> Beat(const Principal& who, std::int64_t conference, std::int64_t site, rules::Link measured);
    core::Result<std::vector<Site>> LiveBoard(const Principal& who, std::int64_t conference) const;
    core::Result<SpeakingRequest> AskToSpeak(const Principal& who, std::int64_t conference, std::int64_t site,
                                             std::string topic);
    core::Result<SpeakingRequest> Speaking(const Principal& who, std::int64_t conference, std::int64_t request,
                                           std::string_view action);
    core::Result<std::vector<SpeakingRequest>> Queue(const Principal& who, std::int64_t conference) const;
    core::Result<Conference> SetCurrentItem(const Principal& who, std::int64_t conference, std::int64_t item);
    core::Result<Join> JoinVideo(const Principal& who, std::int64_t conference, std::int64_t site) const;
    /// A draft news item on the portal from the conference (the portal checks its permission).
    core::Result<std::int64_t> DraftNews(const Principal& who, std::int64_t conference);

    // After (C-6, C-11, C-12).
    core::Result<std::vector<ConclusionItem>> Conclusions(const Principal& who, std::int64_t conference) const;
    core::Result<std::vector<ConclusionItem>> SetConclusions(const Principal& who, std::int64_t conference,
                                                             std::vector<ConclusionItem> items);
    /// Issues the approved conclusions: each item becomes a task in Tasks (document, lead unit,
    /// deadline, monitoring unit: Vụ Tổ chức - Cán bộ) with its clocks; the provinces are asked
    /// for their implementation reports.
    core::Result<Document> IssueConclusions(const Principal& who, std::int64_t conference, Issue in);
    core::Result<Proposal> Propose(const Principal& who, std::int64_t conference, std::int64_t site, std::string text);
    core::Result<Proposal> AssignProposal(const Principal& who, std::int64_t conference, std::int64_t p,
                                          const std::string& unit, core::TimePoint due);
    core::Result<Proposal> AnswerProposal(const Principal& who, std::int64_t conference, std::int64_t p, std::string answer);
    core::Result<Proposal> CloseProposal(const Principal& who, std::int64_t conference, std::int64_t p);
    core::Result<std::vector<Proposal>> Proposals(const Principal& who, std::int64_t conference) const;

    // What a person may do (what pages offer; each action checks again).
    bool MayOrganise(const Principal& who) const;
    bool MayRun(const Principal& who) const;
    bool MayLead(const Principal& who) const;
    bool MayIssue(const Principal& who) const;  ///< Vụ Hành chính - Cơ yếu
    bool MayOperate(const Principal& who, const Site& s) const;
    bool MayOwn(const Principal& who, const Document& d) const;
    const Settings& GetSettings() const { return settings_; }
    const calendar::Service& Calendars() const { return calendars_; }

private:
    core::Result<Conference> CreateAs(const audit::Actor& actor, std::int64_t user, NewConference in,
                                      const std::string& state);
    std::string DefaultChecklist() const;
    std::map<std::int64_t, std::int64_t> RegionMap(core::db::Connection& c) const;
    core::Result<audit::Actor> AuthorizeSite(const Principal& who, const Site& s) const;
    /// The office sees every site; a province its own (attendees, estimates).
    bool MaySeeSite(const Principal& who, const Site& s) const;
    core::Result<audit::Actor> AuthorizeOwner(const Principal& who, const Document& d) const;
    core::Result<audit::Actor> AuthorizeOffice(const Principal& who, Permission p) const;
    core::Result<audit::Actor> AuthorizeUnit(const Principal& who, Permission p, const std::string& code) const;
    core::Result<Conference> Load(core::db::Connection& c, std::int64_t id) const;
    core::Result<Conference> Visible(const Principal& who, std::int64_t id) const;
    /// The sites' names and health from the registry and the clock (after the transaction).
    core::Result<Conference> Filled(core::Result<Conference> c) const;
    core::Result<Site> SiteOf(const Conference& c, std::int64_t site) const;
    /// The conference `who` may see and one of its sites (the first step of every site action).
    struct AtSite {
        Conference conf;
        Site site;
    };
    core::Result<AtSite> Locate(const Principal& who, std::int64_t conference, std::int64_t site) const;
    void Publish(core::db::Connection& c, std::int64_t conference, std::string_view what, std::int64_t subject) const;
    std::int64_t UnitId(const std::string& code) const;
    void CreateDocuments(core::db::Connection& c, const Conference& conf) const;
    core::Result<Document> LoadDocument(core::db::Connection& c, std::int64_t conference, std::int64_t doc) const;
    void FillOwner(Document& d) const;
    void FillSite(Site& s) const;
    void NotifyHolders(core::db::Connection& c, Permission p, std::int64_t unit, const std::string& title,
                       const std::string& body, const std::string& link) const;

    core::db::Database& db_;
    audit::Log& audit_;
    const core::Clock& clock_;
    const core::access::Policy& policy_;
    const units::Service& units_;
    const calendar::Service& calendars_;
    core::EventBus& events_;
    const core::SecretBox& box_;
    tasks::Service* tasks_;
    Settings settings_;
};

boost::json::value ToJson(const Document& d);

}  // namespace vp::conference
