#include "socket_path.hpp"

#include <unistd.h>

#include <cstdlib>

namespace latchkey::agent {

std::string default_socket_path() {
    if (const char* p = std::getenv("LATCHKEY_AGENT_SOCKET"); p && *p) return p;
    if (const char* run = std::getenv("XDG_RUNTIME_DIR"); run && *run)
        return std::string(run) + "/latchkey/agent.sock";
    return "/tmp/latchkey-" + std::to_string(geteuid()) + "/agent.sock";
}

}  // namespace latchkey::agent
