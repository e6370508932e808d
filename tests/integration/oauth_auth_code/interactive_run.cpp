#include "interactive_run.hpp"

#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>

namespace latchkey::itest {

namespace {

using Clock = std::chrono::steady_clock;

int ms_until(Clock::time_point deadline) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    return left.count() > 0 ? static_cast<int>(left.count()) : 0;
}

}  // namespace

InteractiveRun::InteractiveRun(const std::vector<std::string>& argv, const test::RunOptions& o) {
    signal(SIGPIPE, SIG_IGN);
    auto child = test::spawn_piped(argv, o);
    pid_ = child.pid;
    in_fd_ = child.in_fd;
    out_fd_ = child.out_fd;
    err_fd_ = child.err_fd;
}

InteractiveRun::~InteractiveRun() {
    if (!finished_) finish(0);
}

bool InteractiveRun::pump(int wait_ms) {
    pollfd fds[2] = {{out_fd_, POLLIN, 0}, {err_fd_, POLLIN, 0}};
    if (out_fd_ < 0 && err_fd_ < 0) return false;
    if (poll(fds, 2, wait_ms) <= 0) return true;
    char buf[8192];
    for (int i = 0; i < 2; ++i) {
        if (fds[i].fd < 0 || !(fds[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
        ssize_t n = read(fds[i].fd, buf, sizeof buf);
        int& fd = i == 0 ? out_fd_ : err_fd_;
        if (n <= 0) {
            close(fd);
            fd = -1;
        } else {
            (i == 0 ? result_.out : result_.err).append(buf, static_cast<size_t>(n));
        }
    }
    return out_fd_ >= 0 || err_fd_ >= 0;
}

std::optional<std::string> InteractiveRun::wait_for_stderr(const std::string& marker,
                                                           int timeout_ms) {
    auto deadline = Clock::now() + std::chrono::milliseconds(timeout_ms);
    while (result_.err.find(marker) == std::string::npos) {
        int left = ms_until(deadline);
        if (left == 0 || !pump(left)) return std::nullopt;
    }
    return result_.err;
}

void InteractiveRun::interrupt() { kill(pid_, SIGINT); }

void InteractiveRun::type_line(const std::string& line) {
    std::string text = line + "\n";
    ssize_t w = write(in_fd_, text.data(), text.size());
    (void)w;
    close(in_fd_);
    in_fd_ = -1;
}

test::RunResult InteractiveRun::finish(int timeout_ms) {
    if (in_fd_ >= 0) close(in_fd_), in_fd_ = -1;
    auto deadline = Clock::now() + std::chrono::milliseconds(timeout_ms);
    while (pump(ms_until(deadline))) {
        if (ms_until(deadline) == 0) {
            result_.timed_out = true;
            kill(-pid_, SIGKILL);
            break;
        }
    }
    for (int* fd : {&out_fd_, &err_fd_})
        if (*fd >= 0) close(*fd), *fd = -1;
    int status = 0;
    waitpid(pid_, &status, 0);
    result_.exit_code = test::exit_code_of(status);
    finished_ = true;
    return result_;
}

}  // namespace latchkey::itest
