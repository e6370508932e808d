// private_key_jwt client authentication (RFC 7523 §2.2, OIDC Core §9): a JWT with
// iss = sub = client_id, aud = this server, exp (short), a fresh jti, signed RS256 or ES256
// with the key registered by --setting client_key.ID=PATH.pem.
#pragma once

#include <httplib.h>

#include <string>
#include <variant>

#include "client_auth.hpp"
#include "context.hpp"

namespace devserver {

// The authenticated client, or why not (safe to show: names claims, never values).
std::variant<const Client*, std::string> verify_client_assertion(
    ServerContext& ctx, const httplib::Request& req, const ClientCredentials& presented);

}  // namespace devserver
