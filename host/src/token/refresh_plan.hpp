// When to start refreshing a credential.
#pragma once

#include <cstdint>
#include <optional>

#include "credential/credential_data.hpp"

namespace latchkey::token {

// How far CLOCK_REALTIME_COARSE may lag the real clock (a few kernel ticks).
constexpr int64_t kCoarseClockSlackMs = 20;

struct RefreshPolicy {
    std::optional<int64_t> before_ms;   // refresh_before = "60s"
    std::optional<double> at_fraction;  // refresh_at = "75%"
};

// Sets c.refresh_at_ms. Without a policy the window scales with the token's
// lifetime: a tenth of it, at most five minutes (a one-hour token refreshes
// in its last five minutes, a one-minute token in its last six seconds).
void plan_refresh(detail::CredentialData& c, const RefreshPolicy& policy);

}  // namespace latchkey::token
