#include "site/site_builder.hpp"

#include "site/storage_key.hpp"

namespace latchkey::site {

namespace {

// A refresh holds every caller of the site while it waits: bounded.
void check_refresh_timeout(const policy::ResolvedSite& site) {
    constexpr int64_t kMaxMs = 600'000;
    const auto* v = site.get("refresh_timeout");
    if (!v || v->ms <= kMaxMs) return;
    throw policy::config_error(v->source + ": site '" + site.name +
                                   "': refresh_timeout: at most 10m, got " + v->text +
                                   "s (every caller of the site waits for a refresh)",
                               v->pos);
}

}  // namespace

std::unique_ptr<SiteProviderHandle> SiteBuilder::find_provider(const std::string& name) {
    std::string provider = resolver_.provider_of(name);
    std::unique_ptr<SiteProviderHandle> handle;
    try {
        // A provider meant for a helper process is never mapped here, not
        // even to read its schema: the helper reports it.
        auto loading = resolver_.plugin_loading(name);
        if (loading.isolated)
            handle =
                std::make_unique<SiteProviderHandle>(std::make_unique<isolation::IsolatedProvider>(
                    catalog_.file_of(provider), loading.sha256, loading.timeout_ms, services_));
        else
            handle = std::make_unique<SiteProviderHandle>(catalog_.get(provider, loading.sha256));
    } catch (const Error& e) {
        auto pos = resolver_.provider_pos(name);
        throw policy::error_at(e.kind(), pos.str() + ": site '" + name + "': " + e.what(), pos);
    }
    for (auto& shadow : catalog_.shadowed(provider))
        services_.log(LogLevel::info, "provider " + provider + " at " + shadow +
                                          " is shadowed by " + handle->path());
    return handle;
}

storage::Storage& SiteBuilder::choose_storage(const policy::ResolvedSite& site) {
    // LATCHKEY_STORAGE / --set storage / site `storage`, then the [storage]
    // table, then the caller's choice.
    std::string backend = site.storage();
    std::string where = backend.empty() ? "" : site.get("storage")->source;
    if (backend.empty() && !policy_.storage_backend.empty()) {
        backend = policy_.storage_backend;
        where = policy_.storage_backend_pos.str();
    }
    if (backend.empty()) backend = default_storage_;
    return storages_.open(backend, where);
}

std::unique_ptr<Site> SiteBuilder::build(const std::string& name, OtherSites& others) {
    auto site = std::make_unique<Site>();
    site->provider = find_provider(name);
    site->resolved = resolver_.resolve(name, site->provider->schema());
    check_refresh_timeout(site->resolved);
    site->storage = &choose_storage(site->resolved);
    std::string key = storage_key_for(site->resolved);
    site->cache = std::make_unique<storage::SiteCache>(*site->storage, key);

    provider::SiteLinks links;
    storage::SiteCache* cache = site->cache.get();
    links.cache_get = [cache](const std::string& entry) { return cache->get(entry); };
    links.cache_put = [cache](const std::string& entry, const std::string& value,
                              int64_t expires_at_ms) { cache->put(entry, value, expires_at_ms); };
    links.fetch_site = [&others, name](const std::string& other) {
        return others.credential_for(name, other);
    };
    site->provider->prepare(site->resolved, services_, std::move(links));

    site->tokens = std::make_unique<token::SiteTokens>(
        token::SiteParts{site->resolved,
                         *site->provider,
                         site->provider->has_expired_hook(),
                         *site->storage,
                         key,
                         // "system" may have settled on the file store; say what is really used.
                         site->storage->name(),
                         {site->resolved.refresh_before_ms(), site->resolved.refresh_at()},
                         services_});
    return site;
}

}  // namespace latchkey::site
