// The cloud SDK endpoints (docs/agent.md), read by the vendors' own
// clients: Debian's awscli, and from npm google-auth-library,
// @azure/identity and @aws-sdk/credential-providers (cloud_sdks/).
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "agent_fixture.hpp"

namespace latchkey::itest {
namespace {

using Vars = std::map<std::string, std::optional<std::string>>;

class AgentCloud : public AgentTest {
 protected:
    // `latchkey agent env --at SITE`'s exports (export NAME='VALUE' lines).
    Vars cloud_env(const std::string& site) {
        auto env = lk({"agent", "env", "--at", site}, {{"LATCHKEY_AGENT_SOCKET", socket_}});
        EXPECT_EQ(env.exit_code, 0) << env.err;
        Vars vars;
        std::istringstream lines(env.out);
        std::string line;
        while (std::getline(lines, line)) {
            EXPECT_EQ(line.rfind("export ", 0), 0u) << line;
            auto eq = line.find("='");
            if (eq == std::string::npos) continue;
            vars[line.substr(7, eq - 7)] = line.substr(eq + 2, line.size() - eq - 3);
        }
        return vars;
    }

    // Runs cloud_sdks/SCRIPT under node with `vars` and nothing else an SDK
    // could take credentials from; `as` runs it through setpriv first.
    RunResult sdk(const std::string& script, const Vars& vars,
                  const std::vector<std::string>& as = {}, const std::string& arg = "") {
        std::ifstream failed(std::string(LATCHKEY_CLOUD_SDK_DIR) + "/npm-install.failed");
        std::stringstream why;
        why << failed.rdbuf();
        EXPECT_FALSE(failed.is_open()) << "the cloud SDKs are not installed: " << why.str();
        test::RunOptions o = options();
        for (const char* v :
             {"GOOGLE_APPLICATION_CREDENTIALS", "GOOGLE_CLOUD_PROJECT", "IDENTITY_ENDPOINT",
              "IDENTITY_HEADER", "MSI_ENDPOINT", "MSI_SECRET", "AZURE_CLIENT_ID", "AZURE_TENANT_ID",
              "AZURE_CLIENT_SECRET", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY",
              "AWS_SESSION_TOKEN", "AWS_PROFILE", "GCE_METADATA_HOST", "GCE_METADATA_IP",
              "AWS_CONTAINER_CREDENTIALS_FULL_URI", "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
              "AWS_CONTAINER_AUTHORIZATION_TOKEN"})
            o.env[v] = std::nullopt;
        o.env["AWS_CONFIG_FILE"] = "/dev/null";
        o.env["AWS_SHARED_CREDENTIALS_FILE"] = "/dev/null";
        o.env["AWS_EC2_METADATA_DISABLED"] = "true";
        for (auto& [k, v] : vars) o.env[k] = v;
        std::vector<std::string> argv = as;
        argv.push_back(LATCHKEY_NODE);
        argv.push_back(std::string(LATCHKEY_CLOUD_SDK_DIR) + "/" + script);
        if (!arg.empty()) argv.push_back(arg);
        return test::run(argv, o);
    }

    // curl to a loopback endpoint: the status, the body, and whether the
    // answer carried `Metadata-Flavor: Google`.
    struct Answer {
        int status = 0;
        std::string body;
        bool google = false;
    };
    Answer fetch(const std::string& url, const std::vector<std::string>& headers,
                 const std::vector<std::string>& as = {}) {
        std::string head = sandbox_.file("headers.txt");
        std::vector<std::string> argv = as;
        for (std::string a : {"/usr/bin/curl", "-sS", "--max-time", "10", "-D"}) argv.push_back(a);
        argv.push_back(head);
        for (auto& h : headers) {
            argv.push_back("-H");
            argv.push_back(h);
        }
        argv.push_back("-o");
        argv.push_back("-");
        argv.push_back("-w");
        argv.push_back("\n%{http_code}");
        argv.push_back(url);
        auto r = test::run(argv, options());
        Answer a;
        auto nl = r.out.rfind('\n');
        if (nl == std::string::npos) return a;
        a.body = r.out.substr(0, nl);
        a.status = std::atoi(r.out.c_str() + nl + 1);
        std::ifstream in(head);
        std::stringstream text;
        text << in.rdbuf();
        a.google = text.str().find("Metadata-Flavor: Google") != std::string::npos;
        return a;
    }

