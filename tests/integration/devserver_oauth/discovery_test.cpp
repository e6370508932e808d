// Discovery metadata and the token endpoint's grant dispatch and client authentication.
#include <set>
#include <string>

#include "oauth_test.hpp"

namespace latchkey::devtest {
namespace {

std::set<std::string> strings(const rapidjson::Value& array) {
    std::set<std::string> out;
    for (const auto& v : array.GetArray()) {
        out.insert(v.GetString());
    }
    return out;
}

class DevServerDiscovery : public OAuthTest {};

TEST_F(DevServerDiscovery, BothWellKnownDocumentsNameEveryEndpoint) {
    start();
    for (const char* path :
         {"/.well-known/openid-configuration", "/.well-known/oauth-authorization-server"}) {
        const auto r = get(url(path));
        ASSERT_EQ(r.status, 200) << path;
        const auto d = r.json();
        ASSERT_TRUE(d.IsObject()) << r.body;
        EXPECT_EQ(std::string(d["issuer"].GetString()), server().url());
        EXPECT_EQ(std::string(d["token_endpoint"].GetString()), server().token_url());
        EXPECT_EQ(std::string(d["authorization_endpoint"].GetString()), url("/oauth2/authorize"));
        EXPECT_EQ(std::string(d["device_authorization_endpoint"].GetString()),
                  url("/oauth2/device_authorization"));
        EXPECT_EQ(std::string(d["revocation_endpoint"].GetString()), url("/oauth2/revoke"));
        EXPECT_EQ(std::string(d["userinfo_endpoint"].GetString()), url("/oauth2/userinfo"));
        EXPECT_EQ(std::string(d["jwks_uri"].GetString()), url("/oauth2/jwks"));
        EXPECT_EQ(strings(d["code_challenge_methods_supported"]), std::set<std::string>{"S256"});
        const auto grants = strings(d["grant_types_supported"]);
        EXPECT_TRUE(grants.contains("client_credentials"));
        const auto methods = strings(d["token_endpoint_auth_methods_supported"]);
        for (const char* m : {"client_secret_basic", "client_secret_post", "none"}) {
            EXPECT_TRUE(methods.contains(m)) << m;
        }
    }
}

TEST_F(DevServerDiscovery, OmitUserinfoSettingLeavesItOut) {
    start({"--setting", "omit_userinfo=true"});
    const auto d = get(url("/.well-known/openid-configuration")).json();
    ASSERT_TRUE(d.IsObject());
    EXPECT_FALSE(d.HasMember("userinfo_endpoint"));
    EXPECT_TRUE(d.HasMember("jwks_uri"));
}

class DevServerTokenEndpoint : public OAuthTest {};

TEST_F(DevServerTokenEndpoint, ClientCredentialsStillWorksWithBasicAndPost) {
    start();
    auto r = confidential_token({{"grant_type", "client_credentials"}, {"scope", "a b"}});
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(r.str("token_type"), "Bearer");
    EXPECT_EQ(r.str("scope"), "a b");
    EXPECT_FALSE(r.json().HasMember("refresh_token")) << "no refresh token unless asked";
    EXPECT_EQ(r.header("cache-control"), "no-store");

    r = token({{"grant_type", "client_credentials"},
               {"client_id", kConfidential},
               {"client_secret", kConfidentialSecret}});
    ASSERT_EQ(r.status, 200) << r.body;
    const auto stats = server().stats();
    const auto& methods = stats["clients"][kConfidential.c_str()]["auth_methods"];
    EXPECT_EQ(methods["client_secret_basic"].GetInt(), 1);
    EXPECT_EQ(methods["client_secret_post"].GetInt(), 1);
    EXPECT_EQ(stats["clients"][kConfidential.c_str()]["grants"]["client_credentials"].GetInt(), 2);
}

TEST_F(DevServerTokenEndpoint, UnknownGrantTypeIsUnsupported) {
    start();
    const auto r = confidential_token({{"grant_type", "urn:example:made-up"}});
    EXPECT_EQ(r.status, 400);
    EXPECT_EQ(r.str("error"), "unsupported_grant_type");
}

TEST_F(DevServerTokenEndpoint, MissingGrantTypeIsInvalidRequest) {
    start();
    const auto r = confidential_token({{"scope", "a"}});
    EXPECT_EQ(r.status, 400);
    EXPECT_EQ(r.str("error"), "invalid_request");
}

TEST_F(DevServerTokenEndpoint, PublicClientAuthenticatesWithClientIdOnly) {
    start();
    // A public client identifies itself but may not use client_credentials (§4.4).
    const auto r = token({{"grant_type", "client_credentials"}, {"client_id", kPublic}});
    EXPECT_EQ(r.status, 400) << r.body;
    EXPECT_EQ(r.str("error"), "unauthorized_client");
    const auto stats = server().stats();
    EXPECT_EQ(stats["clients"][kPublic.c_str()]["auth_methods"]["none"].GetInt(), 1);
}

TEST_F(DevServerTokenEndpoint, ConfidentialClientWithoutItsSecretIsRejected) {
    start();
    const auto r = token({{"grant_type", "client_credentials"}, {"client_id", kConfidential}});
    EXPECT_EQ(r.status, 401);
    EXPECT_EQ(r.str("error"), "invalid_client");
}

TEST_F(DevServerTokenEndpoint, PublicClientCannotUseBasicWithAnEmptySecret) {
    start();
    const auto r = token({{"grant_type", "client_credentials"}}, kPublic + ":");
    EXPECT_EQ(r.status, 401);
    EXPECT_EQ(r.str("error"), "invalid_client");
    EXPECT_FALSE(r.header("www-authenticate").empty());
}

TEST_F(DevServerTokenEndpoint, UnknownClientIdIsInvalidClient) {
    start();
    const auto r = token({{"grant_type", "client_credentials"}, {"client_id", "nobody"}});
    EXPECT_EQ(r.status, 401);
    EXPECT_EQ(r.str("error"), "invalid_client");
}

}  // namespace
}  // namespace latchkey::devtest
