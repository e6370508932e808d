// `config check` warns about plain-http URLs that are not literally this
// machine: latchkey sends to them only if the name resolves to a loopback
// address, which the policy cannot promise.
#pragma once

#include <string>
#include <vector>

#include "policy/resolver.hpp"

namespace latchkey::admin {

// One line per such URL among the site's values.
std::vector<std::string> plain_http_warnings(const policy::ResolvedSite& site);

}  // namespace latchkey::admin
