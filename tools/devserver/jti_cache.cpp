#include "jti_cache.hpp"

#include "tokens.hpp"

namespace devserver {

bool JtiCache::first_use(const std::string& issuer, const std::string& jti, std::int64_t exp) {
    const std::int64_t now = now_epoch_seconds();
    std::lock_guard lock(mutex_);
    std::erase_if(seen_, [now](const auto& entry) { return entry.second + kLeeway < now; });
    return seen_.emplace(std::pair{issuer, jti}, exp).second;
}

void JtiCache::clear() {
    std::lock_guard lock(mutex_);
    seen_.clear();
}

}  // namespace devserver
