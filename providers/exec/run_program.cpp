#include "run_program.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <optional>
#include <thread>
#include <utility>

namespace latchkey::exec {

namespace {

using Clock = std::chrono::steady_clock;

std::string mode_text(mode_t mode) {
    char buf[8];
    std::snprintf(buf, sizeof buf, "%04o", static_cast<unsigned>(mode & 07777));
    return buf;
}

// Why `path` cannot be run, or "" when it can.
std::string unusable(const std::string& path) {
    struct stat st {};
    if (stat(path.c_str(), &st) != 0) return std::strerror(errno);
    if (S_ISDIR(st.st_mode)) return "it is a directory";
    if (!S_ISREG(st.st_mode)) return "it is not a regular file";
    if (access(path.c_str(), X_OK) != 0)
        return "it is not executable (mode " + mode_text(st.st_mode) + ")";
    return "";
}

// Closes a pipe end once; -1 marks it closed.
void close_fd(int& fd) {
    if (fd >= 0) close(fd);
    fd = -1;
}

struct Pipe {
    int read = -1, write = -1;
    Pipe() {
        int fds[2];
        if (pipe2(fds, O_CLOEXEC) != 0)
            throw StartError(std::string("cannot create a pipe: ") + std::strerror(errno));
        read = fds[0];
        write = fds[1];
    }
    ~Pipe() {
        close_fd(read);
        close_fd(write);
    }
    Pipe(const Pipe&) = delete;
    Pipe& operator=(const Pipe&) = delete;
};

std::vector<char*> c_strings(const std::vector<std::string>& items) {
    std::vector<char*> out;
    for (auto& s : items) out.push_back(const_cast<char*>(s.c_str()));
    out.push_back(nullptr);
    return out;
}

// posix_spawn rather than fork: latchkey may have threads (fork would copy
// their locks), and glibc reports an exec failure as the return value.
pid_t spawn(const RunSpec& spec, Pipe& out, Pipe* err) {
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    if (!spec.interactive)
        posix_spawn_file_actions_addopen(&fa, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_adddup2(&fa, out.write, STDOUT_FILENO);
    if (err) posix_spawn_file_actions_adddup2(&fa, err->write, STDERR_FILENO);
#if defined(__GLIBC__) && (__GLIBC__ > 2 || (__GLIBC__ == 2 && __GLIBC_MINOR__ >= 34))
    // Descriptors latchkey opened without O_CLOEXEC (a storage lock, say)
    // must not stay open in a program that may outlive the call.
    posix_spawn_file_actions_addclosefrom_np(&fa, 3);
#endif

    posix_spawnattr_t attr;
    posix_spawnattr_init(&attr);
    short flags = POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF;
    if (!spec.interactive) {
        flags |= POSIX_SPAWN_SETPGROUP;
        posix_spawnattr_setpgroup(&attr, 0);
    }
    posix_spawnattr_setflags(&attr, flags);
    sigset_t none, defaults;
    sigemptyset(&none);
    posix_spawnattr_setsigmask(&attr, &none);
    // An ignored signal stays ignored across exec; the program gets defaults
    // (latchkey ignores SIGPIPE, which would confuse a shell script).
    sigfillset(&defaults);
    sigdelset(&defaults, SIGKILL);
    sigdelset(&defaults, SIGSTOP);
    posix_spawnattr_setsigdefault(&attr, &defaults);

    auto argv = c_strings(spec.argv);
    auto envp = c_strings(spec.env);
    pid_t pid = -1;
    int rc = posix_spawn(&pid, spec.path.c_str(), &fa, &attr, argv.data(), envp.data());
    posix_spawn_file_actions_destroy(&fa);
    posix_spawnattr_destroy(&attr);
    if (rc != 0) {
        std::string why = rc == ENOEXEC ? "it is not a program this system can run (a script "
                                          "needs a #! line)"
                                        : std::strerror(rc);
        throw StartError("cannot run " + spec.path + ": " + why);
    }
    return pid;
}

class Runner {
 public:
    explicit Runner(const RunSpec& spec) : spec_(spec) {}
    ~Runner() {
        close_fd(fds_[0].fd);
        close_fd(fds_[1].fd);
    }
    Runner(const Runner&) = delete;
    Runner& operator=(const Runner&) = delete;

    RunOutcome run() {
        Pipe out;
        std::optional<Pipe> err;
        if (!spec_.interactive) err.emplace();
        pid_ = spawn(spec_, out, err ? &*err : nullptr);
        // Only the child writes; our copies would keep the pipes open forever.
        close_fd(out.write);
        if (err) close_fd(err->write);
        // The read ends now belong to fds_ (closed at EOF or by ~Runner).
        fds_[0] = {std::exchange(out.read, -1), POLLIN, 0};
        fds_[1] = {err ? std::exchange(err->read, -1) : -1, POLLIN, 0};
        wait_for_end();
        return std::move(outcome_);
    }

 private:
    void wait_for_end() {
        const auto deadline = Clock::now() + std::chrono::milliseconds(spec_.timeout_ms);
        std::optional<Clock::time_point> exited_at;
        for (;;) {
            if (!exited_at && reap(WNOHANG)) exited_at = Clock::now();
            bool pipes_open = fds_[0].fd >= 0 || fds_[1].fd >= 0;
            // A background child of the program may hold the pipes open long
            // after it exited; what it wrote in the first moment is enough.
            if (exited_at && (!pipes_open || Clock::now() - *exited_at > kDrainAfterExit)) return;
            if (!exited_at && Clock::now() >= deadline) return stop(RunOutcome::End::timed_out);
            if (!exited_at && spec_.cancelled && spec_.cancelled())
                return stop(RunOutcome::End::cancelled);
            poll(fds_, 2, pipes_open ? 50 : 10);
            read_ready();
            if (outcome_.out.size() > spec_.max_stdout) {
                if (!exited_at) return stop(RunOutcome::End::too_much_output);
                outcome_.end = RunOutcome::End::too_much_output;
                return;
            }
        }
    }

    void read_ready() {
        char buf[65536];
        for (int i = 0; i < 2; ++i) {
            if (fds_[i].fd < 0 || !(fds_[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
            ssize_t n = read(fds_[i].fd, buf, sizeof buf);
            if (n < 0 && (errno == EINTR || errno == EAGAIN)) continue;
            if (n <= 0) {
                close_fd(fds_[i].fd);
                continue;
            }
            std::string& to = i == 0 ? outcome_.out : outcome_.err;
            to.append(buf, static_cast<size_t>(n));
            if (i == 1 && to.size() > 2 * spec_.max_stderr_kept) {
                to.erase(0, to.size() - spec_.max_stderr_kept);
                outcome_.err_truncated = true;
            }
        }
    }

    // Collects the exit status; true once the program has ended.
    bool reap(int options) {
        int status = 0;
        pid_t r;
        do r = waitpid(pid_, &status, options);
        while (r < 0 && errno == EINTR);
        // ECHILD: a program embedding liblatchkey ignores SIGCHLD, so the
        // status is gone; the program has ended and its output decides.
        if (r < 0 && errno == ECHILD) return true;
        if (r != pid_) return false;
        if (WIFSIGNALED(status)) {
            outcome_.end = RunOutcome::End::signalled;
            outcome_.signal = WTERMSIG(status);
        } else {
            outcome_.end = RunOutcome::End::exited;
            outcome_.exit_code = WEXITSTATUS(status);
        }
        return true;
    }

    void signal_program(int sig) {
        // A program in its own group is ended with every child it started.
        if (spec_.interactive || kill(-pid_, sig) != 0) kill(pid_, sig);
    }

    void stop(RunOutcome::End why) {
        signal_program(SIGTERM);
        const auto grace_end = Clock::now() + kTermGrace;
        bool ended = false;
        while (!(ended = reap(WNOHANG)) && Clock::now() < grace_end)
            std::this_thread::sleep_for(std::chrono::milliseconds(10));
        // SIGKILL also for the group when the leader obeyed SIGTERM but a
        // child of it did not.
        if (!spec_.interactive) kill(-pid_, SIGKILL);
        if (!ended) {
            outcome_.needed_sigkill = true;
            kill(pid_, SIGKILL);
            reap(0);
        }
        outcome_.end = why;
    }

    static constexpr auto kDrainAfterExit = std::chrono::milliseconds(200);
    static constexpr auto kTermGrace = std::chrono::milliseconds(1000);

    const RunSpec& spec_;
    pid_t pid_ = -1;
    pollfd fds_[2]{{-1, 0, 0}, {-1, 0, 0}};
    RunOutcome outcome_;
};

}  // namespace

std::string resolve_program(const std::string& name, const std::string& path_var) {
    if (name.empty()) throw StartError("the command's program name is empty");
    if (name.find('/') != std::string::npos) {
        std::string path = name;
        if (path.rfind("~/", 0) == 0)
            if (const char* home = std::getenv("HOME")) path = home + path.substr(1);
        std::string why = unusable(path);
        if (!why.empty()) throw StartError("cannot run " + path + ": " + why);
        return path;
    }
    // Like execvp: the first directory holding the name wins; a non-executable
    // match is remembered for the message when nothing better turns up.
    std::string first_problem;
    size_t start = 0;
    for (;;) {
        size_t end = path_var.find(':', start);
        std::string dir = path_var.substr(start, end == std::string::npos ? end : end - start);
        std::string candidate = (dir.empty() ? "." : dir) + "/" + name;
        if (access(candidate.c_str(), F_OK) == 0) {
            std::string why = unusable(candidate);
            if (why.empty()) return candidate;
            if (first_problem.empty()) first_problem = candidate + ": " + why;
        }
        if (end == std::string::npos) break;
        start = end + 1;
    }
    if (!first_problem.empty()) throw StartError("cannot run " + first_problem);
    throw StartError("cannot run " + name + ": not found on PATH (" + path_var + ")");
}

RunOutcome run_program(const RunSpec& spec) { return Runner(spec).run(); }

}  // namespace latchkey::exec
