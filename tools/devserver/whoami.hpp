// GET /api/whoami: a protected resource, so a demo can prove an issued token works.
#pragma once

#include <httplib.h>

#include <string>

#include "context.hpp"

namespace devserver {

void register_whoami(httplib::Server& server, ServerContext& ctx);

// The token of "Authorization: Bearer <t>" (scheme case-insensitive, RFC 6750 §2.1), or "".
std::string bearer_token(const httplib::Request& req);

}  // namespace devserver
