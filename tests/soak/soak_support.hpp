// Small pieces every soak scenario shares: the wall clock in microseconds,
// a stop flag set by Ctrl-C, free ports and redis-server on 127.0.0.1, and
// the report rows tools/soak prints as a Markdown table.
#pragma once

#include <cstdint>
#include <memory>
#include <random>
#include <string>

#include "process.hpp"

namespace soak {

// CLOCK_REALTIME in microseconds: the clock the server's expiry is told in.
int64_t now_us();

// Set by SIGINT/SIGTERM: every loop checks it and winds down, so servers
// are stopped by their destructors instead of being left behind.
void install_stop_handler();
bool stop_requested();
// Sleeps `us`, returning early (false) when a stop was requested.
bool sleep_us(int64_t us);

int free_port();

// redis-server on 127.0.0.1:free port, no persistence, stopped on destruction.
class RedisServer {
 public:
    explicit RedisServer(const std::string& dir);
    std::string url() const { return "redis://127.0.0.1:" + std::to_string(port_) + "/0"; }

 private:
    int port_;
    std::unique_ptr<latchkey::test::Child> child_;
};

// One line of the figures table: | scenario | figure | value | goal |
void row(const std::string& scenario, const std::string& figure, const std::string& value,
         const std::string& goal = "");
std::string fixed(double v, int decimals);

// A seeded generator per thread.
std::mt19937_64& rng();

}  // namespace soak

namespace soak {

// The policy every dev-server scenario uses: one oauth2-client-credentials
// site "soak" (client soak, secret from LATCHKEY_SOAK_SECRET) at `token_url`,
// with the given [storage] section and per-request timeout.
std::string soak_policy(const std::string& token_url, const std::string& storage_section,
                        const std::string& timeout);
extern const char* const kSoakClient;  // "--client" argument for the dev server
extern const char* const kSoakSecret;

}  // namespace soak
