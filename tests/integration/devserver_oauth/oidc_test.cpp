// OpenID Connect and RFC 7009: ID tokens signed with the JWKS key, userinfo, revocation.
#include <rapidjson/document.h>

#include <string>

#include "oauth_test.hpp"
#include "test_crypto.hpp"

namespace latchkey::devtest {
namespace {

const std::string kVerifier = "oidc-verifier-0123456789-0123456789-0123456789";
const std::string kRedirect = "http://127.0.0.1:50000/cb";

class DevServerOidc : public OAuthTest {
 protected:
    // Runs the code flow for the public client with auto consent; returns the token answer.
    Response sign_in(const std::string& scope, const std::string& nonce = "n-0S6_WzA2Mj") {
        const std::string authorize =
            url("/oauth2/authorize?" + form_encode({{"response_type", "code"},
                                                    {"client_id", kPublic},
                                                    {"redirect_uri", kRedirect},
                                                    {"scope", scope},
                                                    {"nonce", nonce},
                                                    {"code_challenge", s256_challenge(kVerifier)},
                                                    {"code_challenge_method", "S256"}}));
        const std::string code = query_param(get(authorize).header("location"), "code");
        return token({{"grant_type", "authorization_code"},
                      {"code", code},
                      {"redirect_uri", kRedirect},
                      {"code_verifier", kVerifier},
                      {"client_id", kPublic}});
    }
    Response userinfo(const std::string& access_token) {
        return get(url("/oauth2/userinfo"), {"Authorization: Bearer " + access_token});
    }
    Response revoke(const Fields& fields) { return post_form(url("/oauth2/revoke"), fields); }
    long whoami(const std::string& access_token) {
        return get(url("/api/whoami"), {"Authorization: Bearer " + access_token}).status;
    }
};

TEST_F(DevServerOidc, IdTokenIsSignedByTheJwksKeyAndCarriesTheClaims) {
    start({"--setting", "auto_consent=true", "--setting", "user_name=Ada Lovelace"});
    const auto tokens = sign_in("openid profile email");
    ASSERT_EQ(tokens.status, 200) << tokens.body;
    const std::string id_token = tokens.str("id_token");
    ASSERT_FALSE(id_token.empty());

    const auto jwks = get(url("/oauth2/jwks")).json();
    ASSERT_TRUE(jwks.IsObject());
    const auto& key = jwks["keys"][0];
    EXPECT_EQ(std::string(key["kty"].GetString()), "RSA");
    rapidjson::Document header;
    header.Parse(jwt_part(id_token, 0).c_str());
    EXPECT_EQ(std::string(header["alg"].GetString()), "RS256");
    EXPECT_EQ(std::string(header["kid"].GetString()), key["kid"].GetString());
    EXPECT_TRUE(verify_rs256(id_token, key["n"].GetString(), key["e"].GetString()));
    // One flipped character in the payload and the signature no longer holds.
    std::string forged = id_token;
    forged[forged.find('.') + 5] ^= 1;
    EXPECT_FALSE(verify_rs256(forged, key["n"].GetString(), key["e"].GetString()));

    rapidjson::Document claims;
    claims.Parse(jwt_part(id_token, 1).c_str());
    EXPECT_EQ(std::string(claims["iss"].GetString()), server().url());
    EXPECT_EQ(std::string(claims["aud"].GetString()), kPublic);
    EXPECT_EQ(std::string(claims["sub"].GetString()), "dev-user");
    EXPECT_EQ(std::string(claims["nonce"].GetString()), "n-0S6_WzA2Mj");
    EXPECT_EQ(std::string(claims["name"].GetString()), "Ada Lovelace");
    EXPECT_GT(claims["exp"].GetInt64(), claims["iat"].GetInt64());
}

TEST_F(DevServerOidc, NoOpenidScopeNoIdToken) {
    start({"--setting", "auto_consent=true"});
    const auto tokens = sign_in("profile");
    ASSERT_EQ(tokens.status, 200) << tokens.body;
    EXPECT_FALSE(tokens.json().HasMember("id_token"));
}

TEST_F(DevServerOidc, RefreshWithOpenidReturnsAFreshIdToken) {
    start({"--setting", "auto_consent=true"});
    const auto tokens = sign_in("openid offline_access");
    const auto refreshed = token({{"grant_type", "refresh_token"},
                                  {"refresh_token", tokens.str("refresh_token")},
                                  {"client_id", kPublic}});
    ASSERT_EQ(refreshed.status, 200) << refreshed.body;
    EXPECT_FALSE(refreshed.str("id_token").empty());
}

TEST_F(DevServerOidc, UserinfoAnswersTheUsersClaims) {
    start({"--setting", "auto_consent=true", "--setting", "user_sub=u-42", "--setting",
           "user_email=u42@corp.example"});
    const auto tokens = sign_in("openid email");
    const auto info = userinfo(tokens.str("access_token"));
    ASSERT_EQ(info.status, 200) << info.body;
    EXPECT_EQ(info.str("sub"), "u-42");
    EXPECT_EQ(info.str("email"), "u42@corp.example");

    EXPECT_EQ(userinfo("dev-at-made-up").status, 401);
    EXPECT_NE(userinfo("dev-at-made-up").header("www-authenticate").find("invalid_token"),
              std::string::npos);
    const auto client_token = confidential_token({{"grant_type", "client_credentials"}});
    EXPECT_EQ(userinfo(client_token.str("access_token")).status, 403) << "no user behind it";
}

TEST_F(DevServerOidc, RevokingTheRefreshTokenKillsTheFamily) {
    start({"--setting", "auto_consent=true"});
    const auto tokens = sign_in("openid");
    const auto r = revoke({{"token", tokens.str("refresh_token")},
                           {"token_type_hint", "refresh_token"},
                           {"client_id", kPublic}});
    EXPECT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(userinfo(tokens.str("access_token")).status, 401);
    EXPECT_EQ(whoami(tokens.str("access_token")), 401);
    const auto refresh = token({{"grant_type", "refresh_token"},
                                {"refresh_token", tokens.str("refresh_token")},
                                {"client_id", kPublic}});
    EXPECT_EQ(refresh.str("error"), "invalid_grant");
    const auto stats = server().stats();
    EXPECT_EQ(stats["counters"]["revocation_requests"].GetInt(), 1);
    EXPECT_EQ(stats["counters"]["revoked_refresh_tokens"].GetInt(), 1);
    EXPECT_EQ(stats["counters"]["revoked_access_tokens"].GetInt(), 1);
}

TEST_F(DevServerOidc, RevokingAnAccessTokenWithoutAHintLeavesTheRefreshToken) {
    start();
    const auto tokens =
        confidential_token({{"grant_type", "client_credentials"}, {"scope", "offline_access"}});
    const auto r = post_form(url("/oauth2/revoke"), {{"token", tokens.str("access_token")},
                                                     {"client_id", kConfidential},
                                                     {"client_secret", kConfidentialSecret}});
    EXPECT_EQ(r.status, 200);
    EXPECT_EQ(whoami(tokens.str("access_token")), 401);
    EXPECT_EQ(confidential_token(
                  {{"grant_type", "refresh_token"}, {"refresh_token", tokens.str("refresh_token")}})
                  .status,
              200);
}

TEST_F(DevServerOidc, RevocationNeedsClientAuthAndLeavesOtherClientsTokensAlone) {
    start();
    const auto tokens = confidential_token({{"grant_type", "client_credentials"}});
    auto r = revoke({{"token", tokens.str("access_token")}});
    EXPECT_EQ(r.status, 401);
    EXPECT_EQ(r.str("error"), "invalid_client");
    r = revoke({{"token", tokens.str("access_token")}, {"client_id", kPublic}});
    EXPECT_EQ(r.status, 200) << "RFC 7009 §2.2: no hint about someone else's token";
    EXPECT_EQ(whoami(tokens.str("access_token")), 200);
    r = revoke({{"client_id", kPublic}});
    EXPECT_EQ(r.str("error"), "invalid_request");
    r = revoke({{"token", "dev-at-unknown"}, {"client_id", kPublic}});
    EXPECT_EQ(r.status, 200);
}

}  // namespace
}  // namespace latchkey::devtest
