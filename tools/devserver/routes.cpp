#include "routes.hpp"

#include <map>
#include <string>

namespace devserver {
namespace {

// Function-local so registration from other files' static initialisers is safe whatever
// the initialisation order.
std::map<std::string, RouteInstaller>& modules() {
    static std::map<std::string, RouteInstaller> all;
    return all;
}

}  // namespace

RouteModule::RouteModule(const char* name, RouteInstaller install) { modules()[name] = install; }

void install_route_modules(httplib::Server& server, ServerContext& ctx) {
    for (const auto& [name, install] : modules()) {
        install(server, ctx);
    }
}

}  // namespace devserver
