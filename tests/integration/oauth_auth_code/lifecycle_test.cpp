// After the login: tokens served without the person, refreshed with the
// refresh token, a rejected refresh turned into "log in again" (exit 3,
// never a prompt), logout with revocation, whoami, discovery from the
// issuer, and the provider's options as `providers show` lists them.
#include <algorithm>
#include <chrono>
#include <thread>

#include "auth_code_fixture.hpp"

namespace latchkey::itest {
namespace {

class AuthCodeLifecycle : public AuthCodeTest {
 protected:
    explicit AuthCodeLifecycle(const std::vector<std::string>& server_args = {})
        : AuthCodeTest(server_args) {}
    void SetUp() override {
        write_policy(loopback_site());
        use_following_browser();
    }
    void login() {
        auto r = lkb({"login"});
        ASSERT_EQ(r.exit_code, 0) << r.err;
    }
    std::string token() {
        auto r = lkb({"token"}, "", 30'000);
        EXPECT_EQ(r.exit_code, 0) << r.err;
        return first_line(r.out);
    }
    void expect_login_needed(const RunResult& r) {
        EXPECT_EQ(r.exit_code, 3) << r.err;
        EXPECT_NE(r.err.find("run `latchkey login --at app`"), std::string::npos) << r.err;
    }
};

TEST_F(AuthCodeLifecycle, TokenBeforeAnyLoginAsksForOneWithoutOpeningABrowser) {
    // Standard input has an answer ready: it must not be read.
    auto r = lkb({"token"}, kVendorRedirect + "?code=x&state=y\n", 20'000);
    expect_login_needed(r);
    EXPECT_EQ(opened(), "");
    EXPECT_EQ(r.err.find("open this address"), std::string::npos) << r.err;
}

TEST_F(AuthCodeLifecycle, RefreshUsesTheRefreshTokenWithoutTheBrowser) {
    // Every credential is inside its refresh window at once.
    write_policy(loopback_site("refresh_before = \"2h\"\n"));
    login();
    const std::string first = token();
    const std::string second = token();
    EXPECT_NE(first, second);
    EXPECT_GE(grants(kPublicClient, "refresh_token"), 1);
    EXPECT_EQ(grants(kPublicClient, "authorization_code"), 1);
    const std::string opened_lines = opened();
    EXPECT_EQ(std::count(opened_lines.begin(), opened_lines.end(), '\n'), 1) << opened_lines;
    EXPECT_EQ(opened().find('\n'), opened().size() - 1) << "one browser login only";
    EXPECT_EQ(whoami_with(second).status, 200);
}

// Access tokens that live two seconds, so a test can let one expire.
class AuthCodeShortLived : public AuthCodeLifecycle {
 protected:
    AuthCodeShortLived() : AuthCodeLifecycle(std::vector<std::string>{"--token-lifetime", "2"}) {}
};

TEST_F(AuthCodeShortLived, RejectedRefreshErasesTheCredentialAndAsksForALogin) {
    login();
    // The server forgets every token it issued: the refresh token is now
    // invalid_grant. Once the access token has expired too, nothing is left
    // to serve.
    ASSERT_EQ(test::http_post_json(server_.url() + "/admin/reset", "{}").status, 200);
    std::this_thread::sleep_for(std::chrono::milliseconds(2500));
    auto r = lkb({"token"}, "", 20'000);
    expect_login_needed(r);
    auto st = lkb({"status"});
    EXPECT_NE(st.out.find("not logged in"), std::string::npos) << st.out;
    // And a new login works again.
    login();
    EXPECT_EQ(token().rfind("dev-at-", 0), 0u);
}

TEST_F(AuthCodeLifecycle, LoginFromTheIssuerAloneUsesDiscoveredEndpoints) {
    write_policy(site(R"(issuer = "$SERVER"
client_id = "$PUBLIC_CLIENT"
scopes = ["openid", "offline_access"]
)"));
    login();
    EXPECT_EQ(opened().rfind(server_.url() + "/oauth2/authorize?", 0), 0u) << opened();
    EXPECT_EQ(grants(kPublicClient, "authorization_code"), 1);

    auto who = lkb({"-o", "json", "whoami"});
    ASSERT_EQ(who.exit_code, 0) << who.err;
    auto d = parse_json(who.out);
    EXPECT_FALSE(json_string(d, "sub").empty()) << who.out;
}

TEST_F(AuthCodeLifecycle, LogoutRevokesAtTheServer) {
    write_policy(loopback_site("revocation_url = \"" + server_.url() + "/oauth2/revoke\"\n"));
    login();
    const std::string t = token();
    ASSERT_EQ(whoami_with(t).status, 200);
    auto out = lkb({"logout"});
    ASSERT_EQ(out.exit_code, 0) << out.err;
    EXPECT_EQ(whoami_with(t).status, 401);
    expect_login_needed(lkb({"token"}, "", 20'000));
}

TEST_F(AuthCodeLifecycle, ProvidersShowListsTheOptions) {
    auto r = lkb({"providers", "show", "oauth2-auth-code"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    for (const char* option :
         {"authorization_url", "token_url", "issuer", "client_id", "client_secret", "client_auth",
          "scopes", "audience", "extra_params", "redirect", "redirect_port", "redirect_path",
          "redirect_url", "login_timeout", "open_browser", "revocation_url", "userinfo_url"})
        EXPECT_NE(r.out.find(option), std::string::npos) << option << " missing:\n" << r.out;
    EXPECT_NE(r.out.find("loopback"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("5m"), std::string::npos) << r.out;
}

TEST_F(AuthCodeLifecycle, BadRedirectSettingsAreConfigurationErrors) {
    struct Case {
        std::string extra, expected;
    } cases[] = {
        {"redirect = \"carrier-pigeon\"\n", "option 'redirect' is \"carrier-pigeon\""},
        {"redirect_path = \"callback\"\n", "option 'redirect_path' must be a plain path"},
        {"redirect_url = \"https://x.example/cb\"\n", "option 'redirect_url' is for redirect"},
        {"redirect_port = 70000\n", "option 'redirect_port' must be 0 to 65535"},
        {"extra_params = [\"state=mine\"]\n", "sets 'state', which the provider sets itself"},
    };
    for (auto& c : cases) {
        write_policy(loopback_site(c.extra));
        auto r = lkb({"login"});
        EXPECT_EQ(r.exit_code, 1) << c.extra << r.err;
        EXPECT_NE(r.err.find(c.expected), std::string::npos) << c.extra << r.err;
        EXPECT_EQ(opened(), "") << c.extra;
    }
}

}  // namespace
}  // namespace latchkey::itest
