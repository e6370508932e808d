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

    EXPECT_EQ(token_requests(), 1);
}

TEST_F(AgentCli, HeaderLinesAndJsonComeFromTheAgentWithTheSitesExtraHeaders) {
    write_cc_policy("extra_headers = { \"X-Org\" = \"acme\", \"X-Team\" = \"ops\" }\n");
    start_agent();
    // Without the client secret: only the agent, which has it, can answer.
    std::map<std::string, std::optional<std::string>> via = {{"LATCHKEY_AGENT_SOCKET", socket_},
                                                             {kSecretVar, std::nullopt}};
    for (auto args : {std::vector<std::string>{"-v", "token"},
                      {"-v", "token", "--header"},
                      {"-v", "-o", "json", "token"}}) {
        auto served = lk(args, via);
        auto alone = lk(args, {{"LATCHKEY_AGENT", "off"}});
        ASSERT_EQ(served.exit_code, 0) << join_args(args) << ": " << served.err;
        EXPECT_NE(served.err.find("served by the agent"), std::string::npos) << served.err;
        EXPECT_EQ(served.out, alone.out) << join_args(args);
    }
    auto lines = lk({"token", "--header"}, via).out;
    EXPECT_NE(lines.find("\nX-Org: acme\nX-Team: ops\n"), std::string::npos) << lines;
    token_like(first_line(lines).substr(std::string("Authorization: Bearer ").size()));
    auto api = curl("/v1/header?site=dev");
    ASSERT_EQ(api.status, 200) << api.body;
    EXPECT_NE(api.body.find(R"("extra_headers":["X-Org: acme","X-Team: ops"])"), std::string::npos)
        << api.body;
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
    auto st = run_cli({"--config", other_policy, "status"}, via);
    EXPECT_NE(
        st.out.find("agent: one at " + socket_ + " serves another policy; each run works alone"),
        std::string::npos)
        << st.out;
}

}  // namespace
}  // namespace latchkey::itest

namespace latchkey::itest {
namespace {

// The credential helpers, `exec` and `git`'s erase through a running agent.
class AgentBridges : public AgentTest {
 protected:
    AgentBridges() {
        token_like(kAwsSecretKey);
        aws_program_ = sandbox_.write(
            "aws-creds.sh",
            "#!/bin/sh\necho '{\"Version\": 1, \"AccessKeyId\": \"AKIAAGENTBRIDGES01\", "
            "\"SecretAccessKey\": \"" +
                kAwsSecretKey + "\", \"Expiration\": \"2099-01-01T00:00:00Z\"}'\n",
            0700);
    }

    void write_bridge_policy() {
        write_policy("default_site = \"dev\"\n" +
                     cc_site("dev",
                             "url_patterns = [\"https://forge.example/org/*\"]\n"
                             "token_username = \"oauth2\"\n") +
                     "[sites.aws]\nprovider = \"exec\"\ncommand = [\"" + aws_program_ + "\"]\n");
    }

    // The password of a `git-credential get` answer.
    static std::string password_of(const std::string& answer) {
        auto at = answer.find("password=");
        if (at == std::string::npos) return "";
        at += 9;
        return answer.substr(at, answer.find('\n', at) - at);
    }

