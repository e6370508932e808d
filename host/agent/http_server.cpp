#include "http_server.hpp"

#include <atomic>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/local/stream_protocol.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/basic_stream.hpp>
#include <boost/beast/core/buffers_range.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/serializer.hpp>
#include <optional>
#include <utility>

#include "loopback_peer.hpp"

namespace latchkey::agent {

namespace net = boost::asio;
namespace beast = boost::beast;
using error_code = boost::system::error_code;

namespace {

// What a listener shares with its sessions: the connections open now,
// whether the listener was closed, and the service a loopback listener
// keeps alive while any connection to it is (a reload may drop an
// endpoint while connections to it are open or waiting for a lookup).
struct ListenerShare {
    std::atomic<size_t> open{0};
    std::atomic<bool> closed{false};
    std::shared_ptr<Service> owned;
};

template <class Protocol>
class Session : public std::enable_shared_from_this<Session<Protocol>> {
 public:
    using Socket = net::basic_stream_socket<Protocol, net::any_io_executor>;

    // `finder`: the caller of a loopback connection is still to be found
    // (at `ends`), when its first request needs naming.
    Session(Socket socket, const Peer& peer, Service& service, const Limits& limits,
            std::shared_ptr<ListenerShare> share, LoopbackPeerFinder* finder = nullptr,
            const LoopbackEnds& ends = {})
        : stream_(std::move(socket)),
          peer_(peer),
          service_(service),
          limits_(limits),
          share_(std::move(share)),
          deadline_(stream_.get_executor()),
          finder_(finder),
          ends_(ends) {
        ++share_->open;
    }
    ~Session() { --share_->open; }

    void start() { wait_for_request(); }

    // Answers 503 at once and closes: the listener is full. A loopback
    // caller is not looked for: a flood of connections must not queue
    // lookups (the audit line says peer=tcp-loopback).
    void turn_away() {
        send(service_.refuse(peer_, http::status::service_unavailable,
                             "the agent has " + std::to_string(limits_.max_connections) +
                                 " connections open, its limit; retry shortly"),
             false);
    }

 private:
    // Between requests a connection may stay idle for idle_timeout; once
    // its first bytes arrive the whole request must follow within
    // request_timeout.
    void wait_for_request() {
        if (buffer_.size() > 0) return read_request();
        stream_.expires_after(limits_.idle_timeout);
        stream_.async_read_some(buffer_.prepare(4096),
                                [self = this->shared_from_this()](error_code ec, size_t n) {
                                    if (ec) return self->close();
                                    self->buffer_.commit(n);
                                    self->read_request();
                                });
    }

    void read_request() {
        parser_.emplace();
        parser_->header_limit(static_cast<uint32_t>(limits_.max_header_bytes));
        parser_->body_limit(limits_.max_body_bytes);
        parser_->eager(true);
        if (parse_buffered()) return;
        // A deadline of its own rather than the stream's, which would close
        // the socket before the 408 could say why.
        stream_.expires_never();
        deadline_.expires_after(limits_.request_timeout);
        deadline_.async_wait([weak = this->weak_from_this()](error_code ec) {
            auto self = weak.lock();
            if (ec || !self) return;
            self->timed_out_ = true;
            error_code ignored;
            self->stream_.socket().cancel(ignored);
        });
        http::async_read(
            stream_, buffer_, *parser_,
            [self = this->shared_from_this()](error_code ec, size_t) { self->on_read(ec); });
    }

    // A request usually arrives whole with the connection's first read:
    // then it is parsed from the buffer (limits checked by the parser as
    // always) without a timer or another read. True when the request was
    // handled so (complete, or refused); false when more must be read.
    bool parse_buffered() {
        error_code ec;
        while (buffer_.size() > 0 && !parser_->is_done()) {
            size_t used = parser_->put(buffer_.data(), ec);
            buffer_.consume(used);
            if (ec == http::error::need_more) return false;
            if (ec) {
                on_read(ec);
                return true;
            }
            if (used == 0) return false;
        }
        if (!parser_->is_done()) return false;
        on_read({});
        return true;
    }