    std::string served_to_me(const std::string& endpoint) const {
        return "decision=served endpoint=" + endpoint + " uid=" + std::to_string(getuid());
    }
};

const std::vector<std::string> kAsNobody = {"/usr/bin/setpriv", "--reuid=65534", "--regid=65534",
                                            "--clear-groups"};

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
    // export AWS_CONTAINER_CREDENTIALS_FULL_URI='http://127.0.0.1:PORT/aws/credentials'
    // export AWS_CONTAINER_AUTHORIZATION_TOKEN='<64 hex digits>'
    auto vars = cloud_env("aws");
    ASSERT_EQ(vars.size(), 2u);
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
    EXPECT_NE(
        env.err.find(
            "site 'dev' has no cloud endpoint; add cloud_endpoint = \"aws\", \"gce\" or \"azure\""),
        std::string::npos)
        << env.err;
    write_cc_policy("cloud_endpoint = \"gcp\"\n");
    auto check = lk({"config", "check"});
    EXPECT_NE((check.out + check.err)
                  .find("cloud_endpoint: expected \"aws\" (the AWS container credentials service), "
                        "\"gce\""),
              std::string::npos)
        << check.out << check.err;
}

TEST_F(AgentCloud, TheAwsSdkForJavaScriptReadsTheContainerEndpoint) {
    never_print(kSecretKey);
    write_policy(aws_site(sandbox_));
    start_agent();
    auto vars = cloud_env("aws");
    auto r = sdk("aws_credentials.mjs", vars);
    ASSERT_EQ(r.exit_code, 0) << r.err;
    auto doc = parse_json(r.out);
    EXPECT_EQ(json_string(doc, "accessKeyId"), kKeyId);
    EXPECT_EQ(json_string(doc, "sessionToken"), kSession);
    EXPECT_EQ(json_string(doc, "expiration"), "2099-01-01T00:00:00.000Z");

    // Another secret: the SDK is refused and says so.
    vars["AWS_CONTAINER_AUTHORIZATION_TOKEN"] = std::string(64, 'f');
    auto wrong = sdk("aws_credentials.mjs", vars, {}, "container");
    EXPECT_EQ(wrong.exit_code, 1);
    EXPECT_NE(wrong.err.find("status: 403 (AccessDenied: the Authorization header is not this "
                             "agent's AWS_CONTAINER_AUTHORIZATION_TOKEN"),
              std::string::npos)
        << wrong.err;
    EXPECT_EQ(wrong.err.find(kKeyId), std::string::npos) << wrong.err;
    EXPECT_NE(audit().find("site=aws decision=refused endpoint=aws-container-credentials uid=" +
                           std::to_string(getuid())),
              std::string::npos)
        << audit();
}

TEST_F(AgentCloud, GoogleAuthLibraryGetsTheSitesTokenFromTheMetadataServer) {
    write_cc_policy("cloud_endpoint = \"gce\"\n");
    start_agent();
    auto vars = cloud_env("dev");
    ASSERT_EQ(vars.size(), 3u);
    std::string host = *vars["GCE_METADATA_HOST"];
    EXPECT_EQ(host.rfind("127.0.0.1:", 0), 0u) << host;
    EXPECT_EQ(*vars["GCE_METADATA_IP"], host);
    EXPECT_EQ(*vars["METADATA_SERVER_DETECTION"], "assume-present");

    auto r = sdk("gce_token.mjs", vars);
    ASSERT_EQ(r.exit_code, 0) << r.err;
    auto doc = parse_json(r.out);
    std::string token = json_string(doc, "token");
    token_like(token);
    EXPECT_EQ(json_string(doc, "client"), "Compute");  // the metadata server's client
    EXPECT_EQ(whoami("Authorization: Bearer " + token).status, 200);
    auto mine = lk({"token"}, {{"LATCHKEY_AGENT_SOCKET", socket_}});
    EXPECT_EQ(first_line(mine.out), token);
    EXPECT_EQ(token_requests(), 1);
    // The kernel named the caller: its uid, and the process (node) that
    // holds the socket.
    std::string node = std::filesystem::canonical(LATCHKEY_NODE).string();
    EXPECT_NE(audit().find(served_to_me("gce-metadata")), std::string::npos) << audit();
    EXPECT_NE(audit().find("exe=" + node), std::string::npos) << audit();

    // Another user gets no token: the SDK fails with the agent's reason.
    auto other = sdk("gce_token.mjs", vars, kAsNobody);
    EXPECT_EQ(other.exit_code, 1) << other.out;
    EXPECT_NE(other.err.find("403"), std::string::npos) << other.err;
    EXPECT_NE(other.err.find("refused: uid 65534"), std::string::npos) << other.err;
    EXPECT_NE(audit().find("site=dev decision=refused endpoint=gce-metadata uid=65534"),
              std::string::npos)
        << audit();

    // Bad input: a clear status, the server's flavor, an audit line, no token.
    std::string base = "http://" + host + "/computeMetadata/v1/";
    std::string token_url = base + "instance/service-accounts/default/token";
    auto no_flavor = fetch(token_url, {});
    EXPECT_EQ(no_flavor.status, 403);
    EXPECT_TRUE(no_flavor.google);
    EXPECT_NE(no_flavor.body.find("Missing required header"), std::string::npos);
    auto wrong_flavor = fetch(token_url, {"Metadata-Flavor: Amazon"});
    EXPECT_EQ(wrong_flavor.status, 403);
    auto proxied = fetch(token_url, {"Metadata-Flavor: Google", "X-Forwarded-For: 10.1.2.3"});
    EXPECT_EQ(proxied.status, 403);
    auto unknown = fetch(base + "project/project-id", {"Metadata-Flavor: Google"});
    EXPECT_EQ(unknown.status, 404);
    EXPECT_NE(unknown.body.find("no metadata at /computeMetadata/v1/project/project-id"),
              std::string::npos)
        << unknown.body;
    auto huge = fetch(token_url, {"Metadata-Flavor: Google", "X-Pad: " + std::string(9000, 'p')});
    EXPECT_EQ(huge.status, 431);
    auto scoped =
        fetch(token_url + "?scopes=https%3A%2F%2Fwww.googleapis.com%2Fauth%2Fcloud-platform",
              {"Metadata-Flavor: Google"});
    EXPECT_EQ(scoped.status, 200);
    EXPECT_TRUE(scoped.google);
    EXPECT_NE(scoped.body.find("\"token_type\":\"Bearer\""), std::string::npos);
    for (auto* a : {&no_flavor, &wrong_flavor, &proxied, &unknown, &huge})
        EXPECT_EQ(a->body.find(token), std::string::npos) << a->body;
    EXPECT_NE(audit().find("decision=invalid endpoint=gce-metadata uid=" +
                           std::to_string(getuid()) + " gid="),
              std::string::npos);
    EXPECT_NE(audit().find("Missing required header"), std::string::npos);
    EXPECT_NE(audit().find("headers are over the limit"), std::string::npos);
    EXPECT_EQ(audit().find(token), std::string::npos);
}

TEST_F(AgentCloud, AzureIdentityGetsTheSitesTokenFromTheAppServiceEndpoint) {
    write_cc_policy("cloud_endpoint = \"azure\"\n");
    start_agent();
    auto vars = cloud_env("dev");
    ASSERT_EQ(vars.size(), 2u);
    std::string endpoint = *vars["IDENTITY_ENDPOINT"];
    EXPECT_EQ(endpoint.rfind("http://127.0.0.1:", 0), 0u) << endpoint;
    EXPECT_EQ(vars["IDENTITY_HEADER"]->size(), 64u);

    auto r = sdk("azure_token.mjs", vars);
    ASSERT_EQ(r.exit_code, 0) << r.err;
    auto doc = parse_json(r.out);
    std::string token = json_string(doc, "token");
    token_like(token);
    EXPECT_EQ(whoami("Authorization: Bearer " + token).status, 200);
    auto mine = lk({"token"}, {{"LATCHKEY_AGENT_SOCKET", socket_}});
    EXPECT_EQ(first_line(mine.out), token);
    // The dev server's tokens live an hour: the SDK was told so.
    int64_t now_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                         std::chrono::system_clock::now().time_since_epoch())
                         .count();
    int64_t left_ms = doc["expires_on_ms"].GetInt64() - now_ms;
    EXPECT_GT(left_ms, 3'000'000);
    EXPECT_LE(left_ms, 3'600'000);
    EXPECT_NE(audit().find(served_to_me("azure-managed-identity")), std::string::npos) << audit();

