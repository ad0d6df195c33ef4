// The API's JSON forms of the portal's records (docs/portal.md; src/portal/openapi.json).
#include <boost/json.hpp>

#include "calendar/iso_time.hpp"
#include "core/message.hpp"
#include "portal/portal.hpp"
#include "portal/revisions.hpp"

namespace vp::portal {
namespace {

namespace json = boost::json;

json::value Iso(const std::optional<core::TimePoint>& t, std::string_view tz) {
    if (!t) return nullptr;
    return json::value(calendar::FormatIso(*t, tz));
}

json::array StringArray(const std::vector<std::string>& v) {
    json::array a;
    for (const auto& s : v) a.emplace_back(s);
    return a;
}

core::Result<std::vector<std::string>> StringsOf(const json::object& o, std::string_view key) {
    std::vector<std::string> out;
    auto* v = o.if_contains(key);
    if (!v || v->is_null()) return out;
    if (!v->is_array())
        return core::InvalidField(std::string(key),
                                  core::Msg("portal.field_list_expected", {{"field", std::string(key)}}));
    for (const auto& e : v->get_array()) {
        if (!e.is_string())
            return core::InvalidField(std::string(key),
                                      core::Msg("portal.field_list_expected", {{"field", std::string(key)}}));
        out.emplace_back(e.get_string());
    }
    return out;
}

core::Result<std::string> StringOf(const json::object& o, std::string_view key) {
    auto* v = o.if_contains(key);
    if (!v || v->is_null()) return std::string();
    if (!v->is_string())
        return core::InvalidField(std::string(key),
                                  core::Msg("portal.field_text_expected", {{"field", std::string(key)}}));
    return std::string(v->get_string());
}

core::Result<std::optional<core::TimePoint>> TimeOf(const json::object& o, std::string_view key) {
    auto* v = o.if_contains(key);
    if (!v || v->is_null() || (v->is_string() && v->get_string().empty())) return std::optional<core::TimePoint>{};
    if (!v->is_string())
        return core::InvalidField(std::string(key),
                                  core::Msg("portal.field_time_invalid", {{"field", std::string(key)}}));
    auto t = calendar::TryParseIso(v->get_string());
    if (!t)
        return core::InvalidField(std::string(key),
                                  core::Msg("portal.field_time_invalid", {{"field", std::string(key)}}));
    return std::optional<core::TimePoint>{t.value()};
}

}  // namespace

core::Result<ItemFields> FieldsFromJson(const json::object& o) {
    ItemFields f;
    for (auto [key, out] : {std::pair{"title", &f.title},
                            {"lead", &f.lead},
                            {"body_html", &f.body_html},
                            {"source", &f.source},
                            {"original_source", &f.original_source},
                            {"original_url", &f.original_url},
                            {"royalty_grade", &f.royalty_grade}}) {
        auto s = StringOf(o, key);
        if (!s) return s.error();
        *out = std::move(s).value();
    }
    for (auto [key, out] : {std::pair{"authors", &f.authors}, {"sections", &f.sections}, {"tags", &f.tags}}) {
        auto s = StringsOf(o, key);
        if (!s) return s.error();
        *out = std::move(s).value();
    }
    if (auto* m = o.if_contains("media"); m && !m->is_null()) {
        if (!m->is_array())
            return core::InvalidField("media", core::Msg("portal.field_list_expected", {{"field", "media"}}));
        for (const auto& e : m->get_array()) {
            if (!e.is_object())
                return core::InvalidField("media", core::Msg("portal.field_list_expected", {{"field", "media"}}));
            MediaRef ref;
            auto url = StringOf(e.get_object(), "url");
            auto cap = StringOf(e.get_object(), "caption");
            auto cr = StringOf(e.get_object(), "credit");
            if (!url || !cap || !cr) return core::InvalidField("media", core::Msg("portal.media_url_invalid"));
            ref.url = std::move(url).value();
            ref.caption = std::move(cap).value();
            ref.credit = std::move(cr).value();
            f.media.push_back(std::move(ref));
        }
    }
    auto ev = TimeOf(o, "event_at");
    if (!ev) return ev.error();
    f.event_at = ev.value();
    auto is = TimeOf(o, "issued_at");
    if (!is) return is.error();
    f.issued_at = is.value();
    if (auto* d = o.if_contains("document"); d && !d->is_null()) {
        if (!d->is_object())
            return core::InvalidField("document", core::Msg("portal.field_object_expected", {{"field", "document"}}));
        for (auto [key, out] : {std::pair{"doc_kind", &f.document.doc_kind},
                                {"number", &f.document.number},
                                {"symbol", &f.document.symbol},
                                {"issuer", &f.document.issuer},
                                {"signer", &f.document.signer}}) {
            auto s = StringOf(d->get_object(), key);
            if (!s) return core::InvalidField("document." + std::string(key), s.error().message);
            *out = std::move(s).value();
        }
    }
    if (auto* c = o.if_contains("cites"); c && !c->is_null()) {
        if (!c->is_array())
            return core::InvalidField("cites", core::Msg("portal.field_list_expected", {{"field", "cites"}}));
        for (const auto& e : c->get_array()) {
            if (!e.is_int64() || e.get_int64() <= 0)
                return core::InvalidField("cites", core::Msg("portal.field_list_expected", {{"field", "cites"}}));
            f.cites.push_back(e.get_int64());
        }
    }
    return f;
}

json::object ToJson(const Revision& r, std::string_view tz) {
    json::object o = FieldsToJson(r.fields);
    o["event_at"] = Iso(r.fields.event_at, tz);
    o["issued_at"] = Iso(r.fields.issued_at, tz);
    o["no"] = r.no;
    o["created_at"] = calendar::FormatIso(r.created_at, tz);
    o["created_by"] = r.created_by;
    o["created_by_name"] = r.created_by_name;
    o["role"] = r.role;
    o["comment"] = r.comment;
    o["title"] = r.fields.title;
    o["lead"] = r.fields.lead;
    o["body_html"] = r.fields.body_html;
    return o;
}

json::object ToJson(const Item& it, std::string_view tz) {
    json::object o = ToJson(it.current, tz);
    o.erase("no");
    o["revision"] = it.current.no;
    o["id"] = it.id;
    o["portal"] = it.portal;
    o["kind"] = it.kind;
    o["language"] = it.language;
    o["translation_of"] = it.translation_of ? json::value(it.translation_of) : nullptr;
    o["state"] = StateCode(it.state);
    o["version"] = it.version;
    o["current_revision"] = it.current_revision;
    o["live_revision"] = it.live_revision ? json::value(it.live_revision) : nullptr;
    o["pending_revision"] = it.pending_revision ? json::value(it.pending_revision) : nullptr;
    o["pending_state"] = it.pending_state ? json::value(StateCode(*it.pending_state)) : nullptr;
    o["created_by"] = it.created_by;
    o["providing_unit_id"] = it.providing_unit_id;
    o["created_at"] = calendar::FormatIso(it.created_at, tz);
    o["updated_at"] = calendar::FormatIso(it.updated_at, tz);
    o["scheduled_at"] = Iso(it.scheduled_at, tz);
    o["first_published_at"] = Iso(it.first_published_at, tz);
    o["published_at"] = Iso(it.published_at, tz);
    o["locked"] = it.locked;
    o["correction"] =
        it.corrected_at
            ? json::value(json::object{{"note", it.correction_note}, {"corrected_at", Iso(it.corrected_at, tz)}})
            : json::value(nullptr);
    o["lock_at"] = Iso(it.lock_at, tz);
    if (it.screening) o["screening"] = ToJson(*it.screening);
    o["integrated_from"] = it.integrated_from ? json::value(it.integrated_from) : nullptr;
    o["integrated_revision"] = it.integrated_revision ? json::value(it.integrated_revision) : nullptr;
    json::object deadline{{"due_at", Iso(it.deadline_due_at, tz)}};
    deadline["met"] = it.deadline_met ? json::value(*it.deadline_met) : nullptr;
    o["deadline"] = std::move(deadline);
    if (it.post_check) {
        o["post_check"] = json::object{{"id", it.post_check->id},
                                       {"due_at", calendar::FormatIso(it.post_check->due_at, tz)},
                                       {"state", it.post_check->state},
                                       {"reason", it.post_check->reason}};
    } else {
        o["post_check"] = nullptr;
    }
    return o;
}

json::object ToJson(const Portal& p) {
    json::object o{{"id", p.id},
                   {"code", p.code},
                   {"unit_id", p.unit_id},
                   {"kind", p.kind},
                   {"name_vi", p.name_vi},
                   {"name_en", p.name_en},
                   {"languages", StringArray(p.languages)},
                   {"time_zone", p.time_zone},
                   {"calendar", p.calendar_code},
                   {"status", p.status}};
    o["host"] = p.host.empty() ? json::value(nullptr) : json::value(p.host);
    o["path_prefix"] = p.path_prefix.empty() ? json::value(nullptr) : json::value(p.path_prefix);
    return o;
}

json::object ToJson(const Section& s) {
    json::object o{{"id", s.id},
                   {"code", s.code},
                   {"name_vi", s.name_vi},
                   {"name_en", s.name_en},
                   {"sort_order", s.sort_order},
                   {"mandatory", s.mandatory},
                   {"status", s.status}};
    o["parent_id"] = s.parent_id ? json::value(s.parent_id) : nullptr;
    o["maps_to_section_id"] = s.maps_to_section_id ? json::value(s.maps_to_section_id) : nullptr;
    return o;
}

json::object ToJson(const PostCheck& p, std::string_view tz) {
    json::object o{{"id", p.id},
                   {"item_id", p.item_id},
                   {"revision", p.revision},
                   {"reason", p.reason},
                   {"entered_at", calendar::FormatIso(p.entered_at, tz)},
                   {"due_at", calendar::FormatIso(p.due_at, tz)},
                   {"state", p.state},
                   {"finding", p.finding},
                   {"title", p.title}};
    o["checked_at"] = Iso(p.checked_at, tz);
    o["checked_by"] = p.checked_by ? json::value(p.checked_by) : nullptr;
    return o;
}

json::object ToJson(const HistoryEntry& h, std::string_view tz) {
    json::object o{{"id", h.id},
                   {"at", calendar::FormatIso(h.at, tz)},
                   {"user_id", h.user_id},
                   {"username", h.username},
                   {"role", h.role},
                   {"action", h.action},
                   {"from_state", h.from_state},
                   {"to_state", h.to_state},
                   {"comment", h.comment}};
    o["revision"] = h.revision ? json::value(h.revision) : nullptr;
    return o;
}

json::object ToJson(const RevisionDiff& d) {
    json::array fields;
    for (const auto& f : d.fields) fields.push_back(json::object{{"field", f.field}, {"a", f.a}, {"b", f.b}});
    json::array body;
    for (const auto& l : d.body) {
        body.push_back(json::object{{"op", l.op == '+'   ? "added"
                                           : l.op == '-' ? "removed"
                                                         : "same"},
                                    {"text", l.text}});
    }
    return json::object{{"a", d.a}, {"b", d.b}, {"fields", std::move(fields)}, {"body", std::move(body)}};
}

json::object ToJson(const DocumentEntry& d, std::string_view tz) {
    json::array files;
    for (const auto& f : d.files) files.push_back(json::object{{"url", f.url}, {"caption", f.caption}});
    return json::object{{"id", d.item_id},
                        {"portal", d.portal},
                        {"language", d.language},
                        {"revision", d.revision},
                        {"doc_kind", d.meta.doc_kind},
                        {"number", d.meta.number},
                        {"symbol", d.meta.symbol},
                        {"issuer", d.meta.issuer},
                        {"signer", d.meta.signer},
                        {"issued_at", calendar::FormatIso(d.issued_at, tz)},
                        {"published_at", calendar::FormatIso(d.published_at, tz)},
                        {"title", d.title},
                        {"summary", d.summary},
                        {"files", std::move(files)}};
}

json::object ToJson(const Placement& p, std::string_view tz) {
    json::object o{{"id", p.id},
                   {"portal", p.portal},
                   {"section", p.section},
                   {"document", p.document_item_id},
                   {"title", p.title},
                   {"placed_at", calendar::FormatIso(p.placed_at, tz)}};
    o["retired_at"] = Iso(p.retired_at, tz);
    return o;
}

json::object ToJson(const Collection& c) {
    return json::object{{"id", c.id},          {"code", c.code},
                        {"kind", c.kind},      {"title_vi", c.title_vi},
                        {"title_en", c.title_en}, {"description", c.description},
                        {"status", c.status}};
}

json::object ToJson(const CollectionNode& n) {
    json::array children;
    for (const auto& ch : n.children) children.push_back(ToJson(ch));
    json::object o{{"id", n.id},          {"level", n.level},   {"label", n.label},
                   {"title", n.title},    {"sort_order", n.sort_order}, {"status", n.status},
                   {"children", std::move(children)}};
    o["parent_id"] = n.parent_id ? json::value(n.parent_id) : nullptr;
    if (n.item_id) {
        o["item"] = json::object{{"id", n.item_id}, {"title", n.item_title}, {"published", n.item_published}};
    } else {
        o["item"] = nullptr;
    }
    return o;
}

json::object ToJson(const IntegrationCandidate& c, std::string_view tz) {
    return json::object{{"item_id", c.item_id},
                        {"portal", c.portal},
                        {"title", c.title},
                        {"main_section", c.main_section},
                        {"published_at", calendar::FormatIso(c.published_at, tz)}};
}

}  // namespace vp::portal
