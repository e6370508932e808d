// Editing the policy file as text (`latchkey sites add|modify|remove|set-default`),
// so that everything an edit does not touch -- comments, blank lines, order,
// other tables -- stays byte for byte.
//
// toml++ forgets comments when it writes a document back, so edits work on
// the text: the parsed document's source regions (line:column of every key
// and value) say which bytes hold a site's header and keys. A layout whose
// lines cannot change without touching something else (a site written as an
// inline table or with dotted keys, a site split across the file, a key
// written as a sub-table) is refused with a message suggesting a manual edit;
// nothing is guessed. Each edit re-parses the text, so the next one sees
// fresh positions.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "policy/option_spec.hpp"
#include "util/toml.hpp"

namespace latchkey::policy {

// One key to write; `toml` is already a TOML value (see toml_value_for).
struct KeyValue {
    std::string key;
    std::string toml;
};

class PolicyText {
 public:
    // `text` is the file's content ("" for a new file); `path` names it in
    // messages. Throws a config error (path:line:column) on malformed TOML.
    PolicyText(std::string text, std::string path);

    const std::string& text() const { return text_; }
    const std::string& path() const { return path_; }
    std::vector<std::string> site_names() const;
    bool has_site(const std::string& name) const;
    std::optional<std::string> default_site() const;
    // Throws a config error naming the nearest site unless `name` exists.
    void require_site(const std::string& name) const;

    // Appends a [sites.NAME] table with `values` at the end of the file.
    void add_site(const std::string& name, const std::vector<KeyValue>& values);
    // Rewrites the value of each key of `set` that the site has (the key and
    // any comment after the value stay), adds the others after the site's
    // last key, and removes the lines of each key of `unset`.
    void modify_site(const std::string& name, const std::vector<KeyValue>& set,
                     const std::vector<std::string>& unset);
    // Removes the site's header, keys and sub-tables, the comment lines just
    // above its header and below its last key, and one blank line so that no
    // double gap is left.
    void remove_site(const std::string& name);
    // Sets default_site (rewriting its value, or adding the line after the
    // file's top-level keys), or removes its line when `name` is empty.
    void set_default_site(const std::optional<std::string>& name);

 private:
    struct SiteRegion {
        const toml::table* table = nullptr;
        uint32_t header = 0;  // the [sites.NAME] line
        uint32_t last = 0;    // the last line of its keys and sub-tables
    };

    void parse(bool after_edit);
    SiteRegion editable_site(const std::string& name) const;
    [[noreturn]] void refuse(uint32_t line, const std::string& what) const;
    void set_key(const std::string& site, const KeyValue& kv);
    void unset_key(const std::string& site, const std::string& key);

    // Lines are numbered from 1, like toml++'s source positions.
    uint32_t line_count() const { return static_cast<uint32_t>(starts_.size()); }
    std::string line_text(uint32_t line) const;  // without the line break
    size_t offset(const toml::source_position& pos) const;
    bool blank(uint32_t line) const;
    bool comment(uint32_t line) const;
    // Whether `key` is named by a [table] header rather than `key = value`.
    bool header_defined(const toml::key& key) const;
    // The last line of `node`'s block entries: keys before any sub-table header.
    uint32_t block_end(const toml::table& table, uint32_t header) const;

    void replace(size_t begin, size_t end, const std::string& with);
    void insert_before_line(uint32_t line, const std::string& lines);
    // Erases lines first..last, then one blank line if that leaves two in a
    // row (or one at the top), or every blank line at the end of the file.
    void erase_lines(uint32_t first, uint32_t last, bool tidy);

    std::string text_;
    std::string path_;
    std::string nl_ = "\n";       // the file's line break: "\r\n" is kept
    std::vector<size_t> starts_;  // byte offset of each line
    std::vector<bool> occupied_;  // [line]: inside some key or value
    toml::table doc_;
};

// A TOML basic string: "..." with toml++'s escaping (UTF-8 kept as is).
std::string toml_string(const std::string& s);

// Whether a command-line value is an indirection: { env = NAME },
// { file = PATH } or { secret = NAME } (quotes optional).
bool is_indirection(const std::string& text);

// `text` as typed on the command line, written as the TOML value of option
// `spec`: a string, an integer, true/false, a duration ("5m" or whole
// seconds), a list (comma-separated, or TOML array syntax), or an
// indirection. Throws a config error naming the key (never a secret's value).
std::string toml_value_for(const OptionSpec& spec, const std::string& text);

}  // namespace latchkey::policy
