// POST /oauth2/token: parses the form, authenticates the client and dispatches on
// grant_type through the grant table (grants.hpp).
#pragma once

#include <httplib.h>

#include "context.hpp"

namespace devserver {

void register_token_endpoint(httplib::Server& server, ServerContext& ctx);

}  // namespace devserver
