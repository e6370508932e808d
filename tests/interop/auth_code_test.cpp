// latchkey's oauth2-auth-code provider against oidc-provider: authorization
// code with PKCE, the scripted user agent as $BROWSER signing in, consenting
// and following the redirect to latchkey's loopback listener. oidc-provider
// refuses any authorization request without an S256 code challenge, so every
// login that works here proves PKCE; it also sends `iss` (RFC 9207), which
// latchkey checks against the discovered issuer. Besides the checks every
// user flow runs (user_flow_checks.cpp): the listener's own answer, and
// endpoints given outright.
#include "user_flow.hpp"

namespace latchkey::interop {
namespace {

class AuthCode : public UserFlowTest {
 protected:
    AuthCode() : UserFlowTest(Flow::auth_code) {}
};

TEST_F(AuthCode, LoginGetsATokenTheServerIssuedToThePerson) {
    login_gets_a_token_the_server_issued_to_the_person();
    // The browser's last page came from latchkey's loopback listener.
    std::string log = test::read_file(user_agent_log());
    EXPECT_NE(log.find("/callback -> 200"), std::string::npos) << log;
}
LATCHKEY_USER_FLOW_CHECKS(AuthCode)

TEST_F(AuthCode, EndpointsGivenOutrightNeedNoDiscovery) {
    write_policy(site_with_endpoints());
    Stored s = logged_in();
    EXPECT_TRUE(active(s.token));
    auto who = lk({"-o", "json", "whoami"});
    ASSERT_EQ(who.exit_code, 0) << who.err;
    EXPECT_EQ(itest::json_string(itest::parse_json(who.out), "sub"), kUser);
    ASSERT_EQ(lk({"logout"}).exit_code, 0);
    EXPECT_FALSE(active(s.token));
}

}  // namespace
}  // namespace latchkey::interop
