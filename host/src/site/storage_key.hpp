// Which identity a stored credential belongs to.
#pragma once

#include <string>

#include "policy/resolver.hpp"

namespace latchkey::site {

// SITE.HASH16: the first 16 hex digits of a SHA-256 over the provider and
// every identity-relevant option (OptionSpec::identity). A changed client,
// user, issuer or scope set gets a new key, so it never picks up another
// identity's token.
std::string storage_key_for(const policy::ResolvedSite& site);

}  // namespace latchkey::site
