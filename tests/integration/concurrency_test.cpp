// Several `latchkey token` processes started at once share the file store:
// one of them fetches (the token endpoint answers slowly), the others wait for
// its lock and read what it stored. The server issues exactly one token.
#include <condition_variable>
#include <mutex>
#include <chrono>
#include <thread>

#include "cli_test.hpp"

namespace latchkey::itest {
namespace {

class SharedStore : public DevServerTest, public ::testing::WithParamInterface<int> {};

TEST_P(SharedStore, ConcurrentProcessesShareOneFetch) {
    const int n = GetParam();
    write_cc_policy();
    server_.fault("delay", -1, 0, /*delay_ms=*/500);

    std::vector<RunResult> results(static_cast<size_t>(n));
    RunOptions o = options();
    o.timeout_ms = 60'000;
    std::vector<std::string> args{"--config", policy(), "token"};

    // Every thread starts its process as soon as all are ready.
    std::mutex mu;
    std::condition_variable cv;
    int ready = 0;
    bool go = false;
    std::vector<std::thread> threads;
    for (int i = 0; i < n; ++i)
        threads.emplace_back([&, i] {
            {
                std::unique_lock lock(mu);
                ++ready;
                cv.notify_all();
                cv.wait(lock, [&] { return go; });
            }
            results[static_cast<size_t>(i)] = test::latchkey(args, o);
        });
    {
        std::unique_lock lock(mu);
        cv.wait(lock, [&] { return ready == n; });
        go = true;
        cv.notify_all();
    }
    for (auto& t : threads) t.join();

    std::string token;
    for (int i = 0; i < n; ++i) {
        const RunResult& r = results[static_cast<size_t>(i)];
        record(args, r);
        EXPECT_FALSE(r.timed_out) << "process " << i;
        ASSERT_EQ(r.exit_code, 0) << "process " << i << ": " << r.err;
        std::string t = first_line(r.out);
        EXPECT_EQ(t.rfind("dev-at-", 0), 0u) << r.out;
        if (token.empty()) token = t;
        EXPECT_EQ(t, token) << "process " << i << " got another token";
    }
    EXPECT_EQ(server_.issued(kClient), 1);
    EXPECT_EQ(token_requests(), 1);
    EXPECT_EQ(whoami("Authorization: Bearer " + token).status, 200);
}

INSTANTIATE_TEST_SUITE_P(Concurrency, SharedStore, ::testing::Values(2, 8),
                         [](const auto& info) { return std::to_string(info.param) + "_processes"; });

class StoreRaces : public DevServerTest {};

TEST_F(StoreRaces, ConcurrentLogoutAndTokenNeverCorruptTheStore) {
    // Interleaved writers and erasers: every `token` either reads a complete
    // record or fetches a new one; none fails.
    write_cc_policy();
    ASSERT_EQ(lk({"token"}).exit_code, 0);
    RunOptions o = options();
    std::vector<std::thread> threads;
    std::vector<RunResult> results(8);
    for (size_t i = 0; i < results.size(); ++i)
        threads.emplace_back([&, i] {
            std::vector<std::string> args{"--config", policy(), i % 2 ? "logout" : "token"};
            results[i] = test::latchkey(args, o);
        });
    for (auto& t : threads) t.join();
    for (size_t i = 0; i < results.size(); ++i) {
        record({"--config", policy(), i % 2 ? "logout" : "token"}, results[i]);
        EXPECT_EQ(results[i].exit_code, 0) << results[i].err;
    }
    auto st = lk({"status"});
    EXPECT_EQ(st.exit_code, 0) << st.err;
    auto t = lk({"token"});
    ASSERT_EQ(t.exit_code, 0) << t.err;
    EXPECT_EQ(whoami("Authorization: Bearer " + first_line(t.out)).status, 200);
}

TEST_F(StoreRaces, ProcessesInTheRefreshWindowRefreshOnce) {
    // 4 s tokens: the refresh window opens 1 s before expiry.
    test::DevServer server({"--client", kClient + ":" + kSecret, "--token-lifetime", "4"});
    write_policy(
        "[sites.dev]\nprovider = \"oauth2-client-credentials\"\ntoken_url = \"" + server.token_url() +
        "\"\nclient_id = \"" + kClient + "\"\nclient_secret = { env = \"" + kSecretVar + "\" }\n");
    auto first = lk({"token"});
    ASSERT_EQ(first.exit_code, 0) << first.err;
    std::this_thread::sleep_for(std::chrono::milliseconds(3200));
    server.fault("delay", -1, 0, 300);

    RunOptions o = options();
    std::vector<std::string> args{"--config", policy(), "token"};
    std::vector<RunResult> results(6);
    std::vector<std::thread> threads;
    for (auto& r : results) threads.emplace_back([&] { r = test::latchkey(args, o); });
    for (auto& t : threads) t.join();
    std::string fresh;
    for (auto& r : results) {
        record(args, r);
        ASSERT_EQ(r.exit_code, 0) << r.err;
        if (fresh.empty()) fresh = r.out;
        EXPECT_EQ(r.out, fresh);
    }
    EXPECT_NE(fresh, first.out);
    EXPECT_EQ(server.issued(kClient), 2);
}

}  // namespace
}  // namespace latchkey::itest
