// A site's `allow` key: who may read the site's credential through
// `latchkey agent`. The library only validates and carries the rules; the
// agent matches them against the caller the kernel names (SO_PEERCRED).
//
//   allow = [{ uid = 1000 }, { exe = "/usr/bin/git" }, { group = "deploy" }]
//
// A caller is allowed when any one rule matches. No `allow` key: the agent's
// own user only.
#pragma once

#include <string>
#include <vector>

#include "policy/policy.hpp"

namespace latchkey::policy {

struct AccessRule {
    std::string kind;   // "uid", "group" or "exe"
    std::string value;  // the uid in decimal, the group name, the absolute path
    SourcePos pos;
};

// Parses the value of `allow`; throws a config error at the offending
// element's file:line:column (not an array, an element that is not a table
// of exactly one known key, a negative uid, a relative exe path, ...).
std::vector<AccessRule> parse_access_rules(const Policy& policy, const toml::node& node);

// `[{uid = 1000}, {exe = "/usr/bin/git"}]`, for `config explain`.
std::string access_rules_text(const std::vector<AccessRule>& rules);

}  // namespace latchkey::policy
