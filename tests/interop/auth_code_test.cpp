// The authorization code flow's own steps against oidc-provider: the server
// refuses any request without an S256 code challenge, so a login that works
// proves PKCE; the browser lands on latchkey's loopback listener, which
// answers it with a page of its own.
#include "user_flow.hpp"

namespace latchkey::interop {
namespace {

class AuthCode : public UserFlowTest {};

TEST_F(AuthCode, LoginWithPkceEndsOnTheLoopbackPage) {
    write_policy(site(Flow::auth_code));
    Stored s = logged_in(Flow::auth_code);
    EXPECT_TRUE(active(s.token));
    // The user agent's last response came from latchkey's listener.
    std::string log = test::read_file(user_agent_log());
    EXPECT_NE(log.find("/callback -> 200"), std::string::npos) << log;
}

}  // namespace
}  // namespace latchkey::interop
