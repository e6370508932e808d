// A `latchkey login` the test talks to as the person at the terminal would:
// it reads what latchkey shows on standard error (the address to open, the
// prompt) and types an answer on standard input, which is a pipe.
#pragma once

#include <sys/types.h>

#include <optional>
#include <string>
#include <vector>

#include "process.hpp"

namespace latchkey::itest {

class InteractiveRun {
 public:
    // Starts `argv` with the environment and directory of `options`
    // (its stdin_data and timeout are not used).
    InteractiveRun(const std::vector<std::string>& argv, const test::RunOptions& options);
    ~InteractiveRun();
    InteractiveRun(const InteractiveRun&) = delete;
    InteractiveRun& operator=(const InteractiveRun&) = delete;

    // Standard error so far, once it contains `marker`; nullopt when the
    // process ends or `timeout_ms` passes first.
    std::optional<std::string> wait_for_stderr(const std::string& marker, int timeout_ms);
    // Sends SIGINT, as Ctrl-C at the terminal does.
    void interrupt();
    // Types `line` and a newline, then closes standard input.
    void type_line(const std::string& line);
    // Waits for the end (killing the process after `timeout_ms`) and returns
    // everything it printed.
    test::RunResult finish(int timeout_ms);

 private:
    // Reads what is available on stdout/stderr for up to `wait_ms`; false at EOF on both.
    bool pump(int wait_ms);

    pid_t pid_ = -1;
    int in_fd_ = -1, out_fd_ = -1, err_fd_ = -1;
    test::RunResult result_;
    bool finished_ = false;
};

}  // namespace latchkey::itest
