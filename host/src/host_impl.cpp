#include "host_impl.hpp"

#include <algorithm>
#include <atomic>
#include <cctype>
#include <cstdlib>
#include <filesystem>

#include "storage/plugin_storage.hpp"
#include "storage/sealed_storage.hpp"
#include "credential/credential_check.hpp"
#include "util/clock.hpp"
#include "crypto/primitives.hpp"
#include "util/strings.hpp"

namespace latchkey {

std::string policy_path(const std::optional<std::string>& flag, bool& explicit_choice) {
    explicit_choice = true;
    if (flag && !flag->empty()) return *flag;
    if (const char* e = std::getenv("LATCHKEY_CONFIG"); e && *e) return e;
    explicit_choice = false;
    if (const char* x = std::getenv("XDG_CONFIG_HOME"); x && *x)
        return std::string(x) + "/latchkey/config.toml";
    const char* home = std::getenv("HOME");
    return std::string(home ? home : ".") + "/.config/latchkey/config.toml";
}

namespace {

policy::Policy load_policy(const std::optional<std::string>& flag) {
    bool explicit_choice = false;
    std::string path = policy_path(flag, explicit_choice);
    if (!explicit_choice && !std::filesystem::exists(path)) return policy::Policy::none(path);
    return policy::Policy::load(path);
}

// Which identity a stored credential belongs to: the provider and every
// identity-relevant option. A changed client, user, issuer or scope set gets
// a new key, so it never picks up another identity's token.
std::string storage_key_for(const policy::ResolvedSite& site) {
    std::string material = "provider=" + site.provider + "\n";
    for (auto& spec : site.schema) {
        if (!spec.identity) continue;
        const auto* v = site.get(spec.key);
        material += spec.key + "=";
        if (v) material += v->is_list ? util::join(v->list, "\x1f") : v->text;
        material += "\n";
    }
    return site.name + "." + crypto::sha256_hex(material).substr(0, 16);
}

// A refresh holds every caller of the site while it waits: bounded.
void check_refresh_timeout(const policy::ResolvedSite& site) {
    constexpr int64_t kMaxMs = 600'000;
    const auto* v = site.get("refresh_timeout");
    if (!v || v->ms <= kMaxMs) return;
    throw Error(ErrorKind::config, v->source + ": site '" + site.name +
                                       "': refresh_timeout: at most 10m, got " + v->text +
                                       "s (every caller of the site waits for a refresh)");
}

}  // namespace

namespace {
std::atomic<uint64_t> next_host_id{1};
}

HostImpl::HostImpl(HostOptions options)
    : options_(std::move(options)),
      policy_(load_policy(options_.config_path)),
      id_(next_host_id++) {
    bool dotenv = policy_.dotenv;
    resolver_ = std::make_unique<policy::Resolver>(
        policy_, policy::Environment::from_process(options_.sets, dotenv));
    catalog_ = std::make_unique<provider::Catalog>(
        provider::default_search_path(options_.plugin_dirs, policy_.plugin_dirs));
    interaction_ = std::make_unique<provider::TerminalInteraction>(options_.interactive);
    services_.interaction = interaction_.get();
    services_.log_level = options_.log_level;
    services_.log_sink = options_.log_sink;
}

HostImpl::~HostImpl() {
    // Provider objects go before the plugins that made them (and those are
    // unmapped when the last LoadedProvider reference goes).
    for (auto& [_, s] : sites_) s->instance.reset(), s->isolated.reset();
}

std::string HostImpl::selected_site() const { return resolver_->select_site(options_.site); }

std::string HostImpl::storage_dir() const {
    if (policy_.storage_path) {
        const std::string& p = *policy_.storage_path;
        const char* home = std::getenv("HOME");
        if (p.rfind("~/", 0) == 0 && home) return home + p.substr(1);
        return p;
    }
    return storage::default_file_store_dir();
}

storage::Storage& HostImpl::storage_for(const std::string& backend, const std::string& where) {
    std::lock_guard lock(mu_);
    auto& s = storages_[backend];
    if (s) return *s;
    std::string at = where.empty() ? "" : where + ": ";
    const storage::Backend* b = storage::find_builtin(backend);
    // Not built in: a storage plugin, NAME.so on the plugin search path.
    std::shared_ptr<storage::LoadedStoragePlugin> plugin;
    if (!b) {
        std::vector<std::string> plugins;
        try {
            plugin = catalog_->get_storage(backend, &plugins);
        } catch (const Error& e) {
            throw Error(e.kind(), at + "storage backend '" + backend + "': " + e.what());
        }
        if (!plugin) {
            std::vector<std::string> names;
            for (auto& x : storage::builtin_backends()) names.push_back(x.name);
            std::string near = util::nearest(backend, names);
            if (near.empty()) near = util::nearest(backend, plugins);
            std::vector<std::string> searched;
            for (auto& d : catalog_->dirs()) searched.push_back(d.path + " (" + d.origin + ")");
            throw Error(
                ErrorKind::config,
                at + "storage: unknown backend '" + backend + "'" +
                    (near.empty() ? "" : "; did you mean '" + near + "'?") +
                    " (built in: " + util::join(names, ", ") + ")" +
                    (plugins.empty() ? ""
                                     : " (storage plugins: " + util::join(plugins, ", ") + ")") +
                    "; and no storage plugin " + backend + ".so in: " + util::join(searched, ", ") +
                    ". See `latchkey providers list`.");
        }
    }
    const toml::table* table = nullptr;
    if (policy_.storage_table)
        if (auto* n = policy_.storage_table->get(backend)) table = n->as_table();
    storage::OpenRequest req;
    req.backend = backend;
    // The backend's options plus the sealing keys, which [storage.NAME] may
    // set for this backend alone (storage/sealed_storage.hpp).
    auto schema = b ? b->schema : plugin->schema();
    for (auto& spec : storage::sealing_option_schema()) schema.push_back(spec);
    std::string where_options = "[storage." + backend + "]";
    req.options =
        resolver_->resolve_table(table, where_options, storage::env_prefix_for(backend), schema);
    for (auto& s : policy::secret_texts(req.options)) services_.redactor.add(s);
    storage::SealingKeys keys = storage::take_sealing_keys(req.options, where_options);
    if (!keys.key.set && keys.previous.set)
        throw Error(ErrorKind::config,
                    keys.previous.source + ": " + where_options +
                        " previous_encryption_keys needs an encryption_key beside it");
    if (!keys.key.set) keys = storage_wide_sealing_keys();
    req.file_dir = storage_dir();
    req.warn = [this](const std::string& m) { services_.log(LogLevel::warn, m); };
    if (b) {
        s = b->open(req);
        // Process memory needs no sealing; everything else may be read by others.
        if (backend != "memory")
            s = std::make_unique<storage::SealedStorage>(std::move(s), std::move(keys));
        return *s;
    }
    storage::PluginServices ps;
    ps.warn = req.warn;
    ps.log = [this](latchkey_log_level l, const std::string& m) {
        services_.log(static_cast<LogLevel>(l), m);
    };
    ps.redactor = &services_.redactor;
    try {
        s = storage::open_plugin_storage(plugin, std::move(req.options), std::move(ps));
    } catch (const Error& e) {
        throw Error(e.kind(), at + e.what());
    }
    s = std::make_unique<storage::SealedStorage>(std::move(s), std::move(keys));
    return *s;
}

storage::SealingKeys HostImpl::storage_wide_sealing_keys() {
    auto options = resolver_->resolve_keys(policy_.storage_table, "[storage]", "LATCHKEY_STORAGE_",
                                           storage::sealing_option_schema());
    for (auto& s : policy::secret_texts(options)) services_.redactor.add(s);
    return storage::take_sealing_keys(options, "[storage]");
}

SiteState& HostImpl::site(const std::string& name) {
    // Each thread remembers the sites it has looked up, so asking by name on
    // the hot path touches no shared lock. Sites are never removed from a
    // host, and the host id keeps a later host at the same address apart.
    struct Seen {
        uint64_t host;
        std::string name;
        SiteState* state;
    };
    thread_local std::vector<Seen> seen;
    for (auto& e : seen)
        if (e.host == id_ && e.name == name) return *e.state;
    SiteState& s = resolve_site(name);
    if (seen.size() >= 64) seen.erase(seen.begin());
    seen.push_back({id_, name, &s});
    return s;
}

SiteState& HostImpl::resolve_site(const std::string& name_in) {
    std::string name = name_in.empty() ? selected_site() : name_in;
    {
        std::lock_guard lock(mu_);
        auto it = sites_.find(name);
        if (it != sites_.end()) return *it->second;
    }
    auto state = std::make_unique<SiteState>();
    std::string provider = resolver_->provider_of(name);
    try {
        // A provider meant for a helper process is never mapped here, not
        // even to read its schema: the helper reports it.
        auto loading = resolver_->plugin_loading(name);
        if (loading.isolated)
            state->isolated = std::make_unique<isolation::IsolatedProvider>(
                catalog_->file_of(provider), loading.sha256, loading.timeout_ms, services_);
        else
            state->provider = catalog_->get(provider, loading.sha256);
    } catch (const Error& e) {
        throw Error(e.kind(),
                    resolver_->provider_pos(name).str() + ": site '" + name + "': " + e.what());
    }
    for (auto& shadow : catalog_->shadowed(provider))
        services_.log(LogLevel::info, "provider " + provider + " at " + shadow +
                                          " is shadowed by " + state->provider_path());
    state->resolved = resolver_->resolve(name, state->provider_schema());
    check_refresh_timeout(state->resolved);
    state->storage_key = storage_key_for(state->resolved);

    // Storage: LATCHKEY_STORAGE / --set storage / site `storage`, then the
    // [storage] table, then the caller's choice, then file.
    std::string backend = state->resolved.storage();
    std::string where = backend.empty() ? "" : state->resolved.get("storage")->source;
    if (backend.empty() && !policy_.storage_backend.empty()) {
        backend = policy_.storage_backend;
        where = policy_.storage_backend_pos.str();
    }
    if (backend.empty()) backend = options_.storage.value_or("file");
    state->storage = &storage_for(backend, where);
    // "system" may have settled on the file store; say what is really used.
    state->storage_name = state->storage->name();
    state->refresh = {state->resolved.refresh_before_ms(), state->resolved.refresh_at()};

    SiteState* raw = state.get();
    token::Slot::Stale stale;
    if (state->provider_has_expired())
        stale = [this, raw](const detail::CredentialData& c, int64_t now) {
            return instance(*raw).expired(c, now);
        };
    state->slot = std::make_unique<token::Slot>(
        name, [this, raw](const token::DataPtr& cur) { return fetch(*raw, cur, false); },
        [this, name](LogLevel l, const std::string& m) { services_.log(l, name + ": " + m); },
        std::move(stale),
        [this, raw]() -> token::DataPtr {
            auto c = stored(*raw);
            return c ? std::make_shared<const detail::CredentialData>(std::move(*c)) : nullptr;
        });

    std::lock_guard lock(mu_);
    auto [it, inserted] = sites_.emplace(name, std::move(state));
    return *it->second;
}

const std::string& SiteState::provider_path() const {
    return isolated ? isolated->path() : provider->path();
}

const std::vector<policy::OptionSpec>& SiteState::provider_schema() const {
    return isolated ? isolated->schema() : provider->schema();
}

bool SiteState::provider_has_expired() const {
    return isolated ? isolated->has_expired() : provider->descriptor().expired != nullptr;
}

provider::SiteProvider& HostImpl::instance(SiteState& s) {
    std::lock_guard lock(s.instance_mu);
    if (s.isolated) {
        if (!s.isolated_bound) s.isolated->bind(s.resolved, links_for(s));
        s.isolated_bound = true;
        return *s.isolated;
    }
    if (!s.instance)
        s.instance = std::make_unique<provider::ProviderInstance>(s.provider, s.resolved, services_,
                                                                links_for(s));
    return *s.instance;
}

namespace {

// Cache entries live beside the site's credential in the same backend, under
// SITE.HASH16.cache-NAME, so they follow the site's identity and storage.
std::string cache_key(const std::string& storage_key, const std::string& name) {
    std::string safe;
    for (char c : name) safe += std::isalnum(static_cast<unsigned char>(c)) || c == '-' ? c : '_';
    return storage_key + ".cache-" + safe;
}

// A credential as another provider is shown it: everything but the refresh
// token, which stays the owning site's business.
detail::CredentialData data_of(const Credential& c) {
    detail::CredentialData out;
    out.token = c.token();
    out.token_type = c.token_type();
    out.header_name = c.header_name();
    out.expires_at_ms = c.expires_at_ms();
    out.obtained_at_ms = c.obtained_at_ms();
    out.extras = c.extras();
    return out;
}

}  // namespace

provider::SiteLinks HostImpl::links_for(SiteState& s) {
    provider::SiteLinks links;
    SiteState* raw = &s;
    links.cache_get = [raw](const std::string& name) -> std::optional<std::string> {
        auto entry = raw->storage->load(cache_key(raw->storage_key, name));
        if (!entry || entry->expired_at(util::now_ms())) return std::nullopt;
        return entry->token;
    };
    links.cache_put = [raw](const std::string& name, const std::string& value,
                            int64_t expires_at_ms) {
        detail::CredentialData entry;
        entry.token = value;
        entry.token_type = "cache";
        entry.expires_at_ms = expires_at_ms;
        entry.obtained_at_ms = util::now_ms();
        raw->storage->save(cache_key(raw->storage_key, name), entry);
    };
    links.fetch_site = [this, raw](const std::string& name) {
        return fetch_for_other_site(raw->resolved.name, name);
    };
    return links;
}

detail::CredentialData HostImpl::fetch_for_other_site(const std::string& from,
                                                      const std::string& name) {
    // The sites being fetched on this thread, outermost first: a source that
    // leads back to one of them would wait on its own single flight forever.
    thread_local std::vector<std::string> in_progress;
    std::vector<std::string> path = in_progress;
    path.push_back(from);
    if (std::find(path.begin(), path.end(), name) != path.end()) {
        path.push_back(name);
        throw Error(ErrorKind::config, "site '" + from + "': sources lead back to site '" + name +
                                           "' (" + util::join(path, " -> ") +
                                           "); remove the loop from the policy");
    }
    in_progress.push_back(from);
    struct Pop {
        ~Pop() { in_progress.pop_back(); }
    } pop;
    return data_of(token(site(name)));
}

void HostImpl::raise(SiteState& s, const provider::ProviderResult& o) {
    const std::string& site = s.resolved.name;
    std::string msg = "site '" + site + "': " + o.message;
    switch (o.status) {
        case LATCHKEY_E_CONFIG:
            throw Error(ErrorKind::config,
                        msg + " (check the policy: `latchkey config check --at " + site + "`)");
        case LATCHKEY_E_REJECTED:
            throw Error(ErrorKind::rejected,
                        msg + "; check the credentials configured for this site");
        case LATCHKEY_E_TRANSIENT:
            throw token::TransientError(msg, o.retry_after_ms);
        case LATCHKEY_E_INTERACTION_REQUIRED:
            throw Error(ErrorKind::login_required,
                        msg + "; run `latchkey login --at " + site + "`");
        default:
            throw Error(ErrorKind::internal, msg);
    }
}

token::DataPtr HostImpl::fetch(SiteState& s, const token::DataPtr& current, bool force) {
    auto lock = s.storage->lock(s.storage_key);
    int64_t now = util::now_ms();
    token::DataPtr base = current;
    if (!force) {
        // Another process may have fetched while we waited for the lock.
        if (auto stored = this->stored(s)) {
            if (!stored->expired_at(now) && now < stored->refresh_at_ms &&
                !provider_says_stale(s, *stored, now))
                return std::make_shared<const detail::CredentialData>(std::move(*stored));
            if (!base || stored->obtained_at_ms >= base->obtained_at_ms)
                base = std::make_shared<const detail::CredentialData>(std::move(*stored));
        }
    }
    auto& inst = instance(s);
    provider::ProviderResult o;
    if (!force && base && !base->refresh_token.empty() && inst.can_refresh() &&
        !s.refresh_tokens_in_doubt.count(crypto::sha256_hex(base->refresh_token)))
        o = refresh(s, *base, now);
    else
        o = inst.acquire();
    if (o.status != LATCHKEY_OK) raise(s, o);
    token::plan_refresh(*o.credential, s.refresh);
    // Stored before it is returned: the store never lags behind what we hand out.
    s.storage->save(s.storage_key, *o.credential);
    return o.credential;
}

provider::ProviderResult HostImpl::refresh(SiteState& s, const detail::CredentialData& base, int64_t now) {
    auto& inst = instance(s);
    const std::string& site = s.resolved.name;
    // The refresh request gets its own, longer timeout, and the host watches
    // whether it may have reached the server: only the host can know.
    provider::RequestWatch watch;
    watch.timeout_ms = s.resolved.refresh_timeout_ms();
    provider::ProviderResult o;
    {
        provider::WatchRequests watching(watch);
        o = inst.refresh(base);
    }
    std::string why;
    if (o.status == LATCHKEY_E_REJECTED) {
        // The server says the refresh token is dead (invalid_grant): keeping
        // it would only repeat the failure, in every process that shares it.
        why = "the server refused the refresh token (" + o.message + ")";
    } else if (o.status != LATCHKEY_OK && (watch.unanswered || watch.accepted)) {
        // The request may have reached the server, which may have answered
        // it with a new refresh token we never got and spent this one. Sent
        // again, a server that detects reuse (RFC 9700 4.14.2) revokes the
        // whole login; so it is never sent again, not by a retry here, nor
        // by another process: the refresh token is dropped from storage.
        s.refresh_tokens_in_doubt.insert(crypto::sha256_hex(base.refresh_token));
        why = watch.unanswered
                  ? "the refresh request got no answer (" + watch.unanswered_reason +
                        ") after it may have reached the server, which"
                  : "the server accepted the refresh request but its answer was unusable (" +
                        o.message + "), so it";
        why +=
            " may have spent the refresh token; it is not sent again, since a server that "
            "detects reuse would end the login";
    } else {
        return o;
    }
    now = util::now_ms();  // the refresh may have taken a while
    services_.log(LogLevel::info,
                  site + ": " + why + "; refresh token dropped, acquiring anew" +
                      (base.expired_at(now) ? ""
                                            : " (the current access token serves until it expires)"));
    drop_refresh_token(s, base, now);
    o = inst.acquire();
    if (o.status != LATCHKEY_OK) o.message = why + "; " + o.message;
    return o;
}

void HostImpl::drop_refresh_token(SiteState& s, const detail::CredentialData& base, int64_t now) {
    // A still-valid access token stays usable until it expires.
    if (!base.expired_at(now)) {
        detail::CredentialData kept = base;
        kept.refresh_token.clear();
        s.storage->save(s.storage_key, kept);
    } else {
        s.storage->erase(s.storage_key);
    }
}

bool HostImpl::provider_says_stale(SiteState& s, const detail::CredentialData& c, int64_t now) {
    return s.provider_has_expired() && instance(s).expired(c, now);
}

Credential HostImpl::token(SiteState& s) { return s.slot->get(); }

Credential HostImpl::login(SiteState& s, bool force) {
    if (!force) {
        int64_t now = util::now_ms();
        if (auto stored = this->stored(s);
            stored && !stored->expired_at(now) && !provider_says_stale(s, *stored, now)) {
            auto data = std::make_shared<const detail::CredentialData>(std::move(*stored));
            s.slot->publish(data);
            return Credential(data);
        }
    }
    return s.slot->fetch_now([&] { return fetch(s, nullptr, true); });
}

void HostImpl::forget(SiteState& s) {
    s.slot->with_flight([&] {
        auto lock = s.storage->lock(s.storage_key);
        s.storage->erase(s.storage_key);
        s.slot->invalidate();
        return 0;
    });
}

std::optional<std::string> HostImpl::logout(SiteState& s) {
    std::optional<std::string> problem;
    s.slot->with_flight([&] {
        auto lock = s.storage->lock(s.storage_key);
        // A value that cannot be read (sealed under a lost key, damaged) is
        // still erased: logging out is the way out of it.
        std::optional<detail::CredentialData> current;
        try {
            current = s.storage->load(s.storage_key);
        } catch (const Error& e) {
            if (e.kind() != ErrorKind::storage) throw;
            problem = "the stored credential could not be read (" + std::string(e.what()) +
                      "), so it was not revoked; it is erased here";
        }
        if (current) {
            try {
                auto& inst = instance(s);
                if (inst.can_revoke()) {
                    auto o = inst.revoke(*current);
                    if (o.status != LATCHKEY_OK) problem = o.message;
                }
            } catch (const Error& e) {
                problem = e.what();  // the provider cannot even start: still log out locally
            }
        }
        s.storage->erase(s.storage_key);
        s.slot->invalidate();
        return 0;
    });
    return problem;
}

std::string HostImpl::whoami(SiteState& s) {
    detail::CredentialData data = data_of(token(s));
    std::string json;
    auto o = instance(s).whoami(data, json);
    if (o.status != LATCHKEY_OK) raise(s, o);
    return json;
}

std::optional<detail::CredentialData> HostImpl::stored(SiteState& s) {
    auto c = s.storage->load(s.storage_key);
    if (!c) return c;
    // A provider's results are checked as they arrive; what comes back from
    // a store may have been written by anyone who can write there.
    if (auto problem = credential::header_problem(*c)) {
        services_.log(LogLevel::warn, "site '" + s.resolved.name +
                                          "': ignoring the credential stored in " + s.storage_name +
                                          ": " + *problem +
                                          "; the store was altered, and a new one will be fetched");
        return std::nullopt;
    }
    token::plan_refresh(*c, s.refresh);
    return c;
}

}  // namespace latchkey
