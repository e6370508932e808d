// Admin's policy edits (`latchkey sites add|modify|remove|set-default`).
//
// Every edit follows the same steps: lock and read the file, change only the
// lines of the edited site (or default_site) in the text, write the result
// to a temporary file beside it, load that with the policy loader and resolve
// the edited site against its provider, and only then rename it over the
// policy. Any error leaves the file exactly as it was.
#include <algorithm>

#include "admin/parts.hpp"
#include "admin/policy_file.hpp"
#include "admin/site_check.hpp"
#include "policy/policy_edit.hpp"
#include "util/strings.hpp"
#include "policy/policy_location.hpp"
#include "storage/site_cache.hpp"

namespace latchkey::admin {

namespace {

std::string config_path(const HostOptions& options) {
    bool explicit_choice = false;
    return policy::policy_path(options.config_path, explicit_choice);
}

const policy::OptionSpec* option_spec(const std::vector<policy::OptionSpec>& schema,
                                      const std::string& key) {
    for (auto* list : {&policy::host_site_options(), &schema})
        for (auto& s : *list)
            if (s.key == key) return &s;
    return nullptr;
}

// The assignments as TOML values typed by the provider's schema, in the
// order `latchkey providers show` lists the options: the provider's, then
// the host's. Never echoes a value: it may be a secret.
std::vector<policy::KeyValue> typed(const Admin::Parts& parts, PolicyFile& file,
                                    const std::string& site, const std::string& provider,
                                    const std::vector<policy::OptionSpec>& schema,
                                    std::vector<Assignment> values) {
    std::vector<std::string> known;
    for (auto* list : {&schema, &policy::host_site_options()})
        for (auto& s : *list) known.push_back(s.key);
    auto rank = [&](const std::string& key) {
        return std::find(known.begin(), known.end(), key) - known.begin();
    };
    std::stable_sort(values.begin(), values.end(),
                     [&](auto& a, auto& b) { return rank(a.key) < rank(b.key); });
    std::vector<policy::KeyValue> out;
    for (auto& a : values) {
        const policy::OptionSpec* spec = option_spec(schema, a.key);
        if (!spec) {
            std::string near = util::nearest(a.key, known);
            throw Error(ErrorKind::config,
                        "site '" + site + "' (provider " + provider + ") has no option '" + a.key +
                            "'" +
                            (near.empty() ? "; see `latchkey providers show " + provider + "`"
                                          : "; did you mean '" + near + "'?"));
        }
        if (a.from_env) {
            out.push_back({a.key, "{ env = " + policy::toml_string(util::trim(a.value)) + " }"});
            continue;
        }
        bool literal_secret = spec->secret && !policy::is_indirection(a.value);
        if (literal_secret)
            parts.warning(a.key +
                          " is a secret: given on the command line, other users can see it (ps) "
                          "and your shell history keeps it; next time use --option-env " +
                          a.key + "=VAR or --option '" + a.key + "={secret=NAME}'");
        // A policy holding a secret itself must be readable by its owner only.
        if (literal_secret && file.restrict_to_owner())
            parts.warning(file.path() +
                          " now holds a secret: its permissions are reduced to "
                          "owner-only");
        try {
            out.push_back({a.key, policy::toml_value_for(*spec, a.value)});
        } catch (const Error& e) {
            if (e.kind() != ErrorKind::config) throw;
            throw Error(e, "--option " + std::string(e.what()));
        }
    }
    return out;
}

// The provider's option schema, found on the plugin search path the edited
// policy will use.
std::vector<policy::OptionSpec> schema_of(const HostOptions& options, const PolicyFile& file,
                                          const std::string& path, const std::string& site,
                                          const std::string& provider) {
    std::vector<std::string> policy_dirs;
    if (file.exists()) policy_dirs = policy::Policy::load(path).plugin_dirs;
    provider::Catalog catalog(provider::default_search_path(options.plugin_dirs, policy_dirs));
    return find_provider(catalog, provider, "site '" + site + "'")->schema();
}

// The text of a policy that must already exist.
const std::string& existing_text(const PolicyFile& file, const std::string& path) {
    if (!file.exists())
        throw Error(ErrorKind::config,
                    path +
                        " does not exist; add a site first with `latchkey sites add NAME "
                        "--provider P` (or pass --config FILE)");
    return file.text();
}

// The existing policy, locked for editing, which must hold site `name`.
struct SiteEdit {
    SiteEdit(const HostOptions& options, const std::string& name)
        : path(config_path(options)), file(path, false), doc(existing_text(file, path), path) {
        doc.require_site(name);
    }
    std::string path;
    PolicyFile file;
    policy::PolicyText doc;
};

// Validates and writes the edited text; whether it changed the file.
bool commit(const Admin::Parts& parts, PolicyFile& file, const policy::PolicyText& doc,
            const std::optional<std::string>& check_site) {
    bool changed = !file.exists() || doc.text() != file.text();
    std::vector<std::string> warnings;
    if (changed) {
        warnings = check_staged_policy(file.stage(doc.text()), doc.path(), check_site,
                                       parts.options.plugin_dirs);
        file.commit();
    }
    for (auto& w : warnings) parts.warning(w);
    return changed;
}

EditResult result(const policy::PolicyText& doc, const std::string& site, const std::string& action,
                  bool changed, std::string message) {
    EditResult r;
    r.config = doc.path();
    r.site = site;
    r.action = action;
    r.changed = changed;
    r.default_site = doc.default_site();
    r.message = std::move(message);
    return r;
}

}  // namespace

EditResult Admin::add_site(const std::string& site, const std::string& provider,
                           const std::vector<Assignment>& values, bool make_default) {
    std::string path = config_path(parts_->options);
    PolicyFile file(path, true);
    policy::PolicyText doc(file.text(), path);
    if (doc.has_site(site))
        throw Error(ErrorKind::config, "site '" + site + "' already exists in " + path +
                                           "; change it with `latchkey sites modify " + site +
                                           " --option KEY=VALUE`");
    std::vector<policy::KeyValue> kv{{"provider", policy::toml_string(provider)}};
    for (auto& v : typed(*parts_, file, site, provider,
                         schema_of(parts_->options, file, path, site, provider), values))
        kv.push_back(v);
    doc.add_site(site, kv);
    if (make_default) doc.set_default_site(site);
    bool changed = commit(*parts_, file, doc, site);
    return result(doc, site, "added", changed,
                  "added site '" + site + "' (provider " + provider + ") to " + path +
                      (make_default ? "; it is the default site" : ""));
}

EditResult Admin::modify_site(const std::string& site, const std::vector<Assignment>& values,
                              const std::vector<std::string>& unset) {
    SiteEdit edit(parts_->options, site);
    auto& [path, file, doc] = edit;
    // The provider the site will have: a new one given here, else its own
    // (or the one [defaults] names).
    std::string provider;
    for (auto& a : values)
        if (a.key == "provider" && !a.from_env) provider = a.value;
    if (provider.empty()) {
        auto p = policy::Policy::load(path);
        policy::Environment nothing;
        nothing.getenv = [](const std::string&) { return std::optional<std::string>(); };
        provider = policy::Resolver(p, nothing).provider_of(site);
    }
    auto kv = typed(*parts_, file, site, provider,
                    schema_of(parts_->options, file, path, site, provider), values);
    doc.modify_site(site, kv, unset);
    std::vector<std::string> set_keys;
    for (auto& [k, v] : kv) set_keys.push_back(k);
    std::string what;
    if (!set_keys.empty()) what += "set " + util::join(set_keys, ", ");
    if (!unset.empty())
        what += (what.empty() ? "" : "; ") + std::string("removed ") + util::join(unset, ", ");
    bool changed = commit(*parts_, file, doc, site);
    return result(doc, site, "modified", changed,
                  "modified site '" + site + "' in " + path + ": " + what);
}

// The site leaves the policy, and its stored credential the token store
// (nothing could reach it afterwards). The credential is found while the
// policy still has the site and erased once the file is written, so a failed
// write loses nothing.
EditResult Admin::remove_site(const std::string& site, bool keep_credential) {
    SiteEdit edit(parts_->options, site);
    auto& [path, file, doc] = edit;

    site::Site* found = nullptr;
    bool stored = false;
    std::string credential = "none";
    if (keep_credential) {
        credential = "kept";
    } else {
        try {
            auto& host = parts_->host();
            auto& s = host.site(site);
            found = &s;
            stored = s.tokens->stored().has_value();
        } catch (const Error& e) {
            credential = "unknown";
            parts_->warning("site '" + site + "': could not look for its stored credential: " +
                            e.what() + " (`latchkey storage list` shows what is stored)");
        }
    }

    // default_site may only name a site that exists: it goes with the site.
    bool was_default = doc.default_site() == site;
    doc.remove_site(site);
    if (was_default) doc.set_default_site(std::nullopt);
    std::string message = "removed site '" + site + "' from " + doc.path();
    if (was_default)
        message +=
            "; it was the default site, so default_site is removed too "
            "(choose another with `latchkey sites set-default NAME`)";
    bool changed = commit(*parts_, file, doc, std::nullopt);

    if (found) {
        // The provider's cache (discovery documents and the like) goes with
        // the site: nothing could read it any more.
        storage::erase_site_cache(*found->storage, site);
    }
    if (found && stored) {
        found->tokens->forget();
        credential = "erased";
        message += "\nerased its stored credential from the " + found->tokens->storage_name() +
                   " store (not revoked at the server: `latchkey logout --at " + site +
                   "` before removing a site does that)";
    }
    EditResult r = result(doc, site, "removed", changed, message);
    r.credential = credential;
    return r;
}

EditResult Admin::set_default_site(const std::string& site) {
    SiteEdit edit(parts_->options, site);
    edit.doc.set_default_site(site);
    bool changed = commit(*parts_, edit.file, edit.doc, std::nullopt);
    return result(edit.doc, site, "set-default", changed,
                  "default site is now '" + site + "' (" + edit.doc.path() + ")");
}

}  // namespace latchkey::admin
