// Access tokens the server has issued, so /api/whoami can tell a live token from a made-up one.
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
};

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
    void clear();

 private:
    mutable std::mutex mutex_;
    std::unordered_map<std::string, TokenGrant> tokens_;
};

}  // namespace devserver
