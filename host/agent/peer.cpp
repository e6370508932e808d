#include "peer.hpp"

#include <sys/socket.h>
#include <unistd.h>

#include <latchkey/admin.hpp>
#include <string>

namespace latchkey::agent {

Peer peer_of_unix_socket(int fd) {
    Peer peer;
    ucred cred{};
    socklen_t len = sizeof cred;
    if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) != 0) return peer;
    peer.known = true;
    peer.uid = cred.uid;
    peer.gid = cred.gid;
    peer.pid = cred.pid;
    std::string link = "/proc/" + std::to_string(cred.pid) + "/exe";
    char buf[4096];
    ssize_t n = readlink(link.c_str(), buf, sizeof buf);
    if (n > 0 && static_cast<size_t>(n) < sizeof buf) peer.exe.assign(buf, static_cast<size_t>(n));
    return peer;
}

std::string describe(const Peer& peer) {
    if (!peer.known) return "a TCP caller on 127.0.0.1";
    return "uid " + std::to_string(peer.uid) + " pid " + std::to_string(peer.pid) + " exe " +
           (peer.exe.empty() ? std::string("(unreadable)") : admin::printable(peer.exe));
}

}  // namespace latchkey::agent
