// oauth2-jwt-bearer (RFC 7523 §2.1): the assertion's claims as a server
// receives them (a canned token endpoint records the request), the
// Salesforce audience rule, extras kept from the answer, and bad keys.
#include "oauth_fixture.hpp"

namespace latchkey::itest {
namespace {

const std::string kSubject = "integration.user@example.test";

// A token endpoint answer in Salesforce's shape: no expires_in, extras.
std::string salesforce_answer() {
    return raw_response(
        200, "application/json",
        "{\"access_token\": \"00Dcanned-Integ-at-51f0\", \"token_type\": \"Bearer\", "
        "\"instance_url\": \"https://acme.my.salesforce.com\", \"id\": "
        "\"https://login.salesforce.com/id/00D/005\", \"scope\": \"api\", "
        "\"issued_at\": \"1700000000000\", \"signature\": \"c2lnbmF0dXJl\"}");
}

class OAuthJwtBearer : public OAuthTest {
 protected:
    void write_site(const std::string& lines) {
        write_policy(
            site("sf", "oauth2-jwt-bearer",
                 "client_id = \"3MVG9-consumer-key\"\nsubject = \"" + kSubject + "\"\n" + lines));
    }
    // The assertion the canned server received in its only request.
    std::string received_assertion(const CannedServer& s) {
        auto bodies = s.bodies();
        EXPECT_EQ(bodies.size(), 1u);
        if (bodies.empty()) return "";
        EXPECT_EQ(form_value(bodies[0], "grant_type"),
                  "urn:ietf:params:oauth:grant-type:jwt-bearer");
        return form_value(bodies[0], "assertion");
    }
};

TEST_F(OAuthJwtBearer, TheAssertionCarriesIssSubAudAndAShortExp) {
    CannedServer s(salesforce_answer());
    write_site("token_url = \"" + s.url() + "/services/oauth2/token\"\nprivate_key_file = \"" +
               keys().rsa + "\"\n");
    auto r = lk({"token"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(first_line(r.out), "00Dcanned-Integ-at-51f0");

    std::string jwt = received_assertion(s);
    auto header = jwt_part(jwt, 0);
    ASSERT_TRUE(header.IsObject()) << jwt;
    EXPECT_EQ(json_string(header, "alg"), "RS256");
    auto claims = jwt_part(jwt, 1);
    ASSERT_TRUE(claims.IsObject()) << jwt;
    EXPECT_EQ(json_string(claims, "iss"), "3MVG9-consumer-key");
    EXPECT_EQ(json_string(claims, "sub"), kSubject);
    // No instance, no audience: the token endpoint.
    EXPECT_EQ(json_string(claims, "aud"), s.url() + "/services/oauth2/token");
    ASSERT_TRUE(claims["exp"].IsInt64());
    ASSERT_TRUE(claims["iat"].IsInt64());
    EXPECT_EQ(claims["exp"].GetInt64() - claims["iat"].GetInt64(), 300);
    // Salesforce wants no client authentication with this grant.
    EXPECT_EQ(form_value(s.bodies()[0], "client_id"), "");
}

TEST_F(OAuthJwtBearer, ExtrasFromTheAnswerAreKeptButNotTheSignature) {
    CannedServer s(salesforce_answer());
    write_site("token_url = \"" + s.url() + "/services/oauth2/token\"\nprivate_key_file = \"" +
               keys().rsa + "\"\ntoken_lifetime = \"2h\"\n");
    ASSERT_EQ(lk({"token"}).exit_code, 0);
    auto st = lk({"status"});
    ASSERT_EQ(st.exit_code, 0) << st.err;
    EXPECT_NE(st.out.find("instance_url: https://acme.my.salesforce.com"), std::string::npos)
        << st.out;
    EXPECT_NE(st.out.find("id: https://login.salesforce.com/id/00D/005"), std::string::npos)
        << st.out;
    EXPECT_NE(st.out.find("scope: api"), std::string::npos) << st.out;
    EXPECT_EQ(st.out.find("c2lnbmF0dXJl"), std::string::npos) << st.out;
    // No expires_in: token_lifetime gives the credential its end.
    EXPECT_NE(st.out.find("expires in 1h 59m"), std::string::npos) << st.out;
}

TEST_F(OAuthJwtBearer, AProductionInstanceAssertsToLoginSalesforceCom) {
    CannedServer s(salesforce_answer());
    write_site("instance = \"acme.my.salesforce.com\"\ntoken_url = \"" + s.url() +
               "/services/oauth2/token\"\nprivate_key_file = \"" + keys().rsa + "\"\n");
    ASSERT_EQ(lk({"token"}).exit_code, 0);
    auto claims = jwt_part(received_assertion(s), 1);
    EXPECT_EQ(json_string(claims, "aud"), "https://login.salesforce.com");
}

TEST_F(OAuthJwtBearer, ASandboxInstanceAssertsToTestSalesforceCom) {
    CannedServer s(salesforce_answer());
    write_site("instance = \"https://acme--dev.sandbox.my.salesforce.com\"\ntoken_url = \"" +
               s.url() + "/services/oauth2/token\"\nprivate_key_file = \"" + keys().ec +
               "\"\nsigning_alg = \"ES256\"\n");
    ASSERT_EQ(lk({"token"}).exit_code, 0);
    std::string jwt = received_assertion(s);
    EXPECT_EQ(json_string(jwt_part(jwt, 0), "alg"), "ES256");
    EXPECT_EQ(json_string(jwt_part(jwt, 1), "aud"), "https://test.salesforce.com");
}

TEST_F(OAuthJwtBearer, AnExplicitAudienceAndLifetimeWin) {
    CannedServer s(salesforce_answer());
    write_site(
        "instance = \"acme.my.salesforce.com\"\naudience = \"https://auth.example.test\"\n"
        "assertion_lifetime = \"90s\"\ntoken_url = \"" +
        s.url() + "/token\"\nprivate_key_file = \"" + keys().rsa + "\"\n");
    ASSERT_EQ(lk({"token"}).exit_code, 0);
    auto claims = jwt_part(received_assertion(s), 1);
    EXPECT_EQ(json_string(claims, "aud"), "https://auth.example.test");
    EXPECT_EQ(claims["exp"].GetInt64() - claims["iat"].GetInt64(), 90);
}

TEST_F(OAuthJwtBearer, AnUnparsableKeyIsAClearErrorAndNothingIsSent) {
    CannedServer s(salesforce_answer());
    write_site("token_url = \"" + s.url() + "/token\"\nprivate_key_file = \"" + keys().not_a_key +
               "\"\n");
    auto r = lk({"token"});
    EXPECT_EQ(r.exit_code, 1) << r.err;
    EXPECT_EQ(r.out, "");
    EXPECT_NE(r.err.find("site 'sf'"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find(keys().not_a_key), std::string::npos) << r.err;
    EXPECT_EQ(s.requests(), 0);
}

TEST_F(OAuthJwtBearer, AnEncryptedKeyWithAWrongPassphraseKeepsTheStoredCredential) {
    CannedServer s(salesforce_answer());
    env_["INTEG_KEY_PASS"] = kKeyPassphrase;
    write_site("token_url = \"" + s.url() + "/token\"\nprivate_key_file = \"" +
               keys().rsa_encrypted +
               "\"\nprivate_key_passphrase = { env = \"INTEG_KEY_PASS\" }\n");
    ASSERT_EQ(lk({"token"}).exit_code, 0);

    const std::string wrong = "wr0ng-pass-Integ-3a9e";
    never_print(wrong);
    auto r = lk({"login", "--force"}, {{"INTEG_KEY_PASS", wrong}});
    EXPECT_EQ(r.exit_code, 1) << r.err;
    EXPECT_NE(r.err.find("site 'sf'"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("passphrase"), std::string::npos) << r.err;
    EXPECT_EQ(s.requests(), 1);
    auto again = lk({"token"});
    EXPECT_EQ(again.exit_code, 0) << again.err;
    EXPECT_EQ(first_line(again.out), "00Dcanned-Integ-at-51f0");
}

TEST_F(OAuthJwtBearer, TheServersRefusalIsShownWithItsDescription) {
    CannedServer s(raw_response(
        400, "application/json",
        "{\"error\": \"invalid_grant\", \"error_description\": \"user hasn't approved this "
        "consumer\"}"));
    write_site("token_url = \"" + s.url() + "/token\"\nprivate_key_file = \"" + keys().rsa +
               "\"\n");
    auto r = lk({"token"});
    EXPECT_EQ(r.exit_code, 1) << r.err;
    EXPECT_NE(r.err.find("invalid_grant"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("user hasn't approved this consumer"), std::string::npos) << r.err;
}

// ---- against the dev server, which verifies the assertion ------------------

class OAuthJwtBearerServer : public OAuthJwtBearer {
 protected:
    void SetUp() override {
        start({"--setting", "jwt_bearer_key=" + keys().rsa_pub, "--setting",
               "jwt_bearer_audience=https://login.salesforce.com", "--setting",
               "instance_url=https://acme.my.salesforce.test"});
    }
    // iss must name one of the server's clients: the consumer key.
    void write_server_site(const std::string& lines) {
        write_policy(site("sf", "oauth2-jwt-bearer",
                          "client_id = \"" + kClient + "\"\nsubject = \"" + kSubject +
                              "\"\ntoken_url = \"" + server_->token_url() + "\"\n" + lines));
    }
};

TEST_F(OAuthJwtBearerServer, TheServerGrantsATokenActingForTheSubject) {
    write_server_site("instance = \"acme.my.salesforce.com\"\nprivate_key_file = \"" + keys().rsa +
                      "\"\n");
    auto r = lk({"token"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    auto who = test::http_get(url() + "/api/whoami", "Authorization: Bearer " + first_line(r.out));
    ASSERT_EQ(who.status, 200) << who.body;
    EXPECT_EQ(json_string(parse_json(who.body), "sub"), kSubject);
    EXPECT_EQ(client_stat(kClient, "grants", "urn:ietf:params:oauth:grant-type:jwt-bearer"), 1);

    auto st = lk({"-o", "json", "status"});
    ASSERT_EQ(st.exit_code, 0) << st.err;
    auto d = parse_json(st.out);
    EXPECT_EQ(json_string(d["sites"][0]["extras"], "instance_url"),
              "https://acme.my.salesforce.test");
}

// private_key_file is a path option: the host expands `~/` (HOME is the
// sandbox) before the provider hands the file to the `sign` service.
TEST_F(OAuthJwtBearerServer, AKeyFileUnderTheHomeDirectoryIsFound) {
    sandbox_.write("key.pem", test::read_file(keys().rsa));
    write_server_site("instance = \"acme.my.salesforce.com\"\nprivate_key_file = \"~/key.pem\"\n");
    auto r = lk({"token"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    auto who = test::http_get(url() + "/api/whoami", "Authorization: Bearer " + first_line(r.out));
    ASSERT_EQ(who.status, 200) << who.body;
    EXPECT_EQ(json_string(parse_json(who.body), "sub"), kSubject);

    auto ex = lk({"config", "explain"});
    ASSERT_EQ(ex.exit_code, 0) << ex.err;
    EXPECT_NE(ex.out.find(sandbox_.file("key.pem")), std::string::npos) << ex.out;
}

TEST_F(OAuthJwtBearerServer, AKeyTheServerDoesNotKnowIsRefused) {
    write_server_site("instance = \"acme.my.salesforce.com\"\nprivate_key_file = \"" +
                      keys().other_rsa + "\"\n");
    auto r = lk({"token"});
    EXPECT_EQ(r.exit_code, 1) << r.err;
    EXPECT_NE(r.err.find("invalid_grant"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("signature"), std::string::npos) << r.err;
}

TEST_F(OAuthJwtBearerServer, ASandboxAudienceIsRefusedByAProductionServer) {
    write_server_site("instance = \"acme--dev.sandbox.my.salesforce.com\"\nprivate_key_file = \"" +
                      keys().rsa + "\"\n");
    auto r = lk({"token"});
    EXPECT_EQ(r.exit_code, 1) << r.err;
    EXPECT_NE(r.err.find("invalid_grant"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("aud"), std::string::npos) << r.err;
}

TEST_F(OAuthJwtBearerServer, AnAssertionLivingTooLongIsRefused) {
    write_server_site(
        "instance = \"acme.my.salesforce.com\"\nassertion_lifetime = \"10m\"\nprivate_key_file = "
        "\"" +
        keys().rsa + "\"\n");
    auto r = lk({"token"});
    EXPECT_EQ(r.exit_code, 1) << r.err;
    EXPECT_NE(r.err.find("exp is too far ahead"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace latchkey::itest
