// The server's ID token signing key: RSA 2048, made on first use (so servers that never
// issue an ID token start fast), published at /oauth2/jwks.
#pragma once

#include <openssl/evp.h>

#include <memory>
#include <mutex>
#include <string>
#include <string_view>

namespace devserver {

class SigningKey {
 public:
    // A compact JWS (RS256) over `payload_json`, with the key's kid in the header.
    std::string sign_jwt(std::string_view payload_json);
    // {"kty":"RSA","use":"sig","alg":"RS256","kid":..,"n":..,"e":..}
    std::string public_jwk_json();

 private:
    EVP_PKEY* key();  // throws std::runtime_error if OpenSSL cannot make one

    std::once_flag once_;
    std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> pkey_{nullptr, EVP_PKEY_free};
    std::string kid_;
};

}  // namespace devserver
