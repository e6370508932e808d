// `latchkey token` and `latchkey status` with an agent running, killed,
// and absent: the same output, and status says who served.
#include <signal.h>

#include <thread>

#include "agent_fixture.hpp"

namespace latchkey::itest {
namespace {

using AgentCli = AgentTest;

TEST_F(AgentCli, TokenAsksTheAgentAndPrintsWhatItWouldAlone) {
    write_cc_policy();
    start_agent();
    std::map<std::string, std::optional<std::string>> via = {{"LATCHKEY_AGENT_SOCKET", socket_}};
    auto r = lk({"-v", "token"}, via);
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.err.find("served by the agent at " + socket_), std::string::npos) << r.err;
    token_like(first_line(r.out));
    EXPECT_NE(audit().find("decision=served"), std::string::npos);

    for (auto args :
         {std::vector<std::string>{"token"}, {"token", "--header"}, {"-o", "json", "token"}}) {
        auto served = lk(args, via);
        auto alone = lk(args, {{"LATCHKEY_AGENT", "off"}});
        ASSERT_EQ(served.exit_code, 0) << served.err;
        EXPECT_EQ(served.out, alone.out) << join_args(args);
    }
    EXPECT_EQ(token_requests(), 1);

    auto st = lk({"status"}, via);
    EXPECT_NE(st.out.find("agent: pid " + std::to_string(agent_pid()) + " at " + socket_ +
                          " serves this policy"),
              std::string::npos)
        << st.out;
}

TEST_F(AgentCli, MinValidGetsALongerLivedCredentialThroughTheAgentAndAlone) {
    write_cc_policy();
    start_agent();
    std::map<std::string, std::optional<std::string>> via = {{"LATCHKEY_AGENT_SOCKET", socket_}};
    auto first = lk({"token"}, via);
    auto fetched = std::chrono::steady_clock::now();
    ASSERT_EQ(first.exit_code, 0) << first.err;
    token_like(first_line(first.out));
    auto same = lk({"-v", "token", "--min-valid", "10m"}, via);
    EXPECT_EQ(same.out, first.out);
    EXPECT_NE(same.err.find("served by the agent"), std::string::npos) << same.err;
    EXPECT_EQ(token_requests(), 1);

    // All but the last 500 ms of the token's hour, once 700 ms have passed.
    std::this_thread::sleep_until(fetched + std::chrono::milliseconds(700));
    auto served = lk({"token", "--min-valid", "3599500ms"}, via);
    ASSERT_EQ(served.exit_code, 0) << served.err;
    token_like(first_line(served.out));
    EXPECT_NE(served.out, first.out);
    EXPECT_EQ(token_requests(), 2);
    fetched = std::chrono::steady_clock::now();
    std::this_thread::sleep_until(fetched + std::chrono::milliseconds(700));
    auto alone = lk({"token", "--min-valid", "3599500ms"}, {{"LATCHKEY_AGENT", "off"}});
    ASSERT_EQ(alone.exit_code, 0) << alone.err;
    token_like(first_line(alone.out));
    EXPECT_NE(alone.out, served.out);
    EXPECT_EQ(token_requests(), 3);

    auto bad = lk({"token", "--min-valid", "soon"}, via);
    EXPECT_EQ(bad.exit_code, 2);
    EXPECT_NE(bad.err.find("--min-valid: expected a duration such as 10m"), std::string::npos);
}

TEST_F(AgentCli, AKilledAgentLosesNothingAndTheNextRunWorksAlone) {
    write_cc_policy();
    start_agent();
    std::map<std::string, std::optional<std::string>> via = {{"LATCHKEY_AGENT_SOCKET", socket_}};
    auto served = lk({"token"}, via);
    ASSERT_EQ(served.exit_code, 0) << served.err;
    token_like(first_line(served.out));
    stop_agent(SIGKILL);

    auto alone = lk({"-v", "token"}, via);
    ASSERT_EQ(alone.exit_code, 0) << alone.err;
    EXPECT_EQ(alone.out, served.out);  // the stored credential, not a new one
    EXPECT_NE(alone.err.find("working alone (no agent answers)"), std::string::npos) << alone.err;
    EXPECT_EQ(token_requests(), 1);
    auto st = lk({"status"}, via);
    EXPECT_NE(st.out.find("agent: none (each run reads the store itself)"), std::string::npos)
        << st.out;

    // A new agent replaces the socket the killed one left.
    start_agent();
    EXPECT_NE(lk({"-v", "token"}, via).err.find("served by the agent"), std::string::npos);
}

TEST_F(AgentCli, TheAgentsErrorsAreTheProgramsErrors) {
    // A site that needs a login: exit 3 and the same message either way.
    write_policy(cc_site("dev") +
                 "[sites.dev2]\nprovider = \"oauth2-device-code\"\n"
                 "token_url = \"" +
                 server_.token_url() +
                 "\"\n"
                 "device_authorization_url = \"" +
                 server_.url() + "/oauth2/device_authorization\"\nclient_id = \"demo\"\n");
    start_agent();
    std::map<std::string, std::optional<std::string>> via = {{"LATCHKEY_AGENT_SOCKET", socket_}};
    auto served = lk({"-v", "--at", "dev2", "token"}, via);
    auto alone = lk({"--at", "dev2", "token"}, {{"LATCHKEY_AGENT", "off"}});
    EXPECT_EQ(served.exit_code, 3) << served.err;
    EXPECT_EQ(alone.exit_code, 3) << alone.err;
    EXPECT_NE(served.err.find("served by the agent"), std::string::npos) << served.err;
    EXPECT_NE(served.err.find(first_line(alone.err)), std::string::npos) << served.err;

    // A policy other than the agent's: the program works alone.
    auto other = test::TempDir();
    std::string other_policy = other.write("p.toml", cc_site("dev"));
    auto r = run_cli({"--config", other_policy, "-v", "token"}, via);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.err.find("working alone (the agent declined (policy_mismatch)"), std::string::npos)
        << r.err;
    token_like(first_line(r.out));
}

}  // namespace
}  // namespace latchkey::itest
