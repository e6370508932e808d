// Seen (iss, jti) pairs of JWT assertions, so a replayed assertion is refused (RFC 7523
// §3 item 7). Entries go once their exp has passed.
#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <utility>

namespace devserver {

// Clock skew tolerated between a JWT's signer and this server, in seconds.
inline constexpr std::int64_t kLeeway = 5;

// Thread-safe.
class JtiCache {
 public:
    // True the first time the pair is presented.
    bool first_use(const std::string& issuer, const std::string& jti, std::int64_t exp);
    void clear();

 private:
    std::mutex mutex_;
    std::map<std::pair<std::string, std::string>, std::int64_t> seen_;
};

}  // namespace devserver
