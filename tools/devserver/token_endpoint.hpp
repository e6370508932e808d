// POST /oauth2/token: the RFC 6749 §4.4 client credentials grant.
#pragma once

#include <httplib.h>

#include "context.hpp"

namespace devserver {

void register_token_endpoint(httplib::Server& server, ServerContext& ctx);

}  // namespace devserver
