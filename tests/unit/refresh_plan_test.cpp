// token::plan_refresh: when refreshing starts, as refresh_plan.hpp documents,
// and how refresh_before / refresh_at from the policy reach it.
#include "token/refresh_plan.hpp"

#include <limits>

#include "unit_support.hpp"

namespace {

using latchkey::detail::CredentialData;
using latchkey::token::plan_refresh;
using latchkey::token::RefreshPolicy;
using namespace lkt;

constexpr int64_t T0 = 1'700'000'000'000;  // some obtained_at

CredentialData cred(int64_t lifetime_ms) {
    CredentialData c;
    c.token = "t";
    c.obtained_at_ms = T0;
    c.expires_at_ms = lifetime_ms ? T0 + lifetime_ms : 0;
    return c;
}

int64_t planned(int64_t lifetime_ms, RefreshPolicy p = {}) {
    auto c = cred(lifetime_ms);
    plan_refresh(c, p);
    return c.refresh_at_ms;
}

TEST(RefreshPlan, NoExpiryNeverRefreshes) {
    EXPECT_EQ(planned(0), std::numeric_limits<int64_t>::max());
    EXPECT_EQ(planned(0, {60'000, std::nullopt}), std::numeric_limits<int64_t>::max());
}

TEST(RefreshPlan, DefaultIsATenthOfTheLifetimeAtMostFiveMinutes) {
    // One hour: the last five minutes (a tenth would be six).
    EXPECT_EQ(planned(3'600'000), T0 + 3'600'000 - 300'000);
    // One minute: the last six seconds.
    EXPECT_EQ(planned(60'000), T0 + 60'000 - 6'000);
    // One day: still five minutes.
    EXPECT_EQ(planned(86'400'000), T0 + 86'400'000 - 300'000);
}

TEST(RefreshPlan, RefreshBefore) {
    EXPECT_EQ(planned(3'600'000, {60'000, std::nullopt}), T0 + 3'600'000 - 60'000);
    EXPECT_EQ(planned(3'600'000, {600'000, std::nullopt}), T0 + 3'600'000 - 600'000);
    // More than the lifetime: refresh right away (never before it was obtained).
    EXPECT_EQ(planned(30'000, {60'000, std::nullopt}), T0);
    // Zero: still a moment before expiry, because a refresh takes time.
    EXPECT_EQ(planned(60'000, {0, std::nullopt}), T0 + 60'000 - 1'000);
    // Short lifetimes keep half of it.
    EXPECT_EQ(planned(1'000, {0, std::nullopt}), T0 + 500);
}

TEST(RefreshPlan, RefreshAtFraction) {
    EXPECT_EQ(planned(100'000, {std::nullopt, 0.75}), T0 + 75'000);
    EXPECT_EQ(planned(3'600'000, {std::nullopt, 0.5}), T0 + 1'800'000);
    // 99% would leave less than the one-second margin: clamped.
    EXPECT_EQ(planned(10'000, {std::nullopt, 0.99}), T0 + 9'000);
    // The fraction is of the lifetime, whatever refresh_before says.
    EXPECT_EQ(planned(100'000, {5'000, 0.75}), T0 + 75'000);
}

TEST(RefreshPlan, AlreadyExpiredCredential) {
    auto c = cred(0);
    c.expires_at_ms = T0 - 10;  // expired before it was obtained (clock skew)
    plan_refresh(c, {});
    EXPECT_LE(c.refresh_at_ms, c.expires_at_ms);
}

class RefreshPlanFromPolicy : public Isolated {};

TEST_F(RefreshPlanFromPolicy, SiteSettingsBecomeTheRefreshPolicy) {
    std::string text =
        "[defaults]\nrefresh_before = \"90s\"\n[storage]\nbackend = \"memory\"\n"
        "[sites.a]\nprovider = \"test-counter\"\ncounter_file = \"" +
        dir.file("a") +
        "\"\n"
        "[sites.b]\nprovider = \"test-counter\"\ncounter_file = \"" +
        dir.file("b") +
        "\"\n"
        "refresh_at = \"75%\"\n"
        "[sites.c]\nprovider = \"test-counter\"\ncounter_file = \"" +
        dir.file("c") +
        "\"\n"
        "refresh_before = \"2m\"\nlifetime = \"1h\"\n";
    auto host = open_host(dir.write("p.toml", text));
    auto& a = host->site("a");
    EXPECT_EQ(a.tokens->refresh_policy().before_ms, std::optional<int64_t>(90'000));
    EXPECT_FALSE(a.tokens->refresh_policy().at_fraction);
    auto& b = host->site("b");
    ASSERT_TRUE(b.tokens->refresh_policy().at_fraction);
    EXPECT_DOUBLE_EQ(*b.tokens->refresh_policy().at_fraction, 0.75);
    auto& c = host->site("c");
    EXPECT_EQ(c.tokens->refresh_policy().before_ms, std::optional<int64_t>(120'000));

    // A credential from site c (lifetime 1h) is planned 2 minutes before expiry.
    auto cred = c.tokens->token();
    EXPECT_EQ(cred.token(), "tok-1");
    auto stored = c.tokens->stored();
    ASSERT_TRUE(stored);
    EXPECT_EQ(stored->refresh_at_ms, stored->expires_at_ms - 120'000);
    // And from site b (1h default lifetime) at 75% of it.
    b.tokens->token();
    auto sb = b.tokens->stored();
    ASSERT_TRUE(sb);
    EXPECT_EQ(
        sb->refresh_at_ms,
        sb->obtained_at_ms + static_cast<int64_t>((sb->expires_at_ms - sb->obtained_at_ms) * 0.75));
}

}  // namespace
