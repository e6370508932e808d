#include "token/refresh_plan.hpp"

#include <algorithm>
#include <limits>

namespace latchkey::token {

void plan_refresh(detail::CredentialData& c, const RefreshPolicy& policy) {
    if (!c.expires_at_ms) {
        c.refresh_at_ms = std::numeric_limits<int64_t>::max();
        return;
    }
    int64_t lifetime = std::max<int64_t>(0, c.expires_at_ms - c.obtained_at_ms);
    int64_t at;
    if (policy.at_fraction)
        at = c.obtained_at_ms +
             static_cast<int64_t>(static_cast<double>(lifetime) * *policy.at_fraction);
    else if (policy.before_ms)
        at = c.expires_at_ms - *policy.before_ms;
    else
        at = c.expires_at_ms - std::min<int64_t>(lifetime / 10, 300'000);
    // Never later than shortly before expiry: a refresh needs a moment to
    // finish, and the hot path's coarse clock may lag a few milliseconds.
    int64_t latest = c.expires_at_ms -
                     std::max<int64_t>(kCoarseClockSlackMs, std::min<int64_t>(1000, lifetime / 2));
    c.refresh_at_ms = std::clamp(at, std::min(c.obtained_at_ms, latest), latest);
}

}  // namespace latchkey::token