    const std::string kAwsSecretKey = "aws-secret-AgentBridges-91c";
    const std::string git_request_ = "protocol=https\nhost=forge.example\npath=org/repo.git\n";
    // Without the client secret a run can only get a token from the agent.
    std::map<std::string, std::optional<std::string>> via_ = {{"LATCHKEY_AGENT_SOCKET", socket_},
                                                              {kSecretVar, std::nullopt}};
    std::string aws_program_;
};

TEST_F(AgentBridges, EachHelperAsksTheAgentAndAnswersAsItWouldAlone) {
    write_bridge_policy();
    start_agent();
    struct Call {
        std::vector<std::string> args;
        std::string in;
        std::map<std::string, std::optional<std::string>> env;
    };
    std::vector<Call> calls = {
        {{"git-credential", "get"}, git_request_ + "\n", {}},
        {{"docker-credential", "get"}, "https://forge.example/org/registry\n", {}},
        {{"kube-credential"},
         "",
         {{"KUBERNETES_EXEC_INFO",
           R"({"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential",)"
           R"("spec":{"cluster":{"server":"https://forge.example/org/k8s"}}})"}}},
        {{"--at", "aws", "aws-credential"}, "", {}},
        // The program prints a digest of what it was given, not the token.
        {{"exec", "--env", "T", "--header-env", "H", "--", "/bin/sh", "-c",
          "printf '%s|%s' \"$T\" \"$H\" | sha256sum"},
         "",
         {}}};
    for (auto& call : calls) {
        std::vector<std::string> args = {"-v"};
        args.insert(args.end(), call.args.begin(), call.args.end());
        auto served_env = via_, alone_env = call.env;
        for (auto& [k, v] : call.env) served_env[k] = v;
        alone_env["LATCHKEY_AGENT"] = "off";
        auto served = lk_in(args, call.in, served_env);
        auto alone = lk_in(args, call.in, alone_env);
        EXPECT_EQ(served.exit_code, 0) << join_args(args) << ": " << served.err;
        EXPECT_EQ(served.exit_code, alone.exit_code) << join_args(args);
        EXPECT_NE(served.err.find("served by the agent at " + socket_), std::string::npos)
            << join_args(args) << ": " << served.err;
        EXPECT_EQ(served.out, alone.out) << join_args(args);
        EXPECT_FALSE(served.out.empty()) << join_args(args);
    }
    auto git = lk_in({"git-credential", "get"}, git_request_ + "\n", via_);
    EXPECT_EQ(git.out.rfind("username=oauth2\npassword=", 0), 0u) << git.out;
    token_like(password_of(git.out));
    EXPECT_EQ(whoami("Authorization: Bearer " + password_of(git.out)).status, 200);
    EXPECT_EQ(token_requests(), 1);
}

TEST_F(AgentBridges, AnEraseReachesTheAgentSoTheNextGetHasANewToken) {
    write_bridge_policy();
    start_agent();
    auto get = [&] {
        auto r = lk_in({"git-credential", "get"}, git_request_ + "\n", via_);
        EXPECT_EQ(r.exit_code, 0) << r.err;
        token_like(password_of(r.out));
        return password_of(r.out);
    };
    std::string first = get();
    ASSERT_FALSE(first.empty());
    // git's answer to a 401: the agent, which holds the token in memory, forgets it.
    auto erase =
        lk_in({"-v", "git-credential", "erase"}, git_request_ + "password=" + first + "\n\n", via_);
    EXPECT_EQ(erase.exit_code, 0) << erase.err;
    EXPECT_NE(erase.err.find("served by the agent"), std::string::npos) << erase.err;
    std::string second = get();
    EXPECT_NE(second, first);
    EXPECT_EQ(token_requests(), 2);
    EXPECT_NE(audit().find("site=dev decision=invalidated"), std::string::npos) << audit();

    // `docker logout`: the same through the agent.
    auto logout =
        lk_in({"docker-credential", "erase"}, "https://forge.example/org/registry\n", via_);
    EXPECT_EQ(logout.exit_code, 0) << logout.out << logout.err;
    EXPECT_NE(get(), second);
    EXPECT_EQ(token_requests(), 3);
}

TEST_F(AgentBridges, HelpersWorkAloneAtOnceWhenTheAgentIsKilledOrMayNotServeThem) {
    write_bridge_policy();
    start_agent();
    std::map<std::string, std::optional<std::string>> with_secret = {
        {"LATCHKEY_AGENT_SOCKET", socket_}};
    auto served = lk_in({"-v", "git-credential", "get"}, git_request_ + "\n", with_secret);
    ASSERT_EQ(served.exit_code, 0) << served.err;
    EXPECT_NE(served.err.find("served by the agent"), std::string::npos) << served.err;
    token_like(password_of(served.out));

    // --set: the agent would resolve the site its own way, so this run does not ask.
    auto set = lk_in({"-v", "--set", "timeout=7s", "git-credential", "get"}, git_request_ + "\n",
                     with_secret);
    EXPECT_EQ(set.exit_code, 0) << set.err;
    EXPECT_EQ(set.err.find("served by the agent"), std::string::npos) << set.err;
    EXPECT_EQ(set.out, served.out);

    stop_agent(SIGKILL);
    auto alone = lk_in({"-v", "git-credential", "get"}, git_request_ + "\n", with_secret);
    ASSERT_EQ(alone.exit_code, 0) << alone.err;
    EXPECT_EQ(alone.out, served.out);  // the stored token, not a new one
    EXPECT_NE(alone.err.find("working alone (no agent answers)"), std::string::npos) << alone.err;
    EXPECT_EQ(token_requests(), 1);
}

}  // namespace
}  // namespace latchkey::itest
