// Where the agent listens and how that socket is made: the directory is the
// caller's own (0700), the socket 0600 unless widened on purpose, and a
// socket left by an agent that died is replaced, never one that answers.
#pragma once

#include <string>

#include "socket_path.hpp"

namespace latchkey::agent {

// Creates the directory (0700, refused when another user owns it or
// group/other may write it), removes a stale socket, binds and listens.
// `mode` is the socket's permission bits (0600: this user only). Returns the
// listening descriptor; throws latchkey::Error naming the path and reason.
int bind_agent_socket(const std::string& path, unsigned mode);

// The descriptor systemd passed (LISTEN_PID is this process, LISTEN_FDS is
// 1: fd 3), or -1. Clears the variables so children do not inherit them.
int socket_from_systemd();

}  // namespace latchkey::agent
