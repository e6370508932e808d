// Refresh tokens (RFC 6749 §6) with rotation: each token belongs to a family (one chain
// of rotations from one authorization), so a replayed old token can revoke the chain
// the way real servers do (OAuth 2.0 Security BCP §4.14.2).
#pragma once

#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

#include "tokens.hpp"

namespace devserver {

struct RefreshGrant {
    std::string client_id;
    std::string scope;  // space-separated: the most a refresh may ask for
    std::string subject;
    std::string family;
    std::int64_t expires_at = 0;  // seconds since the epoch; 0 never expires
};

enum class RedeemOutcome { ok, unknown, expired, revoked, replayed, wrong_client };

struct Redeemed {
    RedeemOutcome outcome = RedeemOutcome::unknown;
    RefreshGrant grant;  // filled for ok and replayed
};

// Thread-safe.
class RefreshStore {
 public:
    // Returns the new token ("dev-rt-" + 64 hex digits). An empty family starts one.
    std::string issue(RefreshGrant grant);
    // Uses `token` for `client_id`. With `rotate` the token is spent (a second use is a
    // replay); a replay with `revoke_family` revokes every token of its family.
    Redeemed redeem(const std::string& token, const std::string& client_id, bool rotate,
                    bool revoke_family);
    std::optional<RefreshGrant> lookup(const std::string& token) const;
    // The grant of any token ever issued, spent, expired or revoked alike.
    std::optional<RefreshGrant> find_any(const std::string& token) const;
    // Revokes (or expires) the matching live tokens; returns how many.
    std::size_t revoke(const TokenFilter& filter);
    std::size_t expire(const TokenFilter& filter);
    void clear();

 private:
    enum class State { active, used, revoked };
    struct Entry {
        RefreshGrant grant;
        State state = State::active;
    };
    mutable std::mutex mutex_;
    std::unordered_map<std::string, Entry> tokens_;
};

}  // namespace devserver
