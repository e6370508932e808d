#include "policy/resolver.hpp"

#include <algorithm>
#include <cstdlib>
#include <cstring>

#include "latchkey/error.hpp"
#include "policy/extra_headers.hpp"
#include "policy/renamed_options.hpp"
#include "util/duration.hpp"
#include "util/home_path.hpp"
#include "util/regular_file.hpp"
#include "util/strings.hpp"

namespace latchkey::policy {

namespace {

[[noreturn]] void fail(const std::string& where, const std::string& what) {
    throw Error(ErrorKind::config, where + ": " + what);
}

[[noreturn]] void fail(const SourcePos& where, const std::string& what) {
    throw config_error_at(where, what);
}

// At a value's source: its place in the policy file, when it has one.
[[noreturn]] void fail(const ResolvedValue& value, const std::string& what) {
    throw config_error(value.source + ": " + what, value.pos);
}

// Names a key may never take from LATCHKEY_<KEY>, because the host owns them.
bool reserved_env_name(const std::string& upper) {
    return upper == "CONFIG" || upper == "SITE" || upper == "PLUGIN_PATH" ||
           upper == "SECRETS_DIR" || upper == "PROVIDER" || upper == "ENV_PREFIX" ||
           upper == "URL_PATTERNS";
}

// A value file: a regular file only, of bounded size (util/regular_file.hpp).
std::optional<std::string> read_value_file(const std::string& path, std::string& error) {
    auto file = util::read_regular_file(path);
    if (!file.text) {
        error = file.error;
        return std::nullopt;
    }
    std::string& v = *file.text;
    // Secret files conventionally end in a newline that is not part of the value.
    while (!v.empty() && (v.back() == '\n' || v.back() == '\r')) v.pop_back();
    return std::move(v);
}

std::string expectation(latchkey_option_type t) {
    switch (t) {
        case LATCHKEY_OPT_INT:
            return "an integer";
        case LATCHKEY_OPT_BOOL:
            return "true or false";
        case LATCHKEY_OPT_DURATION:
            return "a duration such as \"30s\", \"5m\" or \"1h\"";
        case LATCHKEY_OPT_LIST:
            return "a list of strings";
        case LATCHKEY_OPT_PATH:
            return "a file path";
        default:
            return "a string";
    }
}

// isolation and provider_sha256 name a mode and a digest; anything else is a
// mistake reported at the value's position.
void check_plugin_keys(const ResolvedValue* isolation, const ResolvedValue* sha256) {
    if (isolation && isolation->text != "none" && isolation->text != "process")
        fail(*isolation,
             "isolation: expected \"none\" or \"process\", got \"" + isolation->text + "\"");
    if (sha256) {
        bool hex = sha256->text.size() == 64 &&
                   std::all_of(sha256->text.begin(), sha256->text.end(),
                               [](unsigned char c) { return std::isxdigit(c); });
        if (!hex)
            fail(*sha256,
                 "provider_sha256: expected 64 hexadecimal digits (the output of `sha256sum "
                 "PLUGIN.so`), got " +
                     std::to_string(sha256->text.size()) + " characters");
    }
}

const OptionSpec& host_spec(const std::string& key) {
    for (auto& s : host_site_options())
        if (s.key == key) return s;
    throw Error(ErrorKind::internal, "no host option " + key);
}

}  // namespace

Environment Environment::from_process(const std::vector<std::string>& sets, bool use_dotenv) {
    Environment env;
    env.getenv = [](const std::string& name) -> std::optional<std::string> {
        if (const char* v = std::getenv(name.c_str())) return std::string(v);
        return std::nullopt;
    };
    for (auto& s : sets) {
        auto eq = s.find('=');
        if (eq == std::string::npos || eq == 0)
            throw Error(ErrorKind::usage, "--set " + s + ": expected key=value");
        env.sets.emplace_back(util::trim(s.substr(0, eq)), s.substr(eq + 1));
    }
    if (use_dotenv) {
        env.dotenv_path = ".env";
        env.dotenv = read_dotenv(env.dotenv_path);
    }
    return env;
}

const ResolvedValue* ResolvedSite::get(const std::string& key) const {
    auto it = values.find(key);
    return it == values.end() || !it->second.set ? nullptr : &it->second;
}

std::optional<int64_t> ResolvedSite::refresh_before_ms() const {
    if (auto* v = get("refresh_before")) return v->ms;
    return std::nullopt;
}

std::optional<double> ResolvedSite::refresh_at() const {
    if (auto* v = get("refresh_at")) return util::parse_percent(v->text);
    return std::nullopt;
}

int64_t ResolvedSite::timeout_ms() const {
    if (auto* v = get("timeout")) return v->ms;
    return 10'000;
}

int64_t ResolvedSite::refresh_timeout_ms() const {
    const auto* v = get("refresh_timeout");
    return std::max(timeout_ms(), v ? v->ms : 60'000);
}

std::optional<std::string> ResolvedSite::token_type() const {
    if (auto* v = get("token_type")) return v->text;
    return std::nullopt;
}

std::string ResolvedSite::ca_file() const {
    if (auto* v = get("ca_file")) return v->text;
    return "";
}

bool ResolvedSite::isolated() const {
    auto* v = get("isolation");
    return v && v->text == "process";
}

std::string ResolvedSite::provider_sha256() const {
    auto* v = get("provider_sha256");
    return v ? util::to_lower(v->text) : "";
}

std::string ResolvedSite::token_file() const {
    if (auto* v = get("token_file")) return v->text;
    return "";
}

std::vector<std::pair<std::string, std::string>> ResolvedSite::extra_headers() const {
    if (auto* v = get(kExtraHeaders)) return extra_header_pairs(*v);
    return {};
}

std::string ResolvedSite::storage() const {
    if (auto* v = get("storage")) return v->text;
    return "";
}

std::string Resolver::select_site(const std::optional<std::string>& at) const {
    std::vector<std::string> names;
    for (auto& s : policy_.sites) names.push_back(s.name);
    auto check = [&](const std::string& name, const std::string& via) {
        if (policy_.find_site(name)) return name;
        std::string near = util::nearest(name, names);
        std::string msg = "unknown site '" + name + "' (from " + via + ")";
        if (!near.empty())
            msg += "; did you mean '" + near + "'?";
        else if (!names.empty())
            msg += "; known sites: " + util::join(names, ", ");
        else
            msg += "; " + policy_.path() + " defines no [sites.NAME] table";
        throw Error(ErrorKind::config, msg);
    };
    if (at && !at->empty()) return check(*at, "--at");
    if (auto v = env_.getenv("LATCHKEY_SITE"); v && !v->empty()) return check(*v, "LATCHKEY_SITE");
    if (policy_.default_site) return *policy_.default_site;
    if (policy_.sites.size() == 1) return policy_.sites.front().name;
    if (policy_.sites.empty())
        throw Error(ErrorKind::config,
                    "no site is configured: " + policy_.path() +
                        (policy_.exists() ? " has no [sites.NAME] table" : " does not exist") +
                        "; start from config/demo.toml, or pass --config FILE");
    throw Error(ErrorKind::usage,
                "several sites are configured (" + util::join(names, ", ") +
                    "); choose one with --at SITE, LATCHKEY_SITE or default_site");
}

const SiteTable& Resolver::site_table(const std::string& site) const {
    if (auto* t = policy_.find_site(site)) return *t;
    select_site(site);  // throws the helpful unknown-site error
    throw Error(ErrorKind::config, "unknown site '" + site + "'");
}

std::string Resolver::provider_of(const std::string& site) const {
    const SiteTable& st = site_table(site);
    const toml::node* n = st.table->get("provider");
    if (!n && policy_.defaults) n = policy_.defaults->get("provider");
    if (!n)
        fail(st.pos, "site '" + site +
                         "' names no provider; add provider = \"NAME\" "
                         "(see `latchkey providers list`)");
    if (!n->is_string()) fail(policy_.pos_of(*n), "provider: expected a string");
    return *n->value<std::string>();
}

std::vector<std::string> secret_texts(const std::map<std::string, ResolvedValue>& values) {
    std::vector<std::string> out;
    for (auto& [key, v] : values) {
        if (!v.secret) continue;
        if (!v.text.empty()) out.push_back(v.text);
        out.insert(out.end(), v.list.begin(), v.list.end());
    }
    return out;
}

SourcePos Resolver::provider_pos(const std::string& site) const {
    const SiteTable& st = site_table(site);
    const toml::node* n = st.table->get("provider");
    if (!n && policy_.defaults) n = policy_.defaults->get("provider");
    return n ? policy_.pos_of(*n) : st.pos;
}

ResolvedValue Resolver::from_text(const OptionSpec& spec, const std::string& text,
                                  const std::string& source) const {
    ResolvedValue v;
    v.set = true;
    v.source = source;
    v.secret = spec.secret;
    if (spec.key == kExtraHeaders) return extra_headers_from_json(text, source);
    auto bad = [&] {
        fail(source, spec.key + ": expected " + expectation(spec.type) +
                         (spec.secret ? "" : ", got \"" + text + "\""));
    };
    switch (spec.type) {
        case LATCHKEY_OPT_STRING:
            v.text = text;
            break;
        case LATCHKEY_OPT_PATH:
            // Expanded here, once, so no provider or backend has to.
            v.text = util::expand_home(text);
            break;
        case LATCHKEY_OPT_INT: {
            std::string t = util::trim(text);
            size_t i = (!t.empty() && t[0] == '-') ? 1 : 0;
            if (i == t.size()) bad();
            for (; i < t.size(); ++i)
                if (!std::isdigit(static_cast<unsigned char>(t[i]))) bad();
            v.text = t;
            break;
        }
        case LATCHKEY_OPT_BOOL: {
            std::string t = util::to_lower(util::trim(text));
            if (t == "true" || t == "1" || t == "yes" || t == "on")
                v.text = "true";
            else if (t == "false" || t == "0" || t == "no" || t == "off")
                v.text = "false";
            else
                bad();
            break;
        }
        case LATCHKEY_OPT_DURATION: {
            std::string too_long;
            auto ms = util::parse_duration_ms(text, &too_long);
            if (!ms && !too_long.empty()) fail(source, spec.key + ": " + too_long);
            if (!ms) bad();
            v.ms = *ms;
            v.is_duration = true;
            v.text = std::to_string(*ms / 1000);
            break;
        }
        case LATCHKEY_OPT_LIST:
            v.is_list = true;
            v.list = util::split(text, ", \t\n");
            break;
    }
    return v;
}

ResolvedValue Resolver::from_node(const OptionSpec& spec, const toml::node& node,
                                  const std::string& source) const {
    ResolvedValue v = node_value(spec, node, source);
    v.pos = policy_.pos_of(node);
    return v;
}

ResolvedValue Resolver::node_value(const OptionSpec& spec, const toml::node& node,
                                   const std::string& source) const {
    SourcePos where = policy_.pos_of(node);
    if (spec.key == kExtraHeaders)
        if (auto headers = extra_headers_from_node(node, policy_, source)) return *headers;
    // Indirections: { env = "NAME" }, { file = "PATH" }, { secret = "NAME" }.
    if (auto* t = node.as_table()) {
        if (t->size() != 1)
            fail(where, spec.key +
                            ": expected a value or one of { env = \"NAME\" }, "
                            "{ file = \"PATH\" }, { secret = \"NAME\" }");
        auto first = t->begin();
        std::string kind(first->first.str());
        const toml::node& inner = first->second;
        if (!inner.is_string()) fail(where, spec.key + ": { " + kind + " = ... } expects a string");
        std::string arg = *inner.value<std::string>();
        std::string text, error;
        if (kind == "env") {
            auto v = env_.getenv(arg);
            if (!v) {
                auto it = env_.dotenv.find(arg);
                if (it != env_.dotenv.end()) v = it->second.value;
            }
            if (!v) fail(where, spec.key + ": environment variable " + arg + " is not set");
            return from_text(spec, *v, source + " via env " + arg);
        }
        if (kind == "file" || kind == "secret") {
            std::string path;
            if (kind == "file") {
                path = util::expand_home(arg);
            } else {
                if (arg.find('/') != std::string::npos || arg == ".." || arg.empty())
                    fail(where, spec.key + ": { secret = \"" + arg + "\" } must be a plain name");
                std::string dir = env_.getenv("LATCHKEY_SECRETS_DIR").value_or("/run/secrets");
                path = dir + "/" + arg;
            }
            auto v = read_value_file(path, error);
            if (!v) fail(where, spec.key + ": " + error);
            ResolvedValue value = from_text(spec, *v, source + " via " + kind + " " + path);
            util::wipe(*v);
            return value;
        }
        std::vector<std::string> kinds = {"env", "file", "secret"};
        std::string near = util::nearest(kind, kinds);
        fail(where,
             spec.key + ": unknown indirection '" + kind + "'" +
                 (near.empty() ? "; use env, file or secret" : "; did you mean '" + near + "'?"));
    }
    auto mismatch = [&] {
        fail(where, spec.key + ": expected " + expectation(spec.type) + ", found " + type_of(node));
    };
    switch (spec.type) {
        case LATCHKEY_OPT_STRING:
        case LATCHKEY_OPT_PATH:
            if (!node.is_string()) mismatch();
            return from_text(spec, *node.value<std::string>(), source);
        case LATCHKEY_OPT_INT:
            if (!node.is_integer()) mismatch();
            return from_text(spec, std::to_string(*node.value<int64_t>()), source);
        case LATCHKEY_OPT_BOOL:
            if (!node.is_boolean()) mismatch();
            return from_text(spec, *node.value<bool>() ? "true" : "false", source);
        case LATCHKEY_OPT_DURATION:
            if (node.is_integer())
                return from_text(spec, std::to_string(*node.value<int64_t>()), source);
            if (!node.is_string()) mismatch();
            if (std::string too_long;
                !util::parse_duration_ms(*node.value<std::string>(), &too_long) &&
                !too_long.empty())
                fail(where, spec.key + ": " + too_long);
            try {
                return from_text(spec, *node.value<std::string>(), source);
            } catch (const Error&) {
                fail(where,
                     spec.key + ": expected " + expectation(spec.type) +
                         (spec.secret ? "" : ", got \"" + *node.value<std::string>() + "\""));
            }
            break;
        case LATCHKEY_OPT_LIST: {
            auto* arr = node.as_array();
            if (!arr) mismatch();
            ResolvedValue v;
            v.set = true;
            v.is_list = true;
            v.source = source;
            v.secret = spec.secret;
            for (auto& item : *arr) {
                // A secret list's items may each be { env/file/secret = ... }.
                if (spec.secret && item.is_table()) {
                    OptionSpec one = spec;
                    one.type = LATCHKEY_OPT_STRING;
                    v.list.push_back(from_node(one, item, source).text);
                    continue;
                }
                if (!item.is_string())
                    fail(policy_.pos_of(item),
                         spec.key + ": expected a list of strings, found an element of type " +
                             type_of(item));
                v.list.push_back(*item.value<std::string>());
            }
            return v;
        }
    }
    fail(where, spec.key + ": unsupported option type");
}

std::optional<ResolvedValue> Resolver::lookup(const SiteTable& site, const std::string& prefix,
                                              const OptionSpec& spec) const {
    for (auto it = env_.sets.rbegin(); it != env_.sets.rend(); ++it)
        if (it->first == spec.key) return from_text(spec, it->second, "--set " + spec.key);

    std::string upper = util::to_upper(spec.key);
    std::vector<std::string> names;
    if (!prefix.empty()) names.push_back(prefix + upper);
    if (!reserved_env_name(upper)) names.push_back("LATCHKEY_" + upper);
    for (auto& n : names)
        if (auto v = env_.getenv(n)) return from_text(spec, *v, "env " + n);
    for (auto& n : names) {
        auto it = env_.dotenv.find(n);
        if (it != env_.dotenv.end())
            return from_text(
                spec, it->second.value,
                env_.dotenv_path + ":" + std::to_string(it->second.line) + " (" + n + ")");
    }
    if (auto* n = site.table->get(spec.key)) return from_node(spec, *n, policy_.pos_of(*n).str());
    if (policy_.defaults)
        if (auto* n = policy_.defaults->get(spec.key))
            return from_node(spec, *n, "[defaults] " + policy_.pos_of(*n).str());
    if (spec.default_value) {
        ResolvedValue v = from_text(spec, *spec.default_value, "default");
        return v;
    }
    return std::nullopt;
}

std::map<std::string, ResolvedValue> Resolver::resolve_table(
    const toml::table* table, const std::string& where, const std::string& env_prefix,
    const std::vector<OptionSpec>& schema) const {
    std::vector<std::string> known;
    for (auto& s : schema) known.push_back(s.key);
    if (table) {
        for (auto&& [key, node] : *table) {
            std::string k(key.str());
            if (std::find(known.begin(), known.end(), k) != known.end()) continue;
            std::string near = util::nearest(k, known);
            auto renamed = renamed_option_hint(k, known);
            fail(policy_.pos_of(key),
                 "unknown key '" + k + "' in " + where +
                     (renamed        ? "; " + *renamed
                      : near.empty() ? (known.empty() ? "; it takes no options"
                                                      : "; valid keys: " + util::join(known, ", "))
                                     : "; did you mean '" + near + "'?"));
        }
    }
    return resolve_keys(table, where, env_prefix, schema);
}

std::map<std::string, ResolvedValue> Resolver::resolve_keys(
    const toml::table* table, const std::string& where, const std::string& env_prefix,
    const std::vector<OptionSpec>& schema) const {
    std::map<std::string, ResolvedValue> out;
    for (auto& spec : schema) {
        std::string var = env_prefix + util::to_upper(spec.key);
        if (auto v = env_.getenv(var)) {
            out[spec.key] = from_text(spec, *v, "env " + var);
        } else if (auto* n = table ? table->get(spec.key) : nullptr) {
            out[spec.key] = from_node(spec, *n, policy_.pos_of(*n).str());
        } else if (spec.default_value) {
            out[spec.key] = from_text(spec, *spec.default_value, "default");
        } else if (spec.required) {
            fail(where,
                 "option '" + spec.key + "' is required; set it in " + where + " or export " + var);
        }
    }
    return out;
}

PluginLoading Resolver::plugin_loading(const std::string& site) const {
    const SiteTable& st = site_table(site);
    std::string prefix;
    if (auto* n = st.table->get("env_prefix"); n && n->is_string())
        prefix = *n->value<std::string>();
    ResolvedSite keys;
    for (const char* key : {"isolation", "provider_sha256", "timeout"})
        if (auto v = lookup(st, prefix, host_spec(key))) keys.values[key] = *v;
    check_plugin_keys(keys.get("isolation"), keys.get("provider_sha256"));
    return {keys.isolated(), keys.provider_sha256(), keys.timeout_ms()};
}

std::vector<UrlPattern> Resolver::url_patterns(const std::string& site) const {
    const SiteTable& st = site_table(site);
    std::vector<UrlPattern> out;
    auto* n = st.table->get("url_patterns");
    if (!n) return out;
    auto* arr = n->as_array();
    if (!arr) fail(policy_.pos_of(*n), "url_patterns: expected a list of strings");
    for (auto& item : *arr) {
        SourcePos where = policy_.pos_of(item);
        if (!item.is_string()) fail(where, "url_patterns: expected a list of strings");
        std::string why;
        auto p = parse_url_pattern(*item.value<std::string>(), why);
        if (!p) fail(where, "url_patterns: \"" + *item.value<std::string>() + "\" " + why);
        out.push_back(std::move(*p));
    }
    return out;
}

ResolvedSite Resolver::resolve(const std::string& site,
                               const std::vector<OptionSpec>& schema) const {
    const SiteTable& st = site_table(site);
    ResolvedSite out;
    out.name = site;
    out.pos = st.pos;
    out.provider = provider_of(site);
    out.schema = schema;

    // Host options first; a provider's redeclaration of one only changes its
    // default (the plugin loader allows nothing else).
    std::vector<OptionSpec> all = host_site_options();
    for (auto& spec : schema) {
        auto host = std::find_if(all.begin(), all.end(),
                                 [&](const OptionSpec& h) { return h.key == spec.key; });
        if (host != all.end())
            host->default_value = spec.default_value;
        else
            all.push_back(spec);
    }
    std::vector<std::string> known;
    for (auto& s : all) known.push_back(s.key);

    // Unknown keys in the site's own table are mistakes; name the closest key.
    for (auto&& [key, node] : *st.table) {
        std::string k(key.str());
        bool ok = false;
        for (auto& s : known) ok = ok || s == k;
        if (ok) continue;
        std::string near = util::nearest(k, known);
        auto renamed = renamed_option_hint(k, known, out.provider);
        fail(policy_.pos_of(key),
             "unknown key '" + k + "' in [sites." + site + "] (provider " + out.provider + ")" +
                 (renamed        ? "; " + *renamed
                  : near.empty() ? "; see `latchkey providers show " + out.provider + "`"
                                 : "; did you mean '" + near + "'?"));
    }
    for (auto& [k, v] : env_.sets) {
        if (k == "provider" || k == "env_prefix" || k == "url_patterns" || k == "allow")
            throw Error(ErrorKind::usage, "--set " + k + ": " + k +
                                              " shapes the site itself; set it in [sites." + site +
                                              "] of " + policy_.path());
        bool ok = false;
        for (auto& s : known) ok = ok || s == k;
        if (!ok) {
            std::string near = util::nearest(k, known);
            auto renamed = renamed_option_hint(k, known, out.provider);
            throw Error(ErrorKind::usage, "--set " + k + ": site '" + site + "' (provider " +
                                              out.provider + ") has no option '" + k + "'" +
                                              (renamed        ? "; " + *renamed
                                               : near.empty() ? ""
                                                              : "; did you mean '" + near + "'?"));
        }
    }

    // env_prefix shapes the environment names, so it comes from the file only.
    if (auto* n = st.table->get("env_prefix")) {
        if (!n->is_string()) fail(policy_.pos_of(*n), "env_prefix: expected a string");
        out.env_prefix = *n->value<std::string>();
    }

    for (auto& spec : all) {
        if (spec.key == "provider") {
            ResolvedValue v;
            v.set = true;
            v.text = out.provider;
            auto* n = st.table->get("provider");
            v.source = n ? policy_.pos_of(*n).str() : "[defaults]";
            out.values[spec.key] = v;
            continue;
        }
        if (spec.key == "allow") {
            // Who may read the site is the policy file's to say (not the
            // environment's or --set's): a table of its own, not a value.
            if (auto* n = st.table->get("allow")) {
                out.allow = parse_access_rules(policy_, *n);
                ResolvedValue v;
                v.set = true;
                v.text = access_rules_text(*out.allow);
                v.source = policy_.pos_of(*n).str();
                out.values[spec.key] = v;
            }
            continue;
        }
        if (spec.key == "env_prefix") {
            if (!out.env_prefix.empty()) {
                ResolvedValue v;
                v.set = true;
                v.text = out.env_prefix;
                v.source = policy_.pos_of(*st.table->get("env_prefix")).str();
                out.values[spec.key] = v;
            }
            continue;
        }
        if (spec.key == "url_patterns") {
            url_patterns(site);  // checks each pattern
            if (auto* n = st.table->get("url_patterns")) {
                out.values[spec.key] = from_node(spec, *n, policy_.pos_of(*n).str());
            }
            continue;
        }
        auto v = lookup(st, out.env_prefix, spec);
        if (v && spec.required && (v->is_list ? v->list.empty() : v->text.empty()))
            fail(*v, "site '" + site + "': option '" + spec.key + "' is required by provider " +
                         out.provider + " and may not be empty");
        if (v) {
            out.values[spec.key] = *v;
            continue;
        }
        if (spec.required) {
            std::string upper = util::to_upper(spec.key);
            std::string envs = out.env_prefix.empty() ? "" : out.env_prefix + upper + " or ";
            fail(st.pos, "site '" + site + "': option '" + spec.key + "' (" + type_name(spec.type) +
                             ") is required by provider " + out.provider + "; set " + spec.key +
                             " in [sites." + site + "] or export " + envs + "LATCHKEY_" + upper);
        }
    }
    if (auto* v = out.get("refresh_at"); v && !util::parse_percent(v->text))
        fail(*v, "refresh_at: expected a percentage of the lifetime such as \"75%\"");
    check_plugin_keys(out.get("isolation"), out.get("provider_sha256"));
    if (auto* v = out.get("cloud_endpoint");
        v && v->text != "aws" && v->text != "gce" && v->text != "azure")
        fail(*v,
             "cloud_endpoint: expected \"aws\" (the AWS container credentials "
             "service), \"gce\" (the GCE metadata server) or \"azure\" (App Service "
             "managed identity), got \"" +
                 v->text + "\"");
    return out;
}

}  // namespace latchkey::policy
