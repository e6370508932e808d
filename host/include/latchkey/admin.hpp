// latchkey/admin.hpp: the interface for administrative tools, such as the
// `latchkey` program, that inspect and change what liblatchkey is set up to
// do: describe a site with the source of each value, show what a store
// holds, log in and out, list plugins, move and seal stored credentials,
// edit the policy file and check it. Applications that only need credentials
// use latchkey/host.hpp; nothing here is needed to call a site.
//
// It is installed with the other headers so that a tool other than the
// `latchkey` program (a configuration manager, a graphical front end) sees
// what the program sees, with the same rules. It exposes plain values only:
// no internal type of the library crosses it, and no secret either (every
// value of a secret option is "****"; token() and login() return the
// Credential an application would get, which tools print only on request).
//
// Every call that fails throws latchkey::Error with the same messages the
// library gives (file:line:column, the site, the next step).
#pragma once

#include <cstdint>
#include <functional>
#include <latchkey/credential.hpp>
#include <latchkey/host.hpp>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace latchkey::admin {

// One effective option of a site.
struct Value {
    std::string key;
    // As a person reads it: "****" for a secret, "[a, b]" for a list. A
    // duration also has `duration_ms`.
    std::string text;
    std::optional<int64_t> duration_ms;
    // Where it came from: "policy.toml:7:1", "env PL_AUTH_CLIENT_ID",
    // "--set", ".env:3", "[defaults] ...", "default".
    std::string source;
    bool secret = false;
};

// One element of a site's `allow` list: a caller that may read the site
// through `latchkey agent`.
struct AccessRule {
    std::string kind;        // "uid", "group" or "exe"
    std::string value;       // the uid in decimal, the group name, the absolute path
    std::string defined_at;  // file:line:column
};

// A resolved site, as `sites show` and `config explain` present it.
struct SiteDescription {
    std::string name;
    std::string defined_at;  // file:line:column of [sites.NAME]
    std::string provider;
    std::string provider_path;
    std::string storage;      // the backend really used (memory, file, keyring, ...)
    std::string storage_key;  // SITE.HASH16 of the identity-relevant settings
    // Where the backend keeps it: the file store's directory, a redis URL
    // (password masked), a storage plugin's own account.
    std::string storage_location;
    std::vector<Value> values;  // the options that are set, by key
    // The site's `allow` rules; none: the agent's own user only.
    std::optional<std::vector<AccessRule>> allow;
};

// What a store holds for a site, without the secret.
struct StoredCredential {
    int64_t expires_at_ms = 0;  // 0: does not expire
    int64_t obtained_at_ms = 0;
    int64_t refresh_at_ms = 0;  // when the token manager starts refreshing
    bool has_refresh_token = false;
    // Non-secret details the provider kept (instance_url, scope, ...).
    std::vector<std::pair<std::string, std::string>> extras;
    // The keys of `extras` whose value is JSON text (a typed extra), shown
    // as JSON by `status -o json`.
    std::set<std::string> json_extras;

    bool expired_at(int64_t now_ms) const { return expires_at_ms && now_ms >= expires_at_ms; }
};

// One entry of a token store.
struct StorageEntry {
    std::string site;
    std::string backend;
    std::string storage_key;
    std::optional<StoredCredential> credential;  // none: nothing stored
    bool unused = false;                         // no configured identity uses this key any more
    bool unreadable = false;                     // sealed under another key, or damaged
};

// One option a plugin takes.
struct OptionInfo {
    std::string key;
    std::string type;  // string, int, bool, duration, list
    bool required = false;
    bool secret = false;
    bool identity = false;  // part of the storage key
    std::optional<std::string> default_value;
    std::string doc;
};

// A plugin file found on the search path.
struct PluginInfo {
    enum class Kind { provider, storage };
    Kind kind = Kind::provider;
    std::string name;           // the descriptor's name ("" when refused)
    std::string declared_name;  // the name its file gives
    std::string version;
    std::string description;
    std::string path;
    std::string abi;                  // "1.2"
    bool refreshes = false;           // providers: has a refresh function
    std::string shadowed_by;          // another file of that name comes first
    std::string refusal;              // why it was refused; "" when it loaded
    std::string env_prefix;           // storage plugins: LATCHKEY_NAME_ for their options
    std::vector<OptionInfo> options;  // filled by Admin::plugin() only
    bool refused() const { return !refusal.empty(); }
    const char* kind_name() const { return kind == Kind::storage ? "storage plugin" : "provider"; }
};

struct SearchDir {
    std::string path;
    std::string origin;  // --plugin-dir, LATCHKEY_PLUGIN_PATH, [host] plugin_dirs, ...
};

struct PluginList {
    std::vector<SearchDir> search_path;
    std::vector<PluginInfo> plugins;
};

// `config check`: every site against its provider, [defaults] against every
// provider, and the warnings that are not errors (plain http, unsealed redis).
struct ConfigCheck {
    std::string config;  // the policy file
    size_t sites = 0;
    std::vector<std::pair<std::string, std::string>> failures;  // (site or "[defaults]", message)
    std::vector<std::string> warnings;
    bool ok() const { return failures.empty(); }
};

