#include "policy/policy.hpp"

#include <set>
#include <sstream>

#include "latchkey/error.hpp"
#include "util/regular_file.hpp"
#include "util/secure_memory.hpp"
#include "util/strings.hpp"

namespace latchkey::policy {

namespace {

[[noreturn]] void fail_at(const SourcePos& pos, const std::string& what) {
    throw config_error_at(pos, what);
}

// Refuses keys of `table` that are not in `allowed`, naming the closest one.
void check_keys(const Policy& p, const toml::table& table, const std::string& where,
                const std::vector<std::string>& allowed) {
    for (auto&& [key, node] : table) {
        std::string k(key.str());
        bool ok = false;
        for (auto& a : allowed) ok = ok || a == k;
        if (ok) continue;
        std::string msg = "unknown key '" + k + "' in " + where;
        std::string near = util::nearest(k, allowed);
        msg += near.empty() ? "; valid keys: " + util::join(allowed, ", ")
                            : "; did you mean '" + near + "'?";
        fail_at(p.pos_of(key), msg);
    }
}

std::string expect_string(const Policy& p, const toml::node& node, const std::string& key) {
    if (auto s = node.value<std::string>(); s && node.is_string()) return *s;
    fail_at(p.pos_of(node), key + ": expected a string, found " + type_of(node));
}

// The first character is a letter or digit: storage keys that start with
// '_' belong to latchkey itself (storage/key_space.hpp).
bool valid_site_name(const std::string& s) {
    if (s.empty() || !std::isalnum(static_cast<unsigned char>(s[0]))) return false;
    for (char c : s)
        if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.'))
            return false;
    return true;
}

}  // namespace

bool is_storage_sealing_key(const std::string& key) {
    return key == "encryption_key" || key == "previous_encryption_keys";
}

std::string type_of(const toml::node& node) {
    std::ostringstream os;
    os << node.type();
    return os.str();
}

SourcePos Policy::pos_of(const toml::node& node) const {
    auto& src = node.source();
    return {path_, src.begin.line, src.begin.column};
}

SourcePos Policy::pos_of(const toml::key& key) const {
    auto& src = key.source();
    return {path_, src.begin.line, src.begin.column};
}

Policy Policy::none(const std::string& would_be_path) {
    Policy p;
    p.path_ = would_be_path;
    p.doc_ = std::make_shared<toml::table>();
    return p;
}

Policy Policy::load(const std::string& path) {
    Policy p;
    p.path_ = path;
    p.exists_ = true;
    // Read here, not by toml::parse_file: only a regular file of bounded size.
    auto file = util::read_regular_file(path);
    if (file.missing)
        throw Error(ErrorKind::config,
                    path +
                        ": no such policy file; create it (see config/demo.toml) "
                        "or point --config / LATCHKEY_CONFIG elsewhere");
    if (!file.text) throw Error(ErrorKind::config, "policy: " + file.error);
    try {
        p.doc_ = std::make_shared<toml::table>(toml::parse(*file.text, path));
    } catch (const toml::parse_error& e) {
        SourcePos pos{path, e.source().begin.line, e.source().begin.column};
        fail_at(pos, "malformed TOML: " + std::string(e.description()));
    }
    util::wipe(*file.text);  // literal secrets, now held by the parsed table
    const toml::table& root = *p.doc_;
    check_keys(p, root, "the policy", {"default_site", "host", "storage", "defaults", "sites"});

    if (auto* n = root.get("default_site")) {
        p.default_site = expect_string(p, *n, "default_site");
        p.default_site_pos = p.pos_of(*n);
    }
    if (auto* n = root.get("host")) {
        auto* t = n->as_table();
        if (!t) fail_at(p.pos_of(*n), "host: expected a table [host]");
        check_keys(p, *t, "[host]", {"plugin_dirs", "dotenv"});
        if (auto* d = t->get("plugin_dirs")) {
            auto* arr = d->as_array();
            if (!arr) fail_at(p.pos_of(*d), "host.plugin_dirs: expected a list of strings");
            for (auto& item : *arr)
                p.plugin_dirs.push_back(expect_string(p, item, "host.plugin_dirs"));
        }
        if (auto* d = t->get("dotenv")) {
            if (!d->is_boolean()) fail_at(p.pos_of(*d), "host.dotenv: expected true or false");
            p.dotenv = *d->value<bool>();
        }
    }
    if (auto* n = root.get("storage")) {
        auto* t = n->as_table();
        if (!t) fail_at(p.pos_of(*n), "storage: expected a table [storage]");
        // Sub-tables ([storage.redis], ...) hold backend options, checked
        // against that backend's schema when it is opened.
        p.storage_table = t;
        for (auto&& [key, node] : *t) {
            std::string k(key.str());
            if (k == "backend" || k == "path" || is_storage_sealing_key(k) || node.is_table())
                continue;
            std::vector<std::string> allowed = {"backend", "path", "encryption_key",
                                                "previous_encryption_keys"};
            std::string near = util::nearest(k, allowed);
            fail_at(p.pos_of(key), "unknown key '" + k + "' in [storage]" +
                                       (near.empty() ? "; backend options go in [storage.BACKEND]"
                                                     : "; did you mean '" + near + "'?"));
        }
        if (auto* b = t->get("backend")) {
            p.storage_backend = expect_string(p, *b, "storage.backend");
            p.storage_backend_pos = p.pos_of(*b);
        }
        if (auto* b = t->get("path")) p.storage_path = expect_string(p, *b, "storage.path");
    }
    if (auto* n = root.get("defaults")) {
        p.defaults = n->as_table();
        if (!p.defaults) fail_at(p.pos_of(*n), "defaults: expected a table [defaults]");
    }
    if (auto* n = root.get("sites")) {
        auto* t = n->as_table();
        if (!t) fail_at(p.pos_of(*n), "sites: expected tables [sites.NAME]");
        for (auto&& [key, node] : *t) {
            std::string name(key.str());
            auto* st = node.as_table();
            if (!st)
                fail_at(p.pos_of(key), "sites." + name + ": expected a table [sites." + name + "]");
            if (!valid_site_name(name))
                fail_at(p.pos_of(key),
                        "site name '" + name +
                            "' must start with a letter or digit and may only use letters, "
                            "digits, '-', '_' and '.'");
            p.sites.push_back({name, st, p.pos_of(key)});
        }
    }
    if (p.default_site && !p.find_site(*p.default_site)) {
        std::vector<std::string> names;
        for (auto& s : p.sites) names.push_back(s.name);
        std::string near = util::nearest(*p.default_site, names);
        fail_at(p.default_site_pos, "default_site '" + *p.default_site +
                                        "' is not a [sites.NAME] table" +
                                        (near.empty() ? "" : "; did you mean '" + near + "'?"));
    }
    return p;
}

const SiteTable* Policy::find_site(const std::string& name) const {
    for (auto& s : sites)
        if (s.name == name) return &s;
    return nullptr;
}

}  // namespace latchkey::policy
