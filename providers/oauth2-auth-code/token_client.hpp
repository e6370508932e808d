// The code exchange of this provider (RFC 6749 §4.1.3, with the PKCE
// verifier of RFC 7636 §4.5), through the shared client authentication.
#ifndef LATCHKEY_AUTH_CODE_TOKEN_CLIENT_HPP
#define LATCHKEY_AUTH_CODE_TOKEN_CLIENT_HPP

#include <latchkey/provider.hpp>
#include <string>

#include "settings.hpp"

namespace latchkey::auth_code {

// Never throws TRANSIENT: the host would retry by acquiring again, which
// starts another browser login; a failed exchange is for the person to retry.
sdk::Credential exchange_code(const sdk::Host& host, const Settings& s,
                              const std::string& token_url, const std::string& code,
                              const std::string& redirect_uri, const std::string& code_verifier);

}  // namespace latchkey::auth_code

#endif  // LATCHKEY_AUTH_CODE_TOKEN_CLIENT_HPP
