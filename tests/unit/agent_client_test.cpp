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

TEST(AgentClient, TheAgentsOwnRefusalsMeanWorkAlone) {
    for (const char* kind : {"refused", "policy_mismatch", "busy", "bad_request", "unknown_site"}) {
        auto a = interpret_token_reply(
            AgentReply{409, std::string(R"({"error":{"kind":")") + kind + R"(","message":"m"}})"});
        EXPECT_TRUE(a.work_alone) << kind;
        EXPECT_FALSE(a.error) << kind;
        EXPECT_NE(a.why_alone.find(kind), std::string::npos) << a.why_alone;
    }
    EXPECT_TRUE(interpret_token_reply(AgentReply{200, "not json"}).work_alone);
    EXPECT_TRUE(interpret_token_reply(std::nullopt).work_alone);
    // A token without the fields a credential is made of: worked alone.
    EXPECT_TRUE(
        interpret_token_reply(AgentReply{200, R"({"token":"t","extra_headers":[]})"}).work_alone);
}

TEST(AgentClient, AServedTokenCarriesWhatACredentialIsMadeOf) {
    auto a = interpret_token_reply(AgentReply{
        200, R"({"site":"s","token":"t0k","token_type":"Bearer","header_name":"Authorization",)"
             R"("header":"Authorization: Bearer t0k","extra_headers":["X-A: b"],)"
             R"("expires_at_ms":2000,"obtained_at_ms":1000,"refresh_at_ms":1900,)"
             R"("extras":{"instance_url":"https://i.example"}})"});
    ASSERT_TRUE(a.token);
    EXPECT_EQ(a.token->token, "t0k");
    EXPECT_EQ(a.token->header_name, "Authorization");
    EXPECT_EQ(a.token->extra_headers, std::vector<std::string>{"X-A: b"});
    EXPECT_EQ(a.token->obtained_at_ms, 1000);
    EXPECT_EQ(a.token->refresh_at_ms, 1900);
    ASSERT_EQ(a.token->extras.size(), 1u);
    EXPECT_EQ(a.token->extras[0].second, "https://i.example");
}

}  // namespace
}  // namespace latchkey::agent
