// RFC 8705 tls_client_auth on the optional HTTPS listener: a CA, a server certificate and
// client certificates made with the openssl CLI; the plain listener keeps working.
#include <cstdlib>
#include <memory>
#include <string>

#include "oauth_test.hpp"
#include "temp_dir.hpp"

namespace latchkey::devtest {
namespace {

const std::string kTlsClient = "tls-app";
const std::string kTlsSubject = "CN=tls-app,O=Latchkey Test";

bool sh(const std::string& cmd) { return std::system((cmd + " 2>/dev/null").c_str()) == 0; }

class DevServerTlsClientAuth : public OAuthTest {
 protected:
    static void SetUpTestSuite() {
        dir_ = std::make_unique<test::TempDir>();
        const std::string d = dir_->path() + "/";
        const std::string ca = "-CA '" + d + "ca.crt' -CAkey '" + d + "ca.key'";
        ASSERT_TRUE(sh("openssl req -x509 -newkey rsa:2048 -nodes -keyout '" + d +
                       "ca.key' -out '" + d + "ca.crt' -subj '/CN=Dev Test CA' -days 2"));
        ASSERT_TRUE(sh("openssl req -x509 -newkey rsa:2048 -nodes -keyout '" + d +
                       "server.key' -out '" + d + "server.crt' -subj /CN=127.0.0.1 " +
                       "-addext subjectAltName=IP:127.0.0.1 -days 2 " + ca));
        ASSERT_TRUE(sh("openssl req -x509 -newkey rsa:2048 -nodes -keyout '" + d +
                       "client.key' -out '" + d +
                       "client.crt' -subj '/O=Latchkey Test/CN=tls-app' " + "-days 2 " + ca));
        ASSERT_TRUE(sh("openssl req -x509 -newkey rsa:2048 -nodes -keyout '" + d +
                       "stranger.key' -out '" + d +
                       "stranger.crt' -subj '/O=Latchkey Test/CN=stranger' " + "-days 2 " + ca));
        // Same subject as the client, but from a CA the server does not trust.
        ASSERT_TRUE(sh("openssl req -x509 -newkey rsa:2048 -nodes -keyout '" + d +
                       "rogue.key' -out '" + d +
                       "rogue.crt' -subj '/O=Latchkey Test/CN=tls-app' -days 2"));
    }
    static void TearDownTestSuite() { dir_.reset(); }
    static std::string file(const std::string& name) { return dir_->file(name); }

    void SetUp() override {
        start({"--tls-cert", file("server.crt"), "--tls-key", file("server.key"), "--tls-client-ca",
               file("ca.crt"), "--client", kTlsClient + ":", "--setting",
               "tls_client." + kTlsClient + "=" + kTlsSubject});
    }
    Response tls_token(const Fields& fields, const std::string& cert = "") {
        Request request{"POST",
                        server().tls_url() + "/oauth2/token",
                        {"Content-Type: application/x-www-form-urlencoded"},
                        form_encode(fields),
                        "",
                        "",
                        "",
                        file("ca.crt")};
        if (!cert.empty()) {
            request.cert = file(cert + ".crt");
            request.key = file(cert + ".key");
        }
        return send(request);
    }
    static std::unique_ptr<test::TempDir> dir_;
};
std::unique_ptr<test::TempDir> DevServerTlsClientAuth::dir_;

const Fields kClientCredentials{{"grant_type", "client_credentials"}, {"client_id", kTlsClient}};

TEST_F(DevServerTlsClientAuth, CertificateWithTheRegisteredSubjectAuthenticates) {
    ASSERT_EQ(server().tls_url().rfind("https://127.0.0.1:", 0), 0u) << server().tls_url();
    const auto r = tls_token(kClientCredentials, "client");
    ASSERT_EQ(r.status, 200) << r.body;
    const auto stats = server().stats();
    EXPECT_EQ(stats["clients"][kTlsClient.c_str()]["auth_methods"]["tls_client_auth"].GetInt(), 1);
}

TEST_F(DevServerTlsClientAuth, OtherSubjectOrNoCertificateIsInvalidClient) {
    auto r = tls_token(kClientCredentials, "stranger");
    EXPECT_EQ(r.status, 401);
    EXPECT_EQ(r.str("error"), "invalid_client");
    r = tls_token(kClientCredentials);
    EXPECT_EQ(r.status, 401) << "without a certificate the client id alone proves nothing";
}

TEST_F(DevServerTlsClientAuth, UntrustedCertificateFailsTheHandshake) {
    // The same request with a trusted certificate is answered, so status 0
    // below is the handshake refusing the rogue one, not a broken request.
    ASSERT_EQ(tls_token(kClientCredentials, "client").status, 200);
    EXPECT_EQ(tls_token(kClientCredentials, "rogue").status, 0) << "no HTTP answer at all";
}

TEST_F(DevServerTlsClientAuth, BothListenersServeAndDiscoveryNamesTheAliases) {
    const auto plain = confidential_token({{"grant_type", "client_credentials"}});
    EXPECT_EQ(plain.status, 200);
    Request tls_secret{"POST",
                       server().tls_url() + "/oauth2/token",
                       {"Content-Type: application/x-www-form-urlencoded"},
                       form_encode({{"grant_type", "client_credentials"}}),
                       kConfidential + ":" + kConfidentialSecret,
                       "",
                       "",
                       file("ca.crt")};
    EXPECT_EQ(send(tls_secret).status, 200) << "other methods work over TLS too";
    // The certificate on the plain listener is not there to see: tls_client_auth fails.
    EXPECT_EQ(token(kClientCredentials).status, 401);

    const auto d = get(url("/.well-known/openid-configuration")).json();
    ASSERT_TRUE(d.IsObject());
    EXPECT_EQ(std::string(d["mtls_endpoint_aliases"]["token_endpoint"].GetString()),
              server().tls_url() + "/oauth2/token");
    bool listed = false;
    for (const auto& m : d["token_endpoint_auth_methods_supported"].GetArray()) {
        listed = listed || std::string(m.GetString()) == "tls_client_auth";
    }
    EXPECT_TRUE(listed);
}

}  // namespace
}  // namespace latchkey::devtest
