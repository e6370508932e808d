// A connected Unix socket that Boost.Beast reads and writes synchronously
// (SyncReadStream, SyncWriteStream) with one deadline for the whole
// exchange: each read or write first waits with poll() for what is left of
// it. The agent's clients use it so that an agent which is stopped or
// wedged costs them their timeout and nothing more. (An Asio socket's
// synchronous read does not do this: it waits in poll() without a limit
// once the socket's own receive timeout has passed.)
#pragma once

#include <boost/asio/buffer.hpp>
#include <boost/system/error_code.hpp>
#include <boost/system/system_error.hpp>
#include <chrono>
#include <cstddef>
#include <string>

namespace latchkey::agent {

class DeadlineSocket {
 public:
    // Connects to the socket at `path`; false (and no socket) when nothing
    // listens there or it cannot be reached.
    bool connect(const std::string& path, std::chrono::milliseconds timeout);
    ~DeadlineSocket();
    DeadlineSocket() = default;
    DeadlineSocket(const DeadlineSocket&) = delete;
    DeadlineSocket& operator=(const DeadlineSocket&) = delete;

    template <class MutableBuffers>
    size_t read_some(const MutableBuffers& buffers, boost::system::error_code& ec) {
        auto b = first_nonempty<boost::asio::mutable_buffer>(buffers);
        return b.size() > 0 ? receive(b.data(), b.size(), ec) : 0;
    }
    template <class ConstBuffers>
    size_t write_some(const ConstBuffers& buffers, boost::system::error_code& ec) {
        auto b = first_nonempty<boost::asio::const_buffer>(buffers);
        return b.size() > 0 ? send(b.data(), b.size(), ec) : 0;
    }
    // The throwing forms the stream concepts also ask for.
    template <class MutableBuffers>
    size_t read_some(const MutableBuffers& buffers) {
        boost::system::error_code ec;
        return or_throw(read_some(buffers, ec), ec);
    }
    template <class ConstBuffers>
    size_t write_some(const ConstBuffers& buffers) {
        boost::system::error_code ec;
        return or_throw(write_some(buffers, ec), ec);
    }

 private:
    // One buffer at a time is enough: a partial read or write is allowed.
    template <class Buffer, class Buffers>
    static Buffer first_nonempty(const Buffers& buffers) {
        for (auto it = boost::asio::buffer_sequence_begin(buffers);
             it != boost::asio::buffer_sequence_end(buffers); ++it)
            if (Buffer b(*it); b.size() > 0) return b;
        return Buffer();
    }
    static size_t or_throw(size_t n, const boost::system::error_code& ec) {
        if (ec) throw boost::system::system_error(ec);
        return n;
    }
    size_t receive(void* data, size_t size, boost::system::error_code& ec);
    size_t send(const void* data, size_t size, boost::system::error_code& ec);
    // Waits until the socket is ready for `events` or the deadline passes.
    bool wait(short events, boost::system::error_code& ec);

    int fd_ = -1;
    std::chrono::steady_clock::time_point deadline_;
};

}  // namespace latchkey::agent
