// The refresh token a policy configures is a seed: it is exchanged once,
// and from then on the provider owns the chain of rotated tokens in the
// store. Sending the seed again after it was rotated would be a replay that
// servers with reuse detection punish by revoking the whole chain, so the
// site's cache records that it was spent.
//
// The record is a fingerprint (std::hash) rather than the token: it only
// needs to tell whether the configured value changed since.
#ifndef LATCHKEY_REFRESH_TOKEN_SEED_TOKEN_HPP
#define LATCHKEY_REFRESH_TOKEN_SEED_TOKEN_HPP

#include <cstdint>
#include <functional>
#include <latchkey/common/text.hpp>
#include <latchkey/provider.hpp>
#include <optional>
#include <string>

namespace latchkey::refresh_token {

class SeedToken {
 public:
    SeedToken(const sdk::Host& host, std::string token) : host_(host), token_(std::move(token)) {
        host_.add_secret(token_);
    }

    const std::string& value() const { return token_; }

    // When this seed was spent, or nullopt when it never was.
    std::optional<int64_t> spent_at_ms() const {
        auto record = host_.cache_get(kCacheKey);
        if (!record) return std::nullopt;
        size_t space = record->find(' ');
        if (space == std::string::npos || record->substr(0, space) != fingerprint())
            return std::nullopt;  // another (older) seed was spent, not this one
        auto at = common::parse_non_negative(record->substr(space + 1));
        return at ? *at : 0;
    }

    // Records that the server accepted this seed.
    void mark_spent() const {
        host_.cache_put(kCacheKey, fingerprint() + " " + std::to_string(host_.now_ms()), 0);
    }

 private:
    static constexpr const char* kCacheKey = "spent seed refresh_token";

    std::string fingerprint() const { return std::to_string(std::hash<std::string>{}(token_)); }

    const sdk::Host& host_;
    std::string token_;
};

}  // namespace latchkey::refresh_token

#endif  // LATCHKEY_REFRESH_TOKEN_SEED_TOKEN_HPP
