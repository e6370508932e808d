// The sites a host has built, by name: each built on first use and kept
// until the host closes. Asking by name again on the same thread costs a
// comparison (no lock, no allocation), which keeps Host::token("site") on
// the lock-free path.
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

namespace latchkey::site {

class SiteDirectory : public OtherSites {
 public:
    // `chosen` is --at / HostOptions::site, if any.
    SiteDirectory(SiteBuilder& builder, const policy::Resolver& resolver,
                  std::optional<std::string> chosen);
    ~SiteDirectory() override;

    // The selected site: --at, LATCHKEY_SITE, default_site, or the only site.
    std::string selected() const;
    // The site `name` ("" = the selected one), built on first use. Throws
    // Error when it cannot be built (and builds it again on the next ask).
    Site& get(std::string_view name);
    // The site `name` when it is built already; null otherwise. Never
    // builds (which may load a plugin): for callers that must not wait.
    Site* built(std::string_view name);

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
};

}  // namespace latchkey::site
