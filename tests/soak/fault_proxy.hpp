// A fault-injecting proxy in front of the dev server's token endpoint, and
// the ledger of every credential the server issued through it.
//
// The dev server's own faults are armed for a count of requests; the soak
// needs a rate ("30 % of token requests fail"), so the proxy decides per
// request. It is also the server side's clock: the dev server keeps expiry in
// whole seconds (a 2 s token issued at 10.9 s is dead at 12 s), so the proxy
// notes, to the microsecond, when each successful answer left the server and
// computes the expiry the client was told: that moment + expires_in. A
// credential is "expired" by that measure, never by latchkey's own word.
#pragma once

#include <httplib.h>

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

namespace soak {

struct Issue {
    int64_t issued_us = 0;   // when the dev server's answer reached the proxy
    int64_t expires_us = 0;  // issued_us + expires_in
};

class Ledger {
 public:
    void add(const std::string& token, Issue issue);
    std::optional<Issue> find(const std::string& token) const;
    // The credential issued last before `t_us`, if any.
    std::optional<Issue> latest_before(int64_t t_us) const;
    std::vector<int64_t> issue_times() const;

 private:
    mutable std::mutex mu_;
    std::unordered_map<std::string, Issue> by_token_;
    std::map<int64_t, Issue> by_time_;
};

struct ProxyCounts {
    long requests = 0;  // token requests that reached the proxy (latchkey's upstream calls)
    long failed = 0;    // of which answered with an injected failure
    long issued = 0;    // of which the dev server answered with a credential
    std::map<std::string, long> by_fault;
};

class FaultProxy {
 public:
    // `fail_rate` of the token requests get, in equal shares, a 500 with an
    // OAuth error, a 503 HTML page, or a stall of `stall_ms` (longer than the
    // site's timeout) before a 504.
    FaultProxy(const std::string& upstream_url, double fail_rate, int stall_ms);
    ~FaultProxy();
    FaultProxy(const FaultProxy&) = delete;
    FaultProxy& operator=(const FaultProxy&) = delete;

    std::string token_url() const;
    const Ledger& ledger() const { return ledger_; }
    ProxyCounts counts() const;

 private:
    void handle(const httplib::Request& req, httplib::Response& res);

    std::string upstream_host_;
    int upstream_port_;
    double fail_rate_;
    int stall_ms_;
    int port_ = 0;
    httplib::Server server_;
    std::thread thread_;
    Ledger ledger_;
    mutable std::mutex counts_mu_;
    ProxyCounts counts_;
};

}  // namespace soak
