// A site's provider cache (the ABI's cache_get / cache_put: discovered
// metadata and the like), kept in the site's store beside its credential but
// in the cache key space (key_space.hpp), so it follows the site's identity
// and storage and is never taken for a credential.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "storage/storage.hpp"

namespace latchkey::storage {

class SiteCache {
 public:
    SiteCache(Storage& storage, std::string credential_key)
        : storage_(storage), credential_key_(std::move(credential_key)) {}

    // The value stored under `name`, unless absent or past its expiry.
    std::optional<std::string> get(const std::string& name);
    void put(const std::string& name, const std::string& value, int64_t expires_at_ms);

 private:
    Storage& storage_;
    std::string credential_key_;
};

// Erases every cache entry of `site` in `storage`, whatever identity it
// belonged to: what a removed site leaves behind. Returns how many.
size_t erase_site_cache(Storage& storage, const std::string& site);

}  // namespace latchkey::storage
