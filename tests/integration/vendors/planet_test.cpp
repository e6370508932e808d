// The shipped Planet policy (config/planet.toml) driven as a user would: the
// legacy API key from PL_AUTH_API_KEY or PL_API_KEY, sent as "api-key", and
// the M2M site (client credentials with HTTP Basic and an audience) against
// the dev server, refreshing at 75 % of the token's lifetime.
#include <chrono>
#include <thread>

#include "vendor_fixture.hpp"

namespace latchkey::itest {
namespace {

const std::string kPlanetPolicy = std::string(LATCHKEY_SOURCE_DIR) + "/config/planet.toml";

class Planet : public VendorTest {
 protected:
    // Access tokens live 8 s, so 75 % is 6 s: room for a slow, loaded
    // machine between the checks below.
    Planet()
        : VendorTest({"--token-lifetime", "8",
                      // Planet's CLI as a public client, approved when its page loads.
                      "--client", "planet-cli:", "--setting", "device_interval=0.2", "--setting",
                      "auto_consent=true"}) {}

    test::RunResult planet(const std::vector<std::string>& args,
                           const std::map<std::string, std::optional<std::string>>& env) {
        std::vector<std::string> all{"--config", kPlanetPolicy};
        all.insert(all.end(), args.begin(), args.end());
        return run_cli(all, env);
    }

    // `token` of the M2M site, its token endpoint moved to the dev server.
    std::string m2m_token() {
        auto r =
            planet({"--at", "planet-m2m", "--set", "token_url=" + server_.token_url(), "token"},
                   {{"PL_AUTH_CLIENT_ID", kClient}, {"PL_AUTH_CLIENT_SECRET", kSecret}});
        EXPECT_EQ(r.exit_code, 0) << r.err;
        return first_line(r.out);
    }
};

TEST_F(Planet, ApiKeyComesFromEitherVariableAndPlAuthApiKeyWins) {
    const std::string legacy = "PLAK-legacy-1f0e";
    const std::string current = "PLAK-current-8b2d";
    auto only_legacy = planet({"--at", "planet-api-key", "token", "--header"},
                              {{"PL_API_KEY", legacy}, {"PL_AUTH_API_KEY", std::nullopt}});
    ASSERT_EQ(only_legacy.exit_code, 0) << only_legacy.err;
    EXPECT_EQ(first_line(only_legacy.out), "Authorization: api-key " + legacy);

    auto both = planet({"--at", "planet-api-key", "token", "--header"},
                       {{"PL_API_KEY", legacy}, {"PL_AUTH_API_KEY", current}});
    ASSERT_EQ(both.exit_code, 0) << both.err;
    EXPECT_EQ(first_line(both.out), "Authorization: api-key " + current);

    auto only_current = planet({"--at", "planet-api-key", "token", "--header"},
                               {{"PL_API_KEY", std::nullopt}, {"PL_AUTH_API_KEY", current}});
    ASSERT_EQ(only_current.exit_code, 0) << only_current.err;
    EXPECT_EQ(first_line(only_current.out), "Authorization: api-key " + current);
}

TEST_F(Planet, M2mSendsBasicAuthAndTheAudience) {
    const std::string t = m2m_token();
    ASSERT_EQ(t.rfind("dev-at-", 0), 0u) << t;
    auto stats = server_.stats();
    const auto& client = stats["clients"][kClient.c_str()];
    EXPECT_EQ(client["auth_methods"]["client_secret_basic"].GetInt(), 1);
    EXPECT_EQ(json_string(client["last_params"], "audience"), "https://api.planet.com/");
    EXPECT_EQ(get("/api/whoami", "Authorization: Bearer " + t).status, 200);
}

TEST_F(Planet, M2mTokenIsRefreshedAtThreeQuartersOfItsLifetime) {
    const auto before = std::chrono::steady_clock::now();
    const std::string first = m2m_token();
    const auto got = std::chrono::steady_clock::now();
    // The token was obtained between `before` and `got`: 75 % of its 8 s is
    // reached between before+6s and got+6s, expiry between before+8s and got+8s.
    ASSERT_LT(got - before, std::chrono::milliseconds(2500)) << "machine too slow for this test";
    std::this_thread::sleep_until(before + std::chrono::milliseconds(3000));
    EXPECT_EQ(m2m_token(), first);
    EXPECT_EQ(server_.issued(kClient), 1);
    // Past 75 % and still valid: refreshed ahead of expiry.
    std::this_thread::sleep_until(got + std::chrono::milliseconds(6300));
    const std::string second = m2m_token();
    EXPECT_NE(second, first);
    EXPECT_EQ(server_.issued(kClient), 2);
}

TEST_F(Planet, UserLoginIsADeviceFlowAskingForPlanetAndOfflineAccess) {
    // The issuer moves to the dev server (endpoints by discovery); everything
    // else is the shipped site.
    const std::vector<std::string> at_dev{"--at", "planet", "--set", "issuer=" + server_.url()};
    const std::map<std::string, std::optional<std::string>> env{{"PLANET_CLIENT_ID", "planet-cli"},
                                                                {"BROWSER", browser_script()}};

    std::vector<std::string> token_args = at_dev;
    token_args.push_back("token");
    auto before = planet(token_args, env);
    EXPECT_EQ(before.exit_code, 3) << before.err;
    EXPECT_NE(before.err.find("latchkey login --at planet"), std::string::npos) << before.err;

    std::vector<std::string> login_args = at_dev;
    login_args.push_back("login");
    auto r = planet(login_args, env);
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.err.find("enter the code"), std::string::npos) << r.err;

    std::vector<std::string> status_args = at_dev;
    status_args.push_back("status");
    auto st = planet(status_args, env);
    EXPECT_NE(st.out.find("planet offline_access"), std::string::npos) << st.out;
    auto t = planet(token_args, env);
    ASSERT_EQ(t.exit_code, 0) << t.err;
    auto who = get("/api/whoami", "Authorization: Bearer " + first_line(t.out));
    ASSERT_EQ(who.status, 200) << who.body;
    EXPECT_EQ(json_string(parse_json(who.body), "scope"), "planet offline_access");
}

}  // namespace
}  // namespace latchkey::itest
