// `latchkey agent`: serves the policy's sites on a Unix socket until
// SIGTERM or SIGINT; SIGHUP, or a change of the policy file, reloads it.
#pragma once

#include <latchkey/host.hpp>
#include <string>

#include "http_server.hpp"

namespace latchkey::agent {

struct AgentOptions {
    std::string socket_path;  // "" = default_socket_path()
    unsigned socket_mode = 0600;
    std::string audit_file;  // "" = standard error
    Limits limits;
    size_t site_threads = 2;
    size_t site_queue = 256;
    // How often the policy file is looked at for a change (0: never).
    std::chrono::milliseconds watch_interval{1000};
};

// Returns the exit code. Prints "latchkey agent: listening on PATH" on
// standard output once it accepts connections.
int run_agent(const HostOptions& host_options, const AgentOptions& options);

}  // namespace latchkey::agent
