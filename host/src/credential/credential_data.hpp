// The immutable payload behind latchkey::Credential.
#pragma once

#include <cstdint>
#include <limits>
#include <map>
#include <set>
#include <string>

#include "util/secure_memory.hpp"

namespace latchkey::detail {

struct CredentialData {
    CredentialData() = default;
    CredentialData(const CredentialData&) = default;
    CredentialData(CredentialData&&) = default;
    CredentialData& operator=(const CredentialData&) = default;
    CredentialData& operator=(CredentialData&&) = default;
    // A dropped credential leaves no token in freed memory (extras too: an
    // ID token is kept there).
    ~CredentialData() {
        util::wipe(token);
        util::wipe(refresh_token);
        for (auto& [key, value] : extras) util::wipe(value);
    }

    std::string token;
    std::string token_type = "Bearer";
    std::string header_name = "Authorization";
    std::string refresh_token;
    int64_t expires_at_ms = 0;  // 0 = does not expire
    int64_t obtained_at_ms = 0;
    std::map<std::string, std::string> extras;
    // The keys of `extras` whose value is JSON text (typed extras, ABI 1.3):
    // stored and shown as JSON, not as a string holding it.
    std::set<std::string> json_extras;
    // When the token manager starts refreshing; computed from the policy.
    int64_t refresh_at_ms = std::numeric_limits<int64_t>::max();
    // The agent's socket when a running agent served it (never stored).
    std::string agent_socket;

    bool expired_at(int64_t now_ms) const { return expires_at_ms && now_ms >= expires_at_ms; }
};

}  // namespace latchkey::detail
