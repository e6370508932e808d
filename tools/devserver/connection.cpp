#include "connection.hpp"

#include <netdb.h>
#include <sys/socket.h>

#include <charconv>
#include <filesystem>
#include <string>
#include <system_error>

namespace devserver {
namespace {

struct Endpoint {
    std::string host;
    int port = -1;
};

// Same numeric form httplib uses for Request::remote_addr, so the strings compare.
bool describe(const sockaddr_storage& addr, socklen_t len, Endpoint& out) {
    char host[NI_MAXHOST];
    char serv[NI_MAXSERV];
    if (getnameinfo(reinterpret_cast<const sockaddr*>(&addr), len, host, sizeof host, serv,
                    sizeof serv, NI_NUMERICHOST | NI_NUMERICSERV) != 0) {
        return false;
    }
    out.host = host;
    out.port = std::stoi(serv);
    return true;
}

bool is_connection_of(int fd, const httplib::Request& req) {
    sockaddr_storage addr{};
    socklen_t len = sizeof addr;
    Endpoint local;
    Endpoint peer;
    if (getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0 ||
        !describe(addr, len, local)) {
        return false;
    }
    len = sizeof addr;
    if (getpeername(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0 ||
        !describe(addr, len, peer)) {
        return false;
    }
    return local.port == req.local_port && local.host == req.local_addr &&
           peer.port == req.remote_port && peer.host == req.remote_addr;
}

}  // namespace

bool abort_connection(const httplib::Request& req) {
    std::error_code ec;
    for (const auto& entry : std::filesystem::directory_iterator("/proc/self/fd", ec)) {
        const std::string name = entry.path().filename().string();
        int fd = -1;
        if (std::from_chars(name.data(), name.data() + name.size(), fd).ec != std::errc{}) {
            continue;
        }
        if (is_connection_of(fd, req)) {
            return ::shutdown(fd, SHUT_RDWR) == 0;
        }
    }
    return false;
}

}  // namespace devserver
