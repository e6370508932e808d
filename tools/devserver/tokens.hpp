// Access tokens the server has issued, so /api/whoami and /oauth2/userinfo can tell a live
// token from a made-up, expired or revoked one.
#pragma once

#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

namespace devserver {

struct TokenGrant {
    std::string client_id;
    std::string scope;  // space-separated, as returned to the client
    std::optional<std::string> audience;
    std::vector<std::string> resources;  // RFC 8707 allows several resource parameters
    std::int64_t expires_at = 0;         // seconds since the epoch
    std::string subject;  // the user the token acts for; empty for a client's own token
    std::string family;   // the refresh-token family it came from; empty if none
};

// Which tokens an admin or revocation request is about; empty fields match everything.
struct TokenFilter {
    std::string token;
    std::string client_id;
    std::string family;
    bool matches(const std::string& value, const TokenGrant& grant) const {
        return (token.empty() || token == value) &&
               (client_id.empty() || client_id == grant.client_id) &&
               (family.empty() || family == grant.family);
    }
};

// 64 random hex digits after `prefix`. Throws std::runtime_error if the CSPRNG fails.
std::string random_token_value(const char* prefix);

// Seconds since the epoch; tokens carry wall-clock expiry because that is what
// clients compare expires_in against.
std::int64_t now_epoch_seconds();

// Thread-safe: httplib calls handlers from a thread pool.
class TokenStore {
 public:
    // Returns the new token value ("dev-at-" + 64 hex digits from RAND_bytes).
    // Throws std::runtime_error if the CSPRNG fails.
    std::string issue(TokenGrant grant);
    // nullopt for an unknown or expired token.
    std::optional<TokenGrant> lookup(const std::string& token) const;
    // Removes the matching tokens; returns how many.
    std::size_t revoke(const TokenFilter& filter);
    // Makes the matching tokens expired now (they stay known but fail like old ones).
    std::size_t expire(const TokenFilter& filter);
    void clear();

 private:
    mutable std::mutex mutex_;
    std::unordered_map<std::string, TokenGrant> tokens_;
};

}  // namespace devserver
