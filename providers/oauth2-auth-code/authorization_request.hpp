// The authorization request (RFC 6749 §4.1.1 with RFC 7636 §4.3): the
// address the browser opens.
#ifndef LATCHKEY_AUTH_CODE_AUTHORIZATION_REQUEST_HPP
#define LATCHKEY_AUTH_CODE_AUTHORIZATION_REQUEST_HPP

#include <latchkey/provider.hpp>
#include <string>

#include "pkce.hpp"
#include "settings.hpp"

namespace latchkey::auth_code {

// `endpoint` is the authorization endpoint (configured or discovered).
std::string authorization_address(const sdk::Host& host, const Settings& s,
                                  const std::string& endpoint, const std::string& redirect_uri,
                                  const RequestSecrets& secrets);

}  // namespace latchkey::auth_code

#endif  // LATCHKEY_AUTH_CODE_AUTHORIZATION_REQUEST_HPP
