// Pasted logins, for vendors that register no loopback redirect (Anaplan):
// latchkey shows the address, the person logs in and pastes the address the
// browser ended on. The test plays that person: it reads the address from
// latchkey's standard error, logs in with curl, and types the redirect
// address on latchkey's standard input (a pipe).
#include "auth_code_fixture.hpp"

namespace latchkey::itest {
namespace {

const char* const kPrompt = "Address after the login: ";

class AuthCodePaste : public AuthCodeTest {
 protected:
    void SetUp() override { write_policy(paste_site()); }

    // Runs `latchkey login`, answers its prompt with answer(redirect), and
    // returns what it printed. `redirect` is where the server sent the browser.
    template <class Answer>
    RunResult login_pasting(Answer&& answer) {
        auto run = start({"login"});
        auto err = run->wait_for_stderr(kPrompt, 20'000);
        EXPECT_TRUE(err) << "no prompt";
        std::string redirect;
        if (err) {
            std::string address = line_starting(*err, server_.url() + "/oauth2/authorize?");
            EXPECT_FALSE(address.empty()) << *err;
            EXPECT_EQ(query_value(address, "redirect_uri"),
                      "https%3A%2F%2Fvendor.example%2Fcallback")
                << address;
            redirect = redirect_of(address);
            EXPECT_EQ(redirect.rfind(kVendorRedirect + "?", 0), 0u) << redirect;
        }
        run->type_line(answer(redirect));
        RunResult r = run->finish(30'000);
        keep({"login"}, r);
        return r;
    }
    void expect_nothing_stored() {
        auto st = lkb({"status"});
        EXPECT_NE(st.out.find("not logged in"), std::string::npos) << st.out;
        EXPECT_EQ(grants(kClient, "authorization_code"), 0);
    }
};

TEST_F(AuthCodePaste, PastedRedirectCompletesTheLogin) {
    auto r = login_pasting([](const std::string& redirect) { return redirect; });
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.out.find("logged in to app"), std::string::npos) << r.out;
    EXPECT_NE(r.err.find("copy that whole address"), std::string::npos) << r.err;
    EXPECT_EQ(grants(kClient, "authorization_code"), 1);

    auto t = lkb({"token"});
    ASSERT_EQ(t.exit_code, 0) << t.err;
    auto who = whoami_with(first_line(t.out));
    ASSERT_EQ(who.status, 200) << who.body;
    EXPECT_EQ(json_string(parse_json(who.body), "client_id"), kClient);
}

TEST_F(AuthCodePaste, PastedAddressWithSurroundingSpacesIsAccepted) {
    auto r = login_pasting([](const std::string& redirect) { return "  " + redirect + " \r"; });
    ASSERT_EQ(r.exit_code, 0) << r.err;
}

TEST_F(AuthCodePaste, WrongStateIsRefusedAndNothingIsStored) {
    auto r = lkb({"login"}, kVendorRedirect + "?code=some-code&state=forged-state\n");
    EXPECT_EQ(r.exit_code, 1) << r.err;
    EXPECT_NE(r.err.find("does not carry the `state` this login sent"), std::string::npos) << r.err;
    expect_nothing_stored();
}

TEST_F(AuthCodePaste, AddressWithoutACodeIsRefused) {
    auto r = login_pasting([](const std::string& redirect) {
        std::string state = query_value(redirect, "state");
        return kVendorRedirect + "?state=" + state;
    });
    EXPECT_EQ(r.exit_code, 1) << r.err;
    EXPECT_NE(r.err.find("carries no authorization code"), std::string::npos) << r.err;
    expect_nothing_stored();
}

TEST_F(AuthCodePaste, AnotherAddressIsRefused) {
    auto r = lkb({"login"}, "https://elsewhere.example/?code=abc&state=xyz\n");
    EXPECT_EQ(r.exit_code, 1) << r.err;
    EXPECT_NE(r.err.find("is not an address starting with " + kVendorRedirect), std::string::npos)
        << r.err;
    expect_nothing_stored();
}

TEST_F(AuthCodePaste, NothingPastedNeedsALogin) {
    // Standard input ends before an answer: nobody is there to paste.
    auto r = lkb({"login"});
    EXPECT_EQ(r.exit_code, 3) << r.err;
    EXPECT_NE(r.err.find("run `latchkey login --at app`"), std::string::npos) << r.err;
    expect_nothing_stored();
}

TEST_F(AuthCodePaste, ConfigurationWithoutARedirectUrlIsRefused) {
    write_policy(site(R"(authorization_url = "$SERVER/oauth2/authorize"
token_url = "$SERVER/oauth2/token"
client_id = "$CLIENT"
redirect = "paste"
)"));
    auto r = lkb({"login"});
    EXPECT_EQ(r.exit_code, 1) << r.err;
    EXPECT_NE(r.err.find("option 'redirect_url' is required"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace latchkey::itest
