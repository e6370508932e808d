// The agent's HTTP/1.1 server, on Boost.Beast and Asio: keep-alive
// connections on a Unix socket or on 127.0.0.1. No request can hold the
// others up: every read and write is asynchronous on one I/O thread, a
// request must arrive whole within `request_timeout`, an idle connection is
// closed after `idle_timeout`, headers and bodies are capped, and past
// `max_connections` a new connection gets 503 and is closed.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>
#include <chrono>
#include <functional>
#include <memory>
#include <string>

#include "peer.hpp"

namespace latchkey::agent {

namespace http = boost::beast::http;
using Request = http::request<http::string_body>;
using Response = http::response<http::string_body>;
// Delivers the answer to a request; may be called from any thread, once.
using Respond = std::function<void(Response)>;

struct Limits {
    size_t max_connections = 256;
    size_t max_header_bytes = 8 * 1024;
    size_t max_body_bytes = 16 * 1024;
    std::chrono::milliseconds request_timeout{10'000};
    std::chrono::milliseconds idle_timeout{60'000};
};

// What a listener serves.
class Service {
 public:
    virtual ~Service() = default;
    // A well-formed request. Answer through `respond`, now or later.
    virtual void serve(Request&& request, const Peer& peer, Respond respond) = 0;
    // The answer to a request the server refused itself (malformed, too
    // large, too slow, too many connections): `status` and why.
    virtual Response refuse(const Peer& peer, http::status status, const std::string& why) = 0;
};

class LoopbackPeerFinder;  // loopback_peer.hpp

// Accepts connections until the io_context stops. `close()` stops accepting;
// a request still arriving on a connection open to it gets 503.
class Listener {
 public:
    virtual ~Listener() = default;
    virtual void close() = 0;
};

// Listens on the Unix socket `fd` (already bound and listening).
std::shared_ptr<Listener> listen_unix(boost::asio::io_context& io, int fd, Service& service,
                                      const Limits& limits);
// Listens on 127.0.0.1:`port` (0: a free port); `port` is set to the one bound.
// Each connection's caller is found by `finder` (which must last as long as
// the io_context runs) when its first request arrives, before it is served.
// `service` lives as long as the listener or a connection to it; once the
// listener is closed, a request on a connection still open gets 503.
std::shared_ptr<Listener> listen_loopback(boost::asio::io_context& io, unsigned short& port,
                                          std::shared_ptr<Service> service, const Limits& limits,
                                          LoopbackPeerFinder& finder);

}  // namespace latchkey::agent
