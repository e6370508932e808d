// `issuer` fills the endpoints from the server's metadata (OpenID Connect
// discovery, else RFC 8414), cached in the site's storage; explicit options
// win; a document for another issuer is refused. Metadata documents come
// from a canned server (to shape them); tokens from the dev server.
#include "oauth_fixture.hpp"

namespace latchkey::itest {
namespace {

const std::string kSeedVar = "INTEG_SEED_RT";
const std::string kOidcPath = "/.well-known/openid-configuration";
const std::string kRfc8414Path = "/.well-known/oauth-authorization-server";

class OAuthDiscovery : public OAuthTest {
 protected:
    void SetUp() override {
        start();
        env_[kSeedVar] = seed_refresh_token();
    }

    // A metadata document naming `issuer` and `token_endpoint`.
    static std::string metadata(const std::string& issuer, const std::string& token_endpoint) {
        return raw_response(200, "application/json",
                            "{\"issuer\": \"" + issuer + "\", \"token_endpoint\": \"" +
                                token_endpoint + "\", \"response_types_supported\": [\"code\"]}",
                            "Cache-Control: max-age=600\r\n");
    }
    static std::string not_found() { return raw_response(404, "text/plain", "not found"); }

    void write_site(const std::string& lines) {
        write_policy(
            site("rt", "oauth2-refresh-token",
                 lines + client_lines() + "refresh_token = { env = \"" + kSeedVar + "\" }\n"));
    }

    int refresh_grants() { return client_stat(kClient, "grants", "refresh_token"); }
};

TEST_F(OAuthDiscovery, TheDevServersOwnMetadataFillsTheTokenEndpoint) {
    write_site("issuer = \"" + url() + "\"\n");
    auto r = lk({"token"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(whoami_status(first_line(r.out)), 200);
    EXPECT_EQ(refresh_grants(), 1);
}

// Every OAuth provider takes `issuer`, client credentials included: with no
// token_url the dev server's own metadata names the token endpoint.
TEST_F(OAuthDiscovery, ClientCredentialsWithOnlyAnIssuerDiscoversTheTokenEndpoint) {
    write_policy(
        site("cc", "oauth2-client-credentials", "issuer = \"" + url() + "\"\n" + client_lines()));
    auto r = lk({"token"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(whoami_status(first_line(r.out)), 200);
    EXPECT_EQ(client_stat(kClient, "grants", "client_credentials"), 1);
}

TEST_F(OAuthDiscovery, TheDocumentIsFetchedOnceAndCachedAcrossProcesses) {
    CannedServer docs(not_found(), {{kOidcPath, metadata(kSelfUrl, server_->token_url())}});
    // Every call refreshes, so every process needs the token endpoint.
    write_site("issuer = \"" + docs.url() + "\"\nrefresh_before = \"2h\"\n");
    for (int i = 0; i < 3; ++i) {
        auto r = lk({"token"});
        ASSERT_EQ(r.exit_code, 0) << r.err;
    }
    EXPECT_EQ(refresh_grants(), 3);
    EXPECT_EQ(docs.paths(), std::vector<std::string>{kOidcPath});
}

TEST_F(OAuthDiscovery, FallsBackToRfc8414Metadata) {
    CannedServer docs(not_found(), {{kRfc8414Path, metadata(kSelfUrl, server_->token_url())}});
    write_site("issuer = \"" + docs.url() + "\"\n");
    auto r = lk({"token"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(docs.paths(), (std::vector<std::string>{kOidcPath, kRfc8414Path}));
}

TEST_F(OAuthDiscovery, AnIssuerWithAPathUsesTheRfc8414PathRule) {
    CannedServer docs(not_found(),
                      {{kRfc8414Path + "/tenant-a",
                        metadata(std::string(kSelfUrl) + "/tenant-a", server_->token_url())}});
    write_site("issuer = \"" + docs.url() + "/tenant-a\"\n");
    auto r = lk({"token"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(docs.paths(),
              (std::vector<std::string>{"/tenant-a" + kOidcPath, kRfc8414Path + "/tenant-a"}));
}

TEST_F(OAuthDiscovery, ADocumentForAnotherIssuerIsRefused) {
    CannedServer docs(not_found(),
                      {{kOidcPath, metadata("https://login.example.test", server_->token_url())}});
    write_site("issuer = \"" + docs.url() + "\"\n");
    auto r = lk({"token"});
    EXPECT_EQ(r.exit_code, 1) << r.err;
    EXPECT_EQ(r.out, "");
    EXPECT_NE(r.err.find("site 'rt'"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("https://login.example.test"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("'issuer'"), std::string::npos) << r.err;
    EXPECT_EQ(refresh_grants(), 0);  // nothing went to the token endpoint it named
}

TEST_F(OAuthDiscovery, AnExplicitEndpointOptionWinsOverTheDocument) {
    const std::string dead = "http://127.0.0.1:" + std::to_string(closed_port()) + "/token";
    CannedServer docs(not_found(), {{kOidcPath, metadata(kSelfUrl, dead)}});
    write_site("issuer = \"" + docs.url() + "\"\ntoken_url = \"" + server_->token_url() + "\"\n");
    auto r = lk({"token"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(refresh_grants(), 1);
    EXPECT_TRUE(docs.paths().empty());  // nothing was missing: no discovery at all
}

TEST_F(OAuthDiscovery, NoMetadataAtEitherAddressSaysWhatWasTried) {
    CannedServer docs(not_found());
    write_site("issuer = \"" + docs.url() + "\"\n");
    auto r = lk({"token"});
    EXPECT_EQ(r.exit_code, 1) << r.err;
    EXPECT_NE(r.err.find(docs.url() + kOidcPath), std::string::npos) << r.err;
    EXPECT_NE(r.err.find(docs.url() + kRfc8414Path), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("HTTP 404"), std::string::npos) << r.err;
}

TEST_F(OAuthDiscovery, NeitherIssuerNorTokenUrlIsAConfigError) {
    write_site("");
    auto r = lk({"token"});
    EXPECT_EQ(r.exit_code, 1) << r.err;
    EXPECT_NE(r.err.find("set 'token_url' or 'issuer'"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace latchkey::itest
