#include "refresh_tokens.hpp"

namespace devserver {
namespace {

bool expired(const RefreshGrant& grant, std::int64_t now) {
    return grant.expires_at != 0 && grant.expires_at <= now;
}

// The filter reads TokenGrant's fields; a refresh grant has the same ones that matter.
bool matches(const TokenFilter& filter, const std::string& value, const RefreshGrant& grant) {
    TokenGrant probe;
    probe.client_id = grant.client_id;
    probe.family = grant.family;
    return filter.matches(value, probe);
}

}  // namespace

std::string RefreshStore::issue(RefreshGrant grant) {
    if (grant.family.empty()) {
        grant.family = random_token_value("fam-");
    }
    std::string value = random_token_value("dev-rt-");
    std::lock_guard lock(mutex_);
    tokens_.emplace(value, Entry{std::move(grant), State::active});
    return value;
}

Redeemed RefreshStore::redeem(const std::string& token, const std::string& client_id, bool rotate,
                              bool revoke_family) {
    std::lock_guard lock(mutex_);
    const auto it = tokens_.find(token);
    if (it == tokens_.end()) {
        return {RedeemOutcome::unknown, {}};
    }
    Entry& entry = it->second;
    // RFC 6749 §6: the token must have been issued to the authenticated client.
    if (entry.grant.client_id != client_id) {
        return {RedeemOutcome::wrong_client, {}};
    }
    switch (entry.state) {
        case State::revoked:
            return {RedeemOutcome::revoked, {}};
        case State::used:
            if (revoke_family) {
                for (auto& [value, other] : tokens_) {
                    if (other.grant.family == entry.grant.family) {
                        other.state = State::revoked;
                    }
                }
            }
            return {RedeemOutcome::replayed, entry.grant};
        case State::active:
            break;
    }
    if (expired(entry.grant, now_epoch_seconds())) {
        return {RedeemOutcome::expired, {}};
    }
    if (rotate) {
        entry.state = State::used;
    }
    return {RedeemOutcome::ok, entry.grant};
}

std::optional<RefreshGrant> RefreshStore::lookup(const std::string& token) const {
    std::lock_guard lock(mutex_);
    const auto it = tokens_.find(token);
    if (it == tokens_.end() || it->second.state != State::active ||
        expired(it->second.grant, now_epoch_seconds())) {
        return std::nullopt;
    }
    return it->second.grant;
}

std::optional<RefreshGrant> RefreshStore::find_any(const std::string& token) const {
    std::lock_guard lock(mutex_);
    const auto it = tokens_.find(token);
    if (it == tokens_.end()) {
        return std::nullopt;
    }
    return it->second.grant;
}

std::size_t RefreshStore::revoke(const TokenFilter& filter) {
    std::lock_guard lock(mutex_);
    std::size_t n = 0;
    for (auto& [value, entry] : tokens_) {
        if (entry.state != State::revoked && matches(filter, value, entry.grant)) {
            entry.state = State::revoked;
            ++n;
        }
    }
    return n;
}

std::size_t RefreshStore::expire(const TokenFilter& filter) {
    const std::int64_t now = now_epoch_seconds();
    std::lock_guard lock(mutex_);
    std::size_t n = 0;
    for (auto& [value, entry] : tokens_) {
        if (entry.state == State::active && !expired(entry.grant, now) &&
            matches(filter, value, entry.grant)) {
            entry.grant.expires_at = now;
            ++n;
        }
    }
    return n;
}

void RefreshStore::clear() {
    std::lock_guard lock(mutex_);
    tokens_.clear();
}

}  // namespace devserver
