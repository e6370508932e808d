// PKCE (RFC 7636) and the `state` value of one authorization request.
#ifndef LATCHKEY_AUTH_CODE_PKCE_HPP
#define LATCHKEY_AUTH_CODE_PKCE_HPP

#include <latchkey/provider.hpp>
#include <string>

namespace latchkey::auth_code {

struct RequestSecrets {
    // 43 base64url characters from 32 random bytes (RFC 7636 §4.1): sent
    // only to the token endpoint, so a stolen code is worth nothing alone.
    std::string code_verifier;
    // base64url(SHA-256(code_verifier)), method S256 (§4.2).
    std::string code_challenge;
    // Binds the callback to this request (RFC 6749 §10.12).
    std::string state;
};

// Fresh values from the host's secure random source. The verifier is
// registered for redaction; the state and the challenge travel in the address
// the person sees, so they are not secrets.
RequestSecrets new_request_secrets(const sdk::Host& host);

// base64url(SHA-256(verifier)), the S256 challenge for `verifier`.
std::string s256_challenge(const sdk::Host& host, const std::string& verifier);

}  // namespace latchkey::auth_code

#endif  // LATCHKEY_AUTH_CODE_PKCE_HPP
