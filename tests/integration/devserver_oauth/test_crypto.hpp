// Client-side crypto the tests need to act as real OAuth clients: PKCE challenges, and
// JWTs signed with RSA or EC keys made by the openssl CLI.
#pragma once

#include <string>

namespace latchkey::devtest {

std::string base64url(const std::string& bytes);
std::string base64url_decode(const std::string& text);
// BASE64URL(SHA256(verifier)), RFC 7636 §4.2.
std::string s256_challenge(const std::string& verifier);

// Verifies an RS256 compact JWS with the RSA key of a JWK's base64url `n` and `e`.
bool verify_rs256(const std::string& jwt, const std::string& n, const std::string& e);
// The decoded header (part 0) or payload (part 1) of a compact JWT.
std::string jwt_part(const std::string& jwt, int part);

// Makes a key pair with the openssl CLI in `dir`: "rsa" (2048) or "ec" (P-256). Writes
// NAME.key (private, PKCS#8 PEM) and NAME.pub (public PEM); returns false on failure.
bool make_key_pair(const std::string& dir, const std::string& name, const std::string& type);
// A compact JWS over `payload_json`, alg RS256 or ES256, signed with the PEM private key.
std::string sign_jwt(const std::string& private_key_pem_path, const std::string& alg,
                     const std::string& payload_json);

}  // namespace latchkey::devtest
