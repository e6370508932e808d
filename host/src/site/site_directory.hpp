// The sites a host has built, by name: each built on first use and kept
// until the host closes. Asking by name again on the same thread costs a
// comparison (no lock, no allocation), which keeps Host::token("site") on
// the lock-free path. The same holds for the routes of a host that asks a
// running agent (site_route.hpp).
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include "policy/resolver.hpp"
#include "site/site.hpp"
#include "site/site_builder.hpp"
#include "site/site_route.hpp"

namespace latchkey::site {

class SiteDirectory : public OtherSites {
 public:
    // `chosen` is --at / HostOptions::site, if any; `agent` the running agent
    // the host asks (null: it works alone). Both outlive the directory.
    SiteDirectory(SiteBuilder& builder, const policy::Resolver& resolver,
                  std::optional<std::string> chosen, const AgentAddress* agent,
                  const provider::Services& services);
    ~SiteDirectory() override;

    // The selected site: --at, LATCHKEY_SITE, default_site, or the only site.
    std::string selected() const;
    // The site `name` ("" = the selected one), built on first use. Throws
    // Error when it cannot be built (and builds it again on the next ask).
    Site& get(std::string_view name);
    // The site `name` when it is built already; null otherwise. Never
    // builds (which may load a plugin): for callers that must not wait.
    Site* built(std::string_view name);
    // How a host that asks an agent reads site `name` ("" = the selected
    // one): made on first use, building nothing. Only with an agent.
    SiteRoute& route(std::string_view name);

    detail::CredentialData credential_for(const std::string& from,
                                          const std::string& name) override;

 private:
    Site& build(const std::string& name);

    SiteBuilder& builder_;
    const policy::Resolver& resolver_;
    std::optional<std::string> chosen_;
    const uint64_t serial_;  // tells directories apart in the per-thread memo
    std::mutex mu_;
    std::map<std::string, std::unique_ptr<Site>, std::less<>> sites_;  // never removed
    const AgentAddress* agent_;
    const provider::Services& services_;
    // Never removed. Declared last, so destroyed before the sites they read
    // (once the host is closed, when nothing calls them any more).
    std::map<std::string, std::unique_ptr<SiteRoute>, std::less<>> routes_;
};

}  // namespace latchkey::site
