// One provider object serving one site: the C boundary in one place.
// It implements the host services of latchkey_host for the plugin, turns the
// plugin's builder calls into a CredentialData, and keeps the library mapped
// for as long as the object lives.
#pragma once

#include <latchkey/provider.h>

#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "provider/services.hpp"
#include "provider/loaded_provider.hpp"
#include "policy/resolver.hpp"
#include "credential/credential_data.hpp"

namespace latchkey::provider {

// What a provider call produced.
struct ProviderResult {
    latchkey_status status = LATCHKEY_OK;
    std::shared_ptr<detail::CredentialData> credential;  // set when status == OK
    std::string message;                                 // redacted
    int64_t retry_after_ms = 0;
};

// What a provider may reach beyond its own site, supplied by the host: the
// site's cache in storage and other sites' credentials (ABI 1.1 services).
struct SiteLinks {
    std::function<std::optional<std::string>(const std::string& name)> cache_get;
    std::function<void(const std::string& name, const std::string& value, int64_t expires_at_ms)>
        cache_put;
    // Another site's current credential; throws latchkey::Error.
    std::function<detail::CredentialData(const std::string& site)> fetch_site;
};

// What the host calls on a site's provider, wherever it runs: in this
// process (ProviderInstance) or in a helper process
// (isolation/isolated_provider.hpp).
class SiteProvider {
 public:
    virtual ~SiteProvider() = default;
    virtual ProviderResult acquire() = 0;
    virtual bool can_refresh() const = 0;
    virtual ProviderResult refresh(const detail::CredentialData& current) = 0;
    virtual bool expired(const detail::CredentialData& current, int64_t now_ms) = 0;
    virtual bool can_revoke() const = 0;
    virtual bool can_whoami() const = 0;
    virtual ProviderResult revoke(const detail::CredentialData& current) = 0;
    virtual ProviderResult whoami(const detail::CredentialData& current, std::string& json) = 0;
};

// A result a provider produced elsewhere (in a helper process), passed
// through the same result builders and checks as an in-process plugin's
// result_* calls: it is accepted or refused exactly as that would be.
// `site` and `provider` name the site and the provider in a refusal.
ProviderResult accept_result(latchkey_status status, const detail::CredentialData* credential,
                      const std::string& message, int64_t retry_after_ms, Services& services,
                      const policy::ResolvedSite& site, const std::string& provider);

class ProviderInstance : public SiteProvider {
 public:
    // Calls the plugin's create(); throws a config/plugin error on failure.
    ProviderInstance(std::shared_ptr<provider::LoadedProvider> provider, policy::ResolvedSite site,
                     Services& services, SiteLinks links = {});
    ~ProviderInstance() override;
    ProviderInstance(const ProviderInstance&) = delete;
    ProviderInstance& operator=(const ProviderInstance&) = delete;

    ProviderResult acquire() override;
    bool can_refresh() const override { return provider_->descriptor().refresh != nullptr; }
    ProviderResult refresh(const detail::CredentialData& current) override;
    // The provider's verdict when it has an expired() hook; else from expires_at.
    bool expired(const detail::CredentialData& current, int64_t now_ms) override;

    // ABI 1.1 provider methods; a 1.0 plugin (or one without them) has neither.
    bool can_revoke() const override;
    bool can_whoami() const override;
    // Revokes `current` at the server. status OK or the provider's error.
    ProviderResult revoke(const detail::CredentialData& current) override;
    // The provider's JSON description of who `current` is, in `json`.
    ProviderResult whoami(const detail::CredentialData& current, std::string& json) override;
    const SiteLinks& links() const { return links_; }

    const policy::ResolvedSite& site() const { return site_; }
    Services& services() { return services_; }

    struct Context;  // the `ctx` every host callback receives

 private:
    // Registers a stored credential's secrets with the redactor.
    void know_secrets_of(const detail::CredentialData& current);

    std::shared_ptr<provider::LoadedProvider> provider_;  // declared first: destroyed last
    policy::ResolvedSite site_;
    Services& services_;
    SiteLinks links_;
    std::unique_ptr<Context> ctx_;
    latchkey_host table_{};
    void* instance_ = nullptr;
};

}  // namespace latchkey::provider
