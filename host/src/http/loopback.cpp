#include "http/loopback.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>

#include <cstring>

namespace latchkey::http {

namespace {

bool v4_loopback(const in_addr& a) { return (ntohl(a.s_addr) >> 24) == 127; }

bool v6_loopback(const in6_addr& a) {
    if (IN6_IS_ADDR_LOOPBACK(&a)) return true;
    if (!IN6_IS_ADDR_V4MAPPED(&a)) return false;
    in_addr v4;
    std::memcpy(&v4, a.s6_addr + 12, sizeof v4);
    return v4_loopback(v4);
}

}  // namespace

bool is_loopback_address(const sockaddr* address, socklen_t length) {
    if (!address) return false;
    if (address->sa_family == AF_INET && length >= static_cast<socklen_t>(sizeof(sockaddr_in)))
        return v4_loopback(reinterpret_cast<const sockaddr_in*>(address)->sin_addr);
    if (address->sa_family == AF_INET6 && length >= static_cast<socklen_t>(sizeof(sockaddr_in6)))
        return v6_loopback(reinterpret_cast<const sockaddr_in6*>(address)->sin6_addr);
    return false;  // AF_UNIX and the rest: not what a URL names
}

std::string address_text(const sockaddr* address, socklen_t length) {
    char buf[INET6_ADDRSTRLEN] = {0};
    if (address && address->sa_family == AF_INET &&
        length >= static_cast<socklen_t>(sizeof(sockaddr_in)))
        inet_ntop(AF_INET, &reinterpret_cast<const sockaddr_in*>(address)->sin_addr, buf,
                  sizeof buf);
    else if (address && address->sa_family == AF_INET6 &&
             length >= static_cast<socklen_t>(sizeof(sockaddr_in6)))
        inet_ntop(AF_INET6, &reinterpret_cast<const sockaddr_in6*>(address)->sin6_addr, buf,
                  sizeof buf);
    return buf[0] ? buf : "an address of another family";
}

std::optional<bool> literal_is_loopback(const std::string& host) {
    in_addr v4;
    if (inet_pton(AF_INET, host.c_str(), &v4) == 1) return v4_loopback(v4);
    std::string inner = host;
    if (inner.size() >= 2 && inner.front() == '[' && inner.back() == ']')
        inner = inner.substr(1, inner.size() - 2);
    if (auto pct = inner.find('%'); pct != std::string::npos) inner.resize(pct);  // zone id
    in6_addr v6;
    if (inet_pton(AF_INET6, inner.c_str(), &v6) == 1) return v6_loopback(v6);
    return std::nullopt;
}

bool is_literal_loopback_host(const std::string& host) {
    if (host == "localhost") return true;
    return literal_is_loopback(host).value_or(false);
}

}  // namespace latchkey::http
