// tls_client_auth (RFC 8705): the client certificate goes to the host's
// HTTP client, which presents it in the TLS handshake with the dev server's
// HTTPS listener; the site trusts the test CA through `ca_file`.
#include "oauth_fixture.hpp"

namespace latchkey::itest {
namespace {

const std::string kSeedVar = "INTEG_SEED_RT";
const std::string kTlsClient = "tls-app";

class OAuthTlsClientAuth : public OAuthTest {
 protected:
    void SetUp() override {
        start({"--tls-cert", keys().server_cert, "--tls-key", keys().server_key, "--tls-client-ca",
               keys().ca_cert, "--client", kTlsClient + ":", "--setting",
               "tls_client." + kTlsClient + "=CN=tls-app,O=Latchkey Test"});
        env_[kSeedVar] = seed_refresh_token(kTlsClient);
        env_["INTEG_KEY_PASS"] = kKeyPassphrase;
    }
    void write_site(const std::string& lines) {
        write_policy(site("mtls", "oauth2-refresh-token",
                          "token_url = \"" + server_->tls_url() + "/oauth2/token\"\nca_file = \"" +
                              keys().ca_cert + "\"\nclient_id = \"" + kTlsClient +
                              "\"\nrefresh_token = { env = \"" + kSeedVar + "\" }\n" + lines));
    }
    std::string cert_lines(const std::string& key, const std::string& extra = "") const {
        return "client_cert_file = \"" + keys().client_cert + "\"\nclient_key_file = \"" + key +
               "\"\n" + extra;
    }
    int tls_auths() { return client_stat(kTlsClient, "auth_methods", "tls_client_auth"); }
};

TEST_F(OAuthTlsClientAuth, ACertificateMeansTlsClientAuth) {
    write_site(cert_lines(keys().client_key));
    auto r = lk({"token"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(whoami_status(first_line(r.out)), 200);
    EXPECT_EQ(tls_auths(), 1);
}

TEST_F(OAuthTlsClientAuth, AnEncryptedClientKeyWithItsPassword) {
    write_site(cert_lines(keys().client_key_encrypted,
                          "client_key_passphrase = { env = \"INTEG_KEY_PASS\" }\n"));
    auto r = lk({"token"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(tls_auths(), 1);
}

TEST_F(OAuthTlsClientAuth, WithoutTheCertificateTheServerRefuses) {
    write_site("client_auth = \"none\"\n");
    auto r = lk({"token"});
    EXPECT_EQ(r.exit_code, 1) << r.err;
    EXPECT_NE(r.err.find("invalid_client"), std::string::npos) << r.err;
    EXPECT_EQ(tls_auths(), 0);
}

TEST_F(OAuthTlsClientAuth, TlsClientAuthWithoutACertificateIsAConfigError) {
    write_site("client_auth = \"tls_client_auth\"\n");
    auto r = lk({"token"});
    EXPECT_EQ(r.exit_code, 1) << r.err;
    EXPECT_NE(r.err.find("client_cert_file"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace latchkey::itest
