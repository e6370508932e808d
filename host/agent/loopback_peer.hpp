// Who is on the other end of a TCP connection to 127.0.0.1. TCP has no
// SO_PEERCRED, but both ends are sockets of this machine's kernel, which
// lists every one in /proc/net/tcp (and tcp6) with its owner's uid and
// its inode: the caller's socket is the row whose local address is our
// peer's and whose remote address is ours. The process holding that inode
// (found among the uid's processes in /proc/PID/fd) names the pid and exe.
//
// That scan reads every descriptor of every process of the uid, a few
// milliseconds on a busy machine: it runs on a thread of its own
// (LoopbackPeerFinder), never on the agent's I/O thread.
#pragma once

#include <netinet/in.h>

#include <boost/asio/thread_pool.hpp>
#include <functional>

#include "peer.hpp"

namespace latchkey::agent {

// The two ends of an accepted connection, read when it is accepted (two
// system calls): what finding the caller needs, later and elsewhere.
struct LoopbackEnds {
    bool valid = false;  // false: not an IPv4 connection (no caller to find)
    sockaddr_in ours{};
    sockaddr_in theirs{};
};
LoopbackEnds ends_of_loopback_socket(int fd);

// `known` is false when no row matches (the caller already went away).
// The pid and exe are read where the agent may read the caller's /proc
// entries (its own user's processes, or any as root); otherwise pid is 0,
// exe "", and gid the uid's primary group.
Peer peer_of_loopback(const LoopbackEnds& ends);

// One thread that finds loopback callers, one after the other, so that the
// scan holds up neither the I/O thread nor any site's provider threads.
class LoopbackPeerFinder {
 public:
    // Calls `found` with the caller, on the finder's thread. Destroying the
    // finder waits for the lookup in progress and drops those waiting.
    void find(const LoopbackEnds& ends, std::function<void(Peer)> found);

 private:
    boost::asio::thread_pool thread_{1};
};

}  // namespace latchkey::agent
