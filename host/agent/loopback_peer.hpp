// Who is on the other end of a TCP connection to 127.0.0.1. TCP has no
// SO_PEERCRED, but both ends are sockets of this machine's kernel, which
// lists every one in /proc/net/tcp (and tcp6) with its owner's uid and
// its inode: the caller's socket is the row whose local address is our
// peer's and whose remote address is ours. The process holding that inode
// (found among the uid's processes in /proc/PID/fd) names the pid and exe.
#pragma once

#include "peer.hpp"

namespace latchkey::agent {

// `known` is false when no row matches (the caller already went away).
// The pid and exe are read where the agent may read the caller's /proc
// entries (its own user's processes, or any as root); otherwise pid is 0,
// exe "", and gid the uid's primary group.
Peer peer_of_loopback_socket(int fd);

}  // namespace latchkey::agent
