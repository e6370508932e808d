// Loopback logins (RFC 8252 §7.3) as a person makes them: `latchkey login`
// shows the address and opens the browser ($BROWSER, a script that logs in
// at the dev server and follows its redirect to latchkey's listener on
// 127.0.0.1), then stores what the code was traded for.
#include <algorithm>
#include <chrono>

#include "auth_code_fixture.hpp"

namespace latchkey::itest {
namespace {

class AuthCodeLoopback : public AuthCodeTest {
 protected:
    void SetUp() override { write_policy(loopback_site()); }

    // The authorization address latchkey showed on standard error.
    static std::string shown_address(const RunResult& r) {
        return line_starting(r.err, "http://127.0.0.1");
    }
    void expect_nothing_stored() {
        auto st = lkb({"status"});
        EXPECT_NE(st.out.find("not logged in"), std::string::npos) << st.out;
        EXPECT_EQ(grants(kPublicClient, "authorization_code"), 0);
    }
};

TEST_F(AuthCodeLoopback, LoginThroughTheBrowserStoresATokenTheServerAccepts) {
    use_following_browser();
    auto r = lkb({"login"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.out.find("logged in to app"), std::string::npos) << r.out;
    EXPECT_NE(r.err.find("open this address in a browser"), std::string::npos) << r.err;

    // The browser was sent exactly the address shown, once.
    const std::string address = shown_address(r);
    ASSERT_FALSE(address.empty()) << r.err;
    EXPECT_EQ(opened(), address + "\n");
    EXPECT_EQ(address.rfind(server_.url() + "/oauth2/authorize?", 0), 0u) << address;
    EXPECT_EQ(query_value(address, "response_type"), "code");
    EXPECT_EQ(query_value(address, "client_id"), kPublicClient);
    EXPECT_EQ(query_value(address, "code_challenge_method"), "S256");
    // base64url of a SHA-256 digest, no padding (RFC 7636 §4.2).
    EXPECT_EQ(query_value(address, "code_challenge").size(), 43u) << address;
    EXPECT_GE(query_value(address, "state").size(), 16u) << address;
    EXPECT_EQ(query_value(address, "redirect_uri").rfind("http%3A%2F%2F127.0.0.1%3A", 0), 0u)
        << address;

    EXPECT_EQ(page_status(1), 200);
    EXPECT_NE(page(1).find("Login received"), std::string::npos) << page(1);

    // The server checked the PKCE verifier against the challenge and issued
    // a token to the public client, which authenticated with "none".
    EXPECT_EQ(grants(kPublicClient, "authorization_code"), 1);
    auto t = lkb({"token"});
    ASSERT_EQ(t.exit_code, 0) << t.err;
    std::string token = first_line(t.out);
    EXPECT_EQ(token.rfind("dev-at-", 0), 0u) << t.out;
    auto who = whoami_with(token);
    ASSERT_EQ(who.status, 200) << who.body;
    EXPECT_EQ(json_string(parse_json(who.body), "client_id"), kPublicClient);
    // Served from the store: no second login, no second exchange.
    EXPECT_EQ(grants(kPublicClient, "authorization_code"), 1);
}

TEST_F(AuthCodeLoopback, AFixedRedirectPortIsUsed) {
    const int port = closed_port();
    write_policy(loopback_site("redirect_port = " + std::to_string(port) +
                               "\nredirect_path = \"/oauth/done\"\n"));
    use_following_browser();
    auto r = lkb({"login"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(query_value(shown_address(r), "redirect_uri"),
              "http%3A%2F%2F127.0.0.1%3A" + std::to_string(port) + "%2Foauth%2Fdone")
        << r.err;
    EXPECT_EQ(page_status(1), 200);
}

TEST_F(AuthCodeLoopback, WrongStateIsRefusedAndNothingIsStored) {
    use_browser(
        "loc=$(redirect \"$1\")\n"
        "get \"$(printf '%s' \"$loc\" | sed 's/state=[^&]*/state=forged-state/')\" 1\n");
    auto r = lkb({"login"});
    EXPECT_EQ(r.exit_code, 1) << r.err;
    EXPECT_NE(r.err.find("does not carry the `state` this login sent"), std::string::npos) << r.err;
    EXPECT_EQ(page_status(1), 400);
    EXPECT_NE(page(1).find("does not belong to the login"), std::string::npos) << page(1);
    expect_nothing_stored();
}

TEST_F(AuthCodeLoopback, AccessDeniedIsReportedAndNothingIsStored) {
    use_browser(
        "loc=$(redirect \"$1\")\n"
        "get \"$(printf '%s' \"$loc\" | sed "
        "'s/code=[^&]*/error=access_denied\\&error_description=The+user+said+no/')\" 1\n");
    auto r = lkb({"login"});
    EXPECT_EQ(r.exit_code, 1) << r.err;
    EXPECT_NE(r.err.find("refused the login: access_denied: The user said no"), std::string::npos)
        << r.err;
    EXPECT_NE(page(1).find("refused the login (access_denied)"), std::string::npos) << page(1);
    expect_nothing_stored();
}

TEST_F(AuthCodeLoopback, ARedirectFromAnotherIssuerIsRefused) {
    // With 'issuer' set, the redirect's `iss` (RFC 9207) must name it.
    write_policy(site(R"(issuer = "$SERVER"
client_id = "$PUBLIC_CLIENT"
)"));
    use_browser(
        "loc=$(redirect \"$1\")\n"
        "get \"$(printf '%s' \"$loc\" | sed 's/iss=[^&]*/iss=https%3A%2F%2Fevil.example/')\" 1\n");
    auto r = lkb({"login"});
    EXPECT_EQ(r.exit_code, 1) << r.err;
    EXPECT_NE(r.err.find("comes from another authorization server"), std::string::npos) << r.err;
    EXPECT_EQ(page_status(1), 400);
    expect_nothing_stored();
}

TEST_F(AuthCodeLoopback, ARedirectWithoutACodeIsRefused) {
    use_browser(
        "loc=$(redirect \"$1\")\n"
        "get \"$(printf '%s' \"$loc\" | sed 's/code=[^&]*&*//')\" 1\n");
    auto r = lkb({"login"});
    EXPECT_EQ(r.exit_code, 1) << r.err;
    EXPECT_NE(r.err.find("carries no authorization code"), std::string::npos) << r.err;
    EXPECT_EQ(page_status(1), 400);
    expect_nothing_stored();
}

TEST_F(AuthCodeLoopback, ASecondCallbackIsAnsweredButNeverUsed) {
    // The exchange is slowed down so the second request surely arrives while
    // the login is still running.
    server_.fault("delay", 1, 0, 1500);
    use_browser(
        "loc=$(redirect \"$1\")\n"
        "get \"$loc\" 1\n"
        "get \"$(printf '%s' \"$loc\" | sed 's/code=[^&]*/code=another-code/')\" 2\n");
    auto r = lkb({"login"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(page_status(1), 200);
    EXPECT_EQ(page_status(2), 409);
    EXPECT_NE(page(2).find("already received its redirect"), std::string::npos) << page(2);
    EXPECT_EQ(grants(kPublicClient, "authorization_code"), 1);
    EXPECT_EQ(lkb({"token"}).exit_code, 0);
}

TEST_F(AuthCodeLoopback, NoRedirectWithinTheLoginTimeoutFailsClearly) {
    write_policy(loopback_site("login_timeout = \"2s\"\n"));
    use_browser("exit 0\n");  // opens nothing: the person never logs in
    auto started = std::chrono::steady_clock::now();
    auto r = lkb({"login"});
    auto took = std::chrono::steady_clock::now() - started;
    EXPECT_EQ(r.exit_code, 1) << r.err;
    EXPECT_NE(r.err.find("no login arrived from the browser within 2s (option 'login_timeout')"),
              std::string::npos)
        << r.err;
    EXPECT_GE(took, std::chrono::seconds(2));
    EXPECT_LT(took, std::chrono::seconds(20));
    expect_nothing_stored();
}

TEST_F(AuthCodeLoopback, CtrlCEndsTheWaitAndStoresNothing) {
    auto run = start({"login"});  // no browser: nobody will log in
    ASSERT_TRUE(run->wait_for_stderr("open this address in a browser", 20'000));
    run->interrupt();
    auto r = run->finish(10'000);
    keep({"login"}, r);
    EXPECT_NE(r.exit_code, 0) << r.err;
    EXPECT_NE(r.err.find("login cancelled; nothing was stored"), std::string::npos) << r.err;
    expect_nothing_stored();
}

TEST_F(AuthCodeLoopback, WithoutABrowserTheAddressIsStillShown) {
    write_policy(loopback_site("login_timeout = \"1s\"\n"));
    auto r = lkb({"login"});  // no $BROWSER, no display
    EXPECT_EQ(r.exit_code, 1) << r.err;
    EXPECT_FALSE(shown_address(r).empty()) << r.err;
    EXPECT_NE(r.err.find("No browser could be opened here"), std::string::npos) << r.err;
}

TEST_F(AuthCodeLoopback, TokenEndpointFailureAfterTheRedirectFailsOnce) {
    server_.fault("500", 5);
    use_following_browser();
    auto r = lkb({"login"});
    EXPECT_EQ(r.exit_code, 1) << r.err;
    EXPECT_NE(r.err.find("token endpoint refused the request: server_error"), std::string::npos)
        << r.err;
    EXPECT_NE(r.err.find("the login was not completed, run it again later"), std::string::npos)
        << r.err;
    // Not retried by starting another browser login.
    const std::string opened_lines = opened();
    EXPECT_EQ(std::count(opened_lines.begin(), opened_lines.end(), '\n'), 1) << opened_lines;
    EXPECT_EQ(opened().find('\n'), opened().size() - 1) << opened();
    auto st = lkb({"status"});
    EXPECT_NE(st.out.find("not logged in"), std::string::npos) << st.out;
}

TEST_F(AuthCodeLoopback, TokenEndpointRefusalOfTheCodeIsReported) {
    // The client is unknown to the server's token endpoint: invalid_client.
    write_policy(
        loopback_site("client_auth = \"client_secret_post\"\n"
                      "client_secret = \"not-the-secret-81c\"\n"));
    never_print("not-the-secret-81c");
    use_following_browser();
    auto r = lkb({"login"});
    EXPECT_EQ(r.exit_code, 1) << r.err;
    EXPECT_NE(r.err.find("token endpoint refused the request: invalid_client"), std::string::npos)
        << r.err;
}

}  // namespace
}  // namespace latchkey::itest
