// The anaconda provider against the dev server's Anaconda-style API key
// service: a login site's access token exchanged for an API key (a JWT whose
// exp is the credential's expiry), a new key once it has expired, a key given
// through ANACONDA_AUTH_API_KEY, and keys that are not JWTs refused with the
// stored key kept.
#include <chrono>
#include <thread>

#include "vendor_fixture.hpp"

namespace latchkey::itest {
namespace {

const std::string kDeviceClient = "anaconda-app";

class Anaconda : public VendorTest {
 protected:
    // `keys_at`: which exchange address the server answers at (auth, the
    // current one; iam, the older one; none).
    explicit Anaconda(int key_lifetime = 365 * 24 * 3600, const std::string& keys_at = "auth")
        : VendorTest({"--setting", "anaconda.key_lifetime=" + std::to_string(key_lifetime),
                      "--setting", "anaconda.api_keys_at=" + keys_at,
                      // A public client for device logins, approved when its page loads.
                      "--client", kDeviceClient + ":", "--setting", "device_interval=0.2",
                      "--setting", "auto_consent=true"}) {
        write_policy(login_site() + anaconda_site());
    }

    // The OAuth login: here a client-credentials site of the dev server, whose
    // tokens the key service accepts (in the shipped policy, a device flow).
    std::string login_site() const {
        return "[sites.anaconda-login]\n"
               "provider = \"oauth2-client-credentials\"\n"
               "token_url = \"" +
               server_.token_url() +
               "\"\n"
               "client_id = \"" +
               kClient +
               "\"\n"
               "client_secret = { env = \"" +
               kSecretVar + "\" }\n\n";
    }

    std::string anaconda_site() const {
        return "[sites.anaconda]\n"
               "provider = \"anaconda\"\n"
               "login_site = \"anaconda-login\"\n"
               "base_url = \"" +
               server_.url() +
               "\"\n"
               "scopes = [\"cloud:read\", \"cloud:write\"]\n"
               "tags = [\"latchkey-integration\"]\n";
    }

    // An API key minted through the anaconda site.
    std::string minted_key() {
        const std::string key = token({"--at", "anaconda"});
        EXPECT_EQ(key.rfind("eyJ", 0), 0u) << "a JWT expected: " << key;
        token_like(key);
        return key;
    }

