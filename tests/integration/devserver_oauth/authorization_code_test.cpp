// Authorization code + PKCE: /oauth2/authorize in its consent modes, its error answers
// (redirects and 400 pages), and the code exchange's checks.
#include <chrono>
#include <string>
#include <thread>

#include "oauth_test.hpp"
#include "test_crypto.hpp"

namespace latchkey::devtest {
namespace {

// A verifier of the RFC 7636 shape; the loopback redirect any native app would use.
const std::string kVerifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk-verifier";
const std::string kRedirect = "http://127.0.0.1:49152/callback";

class DevServerAuthorizationCode : public OAuthTest {
 protected:
    std::string authorize_url(const Fields& overrides = {}) {
        Fields fields{
            {"response_type", "code"},          {"client_id", kPublic},
            {"redirect_uri", kRedirect},        {"state", "st-123"},
            {"scope", "openid offline_access"}, {"code_challenge", s256_challenge(kVerifier)},
            {"code_challenge_method", "S256"}};
        for (const auto& [name, value] : overrides) {
            bool replaced = false;
            for (auto& field : fields) {
                if (field.first == name) {
                    field.second = value;
                    replaced = true;
                }
            }
            if (!replaced) fields.emplace_back(name, value);
        }
        std::erase_if(fields, [](const auto& f) { return f.second == "-"; });  // "-": drop
        return url("/oauth2/authorize?" + form_encode(fields));
    }
    Response exchange(const std::string& code, const Fields& overrides = {},
                      const std::string& client = kPublic) {
        Fields fields{{"grant_type", "authorization_code"},
                      {"code", code},
                      {"redirect_uri", kRedirect},
                      {"code_verifier", kVerifier},
                      {"client_id", client}};
        for (const auto& [name, value] : overrides) {
            for (auto& field : fields) {
                if (field.first == name) field.second = value;
            }
        }
        std::erase_if(fields, [](const auto& f) { return f.second == "-"; });
        return token(fields);
    }
    // The code from a 302 answer, checking it goes back to kRedirect with the state.
    std::string code_from(const Response& r) {
        EXPECT_EQ(r.status, 302) << r.body;
        const std::string location = r.header("location");
        EXPECT_EQ(location.rfind(kRedirect + "?", 0), 0u) << location;
        EXPECT_EQ(query_param(location, "state"), "st-123");
        EXPECT_EQ(query_param(location, "iss"), server().url());
        return query_param(location, "code");
    }
};

TEST_F(DevServerAuthorizationCode, AutoConsentRedirectsWithACodeThatBuysTokensOnce) {
    start({"--setting", "auto_consent=true"});
    const std::string code = code_from(get(authorize_url()));
    ASSERT_FALSE(code.empty());
    const auto tokens = exchange(code);
    ASSERT_EQ(tokens.status, 200) << tokens.body;
    EXPECT_EQ(tokens.str("scope"), "openid offline_access");
    EXPECT_FALSE(tokens.str("refresh_token").empty());
    const std::string access = tokens.str("access_token");
    EXPECT_EQ(get(url("/api/whoami"), {"Authorization: Bearer " + access}).status, 200);

    const auto reuse = exchange(code);
    EXPECT_EQ(reuse.status, 400);
    EXPECT_EQ(reuse.str("error"), "invalid_grant");
    // §4.1.2: the tokens the first exchange bought are revoked.
    EXPECT_EQ(get(url("/api/whoami"), {"Authorization: Bearer " + access}).status, 401);
    const auto refresh = token({{"grant_type", "refresh_token"},
                                {"refresh_token", tokens.str("refresh_token")},
                                {"client_id", kPublic}});
    EXPECT_EQ(refresh.str("error"), "invalid_grant");
}

TEST_F(DevServerAuthorizationCode, ConsentPageWaitsForTheAdminThenRedirects) {
    start();
    const auto page = get(authorize_url());
    EXPECT_EQ(page.status, 200);
    EXPECT_NE(page.body.find("pending"), std::string::npos);
    const auto pending = server().pending_authorizations();
    ASSERT_EQ(pending.size(), 1u);
    EXPECT_NE(page.body.find(pending.front()), std::string::npos) << "the page names the request";

    const std::string location = server().approve_authorization();
    EXPECT_EQ(query_param(location, "state"), "st-123");
    const std::string code = query_param(location, "code");
    // A second visit (the browser waiting on the page) gets the same redirect.
    const auto again = get(url("/oauth2/authorize?request_id=" + pending.front()));
    EXPECT_EQ(again.status, 302);
    EXPECT_EQ(again.header("location"), location);
    EXPECT_EQ(exchange(code).status, 200);
    EXPECT_TRUE(server().pending_authorizations().empty());
}

TEST_F(DevServerAuthorizationCode, ConsentFormButtonsDecide) {
    start();
    get(authorize_url());
    const std::string id = server().pending_authorizations().at(0);
    const auto r =
        post_form(url("/oauth2/authorize/decision"), {{"request_id", id}, {"action", "approve"}});
    EXPECT_EQ(exchange(code_from(r)).status, 200);
}

TEST_F(DevServerAuthorizationCode, DenialRedirectsWithAccessDenied) {
    start();
    get(authorize_url());
    const std::string location = server().deny_authorization();
    EXPECT_EQ(query_param(location, "error"), "access_denied");
    EXPECT_EQ(query_param(location, "state"), "st-123");
    EXPECT_TRUE(query_param(location, "code").empty());
}

TEST_F(DevServerAuthorizationCode, PkceMismatchAndMissingVerifierAreInvalidGrant) {
    start({"--setting", "auto_consent=true"});
    auto r = exchange(code_from(get(authorize_url())),
                      {{"code_verifier", "wrong-verifier-wrong-verifier-wrong-verifier-x"}});
    EXPECT_EQ(r.status, 400);
    EXPECT_EQ(r.str("error"), "invalid_grant");
    EXPECT_NE(r.str("error_description").find("code_verifier"), std::string::npos);
    r = exchange(code_from(get(authorize_url())), {{"code_verifier", "-"}});
    EXPECT_EQ(r.str("error"), "invalid_grant");
}

TEST_F(DevServerAuthorizationCode, PlainOrMissingChallengeIsRefusedByRedirect) {
    start({"--setting", "auto_consent=true"});
    auto r =
        get(authorize_url({{"code_challenge_method", "plain"}, {"code_challenge", kVerifier}}));
    ASSERT_EQ(r.status, 302);
    EXPECT_EQ(query_param(r.header("location"), "error"), "invalid_request");
    EXPECT_EQ(query_param(r.header("location"), "state"), "st-123");
    r = get(authorize_url({{"code_challenge_method", "-"}, {"code_challenge", "-"}}));
    ASSERT_EQ(r.status, 302);
    EXPECT_EQ(query_param(r.header("location"), "error"), "invalid_request");
    r = get(authorize_url({{"response_type", "token"}}));
    EXPECT_EQ(query_param(r.header("location"), "error"), "unsupported_response_type");
}

TEST_F(DevServerAuthorizationCode, PkceCanBeMadeOptional) {
    start({"--setting", "auto_consent=true", "--setting", "require_pkce=false"});
    const std::string code =
        code_from(get(authorize_url({{"code_challenge_method", "-"}, {"code_challenge", "-"}})));
    EXPECT_EQ(exchange(code, {{"code_verifier", "-"}}).status, 200);
}

TEST_F(DevServerAuthorizationCode, BadClientOrRedirectGetsAPageNotARedirect) {
    start({"--setting", "auto_consent=true"});
    for (const auto& bad : {Fields{{"redirect_uri", "https://attacker.example/cb"}},
                            Fields{{"redirect_uri", "http://127.0.0.1.attacker.example/cb"}},
                            Fields{{"redirect_uri", "http://127.0.0.1@attacker.example/cb"}},
                            Fields{{"redirect_uri", "-"}}, Fields{{"client_id", "nobody"}}}) {
        const auto r = get(authorize_url(bad));
        EXPECT_EQ(r.status, 400) << bad.front().second;
        EXPECT_TRUE(r.header("location").empty());
        EXPECT_NE(r.header("content-type").find("text/html"), std::string::npos);
    }
}

TEST_F(DevServerAuthorizationCode, LoopbackOnAnyPortAndRegisteredPasteRedirects) {
    start({"--setting", "auto_consent=true", "--setting",
           "redirect_uri." + kPublic + "=https://app.example/oauth/paste"});
    auto r = get(authorize_url({{"redirect_uri", "http://[::1]:6001/cb"}}));
    EXPECT_EQ(r.status, 302);
    EXPECT_EQ(r.header("location").rfind("http://[::1]:6001/cb?code=", 0), 0u);
    r = get(authorize_url({{"redirect_uri", "https://app.example/oauth/paste"}}));
    ASSERT_EQ(r.status, 302);
    const std::string code = query_param(r.header("location"), "code");
    EXPECT_EQ(exchange(code, {{"redirect_uri", "https://app.example/oauth/paste"}}).status, 200);
}

TEST_F(DevServerAuthorizationCode, ExchangeChecksRedirectClientAndExpiry) {
    start({"--setting", "auto_consent=true", "--setting", "auth_code_lifetime=0.5"});
    auto r =
        exchange(code_from(get(authorize_url())), {{"redirect_uri", "http://127.0.0.1:1/other"}});
    EXPECT_EQ(r.str("error"), "invalid_grant");
    r = token({{"grant_type", "authorization_code"},
               {"code", code_from(get(authorize_url()))},
               {"redirect_uri", kRedirect},
               {"code_verifier", kVerifier}},
              kConfidential + ":" + kConfidentialSecret);
    EXPECT_EQ(r.str("error"), "invalid_grant") << "issued to the public client";
    const std::string code = code_from(get(authorize_url()));
    std::this_thread::sleep_for(std::chrono::milliseconds(700));
    r = exchange(code);
    EXPECT_EQ(r.str("error"), "invalid_grant");
    EXPECT_NE(r.str("error_description").find("expired"), std::string::npos);
}

TEST_F(DevServerAuthorizationCode, ConfidentialClientExchangesWithBasic) {
    start({"--setting", "auto_consent=true"});
    const std::string code = code_from(get(authorize_url({{"client_id", kConfidential}})));
    const auto r = token({{"grant_type", "authorization_code"},
                          {"code", code},
                          {"redirect_uri", kRedirect},
                          {"code_verifier", kVerifier}},
                         kConfidential + ":" + kConfidentialSecret);
    EXPECT_EQ(r.status, 200) << r.body;
}

}  // namespace
}  // namespace latchkey::devtest
