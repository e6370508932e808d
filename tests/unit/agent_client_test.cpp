// What a running agent's answers mean to its clients (agent_client.hpp),
// and the site's error raised from one as the library raises it alone
// (agent_rules.hpp).
#include "agent_client/agent_client.hpp"

#include <gtest/gtest.h>

#include "agent_client/agent_rules.hpp"

namespace latchkey::agent {
namespace {

TEST(AgentClient, TheSitesErrorKeepsKindPositionAndNextCommand) {
    auto a = interpret_token_reply(AgentReply{
        500, R"({"error":{"kind":"config","message":"policy.toml:7:1: site 'x': bad",)"
             R"("exit_code":1,"position":{"file":"/p/policy.toml","line":7,"column":1}}})"});
    ASSERT_FALSE(a.work_alone);
    ASSERT_TRUE(a.error);
    Error e = site_error(*a.error);
    EXPECT_EQ(e.kind(), ErrorKind::config);
    EXPECT_STREQ(e.what(), "policy.toml:7:1: site 'x': bad");
    ASSERT_TRUE(e.position());
    EXPECT_EQ(e.position()->file, "/p/policy.toml");
    EXPECT_EQ(e.position()->line, 7u);
    EXPECT_EQ(e.position()->column, 1u);

    auto l = interpret_token_reply(
        AgentReply{401, R"({"error":{"kind":"login_required","message":"run it","exit_code":3,)"
                        R"("next_command":"latchkey login --at x"}})"});
    ASSERT_TRUE(l.error);
    Error login = site_error(*l.error);
    EXPECT_EQ(login.kind(), ErrorKind::login_required);
    EXPECT_EQ(login.next_command(), "latchkey login --at x");
    EXPECT_FALSE(login.position());
}

TEST(AgentClient, AServedCredentialCarriesWhatACredentialIsMadeOf) {
    auto a = interpret_credential_reply(AgentReply{
        200, R"({"site":"s","token":"t0k","token_type":"Bearer","header_name":"Authorization",)"
             R"("expires_at_ms":2000,"obtained_at_ms":1000,"refresh_at_ms":1900,)"
             R"("extras":{"instance_url":"https://i.example"}})"});
    ASSERT_TRUE(a.credential);
    EXPECT_EQ(a.credential->token, "t0k");
    EXPECT_EQ(a.credential->header_name, "Authorization");
    EXPECT_EQ(a.credential->obtained_at_ms, 1000);
    EXPECT_EQ(a.credential->refresh_at_ms, 1900);
    ASSERT_EQ(a.credential->extras.size(), 1u);
    EXPECT_EQ(a.credential->extras[0].second, "https://i.example");
    // Without what a credential is made of (an agent's /v1/token answer, say):
    // worked alone.
    auto partial = interpret_credential_reply(
        AgentReply{200, R"({"site":"s","token":"t0k","header":"Authorization: Bearer t0k",)"
                        R"("extra_headers":[],"expires_at_ms":2000})"});
    EXPECT_TRUE(partial.work_alone);
    EXPECT_FALSE(partial.credential);
    // An agent from before /v1/credential: worked alone.
    EXPECT_TRUE(interpret_credential_reply(
                    AgentReply{404, R"({"error":{"kind":"not_found","message":"no endpoint"}})"})
                    .work_alone);
}

}  // namespace
}  // namespace latchkey::agent