    void on_read(error_code ec) {
        deadline_.cancel();
        if (timed_out_)
            return refuse(http::status::request_timeout,
                          "the request did not arrive whole within " +
                              std::to_string(limits_.request_timeout.count()) + " ms");
        if (ec == http::error::end_of_stream || ec == net::error::eof ||
            ec == net::error::connection_reset || ec == http::error::partial_message)
            return close();
        if (ec == http::error::body_limit)
            return refuse(http::status::payload_too_large,
                          "the request body is over the limit of " +
                              std::to_string(limits_.max_body_bytes) + " bytes");
        if (ec == http::error::header_limit)
            return refuse(http::status::request_header_fields_too_large,
                          "the request's headers are over the limit of " +
                              std::to_string(limits_.max_header_bytes) + " bytes");
        if (ec.category() == http::make_error_code(http::error::bad_target).category() ||
            ec == http::error::bad_target || ec == http::error::bad_method)
            return refuse(http::status::bad_request, "malformed HTTP request: " + ec.message());
        if (ec) return close();
        with_peer([request = parser_->release()](Session& self) mutable {
            self.serve(std::move(request));
        });
    }

    // Runs `next(*this)` on the I/O thread once the caller is known: at
    // once on a Unix socket (SO_PEERCRED, read at accept) and for the later
    // requests of a loopback connection; after the finder's lookup for its
    // first.
    template <class Next>
    void with_peer(Next next) {
        if (!finder_) return next(*this);
        std::exchange(finder_, nullptr)
            ->find(ends_, [self = this->shared_from_this(), executor = stream_.get_executor(),
                           next = std::move(next)](Peer peer) mutable {
                net::post(executor, [self = std::move(self), next = std::move(next),
                                     peer = std::move(peer)]() mutable {
                    self->peer_ = std::move(peer);
                    next(*self);
                });
            });
    }

    void serve(Request request) {
        // A connection still open to a listener closed since: refused.
        if (share_->closed)
            return refuse(http::status::service_unavailable,
                          "this endpoint is no longer served (a reload removed it, or the agent "
                          "is stopping)");
        bool keep_alive = request.keep_alive();
        unsigned version = request.version();
        auto executor = stream_.get_executor();
        // An answer given at once (a cached credential) is sent from here;
        // one from a site's worker thread comes back to the I/O thread.
        service_.serve(std::move(request), peer_,
                       [self = this->shared_from_this(), executor, keep_alive,
                        version](Response response) mutable {
                           net::dispatch(executor, [self, response = std::move(response),
                                                    keep_alive, version]() mutable {
                               response.version(version);
                               self->send(std::move(response), keep_alive);
                           });
                       });
    }

    // The server's own refusals close the connection: what follows a
    // malformed request cannot be trusted to start a new one.
    void refuse(http::status status, const std::string& why) {
        with_peer([status, why](Session& self) {
            self.send(self.service_.refuse(self.peer_, status, why), false);
        });
    }

    void send(Response response, bool keep_alive) {
        response.keep_alive(keep_alive);
        response.prepare_payload();
        serialize(response, wire_);
        stream_.expires_after(limits_.request_timeout);
        net::async_write(stream_, net::buffer(wire_),
                         [self = this->shared_from_this(), keep_alive](error_code ec, size_t) {
                             if (ec || !keep_alive) return self->close();
                             self->wait_for_request();
                         });
    }

    // The whole answer in one buffer, serialized by Beast once: the socket
    // then gets a single write, where writing the message itself walks
    // Beast's chain of header and body buffers again at every step (a third
    // of the agent's instructions for a cached token).
    static void serialize(Response& response, std::string& out) {
        out.clear();
        http::response_serializer<http::string_body> serializer(response);
        error_code ec;
        while (!ec && !serializer.is_done())
            serializer.next(ec, [&](error_code&, const auto& buffers) {
                for (auto b : beast::buffers_range_ref(buffers))
                    out.append(static_cast<const char*>(b.data()), b.size());
                serializer.consume(beast::buffer_bytes(buffers));
            });
    }

