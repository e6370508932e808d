// Counters that tests read through GET /admin/stats to check what reached the server.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>

#include "client_auth.hpp"

namespace devserver {

// Form parameters by name; a multimap because RFC 8707 lets `resource` repeat.
using ParamMap = std::multimap<std::string, std::string>;

struct ClientStats {
    std::uint64_t issued = 0;  // access tokens, whatever the grant
    // Successful authentications, indexed by AuthMethod.
    std::array<std::uint64_t, std::size(kAuthMethods)> auth_methods{};
    std::map<std::string, std::uint64_t> grants;  // access tokens issued per grant_type
    ParamMap last_params;                         // of the last successful request, secrets removed
};

struct StatsSnapshot {
    std::uint64_t token_requests = 0;
    std::map<std::string, ClientStats> clients;
    // Server-wide events by name ("revoked_access_tokens", "refresh_replays", ...).
    std::map<std::string, std::uint64_t> counters;
};

// Thread-safe; every member takes the one mutex, which is plenty for a test server.
class Stats {
 public:
    void count_token_request();
    void record_authentication(const std::string& client_id, AuthMethod method);
    // `params` must already have secrets removed (see without_secrets).
    void record_issued(const std::string& client_id, ParamMap params);
    void record_grant(const std::string& client_id, const std::string& grant_type);
    void count(const std::string& event, std::uint64_t n = 1);
    StatsSnapshot snapshot() const;
    void clear();

 private:
    mutable std::mutex mutex_;
    StatsSnapshot data_;
};

// The form parameters worth showing in /admin/stats: every value that is a secret or a
// token (client_secret, refresh_token, code, assertion ...) left out.
ParamMap without_secrets(const std::multimap<std::string, std::string>& form);

}  // namespace devserver
