// What a user sees when the token endpoint answers badly: an RFC 6749
// error, an HTML page, a redirect to another host (never followed), a
// connection closed without a word, nothing listening. Each is a clear
// error naming the endpoint; a stored credential survives every one.
#include "oauth_fixture.hpp"

namespace latchkey::itest {
namespace {

const std::string kSeedVar = "INTEG_SEED_RT";

class OAuthBadInput : public OAuthTest {
 protected:
    void SetUp() override {
        start();
        env_[kSeedVar] = seed_refresh_token();
    }

    void write_site(const std::string& token_url) {
        write_policy(site("rt", "oauth2-refresh-token",
                          "token_url = \"" + token_url + "\"\n" + client_lines() +
                              "refresh_token = { env = \"" + kSeedVar + "\" }\n"));
    }

    // `latchkey token`, which must fail with exit 1 and print nothing on stdout.
    RunResult failing_token() {
        auto r = lk({"token"});
        EXPECT_EQ(r.exit_code, 1) << r.err;
        EXPECT_EQ(r.out, "");
        return r;
    }
};

TEST_F(OAuthBadInput, AnOAuthErrorShowsTheCodeAndTheDescription) {
    CannedServer s(
        raw_response(400, "application/json",
                     "{\"error\": \"invalid_scope\", \"error_description\": \"scope 'admin' is not "
                     "granted to this client\"}"));
    write_site(s.url() + "/token");
    auto r = failing_token();
    EXPECT_NE(r.err.find("invalid_scope"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("scope 'admin' is not granted to this client"), std::string::npos)
        << r.err;
}

TEST_F(OAuthBadInput, AnHtmlPageIsNotMistakenForAToken) {
    CannedServer s(raw_response(200, "text/html", "<html><body>Sign in</body></html>"));
    write_site(s.url() + "/token");
    auto r = failing_token();
    EXPECT_NE(r.err.find(s.url() + "/token"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("invalid response"), std::string::npos) << r.err;
    EXPECT_EQ(r.err.find("Sign in"), std::string::npos) << "the body is not quoted:\n" << r.err;
}

TEST_F(OAuthBadInput, ARedirectToAnotherHostIsNotFollowedAndNamed) {
    CannedServer s(raw_response(302, "text/plain", "moved",
                                "Location: https://login.elsewhere.example.test/oauth2/token\r\n"));
    write_site(s.url() + "/token");
    auto r = failing_token();
    EXPECT_NE(r.err.find("redirected to https://login.elsewhere.example.test/oauth2/token"),
              std::string::npos)
        << r.err;
    EXPECT_NE(r.err.find("token_url"), std::string::npos) << r.err;
    EXPECT_EQ(s.requests(), 1);
}

TEST_F(OAuthBadInput, AConnectionClosedWithoutAnAnswerNamesTheEndpoint) {
    CannedServer s("");
    write_site(s.url() + "/token");
    auto r = failing_token();
    EXPECT_NE(r.err.find(s.url() + "/token"), std::string::npos) << r.err;
}

TEST_F(OAuthBadInput, NothingListeningNamesTheEndpoint) {
    const std::string dead = "http://127.0.0.1:" + std::to_string(closed_port()) + "/token";
    write_site(dead);
    auto r = failing_token();
    EXPECT_NE(r.err.find(dead), std::string::npos) << r.err;
}

TEST_F(OAuthBadInput, AStoredCredentialSurvivesAFailedLogin) {
    write_site(server_->token_url());
    auto first = lk({"token"});
    ASSERT_EQ(first.exit_code, 0) << first.err;
    for (const char* mode : {"html", "malformed", "reset"}) {
        server_->fault(mode);
        auto r = lk({"login", "--force"});
        EXPECT_NE(r.exit_code, 0) << mode;
        auto again = lk({"token"});
        EXPECT_EQ(again.exit_code, 0) << mode << ": " << again.err;
        EXPECT_EQ(again.out, first.out) << mode;
    }
}

}  // namespace
}  // namespace latchkey::itest
