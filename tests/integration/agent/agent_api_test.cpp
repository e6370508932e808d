// The socket API as any language sees it: curl over the Unix socket.
#include <signal.h>
#include <sys/stat.h>

#include <functional>
#include <thread>

#include "agent_fixture.hpp"

namespace latchkey::itest {
namespace {

using Agent = AgentTest;

TEST_F(Agent, ServesATokenOverItsSocketWithKeepAlive) {
    write_cc_policy();
    start_agent();
    struct stat st {};
    ASSERT_EQ(stat(socket_.c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, 0600u);
    ASSERT_EQ(stat(sandbox_.file("run/latchkey").c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, 0700u);

    // Two requests on one connection: curl says it reused it.
    auto r = curl("/v1/token?site=dev", {"-v", "http://agent/v1/header?site=dev"});
    ASSERT_EQ(r.status, 200) << r.body << r.err;
    EXPECT_NE(r.err.find("Re-using existing connection"), std::string::npos) << r.err;
    // The first document is the token's, then its status, then the header's.
    auto first = r.body.substr(0, r.body.find('\n'));
    auto doc = parse_json(first);
    std::string token = json_string(doc, "token");
    token_like(token);
    EXPECT_EQ(json_string(doc, "site"), "dev");
    EXPECT_EQ(json_string(doc, "header"), "Authorization: Bearer " + token);
    EXPECT_EQ(whoami(json_string(doc, "header")).status, 200);
    EXPECT_EQ(token_requests(), 1);

    // The CLI alone reads the credential the agent stored: the same token.
    auto alone = lk({"token"}, {{"LATCHKEY_AGENT", "off"}});
    EXPECT_EQ(alone.out, token + "\n");
    EXPECT_EQ(token_requests(), 1);

    auto lines = audit();
    EXPECT_NE(lines.find("site=dev decision=served endpoint=/v1/token uid="), std::string::npos)
        << lines;
    EXPECT_NE(lines.find("exe=/usr/bin/curl"), std::string::npos) << lines;
    EXPECT_EQ(lines.find(token), std::string::npos) << "the audit log holds the token";
}

TEST_F(Agent, HealthAndStatusHoldNoSecret) {
    write_cc_policy();
    start_agent();
    auto h = curl("/v1/health");
    ASSERT_EQ(h.status, 200) << h.body;
    EXPECT_EQ(parse_json(h.body)["pid"].GetInt64(), agent_pid());
    auto t = curl("/v1/token");  // no site: the policy's only site
    ASSERT_EQ(t.status, 200) << t.body;
    std::string token = json_string(parse_json(t.body), "token");
    token_like(token);
    auto s = curl("/v1/status");
    ASSERT_EQ(s.status, 200) << s.body;
    EXPECT_NE(s.body.find(R"("site":"dev","logged_in":true)"), std::string::npos) << s.body;
    EXPECT_EQ(s.body.find(token), std::string::npos);
}

TEST_F(Agent, InvalidateForgetsTheRefusedToken) {
    write_cc_policy();
    start_agent();
    auto first = curl("/v1/token?site=dev");
    std::string token = json_string(parse_json(first.body), "token");
    token_like(token);
    auto inv =
        curl("/v1/invalidate?site=dev", {"-X", "POST", "--data", "{\"token\":\"" + token + "\"}"});
    ASSERT_EQ(inv.status, 200) << inv.body;
    auto second = curl("/v1/token?site=dev");
    std::string next = json_string(parse_json(second.body), "token");
    token_like(next);
    EXPECT_NE(next, token);
    EXPECT_EQ(token_requests(), 2);
    EXPECT_NE(audit().find("decision=invalidated"), std::string::npos);
}

TEST_F(Agent, MinValidRefreshesOnlyWhenTheCachedCredentialWouldExpireSooner) {
    write_cc_policy();
    start_agent();
    auto token_of = [&](const std::string& target) {
        auto r = curl(target);
        EXPECT_EQ(r.status, 200) << r.body;
        std::string t = json_string(parse_json(r.body), "token");
        token_like(t);
        return t;
    };
    std::string first = token_of("/v1/token?site=dev");
    auto fetched = std::chrono::steady_clock::now();
    // The dev server's tokens live an hour: ten minutes is there already.
    EXPECT_EQ(token_of("/v1/token?site=dev&min_valid=10m"), first);
    EXPECT_EQ(token_requests(), 1);
    // All but the last 500 ms of its hour is not, once 700 ms have passed: a
    // fresh one, and that is what is cached from then on.
    std::this_thread::sleep_until(fetched + std::chrono::milliseconds(700));
    auto header = curl("/v1/header?site=dev&min_valid=3599500ms");
    ASSERT_EQ(header.status, 200) << header.body;
    EXPECT_EQ(token_requests(), 2);
    std::string second = token_of("/v1/token?site=dev");
    EXPECT_NE(second, first);
    EXPECT_EQ(json_string(parse_json(header.body), "header"), "Authorization: Bearer " + second);
}

TEST_F(Agent, SigtermStopsItAndRemovesTheSocket) {
    write_cc_policy();
    start_agent();
    EXPECT_EQ(stop_agent(SIGTERM), 0);
    struct stat st {};
    EXPECT_NE(stat(socket_.c_str(), &st), 0) << "the socket file is still there";
}

TEST_F(Agent, SighupReloadsAndKeepsCredentialsWhoseIdentityIsUnchanged) {
    write_cc_policy();
    start_agent();
    std::string token = json_string(parse_json(curl("/v1/token?site=dev").body), "token");
    token_like(token);
    // Same identity (a new timeout) plus a new site.
    write_policy(cc_site("dev", "timeout = \"7s\"\n") +
                 "[sites.key]\nprovider = \"api-key\"\napi_key = \"k-Agent-4e1\"\n");
    token_like("k-Agent-4e1");
    kill(agent_pid(), SIGHUP);
    CurlResult key;
    for (int i = 0; i < 100 && key.status != 200; ++i) {
        key = curl("/v1/token?site=key");
        if (key.status != 200) std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    ASSERT_EQ(key.status, 200) << "the new site is not served after SIGHUP: " << key.body;
    EXPECT_EQ(json_string(parse_json(curl("/v1/token?site=dev").body), "token"), token);
    EXPECT_EQ(token_requests(), 1);

    // A site taken out of the policy is no longer served.
    write_policy(cc_site("dev"));
    kill(agent_pid(), SIGHUP);
    CurlResult other;
    for (int i = 0; i < 100; ++i) {
        other = curl("/v1/token?site=key");
        if (other.status != 200) break;
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    EXPECT_EQ(other.status, 404) << "the removed site is still served: " << other.body;
}

}  // namespace
}  // namespace latchkey::itest

namespace latchkey::itest {
namespace {

using AgentTokenFiles = AgentTest;

// The file's text once `done` holds for it, or the last text read.
std::string wait_for_file(const std::string& path,
                          const std::function<bool(const std::string&)>& done,
                          int timeout_ms = 10'000) {
    auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
    std::string text;
    while (std::chrono::steady_clock::now() < deadline) {
        struct stat st {};
        if (stat(path.c_str(), &st) == 0) text = test::read_file(path);
        if (done(text)) break;
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return text;
}

TEST_F(AgentTokenFiles, TheAgentWritesThemAtStartAndAgainAheadOfExpiry) {
    std::string file = sandbox_.file("dev.token");
    // Refreshed a second after it is fetched (the dev server's tokens live an hour).
    write_cc_policy("token_file = \"" + file + "\"\nrefresh_before = \"3599s\"\n");
    start_agent();
    // Nobody asks the agent for anything: it writes the file by itself.
    std::string first = wait_for_file(file, [](const std::string& t) { return !t.empty(); });
    ASSERT_FALSE(first.empty()) << "the agent did not write " << file;
    token_like(first);
    struct stat st {};
    ASSERT_EQ(stat(file.c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, 0600u);
    EXPECT_EQ(whoami("Authorization: Bearer " + first).status, 200);

    std::string second =
        wait_for_file(file, [&](const std::string& t) { return !t.empty() && t != first; });
    EXPECT_NE(second, first) << "the agent did not renew the file ahead of expiry";
    token_like(second);
    EXPECT_EQ(whoami("Authorization: Bearer " + second).status, 200);
    auto lines = audit();
    EXPECT_NE(lines.find("site=dev decision=served endpoint=token_file"), std::string::npos)
        << lines;
    EXPECT_EQ(lines.find(first), std::string::npos) << "the audit log holds the token";
    // A renewal waiting on its timer does not hold up a clean stop.
    EXPECT_EQ(stop_agent(SIGTERM), 0);
}

TEST_F(AgentTokenFiles, AReloadKeepsTheFilesOfSitesItAdds) {
    write_cc_policy();
    start_agent();
    std::string file = sandbox_.file("key.token");
    token_like("k-Agent-77d");
    write_policy(cc_site("dev") +
                 "[sites.key]\nprovider = \"api-key\"\napi_key = \"k-Agent-77d\"\n" +
                 "token_file = \"" + file + "\"\n");
    kill(agent_pid(), SIGHUP);
    EXPECT_EQ(wait_for_file(file, [](const std::string& t) { return t == "k-Agent-77d"; }),
              "k-Agent-77d");
}

TEST_F(AgentTokenFiles, ASiteThatNeedsALoginSaysSoWithTheNextStepAndDoesNotSpin) {
    std::string file = sandbox_.file("dev2.token");
    write_policy(
        cc_site("dev") + "[sites.dev2]\nprovider = \"oauth2-device-code\"\ntoken_url = \"" +
        server_.token_url() + "\"\ndevice_authorization_url = \"" + server_.url() +
        "/oauth2/device_authorization\"\nclient_id = \"demo\"\ntoken_file = \"" + file + "\"\n");
    start_agent();
    const std::string failed = "site=dev2 decision=failed endpoint=token_file";
    std::string lines;
    for (int i = 0; i < 500 && lines.find(failed) == std::string::npos; ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
        lines = audit();
    }
    ASSERT_NE(lines.find(failed), std::string::npos) << lines;
    EXPECT_NE(lines.find("latchkey login --at dev2"), std::string::npos) << lines;
    // A second later it has not tried again (it waits a minute for the login).
    std::this_thread::sleep_for(std::chrono::milliseconds(1000));
    lines = audit();
    EXPECT_EQ(lines.find(failed), lines.rfind(failed)) << lines;
    EXPECT_EQ(lines.find(kSecret), std::string::npos);
    struct stat st {};
    EXPECT_NE(stat(file.c_str(), &st), 0) << "a file was written without a token";
    // The agent still serves the other site.
    auto ok = curl("/v1/token?site=dev");
    EXPECT_EQ(ok.status, 200) << ok.body;
    token_like(json_string(parse_json(ok.body), "token"));
}

}  // namespace
}  // namespace latchkey::itest
