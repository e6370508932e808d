// The client side of the agent's socket, for the library's Host
// (site/site_route.hpp), the `latchkey` program and its front door
// (host/front): ask a running agent, or learn that none answers so the
// caller works alone. It needs Boost.Beast and RapidJSON only (the front
// door is linked with it and nothing of the library); agent_rules.hpp holds
// what the library and the program decide from it.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace latchkey::agent {

struct AgentReply {
    int status = 0;
    std::string body;
};

// "ENDPOINT?site=SITE&min_valid=MIN_VALID", each parameter only when not
// empty (no site: the agent uses its policy's default site).
std::string request_target(const std::string& endpoint, const std::string& site,
                           const std::string& min_valid);

// One request to the agent at `socket_path`. nullopt when no agent answers
// there: no socket, nobody listening (an agent that was killed), no answer
// within `timeout_ms`, or an answer that is not HTTP. `config` is sent as
// Latchkey-Config, so an agent serving another policy declines. Never throws.
std::optional<AgentReply> ask_agent(const std::string& socket_path, const std::string& method,
                                    const std::string& target, const std::string& config,
                                    const std::string& body = "", int timeout_ms = 30'000);

// The body of POST /v1/invalidate: {"token": REFUSED}, or "" for none (the
// agent then forgets whatever it holds).
std::string invalidate_body(const std::string& refused_token);

// A token the agent served (GET /v1/token).
struct ServedToken {
    std::string site, token, token_type, header;
    // The site's extra_headers, as "Name: value" lines (after `header`).
    std::vector<std::string> extra_headers;
    std::string token_username;  // the site's, "" when it sets none
    int64_t expires_at_ms = 0;
};

// A credential the agent served (GET /v1/credential): what a library hands
// out as its own.
struct ServedCredential {
    std::string token, token_type, header_name;
    int64_t expires_at_ms = 0;  // 0: does not expire
    int64_t obtained_at_ms = 0;
    int64_t refresh_at_ms = 0;  // when the agent starts refreshing it
    // Non-secret fields the provider kept (instance_url, scope, ...).
    std::vector<std::pair<std::string, std::string>> extras;
};

// An error the agent reports for a site: what the caller raises as its own
// (agent_rules.hpp), as the program would give it working alone.
struct AgentError {
    std::string kind;  // latchkey::to_string(ErrorKind): "config", "login_required", ...
    std::string message;
    std::string next_command;  // "" when none
    // The policy position it points at ("" and 0 when none).
    std::string file;
    uint32_t line = 0, column = 0;
};

// What the agent's answer to GET /v1/token (or /v1/credential) means for
// the caller.
struct TokenAnswer {
    std::optional<ServedToken> token;
    std::optional<ServedCredential> credential;
    std::optional<AgentError> error;
    // True when the caller should work alone instead: no agent, another
    // policy, this caller refused, the agent busy, an unreadable answer.
    bool work_alone = true;
    std::string why_alone;
};

TokenAnswer interpret_token_reply(const std::optional<AgentReply>& reply);
// The same for GET /v1/credential: `credential` when it served one.
TokenAnswer interpret_credential_reply(const std::optional<AgentReply>& reply);

// What the agent's answer to POST /v1/invalidate means: `token` stays
// empty; work_alone and the error as for a token.
TokenAnswer interpret_invalidate_reply(const std::optional<AgentReply>& reply);

}  // namespace latchkey::agent
