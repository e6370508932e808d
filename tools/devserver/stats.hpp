// Counters that tests read through GET /admin/stats to check what reached the server.
#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <string>

#include "client_auth.hpp"

namespace devserver {

// Form parameters by name; a multimap because RFC 8707 lets `resource` repeat.
using ParamMap = std::multimap<std::string, std::string>;

struct ClientStats {
    std::uint64_t issued = 0;
    std::uint64_t basic = 0;  // successful authentications per method
    std::uint64_t post = 0;
    ParamMap last_params;  // of the last successful request, secrets removed
};

struct StatsSnapshot {
    std::uint64_t token_requests = 0;
    std::map<std::string, ClientStats> clients;
};

// Thread-safe; every member takes the one mutex, which is plenty for a test server.
class Stats {
 public:
    void count_token_request();
    void record_authentication(const std::string& client_id, AuthMethod method);
    // `params` must already have client_secret removed.
    void record_issued(const std::string& client_id, ParamMap params);
    StatsSnapshot snapshot() const;
    void clear();

 private:
    mutable std::mutex mutex_;
    StatsSnapshot data_;
};

}  // namespace devserver
