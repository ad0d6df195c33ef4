#pragma once

#include <iosfwd>
#include <map>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/embedded.hpp"

namespace vp::core {

/// @brief Something to tell a person (an error, a notice), named by a key and rendered in the
/// reader's language at the edge (HTTP response, page, CLI). Keys are lower-case dotted
/// "<module>.<name>"; each has a text in Vietnamese and in English in the module's strings
/// (templates/<module>/i18n/{vi,en}.json, or templates/i18n for core.*), where "{name}" stands
/// for the parameter `name`.
struct Message {
    std::string key;
    std::vector<std::pair<std::string, std::string>> params;  ///< inserted as they are (never translated)
    /// Placeholders filled with other messages, rendered in the same language: a weekday's
    /// name, or the cause of a failure inside its context ("Cannot apply to 'x': {reason}").
    std::vector<std::pair<std::string, Message>> parts;

    friend bool operator==(const Message& a, const Message& b);
};

/// @brief The one way code names a message: `Msg("units.parent_missing", {{"code", code}})`. The
/// key must be a string literal at the call site: MessagesTest finds every `Msg("...")` in src/
/// and fails when the key lacks a text in either language.
Message Msg(std::string key, std::vector<std::pair<std::string, std::string>> params = {});

/// `m` with the placeholder `{name}` filled by `part` (rendered in the reader's language).
Message WithPart(Message m, std::string name, Message part);

/// @brief The texts of every message key per language. Immutable once installed (Messages()),
/// so Render is safe from any thread.
class MessageCatalog {
public:
    /// Adds one text. Throws std::invalid_argument when `key` already has a text in `lang`.
    void Add(std::string lang, std::string key, std::string text);

    /// The text of `m.key` in `lang`, with each "{name}" replaced by the parameter `name` (the value
    /// as it is: escaping is the caller's job, templates escape and JSON serialises) or the part
    /// `name`; an unknown placeholder stays as written. An unknown language reads as "vi"; a key
    /// missing in `lang` gets the Vietnamese text; a key missing everywhere renders as the key
    /// itself and is logged once as a warning.
    std::string Render(std::string_view lang, const Message& m) const;
    /// True when `key` has a text of its own in `lang` (no fallback).
    bool Has(std::string_view lang, std::string_view key) const;

    using Texts = std::map<std::string, std::string, std::less<>>;
    /// The languages that have texts ("en", "vi").
    std::vector<std::string> Languages() const;
    /// Every text of `lang` by key; empty for an unknown language.
    const Texts& TextsOf(std::string_view lang) const;

    /// Reads interface-string files named "<lang>.json" (any folder: "i18n/vi.json",
    /// "auth/i18n/en.json"), each a flat JSON object of strings, merging all files of one
    /// language. Throws std::runtime_error naming the file for malformed JSON or a value that is
    /// not a string, and naming both files for a key defined twice in one language.
    static MessageCatalog FromFiles(std::span<const EmbeddedFile> files);

private:
    std::map<std::string, Texts, std::less<>> texts_;
};

/// The process's catalogue (empty until InstallMessages). The reference stays valid for the
/// life of the process, even after a later InstallMessages.
const MessageCatalog& Messages();
/// Installs the process's catalogue: once by the app at start-up (and by test fixtures), before
/// any thread renders. A later call replaces it for later Messages() calls.
void InstallMessages(MessageCatalog catalog);
/// `Messages().Render(lang, m)`.
std::string Text(const Message& m, std::string_view lang);

/// Writes the Vietnamese text (test diagnostics: `ASSERT_TRUE(r.ok()) << r.error().message`).
std::ostream& operator<<(std::ostream& os, const Message& m);

}  // namespace vp::core
