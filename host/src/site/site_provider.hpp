// A site's provider, wherever it runs: mapped into this process
// (isolation = "none") or in a helper process (isolation = "process"). The
// provider object is made on first use, with the site's options, so a
// command that only reads the policy never starts one.
#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "isolation/isolated_provider.hpp"
#include "policy/resolver.hpp"
#include "provider/loaded_provider.hpp"
#include "provider/provider_instance.hpp"

namespace latchkey::site {

class SiteProviderHandle : public provider::SiteProvider {
 public:
    explicit SiteProviderHandle(std::shared_ptr<provider::LoadedProvider> in_process);
    explicit SiteProviderHandle(std::unique_ptr<isolation::IsolatedProvider> isolated);
    ~SiteProviderHandle() override;

    // The plugin file and its option schema, known before any instance.
    const std::string& path() const;
    const std::vector<policy::OptionSpec>& schema() const;
    // Whether the provider judges expiry itself (its expired() hook).
    bool has_expired_hook() const;

    // Gives the handle what the instance is made with, once the site is resolved.
    void prepare(const policy::ResolvedSite& site, provider::Services& services,
                 provider::SiteLinks links);

    provider::ProviderResult acquire() override { return instance().acquire(); }
    bool can_refresh() const override;
    provider::ProviderResult refresh(const detail::CredentialData& current) override {
        return instance().refresh(current);
    }
    bool expired(const detail::CredentialData& current, int64_t now_ms) override {
        return instance().expired(current, now_ms);
    }
    bool can_revoke() const override;
    bool can_whoami() const override;
    provider::ProviderResult revoke(const detail::CredentialData& current) override {
        return instance().revoke(current);
    }
    provider::ProviderResult whoami(const detail::CredentialData& current,
                                    std::string& json) override {
        return instance().whoami(current, json);
    }

 private:
    // Makes the instance on first use; throws like the plugin's create().
    provider::SiteProvider& instance() const;

    std::shared_ptr<provider::LoadedProvider> in_process_;   // isolation = "none"
    std::unique_ptr<isolation::IsolatedProvider> isolated_;  // isolation = "process"
    const policy::ResolvedSite* site_ = nullptr;
    provider::Services* services_ = nullptr;
    provider::SiteLinks links_;
    mutable std::mutex mu_;
    mutable std::unique_ptr<provider::ProviderInstance> instance_;  // in-process, once made
    mutable bool isolated_bound_ = false;  // the helper has the site's options
};

}  // namespace latchkey::site
