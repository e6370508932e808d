// Endpoint modules register themselves here, so a new endpoint is one new file:
//
//   namespace { void install(httplib::Server& s, ServerContext& ctx) { s.Post(...); } }
//   static const devserver::RouteModule kModule{"anaplan", install};
//
// main() installs every module after the built-in endpoints, in name order.
#pragma once

#include <httplib.h>

#include "context.hpp"

namespace devserver {

using RouteInstaller = void (*)(httplib::Server& server, ServerContext& ctx);

struct RouteModule {
    RouteModule(const char* name, RouteInstaller install);
};

void install_route_modules(httplib::Server& server, ServerContext& ctx);

}  // namespace devserver