// A value to write into a site's table: `value` typed by the provider's
// option schema ("a,b" makes a list; "{env=VAR}", "{secret=NAME}" and
// "{file=PATH}" write references), or with `from_env` the reference
// key = { env = "VALUE" }.
struct Assignment {
    std::string key;
    std::string value;
    bool from_env = false;
};

// What a policy edit did.
struct EditResult {
    std::string config;  // the file edited
    std::string site;
    std::string action;  // added, modified, removed, set-default
    bool changed = false;
    std::optional<std::string> default_site;  // after the edit
    std::string message;                      // one or more lines for a person
    std::string credential;                   // sites remove: none, kept, erased, unknown
};

// `storage seal`: what happened to each entry.
struct SealReport {
    struct Entry {
        std::string storage_key;
        enum class Result { sealed, resealed, already } result;
        std::string key_id;  // the current key's id, never the key
    };
    std::vector<Entry> entries;
    std::vector<std::string> errors;  // per site or entry; the others went on
};

// `token --write`: what happened to a site's token_file.
struct TokenFileWrite {
    std::string path;
    bool changed = false;  // false: it already held the current token
};

// One request sent with a site's credential (`latchkey curl`).
struct HttpCall {
    std::string method;  // "" = GET, or POST when there is a body
    std::string url;
    // The caller's own "Name: value" lines, sent after the credential's
    // header and the site's extra_headers. One naming the credential's
    // header is refused.
    std::vector<std::string> headers;
    std::optional<std::string> body;
    // Plain http to another machine (the credential travels in clear).
    bool plain_http_anywhere = false;
    // The answer that counts: its status and header lines (the status line
    // first), then its body. A 401 answered to a credential that is then
    // replaced is not shown. Neither may throw.
    std::function<void(long status, const std::vector<std::string>& lines)> on_head;
    std::function<bool(std::string_view chunk)> on_body;  // false stops the transfer
};

struct HttpCallResult {
    long status = 0;
    // The first credential was refused (401): it was invalidated, a new one
    // fetched and the request sent once more with it.
    bool retried = false;
};

// `storage check`: one line per backend in use.
struct BackendCheck {
    std::string name;    // the backend (or the site whose backend could not open)
    std::string status;  // what the backend reports when it is usable
    std::string error;   // "" when usable
};

class Admin {
 public:
    // Nothing is read until a call needs it, so listing plugins works
    // without a policy, and a broken policy fails only the calls that read it.
    explicit Admin(HostOptions options);
    // The view of an open Host: the same sites, stores and token slots.
    static Admin of(Host& host);
    ~Admin();
    Admin(Admin&&) noexcept;
    Admin& operator=(Admin&&) noexcept;

    // Lines the policy edits warn with (a secret given on the command line, a
    // policy made owner-only, an input only the running program has);
    // default: dropped.
    void on_warning(std::function<void(const std::string&)> sink);

    // ---- the policy
    std::string policy_path();
    bool policy_exists();
    std::string selected_site();
    std::vector<std::string> sites();
    // The provider the site's table (or [defaults]) names.
    std::string provider_of(const std::string& site);
    // "" means the selected site; resolves it and loads its provider.
    SiteDescription describe(const std::string& site);
    ConfigCheck check_config();

    // ---- credentials ("" means the selected site)
    Credential token(const std::string& site);
    // One valid at least `min_valid_ms` from now (Host::token(site, min_valid)).
    Credential token(const std::string& site, int64_t min_valid_ms);
    // The credential token() would return, when it can be had at once from
    // memory: the site (named, not "") already used, its credential before
    // its refresh time and valid `min_valid_ms` longer. nullopt otherwise,
    // where token() would fetch, refresh, load a plugin or wait for a fetch
    // in progress; this never does any of that (for an event loop).
    std::optional<Credential> cached(const std::string& site, int64_t min_valid_ms = 0);
    // As `latchkey login`: from the provider when `force` or nothing valid is stored.
    Credential login(const std::string& site, bool force);
    // Revokes at the server when the provider can, then erases. Returns why
    // revocation failed, if it did; the local erase happens regardless.
    std::optional<std::string> logout(const std::string& site);
    // As Host::invalidate: the server refused `refused_token` (a 401), so
    // unless the site's credential has moved on since, the next read
    // refreshes it; without a token the cached and stored credential goes.
    void invalidate(const std::string& site, const std::string& refused_token = "");
    // The provider's JSON account of who the credential belongs to.
    std::string whoami(const std::string& site);
    // What the site's store holds: no fetch, no lock.
    std::optional<StoredCredential> stored(const std::string& site);

