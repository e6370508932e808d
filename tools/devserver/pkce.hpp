// PKCE (RFC 7636), S256 only: the plain method gives no protection and is refused.
#pragma once

#include <string>

namespace devserver {

// §4.2: a code_challenge is BASE64URL(SHA256(verifier)): 43 base64url characters.
bool is_valid_code_challenge(const std::string& challenge);
// §4.1: 43 to 128 characters of [A-Z a-z 0-9 - . _ ~].
bool is_valid_code_verifier(const std::string& verifier);
// BASE64URL(SHA256(verifier)) == challenge, compared in constant time.
bool verifier_matches(const std::string& verifier, const std::string& challenge);

}  // namespace devserver
