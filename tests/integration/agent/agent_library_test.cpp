// liblatchkey's Host with a running agent (docs/agent.md, "The program and
// the agent"): in this process, a credential the agent served, errors raised
// as the library raises them alone (position included); and the agent's
// own Host never asks an agent in turn.
#include <cstdlib>
#include <latchkey/host.hpp>

#include "agent_fixture.hpp"

namespace latchkey::itest {
namespace {

// Sets a variable of this process for a scope (an in-process Host reads the
// environment when it opens).
class ScopedEnv {
 public:
    ScopedEnv(const char* name, const std::optional<std::string>& value) : name_(name) {
        if (const char* old = std::getenv(name)) old_ = old;
        if (value)
            setenv(name, value->c_str(), 1);
        else
            unsetenv(name);
    }
    ~ScopedEnv() {
        if (old_)
            setenv(name_, old_->c_str(), 1);
        else
            unsetenv(name_);
    }
    ScopedEnv(const ScopedEnv&) = delete;
    ScopedEnv& operator=(const ScopedEnv&) = delete;

 private:
    const char* name_;
    std::optional<std::string> old_;
};

using AgentLibrary = AgentTest;

TEST_F(AgentLibrary, AHostGetsTheAgentsCredentialWithoutTheSecret) {
    write_cc_policy();
    start_agent();
    ScopedEnv socket("LATCHKEY_AGENT_SOCKET", socket_), secret(kSecretVar.c_str(), std::nullopt);
    HostOptions o;
    o.config_path = policy();
    Host host = Host::open(o);
    auto site = host.site("dev");
    const Credential& c = site.borrow();
    EXPECT_EQ(c.agent_socket(), socket_);
    EXPECT_EQ(whoami(c.header()).status, 200);
    EXPECT_EQ(site.name(), "dev");
    EXPECT_GT(c.refresh_at_ms(), c.obtained_at_ms());
    EXPECT_LT(c.refresh_at_ms(), c.expires_at_ms());
    EXPECT_EQ(host.token("dev").token(), c.token());
    EXPECT_EQ(token_requests(), 1);
    EXPECT_NE(audit().find("site=dev decision=served"), std::string::npos) << audit();
}

TEST_F(AgentLibrary, ASitesErrorIsRaisedAsAloneWithItsPolicyPosition) {
    // Resolved by whoever reads the site: the agent for a Host that asks it.
    write_policy(cc_site("dev") + cc_site("slow", "refresh_timeout = \"20m\"\n"));
    start_agent();
    ScopedEnv socket("LATCHKEY_AGENT_SOCKET", socket_), secret(kSecretVar.c_str(), kSecret);
    auto error_of = [&](bool ask_agent) -> std::optional<Error> {
        HostOptions o;
        o.config_path = policy();
        o.ask_agent = ask_agent;
        try {
            Host::open(o).token("slow");
        } catch (const Error& e) {
            return e;
        }
        return std::nullopt;
    };
    auto via = error_of(true);
    ASSERT_NE(audit().find("site=slow decision=failed"), std::string::npos) << audit();
    auto alone = error_of(false);
    ASSERT_TRUE(via && alone);
    EXPECT_EQ(via->kind(), ErrorKind::config);
    EXPECT_EQ(via->kind(), alone->kind());
    EXPECT_STREQ(via->what(), alone->what());
    ASSERT_TRUE(via->position() && alone->position()) << via->what();
    EXPECT_EQ(via->position()->file, alone->position()->file);
    EXPECT_EQ(via->position()->line, alone->position()->line);
    EXPECT_EQ(via->position()->column, alone->position()->column);
}

TEST_F(AgentLibrary, TheAgentsOwnHostNeverAsksAnotherAgent) {
    write_cc_policy();
    // Another agent of the same policy, where the first one's environment
    // points: were the first agent's Host to ask an agent, this one would
    // serve it (and say so in its audit file).
    std::string other_socket = sandbox_.file("other/agent.sock");
    std::string other_audit = sandbox_.file("other-audit.log");
    test::Child other({std::string(LATCHKEY_BUILD_DIR) + "/bin/latchkey", "--config", policy(),
                       "agent", "--socket", other_socket, "--audit-file", other_audit},
                      options());
    auto line = other.read_line(20'000);
    ASSERT_TRUE(line && line->find("listening on " + other_socket) != std::string::npos);
    env_["LATCHKEY_AGENT_SOCKET"] = other_socket;
    start_agent();

    auto r = curl("/v1/token?site=dev");
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_NE(audit().find("site=dev decision=served"), std::string::npos) << audit();
    EXPECT_EQ(test::read_file(other_audit).find("site=dev"), std::string::npos)
        << test::read_file(other_audit);
    EXPECT_EQ(token_requests(), 1);
    other.stop();
}

}  // namespace
}  // namespace latchkey::itest
