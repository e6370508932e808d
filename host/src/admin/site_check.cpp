#include "admin/site_check.hpp"

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <set>

#include "latchkey/error.hpp"
#include "policy/policy.hpp"
#include "policy/resolver.hpp"
#include "util/strings.hpp"
#include "util/home_path.hpp"

namespace latchkey::admin {

namespace {

// Messages about the staged copy name the file it replaces.
std::string renamed(std::string msg, const std::string& from, const std::string& to) {
    for (size_t at = msg.find(from); at != std::string::npos; at = msg.find(from, at + to.size()))
        msg.replace(at, from.size(), to);
    return msg;
}

// A value of the option's type, standing in for an input that only the
// running program has, so that the rest of the site is still checked.
std::string placeholder(latchkey_option_type type) {
    switch (type) {
        case LATCHKEY_OPT_INT:
            return "0";
        case LATCHKEY_OPT_BOOL:
            return "false";
        case LATCHKEY_OPT_DURATION:
            return "1";
        default:
            return "placeholder";
    }
}

std::optional<std::string> process_env(const std::string& name) {
    if (const char* v = std::getenv(name.c_str())) return std::string(v);
    return std::nullopt;
}

// Why an { env } / { file } / { secret } input of `value` is missing here, or "".
std::string missing_input(const toml::node& value, const policy::Environment& env) {
    auto* t = value.as_table();
    if (!t || t->size() != 1 || !t->begin()->second.is_string()) return "";
    std::string kind(t->begin()->first.str());
    std::string arg = *t->begin()->second.value<std::string>();
    if (kind == "env")
        return env.getenv(arg) || env.dotenv.count(arg)
                   ? ""
                   : "environment variable " + arg + " is not set here";
    // A malformed secret name is the resolver's to refuse.
    if (kind == "secret" && (arg.empty() || arg == ".." || arg.find('/') != std::string::npos))
        return "";
    std::string file;
    if (kind == "file") file = util::expand_home(arg);
    if (kind == "secret")
        file = process_env("LATCHKEY_SECRETS_DIR").value_or("/run/secrets") + "/" + arg;
    if (file.empty() || access(file.c_str(), R_OK) == 0) return "";
    return "cannot read " + file + " here (" + std::strerror(errno) + ")";
}

// The environment the edited site is checked with. Variables that would
// override a key its table sets are hidden, so that the table's own value is
// the one checked; inputs only the running program needs become warnings and
// placeholders.
policy::Environment check_environment(const policy::Policy& p, const policy::SiteTable& site,
                                      const std::vector<policy::OptionSpec>& schema,
                                      std::vector<std::string>& warnings) {
    std::set<std::string> named, hidden;
    for (auto&& [k, v] : *site.table)
        if (auto* t = v.as_table(); t && t->size() == 1 && t->contains("env"))
            named.insert(t->get("env")->value<std::string>().value_or(""));
    std::string prefix = (*site.table)["env_prefix"].value<std::string>().value_or("");
    for (auto&& [k, v] : *site.table) {
        std::string upper = util::to_upper(k.str());
        for (auto& var : {prefix.empty() ? "" : prefix + upper, "LATCHKEY_" + upper})
            if (!var.empty() && !named.count(var)) hidden.insert(var);
    }
    policy::Environment env;
    env.getenv = [hidden](const std::string& name) -> std::optional<std::string> {
        return hidden.count(name) ? std::nullopt : process_env(name);
    };
    if (p.dotenv) {
        env.dotenv_path = ".env";
        env.dotenv = policy::read_dotenv(env.dotenv_path);
        for (auto& h : hidden) env.dotenv.erase(h);
    }
    for (auto&& [k, v] : *site.table) {
        std::string key(k.str());
        auto spec = std::find_if(schema.begin(), schema.end(),
                                 [&](const policy::OptionSpec& s) { return s.key == key; });
        if (spec == schema.end()) continue;  // unknown keys are the resolver's to name
        std::string missing = missing_input(v, env);
        if (missing.empty()) continue;
        warnings.push_back("site '" + site.name + "': " + key + ": " + missing +
                           "; it must be there when latchkey runs");
        env.sets.emplace_back(key, placeholder(spec->type));
    }
    return env;
}

}  // namespace

std::shared_ptr<provider::LoadedProvider> find_provider(provider::Catalog& catalog,
                                                      const std::string& name,
                                                      const std::string& where) {
    try {
        return catalog.get(name);
    } catch (const Error& e) {
        std::set<std::string> names;
        for (auto& item : catalog.list_all())
            if (item.provider && !item.refused()) names.insert(item.declared_name);
        throw Error(
            e.kind(),
            where + ": " + e.what() +
                (names.empty()
                     ? " No provider is installed."
                     : " Installed providers: " +
                           util::join(std::vector<std::string>(names.begin(), names.end()), ", ") +
                           "."));
    }
}

std::vector<std::string> check_staged_policy(const std::string& staged, const std::string& path,
                                             const std::optional<std::string>& site,
                                             const std::vector<std::string>& plugin_dirs) {
    std::vector<std::string> warnings;
    try {
        auto p = policy::Policy::load(staged);
        if (!site) return warnings;
        const policy::SiteTable* table = p.find_site(*site);
        if (!table) throw Error(ErrorKind::internal, "the edited site is not in the edited file");
        policy::Environment nothing;
        nothing.getenv = [](const std::string&) { return std::optional<std::string>(); };
        policy::Resolver plain(p, nothing);
        provider::Catalog catalog(provider::default_search_path(plugin_dirs, p.plugin_dirs));
        auto provider = find_provider(catalog, plain.provider_of(*site),
                                      plain.provider_pos(*site).str() + ": site '" + *site + "'");
        std::vector<policy::OptionSpec> all = policy::host_site_options();
        all.insert(all.end(), provider->schema().begin(), provider->schema().end());
        policy::Resolver(p, check_environment(p, *table, all, warnings))
            .resolve(*site, provider->schema());
    } catch (const Error& e) {
        // Positions are those of the edited text, which was never written.
        throw Error(e.kind(), renamed(e.what(), staged, path) + "; nothing was written to " + path);
    }
    return warnings;
}

}  // namespace latchkey::admin