    std::string account_user(const std::string& key) {
        auto r = get("/api/account", "Authorization: Bearer " + key);
        EXPECT_EQ(r.status, 200) << r.body;
        auto d = parse_json(r.body);
        return d.IsObject() ? json_string(d, "user") : "";
    }
};

TEST_F(Anaconda, TheLoginSitesTokenIsExchangedForAnApiKey) {
    auto r = lk({"--at", "anaconda", "token", "--header"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const std::string line = first_line(r.out);
    ASSERT_EQ(line.rfind("Authorization: Bearer eyJ", 0), 0u) << line;
    const std::string key = line.substr(std::string("Authorization: Bearer ").size());
    token_like(key);
    EXPECT_EQ(account_user(key), kClient);
    EXPECT_EQ(counter("anaconda.api_keys"), 1u);
    EXPECT_EQ(server_.issued(kClient), 1);

    // The key is what is stored: served again without a new exchange or login.
    EXPECT_EQ(minted_key(), key);
    EXPECT_EQ(counter("anaconda.api_keys"), 1u);
    EXPECT_EQ(server_.issued(kClient), 1);

    auto st = lk({"--at", "anaconda", "status"});
    ASSERT_EQ(st.exit_code, 0) << st.err;
    EXPECT_NE(st.out.find("valid, expires in"), std::string::npos) << st.out;
}

// A server that still exchanges keys only at the older address, /api/iam.
class OlderAnacondaServer : public Anaconda {
 protected:
    OlderAnacondaServer() : Anaconda(365 * 24 * 3600, "iam") {}
};

TEST_F(OlderAnacondaServer, TheKeyIsMintedAtTheOlderAddress) {
    const std::string key = minted_key();
    EXPECT_EQ(account_user(key), kClient);
    EXPECT_EQ(counter("anaconda.api_keys"), 1u);
}

// A server that exchanges keys at neither address: the wrong domain, say.
class NoAnacondaKeyService : public Anaconda {
 protected:
    NoAnacondaKeyService() : Anaconda(365 * 24 * 3600, "none") {}
};

TEST_F(NoAnacondaKeyService, BothAddressesAreNamedWithTheNextStep) {
    auto r = lk({"--at", "anaconda", "token"});
    EXPECT_EQ(r.exit_code, 1) << r.err;
    EXPECT_EQ(r.out, "");
    EXPECT_NE(r.err.find(server_.url() + "/api/auth/api-keys"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find(server_.url() + "/api/iam/api-keys"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("check domain or base_url"), std::string::npos) << r.err;
    EXPECT_EQ(counter("anaconda.api_keys"), 0u);
}

class ShortLivedAnacondaKey : public Anaconda {
 protected:
    ShortLivedAnacondaKey() : Anaconda(3) {}
};

TEST_F(ShortLivedAnacondaKey, AnExpiredKeyIsReplacedByANewOne) {
    const std::string first = minted_key();
    std::this_thread::sleep_for(std::chrono::milliseconds(3200));
    const std::string second = minted_key();
    EXPECT_NE(first, second);
    EXPECT_EQ(counter("anaconda.api_keys"), 2u);
    EXPECT_EQ(account_user(second), kClient);
}

TEST_F(Anaconda, AKeyFromTheEnvironmentIsServedWithItsExpiry) {
    const std::string key = minted_key();
    write_policy(
        "[sites.anaconda-key]\n"
        "provider = \"anaconda\"\n"
        "api_key = { env = \"ANACONDA_AUTH_API_KEY\" }\n");
    auto r = lk({"token", "--header"}, {{"ANACONDA_AUTH_API_KEY", key}});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(first_line(r.out), "Authorization: Bearer " + key);
    auto st = lk({"status"}, {{"ANACONDA_AUTH_API_KEY", key}});
    EXPECT_NE(st.out.find("valid, expires in"), std::string::npos) << st.out;
    EXPECT_EQ(counter("anaconda.api_keys"), 1u);

    // A new key in the variable is served at once, not the stored old one.
    write_policy(login_site() + anaconda_site());
    ASSERT_EQ(lk({"--at", "anaconda", "login", "--force"}).exit_code, 0);
    const std::string rotated = minted_key();
    ASSERT_NE(rotated, key);
    write_policy(
        "[sites.anaconda-key]\n"
        "provider = \"anaconda\"\n"
        "api_key = { env = \"ANACONDA_AUTH_API_KEY\" }\n");
    EXPECT_EQ(token({}, {{"ANACONDA_AUTH_API_KEY", rotated}}), rotated);
}

TEST_F(Anaconda, AKeyThatIsNotAJwtIsRefused) {
    const std::string opaque = "opaque-Anaconda-Key-93b1";
    never_print(opaque);
    write_policy(
        "[sites.anaconda-key]\n"
        "provider = \"anaconda\"\n"
        "api_key = { env = \"ANACONDA_AUTH_API_KEY\" }\n");
    auto r = lk({"token"}, {{"ANACONDA_AUTH_API_KEY", opaque}});
    EXPECT_EQ(r.exit_code, 1) << r.err;
    EXPECT_NE(r.err.find("site 'anaconda-key'"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("not a JWT"), std::string::npos) << r.err;
}

TEST_F(Anaconda, AMintedKeyThatIsNotAJwtIsRefusedAndTheStoredKeyKept) {
    const std::string kept = minted_key();
    reply("anaconda", "opaque_key");
    auto r = lk({"--at", "anaconda", "login", "--force"});
    EXPECT_EQ(r.exit_code, 1) << r.err;
    EXPECT_NE(r.err.find("not a JWT"), std::string::npos) << r.err;
    EXPECT_EQ(r.err.find("opaque-"), std::string::npos) << r.err;
    reply("anaconda", "normal");
    EXPECT_EQ(token({"--at", "anaconda"}), kept);
}

// The login as config/anaconda.toml sets it up: a device flow at the login
// site, started by `latchkey login` at the anaconda site, then the exchange.
TEST_F(Anaconda, LoginRunsTheLoginSitesDeviceFlowThenMintsAKey) {
    write_policy(
        "[sites.anaconda-login]\n"
        "provider = \"oauth2-device-code\"\n"
        // Endpoints from the issuer's discovery document, as in config/anaconda.toml.
        "issuer = \"" +
        server_.url() +
        "\"\n"
        "client_id = \"" +
        kDeviceClient +
        "\"\n"
        "scopes = [\"openid\", \"offline_access\"]\n\n" +
        anaconda_site());
    // Outside login nobody can approve: the message names the command to run.
    auto before = lk({"--at", "anaconda", "token"});
    EXPECT_EQ(before.exit_code, 3) << before.err;
    EXPECT_NE(before.err.find("a new API key needs a login at site 'anaconda-login'; run "
                              "`latchkey login --at anaconda`"),
              std::string::npos)
        << before.err;

    auto r = lk({"--at", "anaconda", "login"}, {{"BROWSER", browser_script()}});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.err.find("enter the code"), std::string::npos) << r.err;
    EXPECT_EQ(counter("anaconda.api_keys"), 1u);

    const std::string key = minted_key();
    EXPECT_FALSE(account_user(key).empty());
    EXPECT_EQ(counter("anaconda.api_keys"), 1u);
}

TEST_F(Anaconda, NeitherKeyNorLoginSiteIsAPolicyError) {
    write_policy("[sites.anaconda]\nprovider = \"anaconda\"\n");
    auto r = lk({"token"});
    EXPECT_EQ(r.exit_code, 1) << r.err;
    EXPECT_NE(r.err.find("set api_key"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("login_site"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace latchkey::itest
