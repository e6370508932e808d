// A running `latchkey agent` for a test: started on a socket in the
// sandbox, its audit lines in a file there, stopped with the test.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "cli_test.hpp"

namespace latchkey::itest {

// What curl saw: the HTTP status and the body.
struct CurlResult {
    int status = 0;
    std::string body;
    std::string err;
};

class AgentTest : public DevServerTest {
 protected:
    AgentTest();
    ~AgentTest() override;

    // Starts `latchkey --config POLICY agent --socket S --audit-file A ARGS`
    // and waits for its "listening" line.
    void start_agent(const std::vector<std::string>& args = {});
    // SIGTERM (or `signal`), and the exit code.
    int stop_agent(int signal = 15);
    pid_t agent_pid() const { return agent_->pid(); }

    // curl --unix-socket SOCKET http://agent/TARGET, with extra curl arguments.
    CurlResult curl(const std::string& target, const std::vector<std::string>& extra = {});
    // Sends `bytes` on a fresh connection and returns what comes back
    // before the agent closes it or `timeout_ms` passes.
    std::string raw(const std::string& bytes, int timeout_ms = 5000);
    // The audit file's text.
    std::string audit() const;
    // `latchkey --config POLICY ARGS` with `stdin_data` on standard input
    // (the credential helpers' requests), recorded for the secret check.
    RunResult lk_in(const std::vector<std::string>& args, const std::string& stdin_data,
                    const std::map<std::string, std::optional<std::string>>& extra_env = {});

    std::string socket_;
    std::string audit_file_;
    std::unique_ptr<test::Child> agent_;
};

}  // namespace latchkey::itest
