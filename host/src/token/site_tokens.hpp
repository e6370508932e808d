// The token manager of one site: its slot (the in-memory credential every
// thread reads), its provider, its storage and storage key, and the refresh
// algorithm that ties them together. Every way a credential is got, dropped
// or asked about for a site goes through here.
#pragma once

#include <atomic>
#include <memory>
#include <optional>
#include <set>
#include <string>

#include "credential/credential_data.hpp"
#include "latchkey/credential.hpp"
#include "policy/resolver.hpp"
#include "provider/provider_instance.hpp"
#include "provider/services.hpp"
#include "storage/storage.hpp"
#include "token/credential_source.hpp"
#include "token/refresh_plan.hpp"
#include "token/slot.hpp"

namespace latchkey::token {

// What a site's token manager is made of; the site builder supplies it.
struct SiteParts {
    const policy::ResolvedSite& site;
    provider::SiteProvider& provider;
    bool provider_judges_expiry = false;  // it has an expired() hook
    storage::Storage& storage;
    std::string storage_key;   // SITE.HASH16 of the identity-relevant settings
    std::string storage_name;  // what is really used ("system" may be the file store)
    RefreshPolicy refresh;
    provider::Services& services;
};

class SiteTokens : private CredentialSource {
 public:
    explicit SiteTokens(SiteParts parts);
    SiteTokens(const SiteTokens&) = delete;
    SiteTokens& operator=(const SiteTokens&) = delete;

    Slot& slot() { return slot_; }
    const std::string& storage_key() const { return parts_.storage_key; }
    const std::string& storage_name() const { return parts_.storage_name; }
    const RefreshPolicy& refresh_policy() const { return parts_.refresh; }

    // From cache, refreshed ahead of expiry, or acquired.
    Credential token() { return slot_.get(); }
    // The same, but valid for at least `min_valid_ms` more: refreshed (or
    // acquired) early when the current one would expire sooner.
    Credential token_valid_for(int64_t min_valid_ms);
    // The current credential as another site's provider is shown it: all but
    // the refresh token, which stays this site's business.
    detail::CredentialData shared_copy();
    // Gets a credential the way `latchkey login` does: a still-valid stored
    // one unless `force`, else from the provider (interactively if allowed).
    Credential login(bool force);
    // Revokes the stored credential at the server when the provider can, then
    // erases it from storage and memory. Returns why revocation failed, if it
    // did; the local erase happens regardless.
    std::optional<std::string> logout();
    // Erases the stored and cached credential, nothing more.
    void forget();
    // The server refused `token` (a 401). Unless the site's credential has
    // already moved on, it is marked spent: expired, its refresh token kept,
    // so the next read refreshes instead of starting a new login.
    void refused(std::string_view token);
    // Asked before the provider from now on (null: nobody); `first` outlives
    // this site.
    void fetch_first(FetchFirst* first) { first_.store(first, std::memory_order_release); }
    // The provider's JSON description of who the credential belongs to.
    std::string whoami();
    // What storage holds (no fetch, no lock); a tampered entry is ignored
    // with a warning.
    std::optional<detail::CredentialData> stored();

 private:
    // CredentialSource, for the slot.
    DataPtr fetch(const DataPtr& current) override { return fetch(current, false); }
    DataPtr load() override;
    bool judges_expiry() const override { return parts_.provider_judges_expiry; }
    bool stale(const detail::CredentialData& c, int64_t now_ms) override;
    void log(LogLevel level, const std::string& message) override;

    // Under the storage lock: reloads (another process may have fetched),
    // then refreshes or acquires, and stores before returning.
    // A stored credential is taken as it is only when it stays valid for
    // `min_valid_ms` more.
    DataPtr fetch(const DataPtr& current, bool force, int64_t min_valid_ms = 0);
    // Refreshes `base` with its refresh token; on a refusal or an unanswered
    // request, drops the refresh token and acquires anew, saying why.
    provider::ProviderResult refresh(const detail::CredentialData& base, int64_t now);
    void drop_refresh_token(const detail::CredentialData& base, int64_t now);
    // The site's error for a provider's failure, with the next step.
    [[noreturn]] void raise(const provider::ProviderResult& result) const;

    SiteParts parts_;
    // Fingerprints of refresh tokens a refresh request may have delivered
    // without an answer: never sent again. Touched only under the slot's
    // single flight.
    std::set<std::string> refresh_tokens_in_doubt_;
    std::atomic<FetchFirst*> first_{nullptr};
    Slot slot_;  // last: made once the rest is in place
};

}  // namespace latchkey::token