    // ---- credential helpers (git, docker, kubectl name a server, not a site)
    // The site whose `url_patterns` match `url` best (the longest matching
    // pattern), or "" when none does. `url` is SCHEME://HOST[:PORT][/PATH] or
    // HOST[:PORT][/PATH]; without a path only scheme and host are compared.
    // Loads no provider. Throws a usage error when two sites match equally
    // well, a config error for a malformed pattern.
    std::string site_for_url(const std::string& url);
    // The site's url_patterns as written (no provider is loaded).
    std::vector<std::string> url_patterns(const std::string& site);

    // ---- other programs' doors (exec, curl, token files)
    // The header lines a request to the site carries: the credential's own
    // (`c.header()`), then the site's extra_headers.
    std::vector<std::string> header_lines(const std::string& site, const Credential& c);
    // The site's token_file, "" when it names none.
    std::string token_file(const std::string& site);
    // Makes the site's token_file hold its current token (see
    // util::replace_private_file: atomic, 0600, untouched when unchanged).
    // Throws Error(config) when the site names no token_file.
    TokenFileWrite write_token_file(const std::string& site);
    // Sends `call` with the site's credential (the site's CA bundle and
    // timeout); on a 401 invalidates that credential (only if it still is
    // the current one) and sends it once more with a new one. Throws
    // Error(transient) when no answer came, Error(usage) for a refused URL.
    HttpCallResult call(const std::string& site, const HttpCall& call);

    // ---- stores
    StorageEntry storage_entry(const std::string& site);
    // Entries of the backends `sites` use that none of them uses; with
    // `any_name` false only those stored under one of their names.
    std::vector<StorageEntry> unused_entries(const std::vector<std::string>& sites, bool any_name);
    // Opens the backend (built in or a storage plugin) or throws why not;
    // `where` names the flag or key that chose it in messages.
    void open_backend(const std::string& backend, const std::string& where);
    // Copies the site's credential from one backend to the other, reads it
    // back, then erases the source. False when nothing was stored.
    bool migrate(const std::string& site, const std::string& from, const std::string& to);
    // Seals the sites' credentials (`every_entry`: everything their backends
    // hold) under the current encryption key.
    SealReport seal(const std::vector<std::string>& sites, bool every_entry);
    // The backends of `sites`, plus the policy's own when `policy_default`.
    std::vector<BackendCheck> check_storage(const std::vector<std::string>& sites,
                                            bool policy_default);

    // ---- plugins (work without a policy; a broken one adds no directories)
    PluginList plugins();
    // A provider, or else a storage plugin, with its options.
    PluginInfo plugin(const std::string& name);

    // ---- editing the policy file (only the site's lines change; the edited
    // text is checked like `config check` before it replaces the file)
    EditResult add_site(const std::string& site, const std::string& provider,
                        const std::vector<Assignment>& values, bool make_default);
    EditResult modify_site(const std::string& site, const std::vector<Assignment>& values,
                           const std::vector<std::string>& unset);
    // Also erases the site's stored credential unless `keep_credential`.
    EditResult remove_site(const std::string& site, bool keep_credential);
    EditResult set_default_site(const std::string& site);

    // The implementation (host/src/admin), named here only.
    class Parts;

 private:
    explicit Admin(std::unique_ptr<Parts> parts);
    std::unique_ptr<Parts> parts_;
};

// Keys every site takes, whatever its provider.
std::vector<std::string> site_option_keys();

// The policy file a process given `config` (--config) uses: the flag, else
// LATCHKEY_CONFIG, else $XDG_CONFIG_HOME/latchkey/config.toml. Nothing is read.
std::string policy_file(const std::optional<std::string>& config);

// ---- process and text helpers the library uses too (one definition each)

// Keeps the process out of core files (see latchkey/host.hpp). Returns why
// it could not, or "" when it did.
std::string refuse_core_dumps();
// Asks interactions in progress (polls, waits) to stop; true when that had
// already been asked. Safe in a signal handler.
bool cancel_interaction();
// Text from outside made safe for a terminal: control characters escaped;
// `keep_newlines` lets the lines of a message of several lines through.
std::string printable(std::string_view text, bool keep_newlines = false);
// `text` with the password of any URL in it replaced by "****".
std::string without_url_passwords(std::string_view text);
// One component of an application/x-www-form-urlencoded query decoded:
// '+' is a space, %XX a byte (libcurl's decoding, loaded on first use).
std::string form_decode(std::string_view component);
// The candidate closest to `word`, or "" when none is a plausible typo.
std::string nearest(std::string_view word, const std::vector<std::string>& candidates);
std::string join(const std::vector<std::string>& parts, std::string_view sep);
std::string trim(std::string_view text);
// Splits on any of `seps`, dropping empty pieces.
std::vector<std::string> split(std::string_view text, std::string_view seps);
// Wall-clock time in Unix epoch milliseconds.
int64_t now_ms();
// A duration as the policy writes one ("90s", "10m", "1h30m", or seconds),
// in milliseconds; nullopt when it is not one or is longer than 365d.
std::optional<int64_t> parse_duration_ms(std::string_view text);

}  // namespace latchkey::admin
