// latchkey's oauth2-device-code provider against oidc-provider's device flow
// (RFC 8628), approved by the scripted user agent on the server's own pages.
// Besides the checks every user flow runs (user_flow_checks.cpp): the person
// types the code into the verification page (its form and xsrf token) rather
// than following verification_uri_complete, the endpoints can be given
// outright instead of discovered from the issuer, and a confidential client
// signs every request with private_key_jwt.
#include "user_flow.hpp"

namespace latchkey::interop {
namespace {

class DeviceFlow : public UserFlowTest {
 protected:
    DeviceFlow() : UserFlowTest(Flow::device) {}
};

TEST_F(DeviceFlow, LoginGetsATokenTheServerIssuedToThePerson) {
    login_gets_a_token_the_server_issued_to_the_person();
}
LATCHKEY_USER_FLOW_CHECKS(DeviceFlow)

TEST_F(DeviceFlow, ThePersonTypesTheCodeIntoTheVerificationPage) {
    write_policy(site());
    auto r = lk({"login"}, {{"BROWSER", browser("device", {"--type-code"})}}, 45'000);
    ASSERT_EQ(r.exit_code, 0) << r.err << "\nuser agent:\n" << test::read_file(user_agent_log());
    // The person was told where to go and what to type.
    EXPECT_NE(r.err.find(op().issuer() + "/device"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("enter the code"), std::string::npos) << r.err;
    EXPECT_NE(test::read_file(user_agent_log()).find("approved"), std::string::npos);
    auto s = stored();
    ASSERT_TRUE(s);
    token_like(s->token);
    token_like(s->refresh_token);
    EXPECT_TRUE(active(s->token));
}

TEST_F(DeviceFlow, EndpointsGivenOutrightNeedNoDiscovery) {
    write_policy(site_with_endpoints());
    Stored s = logged_in();
    EXPECT_TRUE(active(s.token));
    ASSERT_EQ(lk({"logout"}).exit_code, 0);
    EXPECT_FALSE(active(s.token));
}

class ConfidentialDeviceFlow : public UserFlowTest {
 protected:
    ConfidentialDeviceFlow() : UserFlowTest(Flow::device, /*with_key_clients=*/true) {}
};

// The device authorization request, every poll, the refresh and the
// revocation each carry an ES256 client assertion oidc-provider verifies.
TEST_F(ConfidentialDeviceFlow, APrivateKeyJwtClientSignsEveryRequest) {
    write_policy(
        "[sites.op]\n"
        "provider = \"oauth2-device-code\"\n"
        "issuer = \"" +
        op().issuer() +
        "\"\n"
        "client_id = \"" +
        kDeviceJwtClient +
        "\"\n"
        "client_auth = \"private_key_jwt\"\n"
        "signing_alg = \"ES256\"\n"
        "private_key_file = \"" +
        client_keys().ec_private +
        "\"\n"
        "scopes = [\"openid\", \"offline_access\"]\n"
        "refresh_before = \"2h\"\n");
    Stored s = logged_in();
    auto d = introspect(s.token);
    ASSERT_TRUE(d.IsObject());
    EXPECT_TRUE(d.HasMember("active") && d["active"].IsTrue());
    EXPECT_EQ(itest::json_string(d, "client_id"), kDeviceJwtClient);

    std::string refreshed = token();
    EXPECT_NE(refreshed, s.token) << "not refreshed";
    EXPECT_TRUE(active(refreshed));

    ASSERT_EQ(lk({"logout"}).exit_code, 0);
    EXPECT_FALSE(active(refreshed));
}

}  // namespace
}  // namespace latchkey::interop
