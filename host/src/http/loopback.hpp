// Whether plain http may go somewhere: only to this machine, decided by the
// address a connection is actually opened to (127.0.0.0/8, ::1, or an IPv4
// loopback address mapped into IPv6), never by how a host name is spelt.
#pragma once

#include <sys/socket.h>

#include <optional>
#include <string>

namespace latchkey::http {

// True for a loopback IPv4 or IPv6 socket address.
bool is_loopback_address(const sockaddr* address, socklen_t length);

// The numeric text of a socket address ("127.0.0.1", "::1"), for messages.
std::string address_text(const sockaddr* address, socklen_t length);

// For a URL host as libcurl reports it ("127.0.0.1", "[::1]", "localhost",
// "example.com"): true when it is, literally, this machine -- a loopback
// IP literal or the name `localhost` -- so that no resolver is involved.
bool is_literal_loopback_host(const std::string& host);

// For an IP literal host: whether it is loopback. nullopt for a name.
std::optional<bool> literal_is_loopback(const std::string& host);

}  // namespace latchkey::http
