#include "loopback_peer.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <pwd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <boost/asio/post.hpp>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <vector>

#include "proc_net_tcp.hpp"

namespace latchkey::agent {

namespace {

// An address as /proc/net/tcp prints it: the 32-bit words as the kernel
// holds them (network order), printed as host integers, then the port.
std::string proc_address(const in_addr& addr, uint16_t port) {
    char buf[16];
    std::snprintf(buf, sizeof buf, "%08X:%04X", addr.s_addr, ntohs(port));
    return buf;
}

// The same address as an IPv4-mapped IPv6 one (::ffff:a.b.c.d), for a
// caller whose socket is AF_INET6.
std::string proc_address6(const in_addr& addr, uint16_t port) {
    in6_addr mapped{};
    mapped.s6_addr[10] = mapped.s6_addr[11] = 0xff;
    std::memcpy(&mapped.s6_addr[12], &addr, 4);
    uint32_t words[4];
    std::memcpy(words, &mapped, sizeof words);
    char buf[40];
    std::snprintf(buf, sizeof buf, "%08X%08X%08X%08X:%04X", words[0], words[1], words[2], words[3],
                  ntohs(port));
    return buf;
}

// The caller's socket in `table` (/proc/net/tcp or tcp6).
std::optional<TcpSocketOwner> find_row(const char* table, const std::string& local,
                                       const std::string& remote) {
    std::ifstream in(table);
    return find_tcp_socket(in, local, remote);
}

// The first process of `uid` that holds socket `inode`; 0 when none is
// readable.
pid_t holder_of(uid_t uid, unsigned long inode) {
    namespace fs = std::filesystem;
    std::string wanted = "socket:[" + std::to_string(inode) + "]";
    std::error_code ec;
    for (fs::directory_iterator p("/proc", ec), end; !ec && p != end; p.increment(ec)) {
        const std::string name = p->path().filename().string();
        if (name.find_first_not_of("0123456789") != std::string::npos) continue;
        struct stat st {};
        if (stat(p->path().c_str(), &st) != 0 || st.st_uid != uid) continue;
        std::error_code fd_ec;
        for (fs::directory_iterator fd(p->path() / "fd", fd_ec), fd_end; !fd_ec && fd != fd_end;
             fd.increment(fd_ec)) {
            char buf[64];
            ssize_t n = readlink(fd->path().c_str(), buf, sizeof buf);
            if (n > 0 && std::string_view(buf, static_cast<size_t>(n)) == wanted)
                return static_cast<pid_t>(std::stol(name));
        }
    }
    return 0;
}

// The effective gid ("Gid:" in /proc/PID/status, the second of four).
std::optional<gid_t> effective_gid(pid_t pid) {
    std::ifstream status("/proc/" + std::to_string(pid) + "/status");
    std::string line;
    while (std::getline(status, line)) {
        if (line.rfind("Gid:", 0) != 0) continue;
        std::istringstream ids(line.substr(4));
        unsigned long real = 0, effective = 0;
        if (ids >> real >> effective) return static_cast<gid_t>(effective);
    }
    return std::nullopt;
}

gid_t primary_gid(uid_t uid) {
    passwd pw{};
    passwd* found = nullptr;
    std::vector<char> buf(16 * 1024);
    if (getpwuid_r(uid, &pw, buf.data(), buf.size(), &found) != 0 || !found)
        return static_cast<gid_t>(-1);
    return found->pw_gid;
}

}  // namespace

LoopbackEnds ends_of_loopback_socket(int fd) {
    LoopbackEnds ends;
    socklen_t ours_len = sizeof ends.ours, theirs_len = sizeof ends.theirs;
    ends.valid = getsockname(fd, reinterpret_cast<sockaddr*>(&ends.ours), &ours_len) == 0 &&
                 getpeername(fd, reinterpret_cast<sockaddr*>(&ends.theirs), &theirs_len) == 0 &&
                 ends.ours.sin_family == AF_INET && ends.theirs.sin_family == AF_INET;
    return ends;
}

Peer peer_of_loopback(const LoopbackEnds& ends) {
    Peer peer;
    if (!ends.valid) return peer;
    const sockaddr_in &ours = ends.ours, &theirs = ends.theirs;
    auto owner = find_row("/proc/net/tcp", proc_address(theirs.sin_addr, theirs.sin_port),
                          proc_address(ours.sin_addr, ours.sin_port));
    if (!owner)
        owner = find_row("/proc/net/tcp6", proc_address6(theirs.sin_addr, theirs.sin_port),
                         proc_address6(ours.sin_addr, ours.sin_port));
    if (!owner) return peer;
    peer.known = true;
    peer.uid = owner->uid;
    peer.pid = holder_of(owner->uid, owner->inode);
    std::optional<gid_t> gid = peer.pid ? effective_gid(peer.pid) : std::nullopt;
    peer.gid = gid ? *gid : primary_gid(owner->uid);
    if (peer.pid) {
        std::string link = "/proc/" + std::to_string(peer.pid) + "/exe";
        char buf[4096];
        ssize_t n = readlink(link.c_str(), buf, sizeof buf);
        if (n > 0 && static_cast<size_t>(n) < sizeof buf)
            peer.exe.assign(buf, static_cast<size_t>(n));
    }
    return peer;
}

void LoopbackPeerFinder::find(const LoopbackEnds& ends, std::function<void(Peer)> found) {
    boost::asio::post(thread_, [ends, found = std::move(found)] { found(peer_of_loopback(ends)); });
}

}  // namespace latchkey::agent
