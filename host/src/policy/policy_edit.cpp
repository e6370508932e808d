#include "policy/policy_edit.hpp"

#include <algorithm>
#include <charconv>
#include <functional>
#include <sstream>

#include "latchkey/error.hpp"
#include "policy/policy.hpp"
#include "util/duration.hpp"
#include "util/strings.hpp"

namespace latchkey::policy {

namespace {

[[noreturn]] void config_error(const std::string& msg) { throw Error(ErrorKind::config, msg); }

bool bare_key(const std::string& k) {
    if (k.empty()) return false;
    for (char c : k)
        if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_')) return false;
    return true;
}

// A key as written in the file: bare when TOML allows it, else quoted.
std::string key_text(const std::string& k) { return bare_key(k) ? k : toml_string(k); }

// Bytes in the UTF-8 sequence that starts with `lead`.
size_t utf8_length(unsigned char lead) {
    if ((lead & 0xE0) == 0xC0) return 2;
    if ((lead & 0xF0) == 0xE0) return 3;
    if ((lead & 0xF8) == 0xF0) return 4;
    return 1;
}

// Calls f(key, node) for every key/value below `node` (key is null for array
// items); f returns whether to descend into that node.
void visit(const toml::node& node,
           const std::function<bool(const toml::key*, const toml::node&)>& f) {
    if (auto* t = node.as_table()) {
        for (auto&& [k, v] : *t)
            if (f(&k, v)) visit(v, f);
    } else if (auto* a = node.as_array()) {
        for (auto& v : *a)
            if (f(nullptr, v)) visit(v, f);
    }
}

// The last line anything under `node` (keys included) is written on.
uint32_t last_line(const toml::node& node) {
    uint32_t last = node.source().end.line;
    visit(node, [&](const toml::key* k, const toml::node& v) {
        if (k) last = std::max(last, k->source().end.line);
        last = std::max(last, v.source().end.line);
        return true;
    });
    return last;
}

// A [table] header or [[array]] element: its source is its header line only.
bool header_table(const toml::node& node) {
    auto* t = node.as_table();
    return t && !t->is_inline();
}

// An array of [[tables]]: its elements' sources are their header lines.
bool header_array(const toml::node& node) {
    auto* a = node.as_array();
    return a && !a->empty() && header_table(*a->get(0));
}

bool simple_value(const toml::node& v) { return !header_table(v) && !header_array(v); }

std::string indirection_usage(const std::string& key) {
    return "--set " + key + "={...}: expected { env = NAME }, { file = PATH } or { secret = NAME }";
}

// { KIND = ARG } as typed on the command line (ARG quoted or not), written as TOML.
std::string indirection(const std::string& key, const std::string& text) {
    std::string inner = util::trim(text.substr(1, text.size() - 2));
    auto eq = inner.find('=');
    std::string kind = util::trim(inner.substr(0, eq));
    std::string arg = util::trim(inner.substr(eq + 1));
    static const std::vector<std::string> kinds = {"env", "file", "secret"};
    if (std::find(kinds.begin(), kinds.end(), kind) == kinds.end()) {
        std::string near = util::nearest(kind, kinds);
        throw Error(ErrorKind::usage, indirection_usage(key) + "; unknown indirection '" + kind +
                                          "'" +
                                          (near.empty() ? "" : "; did you mean '" + near + "'?"));
    }
    if (!arg.empty() && (arg.front() == '"' || arg.front() == '\'')) {
        // A quoted argument is a TOML string: let toml++ decode its escapes.
        try {
            auto parsed = toml::parse("v = " + arg);
            if (auto s = parsed["v"].value<std::string>()) arg = *s;
        } catch (const toml::parse_error& e) {
            throw Error(ErrorKind::usage,
                        indirection_usage(key) + ": " + std::string(e.description()));
        }
    } else if (arg.find_first_of("\"'{}=") != std::string::npos) {
        throw Error(ErrorKind::usage, indirection_usage(key));
    }
    if (arg.empty())
        throw Error(ErrorKind::usage, indirection_usage(key) + ": the " + kind + " is empty");
    if (kind == "secret" && (arg.find('/') != std::string::npos || arg == "." || arg == ".."))
        throw Error(ErrorKind::usage,
                    "--set " + key + "={ secret = \"" + arg +
                        "\" }: a secret is a plain file name in $LATCHKEY_SECRETS_DIR; for "
                        "another path use { file = PATH }");
    return "{ " + kind + " = " + toml_string(arg) + " }";
}

std::string list_value(const OptionSpec& spec, const std::string& text) {
    std::vector<std::string> items;
    std::string t = util::trim(text);
    if (!t.empty() && t.front() == '[') {
        toml::table parsed;
        try {
            parsed = toml::parse("v = " + t);
        } catch (const toml::parse_error& e) {
            config_error(spec.key + ": expected a list such as [\"a\", \"b\"] or a,b (" +
                         std::string(e.description()) + ")");
        }
        for (auto& item : *parsed["v"].as_array()) {
            if (!item.is_string())
                config_error(spec.key + ": expected a list of strings, found an element of type " +
                             type_of(item));
            items.push_back(*item.value<std::string>());
        }
    } else {
        // The separators the resolver uses for a list in the environment.
        items = util::split(text, ", \t\n");
    }
    std::string out = "[";
    for (auto& item : items) out += (out.size() > 1 ? ", " : "") + toml_string(item);
    return out + "]";
}

}  // namespace

std::string toml_string(const std::string& s) {
    std::ostringstream os;
    os << toml::toml_formatter{toml::value<std::string>(s),
                               toml::format_flags::allow_unicode_strings};
    return os.str();
}

bool is_indirection(const std::string& text) {
    std::string t = util::trim(text);
    return t.size() >= 2 && t.front() == '{' && t.back() == '}' && t.find('=') != std::string::npos;
}

std::string toml_value_for(const OptionSpec& spec, const std::string& text) {
    std::string t = util::trim(text);
    if (is_indirection(t)) return indirection(spec.key, t);
    auto bad = [&](const std::string& expected) {
        config_error(spec.key + ": expected " + expected +
                     (spec.secret ? "" : ", got \"" + text + "\""));
    };
    switch (spec.type) {
        case LATCHKEY_OPT_STRING:
        case LATCHKEY_OPT_PATH:  // written as typed: `~/` is expanded when read
            return toml_string(text);
        case LATCHKEY_OPT_INT: {
            int64_t v = 0;
            auto [end, ec] = std::from_chars(t.data(), t.data() + t.size(), v);
            if (t.empty() || ec != std::errc() || end != t.data() + t.size()) bad("an integer");
            return std::to_string(v);
        }
        case LATCHKEY_OPT_BOOL: {
            std::string b = util::to_lower(t);
            if (b == "true" || b == "yes" || b == "on" || b == "1") return "true";
            if (b == "false" || b == "no" || b == "off" || b == "0") return "false";
            bad("true or false");
            break;
        }
        case LATCHKEY_OPT_DURATION:
            if (std::string too_long; !util::parse_duration_ms(t, &too_long)) {
                if (!too_long.empty()) config_error(spec.key + ": " + too_long);
                bad("a duration such as \"30s\", \"5m\" or \"1h\"");
            }
            // Whole seconds stay a number; "5m" stays the string the user typed.
            if (t.find_first_not_of("0123456789") == std::string::npos) return t;
            return toml_string(t);
        case LATCHKEY_OPT_LIST:
            return list_value(spec, text);
    }
    bad(type_name(spec.type));
    return "";
}

// ---- PolicyText ------------------------------------------------------------

PolicyText::PolicyText(std::string text, std::string path)
    : text_(std::move(text)), path_(std::move(path)) {
    auto lf = text_.find('\n');
    if (lf != std::string::npos && lf > 0 && text_[lf - 1] == '\r') nl_ = "\r\n";
    parse(false);
}

void PolicyText::parse(bool after_edit) {
    starts_.clear();
    if (!text_.empty()) starts_.push_back(0);
    for (size_t i = 0; i + 1 < text_.size(); ++i)
        if (text_[i] == '\n') starts_.push_back(i + 1);
    try {
        doc_ = toml::parse(text_, path_);
    } catch (const toml::parse_error& e) {
        auto& b = e.source().begin;
        std::string at = std::to_string(b.line) + ":" + std::to_string(b.column);
        if (!after_edit)
            config_error(path_ + ":" + at + ": malformed TOML: " + std::string(e.description()));
        config_error(path_ + ": the edit would not be valid TOML in this file (" +
                     std::string(e.description()) + " at line " + at +
                     " of the edited text); nothing was written: edit the file by hand");
    }
    // Lines inside a key or value (a multi-line string or array) are never
    // taken for comments or blank lines.
    occupied_.assign(line_count() + 2, false);
    auto mark = [&](const toml::source_region& r) {
        for (uint32_t l = r.begin.line; l && l <= r.end.line && l <= line_count(); ++l)
            occupied_[l] = true;
    };
    visit(doc_, [&](const toml::key* k, const toml::node& v) {
        if (k) mark(k->source());
        if (!header_array(v)) mark(v.source());
        return true;
    });
}

std::string PolicyText::line_text(uint32_t line) const {
    if (line == 0 || line > line_count()) return "";
    size_t b = starts_[line - 1];
    size_t e = line < line_count() ? starts_[line] : text_.size();
    std::string s = text_.substr(b, e - b);
    while (!s.empty() && (s.back() == '\n' || s.back() == '\r')) s.pop_back();
    return s;
}

size_t PolicyText::offset(const toml::source_position& pos) const {
    if (pos.line == 0 || pos.line > line_count()) return text_.size();
    size_t at = starts_[pos.line - 1];
    // toml++ counts columns in code points, not bytes, and not a UTF-8 byte order mark.
    if (pos.line == 1 && text_.rfind("\xEF\xBB\xBF", 0) == 0) at = 3;
    for (uint32_t c = 1; c < pos.column && at < text_.size() && text_[at] != '\n'; ++c)
        at += utf8_length(static_cast<unsigned char>(text_[at]));
    return std::min(at, text_.size());
}

bool PolicyText::blank(uint32_t line) const {
    return line >= 1 && line <= line_count() && !occupied_[line] &&
           util::trim(line_text(line)).empty();
}

bool PolicyText::comment(uint32_t line) const {
    if (line < 1 || line > line_count() || occupied_[line]) return false;
    std::string t = util::trim(line_text(line));
    return !t.empty() && t[0] == '#';
}

bool PolicyText::header_defined(const toml::key& key) const {
    auto& b = key.source().begin;
    size_t line_start = starts_.empty() ? 0 : starts_[b.line - 1];
    std::string before = util::trim(text_.substr(line_start, offset(b) - line_start));
    return !before.empty() && before[0] == '[';
}

uint32_t PolicyText::block_end(const toml::table& table, uint32_t header) const {
    uint32_t end = header;
    for (auto&& [k, v] : table)
        if (!header_defined(k)) end = std::max({end, k.source().end.line, last_line(v)});
    return end;
}

void PolicyText::replace(size_t begin, size_t end, const std::string& with) {
    text_.replace(begin, end - begin, with);
}

void PolicyText::insert_before_line(uint32_t line, const std::string& lines) {
    if (line > line_count()) {
        if (!text_.empty() && text_.back() != '\n') text_ += nl_;
        text_ += lines;
        return;
    }
    text_.insert(starts_[line - 1], lines);
}

void PolicyText::erase_lines(uint32_t first, uint32_t last, bool tidy) {
    if (tidy) {
        if (last >= line_count()) {
            while (first > 1 && blank(first - 1)) --first;
        } else if ((first == 1 || blank(first - 1)) && blank(last + 1)) {
            ++last;
        }
    }
    size_t b = starts_[first - 1];
    size_t e = last < line_count() ? starts_[last] : text_.size();
    text_.erase(b, e - b);
}

std::vector<std::string> PolicyText::site_names() const {
    std::vector<std::string> names;
    if (auto* sites = doc_["sites"].as_table())
        for (auto&& [k, v] : *sites) names.emplace_back(k.str());
    return names;
}

bool PolicyText::has_site(const std::string& name) const {
    auto* sites = doc_["sites"].as_table();
    return sites && sites->contains(name);
}

std::optional<std::string> PolicyText::default_site() const {
    return doc_["default_site"].value<std::string>();
}

void PolicyText::require_site(const std::string& name) const {
    if (has_site(name)) return;
    auto names = site_names();
    std::string near = util::nearest(name, names);
    std::string msg = "no site '" + name + "' in " + path_;
    if (!near.empty())
        msg += "; did you mean '" + near + "'?";
    else if (!names.empty())
        msg += "; its sites: " + util::join(names, ", ");
    else
        msg += "; it defines no [sites.NAME] table (add one with `latchkey sites add`)";
    config_error(msg);
}

void PolicyText::refuse(uint32_t line, const std::string& what) const {
    config_error(path_ + ":" + std::to_string(line) + ": " + what +
                 "; latchkey edits only what it can change without touching other lines, so "
                 "nothing was written: edit the file by hand");
}

PolicyText::SiteRegion PolicyText::editable_site(const std::string& name) const {
    require_site(name);
    const toml::table* sites = doc_["sites"].as_table();
    const toml::node* node = sites->get(name);
    uint32_t line = node->source().begin.line;
    auto* table = node->as_table();
    if (!table) refuse(line, "site '" + name + "' is not a table");
    if (table->is_inline())
        refuse(line, "site '" + name + "' is written as an inline table (" + name + " = { ... })");

    // Its header line must be [sites.NAME] itself, not dotted keys
    // (sites.NAME.key = ..., or NAME.key = ... under [sites]).
    bool own_header = false;
    try {
        auto h = toml::parse(line_text(line));
        auto* s = h["sites"].as_table();
        auto* t = h["sites"][name].as_table();
        own_header = h.size() == 1 && s && s->size() == 1 && t && t->empty() && !t->is_inline();
    } catch (const toml::parse_error&) {
    }
    if (!own_header)
        refuse(line, "site '" + name + "' is written with dotted keys, not as a [sites." + name +
                         "] table");

    SiteRegion r{table, line, std::max(line, last_line(*table))};
    // Nothing else may sit between its header and its last line.
    visit(doc_, [&](const toml::key* k, const toml::node& v) {
        if (&v == table) return false;
        if (&v == sites) return true;  // the parent: its own lines may be anywhere
        auto inside = [&](const toml::source_region& s) {
            return s.begin.line <= r.last && s.end.line >= r.header;
        };
        if ((k && inside(k->source())) || (!header_array(v) && inside(v.source())))
            refuse(std::max(r.header, v.source().begin.line),
                   "site '" + name + "' is split across the file" +
                       (k ? " ('" + std::string(k->str()) + "' of another table sits between " +
                                "its lines)"
                          : ""));
        return true;
    });
    return r;
}

void PolicyText::add_site(const std::string& name, const std::vector<KeyValue>& values) {
    if (has_site(name)) config_error("site '" + name + "' already exists in " + path_);
    if (auto* sites = doc_.get("sites"); sites && (!sites->is_table() || !header_table(*sites)))
        refuse(sites->source().begin.line,
               "sites is written as an inline table (sites = { ... }), which a new [sites." + name +
                   "] table cannot extend");
    std::string block;
    if (!text_.empty() && text_.back() != '\n') block += nl_;
    if (line_count() > 0 && !util::trim(line_text(line_count())).empty()) block += nl_;
    block += "[sites." + key_text(name) + "]" + nl_;
    for (auto& kv : values) block += key_text(kv.key) + " = " + kv.toml + nl_;
    text_ += block;
    parse(true);
}

void PolicyText::set_key(const std::string& site, const KeyValue& kv) {
    SiteRegion r = editable_site(site);
    for (auto&& [k, v] : *r.table) {
        if (k.str() != kv.key) continue;
        if (header_defined(k) || !simple_value(v))
            refuse(k.source().begin.line, "key '" + kv.key + "' of site '" + site +
                                              "' is written as a table ([sites." + site + "." +
                                              kv.key + "] or " + kv.key + ".NAME = ...)");
        replace(offset(v.source().begin), offset(v.source().end), kv.toml);
        parse(true);
        return;
    }
    // A new key goes after the site's last key, indented like it.
    uint32_t after = block_end(*r.table, r.header);
    std::string indent;
    if (after != r.header) {
        std::string l = line_text(after);
        indent = l.substr(0, l.find_first_not_of(" \t"));
    }
    insert_before_line(after + 1, indent + key_text(kv.key) + " = " + kv.toml + nl_);
    parse(true);
}

void PolicyText::unset_key(const std::string& site, const std::string& key) {
    SiteRegion r = editable_site(site);
    std::vector<std::string> keys;
    for (auto&& [k, v] : *r.table) {
        keys.emplace_back(k.str());
        if (k.str() != key) continue;
        if (header_defined(k) || !simple_value(v))
            refuse(k.source().begin.line, "key '" + key + "' of site '" + site +
                                              "' is written as a table ([sites." + site + "." +
                                              key + "] or " + key + ".NAME = ...)");
        erase_lines(k.source().begin.line, last_line(v), false);
        parse(true);
        return;
    }
    std::string near = util::nearest(key, keys);
    config_error("--unset " + key + ": site '" + site + "' in " + path_ + " has no key '" + key +
                 "'" +
                 (near.empty() ? (keys.empty() ? "" : "; its keys: " + util::join(keys, ", "))
                               : "; did you mean '" + near + "'?"));
}

void PolicyText::modify_site(const std::string& name, const std::vector<KeyValue>& set,
                             const std::vector<std::string>& unset) {
    editable_site(name);
    for (auto& kv : set) set_key(name, kv);
    for (auto& key : unset) unset_key(name, key);
}

void PolicyText::remove_site(const std::string& name) {
    SiteRegion r = editable_site(name);
    // The comment lines right above the header describe the site (unless
    // they open the file: then they describe the file).
    uint32_t first = r.header;
    while (first > 1 && comment(first - 1)) --first;
    if (first == 1) first = r.header;
    // Comment lines after its last key go too, except those right above the
    // next header, which describe that table.
    uint32_t stop = r.last + 1;
    while (stop <= line_count() && (blank(stop) || comment(stop))) ++stop;
    uint32_t tail = stop - 1;
    if (stop <= line_count()) {
        uint32_t attached = stop;
        while (attached - 1 > r.last && comment(attached - 1)) --attached;
        tail = attached - 1;
    }
    while (tail > r.last && blank(tail)) --tail;
    erase_lines(first, tail, true);
    parse(true);
}

void PolicyText::set_default_site(const std::optional<std::string>& name) {
    for (auto&& [k, v] : doc_) {
        if (k.str() != "default_site") continue;
        if (name)
            replace(offset(v.source().begin), offset(v.source().end), toml_string(*name));
        else
            erase_lines(k.source().begin.line, last_line(v), true);
        parse(true);
        return;
    }
    if (!name) return;
    // A top-level key must come before the first [table]: after the last
    // top-level key, else above the first header and the comments on it.
    uint32_t after = 0, first_header = 0;
    for (auto&& [k, v] : doc_) {
        if (header_defined(k))
            first_header = first_header ? std::min(first_header, k.source().begin.line)
                                        : k.source().begin.line;
        else
            after = std::max({after, k.source().end.line, last_line(v)});
    }
    std::string entry = "default_site = " + toml_string(*name) + nl_;
    if (after) {
        insert_before_line(after + 1, entry);
    } else if (first_header) {
        uint32_t at = first_header;
        while (at > 1 && comment(at - 1)) --at;
        insert_before_line(at, entry + nl_);
    } else {
        insert_before_line(line_count() + 1, entry);
    }
    parse(true);
}

}  // namespace latchkey::policy
