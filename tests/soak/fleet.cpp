// Scenario 1: 8 callers against a token endpoint that fails 30 % of the
// time and hands out 2-second credentials, for N minutes: 8 threads sharing
// one latchkey::Host, or 8 loops of `latchkey token` processes sharing the
// file store. Every answer is judged by the server side's ledger
// (fault_proxy.hpp), never by what latchkey says about its credential.
#include <latchkey/host.hpp>

#include <algorithm>
#include <cmath>
#include <atomic>
#include <cstdio>
#include <mutex>
#include <thread>

#include "cli_call.hpp"
#include "devserver.hpp"
#include "fault_proxy.hpp"
#include "scenarios.hpp"
#include "soak_support.hpp"
#include "temp_dir.hpp"

namespace soak {
namespace {

// What the callers saw, judged against the ledger.
class Judge {
 public:
    Judge(const Ledger& ledger, int64_t grace_us) : ledger_(ledger), grace_us_(grace_us) {}

    // A credential returned by a call that started at t0 and answered at t1.
    void success(const std::string& token, int64_t t0, int64_t t1) {
        ++calls_;
        const auto issue = ledger_.find(token);
        if (!issue) {
            ++unknown_;
            return;
        }
        const int64_t late = t1 - issue->expires_us;
        if (late <= 0) return;
        if (late > grace_us_) {
            // The first few, with when the call began: before the expiry
            // (it was in flight across it) or after (served stale at once).
            if (expired_++ < 10)
                std::fprintf(stderr,
                             "soak: late credential: returned %.1f ms after its expiry by a call "
                             "that began %.1f ms %s it and took %.1f ms\n",
                             double(late) / 1000.0,
                             std::abs(double(issue->expires_us - t0)) / 1000.0,
                             t0 < issue->expires_us ? "before" : "after", double(t1 - t0) / 1000.0);
        } else
            ++within_grace_;
        int64_t seen = max_late_us_.load();
        while (late > seen && !max_late_us_.compare_exchange_weak(seen, late)) {
        }
    }

    // A call that started at t0 and failed at t1: was there a credential,
    // issued before the call began, still valid when it failed?
    void failure(int64_t t0, int64_t t1, const std::string& reason) {
        ++calls_;
        ++failed_;
        const auto before = ledger_.latest_before(t0);
        if (before && before->expires_us > t1) ++failed_while_valid_;
        std::lock_guard g(mu_);
        if (reasons_.size() < 20 || reasons_.count(reason)) ++reasons_[reason];
    }

    void report(const std::string& scenario, const ProxyCounts& c, int64_t grace_us,
                bool& ok) const {
        row(scenario, "calls made", std::to_string(calls_.load()), "(info)");
        row(scenario, "calls failed (no valid credential existed)",
            std::to_string(failed_.load() - failed_while_valid_.load()), "(info)");
        row(scenario, "calls failed while a valid credential existed",
            std::to_string(failed_while_valid_.load()), "0");
        row(scenario,
            "expired credentials served (returned > " + std::to_string(grace_us / 1000) +
                " ms after the server-side expiry)",
            std::to_string(expired_.load()), "0");
        row(scenario,
            "returned 0-" + std::to_string(grace_us / 1000) + " ms after expiry (caller's scheduling)",
            std::to_string(within_grace_.load()), "(info)");
        row(scenario, "latest a credential was returned after its expiry",
            max_late_us_.load() ? fixed(double(max_late_us_.load()) / 1000.0, 1) + " ms" : "never",
            "(info)");
        row(scenario, "credentials the ledger does not know", std::to_string(unknown_.load()), "0");
        std::string faults;
        for (auto& [k, n] : c.by_fault) faults += (faults.empty() ? "" : ", ") + k + ": " + std::to_string(n);
        row(scenario, "upstream token requests",
            std::to_string(c.requests) + " (" + std::to_string(c.failed) + " failed by injection: " +
                faults + "; " + std::to_string(c.issued) + " credentials issued)",
            "(info)");
        ok = ok && failed_while_valid_ == 0 && expired_ == 0 && unknown_ == 0 && calls_ > 0;
    }

    std::map<std::string, long> reasons() const {
        std::lock_guard g(mu_);
        return reasons_;
    }

