// The front door (host/front): `latchkey token` answered by the small
// static program itself when an agent serves the token, every other
// command line handed to the full program, and what each prints the same.
// The agent's audit line names the process that asked: bin/latchkey for
// the front door, libexec/latchkey/latchkey for the program.
#include <signal.h>

#include <thread>

#include "agent_fixture.hpp"

namespace latchkey::itest {
namespace {

using AgentFront = AgentTest;

// The executable the agent's last audit line names.
std::string last_caller(const std::string& audit) {
    auto at = audit.rfind(" exe=");
    if (at == std::string::npos) return "";
    at += 5;
    return audit.substr(at, audit.find_first_of(" \n", at) - at);
}

const std::string kFront = std::string(LATCHKEY_BUILD_DIR) + "/bin/latchkey";
const std::string kProgram = std::string(LATCHKEY_BUILD_DIR) + "/libexec/latchkey/latchkey";

TEST_F(AgentFront, TokenIsAnsweredByTheFrontDoorAndEverythingElseByTheProgram) {
    write_cc_policy();
    start_agent();
    // Without the client secret: only the agent, which has it, can answer.
    std::map<std::string, std::optional<std::string>> via = {{"LATCHKEY_AGENT_SOCKET", socket_},
                                                             {kSecretVar, std::nullopt}};
    struct Line {
        std::vector<std::string> args;
        std::string answered_by;
    };
    const std::vector<Line> lines = {
        {{"token"}, kFront},
        {{"--at", "dev", "token"}, kFront},
        {{"--at=dev", "token", "--min-valid=1m"}, kFront},
        {{"token", "--min-valid", "10m"}, kFront},
        {{"token", "--header"}, kProgram},
        {{"-v", "token"}, kProgram},
        {{"-o", "json", "token"}, kProgram},
        {{"--at", "dev", "token", "--min-valid", "1m", "--min-valid", "2m"}, kProgram},
    };
    for (const auto& line : lines) {
        auto served = lk(line.args, via);
        auto alone = lk(line.args, {{"LATCHKEY_AGENT", "off"}});
        EXPECT_EQ(served.exit_code, alone.exit_code) << join_args(line.args) << ": " << served.err;
        EXPECT_EQ(served.out, alone.out) << join_args(line.args);
        EXPECT_EQ(last_caller(audit()), line.answered_by) << join_args(line.args);
    }
    // The repeated flag is the program's usage error, whoever is asked.
    EXPECT_EQ(lk({"token", "--min-valid", "1m", "--min-valid", "2m"}, via).exit_code, 2);
    EXPECT_EQ(token_requests(), 1);
}

TEST_F(AgentFront, AnAnswerOtherThanATokenIsTheProgramsToGive) {
    write_cc_policy();
    start_agent();
    std::map<std::string, std::optional<std::string>> via = {{"LATCHKEY_AGENT_SOCKET", socket_}};
    // The agent knows no such site: the program says so as it would alone.
    auto served = lk({"--at", "nosuch", "token"}, via);
    auto alone = lk({"--at", "nosuch", "token"}, {{"LATCHKEY_AGENT", "off"}});
    EXPECT_EQ(served.exit_code, 1) << served.err;
    EXPECT_EQ(alone.exit_code, 1) << alone.err;
    EXPECT_EQ(served.err, alone.err);
    EXPECT_NE(served.err.find("unknown site 'nosuch'"), std::string::npos) << served.err;
    EXPECT_EQ(served.out, "");
}

TEST_F(AgentFront, AStoppedAgentCostsOneTimeoutNotTwo) {
    write_cc_policy();
    start_agent();
    std::map<std::string, std::optional<std::string>> via = {{"LATCHKEY_AGENT_SOCKET", socket_}};
    auto first = lk({"token"}, via);
    ASSERT_EQ(first.exit_code, 0) << first.err;
    const std::string before = audit();
    // A stopped agent still takes connections (the kernel queues them) and
    // answers none: the front door waits its timeout, then the program
    // works alone without asking again.
    ASSERT_EQ(kill(agent_pid(), SIGSTOP), 0);
    auto alone = lk({"token"}, via, 50'000);  // the timeout is 30 s
    ASSERT_EQ(kill(agent_pid(), SIGCONT), 0);
    EXPECT_EQ(alone.exit_code, 0) << alone.err;
    EXPECT_EQ(alone.out, first.out);
    // Once resumed, the agent reads every request that was queued: one.
    for (int i = 0; i < 100 && audit().size() == before.size(); ++i)
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    const std::string queued = audit().substr(before.size());
    size_t requests = 0;
    for (size_t at = queued.find("endpoint=/v1/token"); at != std::string::npos;
         at = queued.find("endpoint=/v1/token", at + 1))
        ++requests;
    EXPECT_EQ(requests, 1u) << queued;
}

}  // namespace
}  // namespace latchkey::itest
