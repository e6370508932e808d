#include "site/site_route.hpp"

#include <algorithm>

#include "agent_client/agent_rules.hpp"
#include "site/site_directory.hpp"
#include "util/clock.hpp"

namespace latchkey::site {

namespace {

// The route whose agent declined in this thread's call (see DeclinedHere).
thread_local const SiteRoute* declined_here = nullptr;

// A credential the agent hands out after its own refresh time (its refresh
// is under way, or failing while the credential still serves) is kept this
// long before the agent is asked again, rather than on every read.
constexpr int64_t kRecheckMs = 1000;

}  // namespace

SiteRoute::DeclinedHere::DeclinedHere(const SiteRoute* r) : previous(declined_here) {
    declined_here = r;
}
SiteRoute::DeclinedHere::~DeclinedHere() { declined_here = previous; }

SiteRoute::SiteRoute(std::string name, const AgentAddress& agent, SiteDirectory& sites,
                     const provider::Services& services)
    : name_(std::move(name)),
      agent_(agent),
      sites_(sites),
      services_(services),
      slot_(name_, *this) {}

void SiteRoute::log(LogLevel level, const std::string& message) {
    services_.log(level, name_ + ": " + message);
}

token::DataPtr SiteRoute::served(const agent::ServedCredential& t) const {
    auto c = std::make_shared<detail::CredentialData>();
    c->token = t.token;
    c->token_type = t.token_type;
    c->header_name = t.header_name;
    c->expires_at_ms = t.expires_at_ms;
    c->obtained_at_ms = t.obtained_at_ms;
    for (auto& [key, value] : t.extras) c->extras[key] = value;
    c->agent_socket = agent_.socket;
    c->refresh_at_ms = t.refresh_at_ms;
    if (int64_t now = util::now_ms(); c->refresh_at_ms <= now) {
        c->refresh_at_ms = now + kRecheckMs;
        if (c->expires_at_ms) c->refresh_at_ms = std::min(c->refresh_at_ms, c->expires_at_ms);
    }
    return c;
}

agent::TokenAnswer SiteRoute::request_credential(int64_t min_valid_ms) const {
    std::string min_valid = min_valid_ms > 0 ? std::to_string(min_valid_ms) + "ms" : "";
    return agent::interpret_credential_reply(
        agent::ask_agent(agent_.socket, "GET",
                         agent::request_target("/v1/credential", name_, min_valid), agent_.policy));
}

void SiteRoute::go_alone(const std::string& why) {
    // Built as a host working alone builds it; a site that cannot be (a
    // secret only the agent has) throws its error, and the next read asks
    // the agent again.
    token::SiteTokens& tokens = *sites_.get(name_).tokens;
    tokens.fetch_first(this);
    alone_.store(&tokens, std::memory_order_release);
    log(LogLevel::debug, "working alone (" + why + ")");
}

token::DataPtr SiteRoute::ask(int64_t min_valid_ms) {
    // Another caller saw the agent decline while this one waited for the slot.
    if (alone_.load(std::memory_order_acquire)) throw WorkAlone();
    auto answer = request_credential(min_valid_ms);
    std::string why = answer.why_alone;
    if (!answer.work_alone && answer.error) {
        Error e = agent::site_error(*answer.error);
        if (!(agent_.interactive && e.kind() == ErrorKind::login_required)) throw e;
        why = "the agent says the site needs a login, which this host may do itself";
    } else if (!answer.work_alone) {
        log(LogLevel::debug, "served by the agent at " + agent_.socket);
        return served(*answer.credential);
    }
    go_alone(why);
    throw WorkAlone();
}

Credential SiteRoute::token_valid_for(int64_t min_valid_ms) {
    if (token::SiteTokens* alone = alone_.load(std::memory_order_acquire))
        return alone->token_valid_for(min_valid_ms);
    try {
        return slot_.get_valid_for(min_valid_ms,
                                   [&](const token::DataPtr&) { return ask(min_valid_ms); });
    } catch (const WorkAlone&) {
        DeclinedHere here(this);
        return alone_.load(std::memory_order_acquire)->token_valid_for(min_valid_ms);
    }
}

bool SiteRoute::invalidate_at_agent(std::string_view refused_token) {
    auto answer = agent::interpret_invalidate_reply(
        agent::ask_agent(agent_.socket, "POST", agent::request_target("/v1/invalidate", name_, ""),
                         agent_.policy, agent::invalidate_body(std::string(refused_token))));
    if (answer.work_alone) {
        go_alone(answer.why_alone);
        return false;
    }
    if (answer.error) throw agent::site_error(*answer.error);
    log(LogLevel::debug, "invalidated at the agent at " + agent_.socket);
    return true;
}

void SiteRoute::refused(std::string_view refused_token) {
    if (!alone_.load(std::memory_order_acquire)) {
        // Whatever the agent says, the refused token is not served again here.
        slot_.with_flight([&] {
            if (auto cur = slot_.peek(); cur && cur->token == refused_token) slot_.invalidate();
        });
        if (invalidate_at_agent(refused_token)) return;
    }
    alone_.load(std::memory_order_acquire)->refused(refused_token);
}

void SiteRoute::forget() {
    if (!alone_.load(std::memory_order_acquire)) {
        slot_.invalidate();
        if (invalidate_at_agent("")) return;
    }
    alone_.load(std::memory_order_acquire)->forget();
}

token::DataPtr SiteRoute::fetch_first(int64_t min_valid_ms) {
    if (declined_here == this) return nullptr;  // it declined in this very call
    auto answer = request_credential(min_valid_ms);
    // Anything but a token (the agent's own error for the site included):
    // the site goes on alone, and its provider gives its own answer.
    if (!answer.credential) return nullptr;
    log(LogLevel::debug, "served by the agent at " + agent_.socket + " again");
    token::DataPtr data = served(*answer.credential);
    slot_.publish(data);
    alone_.store(nullptr, std::memory_order_release);
    return data;
}

}  // namespace latchkey::site
