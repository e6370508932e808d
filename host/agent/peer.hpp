// Who is on the other end of a connection, as the kernel says
// (SO_PEERCRED), never as the request claims.
#pragma once

#include <sys/types.h>

#include <string>

namespace latchkey::agent {

struct Peer {
    bool known = false;  // false: the kernel could not say (loopback_peer.hpp)
    uid_t uid = static_cast<uid_t>(-1);
    gid_t gid = static_cast<gid_t>(-1);
    pid_t pid = 0;
    // /proc/PID/exe when the connection was accepted; "" when unreadable
    // (a process of another user, as an unprivileged agent sees it).
    std::string exe;
};

// The credentials of the process that connected `fd` (a Unix socket), read
// once when it is accepted. A pid names the connecting process; if it exits
// and the pid is reused, `exe` still is what was read at accept time.
Peer peer_of_unix_socket(int fd);

// "uid 1000 pid 4242 exe /usr/bin/curl" for messages and the audit log.
std::string describe(const Peer& peer);

}  // namespace latchkey::agent
