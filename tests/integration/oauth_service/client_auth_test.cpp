// Client authentication shared by the OAuth providers (providers/common),
// driven through oauth2-refresh-token against the dev server, which checks
// each method for real: Basic, form, a signed client assertion (RS256,
// ES256, an encrypted key), and a public client.
#include "oauth_fixture.hpp"

namespace latchkey::itest {
namespace {

const std::string kSeedVar = "INTEG_SEED_RT";
const std::string kPassVar = "INTEG_KEY_PASS";

class OAuthClientAuth : public OAuthTest {
 protected:
    void SetUp() override {
        start({"--client", "keyed:", "--setting", "client_key.keyed=" + keys().rsa_pub,  //
               "--client", "keyed-ec:", "--setting", "client_key.keyed-ec=" + keys().ec_pub,
               "--client", "public:"});
        env_[kPassVar] = kKeyPassphrase;
    }

    // An oauth2-refresh-token site for `client` with `auth` lines, seeded.
    void write_site(const std::string& client, const std::string& auth) {
        env_[kSeedVar] = seed_refresh_token(client);
        write_policy(site("rt", "oauth2-refresh-token",
                          "token_url = \"" + server_->token_url() + "\"\nclient_id = \"" + client +
                              "\"\nrefresh_token = { env = \"" + kSeedVar + "\" }\n" + auth));
    }

    std::string key_lines(const std::string& file, const std::string& extra = "") const {
        return "private_key_file = \"" + file + "\"\n" + extra;
    }

    // `latchkey token` must succeed with a token the resource server takes.
    std::string token(const std::vector<std::string>& before = {}) {
        std::vector<std::string> args = before;
        args.push_back("token");
        auto r = lk(args);
        EXPECT_EQ(r.exit_code, 0) << r.err;
        std::string t = first_line(r.out);
        EXPECT_EQ(whoami_status(t), 200) << r.out;
        return t;
    }

