// How a host that asks a running `latchkey agent` reads one site: through
// the agent while it serves the site, else as a host working alone would
// (docs/agent.md, "The library"). Host::token, borrow,
// invalidate and Site go through here; the administrative interface uses
// the site itself.
//
// What the agent served is kept in a slot of the route's own, so reads stay
// lock-free and the agent is asked again only when that slot would fetch:
// at the agent's refresh time, for a longer min_valid, or after an
// invalidate. When the agent does not answer or declines (another policy,
// this caller refused, busy), the site is built and read alone, within the
// same call, and from then on; it asks the agent again whenever it would go
// to its own provider (token::FetchFirst), and goes back to the agent when
// that serves.
#pragma once

#include <atomic>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>

#include "agent_client/agent_client.hpp"
#include "latchkey/credential.hpp"
#include "provider/services.hpp"
#include "token/credential_source.hpp"
#include "token/site_tokens.hpp"
#include "token/slot.hpp"

namespace latchkey::site {

// The agent a host asks.
struct AgentAddress {
    std::string socket;
    std::string policy;  // the host's policy file, sent as Latchkey-Config
    // The host may prompt (HostOptions::interactive): a site the agent says
    // needs a login is read alone, where the provider may ask a person.
    bool interactive = false;
};

class SiteDirectory;

class SiteRoute : private token::CredentialSource, private token::FetchFirst {
 public:
    // Everything given outlives the route.
    SiteRoute(std::string name, const AgentAddress& agent, SiteDirectory& sites,
              const provider::Services& services);
    SiteRoute(const SiteRoute&) = delete;
    SiteRoute& operator=(const SiteRoute&) = delete;

    // Host::borrow: lent until this thread's next read (latchkey/host.hpp).
    const Credential& borrow() {
        if (token::SiteTokens* alone = alone_.load(std::memory_order_acquire))
            return alone->slot().borrow();
        try {
            return slot_.borrow();
        } catch (const WorkAlone&) {
            DeclinedHere here(this);
            return alone_.load(std::memory_order_acquire)->slot().borrow();
        }
    }
    // Host::token(site, min_valid).
    Credential token_valid_for(int64_t min_valid_ms);
    // Host::invalidate(site, refused_token), and without a token.
    void refused(std::string_view refused_token);
    void forget();

    const std::string& name() const { return name_; }

 private:
    // Thrown out of the route's slot once the site works alone (alone_ is
    // set): the read is then made alone. Never leaves the route.
    struct WorkAlone : std::runtime_error {
        WorkAlone() : std::runtime_error("working alone") {}
    };

    // GET /v1/credential?site=NAME[&min_valid=...].
    agent::TokenAnswer request_credential(int64_t min_valid_ms) const;
    // What the agent served, or its error for the site
    // (thrown as an Error); else builds the site to work alone and throws
    // WorkAlone (or the site's Error when it cannot be built).
    token::DataPtr ask(int64_t min_valid_ms);
    // What the agent served as this host's own credential.
    token::DataPtr served(const agent::ServedCredential& t) const;
    void go_alone(const std::string& why);
    // POST /v1/invalidate; false when the site works alone instead.
    bool invalidate_at_agent(std::string_view refused_token);

    // CredentialSource, for slot_.
    token::DataPtr fetch(const token::DataPtr&) override { return ask(0); }
    token::DataPtr load() override { return nullptr; }
    bool has_storage() const override { return false; }
    bool judges_expiry() const override { return false; }
    bool stale(const detail::CredentialData&, int64_t) override { return false; }
    void log(LogLevel level, const std::string& message) override;

    // FetchFirst, for the site once it works alone.
    token::DataPtr fetch_first(int64_t min_valid_ms) override;

    // Marks the route whose agent declined during this thread's call, while
    // the site is read alone: that read does not ask the agent again
    // (fetch_first).
    struct DeclinedHere {
        explicit DeclinedHere(const SiteRoute* r);
        ~DeclinedHere();
        const SiteRoute* previous;
    };

    const std::string name_;
    const AgentAddress& agent_;
    SiteDirectory& sites_;
    const provider::Services& services_;
    // The site's own token manager once it works alone; null while the
    // agent serves it.
    std::atomic<token::SiteTokens*> alone_{nullptr};
    token::Slot slot_;  // last: what the agent served
};

}  // namespace latchkey::site
