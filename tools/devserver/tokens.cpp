#include "tokens.hpp"

#include <openssl/rand.h>

#include <array>
#include <chrono>
#include <stdexcept>

namespace devserver {
namespace {

constexpr std::size_t kTokenBytes = 32;

}  // namespace

std::string random_token_value(const char* prefix) {
    std::array<unsigned char, kTokenBytes> bytes{};
    if (RAND_bytes(bytes.data(), static_cast<int>(bytes.size())) != 1) {
        throw std::runtime_error("RAND_bytes failed");
    }
    // Lower-case hex keeps the token URL- and header-safe without any escaping.
    static constexpr char kDigits[] = "0123456789abcdef";
    std::string value = prefix;
    value.reserve(value.size() + 2 * bytes.size());
    for (const unsigned char b : bytes) {
        value.push_back(kDigits[b >> 4]);
        value.push_back(kDigits[b & 0x0f]);
    }
    return value;
}

std::int64_t now_epoch_seconds() {
    using namespace std::chrono;
    return duration_cast<seconds>(system_clock::now().time_since_epoch()).count();
}

std::string TokenStore::issue(TokenGrant grant) {
    std::string value = random_token_value("dev-at-");
    const std::int64_t now = now_epoch_seconds();
    std::lock_guard lock(mutex_);
    // Drop expired tokens as we go so a long test run does not grow without bound.
    std::erase_if(tokens_, [now](const auto& entry) { return entry.second.expires_at <= now; });
    tokens_.emplace(value, std::move(grant));
    return value;
}

std::optional<TokenGrant> TokenStore::lookup(const std::string& token) const {
    std::lock_guard lock(mutex_);
    const auto it = tokens_.find(token);
    if (it == tokens_.end() || it->second.expires_at <= now_epoch_seconds()) {
        return std::nullopt;
    }
    return it->second;
}

std::size_t TokenStore::revoke(const TokenFilter& filter) {
    std::lock_guard lock(mutex_);
    return std::erase_if(tokens_, [&](const auto& e) { return filter.matches(e.first, e.second); });
}

std::size_t TokenStore::expire(const TokenFilter& filter) {
    const std::int64_t now = now_epoch_seconds();
    std::lock_guard lock(mutex_);
    std::size_t n = 0;
    for (auto& [value, grant] : tokens_) {
        if (filter.matches(value, grant) && grant.expires_at > now) {
            grant.expires_at = now;
            ++n;
        }
    }
    return n;
}

void TokenStore::clear() {
    std::lock_guard lock(mutex_);
    tokens_.clear();
}

}  // namespace devserver
