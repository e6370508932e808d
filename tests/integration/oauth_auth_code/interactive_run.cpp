#include "interactive_run.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <map>
#include <stdexcept>

extern char** environ;

namespace latchkey::itest {

namespace {

using Clock = std::chrono::steady_clock;

int ms_until(Clock::time_point deadline) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    return left.count() > 0 ? static_cast<int>(left.count()) : 0;
}

std::vector<std::string> child_environment(const test::RunOptions& o) {
    std::map<std::string, std::string> env;
    for (char** e = environ; *e; ++e) {
        std::string kv = *e;
        size_t eq = kv.find('=');
        if (eq != std::string::npos) env[kv.substr(0, eq)] = kv.substr(eq + 1);
    }
    for (auto& [k, v] : o.env) {
        if (v)
            env[k] = *v;
        else
            env.erase(k);
    }
    std::vector<std::string> out;
    for (auto& [k, v] : env) out.push_back(k + "=" + v);
    return out;
}

std::vector<char*> pointers(std::vector<std::string>& v) {
    std::vector<char*> out;
    for (auto& s : v) out.push_back(s.data());
    out.push_back(nullptr);
    return out;
}

}  // namespace

InteractiveRun::InteractiveRun(const std::vector<std::string>& argv_in, const test::RunOptions& o) {
    int in[2], out[2], err[2];
    if (pipe2(in, O_CLOEXEC) || pipe2(out, O_CLOEXEC) || pipe2(err, O_CLOEXEC))
        throw std::runtime_error("pipe failed");
    auto argv = argv_in;
    auto env = child_environment(o);
    auto cargv = pointers(argv);
    auto cenv = pointers(env);
    signal(SIGPIPE, SIG_IGN);
    pid_ = fork();
    if (pid_ < 0) throw std::runtime_error("fork failed");
    if (pid_ == 0) {
        setpgid(0, 0);
        dup2(in[0], 0);
        dup2(out[1], 1);
        dup2(err[1], 2);
        if (!o.cwd.empty() && chdir(o.cwd.c_str()) != 0) _exit(126);
        execve(cargv[0], cargv.data(), cenv.data());
        _exit(127);
    }
    close(in[0]);
    close(out[1]);
    close(err[1]);
    in_fd_ = in[1];
    out_fd_ = out[0];
    err_fd_ = err[0];
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
    result_.exit_code = WIFEXITED(status)     ? WEXITSTATUS(status)
                        : WIFSIGNALED(status) ? 128 + WTERMSIG(status)
                                              : -1;
    finished_ = true;
    return result_;
}

}  // namespace latchkey::itest
