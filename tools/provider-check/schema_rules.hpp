// What a provider's option schema must say, from docs/option-names.md and
// the option flags of provider.h: each rule returns the problems it finds,
// one line per option, naming the option.
#pragma once

#include <string>
#include <vector>

#include "policy/option_spec.hpp"

namespace latchkey::check {

using Problems = std::vector<std::string>;

// snake_case, the suffix that tells the type (*_file/_dir paths, *_timeout
// and *_lifetime durations, *_passphrase), no disable_/no_ booleans.
Problems option_name_problems(const std::vector<policy::OptionSpec>& schema);
// Options whose name says "secret" (client_secret, api_key, *_passphrase,
// password, refresh_token) without LATCHKEY_OPTF_SECRET.
Problems unflagged_secrets(const std::vector<policy::OptionSpec>& schema);
// Options whose name says "who" (client_id, username, app_id, issuer,
// token_url, scopes, ...) without LATCHKEY_OPTF_IDENTITY: a changed value
// would be served the previous principal's cached token.
Problems unflagged_identities(const std::vector<policy::OptionSpec>& schema);

}  // namespace latchkey::check
