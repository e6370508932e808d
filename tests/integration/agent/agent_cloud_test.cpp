// The AWS container credentials endpoint, read by Debian's awscli itself.
#include <sstream>

#include "agent_fixture.hpp"

namespace latchkey::itest {
namespace {

using AgentCloud = AgentTest;

const std::string kKeyId = "AKIAAGENTTEST4F7Q";
const std::string kSecretKey = "aws-Secret-Agent-9c2e71";
const std::string kSession = "aws-Session-Agent-13b0";

// A site whose exec program prints an AWS credential_process answer.
std::string aws_site(const test::TempDir& sandbox) {
    std::string doc = "{\"Version\": 1, \"AccessKeyId\": \"" + kKeyId +
                      "\", \"SecretAccessKey\": \"" + kSecretKey + "\", \"SessionToken\": \"" +
                      kSession + "\", \"Expiration\": \"2099-01-01T00:00:00Z\"}";
    std::string program = sandbox.write("aws-creds.sh", "#!/bin/sh\necho '" + doc + "'\n", 0700);
    return "[sites.aws]\nprovider = \"exec\"\ncommand = [\"" + program +
           "\"]\ncloud_endpoint = \"aws\"\n";
}

TEST_F(AgentCloud, AwsCliReadsTheSitesCredentialFromTheAgent) {
    never_print(kSecretKey);
    never_print(kSession);
    write_policy(aws_site(sandbox_));
    start_agent();
    auto env = lk({"agent", "env", "--at", "aws"}, {{"LATCHKEY_AGENT_SOCKET", socket_}});
    ASSERT_EQ(env.exit_code, 0) << env.err;
    // export AWS_CONTAINER_CREDENTIALS_FULL_URI='http://127.0.0.1:PORT/aws/credentials'
    // export AWS_CONTAINER_AUTHORIZATION_TOKEN='<64 hex digits>'
    std::map<std::string, std::optional<std::string>> vars;
    std::istringstream lines(env.out);
    std::string line;
    while (std::getline(lines, line)) {
        ASSERT_EQ(line.rfind("export ", 0), 0u) << line;
        auto eq = line.find("='");
        vars[line.substr(7, eq - 7)] = line.substr(eq + 2, line.size() - eq - 3);
    }
    ASSERT_EQ(vars.size(), 2u) << env.out;
    EXPECT_EQ(vars["AWS_CONTAINER_CREDENTIALS_FULL_URI"]->rfind("http://127.0.0.1:", 0), 0u);
    EXPECT_EQ(vars["AWS_CONTAINER_AUTHORIZATION_TOKEN"]->size(), 64u);

    // awscli's own credential chain, with nothing else to find.
    auto aws_env = options().env;
    for (auto& [k, v] : vars) aws_env[k] = v;
    aws_env["AWS_CONFIG_FILE"] = "/dev/null";
    aws_env["AWS_SHARED_CREDENTIALS_FILE"] = "/dev/null";
    aws_env["AWS_EC2_METADATA_DISABLED"] = "true";
    test::RunOptions o = options();
    o.env = aws_env;
    auto list = test::run({"/usr/bin/aws", "configure", "list"}, o);
    ASSERT_EQ(list.exit_code, 0) << list.err;
    EXPECT_NE(list.out.find("container-role"), std::string::npos) << list.out;
    EXPECT_NE(list.out.find(kKeyId.substr(kKeyId.size() - 4)), std::string::npos) << list.out;
    EXPECT_NE(audit().find("site=aws decision=served endpoint=aws-container-credentials"),
              std::string::npos)
        << audit();

    // Without the secret: refused, in the service's own error shape.
    auto wrong = test::run({"/usr/bin/curl", "-sS", "-H", "Authorization: " + std::string(64, '0'),
                            *vars["AWS_CONTAINER_CREDENTIALS_FULL_URI"]},
                           options());
    EXPECT_NE(wrong.out.find("\"code\":\"AccessDenied\""), std::string::npos) << wrong.out;
    EXPECT_EQ(wrong.out.find(kKeyId), std::string::npos) << wrong.out;
    EXPECT_NE(audit().find("site=aws decision=refused endpoint=aws-container-credentials"),
              std::string::npos);
}

TEST_F(AgentCloud, ASiteWithoutAnEndpointSaysHowToAddOne) {
    write_cc_policy();
    start_agent();
    auto env = lk({"agent", "env", "--at", "dev"}, {{"LATCHKEY_AGENT_SOCKET", socket_}});
    EXPECT_NE(env.exit_code, 0);
    EXPECT_NE(env.err.find("site 'dev' has no cloud endpoint; add cloud_endpoint = \"aws\""),
              std::string::npos)
        << env.err;
    write_cc_policy("cloud_endpoint = \"gcp\"\n");
    auto check = lk({"config", "check"});
    EXPECT_NE((check.out + check.err).find("cloud_endpoint: expected \"aws\""), std::string::npos)
        << check.out << check.err;
}

}  // namespace
}  // namespace latchkey::itest
