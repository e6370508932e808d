// GET /api/whoami: a protected resource, so a demo can prove an issued token works.
#pragma once

#include <httplib.h>

#include "context.hpp"

namespace devserver {

void register_whoami(httplib::Server& server, ServerContext& ctx);

}  // namespace devserver
