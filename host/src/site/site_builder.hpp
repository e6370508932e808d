// How a site is built: its settings resolved against the provider's schema,
// its provider found (in this process or a helper), its store chosen, and
// its token manager wired to them.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "credential/credential_data.hpp"
#include "policy/policy.hpp"
#include "policy/resolver.hpp"
#include "provider/catalog.hpp"
#include "provider/services.hpp"
#include "site/site.hpp"
#include "storage/storage_registry.hpp"

namespace latchkey::site {

// Other sites' credentials, for a provider that takes its input from one
// (the ABI's fetch_site).
class OtherSites {
 public:
    virtual ~OtherSites() = default;
    // `name`'s current credential, without its refresh token, asked for by
    // site `from`. Throws latchkey::Error (config for a loop of sites).
    virtual detail::CredentialData credential_for(const std::string& from,
                                                  const std::string& name) = 0;
};

class SiteBuilder {
 public:
    // Everything it is given outlives it. `default_storage` is the backend
    // when neither the site nor [storage] names one.
    SiteBuilder(const policy::Policy& policy, const policy::Resolver& resolver,
                provider::Catalog& catalog, storage::StorageRegistry& storages,
                provider::Services& services, std::string default_storage)
        : policy_(policy),
          resolver_(resolver),
          catalog_(catalog),
          storages_(storages),
          services_(services),
          default_storage_(std::move(default_storage)) {}

    // Builds site `name` (a name the policy has). Throws Error naming the
    // policy position when the provider, an option or the store is wrong.
    std::unique_ptr<Site> build(const std::string& name, OtherSites& others);

 private:
    std::unique_ptr<SiteProviderHandle> find_provider(const std::string& name);
    storage::Storage& choose_storage(const policy::ResolvedSite& site);

    const policy::Policy& policy_;
    const policy::Resolver& resolver_;
    provider::Catalog& catalog_;
    storage::StorageRegistry& storages_;
    provider::Services& services_;
    std::string default_storage_;
};

}  // namespace latchkey::site
