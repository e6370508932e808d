// What the credential-helper commands (git-credential, docker-credential,
// kube-credential, aws-credential) share: a bounded read of the tool's
// request, and the user name a site presents with its token.
#pragma once

#include <cstddef>
#include <string>

#include "agent_use.hpp"
#include "command.hpp"

namespace latchkey::cli {

// A helper request is a few hundred bytes; anything past this is refused.
inline constexpr size_t kHelperInputCap = 64 * 1024;

// Standard input up to EOF. Throws a usage error when it is longer than
// `cap`, or when the tool has not closed it within `timeout_ms` (a helper
// never waits on a caller for ever).
std::string read_helper_input(size_t cap = kHelperInputCap, int timeout_ms = 5'000);

// The site's `token_username`, or "x-access-token".
std::string token_username(Context& ctx, const std::string& site);
// The same for the site of `c`: as the agent read it when the agent served `c`.
std::string token_username(Context& ctx, const SiteCredential& c);

// The site a request for `url` goes to: --at (or $LATCHKEY_SITE) when given,
// else the site whose url_patterns match; "" when none does or there is no
// policy file.
std::string site_for_request(Context& ctx, const std::string& url);

}  // namespace latchkey::cli
