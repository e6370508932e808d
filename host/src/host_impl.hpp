// The inside of latchkey::Host: the pipeline's parts, assembled once.
//
//   policy (policy/)  ->  site (site/: resolved settings, provider, store)
//     -> provider (provider/, isolation/)  -> token manager (token/)
//     -> storage (storage/)
//
// The host owns the policy, the plugin catalog, the host services offered
// to providers, the stores and the sites; everything else lives in the
// folders above.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "latchkey/host.hpp"
#include "policy/policy.hpp"
#include "policy/resolver.hpp"
#include "provider/catalog.hpp"
#include "provider/interaction.hpp"
#include "provider/services.hpp"
#include "site/site_builder.hpp"
#include "site/site_directory.hpp"
#include "site/site_route.hpp"
#include "storage/storage_registry.hpp"

namespace latchkey {

class HostImpl {
 public:
    explicit HostImpl(HostOptions options);
    ~HostImpl();
    HostImpl(const HostImpl&) = delete;
    HostImpl& operator=(const HostImpl&) = delete;

    const HostOptions& options() const { return options_; }
    const policy::Policy& policy() const { return policy_; }
    const policy::Resolver& resolver() const { return resolver_; }
    provider::Catalog& catalog() { return catalog_; }
    provider::Services& services() { return services_; }
    storage::StorageRegistry& storages() { return storages_; }

    // The selected site, and a site by name ("" = the selected one).
    std::string selected_site() const { return sites_.selected(); }
    site::Site& site(std::string_view name) { return sites_.get(name); }
    // The site `name` if it is built already, else null (never builds).
    site::Site* built_site(std::string_view name) { return sites_.built(name); }
    // Whether Host's reads ask a running agent (HostOptions::ask_agent and
    // the rules of agent_client.hpp), and how they read site `name` then.
    bool asks_agent() const { return agent_.has_value(); }
    site::SiteRoute& route(std::string_view name) { return sites_.route(name); }

 private:
    HostOptions options_;
    policy::Policy policy_;
    policy::Resolver resolver_;
    provider::Catalog catalog_;
    provider::TerminalInteraction interaction_;
    provider::Services services_;
    storage::StorageRegistry storages_;
    std::optional<site::AgentAddress> agent_;
    site::SiteBuilder builder_;
    site::SiteDirectory sites_;  // last: its sites use everything above
};

}  // namespace latchkey
