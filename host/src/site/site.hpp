// One site of the policy, resolved and assembled: the pipeline's parts for
// it, from its settings to its token manager. Made by SiteBuilder, owned by
// the SiteDirectory, never removed while the host is open.
#pragma once

#include <memory>
#include <string>

#include "policy/resolver.hpp"
#include "site/site_provider.hpp"
#include "storage/site_cache.hpp"
#include "storage/storage.hpp"
#include "token/site_tokens.hpp"

namespace latchkey::site {

struct Site {
    policy::ResolvedSite resolved;  // settings, with where each came from
    std::unique_ptr<SiteProviderHandle> provider;
    storage::Storage* storage = nullptr;        // owned by the StorageRegistry
    std::unique_ptr<storage::SiteCache> cache;  // the provider's cache_get/cache_put
    std::unique_ptr<token::SiteTokens> tokens;  // last: it uses the parts above

    const std::string& name() const { return resolved.name; }
};

}  // namespace latchkey::site
