#include "process.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <stdexcept>
#include <thread>

extern char** environ;

namespace latchkey::test {

namespace {

using Clock = std::chrono::steady_clock;

std::vector<std::string> build_env(const RunOptions& o) {
    std::map<std::string, std::string> env;
    for (char** e = environ; *e; ++e) {
        std::string kv = *e;
        auto eq = kv.find('=');
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

std::vector<char*> c_strings(std::vector<std::string>& v) {
    std::vector<char*> out;
    for (auto& s : v) out.push_back(s.data());
    out.push_back(nullptr);
    return out;
}

// fork + exec with the three standard streams on pipes (stdin may be null).
pid_t spawn(const std::vector<std::string>& argv_in, const RunOptions& o, int* in_fd, int* out_fd,
            int* err_fd) {
    int in[2], out[2], err[2];
    if (pipe2(in, O_CLOEXEC) || pipe2(out, O_CLOEXEC) || pipe2(err, O_CLOEXEC))
        throw std::runtime_error("pipe failed");
    auto argv = argv_in;
    auto env = build_env(o);
    auto cargv = c_strings(argv);
    auto cenv = c_strings(env);
    pid_t pid = fork();
    if (pid < 0) throw std::runtime_error("fork failed");
    if (pid == 0) {
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
    *in_fd = in[1];
    *out_fd = out[0];
    *err_fd = err[0];
    return pid;
}

int decode_status(int status) {
    if (WIFEXITED(status)) return WEXITSTATUS(status);
    if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
    return -1;
}

}  // namespace

Spawned spawn_piped(const std::vector<std::string>& argv, const RunOptions& o) {
    Spawned s;
    s.pid = spawn(argv, o, &s.in_fd, &s.out_fd, &s.err_fd);
    return s;
}

int exit_code_of(int wait_status) { return decode_status(wait_status); }

RunResult run(const std::vector<std::string>& argv, const RunOptions& o) {
    int in_fd, out_fd, err_fd;
    pid_t pid = spawn(argv, o, &in_fd, &out_fd, &err_fd);
    signal(SIGPIPE, SIG_IGN);
    if (!o.stdin_data.empty()) {
        // Small inputs only; enough for prompts in tests.
        ssize_t w = write(in_fd, o.stdin_data.data(), o.stdin_data.size());
        (void)w;
    }
    close(in_fd);
    RunResult r;
    auto deadline = Clock::now() + std::chrono::milliseconds(o.timeout_ms);
    pollfd fds[2] = {{out_fd, POLLIN, 0}, {err_fd, POLLIN, 0}};
    int open_fds = 2;
    char buf[65536];
    while (open_fds > 0) {
        int left = static_cast<int>(
            std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count());
        if (left <= 0) {
            r.timed_out = true;
            kill(-pid, SIGKILL);
            break;
        }
        if (poll(fds, 2, left) <= 0) continue;
        for (int i = 0; i < 2; ++i) {
            if (fds[i].fd < 0 || !(fds[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
            ssize_t n = read(fds[i].fd, buf, sizeof buf);
            if (n <= 0) {
                close(fds[i].fd);
                fds[i].fd = -1;
                --open_fds;
            } else {
                (i == 0 ? r.out : r.err).append(buf, static_cast<size_t>(n));
            }
        }
    }
    for (auto& f : fds)
        if (f.fd >= 0) close(f.fd);
    int status = 0;
    waitpid(pid, &status, 0);
    r.exit_code = decode_status(status);
    return r;
}

Child::Child(const std::vector<std::string>& argv, const RunOptions& o) {
    int in_fd, err_fd;
    pid_ = spawn(argv, o, &in_fd, &out_fd_, &err_fd);
    close(in_fd);
    // The child's stderr goes to ours, so server logs show up in test output.
    std::thread([err_fd] {
        char buf[4096];
        ssize_t n;
        while ((n = read(err_fd, buf, sizeof buf)) > 0) {
            ssize_t w = write(2, buf, static_cast<size_t>(n));
            (void)w;
        }
        close(err_fd);
    }).detach();
}

Child::~Child() {
    if (!reaped_) stop(SIGKILL, 5'000);
    if (out_fd_ >= 0) close(out_fd_);
}

std::optional<std::string> Child::read_line(int timeout_ms) {
    auto deadline = Clock::now() + std::chrono::milliseconds(timeout_ms);
    while (true) {
        auto nl = buffered_.find('\n');
        if (nl != std::string::npos) {
            std::string line = buffered_.substr(0, nl);
            buffered_.erase(0, nl + 1);
            return line;
        }
        int left = static_cast<int>(
            std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count());
        if (left <= 0) return std::nullopt;
        pollfd p{out_fd_, POLLIN, 0};
        if (poll(&p, 1, left) <= 0) continue;
        char buf[4096];
        ssize_t n = read(out_fd_, buf, sizeof buf);
        if (n <= 0) return std::nullopt;
        buffered_.append(buf, static_cast<size_t>(n));
    }
}

int Child::stop(int sig, int timeout_ms) {
    if (reaped_) return decode_status(status_);
    kill(pid_, sig);
    auto deadline = Clock::now() + std::chrono::milliseconds(timeout_ms);
    while (Clock::now() < deadline) {
        if (waitpid(pid_, &status_, WNOHANG) == pid_) {
            reaped_ = true;
            return decode_status(status_);
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    kill(-pid_, SIGKILL);
    kill(pid_, SIGKILL);
    waitpid(pid_, &status_, 0);
    reaped_ = true;
    return decode_status(status_);
}

RunResult latchkey(const std::vector<std::string>& args, const RunOptions& options) {
    std::vector<std::string> argv{LATCHKEY_CLI_PATH};
    argv.insert(argv.end(), args.begin(), args.end());
    return run(argv, options);
}

}  // namespace latchkey::test