    int method_count(const std::string& client, const std::string& method) {
        return client_stat(client, "auth_methods", method);
    }
};

TEST_F(OAuthClientAuth, ASecretMeansClientSecretBasic) {
    write_site(kClient, "client_secret = { env = \"" + kSecretVar + "\" }\n");
    token();
    EXPECT_EQ(method_count(kClient, "client_secret_basic"), 1);
    EXPECT_EQ(method_count(kClient, "client_secret_post"), 0);
}

TEST_F(OAuthClientAuth, ClientSecretPostSendsTheSecretInTheForm) {
    write_site(kClient, "client_secret = { env = \"" + kSecretVar +
                            "\" }\nclient_auth = \"client_secret_post\"\n");
    token();
    EXPECT_EQ(method_count(kClient, "client_secret_post"), 1);
    EXPECT_EQ(method_count(kClient, "client_secret_basic"), 0);
}

// `auth_method` is gone (client_auth says the same for every OAuth
// provider); a policy that still has it is told the new name, at its place.
TEST_F(OAuthClientAuth, TheOldAuthMethodNamesClientAuth) {
    write_policy(site("cc", "oauth2-client-credentials",
                      "token_url = \"" + server_->token_url() + "\"\n" + client_lines() +
                          "auth_method = \"client_secret_post\"\n"));
    auto r = lk({"config", "check"});
    EXPECT_EQ(r.exit_code, 1) << r.err;
    EXPECT_NE(r.err.find(policy() + ":6:1: unknown key 'auth_method' in [sites.cc] (provider "
                                    "oauth2-client-credentials); did you mean 'client_auth'? "
                                    "(renamed from 'auth_method')"),
              std::string::npos)
        << r.err;
    EXPECT_EQ(client_stat(kClient, "auth_methods", "client_secret_post"), 0);
}

TEST_F(OAuthClientAuth, AKeyMeansPrivateKeyJwtWithRs256) {
    write_site("keyed", key_lines(keys().rsa));
    token();
    EXPECT_EQ(method_count("keyed", "private_key_jwt"), 1);
}

TEST_F(OAuthClientAuth, PrivateKeyJwtWithAnEcKeyAndEs256) {
    write_site("keyed-ec", key_lines(keys().ec, "signing_alg = \"ES256\"\nkey_id = \"ec-1\"\n"));
    token();
    EXPECT_EQ(method_count("keyed-ec", "private_key_jwt"), 1);
}

TEST_F(OAuthClientAuth, AnEncryptedKeyWithItsPassphrase) {
    write_site("keyed", key_lines(keys().rsa_encrypted,
                                  "private_key_passphrase = { env = \"" + kPassVar + "\" }\n"));
    token();
    EXPECT_EQ(method_count("keyed", "private_key_jwt"), 1);
}

TEST_F(OAuthClientAuth, AWrongPassphraseNamesTheSiteAndKeepsTheStoredCredential) {
    write_site("keyed", key_lines(keys().rsa_encrypted,
                                  "private_key_passphrase = { env = \"" + kPassVar + "\" }\n"));
    std::string stored = token();

    const std::string wrong = "wr0ng-pass-Integ-77d1";
    never_print(wrong);
    // A new configured token (the first one is spent), signed with a key
    // the wrong passphrase cannot open.
    auto r = lk({"login", "--force"}, {{kPassVar, wrong}, {kSeedVar, seed_refresh_token("keyed")}});
    EXPECT_EQ(r.exit_code, 1) << r.err;
    EXPECT_NE(r.err.find("site 'rt'"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find(keys().rsa_encrypted), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("passphrase"), std::string::npos) << r.err;

    // Nothing was overwritten: the stored token is still served.
    auto again = lk({"token"});
    EXPECT_EQ(again.exit_code, 0) << again.err;
    EXPECT_EQ(first_line(again.out), stored);
}

TEST_F(OAuthClientAuth, AKeyFileThatIsNotAKeyIsAClearError) {
    write_site("keyed", key_lines(keys().not_a_key));
    auto r = lk({"token"});
    EXPECT_EQ(r.exit_code, 1) << r.err;
    EXPECT_EQ(r.out, "");
    EXPECT_NE(r.err.find("site 'rt'"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find(keys().not_a_key), std::string::npos) << r.err;
    EXPECT_EQ(method_count("keyed", "private_key_jwt"), 0);  // nothing was sent
}

TEST_F(OAuthClientAuth, AKeyTheServerDoesNotKnowIsRejected) {
    write_site("keyed", key_lines(keys().other_rsa));
    auto r = lk({"token"});
    EXPECT_EQ(r.exit_code, 1) << r.err;
    EXPECT_NE(r.err.find("invalid_client"), std::string::npos) << r.err;
}

TEST_F(OAuthClientAuth, PrivateKeyJwtWithoutAKeyIsAConfigError) {
    write_site("keyed", "client_auth = \"private_key_jwt\"\n");
    auto r = lk({"token"});
    EXPECT_EQ(r.exit_code, 1) << r.err;
    EXPECT_NE(r.err.find("private_key_file"), std::string::npos) << r.err;
}

TEST_F(OAuthClientAuth, AnUnknownMethodListsTheValidOnes) {
    write_site(kClient, "client_auth = \"client_secret_jwt\"\n");
    auto r = lk({"token"});
    EXPECT_EQ(r.exit_code, 1) << r.err;
    EXPECT_NE(r.err.find("tls_client_auth"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("private_key_jwt"), std::string::npos) << r.err;
}

TEST_F(OAuthClientAuth, TheClientAssertionCarriesTheRfc7523Claims) {
    // A canned token endpoint records what a server receives.
    CannedServer s(
        raw_response(200, "application/json",
                     "{\"access_token\": \"canned-Integ-at-7c1d\", \"token_type\": \"Bearer\", "
                     "\"expires_in\": 3600, \"refresh_token\": \"canned-Integ-rt-2\"}"));
    token_like("canned-Integ-at-7c1d");
    never_print("canned-Integ-rt-2");
    env_[kSeedVar] = "canned-Integ-rt-1";
    never_print("canned-Integ-rt-1");
    write_policy(site("rt", "oauth2-refresh-token",
                      "token_url = \"" + s.url() +
                          "/token\"\nclient_id = \"keyed\"\nrefresh_token = { env = \"" + kSeedVar +
                          "\" }\n" +
                          key_lines(keys().ec, "signing_alg = \"ES256\"\nkey_id = \"k-1\"\n")));
    auto r = lk({"token"});
    ASSERT_EQ(r.exit_code, 0) << r.err;

    ASSERT_EQ(s.bodies().size(), 1u);
    const std::string body = s.bodies()[0];
    EXPECT_EQ(form_value(body, "client_id"), "keyed");
    EXPECT_EQ(form_value(body, "client_assertion_type"),
              "urn:ietf:params:oauth:client-assertion-type:jwt-bearer");
    const std::string jwt = form_value(body, "client_assertion");
    auto header = jwt_part(jwt, 0);
    ASSERT_TRUE(header.IsObject()) << jwt;
    EXPECT_EQ(json_string(header, "alg"), "ES256");
    EXPECT_EQ(json_string(header, "kid"), "k-1");
    auto claims = jwt_part(jwt, 1);
    ASSERT_TRUE(claims.IsObject()) << jwt;
    EXPECT_EQ(json_string(claims, "iss"), "keyed");
    EXPECT_EQ(json_string(claims, "sub"), "keyed");
    EXPECT_EQ(json_string(claims, "aud"), s.url() + "/token");
    EXPECT_GE(json_string(claims, "jti").size(), 16u);
    EXPECT_EQ(claims["exp"].GetInt64() - claims["iat"].GetInt64(), 60);
    // Two requests, two different jti (a server may refuse a replayed one).
    ASSERT_EQ(lk({"login", "--force"}, {{kSeedVar, "canned-Integ-rt-2"}}).exit_code, 0);
    ASSERT_EQ(s.bodies().size(), 2u);
    EXPECT_NE(json_string(jwt_part(form_value(s.bodies()[1], "client_assertion"), 1), "jti"),
              json_string(claims, "jti"));
}

TEST_F(OAuthClientAuth, APublicClientSendsOnlyItsId) {
    write_site("public", "");
    token();
    EXPECT_EQ(method_count("public", "none"), 1);
}

}  // namespace
}  // namespace latchkey::itest

namespace latchkey::itest {
namespace {

class OAuthClientCredentialsKeyed : public OAuthTest {
 protected:
    void SetUp() override {
        start({"--client", "keyed:", "--setting", "client_key.keyed=" + keys().rsa_pub});
    }
};

// A service that proves itself with a key has no secret to configure.
TEST_F(OAuthClientCredentialsKeyed, PrivateKeyJwtNeedsNoClientSecret) {
    write_policy(site("cc", "oauth2-client-credentials",
                      "token_url = \"" + server_->token_url() +
                          "\"\nclient_id = \"keyed\"\nprivate_key_file = \"" + keys().rsa +
                          "\"\n"));
    auto r = lk({"token"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(whoami_status(first_line(r.out)), 200) << r.out;
    EXPECT_EQ(client_stat("keyed", "auth_methods", "private_key_jwt"), 1);
}

// The host option token_type presents any provider's token under another
// scheme (Anaplan wants `AnaplanAuthToken` for OAuth tokens too).
TEST_F(OAuthClientCredentialsKeyed, TokenTypeOverridesTheServersScheme) {
    write_policy(site("cc", "oauth2-client-credentials",
                      "token_url = \"" + server_->token_url() +
                          "\"\nclient_id = \"keyed\"\nprivate_key_file = \"" + keys().rsa +
                          "\"\ntoken_type = \"AnaplanAuthToken\"\n"));
    auto r = lk({"token", "--header"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(r.out.rfind("Authorization: AnaplanAuthToken dev-at-", 0), 0u) << r.out;
}

}  // namespace
}  // namespace latchkey::itest
