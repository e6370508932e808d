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
TEST_F(AuthCode, TokenBeforeAnyLoginSaysToLogIn) { token_before_any_login_says_to_log_in(); }
TEST_F(AuthCode, RefreshRotatesTheRefreshTokenAndKeepsTheNewest) {
    refresh_rotates_the_refresh_token_and_keeps_the_newest();
}
TEST_F(AuthCode, LogoutRevokesAtTheServer) { logout_revokes_at_the_server(); }
TEST_F(AuthCode, WhoamiShowsThePersonFromUserinfo) { whoami_shows_the_person_from_userinfo(); }
TEST_F(AuthCode, ADeniedLoginFailsAndStoresNothing) { a_denied_login_fails_and_stores_nothing(); }

TEST_F(AuthCode, EndpointsGivenOutrightNeedNoDiscovery) {
    write_policy(
        "[sites.op]\n"
        "provider = \"oauth2-auth-code\"\n"
        "authorization_url = \"" +
        op().authorization_url() +
        "\"\n"
        "token_url = \"" +
        op().token_url() +
        "\"\n"
        "revocation_url = \"" +
        op().revocation_url() +
        "\"\n"
        "userinfo_url = \"" +
        op().userinfo_url() +
        "\"\n"
        "client_id = \"" +
        kNativeClient +
        "\"\n"
        "scopes = [\"openid\", \"offline_access\"]\n");
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
