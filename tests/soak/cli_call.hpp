// One `latchkey` run as a soak caller sees it: when it started, when its
// answer (the first line of standard output) arrived, how it ended. Bounded:
// a run that takes longer than the timeout is killed and reported as hung.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace soak {

struct CliCall {
    int64_t started_us = 0;
    int64_t answered_us = 0;  // first line of stdout complete (0 if none)
    int64_t ended_us = 0;     // reaped
    int exit_code = -1;       // 128+N when killed by signal N
    bool hung = false;
    std::string out;          // first line of stdout
};

// The environment every run gets: ours without any LATCHKEY_* variable,
// with `overrides` set on top.
std::vector<std::string> environment_with(const std::map<std::string, std::string>& overrides);

// Runs `argv` with `env`; standard error goes to `err_path` (truncated).
CliCall run_cli(const std::vector<std::string>& argv, const std::vector<std::string>& env,
                const std::string& err_path, int timeout_ms);

// The first line of `path` (the failure's message), shortened.
std::string first_line_of(const std::string& path);

}  // namespace soak
