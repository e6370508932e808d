// RFC 8628 device authorization: the codes, every polling answer, and the ways a test
// (or a scripted browser) decides for the user.
#include <chrono>
#include <string>
#include <thread>

#include "oauth_test.hpp"

namespace latchkey::devtest {
namespace {

void sleep_ms(int ms) { std::this_thread::sleep_for(std::chrono::milliseconds(ms)); }

class DevServerDevice : public OAuthTest {
 protected:
    // Starts the server polling fast enough for tests.
    void start_fast(const std::vector<std::string>& extra = {}) {
        std::vector<std::string> args{"--setting", "device_interval=0.2", "--setting",
                                      "device_slow_down_increment=0.1"};
        args.insert(args.end(), extra.begin(), extra.end());
        start(args);
    }
    Response authorize(const std::string& scope = "read") {
        return token_request(url("/oauth2/device_authorization"),
                             {{"client_id", kPublic}, {"scope", scope}});
    }
    Response poll(const std::string& device_code, const std::string& client = kPublic) {
        return token({{"grant_type", "urn:ietf:params:oauth:grant-type:device_code"},
                      {"device_code", device_code},
                      {"client_id", client}});
    }
    static Response token_request(const std::string& endpoint, const Fields& fields) {
        return post_form(endpoint, fields);
    }
};

TEST_F(DevServerDevice, ApprovedByAdminAfterPendingGivesTokensOnce) {
    start_fast();
    const auto codes = authorize("read offline_access");
    ASSERT_EQ(codes.status, 200) << codes.body;
    const auto d = codes.json();
    const std::string device_code = d["device_code"].GetString();
    const std::string user_code = d["user_code"].GetString();
    EXPECT_EQ(std::string(d["verification_uri"].GetString()), url("/oauth2/device"));
    EXPECT_EQ(query_param(d["verification_uri_complete"].GetString(), "user_code"), user_code);
    EXPECT_DOUBLE_EQ(d["interval"].GetDouble(), 0.2);
    EXPECT_EQ(d["expires_in"].GetInt(), 600);

    EXPECT_EQ(poll(device_code).str("error"), "authorization_pending");
    EXPECT_EQ(server().pending_user_codes(), std::vector<std::string>{user_code});
    EXPECT_EQ(server().approve_device(user_code), user_code);
    sleep_ms(250);
    const auto tokens = poll(device_code);
    ASSERT_EQ(tokens.status, 200) << tokens.body;
    EXPECT_EQ(tokens.str("scope"), "read offline_access");
    EXPECT_FALSE(tokens.str("refresh_token").empty());
    const auto who =
        get(url("/api/whoami"), {"Authorization: Bearer " + tokens.str("access_token")});
    EXPECT_EQ(who.status, 200);
    EXPECT_EQ(who.str("sub"), "dev-user");
    sleep_ms(250);
    EXPECT_EQ(poll(device_code).str("error"), "invalid_grant") << "a device code is single use";
}

TEST_F(DevServerDevice, PollingFasterThanTheIntervalIsSlowDown) {
    start({"--setting", "device_interval=1", "--setting", "device_slow_down_increment=0.5"});
    const std::string device_code = authorize().str("device_code");
    EXPECT_EQ(poll(device_code).str("error"), "authorization_pending");
    const auto fast = poll(device_code);
    EXPECT_EQ(fast.status, 400);
    EXPECT_EQ(fast.str("error"), "slow_down");
    // The interval is now 1.5 s: one second is still too soon, two seconds is fine.
    sleep_ms(1100);
    EXPECT_EQ(poll(device_code).str("error"), "slow_down");
    sleep_ms(2100);
    EXPECT_EQ(poll(device_code).str("error"), "authorization_pending");
    EXPECT_EQ(server().stats()["counters"]["device_slow_downs"].GetInt(), 2);
}

TEST_F(DevServerDevice, AdminCanForceSlowDown) {
    start_fast();
    const auto d = authorize().json();
    server().force_slow_down(d["user_code"].GetString(), 1);
    EXPECT_EQ(poll(d["device_code"].GetString()).str("error"), "slow_down");
    sleep_ms(400);
    EXPECT_EQ(poll(d["device_code"].GetString()).str("error"), "authorization_pending");
}

TEST_F(DevServerDevice, DeniedIsAccessDenied) {
    start_fast();
    const std::string device_code = authorize().str("device_code");
    server().deny_device();
    const auto r = poll(device_code);
    EXPECT_EQ(r.status, 400);
    EXPECT_EQ(r.str("error"), "access_denied");
}

TEST_F(DevServerDevice, ExpiredCodeIsExpiredToken) {
    start_fast({"--setting", "device_code_lifetime=0.5"});
    const auto d = authorize().json();
    EXPECT_DOUBLE_EQ(d["expires_in"].GetDouble(), 0.5);
    sleep_ms(700);
    EXPECT_EQ(poll(d["device_code"].GetString()).str("error"), "expired_token");
    EXPECT_THROW(server().approve_device(d["user_code"].GetString()), std::runtime_error);
}

TEST_F(DevServerDevice, VerificationPageWithAutoConsentApproves) {
    start_fast({"--setting", "auto_consent=true"});
    const auto d = authorize().json();
    const auto page = get(d["verification_uri_complete"].GetString());
    EXPECT_EQ(page.status, 200);
    EXPECT_NE(page.body.find("approved"), std::string::npos) << page.body;
    EXPECT_EQ(poll(d["device_code"].GetString()).status, 200);
}

TEST_F(DevServerDevice, VerificationPageWaitsAndTheFormDecides) {
    start_fast();
    const auto d = authorize().json();
    const std::string user_code = d["user_code"].GetString();
    const auto page = get(d["verification_uri_complete"].GetString());
    EXPECT_EQ(page.status, 200);
    EXPECT_NE(page.body.find("pending"), std::string::npos) << page.body;
    // What the Approve button posts; the user code is typed in lower case without dash.
    std::string typed;
    for (const char c : user_code) {
        if (c != '-') typed += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
    const auto decided =
        post_form(url("/oauth2/device"), {{"user_code", typed}, {"action", "approve"}});
    EXPECT_EQ(decided.status, 200);
    EXPECT_EQ(poll(d["device_code"].GetString()).status, 200);
    const auto unknown = get(url("/oauth2/device?user_code=BCDF-GHJK"));
    EXPECT_EQ(unknown.status, 400);
}

TEST_F(DevServerDevice, AnotherClientCannotPollTheCode) {
    start_fast();
    const std::string device_code = authorize().str("device_code");
    server().approve_device();
    const auto r = token({{"grant_type", "urn:ietf:params:oauth:grant-type:device_code"},
                          {"device_code", device_code}},
                         kConfidential + ":" + kConfidentialSecret);
    EXPECT_EQ(r.str("error"), "invalid_grant");
    sleep_ms(250);
    EXPECT_EQ(poll(device_code).status, 200) << "the rightful client still gets its tokens";
}

TEST_F(DevServerDevice, AuthorizationNeedsAKnownClientAndAllowedScope) {
    start_fast({"--client", "narrow::read"});
    auto r = token_request(url("/oauth2/device_authorization"), {{"client_id", "nobody"}});
    EXPECT_EQ(r.status, 401);
    EXPECT_EQ(r.str("error"), "invalid_client");
    r = token_request(url("/oauth2/device_authorization"),
                      {{"client_id", "narrow"}, {"scope", "write"}});
    EXPECT_EQ(r.status, 400);
    EXPECT_EQ(r.str("error"), "invalid_scope");
    EXPECT_EQ(poll("dev-dc-made-up").str("error"), "invalid_grant");
}

}  // namespace
}  // namespace latchkey::devtest