    // Another secret: refused, and the SDK says why.
    Vars wrong = vars;
    wrong["IDENTITY_HEADER"] = std::string(64, '0');
    auto refused = sdk("azure_token.mjs", wrong);
    EXPECT_EQ(refused.exit_code, 1) << refused.out;
    EXPECT_NE(refused.err.find("X-IDENTITY-HEADER header is not this agent's IDENTITY_HEADER"),
              std::string::npos)
        << refused.err;
    EXPECT_NE(audit().find("site=dev decision=refused endpoint=azure-managed-identity"),
              std::string::npos);

    std::string secret = "X-IDENTITY-HEADER: " + *vars["IDENTITY_HEADER"];
    std::string query = "?resource=https%3A%2F%2Fvault.azure.net&api-version=2019-08-01";
    auto none = fetch(endpoint + query, {});
    EXPECT_EQ(none.status, 401);
    auto ok = fetch(endpoint + query, {secret});
    EXPECT_EQ(ok.status, 200);
    EXPECT_NE(ok.body.find("\"resource\":\"https://vault.azure.net\""), std::string::npos)
        << ok.body;
    auto old_api = fetch(endpoint + "?resource=x&api-version=2017-09-01", {secret});
    EXPECT_EQ(old_api.status, 400);
    EXPECT_NE(old_api.body.find("api-version must be 2019-08-01"), std::string::npos);
    auto user_assigned = fetch(endpoint + query + "&client_id=abc", {secret});
    EXPECT_EQ(user_assigned.status, 400);
    std::string origin = endpoint.substr(0, endpoint.find('/', 7));
    auto elsewhere = fetch(origin + "/other" + query, {secret});
    EXPECT_EQ(elsewhere.status, 404);
    for (auto* a : {&none, &old_api, &user_assigned, &elsewhere})
        EXPECT_EQ(a->body.find(token), std::string::npos) << a->body;
    EXPECT_NE(audit().find("decision=invalid endpoint=azure-managed-identity"), std::string::npos);
    EXPECT_EQ(audit().find(token), std::string::npos);
    EXPECT_EQ(audit().find(*vars["IDENTITY_HEADER"]), std::string::npos);
}

}  // namespace
}  // namespace latchkey::itest
