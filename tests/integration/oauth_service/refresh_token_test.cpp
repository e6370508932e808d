// oauth2-refresh-token against the dev server, which rotates refresh tokens
// and revokes the whole chain when an old one is replayed: the configured
// token is spent once, every rotated one is stored and used next, in later
// processes too.
#include <chrono>
#include <thread>

#include "oauth_fixture.hpp"

namespace latchkey::itest {
namespace {

const std::string kSeedVar = "INTEG_SEED_RT";

class OAuthRefreshToken : public OAuthTest {
 protected:
    void SetUp() override {
        start();
        seed_ = seed_refresh_token();
        env_[kSeedVar] = seed_;
        write_policy(rt_site("rt"));
    }

    std::string rt_site(const std::string& name, const std::string& extra = "") const {
        return site(name, "oauth2-refresh-token",
                    "token_url = \"" + server_->token_url() + "\"\n" + client_lines() +
                        "refresh_token = { env = \"" + kSeedVar + "\" }\n" + extra);
    }

    // `latchkey token` in a new process; returns the token (empty on failure).
    std::string token(const std::vector<std::string>& before = {}) {
        std::vector<std::string> args = before;
        args.push_back("token");
        auto r = lk(args);
        EXPECT_EQ(r.exit_code, 0) << r.err;
        std::string t = first_line(r.out);
        EXPECT_EQ(t.rfind("dev-at-", 0), 0u) << r.out;
        return t;
    }

    int refresh_grants() { return client_stat(kClient, "grants", "refresh_token"); }

    std::string seed_;
};

TEST_F(OAuthRefreshToken, FirstTokenSpendsTheConfiguredRefreshToken) {
    std::string t = token();
    EXPECT_EQ(whoami_status(t), 200);
    EXPECT_EQ(refresh_grants(), 1);
    // The configured token was rotated: the server now refuses it.
    auto replay =
        post_form(server_->token_url(), {{"grant_type", "refresh_token"}, {"refresh_token", seed_}},
                  kClient, kSecret);
    EXPECT_EQ(replay.status, 400) << replay.body;
    EXPECT_NE(replay.body.find("invalid_grant"), std::string::npos) << replay.body;
}

TEST_F(OAuthRefreshToken, EveryRefreshInANewProcessUsesTheStoredRotatedToken) {
    // Refresh on every call: the whole lifetime is inside the refresh window.
    write_policy(rt_site("rt", "refresh_before = \"2h\"\n"));
    std::vector<std::string> seen;
    for (int i = 0; i < 4; ++i) seen.push_back(token());
    // Four grants, each with the token the one before it stored: a replayed
    // (already rotated) token would have been refused and the chain revoked.
    EXPECT_EQ(refresh_grants(), 4);
    for (size_t i = 1; i < seen.size(); ++i) EXPECT_NE(seen[i], seen[i - 1]);
    EXPECT_EQ(whoami_status(seen.back()), 200);
    auto st = lk({"status"});
    EXPECT_EQ(st.exit_code, 0) << st.err;
    EXPECT_NE(st.out.find("oauth2-refresh-token"), std::string::npos) << st.out;
}

TEST_F(OAuthRefreshToken, AStoredValidTokenIsServedWithoutARefresh) {
    std::string first = token();
    std::string second = token();
    EXPECT_EQ(first, second);
    EXPECT_EQ(refresh_grants(), 1);
}

TEST_F(OAuthRefreshToken, AReplayedOldTokenKillsTheChainAndTheSpentSeedIsNotSentAgain) {
    // One-second access tokens: every call after a pause must refresh.
    start({"--token-lifetime", "1"});
    seed_ = seed_refresh_token();
    env_[kSeedVar] = seed_;
    write_policy(rt_site("rt"));
    token();
    std::this_thread::sleep_for(std::chrono::milliseconds(1200));
    token();
    ASSERT_EQ(refresh_grants(), 2);
    // Someone replays the configured (long rotated) token: the server
    // refuses it and revokes the whole chain, the stored token included.
    auto replay =
        post_form(server_->token_url(), {{"grant_type", "refresh_token"}, {"refresh_token", seed_}},
                  kClient, kSecret);
    EXPECT_EQ(replay.status, 400) << replay.body;

    // The stored token is refused; the configured one is known to be spent,
    // so it is not replayed again: the user is told to configure a new one.
    std::this_thread::sleep_for(std::chrono::milliseconds(1200));
    auto r = lk({"token"});
    EXPECT_EQ(r.exit_code, 1) << r.err;
    EXPECT_EQ(r.out, "");
    // Why first (the server refused the chain's token), then what to do.
    EXPECT_NE(r.err.find("site 'rt': the server refused the refresh token (token endpoint "
                         "refused the request: invalid_grant"),
              std::string::npos)
        << r.err;
    EXPECT_NE(r.err.find("the configured refresh_token was already exchanged"), std::string::npos)
        << r.err;
    EXPECT_NE(r.err.find("set 'refresh_token' to a new refresh token"), std::string::npos) << r.err;
    EXPECT_EQ(refresh_grants(), 2);  // nothing more was granted
    auto st = lk({"status"});
    EXPECT_NE(st.out.find("not logged in"), std::string::npos) << st.out;
}

TEST_F(OAuthRefreshToken, ANewConfiguredTokenStartsANewChain) {
    token();
    ASSERT_EQ(lk({"logout"}).exit_code, 0);
    // The spent seed is refused locally after logout too...
    auto again = lk({"token"});
    EXPECT_EQ(again.exit_code, 1) << again.err;
    EXPECT_NE(again.err.find("already exchanged"), std::string::npos) << again.err;
    // ...and a newly configured one works.
    std::string fresh = seed_refresh_token();
    auto r = lk({"token"}, {{kSeedVar, fresh}});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(first_line(r.out).rfind("dev-at-", 0), 0u) << r.out;
}

TEST_F(OAuthRefreshToken, AnUnknownConfiguredTokenIsRefusedWithTheServersWords) {
    const std::string bogus = "dev-rt-not-issued-Integ-0b9c";
    never_print(bogus);
    auto r = lk({"token"}, {{kSeedVar, bogus}});
    EXPECT_EQ(r.exit_code, 1) << r.err;
    EXPECT_EQ(r.out, "");
    EXPECT_NE(r.err.find("invalid_grant"), std::string::npos) << r.err;
    auto st = lk({"status"});
    EXPECT_NE(st.out.find("not logged in"), std::string::npos) << st.out;
}

}  // namespace
}  // namespace latchkey::itest
