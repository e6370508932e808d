#include "storage/site_cache.hpp"

#include "storage/key_space.hpp"
#include "util/clock.hpp"

namespace latchkey::storage {

std::optional<std::string> SiteCache::get(const std::string& name) {
    auto entry = storage_.load(cache_key(credential_key_, name));
    if (!entry || entry->expired_at(util::now_ms())) return std::nullopt;
    return entry->token;
}

void SiteCache::put(const std::string& name, const std::string& value, int64_t expires_at_ms) {
    // Every backend stores credential records; a cache entry is one whose
    // token is the value, in a key space no credential lives in.
    detail::CredentialData entry;
    entry.token = value;
    entry.token_type = "cache";
    entry.expires_at_ms = expires_at_ms;
    entry.obtained_at_ms = util::now_ms();
    storage_.save(cache_key(credential_key_, name), entry);
}

size_t erase_site_cache(Storage& storage, const std::string& site) {
    size_t erased = 0;
    for (auto& key : storage.keys())
        if (is_cache_key(key) && site_of_key(key) == site) storage.erase(key), ++erased;
    return erased;
}

}  // namespace latchkey::storage
