// `latchkey sites add|modify|remove|set-default`: edit the policy file in place.
//
// Every edit follows the same steps: lock and read the file, change only the
// lines of the edited site (or default_site) in the text, write the result
// to a temporary file beside it, load that with the policy loader and resolve
// the edited site against its provider, and only then rename it over the
// policy. Any error leaves the file exactly as it was.
//
// `--set key=value` is a global option, so main.cpp has already collected it
// into host_options.sets; for these commands it means "write this value".
#include <algorithm>
#include <iostream>
#include <set>

#include "policy/policy_edit.hpp"
#include "policy_file.hpp"
#include "site_check.hpp"
#include "sites_edit.hpp"
#include "util/printable.hpp"
#include "util/strings.hpp"
#include "policy/policy_location.hpp"

namespace latchkey::cli {

namespace {

using Assignments = std::vector<std::pair<std::string, std::string>>;

[[noreturn]] void usage(const std::string& cmd, const std::string& what) {
    throw Error(ErrorKind::usage, cmd + ": " + what + " (see `latchkey " + cmd + " --help`)");
}

std::string config_path(const Context& ctx) {
    bool explicit_choice = false;
    return policy::policy_path(ctx.host_options.config_path, explicit_choice);
}

// Parses `cmd NAME [options]` (the options in `desc`) and returns NAME, or
// nullopt after printing the help.
std::optional<std::string> parse_named(Context& ctx, const std::string& cmd,
                                       const std::string& usage_text, po::options_description& desc,
                                       po::variables_map& vm) {
    desc.add_options()("name", po::value<std::string>(), "the site");
    po::positional_options_description pos;
    pos.add("name", 1);
    if (!parse_command_options(ctx, cmd, cmd + " " + usage_text, desc, vm, &pos))
        return std::nullopt;
    if (!vm.count("name")) usage(cmd, "name the site");
    return vm["name"].as<std::string>();
}

// `--set key=value` in order, then `--set-env key=VAR` as key = { env = "VAR" }.
// Never echoes a value: it may be a secret.
Assignments assignments(const std::string& cmd, const Context& ctx, const po::variables_map& vm) {
    Assignments out;
    auto split = [&](const std::string& flag, const std::string& arg) {
        auto eq = arg.find('=');
        std::string key = util::trim(arg.substr(0, eq));
        if (eq == std::string::npos || key.empty())
            usage(cmd, flag + " needs key=value (an argument has no key before '=')");
        return std::make_pair(key, arg.substr(eq + 1));
    };
    for (auto& s : ctx.host_options.sets) out.push_back(split("--set", s));
    if (vm.count("set-env"))
        for (auto& s : vm["set-env"].as<std::vector<std::string>>()) {
            auto [key, var] = split("--set-env", s);
            out.emplace_back(key, "{ env = " + policy::toml_string(util::trim(var)) + " }");
        }
    std::set<std::string> seen;
    for (auto& [key, value] : out)
        if (!seen.insert(key).second) usage(cmd, key + " is given twice");
    return out;
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
// the host's. (--set is a global option, so the order it was typed in,
// relative to --set-env, is not known here.)
std::vector<policy::KeyValue> typed(PolicyFile& file, const std::string& site,
                                    const std::string& provider,
                                    const std::vector<policy::OptionSpec>& schema,
                                    Assignments values) {
    std::vector<std::string> known;
    for (auto* list : {&schema, &policy::host_site_options()})
        for (auto& s : *list) known.push_back(s.key);
    auto rank = [&](const std::string& key) {
        return std::find(known.begin(), known.end(), key) - known.begin();
    };
    std::stable_sort(values.begin(), values.end(),
                     [&](auto& a, auto& b) { return rank(a.first) < rank(b.first); });
    std::vector<policy::KeyValue> out;
    for (auto& [key, value] : values) {
        const policy::OptionSpec* spec = option_spec(schema, key);
        if (!spec) {
            std::string near = util::nearest(key, known);
            throw Error(ErrorKind::config,
                        "site '" + site + "' (provider " + provider + ") has no option '" + key +
                            "'" +
                            (near.empty() ? "; see `latchkey providers show " + provider + "`"
                                          : "; did you mean '" + near + "'?"));
        }
        if (spec->secret && !policy::is_indirection(value))
            std::cerr << "latchkey: warning: " << display(key)
                      << " is a secret: given on the command line, other users can see it (ps) "
                         "and your shell history keeps it; next time use --set-env "
                      << display(key) << "=VAR or --set '" << display(key) << "={secret=NAME}'"
                      << std::endl;
        // A policy holding a secret itself must be readable by its owner only.
        if (spec->secret && !policy::is_indirection(value) && file.restrict_to_owner())
            std::cerr << "latchkey: warning: " << display(file.path())
                      << " now holds a secret: its permissions are reduced to owner-only"
                      << std::endl;
        try {
            out.push_back({key, policy::toml_value_for(*spec, value)});
        } catch (const Error& e) {
            if (e.kind() != ErrorKind::config) throw;
            throw Error(e.kind(), "--set " + std::string(e.what()));
        }
    }
    return out;
}

// The provider's option schema, found on the plugin search path the edited
// policy will use.
std::vector<policy::OptionSpec> schema_of(const Context& ctx, const PolicyFile& file,
                                          const std::string& path, const std::string& site,
                                          const std::string& provider) {
    std::vector<std::string> policy_dirs;
    if (file.exists()) policy_dirs = policy::Policy::load(path).plugin_dirs;
    provider::Catalog catalog(provider::default_search_path(ctx.host_options.plugin_dirs, policy_dirs));
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
    SiteEdit(Context& ctx, const std::string& name)
        : path(config_path(ctx)), file(path, false), doc(existing_text(file, path), path) {
        doc.require_site(name);
    }
    std::string path;
    PolicyFile file;
    policy::PolicyText doc;
};

// Validates and writes the edited text; whether it changed the file.
bool commit(Context& ctx, PolicyFile& file, const policy::PolicyText& doc,
            const std::optional<std::string>& check_site) {
    bool changed = !file.exists() || doc.text() != file.text();
    std::vector<std::string> warnings;
    if (changed) {
        warnings = check_staged_policy(file.stage(doc.text()), doc.path(), check_site,
                                       ctx.host_options.plugin_dirs);
        file.commit();
    }
    for (auto& w : warnings) std::cerr << "latchkey: warning: " << display(w) << std::endl;
    return changed;
}

// Says what was done: `message` as text, or a JSON object (with `extra`
// string members).
void report(Context& ctx, const policy::PolicyText& doc, const std::string& site,
            const std::string& action, bool changed, const std::string& message,
            const std::vector<std::pair<std::string, std::string>>& extra = {}) {
    if (ctx.format == Format::json) {
        Json j;
        j.w().StartObject();
        j.key_string("config", doc.path());
        j.key_string("site", site);
        j.key_string("action", action);
        j.key_bool("changed", changed);
        j.w().Key("default_site");
        if (auto d = doc.default_site())
            j.w().String(d->c_str(), static_cast<rapidjson::SizeType>(d->size()));
        else
            j.w().Null();
        for (auto& [k, v] : extra) j.key_string(k.c_str(), v);
        j.w().EndObject();
        j.print();
    } else {
        // Our message may have several lines; what it quotes has no controls left.
        std::cout << util::printable(without_url_passwords(message), util::Newlines::keep)
                  << (changed ? "" : " (no change)") << std::endl;
    }
}

void finish(Context& ctx, PolicyFile& file, const policy::PolicyText& doc,
            const std::optional<std::string>& check_site, const std::string& site,
            const std::string& action, const std::string& message) {
    bool changed = commit(ctx, file, doc, check_site);
    report(ctx, doc, site, action, changed, message);
}

bool valid_site_name(const std::string& s) {
    return !s.empty() && s.find_first_not_of(
                             "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
                             "0123456789-_.") == std::string::npos;
}

// --set is taken by main.cpp as a global option; it is listed here for --help only.
const char* const kSetHelp =
    "key=value: write this value, typed by the provider's option (repeatable); "
    "key={env=VAR}, {secret=NAME} or {file=PATH} writes a reference";
const char* const kSetEnvHelp =
    "key=VAR: write key = { env = \"VAR\" }, read from $VAR when latchkey runs (repeatable)";

int add(Context& ctx) {
    const std::string cmd = "sites add";
    po::options_description desc(cmd);
    desc.add_options()("provider", po::value<std::string>(),
                       "the provider that serves it (`latchkey providers list`)")(
        "set", po::value<std::vector<std::string>>()->composing(), kSetHelp)(
        "set-env", po::value<std::vector<std::string>>()->composing(), kSetEnvHelp)(
        "default", "make it the default site (default_site)");
    po::variables_map vm;
    auto name = parse_named(ctx, cmd,
                            "NAME --provider P [--set key=value]... [--set-env key=VAR]... "
                            "[--default]",
                            desc, vm);
    if (!name) return 0;
    if (!valid_site_name(*name))
        usage(cmd, "site name '" + *name + "' may only use letters, digits, '-', '_' and '.'");
    if (!vm.count("provider"))
        usage(cmd, "--provider P is required (see `latchkey providers list`)");
    std::string provider = vm["provider"].as<std::string>();
    Assignments values = assignments(cmd, ctx, vm);
    for (auto& [key, value] : values)
        if (key == "provider") usage(cmd, "give the provider with --provider, not --set");

    std::string path = config_path(ctx);
    PolicyFile file(path, true);
    policy::PolicyText doc(file.text(), path);
    if (doc.has_site(*name))
        throw Error(ErrorKind::config, "site '" + *name + "' already exists in " + path +
                                           "; change it with `latchkey sites modify " + *name +
                                           " --set KEY=VALUE`");
    std::vector<policy::KeyValue> kv{{"provider", policy::toml_string(provider)}};
    for (auto& v :
         typed(file, *name, provider, schema_of(ctx, file, path, *name, provider), values))
        kv.push_back(v);
    doc.add_site(*name, kv);
    bool make_default = vm.count("default") > 0;
    if (make_default) doc.set_default_site(*name);
    finish(ctx, file, doc, *name, *name, "added",
           "added site '" + *name + "' (provider " + provider + ") to " + path +
               (make_default ? "; it is the default site" : ""));
    return 0;
}

int modify(Context& ctx) {
    const std::string cmd = "sites modify";
    po::options_description desc(cmd);
    desc.add_options()("set", po::value<std::vector<std::string>>()->composing(), kSetHelp)(
        "set-env", po::value<std::vector<std::string>>()->composing(), kSetEnvHelp)(
        "unset", po::value<std::vector<std::string>>()->composing(),
        "remove this key from the site (repeatable)");
    po::variables_map vm;
    auto name = parse_named(
        ctx, cmd, "NAME [--set key=value]... [--set-env key=VAR]... [--unset key]...", desc, vm);
    if (!name) return 0;
    Assignments values = assignments(cmd, ctx, vm);
    std::vector<std::string> unset;
    if (vm.count("unset")) unset = vm["unset"].as<std::vector<std::string>>();
    if (values.empty() && unset.empty())
        usage(cmd, "nothing to change: give --set key=value, --set-env key=VAR or --unset key");
    for (auto& key : unset)
        for (auto& [k, v] : values)
            if (k == key) usage(cmd, key + " is both set and unset");

    SiteEdit edit(ctx, *name);
    auto& [path, file, doc] = edit;
    // The provider the site will have: a new one given here, else its own
    // (or the one [defaults] names).
    std::string provider;
    for (auto& [k, v] : values)
        if (k == "provider") provider = v;
    if (provider.empty()) {
        auto p = policy::Policy::load(path);
        policy::Environment nothing;
        nothing.getenv = [](const std::string&) { return std::optional<std::string>(); };
        provider = policy::Resolver(p, nothing).provider_of(*name);
    }
    auto kv = typed(file, *name, provider, schema_of(ctx, file, path, *name, provider), values);
    doc.modify_site(*name, kv, unset);
    std::vector<std::string> set_keys;
    for (auto& [k, v] : kv) set_keys.push_back(k);
    std::string what;
    if (!set_keys.empty()) what += "set " + util::join(set_keys, ", ");
    if (!unset.empty())
        what += (what.empty() ? "" : "; ") + std::string("removed ") + util::join(unset, ", ");
    finish(ctx, file, doc, *name, *name, "modified",
           "modified site '" + *name + "' in " + path + ": " + what);
    return 0;
}

// `sites remove NAME`: the site leaves the policy, and its stored
// credential the token store (nothing could reach it afterwards). The
// credential is found while the policy still has the site and erased once
// the file is written, so a failed write loses nothing.
int remove_site(Context& ctx) {
    const std::string cmd = "sites remove";
    po::options_description desc(cmd);
    desc.add_options()("keep-credential", "leave the site's stored credential in the token store");
    po::variables_map vm;
    auto name = parse_named(ctx, cmd, "NAME [--keep-credential]", desc, vm);
    if (!name) return 0;
    SiteEdit edit(ctx, *name);
    auto& [path, file, doc] = edit;

    site::Site* stored_site = nullptr;
    std::string credential = "none";
    if (vm.count("keep-credential")) {
        credential = "kept";
    } else {
        try {
            auto& host = ctx.host();
            auto& s = host.site(*name);
            if (s.tokens->stored()) stored_site = &s;
        } catch (const Error& e) {
            credential = "unknown";
            std::cerr << "latchkey: warning: site '" << display(*name)
                      << "': could not look for its stored credential: " << display(e.what())
                      << " (`latchkey storage list` shows what is stored)" << std::endl;
        }
    }

    // default_site may only name a site that exists: it goes with the site.
    bool was_default = doc.default_site() == *name;
    doc.remove_site(*name);
    if (was_default) doc.set_default_site(std::nullopt);
    std::string message = "removed site '" + *name + "' from " + doc.path();
    if (was_default)
        message +=
            "; it was the default site, so default_site is removed too "
            "(choose another with `latchkey sites set-default NAME`)";
    bool changed = commit(ctx, file, doc, std::nullopt);

    if (stored_site) {
        stored_site->tokens->forget();
        credential = "erased";
        message += "\nerased its stored credential from the " + stored_site->tokens->storage_name() +
                   " store (not revoked at the server: `latchkey logout --at " + *name +
                   "` before removing a site does that)";
    }
    report(ctx, doc, *name, "removed", changed, message, {{"credential", credential}});
    return 0;
}

int set_default(Context& ctx) {
    const std::string cmd = "sites set-default";
    po::options_description desc(cmd);
    po::variables_map vm;
    auto name = parse_named(ctx, cmd, "NAME", desc, vm);
    if (!name) return 0;
    SiteEdit edit(ctx, *name);
    edit.doc.set_default_site(*name);
    finish(ctx, edit.file, edit.doc, std::nullopt, *name, "set-default",
           "default site is now '" + *name + "' (" + edit.doc.path() + ")");
    return 0;
}

}  // namespace

std::vector<Command> site_edit_commands() {
    return {{"sites add", "add a site to the policy file (comments and layout kept)", add},
            {"sites modify", "set or unset keys of a site in the policy file", modify},
            {"sites remove",
             "remove a site (and default_site if it named it) and erase its stored credential",
             remove_site},
            {"sites set-default", "make a site the default (default_site)", set_default}};
}

}  // namespace latchkey::cli
