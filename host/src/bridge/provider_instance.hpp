// One provider object serving one site: the C boundary in one place.
// It implements the host services of latchkey_host for the plugin, turns the
// plugin's builder calls into a CredentialData, and keeps the library mapped
// for as long as the object lives.
#pragma once

#include <latchkey/provider.h>

#include <memory>
#include <string>

#include "bridge/services.hpp"
#include "plugin/loaded_provider.hpp"
#include "policy/resolver.hpp"
#include "token/credential_data.hpp"

namespace latchkey::bridge {

// What a provider call produced.
struct Outcome {
    latchkey_status status = LATCHKEY_OK;
    std::shared_ptr<detail::CredentialData> credential;  // set when status == OK
    std::string message;                                 // redacted
    int64_t retry_after_ms = 0;
};

class ProviderInstance {
 public:
    // Calls the plugin's create(); throws a config/plugin error on failure.
    ProviderInstance(std::shared_ptr<plugin::LoadedProvider> provider, policy::ResolvedSite site,
                     Services& services);
    ~ProviderInstance();
    ProviderInstance(const ProviderInstance&) = delete;
    ProviderInstance& operator=(const ProviderInstance&) = delete;

    Outcome acquire();
    bool can_refresh() const { return provider_->descriptor().refresh != nullptr; }
    Outcome refresh(const detail::CredentialData& current);
    // The provider's verdict when it has an expired() hook; else from expires_at.
    bool expired(const detail::CredentialData& current, int64_t now_ms);

    const policy::ResolvedSite& site() const { return site_; }
    Services& services() { return services_; }

    struct Context;  // the `ctx` every host callback receives

 private:
    std::shared_ptr<plugin::LoadedProvider> provider_;  // declared first: destroyed last
    policy::ResolvedSite site_;
    Services& services_;
    std::unique_ptr<Context> ctx_;
    latchkey_host table_{};
    void* instance_ = nullptr;
};

}  // namespace latchkey::bridge
