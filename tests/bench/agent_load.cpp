#include "agent_load.hpp"

#include <atomic>
#include <boost/asio/io_context.hpp>
#include <boost/asio/local/stream_protocol.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>
#include <chrono>
#include <memory>
#include <optional>
#include <sstream>
#include <thread>
#include <vector>

namespace latchkey::bench {

namespace {

namespace net = boost::asio;
namespace http = boost::beast::http;

struct Counters {
    std::atomic<bool> stop{false};
    std::atomic<long> answered{0}, failed{0};
};

// One keep-alive connection asking in a loop until `stop`.
class Connection : public std::enable_shared_from_this<Connection> {
 public:
    Connection(net::io_context& io, const std::string& socket_path, const std::string& target,
               Counters& counters)
        : socket_(io), counters_(counters) {
        socket_.connect(net::local::stream_protocol::endpoint(socket_path));
        // The same request every time: serialized once, by Beast.
        http::request<http::empty_body> request{http::verb::get, target, 11};
        request.set(http::field::host, "agent");
        request.keep_alive(true);
        std::ostringstream wire;
        wire << request;
        request_ = wire.str();
    }

    void ask() {
        if (counters_.stop) return;
        net::async_write(socket_, net::buffer(request_),
                         [self = shared_from_this()](boost::system::error_code ec, size_t) {
                             if (ec) return self->broken();
                             self->read_answer();
                         });
    }

 private:
    void read_answer() {
        response_.emplace();
        http::async_read(socket_, buffer_, *response_,
                         [self = shared_from_this()](boost::system::error_code ec, size_t) {
                             if (ec) return self->broken();
                             if (self->response_->result() == http::status::ok)
                                 ++self->answered_;
                             else
                                 ++self->failed_;
                             self->ask();
                         });
    }
    void broken() { ++failed_; }

 public:
    ~Connection() {
        counters_.answered += answered_;
        counters_.failed += failed_;
    }

 private:
    net::local::stream_protocol::socket socket_;
    Counters& counters_;
    std::string request_;
    boost::beast::flat_buffer buffer_;
    std::optional<http::response<http::string_body>> response_;
    long answered_ = 0, failed_ = 0;
};

}  // namespace

LoadResult drive_load(const std::string& socket_path, const std::string& target, int connections,
                      int threads, double seconds) {
    Counters counters;
    std::vector<std::unique_ptr<net::io_context>> loops;
    for (int t = 0; t < threads; ++t) loops.push_back(std::make_unique<net::io_context>(1));
    // All connected before any asks, so that every one is counted for the
    // whole run.
    for (int c = 0; c < connections; ++c)
        std::make_shared<Connection>(*loops[c % threads], socket_path, target, counters)->ask();
    std::vector<std::thread> running;
    for (auto& loop : loops) running.emplace_back([&loop] { loop->run(); });
    std::this_thread::sleep_for(std::chrono::duration<double>(seconds));
    counters.stop = true;  // each connection stops after its answer in flight
    for (auto& t : running) t.join();
    return {counters.answered.load(), counters.failed.load()};
}

}  // namespace latchkey::bench
