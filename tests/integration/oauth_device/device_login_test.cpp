// `latchkey login` at an oauth2-device-code site: what the person is told,
// the browser it opens, approval, denial, slow_down, trouble at the token
// endpoint while polling, an expired code, Ctrl-C, and a command outside
// login that needs one.
#include <signal.h>

#include <chrono>

#include "device_fixture.hpp"

namespace latchkey::itest {
namespace {

using Clock = std::chrono::steady_clock;

class OAuthDeviceLogin : public DeviceTest {};

TEST_F(OAuthDeviceLogin, ABrowserOpensTheCompleteAddressAndApproves) {
    start_device({"--setting", "auto_consent=true"});
    auto r = lk({"login"}, {{"BROWSER", browser_script()}});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.out.find("logged in to dev"), std::string::npos) << r.out;
    // The person was told where to go and what to enter, and that a browser opened.
    EXPECT_NE(r.err.find(url() + "/oauth2/device"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("enter the code: "), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("user_code="), std::string::npos) << r.err;  // the complete URI
    EXPECT_NE(r.err.find("Opened "), std::string::npos) << r.err;
    EXPECT_EQ(device_grants(), 1);

    auto t = lk({"token"});
    ASSERT_EQ(t.exit_code, 0) << t.err;
    EXPECT_EQ(whoami_status(first_line(t.out)), 200);
    EXPECT_EQ(device_grants(), 1);  // served from the store
}

TEST_F(OAuthDeviceLogin, WithoutABrowserThePersonApprovesElsewhere) {
    start_device();
    std::string shown;
    when_pending([&](const std::string& code) {
        shown = code;
        admin_device("approve", "{\"user_code\": \"" + code + "\"}");
    });
    auto r = lk({"login"});
    join_person();
    ASSERT_EQ(r.exit_code, 0) << r.err;
    ASSERT_FALSE(shown.empty());
    EXPECT_NE(r.err.find("enter the code: " + shown), std::string::npos) << r.err;
    EXPECT_EQ(r.err.find("Opened "), std::string::npos) << "no browser was opened:\n" << r.err;
    auto st = lk({"status"});
    EXPECT_NE(st.out.find("valid"), std::string::npos) << st.out;
}

TEST_F(OAuthDeviceLogin, ScopesAndAudienceReachTheServer) {
    start_device(
        {}, "scopes = [\"planet\", \"offline_access\"]\naudience = \"https://api.planet.test\"\n");
    when_pending([&](const std::string& code) {
        admin_device("approve", "{\"user_code\": \"" + code + "\"}");
    });
    auto r = lk({"login"});
    join_person();
    ASSERT_EQ(r.exit_code, 0) << r.err;
    auto stats = server_->stats();
    const auto& p = stats["clients"][kDeviceClient.c_str()]["last_params"];
    EXPECT_EQ(json_string(p, "grant_type"), "urn:ietf:params:oauth:grant-type:device_code");
    auto st = lk({"status"});
    EXPECT_NE(st.out.find("planet offline_access"), std::string::npos) << st.out;
}

TEST_F(OAuthDeviceLogin, SlowDownAddsFiveSecondsToTheInterval) {
    start_device();
    when_pending([&](const std::string& code) {
        admin_device("slow_down", "{\"user_code\": \"" + code + "\", \"count\": 1}");
        admin_device("approve", "{\"user_code\": \"" + code + "\"}");
    });
    auto began = Clock::now();
    auto r = lk({"login"});
    auto took = Clock::now() - began;
    join_person();
    ASSERT_EQ(r.exit_code, 0) << r.err;
    // One slow_down: the next poll waited 0.2 + 5 s (RFC 8628 §3.5).
    EXPECT_GE(took, std::chrono::seconds(5));
}

// The token endpoint in trouble while the person approves: polling goes on,
// less often, and the login ends with the token (RFC 8628 §3.5).
class OAuthDeviceTrouble : public DeviceTest, public ::testing::WithParamInterface<const char*> {};

TEST_P(OAuthDeviceTrouble, DoesNotEndTheLogin) {
    start_device();
    when_pending([&](const std::string& code) {
        server_->fault(GetParam(), 2);
        admin_device("approve", "{\"user_code\": \"" + code + "\"}");
    });
    auto r = lk({"login"});
    join_person();
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.out.find("logged in to dev"), std::string::npos) << r.out;
    EXPECT_EQ(device_grants(), 1);
    // Two polls met the fault; one after them got the token.
    EXPECT_GE(server_->stats()["token_requests"].GetInt(), 3);
    auto t = lk({"token"});
    EXPECT_EQ(t.exit_code, 0) << t.err;
}

// HTTP 503, and a connection reset before any answer.
INSTANTIATE_TEST_SUITE_P(WhilePolling, OAuthDeviceTrouble, ::testing::Values("503", "reset"));

TEST_F(OAuthDeviceLogin, ARetryAfterSpacesThePolls) {
    start_device();
    when_pending([&](const std::string& code) {
        server_->fault("429", 1, /*retry_after_s=*/2);
        admin_device("approve", "{\"user_code\": \"" + code + "\"}");
    });
    auto began = Clock::now();
    auto r = lk({"login"});
    auto took = Clock::now() - began;
    join_person();
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_GE(took, std::chrono::seconds(2));
}

TEST_F(OAuthDeviceLogin, TroubleUntilTheCodeExpiresSaysToLogInAgain) {
    start_device({"--setting", "device_code_lifetime=2"});
    server_->fault("503", -1);
    auto began = Clock::now();
    auto r = lk({"login"});
    EXPECT_LT(Clock::now() - began, std::chrono::seconds(15));
    EXPECT_EQ(r.exit_code, 3) << r.err;
    EXPECT_NE(r.err.find("expired"), std::string::npos) << r.err;
    // Why it ran out: the server was failing, which the person was told
    // once while waiting and is told again at the end.
    EXPECT_NE(r.err.find("the token endpoint was failing meanwhile"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("HTTP 503"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("still waiting for approval"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("latchkey login --at dev"), std::string::npos) << r.err;
}

TEST_F(OAuthDeviceLogin, ADeniedRequestIsAnErrorAndStoresNothing) {
    start_device();
    when_pending([&](const std::string& code) {
        admin_device("deny", "{\"user_code\": \"" + code + "\"}");
    });
    auto r = lk({"login"});
    join_person();
    EXPECT_EQ(r.exit_code, 1) << r.err;
    EXPECT_NE(r.err.find("denied"), std::string::npos) << r.err;
    auto st = lk({"status"});
    EXPECT_NE(st.out.find("not logged in"), std::string::npos) << st.out;
}

TEST_F(OAuthDeviceLogin, AnExpiredCodeSaysToLogInAgain) {
    start_device({"--setting", "device_code_lifetime=1"});
    auto began = Clock::now();
    auto r = lk({"login"});
    EXPECT_LT(Clock::now() - began, std::chrono::seconds(10));
    EXPECT_EQ(r.exit_code, 3) << r.err;
    EXPECT_NE(r.err.find("expired"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("latchkey login --at dev"), std::string::npos) << r.err;
    auto st = lk({"status"});
    EXPECT_NE(st.out.find("not logged in"), std::string::npos) << st.out;
}

TEST_F(OAuthDeviceLogin, TokenOutsideLoginExitsThreeAtOnce) {
    start_device();
    auto began = Clock::now();
    auto r = lk({"token"});
    EXPECT_LT(Clock::now() - began, std::chrono::seconds(5));
    EXPECT_EQ(r.exit_code, 3) << r.err;
    EXPECT_EQ(r.out, "");
    EXPECT_NE(r.err.find("latchkey login --at dev"), std::string::npos) << r.err;
    EXPECT_EQ(client_stat(kDeviceClient, "grants", "urn:ietf:params:oauth:grant-type:device_code"),
              0);
}

TEST_F(OAuthDeviceLogin, CtrlCStopsTheLoginAndKeepsTheStoredCredential) {
    start_device();
    when_pending([&](const std::string& code) {
        admin_device("approve", "{\"user_code\": \"" + code + "\"}");
    });
    ASSERT_EQ(lk({"login"}).exit_code, 0);
    join_person();
    auto before = lk({"token"});
    ASSERT_EQ(before.exit_code, 0) << before.err;

    // A second login, interrupted while it polls.
    const std::string err_file = sandbox_.file("login.err");
    test::RunOptions o = options();
    test::Child login({"/bin/sh", "-c", "exec \"$0\" \"$@\" 2>\"" + err_file + "\"",
                       LATCHKEY_CLI_PATH, "--config", policy(), "login", "--force"},
                      o);
    bool pending = false;
    for (int i = 0; i < 100 && !pending; ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
        pending =
            test::http_get(url() + "/admin/device").body.find("user_code") != std::string::npos;
    }
    ASSERT_TRUE(pending);
    int code = login.stop(SIGINT);
    EXPECT_NE(code, 0);
    std::string err = test::read_file(err_file);
    record({"login", "--force"}, test::RunResult{code, "", err, false});
    EXPECT_NE(err.find("cancelled"), std::string::npos) << err;

    auto after = lk({"token"});
    ASSERT_EQ(after.exit_code, 0) << after.err;
    EXPECT_EQ(after.out, before.out);
}

TEST_F(OAuthDeviceLogin, AConfidentialClientSignsAtBothEndpoints) {
    start_device(
        {"--client", "device-keyed:", "--setting", "client_key.device-keyed=" + keys().ec_pub});
    write_policy(site("dev", "oauth2-device-code",
                      "issuer = \"" + url() +
                          "\"\nclient_id = \"device-keyed\"\nprivate_key_file = \"" + keys().ec +
                          "\"\nsigning_alg = \"ES256\"\n"));
    when_pending([&](const std::string& code) {
        admin_device("approve", "{\"user_code\": \"" + code + "\"}");
    });
    auto r = lk({"login"});
    join_person();
    ASSERT_EQ(r.exit_code, 0) << r.err;
    // The device authorization request and every poll carried a fresh assertion.
    EXPECT_GE(client_stat("device-keyed", "auth_methods", "private_key_jwt"), 2);
    EXPECT_EQ(client_stat("device-keyed", "auth_methods", "none"), 0);
}

TEST_F(OAuthDeviceLogin, ATerminalShowsACountdownWhileWaiting) {
    start_device();
    when_pending([&](const std::string& code) {
        std::this_thread::sleep_for(std::chrono::milliseconds(1500));
        admin_device("approve", "{\"user_code\": \"" + code + "\"}");
    });
    // script(1) gives the CLI a pseudo-terminal; its output is the terminal's.
    test::RunOptions o = options();
    o.timeout_ms = 30'000;
    auto r = test::run(
        {"/usr/bin/script", "-qec",
         std::string(LATCHKEY_CLI_PATH) + " --config " + policy() + " login", "/dev/null"},
        o);
    join_person();
    record({"login"}, r);
    ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
    EXPECT_NE(r.out.find("Waiting for approval of code "), std::string::npos) << r.out;
    EXPECT_NE(r.out.find(" left, Ctrl-C to stop)"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("9:5"), std::string::npos) << "a countdown from 10:00:\n" << r.out;
    EXPECT_NE(r.out.find("logged in to dev"), std::string::npos) << r.out;
}

TEST_F(OAuthDeviceLogin, ProvidersShowListsTheOptions) {
    auto r = run_cli({"providers", "show", "oauth2-device-code"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    for (const char* key :
         {"issuer", "token_url", "device_authorization_url", "revocation_url", "userinfo_url",
          "client_id", "client_secret", "client_auth", "private_key_file", "private_key_passphrase",
          "key_id", "signing_alg", "client_cert_file", "client_key_file", "client_key_passphrase",
          "scopes", "audience", "resource", "open_browser"})
        EXPECT_NE(r.out.find(std::string("  ") + key + " "), std::string::npos) << key << "\n"
                                                                                << r.out;
}

}  // namespace
}  // namespace latchkey::itest
