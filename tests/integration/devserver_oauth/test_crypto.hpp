// Client-side crypto the tests need to act as real OAuth clients: PKCE challenges, and
// JWTs signed with RSA or EC keys made by the openssl CLI.
#pragma once

#include <string>

namespace latchkey::devtest {

std::string base64url(const std::string& bytes);
std::string base64url_decode(const std::string& text);
// BASE64URL(SHA256(verifier)), RFC 7636 §4.2.
std::string s256_challenge(const std::string& verifier);

}  // namespace latchkey::devtest