    void close() {
        error_code ignored;
        stream_.socket().shutdown(Socket::shutdown_both, ignored);
        stream_.socket().close(ignored);
    }

    beast::basic_stream<Protocol> stream_;
    beast::flat_buffer buffer_;
    std::optional<http::request_parser<http::string_body>> parser_;
    std::string wire_;  // the answer being written
    Peer peer_;
    Service& service_;
    Limits limits_;
    std::shared_ptr<ListenerShare> share_;
    net::steady_timer deadline_;
    bool timed_out_ = false;
    LoopbackPeerFinder* finder_;  // null once the caller is known
    LoopbackEnds ends_;
};

template <class Protocol>
class ListenerOf : public Listener, public std::enable_shared_from_this<ListenerOf<Protocol>> {
 public:
    using Acceptor = net::basic_socket_acceptor<Protocol, net::any_io_executor>;
    using Socket = typename Session<Protocol>::Socket;

    // `owned`: `service`, kept alive by the listener and its sessions.
    ListenerOf(Acceptor acceptor, Service& service, const Limits& limits,
               std::shared_ptr<Service> owned = nullptr, LoopbackPeerFinder* finder = nullptr)
        : acceptor_(std::move(acceptor)), service_(service), limits_(limits), finder_(finder) {
        share_->owned = std::move(owned);
    }

    void accept() {
        acceptor_.async_accept([self = this->shared_from_this()](error_code ec, Socket socket) {
            if (ec == net::error::operation_aborted || !self->acceptor_.is_open()) return;
            if (!ec) self->admit(std::move(socket));
            self->accept();
        });
    }

    void close() override {
        share_->closed = true;
        net::post(acceptor_.get_executor(), [self = this->shared_from_this()] {
            error_code ignored;
            self->acceptor_.close(ignored);
        });
    }

 private:
    void admit(Socket socket) {
        Peer peer;
        LoopbackEnds ends;
        if constexpr (std::is_same_v<Protocol, net::local::stream_protocol>)
            peer = peer_of_unix_socket(socket.native_handle());
        else
            ends = ends_of_loopback_socket(socket.native_handle());
        auto session = std::make_shared<Session<Protocol>>(std::move(socket), peer, service_,
                                                           limits_, share_, finder_, ends);
        if (share_->open > limits_.max_connections)
            session->turn_away();
        else
            session->start();
    }

    Acceptor acceptor_;
    Service& service_;
    Limits limits_;
    LoopbackPeerFinder* finder_;
    std::shared_ptr<ListenerShare> share_ = std::make_shared<ListenerShare>();
};

}  // namespace

std::shared_ptr<Listener> listen_unix(net::io_context& io, int fd, Service& service,
                                      const Limits& limits) {
    net::basic_socket_acceptor<net::local::stream_protocol, net::any_io_executor> acceptor(
        io.get_executor(), net::local::stream_protocol(), fd);
    auto listener = std::make_shared<ListenerOf<net::local::stream_protocol>>(std::move(acceptor),
                                                                              service, limits);
    listener->accept();
    return listener;
}

std::shared_ptr<Listener> listen_loopback(net::io_context& io, unsigned short& port,
                                          std::shared_ptr<Service> service, const Limits& limits,
                                          LoopbackPeerFinder& finder) {
    net::ip::tcp::endpoint at(net::ip::make_address_v4("127.0.0.1"), port);
    net::basic_socket_acceptor<net::ip::tcp, net::any_io_executor> acceptor(io.get_executor(), at);
    port = acceptor.local_endpoint().port();
    Service& served = *service;
    auto listener = std::make_shared<ListenerOf<net::ip::tcp>>(std::move(acceptor), served, limits,
                                                               std::move(service), &finder);
    listener->accept();
    return listener;
}

}  // namespace latchkey::agent
