#include "deadline_socket.hpp"

#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <boost/asio/error.hpp>
#include <cerrno>
#include <cstring>

namespace latchkey::agent {

namespace {

boost::system::error_code from_errno(int e) { return {e, boost::system::system_category()}; }

}  // namespace

bool DeadlineSocket::connect(const std::string& path, std::chrono::milliseconds timeout) {
    deadline_ = std::chrono::steady_clock::now() + timeout;
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    if (path.empty() || path.size() >= sizeof addr.sun_path) return false;
    std::memcpy(addr.sun_path, path.c_str(), path.size() + 1);
    fd_ = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (fd_ < 0) return false;
    // A Unix socket connects at once or not at all (EAGAIN: its backlog is
    // full, which is an agent too busy to ask).
    if (::connect(fd_, reinterpret_cast<const sockaddr*>(&addr), sizeof addr) != 0) {
        close(fd_);
        fd_ = -1;
        return false;
    }
    return true;
}

DeadlineSocket::~DeadlineSocket() {
    if (fd_ >= 0) close(fd_);
}

bool DeadlineSocket::wait(short events, boost::system::error_code& ec) {
    for (;;) {
        auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
            deadline_ - std::chrono::steady_clock::now());
        if (left.count() <= 0) {
            ec = boost::asio::error::timed_out;
            return false;
        }
        pollfd p{fd_, events, 0};
        int n = poll(&p, 1, static_cast<int>(left.count()));
        if (n > 0) return true;
        if (n < 0 && errno != EINTR) {
            ec = from_errno(errno);
            return false;
        }
    }
}

size_t DeadlineSocket::receive(void* data, size_t size, boost::system::error_code& ec) {
    ec = {};
    for (;;) {
        ssize_t n = recv(fd_, data, size, 0);
        if (n > 0) return static_cast<size_t>(n);
        if (n == 0) {
            ec = boost::asio::error::eof;
            return 0;
        }
        if (errno == EINTR) continue;
        if (errno != EAGAIN && errno != EWOULDBLOCK) {
            ec = from_errno(errno);
            return 0;
        }
        if (!wait(POLLIN, ec)) return 0;
    }
}

size_t DeadlineSocket::send(const void* data, size_t size, boost::system::error_code& ec) {
    ec = {};
    for (;;) {
        ssize_t n = ::send(fd_, data, size, MSG_NOSIGNAL);
        if (n >= 0) return static_cast<size_t>(n);
        if (errno == EINTR) continue;
        if (errno != EAGAIN && errno != EWOULDBLOCK) {
            ec = from_errno(errno);
            return 0;
        }
        if (!wait(POLLOUT, ec)) return 0;
    }
}

}  // namespace latchkey::agent
