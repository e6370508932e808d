// Scenario 3: 32 processes x 200 calls of `latchkey token` sharing one file
// store, with 1-second credentials and no injected failures: how many
// upstream fetches per credential lifetime the whole fleet makes.
//
//   expiries spanned     the run's duration / the credential lifetime
//   fetches per expiry   upstream token requests / expiries spanned. latchkey
//                        refreshes a 1 s credential at half its lifetime
//                        (token/refresh_plan.cpp), so a fleet that asks all
//                        the time fetches at most 2.0 per expiry when a
//                        single process fetches; a herd gives more.
//   duplicate fetches    credentials issued less than a quarter lifetime after
//                        the one before: fetched though a fresh one was stored.
#include <algorithm>
#include <atomic>
#include <cstdio>
#include <thread>

#include "cli_call.hpp"
#include "devserver.hpp"
#include "fault_proxy.hpp"
#include "scenarios.hpp"
#include "soak_support.hpp"
#include "temp_dir.hpp"

namespace soak {

bool run_herd(const HerdOptions& o) {
    latchkey::test::TempDir dir;
    latchkey::test::DevServer server(
        {"--client", kSoakClient, "--token-lifetime", std::to_string(o.lifetime_s)});
    FaultProxy proxy(server.url(), 0.0, 0);
    const std::string config = dir.write(
        "config.toml",
        soak_policy(proxy.token_url(),
                    "[storage]\nbackend = \"file\"\npath = \"" + dir.file("store") + "\"\n", "10s"));
    const auto env = environment_with({{"HOME", dir.path()},
                                       {"XDG_CONFIG_HOME", dir.file("config")},
                                       {"XDG_STATE_HOME", dir.file("state")},
                                       {"LATCHKEY_SOAK_SECRET", kSoakSecret}});
    const int64_t deadline = now_us() + static_cast<int64_t>(o.max_minutes * 60e6);
    std::atomic<long> calls{0}, failed{0};
    std::atomic<int64_t> first{INT64_MAX}, last{0};
    std::vector<std::thread> procs;
    for (int p = 0; p < o.processes; ++p)
        procs.emplace_back([&, p] {
            const std::string err = dir.file("err-" + std::to_string(p));
            for (int n = 0; n < o.calls && !stop_requested() && now_us() < deadline; ++n) {
                const CliCall c =
                    run_cli({LATCHKEY_CLI_PATH, "--config", config, "token"}, env, err, 30'000);
                ++calls;
                if (c.exit_code != 0 || c.out.empty()) {
                    if (failed++ == 0)
                        std::fprintf(stderr, "soak: herd: first failure: exit %d: %s\n",
                                     c.exit_code, first_line_of(err).c_str());
                }
                int64_t f = first.load();
                while (c.started_us < f && !first.compare_exchange_weak(f, c.started_us)) {
                }
                int64_t l = last.load();
                while (c.ended_us > l && !last.compare_exchange_weak(l, c.ended_us)) {
                }
            }
        });
    for (auto& t : procs) t.join();

    const ProxyCounts counts = proxy.counts();
    const double seconds = calls ? double(last.load() - first.load()) / 1e6 : 0.0;
    const double spanned = seconds / o.lifetime_s;
    const auto times = proxy.ledger().issue_times();
    long duplicates = 0;
    for (size_t i = 1; i < times.size(); ++i)
        if (times[i] - times[i - 1] < int64_t(o.lifetime_s) * 250'000) ++duplicates;

    const std::string scenario = std::to_string(o.processes) + " processes x " +
                                 std::to_string(o.calls) + " calls, one file store, " +
                                 std::to_string(o.lifetime_s) + " s credentials";
    row(scenario, "calls made (failed)",
        std::to_string(calls.load()) + " (" + std::to_string(failed.load()) + ")", "(0 failed)");
    row(scenario, "upstream token requests", std::to_string(counts.requests), "(info)");
    row(scenario, "expiries spanned (run time / lifetime)",
        fixed(spanned, 1) + " (" + fixed(seconds, 1) + " s)", "(info)");
    row(scenario, "fetches per expiry",
        spanned > 0 ? fixed(double(counts.requests) / spanned, 2) : "n/a",
        "<= 2.0 (one per half-life)");
    row(scenario, "duplicate fetches (issued < 1/4 lifetime after the previous)",
        std::to_string(duplicates), "0");
    return failed == 0 && duplicates == 0 && calls == long(o.processes) * o.calls;
}

}  // namespace soak
