// A site's `allow` rules against the caller the kernel named.
#pragma once

#include <sys/types.h>

#include <latchkey/admin.hpp>
#include <optional>
#include <string>
#include <vector>

#include "peer.hpp"

namespace latchkey::agent {

struct AccessDecision {
    bool allowed = false;
    std::string why;  // the rule that admitted the caller, or why none did
};

// `rules` is the site's `allow` list (none: only `agent_uid`). Any one rule
// admits: { uid }, { group } (the caller's primary or supplementary group,
// from /proc/PID/status), { exe } (the path /proc/PID/exe named at accept).
AccessDecision check_access(const std::optional<std::vector<admin::AccessRule>>& rules,
                            const Peer& peer, uid_t agent_uid);

}  // namespace latchkey::agent
