// Runs one external program with a deadline and bounded output: the
// mechanics under the exec provider, free of any credential format.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <stdexcept>
#include <string>
#include <vector>

namespace latchkey::exec {

// The program could not be started; the message names its path.
class StartError : public std::runtime_error {
 public:
    using std::runtime_error::runtime_error;
};

// The executable `name` stands for: itself when it holds a '/' ("~/" is the
// home directory), else the first match on `path_var` (a PATH value).
// Throws StartError when there is none, or it is not an executable file.
std::string resolve_program(const std::string& name, const std::string& path_var);

struct RunSpec {
    std::string path;               // from resolve_program
    std::vector<std::string> argv;  // argv[0] included
    std::vector<std::string> env;   // "NAME=value", the whole environment
    int64_t timeout_ms = 10'000;
    // false: stdin is /dev/null, stderr is captured, and the program leads a
    // process group of its own so a timeout ends its children too.
    // true: it shares latchkey's standard input, standard error and process
    // group (it talks to the person, and the terminal must see it as foreground).
    bool interactive = false;
    size_t max_stdout = 1 << 20;        // more than this ends the program
    size_t max_stderr_kept = 64 << 10;  // the tail is kept, the rest drained
    // Polled while waiting; true ends the program (Ctrl-C in latchkey).
    std::function<bool()> cancelled;
};

struct RunOutcome {
    enum class End { exited, signalled, timed_out, too_much_output, cancelled };
    End end = End::exited;
    int exit_code = 0;  // with End::exited
    int signal = 0;     // with End::signalled
    std::string out;
    std::string err;  // the tail, when there was more than max_stderr_kept
    bool err_truncated = false;
    bool needed_sigkill = false;  // it outlived SIGTERM's grace period
};

// Starts the program and waits for it. On a deadline, too much output or
// cancellation, sends SIGTERM, then SIGKILL if it has not ended a second
// later (to its whole process group unless interactive). Throws StartError
// when it cannot be started.
RunOutcome run_program(const RunSpec& spec);

}  // namespace latchkey::exec
