// RFC 7523: the JWT bearer grant (§2.1) and private_key_jwt client authentication
// (§2.2), with RSA and EC keys made by the openssl CLI, and every rejection a real
// server makes: bad signature, wrong aud, exp too long or past, replayed jti.
#include <chrono>
#include <cstdlib>
#include <memory>
#include <string>
#include <utility>

#include "oauth_test.hpp"
#include "temp_dir.hpp"
#include "test_crypto.hpp"

namespace latchkey::devtest {
namespace {

const std::string kJwtBearer = "urn:ietf:params:oauth:grant-type:jwt-bearer";
const std::string kAssertionType = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";
const std::string kKeyClient = "pkj-app";
const std::string kEcClient = "pkj-ec";

std::int64_t now() {
    return std::chrono::duration_cast<std::chrono::seconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

struct Claims {
    std::string iss, sub, aud;
    std::int64_t exp_in = 120;  // seconds from now
    std::string jti = "jti-1";
    std::string json() const {
        std::string out = "{\"iss\":\"" + iss + "\",\"sub\":\"" + sub + "\",\"aud\":\"" + aud +
                          "\",\"iat\":" + std::to_string(now()) +
                          ",\"exp\":" + std::to_string(now() + exp_in);
        if (!jti.empty()) out += ",\"jti\":\"" + jti + "\"";
        return out + "}";
    }
};

class JwtTest : public OAuthTest {
 protected:
    static void SetUpTestSuite() {
        keys_ = std::make_unique<test::TempDir>();
        const std::string dir = keys_->path();
        ASSERT_TRUE(make_key_pair(dir, "rsa", "rsa"));
        ASSERT_TRUE(make_key_pair(dir, "ec", "ec"));
        ASSERT_TRUE(make_key_pair(dir, "other", "rsa"));
        // Salesforce takes a certificate, not a bare key: the server reads either.
        const std::string cmd = "openssl req -x509 -new -key '" + dir +
                                "/rsa.key' -subj /CN=jwt -days 2 -out '" + dir +
                                "/rsa.crt' 2>/dev/null";
        ASSERT_EQ(std::system(cmd.c_str()), 0);
    }
    static void TearDownTestSuite() { keys_.reset(); }
    static std::string key(const std::string& name) { return keys_->file(name); }

    static std::unique_ptr<test::TempDir> keys_;
};
std::unique_ptr<test::TempDir> JwtTest::keys_;

class DevServerJwtBearer : public JwtTest {
 protected:
    void start_with_key(const std::string& key_file, const std::vector<std::string>& extra = {}) {
        std::vector<std::string> args{"--setting", "jwt_bearer_key=" + key_file};
        args.insert(args.end(), extra.begin(), extra.end());
        start(args);
    }
    Claims claims() { return Claims{kConfidential, "user@example.com", server().token_url()}; }
    Response bearer(const std::string& assertion, const Fields& extra = {}) {
        Fields fields{{"grant_type", kJwtBearer}, {"assertion", assertion}};
        fields.insert(fields.end(), extra.begin(), extra.end());
        return token(fields);
    }
};

TEST_F(DevServerJwtBearer, Rs256AssertionBuysATokenForItsSubject) {
    start_with_key(key("rsa.pub"), {"--setting", "instance_url=http://127.0.0.1:1/instance"});
    const auto r = bearer(sign_jwt(key("rsa.key"), "RS256", claims().json()));
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(r.str("instance_url"), "http://127.0.0.1:1/instance");
    EXPECT_FALSE(r.json().HasMember("refresh_token"));
    const auto who = get(url("/api/whoami"), {"Authorization: Bearer " + r.str("access_token")});
    EXPECT_EQ(who.str("sub"), "user@example.com");
    EXPECT_EQ(who.str("client_id"), kConfidential);
}

TEST_F(DevServerJwtBearer, Es256AndCertificateKeysWork) {
    start_with_key(key("ec.pub"));
    EXPECT_EQ(bearer(sign_jwt(key("ec.key"), "ES256", claims().json())).status, 200);
    server_.reset();
    start_with_key(key("rsa.crt"));
    EXPECT_EQ(bearer(sign_jwt(key("rsa.key"), "RS256", claims().json())).status, 200);
}

TEST_F(DevServerJwtBearer, BadSignatureIsInvalidGrant) {
    start_with_key(key("rsa.pub"));
    const auto r = bearer(sign_jwt(key("other.key"), "RS256", claims().json()));
    EXPECT_EQ(r.status, 400);
    EXPECT_EQ(r.str("error"), "invalid_grant");
    EXPECT_NE(r.str("error_description").find("signature"), std::string::npos) << r.body;
    // An EC signature claimed as RS256 against an RSA key: refused by alg, not crashed on.
    EXPECT_EQ(bearer(sign_jwt(key("ec.key"), "ES256", claims().json())).str("error"),
              "invalid_grant");
    EXPECT_EQ(bearer("not.a-jwt").str("error"), "invalid_grant");
}

TEST_F(DevServerJwtBearer, WrongAudienceIsInvalidGrant) {
    start_with_key(key("rsa.pub"));
    Claims c = claims();
    c.aud = "https://login.salesforce.com";
    const auto r = bearer(sign_jwt(key("rsa.key"), "RS256", c.json()));
    EXPECT_EQ(r.str("error"), "invalid_grant");
    EXPECT_NE(r.str("error_description").find("aud"), std::string::npos) << r.body;
    c.aud = server().url();  // the issuer is an accepted audience
    EXPECT_EQ(bearer(sign_jwt(key("rsa.key"), "RS256", c.json())).status, 200);
}

TEST_F(DevServerJwtBearer, SalesforceStyleAudienceCanBeConfigured) {
    start_with_key(key("rsa.pub"),
                   {"--setting", "jwt_bearer_audience=https://login.salesforce.com"});
    Claims c = claims();
    c.aud = "https://login.salesforce.com";
    EXPECT_EQ(bearer(sign_jwt(key("rsa.key"), "RS256", c.json())).status, 200);
    c.aud = server().token_url();
    c.jti = "jti-2";
    EXPECT_EQ(bearer(sign_jwt(key("rsa.key"), "RS256", c.json())).str("error"), "invalid_grant");
}

TEST_F(DevServerJwtBearer, ExpMustBePresentShortAndAhead) {
    start_with_key(key("rsa.pub"));
    Claims c = claims();
    c.exp_in = 3600;
    auto r = bearer(sign_jwt(key("rsa.key"), "RS256", c.json()));
    EXPECT_EQ(r.str("error"), "invalid_grant");
    EXPECT_NE(r.str("error_description").find("too far"), std::string::npos) << r.body;
    c.exp_in = -60;
    r = bearer(sign_jwt(key("rsa.key"), "RS256", c.json()));
    EXPECT_NE(r.str("error_description").find("expired"), std::string::npos) << r.body;
    const std::string no_exp = "{\"iss\":\"" + kConfidential + "\",\"sub\":\"u\",\"aud\":\"" +
                               server().token_url() + "\"}";
    r = bearer(sign_jwt(key("rsa.key"), "RS256", no_exp));
    EXPECT_NE(r.str("error_description").find("exp is missing"), std::string::npos) << r.body;
}

TEST_F(DevServerJwtBearer, ReplayedJtiIsInvalidGrant) {
    start_with_key(key("rsa.pub"));
    const std::string assertion = sign_jwt(key("rsa.key"), "RS256", claims().json());
    EXPECT_EQ(bearer(assertion).status, 200);
    const auto r = bearer(assertion);
    EXPECT_EQ(r.str("error"), "invalid_grant");
    EXPECT_NE(r.str("error_description").find("jti"), std::string::npos) << r.body;
}

TEST_F(DevServerJwtBearer, IssuerMustBeAClientOrTheAuthenticatedOne) {
    start_with_key(key("rsa.pub"));
    Claims c = claims();
    c.iss = "nobody";
    EXPECT_EQ(bearer(sign_jwt(key("rsa.key"), "RS256", c.json())).str("error"), "invalid_grant");
    // Authenticated as the public client, an assertion issued by another client is refused.
    c = claims();
    const auto r = bearer(sign_jwt(key("rsa.key"), "RS256", c.json()), {{"client_id", kPublic}});
    EXPECT_EQ(r.str("error"), "invalid_grant");
}

TEST_F(DevServerJwtBearer, WithoutAKeySettingTheGrantIsUnsupported) {
    start();
    EXPECT_EQ(bearer(sign_jwt(key("rsa.key"), "RS256", claims().json())).str("error"),
              "unsupported_grant_type");
}

class DevServerPrivateKeyJwt : public JwtTest {
 protected:
    void SetUp() override {
        start({"--client", kKeyClient + ":", "--setting",
               "client_key." + kKeyClient + "=" + key("rsa.pub"), "--client", kEcClient + ":",
               "--setting", "client_key." + kEcClient + "=" + key("ec.pub")});
    }
    Claims claims(const std::string& client = kKeyClient) {
        return Claims{client, client, server().token_url()};
    }
    Response with_assertion(const std::string& assertion,
                            const std::string& endpoint = "/oauth2/token",
                            Fields fields = {{"grant_type", "client_credentials"}}) {
        fields.emplace_back("client_assertion_type", kAssertionType);
        fields.emplace_back("client_assertion", assertion);
        return post_form(url(endpoint), fields);
    }
};

TEST_F(DevServerPrivateKeyJwt, Rs256AndEs256AssertionsAuthenticate) {
    auto r = with_assertion(sign_jwt(key("rsa.key"), "RS256", claims().json()));
    ASSERT_EQ(r.status, 200) << r.body;
    r = with_assertion(sign_jwt(key("ec.key"), "ES256", claims(kEcClient).json()));
    ASSERT_EQ(r.status, 200) << r.body;
    const auto stats = server().stats();
    EXPECT_EQ(stats["clients"][kKeyClient.c_str()]["auth_methods"]["private_key_jwt"].GetInt(), 1);
    EXPECT_EQ(stats["clients"][kEcClient.c_str()]["auth_methods"]["private_key_jwt"].GetInt(), 1);
    EXPECT_FALSE(stats["clients"][kKeyClient.c_str()]["last_params"].HasMember("client_assertion"));
}

TEST_F(DevServerPrivateKeyJwt, ReplayedJtiIsInvalidClient) {
    const std::string assertion = sign_jwt(key("rsa.key"), "RS256", claims().json());
    EXPECT_EQ(with_assertion(assertion).status, 200);
    const auto r = with_assertion(assertion);
    EXPECT_EQ(r.status, 401);
    EXPECT_EQ(r.str("error"), "invalid_client");
    EXPECT_NE(r.str("error_description").find("jti"), std::string::npos) << r.body;
}

TEST_F(DevServerPrivateKeyJwt, WrongAudienceSignatureOrClaimsAreInvalidClient) {
    Claims wrong_aud = claims();
    wrong_aud.aud = "https://elsewhere.example/token";
    Claims iss_not_sub = claims();
    iss_not_sub.sub = "someone-else";
    Claims no_jti = claims();
    no_jti.jti = "";
    Claims too_long = claims();
    too_long.exp_in = 3600;
    for (const auto& [assertion, what] :
         {std::pair{sign_jwt(key("rsa.key"), "RS256", wrong_aud.json()), std::string("aud")},
          std::pair{sign_jwt(key("other.key"), "RS256", claims().json()), std::string("signature")},
          std::pair{sign_jwt(key("rsa.key"), "RS256", iss_not_sub.json()), std::string("sub")},
          std::pair{sign_jwt(key("rsa.key"), "RS256", no_jti.json()), std::string("jti")},
          std::pair{sign_jwt(key("rsa.key"), "RS256", too_long.json()), std::string("exp")}}) {
        const auto r = with_assertion(assertion);
        EXPECT_EQ(r.status, 401) << what;
        EXPECT_EQ(r.str("error"), "invalid_client") << what;
        EXPECT_NE(r.str("error_description").find(what), std::string::npos) << r.body;
    }
}

TEST_F(DevServerPrivateKeyJwt, IssuerAudienceAndOtherEndpointsWork) {
    Claims c = claims();
    c.aud = server().url();
    EXPECT_EQ(with_assertion(sign_jwt(key("rsa.key"), "RS256", c.json())).status, 200);
    c.aud = url("/oauth2/revoke");
    c.jti = "jti-revoke";
    const auto r = with_assertion(sign_jwt(key("rsa.key"), "RS256", c.json()), "/oauth2/revoke",
                                  {{"token", "dev-at-unknown"}});
    EXPECT_EQ(r.status, 200) << r.body;
}

TEST_F(DevServerPrivateKeyJwt, KeyClientCannotPassAsPublicOrUseAnotherType) {
    auto r = post_form(url("/oauth2/token"),
                       {{"grant_type", "client_credentials"}, {"client_id", kKeyClient}});
    EXPECT_EQ(r.status, 401);
    r = post_form(url("/oauth2/token"),
                  {{"grant_type", "client_credentials"},
                   {"client_assertion_type", "urn:example:saml"},
                   {"client_assertion", sign_jwt(key("rsa.key"), "RS256", claims().json())}});
    EXPECT_EQ(r.status, 401);
    EXPECT_EQ(r.str("error"), "invalid_client");
}

}  // namespace
}  // namespace latchkey::devtest
