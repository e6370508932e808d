// The token manager end to end inside one process: a policy, the real
// test-counter plugin (which counts every acquire/refresh in a file and
// names its tokens tok-N), memory storage, and many threads.
#include <atomic>

#include "unit_support.hpp"

namespace {

using latchkey::ErrorKind;
using latchkey::LogLevel;
using namespace lkt;

class TokenManager : public CounterSite {};

TEST_F(TokenManager, SixtyFourThreadsOneAcquire) {
    auto host = open("delay_ms = 300\n");
    auto got = on_threads_together(64, [&](int) {
        try {
            return host.token("t").token();
        } catch (const std::exception& e) {
            return std::string("error: ") + e.what();
        }
    });
    EXPECT_EQ(calls(), 1);
    for (auto& g : got) EXPECT_EQ(g, "tok-1");
    // The credential as a caller sees it.
    auto c = host.token("t");
    EXPECT_EQ(c.header(), "Authorization: Bearer tok-1");
    EXPECT_EQ(c.extras().at("via"), "acquire");
    EXPECT_GT(c.expires_at_ms(), wall_ms());
}

TEST_F(TokenManager, SiteHandleServesTheSameSlot) {
    auto host = open("");
    auto site = host.site("t");
    EXPECT_EQ(site.name(), "t");
    EXPECT_EQ(site.token().token(), "tok-1");
    EXPECT_EQ(host.token("t").token(), "tok-1");
    EXPECT_EQ(calls(), 1);
}

TEST_F(TokenManager, RefreshAheadOneRefreshWhileOthersKeepTheValidToken) {
    // Lifetime 4s, window opens 3s before expiry (1s after issue); each
    // provider call takes 800 ms.
    auto host = open("lifetime = \"4s\"\nrefresh_before = \"3s\"\ndelay_ms = 800\n");
    auto first = host.token("t");
    ASSERT_EQ(first.token(), "tok-1");
    sleep_until_ms(first.obtained_at_ms() + 1000, 100);  // inside the window, far from expiry

    constexpr int N = 8;
    std::atomic<int> order{0};
    std::vector<int> finished(N);
    auto got = on_threads_together(N, [&](int i) {
        auto token = host.token("t").token();
        finished[i] = order++;
        return token;
    });

    int refreshers = 0, refresher_rank = -1, latest_other = -1;
    for (int i = 0; i < N; ++i) {
        if (got[i] == "tok-2")
            ++refreshers, refresher_rank = finished[i];
        else {
            EXPECT_EQ(got[i], "tok-1");
            latest_other = std::max(latest_other, finished[i]);
        }
    }
    EXPECT_EQ(refreshers, 1);
    // Nobody waited for the refresh: every other caller finished before it.
    EXPECT_GT(refresher_rank, latest_other);
    EXPECT_EQ(calls(), 2);
    auto now = host.token("t");
    EXPECT_EQ(now.token(), "tok-2");
    EXPECT_EQ(now.extras().at("via"), "refresh");
    EXPECT_EQ(calls(), 2);
}

TEST_F(TokenManager, OnceExpiredCallersWaitForOneFetch) {
    auto host = open("lifetime = \"1s\"\ndelay_ms = 300\n");
    auto first = host.token("t");
    ASSERT_EQ(first.token(), "tok-1");
    sleep_until_ms(first.expires_at_ms(), 100);

    auto got = on_threads_together(16, [&](int) { return host.token("t").token(); });
    for (auto& g : got) EXPECT_EQ(g, "tok-2");  // nobody got the expired one
    EXPECT_EQ(calls(), 2);
    EXPECT_EQ(host.token("t").extras().at("via"), "refresh");  // it had a refresh token
}

TEST_F(TokenManager, ExpiredOnArrivalIsFetchedEveryTime) {
    // lifetime 0: each credential is expired when it arrives, so no call may
    // be served from cache.
    auto host = open("lifetime = 0\n");
    EXPECT_EQ(host.token("t").token(), "tok-1");
    EXPECT_EQ(host.token("t").token(), "tok-2");
    EXPECT_EQ(host.token("t").token(), "tok-3");
    EXPECT_EQ(calls(), 3);
}

TEST_F(TokenManager, TransientFailuresAreRetriedAndSucceedOnTheThirdCall) {
    auto host = open("fail_transient = 2\n");
    auto c = host.token("t");
    EXPECT_EQ(c.token(), "tok-3");
    EXPECT_EQ(calls(), 3);
    EXPECT_EQ(log.count("retrying in"), 2u) << log.all();
    EXPECT_TRUE(log.contains("test-counter: transient failure 1 of 2")) << log.all();
}

TEST_F(TokenManager, TransientFailuresBeyondTheBudget) {
    auto host = open("fail_transient = 10\n");
    auto e = catch_error([&] { host.token("t"); });
    EXPECT_EQ(e.kind(), ErrorKind::transient);
    EXPECT_EQ(e.exit_code(), 1);
    EXPECT_EQ(std::string(e.what()), "site 't': test-counter: transient failure 4 of 10");
    EXPECT_EQ(calls(), 4);
}

TEST_F(TokenManager, AFailingRefreshInsideTheWindowKeepsServingTheValidToken) {
    auto host = open("lifetime = \"4s\"\nrefresh_before = \"3s\"\n");
    auto first = host.token("t");
    ASSERT_EQ(first.token(), "tok-1");
    sleep_until_ms(first.obtained_at_ms() + 1000, 100);
    // Break the provider: its counter file becomes a directory.
    std::filesystem::remove(count_);
    std::filesystem::create_directory(count_);
    EXPECT_EQ(host.token("t").token(), "tok-1");
    EXPECT_TRUE(
        log.contains("refresh failed, still serving the current credential until it expires"))
        << log.all();
    EXPECT_TRUE(log.contains("counter file")) << log.all();
    // Repair it: a later call (after the backoff) refreshes.
    std::filesystem::remove(count_);
    dir.write("count", "1\n");
    std::string latest;
    EXPECT_TRUE(wait_for([&] { return (latest = host.token("t").token()) == "tok-2"; }, 2500))
        << latest;
    EXPECT_EQ(host.token("t").extras().at("via"), "refresh");
}

TEST_F(TokenManager, RejectedRefreshFallsBackToAcquire) {
    auto host = open("lifetime = \"1s\"\nrefresh_rejected = true\n");
    auto first = host.token("t");
    ASSERT_EQ(first.token(), "tok-1");
    sleep_until_ms(first.expires_at_ms(), 100);
    auto c = host.token("t");
    EXPECT_EQ(c.token(), "tok-3");  // call 2 was the rejected refresh
    EXPECT_EQ(c.extras().at("via"), "acquire");
    EXPECT_EQ(calls(), 3);
    EXPECT_TRUE(log.contains(
        "the server refused the refresh token (test-counter: refresh rejected); refresh token "
        "dropped, acquiring anew"))
        << log.all();
}

TEST_F(TokenManager, RejectedAcquireIsNotRetried) {
    auto host = open("reject = true\n");
    auto e = catch_error([&] { host.token("t"); });
    EXPECT_EQ(e.kind(), ErrorKind::rejected);
    EXPECT_EQ(std::string(e.what()),
              "site 't': test-counter: rejected; check the credentials configured for this site");
    EXPECT_EQ(calls(), 1);
}

TEST_F(TokenManager, InvalidateMakesTheNextCallFetch) {
    auto host = open("");
    EXPECT_EQ(host.token("t").token(), "tok-1");
    EXPECT_EQ(host.token("t").token(), "tok-1");
    host.invalidate("t");
    EXPECT_EQ(host.token("t").token(), "tok-2");
    EXPECT_EQ(calls(), 2);
    // Invalidate also forgets what storage holds.
    EXPECT_EQ(host.token("t").extras().at("via"), "acquire");
}

TEST_F(TokenManager, ARefusedTokenIsRefreshedNotAcquiredAnew) {
    auto host = open("");
    EXPECT_EQ(host.token("t").token(), "tok-1");
    host.invalidate("t", "tok-1");
    auto next = host.token("t");
    EXPECT_EQ(next.token(), "tok-2");
    // The refresh token outlived the 401: no new login was needed.
    EXPECT_EQ(next.extras().at("via"), "refresh");
    EXPECT_EQ(calls(), 2);
}

TEST_F(TokenManager, ALate401ForAnOldTokenKeepsTheFreshOne) {
    auto host = open("");
    EXPECT_EQ(host.token("t").token(), "tok-1");
    host.invalidate("t", "tok-1");
    EXPECT_EQ(host.token("t").token(), "tok-2");
    // A request sent with tok-1 before the refresh comes back 401 now.
    host.invalidate("t", "tok-1");
    EXPECT_EQ(host.token("t").token(), "tok-2");
    EXPECT_EQ(calls(), 2);
}

TEST_F(TokenManager, EightThreadsRefusedTheSameTokenOneNewOne) {
    auto host = open("delay_ms = 100\n");
    ASSERT_EQ(host.token("t").token(), "tok-1");
    auto got = on_threads_together(8, [&](int) {
        host.invalidate("t", "tok-1");
        return host.token("t").token();
    });
    for (auto& g : got) EXPECT_EQ(g, "tok-2");
    EXPECT_EQ(calls(), 2);
}

TEST_F(TokenManager, MinimumValidityRefreshesEarlyOnlyWhenNeeded) {
    using std::chrono::seconds;
    auto host = open("lifetime = \"6s\"\n");
    auto first = host.token("t");
    EXPECT_EQ(first.token(), "tok-1");
    EXPECT_EQ(host.token("t", seconds(4)).token(), "tok-1");
    EXPECT_EQ(calls(), 1);
    // 3.5 s left: enough for an ordinary read, not for four seconds.
    sleep_until_ms(first.obtained_at_ms() + 2500, 100);
    EXPECT_EQ(host.token("t").token(), "tok-1");
    auto fresh = host.token("t", seconds(4));
    EXPECT_EQ(fresh.token(), "tok-2");
    EXPECT_EQ(fresh.extras().at("via"), "refresh");
    // No token of this server lives ten seconds: a fresh one is the best
    // there is, and asking again does not fetch again.
    EXPECT_EQ(host.token("t", seconds(10)).token(), "tok-2");
    EXPECT_EQ(host.site("t").token(seconds(4)).token(), "tok-2");
    EXPECT_EQ(calls(), 2);
}

TEST_F(TokenManager, EmptyRequiredOptionIsAConfigErrorNamingTheKey) {
    std::string text =
        "[storage]\nbackend = \"memory\"\n[sites.e]\nprovider = \"test-counter\"\n"
        "counter_file = \"\"\n";
    latchkey::HostOptions o;
    o.config_path = dir.write("empty.toml", text);
    o.plugin_dirs = {kGoodDir};
    o.log_sink = log.sink();
    auto h2 = latchkey::Host::open(o);
    auto e = catch_error([&] { h2.token("e"); });
    EXPECT_EQ(e.kind(), ErrorKind::config);
    std::string m = e.what();
    EXPECT_NE(m.find("counter_file"), std::string::npos) << m;
    EXPECT_NE(m.find("'e'"), std::string::npos) << m;
    // Found by the host at the value's position, not by the plugin's create().
    EXPECT_NE(m.find(where_value(*o.config_path, text, "counter_file = \"\"")), std::string::npos)
        << m;
}

}  // namespace
