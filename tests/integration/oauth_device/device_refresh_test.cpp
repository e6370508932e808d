// After a device login: refresh with the refresh token, a refused refresh
// that needs a new login (exit 3, never a wait), whoami from userinfo or
// from the ID token's claims, and logout revoking at the server.
#include <chrono>
#include <thread>

#include "device_fixture.hpp"

namespace latchkey::itest {
namespace {

class OAuthDeviceSession : public DeviceTest {
 protected:
    // Logs in (approved through the admin API); the login must succeed.
    void login() { login_approved(); }
    std::string token() {
        auto r = lk({"token"});
        EXPECT_EQ(r.exit_code, 0) << r.err;
        return first_line(r.out);
    }
};

TEST_F(OAuthDeviceSession, TheRefreshTokenRenewsTheAccessToken) {
    start_device({}, "scopes = [\"offline_access\"]\nrefresh_before = \"2h\"\n");
    login();
    std::string a = token();
    std::string b = token();
    EXPECT_NE(a, b);
    EXPECT_EQ(refresh_grants(), 2);
    EXPECT_EQ(device_grants(), 1);
    EXPECT_EQ(whoami_status(b), 200);
}

TEST_F(OAuthDeviceSession, ARefusedRefreshNeedsANewLoginAndSaysSo) {
    // One-second access tokens: the next call must refresh.
    start_device({"--token-lifetime", "1"}, "scopes = [\"offline_access\"]\n");
    login();
    std::this_thread::sleep_for(std::chrono::milliseconds(1200));
    // The server forgets every refresh token of the client.
    auto revoke = test::http_post_json(
        url() + "/admin/tokens/revoke",
        "{\"client_id\": \"" + kDeviceClient + "\", \"type\": \"refresh_token\"}");
    ASSERT_EQ(revoke.status, 200) << revoke.body;

    auto r = lk({"token"});
    EXPECT_EQ(r.exit_code, 3) << r.err;
    EXPECT_EQ(r.out, "");
    EXPECT_NE(r.err.find("latchkey login --at dev"), std::string::npos) << r.err;
    // It says why: the server refused the refresh token.
    EXPECT_NE(r.err.find("the server refused the refresh token"), std::string::npos) << r.err;
    EXPECT_EQ(device_grants(), 1);  // no new device flow outside login
    // The refused credential is gone; the next login starts afresh.
    auto st = lk({"status"});
    EXPECT_NE(st.out.find("not logged in"), std::string::npos) << st.out;
}

TEST_F(OAuthDeviceSession, WhoamiAsksTheUserinfoEndpoint) {
    start_device({}, "scopes = [\"openid\", \"profile\"]\n");
    login();
    auto r = lk({"-o", "json", "whoami"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    auto d = parse_json(r.out);
    ASSERT_TRUE(d.IsObject()) << r.out;
    EXPECT_EQ(json_string(d, "sub"), "dev-user") << r.out;
    // The userinfo answer, not the ID token's claims (which carry `aud`).
    EXPECT_FALSE(d.HasMember("aud")) << r.out;
}

TEST_F(OAuthDeviceSession, WhoamiWithoutUserinfoShowsTheIdTokensClaimsOnly) {
    start_device({"--setting", "omit_userinfo=true"}, "scopes = [\"openid\", \"profile\"]\n");
    login();
    auto r = lk({"-o", "json", "whoami"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    auto d = parse_json(r.out);
    ASSERT_TRUE(d.IsObject()) << r.out;
    EXPECT_TRUE(d.HasMember("sub")) << r.out;
    EXPECT_EQ(json_string(d, "aud"), kDeviceClient);
    // Claims, never a token or a signature (three base64url segments).
    EXPECT_EQ(r.out.find("eyJ"), std::string::npos) << r.out;
}

TEST_F(OAuthDeviceSession, LogoutRevokesAtTheServerThenForgets) {
    start_device({}, "scopes = [\"offline_access\"]\n");
    login();
    std::string t = token();
    ASSERT_EQ(whoami_status(t), 200);
    auto r = lk({"logout"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.out.find("logged out of dev"), std::string::npos) << r.out;
    EXPECT_EQ(whoami_status(t), 401);  // the access token is dead at the server
    auto st = lk({"status"});
    EXPECT_NE(st.out.find("not logged in"), std::string::npos) << st.out;
}

}  // namespace
}  // namespace latchkey::itest
