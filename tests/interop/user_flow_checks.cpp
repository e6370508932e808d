// What follows a person's login, the same for both flows that have one
// (device_flow_test.cpp and auth_code_test.cpp run each check): the token is
// one oidc-provider issued to the right client for the right person; it is
// refreshed with rotation (each refresh token works once, and latchkey
// always keeps the newest); `latchkey logout` revokes at the server; and
// `latchkey whoami` shows the person from the userinfo endpoint.
#include "user_flow.hpp"

namespace latchkey::interop {

void UserFlowTest::login_gets_a_token_the_server_issued_to_the_person() {
    write_policy(site());
    Stored s = logged_in();
    EXPECT_FALSE(s.refresh_token.empty()) << "no refresh token stored";

    auto d = introspect(s.token);
    ASSERT_TRUE(d.IsObject());
    ASSERT_TRUE(d.HasMember("active") && d["active"].IsTrue());
    EXPECT_EQ(itest::json_string(d, "client_id"), client());
    EXPECT_EQ(itest::json_string(d, "sub"), kUser);
    EXPECT_NE(itest::json_string(d, "scope").find("openid"), std::string::npos);

    // What the CLI hands out is the stored token; the store is not re-asked.
    EXPECT_EQ(token(), s.token);
    auto st = lk({"status"});
    ASSERT_EQ(st.exit_code, 0) << st.err;
    EXPECT_NE(st.out.find("valid"), std::string::npos) << st.out;
}

void UserFlowTest::token_before_any_login_says_to_log_in() {
    write_policy(site());
    auto r = lk({"token"}, {{"BROWSER", browser("authorize")}});
    EXPECT_EQ(r.exit_code, 3) << r.out << r.err;
    EXPECT_EQ(r.out, "");
    EXPECT_NE(r.err.find("latchkey login --at op"), std::string::npos) << r.err;
    // No browser was opened outside `latchkey login`.
    EXPECT_EQ(test::read_file(user_agent_log()), "");
}

void UserFlowTest::refresh_rotates_the_refresh_token_and_keeps_the_newest() {
    // Every `token` is due for a refresh: the access tokens live an hour.
    write_policy(site("refresh_before = \"2h\"\n"));
    Stored first = logged_in();
    ASSERT_FALSE(first.refresh_token.empty());

    std::string second_token = token();
    EXPECT_NE(second_token, first.token) << "not refreshed";
    auto second = stored();
    ASSERT_TRUE(second);
    token_like(second->refresh_token);
    EXPECT_EQ(second->token, second_token);
    EXPECT_NE(second->refresh_token, first.refresh_token) << "the refresh token was not rotated";
    // oidc-provider spent the first refresh token; the new one is live.
    EXPECT_FALSE(active(first.refresh_token));
    EXPECT_TRUE(active(second->refresh_token));
    EXPECT_TRUE(active(second_token));

    // A second refresh works only with the rotated token (reusing a spent
    // one makes oidc-provider revoke the whole grant).
    std::string third_token = token();
    EXPECT_NE(third_token, second_token);
    EXPECT_TRUE(active(third_token));
    auto third = stored();
    ASSERT_TRUE(third);
    token_like(third->refresh_token);
    EXPECT_NE(third->refresh_token, second->refresh_token);
    EXPECT_TRUE(active(third->refresh_token));
}

void UserFlowTest::logout_revokes_at_the_server() {
    write_policy(site());
    Stored s = logged_in();
    ASSERT_TRUE(active(s.token));
    ASSERT_TRUE(active(s.refresh_token));

    auto out = lk({"logout"});
    ASSERT_EQ(out.exit_code, 0) << out.err;
    EXPECT_NE(out.out.find("logged out of op"), std::string::npos) << out.out;

    EXPECT_FALSE(active(s.token)) << "the access token is still active after logout";
    EXPECT_FALSE(active(s.refresh_token)) << "the refresh token is still active after logout";
    EXPECT_FALSE(stored().has_value());
    auto again = lk({"token"});
    EXPECT_EQ(again.exit_code, 3) << again.err;
}

void UserFlowTest::whoami_shows_the_person_from_userinfo() {
    write_policy(site());
    logged_in();
    auto r = lk({"-o", "json", "whoami"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    auto d = itest::parse_json(r.out);
    ASSERT_TRUE(d.IsObject()) << r.out;
    EXPECT_EQ(itest::json_string(d, "sub"), kUser);
    EXPECT_EQ(itest::json_string(d, "email"), kUser + "@example.test");
}

void UserFlowTest::a_denied_login_fails_and_stores_nothing() {
    write_policy(site());
    auto r = login({"--deny"});
    EXPECT_EQ(r.exit_code, 1) << r.out << r.err << "\nuser agent:\n"
                              << test::read_file(user_agent_log());
    EXPECT_NE(r.err.find("site 'op'"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("denied"), std::string::npos) << r.err;
    EXPECT_FALSE(stored().has_value());
}

}  // namespace latchkey::interop
