// Where a running agent listens, as its clients and the agent itself find
// it. Kept apart from the code that binds the socket: the front door
// (host/front) is linked with the client side only.
#pragma once

#include <string>

namespace latchkey::agent {

// $LATCHKEY_AGENT_SOCKET, else $XDG_RUNTIME_DIR/latchkey/agent.sock, else
// /tmp/latchkey-UID/agent.sock.
std::string default_socket_path();

}  // namespace latchkey::agent
