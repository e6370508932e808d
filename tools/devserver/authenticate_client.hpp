// Checks the client authentication a request carries (client_auth.hpp extracts it)
// against the registered clients, for every endpoint that authenticates clients:
// token, revocation, device authorization.
#pragma once

#include <httplib.h>

#include <string>
#include <variant>

#include "client_auth.hpp"
#include "context.hpp"

namespace devserver {

struct AuthenticatedClient {
    const Client* client = nullptr;  // nullptr only when anonymous requests were allowed
    AuthMethod method = AuthMethod::none;
};

struct ClientAuthFailure {
    int status = 401;
    std::string error = "invalid_client";
    std::string description = "client authentication failed";
};

// `allow_anonymous`: a request with no client authentication at all is accepted with a
// null client (the JWT bearer grant identifies the client by its assertion instead).
std::variant<AuthenticatedClient, ClientAuthFailure> authenticate_client(
    ServerContext& ctx, const httplib::Request& req, const httplib::Params& form,
    bool allow_anonymous = false);

// Writes the RFC 6749 §5.2 error, with a Basic challenge for a client that tried the
// Authorization header.
void send_client_auth_failure(const httplib::Request& req, httplib::Response& res,
                              const ClientAuthFailure& failure);

// Both at once: authenticates and records the method in the stats, or answers the
// failure. Returns false when the caller should stop.
bool require_client(ServerContext& ctx, const httplib::Request& req, httplib::Response& res,
                    const httplib::Params& form, AuthenticatedClient& out,
                    bool allow_anonymous = false);

}  // namespace devserver
