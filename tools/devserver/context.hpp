// What the request handlers share. Everything referenced here outlives the server.
#pragma once

#include <cstdint>
#include <map>
#include <string>

#include "clients.hpp"
#include "faults.hpp"
#include "oauth_state.hpp"
#include "stats.hpp"
#include "tokens.hpp"

namespace devserver {

struct ServerContext {
    const ClientRegistry& clients;
    TokenStore& tokens;
    Stats& stats;
    FaultBoard& faults;
    std::int64_t token_lifetime;  // seconds, reported as expires_in
    // --setting KEY=VALUE pairs, for endpoint modules' own knobs (a public key file, say).
    const std::map<std::string, std::string>& settings;
    // Grants in progress and keys of the user-facing flows (device, code, refresh, JWT).
    OAuthState& oauth;
    // "http://127.0.0.1:PORT": set once the port is bound, before the first request.
    std::string issuer = {};
    // "https://127.0.0.1:PORT" when the TLS listener runs (RFC 8705 endpoint aliases).
    std::string tls_issuer = {};

    std::string token_endpoint() const { return issuer + "/oauth2/token"; }
};

}  // namespace devserver
