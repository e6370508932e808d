// The keys latchkey writes into a store, in two spaces that never meet:
//
//   SITE.HASH16              a site's credential: HASH16 is the first 16 hex
//                            digits of a SHA-256 over the provider and every
//                            identity-relevant option (site/storage_key.hpp)
//   _cache.SITE.HASH16.NAME  an entry of that identity's provider cache
//                            (discovery documents and the like)
//
// A site name starts with a letter or a digit (the policy refuses others),
// so a key that starts with '_' is never a credential: listings of
// identities skip them, and removing a site erases both kinds.
#pragma once

#include <optional>
#include <string>

namespace latchkey::storage {

// The key of a provider cache entry `name` for the identity `credential_key`.
// Characters a key may not hold are replaced in `name`.
std::string cache_key(const std::string& credential_key, const std::string& name);

bool is_cache_key(const std::string& key);

// The site a key of either space belongs to ("" for a key latchkey did not write).
std::string site_of_key(const std::string& key);

}  // namespace latchkey::storage
