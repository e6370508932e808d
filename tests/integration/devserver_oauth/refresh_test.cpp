// grant_type=refresh_token: rotation, replay detection, the settings that change them,
// and the admin endpoints that seed, revoke and expire tokens.
#include <chrono>
#include <string>
#include <thread>

#include "oauth_test.hpp"

namespace latchkey::devtest {
namespace {

class DevServerRefresh : public OAuthTest {
 protected:
    Response refresh(const std::string& token, const Fields& extra = {}) {
        Fields fields{{"grant_type", "refresh_token"}, {"refresh_token", token}};
        fields.insert(fields.end(), extra.begin(), extra.end());
        return confidential_token(fields);
    }
    long whoami(const std::string& access_token) {
        return get(url("/api/whoami"), {"Authorization: Bearer " + access_token}).status;
    }
};

TEST_F(DevServerRefresh, EveryRefreshRotatesAndAReplayRevokesTheFamily) {
    start();
    const std::string seeded = server().seed_refresh_token(kConfidential, "read write");
    const auto first = refresh(seeded);
    ASSERT_EQ(first.status, 200) << first.body;
    const std::string rotated = first.str("refresh_token");
    ASSERT_FALSE(rotated.empty());
    EXPECT_NE(rotated, seeded);
    EXPECT_EQ(first.str("scope"), "read write");
    EXPECT_EQ(whoami(first.str("access_token")), 200);

    const auto replay = refresh(seeded);
    EXPECT_EQ(replay.status, 400);
    EXPECT_EQ(replay.str("error"), "invalid_grant");
    // The replay revoked the family: the rotated token and its access token are dead too.
    EXPECT_EQ(refresh(rotated).str("error"), "invalid_grant");
    EXPECT_EQ(whoami(first.str("access_token")), 401);
    EXPECT_EQ(server().stats()["counters"]["refresh_replays"].GetInt(), 1);
}

TEST_F(DevServerRefresh, ReplayCanLeaveTheFamilyAlone) {
    start({"--setting", "refresh_replay_revokes_family=false"});
    const std::string seeded = server().seed_refresh_token(kConfidential);
    const std::string rotated = refresh(seeded).str("refresh_token");
    EXPECT_EQ(refresh(seeded).str("error"), "invalid_grant");
    const auto next = refresh(rotated);
    EXPECT_EQ(next.status, 200) << next.body;
}

TEST_F(DevServerRefresh, WithoutRotationTheOldTokenStaysAndNoneIsReturned) {
    start({"--setting", "refresh_rotation=false"});
    const std::string seeded = server().seed_refresh_token(kConfidential);
    for (int i = 0; i < 2; ++i) {
        const auto r = refresh(seeded);
        ASSERT_EQ(r.status, 200) << r.body;
        EXPECT_FALSE(r.json().HasMember("refresh_token"));
    }
}

TEST_F(DevServerRefresh, PublicClientRefreshesWithItsClientId) {
    start();
    const std::string seeded = server().seed_refresh_token(kPublic, "read");
    const auto r =
        token({{"grant_type", "refresh_token"}, {"refresh_token", seeded}, {"client_id", kPublic}});
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_FALSE(r.str("refresh_token").empty());
}

TEST_F(DevServerRefresh, AnotherClientsTokenIsInvalidGrant) {
    start();
    const std::string seeded = server().seed_refresh_token(kPublic);
    const auto r = refresh(seeded);
    EXPECT_EQ(r.status, 400);
    EXPECT_EQ(r.str("error"), "invalid_grant");
}

TEST_F(DevServerRefresh, ScopeMayNarrowButNotWiden) {
    start();
    const std::string seeded = server().seed_refresh_token(kConfidential, "read write");
    const auto wider = refresh(seeded, {{"scope", "read admin"}});
    EXPECT_EQ(wider.status, 400);
    EXPECT_EQ(wider.str("error"), "invalid_scope");
    const auto narrower = refresh(seeded, {{"scope", "read"}});
    ASSERT_EQ(narrower.status, 200) << narrower.body;
    EXPECT_EQ(narrower.str("scope"), "read");
    // The rotated refresh token keeps the original grant.
    const auto again = refresh(narrower.str("refresh_token"));
    EXPECT_EQ(again.str("scope"), "read write");
}

TEST_F(DevServerRefresh, AdminRevokeAndExpireKillTokens) {
    start();
    const std::string revoked = server().seed_refresh_token(kConfidential);
    const std::string expired = server().seed_refresh_token(kConfidential);
    EXPECT_EQ(server().revoke_tokens(R"({"token":")" + revoked + R"("})"), 1);
    EXPECT_EQ(server().expire_tokens(R"({"token":")" + expired + R"("})"), 1);
    auto r = refresh(revoked);
    EXPECT_EQ(r.str("error"), "invalid_grant");
    EXPECT_NE(r.str("error_description").find("revoked"), std::string::npos) << r.body;
    r = refresh(expired);
    EXPECT_EQ(r.str("error"), "invalid_grant");
    EXPECT_NE(r.str("error_description").find("expired"), std::string::npos) << r.body;
}

TEST_F(DevServerRefresh, ExpiredSeedIsInvalidGrant) {
    start();
    const std::string seeded = server().seed_refresh_token(kConfidential, "", "", 1);
    std::this_thread::sleep_for(std::chrono::milliseconds(2100));
    EXPECT_EQ(refresh(seeded).str("error"), "invalid_grant");
}

TEST_F(DevServerRefresh, AdminExpireMakesAccessTokensFailAtWhoami) {
    start();
    const auto r = confidential_token({{"grant_type", "client_credentials"}});
    ASSERT_EQ(whoami(r.str("access_token")), 200);
    EXPECT_EQ(server().expire_tokens(R"({"type":"access_token"})"), 1);
    EXPECT_EQ(whoami(r.str("access_token")), 401);
}

TEST_F(DevServerRefresh, MissingOrUnknownTokenAnswersClearly) {
    start();
    auto r = confidential_token({{"grant_type", "refresh_token"}});
    EXPECT_EQ(r.status, 400);
    EXPECT_EQ(r.str("error"), "invalid_request");
    r = refresh("dev-rt-made-up");
    EXPECT_EQ(r.str("error"), "invalid_grant");
}

TEST_F(DevServerRefresh, ClientCredentialsIssuesOneOnlyWhenAsked) {
    start();
    auto r =
        confidential_token({{"grant_type", "client_credentials"}, {"scope", "offline_access"}});
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(refresh(r.str("refresh_token")).status, 200);
    server_.reset();
    start({"--setting", "client_credentials_refresh=true"});
    r = confidential_token({{"grant_type", "client_credentials"}});
    EXPECT_FALSE(r.str("refresh_token").empty()) << r.body;
}

TEST_F(DevServerRefresh, RefreshTokensStayOutOfTheStats) {
    start();
    const std::string seeded = server().seed_refresh_token(kConfidential);
    const auto r = refresh(seeded);
    ASSERT_EQ(r.status, 200);
    const auto stats = server().stats();
    EXPECT_FALSE(stats["clients"][kConfidential.c_str()]["last_params"].HasMember("refresh_token"));
    EXPECT_EQ(stats["clients"][kConfidential.c_str()]["grants"]["refresh_token"].GetInt(), 1);
}

}  // namespace
}  // namespace latchkey::devtest
