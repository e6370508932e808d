// The inside of latchkey::Host: policy, plugin catalog, storage and one
// token slot per site, wired together. The command-line program uses this
// directly; applications use the narrower latchkey::Host.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "provider/provider_instance.hpp"
#include "provider/services.hpp"
#include "isolation/isolated_provider.hpp"
#include "latchkey/host.hpp"
#include "provider/catalog.hpp"
#include "policy/policy.hpp"
#include "policy/resolver.hpp"
#include "storage/sealed_storage.hpp"
#include "storage/storage.hpp"
#include "token/refresh_plan.hpp"
#include "token/slot.hpp"

namespace latchkey {

struct SiteState {
    policy::ResolvedSite resolved;
    std::shared_ptr<provider::LoadedProvider> provider;       // isolation = "none": mapped here
    std::unique_ptr<isolation::IsolatedProvider> isolated;  // isolation = "process"
    bool isolated_bound = false;                            // its helper has the site's options
    std::string storage_key;   // SITE.HASH16 of the identity-relevant settings
    std::string storage_name;  // memory | file
    storage::Storage* storage = nullptr;
    token::RefreshPolicy refresh;
    std::mutex instance_mu;
    std::unique_ptr<provider::ProviderInstance> instance;  // created on first fetch
    std::unique_ptr<token::Slot> slot;

    // The provider's file and schema, and whether it judges expiry itself,
    // wherever it runs.
    const std::string& provider_path() const;
    const std::vector<policy::OptionSpec>& provider_schema() const;
    bool provider_has_expired() const;
    // Fingerprints of refresh tokens a refresh request may have delivered
    // without an answer: never sent again (see HostImpl::fetch). Touched only
    // under the slot's single flight.
    std::set<std::string> refresh_tokens_in_doubt;
};

class HostImpl : public std::enable_shared_from_this<HostImpl> {
 public:
    explicit HostImpl(HostOptions options);
    ~HostImpl();

    const policy::Policy& policy() const { return policy_; }
    const policy::Resolver& resolver() const { return *resolver_; }
    provider::Catalog& catalog() { return *catalog_; }
    provider::Services& services() { return services_; }
    const HostOptions& options() const { return options_; }

    std::string selected_site() const;
    // Resolves (once) and returns the site, loading its provider plugin.
    // "" means the selected site. Repeated lookups take no lock.
    SiteState& site(const std::string& name);

    Credential token(SiteState& s);
    // Gets a credential the way `latchkey login` does: interactively allowed,
    // and with `force` always from the provider.
    Credential login(SiteState& s, bool force);
    // Revokes the stored credential at the server when the provider can (ABI
    // 1.1), then erases it from storage and cache. Returns why revocation
    // failed, if it did; the local erase happens regardless.
    std::optional<std::string> logout(SiteState& s);
    // Erases the stored and cached credential, nothing more (after a 401).
    void forget(SiteState& s);
    // The provider's JSON description of who the site's credential belongs to.
    std::string whoami(SiteState& s);
    // What storage holds for the site (no fetch, no lock).
    std::optional<detail::CredentialData> stored(SiteState& s);

    // Opens (once) the named backend; `where` says where the name came from.
    storage::Storage& storage_for(const std::string& backend, const std::string& where = "");
    std::string storage_dir() const;

 private:
    SiteState& resolve_site(const std::string& name);
    // [storage] encryption_key and previous_encryption_keys (or
    // LATCHKEY_STORAGE_*), for backends whose own table sets none.
    storage::SealingKeys storage_wide_sealing_keys();
    token::DataPtr fetch(SiteState& s, const token::DataPtr& current, bool force);
    // Refreshes `base` with its refresh token; on a refusal or an unanswered
    // request, drops the refresh token and acquires anew, saying why.
    provider::ProviderResult refresh(SiteState& s, const detail::CredentialData& base, int64_t now);
    void drop_refresh_token(SiteState& s, const detail::CredentialData& base, int64_t now);
    provider::SiteProvider& instance(SiteState& s);
    bool provider_says_stale(SiteState& s, const detail::CredentialData& c, int64_t now);
    provider::SiteLinks links_for(SiteState& s);
    detail::CredentialData fetch_for_other_site(const std::string& from, const std::string& name);
    [[noreturn]] void raise(SiteState& s, const provider::ProviderResult& o);

    HostOptions options_;
    policy::Policy policy_;
    std::unique_ptr<policy::Resolver> resolver_;
    std::unique_ptr<provider::Catalog> catalog_;
    std::unique_ptr<provider::Interaction> interaction_;
    provider::Services services_;
    std::mutex mu_;
    std::map<std::string, std::unique_ptr<storage::Storage>> storages_;
    std::map<std::string, std::unique_ptr<SiteState>> sites_;  // entries are never removed
    const uint64_t id_;  // tells this host's entries apart in per-thread lookup caches
};

// The policy file this process would use: --config, LATCHKEY_CONFIG, XDG.
std::string policy_path(const std::optional<std::string>& flag, bool& explicit_choice);

}  // namespace latchkey
