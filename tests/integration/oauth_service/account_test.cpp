// `latchkey logout` and `latchkey whoami` at an oauth2-refresh-token site:
// RFC 7009 revocation at the discovered (or configured) endpoint before the
// local erase, userinfo, and what happens without either endpoint.
#include "oauth_fixture.hpp"

namespace latchkey::itest {
namespace {

const std::string kSeedVar = "INTEG_SEED_RT";

class OAuthAccount : public OAuthTest {
 protected:
    void SetUp() override {
        start();
        env_[kSeedVar] = seed_refresh_token();
    }
    void write_site(const std::string& lines) {
        write_policy(
            site("rt", "oauth2-refresh-token",
                 lines + client_lines() + "refresh_token = { env = \"" + kSeedVar + "\" }\n"));
    }
    std::string token() {
        auto r = lk({"token"});
        EXPECT_EQ(r.exit_code, 0) << r.err;
        return first_line(r.out);
    }
    int counter(const char* name) {
        auto d = server_->stats();
        return d["counters"].HasMember(name) ? d["counters"][name].GetInt() : 0;
    }
};

TEST_F(OAuthAccount, LogoutRevokesTheRefreshAndAccessTokensThenErases) {
    write_site("issuer = \"" + url() + "\"\n");
    std::string t = token();
    ASSERT_EQ(whoami_status(t), 200);

    auto r = lk({"logout"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.out.find("logged out of rt"), std::string::npos) << r.out;
    EXPECT_EQ(counter("revocation_requests"), 2);  // the refresh token, then the access token
    EXPECT_GE(counter("revoked_refresh_tokens"), 1);
    EXPECT_EQ(whoami_status(t), 401);
    auto st = lk({"status"});
    EXPECT_NE(st.out.find("not logged in"), std::string::npos) << st.out;
}

TEST_F(OAuthAccount, WithoutARevocationEndpointLogoutOnlyErases) {
    write_site("token_url = \"" + server_->token_url() + "\"\n");
    std::string t = token();
    auto r = lk({"logout"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(counter("revocation_requests"), 0);
    EXPECT_EQ(whoami_status(t), 200);  // still valid at the server: nobody told it
    auto st = lk({"status"});
    EXPECT_NE(st.out.find("not logged in"), std::string::npos) << st.out;
}

TEST_F(OAuthAccount, ARevocationFailureIsShownAndTheCredentialStillErased) {
    CannedServer broken(raw_response(503, "text/plain", "down for maintenance"));
    write_site("token_url = \"" + server_->token_url() + "\"\nrevocation_url = \"" + broken.url() +
               "/revoke\"\n");
    token();
    auto r = lk({"logout"});
    EXPECT_NE(r.err.find(broken.url() + "/revoke"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("HTTP 503"), std::string::npos) << r.err;
    auto st = lk({"status"});
    EXPECT_NE(st.out.find("not logged in"), std::string::npos) << st.out;
}

TEST_F(OAuthAccount, WhoamiShowsTheUserinfoAnswer) {
    write_site("issuer = \"" + url() + "\"\n");
    token();
    auto r = lk({"-o", "json", "whoami"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    auto d = parse_json(r.out);
    ASSERT_TRUE(d.IsObject()) << r.out;
    EXPECT_FALSE(json_string(d, "sub").empty());
}

TEST_F(OAuthAccount, WhoamiWithoutUserinfoShowsAJwtAccessTokensClaimsOnly) {
    // {"alg":"RS256","typ":"JWT"} . {"sub":"jwt-user","scope":"read","exp":4102444800} . a
    // signature
    const std::string jwt =
        "eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCJ9."
        "eyJzdWIiOiJqd3QtdXNlciIsInNjb3BlIjoicmVhZCIsImV4cCI6NDEwMjQ0NDgwMH0."
        "c2lnLUludGVnLTQ0";
    token_like(jwt);
    CannedServer s(raw_response(
        200, "application/json",
        "{\"access_token\": \"" + jwt + "\", \"token_type\": \"Bearer\", \"expires_in\": 3600}"));
    write_site("token_url = \"" + s.url() + "/token\"\n");
    ASSERT_EQ(lk({"token"}).exit_code, 0);
    auto r = lk({"-o", "json", "whoami"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    auto d = parse_json(r.out);
    ASSERT_TRUE(d.IsObject()) << r.out;
    EXPECT_EQ(json_string(d, "sub"), "jwt-user");
    EXPECT_EQ(json_string(d, "scope"), "read");
    EXPECT_EQ(r.out.find("c2lnLUludGVnLTQ0"), std::string::npos) << "no signature:\n" << r.out;
}

TEST_F(OAuthAccount, WhoamiWithAnOpaqueTokenAndNoUserinfoSaysWhatToSet) {
    write_site("token_url = \"" + server_->token_url() + "\"\n");
    token();
    auto r = lk({"whoami"});
    EXPECT_EQ(r.exit_code, 1) << r.err;
    EXPECT_NE(r.err.find("site 'rt'"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("'userinfo_url'"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace latchkey::itest
