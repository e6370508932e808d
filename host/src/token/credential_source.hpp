// What a Slot needs from the rest of the host, as one small interface: where
// new credentials come from, what storage already holds, and the provider's
// own verdict on expiry. SiteTokens (site_tokens.hpp) is the host's; tests
// supply their own.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "credential/credential_data.hpp"
#include "latchkey/host.hpp"

namespace latchkey::token {

using DataPtr = std::shared_ptr<const detail::CredentialData>;

class CredentialSource {
 public:
    virtual ~CredentialSource() = default;
    // A new credential, refreshed from `current` (possibly null) or acquired.
    // Called with the slot's single flight held. Throws latchkey::Error
    // (TransientError for a failure worth retrying).
    virtual DataPtr fetch(const DataPtr& current) = 0;
    // What storage holds, read before the first fetch; null when nothing
    // usable is stored.
    virtual DataPtr load() = 0;
    // Whether load() can find anything at all. Asked once, when the slot is
    // made: a slot without storage never takes its flight just to look.
    virtual bool has_storage() const { return true; }
    // Whether the provider judges expiry itself. Asked once, when the slot
    // is made: such a provider is asked on every read (stale()), which takes
    // reads off the lock-free path.
    virtual bool judges_expiry() const = 0;
    // The provider's verdict; only called when judges_expiry().
    virtual bool stale(const detail::CredentialData& credential, int64_t now_ms) = 0;
    // The slot's own messages (retries, a failed refresh).
    virtual void log(LogLevel level, const std::string& message) = 0;
};

// Asked before the provider whenever a site would go to it for a
// credential (a refresh or a new one; never for a forced login): one from
// elsewhere, or null to go on to the provider. A host that asks a running
// agent sets one on each site that works alone (site/site_route.hpp).
class FetchFirst {
 public:
    virtual ~FetchFirst() = default;
    // A credential valid `min_valid_ms` longer (0: any), or null.
    virtual DataPtr fetch_first(int64_t min_valid_ms) = 0;
};

}  // namespace latchkey::token
