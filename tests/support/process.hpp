// Running real processes from tests: the latchkey CLI, the dev server,
// several copies of a client at once. Every wait is bounded.
#pragma once

#include <sys/types.h>

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace latchkey::test {

struct RunOptions {
    // Variables to set (or, with an empty optional, to remove) on top of the
    // test's own environment.
    std::map<std::string, std::optional<std::string>> env;
    std::string cwd;
    std::string stdin_data;  // standard input is this, then EOF
    int timeout_ms = 30'000;
};

struct RunResult {
    int exit_code = -1;  // 128+N when killed by signal N
    std::string out;
    std::string err;
    bool timed_out = false;
};

RunResult run(const std::vector<std::string>& argv, const RunOptions& options = {});

// A background process whose first stdout line can be read (servers print
// their URL there). Killed, if still running, when destroyed.
class Child {
 public:
    Child(const std::vector<std::string>& argv, const RunOptions& options = {});
    ~Child();
    Child(const Child&) = delete;
    Child& operator=(const Child&) = delete;

    // One line of standard output, or nullopt after `timeout_ms`.
    std::optional<std::string> read_line(int timeout_ms);
    // Sends `signal` and waits (bounded); returns the exit code.
    int stop(int signal = 15, int timeout_ms = 10'000);
    pid_t pid() const { return pid_; }

 private:
    pid_t pid_ = -1;
    int out_fd_ = -1;
    std::string buffered_;
    bool reaped_ = false;
    int status_ = 0;
};

// Starts `argv` (environment and directory from `options`; its stdin_data and
// timeout are not used) with its three standard streams on pipes, for tests
// that drive the process themselves. The caller owns the three descriptors
// and must reap `pid` with waitpid.
struct Spawned {
    pid_t pid = -1;
    int in_fd = -1, out_fd = -1, err_fd = -1;
};
Spawned spawn_piped(const std::vector<std::string>& argv, const RunOptions& options = {});
// The exit code RunResult reports for a waitpid status (128+N for signal N).
int exit_code_of(int wait_status);

// The latchkey binary of this build, with the given arguments.
RunResult latchkey(const std::vector<std::string>& args, const RunOptions& options = {});

}  // namespace latchkey::test
