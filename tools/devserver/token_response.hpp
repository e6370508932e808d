// The successful token response (RFC 6749 §5.1) every grant ends with: issues the access
// token and, as asked, a refresh token and an OpenID Connect ID token, records the
// issue in the stats and writes the JSON.
#pragma once

#include <httplib.h>

#include <optional>
#include <string>
#include <vector>

#include "grants.hpp"

namespace devserver {

struct TokenIssue {
    std::vector<std::string> scopes;
    std::string subject;         // the user; empty when the client acts for itself
    bool refresh_token = false;  // issue a refresh token
    std::string family;          // refresh-token family to continue; empty: a new one
    // Scope of the refresh token when it differs from `scopes` (a narrowed refresh keeps
    // the original scope on the new refresh token, RFC 6749 §6).
    std::optional<std::vector<std::string>> refresh_scopes;
    std::optional<std::string> nonce;  // echoed in the ID token (OIDC Core §3.1.2.1)
    std::optional<std::string> audience;
    std::vector<std::string> resources;
};

// Requires grant.client.
void send_token_response(GrantContext& grant, TokenIssue issue, httplib::Response& res);

}  // namespace devserver
