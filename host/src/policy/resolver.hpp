// Turns the policy plus the environment into the effective options of one
// site, applying the documented precedence:
//   --set > env (PREFIX_KEY, then LATCHKEY_KEY) > ./.env > [sites.NAME] > [defaults] > schema
//   default
// Every value remembers where it came from.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "policy/access_rules.hpp"
#include "policy/dotenv.hpp"
#include "policy/option_spec.hpp"
#include "policy/policy.hpp"
#include "policy/url_patterns.hpp"
#include "util/secure_memory.hpp"

namespace latchkey::policy {

struct ResolvedValue {
    ResolvedValue() = default;
    ResolvedValue(const ResolvedValue&) = default;
    ResolvedValue(ResolvedValue&&) = default;
    ResolvedValue& operator=(const ResolvedValue&) = default;
    ResolvedValue& operator=(ResolvedValue&&) = default;
    // A secret option's value (a client secret, a password) is wiped when dropped.
    ~ResolvedValue() {
        if (!secret) return;
        util::wipe(text);
        for (auto& item : list) util::wipe(item);
    }

    bool set = false;
    bool is_list = false;
    std::string text;  // scalars; durations as whole seconds
    int64_t ms = 0;    // durations, in milliseconds
    bool is_duration = false;
    std::vector<std::string> list;  // lists
    std::string source;             // "--set", "env PL_AUTH_CLIENT_ID", "config.toml:7:1", ...
    SourcePos pos;                  // the place in the policy file, when it came from there
    bool secret = false;
};

struct ResolvedSite {
    std::string name;
    std::string provider;
    SourcePos pos;
    std::string env_prefix;
    std::vector<OptionSpec> schema;               // the provider's options
    std::map<std::string, ResolvedValue> values;  // host and provider keys that are set
    // `allow` (the agent's per-caller rules); none: the agent's own user only.
    std::optional<std::vector<AccessRule>> allow;

    const ResolvedValue* get(const std::string& key) const;
    // Host settings, read from `values`.
    std::optional<int64_t> refresh_before_ms() const;
    std::optional<double> refresh_at() const;
    int64_t timeout_ms() const;
    // A refresh request's timeout: refresh_timeout, never below timeout_ms().
    int64_t refresh_timeout_ms() const;
    // PEM bundle of CAs trusted for this site's HTTPS, or "" for the system's.
    std::string ca_file() const;
    // The site's own token type for the header, overriding the provider's.
    std::optional<std::string> token_type() const;
    // Where `latchkey token --write` keeps the current token; "" = nowhere.
    std::string token_file() const;
    // Headers sent beside the credential (extra_headers), in policy order.
    std::vector<std::pair<std::string, std::string>> extra_headers() const;
    std::string storage() const;  // "" = not set for this site
    // isolation = "process": the provider runs in a helper process.
    bool isolated() const;
    // provider_sha256, lower-case hex; "" when the plugin is not pinned.
    std::string provider_sha256() const;
};

// How a site's plugin is to be loaded, known from the host keys alone,
// before the provider's schema is: a plugin meant for a helper process is
// never mapped into this one, even to read its schema.
struct PluginLoading {
    bool isolated = false;  // isolation = "process"
    std::string sha256;     // provider_sha256, lower-case hex; "" = not pinned
    int64_t timeout_ms = 10'000;
};

// Every secret among `values` (scalars and list items), for the redactor.
std::vector<std::string> secret_texts(const std::map<std::string, ResolvedValue>& values);

// What the environment contributes, captured once so resolution is repeatable.
struct Environment {
    std::function<std::optional<std::string>(const std::string&)> getenv;
    Dotenv dotenv;
    std::string dotenv_path;
    std::vector<std::pair<std::string, std::string>> sets;  // --set, in order

    static Environment from_process(const std::vector<std::string>& sets, bool use_dotenv);
};

class Resolver {
 public:
    Resolver(const Policy& policy, Environment env) : policy_(policy), env_(std::move(env)) {}

    // The site to use: `at` (--at), LATCHKEY_SITE, default_site, the only site.
    std::string select_site(const std::optional<std::string>& at) const;
    // The provider named by the site's table (or [defaults]).
    std::string provider_of(const std::string& site) const;
    // Where that name is written, for errors about the provider.
    SourcePos provider_pos(const std::string& site) const;
    // The site's isolation, provider_sha256 and timeout, validated.
    PluginLoading plugin_loading(const std::string& site) const;
    // The site's url_patterns, from its own table only: they choose the site,
    // so neither the environment nor --set changes them. Throws a config
    // error naming the malformed pattern's file:line:column.
    std::vector<UrlPattern> url_patterns(const std::string& site) const;
    // Resolves and validates every option of `site` against `schema`.
    ResolvedSite resolve(const std::string& site, const std::vector<OptionSpec>& schema) const;
    // Options of a table that is not a site ([storage.redis]): the variable
    // env_prefix + KEY, then the table, then the schema default. `where` names
    // the table in messages; `table` may be null.
    std::map<std::string, ResolvedValue> resolve_table(const toml::table* table,
                                                       const std::string& where,
                                                       const std::string& env_prefix,
                                                       const std::vector<OptionSpec>& schema) const;
    // The same for the keys `schema` names only, leaving the table's other
    // keys alone ([storage] holds the sealing keys beside `backend`, `path`
    // and the backends' tables).
    std::map<std::string, ResolvedValue> resolve_keys(const toml::table* table,
                                                      const std::string& where,
                                                      const std::string& env_prefix,
                                                      const std::vector<OptionSpec>& schema) const;

    const Policy& policy() const { return policy_; }
    const Environment& env() const { return env_; }

 private:
    const SiteTable& site_table(const std::string& site) const;
    std::optional<ResolvedValue> lookup(const SiteTable& site, const std::string& prefix,
                                        const OptionSpec& spec) const;
    ResolvedValue from_text(const OptionSpec& spec, const std::string& text,
                            const std::string& source) const;
    // A value of the policy file, which keeps its place there (ResolvedValue::pos).
    ResolvedValue from_node(const OptionSpec& spec, const toml::node& node,
                            const std::string& source) const;
    ResolvedValue node_value(const OptionSpec& spec, const toml::node& node,
                             const std::string& source) const;

    const Policy& policy_;
    Environment env_;
};

}  // namespace latchkey::policy
