// The token endpoint's grant table: each grant type lives in its own grant_*.cpp file and
// registers its handler here, the way endpoint modules register through routes.hpp:
//
//   static const devserver::GrantType kGrant{"refresh_token", handle};
//
// The token endpoint parses the form and authenticates the client before dispatching.
#pragma once

#include <httplib.h>

#include <string>
#include <vector>

#include "client_auth.hpp"
#include "context.hpp"

namespace devserver {

struct GrantContext {
    ServerContext& ctx;
    const httplib::Request& req;
    const httplib::Params& form;  // body parameters, validated (no repeats)
    const Client* client;         // null only for a grant registered with allow_anonymous
    AuthMethod method;
    const std::string& grant_type;
};

using GrantHandler = void (*)(GrantContext& grant, httplib::Response& res);

struct GrantType {
    // `allow_anonymous`: the grant may be used without client authentication (the JWT
    // bearer grant names its client in the assertion).
    GrantType(const char* name, GrantHandler handler, bool allow_anonymous = false);
};

struct GrantEntry {
    GrantHandler handler = nullptr;
    bool allow_anonymous = false;
};

// nullptr for an unknown grant type.
const GrantEntry* find_grant(const std::string& name);
// Every registered grant type, sorted (for discovery's grant_types_supported).
std::vector<std::string> grant_type_names();

}  // namespace devserver
