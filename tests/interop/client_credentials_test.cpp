// oauth2-client-credentials against oidc-provider: each client
// authentication method the provider offers, checked by the server itself
// (the token it issued is active at its introspection endpoint, for the
// right client), and what a user sees when the server says no.
#include "interop_test.hpp"

namespace latchkey::interop {
namespace {

class ClientCredentials : public InteropTest {
 protected:
    ClientCredentials() : InteropTest(/*with_key_clients=*/true) {}

    // A site `op` for `client` with a secret (from the environment) sent as `method` says.
    void write_secret_policy(const std::string& client, const std::string& method,
                             const std::string& secret) {
        env_[kSecretVar] = secret;
        write_policy(cc_site("op", client,
                             "client_auth = \"" + method +
                                 "\"\n"
                                 "client_secret = { env = \"" +
                                 kSecretVar + "\" }\n"));
    }
    // A site `op` for `client` that signs `alg` client assertions with `key_file`.
    void write_jwt_policy(const std::string& client, const std::string& alg,
                          const std::string& key_file) {
        write_policy(cc_site("op", client,
                             "client_auth = \"private_key_jwt\"\n"
                             "signing_alg = \"" +
                                 alg +
                                 "\"\n"
                                 "private_key_file = \"" +
                                 key_file + "\"\n"));
    }

    // The token latchkey prints is one the server issued to `client` for
    // api:read, and still active.
    void expect_issued_to(const std::string& token, const std::string& client) {
        auto d = introspect(token);
        ASSERT_TRUE(d.IsObject());
        ASSERT_TRUE(d.HasMember("active") && d["active"].IsTrue()) << token;
        EXPECT_EQ(itest::json_string(d, "client_id"), client);
        EXPECT_EQ(itest::json_string(d, "scope"), "api:read");
        EXPECT_EQ(itest::json_string(d, "token_type"), "Bearer");
    }

    // `latchkey token` fails as a user should see it when the server refuses
    // the client: exit 1, the site and the server's error code, nothing stored.
    void expect_client_refused() {
        auto r = lk({"token"});
        EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
        EXPECT_EQ(r.out, "");
        EXPECT_NE(r.err.find("site 'op'"), std::string::npos) << r.err;
        EXPECT_NE(r.err.find("invalid_client"), std::string::npos) << r.err;
        EXPECT_EQ(r.err.find("PRIVATE KEY"), std::string::npos) << r.err;
        auto st = lk({"status"});
        EXPECT_NE(st.out.find("not logged in"), std::string::npos) << st.out;
    }
};

TEST_F(ClientCredentials, ClientSecretBasic) {
    write_secret_policy(kBasicClient, "client_secret_basic", kBasicSecret);
    expect_issued_to(token(), kBasicClient);

    auto st = lk({"status"});
    ASSERT_EQ(st.exit_code, 0) << st.err;
    EXPECT_NE(st.out.find("valid"), std::string::npos) << st.out;
    EXPECT_NE(st.out.find("scope: api:read"), std::string::npos) << st.out;
}

TEST_F(ClientCredentials, ClientSecretPost) {
    write_secret_policy(kPostClient, "client_secret_post", kPostSecret);
    expect_issued_to(token(), kPostClient);
}

// A client registered for private_key_jwt cannot authenticate with a secret
// (oidc-provider takes client_secret_basic and _post as one family).
TEST_F(ClientCredentials, AMethodTheClientIsNotRegisteredForIsRefused) {
    write_secret_policy(kJwtRsaClient, "client_secret_basic", kBasicSecret);
    expect_client_refused();
}

TEST_F(ClientCredentials, AWrongSecretIsRefusedAndNotShown) {
    const std::string wrong = "Interop-wrong-77c1e0b9a4d2f356";
    never_print(wrong);
    write_secret_policy(kBasicClient, "client_secret_basic", wrong);
    expect_client_refused();
}

TEST_F(ClientCredentials, PrivateKeyJwtRs256) {
    write_jwt_policy(kJwtRsaClient, "RS256", client_keys().rsa_private);
    expect_issued_to(token(), kJwtRsaClient);
}

TEST_F(ClientCredentials, PrivateKeyJwtEs256) {
    write_jwt_policy(kJwtEcClient, "ES256", client_keys().ec_private);
    expect_issued_to(token(), kJwtEcClient);
}

// A key the server does not know for the client: the assertion is refused.
TEST_F(ClientCredentials, PrivateKeyJwtWithAnotherKeyIsRefused) {
    write_jwt_policy(kJwtEcClient, "ES256", client_keys().stranger_ec_private);
    expect_client_refused();
}

}  // namespace
}  // namespace latchkey::interop
