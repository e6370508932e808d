// /admin/*: health, counters, fault injection and reset, for tests driving the server.
// No authentication: the server only ever listens on 127.0.0.1.
#pragma once

#include <httplib.h>

#include "context.hpp"

namespace devserver {

// Also installs the server's pre-routing handler (see admin.cpp for why).
void register_admin(httplib::Server& server, ServerContext& ctx);

}  // namespace devserver
