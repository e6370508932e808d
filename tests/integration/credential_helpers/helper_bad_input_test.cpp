// What each helper answers to a request it cannot serve: git prints nothing,
// docker prints its not-found line (exit 1), kubectl gets one line on
// standard error and a non-zero exit; nothing waits for ever, and no token
// or secret reaches standard error.
#include <poll.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>

#include "helper_fixture.hpp"

namespace latchkey::itest {
namespace {

class HelperBadInput : public HelperTest {
 protected:
    RunResult git_helper(const std::string& op, const std::string& input,
                         const std::map<std::string, std::optional<std::string>>& env = {}) {
        return tool({bin_dir() + "/git-credential-latchkey", op}, env, input);
    }
    RunResult docker_helper(const std::string& action, const std::string& input,
                            const std::map<std::string, std::optional<std::string>>& env = {}) {
        return tool({bin_dir() + "/docker-credential-latchkey", action}, env, input);
    }
    // No policy anywhere: no LATCHKEY_CONFIG and nothing under XDG_CONFIG_HOME.
    const std::map<std::string, std::optional<std::string>> no_policy_{
        {"LATCHKEY_CONFIG", std::nullopt}};
    RunResult kube(const std::string& exec_info, const std::vector<std::string>& global = {}) {
        std::vector<std::string> argv{bin_dir() + "/latchkey"};
        argv.insert(argv.end(), global.begin(), global.end());
        argv.push_back("kube-credential");
        return tool(argv, {{"KUBERNETES_EXEC_INFO", exec_info}});
    }
    void write_forge_policy() {
        write_policy(site("forge", "url_patterns = [\"https://git.example.com/org/*\"]"));
    }
};

TEST_F(HelperBadInput, GitGetForAServerWithoutASitePrintsNothing) {
    write_forge_policy();
    auto r = git_helper("get", "protocol=https\nhost=elsewhere.example.com\npath=org/x.git\n\n");
    EXPECT_EQ(r.exit_code, 0);
    EXPECT_EQ(r.out, "");
    EXPECT_EQ(r.err, "");
    EXPECT_EQ(issued(), 0);
}

TEST_F(HelperBadInput, GitGetWithoutAPolicyPrintsNothing) {
    auto r =
        git_helper("get", "protocol=https\nhost=git.example.com\npath=org/x.git\n\n", no_policy_);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(r.out, "");
}

TEST_F(HelperBadInput, GitGetAnswersWithUsernamePasswordAndExpiryIgnoringUnknownKeys) {
    write_policy(site("forge",
                      "url_patterns = [\"https://git.example.com/org/*\"]\n"
                      "token_username = \"oauth2\""));
    auto r = git_helper("get",
                        "capability[]=authtype\nprotocol=https\nhost=git.example.com\n"
                        "path=org/x.git\nwwwauth[]=Basic realm=\"x\"\nfuture_key=1\n\n");
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(r.out.rfind("username=oauth2\npassword=", 0), 0u) << r.out;
    auto pw_at = r.out.find("password=") + 9;
    std::string token = r.out.substr(pw_at, r.out.find('\n', pw_at) - pw_at);
    EXPECT_EQ(whoami_status(token), 200);
    auto expiry_at = r.out.find("password_expiry_utc=");
    ASSERT_NE(expiry_at, std::string::npos) << r.out;
    long long expiry = std::stoll(r.out.substr(expiry_at + 20));
    long long now = std::chrono::duration_cast<std::chrono::seconds>(
                        std::chrono::system_clock::now().time_since_epoch())
                        .count();
    EXPECT_GT(expiry, now + 3000);
    EXPECT_LE(expiry, now + 3601);
    // The same request through `url=`.
    auto by_url = git_helper("get", "url=https://git.example.com/org/x.git\n");
    EXPECT_EQ(by_url.out, r.out);
}

TEST_F(HelperBadInput, GitMalformedOversizedAndUnknownRequestsPrintNothing) {
    write_forge_policy();
    auto malformed = git_helper("get", "protocol=https\nthis line has no equals sign\n\n");
    EXPECT_EQ(malformed.out, "");
    EXPECT_NE(malformed.err.find("not key=value"), std::string::npos) << malformed.err;
    std::string huge = "protocol=https\nhost=git.example.com\npath=org/x.git\nnote=" +
                       std::string(200 * 1024, 'x') + "\n\n";
    auto oversized = git_helper("get", huge);
    EXPECT_EQ(oversized.out, "");
    EXPECT_NE(oversized.err.find("longer than 64 KiB"), std::string::npos) << oversized.err;
    auto unknown = git_helper("frobnicate", "protocol=https\nhost=git.example.com\n\n");
    EXPECT_EQ(unknown.exit_code, 0);
    EXPECT_EQ(unknown.out, "");
    auto store = git_helper("store",
                            "protocol=https\nhost=git.example.com\npath=org/x.git\n"
                            "username=x\npassword=pw-Integ-0a1\n\n");
    EXPECT_EQ(store.exit_code, 0);
    EXPECT_EQ(store.out, "");
    EXPECT_EQ(issued(), 0);
}

TEST_F(HelperBadInput, GitEraseDropsOnlyTheRefusedToken) {
    write_forge_policy();
    const std::string request = "protocol=https\nhost=git.example.com\npath=org/x.git\n";
    auto first = git_helper("get", request + "\n");
    auto pw_at = first.out.find("password=") + 9;
    std::string token = first.out.substr(pw_at, first.out.find('\n', pw_at) - pw_at);
    // A stale erase (another token) keeps the current one.
    git_helper("erase", request + "username=x-access-token\npassword=dev-at-stale\n\n");
    EXPECT_EQ(git_helper("get", request + "\n").out, first.out);
    EXPECT_EQ(issued(), 1);
    git_helper("erase", request + "username=x-access-token\npassword=" + token + "\n\n");
    auto after = git_helper("get", request + "\n");
    EXPECT_NE(after.out, first.out);
    EXPECT_EQ(issued(), 2);
}

TEST_F(HelperBadInput, AHelperWhoseCallerNeverEndsTheRequestGivesUp) {
    write_forge_policy();
    RunOptions o = options({{"LATCHKEY_CONFIG", policy()}});
    auto child = test::spawn_piped({bin_dir() + "/git-credential-latchkey", "get"}, o);
    // Standard input stays open and silent.
    auto started = std::chrono::steady_clock::now();
    pollfd p{child.err_fd, POLLIN, 0};
    ASSERT_EQ(poll(&p, 1, 20'000), 1) << "no answer within 20 s";
    int status = 0;
    waitpid(child.pid, &status, 0);
    auto took = std::chrono::steady_clock::now() - started;
    char buf[512] = {};
    ssize_t n = read(child.err_fd, buf, sizeof buf - 1);
    std::string err(buf, n > 0 ? static_cast<size_t>(n) : 0);
    close(child.in_fd);
    close(child.out_fd);
    close(child.err_fd);
    EXPECT_NE(err.find("did not end within"), std::string::npos) << err;
    EXPECT_LT(took, std::chrono::seconds(10));
}

TEST_F(HelperBadInput, DockerAnswersEveryBadRequestInItsProtocol) {
    write_policy(site("registry", "url_patterns = [\"registry.example.com\"]"));
    EXPECT_EQ(docker_helper("get", "other.example.com\n").out,
              "credentials not found in native keychain\n");
    auto empty = docker_helper("get", "\n");
    EXPECT_EQ(empty.exit_code, 1);
    EXPECT_EQ(empty.out, "latchkey: no credentials server URL\n");
    auto huge = docker_helper("get", std::string(100 * 1024, 'r'));
    EXPECT_EQ(huge.exit_code, 1);
    EXPECT_NE(huge.out.find("longer than 64 KiB"), std::string::npos) << huge.out;
    auto unknown = docker_helper("frobnicate", "");
    EXPECT_EQ(unknown.exit_code, 1);
    EXPECT_EQ(unknown.out, "Unknown credential action `frobnicate`\n");
    auto bad_store = docker_helper("store", "{not json");
    EXPECT_EQ(bad_store.exit_code, 1);
    EXPECT_EQ(issued(), 0);
    auto no_policy = docker_helper("get", "registry.example.com\n", no_policy_);
    EXPECT_EQ(no_policy.exit_code, 1);
    EXPECT_EQ(no_policy.out, "credentials not found in native keychain\n");
}

TEST_F(HelperBadInput, KubeCredentialRefusesAMalformedOrUnknownExecInfoOnOneLine) {
    write_policy(site("cluster", ""));
    auto malformed = kube("{\"apiVersion\": ");
    EXPECT_EQ(malformed.exit_code, 2);
    EXPECT_EQ(malformed.out, "");
    EXPECT_EQ(malformed.err.rfind("latchkey: KUBERNETES_EXEC_INFO is not JSON", 0), 0u)
        << malformed.err;
    auto future =
        kube("{\"apiVersion\":\"client.authentication.k8s.io/v2\",\"kind\":\"ExecCredential\"}");
    EXPECT_EQ(future.exit_code, 2);
    EXPECT_NE(future.err.find("asks for client.authentication.k8s.io/v2"), std::string::npos)
        << future.err;
    auto unknown_site = kube("", {"--at", "nosuch"});
    EXPECT_NE(unknown_site.exit_code, 0);
    EXPECT_NE(unknown_site.err.find("nosuch"), std::string::npos);
    EXPECT_EQ(issued(), 0);
    // v1beta1 when kubectl says nothing.
    auto plain = kube("");
    ASSERT_EQ(plain.exit_code, 0) << plain.err;
    auto doc = parse_json(plain.out);
    EXPECT_EQ(json_string(doc, "apiVersion"), "client.authentication.k8s.io/v1beta1");
    EXPECT_EQ(json_string(doc, "kind"), "ExecCredential");
    EXPECT_EQ(whoami_status(json_string(doc["status"], "token")), 200);
}

TEST_F(HelperBadInput, AMalformedUrlPatternIsNamedAtItsPlaceInThePolicy) {
    write_policy(site("forge", "url_patterns = [\"https://\"]"));
    auto check = lk({"config", "check"});
    EXPECT_NE(check.exit_code, 0);
    EXPECT_NE(check.err.find("policy.toml:6:17: url_patterns"), std::string::npos) << check.err;
    EXPECT_NE((check.out + check.err).find("url_patterns: \"https://\" names no host"),
              std::string::npos)
        << check.out << check.err;
}

}  // namespace
}  // namespace latchkey::itest