 private:
    const Ledger& ledger_;
    int64_t grace_us_;
    std::atomic<long> calls_{0}, failed_{0}, failed_while_valid_{0}, expired_{0},
        within_grace_{0}, unknown_{0};
    std::atomic<int64_t> max_late_us_{0};
    mutable std::mutex mu_;
    std::map<std::string, long> reasons_;
};

// Keeps a failure message short and free of varying numbers, so that equal
// causes count together.
std::string reason_of(std::string message) {
    for (auto& ch : message)
        if (ch >= '0' && ch <= '9') ch = '#';
    if (message.size() > 140) message = message.substr(0, 137) + "...";
    return message;
}

void pace(int pace_ms) {
    if (pace_ms <= 0) return;
    std::uniform_int_distribution<int64_t> d(0, int64_t(pace_ms) * 1000);
    sleep_us(d(rng()));
}

}  // namespace

bool run_fleet(const FleetOptions& o) {
    const std::string scenario =
        o.mode == "threads"
            ? std::to_string(o.workers) + " threads, one latchkey::Host"
            : std::to_string(o.workers) + " processes looping `latchkey token`, file store";
    latchkey::test::TempDir dir;
    latchkey::test::DevServer server(
        {"--client", kSoakClient, "--token-lifetime", std::to_string(o.lifetime_s)});
    // A stall outlasts the site's 1 s timeout, as a hung server would.
    FaultProxy proxy(server.url(), o.fail_rate, 1500);
    const bool threads = o.mode == "threads";
    const std::string storage =
        threads ? "[storage]\nbackend = \"memory\"\n"
                : "[storage]\nbackend = \"file\"\npath = \"" + dir.file("store") + "\"\n";
    const std::string config =
        dir.write("config.toml", soak_policy(proxy.token_url(), storage, "1s"));
    Judge judge(proxy.ledger(), int64_t(o.grace_ms) * 1000);
    const int64_t deadline = now_us() + static_cast<int64_t>(o.minutes * 60e6);
    auto running = [&](long n) { return !stop_requested() && now_us() < deadline && n < o.max_calls; };

    std::vector<std::thread> workers;
    if (threads) {
        setenv("LATCHKEY_SOAK_SECRET", kSoakSecret, 1);
        latchkey::HostOptions options;
        options.config_path = config;
        options.log_sink = [](latchkey::LogLevel, const std::string&) {};  // counted, not shown
        latchkey::Host host = latchkey::Host::open(options);
        for (int w = 0; w < o.workers; ++w)
            workers.emplace_back([&] {
                for (long n = 0; running(n); ++n) {
                    pace(o.pace_ms);
                    const int64_t t0 = now_us();
                    try {
                        const latchkey::Credential c = host.token("soak");
                        judge.success(c.token(), t0, now_us());
                    } catch (const std::exception& e) {
                        judge.failure(t0, now_us(), reason_of(e.what()));
                    }
                }
            });
        for (auto& t : workers) t.join();
    } else {
        const auto env = environment_with({{"HOME", dir.path()},
                                           {"XDG_CONFIG_HOME", dir.file("config")},
                                           {"XDG_STATE_HOME", dir.file("state")},
                                           {"LATCHKEY_SOAK_SECRET", kSoakSecret}});
        for (int w = 0; w < o.workers; ++w)
            workers.emplace_back([&, w] {
                const std::string err = dir.file("err-" + std::to_string(w));
                for (long n = 0; running(n); ++n) {
                    pace(o.pace_ms);
                    const CliCall c =
                        run_cli({LATCHKEY_CLI_PATH, "--config", config, "token"}, env, err, 30'000);
                    if (c.exit_code == 0 && !c.out.empty())
                        judge.success(c.out, c.started_us, c.answered_us ? c.answered_us : c.ended_us);
                    else
                        judge.failure(c.started_us, c.ended_us,
                                      c.hung ? std::string("hung for 30 s, killed")
                                             : "exit " + std::to_string(c.exit_code) + ": " +
                                                   reason_of(first_line_of(err)));
                }
            });
        for (auto& t : workers) t.join();
    }
    bool ok = true;
    judge.report(scenario, proxy.counts(), int64_t(o.grace_ms) * 1000, ok);
    for (auto& [reason, n] : judge.reasons())
        std::fprintf(stderr, "soak: %s: %ld failures: %s\n", scenario.c_str(), n, reason.c_str());
    return ok;
}

}  // namespace soak
